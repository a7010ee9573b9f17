/**
 * An issued invoice (or correction) never changes: the database itself refuses every statement
 * kind that would change it — INSERT of lines, UPDATE, DELETE, TRUNCATE, MERGE — on PGlite and
 * on PostgreSQL. Only the KSeF data may be written after issue, and a KSeF number once recorded
 * stays.
 */
import {
  createManualProforma,
  type Db,
  getInvoice,
  getInvoiceKsefState,
  type InvoiceDocument,
  issueCorrection,
  issueInvoiceForProforma,
  setInvoiceKsefState,
} from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "./support/db.js";
import { ISSUED, paidInvoice, pay, polishCompany, setUpSeller } from "./support/fiscal.js";

const KSEF = "5260250274-20260504-0A1B2C-3D4E5F-7A";
const OTHER_KSEF = "5260250274-20260504-0A1B2C-3D4E60-5B";

async function lineCount(db: Db, invoiceId: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM invoice_lines WHERE invoice_id = $1",
    [invoiceId],
  );
  return rows[0]!.n;
}

describe.each(drivers())("issued documents are immutable in the database on $name", (driver) => {
  let db: Db;
  let company: number;
  let invoice: InvoiceDocument;
  let correction: InvoiceDocument;

  beforeAll(async () => {
    db = await driver.open();
    await setUpSeller(db);
    company = await polishCompany(db);
    invoice = (
      await paidInvoice(db, company, [
        { name: "Hosting Standard", unitNet: "199.00" },
        { name: "Domena sklep-ani.pl", unitNet: "50.00" },
      ])
    ).invoice;
    correction = await issueCorrection(db, {
      invoiceId: invoice.id,
      at: new Date("2026-06-10T10:00:00Z"),
      reason: "Rezygnacja z jednego pakietu hostingu",
      lines: [{ position: 1, quantity: 0 }],
    });
  });
  afterAll(() => driver.dispose(db));

  const LINE = `(invoice_id, position, name, quantity, unit_net, discount, net, vat_rate, vat, gross)`;

  it.each([
    [
      "INSERT of a line",
      `INSERT INTO invoice_lines ${LINE} VALUES ($1, 3, 'Dopisana', 1, 100, 0, 100, '23', 23, 123)`,
    ],
    [
      "INSERT … SELECT copying a line",
      `INSERT INTO invoice_lines ${LINE}
       SELECT invoice_id, position + 10, name, quantity, unit_net, discount, net, vat_rate, vat, gross
       FROM invoice_lines WHERE invoice_id = $1`,
    ],
    [
      "INSERT … ON CONFLICT DO UPDATE",
      `INSERT INTO invoice_lines ${LINE} VALUES ($1, 1, 'Zmieniona', 1, 1, 0, 1, '23', 0, 1)
       ON CONFLICT (invoice_id, position) DO UPDATE SET name = EXCLUDED.name`,
    ],
    [
      "MERGE inserting a line",
      `MERGE INTO invoice_lines l
       USING (SELECT $1::int AS invoice_id, 7 AS position) s
       ON l.invoice_id = s.invoice_id AND l.position = s.position
       WHEN NOT MATCHED THEN INSERT ${LINE} VALUES (s.invoice_id, s.position, 'Z MERGE', 1, 100, 0, 100, '23', 23, 123)`,
    ],
    ["UPDATE of a line", "UPDATE invoice_lines SET net = net + 1 WHERE invoice_id = $1"],
    ["DELETE of a line", "DELETE FROM invoice_lines WHERE invoice_id = $1"],
    ["UPDATE of the invoice", "UPDATE invoices SET gross = gross + 1, net = net + 1 WHERE id = $1"],
    ["DELETE of the invoice", "DELETE FROM invoices WHERE id = $1"],
  ])("refuses %s, of an invoice and of a correction", async (_what, sql) => {
    for (const doc of [invoice, correction]) {
      const lines = await lineCount(db, doc.id);
      await expect(db.query(sql, [doc.id])).rejects.toThrow(/immutable|cannot be deleted/);
      expect(await lineCount(db, doc.id)).toBe(lines);
      expect(await getInvoice(db, doc.id)).toEqual(doc);
    }
  });

  it.each([
    ["invoice_lines", "TRUNCATE invoice_lines"],
    ["invoices", "TRUNCATE invoices CASCADE"],
  ])("refuses TRUNCATE of %s", async (_table, sql) => {
    await expect(db.query(sql)).rejects.toThrow(/immutable/);
    expect(await getInvoice(db, invoice.id)).toEqual(invoice);
    expect(await getInvoice(db, correction.id)).toEqual(correction);
  });

  it("still issues invoices, also inside a caller's transaction (a savepoint), and rolls them back whole", async () => {
    const second = await paidInvoice(db, company, [{ name: "Certyfikat", unitNet: "20.00" }]);
    expect(await lineCount(db, second.invoice.id)).toBe(1);
    // issued inside the caller's transaction, which then fails: nothing of it stays
    const p = await createManualProforma(db, {
      customerId: company,
      lines: [{ name: "Hosting", unitNet: "30.00" }],
      at: new Date("2026-05-02T08:00:00Z"),
    });
    await pay(db, p);
    await expect(
      db.transaction(async (tx) => {
        const inv = await issueInvoiceForProforma(tx, { proformaId: p.id, at: ISSUED });
        expect(await lineCount(tx, inv.id)).toBe(1);
        throw new Error("activation failed later");
      }),
    ).rejects.toThrow("activation failed later");
    const inv = await db.transaction((tx) => issueInvoiceForProforma(tx, { proformaId: p.id, at: ISSUED }));
    expect(inv.lines).toHaveLength(1);
    expect(await lineCount(db, inv.id)).toBe(1);
  });

  it("records a KSeF number once: the same number again is fine, another one is refused", async () => {
    await setInvoiceKsefState(db, invoice.id, { number: KSEF, status: "sent" });
    expect(await setInvoiceKsefState(db, invoice.id, { number: KSEF, status: "accepted" })).toEqual({
      number: KSEF,
      status: "accepted",
    });
    await expect(setInvoiceKsefState(db, invoice.id, { number: OTHER_KSEF })).rejects.toMatchObject({
      code: "ksef_number_recorded",
    });
    // the database refuses it too, whoever writes
    await expect(
      db.query(`UPDATE invoices SET ksef = jsonb_set(ksef, '{number}', to_jsonb($2::text)) WHERE id = $1`, [
        invoice.id,
        OTHER_KSEF,
      ]),
    ).rejects.toThrow(/KSeF number/);
    await expect(db.query(`UPDATE invoices SET ksef = '{}' WHERE id = $1`, [invoice.id])).rejects.toThrow(
      /KSeF number/,
    );
    expect(await getInvoiceKsefState(db, invoice.id)).toEqual({ number: KSEF, status: "accepted" });
    await expect(setInvoiceKsefState(db, 999_999, { number: KSEF })).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
