/**
 * The outbox worker. The queue is the `notices` table, so it survives restarts and works the
 * same on PGlite and on a PostgreSQL server shared by several processes:
 *
 * 1. recover: a `sending` notice whose lease has expired was cut off (the process died, or the
 *    provider's answer could not be read). A provider that can look a message up by our key
 *    is asked: found → `sent`; not found → queued again under the SAME key. One that refuses a
 *    repeated key (SMSAPI: idx + check_idx, `idempotentSend`) is simply sent to again under the
 *    same key. One that can do neither (SMTP) leaves the notice `uncertain` for a person:
 *    resending could duplicate it.
 * 2. quiet hours: at night SMS and phone notices are moved to the morning; e-mail goes any time.
 * 3. claim: one statement picks due notices `FOR UPDATE SKIP LOCKED`, marks them `sending` with
 *    a lease and writes the attempt row, committed BEFORE any provider is called.
 * 4. send: outside any transaction (a retried transaction must never send twice; PGlite has one
 *    session), paced per channel when a rate is set.
 * 5. record: only while the notice still carries this claim's token — sent, retry later with
 *    backoff, or failed. An error that may have come after the provider took the message (not a
 *    ChannelError, not a refused connection) is NOT recorded as a failure: the notice keeps its
 *    lease and step 1 settles it, exactly as after a crash.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db/db.js";
import { parseInput } from "../validate.js";
import { attachmentsOf, type NoticeRow, type NoticeStatus } from "./notice.js";
import {
  ChannelError,
  type ChannelReceipt,
  type ChannelStatus,
  type EmailNotice,
  NOTIFY_CHANNELS,
  type NotifyChannel,
  type NotifyPorts,
} from "./ports.js";
import { DEFAULT_QUIET_HOURS, HHMM, isTimeZone, type QuietHours, quietUntil } from "./quiet-hours.js";

export interface OutboxRetryPolicy {
  /** Attempts before a notice fails for good (default 5). */
  maxAttempts: number;
  /** Wait before the second attempt; doubles each time (default 60 s). */
  baseDelayMs: number;
  /** Longest wait between attempts (default 1 h). */
  maxDelayMs: number;
}

// 10 attempts, 1 minute doubling to an hour: a notice keeps trying for some 2–4 hours (jittered),
// long enough to outlast an SMTP server's restart or an SMSAPI account waiting for a top-up.
export const DEFAULT_OUTBOX_RETRY: OutboxRetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 60_000,
  maxDelayMs: 3_600_000,
};

export interface RunOutboxOptions {
  /** The outbox's clock: what is due, leases, backoff, quiet hours (default the system clock). */
  now?: () => Date;
  /** Sends attempted in this call at most (default 1000). */
  limit?: number;
  /** Sends under way at once (default 8). */
  concurrency?: number;
  /**
   * How long a claim holds a notice (default 5 min). Must be longer than a port's own timeout
   * plus any rate-limit wait: an expired lease is treated as a crash.
   */
  leaseMs?: number;
  retry?: Partial<OutboxRetryPolicy>;
  /** The backoff jitter's random source (default Math.random). */
  random?: () => number;
  /** When SMS and phone notices wait (default 21:00–08:00 Europe/Warsaw); `false`: never. */
  quietHours?: QuietHours | false;
  /** Messages per second at most, per channel (e.g. `{ sms: 5 }` for an offer to every customer). */
  ratePerSecond?: Partial<Record<NotifyChannel, number>>;
  /** Aborted: claim nothing more (sends under way finish and are recorded). */
  signal?: AbortSignal;
  /**
   * Why a channel has no port, in the words of whoever set the ports up (the bridge names its
   * environment variable: "SMS is not set up (HRDKIT_SMSAPI_TOKEN)"). A due notice of such a
   * channel fails at its first attempt with this reason: no retries, since waiting does not give
   * a channel a provider. Default "no SMS provider configured" (and so on).
   */
  notSetUp?: Partial<Record<NotifyChannel, string>>;
}

export interface RunOutboxResult {
  /** Notices claimed and handed to a port (or failed for want of one). */
  attempted: number;
  /** Sent or delivered. */
  sent: number;
  /** Failed attempts to be tried again later. */
  retrying: number;
  /** Failed for good (permanent refusal, attempts spent, no provider). */
  failed: number;
  /** Sends whose outcome is unknown: left `sending` until the lease expires, then recovered. */
  unknown: number;
  /** Outcomes not recorded because the lease had passed to another worker. */
  lost: number;
  /** SMS and phone notices moved to the end of the quiet hours. */
  deferred: number;
  /** Notices found cut off mid-send, and what became of them. */
  recovered: {
    /** The provider had it: now `sent`/`delivered` (or `failed` as it reports). */
    confirmed: number;
    /** The provider did not have it: queued again under the same key. */
    requeued: number;
    /** No way to ask (e-mail): `uncertain`. */
    uncertain: number;
    /** The provider could not be asked just now: asked again after a backoff. */
    postponed: number;
  };
}

const CHANNEL_LABEL: Record<NotifyChannel, string> = { email: "e-mail", sms: "SMS", phone: "phone" };

/** Connection errors that mean nothing left this process: safe to retry. */
const NOT_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

function notConnected(err: unknown): boolean {
  const e = err as { code?: unknown; originalCode?: unknown; cause?: { code?: unknown } } | null;
  return [e?.code, e?.originalCode, e?.cause?.code].some(
    (c) => typeof c === "string" && NOT_CONNECTED.has(c),
  );
}

function describe(err: unknown): string {
  if (err instanceof ChannelError) {
    return `${err.message}${err.providerCode ? ` (provider code ${err.providerCode})` : ""}`.slice(0, 2000);
  }
  const e = err as {
    message?: unknown;
    code?: unknown;
    cause?: { code?: unknown; message?: unknown };
  } | null;
  const code = typeof e?.code === "string" ? `${e.code}: ` : "";
  const cause = e?.cause && typeof e.cause.message === "string" ? ` (${e.cause.message})` : "";
  return `${code}${typeof e?.message === "string" ? e.message : String(err)}${cause}`.slice(0, 2000);
}

/** Exponential backoff with equal jitter: half the delay fixed, half random. */
export function backoffDelay(attempt: number, policy: OutboxRetryPolicy, random: () => number): number {
  const full = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + (random() * full) / 2);
}

interface Claimed extends NoticeRow {
  attempt_id: number;
}

/**
 * Spaces sends of one channel at least `1000 / rate` ms apart: callers queue, and each waits for
 * the interval after the previous one actually went (timers fire late, never early enough to matter).
 */
class Pacer {
  private last = Number.NEGATIVE_INFINITY;
  private queue: Promise<void> = Promise.resolve();
  constructor(private readonly intervalMs: number) {}
  wait(): Promise<void> {
    const turn = this.queue.then(async () => {
      const wait = this.last + this.intervalMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      this.last = performance.now();
    });
    this.queue = turn;
    return turn;
  }
}

interface Finish {
  status: NoticeStatus;
  reason: string | null;
  outcome: "sent" | "delivered" | "retry" | "failed";
  error: string | null;
  providerId?: string | null;
  parts?: number | null;
  nextAttemptAt?: Date | null;
}

/** Records an attempt's end and the notice's new state (only while `token` holds it). */
async function finish(db: Db, row: Claimed, token: string, at: Date, f: Finish): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.query(
      `UPDATE notice_attempts SET finished_at = $2, outcome = $3, error = $4, provider_id = $5 WHERE id = $1`,
      [row.attempt_id, at, f.outcome, f.error, f.providerId ?? null],
    );
    const { rowCount } = await tx.query(
      `UPDATE notices SET status = $3::text, reason = $4, provider_id = COALESCE($5, provider_id),
              parts = COALESCE($6, parts), next_attempt_at = COALESCE($7, next_attempt_at),
              sent_at = CASE WHEN $3::text IN ('sent', 'delivered') THEN $8 ELSE sent_at END,
              delivered_at = CASE WHEN $3::text = 'delivered' THEN $8 ELSE delivered_at END,
              lease_token = NULL, lease_until = NULL, updated_at = $8
        WHERE id = $1 AND lease_token = $2`,
      [row.id, token, f.status, f.reason, f.providerId ?? null, f.parts ?? null, f.nextAttemptAt ?? null, at],
    );
    return rowCount > 0;
  });
}

interface Settings {
  clock: () => Date;
  leaseMs: number;
  policy: OutboxRetryPolicy;
  random: () => number;
  quiet: QuietHours | false;
  pacers: Map<NotifyChannel, Pacer>;
  notSetUp: Partial<Record<NotifyChannel, string>>;
}

type AttemptResult = "sent" | "retrying" | "failed" | "unknown" | "lost";

/** One claimed notice: hand it to its port, record what happened. */
async function attempt(
  db: Db,
  ports: NotifyPorts,
  row: Claimed,
  token: string,
  attachments: { filename: string; contentType: string; cid?: string; content?: Buffer }[],
  s: Settings,
): Promise<AttemptResult> {
  const port = ports[row.channel];
  if (!port) {
    const reason = s.notSetUp[row.channel] ?? `no ${CHANNEL_LABEL[row.channel]} provider configured`;
    const ok = await finish(db, row, token, s.clock(), {
      status: "failed",
      reason,
      outcome: "failed",
      error: reason,
    });
    return ok ? "failed" : "lost";
  }
  await s.pacers.get(row.channel)?.wait();
  const to = row.recipient ?? "";
  // Only the provider's own errors are sorted below: a database error while recording a send
  // that succeeded must not look like a refused connection (and be retried into a duplicate).
  let receipt: ChannelReceipt;
  try {
    if (port.channel === "email") {
      const notice: EmailNotice = {
        idempotencyKey: row.idempotency_key,
        from: { name: row.sender_name ?? row.sender!, address: row.sender! },
        to,
        subject: row.subject ?? "",
        html: row.html ?? "",
        text: row.body,
        attachments: attachments.map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          ...(a.cid ? { cid: a.cid } : {}),
          content: a.content ?? Buffer.alloc(0),
        })),
      };
      if (row.reply_to) notice.replyTo = row.reply_to;
      const headers = typeof row.headers === "string" ? JSON.parse(row.headers) : row.headers;
      if (headers) notice.headers = headers as Record<string, string>;
      receipt = await port.send(notice);
    } else if (port.channel === "sms") {
      receipt = await port.send({
        idempotencyKey: row.idempotency_key,
        to,
        text: row.body,
        ...(row.sender ? { from: row.sender } : {}),
      });
    } else {
      receipt = await port.send({ idempotencyKey: row.idempotency_key, to, text: row.body });
    }
  } catch (err) {
    const at = s.clock();
    const error = describe(err);
    const known = err instanceof ChannelError || notConnected(err);
    if (!known) {
      // The provider may have taken it: keep the lease, let recovery ask (or mark uncertain).
      await db.query(
        `UPDATE notice_attempts SET finished_at = $2, outcome = 'unknown', error = $3,
                detail = 'the outcome could not be read; settled when the claim expires' WHERE id = $1`,
        [row.attempt_id, at, error],
      );
      return "unknown";
    }
    const permanent = err instanceof ChannelError && err.permanent;
    const spent = row.attempts >= s.policy.maxAttempts;
    if (permanent || spent) {
      const ok = await finish(db, row, token, at, {
        status: "failed",
        reason: permanent ? error : `gave up after ${row.attempts} attempts: ${error}`,
        outcome: "failed",
        error,
      });
      return ok ? "failed" : "lost";
    }
    const next = new Date(at.getTime() + backoffDelay(row.attempts, s.policy, s.random));
    const ok = await finish(db, row, token, at, {
      status: "queued",
      reason: `attempt ${row.attempts} failed: ${error}; next attempt at ${next.toISOString()}`,
      outcome: "retry",
      error,
      nextAttemptAt: next,
    });
    return ok ? "retrying" : "lost";
  }
  const ok = await finish(db, row, token, s.clock(), {
    status: receipt.status,
    reason: null,
    outcome: receipt.status,
    error: null,
    providerId: receipt.providerId,
    parts: receipt.parts ?? null,
  });
  return ok ? "sent" : "lost";
}

/** Claims up to `limit` due notices of `channels` for `token`, with their attempt rows. */
async function claim(
  db: Db,
  token: string,
  now: Date,
  leaseMs: number,
  channels: readonly NotifyChannel[],
  limit: number,
): Promise<Claimed[]> {
  const { rows } = await db.query<Claimed>(
    // The due ids first, then updated by primary key: a claim costs the same with 10 or 100 000 queued.
    `WITH due AS MATERIALIZED (
       SELECT id FROM notices
        WHERE status = 'queued' AND next_attempt_at <= $3 AND channel = ANY ($4::text[])
        ORDER BY next_attempt_at, id LIMIT $5
        FOR UPDATE SKIP LOCKED
     ), claimed AS (
       UPDATE notices n SET status = 'sending', lease_token = $1, lease_until = $2, attempts = n.attempts + 1,
              updated_at = $3
        WHERE n.id = ANY (ARRAY(SELECT id FROM due))
        RETURNING n.*
     ), att AS (
       INSERT INTO notice_attempts (notice_id, number, started_at, outcome)
       SELECT id, attempts, $3, 'sending' FROM claimed
       RETURNING id, notice_id
     )
     SELECT claimed.*, att.id AS attempt_id FROM claimed JOIN att ON att.notice_id = claimed.id
      ORDER BY claimed.next_attempt_at, claimed.id`,
    [token, new Date(now.getTime() + leaseMs), now, channels, limit],
  );
  return rows;
}

/** Takes over up to `limit` notices whose lease expired, marking their open attempts interrupted. */
async function takeExpired(db: Db, token: string, now: Date, leaseMs: number, limit: number) {
  const { rows } = await db.query<NoticeRow>(
    `WITH due AS MATERIALIZED (
       SELECT id, lease_until FROM notices
        WHERE status = 'sending' AND lease_until <= $3
        ORDER BY lease_until, id LIMIT $4
        FOR UPDATE SKIP LOCKED
     ), taken AS (
       UPDATE notices n SET lease_token = $1, lease_until = $2, updated_at = $3
        WHERE n.id = ANY (ARRAY(SELECT id FROM due))
        RETURNING n.*
     ), interrupted AS (
       UPDATE notice_attempts a SET outcome = 'interrupted', finished_at = $3,
              error = 'the worker stopped before recording the outcome (its claim expired at '
                      || to_char(due.lease_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ')'
         FROM due WHERE a.notice_id = due.id AND a.outcome = 'sending'
     )
     SELECT * FROM taken ORDER BY id`,
    [token, new Date(now.getTime() + leaseMs), now, limit],
  );
  return rows;
}

type Recovery = "confirmed" | "requeued" | "uncertain" | "postponed" | "failed" | "lost";

/** Settles one notice cut off mid-send (see the module comment). */
async function recover(
  db: Db,
  ports: NotifyPorts,
  row: NoticeRow,
  token: string,
  s: Settings,
): Promise<Recovery> {
  const port = ports[row.channel];
  const lookup =
    port && "lookup" in port && typeof port.lookup === "function"
      ? (key: string) => (port.lookup as (k: string) => Promise<ChannelStatus | undefined>).call(port, key)
      : undefined;
  const settle = async (
    status: NoticeStatus,
    reason: string | null,
    attemptDetail: string,
    extra: { providerId?: string; outcome?: string; at?: Date; nextAttemptAt?: Date } = {},
  ) => {
    const at = s.clock();
    return db.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE notices SET status = $3::text, reason = $4, provider_id = COALESCE($5, provider_id),
                sent_at = CASE WHEN $3::text IN ('sent', 'delivered') THEN COALESCE(sent_at, $6) ELSE sent_at END,
                delivered_at = CASE WHEN $3::text = 'delivered' THEN COALESCE($7, $6) ELSE delivered_at END,
                next_attempt_at = COALESCE($8, next_attempt_at),
                lease_token = NULL, lease_until = NULL, updated_at = $6
          WHERE id = $1 AND lease_token = $2`,
        [
          row.id,
          token,
          status,
          reason,
          extra.providerId ?? null,
          at,
          extra.at ?? null,
          extra.nextAttemptAt ?? null,
        ],
      );
      if (rowCount === 0) return false;
      // The cut-off attempt learns how it ended, when that is now known.
      await tx.query(
        `UPDATE notice_attempts SET detail = $3, outcome = COALESCE($4, outcome),
                provider_id = COALESCE($5, provider_id)
          WHERE notice_id = $1 AND number = $2`,
        [row.id, row.attempts, attemptDetail, extra.outcome ?? null, extra.providerId ?? null],
      );
      return true;
    });
  };

  if (!lookup && port && "idempotentSend" in port && port.idempotentSend) {
    // The provider refuses a second message under the same key (SMSAPI's idx with check_idx):
    // sending again is the question — a message it took already comes back `alreadySent`.
    const ok = await settle(
      "queued",
      "sending was cut off: sent again under the same idempotency key (the provider refuses a duplicate)",
      "cut off mid-send; outcome settled by sending again under the same key",
      { nextAttemptAt: s.clock() },
    );
    return ok ? "requeued" : "lost";
  }
  if (!lookup) {
    const why = port
      ? `the ${CHANNEL_LABEL[row.channel]} provider cannot be asked whether it took the message`
      : `no ${CHANNEL_LABEL[row.channel]} provider configured to ask whether it took the message`;
    const ok = await settle(
      "uncertain",
      `sending was cut off (attempt ${row.attempts}) and ${why}: it may or may not have gone out. ` +
        "Not resent automatically, to avoid a duplicate; check, then resend or cancel it.",
      "cut off mid-send; outcome unknown (uncertain)",
    );
    return ok ? "uncertain" : "lost";
  }
  let found: ChannelStatus | undefined;
  try {
    found = await lookup(row.idempotency_key);
  } catch (err) {
    const at = s.clock();
    const retryAt = new Date(at.getTime() + backoffDelay(1, s.policy, s.random));
    const { rowCount } = await db.query(
      `UPDATE notices SET lease_until = $3, updated_at = $4, reason = $5 WHERE id = $1 AND lease_token = $2`,
      [
        row.id,
        token,
        retryAt,
        at,
        `sending was cut off; asking the provider whether it took the message failed (${describe(err)}); ` +
          `asking again after ${retryAt.toISOString()}`,
      ],
    );
    return rowCount > 0 ? "postponed" : "lost";
  }
  if (found) {
    const failed = found.status === "failed";
    const ok = await settle(
      found.status,
      failed ? `the provider reports it failed: ${found.reason ?? "no reason given"}` : null,
      `cut off mid-send; the provider's lookup by key found it (${found.status})`,
      {
        providerId: found.providerId,
        outcome: found.status,
        ...(found.status === "delivered" && found.at ? { at: found.at } : {}),
      },
    );
    return ok ? "confirmed" : "lost";
  }
  if (row.attempts >= s.policy.maxAttempts) {
    const ok = await settle(
      "failed",
      `gave up after ${row.attempts} attempts: the last was cut off and the provider does not have it`,
      "cut off mid-send; the provider's lookup by key did not find it",
    );
    return ok ? "failed" : "lost";
  }
  const ok = await settle(
    "queued",
    "sending was cut off and the provider does not have it: sent again under the same idempotency key",
    "cut off mid-send; the provider's lookup by key did not find it",
    { nextAttemptAt: s.clock() },
  );
  return ok ? "requeued" : "lost";
}

const positive = z.number().positive("must be a positive number");
const optionsSchema = z.object({
  limit: z.number().int().min(1).optional(),
  concurrency: z.number().int().min(1).max(256).optional(),
  leaseMs: z.number().int().min(1000, "must be at least 1000 ms").optional(),
  retry: z
    .object({
      maxAttempts: z.number().int().min(1).max(100).optional(),
      baseDelayMs: z.number().int().min(0).optional(),
      maxDelayMs: z.number().int().min(0).optional(),
    })
    .optional(),
  quietHours: z
    .union([
      z.literal(false),
      z.object({
        start: z.string().regex(HHMM, "must be HH:MM, like 21:00"),
        end: z.string().regex(HHMM, "must be HH:MM, like 08:00"),
        timeZone: z.string().refine(isTimeZone, "must be an IANA time zone, like Europe/Warsaw").optional(),
      }),
    ])
    .optional(),
  ratePerSecond: z
    .object({ email: positive.optional(), sms: positive.optional(), phone: positive.optional() })
    .optional(),
  notSetUp: z
    .partialRecord(z.enum(["email", "sms", "phone"]), z.string().trim().min(1, "must not be empty").max(500))
    .optional(),
});

function settingsOf(options: RunOutboxOptions): Settings & { limit: number; concurrency: number } {
  const v = parseInput("runOutbox", optionsSchema, {
    limit: options.limit,
    concurrency: options.concurrency,
    leaseMs: options.leaseMs,
    retry: options.retry,
    quietHours: options.quietHours,
    ratePerSecond: options.ratePerSecond,
    notSetUp: options.notSetUp,
  });
  const pacers = new Map<NotifyChannel, Pacer>();
  for (const channel of NOTIFY_CHANNELS) {
    const rate = v.ratePerSecond?.[channel];
    if (rate) pacers.set(channel, new Pacer(1000 / rate));
  }
  return {
    clock: options.now ?? (() => new Date()),
    leaseMs: v.leaseMs ?? 5 * 60_000,
    policy: { ...DEFAULT_OUTBOX_RETRY, ...v.retry },
    random: options.random ?? Math.random,
    quiet: v.quietHours === undefined ? DEFAULT_QUIET_HOURS : v.quietHours,
    pacers,
    notSetUp: v.notSetUp ?? {},
    limit: v.limit ?? 1000,
    concurrency: v.concurrency ?? 8,
  };
}

const newToken = () => randomBytes(12).toString("hex");

/**
 * Sends what is due: recovers cut-off sends, applies quiet hours, then claims and sends up to
 * `limit` notices, `concurrency` at a time, and resolves once every send it started is recorded.
 * Safe to run in several processes (and several times in one) against one database.
 */
export async function runOutbox(
  db: Db,
  ports: NotifyPorts,
  options: RunOutboxOptions = {},
): Promise<RunOutboxResult> {
  const s = settingsOf(options);
  const { limit, concurrency } = s;
  const result: RunOutboxResult = {
    attempted: 0,
    sent: 0,
    retrying: 0,
    failed: 0,
    unknown: 0,
    lost: 0,
    deferred: 0,
    recovered: { confirmed: 0, requeued: 0, uncertain: 0, postponed: 0 },
  };

  // 1. Recovery, in batches, a few lookups at a time.
  for (;;) {
    if (options.signal?.aborted) return result;
    const token = newToken();
    const rows = await takeExpired(db, token, s.clock(), s.leaseMs, concurrency * 4);
    if (rows.length === 0) break;
    for (let i = 0; i < rows.length; i += concurrency) {
      const outcomes = await Promise.all(
        rows.slice(i, i + concurrency).map((r) => recover(db, ports, r, token, s)),
      );
      for (const o of outcomes) {
        if (o === "lost" || o === "failed") result[o]++;
        else result.recovered[o]++;
      }
    }
  }

  // 2. Quiet hours: move the night's SMS and calls to the morning, visibly.
  const startedAt = s.clock();
  const until = s.quiet ? quietUntil(startedAt, s.quiet) : null;
  if (until && s.quiet) {
    const zone = s.quiet.timeZone ?? DEFAULT_QUIET_HOURS.timeZone;
    const res = await db.query(
      `UPDATE notices SET next_attempt_at = $1, updated_at = $2,
              reason = 'quiet hours (' || $3::text || '): not before ' || $4::text
        WHERE status = 'queued' AND channel IN ('sms', 'phone') AND next_attempt_at < $1`,
      [until, startedAt, `${s.quiet.start}–${s.quiet.end} ${zone}`, until.toISOString()],
    );
    result.deferred = res.rowCount;
  }

  // 3–5. Claim in batches (when half the slots are free), send, record.
  const running = new Set<Promise<void>>();
  const batch = Math.max(1, Math.floor(concurrency / 2));
  const count = (r: AttemptResult) => {
    result[r === "sent" ? "sent" : r]++;
  };
  try {
    while (!options.signal?.aborted && result.attempted < limit) {
      const room = Math.min(concurrency - running.size, limit - result.attempted);
      if (room > 0 && (running.size === 0 || room >= batch || room === limit - result.attempted)) {
        const now = s.clock();
        const quiet = s.quiet ? quietUntil(now, s.quiet) !== null : false;
        const channels = quiet ? (["email"] as NotifyChannel[]) : NOTIFY_CHANNELS;
        const token = newToken();
        const rows = await claim(db, token, now, s.leaseMs, channels, room);
        result.attempted += rows.length;
        const emails = rows.filter((r) => r.channel === "email").map((r) => r.id);
        const files = await attachmentsOf(db, emails, true);
        for (const row of rows) {
          const p: Promise<void> = attempt(db, ports, row, token, files.get(row.id) ?? [], s)
            .then(count, () => {
              // The database failed while recording: the lease expires and recovery settles it.
              result.unknown++;
            })
            .finally(() => running.delete(p));
          running.add(p);
        }
        if (rows.length > 0) continue;
        if (running.size === 0) break;
      }
      await Promise.race(running);
    }
  } finally {
    await Promise.allSettled(running);
  }
  return result;
}
