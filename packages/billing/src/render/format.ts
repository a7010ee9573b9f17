/**
 * How documents print values: money through formatMoney (Polish), VAT rates by their labels,
 * bank accounts in groups of four, quantities with a decimal comma, countries by Polish name.
 */

import type { Address, Party } from "../documents/types.js";
import { type Currency, formatMoney, money } from "../money/money.js";
import { VAT_RATES, type VatRateCode } from "../money/vat.js";

const NBSP = "\u00a0";

/** `1 234,56 zł` (non-breaking spaces): totals and summaries. */
export function amount(minor: number, currency: Currency): string {
  return formatMoney(money(minor, currency));
}

/** `1 234,56`: the lines table, whose header names the currency once. */
export function bareAmount(minor: number, currency: Currency): string {
  return amount(minor, currency).replace(/\u00a0(zł|€)$/, "");
}

/** `23%`, `zw.`, `np.`; an unknown code is printed as given. */
export function rateLabel(code: string, long = false): string {
  const rate = VAT_RATES[code as VatRateCode];
  if (!rate) return code;
  if (!long && rate.percent === null) return rate.label.replace(/ \(.*\)$/, "");
  return rate.label;
}

/** Quantities as Poles write them: `1`, `2,5`. */
export function quantity(q: number): string {
  return String(q).replace(".", ",");
}

/** `"4.251200"` → `4,2512` (the NBP rate as printed: at least 4 decimals, no trailing zeros past them). */
export function exchangeRate(rate: string): string {
  const [int, frac = ""] = rate.trim().split(".");
  const trimmed = frac.replace(/0+$/, "").padEnd(4, "0");
  return `${int},${trimmed}`;
}

/**
 * NRB `61109010140000071219812874` → `61 1090 1014 0000 0712 1981 2874`; an IBAN keeps its country:
 * `PL61 1090 …`. Anything else is printed as given.
 */
export function bankAccount(account: string): string {
  const compact = account.replace(/\s/g, "").toUpperCase();
  if (/^\d{26}$/.test(compact)) return `${compact.slice(0, 2)} ${group4(compact.slice(2))}`;
  if (/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact)) return group4(compact);
  return account;
}

const group4 = (s: string) => s.replace(/(.{4})(?=.)/g, "$1 ");

/** Polish names of the countries a Polish reseller's customers usually live in; else the ISO code. */
const COUNTRIES: Record<string, string> = {
  AT: "Austria",
  BE: "Belgia",
  BG: "Bułgaria",
  CH: "Szwajcaria",
  CY: "Cypr",
  CZ: "Czechy",
  DE: "Niemcy",
  DK: "Dania",
  EE: "Estonia",
  ES: "Hiszpania",
  FI: "Finlandia",
  FR: "Francja",
  GB: "Wielka Brytania",
  GR: "Grecja",
  HR: "Chorwacja",
  HU: "Węgry",
  IE: "Irlandia",
  IT: "Włochy",
  LT: "Litwa",
  LU: "Luksemburg",
  LV: "Łotwa",
  MT: "Malta",
  NL: "Holandia",
  NO: "Norwegia",
  PL: "Polska",
  PT: "Portugalia",
  RO: "Rumunia",
  SE: "Szwecja",
  SI: "Słowenia",
  SK: "Słowacja",
  UA: "Ukraina",
  US: "Stany Zjednoczone",
};

export function countryName(code: string): string {
  return COUNTRIES[code.toUpperCase()] ?? code.toUpperCase();
}

/** Address lines; the country only when it is not Poland. */
export function addressLines(a: Address): string[] {
  const lines = [a.street, `${a.postcode} ${a.city}`];
  if (a.country.toUpperCase() !== "PL") lines.push(countryName(a.country));
  return lines;
}

/** `DE123456789` from `{country: "DE", number: "123456789"}` (a number given with its prefix is kept). */
export function euVatNumber(v: NonNullable<Party["euVat"]>): string {
  const n = v.number.replace(/\s/g, "").toUpperCase();
  const c = v.country.toUpperCase();
  return n.startsWith(c) ? n : `${c}${n}`;
}

/** Joins with non-breaking spaces (a label and its value stay on one line). */
export const keep = (...parts: string[]) => parts.join(NBSP);

/** `2026-03-15 – 2027-03-14`, or one end when only one is known. */
export function period(from?: string, to?: string): string | undefined {
  if (from && to) return `${from} – ${to}`;
  if (from) return `od ${from}`;
  if (to) return `do ${to}`;
  return undefined;
}
