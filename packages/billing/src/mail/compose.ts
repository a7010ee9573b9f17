/**
 * The Polish subject and body of a document's e-mail, with its number and amount. Plain text;
 * amounts with ordinary spaces (mail clients wrap subjects themselves).
 */
import type { InvoiceDocument, ProformaDocument, SellerSettings } from "../documents/types.js";
import { formatMoney, money } from "../money/money.js";
import { bankAccount } from "../render/format.js";
import { documentFileName } from "../render/names.js";

export type DocumentMailKind = "proforma" | "invoice" | "correction";

export interface ComposedMail {
  subject: string;
  text: string;
  attachmentName: string;
}

const show = (minor: number, currency: "PLN" | "EUR") =>
  formatMoney(money(minor, currency)).replace(/[\u00a0\u202f]/g, " ");

function signature(seller: SellerSettings): string {
  const lines = ["Z poważaniem", seller.name, seller.email];
  if (seller.phone) lines.push(`tel. ${seller.phone}`);
  return lines.join("\n");
}

export function composeDocumentMail(
  kind: DocumentMailKind,
  doc: ProformaDocument | InvoiceDocument,
): ComposedMail {
  const attachmentName = documentFileName(doc);
  if (doc.kind === "proforma") {
    const toPay = show(doc.gross - doc.paid, doc.currency);
    return {
      subject: `Proforma nr ${doc.number} – do zapłaty ${toPay}`,
      text: [
        "Dzień dobry,",
        "",
        `w załączniku przesyłamy proformę nr ${doc.number} z dnia ${doc.issueDate} na kwotę ${show(doc.gross, doc.currency)}.`,
        `Prosimy o wpłatę ${toPay} do dnia ${doc.dueDate} na rachunek ${bankAccount(doc.bankAccount)}` +
          `${doc.seller.bankName ? ` (${doc.seller.bankName})` : ""}, tytułem: ${doc.transferTitle}`,
        "",
        "Proforma nie jest fakturą VAT: fakturę wystawimy po zaksięgowaniu wpłaty.",
        "",
        signature(doc.seller),
        "",
      ].join("\n"),
      attachmentName,
    };
  }
  const gross = show(doc.gross, doc.currency);
  if (kind === "correction" && doc.corrected) {
    return {
      subject: `Faktura korygująca nr ${doc.number} do faktury ${doc.corrected.number} – ${gross}`,
      text: [
        "Dzień dobry,",
        "",
        `w załączniku przesyłamy fakturę korygującą nr ${doc.number} z dnia ${doc.issueDate} ` +
          `do faktury nr ${doc.corrected.number} z dnia ${doc.corrected.issueDate}.`,
        `Przyczyna korekty: ${doc.corrected.reason}`,
        `Kwota korekty brutto: ${gross}` +
          (doc.gross < 0 ? ` (do zwrotu: ${show(-doc.gross, doc.currency)})` : ""),
        "",
        signature(doc.seller),
        "",
      ].join("\n"),
      attachmentName,
    };
  }
  const paid = doc.payment.paid !== undefined && doc.payment.paid >= doc.gross;
  return {
    subject: `Faktura VAT nr ${doc.number} na kwotę ${gross}`,
    text: [
      "Dzień dobry,",
      "",
      `w załączniku przesyłamy fakturę VAT nr ${doc.number} z dnia ${doc.issueDate} na kwotę ${gross}.`,
      paid ? "Faktura została opłacona – dziękujemy." : "",
      "",
      signature(doc.seller),
      "",
    ]
      .filter((l, i, all) => !(l === "" && all[i - 1] === ""))
      .join("\n"),
    attachmentName,
  };
}
