/**
 * The notification outbox over HTTP: every notice billing stored (queued, sent, delivered, failed,
 * unsendable with the reason, uncertain, cancelled), one notice with each attempt to send it,
 * resend (a new notice, optionally to a corrected recipient) and cancel. Nothing here sends: the
 * outbox job does, within seconds.
 */
import {
  cancelNotice,
  getNotice,
  listNotices,
  NOTICE_STATUSES,
  type Notice,
  type NoticeAttempt,
  type NoticeStatus,
  resendNotice,
} from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { replyJournaled } from "../idempotency.js";
import { decodeCursor, encodeCursor, errorBody, idempotencyHeaders, idParams } from "./billing-schemas.js";
import { noticeChannel } from "./notify-templates.js";

const TAGS = ["notifications"];
/** The cursor's `order`: notices are listed newest first by id only. */
const ORDER = "notices";

const noticeStatus = z
  .enum(NOTICE_STATUSES as [NoticeStatus, ...NoticeStatus[]])
  .describe(
    "queued → sending → sent → delivered; or failed, unsendable (the recipient cannot be sent to as given), " +
      "uncertain (cut off mid-send on e-mail: a person decides) or cancelled",
  );

const attachmentOut = z.object({
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int().describe("Bytes"),
});

const noticeFields = {
  id: z.number(),
  event: z.string().describe("What the notice is about, e.g. `renewal.reminder`"),
  channel: noticeChannel,
  customerId: z.number().nullable(),
  recipient: z.string().nullable().describe("E-mail address or E.164 phone; null when the notice had none"),
  language: z.string(),
  sender: z
    .string()
    .nullable()
    .describe("E-mail: the From address; SMS: the sender name (null: the default)"),
  senderName: z.string().nullable().describe("E-mail: the From display name"),
  replyTo: z.string().nullable(),
  subject: z.string().nullable(),
  text: z.string().describe("The plain-text e-mail, the SMS, or what a voice call reads out"),
  headers: z.record(z.string(), z.string()).nullable(),
  attachments: z.array(attachmentOut).describe("E-mail attachments: what they are, not their bytes"),
  dedupeKey: z.string().nullable(),
  idempotencyKey: z
    .string()
    .describe("Given to the provider (the e-mail's Message-ID, SMSAPI's idx): find the message there by it"),
  status: noticeStatus,
  reason: z.string().nullable().describe("Why it failed, is unsendable, uncertain, cancelled, or waiting"),
  attemptCount: z.number().int(),
  nextAttemptAt: z.string().describe("Not sent before this (retries and quiet hours move it)"),
  leaseUntil: z.string().nullable().describe("While sending: when the worker's claim expires"),
  providerId: z.string().nullable().describe("The provider's id of the message"),
  parts: z.number().int().nullable().describe("SMS parts billed, when the provider said"),
  resentFrom: z.number().nullable().describe("The notice this one resends"),
  createdBy: z.string().nullable().describe("Who resent it; null for notices the system made"),
  createdAt: z.string(),
  updatedAt: z.string(),
  sentAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
};

const summaryOut = z
  .object(noticeFields)
  .meta({ id: "NoticeSummary", description: "A notice as lists show it (the HTML body is in GET …/{id})" });
const noticeOut = z
  .object({ ...noticeFields, html: z.string().nullable().describe("E-mail: the HTML body as sent") })
  .meta({ id: "Notice", description: "A notice in the outbox" });
const attemptOut = z.object({
  number: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  outcome: z.enum(["sending", "sent", "delivered", "retry", "failed", "unknown", "interrupted"]),
  error: z.string().nullable().describe("What the provider or the connection said"),
  providerId: z.string().nullable(),
  detail: z.string().nullable().describe("How the outcome was learnt when not from the provider's answer"),
});
const detailOut = z
  .object({ ...noticeFields, html: noticeOut.shape.html, attempts: z.array(attemptOut) })
  .meta({ id: "NoticeDetail", description: "A notice with every attempt to send it, oldest first" });

const listQuery = z.object({
  status: noticeStatus.optional(),
  channel: noticeChannel.optional(),
  customerId: z.coerce.number().int().positive().optional(),
  event: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
});

const resendBody = z
  .object({
    to: z
      .string()
      .optional()
      .describe(
        "Another recipient (e-mail address, or E.164 phone like +48500100200); default the original's",
      ),
  })
  .meta({ id: "ResendNotice", description: "Where the copy goes, when not where the original went" });

const cancelBody = z
  .object({ reason: z.string().optional().describe("Why, kept in the notice's reason") })
  .meta({ id: "CancelNotice", description: "Why the notice is cancelled" });

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function summaryJson(n: Notice): z.input<typeof summaryOut> {
  return {
    id: Number(n.id),
    event: n.event,
    channel: n.channel,
    customerId: n.customerId,
    recipient: n.recipient,
    language: n.language,
    sender: n.sender,
    senderName: n.senderName,
    replyTo: n.replyTo,
    subject: n.subject,
    text: n.text,
    headers: n.headers,
    attachments: n.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: Number(a.size),
    })),
    dedupeKey: n.dedupeKey,
    idempotencyKey: n.idempotencyKey,
    status: n.status,
    reason: n.reason,
    attemptCount: n.attemptCount,
    nextAttemptAt: new Date(n.nextAttemptAt).toISOString(),
    leaseUntil: iso(n.leaseUntil),
    providerId: n.providerId,
    parts: n.parts,
    resentFrom: n.resentFrom === null ? null : Number(n.resentFrom),
    createdBy: n.createdBy,
    createdAt: new Date(n.createdAt).toISOString(),
    updatedAt: new Date(n.updatedAt).toISOString(),
    sentAt: iso(n.sentAt),
    deliveredAt: iso(n.deliveredAt),
  };
}

const noticeJson = (n: Notice): z.input<typeof noticeOut> => ({ ...summaryJson(n), html: n.html });

const attemptJson = (a: NoticeAttempt): z.input<typeof attemptOut> => ({
  number: a.number,
  startedAt: new Date(a.startedAt).toISOString(),
  finishedAt: iso(a.finishedAt),
  outcome: a.outcome,
  error: a.error,
  providerId: a.providerId,
  detail: a.detail,
});

export function notifyOutboxRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/v1/notifications/notices",
    {
      schema: {
        operationId: "listNotices",
        summary: "List notices in the outbox",
        description:
          "Notices newest first, filtered by every filter given, by cursor: pass `nextCursor` as `cursor` with " +
          "the same filters for the next page; null on the last. A page never shifts as new notices arrive. " +
          "`status=unsendable` lists customers a notice could not reach (no or invalid address or phone); " +
          "`status=uncertain` lists e-mails cut off mid-send, for a person to resend or cancel.",
        tags: TAGS,
        querystring: listQuery,
        response: {
          200: z.object({ items: z.array(summaryOut), nextCursor: z.string().nullable() }).meta({
            id: "NoticePage",
            description: "A page of notices, newest first; nextCursor null on the last",
          }),
          400: errorBody,
          401: errorBody,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, ORDER).afterId;
      const page = await listNotices(ctx.db, {
        ...(q.status ? { status: q.status } : {}),
        ...(q.channel ? { channel: q.channel } : {}),
        ...(q.customerId ? { customerId: q.customerId } : {}),
        ...(q.event ? { event: q.event } : {}),
        ...(after ? { after } : {}),
        limit: q.limit,
      });
      return {
        items: page.notices.map(summaryJson),
        nextCursor: page.next === null ? null : encodeCursor({ afterId: Number(page.next), order: ORDER }),
      };
    },
  );

  r.get(
    "/v1/notifications/notices/:id",
    {
      schema: {
        operationId: "getNotice",
        summary: "Get a notice with its attempts",
        description:
          "The notice as stored (bodies, recipient, status and reason) with every attempt to send it, oldest " +
          "first: when, the outcome, what the provider said. Attachments are listed by name, type and size.",
        tags: TAGS,
        params: idParams,
        response: { 200: detailOut, 400: errorBody, 401: errorBody, 404: errorBody },
      },
    },
    async (req) => {
      const n = await getNotice(ctx.db, req.params.id);
      return { ...noticeJson(n), attempts: n.attempts.map(attemptJson) };
    },
  );

  r.post(
    "/v1/notifications/notices/:id/resend",
    {
      config: { audit: "notify.notice.resend" },
      schema: {
        operationId: "resendNotice",
        summary: "Send a notice again, as a new notice",
        description:
          "Makes a NEW notice with the original's content (subject, bodies, attachments, sender), linked by " +
          "`resentFrom` and queued: the outbox sends it within seconds. The original stays as it was. Works " +
          "whatever the original's status: an `uncertain` e-mail someone checked, a `failed` SMS to a corrected " +
          "number (`to`), a `sent` one the customer asks for again. An invalid `to` makes the copy `unsendable` " +
          "with the reason. Needs an Idempotency-Key: a repeat returns the first copy (`replayed: true`) and " +
          "never sends twice.",
        tags: TAGS,
        params: idParams,
        headers: idempotencyHeaders,
        body: resendBody,
        response: {
          201: noticeOut
            .extend({
              replayed: z.boolean().describe("True when this is the stored answer of an earlier call"),
            })
            .meta({ id: "ResentNotice", description: "The new notice (on a replay, the first one)" }),
          400: errorBody,
          401: errorBody,
          404: errorBody,
          409: errorBody,
          422: errorBody,
        },
      },
    },
    async (req, reply) => {
      const id = req.params.id;
      return replyJournaled(ctx.db, req, reply, "notify.notice.resend", { id, ...req.body }, async () => {
        const notice = await resendNotice(ctx.db, id, {
          actor: `api-key:${req.keyId}`,
          ...(req.body.to === undefined ? {} : { to: req.body.to }),
          now: ctx.now(),
        });
        return { statusCode: 201, body: noticeJson(notice) };
      }) as never;
    },
  );

  r.post(
    "/v1/notifications/notices/:id/cancel",
    {
      config: { audit: "notify.notice.cancel" },
      schema: {
        operationId: "cancelNotice",
        summary: "Cancel a notice that has not gone out",
        description:
          "Stops a `queued` notice, or closes a `failed`, `unsendable` or `uncertain` one a person has dealt " +
          "with: status `cancelled`, the reason naming who cancelled it. A notice being sent or already sent " +
          "(or cancelled) is a 409 `not_cancellable`, nothing changed.",
        tags: TAGS,
        params: idParams,
        body: cancelBody,
        response: { 200: noticeOut, 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (req) =>
      noticeJson(
        await cancelNotice(ctx.db, req.params.id, {
          actor: `api-key:${req.keyId}`,
          ...(req.body.reason === undefined ? {} : { reason: req.body.reason }),
          now: ctx.now(),
        }),
      ),
  );
}
