/**
 * The notify benchmark's providers in their own process: the SMTP sink and the SMSAPI fake (in
 * counting mode), so their CPU does not come out of the sender's event loop and their memory is
 * measured apart. Forked by notify-outbox.ts with an IPC channel and `--expose-gc` (a snapshot
 * collects garbage first, so its heap figure is what the fakes retain).
 */
import { createHash } from "node:crypto";
import { startSmsapiFake } from "../../packages/billing/test/support/smsapi-fake.js";
import { type SmtpSinkStats, startSmtpSink } from "./smtp-sink.js";

export interface FakesReady {
  type: "ready";
  smtpPort: number;
  smsapiUrl: string;
  smsapiToken: string;
}

export interface FakesSnapshot {
  type: "snapshot";
  id: number;
  smtp: SmtpSinkStats;
  sms: {
    accepted: number;
    requests: number;
    /** Refused with error 53 (an idx sent before): a duplicate the sender tried. */
    duplicateIdx: number;
    /** Accepted messages whose idx was accepted before since the last reset (never with check_idx). */
    repeated: number;
    withoutIdx: number;
    /** Sum of 64-bit hashes of the accepted idx values, mod 2^64. */
    digest: string;
  };
  /** The first mail since the reset, whole, when asked for. */
  sample?: string;
  /** CPU microseconds used by this process so far. */
  cpuUs: number;
  rss: number;
  /** After a full GC when `gc` was asked (and the process has --expose-gc). */
  heapUsed: number;
}

export type FakesRequest =
  | { type: "snapshot"; id: number; gc?: boolean; sample?: boolean }
  | { type: "reset" };

const MASK = (1n << 64n) - 1n;
const sink = await startSmtpSink({ marker: process.env.SINK_MARKER });
let sms = { repeated: 0, withoutIdx: 0, digest: 0n, idx: new Set<string>() };
const fake = await startSmsapiFake({
  retain: "counts",
  senderNames: ["Test", "ZolwHost"],
  onAccept(m) {
    if (m.idx === null) {
      sms.withoutIdx += 1;
      return;
    }
    const h = createHash("sha256").update(m.idx).digest();
    const key = h.toString("base64", 0, 12);
    if (sms.idx.has(key)) sms.repeated += 1;
    else sms.idx.add(key);
    sms.digest = (sms.digest + h.readBigUInt64BE(0)) & MASK;
  },
});
const smsBase = { accepted: 0, requests: 0, duplicateIdx: 0 };
const send = (m: FakesReady | FakesSnapshot) => process.send?.(m);
const gc = (globalThis as { gc?: () => void }).gc;

process.on("message", (raw: FakesRequest) => {
  if (raw.type === "reset") {
    sink.reset();
    sms = { repeated: 0, withoutIdx: 0, digest: 0n, idx: new Set() };
    Object.assign(smsBase, fake.stats);
    return;
  }
  if (raw.gc) gc?.();
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  const sample = raw.sample ? sink.sample() : undefined;
  send({
    type: "snapshot",
    id: raw.id,
    smtp: sink.stats(),
    sms: {
      accepted: fake.stats.accepted - smsBase.accepted,
      requests: fake.stats.requests - smsBase.requests,
      duplicateIdx: fake.stats.duplicateIdx - smsBase.duplicateIdx,
      repeated: sms.repeated,
      withoutIdx: sms.withoutIdx,
      digest: sms.digest.toString(),
    },
    ...(sample === undefined ? {} : { sample }),
    cpuUs: cpu.user + cpu.system,
    rss: mem.rss,
    heapUsed: mem.heapUsed,
  });
});
// The bench is done (or died): nothing here is worth waiting for.
process.on("disconnect", () => process.exit(0));
send({ type: "ready", smtpPort: sink.port, smsapiUrl: fake.url, smsapiToken: fake.token });
