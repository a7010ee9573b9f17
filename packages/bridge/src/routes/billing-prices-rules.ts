/**
 * Pricing rules over HTTP (how a group turns wholesale cost into its prices) and recalculation,
 * which applies them. Margins and minimum margins are decimal text on the wire; billing stores
 * grosze. Rules are listed in precedence order (the rule that wins first), as billing ranks them.
 */
import {
  deletePriceRule,
  listPriceRules,
  type PriceRule,
  type RecalculateResult,
  recalculatePrices,
  SERVICE_KINDS,
  SERVICE_OPERATIONS,
  type SetPriceRuleInput,
  setPriceRule,
} from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { BridgeError } from "../errors.js";
import { replyJournaled } from "../idempotency.js";
import {
  badCursor,
  cursorQuery,
  decodeKeyCursor,
  encodeKeyCursor,
  limitQuery,
  minorUnits,
  moneyIn,
  refusal,
  renames,
  renamingIssues,
  replayedFlag,
} from "./billing-prices-wire.js";
import { decimal, errorBody, idempotencyHeaders, idParams, moneyOut } from "./billing-schemas.js";

const TAGS = ["billing"];

const matchSchema = z
  .object({
    kind: z.enum(SERVICE_KINDS).optional(),
    operation: z.enum(SERVICE_OPERATIONS).optional(),
    tld: z.string().optional().describe("`pl`, `com.pl`"),
    serviceCode: z.string().optional().describe("One catalog service, e.g. domain.pl.register"),
    period: z.number().int().optional().describe("One period in years; absent: every period"),
  })
  .meta({
    id: "PriceRuleMatch",
    description: "Which services and periods a rule prices; every field given must match, `{}` matches all",
  });

const ROUNDING = z
  .enum(["none", "99", "whole"])
  .describe("Always upwards: `99` to the next X.99, `whole` to the next whole unit");
const ROUND_ON = z.enum(["gross", "net"]).describe("Round what the customer sees (gross) or the net");

const ruleIn = z
  .object({
    match: matchSchema.optional(),
    margin: z
      .discriminatedUnion("type", [
        z.object({
          type: z.literal("percent"),
          basisPoints: z.number().int().describe("Percent of cost in basis points: 2500 = 25%"),
        }),
        z.object({
          type: z.literal("fixed"),
          amount: moneyIn.describe('A fixed amount over cost, e.g. "10.00"'),
        }),
      ])
      .describe("The margin over wholesale cost"),
    rounding: ROUNDING.optional().describe("Default none"),
    roundOn: ROUND_ON.optional().describe("Default gross"),
    minMargin: moneyIn
      .optional()
      .describe('The least margin over cost before rounding, e.g. "5.00"; default "0.00"'),
    priority: z
      .number()
      .int()
      .optional()
      .describe("Breaks ties between equally specific rules: higher first"),
  })
  .meta({ id: "NewPriceRule", description: "A pricing rule: which services it prices, and how from cost" });

const ruleOut = z
  .object({
    id: z.number(),
    groupId: z.number(),
    match: matchSchema,
    margin: z.discriminatedUnion("type", [
      z.object({ type: z.literal("percent"), basisPoints: z.number() }),
      z.object({ type: z.literal("fixed"), amount: moneyOut }),
    ]),
    rounding: ROUNDING,
    roundOn: ROUND_ON,
    minMargin: moneyOut,
    priority: z.number(),
    specificity: z
      .enum(["service", "tld", "operation", "kind", "any"])
      .describe("The field that ranks the rule: service > tld > operation > kind > any"),
  })
  .meta({ id: "PriceRule", description: "A pricing rule of a group" });

const ruleParams = z.object({
  id: idParams.shape.id,
  ruleId: idParams.shape.id,
});

const RULE_CURRENCY =
  "`currency`: the group is not in PLN (wholesale costs are PLN: set its prices by hand); `in_progress`: the " +
  "first call with this Idempotency-Key still runs.";

const ruleJson = (rule: PriceRule) => ({
  id: rule.id,
  groupId: rule.groupId,
  match: rule.match,
  margin:
    rule.margin.type === "percent"
      ? { type: "percent" as const, basisPoints: rule.margin.basisPoints }
      : { type: "fixed" as const, amount: decimal({ amount: rule.margin.grosze, currency: "PLN" }) },
  rounding: rule.rounding,
  roundOn: rule.roundOn,
  minMargin: decimal({ amount: rule.minMarginGrosze, currency: "PLN" }),
  priority: rule.priority,
  specificity: rule.specificity,
});

type RuleBody = z.output<typeof ruleIn>;

/** The wire's rule as billing's input: decimal amounts become grosze. */
function ruleInput(groupId: number, b: RuleBody, id?: number): SetPriceRuleInput {
  return {
    ...(id === undefined ? {} : { id }),
    groupId,
    ...(b.match === undefined ? {} : { match: b.match }),
    margin:
      b.margin.type === "percent"
        ? { type: "percent", basisPoints: b.margin.basisPoints }
        : { type: "fixed", grosze: minorUnits(b.margin.amount) },
    ...(b.rounding === undefined ? {} : { rounding: b.rounding }),
    ...(b.roundOn === undefined ? {} : { roundOn: b.roundOn }),
    ...(b.minMargin === undefined ? {} : { minMarginGrosze: minorUnits(b.minMargin) }),
    ...(b.priority === undefined ? {} : { priority: b.priority }),
  };
}

// Billing's names for the wire's fields.
const rulePaths = renames({
  groupId: "id",
  id: "ruleId",
  "margin.grosze": "margin.amount",
  minMarginGrosze: "minMargin",
});

const servicePeriod = z.object({ serviceCode: z.string(), period: z.number() });

const recalculatedOut = z
  .object({
    groupId: z.number(),
    priced: z.number().describe("Service periods priced by a rule now (changed + unchanged)"),
    changed: z.number().describe("Prices written or changed by this run"),
    unchanged: z.number(),
    manualKept: z.number().describe("Manual prices left as they are"),
    removed: z
      .number()
      .describe("Earlier rule prices removed: no rule or cost any more, or the service is off"),
    manualBelowCost: z
      .array(servicePeriod.extend({ net: moneyOut, cost: moneyOut }))
      .describe("Manual prices now below cost and not marked as loss leaders: check them"),
    withoutCost: z.array(servicePeriod).describe("Active service periods with no wholesale cost: not priced"),
    withoutRule: z
      .array(servicePeriod)
      .describe("Service periods with a cost that no rule matches: not priced"),
    invalid: z.array(servicePeriod.extend({ reason: z.string() })).describe("Not priced for another reason"),
  })
  .meta({
    id: "RecalculatedPrices",
    description: "What a recalculation priced, kept, removed and could not price",
  });

const recalculatedJson = (r: RecalculateResult) => ({
  ...r,
  manualBelowCost: r.manualBelowCost.map((m) => ({ ...m, net: decimal(m.net), cost: decimal(m.cost) })),
});

const SPECIFICITIES = ["service", "tld", "operation", "kind", "any"] as const;
/** Priorities run from −1 000 000: shifted in a cursor, whose numbers are non-negative. */
const PRIORITY_SHIFT = 1_000_000;

/** A cursor naming the last rule of a page by what billing ranks rules by. */
const ruleCursor = (listing: string, rule: PriceRule) =>
  encodeKeyCursor(listing, [
    JSON.stringify(rule.match),
    rule.specificity,
    rule.priority + PRIORITY_SHIFT,
    rule.id,
  ]);

/** The last rule of the previous page, rebuilt from its cursor (enough of it for billing to rank it). */
function lastRuleOf(cursor: string, listing: string): PriceRule {
  const [matchJson, specificity, priority, id] = decodeKeyCursor(cursor, listing, "ssnn") as [
    string,
    string,
    number,
    number,
  ];
  let match: unknown;
  try {
    match = JSON.parse(matchJson);
  } catch {
    match = undefined;
  }
  if (
    typeof match !== "object" ||
    match === null ||
    Array.isArray(match) ||
    !(SPECIFICITIES as readonly string[]).includes(specificity)
  ) {
    return badCursor();
  }
  return {
    id,
    groupId: 0,
    match,
    priority: priority - PRIORITY_SHIFT,
    specificity,
  } as PriceRule;
}

export function billingPriceRuleRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const groupMissing = refusal("`not_found`: no price group with this id.");

  r.get(
    "/v1/billing/price-groups/:id/rules",
    {
      schema: {
        operationId: "listPriceRules",
        summary: "A price group's pricing rules",
        description:
          "The group's rules in precedence order: for a service and period the first matching rule prices it " +
          "(most specific field, then how many fields it names, then priority, then age). Pass `nextCursor` as " +
          "`cursor` for the next page; it is null on the last.",
        tags: TAGS,
        params: idParams,
        querystring: z.object({ limit: limitQuery, cursor: cursorQuery }),
        response: {
          200: z
            .object({ items: z.array(ruleOut), nextCursor: z.string().nullable() })
            .meta({ id: "PriceRulePage", description: "A page of rules in precedence order" }),
          400: errorBody,
          401: errorBody,
          404: groupMissing,
        },
      },
    },
    async (req) => {
      const listing = `rules:${req.params.id}`;
      const q = req.query;
      const last = q.cursor === undefined ? undefined : lastRuleOf(q.cursor, listing);
      // Keyset over billing's precedence order, in SQL: the rules ranked after the previous
      // page's last; one more than the page says whether another follows.
      const rows = await listPriceRules(ctx.db, req.params.id, {
        ...(last === undefined ? {} : { after: last }),
        limit: q.limit + 1,
      });
      const items = rows.slice(0, q.limit);
      return {
        items: items.map(ruleJson),
        nextCursor: rows.length > q.limit ? ruleCursor(listing, items.at(-1)!) : null,
      };
    },
  );

  r.post(
    "/v1/billing/price-groups/:id/rules",
    {
      config: { audit: "billing.price-rule.create" },
      schema: {
        operationId: "createPriceRule",
        summary: "Add a pricing rule",
        description:
          "Adds a rule to the group. It changes no price by itself: recalculate the group to apply it. Needs an " +
          "Idempotency-Key (a resent call must not add the rule twice). A group not in PLN is a 409 `currency`; " +
          "a match that contradicts its service (a TLD of another service, a period it is not sold for) a 400 " +
          "naming every bad field. Nothing is written on a refusal.",
        tags: TAGS,
        params: idParams,
        headers: idempotencyHeaders,
        body: ruleIn,
        response: {
          201: ruleOut
            .extend({ replayed: replayedFlag })
            .meta({ id: "CreatedPriceRule", description: "The rule added (on a replay, the first one)" }),
          400: errorBody,
          401: errorBody,
          404: refusal("`not_found`: no such price group, or the match names an unknown service."),
          409: refusal(RULE_CURRENCY),
          422: errorBody,
        },
      },
    },
    async (req, reply) =>
      replyJournaled(
        ctx.db,
        req,
        reply,
        "billing.price-rule.create",
        { groupId: req.params.id, ...req.body },
        async () => ({
          statusCode: 201,
          body: ruleJson(
            await renamingIssues(rulePaths, () => setPriceRule(ctx.db, ruleInput(req.params.id, req.body))),
          ),
        }),
      ) as never,
  );

  r.put(
    "/v1/billing/price-groups/:id/rules/:ruleId",
    {
      config: { audit: "billing.price-rule.replace" },
      schema: {
        operationId: "replacePriceRule",
        summary: "Replace a pricing rule",
        description:
          "Replaces the rule as a whole (fields left out take their defaults). Prices change at the next " +
          "recalculation. Replacing with the same rule twice changes nothing, so no Idempotency-Key.",
        tags: TAGS,
        params: ruleParams,
        body: ruleIn,
        response: {
          200: ruleOut,
          400: errorBody,
          401: errorBody,
          404: refusal("`not_found`: no such price group, or no such rule in it, or an unknown service."),
          409: refusal(
            "`currency`: the group is not in PLN (wholesale costs are PLN: set its prices by hand).",
          ),
        },
      },
    },
    async (req) =>
      ruleJson(
        await renamingIssues(rulePaths, () =>
          setPriceRule(ctx.db, ruleInput(req.params.id, req.body, req.params.ruleId)),
        ),
      ),
  );

  r.delete(
    "/v1/billing/price-groups/:id/rules/:ruleId",
    {
      config: { audit: "billing.price-rule.delete" },
      schema: {
        operationId: "deletePriceRule",
        summary: "Delete a pricing rule",
        description:
          "Deletes the rule. The prices it wrote stay until the next recalculation, which prices them by the " +
          "remaining rules or removes them.",
        tags: TAGS,
        params: ruleParams,
        response: {
          200: z
            .object({ id: z.number(), groupId: z.number(), deleted: z.literal(true) })
            .meta({ id: "DeletedPriceRule", description: "The rule is gone" }),
          400: errorBody,
          401: errorBody,
          404: refusal("`not_found`: no such price group, or no such rule in it."),
        },
      },
    },
    async (req) => {
      const { id, ruleId } = req.params;
      // Billing deletes a rule by its id alone: the group in the path must be the rule's own.
      const rules = await listPriceRules(ctx.db, id);
      if (!rules.some((rule) => rule.id === ruleId)) {
        throw new BridgeError(404, "not_found", `price rule ${ruleId} of price group ${id} does not exist`);
      }
      await deletePriceRule(ctx.db, ruleId);
      return { id: ruleId, groupId: id, deleted: true as const };
    },
  );

  r.post(
    "/v1/billing/price-groups/:id/recalculate",
    {
      config: { audit: "billing.price-group.recalculate" },
      schema: {
        operationId: "recalculatePrices",
        summary: "Recalculate a group's prices from its rules",
        description:
          "Prices every active service and period that has a wholesale cost and no manual price by its most " +
          "specific rule, in one transaction; manual prices are never touched. Reports what was priced, changed, " +
          "kept and removed, and what could not be priced (no cost, no rule). Recalculating twice changes nothing " +
          "the second time, so no Idempotency-Key. A group not in PLN is a 409 `currency`.",
        tags: TAGS,
        params: idParams,
        response: {
          200: recalculatedOut,
          400: errorBody,
          401: errorBody,
          404: groupMissing,
          409: refusal(
            "`currency`: the group is not in PLN (wholesale costs are PLN: set its prices by hand).",
          ),
        },
      },
    },
    async (req) => recalculatedJson(await recalculatePrices(ctx.db, req.params.id, { at: ctx.now() })),
  );
}
