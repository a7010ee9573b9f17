/**
 * The delivery worker. The queue is the `webhook_deliveries` table, so it survives restarts and
 * works the same on PGlite and on a PostgreSQL server shared by several bridge instances:
 *
 * 1. claim: one statement picks due rows `FOR UPDATE SKIP LOCKED` and stamps them with a lease
 *    (a random token and an expiry). Two workers never claim the same row; a worker that dies
 *    mid-send simply lets its lease expire, and the row is claimed again.
 * 2. send: outside any transaction (PGlite has one session: an open transaction would stall the
 *    whole bridge while a receiver thinks), POST the event, signed, with a timeout, reading at most
 *    a few KiB of the answer and following no redirect.
 * 3. record: one statement, only while the row still carries this claim's token, counts the
 *    attempt, logs it and sets what comes next (delivered, another try later, or failed).
 *
 * Delivery is at least once: a receiver that took an event but whose answer was lost gets it
 * again, with the same event id.
 */
import { randomBytes } from "node:crypto";
import type { BridgeContext } from "../app.js";
import { BridgeError } from "../errors.js";
import { newEventId, PING_EVENT_TYPE } from "./events.js";
import { afterAttempt, DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";
import { signatureHeader, WEBHOOK_HEADERS } from "./signature.js";

/** What the worker needs of the bridge: its database and its clock. */
export type WebhookContext = Pick<BridgeContext, "db" | "now">;

export interface DeliverOptions {
  /** Aborted: claim nothing more; sends under way are cut off and their rows released. */
  signal?: AbortSignal;
  /** Deliveries attempted in this call at most (default 1000). */
  limit?: number;
  /**
   * The queue's clock: what is due, leases, when to retry (default `ctx.now`). Signatures always
   * carry the real time, since receivers check them against their own clocks.
   */
  now?: Date | (() => Date);
  /** Sends under way at once (default 16). */
  concurrency?: number;
  /** An attempt that has not got its whole answer in this time fails (default 10 s). */
  timeoutMs?: number;
  /** How long a claim holds a row (default the larger of 60 s and three timeouts). */
  leaseMs?: number;
  /** Overrides of the retry schedule (tests and benchmarks compress it). */
  retry?: Partial<RetryPolicy>;
  /** The jitter's random source (default Math.random). */
  random?: () => number;
}

export interface DeliverResult {
  /** Attempts made (each a POST to a receiver). */
  attempted: number;
  delivered: number;
  /** Failed attempts that will be tried again. */
  retrying: number;
  /** Deliveries that spent their last attempt. */
  failed: number;
  /** Attempts whose outcome was not recorded: the lease had expired and another worker took over. */
  lost: number;
  /** Sends cut off by `signal` (their rows were released, nothing recorded). */
  interrupted: number;
}

/** The answer read from a receiver at most: enough for an error message, not a download. */
export const MAX_RESPONSE_BYTES = 4096;
/** The part of it kept in the delivery log. */
const EXCERPT_CHARS = 1024;
const USER_AGENT = "hrdkit-bridge-webhooks/1";

interface ClaimedRow {
  id: string;
  attempts: number;
  series_start: number;
  endpoint_id: string;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: Date | null;
  event_id: string;
  type: string;
  data: unknown;
  event_created_at: Date;
}

const CLAIMED_COLUMNS = `d.id, d.attempts, d.series_start, e.id AS endpoint_id, e.url, e.secret, e.previous_secret,
  e.previous_secret_until, v.id AS event_id, v.type, v.data, v.created_at AS event_created_at`;

const clockOf = (ctx: WebhookContext, now: DeliverOptions["now"]) =>
  now === undefined ? ctx.now : typeof now === "function" ? now : () => now;

const newToken = () => randomBytes(12).toString("hex");

/** Claims up to `limit` due deliveries of enabled endpoints for `token` until `leaseUntil`. */
async function claim(
  ctx: WebhookContext,
  token: string,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<ClaimedRow[]> {
  const { rows } = await ctx.db.query<ClaimedRow>(
    // "Due" is read at millisecond grain: the clock here is a JS Date (whole ms) while
    // publishEvent stamps rows with the database's now() (µs), so an event published in the same
    // millisecond as this claim would otherwise wait for the next run.
    // The due ids first, then updated by primary key (`= ANY (ARRAY(…))`): a claim costs the same
    // with ten or a million rows queued (joining the subquery made the planner scan the table).
    `WITH due AS MATERIALIZED (
       SELECT q.id FROM webhook_deliveries q JOIN webhook_endpoints qe ON qe.id = q.endpoint_id
       WHERE q.status = 'pending' AND q.next_attempt_at <= $3::timestamptz + interval '999 microseconds'
         AND (q.lease_until IS NULL OR q.lease_until <= $3) AND qe.enabled
       ORDER BY q.next_attempt_at, q.seq
       LIMIT $4
       FOR UPDATE OF q SKIP LOCKED
     )
     UPDATE webhook_deliveries d SET lease_token = $1, lease_until = $2
     FROM webhook_endpoints e, webhook_events v
     WHERE d.id = ANY (ARRAY(SELECT id FROM due)) AND e.id = d.endpoint_id AND v.id = d.event_id
     RETURNING ${CLAIMED_COLUMNS}`,
    [token, leaseUntil, now, limit],
  );
  return rows;
}

/** The body a receiver gets: the same bytes on every attempt. */
export function eventBody(e: { id: string; type: string; createdAt: Date; data: unknown }): string {
  const data = typeof e.data === "string" ? (JSON.parse(e.data) as unknown) : e.data;
  return JSON.stringify({ id: e.id, type: e.type, createdAt: e.createdAt.toISOString(), data });
}

interface Outcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  excerpt: string | null;
  durationMs: number;
  /** Cut off by the caller's signal: nothing to record. */
  interrupted?: boolean;
}

/** Reads at most `max` bytes of the answer, then drops the rest (and the connection with it). */
async function readAtMost(res: Response, max: number): Promise<Buffer> {
  const reader = res.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    if (total >= max) {
      await reader.cancel().catch(() => undefined);
      break;
    }
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
    total += value.length;
  }
  return Buffer.concat(chunks).subarray(0, max);
}

/** A network failure in words: the cause's code (ECONNREFUSED, ENOTFOUND…) and message. */
function describeFailure(err: unknown): string {
  const e = err as { cause?: { code?: unknown; message?: unknown }; message?: unknown };
  const cause = e?.cause;
  if (cause && typeof cause === "object") {
    const code = typeof cause.code === "string" ? `${cause.code}: ` : "";
    return `${code}${String(cause.message ?? "connection failed")}`.slice(0, 500);
  }
  return String(e?.message ?? err).slice(0, 500);
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Outcome> {
  const t0 = performance.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  const both = signal ? AbortSignal.any([timeout, signal]) : timeout;
  const elapsed = () => Math.round(performance.now() - t0);
  try {
    const res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: both });
    const answer = await readAtMost(res, MAX_RESPONSE_BYTES);
    const ok = res.status >= 200 && res.status < 300;
    const redirect = res.status >= 300 && res.status < 400;
    const location = res.headers.get("location");
    return {
      ok,
      statusCode: res.status,
      error: ok
        ? null
        : redirect
          ? `redirect (${res.status}${location ? ` to ${location.slice(0, 300)}` : ""}) not followed: register the final URL`
          : `the receiver answered ${res.status}`,
      // NUL cannot be stored in a text column; whatever else the receiver said is kept as text.
      excerpt: answer.length
        ? answer.toString("utf8").replaceAll("\u0000", "").slice(0, EXCERPT_CHARS)
        : null,
      durationMs: elapsed(),
    };
  } catch (err) {
    if (signal?.aborted) {
      return {
        ok: false,
        statusCode: null,
        error: null,
        excerpt: null,
        durationMs: elapsed(),
        interrupted: true,
      };
    }
    const error = timeout.aborted ? `no complete answer within ${timeoutMs} ms` : describeFailure(err);
    return { ok: false, statusCode: null, error, excerpt: null, durationMs: elapsed() };
  }
}

interface AttemptSettings {
  timeoutMs: number;
  policy: RetryPolicy;
  random: () => number;
  signal?: AbortSignal;
}

type AttemptResult = "delivered" | "pending" | "failed" | "lost" | "interrupted";

/** One attempt's outcome, to be recorded under its claim's token. */
interface Recorded {
  id: string;
  token: string;
  status: "delivered" | "pending" | "failed";
  nextAttemptAt: Date | null;
  statusCode: number | null;
  error: string | null;
  at: Date;
  finished: Date;
  durationMs: number;
  ok: boolean;
  excerpt: string | null;
}

/**
 * Records outcomes, many per statement: each row counts its attempt, logs it and gets its next
 * state only while it still carries the claim's token. Resolves with the ids recorded (the others
 * lost their lease to another worker: their outcome is dropped, the other worker's stands).
 */
async function recordOutcomes(ctx: WebhookContext, batch: readonly Recorded[]): Promise<Set<string>> {
  const col = <K extends keyof Recorded>(k: K) => batch.map((b) => b[k]);
  const { rows } = await ctx.db.query<{ delivery_id: string }>(
    `WITH r AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::int[], $6::text[],
                            $7::timestamptz[], $8::timestamptz[], $9::int[], $10::boolean[], $11::text[])
         AS r (id, token, status, next_at, status_code, error, finished, at, duration_ms, ok, excerpt)
     ), d AS (
       UPDATE webhook_deliveries w SET
         attempts = w.attempts + 1, status = r.status, next_attempt_at = r.next_at,
         last_status_code = r.status_code, last_error = r.error,
         delivered_at = CASE WHEN r.status = 'delivered' THEN r.finished ELSE w.delivered_at END,
         updated_at = r.finished, lease_token = NULL, lease_until = NULL
       FROM r WHERE w.id = r.id AND w.lease_token = r.token
       RETURNING w.id, w.attempts
     )
     INSERT INTO webhook_attempts (delivery_id, number, at, duration_ms, ok, status_code, error, response_excerpt)
     SELECT d.id, d.attempts, r.at, r.duration_ms, r.ok, r.status_code, r.error, r.excerpt
     FROM d JOIN r ON r.id = d.id
     RETURNING delivery_id`,
    [
      col("id"),
      col("token"),
      col("status"),
      col("nextAttemptAt"),
      col("statusCode"),
      col("error"),
      col("finished"),
      col("at"),
      col("durationMs"),
      col("ok"),
      col("excerpt"),
    ],
  );
  return new Set(rows.map((r) => r.delivery_id));
}

/**
 * Group commit: outcomes that finish while a record statement runs wait for the next one, so
 * under load one statement records many attempts (and when idle, each goes at once).
 */
class Recorder {
  private queue: { entry: Recorded; done: (recorded: boolean) => void; fail: (err: unknown) => void }[] = [];
  private flushing = false;

  constructor(private readonly ctx: WebhookContext) {}

  record(entry: Recorded): Promise<boolean> {
    return new Promise((done, fail) => {
      this.queue.push({ entry, done, fail });
      if (this.flushing) return;
      this.flushing = true;
      // After the I/O callbacks of this turn: the other answers that came in with this one join
      // the batch (PGlite runs on this thread, so nothing arrives while its statement runs).
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 500);
      try {
        const recorded = await recordOutcomes(
          this.ctx,
          batch.map((b) => b.entry),
        );
        for (const b of batch) b.done(recorded.has(b.entry.id));
      } catch (err) {
        for (const b of batch) b.fail(err);
      }
    }
    this.flushing = false;
  }
}

/** Sends one claimed delivery and records the outcome under the claim's token. */
async function attempt(
  ctx: WebhookContext,
  recorder: Recorder,
  row: ClaimedRow,
  token: string,
  clock: () => Date,
  s: AttemptSettings,
): Promise<AttemptResult> {
  const at = clock();
  const body = eventBody({
    id: row.event_id,
    type: row.type,
    createdAt: row.event_created_at,
    data: row.data,
  });
  const secrets = [row.secret];
  if (
    row.previous_secret &&
    row.previous_secret_until &&
    row.previous_secret_until.getTime() > at.getTime()
  ) {
    secrets.push(row.previous_secret);
  }
  const timestamp = Math.floor(Date.now() / 1000);
  const number = row.attempts + 1;
  const outcome = await post(
    row.url,
    body,
    {
      "content-type": "application/json",
      "user-agent": USER_AGENT,
      [WEBHOOK_HEADERS.eventId]: row.event_id,
      [WEBHOOK_HEADERS.eventType]: row.type,
      [WEBHOOK_HEADERS.webhookId]: row.endpoint_id,
      [WEBHOOK_HEADERS.deliveryId]: row.id,
      [WEBHOOK_HEADERS.attempt]: String(number),
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
      [WEBHOOK_HEADERS.signature]: signatureHeader(secrets, timestamp, body),
    },
    s.timeoutMs,
    s.signal,
  );
  if (outcome.interrupted) {
    // Shutting down: hand the row back at once rather than make another instance wait out the lease.
    await ctx.db.query(
      "UPDATE webhook_deliveries SET lease_token = NULL, lease_until = NULL WHERE id = $1 AND lease_token = $2",
      [row.id, token],
    );
    return "interrupted";
  }
  const decision = afterAttempt(outcome.ok, number - row.series_start, at, s.policy, s.random);
  const recorded = await recorder.record({
    id: row.id,
    token,
    status: decision.status,
    nextAttemptAt: decision.nextAttemptAt,
    statusCode: outcome.statusCode,
    error: outcome.error,
    at,
    finished: new Date(at.getTime() + outcome.durationMs),
    durationMs: outcome.durationMs,
    ok: outcome.ok,
    excerpt: outcome.excerpt,
  });
  return recorded ? decision.status : "lost";
}

function settingsOf(options: DeliverOptions): AttemptSettings & { leaseMs: number } {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    timeoutMs,
    leaseMs: options.leaseMs ?? Math.max(60_000, 3 * timeoutMs),
    policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    random: options.random ?? Math.random,
    signal: options.signal,
  };
}

/**
 * Sends what is due, up to `limit` attempts, `concurrency` at a time, and resolves with the
 * counts once every send it started has been recorded. Safe to run in several processes (and
 * several times in one) against one database: see the module comment.
 */
export async function deliverWebhooks(
  ctx: WebhookContext,
  options: DeliverOptions = {},
): Promise<DeliverResult> {
  const limit = options.limit ?? 1000;
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const clock = clockOf(ctx, options.now);
  const s = settingsOf(options);
  const result: DeliverResult = {
    attempted: 0,
    delivered: 0,
    retrying: 0,
    failed: 0,
    lost: 0,
    interrupted: 0,
  };
  const running = new Set<Promise<void>>();
  const recorder = new Recorder(ctx);
  const count = (r: AttemptResult) => {
    if (r === "delivered") result.delivered++;
    else if (r === "pending") result.retrying++;
    else if (r === "failed") result.failed++;
    else if (r === "lost") result.lost++;
    else result.interrupted++;
  };
  // Claim in batches (when half the slots are free, or all are), not one row per finished send.
  const batch = Math.max(1, Math.floor(concurrency / 2));
  try {
    while (!options.signal?.aborted && result.attempted < limit) {
      const room = Math.min(concurrency - running.size, limit - result.attempted);
      if (room > 0 && (running.size === 0 || room >= batch || room === limit - result.attempted)) {
        const token = newToken();
        const now = clock();
        const rows = await claim(ctx, token, now, new Date(now.getTime() + s.leaseMs), room);
        result.attempted += rows.length;
        for (const row of rows) {
          const p: Promise<void> = attempt(ctx, recorder, row, token, clock, s)
            .then(count, () => {
              // The database failed while recording: the lease expires and the row is tried again.
              result.lost++;
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

/**
 * Sends a `ping` event to one endpoint now (enabled or not) and waits for the answer: a test of
 * the URL, the secret and the receiver's checks. The ping is a delivery like any other (in the
 * log, redeliverable), but it is tried once: a test that fails should say so, not retry for days.
 */
export async function pingEndpoint(
  ctx: WebhookContext,
  endpointId: string,
  options: Pick<DeliverOptions, "timeoutMs" | "signal"> = {},
): Promise<string> {
  const s = settingsOf(options);
  const now = ctx.now();
  const token = newToken();
  const deliveryId = `whd_${randomBytes(12).toString("hex")}`;
  const { rows } = await ctx.db.query<ClaimedRow>(
    `WITH target AS (SELECT id FROM webhook_endpoints WHERE id = $1),
     event AS (
       INSERT INTO webhook_events (id, type, data, created_at)
       SELECT $2, $3, jsonb_build_object('webhookId', target.id, 'message', 'A test event from the hrdkit bridge.'), $4
       FROM target RETURNING id
     )
     INSERT INTO webhook_deliveries (id, endpoint_id, event_id, status, next_attempt_at, lease_token, lease_until,
                                     created_at, updated_at)
     SELECT $5, target.id, event.id, 'pending', $4, $6, $7, $4, $4 FROM target, event
     RETURNING id`,
    [endpointId, newEventId(), PING_EVENT_TYPE, now, deliveryId, token, new Date(now.getTime() + s.leaseMs)],
  );
  if (rows.length === 0) throw new BridgeError(404, "not_found", `no webhook ${endpointId} at this bridge`);
  const claimed = await ctx.db.query<ClaimedRow>(
    `SELECT ${CLAIMED_COLUMNS} FROM webhook_deliveries d
     JOIN webhook_endpoints e ON e.id = d.endpoint_id JOIN webhook_events v ON v.id = d.event_id
     WHERE d.id = $1`,
    [deliveryId],
  );
  const t0 = Date.now();
  const clock = () => new Date(now.getTime() + (Date.now() - t0));
  await attempt(ctx, new Recorder(ctx), claimed.rows[0]!, token, clock, {
    ...s,
    policy: { ...s.policy, maxAttempts: 1 },
  });
  return deliveryId;
}
