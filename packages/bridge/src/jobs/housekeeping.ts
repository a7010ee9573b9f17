/**
 * Retention: the tables that grow with every call and every event, trimmed once a day so a
 * bridge that runs for years does not carry years of delivery logs.
 *
 * - Webhook events whose every delivery is finished (delivered, or failed for good) and older
 *   than the retention go, with their deliveries and attempts (ON DELETE CASCADE). An event with
 *   a delivery still pending stays, however old: it has not reached its receiver yet. An event
 *   no endpoint subscribed to is finished at once.
 * - The idempotency journal: a finished entry older than the retention is forgotten — a client
 *   retries within minutes or hours, not months; a `running` entry stays (it marks a call whose
 *   outcome is not known yet).
 * - Logins' leftovers: expired sessions, spent reset links, old throttle records (billing's
 *   purgeExpiredSessions, one delete per table: a day of them is small, none can be used any more).
 * What is kept on purpose: the audit log (the partner's record of who did what), invoices and
 * everything billing stores, the job runs' last state.
 *
 * Deletes go in batches, so neither database holds a long lock or a huge transaction.
 */
import { type Db, purgeExpiredSessions } from "@hrdkit/billing";
import type { BridgeJob } from "./runner.js";

const DAY = 86_400_000;
const BATCH = 5_000;

export interface HousekeepingOptions {
  /** Days a finished webhook event and a finished idempotency entry are kept (default 90). */
  retentionDays?: number;
}

export interface HousekeepingResult {
  webhookEvents: number;
  idempotencyEntries: number;
}

async function inBatches(db: Db, sql: string, params: unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await db.query(sql, [...params, BATCH]);
    total += r.rowCount;
    if (r.rowCount < BATCH) return total;
  }
}

export async function housekeep(
  db: Db,
  now: Date,
  options: HousekeepingOptions = {},
): Promise<HousekeepingResult> {
  const days = options.retentionDays ?? 90;
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError("retentionDays must be a whole number of days, at least 1");
  const before = new Date(now.getTime() - days * DAY);
  const webhookEvents = await inBatches(
    db,
    `DELETE FROM webhook_events WHERE id IN (
       SELECT e.id FROM webhook_events e
        WHERE e.created_at < $1
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
        ORDER BY e.seq LIMIT $2)`,
    [before],
  );
  const idempotencyEntries = await inBatches(
    db,
    `DELETE FROM bridge_idempotency WHERE key IN (
       SELECT key FROM bridge_idempotency WHERE status = 'done' AND created_at < $1 LIMIT $2)`,
    [before],
  );
  return { webhookEvents, idempotencyEntries };
}

/** Once a day; the retention from HRDKIT_RETENTION_DAYS (jobs/config.ts). */
export function housekeepingJob(options: HousekeepingOptions = {}): BridgeJob {
  return {
    name: "housekeeping",
    intervalMs: DAY,
    retryMs: 60 * 60_000,
    schedule: `daily, keeps ${options.retentionDays ?? 90} days`,
    async run(ctx, info) {
      const loginRecords = await purgeExpiredSessions(ctx.db, { now: info.now() });
      return { ...(await housekeep(ctx.db, info.now(), options)), loginRecords };
    },
  };
}
