/**
 * Payments over HTTP: money received by hand (transfer, cash), an online payment a shop's gateway
 * reported, the paged payment list, a customer's balance; bank statements are in
 * billing-payments-statements.ts. Amounts are decimal strings on the wire, integer grosze inside.
 *
 * Two guards against paying twice: the Idempotency-Key (a resent request gets the first answer),
 * and billing's one payment per (method, reference) — an online payment's reference is
 * `<gateway>:<transaction id>`, so a gateway's notification forwarded twice, under any keys, is
 * one payment (the second answer says `duplicate: true`).
 */
import { customerBalance, type PaymentResult, recordPayment } from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { replyJournaled } from "../idempotency.js";
import {
  amountIn,
  moment,
  momentIn,
  moneyOf,
  PAYMENT_METHODS,
  paymentIssues,
  paymentJson,
  paymentOut,
  paymentResultJson,
  paymentResultOut,
} from "./billing-payments-json.js";
import { listPaymentPage, proformaCurrency } from "./billing-payments-list.js";
import { statementRoutes } from "./billing-payments-statements.js";
import { notifyAll, paymentsMatched, publishAll } from "./billing-proformas-events.js";
import {
  decimal,
  decodeCursor,
  encodeCursor,
  errorBody,
  idempotencyHeaders,
  idParams,
  moneyOut,
} from "./billing-schemas.js";

const TAGS = ["billing"];
const errors = { 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody, 422: errorBody };
const idIn = z.number().int().positive().max(2_147_483_647);

const manualBody = z
  .object({
    proformaId: idIn.optional(),
    proformaNumber: z.string().optional().describe("Instead of proformaId, e.g. PRO/2026/03/7"),
    customerId: idIn
      .optional()
      .describe("Required without a proforma: the money becomes the customer's balance"),
    amount: amountIn,
    currency: z.enum(["PLN", "EUR"]).optional().describe("Default: the proforma's currency, else PLN"),
    receivedAt: momentIn.describe("When the money came: a day (YYYY-MM-DD) or a moment with its offset"),
    method: z
      .enum(["transfer", "cash"])
      .describe("Online payments go through POST /v1/billing/payments/online"),
    reference: z
      .string()
      .optional()
      .describe(
        "The bank's reference of the transfer: a second payment with the same one is not recorded again",
      ),
    title: z.string().optional().describe("The transfer title, as the customer wrote it"),
  })
  .meta({ id: "RecordPayment", description: "Money received by hand: a transfer seen in the bank, cash" });

const onlineBody = z
  .object({
    gateway: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,50}$/, "must be the gateway's name: 1–50 of A-Z a-z 0-9 . _ -")
      .describe("e.g. przelewy24, payu, tpay, stripe (case does not matter)"),
    transactionId: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(150)
      .describe("The gateway's id of the transaction: one payment per gateway and id"),
    proformaId: idIn.optional(),
    proformaNumber: z.string().optional(),
    amount: amountIn,
    currency: z.enum(["PLN", "EUR"]).optional().describe("Default: the proforma's currency"),
    paidAt: momentIn.describe("When the gateway says the customer paid"),
    title: z.string().optional(),
  })
  .meta({
    id: "RecordOnlinePayment",
    description: "An online payment a shop's gateway confirmed, forwarded by the shop",
  });

const listQuery = z.object({
  customerId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  proformaId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  method: z.enum(PAYMENT_METHODS).optional(),
  reference: z.string().min(1).max(200).optional(),
  receivedFrom: z.iso.date().optional().describe("First day received (Warsaw), inclusive"),
  receivedTo: z.iso.date().optional().describe("Last day received (Warsaw), inclusive"),
  order: z.enum(["id", "-id"]).default("-id").describe("-id: newest first (default); id: oldest first"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
});

const balanceOut = z
  .object({
    customerId: z.number(),
    balances: z.array(
      z
        .object({ currency: z.enum(["PLN", "EUR"]), amount: moneyOut })
        .meta({ id: "BalanceAmount", description: "The balance in one currency" }),
    ),
  })
  .meta({
    id: "CustomerBalance",
    description: "Overpayments and unassigned money kept for the customer, less what was applied or refunded",
  });

/**
 * The answer of a recorded payment, `payment.matched` when it is new and names a proforma, and
 * the customer's notice of a new payment (received, partial, or kept as balance: billing decides).
 */
async function answer(ctx: BridgeContext, r: PaymentResult) {
  if (!r.duplicate) {
    if (r.payment.proformaId !== null) await publishAll(ctx, await paymentsMatched(ctx.db, [r.payment.id]));
    await notifyAll(ctx, [{ kind: "payment", paymentId: r.payment.id }]);
  }
  return { statusCode: r.duplicate ? 200 : 201, body: paymentResultJson(r) };
}

export type ManualPayment = z.output<typeof manualBody>;

/**
 * Money received by hand, recorded with its event and the customer's notice: POST
 * /v1/billing/payments inside its journal, and the partner panel's payment form.
 */
export async function recordManualPayment(ctx: BridgeContext, b: ManualPayment) {
  const currency =
    b.currency ?? (await proformaCurrency(ctx.db, { id: b.proformaId, number: b.proformaNumber })) ?? "PLN";
  const result = await recordPayment(ctx.db, {
    ...(b.proformaId === undefined ? {} : { proformaId: b.proformaId }),
    ...(b.proformaNumber === undefined ? {} : { proformaNumber: b.proformaNumber }),
    ...(b.customerId === undefined ? {} : { customerId: b.customerId }),
    method: b.method,
    amount: moneyOf(b.amount, currency),
    receivedAt: moment(b.receivedAt),
    ...(b.reference === undefined ? {} : { reference: b.reference }),
    ...(b.title === undefined ? {} : { title: b.title }),
  }).catch((err) => paymentIssues(err));
  return answer(ctx, result);
}

export function billingPaymentRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    "/v1/billing/payments",
    {
      config: { audit: "billing.payment.record" },
      schema: {
        operationId: "recordPayment",
        summary: "Record money received by hand (transfer, cash)",
        description:
          "Records a payment for a proforma (by id or number) or, with only `customerId`, for the customer's " +
          "balance. Up to what the proforma still owes pays it (fully paid: status `paid`); the excess, and the " +
          "whole amount when the proforma is cancelled, expired or already paid, is kept as the customer's " +
          "balance (`outcome`, `note`). Needs an Idempotency-Key (a repeat gets the first answer, `replayed: " +
          "true`); a `reference` recorded before is not recorded again (200, `duplicate: true`), and the same " +
          "reference with another amount or proforma is a 409 `reference_reused`. Refused, writing nothing: bad " +
          "input (400 naming every bad field), an unknown proforma or customer (404), another currency than the " +
          "proforma's (409 `currency_mismatch`), a customer that is not the proforma's (409 `customer_mismatch`). " +
          "Publishes `payment.matched` when a new payment names a proforma, and queues the customer's notice of " +
          "a new payment.",
        tags: TAGS,
        headers: idempotencyHeaders,
        body: manualBody,
        response: { 200: paymentResultOut, 201: paymentResultOut, ...errors },
      },
    },
    async (req, reply) => {
      return replyJournaled(ctx.db, req, reply, "billing.payment.record", req.body, () =>
        recordManualPayment(ctx, req.body),
      ) as never;
    },
  );

  r.post(
    "/v1/billing/payments/online",
    {
      config: { audit: "billing.payment.online" },
      schema: {
        operationId: "recordOnlinePayment",
        summary: "Record an online payment a shop's gateway confirmed",
        description:
          "The partner's shop forwards its payment gateway's confirmation (gateway name, the gateway's " +
          "transaction id, amount, proforma). Recorded as an `online` payment with reference " +
          "`<gateway>:<transactionId>` (gateway in lower case): the same transaction forwarded again, under any " +
          "Idempotency-Key, records nothing and answers the first payment with `duplicate: true` (200); the same " +
          "transaction id with another amount or proforma is a 409 `reference_reused`. Otherwise as POST " +
          "/v1/billing/payments: partial, full and over-payments, a cancelled or expired proforma's money kept " +
          "as balance. Needs an Idempotency-Key. Publishes `payment.matched` for a new payment and queues the " +
          "customer's notice of it.",
        tags: TAGS,
        headers: idempotencyHeaders,
        body: onlineBody,
        response: { 200: paymentResultOut, 201: paymentResultOut, ...errors },
      },
    },
    async (req, reply) => {
      return replyJournaled(ctx.db, req, reply, "billing.payment.online", req.body, async () => {
        const b = req.body;
        const currency =
          b.currency ??
          (await proformaCurrency(ctx.db, { id: b.proformaId, number: b.proformaNumber })) ??
          "PLN";
        const result = await recordPayment(ctx.db, {
          ...(b.proformaId === undefined ? {} : { proformaId: b.proformaId }),
          ...(b.proformaNumber === undefined ? {} : { proformaNumber: b.proformaNumber }),
          method: "online",
          amount: moneyOf(b.amount, currency),
          receivedAt: moment(b.paidAt),
          reference: `${b.gateway.toLowerCase()}:${b.transactionId}`,
          ...(b.title === undefined ? {} : { title: b.title }),
        }).catch((err) =>
          paymentIssues(err, { customerId: "proformaId", receivedAt: "paidAt", reference: "transactionId" }),
        );
        return answer(ctx, result);
      }) as never;
    },
  );

  r.get(
    "/v1/billing/payments",
    {
      schema: {
        operationId: "listPayments",
        summary: "List payments with back-office filters",
        description:
          "A page of payments (received, from the balance, refunds) matching every filter given: customer, " +
          "proforma, method, reference, received days (Warsaw). Newest first by default, by cursor; pass " +
          "`nextCursor` as `cursor` with the same filters and order; it is null on the last page.",
        tags: TAGS,
        querystring: listQuery,
        response: {
          200: z
            .object({ items: z.array(paymentOut), nextCursor: z.string().nullable() })
            .meta({ id: "PaymentPage", description: "A page of payments; nextCursor null on the last page" }),
          400: errorBody,
          401: errorBody,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const afterId = q.cursor === undefined ? undefined : decodeCursor(q.cursor, q.order).afterId;
      const page = await listPaymentPage(ctx.db, {
        ...(q.customerId === undefined ? {} : { customerId: q.customerId }),
        ...(q.proformaId === undefined ? {} : { proformaId: q.proformaId }),
        ...(q.method === undefined ? {} : { method: q.method }),
        ...(q.reference === undefined ? {} : { reference: q.reference }),
        ...(q.receivedFrom === undefined ? {} : { receivedFrom: q.receivedFrom }),
        ...(q.receivedTo === undefined ? {} : { receivedTo: q.receivedTo }),
        ...(afterId === undefined ? {} : { afterId }),
        order: q.order,
        limit: q.limit,
      });
      return {
        items: page.items.map(paymentJson),
        nextCursor:
          page.nextAfterId === null ? null : encodeCursor({ afterId: page.nextAfterId, order: q.order }),
      };
    },
  );

  r.get(
    "/v1/billing/customers/:id/balance",
    {
      schema: {
        operationId: "getCustomerBalance",
        summary: "A customer's balance",
        description:
          "What the customer has to spend, per currency: overpayments and money paid without a proforma, less " +
          "what was applied to proformas or refunded.",
        tags: TAGS,
        params: idParams,
        response: { 200: balanceOut, 400: errorBody, 401: errorBody, 404: errorBody },
      },
    },
    async (req) => {
      const id = req.params.id;
      const balances = [];
      for (const currency of ["PLN", "EUR"] as const) {
        const m = await customerBalance(ctx.db, id, currency);
        balances.push({ currency, amount: decimal(m) });
      }
      return { customerId: id, balances };
    },
  );

  statementRoutes(app, ctx);
}
