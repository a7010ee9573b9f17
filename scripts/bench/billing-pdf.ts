// PDFs rendered per second: a 5-line and a 50-line VAT invoice (with the partner's logo), and a
// proforma. Baseline in the same run: a one-paragraph pdfmake document through the same engine
// (same fonts, same singleton) — the cost every PDF pays whatever it shows.
// `npx tsx scripts/bench/billing-pdf.ts`
import { fileURLToPath } from "node:url";
import type {
  InvoiceDocument,
  ProformaDocument,
  SellerSettings,
} from "../../packages/billing/src/documents/types.js";
import { renderPdf } from "../../packages/billing/src/render/engine.js";
import { renderInvoicePdf, renderProformaPdf } from "../../packages/billing/src/render/index.js";

export interface PdfBenchRow {
  document: string;
  lines: number;
  pages: number;
  "size KB": number;
  renders: number;
  "PDFs/s": number;
  "baseline PDFs/s": number;
  "time ÷ baseline": number;
  "CPU ms/PDF": number;
  "baseline CPU ms/PDF": number;
}

export interface PdfBenchOptions {
  /** Renders timed per document (and for the baseline); default 60. */
  iterations?: number;
}

const seller: SellerSettings = {
  name: "Żółw Hosting Sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Świętokrzyska 12", postcode: "00-916", city: "Warszawa", country: "PL" },
  bankAccount: "61109010140000071219812874",
  bankName: "Santander Bank Polska",
  email: "faktury@zolw.example",
  place: "Warszawa",
  logoPath: fileURLToPath(new URL("../../packages/billing/assets/test-logo.png", import.meta.url)),
  accentColor: "#c0392b",
};

function invoiceWith(lineCount: number): InvoiceDocument {
  const lines = Array.from({ length: lineCount }, (_, i) => ({
    position: i + 1,
    name: `Odnowienie domeny przykład-${i + 1}.pl`,
    quantity: 1,
    unitNet: 9900,
    discount: 0,
    net: 9900,
    vatRate: "23",
    vat: 2277,
    gross: 12177,
    serviceFrom: "2026-03-15",
    serviceTo: "2027-03-14",
  }));
  const net = 9900 * lineCount;
  const vat = Math.round((net * 23) / 100);
  return {
    kind: "VAT",
    id: lineCount,
    number: `FV/2026/03/${lineCount}`,
    issueDate: "2026-03-16",
    saleDate: "2026-03-15",
    currency: "PLN",
    seller,
    buyer: {
      name: "Łąka Software S.A.",
      nip: "7740001454",
      address: { street: "ul. Długa 5", postcode: "80-827", city: "Gdańsk", country: "PL" },
    },
    lines,
    vatBreakdown: [{ rate: "23", net, vat, gross: net + vat }],
    net,
    vat,
    gross: net + vat,
    amountInWords: "słownie",
    payment: { method: "transfer", paid: net + vat, paidAt: "2026-03-15" },
    annotations: {},
    customerId: 1,
  };
}

function proformaWith(lineCount: number): ProformaDocument {
  const inv = invoiceWith(lineCount);
  return {
    kind: "proforma",
    id: 1,
    number: "PRO/2026/03/1",
    origin: "renewal",
    status: "issued",
    issueDate: "2026-03-14",
    dueDate: "2026-03-28",
    currency: "PLN",
    seller,
    buyer: inv.buyer,
    bankAccount: seller.bankAccount,
    transferTitle: "PRO/2026/03/1",
    lines: inv.lines,
    vatBreakdown: inv.vatBreakdown,
    net: inv.net,
    vat: inv.vat,
    gross: inv.gross,
    paid: 0,
    customerId: 1,
  };
}

/** Wall-clock and CPU milliseconds per render (CPU too: on a shared machine the wall clock waits for others). */
async function time(iterations: number, fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  for (let i = 0; i < 3; i++) await fn(); // warm-up: fonts, JIT
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  const used = process.cpuUsage(cpu);
  return {
    wall: Number(process.hrtime.bigint() - start) / 1e6 / iterations,
    cpu: (used.user + used.system) / 1000 / iterations,
  };
}

const pagesOf = (pdf: Buffer) => (pdf.toString("latin1").match(/\/Type \/Page\b/g) ?? []).length;

export async function benchBillingPdf(options: PdfBenchOptions = {}): Promise<PdfBenchRow[]> {
  const iterations = options.iterations ?? 60;
  const paragraph = {
    content: [{ text: "Zażółć gęślą jaźń. Jeden akapit tekstu, bez tabel i bez obrazków.", fontSize: 10 }],
  };
  const baseline = await time(iterations, () => renderPdf(paragraph));
  const cases: [string, number, () => Promise<Buffer>][] = [
    ["VAT invoice", 5, () => renderInvoicePdf(invoiceWith(5))],
    ["VAT invoice", 50, () => renderInvoicePdf(invoiceWith(50))],
    ["proforma", 5, () => renderProformaPdf(proformaWith(5))],
  ];
  const rows: PdfBenchRow[] = [];
  const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
  for (const [document, lines, render] of cases) {
    const sample = await render();
    const t = await time(iterations, render);
    rows.push({
      document,
      lines,
      pages: pagesOf(sample),
      "size KB": round(sample.length / 1024),
      renders: iterations,
      "PDFs/s": round(1000 / t.wall),
      "baseline PDFs/s": round(1000 / baseline.wall),
      "time ÷ baseline": round(t.wall / baseline.wall, 2),
      "CPU ms/PDF": round(t.cpu),
      "baseline CPU ms/PDF": round(baseline.cpu),
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await benchBillingPdf());
