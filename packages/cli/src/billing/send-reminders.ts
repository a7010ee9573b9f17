/**
 * `hrdkit billing send-reminders`: the bridge's `reminders` job, run now under its lease (the
 * dashboard shows the run): `renewal.due` / `domain.expired` events and the customers' reminder
 * notices, each once per service, term and step. Then, when this machine has the notices'
 * channels configured (HRDKIT_SMTP_URL, HRDKIT_SMSAPI_TOKEN), the bridge's outbox job once to send
 * them; otherwise they wait in the outbox for the bridge to send.
 */
import type { App } from "../app.js";
import { CliError, EXIT } from "../exit-codes.js";
import type { Output } from "../output.js";
import { openChoreContext } from "./context.js";

export async function sendReminders(app: App, out: Output): Promise<void> {
  const { ctx, config, notify } = await openChoreContext(app, out);
  const { notifyOutboxJob, remindersJob, runJob } = await import("@hrdkit/bridge");
  const now = new Date();
  const log = (line: string) => out.note(line);
  const reminders = await runJob(
    ctx,
    remindersJob({ hour: config.jobs?.reminderHour, days: config.jobs?.reminderDays }),
    now,
    {
      signal: app.io.signal,
      log,
    },
  );
  if (!reminders.ran) {
    throw new CliError(
      "the bridge is running the reminders right now (it holds the job's lease): its run queues them; " +
        "try again in a minute to see the counts",
      EXIT.partial,
    );
  }
  if (reminders.error)
    throw new CliError(`the reminders run failed: ${reminders.error.message}`, EXIT.partial);
  const r = reminders.result ?? {};
  const num = (k: string) => (typeof r[k] === "number" ? (r[k] as number) : 0);

  const channels = Object.keys(notify.ports);
  let sent: Record<string, unknown> | undefined;
  if (channels.length > 0 && !app.io.signal.aborted) {
    const outbox = await runJob(ctx, notifyOutboxJob, new Date(), { signal: app.io.signal, log });
    if (outbox.ran && outbox.error) out.warn(`sending the notices failed: ${outbox.error.message}`);
    else if (!outbox.ran) out.note("the bridge is sending notices right now: it sends these too");
    else sent = outbox.result;
  }
  const sentNum = (k: string) => (typeof sent?.[k] === "number" ? (sent[k] as number) : 0);

  const summary = {
    record: "summary",
    remindersQueued: num("reminded"),
    remindedBefore: num("remindedBefore"),
    alreadyRenewed: num("alreadyRenewed"),
    noticesFailed: num("noticesFailed"),
    renewalDueEvents: num("due"),
    expiredEvents: num("expired"),
    channels,
    ...(sent
      ? {
          outbox: {
            sent: sentNum("sent"),
            retrying: sentNum("retrying"),
            failed: sentNum("failed"),
            deferred: sentNum("deferred"),
          },
        }
      : {}),
  };
  out.result(summary, () => {
    const lines = [
      `${summary.remindersQueued} reminder notices queued (${summary.remindedBefore} sent on an earlier run, ` +
        `${summary.alreadyRenewed} skipped: renewal paid, ${summary.noticesFailed} not queued)`,
      `${summary.renewalDueEvents} renewal.due and ${summary.expiredEvents} domain.expired events published`,
    ];
    if (summary.outbox) {
      lines.push(
        `outbox run (${channels.join(", ")}): ${summary.outbox.sent} sent, ${summary.outbox.retrying} to retry, ` +
          `${summary.outbox.failed} failed, ${summary.outbox.deferred} waiting (quiet hours, rate)`,
      );
    } else if (channels.length === 0) {
      lines.push(
        "no e-mail or SMS channel is configured here (HRDKIT_SMTP_URL, HRDKIT_SMSAPI_TOKEN): the notices are " +
          "queued for the bridge to send",
      );
    }
    return lines.join("\n");
  });
  if (summary.noticesFailed > 0 || (summary.outbox?.failed ?? 0) > 0) app.exitCode = EXIT.partial;
  if (app.io.signal.aborted) throw new CliError("interrupted: run again to finish", EXIT.interrupted);
}
