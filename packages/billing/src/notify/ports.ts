/**
 * The notification channels' ports: what billing asks of an e-mail, SMS or voice provider. The
 * outbox stores every notice before it is sent and hands it to one of these; adapters (SMTP
 * through nodemailer, SMSAPI through its official client) implement them, and so can any other
 * provider without billing changing.
 *
 * Why `idempotencyKey`: a worker can crash after the provider accepted a message and before the
 * outbox recorded it. A provider that can look a message up by a key of ours (SMSAPI: `idx` with
 * `check_idx`) lets the recovering worker learn the truth instead of sending again; one that
 * cannot (SMTP) leaves such a notice `uncertain` for a person to decide — never sent twice.
 */

export type NotifyChannel = "email" | "sms" | "phone";

export const NOTIFY_CHANNELS: readonly NotifyChannel[] = ["email", "sms", "phone"];

export interface EmailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
  /** Content-ID of an inline image (the logo an HTML body shows as `cid:…`). */
  cid?: string;
}

export interface EmailNotice {
  /** Stable per notice (e.g. `notice-123`); adapters use it in the Message-ID. */
  idempotencyKey: string;
  from: { name: string; address: string };
  to: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  attachments?: EmailAttachment[];
  /** Extra headers, e.g. `List-Unsubscribe` on offers. */
  headers?: Record<string, string>;
}

export interface SmsNotice {
  /** Stable per notice; SMSAPI's `idx`, so a resend after a crash is recognised. */
  idempotencyKey: string;
  /** E.164, e.g. +48500100200. */
  to: string;
  /** A sender name registered at the provider (e.g. "ZolwHost"); the provider's default when absent. */
  from?: string;
  text: string;
}

export interface VoiceNotice {
  idempotencyKey: string;
  /** E.164. */
  to: string;
  /** Read out by the provider's text-to-speech. */
  text: string;
}

/** What a provider said when it took a message. */
export interface ChannelReceipt {
  /** The provider's id of the message (SMTP Message-ID, SMSAPI message id). */
  providerId: string;
  /** `delivered` only when the provider reports delivery at once; most say `sent`, delivery comes later. */
  status: "sent" | "delivered";
  /** SMS parts billed, when the provider says. */
  parts?: number;
  /**
   * The provider refused the message as a duplicate of one it took earlier under the same key
   * (SMSAPI error 53 with `check_idx`): it went out before, not now.
   */
  alreadySent?: boolean;
}

/** Where a provider stands on a message it was given (from a delivery report or a lookup). */
export interface ChannelStatus {
  providerId: string;
  status: "sent" | "delivered" | "failed";
  reason?: string;
  at?: Date;
}

/**
 * A refusal or failure from a provider. `permanent`: sending again cannot help (bad number,
 * sender name not registered, message refused) — the notice fails with `reason`; otherwise the
 * outbox retries with backoff.
 */
export class ChannelError extends Error {
  override readonly name = "ChannelError";
  constructor(
    message: string,
    readonly permanent: boolean,
    /** The provider's own error code, when it gave one. */
    readonly providerCode?: string,
  ) {
    super(message);
  }
}

export interface EmailPort {
  readonly channel: "email";
  send(notice: EmailNotice): Promise<ChannelReceipt>;
}

export interface SmsPort {
  /**
   * Sending again under the same idempotency key can never deliver twice (the provider refuses
   * a duplicate key): a worker that crashed mid-send may simply send again.
   */
  readonly idempotentSend?: boolean;
  readonly channel: "sms";
  send(notice: SmsNotice): Promise<ChannelReceipt>;
  /**
   * The message sent earlier under this key, if the provider has it: how a worker that crashed
   * mid-send learns whether it went out. Absent when the provider cannot tell.
   */
  lookup?(idempotencyKey: string): Promise<ChannelStatus | undefined>;
}

export interface VoicePort {
  /**
   * Sending again under the same idempotency key can never deliver twice (the provider refuses
   * a duplicate key): a worker that crashed mid-send may simply send again.
   */
  readonly idempotentSend?: boolean;
  readonly channel: "phone";
  send(notice: VoiceNotice): Promise<ChannelReceipt>;
  lookup?(idempotencyKey: string): Promise<ChannelStatus | undefined>;
}

/** The channels a notifier can use; a channel without a port is not sendable (recorded with that reason). */
export interface NotifyPorts {
  email?: EmailPort;
  sms?: SmsPort;
  phone?: VoicePort;
}
