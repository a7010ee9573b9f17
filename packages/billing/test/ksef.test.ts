import { type Db, type InvoiceDocument, money, setSellerSettings } from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCorrection, issueInvoiceForProforma, setInvoiceKsefState } from "../src/invoices/index.js";
import { escapeXml, exportInvoiceFa3, invoiceToFa3Xml, XmlWriter } from "../src/ksef/index.js";
import { computeVat, type VatRateCode } from "../src/money/vat.js";
import { drivers } from "./support/db.js";
import { xsdErrors } from "./support/fa3-xsd.js";

// ---- fixture (the proforma code is not ours: proformas are written by SQL)

const SELLER = {
  name: 'Hosting & Domeny "Kowalski" sp. z o.o.',
  nip: "5260250274",
  address: { street: "ul. Prosta 1", postcode: "00-001", city: "Warszawa", country: "PL" },
  bankAccount: "61 1090 1014 0000 0712 1981 2874",
  email: "faktury@kowalski.example",
  phone: "+48 22 123 45 67",
  place: "Warszawa",
};
const COMPANY = {
  name: "Firma <Testowa> S.A.",
  nip: "7251801126",
  address: { street: "ul. Piotrkowska 10", postcode: "90-001", city: "Łódź", country: "PL" },
  email: "ksiegowosc@testowa.example",
};
const CONSUMER = {
  name: "Jan Nowak",
  address: { street: "ul. Polna 5/2", postcode: "30-001", city: "Kraków", country: "PL" },
};
const EU_BUSINESS = {
  name: "Beispiel GmbH",
  euVat: { country: "DE", number: "DE123456789" },
  address: { street: "Hauptstraße 5", postcode: "10115", city: "Berlin", country: "DE" },
};
const GREEK_BUSINESS = {
  name: "Παράδειγμα Α.Ε.",
  euVat: { country: "GR", number: "EL094259216" },
  address: { street: "Οδός 1", postcode: "10431", city: "Αθήνα", country: "GR" },
};
const RATE = { rate: "4.271800", table: "083/A/NBP/2026", date: "2026-04-30" };
const AT = new Date("2026-05-04T10:00:00Z");
const GENERATED = new Date("2026-05-04T10:00:05Z");
const KSEF_NUMBER = "5260250274-20260504-0A1B2C-3D4E5F-7A";

let seq = 0;

async function paidProforma(
  db: Db,
  buyer: object,
  lines: {
    name: string;
    quantity?: number;
    unitNet: number;
    discount?: number;
    rate?: VatRateCode;
    from?: string;
    to?: string;
  }[],
  currency: "PLN" | "EUR" = "PLN",
): Promise<number> {
  const { rows: c } = await db.query<{ id: number }>(
    "INSERT INTO customers (name) VALUES ('KSeF') RETURNING id",
  );
  const ls = lines.map((l) => ({
    ...l,
    quantity: l.quantity ?? 1,
    discount: l.discount ?? 0,
    rate: l.rate ?? "23",
  }));
  const vat = computeVat(
    ls.map((l) => ({ amount: money(l.quantity * l.unitNet - l.discount, currency), rate: l.rate })),
  );
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO proformas (number, series_id, customer_id, origin, status, issue_date, due_date, currency, seller,
       buyer, bank_account, transfer_title, net, vat, gross, vat_breakdown, paid, paid_at)
     VALUES ($1, (SELECT id FROM document_series WHERE kind = 'proforma' AND is_default), $2, 'order', 'paid',
       '2026-04-28', '2026-05-12', $3, $4, $5, '611090', $1, $6, $7, $8, '[]', $8, '2026-05-02T10:00:00Z')
     RETURNING id`,
    [
      `PRO/KSEF/${++seq}`,
      c[0]!.id,
      currency,
      JSON.stringify(SELLER),
      JSON.stringify(buyer),
      vat.total.net.amount,
      vat.total.vat.amount,
      vat.total.gross.amount,
    ],
  );
  const id = rows[0]!.id;
  await db.query(
    "INSERT INTO payments (customer_id, proforma_id, method, amount, currency, received_at) VALUES ($1, $2, 'transfer', $3, $4, '2026-05-02T10:00:00Z')",
    [c[0]!.id, id, vat.total.gross.amount, currency],
  );
  for (const [i, l] of ls.entries()) {
    await db.query(
      `INSERT INTO proforma_lines (proforma_id, position, name, quantity, unit_net, discount, net, vat_rate, vat, gross, service_from, service_to)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        id,
        i + 1,
        l.name,
        l.quantity,
        l.unitNet,
        l.discount,
        vat.lines[i]!.net.amount,
        l.rate,
        vat.lines[i]!.vat.amount,
        vat.lines[i]!.gross.amount,
        l.from ?? null,
        l.to ?? null,
      ],
    );
  }
  return id;
}

const field = (xml: string, name: string): string[] =>
  [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, "g"))].map((m) => m[1]!);

describe.each(drivers())("KSeF FA(3) export on $name", (driver) => {
  let db: Db;
  const docs: Record<string, InvoiceDocument> = {};
  const xml: Record<string, string> = {};

  beforeAll(async () => {
    db = await driver.open();
    await setSellerSettings(db, SELLER);
    const issue = async (pid: number, exchangeRate?: typeof RATE) =>
      issueInvoiceForProforma(db, { proformaId: pid, at: AT, ...(exchangeRate ? { exchangeRate } : {}) });
    docs.b2b = await issue(
      await paidProforma(db, COMPANY, [
        { name: "Hosting Standard", quantity: 2, unitNet: 501, from: "2026-05-03", to: "2027-05-02" },
        { name: "Certyfikat SSL DV", unitNet: 1_102, discount: 100 },
        { name: "Opcja .pl", unitNet: 1_000, rate: "8" },
      ]),
    );
    docs.consumer = await issue(
      await paidProforma(db, CONSUMER, [{ name: "Domena przyklad.pl", unitNet: 5_000 }]),
    );
    docs.reverseCharge = await issue(
      await paidProforma(
        db,
        EU_BUSINESS,
        [{ name: "Domain example.pl", unitNet: 1_200, rate: "np II" }],
        "EUR",
      ),
      RATE,
    );
    docs.greek = await issue(
      await paidProforma(db, GREEK_BUSINESS, [{ name: "Domain", unitNet: 1_200, rate: "np II" }]),
    );
    docs.eur = await issue(
      await paidProforma(
        db,
        COMPANY,
        [
          { name: "Hosting Business", unitNet: 10_001 },
          { name: "Opcja", unitNet: 999, rate: "8" },
        ],
        "EUR",
      ),
      RATE,
    );
    docs.korPartial = await issueCorrection(db, {
      invoiceId: docs.b2b.id,
      at: new Date("2026-06-10T10:00:00Z"),
      reason: "Rezygnacja z jednego pakietu hostingu",
      lines: [{ position: 1, quantity: 1 }],
    });
    await setInvoiceKsefState(db, docs.consumer.id, { number: KSEF_NUMBER, status: "accepted" });
    docs.korFull = await issueCorrection(db, {
      invoiceId: docs.consumer.id,
      at: new Date("2026-06-10T10:00:00Z"),
      reason: "Odstąpienie od umowy",
      lines: { full: true },
    });
    docs.korEur = await issueCorrection(db, {
      invoiceId: docs.eur.id,
      at: new Date("2026-06-10T10:00:00Z"),
      reason: "Obniżka ceny",
      lines: [{ position: 1, unitNet: 9_000 }],
    });
    for (const [name, doc] of Object.entries(docs)) {
      xml[name] = await exportInvoiceFa3(db, doc.id, { generatedAt: GENERATED, systemInfo: "hrdkit test" });
    }
  });
  afterAll(() => driver.dispose(db));

  it("exports every variant as XML that validates against schemat_FA(3)_v1-0E.xsd", async () => {
    expect(Object.keys(xml).sort()).toEqual([
      "b2b",
      "consumer",
      "eur",
      "greek",
      "korEur",
      "korFull",
      "korPartial",
      "reverseCharge",
    ]);
    const errors = await xsdErrors(xml);
    expect(errors).toEqual(Object.fromEntries(Object.keys(xml).map((n) => [n, []])));
  });

  it("the validator is real: a document with a mistake examples often make fails", async () => {
    const broken = {
      noSpace: xml.b2b!.replace('kodSystemowy="FA (3)"', 'kodSystemowy="FA(3)"'),
      brak: xml.consumer!.replace("<BrakID>1</BrakID>", "<NIP>BRAK</NIP>"),
      order: xml
        .b2b!.replace(/<P_15>[^<]*<\/P_15>/, "")
        .replace("<RodzajFaktury>", "<P_15>1.00</P_15><RodzajFaktury>"),
    };
    const errors = await xsdErrors(broken);
    for (const name of Object.keys(broken)) expect(errors[name]!.length, name).toBeGreaterThan(0);
  });

  it("carries the header, the parties and the art. 106e content of a Polish B2B invoice", () => {
    const x = xml.b2b!;
    const inv = docs.b2b!;
    expect(x).toContain('<Faktura xmlns="http://crd.gov.pl/wzor/2025/06/25/13775/">');
    expect(x).toContain('<KodFormularza kodSystemowy="FA (3)" wersjaSchemy="1-0E">FA</KodFormularza>');
    expect(field(x, "DataWytworzeniaFa")).toEqual(["2026-05-04T10:00:05.000Z"]);
    expect(field(x, "SystemInfo")).toEqual(["hrdkit test"]);
    expect(field(x, "NIP")).toEqual(["5260250274", "7251801126"]);
    expect(field(x, "Nazwa")).toEqual([
      'Hosting &amp; Domeny "Kowalski" sp. z o.o.',
      "Firma &lt;Testowa&gt; S.A.",
    ]);
    expect(field(x, "AdresL2")).toEqual(["00-001 Warszawa", "90-001 Łódź"]);
    expect(field(x, "KodWaluty")).toEqual(["PLN"]);
    expect(field(x, "P_1")).toEqual(["2026-05-04"]);
    expect(field(x, "P_1M")).toEqual(["Warszawa"]);
    expect(field(x, "P_2")).toEqual([inv.number]);
    expect(field(x, "P_6")).toEqual(["2026-05-02"]);
    expect([
      field(x, "P_13_1"),
      field(x, "P_14_1"),
      field(x, "P_13_2"),
      field(x, "P_14_2"),
      field(x, "P_15"),
    ]).toEqual([["20.04"], ["4.61"], ["10.00"], ["0.80"], ["35.45"]]);
    expect([
      field(x, "P_16"),
      field(x, "P_17"),
      field(x, "P_18"),
      field(x, "P_18A"),
      field(x, "P_19N"),
      field(x, "P_22N"),
      field(x, "P_23"),
      field(x, "P_PMarzyN"),
    ]).toEqual([["2"], ["2"], ["2"], ["2"], ["1"], ["1"], ["2"], ["1"]]);
    expect(field(x, "RodzajFaktury")).toEqual(["VAT"]);
    expect(field(x, "P_7")).toEqual(["Hosting Standard", "Certyfikat SSL DV", "Opcja .pl"]);
    expect(field(x, "P_8B")).toEqual(["2", "1", "1"]);
    expect(field(x, "P_9A")).toEqual(["5.01", "11.02", "10.00"]);
    expect(field(x, "P_10")).toEqual(["1.00"]);
    expect(field(x, "P_11")).toEqual(["10.02", "10.02", "10.00"]);
    expect(field(x, "P_12")).toEqual(["23", "23", "8"]);
    expect(field(x, "Wartosc")).toEqual(["2026-05-03 – 2027-05-02"]);
    expect([field(x, "Zaplacono"), field(x, "DataZaplaty"), field(x, "FormaPlatnosci")]).toEqual([
      ["1"],
      ["2026-05-02"],
      ["6"],
    ]);
  });

  it("marks a consumer with BrakID, an EU business with KodUE + NrVatUE and the reverse charge", () => {
    expect(field(xml.consumer!, "BrakID")).toEqual(["1"]);
    expect(field(xml.consumer!, "NIP")).toEqual(["5260250274"]);
    const rc = xml.reverseCharge!;
    expect([field(rc, "KodUE"), field(rc, "NrVatUE")]).toEqual([["DE"], ["123456789"]]);
    expect([field(rc, "P_13_9"), field(rc, "P_13_1"), field(rc, "P_18"), field(rc, "P_12")]).toEqual([
      ["12.00"],
      [],
      ["1"],
      ["np II"],
    ]);
    expect([field(rc, "KodWaluty"), field(rc, "KursWaluty")]).toEqual([["EUR"], ["4.2718"]]);
    expect([field(xml.greek!, "KodUE"), field(xml.greek!, "NrVatUE")]).toEqual([["EL"], ["094259216"]]);
  });

  it("shows an EUR invoice's VAT in PLN per rate and the NBP rate", () => {
    const x = xml.eur!;
    expect([
      field(x, "P_13_1"),
      field(x, "P_14_1"),
      field(x, "P_14_1W"),
      field(x, "P_14_2"),
      field(x, "P_14_2W"),
    ]).toEqual([["100.01"], ["23.00"], ["98.25"], ["0.80"], ["3.42"]]);
    expect(field(x, "KursWaluty")).toEqual(["4.2718", "4.2718"]);
    expect(field(x, "Wartosc")).toEqual([
      "1 EUR = 4.2718 PLN, średni kurs NBP, tabela 083/A/NBP/2026 z dnia 2026-04-30",
    ]);
  });

  it("exports corrections with the corrected invoice, the reason, before/after lines and the differences", () => {
    const x = xml.korPartial!;
    expect(field(x, "RodzajFaktury")).toEqual(["KOR"]);
    expect(field(x, "PrzyczynaKorekty")).toEqual(["Rezygnacja z jednego pakietu hostingu"]);
    expect(field(x, "TypKorekty")).toEqual(["2"]); // lowers the base: at the correction's date
    expect([field(x, "DataWystFaKorygowanej"), field(x, "NrFaKorygowanej"), field(x, "NrKSeFN")]).toEqual([
      ["2026-05-04"],
      [docs.b2b!.number],
      ["1"],
    ]);
    expect([field(x, "P_13_1"), field(x, "P_14_1"), field(x, "P_15"), field(x, "P_13_2")]).toEqual([
      ["-5.01"],
      ["-1.15"],
      ["-6.16"],
      [],
    ]);
    expect([field(x, "NrWierszaFa"), field(x, "P_8B"), field(x, "StanPrzed")]).toEqual([
      ["1", "2"],
      ["2", "1"],
      ["1"],
    ]);
    expect(x).not.toContain("<Platnosc>");

    // the corrected invoice is in KSeF: its number is named
    expect([field(xml.korFull!, "NrKSeF"), field(xml.korFull!, "NrKSeFFaKorygowanej")]).toEqual([
      ["1"],
      [KSEF_NUMBER],
    ]);
    expect(field(xml.korFull!, "P_15")).toEqual(["-61.50"]);
    // 90.00 € → VAT 20.70 € → 88.43 zł; was 23.00 € → 98.25 zł
    expect([field(xml.korEur!, "P_14_1"), field(xml.korEur!, "P_14_1W")]).toEqual([["-2.30"], ["-9.82"]]);
  });

  it("lets the caller choose TypKorekty and name the corrected invoice's KSeF number", () => {
    const x = invoiceToFa3Xml(docs.korPartial!, {
      correctionType: 1,
      correctedKsefNumber: KSEF_NUMBER,
      generatedAt: GENERATED,
    });
    expect([field(x, "TypKorekty"), field(x, "NrKSeFFaKorygowanej")]).toEqual([["1"], [KSEF_NUMBER]]);
  });

  it("refuses what FA(3) cannot carry: exempt lines without their legal basis", async () => {
    const exempt: InvoiceDocument = {
      ...docs.b2b!,
      lines: docs.b2b!.lines.map((l) => ({ ...l, vatRate: "zw", vat: 0, gross: l.net })),
      vatBreakdown: [{ rate: "zw", net: 3_004, vat: 0, gross: 3_004 }],
    };
    expect(() => invoiceToFa3Xml(exempt)).toThrow(/exemption basis/);
    const withBasis = invoiceToFa3Xml(
      {
        ...exempt,
        annotations: { exemptionBasis: { source: "act", provision: "art. 43 ust. 1 pkt 37 ustawy" } },
      },
      { generatedAt: GENERATED },
    );
    expect([field(withBasis, "P_19"), field(withBasis, "P_19A"), field(withBasis, "P_13_7")]).toEqual([
      ["1"],
      ["art. 43 ust. 1 pkt 37 ustawy"],
      ["30.04"],
    ]);
    // a basis in the Directive goes to P_19B, another basis to P_19C
    const directive = invoiceToFa3Xml(
      {
        ...exempt,
        annotations: {
          exemptionBasis: { source: "directive", provision: "art. 135 ust. 1 lit. g dyrektywy 2006/112/WE" },
        },
      },
      { generatedAt: GENERATED },
    );
    const other = invoiceToFa3Xml(
      {
        ...exempt,
        annotations: { exemptionBasis: { source: "other", provision: "§ 3 ust. 1 pkt 1 rozporządzenia" } },
      },
      { generatedAt: GENERATED },
    );
    expect([field(directive, "P_19B"), field(directive, "P_19A"), field(other, "P_19C")]).toEqual([
      ["art. 135 ust. 1 lit. g dyrektywy 2006/112/WE"],
      [],
      ["§ 3 ust. 1 pkt 1 rozporządzenia"],
    ]);
    expect(await xsdErrors({ withBasis, directive, other })).toEqual({
      withBasis: [],
      directive: [],
      other: [],
    });
  });
});

describe("XML writer", () => {
  it("escapes text and attributes and drops characters XML forbids", () => {
    expect(escapeXml(`a & b < c > d "e" 'f'`)).toBe(`a &amp; b &lt; c &gt; d "e" 'f'`);
    expect(escapeXml(`"q" & 'a'`, true)).toBe("&quot;q&quot; &amp; &apos;a&apos;");
    expect(escapeXml("x\u0000y\u0007z\ttab\nnl")).toBe("xyz\ttab\nnl");
    const w = new XmlWriter().start("a", { b: "1 & 2" }).leaf("c", "<d>").leaf("skipped", undefined).end();
    expect(w.toString()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<a b="1 &amp; 2">\n  <c>&lt;d&gt;</c>\n</a>\n',
    );
    expect(() => new XmlWriter().start("open").toString()).toThrow(/unclosed/);
  });
});
