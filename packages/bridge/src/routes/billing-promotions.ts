/**
 * Promotions over HTTP: create (Idempotency-Key), read, change, switch off, and list with filters
 * (active, in force at a moment) by cursor. Discount codes live in billing-promotions-codes.ts,
 * registered from here. Amounts (an amount off, a promotional price, a minimum order) are decimal
 * text on the wire; billing stores minor units.
 */
import {
  type CreatePromotionInput,
  CURRENCIES,
  createPromotion,
  deactivatePromotion,
  getPromotion,
  listPromotions,
  type Promotion,
  type PromotionConditions,
  type PromotionEffectInput,
  SERVICE_KINDS,
  SERVICE_OPERATIONS,
  updatePromotion,
} from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { replyJournaled } from "../idempotency.js";
import {
  booleanOf,
  cursorQuery,
  isoOrNull,
  limitQuery,
  minorUnits,
  moneyIn,
  queryBoolean,
  refusal,
  renamingIssues,
  replayedFlag,
} from "./billing-prices-wire.js";
import { billingDiscountCodeRoutes } from "./billing-promotions-codes.js";
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
const BASIS = z
  .enum(["net", "gross"])
  .describe("Whether the amount is net or gross (VAT of the line's rate)");

// Strict objects: a misspelt condition (`tld` for `tlds`) would otherwise be dropped silently and
// the promotion would apply to everything.
const conditionsIn = z
  .strictObject({
    kinds: z.array(z.enum(SERVICE_KINDS)).optional(),
    operations: z.array(z.enum(SERVICE_OPERATIONS)).optional(),
    tlds: z.array(z.string()).optional().describe("`pl`, `com.pl`"),
    serviceCodes: z.array(z.string()).optional().describe("e.g. domain.pl.register"),
    periods: z.array(z.number().int()).optional().describe("Years"),
    firstYearOnly: z.boolean().optional().describe("The effect applies to the first year of a line only"),
    customers: z.enum(["new", "existing"]).optional().describe("new: no order before the quote's moment"),
    minOrderNet: moneyIn.optional().describe("The order's net before promotions must reach this"),
    currency: z.enum(CURRENCIES).optional().describe("Of the amounts; default PLN when there are amounts"),
  })
  .meta({
    id: "PromotionConditionsIn",
    description: "When a promotion applies; every condition given must hold",
  });

const effectIn = z
  .discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("percent"),
      basisPoints: z.number().int().describe("Percent off in basis points: 2500 = 25%"),
    }),
    z.strictObject({
      type: z.literal("amount"),
      amount: moneyIn.describe('Amount off, e.g. "20.00"'),
      basis: BASIS,
      per: z
        .enum(["line", "order"])
        .optional()
        .describe("line (default): off every line; order: once, split"),
    }),
    z.strictObject({
      type: z.literal("price"),
      price: moneyIn.describe('The price per year becomes this, e.g. "9.99"; never raises a price'),
      basis: BASIS,
    }),
  ])
  .meta({
    id: "PromotionEffectIn",
    description: "What a promotion takes off: a percent, an amount, or a price",
  });

const dateIn = z.iso.datetime({ offset: true });

const promotionFieldsIn = {
  name: z.string(),
  description: z.string().nullable().optional(),
  active: z.boolean().optional().describe("Default true"),
  startsAt: dateIn.nullable().optional().describe("Inclusive; null: no start"),
  endsAt: dateIn.nullable().optional().describe("Exclusive; null: no end; after startsAt"),
  conditions: conditionsIn.optional(),
  effect: effectIn,
  combinable: z.boolean().optional().describe("Default false: never shares a line with another promotion"),
  priority: z.number().int().optional().describe("Higher first; default 0"),
  oncePerCustomer: z.boolean().optional(),
  maxUses: z
    .number()
    .int()
    .nullable()
    .optional()
    .describe("Orders that may use it in total; null: unlimited"),
  requiresCode: z.boolean().optional().describe("Applies only with one of its discount codes"),
};

const createBody = z
  .strictObject(promotionFieldsIn)
  .meta({ id: "NewPromotion", description: "A new promotion: when it applies and what it takes off" });

const updateBody = z
  .strictObject({ ...promotionFieldsIn, name: z.string().optional(), effect: effectIn.optional() })
  .meta({
    id: "PromotionChange",
    description:
      "A partial change: fields left out stay, null clears; conditions and effect are replaced whole",
  });

const promotionOut = z
  .object({
    id: z.number(),
    name: z.string(),
    description: z.string().nullable(),
    active: z.boolean(),
    startsAt: z.string().nullable(),
    endsAt: z.string().nullable(),
    conditions: z.object({
      kinds: z.array(z.enum(SERVICE_KINDS)).optional(),
      operations: z.array(z.enum(SERVICE_OPERATIONS)).optional(),
      tlds: z.array(z.string()).optional(),
      serviceCodes: z.array(z.string()).optional(),
      periods: z.array(z.number()).optional(),
      firstYearOnly: z.boolean().optional(),
      customers: z.enum(["new", "existing"]).optional(),
      minOrderNet: moneyOut.optional(),
      currency: z.enum(CURRENCIES).optional(),
    }),
    effect: z.discriminatedUnion("type", [
      z.object({ type: z.literal("percent"), basisPoints: z.number() }),
      z.object({ type: z.literal("amount"), amount: moneyOut, basis: BASIS, per: z.enum(["line", "order"]) }),
      z.object({ type: z.literal("price"), price: moneyOut, basis: BASIS }),
    ]),
    combinable: z.boolean(),
    priority: z.number(),
    oncePerCustomer: z.boolean(),
    maxUses: z.number().nullable(),
    uses: z.number().describe("Orders that used it"),
    requiresCode: z.boolean(),
    createdAt: z.string(),
  })
  .meta({
    id: "Promotion",
    description: "A promotion: when it applies, what it takes off, how often it was used",
  });

const listQuery = z.object({
  active: queryBoolean.optional().describe("Only switched on (true) or only switched off (false) ones"),
  at: dateIn
    .optional()
    .describe(
      "Only those whose dates include this moment (startsAt ≤ at < endsAt); with active=true: in force",
    ),
  limit: limitQuery,
  cursor: cursorQuery,
});

type ConditionsBody = z.output<typeof conditionsIn>;
type EffectBody = z.output<typeof effectIn>;

function conditionsInput(c: ConditionsBody): PromotionConditions {
  const { minOrderNet, ...rest } = c;
  return { ...rest, ...(minOrderNet === undefined ? {} : { minOrderNet: minorUnits(minOrderNet) }) };
}

function effectInput(e: EffectBody): PromotionEffectInput {
  if (e.type === "percent") return e;
  if (e.type === "amount") {
    return { type: "amount", grosze: minorUnits(e.amount), basis: e.basis, ...(e.per ? { per: e.per } : {}) };
  }
  return { type: "price", grosze: minorUnits(e.price), basis: e.basis };
}

type FieldsBody = Partial<z.output<typeof updateBody>>;

const dateOf = (v: string | null) => (v === null ? null : new Date(v));

/** The wire's promotion as billing's input: amounts in minor units, dates as Dates. */
function promotionInput(b: FieldsBody): Partial<CreatePromotionInput> {
  const { startsAt, endsAt, conditions, effect, ...same } = b;
  const out: Partial<CreatePromotionInput> = { ...same };
  if (startsAt !== undefined) out.startsAt = dateOf(startsAt);
  if (endsAt !== undefined) out.endsAt = dateOf(endsAt);
  if (conditions !== undefined) out.conditions = conditionsInput(conditions);
  if (effect !== undefined) out.effect = effectInput(effect);
  return out;
}

/** Billing says `effect.grosze`: on the wire it is the field the effect's type uses. */
const effectPaths = (effect: EffectBody | undefined) => (path: string) =>
  path === "effect.grosze" && effect && effect.type !== "percent"
    ? `effect.${effect.type === "amount" ? "amount" : "price"}`
    : path;

export function promotionJson(p: Promotion) {
  const cur = p.conditions.currency ?? "PLN";
  const e = p.effect;
  const { minOrderNet, ...conditions } = p.conditions;
  return {
    ...p,
    startsAt: isoOrNull(p.startsAt),
    endsAt: isoOrNull(p.endsAt),
    createdAt: p.createdAt.toISOString(),
    conditions: {
      ...conditions,
      ...(minOrderNet === undefined ? {} : { minOrderNet: decimal({ amount: minOrderNet, currency: cur }) }),
    },
    effect:
      e.type === "percent"
        ? { type: "percent" as const, basisPoints: e.basisPoints }
        : e.type === "amount"
          ? {
              type: "amount" as const,
              amount: decimal({ amount: e.grosze, currency: cur }),
              basis: e.basis,
              per: e.per,
            }
          : { type: "price" as const, price: decimal({ amount: e.grosze, currency: cur }), basis: e.basis },
  };
}

const promotionMissing = refusal("`not_found`: no promotion with this id.");

export function billingPromotionRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/v1/billing/promotions",
    {
      schema: {
        operationId: "listPromotions",
        summary: "List promotions",
        description:
          "Promotions by id, a page at a time, filtered by whether they are switched on and by a moment their " +
          "dates include (`active=true&at=…`: what quotes at that moment consider). Pass `nextCursor` as `cursor` " +
          "with the same filters for the next page; it is null on the last.",
        tags: TAGS,
        querystring: listQuery,
        response: {
          200: z.object({ items: z.array(promotionOut), nextCursor: z.string().nullable() }).meta({
            id: "PromotionPage",
            description: "A page of promotions; nextCursor null on the last page",
          }),
          400: errorBody,
          401: errorBody,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const active = booleanOf(q.active);
      const afterId = q.cursor === undefined ? 0 : decodeCursor(q.cursor, "id").afterId;
      // Billing filters (switched on, dates including `at`) and pages in SQL: one page, and
      // whether another follows.
      const page = await listPromotions(ctx.db, {
        ...(active === undefined ? {} : { active }),
        ...(q.at === undefined ? {} : { at: new Date(q.at) }),
        afterId,
        limit: q.limit,
      });
      return {
        items: page.items.map(promotionJson),
        nextCursor: page.next === null ? null : encodeCursor({ afterId: page.next, order: "id" }),
      };
    },
  );

  r.get(
    "/v1/billing/promotions/:id",
    {
      schema: {
        operationId: "getPromotion",
        summary: "Get a promotion",
        description: "A promotion with its conditions, effect and how many orders used it.",
        tags: TAGS,
        params: idParams,
        response: { 200: promotionOut, 400: errorBody, 401: errorBody, 404: promotionMissing },
      },
    },
    async (req) => promotionJson(await getPromotion(ctx.db, req.params.id)),
  );

  r.post(
    "/v1/billing/promotions",
    {
      config: { audit: "billing.promotion.create" },
      schema: {
        operationId: "createPromotion",
        summary: "Create a promotion",
        description:
          "Creates a promotion: conditions (services, TLDs, periods, new or existing customers, a minimum order), " +
          "an effect (percent, amount off or a price) and limits. Service codes and TLDs it names must be in the " +
          "catalog. Needs an Idempotency-Key: a repeat with the same key and body returns the first promotion " +
          "(`replayed: true`); the same key with another body is a 422. Bad input is a 400 naming every bad " +
          "field; nothing is written.",
        tags: TAGS,
        headers: idempotencyHeaders,
        body: createBody,
        response: {
          201: promotionOut.extend({ replayed: replayedFlag }).meta({
            id: "CreatedPromotion",
            description: "The promotion created (on a replay, the first one)",
          }),
          400: errorBody,
          401: errorBody,
          409: errorBody,
          422: errorBody,
        },
      },
    },
    async (req, reply) =>
      replyJournaled(ctx.db, req, reply, "billing.promotion.create", req.body, async () => ({
        statusCode: 201,
        body: promotionJson(
          await renamingIssues(effectPaths(req.body.effect), () =>
            createPromotion(ctx.db, promotionInput(req.body) as CreatePromotionInput),
          ),
        ),
      })) as never,
  );

  r.patch(
    "/v1/billing/promotions/:id",
    {
      config: { audit: "billing.promotion.update" },
      schema: {
        operationId: "updatePromotion",
        summary: "Change a promotion",
        description:
          "A partial change: fields left out stay, `null` clears description, dates and maxUses; `conditions` " +
          "and `effect` are replaced whole. The dates are checked against the stored ones. The same change twice " +
          "gives the same promotion, so no Idempotency-Key. Bad input is a 400 naming every bad field.",
        tags: TAGS,
        params: idParams,
        body: updateBody,
        response: { 200: promotionOut, 400: errorBody, 401: errorBody, 404: promotionMissing },
      },
    },
    async (req) =>
      promotionJson(
        await renamingIssues(effectPaths(req.body.effect), () =>
          updatePromotion(ctx.db, req.params.id, promotionInput(req.body)),
        ),
      ),
  );

  r.post(
    "/v1/billing/promotions/:id/deactivate",
    {
      config: { audit: "billing.promotion.deactivate" },
      schema: {
        operationId: "deactivatePromotion",
        summary: "Switch a promotion off",
        description:
          "Quotes stop offering the promotion; its history and codes stay (switch it on again with a change " +
          "`active: true`). Idempotent by nature, so no Idempotency-Key.",
        tags: TAGS,
        params: idParams,
        response: { 200: promotionOut, 400: errorBody, 401: errorBody, 404: promotionMissing },
      },
    },
    async (req) => promotionJson(await deactivatePromotion(ctx.db, req.params.id)),
  );

  billingDiscountCodeRoutes(app, ctx);
}
