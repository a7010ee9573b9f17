import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getDocumentProxy, getResolvedPDFJS } from "unpdf";
import { describe, expect, it } from "vitest";
import type { InvoiceDocument, ProformaDocument, SellerSettings } from "../src/documents/types.js";
import { BillingNotFoundError, BillingValidationError } from "../src/errors.js";
import { renderPdf } from "../src/render/engine.js";
import { documentFileName, renderInvoicePdf, renderProformaPdf } from "../src/render/index.js";
// Also installs the Node 20 stand-in pdf.js needs to read fonts, which pageOneDrawing relies on too.
import { pdfText } from "./support/pdf-text.js";

const ASSETS = fileURLToPath(new URL("../assets/", import.meta.url));
const PNG_LOGO = join(ASSETS, "test-logo.png");
const JPEG_LOGO = join(ASSETS, "test-logo.jpg");

/** The fill colours (as #rrggbb) and the images painted on page 1. */
async function pageOneDrawing(pdf: Buffer): Promise<{ colours: Set<string>; images: number; pages: number }> {
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { OPS } = await getResolvedPDFJS();
  const ops = await (await doc.getPage(1)).getOperatorList();
  const colours = new Set<string>();
  let images = 0;
  ops.fnArray.forEach((fn, i) => {
    if (fn === OPS.setFillRGBColor) colours.add(String(ops.argsArray[i]?.[0]).toLowerCase());
    if (fn === OPS.paintImageXObject) images++;
  });
  return { colours, images, pages: doc.numPages };
}

const seller: SellerSettings = {
  name: "Żółw Hosting Sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Świętokrzyska 12", postcode: "00-916", city: "Warszawa", country: "PL" },
  bankAccount: "61109010140000071219812874",
  bankName: "Santander Bank Polska",
  email: "faktury@zolw.example",
  phone: "+48 22 123 45 67",
  place: "Warszawa",
  logoPath: PNG_LOGO,
  accentColor: "#c0392b",
};

const company = {
  name: "Łąka Software S.A.",
  nip: "7740001454",
  address: { street: "ul. Długa 5", postcode: "80-827", city: "Gdańsk", country: "PL" },
  email: "ksiegowosc@laka.example",
};

const domainLine = {
  position: 1,
  name: "Rejestracja domeny łąka.pl",
  quantity: 1,
  unitNet: 9900,
  discount: 0,
  net: 9900,
  vatRate: "23",
  vat: 2277,
  gross: 12177,
  serviceFrom: "2026-03-15",
  serviceTo: "2027-03-14",
};
const sslLine = {
  position: 2,
  name: "Zażółć gęślą jaźń – certyfikat SSL",
  description: "RapidSSL, 1 domena",
  quantity: 2,
  unitNet: 49900,
  discount: 9980,
  net: 89820,
  vatRate: "23",
  vat: 20659,
  gross: 110479,
  serviceFrom: "2026-03-15",
  serviceTo: "2027-03-14",
};
// VAT on the rate's net sum: 23% of 997,20 = 229,356 → 229,36.
const totals = { net: 99720, vat: 22936, gross: 122656 };

const proforma: ProformaDocument = {
  kind: "proforma",
  id: 5,
  number: "PRO/2026/03/5",
  origin: "order",
  status: "issued",
  issueDate: "2026-03-14",
  dueDate: "2026-03-28",
  currency: "PLN",
  seller,
  buyer: company,
  payer: {
    name: "Fundacja Źródło",
    nip: "5213017228",
    address: { street: "ul. Żurawia 3", postcode: "00-503", city: "Warszawa", country: "PL" },
  },
  bankAccount: seller.bankAccount,
  transferTitle: "PRO/2026/03/5 Łąka Software",
  lines: [domainLine, sslLine],
  vatBreakdown: [{ rate: "23", ...totals }],
  ...totals,
  paid: 0,
  customerId: 7,
};

const invoice: InvoiceDocument = {
  kind: "VAT",
  id: 17,
  number: "FV/2026/03/17",
  issueDate: "2026-03-16",
  saleDate: "2026-03-15",
  place: "Warszawa",
  currency: "PLN",
  seller,
  buyer: company,
  lines: [domainLine, sslLine],
  vatBreakdown: [{ rate: "23", ...totals }],
  ...totals,
  amountInWords: "jeden tysiąc dwieście dwadzieścia sześć złotych 56/100",
  payment: { method: "transfer", paidAt: "2026-03-15", paid: 122656 },
  annotations: {},
  customerId: 7,
  proformaId: 5,
};

const consumerInvoice: InvoiceDocument = {
  ...invoice,
  id: 18,
  number: "FV/2026/03/18",
  buyer: {
    name: "Jan Kowalski",
    pesel: "44051401359",
    address: { street: "ul. Kwiatowa 7 m. 2", postcode: "31-072", city: "Kraków", country: "PL" },
    email: "jan@kowalski.example",
  },
  lines: [domainLine],
  vatBreakdown: [{ rate: "23", net: 9900, vat: 2277, gross: 12177 }],
  net: 9900,
  vat: 2277,
  gross: 12177,
  amountInWords: "sto dwadzieścia jeden złotych 77/100",
  payment: { method: "online", paidAt: "2026-03-15", paid: 12177 },
};

const reverseChargeInvoice: InvoiceDocument = {
  ...invoice,
  id: 19,
  number: "FV/2026/03/19",
  buyer: {
    name: "Müller Webdesign GmbH",
    euVat: { country: "DE", number: "811569869" },
    address: { street: "Friedrichstraße 10", postcode: "10117", city: "Berlin", country: "DE" },
  },
  lines: [{ ...sslLine, position: 1, vatRate: "np II", vat: 0, gross: 89820 }],
  vatBreakdown: [{ rate: "np II", net: 89820, vat: 0, gross: 89820 }],
  net: 89820,
  vat: 0,
  gross: 89820,
  amountInWords: "osiemset dziewięćdziesiąt osiem złotych 20/100",
  payment: { method: "transfer", paidAt: "2026-03-15", paid: 89820 },
  annotations: { reverseCharge: true },
};

// 100,00 € net, 23,00 € VAT; VAT in PLN at 4,2512 = 97,7776 → 97,78 zł.
const eurInvoice: InvoiceDocument = {
  ...invoice,
  id: 20,
  number: "FV/2026/03/20",
  currency: "EUR",
  exchangeRate: { rate: "4.2512", table: "050/A/NBP/2026", date: "2026-03-13" },
  lines: [{ ...domainLine, name: "Hosting WWW Pro", unitNet: 10000, net: 10000, vat: 2300, gross: 12300 }],
  vatBreakdown: [{ rate: "23", net: 10000, vat: 2300, gross: 12300, vatPln: 9778 }],
  net: 10000,
  vat: 2300,
  gross: 12300,
  amountInWords: "sto dwadzieścia trzy euro 00/100",
  payment: { method: "transfer", paidAt: "2026-03-15", paid: 12300 },
};

// One certificate of the two returned: the correction carries the lines before and after (rows
// 2p−1 and 2p for line p, as corrections number them) and the differences.
const correction: InvoiceDocument = {
  ...invoice,
  kind: "KOR",
  id: 21,
  number: "KOR/2026/03/2",
  issueDate: "2026-03-20",
  lines: [
    { ...sslLine, position: 1, discount: 0, net: 99800, vat: 22954, gross: 122754, state: "before" },
    {
      ...sslLine,
      position: 2,
      quantity: 1,
      discount: 0,
      net: 49900,
      vat: 11477,
      gross: 61377,
      state: "after",
    },
  ],
  vatBreakdown: [{ rate: "23", net: -49900, vat: -11477, gross: -61377 }],
  net: -49900,
  vat: -11477,
  gross: -61377,
  amountInWords: "minus sześćset trzynaście złotych 77/100",
  payment: {},
  corrected: {
    id: 17,
    number: "FV/2026/03/17",
    issueDate: "2026-03-16",
    reason: "Zwrot jednego certyfikatu SSL",
  },
};

const SELLER_FIELDS = [
  "Żółw Hosting Sp. z o.o.",
  "ul. Świętokrzyska 12",
  "00-916 Warszawa",
  "NIP: 5260250274",
  "faktury@zolw.example",
];
const BUYER_FIELDS = ["Łąka Software S.A.", "ul. Długa 5", "80-827 Gdańsk", "NIP: 7740001454"];

function expectAll(text: string, needles: string[]): void {
  const missing = needles.filter((n) => !text.includes(n));
  expect(missing, `missing from the PDF text:\n${text}`).toEqual([]);
}

describe("proforma PDF", () => {
  it("prints the seller, buyer, payer, lines, VAT, amount due, account, transfer title and the not-a-VAT-invoice note", async () => {
    const pdf = await renderProformaPdf(proforma, {
      amountInWords: "jeden tysiąc dwieście dwadzieścia sześć złotych 56/100",
    });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const text = await pdfText(pdf);
    expectAll(text, [
      "PROFORMA",
      "nr PRO/2026/03/5",
      "Data wystawienia: 2026-03-14",
      "Termin płatności: 2026-03-28",
      ...SELLER_FIELDS,
      ...BUYER_FIELDS,
      "PŁATNIK",
      "Fundacja Źródło",
      "NIP: 5213017228",
      "Rejestracja domeny łąka.pl",
      "Zażółć gęślą jaźń – certyfikat SSL",
      "okres usługi: 2026-03-15 – 2027-03-14",
      "2 usł.",
      "499,00",
      "99,80",
      "898,20",
      "23%",
      "206,59",
      "1 104,79",
      "997,20 zł",
      "229,36 zł",
      "Do zapłaty: 1 226,56 zł",
      "Słownie: jeden tysiąc dwieście dwadzieścia sześć złotych 56/100",
      "Numer rachunku: 61 1090 1014 0000 0712 1981 2874",
      "Santander Bank Polska",
      "Tytuł przelewu: PRO/2026/03/5 Łąka Software",
      "Proforma nie jest fakturą VAT",
    ]);
  });

  it("shows what was paid and what is left, and marks a cancelled proforma", async () => {
    const text = await pdfText(await renderProformaPdf({ ...proforma, paid: 20000, status: "cancelled" }));
    expectAll(text, ["Wpłacono: 200,00 zł", "Pozostało do zapłaty: 1 026,56 zł", "ANULOWANA"]);
  });
});

describe("VAT invoice PDF", () => {
  it("prints every art. 106e field of a company invoice", async () => {
    const text = await pdfText(await renderInvoicePdf(invoice, { mode: "original" }));
    expectAll(text, [
      "FAKTURA VAT",
      "nr FV/2026/03/17",
      "ORYGINAŁ",
      "Data wystawienia: 2026-03-16",
      "Miejsce wystawienia: Warszawa",
      "Data dostawy / wykonania usługi: 2026-03-15",
      ...SELLER_FIELDS,
      ...BUYER_FIELDS,
      "Zażółć gęślą jaźń – certyfikat SSL",
      "Rejestracja domeny łąka.pl",
      "okres usługi: 2026-03-15 – 2027-03-14",
      "1 usł.",
      "99,00",
      "22,77",
      "121,77",
      "23%",
      "997,20 zł",
      "229,36 zł",
      "1 226,56 zł",
      "Razem do zapłaty: 1 226,56 zł",
      "Słownie: jeden tysiąc dwieście dwadzieścia sześć złotych 56/100",
      "Sposób płatności: przelew",
      "Zapłacono: 1 226,56 zł",
      "Data zapłaty: 2026-03-15",
      "Pozostało do zapłaty: 0,00 zł",
    ]);
    expect(text).not.toContain("Proforma nie jest");
    expect(text).not.toContain("odwrotne obciążenie");
  });

  it("prints a consumer invoice without a NIP and never prints the PESEL", async () => {
    const text = await pdfText(await renderInvoicePdf(consumerInvoice));
    expectAll(text, [
      "Jan Kowalski",
      "ul. Kwiatowa 7 m. 2",
      "31-072 Kraków",
      "Razem do zapłaty: 121,77 zł",
      "ORYGINAŁ",
    ]);
    expect(text).not.toContain("44051401359");
    expect(text.match(/NIP:/g)).toHaveLength(1); // the seller's only
  });

  it("prints the EU buyer's VAT number, the np rate and the reverse-charge annotation", async () => {
    const text = await pdfText(await renderInvoicePdf(reverseChargeInvoice));
    expectAll(text, [
      "Müller Webdesign GmbH",
      "Friedrichstraße 10",
      "10117 Berlin",
      "Niemcy",
      "NIP UE: DE811569869",
      "np.",
      "np. (odwrotne obciążenie)",
      "odwrotne obciążenie",
      "art. 28b",
      "898,20 zł",
      "0,00 zł",
    ]);
  });

  it("prints an EUR invoice with the NBP rate, its table and date, and the VAT in PLN", async () => {
    const text = await pdfText(await renderInvoicePdf(eurInvoice));
    expectAll(text, [
      "Waluta: EUR",
      "Kurs EUR/PLN: 4,2512 (tabela NBP nr 050/A/NBP/2026 z dnia 2026-03-13)",
      "100,00 €",
      "23,00 €",
      "123,00 €",
      "Kwota VAT w PLN",
      "97,78 zł",
      "Kwota podatku VAT w PLN: 97,78 zł",
      "sto dwadzieścia trzy euro 00/100",
    ]);
  });

  it("prints a correction with the corrected invoice, the reason, lines before and after and the differences", async () => {
    const text = await pdfText(await renderInvoicePdf(correction));
    expectAll(text, [
      "FAKTURA KORYGUJĄCA",
      "nr KOR/2026/03/2",
      "Data wystawienia: 2026-03-20",
      "Faktura korygowana: nr FV/2026/03/17 z dnia 2026-03-16",
      "Przyczyna korekty: Zwrot jednego certyfikatu SSL",
      "Przed korektą",
      "Razem przed korektą",
      "1 227,54",
      "Po korekcie",
      "Razem po korekcie",
      "613,77",
      "Różnica według stawek VAT",
      "-499,00 zł",
      "-114,77 zł",
      "Kwota korekty brutto: -613,77 zł",
      "Do zwrotu nabywcy: 613,77 zł",
      "Słownie: minus sześćset trzynaście złotych 77/100",
      ...SELLER_FIELDS,
      ...BUYER_FIELDS,
    ]);
    expect(text.indexOf("Przed korektą")).toBeLessThan(text.indexOf("Po korekcie"));
  });

  it("marks a duplicate as DUPLIKAT with its own issue date, and a copy as KOPIA", async () => {
    const duplicate = await pdfText(
      await renderInvoicePdf(invoice, { mode: "duplicate", issuedOn: "2026-04-02" }),
    );
    expectAll(duplicate, [
      "DUPLIKAT",
      "Data wystawienia duplikatu: 2026-04-02",
      "Data wystawienia: 2026-03-16",
      "nr FV/2026/03/17",
      "Razem do zapłaty: 1 226,56 zł",
    ]);
    expect(duplicate).not.toContain("ORYGINAŁ");
    const copy = await pdfText(await renderInvoicePdf(invoice, { mode: "copy" }));
    expectAll(copy, ["KOPIA", "nr FV/2026/03/17", "Razem do zapłaty: 1 226,56 zł"]);
    expect(copy).not.toContain("DUPLIKAT");
    expect(copy).not.toContain("ORYGINAŁ");
  });

  it("breaks a 60-line invoice over pages, with the totals once at the end and page numbers", async () => {
    const lines = Array.from({ length: 60 }, (_, i) => ({
      ...domainLine,
      position: i + 1,
      name: `Domena nr ${i + 1}`,
    }));
    const many: InvoiceDocument = {
      ...invoice,
      lines,
      vatBreakdown: [{ rate: "23", net: 594000, vat: 136620, gross: 730620 }],
      net: 594000,
      vat: 136620,
      gross: 730620,
    };
    const pdf = await renderInvoicePdf(many);
    const { pages } = await pageOneDrawing(pdf);
    expect(pages).toBeGreaterThanOrEqual(2);
    const text = await pdfText(pdf);
    expectAll(text, [
      "Domena nr 1 ",
      "Domena nr 60",
      `Strona ${pages} z ${pages}`,
      "Razem do zapłaty: 7 306,20 zł",
    ]);
    expect(text.match(/Razem do zapłaty/g)).toHaveLength(1);
  });
});

describe("logo, colours and files", () => {
  it("draws the partner's PNG or JPEG logo and uses the accent colour", async () => {
    for (const logoPath of [PNG_LOGO, JPEG_LOGO]) {
      const pdf = await renderInvoicePdf({
        ...invoice,
        seller: { ...seller, logoPath, accentColor: "#1A7F37" },
      });
      const drawing = await pageOneDrawing(pdf);
      expect(drawing.images).toBe(1);
      expect(drawing.colours).toContain("#1a7f37");
      expect(drawing.colours).not.toContain("#c0392b");
    }
    const plain = await renderProformaPdf({
      ...proforma,
      seller: { ...seller, logoPath: undefined, accentColor: undefined },
    });
    const drawing = await pageOneDrawing(plain);
    expect(drawing.images).toBe(0);
    expect(drawing.colours).toContain("#1f4e79"); // the default accent
    expect(await pdfText(plain)).toContain("Żółw Hosting Sp. z o.o."); // the name stands in for the logo
  });

  it("refuses a missing logo with an error naming the file, and a logo that is no PNG or JPEG", async () => {
    const missing = join(ASSETS, "no-such-logo.png");
    const err = await renderInvoicePdf({ ...invoice, seller: { ...seller, logoPath: missing } }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(BillingNotFoundError);
    expect(err.message).toContain(missing);
    expect(err.message).toContain("seller.logoPath");
    const notImage = join(tmpdir(), `hrdkit-logo-${process.pid}.png`);
    await writeFile(notImage, "GIF89a not really");
    await expect(
      renderProformaPdf({ ...proforma, seller: { ...seller, logoPath: notImage } }),
    ).rejects.toThrow(/neither a PNG nor a JPEG/);
  });

  it("lets pdfmake read no local file but the document's logo", async () => {
    const content = [{ image: PNG_LOGO }];
    await expect(renderPdf({ content })).rejects.toThrow(/Access to local file denied/);
    await expect(renderPdf({ content }, { path: JPEG_LOGO, format: "jpeg" })).rejects.toThrow(
      /Access to local file denied/,
    );
    expect((await renderPdf({ content }, { path: PNG_LOGO, format: "png" })).subarray(0, 5).toString()).toBe(
      "%PDF-",
    );
  });

  it("gives the same bytes for the same document (the PDF's date is the document's)", async () => {
    const a = await renderInvoicePdf(invoice);
    const b = await renderInvoicePdf(invoice);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(await renderInvoicePdf(invoice, { mode: "copy" }))).toBe(false);
  });

  it("names files in ASCII without slashes", () => {
    expect(documentFileName(invoice)).toBe("faktura-FV-2026-03-17.pdf");
    expect(documentFileName(correction)).toBe("korekta-KOR-2026-03-2.pdf");
    expect(documentFileName({ kind: "proforma", number: "PRO/Łódź/5" })).toBe("proforma-PRO-Lodz-5.pdf");
  });

  it("refuses a bad document naming every bad field, and renders nothing", async () => {
    const bad = {
      ...invoice,
      net: 12.5,
      issueDate: "16.03.2026",
      seller: { ...seller, accentColor: "red" },
      lines: [],
    } as InvoiceDocument;
    const err = await renderInvoicePdf(bad, { mode: "duplicate" } as never).catch((e) => e);
    expect(err).toBeInstanceOf(BillingValidationError);
    expect(err.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      "doc.issueDate",
      "doc.lines",
      "doc.net",
      "doc.seller.accentColor",
      "mode.issuedOn",
    ]);
    await expect(renderInvoicePdf({ ...correction, corrected: undefined })).rejects.toThrow(/doc\.corrected/);
  });
});
