/**
 * Proformas over HTTP: an order placed (priced by billing's quote at the moment of the order, then
 * its proforma), a hand-made proforma, the back office's list, one proforma as JSON or PDF, edits,
 * cancellation; activation and the renewal run are in billing-proformas-activate.ts and
 * billing-proformas-renewals.ts. Calls that create a document take an Idempotency-Key.
 */
import {
  amountInWords,
  cancelProforma,
  createManualProforma,
  createProformaForOrder,
  documentFileName,
  getProforma,
  money,
  parseDecimal,
  quote,
  renderProformaPdf,
  toDecimal,
  updateProforma,
} from "@hrdkit/billing";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { BridgeError } from "../errors.js";
import { replyJournaled } from "../idempotency.js";
import { activationRoutes } from "./billing-proformas-activate.js";
import { notifyAll, proformaIssued, publishAll } from "./billing-proformas-events.js";
import {
  PROFORMA_ORIGINS,
  PROFORMA_STATUSES,
  proformaJson,
  proformaOut,
  replayedField,
  summaryOut,
} from "./billing-proformas-json.js";
import { listProformaSummaries, proformaIdForOrder } from "./billing-proformas-list.js";
import { renewalRoutes } from "./billing-proformas-renewals.js";
import { decodeCursor, encodeCursor, errorBody, idempotencyHeaders, idParams } from "./billing-schemas.js";

const TAGS = ["billing"];
const errors = { 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody, 422: errorBody };

// Types only: billing checks formats and the rules between fields, naming every bad field at once.
const decimalIn = z.string().describe('A decimal amount in the proforma\'s currency, e.g. "49.99"');
const details = z
  .record(z.string(), z.unknown())
  .describe("Provisioning specifics: { ns: [...] }, { authInfo }, { csr, approverEmail, adminContact }…");

const orderBody = z
  .object({
    customerId: z.number().int(),
    orderRef: z
      .string()
      .describe("The order's own id in the shop or panel, unique per order: one order, one proforma"),
    items: z.array(
      z
        .object({
          serviceCode: z.string().describe("e.g. domain.pl.register, ssl.positive-ssl.create"),
          name: z.string().optional().describe("The domain or certificate name (required for domains)"),
          period: z.number().int().describe("Years"),
          details: details
            .optional()
            .describe("On a renew item, `customerServiceId` names the service renewed"),
        })
        .meta({ id: "OrderItem", description: "One thing ordered" }),
    ),
    code: z.string().nullable().optional().describe("A discount code as the customer typed it"),
    expectedGross: z
      .string()
      .regex(/^\d{1,13}(\.\d{1,2})?$/, 'must be a decimal amount like "49.99"')
      .optional()
      .describe(
        "The gross total the customer was shown: when the price at the moment of the order differs, the " +
          "order is refused (409 price_changed) instead of billing another amount",
      ),
  })
  .meta({ id: "PlaceOrder", description: "An order: its items are priced now, and its proforma issued" });

const manualLine = z
  .object({
    serviceCode: z.string().optional().describe("A catalog service the line sells, recorded with it"),
    name: z.string(),
    description: z.string().optional(),
    period: z.number().int().optional(),
    unitNet: decimalIn.optional().describe("Give unitNet or unitGross, the same on every line"),
    unitGross: decimalIn.optional(),
    quantity: z.number().int().optional(),
    discount: decimalIn.optional().describe("Net amount off the line (with unitNet)"),
    vatRate: z.string().optional().describe('Default: the service\'s rate, else "23"'),
    exemptionBasis: z
      .union([z.string(), z.object({ source: z.enum(["act", "directive", "other"]), provision: z.string() })])
      .optional()
      .describe('A "zw" line\'s legal basis, e.g. "art. 113 ust. 1 ustawy o VAT"'),
    serviceFrom: z.string().optional(),
    serviceTo: z.string().optional(),
    details: details.optional(),
  })
  .meta({ id: "ManualProformaLine", description: "A line typed by a person" });

const manualBody = z
  .object({
    customerId: z.number().int(),
    lines: z.array(manualLine),
    note: z.string().optional().describe("Printed on the proforma"),
    currency: z.enum(["PLN", "EUR"]).optional().describe("Default: the customer's price group's currency"),
  })
  .meta({
    id: "CreateManualProforma",
    description: "A hand-made proforma: a payment request for anything, which never activates a service",
  });

const editLine = manualLine
  .extend({
    keep: z
      .number()
      .int()
      .optional()
      .describe(
        "Position of a current line whose links (service, customer service, details, period) to keep",
      ),
    customerServiceId: z.number().int().optional().describe("A renew line: the customer service it renews"),
  })
  .meta({ id: "EditProformaLine", description: "A line of an edited proforma" });

const updateBody = z
  .object({
    lines: z.array(editLine).optional().describe("All lines anew (totals recomputed; the number stays)"),
    dueDate: z.string().optional().describe("YYYY-MM-DD, not before the issue date"),
    note: z.string().nullable().optional().describe("null removes it"),
  })
  .meta({ id: "UpdateProforma", description: "A change of an issued, unpaid proforma" });

const cancelBody = z
  .object({ reason: z.string().describe("Why, kept with the proforma") })
  .meta({ id: "CancelProforma", description: "Why the proforma is cancelled" });

const listQuery = z.object({
  customerId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  status: z.enum(PROFORMA_STATUSES).optional(),
  origin: z.enum(PROFORMA_ORIGINS).optional(),
  number: z.string().min(1).max(100).optional().describe("The exact number, e.g. PRO/2026/03/7"),
  numberPrefix: z.string().min(1).max(100).optional().describe("The start of the number, e.g. PRO/2026/03/"),
  orderRef: z.string().min(1).max(200).optional(),
  issuedFrom: z.iso.date().optional().describe("First issue day, inclusive (YYYY-MM-DD)"),
  issuedTo: z.iso.date().optional().describe("Last issue day, inclusive (YYYY-MM-DD)"),
  order: z.enum(["id", "-id"]).default("-id").describe("-id: newest first (default); id: oldest first"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
});

const createdProforma = proformaOut
  .extend({ replayed: replayedField })
  .meta({ id: "CreatedProforma", description: "The proforma issued (or, on a replay, the first answer)" });

const orderOut = z
  .object({
    created: z
      .boolean()
      .describe("False when the order already had its proforma (same orderRef): nothing was written"),
    proforma: proformaOut,
    replayed: replayedField,
  })
  .meta({ id: "PlacedOrder", description: "The order's proforma" });

const pdfOut = z
  .string()
  .meta({ format: "binary", description: "The proforma's PDF (A4, Polish), ready to send to the customer" });

export function billingProformaRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    "/v1/billing/orders",
    {
      config: { audit: "billing.order.place" },
      schema: {
        operationId: "placeOrder",
        summary: "Place an order: price it now and issue its proforma",
        description:
          "Prices the items for the customer at this moment (price group, promotions, discount code: the same " +
          "quote as POST /v1/billing/quotes), redeems the promotions, makes a pending customer service for what " +
          "the order registers or creates, and issues the order's proforma (number, due date, bank account, " +
          "transfer title), answered 201. One proforma per `orderRef`: the same order again returns it (200, " +
          "`created: false`), " +
          "even under another Idempotency-Key; an orderRef of another customer is a 409 `order_ref_taken`. " +
          "Needs an Idempotency-Key (a repeat gets the first answer, `replayed: true`). Refused, writing " +
          "nothing: bad input (400 naming every bad field), an item not offered (409 `not_offered`), a price " +
          "other than `expectedGross` (409 `price_changed`), no seller settings or buyer address (409). " +
          "Publishes `order.placed` and `proforma.issued` when the proforma is made, and queues the customer's " +
          "`proforma.issued` notice (with the PDF) as the notification settings say.",
        tags: TAGS,
        headers: idempotencyHeaders,
        body: orderBody,
        response: { 200: orderOut, 201: orderOut, ...errors },
      },
    },
    async (req, reply) => {
      return replyJournaled(ctx.db, req, reply, "billing.order.place", req.body, async () => {
        const { created, proforma: json } = await placeOrder(ctx, req.body);
        return { statusCode: created ? 201 : 200, body: { created, proforma: json } };
      }) as never;
    },
  );

  r.post(
    "/v1/billing/proformas",
    {
      config: { audit: "billing.proforma.create" },
      schema: {
        operationId: "createManualProforma",
        summary: "Issue a hand-made proforma",
        description:
          "A proforma typed by a person, for anything at any price: lines with net or gross unit prices (decimal " +
          "strings), quantities, discounts, VAT rates; totals per VAT rate; the next number of the proforma " +
          "series. It can be paid, edited, cancelled and expires like any proforma, but it never activates a " +
          "service (HRD's rule): to sell a service, place an order. Needs an Idempotency-Key: a repeat gets the " +
          "first proforma (`replayed: true`) and never issues a second. Bad input is a 400 naming every bad " +
          "field; nothing is written. Publishes `proforma.issued` and queues the customer's notice of it.",
        tags: TAGS,
        headers: idempotencyHeaders,
        body: manualBody,
        response: { 201: createdProforma, ...errors },
      },
    },
    async (req, reply) => {
      return replyJournaled(ctx.db, req, reply, "billing.proforma.create", req.body, async () => {
        const b = req.body;
        const p = await createManualProforma(ctx.db, {
          customerId: b.customerId,
          lines: b.lines as Parameters<typeof createManualProforma>[1]["lines"],
          at: ctx.now(),
          ...(b.note === undefined ? {} : { note: b.note }),
          ...(b.currency === undefined ? {} : { currency: b.currency }),
        });
        const json = proformaJson(p);
        await publishAll(ctx, [proformaIssued(json)]);
        await notifyAll(ctx, [{ kind: "proforma.issued", proformaId: p.id }]);
        return { statusCode: 201, body: json };
      }) as never;
    },
  );

  r.get(
    "/v1/billing/proformas",
    {
      schema: {
        operationId: "listProformas",
        summary: "List proformas with back-office filters",
        description:
          "A page of proformas matching every filter given (customer, status, origin, number or its start, order " +
          "reference, issue-date range), newest first by default, by cursor (keyset: page 500 costs what page 1 " +
          "does). Pass `nextCursor` as `cursor` with the same filters and order; it is null on the last page.",
        tags: TAGS,
        querystring: listQuery,
        response: {
          200: z.object({ items: z.array(summaryOut), nextCursor: z.string().nullable() }).meta({
            id: "ProformaPage",
            description: "A page of proformas; nextCursor null on the last page",
          }),
          400: errorBody,
          401: errorBody,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const afterId = q.cursor === undefined ? undefined : decodeCursor(q.cursor, q.order).afterId;
      const page = await listProformaSummaries(ctx.db, {
        ...(q.customerId === undefined ? {} : { customerId: q.customerId }),
        ...(q.status === undefined ? {} : { status: q.status }),
        ...(q.origin === undefined ? {} : { origin: q.origin }),
        ...(q.number === undefined ? {} : { number: q.number }),
        ...(q.numberPrefix === undefined ? {} : { numberPrefix: q.numberPrefix }),
        ...(q.orderRef === undefined ? {} : { orderRef: q.orderRef }),
        ...(q.issuedFrom === undefined ? {} : { issuedFrom: q.issuedFrom }),
        ...(q.issuedTo === undefined ? {} : { issuedTo: q.issuedTo }),
        ...(afterId === undefined ? {} : { afterId }),
        order: q.order,
        limit: q.limit,
      });
      return {
        items: page.items,
        nextCursor:
          page.nextAfterId === null ? null : encodeCursor({ afterId: page.nextAfterId, order: q.order }),
      };
    },
  );

  r.get(
    "/v1/billing/proformas/:id",
    {
      schema: {
        operationId: "getProforma",
        summary: "Get a proforma",
        description: "A proforma with its lines, VAT per rate, what was paid and what is still to pay.",
        tags: TAGS,
        params: idParams,
        response: { 200: proformaOut, 400: errorBody, 401: errorBody, 404: errorBody },
      },
    },
    async (req) => proformaJson(await getProforma(ctx.db, req.params.id)),
  );

  r.get(
    "/v1/billing/proformas/:id/pdf",
    {
      schema: {
        operationId: "getProformaPdf",
        summary: "Get a proforma as PDF",
        description:
          "The proforma as the customer gets it (application/pdf, Polish): seller, buyer, lines, VAT per rate, " +
          "the amount still to pay in figures and in words, bank account, due date and transfer title, and the " +
          "note that a proforma is not a VAT invoice. A paid, cancelled or expired one is marked so.",
        tags: TAGS,
        params: idParams,
        response: {
          200: {
            description: "The PDF; Content-Disposition names the file (proforma-PRO-2026-03-7.pdf)",
            content: { "application/pdf": { schema: pdfOut } },
          },
          400: errorBody,
          401: errorBody,
          404: errorBody,
        },
      },
    },
    async (req, reply) => {
      const p = await getProforma(ctx.db, req.params.id);
      const due = p.gross - p.paid;
      const pdf = await renderProformaPdf(
        p,
        due > 0 && p.status === "issued" ? { amountInWords: amountInWords(money(due, p.currency)) } : {},
      );
      return (reply as FastifyReply)
        .header("content-type", "application/pdf")
        .header("content-disposition", `inline; filename="${documentFileName(p)}"`)
        .send(pdf) as never;
    },
  );

  r.patch(
    "/v1/billing/proformas/:id",
    {
      config: { audit: "billing.proforma.update" },
      schema: {
        operationId: "updateProforma",
        summary: "Change an issued, unpaid proforma",
        description:
          "Replaces its lines (totals recomputed per VAT rate), its due date or its note; the number, issue " +
          "date, parties and origin stay. New lines of an order or renewal proforma that register or create " +
          "something get a pending customer service; one a line no longer links to is cancelled. Refused with " +
          "409 `paid` (paid, or any payment received), `cancelled`, `expired`; bad input is a 400 naming every " +
          "bad field. Nothing is written when refused. The same change twice gives the same proforma, so no " +
          "Idempotency-Key.",
        tags: TAGS,
        params: idParams,
        body: updateBody,
        response: { 200: proformaOut, ...errors },
      },
    },
    async (req) => {
      const b = req.body;
      const p = await updateProforma(ctx.db, req.params.id, {
        ...(b.lines === undefined ? {} : { lines: b.lines as Parameters<typeof updateProforma>[2]["lines"] }),
        ...(b.dueDate === undefined ? {} : { dueDate: b.dueDate }),
        ...(b.note === undefined ? {} : { note: b.note }),
        at: ctx.now(),
      });
      return proformaJson(p);
    },
  );

  r.post(
    "/v1/billing/proformas/:id/cancel",
    {
      config: { audit: "billing.proforma.cancel" },
      schema: {
        operationId: "cancelProforma",
        summary: "Cancel an issued, unpaid proforma",
        description:
          "Marks the proforma cancelled, with the moment and the reason; the pending customer services it " +
          "would have created are cancelled with it. A payment that arrives for it later goes to the customer's " +
          "balance. Refused with 409 `paid`, `cancelled` (already), `expired`; nothing is written then.",
        tags: TAGS,
        params: idParams,
        body: cancelBody,
        response: { 200: proformaOut, ...errors },
      },
    },
    async (req) =>
      proformaJson(await cancelProforma(ctx.db, req.params.id, { at: ctx.now(), reason: req.body.reason })),
  );

  activationRoutes(app, ctx);
  renewalRoutes(app, ctx);
}

/**
 * Billing names the fields of what it was given (the quote it was handed, the line details); the
 * caller sent items: name those instead.
 */
/**
 * Places an order the way POST /v1/billing/orders does — the one place that does it, for the JSON
 * route and the customer frames alike: priced by billing's quote now, refused if the price is not
 * `expectedGross`, its proforma issued (one per orderRef), `order.placed` and `proforma.issued`
 * published and the customer's proforma notice (e-mail with the PDF) queued.
 */
export async function placeOrder(
  ctx: BridgeContext,
  b: z.output<typeof orderBody>,
): Promise<{ created: boolean; proforma: ReturnType<typeof proformaJson> }> {
  // The order already has its proforma: answer with it, whatever the prices are now.
  const existingId = await proformaIdForOrder(ctx.db, b.orderRef);
  if (existingId !== undefined) {
    const p = await getProforma(ctx.db, existingId);
    if (p.customerId !== b.customerId) {
      throw new BridgeError(
        409,
        "order_ref_taken",
        `order ${b.orderRef} already has proforma ${p.number} for another customer`,
      );
    }
    return { created: false, proforma: proformaJson(p) };
  }
  const at = ctx.now();
  const q = await quote(ctx.db, {
    customerId: b.customerId,
    items: b.items.map((i) => ({
      serviceCode: i.serviceCode,
      period: i.period,
      ...(i.name === undefined ? {} : { name: i.name }),
    })),
    ...(b.code === undefined ? {} : { code: b.code }),
    at,
  });
  if (b.expectedGross !== undefined) {
    if (parseDecimal(b.expectedGross, q.currency).amount !== q.totals.gross.amount) {
      throw new BridgeError(
        409,
        "price_changed",
        `the order costs ${toDecimal(q.totals.gross)} ${q.currency} gross now, not ${b.expectedGross}: quote again and show the customer the new price`,
      );
    }
  }
  const { proforma, created } = await createProformaForOrder(ctx.db, {
    customerId: b.customerId,
    quote: q,
    orderRef: b.orderRef,
    at,
    lineDetails: b.items.map((i) => i.details ?? null),
  }).catch(orderIssues);
  const json = proformaJson(proforma);
  if (created) {
    await publishAll(ctx, [
      [
        "order.placed",
        {
          orderRef: proforma.orderRef,
          customerId: proforma.customerId,
          proformaId: proforma.id,
          proformaNumber: proforma.number,
          currency: proforma.currency,
          gross: json.gross,
          items: proforma.lines.map((l) => ({
            name: l.name,
            operation: l.operation,
            period: l.period,
            customerServiceId: l.customerServiceId,
          })),
        },
      ],
      proformaIssued(json),
    ]);
    await notifyAll(ctx, [{ kind: "proforma.issued", proformaId: proforma.id }]);
  }
  return { created, proforma: json };
}

function orderIssues(err: unknown): never {
  const e = err as { code?: unknown; issues?: { path: string; message: string }[]; message?: string };
  if (e?.code === "validation" && Array.isArray(e.issues)) {
    const issues = e.issues.map((i) => ({
      path: i.path
        .replace(/^quote\.lines\.(\d+)/, "items.$1")
        .replace(/^lineDetails\.(\d+)/, "items.$1.details"),
      message: i.message,
    }));
    throw new BridgeError(
      400,
      "invalid",
      `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      false,
      issues,
    );
  }
  throw err;
}
