/**
 * Webhook events (and reminder notices) from jobs, published once per fact. A job may run twice
 * for the same moment (a lease expired under a stalled instance, a run that crashed after its
 * work and before its record), so every event a job publishes has a key naming the fact —
 * `renewal.due:<service>:<expiry>:<days>`, `hrd.poll:<message id>` — and the key and the event
 * are stored in one transaction: either both exist or neither, and a second publish of the same
 * key is a no-op.
 */
import {
  BillingConflictError,
  type BillingFact,
  type Db,
  type NotifyFactOptions,
  notifyFact,
} from "@hrdkit/billing";
import { type EventType, type PublishedEvent, publishEvent } from "../webhooks/events.js";

/**
 * Publishes the event unless an event with this key was published before. Resolves with the event,
 * or undefined when the key was taken (by an earlier run, or by another instance at the same time:
 * the second waits for the first's transaction and then finds the key).
 */
export async function publishOnce(
  db: Db,
  key: string,
  type: EventType,
  data: Record<string, unknown>,
): Promise<PublishedEvent | undefined> {
  return db.transaction(async (tx) => {
    const claimed = await tx.query(
      "INSERT INTO bridge_published (key, type) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key",
      [key, type],
    );
    if (claimed.rows.length === 0) return undefined;
    const event = await publishEvent(tx, type, data);
    await tx.query("UPDATE bridge_published SET event_id = $2 WHERE key = $1", [key, event.id]);
    return event;
  });
}

/** Whether an event with this key was published. */
export async function wasPublished(db: Db, key: string): Promise<boolean> {
  const { rows } = await db.query("SELECT 1 FROM bridge_published WHERE key = $1", [key]);
  return rows.length > 0;
}

/**
 * Queues the customer's notices of a fact unless this key was claimed before, the claim and the
 * notices in one transaction: a notice that fails to queue leaves no claim, so the next run tries
 * again. The key names the step, not the day (`notice:renewal.reminder:<service>:<expiry>:<days>`):
 * a service first seen late inside a step is told once, with the days really left. Resolves
 * `queued`, `before` (claimed by an earlier run or another instance), or `renewed` (the renewal
 * is paid already: nothing to remind of, and the claim stays).
 */
export async function notifyOnce(
  db: Db,
  key: string,
  fact: BillingFact,
  options: NotifyFactOptions,
): Promise<"queued" | "before" | "renewed"> {
  return db.transaction(async (tx) => {
    const claimed = await tx.query(
      "INSERT INTO bridge_published (key, type) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key",
      [key, `notice:${fact.kind}`],
    );
    if (claimed.rows.length === 0) return "before";
    try {
      await notifyFact(tx, fact, options);
    } catch (err) {
      if (err instanceof BillingConflictError && err.code === "already_renewed") return "renewed";
      throw err;
    }
    return "queued";
  });
}
