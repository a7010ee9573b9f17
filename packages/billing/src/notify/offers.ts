/**
 * Offers: the partner writes a commercial message once, picks a segment of customers, and sends
 * it. Only customers of the segment whose consent is in force at the moment of sending receive
 * it; each copy carries its own signed unsubscribe link (in the text, in the footer and in the
 * RFC 8058 one-click headers). Sending only stores notices in the outbox, in batches; the outbox
 * worker delivers them later, paced by its `ratePerSecond`.
 *
 * A send is resumable: each batch records its customers in offer_recipients in the same
 * transaction as their notices, so a send cut off half-way continues where it stopped, and the
 * table's primary key (with the notices' dedupe keys) means nobody ever gets an offer twice —
 * not on a resumed send, not on a second send, not with two senders at once.
 */
import { z } from "zod";
import { CONSENT_KINDS, type ConsentKind } from "../customers/consents.js";
import type { Db } from "../db/db.js";
import { getSellerSettings } from "../documents/settings.js";
import {
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  type FieldIssue,
} from "../errors.js";
import { parseInput } from "../validate.js";
import { layoutEmail, type NoticeBranding } from "./email-layout.js";
import { NOTICE_LANGUAGES, type NoticeLanguage } from "./events.js";
import { recipientProblem } from "./notice.js";
import {
  escapeHtml,
  type OfferContent,
  offerContentIssues,
  renderOfferEmail,
  renderOfferSms,
} from "./offer-content.js";
import {
  consentCondition,
  type OfferSegment,
  offerSegmentSchema,
  segmentCondition,
} from "./offer-segments.js";
import {
  type EmailNoticeInput,
  type EnqueueNoticeInput,
  enqueueNotices,
  type SmsNoticeInput,
} from "./outbox.js";
import { getNotifySettings } from "./settings.js";
import { toGsm7 } from "./sms-text.js";
import { secretSchema, unsubscribeToken, unsubscribeUrl } from "./unsubscribe.js";

export const OFFER_CHANNELS = ["email", "sms"] as const;
export type OfferChannel = (typeof OFFER_CHANNELS)[number];

export const OFFER_STATUSES = ["draft", "sending", "sent", "cancelled"] as const;
/** draft → sending → sent; a draft or an unfinished send can be cancelled. */
export type OfferStatus = (typeof OFFER_STATUSES)[number];

export interface OfferInput {
  /** The partner's own name for it (customers never see it). */
  title: string;
  /** Handlebars, like a template: `{{customerName}}`, `{{sellerName}}`, … (see OFFER_VARIABLES). */
  subject: string;
  /** The e-mail's HTML (inner part: the partner's frame and an unsubscribe footer are added). */
  html: string;
  /** The e-mail's plain-text part. */
  text: string;
  /** Required when `channels` has `sms`; an opt-out line is added to it. */
  smsText?: string | null;
  /** Default `["email"]`. */
  channels?: OfferChannel[];
  /** Default `{}`: every customer (who consented). */
  segment?: OfferSegment;
  /** The language of the added footer and opt-out line (default `pl`). */
  language?: NoticeLanguage;
  /** The consent a customer must have in force when it is sent (default `offers`). */
  consentKind?: ConsentKind;
}

export interface OfferCounts {
  /** Customers who got at least one notice queued. */
  recipients: number;
  emails: number;
  sms: number;
  /** Customers of the segment with consent but nowhere to send to (reason in offer_recipients). */
  skipped: number;
}

export interface Offer {
  id: number;
  title: string;
  subject: string;
  html: string;
  text: string;
  smsText: string | null;
  channels: OfferChannel[];
  segment: OfferSegment;
  language: NoticeLanguage;
  consentKind: ConsentKind;
  status: OfferStatus;
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
  /** When the first send began. */
  sendStartedAt: Date | null;
  sentBy: string | null;
  /** When the first send finished. */
  sentAt: Date | null;
  cancelledBy: string | null;
  cancelledAt: Date | null;
  counts: OfferCounts;
}

interface OfferRow {
  id: number;
  title: string;
  subject: string;
  html: string;
  text: string;
  sms_text: string | null;
  channels: OfferChannel[];
  segment: OfferSegment | string;
  language: NoticeLanguage;
  consent_kind: ConsentKind;
  status: OfferStatus;
  created_by: string;
  created_at: Date;
  updated_by: string;
  updated_at: Date;
  send_started_at: Date | null;
  sent_by: string | null;
  sent_at: Date | null;
  cancelled_by: string | null;
  cancelled_at: Date | null;
  counts: OfferCounts | string;
}

const COLUMNS = `id, title, subject, html, text, sms_text, channels, segment, language, consent_kind, status,
  created_by, created_at, updated_by, updated_at, send_started_at, sent_by, sent_at, cancelled_by, cancelled_at, counts`;

const json = <T>(v: T | string): T => (typeof v === "string" ? (JSON.parse(v) as T) : v);

const toOffer = (r: OfferRow): Offer => ({
  id: r.id,
  title: r.title,
  subject: r.subject,
  html: r.html,
  text: r.text,
  smsText: r.sms_text,
  channels: r.channels,
  segment: json(r.segment),
  language: r.language,
  consentKind: r.consent_kind,
  status: r.status,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
  sendStartedAt: r.send_started_at,
  sentBy: r.sent_by,
  sentAt: r.sent_at,
  cancelledBy: r.cancelled_by,
  cancelledAt: r.cancelled_at,
  counts: json(r.counts),
});

// --- Input ------------------------------------------------------------------------------------------

const id = z.number("must be an id").int().positive();
const actorSchema = z.string("must say who did it").trim().min(1, "must say who did it").max(200);
const moment = z.date("must be a Date").refine((d) => !Number.isNaN(d.getTime()), "must be a valid Date");

const inputSchema = z.strictObject({
  title: z.string("must be text").trim().min(1, "is required").max(200),
  subject: z.string("must be text"),
  html: z.string("must be text"),
  text: z.string("must be text"),
  smsText: z.string("must be text").nullable().optional(),
  channels: z
    .array(z.enum(OFFER_CHANNELS, `must be one of ${OFFER_CHANNELS.join(", ")}`))
    .min(1, "must name at least one channel")
    .optional(),
  segment: offerSegmentSchema.optional(),
  language: z.enum(NOTICE_LANGUAGES, `must be one of ${NOTICE_LANGUAGES.join(", ")}`).optional(),
  consentKind: z.enum(CONSENT_KINDS, `must be one of ${CONSENT_KINDS.join(", ")}`).optional(),
});

interface Normalised {
  title: string;
  subject: string;
  html: string;
  text: string;
  smsText: string | null;
  channels: OfferChannel[];
  segment: OfferSegment;
  language: NoticeLanguage;
  consentKind: ConsentKind;
}

const zodIssues = (error: z.ZodError, prefix = ""): FieldIssue[] =>
  error.issues.map((i) => ({ path: prefix + i.path.map(String).join("."), message: i.message }));

/** Checks a whole offer (shape, then content against the variables): every problem at once. */
function parseOffer(operation: string, input: unknown, actor: unknown): { offer: Normalised; actor: string } {
  const issues: FieldIssue[] = [];
  const who = actorSchema.safeParse(actor);
  if (!who.success) issues.push(...zodIssues(who.error, "actor"));
  const r = inputSchema.safeParse(input);
  if (!r.success) {
    issues.push(...zodIssues(r.error));
    throw new BillingValidationError(operation, issues);
  }
  const channels = OFFER_CHANNELS.filter((c) => (r.data.channels ?? ["email"]).includes(c));
  const smsText = r.data.smsText?.trim() ? r.data.smsText : null;
  issues.push(...offerContentIssues({ ...r.data, smsText }, channels.includes("sms")));
  if (issues.length > 0 || !who.success) throw new BillingValidationError(operation, issues);
  return {
    offer: {
      title: r.data.title,
      subject: r.data.subject,
      html: r.data.html,
      text: r.data.text,
      smsText,
      channels,
      segment: r.data.segment ?? {},
      language: r.data.language ?? "pl",
      consentKind: r.data.consentKind ?? "offers",
    },
    actor: who.data,
  };
}

async function readOffer(db: Db, offerId: number, lock = ""): Promise<Offer> {
  const { rows } = await db.query<OfferRow>(`SELECT ${COLUMNS} FROM offers WHERE id = $1 ${lock}`, [offerId]);
  if (!rows[0]) throw new BillingNotFoundError(`offer ${offerId}`);
  return toOffer(rows[0]);
}

// --- Drafts -------------------------------------------------------------------------------------------

/**
 * Stores a draft offer. Refused (BillingValidationError, every field at once) for a bad segment,
 * a missing part, or content naming anything but the offer variables and helpers.
 */
export async function createOffer(db: Db, input: OfferInput, actor: string): Promise<Offer> {
  const { offer: o, actor: who } = parseOffer("createOffer", input, actor);
  const { rows } = await db.query<OfferRow>(
    `INSERT INTO offers (title, subject, html, text, sms_text, channels, segment, language, consent_kind,
       created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6::text[], $7::jsonb, $8, $9, $10, $10) RETURNING ${COLUMNS}`,
    [...offerValues(o), who],
  );
  return toOffer(rows[0]!);
}

/** An offer's columns in the order both the INSERT and the UPDATE take them ($n from title on). */
function offerValues(o: ReturnType<typeof parseOffer>["offer"]): unknown[] {
  return [
    o.title,
    o.subject,
    o.html,
    o.text,
    o.smsText,
    o.channels,
    JSON.stringify(o.segment),
    o.language,
    o.consentKind,
  ];
}

/**
 * Changes a draft: fields left out stay, and the result is checked whole (turning SMS on needs
 * an SMS text). An offer that began sending is no longer editable (BillingConflictError
 * `offer_not_draft`): what went out must stay what the offer says.
 */
export async function updateOffer(
  db: Db,
  offerId: number,
  changes: Partial<OfferInput>,
  actor: string,
): Promise<Offer> {
  const oid = parseInput("updateOffer", id, offerId);
  return db.transaction(async (tx) => {
    const current = await readOffer(tx, oid, "FOR UPDATE");
    if (current.status !== "draft") {
      throw new BillingConflictError(
        `offer ${oid} is ${current.status}; only a draft can be changed`,
        "offer_not_draft",
      );
    }
    const merged = {
      title: current.title,
      subject: current.subject,
      html: current.html,
      text: current.text,
      smsText: current.smsText,
      channels: current.channels,
      segment: current.segment,
      language: current.language,
      consentKind: current.consentKind,
      ...(typeof changes === "object" && changes !== null ? changes : {}),
    };
    const { offer: o, actor: who } = parseOffer("updateOffer", merged, actor);
    const { rows } = await tx.query<OfferRow>(
      `UPDATE offers SET title = $2, subject = $3, html = $4, text = $5, sms_text = $6, channels = $7::text[],
              segment = $8::jsonb, language = $9, consent_kind = $10, updated_by = $11, updated_at = now()
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [oid, ...offerValues(o), who],
    );
    return toOffer(rows[0]!);
  });
}

export async function getOffer(db: Db, offerId: number): Promise<Offer> {
  return readOffer(db, parseInput("getOffer", id, offerId));
}

export interface ListOffersFilter {
  status?: OfferStatus;
  /** The `next` of the previous page: offers older than that one. */
  after?: number;
  /** Default 50, at most 500. */
  limit?: number;
}

export interface OfferPage {
  /** Newest first. */
  offers: Offer[];
  /** Pass as `after` for the next page; null on the last page. */
  next: number | null;
}

/** Offers newest first, one page at a time. */
export async function listOffers(db: Db, filter: ListOffersFilter = {}): Promise<OfferPage> {
  const f = parseInput(
    "listOffers",
    z.strictObject({
      status: z.enum(OFFER_STATUSES, `must be one of ${OFFER_STATUSES.join(", ")}`).optional(),
      after: id.optional(),
      limit: z.number("must be a number").int().min(1).max(500).optional(),
    }),
    filter,
  );
  const limit = f.limit ?? 50;
  const { rows } = await db.query<OfferRow>(
    `SELECT ${COLUMNS} FROM offers
      WHERE ($1::text IS NULL OR status = $1) AND ($2::int IS NULL OR id < $2)
      ORDER BY id DESC LIMIT $3`,
    [f.status ?? null, f.after ?? null, limit + 1],
  );
  const page = rows.slice(0, limit).map(toOffer);
  return { offers: page, next: rows.length > limit ? page[page.length - 1]!.id : null };
}

/**
 * Cancels a draft, or a send under way: no further batches are made, and the offer's notices
 * still waiting in the outbox (`queued`) are cancelled. What already went out stays sent; the
 * unsubscribe links in it keep working. A sent offer cannot be cancelled (`offer_sent`).
 */
export async function cancelOffer(
  db: Db,
  offerId: number,
  actor: string,
  options: { now?: Date } = {},
): Promise<Offer> {
  const v = parseInput("cancelOffer", z.object({ offerId: id, actor: actorSchema, now: moment.optional() }), {
    offerId,
    actor,
    now: options.now,
  });
  const now = v.now ?? new Date();
  return db.transaction(async (tx) => {
    const current = await readOffer(tx, v.offerId, "FOR UPDATE");
    if (current.status === "cancelled") return current;
    if (current.status === "sent") {
      throw new BillingConflictError(
        `offer ${v.offerId} was sent; it can no longer be cancelled`,
        "offer_sent",
      );
    }
    await tx.query(
      `UPDATE notices SET status = 'cancelled', reason = $2, updated_at = $3
        WHERE status = 'queued' AND id IN (
          SELECT email_notice_id FROM offer_recipients WHERE offer_id = $1 AND email_notice_id IS NOT NULL
          UNION ALL
          SELECT sms_notice_id FROM offer_recipients WHERE offer_id = $1 AND sms_notice_id IS NOT NULL)`,
      [v.offerId, `cancelled by ${v.actor}: offer ${v.offerId} was cancelled`, now],
    );
    const { rows } = await tx.query<OfferRow>(
      `UPDATE offers SET status = 'cancelled', cancelled_by = $2, cancelled_at = $3 WHERE id = $1 RETURNING ${COLUMNS}`,
      [v.offerId, v.actor, now],
    );
    return toOffer(rows[0]!);
  });
}

// --- Recipients ---------------------------------------------------------------------------------------

export interface OfferRecipient {
  customerId: number;
  emailNoticeId: number | null;
  smsNoticeId: number | null;
  /** Why nothing was sent to this customer (no e-mail address, no mobile phone). */
  skippedReason: string | null;
  recordedAt: Date;
}

export interface OfferRecipientPage {
  /** By customer id. */
  recipients: OfferRecipient[];
  /** Pass as `after` for the next page; null on the last page. */
  next: number | null;
}

/** The customers an offer was handled for, with their notices (see getNotice) or why none. */
export async function listOfferRecipients(
  db: Db,
  offerId: number,
  options: { after?: number; limit?: number; skipped?: boolean } = {},
): Promise<OfferRecipientPage> {
  const v = parseInput(
    "listOfferRecipients",
    z.object({
      offerId: id,
      after: id.optional(),
      limit: z.number("must be a number").int().min(1).max(1000).optional(),
      skipped: z.boolean("must be true or false").optional(),
    }),
    { offerId, ...options },
  );
  const limit = v.limit ?? 100;
  const { rows } = await db.query<{
    customer_id: number;
    email_notice_id: number | null;
    sms_notice_id: number | null;
    skipped_reason: string | null;
    recorded_at: Date;
  }>(
    `SELECT customer_id, email_notice_id, sms_notice_id, skipped_reason, recorded_at FROM offer_recipients
      WHERE offer_id = $1 AND customer_id > $2
        AND ($3::boolean IS NULL OR (skipped_reason IS NOT NULL) = $3)
      ORDER BY customer_id LIMIT $4`,
    [v.offerId, v.after ?? 0, v.skipped ?? null, limit + 1],
  );
  if (rows.length === 0) await readOffer(db, v.offerId);
  const page = rows.slice(0, limit).map((r) => ({
    customerId: r.customer_id,
    emailNoticeId: r.email_notice_id,
    smsNoticeId: r.sms_notice_id,
    skippedReason: r.skipped_reason,
    recordedAt: r.recorded_at,
  }));
  return { recipients: page, next: rows.length > limit ? page[page.length - 1]!.customerId : null };
}

// --- Sending ------------------------------------------------------------------------------------------

export interface SendOfferOptions {
  /** The moment of sending: whose consent is in force then decides who receives it (default now). */
  at?: Date;
  /** Who sent it. */
  actor: string;
  /** The page that takes unsubscribe clicks (GET shows it, POST is RFC 8058 one-click); `?t=…` is added. */
  unsubscribeBaseUrl: string;
  /** Signs the unsubscribe links; the same secret must be given to `unsubscribe`. */
  secret: string;
  /** Logo, colours, footer and banner; default the seller settings. */
  branding?: NoticeBranding;
  /** The e-mail's sender; default the seller's name and e-mail. */
  from?: { name: string; address: string };
  replyTo?: string;
  /** The SMS sender name registered at the provider; its default when absent. */
  smsFrom?: string;
  /**
   * Polish letters replaced in the SMS (`zł` → `zl`, GSM-7: 160 characters a part instead of 70),
   * as in every other SMS notice; default the notification settings' `smsWithoutPolishLetters`.
   */
  smsWithoutPolishLetters?: boolean;
  /** Customers per batch (one transaction each; default 500, at most 5000). */
  batchSize?: number;
  /** After each batch is stored: customers handled so far, of all the offer will be handled for. */
  onProgress?: (done: number, total: number) => void;
}

export interface SendOfferResult {
  offer: Offer;
  /** Handled by this call (a resumed or repeated send counts only the new ones). */
  handled: OfferCounts;
  /** Customers handled by earlier sends, left alone. */
  alreadyHandled: number;
}

const sendSchema = z.object({
  offerId: id,
  at: moment.optional(),
  actor: actorSchema,
  unsubscribeBaseUrl: z
    .string("must be the unsubscribe page's address")
    .refine((u) => /^https?:\/\/[^\s<>"]+$/i.test(u) && URL.canParse(u), "must be an http(s) address"),
  secret: secretSchema,
  from: z
    .object({ name: z.string().trim().min(1).max(200), address: z.email("must be an e-mail address") })
    .optional(),
  replyTo: z.email("must be an e-mail address").optional(),
  smsFrom: z.string().trim().min(1).max(16).optional(),
  smsWithoutPolishLetters: z.boolean("must be true or false").optional(),
  batchSize: z.number("must be a number").int().min(1).max(5000).optional(),
});

interface CustomerRow {
  id: number;
  name: string;
  email: string | null;
  mobile_phone: string | null;
}

/**
 * The partner's frame laid out once per send, with markers where each customer's subject, body
 * and text go: the logo is read once, not once per customer.
 */
async function frameOf(branding: NoticeBranding, language: NoticeLanguage) {
  const mark = (part: string) => `hrdkitoffer${part}${Math.random().toString(36).slice(2)}x`;
  const m = { subject: mark("subject"), html: mark("html"), text: mark("text") };
  const laid = await layoutEmail({ subject: m.subject, html: m.html, text: m.text, language, branding });
  const [head, rest] = splitOnce(laid.html, m.subject);
  const [middle, tail] = splitOnce(rest, m.html);
  const [before, after] = splitOnce(laid.text, m.text);
  return {
    attachments: laid.attachments,
    html: (subject: string, body: string) => `${head}${escapeHtml(subject)}${middle}${body}${tail}`,
    text: (body: string) => `${before}${body}${after}`,
  };
}

function splitOnce(s: string, marker: string): [string, string] {
  const i = s.indexOf(marker);
  if (i < 0 || s.indexOf(marker, i + marker.length) >= 0) {
    throw new Error(`the e-mail layout did not place ${marker} exactly once`);
  }
  return [s.slice(0, i), s.slice(i + marker.length)];
}

const MISSING: Record<OfferChannel, string> = {
  email: "no valid e-mail address",
  sms: "no valid mobile phone",
};

/**
 * Sends an offer: queues one e-mail (and one SMS, when the offer goes by SMS) for each customer
 * of its segment whose consent is in force at `at`, in batches, each batch with its customers
 * recorded in the same transaction. Nothing is delivered here: the outbox worker does it.
 *
 * Works on a draft, resumes a send that was cut off (`sending`), and on a sent offer reaches only
 * customers who joined the segment or consented since (everyone handled before is skipped).
 * A cancelled offer is refused (`offer_cancelled`); cancelling during a send stops it after the
 * batch under way. Missing seller settings (without `branding`) is `no_seller`.
 */
export async function sendOffer(
  db: Db,
  offerId: number,
  options: SendOfferOptions,
): Promise<SendOfferResult> {
  const v = parseInput("sendOffer", sendSchema, { offerId, ...options });
  const at = v.at ?? new Date();
  const batchSize = v.batchSize ?? 500;
  const onProgress = options.onProgress;
  const start = await readOffer(db, v.offerId);
  if (start.status === "cancelled") {
    throw new BillingConflictError(`offer ${v.offerId} was cancelled; it cannot be sent`, "offer_cancelled");
  }
  // Content is checked again: the catalogue of variables may have changed since it was saved.
  const problems = offerContentIssues(start, start.channels.includes("sms"));
  if (problems.length > 0) {
    throw new BillingConflictError(
      `offer ${v.offerId} no longer fits the offer variables (${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}); edit it first`,
      "offer_invalid",
    );
  }
  const branding: NoticeBranding = options.branding ?? { seller: await getSellerSettings(db) };
  const seller = branding.seller;
  const from = v.from ?? { name: seller.name, address: seller.email };
  const wantsEmail = start.channels.includes("email");
  const frame = wantsEmail ? await frameOf(branding, start.language) : undefined;
  const content: OfferContent = start;
  // The partner's choice for SMS holds for offers too: an offer to every customer is where the
  // doubled cost of a UCS-2 message (a "ł" in a name is enough) adds up most.
  const smsPlain =
    start.channels.includes("sms") &&
    (v.smsWithoutPolishLetters ?? (await getNotifySettings(db)).smsWithoutPolishLetters);
  const smsTextOf = (text: string) => (smsPlain ? toGsm7(text) : text);

  const candidates = (params: unknown[]) => {
    const segment = segmentCondition(start.segment, params);
    const consent = consentCondition(start.consentKind, at, params);
    params.push(v.offerId);
    const offer = `$${params.length}`;
    return `${segment} AND ${consent}
      AND NOT EXISTS (SELECT 1 FROM offer_recipients r WHERE r.offer_id = ${offer} AND r.customer_id = c.id)`;
  };

  const countParams: unknown[] = [];
  const remaining = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM customers c WHERE ${candidates(countParams)}`,
    countParams,
  );
  const already = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM offer_recipients WHERE offer_id = $1",
    [v.offerId],
  );
  const alreadyHandled = already.rows[0]!.n;
  const total = alreadyHandled + remaining.rows[0]!.n;

  const begun = await db.query(
    `UPDATE offers SET status = 'sending', send_started_at = COALESCE(send_started_at, $2), sent_by = $3
      WHERE id = $1 AND status <> 'cancelled'`,
    [v.offerId, at, v.actor],
  );
  if (begun.rowCount === 0) {
    throw new BillingConflictError(`offer ${v.offerId} was cancelled; it cannot be sent`, "offer_cancelled");
  }

  const handled: OfferCounts = { recipients: 0, emails: 0, sms: 0, skipped: 0 };
  let done = alreadyHandled;
  let afterId = 0;
  let cancelled = false;
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      // Locks the offer for the batch: a second sender waits and then sees these customers
      // recorded; a cancel waits and then stops the next batch.
      const { rows: state } = await tx.query<{ status: OfferStatus }>(
        "SELECT status FROM offers WHERE id = $1 FOR UPDATE",
        [v.offerId],
      );
      if (state[0]?.status !== "sending") return undefined;
      const params: unknown[] = [];
      const where = candidates(params);
      params.push(afterId, batchSize);
      const { rows: customers } = await tx.query<CustomerRow>(
        `SELECT c.id, c.name, c.email, c.mobile_phone FROM customers c
          WHERE ${where} AND c.id > $${params.length - 1} ORDER BY c.id LIMIT $${params.length}`,
        params,
      );
      if (customers.length === 0) return { customers, counts: undefined };

      const notices: EnqueueNoticeInput[] = [];
      const plans = customers.map((c) => {
        const url = unsubscribeUrl(v.unsubscribeBaseUrl, unsubscribeToken(v.offerId, c.id, v.secret));
        const values = {
          customerName: c.name,
          sellerName: seller.name,
          sellerEmail: seller.email,
          sellerPhone: seller.phone ?? null,
          panelUrl: branding.panelUrl ?? null,
          unsubscribeUrl: url,
        };
        const plan: { customer: CustomerRow; email?: number; sms?: number; missing: string[] } = {
          customer: c,
          missing: [],
        };
        const dedupeKey = `offer:${v.offerId}:customer:${c.id}`;
        if (frame) {
          if (recipientProblem("email", c.email) !== null) plan.missing.push(MISSING.email);
          else {
            const mail = renderOfferEmail(content, values, start.language, seller.accentColor);
            plan.email = notices.length;
            notices.push({
              channel: "email",
              event: "offer",
              customerId: c.id,
              to: c.email,
              language: start.language,
              dedupeKey,
              notBefore: at,
              from,
              ...(v.replyTo ? { replyTo: v.replyTo } : {}),
              subject: mail.subject,
              html: frame.html(mail.subject, mail.html),
              text: frame.text(mail.text),
              attachments: frame.attachments,
              headers: {
                "List-Unsubscribe": `<${url}>`,
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
              },
            } satisfies EmailNoticeInput);
          }
        }
        if (start.channels.includes("sms") && start.smsText) {
          if (recipientProblem("sms", c.mobile_phone) !== null) plan.missing.push(MISSING.sms);
          else {
            plan.sms = notices.length;
            notices.push({
              channel: "sms",
              event: "offer",
              customerId: c.id,
              to: c.mobile_phone,
              language: start.language,
              dedupeKey,
              notBefore: at,
              ...(v.smsFrom ? { from: v.smsFrom } : {}),
              text: smsTextOf(renderOfferSms(start.smsText, values, start.language)),
            } satisfies SmsNoticeInput);
          }
        }
        return plan;
      });
      const queued = await enqueueNotices(tx, notices, { now: at });
      const counts: OfferCounts = { recipients: 0, emails: 0, sms: 0, skipped: 0 };
      const rows = plans.map((p) => {
        const emailId = p.email === undefined ? null : queued[p.email]!.id;
        const smsId = p.sms === undefined ? null : queued[p.sms]!.id;
        if (emailId !== null) counts.emails++;
        if (smsId !== null) counts.sms++;
        if (emailId !== null || smsId !== null) counts.recipients++;
        else counts.skipped++;
        const reason = emailId === null && smsId === null ? p.missing.join(" and ") : null;
        return { customerId: p.customer.id, emailId, smsId, reason };
      });
      await tx.query(
        `INSERT INTO offer_recipients (offer_id, customer_id, email_notice_id, sms_notice_id, skipped_reason, recorded_at)
         SELECT $1, u.c, u.e, u.s, u.r, $6
           FROM unnest($2::int[], $3::bigint[], $4::bigint[], $5::text[]) AS u (c, e, s, r)`,
        [
          v.offerId,
          rows.map((r) => r.customerId),
          rows.map((r) => r.emailId),
          rows.map((r) => r.smsId),
          rows.map((r) => r.reason),
          at,
        ],
      );
      await tx.query(
        `UPDATE offers SET counts = jsonb_build_object(
            'recipients', (counts->>'recipients')::int + $2, 'emails', (counts->>'emails')::int + $3,
            'sms', (counts->>'sms')::int + $4, 'skipped', (counts->>'skipped')::int + $5)
          WHERE id = $1`,
        [v.offerId, counts.recipients, counts.emails, counts.sms, counts.skipped],
      );
      return { customers, counts };
    });
    if (!batch) {
      cancelled = true;
      break;
    }
    if (!batch.counts) break;
    for (const k of ["recipients", "emails", "sms", "skipped"] as const) handled[k] += batch.counts[k];
    done += batch.customers.length;
    afterId = batch.customers[batch.customers.length - 1]!.id;
    // A customer who became a candidate after the count (a backdated consent) must not push done past total.
    onProgress?.(done, Math.max(done, total));
  }

  if (!cancelled) {
    await db.query(
      `UPDATE offers SET status = 'sent', sent_at = COALESCE(sent_at, $2) WHERE id = $1 AND status = 'sending'`,
      [v.offerId, at],
    );
  }
  return { offer: await readOffer(db, v.offerId), handled, alreadyHandled };
}
