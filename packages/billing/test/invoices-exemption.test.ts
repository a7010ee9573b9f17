/**
 * Exempt (`zw`) sales need their legal basis on the invoice (art. 106e ust. 1 pkt 19; FA(3)
 * P_19 with P_19A/P_19B/P_19C): settable per service and per line, required when the invoice is
 * issued, printed on the PDF and exported.
 */
import {
  createManualProforma,
  createProformaForOrder,
  type Db,
  exportInvoiceFa3,
  getService,
  issueInvoiceForProforma,
  quote,
  renderInvoicePdf,
  upsertService,
} from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "./support/db.js";
import { xsdErrors } from "./support/fa3-xsd.js";
import { consumer, ISSUED, paidInvoice, pay, setUpSeller } from "./support/fiscal.js";
import { pdfText } from "./support/pdf-text.js";

const AT = new Date("2026-05-02T08:00:00Z");
// A small seller exempt by turnover (art. 113 ust. 1) sells hosting without VAT.
const SMALL_SELLER = "art. 113 ust. 1 ustawy o VAT";
const TRAINING = "art. 43 ust. 1 pkt 29 lit. c ustawy o VAT";
const field = (xml: string, name: string): string[] =>
  [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, "g"))].map((m) => m[1]!);

async function invoiceCount(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM invoices");
  return rows[0]!.n;
}

describe.each(drivers())("VAT exemption basis on $name", (driver) => {
  let db: Db;
  let buyer: number;

  beforeAll(async () => {
    db = await driver.open();
    await db.exec(`
      INSERT INTO tlds (tld, register_periods, renew_periods) VALUES ('pl', '{1}', '{1}');
      INSERT INTO price_groups (id, name, is_default) VALUES (1, 'Standard', true);`);
    await setUpSeller(db);
    buyer = await consumer(db);
  });
  afterAll(() => driver.dispose(db));

  it("takes the basis from the service: an order's invoice prints and exports it", async () => {
    const svc = await upsertService(db, {
      kind: "domain",
      operation: "register",
      tld: "pl",
      periods: [1],
      vatRate: "zw",
      exemptionBasis: SMALL_SELLER,
    });
    expect(svc.exemptionBasis).toEqual({ source: "act", provision: SMALL_SELLER });
    expect((await getService(db, svc.code)).exemptionBasis).toEqual(svc.exemptionBasis);
    await db.query(
      "INSERT INTO prices (group_id, service_id, period, net, source) VALUES (1, $1, 1, 5000, 'manual')",
      [svc.id],
    );
    const q = await quote(db, {
      customerId: buyer,
      items: [{ serviceCode: svc.code, name: "zwolniony.pl", period: 1 }],
      at: AT,
    });
    const { proforma } = await createProformaForOrder(db, {
      customerId: buyer,
      quote: q,
      orderRef: "zw-1",
      at: AT,
    });
    await pay(db, proforma);
    const invoice = await issueInvoiceForProforma(db, { proformaId: proforma.id, at: ISSUED });
    expect(invoice.annotations.exemptionBasis).toEqual({ source: "act", provision: SMALL_SELLER });
    expect(await pdfText(await renderInvoicePdf(invoice))).toContain(
      `Zwolnienie z VAT, podstawa prawna: ${SMALL_SELLER}`,
    );
    const xml = await exportInvoiceFa3(db, invoice.id, { generatedAt: ISSUED });
    expect([field(xml, "P_19"), field(xml, "P_19A"), field(xml, "P_13_7"), field(xml, "P_19N")]).toEqual([
      ["1"],
      [SMALL_SELLER],
      ["50.00"],
      [],
    ]);
    expect(await xsdErrors({ xml })).toEqual({ xml: [] });
  });

  it("takes the basis from the line of a hand-made proforma; a Directive basis goes to P_19B", async () => {
    const { invoice } = await paidInvoice(db, buyer, [
      { name: "Szkolenie z obsługi panelu", unitNet: "300.00", vatRate: "zw", exemptionBasis: TRAINING },
      { name: "Hosting Start", unitNet: "100.00" },
    ]);
    expect(invoice.annotations.exemptionBasis).toEqual({ source: "act", provision: TRAINING });
    expect(await pdfText(await renderInvoicePdf(invoice))).toContain(
      `Zwolnienie z VAT, podstawa prawna: ${TRAINING}`,
    );

    const directive = "art. 132 ust. 1 lit. i dyrektywy 2006/112/WE";
    const d = await paidInvoice(db, buyer, [
      {
        name: "Kurs",
        unitNet: "200.00",
        vatRate: "zw",
        exemptionBasis: { source: "directive", provision: directive },
      },
    ]);
    const xml = await exportInvoiceFa3(db, d.invoice.id, { generatedAt: ISSUED });
    expect([field(xml, "P_19B"), field(xml, "P_19A")]).toEqual([[directive], []]);
    expect(await xsdErrors({ xml })).toEqual({ xml: [] });
  });

  it("refuses a zw line without its basis, naming the line, and writes nothing", async () => {
    const err = await createManualProforma(db, {
      customerId: buyer,
      at: AT,
      lines: [
        { name: "Hosting Start", unitNet: "100.00" },
        { name: "Szkolenie", unitNet: "300.00", vatRate: "zw" },
      ],
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "validation", issues: [{ path: "lines.1.exemptionBasis" }] });

    // a service whose basis was removed after the proforma was made: refused when invoicing
    const svc = await upsertService(db, {
      kind: "domain",
      operation: "renew",
      tld: "pl",
      periods: [1],
      vatRate: "zw",
      exemptionBasis: { source: "act", provision: SMALL_SELLER },
    });
    const p = await createManualProforma(db, {
      customerId: buyer,
      at: AT,
      lines: [{ name: "zwolniony.pl", serviceCode: svc.code, unitNet: "50.00" }],
    });
    await pay(db, p);
    await upsertService(db, {
      kind: "domain",
      operation: "renew",
      tld: "pl",
      periods: [1],
      exemptionBasis: null,
    });
    const before = await invoiceCount(db);
    const refused = await issueInvoiceForProforma(db, { proformaId: p.id, at: ISSUED }).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: "exemption_basis_required" });
    expect(String((refused as Error).message)).toContain("line 1 (zwolniony.pl)");
    expect(await invoiceCount(db)).toBe(before);
    // set again on the service: the invoice is issued with it
    await upsertService(db, {
      kind: "domain",
      operation: "renew",
      tld: "pl",
      periods: [1],
      exemptionBasis: SMALL_SELLER,
    });
    const inv = await issueInvoiceForProforma(db, { proformaId: p.id, at: ISSUED });
    expect(inv.annotations.exemptionBasis).toEqual({ source: "act", provision: SMALL_SELLER });
  });

  it("names a basis given for a taxed service or line as a mistake", async () => {
    const svc = await upsertService(db, {
      kind: "domain",
      operation: "transfer",
      tld: "pl",
      periods: [1],
      exemptionBasis: SMALL_SELLER,
    }).catch((e: unknown) => e);
    expect(svc).toMatchObject({ code: "validation", issues: [{ path: "exemptionBasis" }] });
    const err = await createManualProforma(db, {
      customerId: buyer,
      at: AT,
      lines: [{ name: "Hosting", unitNet: "100.00", exemptionBasis: SMALL_SELLER }],
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "validation", issues: [{ path: "lines.0.exemptionBasis" }] });
  });
});
