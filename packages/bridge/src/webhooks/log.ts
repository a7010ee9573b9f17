/**
 * The delivery log: every delivery of an endpoint with its state, every attempt with what the
 * receiver answered, and redelivery (a new attempt due now, for a failed delivery, a delivered one
 * the receiver lost, or a pending one that should not wait for its next retry).
 */
import type { Db } from "@hrdkit/billing";
import { BridgeError } from "../errors.js";

export type DeliveryStatus = "pending" | "delivered" | "failed";
export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export const DELIVERY_ID = /^whd_[0-9a-f]{24}$/;

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookAttempt {
  number: number;
  at: Date;
  durationMs: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  /** The start of the receiver's answer (at most 1 KiB). */
  responseExcerpt: string | null;
}

export interface WebhookDeliveryDetail extends WebhookDelivery {
  event: { id: string; type: string; createdAt: Date; data: unknown };
  attempts: WebhookAttempt[];
}

interface DeliveryRow {
  seq: number;
  id: string;
  endpoint_id: string;
  event_id: string;
  type: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `d.seq, d.id, d.endpoint_id, d.event_id, v.type, d.status, d.attempts, d.next_attempt_at,
  d.last_status_code, d.last_error, d.delivered_at, d.created_at, d.updated_at`;

const deliveryOf = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  webhookId: r.endpoint_id,
  eventId: r.event_id,
  eventType: r.type,
  status: r.status,
  attemptCount: r.attempts,
  nextAttemptAt: r.status === "pending" ? r.next_attempt_at : null,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  deliveredAt: r.delivered_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface DeliveryFilter {
  status?: DeliveryStatus;
  eventType?: string;
  /** The `seq` of the last delivery of the previous page (pages go newest first). */
  beforeSeq?: number;
  limit: number;
}

/** An endpoint's deliveries, newest first; 404 when the endpoint does not exist. */
export async function listDeliveries(
  db: Db,
  webhookId: string,
  filter: DeliveryFilter,
): Promise<{ items: WebhookDelivery[]; nextSeq: number | null }> {
  const exists = await db.query("SELECT 1 FROM webhook_endpoints WHERE id = $1", [webhookId]);
  if (exists.rowCount === 0)
    throw new BridgeError(404, "not_found", `no webhook ${webhookId} at this bridge`);
  const { rows } = await db.query<DeliveryRow>(
    `SELECT ${COLUMNS} FROM webhook_deliveries d JOIN webhook_events v ON v.id = d.event_id
     WHERE d.endpoint_id = $1 AND ($2::bigint IS NULL OR d.seq < $2)
       AND ($3::text IS NULL OR d.status = $3) AND ($4::text IS NULL OR v.type = $4)
     ORDER BY d.seq DESC LIMIT $5`,
    [webhookId, filter.beforeSeq ?? null, filter.status ?? null, filter.eventType ?? null, filter.limit + 1],
  );
  const page = rows.slice(0, filter.limit);
  return {
    items: page.map(deliveryOf),
    nextSeq: rows.length > filter.limit ? page[page.length - 1]!.seq : null,
  };
}

const deliveryNotFound = (id: string) =>
  new BridgeError(404, "not_found", `no webhook delivery ${id} at this bridge`);

/** One delivery with its event and every attempt, oldest first. */
export async function getDelivery(db: Db, id: string): Promise<WebhookDeliveryDetail> {
  const { rows } = await db.query<DeliveryRow & { data: unknown; event_created_at: Date }>(
    `SELECT ${COLUMNS}, v.data, v.created_at AS event_created_at
     FROM webhook_deliveries d JOIN webhook_events v ON v.id = d.event_id WHERE d.id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r) throw deliveryNotFound(id);
  const attempts = await db.query<{
    number: number;
    at: Date;
    duration_ms: number;
    ok: boolean;
    status_code: number | null;
    error: string | null;
    response_excerpt: string | null;
  }>(
    `SELECT number, at, duration_ms, ok, status_code, error, response_excerpt
     FROM webhook_attempts WHERE delivery_id = $1 ORDER BY number`,
    [id],
  );
  return {
    ...deliveryOf(r),
    event: {
      id: r.event_id,
      type: r.type,
      createdAt: r.event_created_at,
      data: typeof r.data === "string" ? JSON.parse(r.data) : r.data,
    },
    attempts: attempts.rows.map((a) => ({
      number: a.number,
      at: a.at,
      durationMs: a.duration_ms,
      ok: a.ok,
      statusCode: a.status_code,
      error: a.error,
      responseExcerpt: a.response_excerpt,
    })),
  };
}

/**
 * Makes a new attempt due at `now` and starts a new retry series (a receiver fixed after an
 * outage gets the full schedule again). Refused (409) while an attempt is under way, or while the
 * endpoint is disabled (nothing would be sent).
 */
export async function redeliver(db: Db, id: string, now: Date): Promise<WebhookDeliveryDetail> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE webhook_deliveries d SET status = 'pending', next_attempt_at = $2, series_start = d.attempts,
       updated_at = $2
     FROM webhook_endpoints e
     WHERE d.id = $1 AND e.id = d.endpoint_id AND e.enabled
       AND (d.lease_until IS NULL OR d.lease_until <= $2)
     RETURNING d.id`,
    [id, now],
  );
  if (rows.length === 0) {
    const { rows: why } = await db.query<{ enabled: boolean; lease_until: Date | null }>(
      `SELECT e.enabled, d.lease_until FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
       WHERE d.id = $1`,
      [id],
    );
    const w = why[0];
    if (!w) throw deliveryNotFound(id);
    if (!w.enabled) {
      throw new BridgeError(
        409,
        "webhook_disabled",
        "the webhook is disabled: enable it (PATCH enabled: true) and redeliver again",
      );
    }
    throw new BridgeError(
      409,
      "delivery_in_progress",
      "an attempt of this delivery is under way: see its outcome in the log, then redeliver if needed",
      true,
    );
  }
  return getDelivery(db, id);
}
