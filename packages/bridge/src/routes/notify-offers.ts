/**
 * Offers over HTTP: the partner writes a commercial message (a draft), previews whom a segment
 * reaches, sends it, and follows who got it. Sending only queues notices, one e-mail (and SMS)
 * per customer of the segment whose consent is in force at that moment, each with its own signed
 * unsubscribe link to this bridge's public page (`<HRDKIT_PUBLIC_URL>/unsubscribe`, see
 * notify-unsubscribe.ts); the outbox worker delivers them later, paced by HRDKIT_OFFER_RATE.
 */
import {
  CONSENT_KINDS,
  CUSTOMER_SERVICE_STATUSES,
  CUSTOMER_TYPES,
  cancelOffer,
  createOffer,
  getNotifySettings,
  getOffer,
  getSellerSettings,
  listOfferRecipients,
  listOffers,
  NOTICE_LANGUAGES,
  OFFER_CHANNELS,
  OFFER_STATUSES,
  type Offer,
  type OfferCounts,
  type OfferInput,
  type OfferRecipient,
  type OfferSegment,
  previewSegment,
  SERVICE_KINDS,
  type SegmentPreview,
  sendOffer,
  updateOffer,
} from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { BridgeError } from "../errors.js";
import { replyJournaled } from "../idempotency.js";
import { decodeCursor, encodeCursor, errorBody, idempotencyHeaders, idParams } from "./billing-schemas.js";
import { UNSUBSCRIBE_PATH } from "./notify-unsubscribe.js";

const TAGS = ["notifications"];
const ORDER = "offers";
/** Recipient cursors name their offer: one offer's cursor is refused on another's list. */
const recipientsOrder = (offerId: number) => `offer-recipients:${offerId}`;

const offerChannel = z.enum(OFFER_CHANNELS);
const consentKind = z
  .enum(CONSENT_KINDS)
  .describe("The consent a customer must have in force when it is sent");
const offerLanguage = z
  .enum(NOTICE_LANGUAGES)
  .describe("The language of the unsubscribe footer and SMS opt-out line the bridge adds");
const offerStatus = z
  .enum(OFFER_STATUSES)
  .describe("draft → sending → sent; a draft or an unfinished send may be cancelled");
const day = z.string().describe("A day, YYYY-MM-DD (Warsaw)");

// Types only: billing checks the values (real days, ranges, TLDs) and names every bad field.
const segment = z
  .strictObject({
    customerTypes: z.array(z.enum(CUSTOMER_TYPES)).optional(),
    priceGroupIds: z
      .array(z.number().int())
      .optional()
      .describe("A customer with no price group of its own counts as in the default group"),
    createdFrom: day.optional().describe("Customers since this day (inclusive)"),
    createdTo: day.optional().describe("Customers created up to this day (inclusive)"),
    services: z
      .strictObject({
        kinds: z.array(z.enum(SERVICE_KINDS)).optional(),
        tlds: z
          .array(z.string())
          .optional()
          .describe("Without the dot, exact: `pl` does not include `com.pl`"),
        expiringFrom: day.optional(),
        expiringTo: day.optional(),
        statuses: z.array(z.enum(CUSTOMER_SERVICE_STATUSES)).optional().describe("Default [active]"),
      })
      .optional()
      .describe("Customers holding at least one service that meets every condition given"),
  })
  .meta({
    id: "OfferSegment",
    description: "Whom an offer is meant for: every condition given must hold; `{}` is every customer",
  });

const countsOut = z
  .object({
    recipients: z.number().int().describe("Customers who got at least one notice queued"),
    emails: z.number().int(),
    sms: z.number().int(),
    skipped: z.number().int().describe("Customers with consent but nowhere to send to (see the recipients)"),
  })
  .meta({ id: "OfferCounts", description: "Customers and notices an offer was queued for" });

const offerFields = {
  id: z.number().int(),
  title: z.string().describe("The partner's own name for it (customers never see it)"),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  smsText: z.string().nullable(),
  channels: z.array(offerChannel),
  segment,
  language: offerLanguage,
  consentKind,
  status: offerStatus,
  createdBy: z.string(),
  createdAt: z.string(),
  updatedBy: z.string(),
  updatedAt: z.string(),
  sendStartedAt: z.string().nullable().describe("When the first send began"),
  sentBy: z.string().nullable(),
  sentAt: z.string().nullable().describe("When the first send finished queueing (not delivery)"),
  cancelledBy: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  counts: countsOut,
};
const offerOut = z
  .object(offerFields)
  .meta({ id: "Offer", description: "An offer and what was queued for it" });

const contentFields = {
  title: z.string(),
  subject: z.string().describe("Handlebars: `{{customerName}}`, `{{sellerName}}`, … (one line)"),
  html: z
    .string()
    .describe("The e-mail's inner HTML; the partner's frame and an unsubscribe footer are added"),
  text: z.string().describe("The e-mail's plain text; an unsubscribe line is added"),
  smsText: z.string().nullable().describe("Required when `channels` has sms; an opt-out line is added"),
  channels: z.array(offerChannel).describe("Default [email]"),
  segment,
  language: offerLanguage,
  consentKind: consentKind.describe("Default offers"),
  actor: z.string().describe("Who wrote it (createdBy / updatedBy); default `api-key:<key id>`"),
};
const createBody = z
  .strictObject({
    ...contentFields,
    smsText: contentFields.smsText.optional(),
    channels: contentFields.channels.optional(),
    segment: segment.optional(),
    language: contentFields.language.optional(),
    consentKind: contentFields.consentKind.optional(),
    actor: contentFields.actor.optional(),
  })
  .meta({ id: "CreateOffer", description: "A draft offer; every field may name only the offer variables" });
const updateBody = z
  .strictObject(
    Object.fromEntries(Object.entries(contentFields).map(([k, v]) => [k, v.optional()])) as {
      [K in keyof typeof contentFields]: z.ZodOptional<(typeof contentFields)[K]>;
    },
  )
  .meta({ id: "UpdateOffer", description: "Changes to a draft: fields left out stay" });

const previewBody = z
  .strictObject({
    segment: segment.optional().describe("Default {}: every customer"),
    consentKind: consentKind.optional().describe("Default offers"),
    at: z.iso
      .datetime({ offset: true })
      .optional()
      .describe("Whose consent is in force at this moment (default now)"),
  })
  .meta({ id: "PreviewSegment", description: "A segment to count, as an offer would use it" });
const previewOut = z
  .object({
    matching: z.number().int().describe("Customers the segment matches"),
    withConsent: z.number().int().describe("Of those, who would receive the offer (consent in force)"),
    withoutConsent: z.number().int(),
    sample: z
      .array(
        z.object({
          customerId: z.number().int(),
          name: z.string(),
          type: z.enum(CUSTOMER_TYPES),
          email: z.string().nullable(),
          mobilePhone: z.string().nullable(),
        }),
      )
      .describe("Up to 10 customers who would receive it, by id"),
  })
  .meta({ id: "SegmentPreview", description: "How many customers a segment reaches, with a sample" });

const sendBody = z
  .strictObject({
    actor: z.string().optional().describe("Who sent it (sentBy); default `api-key:<key id>`"),
    replyTo: z.string().optional().describe("Where replies go (an e-mail address); default the sender"),
  })
  .meta({ id: "SendOffer", description: "Who sends the offer, and where replies go" });
const sentOut = offerOut
  .extend({
    handled: countsOut.describe("Queued by this call (a resumed or repeated send counts only the new ones)"),
    alreadyHandled: z.number().int().describe("Customers handled by earlier sends, left alone"),
    replayed: z.boolean().describe("True when this is the stored answer of an earlier call"),
  })
  .meta({
    id: "SentOffer",
    description: "The offer once its notices are queued, with what this send queued",
  });

const actorBody = z
  .strictObject({ actor: z.string().optional().describe("Who did it; default `api-key:<key id>`") })
  .meta({ id: "CancelOffer", description: "Who cancels the offer" });

const listQuery = z.object({
  status: offerStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
});
const recipientsQuery = z.object({
  skipped: z
    .enum(["true", "false"])
    .optional()
    .describe("true: only customers nothing was sent to; false: only those who got a notice"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
});
const recipientOut = z.object({
  customerId: z.number().int(),
  emailNoticeId: z.number().nullable().describe("GET /v1/notifications/notices/{id}"),
  smsNoticeId: z.number().nullable(),
  skippedReason: z.string().nullable().describe("Why nothing was sent (no e-mail address, no mobile phone)"),
  recordedAt: z.string(),
});

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

const countsJson = (c: OfferCounts): z.input<typeof countsOut> => ({
  recipients: c.recipients,
  emails: c.emails,
  sms: c.sms,
  skipped: c.skipped,
});

function offerJson(o: Offer): z.input<typeof offerOut> {
  return {
    id: Number(o.id),
    title: o.title,
    subject: o.subject,
    html: o.html,
    text: o.text,
    smsText: o.smsText,
    channels: o.channels,
    segment: o.segment as z.input<typeof segment>,
    language: o.language,
    consentKind: o.consentKind,
    status: o.status,
    createdBy: o.createdBy,
    createdAt: new Date(o.createdAt).toISOString(),
    updatedBy: o.updatedBy,
    updatedAt: new Date(o.updatedAt).toISOString(),
    sendStartedAt: iso(o.sendStartedAt),
    sentBy: o.sentBy,
    sentAt: iso(o.sentAt),
    cancelledBy: o.cancelledBy,
    cancelledAt: iso(o.cancelledAt),
    counts: countsJson(o.counts),
  };
}

const recipientJson = (r: OfferRecipient): z.input<typeof recipientOut> => ({
  customerId: r.customerId,
  emailNoticeId: r.emailNoticeId === null ? null : Number(r.emailNoticeId),
  smsNoticeId: r.smsNoticeId === null ? null : Number(r.smsNoticeId),
  skippedReason: r.skippedReason,
  recordedAt: new Date(r.recordedAt).toISOString(),
});

const previewJson = (p: SegmentPreview): z.input<typeof previewOut> => ({
  matching: p.matching,
  withConsent: p.withConsent,
  withoutConsent: p.withoutConsent,
  sample: p.sample,
});

/**
 * Where the unsubscribe links point and what signs them; a 409 naming each variable to set when
 * either is missing. Checked before anything is read: no offer can go out without a way out.
 */
function unsubscribeSetup(ctx: BridgeContext): { baseUrl: string; secret: string } {
  const publicUrl = ctx.notify?.publicUrl;
  const secret = ctx.notify?.unsubscribeSecret;
  if (publicUrl && secret) return { baseUrl: `${publicUrl}${UNSUBSCRIBE_PATH}`, secret };
  const missing = [
    ...(publicUrl
      ? []
      : ["HRDKIT_PUBLIC_URL (the address customers reach the bridge at, e.g. https://bridge.example.pl)"]),
    ...(secret ? [] : ["HRDKIT_UNSUBSCRIBE_SECRET (at least 32 characters, e.g. `openssl rand -base64 32`)"]),
  ];
  throw new BridgeError(
    409,
    "offers_not_configured",
    `offers cannot be sent: set ${missing.join(" and ")} in the bridge's environment and restart it. ` +
      "Every copy of an offer carries an unsubscribe link to <HRDKIT_PUBLIC_URL>/unsubscribe, signed with the secret.",
  );
}

/** The segment as billing takes it (the route checked its types only). */
const segmentOf = (s: z.output<typeof segment> | undefined): OfferSegment => (s ?? {}) as OfferSegment;

export function notifyOfferRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const actorOf = (given: string | undefined, keyId: string | undefined) => given ?? `api-key:${keyId}`;

  r.post(
    "/v1/notifications/offers",
    {
      config: { audit: "notify.offer.create" },
      schema: {
        operationId: "createOffer",
        summary: "Create a draft offer",
        description:
          "Stores a draft; nothing is sent. The subject, HTML, text and SMS are Handlebars like templates, with " +
          "the offer variables only: `customerName`, `sellerName`, `sellerEmail`, `sellerPhone`, `panelUrl`, " +
          "`unsubscribeUrl`. The way out is added whatever the partner writes (an unsubscribe footer in the " +
          "e-mail, an opt-out line in the SMS, RFC 8058 one-click headers). A 400 names every bad field: a " +
          "missing part, an unknown variable, a bad segment, SMS without `smsText`. Creating a draft twice " +
          "makes two drafts (cancel one); only sending takes an Idempotency-Key.",
        tags: TAGS,
        body: createBody,
        response: { 201: offerOut, 400: errorBody, 401: errorBody },
      },
    },
    async (req, reply) => {
      const { actor, ...input } = req.body;
      const offer = await createOffer(
        ctx.db,
        { ...input, ...(input.segment ? { segment: segmentOf(input.segment) } : {}) } as OfferInput,
        actorOf(actor, req.keyId),
      );
      return reply.status(201).send(offerJson(offer));
    },
  );

  r.get(
    "/v1/notifications/offers",
    {
      schema: {
        operationId: "listOffers",
        summary: "List offers",
        description:
          "Offers newest first, optionally of one status, by cursor: pass `nextCursor` as `cursor` with the " +
          "same filter for the next page; null on the last.",
        tags: TAGS,
        querystring: listQuery,
        response: {
          200: z.object({ items: z.array(offerOut), nextCursor: z.string().nullable() }).meta({
            id: "OfferPage",
            description: "A page of offers, newest first; nextCursor null on the last",
          }),
          400: errorBody,
          401: errorBody,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, ORDER).afterId;
      const page = await listOffers(ctx.db, {
        ...(q.status ? { status: q.status } : {}),
        ...(after ? { after } : {}),
        limit: q.limit,
      });
      return {
        items: page.offers.map(offerJson),
        nextCursor: page.next === null ? null : encodeCursor({ afterId: page.next, order: ORDER }),
      };
    },
  );

  r.get(
    "/v1/notifications/offers/:id",
    {
      schema: {
        operationId: "getOffer",
        summary: "Get an offer",
        description: "The offer as stored, its status, and the counts of what was queued for it so far.",
        tags: TAGS,
        params: idParams,
        response: { 200: offerOut, 400: errorBody, 401: errorBody, 404: errorBody },
      },
    },
    async (req) => offerJson(await getOffer(ctx.db, req.params.id)),
  );

  r.patch(
    "/v1/notifications/offers/:id",
    {
      config: { audit: "notify.offer.update" },
      schema: {
        operationId: "updateOffer",
        summary: "Change a draft offer",
        description:
          "Changes the fields given; the result is checked whole (turning SMS on needs `smsText`), with a 400 " +
          "naming every bad field. Only a draft changes: once sending began, what went out must stay what the " +
          "offer says (409 `offer_not_draft`).",
        tags: TAGS,
        params: idParams,
        body: updateBody,
        response: { 200: offerOut, 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (req) => {
      const { actor, ...changes } = req.body;
      const offer = await updateOffer(
        ctx.db,
        req.params.id,
        {
          ...changes,
          ...(changes.segment ? { segment: segmentOf(changes.segment) } : {}),
        } as Partial<OfferInput>,
        actorOf(actor, req.keyId),
      );
      return offerJson(offer);
    },
  );

  r.post(
    "/v1/notifications/segments/preview",
    {
      schema: {
        operationId: "previewOfferSegment",
        summary: "Count whom a segment reaches",
        description:
          "How many customers the segment matches, how many of them have the consent in force at `at` (who " +
          "would receive an offer sent then), and up to 10 of those. Nothing is stored or sent. A bad segment is " +
          "a 400 naming every bad field, as creating an offer with it would be.",
        tags: TAGS,
        body: previewBody,
        response: { 200: previewOut, 400: errorBody, 401: errorBody },
      },
    },
    async (req) => {
      const b = req.body;
      return previewJson(
        await previewSegment(
          ctx.db,
          segmentOf(b.segment),
          b.at === undefined ? ctx.now() : new Date(b.at),
          b.consentKind ? { consentKind: b.consentKind } : {},
        ),
      );
    },
  );

  r.post(
    "/v1/notifications/offers/:id/send",
    {
      config: { audit: "notify.offer.send" },
      schema: {
        operationId: "sendOffer",
        summary: "Send an offer to the customers of its segment who consented",
        description:
          "Queues one e-mail (and one SMS when the offer goes by SMS) for every customer of the segment whose " +
          "consent is in force now, each with its own unsubscribe link to `<HRDKIT_PUBLIC_URL>/unsubscribe` " +
          "(signed with HRDKIT_UNSUBSCRIBE_SECRET; either unset → 409 `offers_not_configured` naming it). " +
          "Customers with consent but no address or mobile phone are counted as `skipped` (see the recipients). " +
          "The call returns once everything is queued (500 customers a transaction: a send to tens of " +
          "thousands takes a while, give it a long timeout); delivery happens later, by the outbox worker, at " +
          "most HRDKIT_OFFER_RATE messages a second on e-mail and on SMS each (the rate applies to the whole " +
          "channel, other notices included). The sender, SMS sender name and panel address come from the " +
          "notification settings; the seller settings must be set (409 `no_seller`). Needs an Idempotency-Key: " +
          "a repeat returns the first answer (`replayed: true`). Nobody ever gets an offer twice: a send cut off " +
          "by a restart resumes with another call, and sending a sent offer again reaches only customers who " +
          "joined the segment or consented since. A cancelled offer is a 409 `offer_cancelled`.",
        tags: TAGS,
        params: idParams,
        headers: idempotencyHeaders,
        body: sendBody,
        response: {
          200: sentOut,
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
      // Before the journal: a refusal here frees nothing and says what to configure.
      const links = unsubscribeSetup(ctx);
      return replyJournaled(ctx.db, req, reply, "notify.offer.send", { id, ...req.body }, async () => {
        const settings = await getNotifySettings(ctx.db);
        const seller = await getSellerSettings(ctx.db);
        const result = await sendOffer(ctx.db, id, {
          at: ctx.now(),
          actor: actorOf(req.body.actor, req.keyId),
          unsubscribeBaseUrl: links.baseUrl,
          secret: links.secret,
          branding: { seller, ...(settings.panelUrl ? { panelUrl: settings.panelUrl } : {}) },
          ...(settings.mailFrom
            ? { from: { name: settings.mailFrom.name ?? seller.name, address: settings.mailFrom.address } }
            : {}),
          ...(req.body.replyTo ? { replyTo: req.body.replyTo } : {}),
          ...(settings.smsSender ? { smsFrom: settings.smsSender } : {}),
        });
        return {
          statusCode: 200,
          body: {
            ...offerJson(result.offer),
            handled: countsJson(result.handled),
            alreadyHandled: result.alreadyHandled,
          },
        };
      }) as never;
    },
  );

  r.post(
    "/v1/notifications/offers/:id/cancel",
    {
      config: { audit: "notify.offer.cancel" },
      schema: {
        operationId: "cancelOffer",
        summary: "Cancel a draft offer or a send under way",
        description:
          "A draft is cancelled; a send under way stops after the batch it is on, and the offer's notices still " +
          "waiting in the outbox are cancelled. What already went out stays sent and its unsubscribe links keep " +
          "working. Cancelling a cancelled offer changes nothing; a sent offer is a 409 `offer_sent`.",
        tags: TAGS,
        params: idParams,
        body: actorBody,
        response: { 200: offerOut, 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (req) =>
      offerJson(
        await cancelOffer(ctx.db, req.params.id, actorOf(req.body.actor, req.keyId), { now: ctx.now() }),
      ),
  );

  r.get(
    "/v1/notifications/offers/:id/recipients",
    {
      schema: {
        operationId: "listOfferRecipients",
        summary: "The customers an offer was queued for",
        description:
          "Every customer a send handled, by customer id, with the notices queued for them (follow them in the " +
          "outbox: GET /v1/notifications/notices/{id}) or why none was (`skippedReason`), by cursor: pass " +
          "`nextCursor` as `cursor` with the same filter for the next page; null on the last.",
        tags: TAGS,
        params: idParams,
        querystring: recipientsQuery,
        response: {
          200: z.object({ items: z.array(recipientOut), nextCursor: z.string().nullable() }).meta({
            id: "OfferRecipientPage",
            description: "A page of an offer's recipients, by customer id",
          }),
          400: errorBody,
          401: errorBody,
          404: errorBody,
        },
      },
    },
    async (req) => {
      const id = req.params.id;
      const q = req.query;
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, recipientsOrder(id)).afterId;
      const page = await listOfferRecipients(ctx.db, id, {
        ...(after ? { after } : {}),
        ...(q.skipped === undefined ? {} : { skipped: q.skipped === "true" }),
        limit: q.limit,
      });
      return {
        items: page.recipients.map(recipientJson),
        nextCursor:
          page.next === null ? null : encodeCursor({ afterId: page.next, order: recipientsOrder(id) }),
      };
    },
  );
}
