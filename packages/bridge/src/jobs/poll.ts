/**
 * `poll`: empties HRD's poll queue into `bridge_events`, so other code can react to what happened
 * at HRD (an action finished, a transfer moved on…). A message is acknowledged only after it is
 * stored; a crash in between brings the same message again, and storing it is a no-op (the row's
 * id is HRD's message id).
 *
 * Each message is published as `hrd.poll`, and a transfer message as `domain.transferred` too, in
 * the transaction that stores it, keyed by HRD's message id: a message delivered again is neither
 * stored nor published twice.
 *
 * The customers are told too (readPollMessage): a transfer to the partner completed or rejected,
 * a trade's step, a certificate issued, each to the customer whose service in billing names the
 * domain or certificate. The notices are queued after the message is stored and before it is
 * acknowledged, so a crash in between brings the message back and queues them then; billing keys
 * each notice by its fact (`transfer.progress:<service>:<stage>`, …), so nothing is told twice.
 * A notice that cannot be queued (notices not set up) is reported, and the message acknowledged
 * all the same: the queue must not stall on the partner's settings.
 */
import type { BridgeContext } from "../app.js";
import { notifyAll } from "../routes/billing-proformas-events.js";
import { readPollMessage } from "./poll-events.js";
import { publishOnce } from "./publish.js";
import type { BridgeJob } from "./runner.js";

/** Messages handled in one run at most (the rest wait for the next run). */
const MAX_PER_RUN = 1_000;

export interface StoredEvent {
  id: number;
  object: string;
  objectName: string | null;
  objectId: number | null;
  action: string;
  /** HRD's time, as HRD wrote it (Europe/Warsaw). */
  added: string;
}

export const pollJob: BridgeJob = {
  name: "poll",
  intervalMs: 60_000,
  async run(ctx, { signal, now }) {
    let received = 0;
    let stored = 0;
    let duplicates = 0;
    let ackRetries = 0;
    let published = 0;
    let transfers = 0;
    let notices = 0;
    let failedAck: number | undefined;
    while (received < MAX_PER_RUN && !signal.aborted) {
      const m = await ctx.hrd.poll.get();
      if (!m) break;
      received++;
      // HRD is asked (domain/info, cert/info…) before the transaction, which then only writes.
      const outcome = await readPollMessage(ctx, m);
      const transfer = outcome.transferred;
      const r = await ctx.db.transaction(async (tx) => {
        const row = await tx.query(
          `INSERT INTO bridge_events (id, object, object_name, object_id, action, added)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
          [m.id, m.object, m.objectName ?? null, m.objectId ?? null, m.action, m.added],
        );
        const poll = await publishOnce(tx, `hrd.poll:${m.id}`, "hrd.poll", {
          messageId: m.id,
          object: m.object,
          objectName: m.objectName ?? null,
          objectId: m.objectId ?? null,
          action: m.action,
          added: m.added,
        });
        const moved = transfer
          ? await publishOnce(tx, `domain.transferred:${m.id}`, "domain.transferred", transfer)
          : undefined;
        return { stored: row.rowCount > 0, poll: !!poll, moved: !!moved };
      });
      if (r.stored) stored++;
      else duplicates++;
      if (r.poll) published++;
      if (r.moved) transfers++;
      if (outcome.notices.length > 0) {
        await notifyAll(ctx, outcome.notices, { now: now() });
        notices += outcome.notices.length;
      }
      try {
        await ctx.hrd.poll.ack({ id: m.id });
      } catch (err) {
        // The ack may or may not have arrived (or HRD refused it because the message is gone):
        // the next poll/get tells — the same message again means ack it again. Twice failing on
        // the same message ends the run with the error.
        if (failedAck === m.id) throw err;
        failedAck = m.id;
        ackRetries++;
      }
    }
    return { received, stored, duplicates, ackRetries, published, transfers, notices };
  },
};

/** The stored events after `afterId` (ascending), for code that reacts to them. */
export async function eventsAfter(ctx: Pick<BridgeContext, "db">, afterId = 0, limit = 100) {
  const { rows } = await ctx.db.query<{
    id: string | number;
    object: string;
    object_name: string | null;
    object_id: string | number | null;
    action: string;
    added: string;
  }>(
    `SELECT id, object, object_name, object_id, action, added FROM bridge_events
     WHERE id > $1 ORDER BY id LIMIT $2`,
    [afterId, limit],
  );
  return rows.map(
    (r): StoredEvent => ({
      id: Number(r.id),
      object: r.object,
      objectName: r.object_name,
      objectId: r.object_id == null ? null : Number(r.object_id),
      action: r.action,
      added: r.added,
    }),
  );
}
