/**
 * Payments on the wire: named schemas and the mapping from billing's results (Money in minor
 * units) to JSON (decimal strings exact to the grosz), and a decimal amount from the wire to Money.
 */
import {
  type Currency,
  type Payment,
  type PaymentResult,
  type ProformaPaymentState,
  parseDecimal,
  toDecimal,
} from "@hrdkit/billing";
import { z } from "zod";
import { BridgeError } from "../errors.js";
import { replayedField } from "./billing-proformas-json.js";
import { moneyOut } from "./billing-schemas.js";

export const PAYMENT_METHODS = ["transfer", "online", "cash", "balance", "refund"] as const;

/** A decimal amount as the wire carries it; the route checks only its form. */
export const amountIn = z
  .string()
  .regex(/^\d{1,13}(\.\d{1,2})?$/, 'must be a decimal amount like "123.45"')
  .describe('Decimal string, dot as the decimal mark, at most 2 places: "123.45"');

/** A day (taken as noon UTC: the same day in Warsaw) or an exact moment with its offset. */
export const momentIn = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: "must be a day YYYY-MM-DD or an ISO 8601 moment with an offset",
  })
  .describe("YYYY-MM-DD (that day) or an ISO 8601 moment with its offset");

export const moment = (s: string): Date => new Date(s.length === 10 ? `${s}T12:00:00Z` : s);
export const moneyOf = (amount: string, currency: Currency) => parseDecimal(amount, currency);

export const paymentOut = z
  .object({
    id: z.number(),
    customerId: z.number(),
    proformaId: z
      .number()
      .nullable()
      .describe(
        "The proforma it was made for (also when it went to the balance because that one was not payable)",
      ),
    method: z.enum(PAYMENT_METHODS),
    amount: moneyOut.describe("Negative for a refund"),
    currency: z.enum(["PLN", "EUR"]),
    receivedAt: z.string(),
    reference: z
      .string()
      .nullable()
      .describe("Bank reference, `<gateway>:<transaction id>`, statement entry key"),
    title: z.string().nullable(),
    statementEntryId: z.number().nullable(),
    refundOf: z.number().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "Payment", description: "Money received (or refunded) for a customer or a proforma" });

const proformaStateOut = z
  .object({
    id: z.number(),
    number: z.string(),
    customerId: z.number(),
    status: z.enum(["issued", "paid", "cancelled", "expired"]),
    gross: moneyOut,
    paid: moneyOut,
    outstanding: moneyOut,
    dueDate: z.string(),
    paidAt: z.string().nullable(),
  })
  .meta({ id: "ProformaPaymentState", description: "A proforma as far as payments are concerned" });

export const paymentResultOut = z
  .object({
    payment: paymentOut,
    duplicate: z
      .boolean()
      .describe(
        "True when this reference had been recorded before: nothing changed, the first payment is shown",
      ),
    outcome: z
      .enum(["paid", "partial", "overpaid", "balance"])
      .describe(
        "paid: the proforma is now fully paid; partial: it still waits for the rest; overpaid: paid, the excess " +
          "went to the customer's balance; balance: nothing went to a proforma",
      ),
    applied: moneyOut.describe("The part that paid the proforma"),
    toBalance: moneyOut.describe("The part kept as the customer's balance"),
    proforma: proformaStateOut.nullable(),
    note: z.string().nullable().describe("Why (part of) the money went to the balance"),
    replayed: replayedField,
  })
  .meta({ id: "RecordedPayment", description: "A payment recorded, and what it did" });

export function paymentJson(p: Payment): z.input<typeof paymentOut> {
  return {
    id: p.id,
    customerId: p.customerId,
    proformaId: p.proformaId,
    method: p.method,
    amount: toDecimal(p.amount),
    currency: p.amount.currency,
    receivedAt: p.receivedAt.toISOString(),
    reference: p.reference,
    title: p.title,
    statementEntryId: p.statementEntryId,
    refundOf: p.refundOf,
    createdAt: p.createdAt.toISOString(),
  };
}

function proformaStateJson(p: ProformaPaymentState): z.input<typeof proformaStateOut> {
  return {
    id: p.id,
    number: p.number,
    customerId: p.customerId,
    status: p.status,
    gross: toDecimal(p.gross),
    paid: toDecimal(p.paid),
    outstanding: toDecimal(p.outstanding),
    dueDate: p.dueDate,
    paidAt: p.paidAt ? p.paidAt.toISOString() : null,
  };
}

export function paymentResultJson(r: PaymentResult): Omit<z.input<typeof paymentResultOut>, "replayed"> {
  return {
    payment: paymentJson(r.payment),
    duplicate: r.duplicate,
    outcome: r.outcome,
    applied: toDecimal(r.applied),
    toBalance: toDecimal(r.toBalance),
    proforma: r.proforma ? proformaStateJson(r.proforma) : null,
    note: r.note,
  };
}

/**
 * Billing names `amount.amount` (it takes Money); the caller sent `amount`. Any other issue keeps
 * its path, which is the body's.
 */
export function paymentIssues(err: unknown, rename: Record<string, string> = {}): never {
  const e = err as { code?: unknown; issues?: { path: string; message: string }[] };
  if (e?.code === "validation" && Array.isArray(e.issues)) {
    const issues = e.issues.map((i) => {
      const path = i.path.replace(/^amount\.(amount|currency)$/, "amount");
      return { path: rename[path] ?? path, message: i.message };
    });
    throw new BridgeError(
      400,
      "invalid",
      `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      false,
      issues,
    );
  }
  throw err;
}
