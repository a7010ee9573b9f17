/**
 * A notice as the outbox stores it, and the row mapping shared by the outbox and its worker.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db/db.js";
import type { NotifyChannel } from "./ports.js";

/**
 * queued → sending → sent → delivered, or failed / unsendable / uncertain / cancelled.
 * - `unsendable`: the recipient cannot be sent to as given (reason says why); stored, never dropped.
 * - `uncertain`: a worker stopped mid-send on a channel whose provider cannot be asked (e-mail);
 *   not resent automatically — a person decides (resendNotice, or cancelNotice).
 */
export type NoticeStatus =
  | "queued"
  | "sending"
  | "sent"
  | "delivered"
  | "failed"
  | "unsendable"
  | "uncertain"
  | "cancelled";

export const NOTICE_STATUSES: readonly NoticeStatus[] = [
  "queued",
  "sending",
  "sent",
  "delivered",
  "failed",
  "unsendable",
  "uncertain",
  "cancelled",
];

export interface NoticeAttachmentInfo {
  filename: string;
  contentType: string;
  /** Content-ID of an inline image; absent for a file attachment. */
  cid?: string;
  /** Bytes. */
  size: number;
}

export interface Notice {
  id: number;
  /** What the notice is about, e.g. `renewal.reminder`. */
  event: string;
  channel: NotifyChannel;
  customerId: number | null;
  /** As the caller gave it (null when it had none). */
  recipient: string | null;
  language: string;
  /** E-mail: the From address; SMS: the sender name (null: the provider's default). */
  sender: string | null;
  /** E-mail: the From display name. */
  senderName: string | null;
  replyTo: string | null;
  subject: string | null;
  html: string | null;
  /** E-mail plain text, SMS text, or what a phone call reads out. */
  text: string;
  headers: Record<string, string> | null;
  attachments: NoticeAttachmentInfo[];
  dedupeKey: string | null;
  /** Given to the provider (Message-ID, SMSAPI idx): how a resend after a crash is recognised. */
  idempotencyKey: string;
  status: NoticeStatus;
  /** Why it failed, is unsendable, uncertain, cancelled, or waiting (retry, quiet hours). */
  reason: string | null;
  /** Attempts to send so far. */
  attemptCount: number;
  /** Not sent before this instant (notBefore, moved by retries and quiet hours). */
  nextAttemptAt: Date;
  /** While `sending`: when the worker's claim expires. */
  leaseUntil: Date | null;
  providerId: string | null;
  /** SMS parts billed, when the provider said. */
  parts: number | null;
  /** The notice this one resends. */
  resentFrom: number | null;
  /** Who made it (resendNotice's actor); null for notices enqueued by the system. */
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
}

export type NoticeAttemptOutcome =
  | "sending"
  | "sent"
  | "delivered"
  | "retry"
  | "failed"
  | "unknown"
  | "interrupted";

export interface NoticeAttempt {
  number: number;
  startedAt: Date;
  finishedAt: Date | null;
  outcome: NoticeAttemptOutcome;
  error: string | null;
  providerId: string | null;
  /** How the outcome was learnt when it was not the provider's answer (recovery, lookup). */
  detail: string | null;
}

export interface NoticeDetail extends Notice {
  attachments: (NoticeAttachmentInfo & { content: Buffer })[];
  attempts: NoticeAttempt[];
}

export interface NoticeRow {
  id: number;
  event: string;
  channel: NotifyChannel;
  customer_id: number | null;
  recipient: string | null;
  language: string;
  sender: string | null;
  sender_name: string | null;
  reply_to: string | null;
  subject: string | null;
  html: string | null;
  body: string;
  headers: Record<string, string> | string | null;
  dedupe_key: string | null;
  idempotency_key: string;
  status: NoticeStatus;
  reason: string | null;
  attempts: number;
  next_attempt_at: Date;
  lease_token: string | null;
  lease_until: Date | null;
  provider_id: string | null;
  parts: number | null;
  resent_from: number | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
}

export const NOTICE_COLUMNS = `id, event, channel, customer_id, recipient, language, sender, sender_name, reply_to,
  subject, html, body, headers, dedupe_key, idempotency_key, status, reason, attempts, next_attempt_at, lease_token,
  lease_until, provider_id, parts, resent_from, created_by, created_at, updated_at, sent_at, delivered_at`;

const headersOf = (h: NoticeRow["headers"]): Record<string, string> | null =>
  h === null ? null : typeof h === "string" ? (JSON.parse(h) as Record<string, string>) : h;

export const toNotice = (r: NoticeRow, attachments: NoticeAttachmentInfo[] = []): Notice => ({
  id: r.id,
  event: r.event,
  channel: r.channel,
  customerId: r.customer_id,
  recipient: r.recipient,
  language: r.language,
  sender: r.sender,
  senderName: r.sender_name,
  replyTo: r.reply_to,
  subject: r.subject,
  html: r.html,
  text: r.body,
  headers: headersOf(r.headers),
  attachments,
  dedupeKey: r.dedupe_key,
  idempotencyKey: r.idempotency_key,
  status: r.status,
  reason: r.reason,
  attemptCount: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  leaseUntil: r.lease_until,
  providerId: r.provider_id,
  parts: r.parts,
  resentFrom: r.resent_from,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  sentAt: r.sent_at,
  deliveredAt: r.delivered_at,
});

/** PGlite gives bytea as a Uint8Array, pg as a Buffer. */
export const toBuffer = (v: Uint8Array): Buffer =>
  Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);

export interface AttachmentRow {
  notice_id: number;
  filename: string;
  content_type: string;
  cid: string | null;
  size: number;
  content?: Uint8Array;
}

/** The notices' attachments (with their bytes when `content`), by notice id, in order. */
export async function attachmentsOf(
  db: Db,
  ids: readonly number[],
  content: boolean,
): Promise<Map<number, (NoticeAttachmentInfo & { content?: Buffer })[]>> {
  const out = new Map<number, (NoticeAttachmentInfo & { content?: Buffer })[]>();
  if (ids.length === 0) return out;
  const { rows } = await db.query<AttachmentRow>(
    `SELECT a.notice_id, a.filename, a.content_type, a.cid, a.size${content ? ", b.content" : ""}
       FROM notice_attachments a ${content ? "JOIN notice_blobs b ON b.sha256 = a.sha256" : ""}
      WHERE a.notice_id = ANY ($1::bigint[]) ORDER BY a.notice_id, a.position`,
    [ids],
  );
  for (const r of rows) {
    const list = out.get(r.notice_id) ?? [];
    list.push({
      filename: r.filename,
      contentType: r.content_type,
      ...(r.cid ? { cid: r.cid } : {}),
      size: r.size,
      ...(r.content ? { content: toBuffer(r.content) } : {}),
    });
    out.set(r.notice_id, list);
  }
  return out;
}

/** What a phone recipient must look like: E.164 (normalise with notify/phone.ts first). */
export const E164 = /^\+[1-9]\d{6,14}$/;

const emailAddress = z.email();

/** Why `to` cannot be sent to on `channel`, or null when it can. */
export function recipientProblem(channel: NotifyChannel, to: string | null | undefined): string | null {
  if (channel === "email") {
    if (to === null || to === undefined || to.trim() === "") return "no e-mail address";
    return emailAddress.safeParse(to).success ? null : `"${to}" is not a valid e-mail address`;
  }
  const what = channel === "sms" ? "SMS" : "phone call";
  if (to === null || to === undefined || to.trim() === "") return `no phone number for the ${what}`;
  return E164.test(to)
    ? null
    : `"${to}" is not an E.164 phone number (like +48500100200) for the ${what}: normalise it first`;
}

/** Per-notice key for providers: letters and digits only (SMSAPI's idx allows no more). */
export const newIdempotencyKey = (): string => `ntc${randomBytes(12).toString("hex")}`;
