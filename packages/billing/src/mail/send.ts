/**
 * E-mailing documents with their PDF, from the partner's address, through SMTP (nodemailer).
 * Every message is an outbound_messages row: written `pending` before the SMTP conversation, then
 * `sent` with the server's message id or `failed` with the error, `attempts` counting the tries.
 * A failure is recorded and returned, never lost; `resendMessage` sends the stored message again.
 * Sending happens outside any database transaction (a retried transaction must not send twice).
 */
import { createTransport } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import { z } from "zod";
import { type Db, sqlState } from "../db/db.js";
import type { InvoiceDocument, ProformaDocument } from "../documents/types.js";
import { BillingConflictError, BillingNotFoundError, BillingValidationError } from "../errors.js";
import { invoiceSchema, proformaSchema } from "../render/schema.js";
import { parseInput } from "../validate.js";
import { composeDocumentMail, type DocumentMailKind } from "./compose.js";

/** A message as nodemailer takes it (the part of its options billing uses). */
export interface OutgoingMail {
  from: { name: string; address: string };
  to: string;
  subject: string;
  text: string;
  attachments: { filename: string; content: Buffer; contentType: string }[];
}

/** Anything that sends like a nodemailer transporter (`nodemailer.createTransport(…)`). */
export interface MailTransporter {
  sendMail(mail: OutgoingMail): Promise<{ messageId?: string; response?: string }>;
}

/** nodemailer SMTP options (`host`, `port`, `secure`, `auth`, timeouts…), passed through as given. */
export interface SmtpOptions {
  host: string;
  port?: number;
  secure?: boolean;
  auth?: { user: string; pass: string };
  [option: string]: unknown;
}

/** A transporter to reuse, or SMTP options: a transporter is then made for the send and closed after. */
export type MailTransport = MailTransporter | SmtpOptions;

export type OutboundStatus = "pending" | "sent" | "failed";

export interface OutboundMessage {
  id: number;
  channel: "email" | "sms" | "phone";
  documentKind: DocumentMailKind | null;
  documentId: number | null;
  customerId: number | null;
  recipient: string;
  sender: string | null;
  subject: string;
  status: OutboundStatus;
  attempts: number;
  lastError: string | null;
  /** The SMTP server's Message-ID of the sent message. */
  providerId: string | null;
  createdAt: Date;
  attemptedAt: Date | null;
  sentAt: Date | null;
}

export interface SendDocumentInput {
  kind: DocumentMailKind;
  documentId: number;
  document: ProformaDocument | InvoiceDocument;
  /** The rendered PDF (renderProformaPdf / renderInvoicePdf), attached as `faktura-FV-….pdf` etc. */
  pdf: Buffer;
  /** Default: a proforma's payer's e-mail, else the buyer's. */
  to?: string;
  transport: MailTransport;
}

export interface ResendOptions {
  /** The PDF again (documents are not stored as files): render it from the document. */
  pdf: Buffer;
  transport: MailTransport;
  /** Another address (e.g. the first one bounced); recorded as the message's recipient. */
  to?: string;
}

/** A `pending` message whose attempt started longer ago than this was cut off and may be resent. */
export const STALE_ATTEMPT_MINUTES = 15;

const pdfSchema = z.custom<Buffer>(
  (v) => Buffer.isBuffer(v) && v.subarray(0, 5).toString("latin1") === "%PDF-",
  "must be a PDF (a Buffer starting with %PDF-)",
);
const transportSchema = z.custom<MailTransport>(
  (v) =>
    typeof v === "object" &&
    v !== null &&
    (typeof (v as { sendMail?: unknown }).sendMail === "function" ||
      typeof (v as { host?: unknown }).host === "string"),
  "must be a nodemailer transporter or SMTP options with a host",
);
const email = z.string().trim().email("must be an e-mail address");
const KIND_OF = { proforma: "proforma", invoice: "VAT", correction: "KOR" } as const;

// The document is checked as the kind of document the call names, so errors point into it.
const sendSchemaFor = (kind: unknown) =>
  z.object({
    kind: z.enum(["proforma", "invoice", "correction"]),
    documentId: z.number().int().positive(),
    document: kind === "proforma" ? proformaSchema : invoiceSchema,
    pdf: pdfSchema,
    to: email.optional(),
    transport: transportSchema,
  });

/** The input's fields, and whether the document is the one named (all issues at once, nothing sent). */
function parseSend(input: SendDocumentInput): z.output<ReturnType<typeof sendSchemaFor>> {
  const r = sendSchemaFor((input as Partial<SendDocumentInput> | undefined)?.kind).safeParse(input);
  const issues = r.success
    ? []
    : r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  const raw = input as Partial<SendDocumentInput> | undefined;
  const expected = raw?.kind ? KIND_OF[raw.kind] : undefined;
  const doc = raw?.document as { kind?: unknown; id?: unknown } | undefined;
  if (expected && doc && doc.kind !== expected && !issues.some((i) => i.path === "document.kind")) {
    issues.push({
      path: "document.kind",
      message: `a ${raw?.kind} is sent with a document of kind ${expected}, got ${String(doc.kind)}`,
    });
  }
  if (doc && typeof raw?.documentId === "number" && doc.id !== raw.documentId) {
    issues.push({ path: "documentId", message: `is not the document's id (${String(doc.id)})` });
  }
  if (issues.length > 0 || !r.success) throw new BillingValidationError("sendDocument", issues);
  return r.data;
}

const resendSchema = z.object({
  messageId: z.number().int().positive(),
  pdf: pdfSchema,
  transport: transportSchema,
  to: email.optional(),
});

interface MessageRow {
  id: number;
  channel: OutboundMessage["channel"];
  document_kind: DocumentMailKind | null;
  document_id: number | null;
  customer_id: number | null;
  recipient: string;
  sender: string | null;
  sender_name: string | null;
  subject: string;
  body: string | null;
  attachment_name: string | null;
  status: OutboundStatus;
  attempts: number;
  last_error: string | null;
  provider_id: string | null;
  created_at: Date;
  attempted_at: Date | null;
  sent_at: Date | null;
}

const toMessage = (r: MessageRow): OutboundMessage => ({
  id: r.id,
  channel: r.channel,
  documentKind: r.document_kind,
  documentId: r.document_id,
  customerId: r.customer_id,
  recipient: r.recipient,
  sender: r.sender,
  subject: r.subject,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  providerId: r.provider_id,
  createdAt: r.created_at,
  attemptedAt: r.attempted_at,
  sentAt: r.sent_at,
});

/**
 * E-mails a proforma, invoice or correction with its PDF from the seller's address, recording the
 * message. Resolves with the recorded message: `sent`, or `failed` with `lastError` (an SMTP
 * failure is not thrown; resend it with resendMessage). Throws only for a bad call (nothing recorded).
 */
export async function sendDocument(db: Db, input: SendDocumentInput): Promise<OutboundMessage> {
  const v = parseSend(input);
  const doc = input.document;
  const recipient =
    v.to ?? (doc.kind === "proforma" ? (doc.payer?.email ?? doc.buyer.email) : doc.buyer.email);
  if (!recipient) {
    throw new BillingValidationError("sendDocument", [
      { path: "to", message: "no recipient: the document's buyer has no e-mail, so give `to`" },
    ]);
  }
  const mail = composeDocumentMail(v.kind, doc);
  let row: MessageRow;
  try {
    const { rows } = await db.query<MessageRow>(
      `INSERT INTO outbound_messages (channel, document_kind, document_id, customer_id, recipient, sender,
         sender_name, subject, body, attachment_name, status, attempts, attempted_at)
       VALUES ('email', $1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', 1, now())
       RETURNING *`,
      [
        v.kind,
        v.documentId,
        doc.customerId,
        recipient,
        doc.seller.email,
        doc.seller.name,
        mail.subject,
        mail.text,
        mail.attachmentName,
      ],
    );
    row = rows[0]!;
  } catch (err) {
    if (sqlState(err) === "23503") throw new BillingNotFoundError(`customer ${doc.customerId}`);
    throw err;
  }
  return deliver(db, row, v.pdf, v.transport);
}

/**
 * Sends a recorded message again (a `failed` one, or a `pending` one whose attempt was cut off more
 * than STALE_ATTEMPT_MINUTES ago) with the same sender, subject, body and attachment name.
 * Refuses a message that was sent (`already_sent`) or whose attempt is still in flight (`in_flight`).
 */
export async function resendMessage(
  db: Db,
  messageId: number,
  options: ResendOptions,
): Promise<OutboundMessage> {
  const v = parseInput("resendMessage", resendSchema, { messageId, ...options });
  const { rows } = await db.query<MessageRow>(
    `UPDATE outbound_messages
        SET attempts = attempts + 1, attempted_at = now(), status = 'pending', recipient = COALESCE($2, recipient)
      WHERE id = $1 AND channel = 'email' AND body IS NOT NULL AND sender IS NOT NULL
        AND (status = 'failed'
             OR (status = 'pending' AND (attempted_at IS NULL
                                         OR attempted_at < now() - make_interval(mins => $3))))
      RETURNING *`,
    [v.messageId, v.to ?? null, STALE_ATTEMPT_MINUTES],
  );
  if (rows[0]) return deliver(db, rows[0], v.pdf, v.transport);

  const found = await db.query<MessageRow>("SELECT * FROM outbound_messages WHERE id = $1", [v.messageId]);
  const m = found.rows[0];
  if (!m) throw new BillingNotFoundError(`outbound message ${v.messageId}`);
  if (m.status === "sent") {
    throw new BillingConflictError(
      `message ${m.id} was already sent to ${m.recipient} on ${m.sent_at?.toISOString()}`,
      "already_sent",
    );
  }
  if (m.channel !== "email" || m.body === null || m.sender === null) {
    throw new BillingConflictError(
      `message ${m.id} is not an e-mail composed by sendDocument, so there is nothing to resend`,
      "not_resendable",
    );
  }
  throw new BillingConflictError(
    `message ${m.id} is being sent right now (attempt started ${m.attempted_at?.toISOString()}); ` +
      `it can be resent if it is still pending ${STALE_ATTEMPT_MINUTES} minutes after that`,
    "in_flight",
  );
}

/** Messages not sent yet, oldest first: `failed` ones and `pending` ones (possibly in flight). */
export async function pendingMessages(db: Db, options: { limit?: number } = {}): Promise<OutboundMessage[]> {
  const { limit } = parseInput(
    "pendingMessages",
    z.object({ limit: z.number().int().positive().max(10_000).optional() }),
    options,
  );
  const { rows } = await db.query<MessageRow>(
    `SELECT * FROM outbound_messages WHERE status IN ('pending', 'failed') ORDER BY id LIMIT $1`,
    [limit ?? 1000],
  );
  return rows.map(toMessage);
}

/** One SMTP attempt of a claimed (pending, attempts already counted) message; records the outcome. */
async function deliver(
  db: Db,
  row: MessageRow,
  pdf: Buffer,
  transport: MailTransport,
): Promise<OutboundMessage> {
  const own = typeof (transport as MailTransporter).sendMail === "function";
  const transporter = own
    ? (transport as MailTransporter)
    : createTransport(transport as SMTPTransport.Options);
  let outcome: { providerId: string | null } | { error: string };
  try {
    const info = await transporter.sendMail({
      from: { name: row.sender_name ?? row.sender!, address: row.sender! },
      to: row.recipient,
      subject: row.subject,
      text: row.body!,
      attachments: [
        { filename: row.attachment_name ?? "dokument.pdf", content: pdf, contentType: "application/pdf" },
      ],
    });
    outcome = { providerId: info.messageId ?? null };
  } catch (err) {
    outcome = { error: describe(err) };
  } finally {
    if (!own) (transporter as { close?: () => void }).close?.();
  }
  const { rows } =
    "error" in outcome
      ? await db.query<MessageRow>(
          "UPDATE outbound_messages SET status = 'failed', last_error = $2 WHERE id = $1 RETURNING *",
          [row.id, outcome.error],
        )
      : await db.query<MessageRow>(
          `UPDATE outbound_messages SET status = 'sent', provider_id = $2, last_error = NULL, sent_at = now()
            WHERE id = $1 RETURNING *`,
          [row.id, outcome.providerId],
        );
  return toMessage(rows[0]!);
}

function describe(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown; responseCode?: unknown };
  const message = typeof e?.message === "string" ? e.message : String(err);
  const code = typeof e?.code === "string" ? `${e.code}: ` : "";
  return `${code}${message}`.slice(0, 2000);
}
