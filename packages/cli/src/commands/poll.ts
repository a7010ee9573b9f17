import type { OutputOf } from "@hrdkit/sdk";
import type { Command } from "commander";
import type { App } from "../app.js";
import { InputIssues } from "../hrd/issues.js";

type PollMessage = NonNullable<OutputOf<"poll/get">>;

interface PollOptions {
  follow?: boolean;
  ack: boolean;
  interval: string;
}

/** `hrdkit poll`: HRD's event queue (actions finished, transfers, …), printed and acknowledged. */
export function registerPoll(program: Command, app: App): void {
  program
    .command("poll")
    .description(
      "read HRD's event queue (finished actions, transfers, expiries): print each event, then acknowledge it",
    )
    .option("-f, --follow", "keep waiting for new events until Ctrl-C (then exit 0)")
    .option(
      "--no-ack",
      "leave events in the queue (HRD repeats the head until it is acknowledged: shows it once)",
    )
    .option("--interval <seconds>", "with --follow: seconds between reads of an empty queue (0.1–3600)", "5")
    .addHelpText(
      "after",
      `
An event is acknowledged only after it was printed, so one never goes missing: stopped between the
two, it is printed again next time. Human lines: date, action, object, name or id, event id.

Examples:
  $ hrdkit poll
  $ hrdkit poll --follow --interval 30 --json >> events.jsonl
  $ hrdkit poll --no-ack   # look at the head of the queue, leave it there`,
    )
    .action(async (opts: PollOptions, cmd: Command) => {
      const issues = new InputIssues();
      const seconds = Number(opts.interval);
      if (!/^\s*\d+(\.\d+)?\s*$/.test(opts.interval) || !(seconds >= 0.1 && seconds <= 3600)) {
        issues.add("--interval", `must be a number of seconds from 0.1 to 3600 (got "${opts.interval}")`);
      }
      issues.throwIfAny("hrdkit poll");
      const out = app.output(cmd);
      const client = app.hrd(cmd);
      const signal = app.io.signal;
      const follow = opts.follow === true;
      let printed = 0;
      let lastShown: number | undefined;
      try {
        for (;;) {
          const msg = await client.poll.get(undefined, { signal });
          // Without --ack the head stays; a head already shown means nothing new has arrived.
          if (msg && msg.id !== lastShown) {
            out.result(msg, () => describe(msg));
            printed++;
            lastShown = msg.id;
            if (opts.ack) await client.poll.ack({ id: msg.id }, { signal });
            continue;
          }
          if (!follow) break;
          await sleep(seconds * 1000, signal);
        }
      } catch (err) {
        // Ctrl-C is how --follow ends: a normal stop (exit 0), the last event printed was acknowledged
        // or will be printed again next time.
        if (!(follow && signal.aborted)) throw err;
      }
      if (printed === 0 && !follow) out.note("the poll queue is empty");
    });
}

function describe(m: PollMessage): string {
  const what = m.objectName ?? (m.objectId !== undefined ? `#${m.objectId}` : "");
  return `${m.added}  ${m.action} ${m.object}${what ? ` ${what}` : ""}  (event ${m.id})`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
