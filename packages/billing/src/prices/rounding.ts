/**
 * From wholesale cost to a price (pure arithmetic on integer grosze, no database).
 *
 * net = cost + margin (percent: cost × basis points / 10 000 rounded half-up; or fixed grosze),
 * and at least cost + minimum margin. Then rounding, always upwards:
 * - `'99'`: to the next X.99 (48.37 → 48.99; 48.99 stays), `'whole'`: to the next whole unit;
 * - `roundOn: 'gross'` rounds what the customer sees (net + VAT) and stores the one net whose
 *   gross (grossOf) is exactly that amount. Not every gross is reachable from a whole-grosz net
 *   (at 23% about one in five is not: 53.99 is skipped, net 43.89 → 53.98 and 43.90 → 54.00);
 *   then the next rounded amount up is used (54.99), so the price still ends in .99 and is never
 *   rounded down;
 * - `roundOn: 'net'` rounds the net itself; the gross follows from it.
 */
import { type Money, money, scale } from "../money/money.js";
import { grossOf, netOf, type VatRateCode } from "../money/vat.js";

export type Margin = { type: "percent"; basisPoints: number } | { type: "fixed"; grosze: number };
export type Rounding = "none" | "99" | "whole";
export type RoundOn = "gross" | "net";

export interface PricingFormula {
  margin: Margin;
  rounding: Rounding;
  roundOn: RoundOn;
  /** The least margin over cost, in minor units (grosze). */
  minMarginGrosze: number;
}

/** The smallest amount ≥ `amount` that satisfies the rounding (X.99 or whole). */
export function roundUp(amount: number, rounding: Rounding): number {
  if (rounding === "none") return amount;
  const cents = ((amount % 100) + 100) % 100;
  if (rounding === "99") return amount + (99 - cents);
  return cents === 0 ? amount : amount + (100 - cents);
}

/** The net whose gross at `rate` is exactly `gross`, or null when no whole-grosz net gives it. */
export function exactNetFor(gross: Money, rate: VatRateCode): Money | null {
  const guess = netOf(gross, rate).amount;
  for (const n of [guess, guess - 1, guess + 1]) {
    if (n < 0) continue;
    const net = money(n, gross.currency);
    if (grossOf(net, rate).amount === gross.amount) return net;
  }
  return null;
}

/** The least net the formula allows: cost + max(margin, minimum margin). */
export function floorNet(cost: Money, formula: PricingFormula): Money {
  const margin =
    formula.margin.type === "percent"
      ? scale(cost, formula.margin.basisPoints, 10_000).amount
      : formula.margin.grosze;
  return money(cost.amount + Math.max(margin, formula.minMarginGrosze), cost.currency);
}

/** The price a rule gives for a cost: net and gross (at the service's VAT rate). */
export function priceFromCost(
  cost: Money,
  formula: PricingFormula,
  rate: VatRateCode,
): { net: Money; gross: Money } {
  const floor = floorNet(cost, formula);
  if (formula.rounding === "none") return { net: floor, gross: grossOf(floor, rate) };
  if (formula.roundOn === "net") {
    const net = money(roundUp(floor.amount, formula.rounding), cost.currency);
    return { net, gross: grossOf(net, rate) };
  }
  let gross = roundUp(grossOf(floor, rate).amount, formula.rounding);
  // grossOf is strictly increasing, so a net giving gross ≥ grossOf(floor) is ≥ floor; the loop
  // only moves past amounts no whole-grosz net reaches (a few steps at most).
  for (let step = 0; step < 1000; step++) {
    const net = exactNetFor(money(gross, cost.currency), rate);
    if (net && net.amount >= floor.amount) return { net, gross: money(gross, cost.currency) };
    gross = roundUp(gross + 1, formula.rounding);
  }
  throw new RangeError(`no net price gives a rounded gross above ${floor.amount} at VAT ${rate}`);
}
