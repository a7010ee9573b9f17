/**
 * The pricing core of a quote, without a database: given the order's lines at list price and the
 * promotions whose order-level conditions hold, decide per line which promotions apply and how
 * much each takes off. Deterministic: the same lines and promotions give the same result.
 *
 * The combination rules (docs/billing/promotions.en.md, "Which promotions combine"):
 *  1. Candidates of a line: the promotions whose line conditions hold (kind, operation, TLD,
 *     service, period).
 *  2. The line's options: each non-combinable candidate alone on the list price, and the stack of
 *     all combinable candidates, applied one after another in priority order (priority desc, id asc)
 *     each on what the previous left (a percent of the already discounted price).
 *  3. The option with the largest discount wins; ties go to the option whose leading promotion has
 *     the higher priority, then the lower id. A non-combinable promotion therefore never shares a
 *     line with any other promotion.
 *  4. No effect takes more than what is left of its base, so a line never goes below zero.
 */
import { allocate, type Currency, divideRoundHalfUp, money, scale } from "../money/money.js";
import { netOf, type VatRateCode } from "../money/vat.js";
import {
  BETTER_PROMOTION,
  type LineFacts,
  lineReason,
  NO_DISCOUNT,
  type Reason,
  reasonStage,
} from "../promotions/conditions.js";
import type { PromotionConditions, PromotionEffect } from "../promotions/model.js";

export interface EngineLine extends LineFacts {
  /** The group's net price for the whole period (minor units). */
  listNet: number;
  vatRate: VatRateCode;
}

export interface EnginePromotion {
  id: number;
  name: string;
  priority: number;
  combinable: boolean;
  conditions: PromotionConditions;
  effect: PromotionEffect;
}

export interface EngineDiscount {
  promotionId: number;
  /** Net minor units taken off the line, > 0. */
  amount: number;
}

export interface EngineLineResult {
  discounts: EngineDiscount[];
  /** listNet − the discounts; never below 0. */
  net: number;
}

export interface EngineResult {
  lines: EngineLineResult[];
  /** Why each promotion that discounted no line did not: the furthest it got, first line on ties. */
  notApplied: Map<number, Reason>;
}

/** What is left of a line, split into its first year and the other years. */
interface Buckets {
  fy: number;
  rest: number;
}

/** The first year's share of a line: `divideRoundHalfUp(listNet, period)`; the whole line for 1 year. */
export function firstYearShare(listNet: number, period: number): number {
  return period > 1 ? divideRoundHalfUp(listNet, period) : listNet;
}

/** Sort order of promotions everywhere: higher priority first, then lower id. */
export function byPriority(a: { priority: number; id: number }, b: { priority: number; id: number }): number {
  return b.priority - a.priority || a.id - b.id;
}

function toNet(value: number, basis: "net" | "gross", rate: VatRateCode, currency: Currency): number {
  return basis === "gross" ? netOf(money(value, currency), rate).amount : value;
}

/**
 * What promotion `p` takes from what is left of a line, per bucket. `orderShare` is the line's
 * share of an order-level amount (already net).
 */
function take(
  p: EnginePromotion,
  left: Buckets,
  line: EngineLine,
  currency: Currency,
  orderShare: number | undefined,
): Buckets {
  const fyOnly = p.conditions.firstYearOnly === true;
  const base = fyOnly ? left.fy : left.fy + left.rest;
  const e = p.effect;
  let d: number;
  if (e.type === "percent") {
    d = scale(money(base, currency), e.basisPoints, 10_000).amount;
  } else if (e.type === "amount") {
    d = e.per === "order" ? (orderShare ?? 0) : toNet(e.grosze, e.basis, line.vatRate, currency);
  } else {
    const perYear = toNet(e.grosze, e.basis, line.vatRate, currency);
    d = base - (fyOnly ? perYear : perYear * line.period);
  }
  d = Math.max(0, Math.min(d, base));
  if (d === 0) return { fy: 0, rest: 0 };
  if (fyOnly) return { fy: d, rest: 0 };
  const [fy, rest] = allocate(money(d, currency), [left.fy, left.rest]);
  return { fy: fy!.amount, rest: rest!.amount };
}

interface Option {
  taken: EngineDiscount[];
  total: number;
  lead: EnginePromotion;
  /** Candidates of this option that took nothing. */
  idle: EnginePromotion[];
}

function better(a: Option, b: Option): boolean {
  if (a.total !== b.total) return a.total > b.total;
  return byPriority(a.lead, b.lead) < 0;
}

/**
 * Splits each order-level amount promotion over the lines it applies to, in proportion to the
 * base it would discount there (list net, or the first-year share); the shares add up to the
 * amount exactly (`allocate`). A gross amount is split gross, then each share is made net with its
 * line's VAT rate.
 */
export function orderShares(
  p: EnginePromotion,
  lines: readonly EngineLine[],
  eligible: readonly boolean[],
  currency: Currency,
): Map<number, number> {
  const out = new Map<number, number>();
  const e = p.effect;
  if (e.type !== "amount" || e.per !== "order") return out;
  const idx = lines.map((_, i) => i).filter((i) => eligible[i]);
  if (idx.length === 0) return out;
  const weights = idx.map((i) =>
    p.conditions.firstYearOnly ? firstYearShare(lines[i]!.listNet, lines[i]!.period) : lines[i]!.listNet,
  );
  const parts = allocate(money(e.grosze, currency), weights);
  idx.forEach((i, k) => {
    out.set(i, toNet(parts[k]!.amount, e.basis, lines[i]!.vatRate, currency));
  });
  return out;
}

export function applyPromotions(
  lines: readonly EngineLine[],
  promotions: readonly EnginePromotion[],
  currency: Currency,
): EngineResult {
  const sorted = [...promotions].sort(byPriority);
  const lineMiss = sorted.map((p) => lines.map((l) => lineReason(p.conditions, l)));
  const shares = sorted.map((p, k) =>
    orderShares(
      p,
      lines,
      lineMiss[k]!.map((r) => r === null),
      currency,
    ),
  );
  const applied = new Set<number>();
  const best = new Map<number, Reason>();
  const note = (id: number, r: Reason) => {
    const prev = best.get(id);
    if (!prev || reasonStage(r.reasonCode) > reasonStage(prev.reasonCode)) best.set(id, r);
  };

  const results = lines.map((line, i): EngineLineResult => {
    const candidates: { p: EnginePromotion; share: number | undefined }[] = [];
    sorted.forEach((p, k) => {
      const miss = lineMiss[k]![i];
      if (miss) note(p.id, miss);
      else candidates.push({ p, share: shares[k]!.get(i) });
    });
    const fy = firstYearShare(line.listNet, line.period);
    const start: Buckets = { fy, rest: line.listNet - fy };
    const options: Option[] = [];
    for (const c of candidates) {
      if (c.p.combinable) continue;
      const t = take(c.p, start, line, currency, c.share);
      const total = t.fy + t.rest;
      options.push({
        taken: total > 0 ? [{ promotionId: c.p.id, amount: total }] : [],
        total,
        lead: c.p,
        idle: total > 0 ? [] : [c.p],
      });
    }
    const stackable = candidates.filter((c) => c.p.combinable);
    if (stackable.length > 0) {
      const left = { ...start };
      const stack: Option = { taken: [], total: 0, lead: stackable[0]!.p, idle: [] };
      for (const c of stackable) {
        const t = take(c.p, left, line, currency, c.share);
        const amount = t.fy + t.rest;
        if (amount === 0) {
          stack.idle.push(c.p);
          continue;
        }
        left.fy -= t.fy;
        left.rest -= t.rest;
        stack.taken.push({ promotionId: c.p.id, amount });
        stack.total += amount;
      }
      options.push(stack);
    }
    let chosen: Option | undefined;
    for (const o of options) if (!chosen || better(o, chosen)) chosen = o;
    if (!chosen || chosen.total === 0) {
      for (const c of candidates) note(c.p.id, NO_DISCOUNT);
      return { discounts: [], net: line.listNet };
    }
    for (const o of options) {
      if (o === chosen) continue;
      for (const d of o.taken) note(d.promotionId, BETTER_PROMOTION);
      for (const p of o.idle) note(p.id, NO_DISCOUNT);
    }
    for (const p of chosen.idle) note(p.id, NO_DISCOUNT);
    for (const d of chosen.taken) applied.add(d.promotionId);
    return { discounts: chosen.taken, net: line.listNet - chosen.total };
  });

  const notApplied = new Map<number, Reason>();
  for (const p of sorted) {
    if (applied.has(p.id)) continue;
    const r = best.get(p.id);
    if (r) notApplied.set(p.id, r);
  }
  return { lines: results, notApplied };
}
