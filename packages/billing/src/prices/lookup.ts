/**
 * Prices of a group: manual prices (setPrice), and what a customer or group pays (priceFor,
 * priceList). A group stores net prices; gross and VAT are derived at the service's VAT rate
 * with grossOf, the same rounding documents use for one line.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import {
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  type FieldIssue,
} from "../errors.js";
import { type Currency, formatMoney, type Money, money, subtract } from "../money/money.js";
import { grossOf, type VatRateCode } from "../money/vat.js";
import { parseInput } from "../validate.js";
import { exactNetFor } from "./rounding.js";
import {
  type AmountInput,
  amountOf,
  amountSchema,
  atSchema,
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
} from "./shared.js";

export interface Price {
  groupId: number;
  serviceCode: string;
  period: number;
  net: Money;
  gross: Money;
  vat: Money;
  vatRate: VatRateCode;
  /** The current wholesale cost (PLN groups, once imported). */
  cost?: Money;
  /** net − cost: negative for a loss leader. */
  margin?: Money;
  source: "manual" | "rule";
  /** The rule that wrote a `rule` price (null once that rule was deleted). */
  ruleId: number | null;
  lossLeader: boolean;
  updatedAt: Date;
}

export interface PriceListEntry extends Price {
  serviceName: string;
  kind: ServiceKind;
  operation: ServiceOperation;
  tld: string | null;
  product: string | null;
  active: boolean;
}

interface PriceDbRow {
  group_id: number;
  currency: Currency;
  code: string;
  name: string;
  kind: ServiceKind;
  operation: ServiceOperation;
  tld: string | null;
  product: string | null;
  active: boolean;
  vat_rate: string;
  period: number;
  net: number;
  source: "manual" | "rule";
  rule_id: number | null;
  loss_leader: boolean;
  updated_at: Date;
  cost: number | null;
}

const PRICE_SELECT = `SELECT p.group_id, g.currency, s.code, s.name, s.kind, s.operation, s.tld, s.product, s.active,
    s.vat_rate, p.period, p.net, p.source, p.rule_id, p.loss_leader, p.updated_at, cw.cost
  FROM prices p
  JOIN price_groups g ON g.id = p.group_id
  JOIN services s ON s.id = p.service_id
  LEFT JOIN current_wholesale cw ON cw.service_id = p.service_id AND cw.period = p.period`;

function toPrice(r: PriceDbRow): Price {
  const rate = r.vat_rate as VatRateCode;
  const net = money(Number(r.net), r.currency);
  const gross = grossOf(net, rate);
  const price: Price = {
    groupId: r.group_id,
    serviceCode: r.code,
    period: r.period,
    net,
    gross,
    vat: subtract(gross, net),
    vatRate: rate,
    source: r.source,
    ruleId: r.rule_id,
    lossLeader: r.loss_leader,
    updatedAt: r.updated_at,
  };
  // Costs are PLN: no cost or margin for a group in another currency.
  if (r.cost !== null && r.currency === "PLN") {
    price.cost = money(Number(r.cost));
    price.margin = subtract(net, price.cost);
  }
  return price;
}

const toEntry = (r: PriceDbRow): PriceListEntry => ({
  ...toPrice(r),
  serviceName: r.name,
  kind: r.kind,
  operation: r.operation,
  tld: r.tld,
  product: r.product,
  active: r.active,
});

export interface SetPriceInput {
  groupId: number;
  serviceCode: string;
  period: number;
  /** The net price: Money, or decimal text in the group's currency. Give net or gross. */
  net?: AmountInput;
  /** The gross price the customer sees; stored as the one net that gives exactly this gross. */
  gross?: AmountInput;
  /** Allows a price below the current wholesale cost (a deliberate loss leader). Default false. */
  lossLeader?: boolean;
  /** `updated_at`; default the database's now(). */
  at?: Date;
}

const setSchema = z
  .object({
    groupId: idSchema,
    serviceCode: serviceCodeSchema,
    period: periodSchema,
    net: amountSchema.optional(),
    gross: amountSchema.optional(),
    lossLeader: z.boolean().optional(),
    at: atSchema.optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.net === undefined) === (v.gross === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [v.net === undefined ? "net" : "gross"],
        message: "give either net or gross (exactly one)",
      });
    }
  }, evenWithIssues);

/**
 * Sets a manual price, which recalculation keeps. Refused with BillingConflictError `below_cost`
 * when the net is below the current wholesale cost, unless `lossLeader: true`. A gross no
 * whole-grosz net reaches at the service's VAT rate is refused (validation), naming the nearest.
 */
export async function setPrice(db: Db, input: SetPriceInput): Promise<Price> {
  const v = parseInput("setPrice", setSchema, input);
  await db.transaction(async (tx) => {
    const group = await requireGroup(tx, v.groupId, true);
    const svc = await requireService(tx, v.serviceCode);
    const rate = svc.vatRate;
    const field = v.net !== undefined ? "net" : "gross";
    const amount = amountOf((v.net ?? v.gross)!, group.currency);
    const issues: FieldIssue[] = [];
    if (!svc.periods.includes(v.period)) {
      issues.push({ path: "period", message: `${svc.code} is sold for ${svc.periods.join(", ")} year(s)` });
    }
    if (amount.currency !== group.currency) {
      issues.push({
        path: `${field}.currency`,
        message: `price group "${group.name}" charges ${group.currency}, not ${amount.currency}`,
      });
    }
    let net = amount;
    if (field === "gross" && issues.length === 0) {
      const exact = exactNetFor(amount, rate);
      if (!exact) {
        issues.push({
          path: "gross",
          message: `no net price gives exactly ${formatMoney(amount, "en")} gross at VAT ${rate}: nearest are ${nearestGrosses(amount, rate)}`,
        });
      } else {
        net = exact;
      }
    }
    if (issues.length > 0) throw new BillingValidationError("setPrice", issues);
    if (group.currency === "PLN") {
      const { rows } = await tx.query<{ cost: number }>(
        "SELECT cost FROM current_wholesale WHERE service_id = $1 AND period = $2",
        [svc.id, v.period],
      );
      const cost = rows[0] ? Number(rows[0].cost) : null;
      if (cost !== null && net.amount < cost && v.lossLeader !== true) {
        throw new BillingConflictError(
          `${svc.code} for ${v.period} year(s): net ${formatMoney(net, "en")} is below the wholesale cost ${formatMoney(money(cost), "en")}; pass lossLeader: true to sell at a loss on purpose`,
          "below_cost",
        );
      }
    }
    await tx.query(
      `INSERT INTO prices (group_id, service_id, period, net, source, rule_id, loss_leader, updated_at)
       VALUES ($1, $2, $3, $4, 'manual', NULL, $5, coalesce($6::timestamptz, now()))
       ON CONFLICT (group_id, service_id, period) DO UPDATE
         SET net = EXCLUDED.net, source = 'manual', rule_id = NULL, loss_leader = EXCLUDED.loss_leader,
             updated_at = EXCLUDED.updated_at`,
      [group.id, svc.id, v.period, net.amount, v.lossLeader === true, v.at ?? null],
    );
  });
  return priceFor(db, { groupId: v.groupId, serviceCode: v.serviceCode, period: v.period });
}

/** The two reachable grosses around an unreachable one, for the error message. */
function nearestGrosses(gross: Money, rate: VatRateCode): string {
  let lower = gross.amount;
  while (lower > 0 && !exactNetFor(money(lower, gross.currency), rate)) lower--;
  let upper = gross.amount;
  while (!exactNetFor(money(upper, gross.currency), rate)) upper++;
  return `${formatMoney(money(lower, gross.currency), "en")} and ${formatMoney(money(upper, gross.currency), "en")}`;
}

const keySchema = z.object({ groupId: idSchema, serviceCode: serviceCodeSchema, period: periodSchema });

/**
 * Removes a group's price for a service and period (manual or rule). The next
 * recalculatePrices prices it by the rules again.
 */
export async function removePrice(
  db: Db,
  input: { groupId: number; serviceCode: string; period: number },
): Promise<void> {
  const k = parseInput("removePrice", keySchema, input);
  const { rowCount } = await db.query(
    `DELETE FROM prices p USING services s
     WHERE p.service_id = s.id AND p.group_id = $1 AND s.code = $2 AND p.period = $3`,
    [k.groupId, k.serviceCode, k.period],
  );
  if (rowCount === 0) {
    throw new BillingNotFoundError(
      `price of ${k.serviceCode} for ${k.period} year(s) in price group ${k.groupId}`,
    );
  }
}

export interface PriceForInput {
  /** Give the group, or the customer (whose group is used; the default group when they have none). */
  groupId?: number;
  customerId?: number;
  serviceCode: string;
  period: number;
}

const forSchema = z
  .object({
    groupId: idSchema.optional(),
    customerId: idSchema.optional(),
    serviceCode: serviceCodeSchema,
    period: periodSchema,
  })
  .superRefine((v, ctx) => {
    if ((v.groupId === undefined) === (v.customerId === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [v.groupId === undefined ? "groupId" : "customerId"],
        message: "give either groupId or customerId (exactly one)",
      });
    }
  }, evenWithIssues);

/** The group a customer buys at: their own, else the default group. */
export async function groupOfCustomer(db: Db, customerId: number): Promise<number> {
  const { rows } = await db.query<{ price_group_id: number | null }>(
    "SELECT price_group_id FROM customers WHERE id = $1",
    [customerId],
  );
  if (!rows[0]) throw new BillingNotFoundError(`customer ${customerId}`);
  if (rows[0].price_group_id !== null) return rows[0].price_group_id;
  const def = await db.query<{ id: number }>("SELECT id FROM price_groups WHERE is_default");
  if (!def.rows[0])
    throw new BillingNotFoundError(`a price group for customer ${customerId} (no default group)`);
  return def.rows[0].id;
}

/**
 * What a group (or a customer) pays for a service and period. BillingNotFoundError when the
 * group, customer or service does not exist, or the group has no price for it.
 */
export async function priceFor(db: Db, input: PriceForInput): Promise<Price> {
  const v = parseInput("priceFor", forSchema, input);
  const groupId = v.groupId ?? (await groupOfCustomer(db, v.customerId!));
  const { rows } = await db.query<PriceDbRow>(
    `${PRICE_SELECT} WHERE p.group_id = $1 AND s.code = $2 AND p.period = $3`,
    [groupId, v.serviceCode, v.period],
  );
  if (!rows[0]) {
    const group = await requireGroup(db, groupId);
    await requireService(db, v.serviceCode);
    throw new BillingNotFoundError(
      `a price of ${v.serviceCode} for ${v.period} year(s) in price group "${group.name}"`,
    );
  }
  return toPrice(rows[0]);
}

export interface PriceListFilter {
  /** One service, by its code exactly. */
  serviceCode?: string;
  kind?: ServiceKind;
  operation?: ServiceOperation;
  /** Services of this TLD, exactly (`pl`, `com.pl`). */
  tld?: string;
  source?: "manual" | "rule";
  /**
   * Keyset paging: the service code and period of the last price of the previous page (the
   * price need not exist any more). With `after` or `limit`, codes are in byte order.
   */
  after?: { serviceCode: string; period: number };
  /** At most this many prices, 1–1000 (ask one more than a page to learn if another follows). */
  limit?: number;
}

// PostgreSQL text cannot hold NUL: a filter with one matches nothing (and could not be sent).
const hasNul = (s: string | undefined) => s?.includes("\u0000") === true;
const nulFree = (s: string) => !s.includes("\u0000");

const listFilterSchema = z
  .strictObject({
    serviceCode: z.string().max(1000).optional(),
    kind: z.enum(KINDS).optional(),
    operation: z.enum(OPERATIONS).optional(),
    tld: z.string().max(1000).optional(),
    source: z.enum(["manual", "rule"]).optional(),
    after: z
      .strictObject({
        serviceCode: z.string().max(1000).refine(nulFree, "must not contain NUL"),
        period: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      })
      .optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .default({});

/**
 * Every price of a group matching the filter, by service code and period (for display and
 * export); with `after` or `limit` (keyset paging) the codes in byte order, the same on every
 * server. BillingNotFoundError when the group does not exist.
 */
export async function priceList(
  db: Db,
  groupId: number,
  filter: PriceListFilter = {},
): Promise<PriceListEntry[]> {
  const id = parseInput("priceList", idSchema, groupId);
  const f = parseInput("priceList", listFilterSchema, filter);
  await requireGroup(db, id);
  if (hasNul(f.serviceCode) || hasNul(f.tld)) return [];
  const where = ["p.group_id = $1"];
  const params: unknown[] = [id];
  const add = (sql: string, value: unknown) => {
    if (value === undefined) return;
    params.push(value);
    where.push(sql.replaceAll("?", `$${params.length}`));
  };
  add("s.code = ?", f.serviceCode);
  add("s.kind = ?", f.kind);
  add("s.operation = ?", f.operation);
  add("s.tld = ?", f.tld);
  add("p.source = ?", f.source);
  if (f.after !== undefined) {
    params.push(f.after.serviceCode, f.after.period);
    const [code, period] = [`$${params.length - 1}`, `$${params.length}`];
    where.push(`(s.code COLLATE "C" > ${code} OR (s.code = ${code} AND p.period > ${period}::int8))`);
  }
  const paged = f.after !== undefined || f.limit !== undefined;
  if (f.limit !== undefined) params.push(f.limit);
  const { rows } = await db.query<PriceDbRow>(
    `${PRICE_SELECT} WHERE ${where.join(" AND ")}
     ORDER BY s.code ${paged ? 'COLLATE "C"' : ""}, p.period ${f.limit === undefined ? "" : `LIMIT $${params.length}`}`,
    params,
  );
  return rows.map(toEntry);
}
