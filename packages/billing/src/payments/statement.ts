/**
 * What the statement parsers produce (MT940 and CSV alike), and the helpers they share: account
 * numbers, wrapped text, the key that makes one bank entry one row however many statements show it.
 */
import { createHash } from "node:crypto";
import { BillingValidationError } from "../errors.js";
import type { Currency, Money } from "../money/money.js";
import type { StatementEncoding } from "./encoding.js";

/** `C` credit, `D` debit; `RC` reversal of a credit (money taken back), `RD` reversal of a debit. */
export type EntryMark = "C" | "D" | "RC" | "RD";

export interface StatementEntry {
  /** Booking day (YYYY-MM-DD). */
  bookedOn: string;
  /** Value day (YYYY-MM-DD). */
  valueDate: string;
  /** Signed: positive for money in (C, RD), negative for money out (D, RC). */
  amount: Money;
  mark: EntryMark;
  /** The bank's own reference of the entry (MT940 `:61:` after `//`, a CSV reference column). */
  bankReference: string | null;
  /** MT940 `:61:` reference for the account owner (null for NONREF). */
  customerReference: string | null;
  /** The transfer title as people read it (wrapped sub-fields joined). */
  title: string;
  /** The title's pieces joined with nothing in between (a number wrapped mid-way joins back). */
  titleCompact: string;
  counterparty: string | null;
  /** IBAN without spaces (a Polish NRB gets its `PL`). */
  counterpartyAccount: string | null;
  /** Operation code: MT940 `:86:` `~00`/`<00`, else its leading 3 digits; a CSV type column. */
  code: string | null;
  /** MT940 `:86:` sub-fields by number as read (`{ "20": "…", "32": "…" }`); empty for CSV. */
  details: Record<string, string>;
  /** The line of the file the entry starts on (1-based). */
  line: number;
}

export interface StatementSection {
  /** MT940 `:20:`. */
  reference: string | null;
  /** MT940 `:25:` (own account, normalised). */
  account: string | null;
  /** MT940 `:28C:`. */
  number: string | null;
  currency: Currency;
  openingBalance: Money | null;
  closingBalance: Money | null;
  entries: number;
}

export interface ParsedStatement {
  format: "mt940" | "csv";
  encoding: StatementEncoding;
  /** The own account of the first section, when the file says. */
  account: string | null;
  /** MT940: one per `:20:` block; CSV: one. */
  sections: StatementSection[];
  entries: StatementEntry[];
}

/** Throws the parse problems as a validation error on `field` (default `content`), naming the lines. */
export function parseFailure(operation: string, problems: string[], field = "content"): never {
  throw new BillingValidationError(
    operation,
    problems.map((message) => ({ path: field, message })),
  );
}

function mod97(digits: string): number {
  let r = 0;
  for (const d of digits) r = (r * 10 + Number(d)) % 97;
  return r;
}

/** `PL` + check digits + bank (8) + account (16): the IBAN of a Polish account given in two parts. */
export function nrbFromParts(bank: string, account: string): string | null {
  if (!/^\d{8}$/.test(bank) || !/^\d{16}$/.test(account)) return null;
  const check = 98 - mod97(`${bank}${account}252100`); // P=25, L=21
  return `PL${String(check).padStart(2, "0")}${bank}${account}`;
}

/**
 * Spaces, dashes and quotes out (some exports quote numbers so spreadsheets keep them as text),
 * capitals, a leading slash dropped; a bare 26-digit NRB gets `PL`.
 */
export function normaliseAccount(text: string | null | undefined): string | null {
  if (!text) return null;
  const t = text
    .replace(/[\s\-\u00a0'"]/g, "")
    .replace(/^\/+/, "")
    .toUpperCase();
  if (t === "") return null;
  return /^\d{26}$/.test(t) ? `PL${t}` : t;
}

/**
 * Joins the pieces a bank wrapped a text into. A piece as long as the longest one and at least 27
 * characters (the narrowest width banks cut sub-fields at) was cut by the bank: the next piece
 * continues it with nothing in between; a shorter piece ended where its writer ended it: a space
 * goes between. (Matching does not depend on this guess: it also searches the pieces joined bare.)
 */
export function joinWrapped(parts: readonly string[]): string {
  const kept = parts.filter((p) => p !== "");
  const width = Math.max(0, ...kept.map((p) => p.length));
  let out = "";
  kept.forEach((part, i) => {
    if (i === 0) out = part;
    else {
      const prev = kept[i - 1]!;
      const glued = prev.length === width && width >= 27;
      out += glued || /\s$/.test(prev) || /^\s/.test(part) ? part : ` ${part}`;
    }
  });
  return out.replace(/\s+/g, " ").trim();
}

/**
 * The key of each entry: `<bank reference>|<booking day>|<signed amount><currency>`; without a
 * bank reference, the owner's reference (or `-`) and a hash of the title and counterparty account
 * stand in for it. Entries of one file that still share a key (two identical payments on one day)
 * get `#2`, `#3`… in file order, which is the same in every statement that shows them.
 */
export function entryKeys(entries: readonly StatementEntry[]): string[] {
  const seen = new Map<string, number>();
  return entries.map((e) => {
    const base = `${e.amount.amount}${e.amount.currency}`;
    let key: string;
    if (e.bankReference) key = `${e.bankReference}|${e.bookedOn}|${base}`;
    else {
      const hash = createHash("sha256")
        .update(`${e.titleCompact.toLowerCase().replace(/\s+/g, "")}|${e.counterpartyAccount ?? ""}`)
        .digest("hex")
        .slice(0, 16);
      key = `${e.customerReference ?? "-"}|${e.bookedOn}|${base}|${hash}`;
    }
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n === 1 ? key : `${key}#${n}`;
  });
}
