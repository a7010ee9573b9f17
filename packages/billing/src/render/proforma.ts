import type { Content } from "pdfmake/interfaces.js";
import { z } from "zod";
import type { ProformaDocument } from "../documents/types.js";
import { parseInput } from "../validate.js";
import { checkLogo, renderPdf } from "./engine.js";
import { amount, bankAccount } from "./format.js";
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
  vatSummary,
} from "./layout.js";
import { proformaSchema } from "./schema.js";

export interface ProformaRenderOptions {
  /**
   * "Słownie: …" under the amount due. A proforma view carries no amount in words (invoices do):
   * pass the words for `gross − paid` to print them.
   */
  amountInWords?: string;
}

const inputSchema = z.object({
  doc: proformaSchema,
  options: z.object({ amountInWords: z.string().trim().min(1).optional() }).optional(),
});

const STATUS_MARKS: Record<ProformaDocument["status"], string | undefined> = {
  issued: undefined,
  paid: "OPŁACONA",
  cancelled: "ANULOWANA",
  expired: "PRZETERMINOWANA",
};

/**
 * The PDF of a proforma: seller, buyer and payer, lines, VAT per rate, the amount due with the
 * bank account, due date and transfer title, and the note that a proforma is not a VAT invoice.
 */
export async function renderProformaPdf(
  doc: ProformaDocument,
  options?: ProformaRenderOptions,
): Promise<Buffer> {
  parseInput("renderProformaPdf", inputSchema, { doc, options });
  const accent = doc.seller.accentColor ?? DEFAULT_ACCENT;
  const frame: Frame = { accent, currency: doc.currency };
  const logo = doc.seller.logoPath ? await checkLogo(doc.seller.logoPath) : undefined;
  const toPay = doc.gross - doc.paid;
  const mark = STATUS_MARKS[doc.status];

  const blocks: Content[] = [party("Sprzedawca", doc.seller, accent), party("Nabywca", doc.buyer, accent)];
  if (doc.payer) blocks.push(party("Płatnik", doc.payer, accent));

  const payment: [string, string | undefined][] = [
    ["Termin płatności", doc.dueDate],
    ["Sposób płatności", "przelew"],
    ["Numer rachunku", bankAccount(doc.bankAccount)],
    ["Bank", doc.seller.bankName],
    ["Tytuł przelewu", doc.transferTitle],
  ];
  if (doc.paid !== 0) {
    payment.push(["Wpłacono", amount(doc.paid, doc.currency)]);
  }

  const content: Content[] = [
    header(doc.seller, logo, accent, "PROFORMA", doc.number, mark ? [mark] : []),
    facts([
      ["Data wystawienia", doc.issueDate],
      ["Miejsce wystawienia", doc.seller.place],
      ["Termin płatności", doc.dueDate],
      ["Waluta", doc.currency],
    ]),
    rule(accent),
    parties(blocks),
    sectionTitle("Pozycje", accent, 14),
    linesTable(doc.lines, frame),
    vatSummary(doc.vatBreakdown, frame, doc),
    due(
      doc.paid === 0 ? "Do zapłaty" : "Pozostało do zapłaty",
      amount(toPay, doc.currency),
      accent,
      options?.amountInWords,
    ),
    sectionTitle("Płatność", accent, 12),
    facts(payment, "left"),
    box(
      [
        { text: "Proforma nie jest fakturą VAT.", bold: true },
        {
          text:
            "Jest wezwaniem do zapłaty. Fakturę VAT wystawimy po zaksięgowaniu wpłaty; " +
            "w tytule przelewu prosimy podać numer proformy.",
        },
      ],
      accent,
    ),
  ];

  return renderPdf(
    definition({
      title: `Proforma ${doc.number}`,
      author: doc.seller.name,
      date: doc.issueDate,
      footerLabel: `Proforma ${doc.number} · ${doc.seller.name}`,
      content,
    }),
    logo,
  );
}
