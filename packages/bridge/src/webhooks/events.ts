/**
 * Events for webhooks: a route (or a job) that changed something a partner's software cares about
 * publishes an event once the change is stored; the webhook queue delivers it to every endpoint
 * subscribed to its type, at least once, with the event id for deduplication.
 */
import { randomBytes } from "node:crypto";
import type { Db } from "@hrdkit/billing";

/** Every event type a webhook endpoint can subscribe to. */
export const EVENT_TYPES = [
  "order.placed",
  "proforma.issued",
  "payment.matched",
  "service.activated",
  "invoice.issued",
  "renewal.due",
  "domain.expired",
  "domain.transferred",
  "hrd.poll",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * The test event `POST /v1/webhooks/{id}/ping` sends: never published to subscribers, so no
 * endpoint can subscribe to it.
 */
export const PING_EVENT_TYPE = "ping";

export interface PublishedEvent {
  /** `evt_` + 24 hex digits: unique, the receiver's deduplication key. */
  id: string;
  type: EventType;
  createdAt: Date;
}

export const newEventId = (): string => `evt_${randomBytes(12).toString("hex")}`;

/**
 * Stores an event and queues one delivery per enabled endpoint subscribed to its type (or to
 * `*`), in one statement: the event and its deliveries exist together or not at all, inside the
 * caller's transaction when `db` is one. A delivery is due at once; the delivery job sends it.
 * `data` is the event's JSON payload: ids and the few fields a receiver needs to act, money as
 * decimal strings, dates as ISO 8601.
 */
export async function publishEvent(
  db: Db,
  type: EventType,
  data: Record<string, unknown>,
): Promise<PublishedEvent> {
  const id = newEventId();
  const { rows } = await db.query<{ created_at: Date }>(
    `WITH event AS (
       INSERT INTO webhook_events (id, type, data) VALUES ($1, $2, $3) RETURNING id, type, created_at
     ), queued AS (
       INSERT INTO webhook_deliveries (id, endpoint_id, event_id, status, next_attempt_at, created_at, updated_at)
       SELECT 'whd_' || substr(md5(gen_random_uuid()::text), 1, 24), e.id, event.id, 'pending',
              event.created_at, event.created_at, event.created_at
       FROM webhook_endpoints e, event
       WHERE e.enabled AND (event.type = ANY (e.events) OR '*' = ANY (e.events))
     )
     SELECT created_at FROM event`,
    [id, type, JSON.stringify(data)],
  );
  return { id, type, createdAt: rows[0]!.created_at };
}
