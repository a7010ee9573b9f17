import { readFileSync } from "node:fs";
import {
  type BillingConflictError,
  BillingValidationError,
  type Db,
  divideRoundHalfUp,
  MIGRATIONS,
  migrate,
  money,
} from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAYMENTS_MIGRATIONS } from "../src/db/migrations-payments.js";
import {
  assignEntry,
  customerBalance,
  ignoreEntry,
  importStatement,
  isPaid,
  listPayments,
  type StatementImportResult,
  unmatchedEntries,
} from "../src/payments/index.js";
import { drivers } from "./support/db.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/statements/${name}`, import.meta.url));
const PLN = (amount: number) => money(amount, "PLN");
const AT = new Date("2026-03-06T08:00:00Z");

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

/** A proforma as the proformas module would store it (23% VAT), inserted by SQL. */
async function proforma(
  db: Db,
  number: string,
  customerId: number,
  gross: number,
  options: { status?: string; currency?: "PLN" | "EUR" } = {},
): Promise<number> {
  const net = divideRoundHalfUp(gross * 100, 123);
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO proformas (number, series_id, customer_id, origin, status, issue_date, due_date, currency,
       seller, buyer, bank_account, transfer_title, net, vat, gross, vat_breakdown)
     VALUES ($1, (SELECT id FROM document_series WHERE kind = 'proforma' AND is_default), $2, 'manual', $3,
       '2026-03-01', '2026-03-31', $4, '{}', '{}', 'PL61109010140000071219812874', $1, $5, $6, $7, '[]')
     RETURNING id`,
    [number, customerId, options.status ?? "issued", options.currency ?? "PLN", net, gross - net, gross],
  );
  return rows[0]!.id;
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

async function refusal(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to be refused");
}

const summary = (r: StatementImportResult) =>
  r.items.map((i) => [i.status, i.matchedBy, i.proformaNumbers, i.flags] as const);

describe.each(drivers())("bank statements on $name", (driver) => {
  let db: Db;
  const c: Record<string, number> = {};
  const p: Record<number, number> = {};
  let first: StatementImportResult;

  beforeAll(async () => {
    db = await openWithPayments(driver.open);
    for (const name of ["jan", "firma", "ewa", "lodz", "zofia", "anna", "spare"])
      c[name] = await customer(db, name);
    const list: [number, string, number, { status?: string; currency?: "PLN" | "EUR" }?][] = [
      [1, "jan", 36_900],
      [2, "firma", 12_300],
      [3, "firma", 50_000],
      [4, "ewa", 10_000],
      [5, "ewa", 5_000, { status: "cancelled" }],
      [6, "jan", 24_600],
      [7, "lodz", 61_500],
      [8, "zofia", 36_900],
      [9, "anna", 123_000],
      [10, "spare", 10_000, { currency: "EUR" }],
      [11, "spare", 10_000],
      [12, "spare", 3_000],
      [13, "spare", 2_000],
    ];
    for (const [n, who, gross, options] of list)
      p[n] = await proforma(db, `PRO/2026/03/${n}`, c[who]!, gross, options);
  });
  afterAll(() => driver.dispose(db));

  it("matches a PKO statement's credits by the proforma number in their titles", async () => {
    const progress: [number, number][] = [];
    first = await importStatement(
      db,
      { content: fixture("pko-2026-03-02.sta"), format: "mt940", at: AT },
      { onProgress: (done, total) => progress.push([done, total]) },
    );
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => [n, 7]));
    expect(first).toMatchObject({
      alreadyImported: false,
      format: "mt940",
      encoding: "utf-8",
      account: "PL61109010140000071219812874",
      entries: 7,
      matched: 5,
      unmatched: 1,
      ignored: 1,
      duplicates: 0,
    });
    expect(summary(first)).toEqual([
      ["matched", "number", ["PRO/2026/03/1"], []],
      ["matched", "number", ["PRO/2026/03/2"], []],
      ["ignored", null, [], []],
      ["matched", "number", ["PRO/2026/03/3"], ["partial"]],
      ["matched", "number", ["PRO/2026/03/4"], ["overpaid"]],
      ["matched", "number", ["PRO/2026/03/5"], ["not_payable"]],
      ["unmatched", null, [], []],
    ]);
    expect(await isPaid(db, p[1]!)).toBe(true);
    expect(await isPaid(db, p[2]!)).toBe(true);
    expect(await isPaid(db, p[3]!)).toBe(false);
    expect(first.items[3]!.note).toBe("partial payment of PRO/2026/03/3: 300.00 PLN still to pay");
    expect(first.items[5]!.note).toMatch(/PRO\/2026\/03\/5 is cancelled: the whole payment was kept/);
    expect(first.items[6]!.note).toBe("no proforma number in the title");
    expect(first.items[2]!.note).toBe("debit");
    // 50.00 over PRO/2026/03/4 and 50.00 for the cancelled PRO/2026/03/5
    expect(await customerBalance(db, c.ewa!)).toEqual(PLN(10_000));

    const [payment] = await listPayments(db, { proformaId: p[1]! });
    expect(payment).toMatchObject({
      method: "transfer",
      amount: PLN(36_900),
      reference: first.items[0]!.entryKey,
      statementEntryId: first.items[0]!.entryId,
      receivedAt: new Date("2026-03-02T12:00:00Z"),
      title: "Zapłata za proformę PRO/2026/03/1 domena żółw.pl",
    });
  });

  it("imports the same file a second time without changing anything", async () => {
    const counts = await rowCounts(db);
    const again = await importStatement(db, {
      content: fixture("pko-2026-03-02.sta"),
      format: "mt940",
      at: AT,
    });
    expect(again).toEqual({ ...first, alreadyImported: true });
    expect(await rowCounts(db)).toEqual(counts);
  });

  it("takes an entry shown by two overlapping statements once, and matches by amount from a known account", async () => {
    const before = await rowCounts(db);
    const r = await importStatement(db, { content: fixture("pko-2026-03-03.sta"), format: "mt940", at: AT });
    expect(summary(r)).toEqual([
      ["duplicate", null, [], []],
      ["duplicate", null, [], []],
      ["duplicate", null, [], []],
      ["matched", "amount", ["PRO/2026/03/6"], []],
      ["unmatched", null, ["PRO/2026/99/1"], []],
      ["ignored", null, [], []],
    ]);
    expect(r.items.slice(0, 3).map((i) => i.entryId)).toEqual(first.items.slice(4).map((i) => i.entryId));
    expect(r.items[0]!.note).toBe(`already imported with statement ${first.statementId}`);
    expect(r.items[4]!.note).toBe(
      `the title names PRO/2026/99/1, which no proforma has; the account paid for customer ${c.ewa} before, who has no open proforma of 999.99 PLN`,
    );
    expect(r.items[5]!.note).toMatch(/reversal of a debit/);
    expect(await isPaid(db, p[6]!)).toBe(true);
    expect(await listPayments(db, { proformaId: p[4]! })).toHaveLength(1);
    const after = await rowCounts(db);
    expect(after.statement_entries - before.statement_entries).toBe(3);
    expect(after.payments - before.payments).toBe(1);
  });

  it("reads another bank's CP852 statement with <NN sub-fields", async () => {
    const r = await importStatement(db, {
      content: fixture("other-bank-cp852.sta"),
      format: "mt940",
      at: AT,
    });
    expect(r.encoding).toBe("cp852");
    expect(summary(r)).toEqual([
      ["unmatched", null, [], []],
      ["matched", "number", ["PRO/2026/03/7"], []],
      ["ignored", null, [], []],
    ]);
    expect(r.items[1]).toMatchObject({
      counterparty: "Łódzka Spółdzielnia Żółć",
      title: "Płatność za pro/2026/03/7 certyfikat SSL",
    });
    expect(await isPaid(db, p[7]!)).toBe(true);
  });

  it("imports CSV exports with the presets; one import when two processes send the same file", async () => {
    const before = await rowCounts(db);
    const both = await Promise.all([
      importStatement(db, { content: fixture("pko-history.csv"), format: "csv", csv: "pko", at: AT }),
      importStatement(db, { content: fixture("pko-history.csv"), format: "csv", csv: "pko", at: AT }),
    ]);
    expect(both.map((r) => r.alreadyImported).sort()).toEqual([false, true]);
    expect(both[0]!.statementId).toBe(both[1]!.statementId);
    expect(summary(both[0]!)).toEqual([
      ["matched", "number", ["PRO/2026/03/8"], []],
      ["ignored", null, [], []],
      ["unmatched", null, [], []],
    ]);
    expect((await rowCounts(db)).bank_statements - before.bank_statements).toBe(1);

    const mbank = await importStatement(db, {
      content: fixture("mbank-history.csv"),
      format: "csv",
      csv: "mbank",
      at: AT,
    });
    expect(mbank.encoding).toBe("windows-1250");
    expect(summary(mbank)).toEqual([
      ["matched", "number", ["PRO/2026/03/9"], []],
      ["ignored", null, [], []],
    ]);
    expect(await isPaid(db, p[8]!)).toBe(true);
    expect(await isPaid(db, p[9]!)).toBe(true);
  });

  it("pays several proformas named in one title in order, and leaves a transfer in another currency unmatched", async () => {
    const csv =
      "data;kwota;tytul;ref\n2026-03-06;50,00;PRO 2026 03 12 i PRO 2026 03 13;S1\n2026-03-06;100,00;PRO/2026/03/10;S2\n";
    const r = await importStatement(db, {
      content: Buffer.from(csv),
      format: "csv",
      csv: { columns: { date: "data", amount: "kwota", title: "tytul", reference: "ref" } },
      at: AT,
    });
    expect(summary(r)).toEqual([
      ["matched", "number", ["PRO/2026/03/12", "PRO/2026/03/13"], ["several_proformas"]],
      ["unmatched", null, ["PRO/2026/03/10"], []],
    ]);
    expect(r.items[0]!.paymentIds).toHaveLength(2);
    expect(await isPaid(db, p[12]!)).toBe(true);
    expect(await isPaid(db, p[13]!)).toBe(true);
    expect(r.items[1]!.note).toBe("proforma PRO/2026/03/10 is in EUR, the transfer in PLN");
  });

  it("lists the unmatched entries page by page", async () => {
    const seen: string[] = [];
    let afterId: number | undefined;
    const sizes: number[] = [];
    for (;;) {
      const page = await unmatchedEntries(db, { afterId, limit: 2 });
      expect(page.total).toBe(5);
      sizes.push(page.entries.length);
      seen.push(...page.entries.map((e) => e.title));
      if (page.nextAfterId === null) break;
      afterId = page.nextAfterId;
    }
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual([
      "Darowizna dla fundacji od Anny",
      "PRO/2026/99/1",
      "Wpłata własna",
      "zwrot pożyczki",
      "PRO/2026/03/10",
    ]);
  });

  it("matches entries by hand, to a customer's balance or to a proforma; refuses a second time", async () => {
    const { entries } = await unmatchedEntries(db, { limit: 10 });
    const [gift, , cash, , eur] = entries;
    const toBalance = await assignEntry(db, { entryId: gift!.id, customerId: c.spare!, at: AT });
    expect(toBalance.entry).toMatchObject({ status: "matched", paymentId: toBalance.payment.payment.id });
    expect(toBalance.entry.note).toMatch(/^assigned by hand on 2026-03-06T08:00:00.000Z; no proforma given/);
    expect(await customerBalance(db, c.spare!)).toEqual(PLN(7_777));
    const { rows } = await db.query<{ matched: number }>(
      "SELECT matched FROM bank_statements WHERE id = $1",
      [first.statementId],
    );
    expect(rows[0]!.matched).toBe(6);

    const again = await refusal(assignEntry(db, { entryId: gift!.id, customerId: c.spare!, at: AT }));
    expect((again as BillingConflictError).code).toBe("not_unmatched");

    const counts = await rowCounts(db);
    const wrong = await refusal(assignEntry(db, { entryId: eur!.id, proformaId: p[10]!, at: AT }));
    expect((wrong as BillingConflictError).code).toBe("currency_mismatch");
    expect(await rowCounts(db)).toEqual(counts);

    const paid = await assignEntry(db, { entryId: cash!.id, proformaId: p[11]!, at: AT });
    expect(paid.payment).toMatchObject({ outcome: "paid", proforma: { number: "PRO/2026/03/11" } });
    expect(paid.payment.payment.reference).toBe(cash!.entryKey);

    const ignored = await ignoreEntry(db, { entryId: eur!.id, reason: "zwrot do nadawcy", at: AT });
    expect(ignored).toMatchObject({ status: "ignored" });
    const left = await unmatchedEntries(db);
    expect(left.entries.map((e) => e.title)).toEqual(["PRO/2026/99/1", "zwrot pożyczki"]);
  });

  it("names every bad field, refuses a malformed file, and writes nothing", async () => {
    const counts = await rowCounts(db);
    const err = await refusal(
      importStatement(db, { content: "text", format: "xml", at: "now" } as never, { onProgress: 1 } as never),
    );
    expect((err as BillingValidationError).issues.map((i) => i.path)).toEqual(["content", "format", "at"]);
    const noMapping = await refusal(
      importStatement(db, { content: Buffer.from("x"), format: "csv", at: AT }),
    );
    expect((noMapping as BillingValidationError).issues).toEqual([
      { path: "csv", message: 'required for format "csv": a preset or a mapping' },
    ]);
    const badOptions = await refusal(
      importStatement(db, { content: Buffer.from("x"), format: "mt940", at: AT }, { onProgress: 1 } as never),
    );
    expect((badOptions as BillingValidationError).issues.map((i) => i.path)).toEqual(["onProgress"]);
    const malformed = await refusal(
      importStatement(db, {
        content: Buffer.from(":20:X\n:60F:C260301PLN0,00\n:61:260302C1,00N240NONREF\n:62F:C260302PLN2,00\n"),
        format: "mt940",
        at: AT,
      }),
    );
    expect(malformed).toBeInstanceOf(BillingValidationError);
    expect((malformed as BillingValidationError).issues[0]!.path).toBe("content");
    expect(await rowCounts(db)).toEqual(counts);
  });
});
