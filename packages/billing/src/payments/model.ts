/**
 * Types, input schemas and row mapping shared by the payments area.
 */
import { z } from "zod";
import { CURRENCIES, type Currency, type Money, money } from "../money/money.js";

export type PaymentMethod = "transfer" | "online" | "cash" | "balance" | "refund";
export type ProformaStatus = "issued" | "paid" | "cancelled" | "expired";

export interface Payment {
  id: number;
  customerId: number;
  /** The proforma the payment was made for (also when it went to the balance because that proforma was no longer payable). */
  proformaId: number | null;
  method: PaymentMethod;
  /** Positive for money received, negative for a refund. */
  amount: Money;
  receivedAt: Date;
  /** Bank reference, gateway id, statement entry key: one payment per (method, reference). */
  reference: string | null;
  title: string | null;
  statementEntryId: number | null;
  /** A refund: the payment it gives back, when named. */
  refundOf: number | null;
  createdAt: Date;
}

/** A proforma as far as payments are concerned. */
export interface ProformaPaymentState {
  id: number;
  number: string;
  customerId: number;
  status: ProformaStatus;
  gross: Money;
  paid: Money;
  /** What is still to pay: gross − paid, never below zero. */
  outstanding: Money;
  /** Last day the proforma can be paid (YYYY-MM-DD). */
  dueDate: string;
  paidAt: Date | null;
}

/**
 * - `paid`: the proforma is now fully paid;
 * - `partial`: it was paid in part and still waits for the rest;
 * - `overpaid`: it is paid and the excess went to the customer's balance;
 * - `balance`: nothing went to a proforma (none given, or it is cancelled, expired or already paid):
 *   the whole amount is the customer's balance.
 */
export type PaymentOutcome = "paid" | "partial" | "overpaid" | "balance";

export interface PaymentResult {
  payment: Payment;
  /** True when this (method, reference) had been recorded before: nothing changed, the first payment is returned. */
  duplicate: boolean;
  outcome: PaymentOutcome;
  /** The part that paid the proforma. */
  applied: Money;
  /** The part kept as the customer's balance. */
  toBalance: Money;
  /** The proforma after the payment; null for a payment without one. */
  proforma: ProformaPaymentState | null;
  /** Why (part of) the money went to the balance, for people. */
  note: string | null;
}

// ------------------------------------------------------------------------------------ inputs

/**
 * An integer in [min, max]. Not `.int()`: zod aborts the whole object on a failed `.int()`, which
 * would hide the other fields' cross-checks; a refinement lets every bad field be named.
 */
export const integerSchema = (min: number, max: number, message = "must be an integer") =>
  z
    .number(message)
    .refine((n) => Number.isSafeInteger(n), message)
    .refine((n) => n >= min, min === 1 ? "must be more than zero" : `must be at least ${min}`)
    .refine((n) => n <= max, `must be at most ${max}`);

export const idSchema = integerSchema(1, 2_147_483_647, "must be a positive integer id");
export const atSchema = z
  .date("must be a Date")
  .refine((d) => !Number.isNaN(d.getTime()), "must be a valid date");
export const currencySchema = z.enum(CURRENCIES);
/** A positive amount of money: `{ amount: <minor units>, currency }`. */
export const positiveMoneySchema = z.strictObject(
  {
    amount: integerSchema(1, Number.MAX_SAFE_INTEGER, "must be an integer of minor units (grosze)"),
    currency: currencySchema,
  },
  { error: "must be Money {amount, currency}" },
);
export const referenceSchema = z.string().trim().min(1, "must not be empty").max(200);
export const titleSchema = z.string().trim().max(1000);
export const progressSchema = z.custom<(done: number, total: number) => void>(
  (v) => typeof v === "function",
  "must be a function (done, total) => void",
);

/**
 * For cross-field checks: run them even when a field already failed, so one call names every bad
 * field (zod skips refinements after an issue by default).
 */
export const evenWithIssues = {
  when: (payload: { value: unknown }) => typeof payload.value === "object" && payload.value !== null,
};

// ------------------------------------------------------------------------------------ rows

export interface PaymentRow {
  id: number;
  customer_id: number;
  proforma_id: number | null;
  method: PaymentMethod;
  amount: number;
  currency: Currency;
  received_at: Date;
  reference: string | null;
  title: string | null;
  statement_entry_id: number | null;
  refund_of: number | null;
  created_at: Date;
}

export const PAYMENT_COLUMNS =
  "id, customer_id, proforma_id, method, amount, currency, received_at, reference, title, statement_entry_id, refund_of, created_at";

export const toPayment = (r: PaymentRow): Payment => ({
  id: r.id,
  customerId: r.customer_id,
  proformaId: r.proforma_id,
  method: r.method,
  amount: money(r.amount, r.currency),
  receivedAt: r.received_at,
  reference: r.reference,
  title: r.title,
  statementEntryId: r.statement_entry_id,
  refundOf: r.refund_of,
  createdAt: r.created_at,
});

export interface ProformaRow {
  id: number;
  number: string;
  customer_id: number;
  status: ProformaStatus;
  currency: Currency;
  gross: number;
  paid: number;
  due_date: string;
  paid_at: Date | null;
}

export const PROFORMA_COLUMNS = "id, number, customer_id, status, currency, gross, paid, due_date, paid_at";

export const toProformaState = (r: ProformaRow): ProformaPaymentState => ({
  id: r.id,
  number: r.number,
  customerId: r.customer_id,
  status: r.status,
  gross: money(r.gross, r.currency),
  paid: money(r.paid, r.currency),
  outstanding: money(Math.max(0, r.gross - r.paid), r.currency),
  dueDate: r.due_date,
  paidAt: r.paid_at,
});
