/**
 * "Kwota słownie": an amount written out in Polish, as printed under the total of an invoice.
 * Not required by art. 106e, but customary. Integers of minor units in, no floats.
 *
 * Conventions (see docs/billing/invoices.pl.md):
 * - the złoty/grosz word follows the number: 1 złoty; 2–4 złote (also 22–24, 102–104…, but 12–14
 *   take złotych); everything else złotych — grosz/grosze/groszy and cent/centy/centów the same way;
 * - "tysiąc", "milion" without "jeden" (option `explicitOne` writes "jeden tysiąc");
 * - zero is "zero złotych"; a negative amount (a correction) starts with "minus";
 * - two forms: "words" (default) — "… złotych czterdzieści trzy grosze", and "fraction" —
 *   "… złotych 43/100", common on paper invoices because it avoids declining "grosz".
 */
import type { Money } from "../money/money.js";

type Forms = readonly [one: string, few: string, many: string];

const UNITS = [
  "zero",
  "jeden",
  "dwa",
  "trzy",
  "cztery",
  "pięć",
  "sześć",
  "siedem",
  "osiem",
  "dziewięć",
  "dziesięć",
  "jedenaście",
  "dwanaście",
  "trzynaście",
  "czternaście",
  "piętnaście",
  "szesnaście",
  "siedemnaście",
  "osiemnaście",
  "dziewiętnaście",
];
const TENS = ["", "", "dwadzieścia", "trzydzieści", "czterdzieści", "pięćdziesiąt"].concat([
  "sześćdziesiąt",
  "siedemdziesiąt",
  "osiemdziesiąt",
  "dziewięćdziesiąt",
]);
const HUNDREDS = ["", "sto", "dwieście", "trzysta", "czterysta", "pięćset"].concat([
  "sześćset",
  "siedemset",
  "osiemset",
  "dziewięćset",
]);
const SCALES: Forms[] = [
  ["tysiąc", "tysiące", "tysięcy"],
  ["milion", "miliony", "milionów"],
  ["miliard", "miliardy", "miliardów"],
  ["bilion", "biliony", "bilionów"],
  ["biliard", "biliardy", "biliardów"],
];

const CURRENCY_WORDS: Record<Money["currency"], { main: Forms; minor: Forms }> = {
  PLN: { main: ["złoty", "złote", "złotych"], minor: ["grosz", "grosze", "groszy"] },
  // "euro" does not decline; the cent does
  EUR: { main: ["euro", "euro", "euro"], minor: ["cent", "centy", "centów"] },
};

/** The Polish plural form for a count: 1 → one; 2–4, 22–24, … (not 12–14) → few; else many. */
export function pluralPl(n: number, forms: Forms): string {
  const abs = Math.abs(n);
  if (abs === 1) return forms[0];
  const last = abs % 10;
  const lastTwo = abs % 100;
  return last >= 2 && last <= 4 && (lastTwo < 12 || lastTwo > 14) ? forms[1] : forms[2];
}

function below1000(n: number): string[] {
  const words: string[] = [];
  if (n >= 100) words.push(HUNDREDS[Math.floor(n / 100)]!);
  const rest = n % 100;
  if (rest >= 20) {
    words.push(TENS[Math.floor(rest / 10)]!);
    if (rest % 10 > 0) words.push(UNITS[rest % 10]!);
  } else if (rest > 0) {
    words.push(UNITS[rest]!);
  }
  return words;
}

export interface NumberInWordsOptions {
  /** Write "jeden tysiąc", "jeden milion" instead of "tysiąc", "milion". Default false. */
  explicitOne?: boolean;
}

/** A non-negative safe integer in Polish words: 1 001 → "tysiąc jeden". */
export function integerToWordsPl(n: number, options: NumberInWordsOptions = {}): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a safe integer: ${n}`);
  if (n < 0) return `minus ${integerToWordsPl(-n, options)}`;
  if (n === 0) return UNITS[0]!;
  const groups: string[] = [];
  for (let rest = n, scale = 0; rest > 0; rest = Math.floor(rest / 1000), scale++) {
    const group = rest % 1000;
    if (group === 0) continue;
    if (scale === 0) {
      groups.unshift(below1000(group).join(" "));
      continue;
    }
    const forms = SCALES[scale - 1];
    if (!forms) throw new RangeError(`number too large to write in words: ${n}`);
    const word = pluralPl(group, forms);
    groups.unshift(group === 1 && !options.explicitOne ? word : [...below1000(group), word].join(" "));
  }
  return groups.join(" ");
}

export interface AmountInWordsOptions extends NumberInWordsOptions {
  /** "words": "… czterdzieści trzy grosze" (default); "fraction": "… 43/100". */
  form?: "words" | "fraction";
}

/**
 * An amount in words: 253,43 zł → "dwieście pięćdziesiąt trzy złote czterdzieści trzy grosze"
 * (or "… złote 43/100"); 0 → "zero złotych zero groszy"; −12,00 zł → "minus dwanaście złotych zero groszy".
 */
export function amountInWords(amount: Money, options: AmountInWordsOptions = {}): string {
  if (!Number.isSafeInteger(amount.amount))
    throw new RangeError(`not an amount of minor units: ${amount.amount}`);
  const words = CURRENCY_WORDS[amount.currency];
  const abs = Math.abs(amount.amount);
  const main = Math.floor(abs / 100);
  const minor = abs % 100;
  const mainText = `${integerToWordsPl(main, options)} ${pluralPl(main, words.main)}`;
  const minorText =
    options.form === "fraction"
      ? `${String(minor).padStart(2, "0")}/100`
      : `${integerToWordsPl(minor)} ${pluralPl(minor, words.minor)}`;
  return `${amount.amount < 0 ? "minus " : ""}${mainText} ${minorText}`;
}
