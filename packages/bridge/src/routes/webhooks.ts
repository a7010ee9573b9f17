/**
 * Webhooks over HTTP: partners register endpoints (the signing secret is shown once), change,
 * rotate, ping and delete them, and read the delivery log with every attempt, redelivering what
 * their receiver missed. Sending is the delivery job's work (webhooks/deliver.ts), not a route's.
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { BridgeError } from "../errors.js";
import { errorBody } from "../openapi.js";
import { pingEndpoint } from "../webhooks/deliver.js";
import {
  createEndpoint,
  DEFAULT_ROTATION_OVERLAP_MS,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  MAX_DESCRIPTION_LENGTH,
  MAX_URL_LENGTH,
  rotateEndpointSecret,
  updateEndpoint,
  WEBHOOK_ID,
  type WebhookEndpoint,
  webhookUrlProblem,
} from "../webhooks/endpoints.js";
import { EVENT_TYPES, PING_EVENT_TYPE } from "../webhooks/events.js";
import {
  DELIVERY_ID,
  DELIVERY_STATUSES,
  getDelivery,
  listDeliveries,
  redeliver,
  type WebhookDelivery,
  type WebhookDeliveryDetail,
} from "../webhooks/log.js";
import { decodeCursor, encodeCursor } from "./billing-schemas.js";

const TAGS = ["webhooks"];
const EVERY_TYPE = EVENT_TYPES.join(", ");

/** An error status documented with what it means on this route. */
const refusal = (description: string) => ({
  description,
  content: { "application/json": { schema: errorBody } },
});

const idParams = z.object({
  id: z.string().regex(WEBHOOK_ID, "must be a webhook id: wh_ and 24 hex digits"),
});
const deliveryParams = z.object({
  deliveryId: z.string().regex(DELIVERY_ID, "must be a delivery id: whd_ and 24 hex digits"),
});

const urlIn = z
  .string()
  .max(MAX_URL_LENGTH)
  .superRefine((v, c) => {
    const problem = webhookUrlProblem(v);
    if (problem) c.addIssue({ code: "custom", message: problem });
  })
  .describe("Where deliveries are POSTed: http:// or https://, no user name or password in it");
const eventsIn = z
  .array(z.enum([...EVENT_TYPES, "*"], { error: () => `unknown event type; one of: ${EVERY_TYPE}, *` }))
  .min(1, "subscribe to at least one event type")
  .superRefine((v, c) => {
    if (v.includes("*") && v.length > 1)
      c.addIssue({ code: "custom", message: '"*" (every type) stands alone' });
  })
  .describe(`Event types to receive (${EVERY_TYPE}), or ["*"] for every type, also those added later`);
const descriptionIn = z.string().max(MAX_DESCRIPTION_LENGTH);

const createBody = z
  .object({
    url: urlIn,
    events: eventsIn,
    description: descriptionIn.optional().describe("For people: whose receiver this is, what it does"),
    enabled: z.boolean().optional().describe("Default true; a disabled endpoint queues nothing"),
  })
  .meta({ id: "CreateWebhook", description: "A receiver to register and the event types it wants" });

const updateBody = z
  .object({
    url: urlIn.optional(),
    events: eventsIn.optional(),
    description: descriptionIn.nullable().optional().describe("null clears it"),
    enabled: z
      .boolean()
      .optional()
      .describe("false: new events are not queued for it; queued deliveries wait until it is enabled again"),
  })
  .meta({ id: "UpdateWebhook", description: "A partial change: fields left out stay" });

// A query parameter, not a body: the usual call sends nothing at all.
const rotateQuery = z.object({
  previousSecretValidHours: z.coerce
    .number()
    .int()
    .min(0)
    .max(168)
    .optional()
    .describe("How long the old secret keeps signing beside the new one, hours (default 24; 0 after a leak)"),
});

const endpointOut = z
  .object({
    id: z.string().describe("`wh_` and 24 hex digits"),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()).describe('Event types subscribed to, or ["*"]'),
    enabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
    secretRotatedAt: z.string().nullable(),
    previousSecretExpiresAt: z
      .string()
      .nullable()
      .describe("After a rotation, until when deliveries are also signed with the previous secret"),
  })
  .meta({ id: "Webhook", description: "A registered receiver (its secret is never shown again)" });

const withSecretOut = endpointOut
  .extend({
    secret: z
      .string()
      .describe(
        "`whsec_…`: the signing secret, shown this once. Store it with the receiver's configuration.",
      ),
  })
  .meta({
    id: "WebhookWithSecret",
    description: "A receiver and its new signing secret, shown this once (on creation and rotation only)",
  });

const eventOut = z
  .object({
    id: z.string().describe("`evt_` and 24 hex digits: the receiver's deduplication key"),
    type: z.string().describe(`One of ${EVERY_TYPE}, or ${PING_EVENT_TYPE}`),
    createdAt: z.string(),
    data: z.record(z.string(), z.unknown()).describe("The event's payload (see the webhooks guide)"),
  })
  .meta({ id: "WebhookEvent", description: "An event exactly as its deliveries carry it in their body" });

const deliveryOut = z
  .object({
    id: z.string().describe("`whd_` and 24 hex digits"),
    webhookId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    status: z
      .enum(DELIVERY_STATUSES)
      .describe(
        "pending: due or waiting for a retry; delivered: a 2xx came back; failed: every attempt failed",
      ),
    attemptCount: z.number().int(),
    nextAttemptAt: z.string().nullable().describe("When the next attempt is due (pending only)"),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "WebhookDelivery", description: "One event's delivery to one receiver" });

const attemptOut = z
  .object({
    number: z.number().int().describe("1 for the first attempt; redeliveries count on"),
    at: z.string(),
    durationMs: z.number().int(),
    ok: z.boolean().describe("True when the receiver answered 2xx in time"),
    statusCode: z.number().int().nullable().describe("The receiver's HTTP status; null when none came"),
    error: z.string().nullable().describe("Why the attempt failed (status, timeout, refused connection…)"),
    responseExcerpt: z.string().nullable().describe("The start of the receiver's answer (at most 1 KiB)"),
  })
  .meta({ id: "WebhookAttempt", description: "One POST to the receiver and what came of it" });

const deliveryDetailOut = deliveryOut
  .extend({ event: eventOut, attempts: z.array(attemptOut).describe("Every attempt, oldest first") })
  .meta({ id: "WebhookDeliveryDetail", description: "A delivery with its event and every attempt" });

const limit = z.coerce.number().int().min(1).max(200).default(50);
const cursor = z.string().max(400).optional().describe("nextCursor of the previous page");

const listQuery = z.object({
  enabled: z.enum(["true", "false"]).optional(),
  event: z
    .enum(EVENT_TYPES)
    .optional()
    .describe("Only endpoints receiving this type (subscribed to it or to *)"),
  limit,
  cursor,
});
const deliveriesQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  eventType: z.enum([...EVENT_TYPES, PING_EVENT_TYPE]).optional(),
  limit,
  cursor,
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const endpointJson = (e: WebhookEndpoint) => ({
  ...e,
  createdAt: e.createdAt.toISOString(),
  updatedAt: e.updatedAt.toISOString(),
  secretRotatedAt: iso(e.secretRotatedAt),
  previousSecretExpiresAt: iso(e.previousSecretExpiresAt),
});
const deliveryJson = (d: WebhookDelivery) => ({
  id: d.id,
  webhookId: d.webhookId,
  eventId: d.eventId,
  eventType: d.eventType,
  status: d.status,
  attemptCount: d.attemptCount,
  nextAttemptAt: iso(d.nextAttemptAt),
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  deliveredAt: iso(d.deliveredAt),
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
});
const detailJson = (d: WebhookDeliveryDetail) => ({
  ...deliveryJson(d),
  event: {
    ...d.event,
    createdAt: d.event.createdAt.toISOString(),
    data: d.event.data as Record<string, unknown>,
  },
  attempts: d.attempts.map((a) => ({ ...a, at: a.at.toISOString() })),
});

const notFound = refusal("`not_found`: no webhook (or delivery) with this id at the bridge.");
const ENDPOINTS_ORDER = "webhooks";
const DELIVERIES_ORDER = "deliveries-newest";

export function webhookRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    "/v1/webhooks",
    {
      config: { audit: "webhooks.create" },
      schema: {
        operationId: "createWebhook",
        summary: "Register a webhook endpoint",
        description:
          "Registers a receiver URL for the event types given (or `*`) and answers with its signing secret " +
          "`whsec_…`, shown this once: every delivery is signed with it (`X-Hrdkit-Webhook-Signature`). Bad " +
          "input (a URL that is not http/https, credentials in the URL, an unknown event type) is a 400 naming " +
          "every bad field; nothing is written. Each call registers a new endpoint (no Idempotency-Key: a " +
          "stored replay would have to hand the secret out again); delete a duplicate with deleteWebhook.",
        tags: TAGS,
        body: createBody,
        response: { 201: withSecretOut, 400: errorBody, 401: errorBody },
      },
    },
    async (req, reply) => {
      const { endpoint, secret } = await createEndpoint(ctx.db, req.body, ctx.now());
      return reply.status(201).send({ ...endpointJson(endpoint), secret });
    },
  );

  r.get(
    "/v1/webhooks",
    {
      schema: {
        operationId: "listWebhooks",
        summary: "List webhook endpoints",
        description:
          "Registered endpoints, oldest first, by cursor; filter by `enabled` and by an event type they " +
          "receive. Secrets are never listed. Pass `nextCursor` as `cursor` for the next page (null on the last).",
        tags: TAGS,
        querystring: listQuery,
        response: {
          200: z.object({ items: z.array(endpointOut), nextCursor: z.string().nullable() }).meta({
            id: "WebhookPage",
            description: "A page of webhook endpoints; nextCursor null on the last",
          }),
          400: errorBody,
          401: errorBody,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await listEndpoints(
        ctx.db,
        {
          ...(q.enabled === undefined ? {} : { enabled: q.enabled === "true" }),
          ...(q.event === undefined ? {} : { event: q.event }),
          ...(q.cursor === undefined ? {} : { afterSeq: decodeCursor(q.cursor, ENDPOINTS_ORDER).afterId }),
          limit: q.limit,
        },
        ctx.now(),
      );
      return {
        items: page.items.map(endpointJson),
        nextCursor:
          page.nextSeq === null ? null : encodeCursor({ afterId: page.nextSeq, order: ENDPOINTS_ORDER }),
      };
    },
  );

  r.get(
    "/v1/webhooks/:id",
    {
      schema: {
        operationId: "getWebhook",
        summary: "Get a webhook endpoint",
        description:
          "One endpoint: URL, event types, whether it is enabled, rotation state. Never its secret.",
        tags: TAGS,
        params: idParams,
        response: { 200: endpointOut, 400: errorBody, 401: errorBody, 404: notFound },
      },
    },
    async (req) => endpointJson(await getEndpoint(ctx.db, req.params.id, ctx.now())),
  );

  r.patch(
    "/v1/webhooks/:id",
    {
      config: { audit: "webhooks.update" },
      schema: {
        operationId: "updateWebhook",
        summary: "Change a webhook endpoint",
        description:
          "Changes the URL, the event types, the description or `enabled`; fields left out stay. Disabling " +
          "stops new events from being queued for it; deliveries already queued wait and go out once it is " +
          "enabled again. Idempotent by nature (the same change twice gives the same endpoint). A 400 names " +
          "every bad field and changes nothing.",
        tags: TAGS,
        params: idParams,
        body: updateBody,
        response: { 200: endpointOut, 400: errorBody, 401: errorBody, 404: notFound },
      },
    },
    async (req) => endpointJson(await updateEndpoint(ctx.db, req.params.id, req.body, ctx.now())),
  );

  r.delete(
    "/v1/webhooks/:id",
    {
      config: { audit: "webhooks.delete" },
      schema: {
        operationId: "deleteWebhook",
        summary: "Delete a webhook endpoint",
        description:
          "Deletes the endpoint with its queued deliveries and their log: nothing more is sent to it. " +
          "Deleting it again is a 404.",
        tags: TAGS,
        params: idParams,
        response: {
          200: z
            .object({ id: z.string(), deleted: z.literal(true) })
            .meta({ id: "DeletedWebhook", description: "The endpoint is gone, with its deliveries" }),
          400: errorBody,
          401: errorBody,
          404: notFound,
        },
      },
    },
    async (req) => {
      if (!(await deleteEndpoint(ctx.db, req.params.id))) {
        throw new BridgeError(404, "not_found", `no webhook ${req.params.id} at this bridge`);
      }
      return { id: req.params.id, deleted: true as const };
    },
  );

  r.post(
    "/v1/webhooks/:id/rotate-secret",
    {
      config: { audit: "webhooks.rotate_secret" },
      schema: {
        operationId: "rotateWebhookSecret",
        summary: "Rotate a webhook's signing secret",
        description:
          "Makes a new signing secret and answers with it, shown this once. For `previousSecretValidHours` hours " +
          "(query; default 24, 0 to drop it at once after a leak) deliveries carry two signatures, `v1=<new>,v1=<old>`, " +
          "so the receiver can switch to the new secret without refusing a delivery. Each call makes another " +
          "secret: do not resend it blindly.",
        tags: TAGS,
        params: idParams,
        querystring: rotateQuery,
        response: { 200: withSecretOut, 400: errorBody, 401: errorBody, 404: notFound },
      },
    },
    async (req) => {
      const hours = req.query.previousSecretValidHours;
      const { endpoint, secret } = await rotateEndpointSecret(
        ctx.db,
        req.params.id,
        ctx.now(),
        hours === undefined ? DEFAULT_ROTATION_OVERLAP_MS : hours * 3_600_000,
      );
      return { ...endpointJson(endpoint), secret };
    },
  );

  r.post(
    "/v1/webhooks/:id/ping",
    {
      config: { audit: "webhooks.ping" },
      schema: {
        operationId: "pingWebhook",
        summary: "Send a test event to a webhook endpoint",
        description:
          "Sends a `ping` event to the endpoint now (even a disabled one), signed like every delivery, and " +
          "answers once the receiver has (at most 10 s) with the delivery and its attempt: a 200 whatever the " +
          "receiver said — `status` is `delivered` on a 2xx, else `failed` with the status code or error. A " +
          "ping is tried once, never retried; it stays in the delivery log and can be redelivered.",
        tags: TAGS,
        params: idParams,
        response: { 200: deliveryDetailOut, 400: errorBody, 401: errorBody, 404: notFound },
      },
    },
    async (req) => detailJson(await getDelivery(ctx.db, await pingEndpoint(ctx, req.params.id))),
  );

  r.get(
    "/v1/webhooks/:id/deliveries",
    {
      schema: {
        operationId: "listWebhookDeliveries",
        summary: "List a webhook's deliveries",
        description:
          "The endpoint's deliveries, newest first, by cursor; filter by `status` (pending, delivered, failed) " +
          "and `eventType`. Each shows its attempt count and last outcome; getWebhookDelivery has every attempt.",
        tags: TAGS,
        params: idParams,
        querystring: deliveriesQuery,
        response: {
          200: z.object({ items: z.array(deliveryOut), nextCursor: z.string().nullable() }).meta({
            id: "WebhookDeliveryPage",
            description: "A page of deliveries, newest first; nextCursor null on the last",
          }),
          400: errorBody,
          401: errorBody,
          404: notFound,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await listDeliveries(ctx.db, req.params.id, {
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.eventType === undefined ? {} : { eventType: q.eventType }),
        ...(q.cursor === undefined ? {} : { beforeSeq: decodeCursor(q.cursor, DELIVERIES_ORDER).afterId }),
        limit: q.limit,
      });
      return {
        items: page.items.map(deliveryJson),
        nextCursor:
          page.nextSeq === null ? null : encodeCursor({ afterId: page.nextSeq, order: DELIVERIES_ORDER }),
      };
    },
  );

  r.get(
    "/v1/webhooks/deliveries/:deliveryId",
    {
      schema: {
        operationId: "getWebhookDelivery",
        summary: "Get a webhook delivery with its attempts",
        description:
          "One delivery: the event it carries (the body the receiver got), its state, and every attempt with " +
          "the time, duration, the receiver's status code and the start of its answer, or the error.",
        tags: TAGS,
        params: deliveryParams,
        response: { 200: deliveryDetailOut, 400: errorBody, 401: errorBody, 404: notFound },
      },
    },
    async (req) => detailJson(await getDelivery(ctx.db, req.params.deliveryId)),
  );

  r.post(
    "/v1/webhooks/deliveries/:deliveryId/redeliver",
    {
      config: { audit: "webhooks.redeliver" },
      schema: {
        operationId: "redeliverWebhook",
        summary: "Redeliver a webhook delivery",
        description:
          "Makes a new attempt due now, for a failed delivery, a delivered one the receiver lost, or a pending " +
          "one that should not wait for its next retry; the delivery job sends it within about a second, with " +
          "the same event id (receivers deduplicate on it) and, if it fails, the full retry schedule again. " +
          "Repeating the call only makes the attempt due again.",
        tags: TAGS,
        params: deliveryParams,
        response: {
          200: deliveryDetailOut,
          400: errorBody,
          401: errorBody,
          404: notFound,
          409: refusal(
            "`delivery_in_progress`: an attempt is under way (retryable: ask again once it is logged); " +
              "`webhook_disabled`: the endpoint is disabled, enable it first.",
          ),
        },
      },
    },
    async (req) => detailJson(await redeliver(ctx.db, req.params.deliveryId, ctx.now())),
  );
}
