/**
 * The notification outbox: a notice is stored, rendered, before anything is sent (the worker in
 * worker.ts sends it later), so a crash, a provider outage or a bad address never loses one.
 * A recipient that cannot be sent to is stored too, as `unsendable` with the reason: a customer
 * without a valid phone shows up in the list instead of silently getting nothing.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { type Db, sqlState } from "../db/db.js";
import {
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  type FieldIssue,
} from "../errors.js";
import { parseInput } from "../validate.js";
import {
  attachmentsOf,
  NOTICE_COLUMNS,
  type Notice,
  type NoticeRow,
  type NoticeStatus,
  newIdempotencyKey,
  recipientProblem,
  toNotice,
} from "./notice.js";
import type { EmailAttachment, NotifyChannel } from "./ports.js";

interface NoticeInputBase {
  /** What the notice is about, e.g. `renewal.reminder`, `invoice.issued`. */
  event: string;
  customerId?: number | null;
  /**
   * E-mail address, or an E.164 phone (normalise with notify/phone.ts first). Missing or invalid:
   * the notice is stored `unsendable` with the reason, not refused.
   */
  to?: string | null;
  /** Default `pl`. */
  language?: string;
  /**
   * The same key on the same channel returns the notice already stored instead of making a second
   * (e.g. `renewal.reminder:domain 123:30d`): enqueueing twice is safe.
   */
  dedupeKey?: string;
  /** Not sent before (default: now). */
  notBefore?: Date;
}

export interface EmailNoticeInput extends NoticeInputBase {
  channel: "email";
  from: { name: string; address: string };
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  attachments?: EmailAttachment[];
  /** Extra headers, e.g. `List-Unsubscribe` on offers. */
  headers?: Record<string, string>;
}

export interface SmsNoticeInput extends NoticeInputBase {
  channel: "sms";
  /** A sender name registered at the provider; its default when absent. */
  from?: string;
  text: string;
}

export interface PhoneNoticeInput extends NoticeInputBase {
  channel: "phone";
  /** Read out by the provider's text-to-speech. */
  text: string;
}

export type EnqueueNoticeInput = EmailNoticeInput | SmsNoticeInput | PhoneNoticeInput;

export interface EnqueueOptions {
  /** The clock for createdAt and the default notBefore (default: the system clock). */
  now?: Date;
}

export interface EnqueueManyOptions extends EnqueueOptions {
  /** Notices per INSERT statement (default 1000). */
  chunkSize?: number;
}

/** One enqueued notice, in the order of the inputs. */
export interface EnqueuedNotice {
  id: number;
  status: NoticeStatus;
  /** False when the dedupe key found a notice stored before (its id and status are returned). */
  created: boolean;
}

// --- Validation -------------------------------------------------------------------------------------

const noLineBreak = (v: string) => !/[\r\n]/.test(v);
const base = {
  event: z.string().trim().min(1, "is required").max(200),
  customerId: z.number().int().positive().nullable().optional(),
  to: z.string().max(320).nullable().optional(),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, "must be a language code like pl or en-GB")
    .optional(),
  dedupeKey: z.string().min(1).max(500).optional(),
  notBefore: z.date().optional(),
};
const attachmentSchema = z.object({
  filename: z.string().min(1).max(255).refine(noLineBreak, "must be one line"),
  content: z.instanceof(Buffer, { message: "must be a Buffer" }),
  contentType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, "must be a MIME type like application/pdf"),
  cid: z
    .string()
    .regex(/^[\w.@-]{1,200}$/, "must be a Content-ID like logo@hrdkit")
    .optional(),
});
const inputSchema = z.discriminatedUnion("channel", [
  z.object({
    ...base,
    channel: z.literal("email"),
    from: z.object({
      name: z.string().trim().min(1).max(200).refine(noLineBreak, "must be one line"),
      address: z.email("must be an e-mail address"),
    }),
    replyTo: z.email("must be an e-mail address").optional(),
    subject: z.string().trim().min(1, "is required").max(998).refine(noLineBreak, "must be one line"),
    html: z.string(),
    text: z.string().min(1, "is required"),
    attachments: z.array(attachmentSchema).max(20).optional(),
    headers: z
      .record(
        z.string().regex(/^[A-Za-z0-9-]+$/, "must be a header name"),
        z.string().refine(noLineBreak, "must be one line"),
      )
      .optional(),
  }),
  z.object({
    ...base,
    channel: z.literal("sms"),
    from: z.string().trim().min(1).max(16).optional(),
    text: z.string().min(1, "is required").max(1530),
  }),
  z.object({ ...base, channel: z.literal("phone"), text: z.string().min(1, "is required").max(5000) }),
]);

/** A notice ready for the INSERT. */
interface Prepared {
  key: string;
  event: string;
  channel: NotifyChannel;
  customerId: number | null;
  recipient: string | null;
  language: string;
  sender: string | null;
  senderName: string | null;
  replyTo: string | null;
  subject: string | null;
  html: string | null;
  body: string;
  headers: string | null;
  dedupeKey: string | null;
  status: NoticeStatus;
  reason: string | null;
  notBefore: Date;
  attachments: EmailAttachment[];
}

function prepare(v: z.output<typeof inputSchema>, now: Date): Prepared {
  const recipient = v.to ?? null;
  const problem = recipientProblem(v.channel, recipient);
  return {
    key: newIdempotencyKey(),
    event: v.event,
    channel: v.channel,
    customerId: v.customerId ?? null,
    recipient,
    language: v.language ?? "pl",
    sender: v.channel === "email" ? v.from.address : v.channel === "sms" ? (v.from ?? null) : null,
    senderName: v.channel === "email" ? v.from.name : null,
    replyTo: v.channel === "email" ? (v.replyTo ?? null) : null,
    subject: v.channel === "email" ? v.subject : null,
    html: v.channel === "email" ? v.html : null,
    body: v.text,
    headers: v.channel === "email" && v.headers ? JSON.stringify(v.headers) : null,
    dedupeKey: v.dedupeKey ?? null,
    status: problem ? "unsendable" : "queued",
    reason: problem,
    notBefore: v.notBefore ?? now,
    attachments: v.channel === "email" ? (v.attachments ?? []) : [],
  };
}

/** Parses every input; all bad fields of all inputs in one error (paths `3.subject`), nothing stored. */
function parseAll(operation: string, inputs: readonly unknown[], indexed: boolean, now: Date): Prepared[] {
  const issues: FieldIssue[] = [];
  const out: Prepared[] = [];
  inputs.forEach((input, i) => {
    const r = inputSchema.safeParse(input);
    if (r.success) out.push(prepare(r.data, now));
    else {
      for (const issue of r.error.issues) {
        const path = issue.path.map(String);
        issues.push({ path: (indexed ? [String(i), ...path] : path).join("."), message: issue.message });
      }
    }
  });
  if (issues.length > 0) throw new BillingValidationError(operation, issues);
  return out;
}

// --- Storing ----------------------------------------------------------------------------------------

/**
 * One statement for a chunk: the notices (skipping a dedupe key already stored, in the table or
 * earlier in the chunk) and the attachments of those inserted, matched by idempotency key.
 */
async function insertChunk(
  db: Db,
  chunk: readonly Prepared[],
  now: Date,
  createdBy: string | null,
  resentFrom: number | null,
): Promise<Map<string, { id: number; status: NoticeStatus }>> {
  const col = <K extends keyof Prepared>(k: K) => chunk.map((p) => p[k]);
  const att = chunk.flatMap((p) =>
    p.attachments.map((a, position) => ({
      key: p.key,
      position,
      ...a,
      sha256: createHash("sha256").update(a.content).digest("hex"),
    })),
  );
  // Each distinct content once per chunk, then once in the table.
  const blobs = new Map(att.map((a) => [a.sha256, a.content]));
  const { rows } = await db.query<{ id: number; idempotency_key: string; status: NoticeStatus }>(
    `WITH ins AS (
       INSERT INTO notices (idempotency_key, event, channel, customer_id, recipient, language, sender, sender_name,
         reply_to, subject, html, body, headers, dedupe_key, status, reason, next_attempt_at, created_at, updated_at,
         created_by, resent_from)
       SELECT k, ev, ch, cu, re, la, se, sn, rt, su, ht, bo, he::jsonb, dk, st, rs, nb, $18, $18, $19, $20
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[],
                   $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
                   $16::text[], $17::timestamptz[])
         AS u (k, ev, ch, cu, re, la, se, sn, rt, su, ht, bo, he, dk, st, rs, nb)
       ON CONFLICT (channel, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
       RETURNING id, idempotency_key, status
     ), blob AS (
       INSERT INTO notice_blobs (sha256, content)
       SELECT * FROM unnest($26::text[], $27::bytea[]) ON CONFLICT (sha256) DO NOTHING
     ), att AS (
       INSERT INTO notice_attachments (notice_id, position, filename, content_type, cid, size, sha256)
       SELECT ins.id, a.pos, a.fn, a.ct, a.ci, a.sz, a.sh
       FROM unnest($21::text[], $22::int[], $23::text[], $24::text[], $25::text[], $28::int[], $29::text[])
         AS a (k, pos, fn, ct, ci, sz, sh)
       JOIN ins ON ins.idempotency_key = a.k
     )
     SELECT id, idempotency_key, status FROM ins`,
    [
      col("key"),
      col("event"),
      col("channel"),
      col("customerId"),
      col("recipient"),
      col("language"),
      col("sender"),
      col("senderName"),
      col("replyTo"),
      col("subject"),
      col("html"),
      col("body"),
      col("headers"),
      col("dedupeKey"),
      col("status"),
      col("reason"),
      col("notBefore"),
      now,
      createdBy,
      resentFrom,
      att.map((a) => a.key),
      att.map((a) => a.position),
      att.map((a) => a.filename),
      att.map((a) => a.contentType),
      att.map((a) => a.cid ?? null),
      [...blobs.keys()],
      [...blobs.values()],
      att.map((a) => a.content.length),
      att.map((a) => a.sha256),
    ],
  );
  return new Map(rows.map((r) => [r.idempotency_key, { id: r.id, status: r.status }]));
}

/** Inserts prepared notices in chunks; resolves in input order, deduplicated ones pointing at the stored notice. */
async function store(db: Db, prepared: readonly Prepared[], now: Date, chunkSize: number) {
  const inserted = new Map<string, { id: number; status: NoticeStatus }>();
  for (let i = 0; i < prepared.length; i += chunkSize) {
    for (const [k, v] of await insertChunk(db, prepared.slice(i, i + chunkSize), now, null, null)) {
      inserted.set(k, v);
    }
  }
  const missed = prepared.filter((p) => !inserted.has(p.key));
  const existing = new Map<string, { id: number; status: NoticeStatus }>();
  if (missed.length > 0) {
    const { rows } = await db.query<{
      id: number;
      status: NoticeStatus;
      channel: string;
      dedupe_key: string;
    }>(
      `SELECT id, status, channel, dedupe_key FROM notices
        WHERE (channel, dedupe_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [missed.map((p) => p.channel), missed.map((p) => p.dedupeKey)],
    );
    for (const r of rows) existing.set(`${r.channel}\u0000${r.dedupe_key}`, { id: r.id, status: r.status });
  }
  return prepared.map((p): EnqueuedNotice => {
    const own = inserted.get(p.key);
    if (own) return { ...own, created: true };
    const found = existing.get(`${p.channel}\u0000${p.dedupeKey}`);
    // Only a dedupe conflict skips an insert, and the conflicting row is visible to us now.
    if (!found) throw new Error(`notice with dedupe key ${p.dedupeKey} was neither stored nor found`);
    return { ...found, created: false };
  });
}

async function withCustomersChecked<T>(db: Db, prepared: readonly Prepared[], run: () => Promise<T>) {
  try {
    return await run();
  } catch (err) {
    if (sqlState(err) !== "23503") throw err;
    const ids = [...new Set(prepared.map((p) => p.customerId).filter((c): c is number => c !== null))];
    const { rows } = await db.query<{ id: number }>(
      "SELECT c AS id FROM unnest($1::int[]) AS c WHERE c NOT IN (SELECT id FROM customers)",
      [ids],
    );
    throw new BillingNotFoundError(`customer ${rows.map((r) => r.id).join(", ")}`);
  }
}

/**
 * Stores one notice to be sent by the outbox worker (nothing is sent here). Resolves with the
 * stored notice — `queued`, or `unsendable` with the reason when the recipient is missing or
 * invalid — and whether it was created (false: its dedupe key found the notice stored before).
 * Throws BillingValidationError for a bad call (nothing stored).
 */
export async function enqueueNotice(
  db: Db,
  input: EnqueueNoticeInput,
  options: EnqueueOptions = {},
): Promise<{ notice: Notice; created: boolean }> {
  const now = options.now ?? new Date();
  const prepared = parseAll("enqueueNotice", [input], false, now);
  const [ref] = await withCustomersChecked(db, prepared, () => store(db, prepared, now, 1));
  const { rows } = await db.query<NoticeRow>(`SELECT ${NOTICE_COLUMNS} FROM notices WHERE id = $1`, [
    ref!.id,
  ]);
  const attachments = (await attachmentsOf(db, [ref!.id], false)).get(ref!.id) ?? [];
  return { notice: toNotice(rows[0]!, attachments), created: ref!.created };
}

/**
 * Stores many notices at once (a renewal run's reminders): one multi-row INSERT per chunk, all
 * in one transaction (all stored or none). Resolves with one entry per input, in order.
 */
export async function enqueueNotices(
  db: Db,
  inputs: readonly EnqueueNoticeInput[],
  options: EnqueueManyOptions = {},
): Promise<EnqueuedNotice[]> {
  const { chunkSize } = parseInput(
    "enqueueNotices",
    z.object({ chunkSize: z.number().int().min(1).max(10_000).optional() }),
    { chunkSize: options.chunkSize },
  );
  const now = options.now ?? new Date();
  const prepared = parseAll("enqueueNotices", inputs, true, now);
  if (prepared.length === 0) return [];
  return withCustomersChecked(db, prepared, () =>
    db.transaction((tx) => store(tx, prepared, now, chunkSize ?? 1000)),
  );
}

// --- Resend and cancel ----------------------------------------------------------------------------

export interface ResendNoticeOptions {
  /** Who asked (kept as the new notice's createdBy). */
  actor: string;
  /** Another recipient (e-mail address or E.164 phone); default the original's. */
  to?: string;
  now?: Date;
}

/**
 * Makes a NEW notice with the original's content (subject, bodies, attachments, sender) linked to
 * it by `resentFrom`, queued for the worker; the original stays as it was, so the history shows
 * both. Works whatever the original's status (an `uncertain` e-mail someone decided to resend, a
 * `failed` SMS to a corrected number, a `sent` one the customer asks for again).
 */
export async function resendNotice(db: Db, id: number, options: ResendNoticeOptions): Promise<Notice> {
  const v = parseInput(
    "resendNotice",
    z.object({
      id: z.number().int().positive(),
      actor: z.string().trim().min(1, "is required").max(200),
      to: z.string().trim().min(1).max(320).optional(),
      now: z.date().optional(),
    }),
    { id, ...options },
  );
  const now = v.now ?? new Date();
  const { rows } = await db.query<Pick<NoticeRow, "channel" | "recipient">>(
    "SELECT channel, recipient FROM notices WHERE id = $1",
    [v.id],
  );
  const original = rows[0];
  if (!original) throw new BillingNotFoundError(`notice ${v.id}`);
  const recipient = v.to ?? original.recipient;
  const problem = recipientProblem(original.channel, recipient);
  const inserted = await db.query<NoticeRow>(
    `WITH ins AS (
       INSERT INTO notices (idempotency_key, event, channel, customer_id, recipient, language, sender, sender_name,
         reply_to, subject, html, body, headers, status, reason, next_attempt_at, created_at, updated_at,
         created_by, resent_from)
       SELECT $2, event, channel, customer_id, $3, language, sender, sender_name, reply_to, subject, html, body,
              headers, $4, $5, $6, $6, $6, $7, id
       FROM notices WHERE id = $1
       RETURNING ${NOTICE_COLUMNS}
     ), att AS (
       INSERT INTO notice_attachments (notice_id, position, filename, content_type, cid, size, sha256)
       SELECT ins.id, a.position, a.filename, a.content_type, a.cid, a.size, a.sha256
       FROM ins, notice_attachments a WHERE a.notice_id = $1
     )
     SELECT * FROM ins`,
    [v.id, newIdempotencyKey(), recipient, problem ? "unsendable" : "queued", problem, now, v.actor],
  );
  const row = inserted.rows[0]!;
  // The new notice's attachments are the original's (the copy is not visible to this statement).
  const attachments = (await attachmentsOf(db, [v.id], false)).get(v.id) ?? [];
  return toNotice(row, attachments);
}

const CANCELLABLE: readonly NoticeStatus[] = ["queued", "failed", "unsendable", "uncertain"];

/**
 * Stops a notice that has not gone out (`queued`), or closes one a person has dealt with
 * (`failed`, `unsendable`, `uncertain`): status `cancelled`, reason naming the actor. A notice
 * being sent or already sent cannot be cancelled (BillingConflictError `not_cancellable`).
 */
export async function cancelNotice(
  db: Db,
  id: number,
  options: { actor: string; reason?: string; now?: Date },
): Promise<Notice> {
  const v = parseInput(
    "cancelNotice",
    z.object({
      id: z.number().int().positive(),
      actor: z.string().trim().min(1, "is required").max(200),
      reason: z.string().trim().min(1).max(1000).optional(),
      now: z.date().optional(),
    }),
    { id, ...options },
  );
  const now = v.now ?? new Date();
  const reason = `cancelled by ${v.actor}${v.reason ? `: ${v.reason}` : ""}`;
  const { rows } = await db.query<NoticeRow>(
    `UPDATE notices SET status = 'cancelled', reason = $2, updated_at = $3
      WHERE id = $1 AND status = ANY ($4::text[]) RETURNING ${NOTICE_COLUMNS}`,
    [v.id, reason, now, CANCELLABLE],
  );
  if (rows[0]) return toNotice(rows[0]);
  const found = await db.query<{ status: NoticeStatus }>("SELECT status FROM notices WHERE id = $1", [v.id]);
  if (!found.rows[0]) throw new BillingNotFoundError(`notice ${v.id}`);
  throw new BillingConflictError(
    `notice ${v.id} is ${found.rows[0].status}; only a ${CANCELLABLE.join(", ")} notice can be cancelled`,
    "not_cancellable",
  );
}
