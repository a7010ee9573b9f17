/**
 * Webhook events of the money path (orders, proformas, payments, activation). Routes publish them
 * from inside their journaled run, after billing stored the change: a replayed answer runs nothing,
 * so it publishes nothing.
 *
 * Billing commits its change before the event is stored (they are two transactions). If storing
 * the event fails, the answer still says what was done: turning it into an error would free the
 * Idempotency-Key, and the retry would find the change already made and publish nothing either.
 * The lost event is reported to the operator's log instead.
 */
import { type Currency, type Db, transferTitleOf } from "@hrdkit/billing";
import type { BridgeContext } from "../app.js";
import { type EventType, publishEvent } from "../webhooks/events.js";
import { dec } from "./billing-proformas-json.js";

export type PendingEvent = [type: EventType, data: Record<string, unknown>];

export async function publishAll(ctx: BridgeContext, events: PendingEvent[]): Promise<void> {
  for (const [type, data] of events) {
    try {
      await publishEvent(ctx.db, type, data);
    } catch (err) {
      const report = ctx.logError ?? ((e: unknown) => console.error("hrdkit bridge: event not stored:", e));
      report(err, { method: "EVENT", url: `${type} ${JSON.stringify(data)}` });
    }
  }
}

/** `proforma.issued`: what a receiver needs to send the customer the payment request. */
export function proformaIssued(p: {
  id: number;
  number: string;
  customerId: number;
  origin: string;
  currency: Currency;
  /** Decimal string. */
  gross: string;
  dueDate: string;
  orderRef: string | null;
  renewalKey: string | null;
}): PendingEvent {
  return [
    "proforma.issued",
    {
      proformaId: p.id,
      number: p.number,
      customerId: p.customerId,
      origin: p.origin,
      currency: p.currency,
      gross: p.gross,
      dueDate: p.dueDate,
      transferTitle: transferTitleOf(p.number),
      orderRef: p.orderRef,
      renewalKey: p.renewalKey,
    },
  ];
}

/**
 * `payment.matched` for each of these payments that names a proforma: the amount, the part that
 * paid the proforma (the rest went to the customer's balance) and whether the proforma was fully
 * paid by it. Read back from the stored rows, so a payment found on a statement is described
 * exactly like one recorded by hand. "Paid by it": the proforma's payments up to this one (their
 * applied parts) reach its gross — payments of one proforma are applied in id order under its
 * row lock, so this is the state right after this payment.
 */
export async function paymentsMatched(db: Db, paymentIds: readonly number[]): Promise<PendingEvent[]> {
  if (paymentIds.length === 0) return [];
  const { rows } = await db.query<{
    id: number;
    customer_id: number;
    proforma_id: number;
    number: string;
    method: string;
    amount: number;
    currency: Currency;
    received_at: Date;
    applied: number;
    paid_after: number;
    gross: number;
  }>(
    `WITH applied AS (
       SELECT q.id, q.proforma_id,
              q.amount - coalesce((SELECT sum(b.amount) FROM customer_balance_entries b
                                   WHERE b.payment_id = q.id AND b.reason = 'overpayment'), 0) AS applied
       FROM payments q
       WHERE q.amount > 0 AND q.proforma_id IN (SELECT proforma_id FROM payments WHERE id = ANY($1::int[]))
     )
     SELECT p.id, p.customer_id, p.proforma_id, pr.number, p.method, p.amount, p.currency, p.received_at,
            a.applied::int8 AS applied, pr.gross,
            (SELECT sum(x.applied) FROM applied x WHERE x.proforma_id = p.proforma_id AND x.id <= p.id)::int8 AS paid_after
     FROM payments p
     JOIN proformas pr ON pr.id = p.proforma_id
     JOIN applied a ON a.id = p.id
     WHERE p.id = ANY($1::int[])
     ORDER BY p.id`,
    [[...paymentIds]],
  );
  return rows.map((r) => [
    "payment.matched",
    {
      paymentId: r.id,
      proformaId: r.proforma_id,
      proformaNumber: r.number,
      customerId: r.customer_id,
      method: r.method,
      currency: r.currency,
      amount: dec(Number(r.amount), r.currency),
      applied: dec(Number(r.applied), r.currency),
      toBalance: dec(Number(r.amount) - Number(r.applied), r.currency),
      paid: Number(r.paid_after) >= Number(r.gross),
      receivedAt: r.received_at.toISOString(),
    },
  ]);
}
