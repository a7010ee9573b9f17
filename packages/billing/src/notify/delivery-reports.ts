/**
 * Delivery reports (SMSAPI's callbacks, a lookup's answer): a `sent` notice becomes `delivered`,
 * or `failed` with the provider's reason. Matched by the provider's id of the message.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { parseInput } from "../validate.js";
import type { ChannelStatus } from "./ports.js";

export interface DeliveryReportsResult {
  /** Notices whose status changed. */
  updated: number;
  /**
   * Provider ids that match no notice (yet): a report can arrive before the worker has recorded
   * the provider's answer, so a caller may keep these and try again a little later.
   */
  unknown: string[];
}

const reportSchema = z.array(
  z.object({
    providerId: z.string().min(1).max(500),
    status: z.enum(["sent", "delivered", "failed"]),
    reason: z.string().max(2000).optional(),
    at: z.date().optional(),
  }),
);

// A report never moves a notice back: sent < delivered/failed; the last word of the same rank wins.
const RANK = { sent: 0, delivered: 1, failed: 1 } as const;

/** Applies delivery reports. Repeated and out-of-order reports are harmless. */
export async function recordDeliveryReports(
  db: Db,
  reports: readonly ChannelStatus[],
  options: { now?: Date } = {},
): Promise<DeliveryReportsResult> {
  const list = parseInput("recordDeliveryReports", reportSchema, reports);
  if (list.length === 0) return { updated: 0, unknown: [] };
  const latest = new Map<string, (typeof list)[number]>();
  for (const r of list) {
    const seen = latest.get(r.providerId);
    if (!seen || RANK[r.status] >= RANK[seen.status]) latest.set(r.providerId, r);
  }
  const final = [...latest.values()].filter((r) => r.status !== "sent");
  const now = options.now ?? new Date();
  let updated = 0;
  if (final.length > 0) {
    const res = await db.query(
      `UPDATE notices n SET
         status = r.status,
         delivered_at = CASE WHEN r.status = 'delivered' THEN COALESCE(r.at, $5) ELSE n.delivered_at END,
         reason = CASE WHEN r.status = 'failed'
                       THEN 'the provider reported it undelivered: ' || COALESCE(r.reason, 'no reason given')
                       ELSE n.reason END,
         updated_at = $5
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) AS r (provider_id, status, reason, at)
       WHERE n.provider_id = r.provider_id AND n.status = 'sent'`,
      [
        final.map((r) => r.providerId),
        final.map((r) => r.status),
        final.map((r) => r.reason ?? null),
        final.map((r) => r.at ?? null),
        now,
      ],
    );
    updated = res.rowCount;
  }
  const ids = [...latest.keys()];
  const { rows } = await db.query<{ id: string }>(
    "SELECT p AS id FROM unnest($1::text[]) AS p WHERE NOT EXISTS (SELECT 1 FROM notices WHERE provider_id = p)",
    [ids],
  );
  return { updated, unknown: rows.map((r) => r.id) };
}
