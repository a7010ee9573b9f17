/**
 * A correction is a document like any other: it must print, go out by e-mail and export to FA(3),
 * including the corrections people make most — a line taken to zero (docs/billing/flow §9) and
 * the whole invoice to zero.
 */
import {
  type Db,
  exportInvoiceFa3,
  type InvoiceDocument,
  issueCorrection,
  renderInvoicePdf,
  sendDocument,
  UNIT_OF_MEASURE,
} from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "./support/db.js";
import { xsdErrors } from "./support/fa3-xsd.js";
import { paidInvoice, polishCompany, setUpSeller } from "./support/fiscal.js";
import { pdfText } from "./support/pdf-text.js";
import { type Smtp, startSmtp } from "./support/smtp.js";

const CORRECTED_AT = new Date("2026-06-10T10:00:00Z");
const field = (xml: string, name: string): string[] =>
  [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, "g"))].map((m) => m[1]!);

describe.each(drivers())("corrections as documents on $name", (driver) => {
  let db: Db;
  let smtp: Smtp;
  let company: number;
  let transport: { host: string; port: number; secure: boolean; ignoreTLS: boolean };

  beforeAll(async () => {
    db = await driver.open();
    await setUpSeller(db);
    company = await polishCompany(db);
    smtp = await startSmtp();
    transport = { host: "127.0.0.1", port: smtp.port, secure: false, ignoreTLS: true };
  });
  afterAll(async () => {
    await smtp?.close();
    await driver.dispose(db);
  });

  /** Renders, sends and exports a correction; returns its PDF text, the mail's PDF text and the XML. */
  async function documents(kor: InvoiceDocument): Promise<{ text: string; mailed: string; xml: string }> {
    const pdf = await renderInvoicePdf(kor);
    const sent = await sendDocument(db, {
      kind: "correction",
      documentId: kor.id,
      document: kor,
      pdf,
      transport,
    });
    expect(sent).toMatchObject({ status: "sent", recipient: "ksiegowosc@sklep-ani.example" });
    const arrived = smtp.arrived.at(-1)!.mail;
    expect(arrived.attachments).toHaveLength(1);
    expect(arrived.attachments[0]!.content.equals(pdf)).toBe(true);
    const xml = await exportInvoiceFa3(db, kor.id, { generatedAt: CORRECTED_AT });
    return { text: await pdfText(pdf), mailed: await pdfText(arrived.attachments[0]!.content), xml };
  }

  it("prints, e-mails and exports the flow §9 correction that takes a line to zero", async () => {
    const { invoice } = await paidInvoice(db, company, [
      { name: "Hosting Standard", unitNet: "199.00" },
      { name: "Domena sklep-ani.pl", unitNet: "50.00" },
    ]);
    // docs/billing/flow.en.md §9, as written there
    const kor = await issueCorrection(db, {
      invoiceId: invoice.id,
      at: CORRECTED_AT,
      reason: "Rezygnacja z jednego pakietu hostingu",
      lines: [{ position: 1, quantity: 0 }],
    });
    expect(kor.gross).toBe(-24_477);
    const { text, mailed, xml } = await documents(kor);
    for (const t of [text, mailed]) {
      expect(t).toContain("FAKTURA KORYGUJĄCA");
      expect(t).toContain(`nr ${kor.number}`);
      expect(t).toContain(`Faktura korygowana: nr ${invoice.number} z dnia ${invoice.issueDate}`);
      expect(t).toContain("Przyczyna korekty: Rezygnacja z jednego pakietu hostingu");
      expect(t).toContain("Przed korektą");
      expect(t).toContain("Po korekcie");
      expect(t).toContain(`1 ${UNIT_OF_MEASURE} 199,00`);
      expect(t).toContain(`0 ${UNIT_OF_MEASURE} 199,00`);
      expect(t).toContain("Kwota korekty brutto: -244,77 zł");
      expect(t).toContain("Do zwrotu nabywcy: 244,77 zł");
    }
    expect(await xsdErrors({ kor: xml })).toEqual({ kor: [] });
    expect([field(xml, "NrWierszaFa"), field(xml, "P_8B"), field(xml, "StanPrzed")]).toEqual([
      ["1", "2"],
      ["1", "0"],
      ["1"],
    ]);
    expect([field(xml, "P_13_1"), field(xml, "P_14_1"), field(xml, "P_15")]).toEqual([
      ["-199.00"],
      ["-45.77"],
      ["-244.77"],
    ]);
  });

  it("prints, e-mails and exports a full correction, its rows numbered 1…n in NrWierszaFa", async () => {
    const { invoice } = await paidInvoice(db, company, [
      { name: "Hosting Standard", unitNet: "199.00" },
      { name: "Domena sklep-ani.pl", unitNet: "50.00" },
      { name: "Opcja na domenę", unitNet: "30.00", quantity: 2 },
      { name: "Certyfikat SSL", unitNet: "120.00" },
      {
        name: "Hosting Biznes",
        unitNet: "400.00",
        serviceFrom: "2026-05-03",
        serviceTo: "2027-05-02",
      },
    ]);
    // lines 1 and 5 first (rows 1, 2, 9, 10 as stored), then the rest to zero
    const partial = await issueCorrection(db, {
      invoiceId: invoice.id,
      at: CORRECTED_AT,
      reason: "Rezygnacja z hostingu",
      lines: [
        { position: 1, quantity: 0 },
        { position: 5, unitNet: 35_000 },
      ],
    });
    const full = await issueCorrection(db, {
      invoiceId: invoice.id,
      at: CORRECTED_AT,
      reason: "Odstąpienie od umowy",
      lines: { full: true },
    });
    const p = await documents(partial);
    expect(await xsdErrors({ partial: p.xml })).toEqual({ partial: [] });
    expect(field(p.xml, "NrWierszaFa")).toEqual(["1", "2", "3", "4"]);
    expect(field(p.xml, "P_7")).toEqual([
      "Hosting Standard",
      "Hosting Standard",
      "Hosting Biznes",
      "Hosting Biznes",
    ]);
    // the service period note names the rows of line 5 by their FA(3) numbers
    expect(
      [...p.xml.matchAll(/<NrWiersza>(\d+)<\/NrWiersza>\s*<Klucz>Okres usługi<\/Klucz>/g)].map((m) => m[1]),
    ).toEqual(["3", "4"]);

    const f = await documents(full);
    expect(await xsdErrors({ full: f.xml })).toEqual({ full: [] });
    // what is left after the first correction: lines 2, 3, 4 and 5 (at 350.00), each before and after
    expect(field(f.xml, "NrWierszaFa")).toEqual(["1", "2", "3", "4", "5", "6", "7", "8"]);
    expect(field(f.xml, "P_8B")).toEqual(["1", "0", "2", "0", "1", "0", "1", "0"]);
    expect(field(f.xml, "P_15")).toEqual([(-(50 + 60 + 120 + 350) * 1.23).toFixed(2)]);
    for (const t of [f.text, f.mailed]) {
      expect(t).toContain("Przyczyna korekty: Odstąpienie od umowy");
      expect(t).toContain(`0 ${UNIT_OF_MEASURE} 350,00`);
      expect(t).toContain("Do zwrotu nabywcy: 713,40 zł");
    }
  });

  it("prints and exports one unit of measure", async () => {
    const { invoice } = await paidInvoice(db, company, [{ name: "Hosting Standard", unitNet: "199.00" }]);
    const xml = await exportInvoiceFa3(db, invoice.id, { generatedAt: CORRECTED_AT });
    const text = await pdfText(await renderInvoicePdf(invoice));
    expect(field(xml, "P_8A")).toEqual([UNIT_OF_MEASURE]);
    expect(text).toContain(`1 ${UNIT_OF_MEASURE} 199,00`);
    expect(text).not.toContain("szt.");
  });
});
