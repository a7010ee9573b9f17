import type { Content } from "pdfmake/interfaces.js";
import { z } from "zod";
import type { InvoiceDocument, RenderMode } from "../documents/types.js";
import { parseInput } from "../validate.js";
import { checkLogo, renderPdf } from "./engine.js";
import { amount, exchangeRate } from "./format.js";
import {
  box,
  DEFAULT_ACCENT,
  definition,
  due,
  type Frame,
  facts,
  header,
  linesTable,
  parties,
  party,
  rule,
  sectionTitle,
  vatPlnTotal,
  vatSummary,
} from "./layout.js";
import { invoiceSchema, renderModeSchema } from "./schema.js";

const inputSchema = z.object({ doc: invoiceSchema, mode: renderModeSchema });

const MODE_MARKS: Record<RenderMode["mode"], string> = {
  original: "ORYGINAŁ",
  copy: "KOPIA",
  duplicate: "DUPLIKAT",
};

const PAYMENT_METHODS: Record<string, string> = {
  transfer: "przelew",
  bank_transfer: "przelew",
  online: "płatność online",
  card: "karta płatnicza",
  cash: "gotówka",
  balance: "z salda klienta",
  refund: "zwrot",
};

/**
 * The PDF of a VAT invoice (`kind: "VAT"`) or a correction (`kind: "KOR"`), as the original, a
 * copy ("KOPIA") or a duplicate ("DUPLIKAT" with the duplicate's own issue date, art. 106l).
 * Everything art. 106e asks for is printed: dates, number, parties with tax ids, lines, VAT per
 * rate, totals, annotations (reverse charge, exemption, split payment), EUR rate and VAT in PLN.
 * A correction shows the corrected invoice, the reason, the lines before and after and the differences.
 */
export async function renderInvoicePdf(
  doc: InvoiceDocument,
  mode: RenderMode = { mode: "original" },
): Promise<Buffer> {
  parseInput("renderInvoicePdf", inputSchema, { doc, mode });
  const accent = doc.seller.accentColor ?? DEFAULT_ACCENT;
  const frame: Frame = { accent, currency: doc.currency };
  const logo = doc.seller.logoPath ? await checkLogo(doc.seller.logoPath) : undefined;
  const correction = doc.kind === "KOR";
  const title = correction ? "FAKTURA KORYGUJĄCA" : "FAKTURA VAT";

  const rate = doc.exchangeRate;
  const content: Content[] = [
    header(doc.seller, logo, accent, title, doc.number, [MODE_MARKS[mode.mode]]),
    facts([
      ["Data wystawienia", doc.issueDate],
      ["Data wystawienia duplikatu", mode.mode === "duplicate" ? mode.issuedOn : undefined],
      ["Miejsce wystawienia", doc.place ?? doc.seller.place],
      ["Data dostawy / wykonania usługi", doc.saleDate],
      ["Waluta", doc.currency],
      [
        `Kurs ${doc.currency}/PLN`,
        rate ? `${exchangeRate(rate.rate)} (tabela NBP nr ${rate.table} z dnia ${rate.date})` : undefined,
      ],
    ]),
    rule(accent),
    parties([party("Sprzedawca", doc.seller, accent), party("Nabywca", doc.buyer, accent)]),
  ];

  if (correction && doc.corrected) {
    content.push(
      box(
        [
          {
            text: [
              { text: "Faktura korygowana: ", bold: true },
              `nr ${doc.corrected.number} z dnia ${doc.corrected.issueDate}`,
            ],
          },
          { text: [{ text: "Przyczyna korekty: ", bold: true }, doc.corrected.reason] },
        ],
        accent,
      ),
    );
    // Each table numbers its rows 1…n, so row k before the correction faces row k after it
    // (the stored positions only have to be unique within the document).
    const rows = (state?: "before" | "after") =>
      doc.lines.filter((l) => l.state === state).map((l, i) => ({ ...l, position: i + 1 }));
    const before = rows("before");
    const after = rows("after");
    const other = rows(undefined);
    if (before.length > 0) {
      content.push(
        sectionTitle("Przed korektą", accent, 12),
        linesTable(before, frame, "Razem przed korektą"),
      );
    }
    if (after.length > 0) {
      content.push(sectionTitle("Po korekcie", accent, 12), linesTable(after, frame, "Razem po korekcie"));
    }
    if (other.length > 0) {
      content.push(
        sectionTitle("Pozycje korekty (różnice)", accent, 12),
        linesTable(other, frame, "Razem różnica"),
      );
    }
    content.push(
      sectionTitle("Różnica według stawek VAT", accent, 12),
      vatSummary(doc.vatBreakdown, frame, doc),
      due("Kwota korekty brutto", amount(doc.gross, doc.currency), accent, doc.amountInWords),
    );
    if (doc.gross < 0) content.push(due("Do zwrotu nabywcy", amount(-doc.gross, doc.currency), accent));
    else if (doc.gross > 0) content.push(due("Do zapłaty", amount(doc.gross, doc.currency), accent));
  } else {
    content.push(
      sectionTitle("Pozycje", accent, 14),
      linesTable(doc.lines, frame),
      vatSummary(doc.vatBreakdown, frame, doc),
      due("Razem do zapłaty", amount(doc.gross, doc.currency), accent, doc.amountInWords),
    );
  }
  if (doc.currency !== "PLN" && doc.vatBreakdown.some((g) => g.vatPln !== undefined)) {
    content.push({
      text: `Kwota podatku VAT w PLN: ${amount(vatPlnTotal(doc.vatBreakdown), "PLN")}`,
      alignment: "right",
      bold: true,
      margin: [0, 3, 0, 0],
    });
  }

  const paid = doc.payment.paid;
  const method = doc.payment.method;
  const payment: [string, string | undefined][] = [
    ["Sposób płatności", method ? (PAYMENT_METHODS[method] ?? method) : undefined],
    ["Zapłacono", paid !== undefined ? amount(paid, doc.currency) : undefined],
    ["Data zapłaty", doc.payment.paidAt],
    [
      "Pozostało do zapłaty",
      paid !== undefined && !correction ? amount(Math.max(doc.gross - paid, 0), doc.currency) : undefined,
    ],
  ];
  if (payment.some(([, v]) => v !== undefined)) {
    content.push(sectionTitle("Płatność", accent, 12), facts(payment, "left"));
  }

  const notes: Content[] = [];
  if (doc.annotations.reverseCharge) {
    notes.push({
      text: [
        { text: "odwrotne obciążenie", bold: true },
        " – usługa opodatkowana w kraju nabywcy (art. 28b ustawy o VAT); podatek rozlicza nabywca.",
      ],
    });
  }
  if (doc.annotations.splitPayment) notes.push({ text: "mechanizm podzielonej płatności", bold: true });
  if (doc.annotations.exemptionBasis) {
    // art. 106e ust. 1 pkt 19: the provision the exemption rests on
    notes.push({
      text: [
        { text: "Zwolnienie z VAT, podstawa prawna: ", bold: true },
        doc.annotations.exemptionBasis.provision,
      ],
    });
  }
  if (mode.mode === "duplicate") {
    notes.push({
      text: `DUPLIKAT faktury nr ${doc.number} z dnia ${doc.issueDate}, wystawiony dnia ${mode.issuedOn}.`,
    });
  }
  if (notes.length > 0) content.push(sectionTitle("Adnotacje", accent, 12), box(notes, accent));

  const label = correction ? "Faktura korygująca" : "Faktura VAT";
  return renderPdf(
    definition({
      title: `${label} ${doc.number}`,
      author: doc.seller.name,
      date: mode.mode === "duplicate" ? mode.issuedOn : doc.issueDate,
      footerLabel: `${label} ${doc.number} · ${MODE_MARKS[mode.mode].toLowerCase()} · ${doc.seller.name}`,
      content,
    }),
    logo,
  );
}
