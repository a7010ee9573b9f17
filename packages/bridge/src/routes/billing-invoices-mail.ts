/**
 * E-mailing an invoice or correction to the customer again, through billing's `sendDocument`
 * (which records every message in outbound_messages, sent or failed). The bridge only brings the
 * SMTP transport (HRDKIT_SMTP_URL) and, when set, the From address (HRDKIT_MAIL_FROM).
 */
import {
  type InvoiceDocument,
  type MailTransport,
  type OutboundMessage,
  type RenderMode,
  renderInvoicePdf,
  sendDocument,
} from "@hrdkit/billing";
import { BridgeError } from "../errors.js";

/** What the bridge sends e-mail with (BridgeContext.mail). */
export interface MailSetup {
  /** SMTP options (billing makes a connection per message and closes it). */
  transport: MailTransport;
  /**
   * HRDKIT_MAIL_FROM: the From address instead of the seller's e-mail (e.g. the sender an SMTP
   * relay has verified); the display name stays the seller's.
   */
  from?: string;
}

/**
 * Sends the document's PDF to `to` (default: the buyer's e-mail on the document). An SMTP failure
 * is recorded by billing as a `failed` message and answered 502 `mail_failed` (retryable): it is
 * not journaled, so the same Idempotency-Key tries again.
 */
export async function mailInvoice(
  db: Parameters<typeof sendDocument>[0],
  mail: MailSetup,
  doc: InvoiceDocument,
  options: { to?: string; mode: RenderMode },
): Promise<OutboundMessage> {
  const pdf = await renderInvoicePdf(doc, options.mode);
  // Billing sends from the document's seller e-mail (and signs with it); HRDKIT_MAIL_FROM replaces
  // that address for the message only — the PDF is rendered from the document as issued.
  const document: InvoiceDocument = mail.from ? { ...doc, seller: { ...doc.seller, email: mail.from } } : doc;
  const message = await sendDocument(db, {
    kind: doc.kind === "VAT" ? "invoice" : "correction",
    documentId: doc.id,
    document,
    pdf,
    ...(options.to === undefined ? {} : { to: options.to }),
    transport: mail.transport,
  });
  if (message.status === "failed") {
    throw new BridgeError(
      502,
      "mail_failed",
      `the e-mail to ${message.recipient} was not sent (${message.lastError ?? "unknown error"}); ` +
        `it is recorded as failed message ${message.id}: send the request again to retry`,
      true,
    );
  }
  return message;
}
