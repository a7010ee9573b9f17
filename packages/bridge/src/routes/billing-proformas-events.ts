/**
 * Webhook events and customer notices of the money path (orders, proformas, payments, activation,
 * invoices). Routes publish and notify from inside their journaled run, after billing stored the
 * change: a replayed answer runs nothing, so it publishes and queues nothing.
 *
 * Billing commits its change before the event or notice is stored (they are separate
 * transactions). If storing one fails, the answer still says what was done: turning it into an
 * error would free the Idempotency-Key, and the retry would find the change already made and
 * publish nothing either. The lost event or notice is reported to the operator's log instead.
 */
import {
  BillingError,
  type BillingFact,
  type Currency,
  type Db,
  getNotifySettings,
  type NotifySettings,
  notifyFact,
  transferTitleOf,
} from "@hrdkit/billing";
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

/** What a notice's report names: the fact, e.g. `notice payment {"paymentId":7}`. */
function factLabel(fact: BillingFact): string {
  const { kind, ...ids } = fact;
  return `notice ${kind} ${JSON.stringify(ids)}`;
}

/**
 * Whether a notice failed for want of set-up the partner has not done yet (the customer panel's
 * address, the seller's data): every other notice of the call would fail the same way.
 */
export function noticesNotSetUp(err: unknown): boolean {
  return err instanceof BillingError && (err.code === "no_panel_url" || err.code === "no_seller");
}

/** Reports a notice that was not queued, to ctx.logError or (without one) stderr in one line. */
export function reportNotice(ctx: BridgeContext, what: string, err: unknown): void {
  if (ctx.logError) {
    ctx.logError(err, { method: "NOTICE", url: what });
    return;
  }
  const detail =
    err instanceof BillingError
      ? err.message
      : err instanceof Error
        ? (err.stack ?? err.message)
        : String(err);
  // A partner who tells customers through its own software (webhooks) switches these off instead.
  const hint = noticesNotSetUp(err)
    ? " (or switch the events' notices off: PATCH /v1/notifications/settings, channels)"
    : "";
  console.error(`hrdkit bridge: ${what} not queued: ${detail}${hint}`);
}

/**
 * Queues the customer's notices of these billing facts (billing's notifyFact, per the partner's
 * notification settings, read once); the `notifications` job sends them. A fact that cannot be
 * notified is reported and the rest go on; when notices are not set up at all, the first failure
 * is reported naming every fact left, and nothing more is tried. Billing keys each notice by its
 * fact, so calling this again for the same fact queues nothing new.
 */
/** The not-set-up reasons already reported, per bridge. */
const notSetUpSaid = new WeakMap<BridgeContext, Set<string>>();

export async function notifyAll(
  ctx: BridgeContext,
  facts: readonly BillingFact[],
  options: { now?: Date; settings?: NotifySettings } = {},
): Promise<void> {
  if (facts.length === 0) return;
  let settings = options.settings;
  const now = options.now ?? ctx.now();
  for (const [i, fact] of facts.entries()) {
    try {
      settings ??= await getNotifySettings(ctx.db);
      await notifyFact(ctx.db, fact, { settings, now });
    } catch (err) {
      if (noticesNotSetUp(err) || settings === undefined) {
        // Not set up (no panel address, no seller): said once per bridge and reason, not on every
        // money call of a partner who tells its customers some other way.
        const code = err instanceof BillingError ? err.code : "settings";
        const said = notSetUpSaid.get(ctx) ?? new Set<string>();
        notSetUpSaid.set(ctx, said);
        if (!said.has(code)) reportNotice(ctx, facts.slice(i).map(factLabel).join(", "), err);
        said.add(code);
        return;
      }
      reportNotice(ctx, factLabel(fact), err);
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
