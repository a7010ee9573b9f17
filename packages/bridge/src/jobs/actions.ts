/**
 * `actions`: follows the HRD actions routes recorded with `trackAction` (a registration, a
 * renewal, a DNS change…) with `action/info` until each is done or failed.
 */
import type { Db } from "@hrdkit/billing";
import type { BridgeJob } from "./runner.js";

// The SDK's waitForAction reads statuses the same way (HRD does not document them).
const DONE = new Set(["done", "completed", "ok", "success", "finished"]);
const FAILED = new Set(["failed", "error", "cancelled", "canceled", "rejected"]);

/** Actions checked in one run at most (the least recently checked first). */
const MAX_PER_RUN = 500;

/**
 * Records an action for the `actions` job to follow. Returns false when it was tracked already
 * (calling it twice is harmless).
 */
export async function trackAction(
  db: Db,
  actionId: number,
  domain: string | null,
  kind: string,
  now: Date = new Date(),
): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO bridge_actions (action_id, domain, kind, status, created_at, updated_at)
     VALUES ($1, $2, $3, 'pending', $4, $4) ON CONFLICT (action_id) DO NOTHING`,
    [actionId, domain, kind, now],
  );
  return r.rowCount > 0;
}

export interface TrackedAction {
  actionId: number;
  domain: string | null;
  kind: string;
  status: "pending" | "done" | "failed";
  /** HRD's own status word, once read. */
  hrdStatus: string | null;
}

export async function trackedAction(db: Db, actionId: number): Promise<TrackedAction | undefined> {
  const { rows } = await db.query<{
    action_id: string | number;
    domain: string | null;
    kind: string;
    status: TrackedAction["status"];
    hrd_status: string | null;
  }>("SELECT action_id, domain, kind, status, hrd_status FROM bridge_actions WHERE action_id = $1", [
    actionId,
  ]);
  const r = rows[0];
  return r
    ? {
        actionId: Number(r.action_id),
        domain: r.domain,
        kind: r.kind,
        status: r.status,
        hrdStatus: r.hrd_status,
      }
    : undefined;
}

export const actionsJob: BridgeJob = {
  name: "actions",
  intervalMs: 30_000,
  async run(ctx, { now, signal }) {
    const { rows } = await ctx.db.query<{ action_id: string | number; hrd_status: string | null }>(
      `SELECT action_id, hrd_status FROM bridge_actions WHERE status = 'pending'
       ORDER BY updated_at, action_id LIMIT $1`,
      [MAX_PER_RUN],
    );
    const counts = { checked: 0, done: 0, failed: 0, pending: 0, errors: 0 };
    for (const row of rows) {
      if (signal.aborted) break;
      const id = Number(row.action_id);
      let hrdStatus: string;
      try {
        hrdStatus = (await ctx.hrd.action.info({ id })).status;
      } catch {
        counts.errors++;
        continue;
      }
      counts.checked++;
      const word = hrdStatus.toLowerCase();
      const status = DONE.has(word) ? "done" : FAILED.has(word) ? "failed" : "pending";
      counts[status]++;
      if (status === "pending" && hrdStatus === row.hrd_status) continue;
      await ctx.db.query(
        `UPDATE bridge_actions SET status = $2, hrd_status = $3, updated_at = $4
         WHERE action_id = $1 AND status = 'pending'`,
        [id, status, hrdStatus, now()],
      );
    }
    return counts;
  },
};
