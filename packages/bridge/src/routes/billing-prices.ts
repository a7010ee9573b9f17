/**
 * Price groups and their prices over HTTP: groups (create with an Idempotency-Key, delete, make
 * the default), a group's price list with filters and a cursor, one price set, removed or looked
 * up. Pricing rules and recalculation live in billing-prices-rules.ts, the wholesale import in
 * billing-prices-wholesale.ts; this module registers all three. Every call goes through billing's
 * functions, which validate before writing; money is decimal text on the wire both ways.
 */
import {
  CURRENCIES,
  createPriceGroup,
  deletePriceGroup,
  getPriceGroup,
  listPriceGroups,
  type Price,
  type PriceGroup,
  type PriceListEntry,
  priceFor,
  priceList,
  removePrice,
  SERVICE_KINDS,
  SERVICE_OPERATIONS,
  setDefaultPriceGroup,
  setPrice,
} from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { replyJournaled } from "../idempotency.js";
import { beforeNul } from "./billing-catalog-paging.js";
import { billingPriceRuleRoutes } from "./billing-prices-rules.js";
import { billingWholesaleRoutes } from "./billing-prices-wholesale.js";
import {
  canonicalAmount,
  cursorQuery,
  decodeKeyCursor,
  encodeKeyCursor,
  limitQuery,
  moneyIn,
  refusal,
  renames,
  renamingIssues,
  replayedFlag,
} from "./billing-prices-wire.js";
import {
  decimal,
  decimalOrNull,
  decodeCursor,
  encodeCursor,
  errorBody,
  idempotencyHeaders,
  idParams,
  moneyOut,
} from "./billing-schemas.js";

const TAGS = ["billing"];

// ------------------------------------------------------------------------------- price groups

const groupOut = z
  .object({
    id: z.number(),
    name: z.string(),
    currency: z.enum(CURRENCIES),
    isDefault: z.boolean().describe("New customers without a group buy at the default group"),
    createdAt: z.string(),
    customers: z.number().describe("Customers assigned to the group"),
    rules: z.number().describe("Pricing rules of the group"),
    prices: z.number().describe("Prices the group has (manual and by rule)"),
  })
  .meta({ id: "PriceGroup", description: "A price group: customers assigned to it buy at its prices" });

const groupCreate = z
  .object({
    name: z.string().describe("Unique, e.g. `Detal`, `Resellerzy`"),
    currency: z.enum(CURRENCIES).optional().describe("Default PLN; rules and wholesale costs are PLN only"),
    isDefault: z.boolean().optional().describe("Make it the default group (the first group always is)"),
  })
  .meta({ id: "NewPriceGroup", description: "A new price group" });

const groupQuery = z.object({
  currency: z.enum(CURRENCIES).optional(),
  limit: limitQuery,
  cursor: cursorQuery,
});

const groupJson = (g: PriceGroup) => ({ ...g, createdAt: g.createdAt.toISOString() });

// ------------------------------------------------------------------------------------ prices

const priceFields = {
  groupId: z.number(),
  serviceCode: z.string(),
  period: z.number().describe("Years"),
  currency: z.enum(CURRENCIES),
  net: moneyOut,
  vat: moneyOut,
  gross: moneyOut.describe("What the customer sees: net + VAT at the service's rate"),
  vatRate: z.string(),
  cost: moneyOut.nullable().describe("Current wholesale cost (PLN groups, once imported); null when unknown"),
  margin: moneyOut
    .nullable()
    .describe("net − cost; negative for a loss leader; null when the cost is unknown"),
  source: z.enum(["manual", "rule"]).describe("manual: set by hand, kept by recalculation"),
  ruleId: z.number().nullable().describe("The rule that wrote a `rule` price"),
  lossLeader: z.boolean().describe("Deliberately below cost"),
  updatedAt: z.string(),
};

const priceOut = z
  .object(priceFields)
  .meta({ id: "GroupPrice", description: "What a price group charges for a service and period" });

const priceEntryOut = z
  .object({
    ...priceFields,
    serviceName: z.string(),
    kind: z.enum(SERVICE_KINDS),
    operation: z.enum(SERVICE_OPERATIONS),
    tld: z.string().nullable(),
    product: z.string().nullable().describe("Certificates: the product name"),
    active: z.boolean().describe("False: the service is switched off in the catalog"),
  })
  .meta({ id: "GroupPriceEntry", description: "A price of a group's price list, with its service" });

const priceBody = z
  .object({
    net: moneyIn.optional().describe('The net price, e.g. "39.99"; give net or gross'),
    gross: moneyIn
      .optional()
      .describe("The gross price the customer sees; stored as the one net that gives exactly this gross"),
    lossLeader: z
      .boolean()
      .optional()
      .describe("Allow a net below the wholesale cost on purpose; default false"),
  })
  .meta({
    id: "SetGroupPrice",
    description: "A manual price: net or gross (exactly one), in the group's currency",
  });

const priceParams = z.object({
  id: idParams.shape.id,
  serviceCode: z.string().min(1).max(200).describe("Catalog service code, e.g. domain.pl.register"),
  period: z.coerce.number("must be a number of years").int("must be a number of years").min(1).max(10),
});

const priceQuery = z.object({
  serviceCode: z.string().max(200).optional().describe("One service, e.g. domain.pl.renew"),
  kind: z.enum(SERVICE_KINDS).optional(),
  operation: z.enum(SERVICE_OPERATIONS).optional(),
  tld: z.string().max(100).optional().describe("`pl`, `com.pl` (a leading dot is ignored)"),
  source: z.enum(["manual", "rule"]).optional(),
  limit: limitQuery,
  cursor: cursorQuery,
});

function priceJson(p: Price) {
  return {
    groupId: p.groupId,
    serviceCode: p.serviceCode,
    period: p.period,
    currency: p.net.currency,
    net: decimal(p.net),
    vat: decimal(p.vat),
    gross: decimal(p.gross),
    vatRate: p.vatRate,
    cost: decimalOrNull(p.cost ?? null),
    margin: decimalOrNull(p.margin ?? null),
    source: p.source,
    ruleId: p.ruleId,
    lossLeader: p.lossLeader,
    updatedAt: p.updatedAt.toISOString(),
  };
}

const entryJson = (e: PriceListEntry) => ({
  ...priceJson(e),
  serviceName: e.serviceName,
  kind: e.kind,
  operation: e.operation,
  tld: e.tld,
  product: e.product,
  active: e.active,
});

/**
 * The key billing pages a price list after: the code (byte order), then the period. A code sorts
 * after a cursor's text cut by a NUL exactly when it sorts after the part before it, whatever
 * the period.
 */
function priceKey(serviceCode: string, period: number) {
  const code = beforeNul(serviceCode);
  return { serviceCode: code.text, period: code.cut ? Number.MAX_SAFE_INTEGER : period };
}

const groupMissing = refusal("`not_found`: no price group with this id.");
const priceMissing = refusal(
  "`not_found`: the price group or the service does not exist, or the group has no price for it.",
);
// Billing names the group `groupId`; on the wire it is the path's `id`.
const groupPaths = renames({ groupId: "id" });

export function billingPriceRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/v1/billing/price-groups",
    {
      schema: {
        operationId: "listPriceGroups",
        summary: "List price groups",
        description:
          "Price groups by id, a page at a time, each with how many customers, rules and prices it has. Pass " +
          "`nextCursor` as `cursor` for the next page; it is null on the last.",
        tags: TAGS,
        querystring: groupQuery,
        response: {
          200: z.object({ items: z.array(groupOut), nextCursor: z.string().nullable() }).meta({
            id: "PriceGroupPage",
            description: "A page of price groups; nextCursor null on the last page",
          }),
          400: errorBody,
          401: errorBody,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const afterId = q.cursor === undefined ? 0 : decodeCursor(q.cursor, "id").afterId;
      // Billing filters and pages by id in SQL; one more than the page says whether another follows.
      const rows = await listPriceGroups(ctx.db, {
        ...(q.currency === undefined ? {} : { currency: q.currency }),
        afterId,
        limit: q.limit + 1,
      });
      const items = rows.slice(0, q.limit);
      return {
        items: items.map(groupJson),
        nextCursor: rows.length > q.limit ? encodeCursor({ afterId: items.at(-1)!.id, order: "id" }) : null,
      };
    },
  );

  r.get(
    "/v1/billing/price-groups/:id",
    {
      schema: {
        operationId: "getPriceGroup",
        summary: "Get a price group",
        description: "A price group with how many customers, rules and prices it has.",
        tags: TAGS,
        params: idParams,
        response: { 200: groupOut, 400: errorBody, 401: errorBody, 404: groupMissing },
      },
    },
    async (req) => groupJson(await getPriceGroup(ctx.db, req.params.id)),
  );

  r.post(
    "/v1/billing/price-groups",
    {
      config: { audit: "billing.price-group.create" },
      schema: {
        operationId: "createPriceGroup",
        summary: "Create a price group",
        description:
          "Creates a price group (the first one becomes the default by itself; `isDefault: true` moves the " +
          "default to it). Needs an Idempotency-Key: a repeat with the same key and body returns the first group " +
          "(`replayed: true`); the same key with another body is a 422. A name already taken is a 409 " +
          "`duplicate_name`; bad input a 400 naming every bad field. Nothing is written on a refusal.",
        tags: TAGS,
        headers: idempotencyHeaders,
        body: groupCreate,
        response: {
          201: groupOut
            .extend({ replayed: replayedFlag })
            .meta({ id: "CreatedPriceGroup", description: "The group created (on a replay, the first one)" }),
          400: errorBody,
          401: errorBody,
          409: refusal(
            "`duplicate_name`: a group with this name exists; `in_progress`: the first call still runs.",
          ),
          422: errorBody,
        },
      },
    },
    async (req, reply) =>
      replyJournaled(ctx.db, req, reply, "billing.price-group.create", req.body, async () => ({
        statusCode: 201,
        body: groupJson(await createPriceGroup(ctx.db, req.body)),
      })) as never,
  );

  r.delete(
    "/v1/billing/price-groups/:id",
    {
      config: { audit: "billing.price-group.delete" },
      schema: {
        operationId: "deletePriceGroup",
        summary: "Delete a price group",
        description:
          "Deletes a group with its rules and prices. Refused with 409 `in_use` while customers are assigned to " +
          "it, and `default_group` for the default group while other groups exist (make another the default " +
          "first); nothing is deleted then.",
        tags: TAGS,
        params: idParams,
        response: {
          200: z
            .object({ id: z.number(), deleted: z.literal(true) })
            .meta({ id: "DeletedPriceGroup", description: "The group is gone, with its rules and prices" }),
          400: errorBody,
          401: errorBody,
          404: groupMissing,
          409: refusal(
            "`in_use`: customers are assigned to the group; `default_group`: it is the default and other groups exist.",
          ),
        },
      },
    },
    async (req) => {
      await deletePriceGroup(ctx.db, req.params.id);
      return { id: req.params.id, deleted: true as const };
    },
  );

  r.post(
    "/v1/billing/price-groups/:id/default",
    {
      config: { audit: "billing.price-group.default" },
      schema: {
        operationId: "setDefaultPriceGroup",
        summary: "Make a price group the default",
        description:
          "Makes the group the default one (the previous default stops being one): customers without a group " +
          "buy at its prices. Idempotent by nature, so no Idempotency-Key.",
        tags: TAGS,
        params: idParams,
        response: { 200: groupOut, 400: errorBody, 401: errorBody, 404: groupMissing },
      },
    },
    async (req) => groupJson(await setDefaultPriceGroup(ctx.db, req.params.id)),
  );

  r.get(
    "/v1/billing/price-groups/:id/prices",
    {
      schema: {
        operationId: "listGroupPrices",
        summary: "A price group's price list",
        description:
          "The group's prices by service code and period, with the service, the current wholesale cost and the " +
          "margin, filtered by service code, kind, operation, TLD and source. Pass `nextCursor` as `cursor` with " +
          "the same filters for the next page; it is null on the last.",
        tags: TAGS,
        params: idParams,
        querystring: priceQuery,
        response: {
          200: z.object({ items: z.array(priceEntryOut), nextCursor: z.string().nullable() }).meta({
            id: "GroupPricePage",
            description: "A page of a group's prices; nextCursor null on the last page",
          }),
          400: errorBody,
          401: errorBody,
          404: groupMissing,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const listing = `prices:${req.params.id}`;
      const after = q.cursor === undefined ? undefined : decodeKeyCursor(q.cursor, listing, "sn");
      const tld = q.tld?.trim().toLowerCase().replace(/^\./, "");
      // Billing filters and pages in SQL, codes in byte order; one more than the page says
      // whether another follows.
      const rows = await priceList(ctx.db, req.params.id, {
        ...(q.serviceCode === undefined ? {} : { serviceCode: q.serviceCode.trim() }),
        ...(q.kind === undefined ? {} : { kind: q.kind }),
        ...(q.operation === undefined ? {} : { operation: q.operation }),
        ...(tld === undefined ? {} : { tld }),
        ...(q.source === undefined ? {} : { source: q.source }),
        ...(after === undefined ? {} : { after: priceKey(after[0] as string, after[1] as number) }),
        limit: q.limit + 1,
      });
      const items = rows.slice(0, q.limit);
      const last = items.at(-1);
      return {
        items: items.map(entryJson),
        nextCursor:
          rows.length > q.limit && last ? encodeKeyCursor(listing, [last.serviceCode, last.period]) : null,
      };
    },
  );

  r.get(
    "/v1/billing/price-groups/:id/prices/:serviceCode/:period",
    {
      schema: {
        operationId: "getGroupPrice",
        summary: "Price of a service for a period in a group",
        description:
          "What the group charges for the service and period (net, VAT, gross), with the current wholesale cost " +
          "and margin. A 404 when the group or service does not exist or the group has no price for it.",
        tags: TAGS,
        params: priceParams,
        response: { 200: priceOut, 400: errorBody, 401: errorBody, 404: priceMissing },
      },
    },
    async (req) => {
      const p = req.params;
      return priceJson(
        await renamingIssues(groupPaths, () =>
          priceFor(ctx.db, { groupId: p.id, serviceCode: p.serviceCode, period: p.period }),
        ),
      );
    },
  );

  r.put(
    "/v1/billing/price-groups/:id/prices/:serviceCode/:period",
    {
      config: { audit: "billing.price.set" },
      schema: {
        operationId: "setGroupPrice",
        summary: "Set a price",
        description:
          "Sets the group's manual price for the service and period (recalculation keeps manual prices). Give " +
          "`net` or `gross` as decimal text; a gross no whole-grosz net reaches at the service's VAT rate is a 400 " +
          "naming the nearest ones. A net below the current wholesale cost is a 409 `below_cost` unless " +
          "`lossLeader: true`. A period the service is not sold for is a 400 naming `period`. Setting the same " +
          "price twice changes nothing, so no Idempotency-Key.",
        tags: TAGS,
        params: priceParams,
        body: priceBody,
        response: {
          200: priceOut,
          400: errorBody,
          401: errorBody,
          404: refusal("`not_found`: no such price group or service."),
          409: refusal(
            "`below_cost`: the net is below the wholesale cost; send `lossLeader: true` to mean it.",
          ),
        },
      },
    },
    async (req) => {
      const { id, serviceCode, period } = req.params;
      const b = req.body;
      const price = await renamingIssues(groupPaths, () =>
        setPrice(ctx.db, {
          groupId: id,
          serviceCode,
          period,
          ...(b.net === undefined ? {} : { net: canonicalAmount(b.net) }),
          ...(b.gross === undefined ? {} : { gross: canonicalAmount(b.gross) }),
          ...(b.lossLeader === undefined ? {} : { lossLeader: b.lossLeader }),
          at: ctx.now(),
        }),
      );
      return priceJson(price);
    },
  );

  r.delete(
    "/v1/billing/price-groups/:id/prices/:serviceCode/:period",
    {
      config: { audit: "billing.price.remove" },
      schema: {
        operationId: "removeGroupPrice",
        summary: "Remove a price",
        description:
          "Removes the group's price for the service and period (manual or by rule): the service is no longer " +
          "sold to the group until a price is set again or the next recalculation prices it by a rule.",
        tags: TAGS,
        params: priceParams,
        response: {
          200: z
            .object({
              groupId: z.number(),
              serviceCode: z.string(),
              period: z.number(),
              removed: z.literal(true),
            })
            .meta({ id: "RemovedGroupPrice", description: "The price is gone" }),
          400: errorBody,
          401: errorBody,
          404: priceMissing,
        },
      },
    },
    async (req) => {
      const { id, serviceCode, period } = req.params;
      await renamingIssues(groupPaths, () => removePrice(ctx.db, { groupId: id, serviceCode, period }));
      return { groupId: id, serviceCode, period, removed: true as const };
    },
  );

  billingPriceRuleRoutes(app, ctx);
  billingWholesaleRoutes(app, ctx);
}
