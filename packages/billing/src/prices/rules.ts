/**
 * Pricing rules of a group: how it turns wholesale cost into its prices. A rule matches services
 * by kind, operation, TLD, one service and/or one period. For a service and period the most
 * specific matching rule wins:
 *   1. by its most specific field: service > tld > operation > kind > none ("any");
 *   2. then by how many of the other fields it names (`.pl` + `renew` beats `.pl` alone; a
 *      rule for one period beats the same rule for every period);
 *   3. then higher `priority`, then the older rule (lower id).
 * Rules change nothing by themselves: recalculatePrices writes the prices.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import {
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  type FieldIssue,
} from "../errors.js";
import { parseInput } from "../validate.js";
import type { Margin, PricingFormula, Rounding, RoundOn } from "./rounding.js";
import {
  evenWithIssues,
  idSchema,
  KINDS,
  OPERATIONS,
  periodSchema,
  requireGroup,
  requireService,
  type ServiceKind,
  type ServiceOperation,
  serviceCodeSchema,
  tldSchema,
} from "./shared.js";

export interface PriceRuleMatch {
  kind?: ServiceKind;
  operation?: ServiceOperation;
  /** `pl`, `com.pl`. */
  tld?: string;
  /** One catalog service: `domain.pl.register`. */
  serviceCode?: string;
  /** One period (years); absent = every period. */
  period?: number;
}

export interface SetPriceRuleInput {
  /** Given: that rule of the group is replaced. Absent: a new rule. */
  id?: number;
  groupId: number;
  /** Absent or `{}`: every service. */
  match?: PriceRuleMatch;
  /** `{type: 'percent', basisPoints: 2500}` = 25% of cost; `{type: 'fixed', grosze: 1000}` = 10 zł. */
  margin: Margin;
  /** Default `'none'`. */
  rounding?: Rounding;
  /** Default `'gross'` (what the customer sees). */
  roundOn?: RoundOn;
  /** The least margin over cost, in grosze, before rounding. Default 0. */
  minMarginGrosze?: number;
  /** Breaks ties between equally specific rules: higher first. Default 0. */
  priority?: number;
}

export type RuleSpecificity = "service" | "tld" | "operation" | "kind" | "any";

export interface PriceRule extends PricingFormula {
  id: number;
  groupId: number;
  match: PriceRuleMatch;
  priority: number;
  /** The field that ranks it (see the module comment). */
  specificity: RuleSpecificity;
}

const OPERATIONS_OF: Record<ServiceKind, readonly ServiceOperation[]> = {
  domain: ["register", "renew", "transfer", "trade"],
  option: ["create", "renew"],
  ssl: ["create", "renew"],
  hosting: ["create", "renew"],
};

const matchSchema = z
  .strictObject({
    kind: z.enum(KINDS).optional(),
    operation: z.enum(OPERATIONS).optional(),
    tld: tldSchema.optional(),
    serviceCode: serviceCodeSchema.optional(),
    period: periodSchema.optional(),
  })
  .superRefine((m, ctx) => {
    // Raw values when another field failed: only judge known kinds.
    const ops = Object.hasOwn(OPERATIONS_OF, String(m.kind))
      ? OPERATIONS_OF[m.kind as ServiceKind]
      : undefined;
    if (!ops) return;
    if (m.tld !== undefined && m.kind !== "domain" && m.kind !== "option") {
      ctx.addIssue({ code: "custom", path: ["tld"], message: `${m.kind} services have no TLD` });
    }
    if (m.operation !== undefined && !ops.includes(m.operation)) {
      ctx.addIssue({
        code: "custom",
        path: ["operation"],
        message: `${m.kind} services are ${ops.join("/")}, not ${m.operation}`,
      });
    }
  }, evenWithIssues);

const marginSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("percent"), basisPoints: z.number().int().min(0).max(1_000_000) }),
  z.strictObject({ type: z.literal("fixed"), grosze: z.number().int().min(0).max(1_000_000_000_000) }),
]);

const ruleSchema = z.object({
  id: idSchema.optional(),
  groupId: idSchema,
  match: matchSchema.default({}),
  margin: marginSchema,
  rounding: z.enum(["none", "99", "whole"]).default("none"),
  roundOn: z.enum(["gross", "net"]).default("gross"),
  minMarginGrosze: z.number().int().min(0).max(1_000_000_000_000).default(0),
  priority: z.number().int().min(-1_000_000).max(1_000_000).default(0),
});

interface RuleDbRow {
  id: number;
  group_id: number;
  kind: ServiceKind | null;
  operation: ServiceOperation | null;
  tld: string | null;
  service_code: string | null;
  period: number | null;
  margin_type: "percent" | "fixed";
  margin_value: number;
  rounding: Rounding;
  round_on: RoundOn;
  min_margin: number;
  priority: number;
}

const RULE_SELECT = `SELECT r.id, r.group_id, r.kind, r.operation, r.tld, s.code AS service_code, r.period,
    r.margin_type, r.margin_value, r.rounding, r.round_on, r.min_margin, r.priority
  FROM price_rules r LEFT JOIN services s ON s.id = r.service_id`;

function specificityOf(m: PriceRuleMatch): RuleSpecificity {
  if (m.serviceCode !== undefined) return "service";
  if (m.tld !== undefined) return "tld";
  if (m.operation !== undefined) return "operation";
  if (m.kind !== undefined) return "kind";
  return "any";
}

function toRule(r: RuleDbRow): PriceRule {
  const match: PriceRuleMatch = {};
  if (r.kind !== null) match.kind = r.kind;
  if (r.operation !== null) match.operation = r.operation;
  if (r.tld !== null) match.tld = r.tld;
  if (r.service_code !== null) match.serviceCode = r.service_code;
  if (r.period !== null) match.period = r.period;
  return {
    id: r.id,
    groupId: r.group_id,
    match,
    margin:
      r.margin_type === "percent"
        ? { type: "percent", basisPoints: Number(r.margin_value) }
        : { type: "fixed", grosze: Number(r.margin_value) },
    rounding: r.rounding,
    roundOn: r.round_on,
    minMarginGrosze: Number(r.min_margin),
    priority: r.priority,
    specificity: specificityOf(match),
  };
}

const LEVEL: Record<RuleSpecificity, number> = { service: 4, tld: 3, operation: 2, kind: 1, any: 0 };
const fieldsNamed = (m: PriceRuleMatch) =>
  [m.kind, m.operation, m.tld, m.serviceCode, m.period].filter((v) => v !== undefined).length;

/** Negative when `a` takes precedence over `b`. */
export function compareRules(a: PriceRule, b: PriceRule): number {
  return (
    LEVEL[b.specificity] - LEVEL[a.specificity] ||
    fieldsNamed(b.match) - fieldsNamed(a.match) ||
    b.priority - a.priority ||
    a.id - b.id
  );
}

export interface RuleTarget {
  code: string;
  kind: ServiceKind;
  operation: ServiceOperation;
  tld: string | null;
}

export function ruleMatches(rule: PriceRule, service: RuleTarget, period: number): boolean {
  const m = rule.match;
  return (
    (m.serviceCode === undefined || m.serviceCode === service.code) &&
    (m.kind === undefined || m.kind === service.kind) &&
    (m.operation === undefined || m.operation === service.operation) &&
    (m.tld === undefined || m.tld === service.tld) &&
    (m.period === undefined || m.period === period)
  );
}

/** The rule that prices a service for a period, or undefined when none matches. */
export function selectRule(
  rules: readonly PriceRule[],
  service: RuleTarget,
  period: number,
): PriceRule | undefined {
  let best: PriceRule | undefined;
  for (const r of rules) {
    if (ruleMatches(r, service, period) && (!best || compareRules(r, best) < 0)) best = r;
  }
  return best;
}

export interface ListPriceRulesInput {
  /**
   * Keyset paging: the last rule of the previous page (its match, specificity, priority and id
   * place it; it need not exist any more). The rules ranked after it come back.
   */
  after?: Pick<PriceRule, "id" | "match" | "priority" | "specificity">;
  /** At most this many rules, 1–1000 (ask one more than a page to learn if another follows). */
  limit?: number;
}

const SPECIFICITIES = [
  "service",
  "tld",
  "operation",
  "kind",
  "any",
] as const satisfies readonly RuleSpecificity[];

const listSchema = z
  .strictObject({
    after: z
      .object({
        id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
        // Only which fields it names counts (fieldsNamed), as in compareRules.
        match: z.record(z.string(), z.unknown()),
        priority: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
        specificity: z.enum(SPECIFICITIES),
      })
      .optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .default({});

// compareRules in SQL: level and fields named descending, then priority descending, then id.
const RULE_LEVEL = `CASE WHEN s.code IS NOT NULL THEN 4 WHEN r.tld IS NOT NULL THEN 3
  WHEN r.operation IS NOT NULL THEN 2 WHEN r.kind IS NOT NULL THEN 1 ELSE 0 END`;
const RULE_FIELDS = `((r.kind IS NOT NULL)::int + (r.operation IS NOT NULL)::int + (r.tld IS NOT NULL)::int
  + (s.code IS NOT NULL)::int + (r.period IS NOT NULL)::int)`;
const RULE_KEY = `(-(${RULE_LEVEL}), -${RULE_FIELDS}, -r.priority::int8, r.id::int8)`;
const RULE_ORDER = `${RULE_LEVEL} DESC, ${RULE_FIELDS} DESC, r.priority DESC, r.id`;

/**
 * Rules of a group by precedence (the one that wins first, see compareRules), a page at a time
 * with `after` and `limit`. BillingNotFoundError when the group does not exist.
 */
export async function listPriceRules(
  db: Db,
  groupId: number,
  paging: ListPriceRulesInput = {},
): Promise<PriceRule[]> {
  const id = parseInput("listPriceRules", idSchema, groupId);
  const v = parseInput("listPriceRules", listSchema, paging);
  await requireGroup(db, id);
  const params: unknown[] = [id];
  let after = "";
  if (v.after !== undefined) {
    const a = v.after;
    params.push(-LEVEL[a.specificity], -fieldsNamed(a.match as PriceRuleMatch), -a.priority, a.id);
    after = ` AND ${RULE_KEY} > ($2::int8, $3::int8, $4::int8, $5::int8)`;
  }
  if (v.limit !== undefined) params.push(v.limit);
  const { rows } = await db.query<RuleDbRow>(
    `${RULE_SELECT} WHERE r.group_id = $1${after}
     ORDER BY ${RULE_ORDER} ${v.limit === undefined ? "" : `LIMIT $${params.length}`}`,
    params,
  );
  return rows.map(toRule);
}

/** Adds a rule to a group (or replaces rule `id`). Refused (`currency`) for a group not in PLN. */
export async function setPriceRule(db: Db, input: SetPriceRuleInput): Promise<PriceRule> {
  const r = parseInput("setPriceRule", ruleSchema, input);
  const id = await db.transaction(async (tx) => {
    const group = await requireGroup(tx, r.groupId, true);
    if (group.currency !== "PLN") {
      throw new BillingConflictError(
        `rules derive prices from wholesale cost in PLN; price group "${group.name}" is in ${group.currency}: set its prices with setPrice`,
        "currency",
      );
    }
    let serviceId: number | null = null;
    if (r.match.serviceCode !== undefined) {
      const svc = await requireService(tx, r.match.serviceCode);
      const issues: FieldIssue[] = [];
      if (r.match.kind && r.match.kind !== svc.kind)
        issues.push({ path: "match.kind", message: `${svc.code} is a ${svc.kind} service` });
      if (r.match.operation && r.match.operation !== svc.operation)
        issues.push({ path: "match.operation", message: `${svc.code} is a ${svc.operation} service` });
      if (r.match.tld && r.match.tld !== svc.tld)
        issues.push({ path: "match.tld", message: `${svc.code} is not a service of ${r.match.tld}` });
      if (r.match.period && !svc.periods.includes(r.match.period))
        issues.push({
          path: "match.period",
          message: `${svc.code} is sold for ${svc.periods.join(", ")} year(s)`,
        });
      if (issues.length > 0) throw new BillingValidationError("setPriceRule", issues);
      serviceId = svc.id;
    }
    const values = [
      r.groupId,
      r.match.kind ?? null,
      r.match.operation ?? null,
      r.match.tld ?? null,
      serviceId,
      r.match.period ?? null,
      r.margin.type,
      r.margin.type === "percent" ? r.margin.basisPoints : r.margin.grosze,
      r.rounding,
      r.roundOn,
      r.minMarginGrosze,
      r.priority,
    ];
    if (r.id !== undefined) {
      const upd = await tx.query<{ id: number }>(
        `UPDATE price_rules SET kind = $2, operation = $3, tld = $4, service_id = $5, period = $6,
           margin_type = $7, margin_value = $8, rounding = $9, round_on = $10, min_margin = $11, priority = $12
         WHERE group_id = $1 AND id = $13 RETURNING id`,
        [...values, r.id],
      );
      if (upd.rowCount === 0)
        throw new BillingNotFoundError(`price rule ${r.id} of price group ${r.groupId}`);
      return r.id;
    }
    const ins = await tx.query<{ id: number }>(
      `INSERT INTO price_rules (group_id, kind, operation, tld, service_id, period, margin_type, margin_value,
         rounding, round_on, min_margin, priority)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      values,
    );
    return ins.rows[0]!.id;
  });
  const { rows } = await db.query<RuleDbRow>(`${RULE_SELECT} WHERE r.id = $1`, [id]);
  return toRule(rows[0]!);
}

/**
 * Deletes a rule. Prices it wrote stay (without a rule) until the next recalculatePrices, which
 * prices them by the remaining rules or removes them.
 */
export async function deletePriceRule(db: Db, ruleId: number): Promise<void> {
  const id = parseInput("deletePriceRule", idSchema, ruleId);
  const { rowCount } = await db.query("DELETE FROM price_rules WHERE id = $1", [id]);
  if (rowCount === 0) throw new BillingNotFoundError(`price rule ${id}`);
}

/** Internal: the rules of a group, unsorted, for recalculation. */
export async function rulesOf(db: Db, groupId: number): Promise<PriceRule[]> {
  const { rows } = await db.query<RuleDbRow>(`${RULE_SELECT} WHERE r.group_id = $1`, [groupId]);
  return rows.map(toRule);
}
