/**
 * Gross prices (what a consumer sees) are invoiced by the gross method of art. 106e ust. 7–8:
 * each line shows its unit gross price and gross value (FA(3) P_9B, P_11A), so every line is
 * quantity × unit price exactly, the lines add up to what was paid, and net and VAT are computed
 * per rate on the gross sums. A net unit price that cannot be exact (9.99 zł gross → 8.1219… net)
 * is never printed: 3 × 8.12 ≠ 24.37 was the complaint.
 */
import {
  type Db,
  exportInvoiceFa3,
  type InvoiceDocument,
  issueCorrection,
  renderInvoicePdf,
} from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "./support/db.js";
import { xsdErrors } from "./support/fa3-xsd.js";
import { consumer, paidInvoice, setUpSeller } from "./support/fiscal.js";
import { pdfText } from "./support/pdf-text.js";

const CORRECTED_AT = new Date("2026-06-10T10:00:00Z");
const field = (xml: string, name: string): string[] =>
  [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, "g"))].map((m) => m[1]!);
const grosze = (decimal: string) => Math.round(Number(decimal) * 100);

/** Every line is quantity × unit gross − discount, and the lines add up to the document's gross. */
function expectLinesAddUp(doc: InvoiceDocument): void {
  for (const l of doc.lines) expect(l.quantity * l.unitGross! - l.discount).toBe(l.gross);
  const rows = doc.kind === "KOR" ? doc.lines.filter((l) => l.state === "after") : doc.lines;
  const before = doc.lines.filter((l) => l.state === "before");
  const sum = (ls: typeof rows) => ls.reduce((s, l) => s + l.gross, 0);
  expect(sum(rows) - sum(before)).toBe(doc.gross);
}

describe.each(drivers())("gross-price invoices on $name", (driver) => {
  let db: Db;
  let buyer: number;
  let invoice: InvoiceDocument;

  beforeAll(async () => {
    db = await driver.open();
    await setUpSeller(db);
    buyer = await consumer(db);
    invoice = (
      await paidInvoice(db, buyer, [
        { name: "Opcja na domenę", unitGross: "9.99", quantity: 3 },
        { name: "Hosting Start", unitGross: "49.00" },
      ])
    ).invoice;
  });
  afterAll(() => driver.dispose(db));

  it("shows unit gross prices whose lines add up to what was paid, VAT per rate on the gross sum", async () => {
    expect(invoice.lines.map((l) => [l.quantity, l.unitGross, l.gross])).toEqual([
      [3, 999, 2_997],
      [1, 4_900, 4_900],
    ]);
    expectLinesAddUp(invoice);
    // 78.97 gross → VAT 78.97 × 23/123 = 14.7669 → 14.77, net 64.20
    expect(invoice.vatBreakdown).toEqual([{ rate: "23", net: 6_420, vat: 1_477, gross: 7_897 }]);
    expect(invoice.payment.paid).toBe(invoice.gross);
  });

  it("prints the unit gross price and the gross value, never a net unit price that does not multiply", async () => {
    const text = await pdfText(await renderInvoicePdf(invoice));
    expect(text).toContain("Cena jedn. brutto");
    expect(text).toContain("3 usł. 9,99 – 23% 29,97");
    expect(text).toContain("1 usł. 49,00 – 23% 49,00");
    expect(text).not.toContain("8,12");
    expect(text).not.toContain("24,37");
    for (const total of ["64,20 zł", "14,77 zł", "78,97 zł"]) expect(text).toContain(total);
  });

  it("exports P_9B and P_11A that add up to P_13_1 + P_14_1, valid against the XSD", async () => {
    const xml = await exportInvoiceFa3(db, invoice.id, { generatedAt: CORRECTED_AT });
    expect(await xsdErrors({ xml })).toEqual({ xml: [] });
    expect([field(xml, "P_9B"), field(xml, "P_11A"), field(xml, "P_9A"), field(xml, "P_11")]).toEqual([
      ["9.99", "49.00"],
      ["29.97", "49.00"],
      [],
      [],
    ]);
    const lines = field(xml, "P_11A").reduce((s, v) => s + grosze(v), 0);
    expect(lines).toBe(grosze(field(xml, "P_13_1")[0]!) + grosze(field(xml, "P_14_1")[0]!));
    expect(field(xml, "P_15")).toEqual(["78.97"]);
  });

  it("corrects a gross invoice by the gross method: rows add up, the difference is exact", async () => {
    const kor = await issueCorrection(db, {
      invoiceId: invoice.id,
      at: CORRECTED_AT,
      reason: "Rezygnacja z dwóch opcji",
      lines: [{ position: 1, quantity: 1 }],
    });
    expectLinesAddUp(kor);
    expect(kor.gross).toBe(-2 * 999);
    // after: 58.99 gross → VAT 11.03, net 47.96; before 78.97 / 14.77 / 64.20
    expect(kor.vatBreakdown).toEqual([{ rate: "23", net: -1_624, vat: -374, gross: -1_998 }]);
    const xml = await exportInvoiceFa3(db, kor.id, { generatedAt: CORRECTED_AT });
    expect(await xsdErrors({ xml })).toEqual({ xml: [] });
    expect([field(xml, "P_9B"), field(xml, "P_11A"), field(xml, "P_15")]).toEqual([
      ["9.99", "9.99"],
      ["29.97", "9.99"],
      ["-19.98"],
    ]);
    expect(await pdfText(await renderInvoicePdf(kor))).toContain("Kwota korekty brutto: -19,98 zł");

    // a new gross price is given as unitGross; a net price on a gross line is refused
    const price = await issueCorrection(db, {
      invoiceId: invoice.id,
      at: CORRECTED_AT,
      reason: "Obniżka ceny hostingu",
      lines: [{ position: 2, unitGross: 3_900 }],
    });
    expectLinesAddUp(price);
    expect(price.gross).toBe(-1_000);
    const err = await issueCorrection(db, {
      invoiceId: invoice.id,
      at: CORRECTED_AT,
      reason: "Obniżka",
      lines: [{ position: 2, unitNet: 3_000 }],
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "validation", issues: [{ path: "lines.0.unitNet" }] });
  });
});
