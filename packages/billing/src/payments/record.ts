/**
 * Payments against proformas and the customer's balance: recording a transfer, online or cash
 * payment (partial, full, over), paying a proforma from the balance, refunds.
 *
 * Invariant kept by every write here: a proforma's `paid` is the sum of its payments minus the
 * overpayments of those payments that went to the balance. All moves of money are in one
 * transaction: a refused call writes nothing.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { warsawDate } from "../documents/dates.js";
import { BillingConflictError, BillingNotFoundError } from "../errors.js";
import { type Currency, type Money, money, toDecimal } from "../money/money.js";
import { parseInput } from "../validate.js";
import {
  atSchema,
  currencySchema,
  evenWithIssues,
  idSchema,
  PAYMENT_COLUMNS,
  type Payment,
  type PaymentMethod,
  type PaymentOutcome,
  type PaymentResult,
  type PaymentRow,
  PROFORMA_COLUMNS,
  type ProformaPaymentState,
  type ProformaRow,
  positiveMoneySchema,
  referenceSchema,
  titleSchema,
  toPayment,
  toProformaState,
} from "./model.js";

export interface RecordPaymentInput {
  /** Required when no proforma is named (the money then goes to this customer's balance). */
  customerId?: number;
  proformaId?: number;
  /** Instead of `proformaId`: the proforma's number, e.g. `PRO/2026/11/7`. */
  proformaNumber?: string;
  method: "transfer" | "online" | "cash";
  /** Positive; in the proforma's currency. */
  amount: Money;
  receivedAt: Date;
  /** Bank reference or payment gateway id. A second call with the same method and reference is a no-op. */
  reference?: string;
  title?: string;
}

const recordSchema = z
  .strictObject({
    customerId: idSchema.optional(),
    proformaId: idSchema.optional(),
    proformaNumber: z.string().trim().min(1, "must not be empty").max(100).optional(),
    method: z.enum(["transfer", "online", "cash"], "must be transfer, online or cash"),
    amount: positiveMoneySchema,
    receivedAt: atSchema,
    reference: referenceSchema.optional(),
    title: titleSchema.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.proformaId !== undefined && v.proformaNumber !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["proformaNumber"],
        message: "give proformaId or proformaNumber, not both",
      });
    }
    if (v.customerId === undefined && v.proformaId === undefined && v.proformaNumber === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["customerId"],
        message: "required when no proforma is given (proformaId or proformaNumber)",
      });
    }
  }, evenWithIssues);

export type ValidRecordInput = z.output<typeof recordSchema>;

const fmt = (amount: number, currency: Currency) => `${toDecimal(money(amount, currency))} ${currency}`;

/**
 * Why a proforma cannot take a payment received on `day` (YYYY-MM-DD), or null when it can. An
 * unpaid proforma past its due day is expired even before expireProformas has marked it (the same
 * rule); a partly paid one stays payable after it, so that it can still be completed.
 */
export function notPayable(p: ProformaRow, day: string): string | null {
  if (p.status === "cancelled") return "is cancelled";
  if (p.status === "expired") return "has expired";
  if (p.status === "paid" || p.paid >= p.gross) return "is already paid";
  if (p.paid === 0 && day > p.due_date) return `expired after ${p.due_date}`;
  return null;
}

async function requireCustomer(tx: Db, customerId: number, lock: boolean): Promise<void> {
  const { rowCount } = await tx.query(
    `SELECT 1 FROM customers WHERE id = $1${lock ? " FOR NO KEY UPDATE" : ""}`,
    [customerId],
  );
  if (rowCount === 0) throw new BillingNotFoundError(`customer ${customerId}`);
}

export async function balanceOf(tx: Db, customerId: number, currency: Currency): Promise<number> {
  const { rows } = await tx.query<{ s: number }>(
    "SELECT COALESCE(SUM(amount), 0)::int8 AS s FROM customer_balance_entries WHERE customer_id = $1 AND currency = $2",
    [customerId, currency],
  );
  return rows[0]!.s;
}

async function proformaState(tx: Db, proformaId: number): Promise<ProformaPaymentState> {
  const { rows } = await tx.query<ProformaRow>(`SELECT ${PROFORMA_COLUMNS} FROM proformas WHERE id = $1`, [
    proformaId,
  ]);
  return toProformaState(rows[0]!);
}

function outcomeOf(
  proforma: ProformaPaymentState | null,
  applied: number,
  toBalance: number,
): PaymentOutcome {
  if (proforma === null || applied === 0) return "balance";
  if (toBalance > 0) return "overpaid";
  return proforma.status === "paid" ? "paid" : "partial";
}

/** The result of a payment recorded earlier (a repeated notification). */
async function describeExisting(tx: Db, row: PaymentRow): Promise<PaymentResult> {
  const { rows } = await tx.query<{ s: number }>(
    "SELECT COALESCE(SUM(amount), 0)::int8 AS s FROM customer_balance_entries WHERE payment_id = $1 AND reason = 'overpayment'",
    [row.id],
  );
  const toBalance = rows[0]!.s;
  const applied = row.amount - toBalance;
  const proforma = row.proforma_id === null ? null : await proformaState(tx, row.proforma_id);
  return {
    payment: toPayment(row),
    duplicate: true,
    outcome: outcomeOf(proforma, applied, toBalance),
    applied: money(applied, row.currency),
    toBalance: money(toBalance, row.currency),
    proforma,
    note: `already recorded as payment ${row.id} (${row.method} ${row.reference}); nothing changed`,
  };
}

/**
 * recordPayment inside the caller's transaction; `statementEntryId` links a payment found on a
 * bank statement to its entry.
 */
export async function recordPaymentTx(
  tx: Db,
  p: ValidRecordInput,
  statementEntryId: number | null = null,
): Promise<PaymentResult> {
  const currency = p.amount.currency;
  let pro: ProformaRow | null = null;
  if (p.proformaId !== undefined || p.proformaNumber !== undefined) {
    const byId = p.proformaId !== undefined;
    const { rows } = await tx.query<ProformaRow>(
      `SELECT ${PROFORMA_COLUMNS} FROM proformas WHERE ${byId ? "id" : "number"} = $1 FOR UPDATE`,
      [byId ? p.proformaId : p.proformaNumber],
    );
    if (!rows[0]) throw new BillingNotFoundError(`proforma ${byId ? p.proformaId : p.proformaNumber}`);
    pro = rows[0];
    if (p.customerId !== undefined && p.customerId !== pro.customer_id) {
      throw new BillingConflictError(
        `proforma ${pro.number} belongs to customer ${pro.customer_id}, not to customer ${p.customerId}`,
        "customer_mismatch",
      );
    }
    if (pro.currency !== currency) {
      throw new BillingConflictError(
        `proforma ${pro.number} is in ${pro.currency}; a payment in ${currency} cannot pay it`,
        "currency_mismatch",
      );
    }
  } else {
    await requireCustomer(tx, p.customerId!, false);
  }
  const customerId = pro?.customer_id ?? p.customerId!;
  const amount = p.amount.amount;

  const inserted = await tx.query<PaymentRow>(
    `INSERT INTO payments (customer_id, proforma_id, method, amount, currency, received_at, reference, title, statement_entry_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (method, reference) DO NOTHING
     RETURNING ${PAYMENT_COLUMNS}`,
    [
      customerId,
      pro?.id ?? null,
      p.method,
      amount,
      currency,
      p.receivedAt,
      p.reference ?? null,
      p.title ?? null,
      statementEntryId,
    ],
  );
  const row = inserted.rows[0];
  if (!row) {
    const { rows } = await tx.query<PaymentRow>(
      `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE method = $1 AND reference = $2`,
      [p.method, p.reference],
    );
    const first = rows[0]!;
    if (
      first.customer_id !== customerId ||
      first.proforma_id !== (pro?.id ?? null) ||
      first.amount !== amount ||
      first.currency !== currency
    ) {
      throw new BillingConflictError(
        `reference ${p.reference} was already used by payment ${first.id} (${fmt(first.amount, first.currency)}, customer ${first.customer_id}) for a different payment`,
        "reference_reused",
      );
    }
    return describeExisting(tx, first);
  }

  let applied = 0;
  let note: string | null = null;
  let proforma: ProformaPaymentState | null = null;
  if (pro) {
    const reason = notPayable(pro, warsawDate(p.receivedAt));
    if (reason) {
      note = `proforma ${pro.number} ${reason}: the whole payment was kept as the customer's balance`;
    } else {
      applied = Math.min(amount, pro.gross - pro.paid);
      const { rows } = await tx.query<ProformaRow>(
        `UPDATE proformas SET
           paid = paid + $2,
           status = CASE WHEN paid + $2 >= gross THEN 'paid' ELSE status END,
           paid_at = CASE WHEN paid + $2 >= gross THEN $3 ELSE paid_at END,
           updated_at = now()
         WHERE id = $1 RETURNING ${PROFORMA_COLUMNS}`,
        [pro.id, applied, p.receivedAt],
      );
      pro = rows[0]!;
    }
    proforma = toProformaState(pro);
  }
  const toBalance = amount - applied;
  if (toBalance > 0) {
    note ??= pro
      ? `overpayment of ${fmt(toBalance, currency)} over proforma ${pro.number} kept as the customer's balance`
      : "no proforma given: the payment was kept as the customer's balance";
    await tx.query(
      `INSERT INTO customer_balance_entries (customer_id, amount, currency, reason, payment_id, proforma_id, at, note)
       VALUES ($1, $2, $3, 'overpayment', $4, $5, $6, $7)`,
      [customerId, toBalance, currency, row.id, pro?.id ?? null, p.receivedAt, note],
    );
  }
  return {
    payment: toPayment(row),
    duplicate: false,
    outcome: outcomeOf(proforma, applied, toBalance),
    applied: money(applied, currency),
    toBalance: money(toBalance, currency),
    proforma,
    note,
  };
}

/**
 * Records money received for a proforma (or, with only `customerId`, for the customer's balance),
 * in one transaction:
 * - the part up to what the proforma still owes is added to its `paid`; when `paid` reaches the
 *   gross the proforma becomes `paid` with `paid_at` = `receivedAt`; less leaves it `issued`;
 * - the excess of an overpayment is kept as the customer's balance (`overpayment`);
 * - a proforma that is cancelled, expired (its status, or nothing paid and `receivedAt` after its
 *   due day) or already paid takes nothing: the whole payment goes to the balance, and `note` says
 *   why. A partly paid proforma takes the rest after its due day too.
 *
 * A second call with the same `method` and `reference` (a repeated gateway or bank notification)
 * changes nothing and returns the first payment with `duplicate: true`; the same reference with a
 * different amount, customer or proforma is refused (`reference_reused`). Refused too: a payment in
 * another currency than the proforma's (`currency_mismatch`), a `customerId` that is not the
 * proforma's customer (`customer_mismatch`); an unknown proforma or customer is BillingNotFoundError.
 */
export async function recordPayment(db: Db, input: RecordPaymentInput): Promise<PaymentResult> {
  const p = parseInput("recordPayment", recordSchema, input);
  return db.transaction((tx) => recordPaymentTx(tx, p));
}

/** Whether the proforma is fully paid (status `paid`). The activation calls this before activating. */
export async function isPaid(db: Db, proformaId: number): Promise<boolean> {
  const id = parseInput("isPaid", idSchema, proformaId);
  const { rows } = await db.query<{ status: string }>("SELECT status FROM proformas WHERE id = $1", [id]);
  if (!rows[0]) throw new BillingNotFoundError(`proforma ${id}`);
  return rows[0].status === "paid";
}

/** The customer's balance in one currency (default PLN): overpayments less what was applied or refunded. */
export async function customerBalance(
  db: Db,
  customerId: number,
  currency: Currency = "PLN",
): Promise<Money> {
  const v = parseInput(
    "customerBalance",
    z.strictObject({ customerId: idSchema, currency: currencySchema }),
    {
      customerId,
      currency,
    },
  );
  await requireCustomer(db, v.customerId, false);
  return money(await balanceOf(db, v.customerId, v.currency), v.currency);
}

export interface ApplyBalanceInput {
  proformaId: number;
  /** When the balance is applied: the payment's `receivedAt`, and the day the proforma must still be payable on. */
  at: Date;
}

const applySchema = z.strictObject({ proformaId: idSchema, at: atSchema });

/**
 * Pays a proforma from its customer's balance in the proforma's currency: as much as the balance
 * allows, up to what the proforma still owes (a smaller balance pays it in part). Writes a
 * `balance` payment and an `applied` balance entry. Refused (BillingConflictError) when the
 * proforma is not payable at `at` (`not_payable`: cancelled, expired, already paid) or the balance
 * is empty (`no_balance`).
 */
export async function applyBalance(db: Db, input: ApplyBalanceInput): Promise<PaymentResult> {
  const v = parseInput("applyBalance", applySchema, input);
  return db.transaction(async (tx) => {
    const owner = await tx.query<{ customer_id: number }>("SELECT customer_id FROM proformas WHERE id = $1", [
      v.proformaId,
    ]);
    if (!owner.rows[0]) throw new BillingNotFoundError(`proforma ${v.proformaId}`);
    const customerId = owner.rows[0].customer_id;
    // Balance spenders queue per customer (payments coming in need not wait: they only add).
    await requireCustomer(tx, customerId, true);
    const { rows } = await tx.query<ProformaRow>(
      `SELECT ${PROFORMA_COLUMNS} FROM proformas WHERE id = $1 FOR UPDATE`,
      [v.proformaId],
    );
    const pro = rows[0]!;
    const reason = notPayable(pro, warsawDate(v.at));
    if (reason) {
      throw new BillingConflictError(
        `proforma ${pro.number} ${reason}; the balance was not applied`,
        "not_payable",
      );
    }
    const balance = await balanceOf(tx, customerId, pro.currency);
    if (balance <= 0) {
      throw new BillingConflictError(
        `customer ${customerId} has no balance in ${pro.currency} to pay proforma ${pro.number}`,
        "no_balance",
      );
    }
    const applied = Math.min(balance, pro.gross - pro.paid);
    const inserted = await tx.query<PaymentRow>(
      `INSERT INTO payments (customer_id, proforma_id, method, amount, currency, received_at, title)
       VALUES ($1, $2, 'balance', $3, $4, $5, $6) RETURNING ${PAYMENT_COLUMNS}`,
      [customerId, pro.id, applied, pro.currency, v.at, `balance applied to ${pro.number}`],
    );
    const payment = inserted.rows[0]!;
    await tx.query(
      `INSERT INTO customer_balance_entries (customer_id, amount, currency, reason, payment_id, proforma_id, at, note)
       VALUES ($1, $2, $3, 'applied', $4, $5, $6, $7)`,
      [customerId, -applied, pro.currency, payment.id, pro.id, v.at, `applied to proforma ${pro.number}`],
    );
    const updated = await tx.query<ProformaRow>(
      `UPDATE proformas SET
         paid = paid + $2,
         status = CASE WHEN paid + $2 >= gross THEN 'paid' ELSE status END,
         paid_at = CASE WHEN paid + $2 >= gross THEN $3 ELSE paid_at END,
         updated_at = now()
       WHERE id = $1 RETURNING ${PROFORMA_COLUMNS}`,
      [pro.id, applied, v.at],
    );
    const proforma = toProformaState(updated.rows[0]!);
    return {
      payment: toPayment(payment),
      duplicate: false,
      outcome: outcomeOf(proforma, applied, 0),
      applied: money(applied, pro.currency),
      toBalance: money(0, pro.currency),
      proforma,
      note: null,
    };
  });
}

export interface RefundInput {
  customerId: number;
  /** Positive: how much is sent back. */
  amount: Money;
  at: Date;
  /** The outgoing transfer's reference: a second call with the same reference is a no-op. */
  reference: string;
  /** The payment being given back; the refunds of one payment never exceed it. */
  fromPaymentId?: number;
  title?: string;
}

export interface RefundResult {
  /** The refund: method `refund`, negative amount. */
  payment: Payment;
  duplicate: boolean;
  /** The customer's balance in the refund's currency after it. */
  balance: Money;
}

const refundSchema = z.strictObject({
  customerId: idSchema,
  amount: positiveMoneySchema,
  at: atSchema,
  reference: referenceSchema,
  fromPaymentId: idSchema.optional(),
  title: titleSchema.optional(),
});

const REFUNDABLE: readonly PaymentMethod[] = ["transfer", "online", "cash"];

/**
 * Gives money from the customer's balance back: a negative `refund` payment and a `refund` balance
 * entry. Refused (BillingConflictError) above the available balance in that currency
 * (`insufficient_balance`), and, with `fromPaymentId`, when that payment is not the customer's
 * money received in that currency (`not_refundable`) or would be refunded above its amount
 * (`refund_exceeds_payment`). The same `reference` again returns the first refund (`duplicate`).
 */
export async function refund(db: Db, input: RefundInput): Promise<RefundResult> {
  const v = parseInput("refund", refundSchema, input);
  const currency = v.amount.currency;
  return db.transaction(async (tx) => {
    await requireCustomer(tx, v.customerId, true);
    const existing = await tx.query<PaymentRow>(
      `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE method = 'refund' AND reference = $1`,
      [v.reference],
    );
    const first = existing.rows[0];
    if (first) {
      if (
        first.customer_id !== v.customerId ||
        first.amount !== -v.amount.amount ||
        first.currency !== currency
      ) {
        throw new BillingConflictError(
          `refund reference ${v.reference} was already used by payment ${first.id} for a different refund`,
          "reference_reused",
        );
      }
      return {
        payment: toPayment(first),
        duplicate: true,
        balance: money(await balanceOf(tx, v.customerId, currency), currency),
      };
    }
    const available = await balanceOf(tx, v.customerId, currency);
    if (v.amount.amount > available) {
      throw new BillingConflictError(
        `cannot refund ${fmt(v.amount.amount, currency)}: customer ${v.customerId} has ${fmt(Math.max(0, available), currency)} of balance`,
        "insufficient_balance",
      );
    }
    if (v.fromPaymentId !== undefined) {
      const { rows } = await tx.query<PaymentRow & { refunded: number }>(
        `SELECT ${PAYMENT_COLUMNS},
           (SELECT COALESCE(-SUM(r.amount), 0)::int8 FROM payments r WHERE r.refund_of = payments.id) AS refunded
         FROM payments WHERE id = $1 FOR UPDATE`,
        [v.fromPaymentId],
      );
      const from = rows[0];
      if (!from) throw new BillingNotFoundError(`payment ${v.fromPaymentId}`);
      if (
        from.customer_id !== v.customerId ||
        !REFUNDABLE.includes(from.method) ||
        from.currency !== currency
      ) {
        throw new BillingConflictError(
          `payment ${from.id} is not money customer ${v.customerId} paid in ${currency}; it cannot be refunded here`,
          "not_refundable",
        );
      }
      if (v.amount.amount > from.amount - from.refunded) {
        throw new BillingConflictError(
          `payment ${from.id} of ${fmt(from.amount, currency)} has ${fmt(from.amount - from.refunded, currency)} left to refund`,
          "refund_exceeds_payment",
        );
      }
    }
    const inserted = await tx.query<PaymentRow>(
      `INSERT INTO payments (customer_id, method, amount, currency, received_at, reference, title, refund_of)
       VALUES ($1, 'refund', $2, $3, $4, $5, $6, $7) RETURNING ${PAYMENT_COLUMNS}`,
      [v.customerId, -v.amount.amount, currency, v.at, v.reference, v.title ?? null, v.fromPaymentId ?? null],
    );
    const payment = inserted.rows[0]!;
    await tx.query(
      `INSERT INTO customer_balance_entries (customer_id, amount, currency, reason, payment_id, at, note)
       VALUES ($1, $2, $3, 'refund', $4, $5, $6)`,
      [
        v.customerId,
        -v.amount.amount,
        currency,
        payment.id,
        v.at,
        v.fromPaymentId === undefined ? "refund" : `refund of payment ${v.fromPaymentId}`,
      ],
    );
    return {
      payment: toPayment(payment),
      duplicate: false,
      balance: money(available - v.amount.amount, currency),
    };
  });
}

export interface ListPaymentsInput {
  customerId?: number;
  proformaId?: number;
  method?: PaymentMethod;
  /** The bank reference, gateway id or statement entry key, exactly. */
  reference?: string;
  /** First day received (a Warsaw day, YYYY-MM-DD), inclusive. */
  receivedFrom?: string;
  /** Last day received (a Warsaw day, YYYY-MM-DD), inclusive. */
  receivedTo?: string;
  /** `id` (default): oldest first; `-id`: newest first. */
  order?: "id" | "-id";
  /** Keyset paging: the last id of the previous page (ids after it in the list's order). */
  afterId?: number;
  /**
   * At most this many payments, 1–1000 (ask one more than a page to learn if another follows).
   * A list with a limit needs neither customerId nor proformaId.
   */
  limit?: number;
}

const PAYMENT_METHODS = [
  "transfer",
  "online",
  "cash",
  "balance",
  "refund",
] as const satisfies readonly PaymentMethod[];
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");

const listSchema = z
  .strictObject({
    customerId: idSchema.optional(),
    proformaId: idSchema.optional(),
    method: z.enum(PAYMENT_METHODS, `must be one of ${PAYMENT_METHODS.join(", ")}`).optional(),
    reference: z
      .string()
      .max(500)
      .refine((r) => !r.includes("\u0000"), "must not contain NUL")
      .optional(),
    receivedFrom: day.optional(),
    receivedTo: day.optional(),
    order: z.enum(["id", "-id"]).optional(),
    afterId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .superRefine((v, ctx) => {
    // Without a limit the whole list comes back: one customer's or one proforma's, never all.
    if (v.customerId === undefined && v.proformaId === undefined && v.limit === undefined) {
      ctx.addIssue({ code: "custom", path: ["customerId"], message: "give customerId or proformaId" });
    }
  }, evenWithIssues);

/**
 * The payments matching every given filter (refunds and balance payments included), oldest first
 * or, with `order: "-id"`, newest first; a page at a time with `limit` and `afterId` (keyset on
 * the id). Without a limit, the payments of a customer or of a proforma.
 */
export async function listPayments(db: Db, input: ListPaymentsInput): Promise<Payment[]> {
  const v = parseInput("listPayments", listSchema, input);
  const newest = v.order === "-id";
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    if (value === undefined) return;
    params.push(value);
    where.push(sql.replaceAll("?", `$${params.length}`));
  };
  add("customer_id = ?", v.customerId);
  add("proforma_id = ?", v.proformaId);
  add("method = ?", v.method);
  add("reference = ?", v.reference);
  add("(received_at AT TIME ZONE 'Europe/Warsaw')::date >= ?::date", v.receivedFrom);
  add("(received_at AT TIME ZONE 'Europe/Warsaw')::date <= ?::date", v.receivedTo);
  add(newest ? "id < ?::int8" : "id > ?::int8", v.afterId);
  if (v.limit !== undefined) params.push(v.limit);
  const { rows } = await db.query<PaymentRow>(
    `SELECT ${PAYMENT_COLUMNS} FROM payments ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY id ${newest ? "DESC" : "ASC"} ${v.limit === undefined ? "" : `LIMIT $${params.length}`}`,
    params,
  );
  return rows.map(toPayment);
}
