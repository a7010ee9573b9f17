import {
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  type Db,
  divideRoundHalfUp,
  MIGRATIONS,
  migrate,
  money,
} from "@hrdkit/billing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAYMENTS_MIGRATIONS } from "../src/db/migrations-payments.js";
import {
  applyBalance,
  customerBalance,
  isPaid,
  listPayments,
  recordPayment,
  refund,
} from "../src/payments/index.js";
import { drivers } from "./support/db.js";

const PLN = (amount: number) => money(amount, "PLN");
const EUR = (amount: number) => money(amount, "EUR");
const AT = new Date("2026-03-02T10:00:00Z");

/** Opens a migrated database with the payments migration (until the package lists it itself). */
async function openWithPayments(open: () => Promise<Db>): Promise<Db> {
  const db = await open();
  await migrate(db, [
    ...MIGRATIONS,
    ...PAYMENTS_MIGRATIONS.filter((m) => !MIGRATIONS.some((x) => x.id === m.id)),
  ]);
  return db;
}

async function customer(db: Db, name: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>("INSERT INTO customers (name) VALUES ($1) RETURNING id", [
    name,
  ]);
  return rows[0]!.id;
}

let serial = 0;

/** A proforma as the proformas module would store it (23% VAT), inserted by SQL. */
async function proforma(
  db: Db,
  customerId: number,
  gross: number,
  options: { status?: string; dueDate?: string; currency?: "PLN" | "EUR"; number?: string } = {},
): Promise<{ id: number; number: string }> {
  const number = options.number ?? `PRO/2026/03/${900 + ++serial}`;
  const net = divideRoundHalfUp(gross * 100, 123);
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO proformas (number, series_id, customer_id, origin, status, issue_date, due_date, currency,
       seller, buyer, bank_account, transfer_title, net, vat, gross, vat_breakdown)
     VALUES ($1, (SELECT id FROM document_series WHERE kind = 'proforma' AND is_default), $2, 'manual', $3,
       '2026-03-01', $4, $5, '{}', '{}', 'PL61109010140000071219812874', $1, $6, $7, $8, '[]')
     RETURNING id`,
    [
      number,
      customerId,
      options.status ?? "issued",
      options.dueDate ?? "2026-03-31",
      options.currency ?? "PLN",
      net,
      gross - net,
      gross,
    ],
  );
  return { id: rows[0]!.id, number };
}

interface Counts {
  payments: number;
  customer_balance_entries: number;
  statement_entries: number;
  bank_statements: number;
  /** Sum of proformas.paid. */
  paid: number;
}

async function rowCounts(db: Db): Promise<Counts> {
  const { rows } = await db.query<Counts>(
    `SELECT (SELECT count(*) FROM payments)::int8 AS payments,
       (SELECT count(*) FROM customer_balance_entries)::int8 AS customer_balance_entries,
       (SELECT count(*) FROM statement_entries)::int8 AS statement_entries,
       (SELECT count(*) FROM bank_statements)::int8 AS bank_statements,
       (SELECT COALESCE(SUM(paid), 0) FROM proformas)::int8 AS paid`,
  );
  return rows[0]!;
}

async function proformaRow(db: Db, id: number) {
  const { rows } = await db.query<{ status: string; paid: number; paid_at: Date | null }>(
    "SELECT status, paid, paid_at FROM proformas WHERE id = $1",
    [id],
  );
  return rows[0]!;
}

async function refusal(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to be refused");
}

describe.each(drivers())("payments on $name", (driver) => {
  let db: Db;
  let jan: number;
  let ewa: number;
  beforeAll(async () => {
    db = await openWithPayments(driver.open);
    jan = await customer(db, "Jan Kowalski");
    ewa = await customer(db, "Ewa Żak");
  });
  afterAll(() => driver.dispose(db));

  it("a full payment marks the proforma paid at the moment it was received", async () => {
    const p = await proforma(db, jan, 36_900);
    expect(await isPaid(db, p.id)).toBe(false);
    const r = await recordPayment(db, {
      proformaId: p.id,
      method: "transfer",
      amount: PLN(36_900),
      receivedAt: AT,
      reference: "BANK-1",
      title: p.number,
    });
    expect(r).toMatchObject({
      duplicate: false,
      outcome: "paid",
      applied: PLN(36_900),
      toBalance: PLN(0),
      note: null,
      proforma: { id: p.id, status: "paid", paid: PLN(36_900), outstanding: PLN(0), paidAt: AT },
      payment: {
        customerId: jan,
        proformaId: p.id,
        method: "transfer",
        amount: PLN(36_900),
        reference: "BANK-1",
      },
    });
    expect(await isPaid(db, p.id)).toBe(true);
    expect(await proformaRow(db, p.id)).toEqual({ status: "paid", paid: 36_900, paid_at: AT });
  });

  it("a partial payment leaves the proforma issued until the rest arrives", async () => {
    const p = await proforma(db, jan, 36_900);
    const first = await recordPayment(db, {
      proformaNumber: p.number,
      method: "transfer",
      amount: PLN(10_000),
      receivedAt: AT,
    });
    expect(first).toMatchObject({
      outcome: "partial",
      proforma: { status: "issued", outstanding: PLN(26_900) },
    });
    expect(await isPaid(db, p.id)).toBe(false);
    const later = new Date("2026-03-05T09:00:00Z");
    const second = await recordPayment(db, {
      proformaId: p.id,
      method: "online",
      amount: PLN(26_900),
      receivedAt: later,
      reference: "gw-777",
    });
    expect(second).toMatchObject({ outcome: "paid", proforma: { status: "paid", paidAt: later } });
    expect((await listPayments(db, { proformaId: p.id })).map((x) => x.amount.amount)).toEqual([
      10_000, 26_900,
    ]);
  });

  it("an overpayment pays the proforma and keeps the excess as the customer's balance", async () => {
    const before = await customerBalance(db, ewa);
    const p = await proforma(db, ewa, 10_000);
    const r = await recordPayment(db, {
      proformaId: p.id,
      method: "transfer",
      amount: PLN(15_000),
      receivedAt: AT,
    });
    expect(r).toMatchObject({ outcome: "overpaid", applied: PLN(10_000), toBalance: PLN(5_000) });
    expect(r.note).toMatch(/overpayment of 50.00 PLN over proforma/);
    expect(await customerBalance(db, ewa)).toEqual(PLN(before.amount + 5_000));
    expect(await proformaRow(db, p.id)).toMatchObject({ status: "paid", paid: 10_000 });
  });

  it("a repeated gateway notification changes nothing and returns the first payment", async () => {
    const p = await proforma(db, jan, 20_000);
    const input = {
      proformaId: p.id,
      method: "online" as const,
      amount: PLN(25_000),
      receivedAt: AT,
      reference: "p24-0001",
    };
    const first = await recordPayment(db, input);
    const counts = await rowCounts(db);
    const again = await recordPayment(db, input);
    expect(again).toMatchObject({
      duplicate: true,
      outcome: "overpaid",
      applied: PLN(20_000),
      toBalance: PLN(5_000),
      payment: { id: first.payment.id },
    });
    expect(await rowCounts(db)).toEqual(counts);
    // the same reference for other money is not a repeat: refused, nothing written
    const err = await refusal(recordPayment(db, { ...input, amount: PLN(1) }));
    expect(err).toBeInstanceOf(BillingConflictError);
    expect((err as BillingConflictError).code).toBe("reference_reused");
    expect(await rowCounts(db)).toEqual(counts);
  });

  it("the same notification sent twice at once is recorded once", async () => {
    const p = await proforma(db, jan, 5_000);
    const input = {
      proformaId: p.id,
      method: "online" as const,
      amount: PLN(5_000),
      receivedAt: AT,
      reference: "p24-race",
    };
    const results = await Promise.all([recordPayment(db, input), recordPayment(db, input)]);
    expect(results.map((r) => r.duplicate).sort()).toEqual([false, true]);
    expect(await proformaRow(db, p.id)).toMatchObject({ status: "paid", paid: 5_000 });
  });

  it("money for a cancelled or expired proforma goes entirely to the balance, and says so", async () => {
    const start = (await customerBalance(db, ewa)).amount;
    const cancelled = await proforma(db, ewa, 5_000, { status: "cancelled" });
    const r1 = await recordPayment(db, {
      proformaId: cancelled.id,
      method: "transfer",
      amount: PLN(5_000),
      receivedAt: AT,
    });
    expect(r1).toMatchObject({ outcome: "balance", applied: PLN(0), toBalance: PLN(5_000) });
    expect(r1.note).toBe(
      `proforma ${cancelled.number} is cancelled: the whole payment was kept as the customer's balance`,
    );

    const overdue = await proforma(db, ewa, 3_000, { dueDate: "2026-03-01" });
    const r2 = await recordPayment(db, {
      proformaId: overdue.id,
      method: "cash",
      amount: PLN(3_000),
      receivedAt: AT,
    });
    expect(r2).toMatchObject({ outcome: "balance", toBalance: PLN(3_000) });
    expect(r2.note).toMatch(/expired after 2026-03-01/);
    expect(await proformaRow(db, overdue.id)).toMatchObject({ status: "issued", paid: 0 });

    // a partly paid proforma is not expired by its due day: the rest still completes it
    const started = await proforma(db, ewa, 4_000, { dueDate: "2026-03-01" });
    await recordPayment(db, {
      proformaId: started.id,
      method: "transfer",
      amount: PLN(1_000),
      receivedAt: new Date("2026-02-27T10:00:00Z"),
    });
    const rest = await recordPayment(db, {
      proformaId: started.id,
      method: "transfer",
      amount: PLN(3_000),
      receivedAt: AT,
    });
    expect(rest).toMatchObject({ outcome: "paid", toBalance: PLN(0) });
    expect(await customerBalance(db, ewa)).toEqual(PLN(start + 8_000));
  });

  it("a payment without a proforma is the customer's balance", async () => {
    const anna = await customer(db, "Anna Nowak");
    const r = await recordPayment(db, {
      customerId: anna,
      method: "cash",
      amount: PLN(1_234),
      receivedAt: AT,
    });
    expect(r).toMatchObject({ outcome: "balance", proforma: null, toBalance: PLN(1_234) });
    expect(await customerBalance(db, anna)).toEqual(PLN(1_234));
    expect(await customerBalance(db, anna, "EUR")).toEqual(EUR(0));
  });

  it("refuses another currency, another customer's proforma, unknown ones — and writes nothing", async () => {
    const p = await proforma(db, jan, 10_000);
    const counts = await rowCounts(db);
    const wrongCurrency = await refusal(
      recordPayment(db, { proformaId: p.id, method: "transfer", amount: EUR(10_000), receivedAt: AT }),
    );
    expect((wrongCurrency as BillingConflictError).code).toBe("currency_mismatch");
    const wrongCustomer = await refusal(
      recordPayment(db, {
        proformaId: p.id,
        customerId: ewa,
        method: "transfer",
        amount: PLN(10_000),
        receivedAt: AT,
      }),
    );
    expect((wrongCustomer as BillingConflictError).code).toBe("customer_mismatch");
    await expect(
      recordPayment(db, {
        proformaNumber: "PRO/1999/01/1",
        method: "transfer",
        amount: PLN(1),
        receivedAt: AT,
      }),
    ).rejects.toBeInstanceOf(BillingNotFoundError);
    await expect(
      recordPayment(db, { customerId: 999_999, method: "transfer", amount: PLN(1), receivedAt: AT }),
    ).rejects.toBeInstanceOf(BillingNotFoundError);
    expect(await rowCounts(db)).toEqual(counts);
  });

  it("names every bad field of a call and writes nothing", async () => {
    const counts = await rowCounts(db);
    const err = await refusal(
      recordPayment(db, {
        proformaId: 1,
        proformaNumber: "PRO/2026/03/1",
        method: "wire",
        amount: { amount: 12.5, currency: "USD" },
        receivedAt: "yesterday",
        reference: "",
      } as never),
    );
    expect(err).toBeInstanceOf(BillingValidationError);
    expect((err as BillingValidationError).issues.map((i) => i.path).sort()).toEqual([
      "amount.amount",
      "amount.currency",
      "method",
      "proformaNumber",
      "receivedAt",
      "reference",
    ]);
    const none = await refusal(recordPayment(db, { method: "cash", amount: PLN(-5), receivedAt: AT }));
    expect((none as BillingValidationError).issues.map((i) => i.path)).toEqual([
      "amount.amount",
      "customerId",
    ]);
    const r = await refusal(
      refund(db, { customerId: 0, amount: PLN(0), at: new Date(Number.NaN), reference: " " }),
    );
    expect((r as BillingValidationError).issues.map((i) => i.path)).toEqual([
      "customerId",
      "amount.amount",
      "at",
      "reference",
    ]);
    expect(await rowCounts(db)).toEqual(counts);
  });

  describe("balance", () => {
    it("pays a proforma from the balance, in full or in part", async () => {
      const zofia = await customer(db, "Zofia");
      await recordPayment(db, { customerId: zofia, method: "transfer", amount: PLN(5_000), receivedAt: AT });
      const small = await proforma(db, zofia, 3_000);
      const r = await applyBalance(db, { proformaId: small.id, at: AT });
      expect(r).toMatchObject({
        outcome: "paid",
        applied: PLN(3_000),
        payment: { method: "balance", amount: PLN(3_000) },
        proforma: { status: "paid" },
      });
      expect(await customerBalance(db, zofia)).toEqual(PLN(2_000));

      const big = await proforma(db, zofia, 10_000);
      const part = await applyBalance(db, { proformaId: big.id, at: AT });
      expect(part).toMatchObject({
        outcome: "partial",
        applied: PLN(2_000),
        proforma: { outstanding: PLN(8_000) },
      });
      expect(await customerBalance(db, zofia)).toEqual(PLN(0));

      const counts = await rowCounts(db);
      expect(
        ((await refusal(applyBalance(db, { proformaId: big.id, at: AT }))) as BillingConflictError).code,
      ).toBe("no_balance");
      expect(
        ((await refusal(applyBalance(db, { proformaId: small.id, at: AT }))) as BillingConflictError).code,
      ).toBe("not_payable");
      expect(await rowCounts(db)).toEqual(counts);
    });

    it("refunds up to the balance and never more; a repeated refund is a no-op", async () => {
      const piotr = await customer(db, "Piotr");
      const paid = await recordPayment(db, {
        customerId: piotr,
        method: "transfer",
        amount: PLN(7_000),
        receivedAt: AT,
        reference: "IN-PIOTR",
      });
      const counts = await rowCounts(db);
      const above = await refusal(
        refund(db, { customerId: piotr, amount: PLN(7_001), at: AT, reference: "OUT-1" }),
      );
      expect(above).toBeInstanceOf(BillingConflictError);
      expect((above as BillingConflictError).code).toBe("insufficient_balance");
      expect((above as Error).message).toMatch(/has 70.00 PLN of balance/);
      expect(await rowCounts(db)).toEqual(counts);

      const r = await refund(db, {
        customerId: piotr,
        amount: PLN(3_000),
        at: AT,
        reference: "OUT-1",
        fromPaymentId: paid.payment.id,
      });
      expect(r).toMatchObject({
        duplicate: false,
        balance: PLN(4_000),
        payment: { method: "refund", amount: PLN(-3_000), refundOf: paid.payment.id },
      });
      const again = await refund(db, {
        customerId: piotr,
        amount: PLN(3_000),
        at: AT,
        reference: "OUT-1",
        fromPaymentId: paid.payment.id,
      });
      expect(again).toMatchObject({ duplicate: true, balance: PLN(4_000), payment: { id: r.payment.id } });

      // a payment is never refunded above what it brought, even with balance from elsewhere
      await recordPayment(db, { customerId: piotr, method: "cash", amount: PLN(10_000), receivedAt: AT });
      const overPayment = await refusal(
        refund(db, {
          customerId: piotr,
          amount: PLN(4_001),
          at: AT,
          reference: "OUT-2",
          fromPaymentId: paid.payment.id,
        }),
      );
      expect((overPayment as BillingConflictError).code).toBe("refund_exceeds_payment");
      const othersPayment = await refusal(
        refund(db, {
          customerId: jan,
          amount: PLN(1),
          at: AT,
          reference: "OUT-3",
          fromPaymentId: paid.payment.id,
        }),
      );
      expect((othersPayment as BillingConflictError).code).toBe("not_refundable");
      expect(await customerBalance(db, piotr)).toEqual(PLN(14_000));
      expect(await customerBalance(db, piotr, "EUR")).toEqual(EUR(0));
      await expect(
        refund(db, { customerId: piotr, amount: EUR(1), at: AT, reference: "OUT-4" }),
      ).rejects.toThrow(/has 0.00 EUR of balance/);
    });

    it("two refunds of the whole balance at once: one goes through", async () => {
      const kasia = await customer(db, "Kasia");
      await recordPayment(db, { customerId: kasia, method: "transfer", amount: PLN(900), receivedAt: AT });
      const results = await Promise.allSettled(
        ["R-A", "R-B"].map((reference) =>
          refund(db, { customerId: kasia, amount: PLN(900), at: AT, reference }),
        ),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await customerBalance(db, kasia)).toEqual(PLN(0));
    });
  });

  it("keeps paid + balance equal to the money received, whatever the sequence of payments (property)", async () => {
    const owner = await customer(db, "Property");
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 100_000 }),
        fc.array(fc.integer({ min: 1, max: 60_000 }), { minLength: 1, maxLength: 5 }),
        async (gross, amounts) => {
          const balanceBefore = (await customerBalance(db, owner)).amount;
          const p = await proforma(db, owner, gross);
          for (const amount of amounts) {
            await recordPayment(db, {
              proformaId: p.id,
              method: "transfer",
              amount: PLN(amount),
              receivedAt: AT,
            });
          }
          const total = amounts.reduce((s, a) => s + a, 0);
          const row = await proformaRow(db, p.id);
          const balance = (await customerBalance(db, owner)).amount - balanceBefore;
          expect(row.paid).toBe(Math.min(gross, total));
          expect(row.paid + balance).toBe(total);
          expect(row.status).toBe(total >= gross ? "paid" : "issued");
        },
      ),
      { numRuns: 12 },
    );
  });
});
