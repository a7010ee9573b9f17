/**
 * The e-mail port over SMTP (nodemailer). The Message-ID is made from the notice's idempotency
 * key, so the message in a mailbox can be matched to its notice.
 *
 * SMTP cannot be asked afterwards whether a message arrived, so this port has no `lookup`, and
 * errors are sorted by what they prove: the server answered with a refusal (5xx permanent, 4xx
 * transient) or no connection was made → ChannelError; a connection lost or timed out once the
 * conversation was under way → the original error, which the outbox treats as "may have been
 * sent" (the notice becomes `uncertain` rather than risk a duplicate).
 */
import { createTransport } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import type { SmtpOptions } from "../mail/send.js";
import { ChannelError, type ChannelReceipt, type EmailNotice, type EmailPort } from "./ports.js";

/** The message as handed to nodemailer's `sendMail`. */
export interface SmtpMessage {
  messageId: string;
  from: { name: string; address: string };
  to: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  attachments: { filename: string; content: Buffer; contentType: string; cid?: string }[];
  headers?: Record<string, string>;
}

/** Anything that sends like a nodemailer transporter (`nodemailer.createTransport(…)`). */
export interface SmtpTransporter {
  sendMail(message: SmtpMessage): Promise<{ messageId?: string; response?: string }>;
  close?(): void;
}

export interface SmtpEmailPortOptions {
  /** The Message-ID's domain (default: the sender address's domain). */
  messageIdDomain?: string;
}

export interface SmtpEmailPort extends EmailPort {
  /** Closes the transporter this port made from SMTP options (one given to it is left open). */
  close(): void;
}

// No connection was made, or the setup failed before any message was given: nothing went out.
const NOT_SENT_CODES = new Set([
  "EDNS",
  "ETLS",
  "EAUTH",
  "ENOAUTH",
  "EOAUTH2",
  "EPROXY",
  "ECONFIG",
  "EREQUIRETLS",
]);
const NOT_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
const SETUP_TIMEOUTS = new Set(["CONNECT_TIMEOUT", "GREETING_TIMEOUT", "UPGRADE_TIMEOUT"]);

interface NodemailerError {
  message?: string;
  code?: string;
  originalCode?: string;
  responseCode?: number;
  timeoutType?: string;
  command?: string;
}

/** A ChannelError when the error proves the message was not taken; else the error as it came. */
export function classifySmtpError(err: unknown): unknown {
  const e = (err ?? {}) as NodemailerError;
  const message = String(e.message ?? err);
  if (typeof e.responseCode === "number") {
    return new ChannelError(message, e.responseCode >= 500, String(e.responseCode));
  }
  const code = e.code ?? "";
  if (
    NOT_SENT_CODES.has(code) ||
    NOT_CONNECTED.has(code) ||
    NOT_CONNECTED.has(e.originalCode ?? "") ||
    (code === "ETIMEDOUT" && SETUP_TIMEOUTS.has(e.timeoutType ?? ""))
  ) {
    return new ChannelError(message, false, e.originalCode ?? code);
  }
  // Refused by nodemailer itself before talking to the server (a malformed address).
  if ((code === "EENVELOPE" || code === "EMESSAGE") && e.command === "API") {
    return new ChannelError(message, true, code);
  }
  return err;
}

const isTransporter = (t: unknown): t is SmtpTransporter =>
  typeof (t as { sendMail?: unknown } | null)?.sendMail === "function";

/**
 * An EmailPort sending through SMTP: a transporter to reuse (nodemailer's, pooled or not), or
 * SMTP options (`host`, `port`, `secure`, `auth`, timeouts…) from which one is made and kept.
 */
export function smtpEmailPort(
  transportOrOptions: SmtpTransporter | SmtpOptions,
  options: SmtpEmailPortOptions = {},
): SmtpEmailPort {
  const own = !isTransporter(transportOrOptions);
  const transporter: SmtpTransporter = own
    ? (createTransport(transportOrOptions as SMTPTransport.Options) as unknown as SmtpTransporter)
    : transportOrOptions;
  return {
    channel: "email",
    async send(notice: EmailNotice): Promise<ChannelReceipt> {
      const domain = options.messageIdDomain ?? notice.from.address.split("@").pop() ?? "localhost";
      const messageId = `<${notice.idempotencyKey}@${domain}>`;
      const message: SmtpMessage = {
        messageId,
        from: notice.from,
        to: notice.to,
        subject: notice.subject,
        html: notice.html,
        text: notice.text,
        attachments: (notice.attachments ?? []).map((a) => ({
          filename: a.filename,
          content: a.content,
          contentType: a.contentType,
          ...(a.cid ? { cid: a.cid } : {}),
        })),
      };
      if (notice.replyTo) message.replyTo = notice.replyTo;
      if (notice.headers) message.headers = notice.headers;
      let info: { messageId?: string };
      try {
        info = await transporter.sendMail(message);
      } catch (err) {
        throw classifySmtpError(err);
      }
      return { providerId: info.messageId ?? messageId, status: "sent" };
    },
    close() {
      if (own) transporter.close?.();
    },
  };
}
