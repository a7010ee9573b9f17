/**
 * Promotions as data: what a promotion looks like in TypeScript, how it is validated, and how it is
 * stored (the `promotions.conditions` and `promotions.effect` jsonb columns of migration 0002).
 */
import { z } from "zod";
import {
  SERVICE_KINDS,
  SERVICE_OPERATIONS,
  type ServiceKind,
  type ServiceOperation,
} from "../catalog/services.js";
import type { FieldIssue } from "../errors.js";
import { BillingValidationError } from "../errors.js";
import { CURRENCIES, type Currency } from "../money/money.js";

export { SERVICE_KINDS, type ServiceKind };

/** The catalog's operations (register, renew, transfer, trade, create). */
export const OPERATIONS = SERVICE_OPERATIONS;
export type Operation = ServiceOperation;

/** When a promotion applies; every condition given must hold (an absent one always holds). */
export interface PromotionConditions {
  /** Only these kinds of service. */
  kinds?: ServiceKind[];
  /** Only these operations. */
  operations?: Operation[];
  /** Only services of these TLDs (`pl`, `com.pl`; a leading dot is dropped). */
  tlds?: string[];
  /** Only these services (`domain.pl.register`). */
  serviceCodes?: string[];
  /** Only these periods (years). */
  periods?: number[];
  /**
   * The effect applies to the first year of the line only: the line's per-year share,
   * `divideRoundHalfUp(listNet, period)`. The other years keep the group price.
   */
  firstYearOnly?: boolean;
  /** `new`: no order before the quote's moment (`customers.first_order_at` null or later); `existing`: the others. */
  customers?: "new" | "existing";
  /** The order's net total before promotions (minor units) must reach this. */
  minOrderNet?: number;
  /**
   * Currency of the amounts in this promotion (effect, minOrderNet): it applies only to quotes in
   * that currency. Set to PLN when the promotion has amounts and no currency was given.
   */
  currency?: Currency;
}

/** Percent off, in basis points (2500 = 25%), of the line (or of its first year). */
export interface PercentEffect {
  type: "percent";
  basisPoints: number;
}

/** A fixed amount off. `basis` says whether `grosze` is net or gross (converted with the line's VAT rate). */
export interface AmountEffect {
  type: "amount";
  grosze: number;
  basis: "net" | "gross";
  /**
   * `line` (default): the amount comes off every line the promotion applies to. `order`: the amount
   * comes off the order once, split over the lines it applies to in proportion to their list net.
   */
  per: "line" | "order";
}

/** The price per year becomes `grosze` (net or gross per `basis`); never raises a price. */
export interface PriceEffect {
  type: "price";
  grosze: number;
  basis: "net" | "gross";
}

export type PromotionEffect = PercentEffect | AmountEffect | PriceEffect;

export interface Promotion {
  id: number;
  name: string;
  description: string | null;
  active: boolean;
  startsAt: Date | null;
  endsAt: Date | null;
  conditions: PromotionConditions;
  effect: PromotionEffect;
  combinable: boolean;
  priority: number;
  oncePerCustomer: boolean;
  maxUses: number | null;
  uses: number;
  requiresCode: boolean;
  createdAt: Date;
}

// ------------------------------------------------------------------------------ validation

export const MAX_AMOUNT = 10_000_000_000; // 100 000 000.00 in minor units: far above any real price
const MAX_INT4 = 2_147_483_647;

export const SERVICE_CODE = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;
const TLD = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/;

export const tldSchema = z
  .string()
  .trim()
  .transform((v) => v.toLowerCase().replace(/^\./, ""))
  .pipe(z.string().regex(TLD, "must be a TLD such as pl or com.pl"));

export const serviceCodeSchema = z
  .string()
  .trim()
  .regex(SERVICE_CODE, "must be a service code such as domain.pl.register");

const amount = (min: number) => z.number().int("must be an integer of minor units").min(min).max(MAX_AMOUNT);

export const conditionsSchema = z.strictObject({
  kinds: z.array(z.enum(SERVICE_KINDS)).min(1).optional(),
  operations: z.array(z.enum(OPERATIONS)).min(1).optional(),
  tlds: z.array(tldSchema).min(1).optional(),
  serviceCodes: z.array(serviceCodeSchema).min(1).optional(),
  periods: z.array(z.number().int().min(1).max(10)).min(1).optional(),
  firstYearOnly: z.boolean().optional(),
  customers: z.enum(["new", "existing"]).optional(),
  minOrderNet: amount(1).optional(),
  currency: z.enum(CURRENCIES).optional(),
});

const basis = z.enum(["net", "gross"]);

export const effectSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("percent"),
    basisPoints: z.number().int("must be an integer of basis points").min(1).max(10_000),
  }),
  z.strictObject({
    type: z.literal("amount"),
    grosze: amount(1),
    basis,
    per: z.enum(["line", "order"]).default("line"),
  }),
  z.strictObject({ type: z.literal("price"), grosze: amount(0), basis }),
]);

const date = z.date("must be a Date");

/** The fields of a promotion a caller sets; shared by create (required where needed) and update (all optional). */
export const promotionFields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).nullable(),
  active: z.boolean(),
  startsAt: date.nullable(),
  endsAt: date.nullable(),
  conditions: conditionsSchema,
  effect: effectSchema,
  combinable: z.boolean(),
  priority: z.number().int().min(-1_000_000).max(1_000_000),
  oncePerCustomer: z.boolean(),
  maxUses: z.number().int().min(1).max(MAX_INT4).nullable(),
  requiresCode: z.boolean(),
};

/** Parses without throwing: the data when valid, and every issue as a dotted path. */
export function check<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { data: z.output<S> | undefined; issues: FieldIssue[] } {
  const r = schema.safeParse(input);
  if (r.success) return { data: r.data, issues: [] };
  return {
    data: undefined,
    issues: r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
  };
}

export function failIfAny(operation: string, issues: FieldIssue[]): void {
  if (issues.length > 0) throw new BillingValidationError(operation, issues);
}

// ------------------------------------------------------------------------------ storage

/** The effect as stored (`value` per the column comment of migration 0002). */
export type StoredEffect =
  | { type: "percent"; value: number }
  | { type: "amount"; value: number; basis: "net" | "gross"; per?: "line" | "order" }
  | { type: "price"; value: number; basis: "net" | "gross" };

export function storeEffect(e: PromotionEffect): StoredEffect {
  if (e.type === "percent") return { type: "percent", value: e.basisPoints };
  if (e.type === "amount") return { type: "amount", value: e.grosze, basis: e.basis, per: e.per };
  return { type: "price", value: e.grosze, basis: e.basis };
}

export function loadEffect(e: StoredEffect): PromotionEffect {
  if (e.type === "percent") return { type: "percent", basisPoints: e.value };
  if (e.type === "amount") return { type: "amount", grosze: e.value, basis: e.basis, per: e.per ?? "line" };
  return { type: "price", grosze: e.value, basis: e.basis };
}

/** Amount-bearing promotions are tied to one currency (PLN unless told otherwise). */
export function normaliseConditions(c: PromotionConditions, effect: PromotionEffect): PromotionConditions {
  const hasAmounts = effect.type !== "percent" || c.minOrderNet !== undefined;
  const out: PromotionConditions = { ...c };
  if (hasAmounts && out.currency === undefined) out.currency = "PLN";
  // Sorted, de-duplicated lists: the stored form does not depend on how the caller ordered them.
  for (const key of ["kinds", "operations", "tlds", "serviceCodes"] as const) {
    const list = out[key] as string[] | undefined;
    if (list) (out as Record<string, unknown>)[key] = [...new Set(list)].sort();
  }
  if (out.periods) out.periods = [...new Set(out.periods)].sort((a, b) => a - b);
  return out;
}

export interface PromotionRow {
  id: number;
  name: string;
  description: string | null;
  active: boolean;
  starts_at: Date | null;
  ends_at: Date | null;
  conditions: PromotionConditions;
  effect: StoredEffect;
  combinable: boolean;
  priority: number;
  once_per_customer: boolean;
  max_uses: number | null;
  uses: number;
  requires_code: boolean;
  created_at: Date;
}

export const PROMOTION_COLUMNS =
  "id, name, description, active, starts_at, ends_at, conditions, effect, combinable, priority, " +
  "once_per_customer, max_uses, uses, requires_code, created_at";

export function promotionFromRow(r: PromotionRow): Promotion {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    active: r.active,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    conditions: r.conditions,
    effect: loadEffect(r.effect),
    combinable: r.combinable,
    priority: r.priority,
    oncePerCustomer: r.once_per_customer,
    maxUses: r.max_uses,
    uses: r.uses,
    requiresCode: r.requires_code,
    createdAt: r.created_at,
  };
}
