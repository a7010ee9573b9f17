/**
 * Money as integer minor units (grosze, euro cents) with a currency. No floats anywhere: amounts
 * come in as integers or decimal strings and every division rounds explicitly.
 */
export const CURRENCIES = ["PLN", "EUR"] as const;
export type Currency = (typeof CURRENCIES)[number];

export interface Money {
  /** Minor units (grosze for PLN, cents for EUR): an integer. */
  readonly amount: number;
  readonly currency: Currency;
}

export class MoneyError extends Error {
  readonly code = "money";
}

export function money(amount: number, currency: Currency = "PLN"): Money {
  if (!Number.isSafeInteger(amount))
    throw new MoneyError(`amount must be an integer of minor units, got ${amount}`);
  if (!CURRENCIES.includes(currency)) throw new MoneyError(`unsupported currency ${String(currency)}`);
  return { amount, currency };
}

export const zero = (currency: Currency = "PLN"): Money => money(0, currency);

function same(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new MoneyError(`cannot mix ${a.currency} and ${b.currency}`);
}

export function add(a: Money, b: Money): Money {
  same(a, b);
  return money(a.amount + b.amount, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  same(a, b);
  return money(a.amount - b.amount, a.currency);
}

export function sum(items: readonly Money[], currency: Currency = "PLN"): Money {
  return items.reduce((acc, m) => add(acc, m), zero(items[0]?.currency ?? currency));
}

export function negate(a: Money): Money {
  return money(-a.amount || 0, a.currency);
}

export function times(a: Money, quantity: number): Money {
  if (!Number.isSafeInteger(quantity)) throw new MoneyError(`quantity must be an integer, got ${quantity}`);
  return money(a.amount * quantity, a.currency);
}

export function compare(a: Money, b: Money): -1 | 0 | 1 {
  same(a, b);
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0;
}

function roundDiv(n: bigint, d: bigint): bigint {
  const negative = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  const q = (an * 2n + ad) / (ad * 2n);
  return negative ? -q : q;
}

/**
 * `numerator / denominator` rounded half-up to an integer (art. 106e ust. 11: below half a grosz
 * dropped, half and above up); negative values round symmetrically (half away from zero), so a
 * correction is the exact mirror of the invoice it corrects. Exact for any safe integers.
 */
export function divideRoundHalfUp(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator === 0) {
    throw new MoneyError(`cannot divide ${numerator} by ${denominator}`);
  }
  return Number(roundDiv(BigInt(numerator), BigInt(denominator))) || 0;
}

/** `a × numerator / denominator`, rounded half-up (percentages, rates, shares); exact in between. */
export function scale(a: Money, numerator: number, denominator: number): Money {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator === 0) {
    throw new MoneyError(`cannot scale by ${numerator}/${denominator}`);
  }
  return money(Number(roundDiv(BigInt(a.amount) * BigInt(numerator), BigInt(denominator))) || 0, a.currency);
}

/**
 * Splits `total` over `weights` so that the parts always add up to the total exactly (largest
 * remainder; ties to the earlier part). Used to spread an order-level discount over lines.
 */
export function allocate(total: Money, weights: readonly number[]): Money[] {
  if (weights.length === 0) throw new MoneyError("allocate needs at least one weight");
  if (weights.some((w) => !Number.isSafeInteger(w) || w < 0)) {
    throw new MoneyError("weights must be non-negative integers");
  }
  const totalWeight = weights.reduce((s, w) => s + w, 0);
  if (totalWeight === 0) {
    // Nothing to weigh by: equal shares.
    return allocate(
      total,
      weights.map(() => 1),
    );
  }
  const sign = total.amount < 0 ? -1n : 1n;
  const abs = BigInt(Math.abs(total.amount));
  const tw = BigInt(totalWeight);
  const base = weights.map((w) => (abs * BigInt(w)) / tw);
  const remainders = weights.map((w, i) => ({ i, r: (abs * BigInt(w)) % tw }));
  let left = abs - base.reduce((s, b) => s + b, 0n);
  remainders.sort((x, y) => (y.r > x.r ? 1 : y.r < x.r ? -1 : x.i - y.i));
  for (const { i } of remainders) {
    if (left === 0n) break;
    base[i]! += 1n;
    left -= 1n;
  }
  return base.map((b) => money(Number(sign * b) || 0, total.currency));
}

/** `"1234.56"`, `"1 234,56"`, `"-0.5"` → minor units. Refuses more than 2 decimals or junk. */
export function parseDecimal(text: string, currency: Currency = "PLN"): Money {
  const t = text
    .trim()
    .replace(/[\s\u00a0\u202f]/g, "")
    .replace(",", ".");
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) throw new MoneyError(`"${text}" is not an amount with at most 2 decimals`);
  const minor = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  return money(m[1] ? -minor : minor, currency);
}

/** Minor units → `"1234.56"` (the wire and XML form: dot, no grouping). */
export function toDecimal(a: Money): string {
  const abs = Math.abs(a.amount);
  return `${a.amount < 0 ? "-" : ""}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

const NBSP = "\u00a0";

/**
 * For people: Polish `1 234,56 zł` / `1 234,56 €` (thousands and the unit separated by a
 * non-breaking space, so a document never wraps inside an amount); English `PLN 1,234.56`.
 */
export function formatMoney(a: Money, locale: "pl" | "en" = "pl"): string {
  const [int, frac] = toDecimal(a).replace("-", "").split(".") as [string, string];
  const sign = a.amount < 0 ? "-" : "";
  if (locale === "pl") {
    const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
    return `${sign}${grouped},${frac}${NBSP}${a.currency === "PLN" ? "zł" : "€"}`;
  }
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${a.currency}${NBSP}${grouped}.${frac}`;
}
