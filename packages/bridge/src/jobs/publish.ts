/**
 * Webhook events from jobs, published once per fact. A job may run twice for the same moment (a
 * lease expired under a stalled instance, a run that crashed after its work and before its
 * record), so every event a job publishes has a key naming the fact — `renewal.due:<service>:
 * <expiry>:<days>`, `hrd.poll:<message id>` — and the key and the event are stored in one
 * transaction: either both exist or neither, and a second publish of the same key is a no-op.
 */
import type { Db } from "@hrdkit/billing";
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
