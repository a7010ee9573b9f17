/**
 * What a customer can be found by, and how a typed query becomes a prefix match on it.
 *
 * `customers.search` holds the customer's search terms separated by single spaces: every word of
 * the name in lower case with its Polish letters, the same word folded to ASCII when it differs
 * ("żółw" and "zolw"), the e-mail in lower case, the NIP, the PESEL and the EU VAT number. The
 * terms are indexed as a text-search vector built without any dictionary
 * (`array_to_tsvector(string_to_array(search, ' '))`, migration 0005), so a query word matches the
 * beginning of any term through a GIN index: "kowal" finds "Jan Kowalski", "zolw" finds "Żółw",
 * "526" finds NIP 5260250274, "jan.k" finds jan.kowalski@example.pl.
 */

import { POLISH_TO_ASCII } from "../catalog/names.js";

// Letters Unicode does not decompose into a base letter and a mark.
const OTHER_TO_ASCII: Readonly<Record<string, string>> = { đ: "d", ø: "o", ß: "ss", æ: "ae", œ: "oe" };

/** Lower case folded to ASCII letters: "Żółw Łąkowy" → "zolw lakowy"; é → e, ü → u. */
export function foldText(text: string): string {
  let out = "";
  for (const ch of text.normalize("NFC").toLowerCase()) {
    out += POLISH_TO_ASCII[ch] ?? OTHER_TO_ASCII[ch] ?? ch.normalize("NFD").replace(/\p{M}+/gu, "");
  }
  return out;
}

/** Words of a name: runs of letters and digits, in lower case (Polish letters kept). */
export function nameWords(text: string): string[] {
  return text
    .normalize("NFC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== "");
}

export interface SearchableFields {
  name: string;
  email?: string | null;
  nip?: string | null;
  pesel?: string | null;
  euVat?: { country: string; number: string } | null;
}

/** The value of `customers.search` for a customer: its unique terms, space-separated. */
export function searchText(c: SearchableFields): string {
  const terms = new Set<string>();
  for (const w of nameWords(c.name)) {
    terms.add(w);
    terms.add(foldText(w));
  }
  if (c.email) terms.add(c.email.toLowerCase());
  if (c.nip) terms.add(c.nip);
  if (c.pesel) terms.add(c.pesel);
  if (c.euVat) {
    terms.add(`${c.euVat.country}${c.euVat.number}`.toLowerCase());
    terms.add(c.euVat.number.toLowerCase());
  }
  // Terms never contain a space; an empty one would break array_to_tsvector.
  return [...terms].filter((t) => t !== "" && !/\s/.test(t)).join(" ");
}

const lexeme = (t: string) => `'${t.replace(/\\/g, "\\\\").replace(/'/g, "''")}':*`;

/**
 * The tsquery (in PostgreSQL's text syntax, read without a dictionary) for a typed query: every
 * whitespace-separated part must match the beginning of some term. A part with punctuation
 * matches either as a whole (an e-mail: "jan.k") or as its words ("kowalska-nowak" → both words);
 * a NIP may be typed with a PL prefix and hyphens. Undefined when the query has no letter or digit.
 */
export function prefixQuery(query: string): string | undefined {
  const parts: string[] = [];
  for (const raw of query.normalize("NFC").toLowerCase().split(/\s+/)) {
    if (raw === "") continue;
    const words = nameWords(raw);
    if (words.length === 0) continue;
    // As typed (an e-mail, or one word); a NIP without its PL prefix and hyphens; the words.
    const alternatives = new Set([lexeme(raw)]);
    if (/^(pl)?[\d-]+$/.test(raw)) alternatives.add(lexeme(raw.replace(/^pl/, "").replace(/-/g, "")));
    if (words.length > 1) alternatives.add(`(${words.map(lexeme).join(" & ")})`);
    else if (words[0] !== raw) alternatives.add(lexeme(words[0]!));
    const alts = [...alternatives];
    parts.push(alts.length === 1 ? alts[0]! : `(${alts.join(" | ")})`);
  }
  return parts.length === 0 ? undefined : parts.join(" & ");
}
