/**
 * `redeemQuote`: when an order is placed from a quote, record the promotions (and the code) it
 * used, in one transaction that re-checks every limit under row locks, so that concurrent orders
 * can never use a promotion or a code more often than allowed. Idempotent per order reference.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingConflictError, BillingNotFoundError } from "../errors.js";
import { isNewCustomer } from "../promotions/conditions.js";
import { check, failIfAny, type PromotionConditions } from "../promotions/model.js";
import type { Quote } from "./quote.js";

export interface RedeemQuoteInput {
  /** The quote the order was placed from (as `quote` returned it). */
  quote: Quote;
  /** The order's own reference, unique per order: a second call with it changes nothing. */
  orderRef: string;
  /** When the order was placed; default the quote's `at`. Becomes `redeemedAt` and, for a first order, `customers.first_order_at`. */
  at?: Date;
}

export interface Redemption {
  id: number;
  promotionId: number;
  /** The code used for this promotion, if one was. */
  code: string | null;
  customerId: number;
  orderRef: string;
  redeemedAt: Date;
}

export interface RedeemResult {
  orderRef: string;
  customerId: number;
  /** True when this order had been redeemed before: nothing was changed this time. */
  alreadyRedeemed: boolean;
  redemptions: Redemption[];
  /** `customers.first_order_at` after the call. */
  firstOrderAt: Date | null;
}

const id = z.number().int().min(1).max(2_147_483_647);

const schema = z.strictObject({
  quote: z.object({
    customerId: id,
    at: z.date("must be a Date"),
    promotionsApplied: z.array(z.object({ promotionId: id })),
    code: z
      .object({
        code: z.string(),
        valid: z.boolean(),
        applied: z.boolean(),
        promotionId: id.nullable(),
      })
      .nullable(),
  }),
  orderRef: z.string().trim().min(1).max(200),
  at: z.date("must be a Date").optional(),
});

interface RedemptionRow {
  id: number;
  promotion_id: number;
  code: string | null;
  customer_id: number;
  order_ref: string;
  redeemed_at: Date;
}

const fromRow = (r: RedemptionRow): Redemption => ({
  id: r.id,
  promotionId: r.promotion_id,
  code: r.code,
  customerId: r.customer_id,
  orderRef: r.order_ref,
  redeemedAt: r.redeemed_at,
});

interface LockedPromotion {
  id: number;
  name: string;
  active: boolean;
  starts_at: Date | null;
  ends_at: Date | null;
  conditions: PromotionConditions;
  once_per_customer: boolean;
  max_uses: number | null;
  uses: number;
  requires_code: boolean;
}

interface LockedCode {
  code: string;
  promotion_id: number;
  max_uses: number | null;
  uses: number;
  per_customer_limit: number | null;
  expires_at: Date | null;
}

const conflict = (message: string, code: string) => new BillingConflictError(message, code);

/**
 * Records the quote's promotions for an order. Locks, in this order (so concurrent calls never
 * deadlock): the customer row, the promotions' rows (by id), the code's row; re-checks active,
 * dates, maxUses, oncePerCustomer, new-customer, and the code's expiry, uses and per-customer limit;
 * then increments the counters, inserts `promotion_redemptions` and sets `first_order_at` if null.
 * Any limit that no longer holds → BillingConflictError (code `promotion_used_up`, `code_used_up`,
 * `used_by_customer`, …) and nothing is written: quote again and show the customer the new price.
 */
export async function redeemQuote(db: Db, input: RedeemQuoteInput): Promise<RedeemResult> {
  const { data, issues } = check(schema, input);
  failIfAny("redeemQuote", issues);
  const { quote, orderRef } = data!;
  const at = data!.at ?? quote.at;
  const customerId = quote.customerId;

  return db.transaction(async (tx) => {
    const customer = await tx.query<{ first_order_at: Date | null }>(
      "SELECT first_order_at FROM customers WHERE id = $1 FOR UPDATE",
      [customerId],
    );
    if (!customer.rows[0]) throw new BillingNotFoundError(`customer ${customerId}`);
    const firstOrderAt = customer.rows[0].first_order_at;

    const done = await tx.query<RedemptionRow>(
      "SELECT id, promotion_id, code, customer_id, order_ref, redeemed_at FROM promotion_redemptions WHERE order_ref = $1 ORDER BY promotion_id",
      [orderRef],
    );
    if (done.rows.length > 0) {
      if (done.rows.some((r) => r.customer_id !== customerId)) {
        throw conflict(`order ${orderRef} was redeemed for another customer`, "order_ref_taken");
      }
      return {
        orderRef,
        customerId,
        alreadyRedeemed: true,
        redemptions: done.rows.map(fromRow),
        firstOrderAt,
      };
    }

    const ids = [...new Set(quote.promotionsApplied.map((p) => p.promotionId))].sort((a, b) => a - b);
    const locked = ids.length
      ? (
          await tx.query<LockedPromotion>(
            `SELECT id, name, active, starts_at, ends_at, conditions, once_per_customer, max_uses, uses, requires_code
             FROM promotions WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE`,
            [ids],
          )
        ).rows
      : [];
    const used = ids.length
      ? (
          await tx.query<{ promotion_id: number }>(
            "SELECT DISTINCT promotion_id FROM promotion_redemptions WHERE customer_id = $1 AND promotion_id = ANY($2::int[])",
            [customerId, ids],
          )
        ).rows.map((r) => r.promotion_id)
      : [];
    const byId = new Map(locked.map((p) => [p.id, p]));
    for (const pid of ids) {
      const p = byId.get(pid);
      if (!p?.active) throw conflict(`promotion ${pid} is no longer active`, "promotion_inactive");
      const t = at.getTime();
      if ((p.starts_at && t < p.starts_at.getTime()) || (p.ends_at && t >= p.ends_at.getTime())) {
        throw conflict(`promotion "${p.name}" is outside its dates`, "outside_dates");
      }
      if (p.max_uses !== null && p.uses >= p.max_uses) {
        throw conflict(`promotion "${p.name}" is used up`, "promotion_used_up");
      }
      if (p.once_per_customer && used.includes(pid)) {
        throw conflict(`promotion "${p.name}" was already used by this customer`, "used_by_customer");
      }
      if (p.conditions.customers === "new" && !isNewCustomer(firstOrderAt, at)) {
        throw conflict(`promotion "${p.name}" is only for new customers`, "new_customers_only");
      }
    }

    // The code: recorded with its promotion when the quote applied it.
    let codeUsed: string | null = null;
    const qc = quote.code;
    const codePromotion = qc?.valid && qc.applied && qc.promotionId !== null ? qc.promotionId : null;
    for (const pid of ids) {
      const p = byId.get(pid)!;
      if (p.requires_code && codePromotion !== pid) {
        throw conflict(`promotion "${p.name}" needs its code`, "needs_code");
      }
    }
    if (codePromotion !== null && ids.includes(codePromotion)) {
      const required = byId.get(codePromotion)!.requires_code;
      const { rows } = await tx.query<LockedCode>(
        `SELECT code, promotion_id, max_uses, uses, per_customer_limit, expires_at
         FROM discount_codes WHERE code = $1 FOR UPDATE`,
        [qc!.code],
      );
      const c = rows[0];
      let problem: BillingConflictError | null = null;
      if (!c || c.promotion_id !== codePromotion) {
        problem = conflict(`discount code ${qc!.code} no longer exists`, "unknown_code");
      } else if (c.expires_at && c.expires_at.getTime() <= at.getTime()) {
        problem = conflict(`discount code ${c.code} has expired`, "code_expired");
      } else if (c.max_uses !== null && c.uses >= c.max_uses) {
        problem = conflict(`discount code ${c.code} is used up`, "code_used_up");
      } else if (c.per_customer_limit !== null) {
        const n = await tx.query<{ n: number }>(
          "SELECT count(*) AS n FROM promotion_redemptions WHERE code = $1 AND customer_id = $2",
          [c.code, customerId],
        );
        if (n.rows[0]!.n >= c.per_customer_limit) {
          problem = conflict(
            `discount code ${c.code} was already used by this customer`,
            "code_customer_limit",
          );
        }
      }
      // A promotion that needs the code cannot go without it; one that does not keeps its discount.
      if (problem && required) throw problem;
      if (!problem) {
        codeUsed = c!.code;
        await tx.query("UPDATE discount_codes SET uses = uses + 1 WHERE code = $1", [codeUsed]);
      }
    }

    const redemptions: Redemption[] = [];
    if (ids.length > 0) {
      await tx.query("UPDATE promotions SET uses = uses + 1 WHERE id = ANY($1::int[])", [ids]);
      const { rows } = await tx.query<RedemptionRow>(
        `INSERT INTO promotion_redemptions (promotion_id, code, customer_id, order_ref, redeemed_at)
         SELECT pid, CASE WHEN pid = $2::int THEN $3::text END, $4, $5, $6 FROM unnest($1::int[]) AS pid
         RETURNING id, promotion_id, code, customer_id, order_ref, redeemed_at`,
        [ids, codePromotion, codeUsed, customerId, orderRef, at],
      );
      redemptions.push(...rows.map(fromRow).sort((a, b) => a.promotionId - b.promotionId));
    }
    const first = await tx.query<{ first_order_at: Date }>(
      "UPDATE customers SET first_order_at = $2 WHERE id = $1 AND first_order_at IS NULL RETURNING first_order_at",
      [customerId, at],
    );
    return {
      orderRef,
      customerId,
      alreadyRedeemed: false,
      redemptions,
      firstOrderAt: first.rows[0]?.first_order_at ?? firstOrderAt,
    };
  });
}
