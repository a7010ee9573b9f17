/**
 * An EU business buys under reverse charge (art. 28b): no Polish VAT on the quote, on every kind
 * of proforma (order, renewal, hand-made, edited) and on the invoice — decided by one function, so
 * the customer never pays VAT the invoice does not show.
 */
import {
  createManualProforma,
  createProformaForOrder,
  type Db,
  getProforma,
  issueInvoiceForProforma,
  type Proforma,
  quote,
  runRenewals,
  updateProforma,
} from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "./support/db.js";
import { euBusiness, ISSUED, pay, polishCompany, setUpSeller } from "./support/fiscal.js";

const AT = new Date("2026-05-02T08:00:00Z");

const SEED = `
  INSERT INTO tlds (tld, register_periods, renew_periods) VALUES ('pl', '{1,2,3}', '{1,2,3}');
  INSERT INTO services (code, kind, operation, tld, product, name, periods) VALUES
    ('domain.pl.register', 'domain', 'register', 'pl', NULL, 'Rejestracja domeny .pl', '{1}'),
    ('domain.pl.renew', 'domain', 'renew', 'pl', NULL, 'Odnowienie domeny .pl', '{1}');
  INSERT INTO price_groups (id, name, is_default) VALUES (1, 'Standard', true);
  INSERT INTO prices (group_id, service_id, period, net, source)
    SELECT 1, s.id, 1, 10000, 'manual' FROM services s;`;

/** Every line np II without VAT, totals without VAT, and the invoice the same as the proforma. */
async function expectReverseCharge(db: Db, p: Proforma): Promise<void> {
  expect(p.lines.map((l) => [l.vatRate, l.vat, l.gross - l.net])).toEqual(p.lines.map(() => ["np II", 0, 0]));
  expect(p.vatBreakdown).toEqual([{ rate: "np II", net: p.net, vat: 0, gross: p.net }]);
  expect([p.vat, p.gross]).toEqual([0, p.net]);
  await pay(db, p);
  const invoice = await issueInvoiceForProforma(db, { proformaId: p.id, at: ISSUED });
  expect(invoice.annotations.reverseCharge).toBe(true);
  // what the customer paid is what the invoice says: no VAT charged that is recorded nowhere
  expect([invoice.net, invoice.vat, invoice.gross]).toEqual([p.net, 0, p.gross]);
  expect(invoice.payment.paid).toBe(invoice.gross);
}

describe.each(drivers())("reverse charge on every proforma path on $name", (driver) => {
  let db: Db;
  let eu: number;
  let pl: number;

  beforeAll(async () => {
    db = await driver.open();
    await db.exec(SEED);
    await setUpSeller(db);
    eu = await euBusiness(db);
    pl = await polishCompany(db);
  });
  afterAll(() => driver.dispose(db));

  it("a hand-made proforma for an EU business is np II, whatever rate the lines were typed with", async () => {
    const p = await createManualProforma(db, {
      customerId: eu,
      at: AT,
      lines: [
        { name: "Wdrożenie sklepu", unitNet: "100.00" },
        { name: "Szkolenie", unitNet: "50.00", vatRate: "23" },
        { name: "Domena przyklad.pl", serviceCode: "domain.pl.register", unitNet: "80.00" },
      ],
    });
    await expectReverseCharge(db, p);
  });

  it("a hand-made proforma with gross prices for an EU business charges no Polish VAT either", async () => {
    const p = await createManualProforma(db, {
      customerId: eu,
      at: AT,
      lines: [{ name: "Wdrożenie", unitGross: "123.00", quantity: 2 }],
    });
    expect(p.net).toBe(24_600);
    await expectReverseCharge(db, p);
  });

  it("an edited proforma for an EU business stays np II", async () => {
    const p = await createManualProforma(db, {
      customerId: eu,
      at: AT,
      lines: [{ name: "A", unitNet: "10.00" }],
    });
    const edited = await updateProforma(db, p.id, {
      lines: [{ name: "B", unitNet: "20.00", vatRate: "8" }],
      at: AT,
    });
    await expectReverseCharge(db, edited);
  });

  it("an order's proforma for an EU business is np II, as its quote", async () => {
    const q = await quote(db, {
      customerId: eu,
      items: [{ serviceCode: "domain.pl.register", name: "beispiel.pl", period: 1 }],
      at: AT,
    });
    expect(q.lines.map((l) => l.vatRate)).toEqual(["np II"]);
    const { proforma } = await createProformaForOrder(db, {
      customerId: eu,
      quote: q,
      orderRef: "eu-1",
      at: AT,
    });
    await expectReverseCharge(db, proforma);
  });

  it("a renewal proforma for an EU business is np II", async () => {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO customer_services (customer_id, service_id, name, status, period, starts_on, expires_on, auto_renew)
       SELECT $1, id, 'beispiel-alt.pl', 'active', 1, '2025-05-20', '2026-05-20', true
       FROM services WHERE code = 'domain.pl.register' RETURNING id`,
      [eu],
    );
    const run = await runRenewals(db, { at: AT });
    expect(run).toMatchObject({ created: 1, skipped: [] });
    const { rows: made } = await db.query<{ id: number }>(
      `SELECT proforma_id AS id FROM proforma_lines WHERE customer_service_id = $1`,
      [rows[0]!.id],
    );
    await expectReverseCharge(db, await getProforma(db, made[0]!.id));
  });

  it("a Polish company still pays 23% on every path", async () => {
    const p = await createManualProforma(db, {
      customerId: pl,
      at: AT,
      lines: [{ name: "A", unitNet: "100.00" }],
    });
    expect([p.lines[0]!.vatRate, p.vat, p.gross]).toEqual(["23", 2_300, 12_300]);
    const q = await quote(db, {
      customerId: pl,
      items: [{ serviceCode: "domain.pl.register", name: "sklep-ani.pl", period: 1 }],
      at: AT,
    });
    expect(q.lines.map((l) => l.vatRate)).toEqual(["23"]);
  });
});
