/**
 * Text rules of the catalog: what a TLD may look like, slugs of product names, and the
 * Polish-aware folding that turns a customer's query into domain labels.
 */
import { z } from "zod";

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Why `tld` is not a TLD we can store (lowercase ASCII LDH labels), or undefined when it is. */
export function tldProblem(tld: string): string | undefined {
  if (tld === "") return "is empty";
  if (tld.startsWith(".")) return `write it without the leading dot: "${tld.replace(/^\.+/, "")}"`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
  if (/[^\x00-\x7f]/.test(tld)) {
    return `"${tld}" is not ASCII: a TLD is lowercase ASCII letters, digits and hyphens (Unicode TLDs are not supported)`;
  }
  if (tld !== tld.toLowerCase()) return `must be lowercase: "${tld.toLowerCase()}"`;
  if (tld.length > 253) return "is longer than 253 characters";
  const bad = tld.split(".").find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    return bad === ""
      ? `"${tld}" has an empty label (two dots in a row or a trailing dot)`
      : `label "${bad}" of "${tld}" must be 1–63 letters a–z, digits or hyphens, not starting or ending with a hyphen`;
  }
  return undefined;
}

export const tldSchema = z.string('must be a TLD such as "pl" or "com.pl"').superRefine((v, ctx) => {
  const problem = tldProblem(v);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** The .pl family (NASK): `pl` and every name under it (`com.pl`, `waw.pl`, …). Options exist only there. */
export function isPlFamily(tld: string): boolean {
  return tld === "pl" || tld.endsWith(".pl");
}

/** Letters the partner's IDN TLDs keep as they are. */
export const POLISH_LETTERS = "ąćęłńóśźż";
/** The Polish letters Unicode decomposition alone does not fold (ł) and the rest, for one table. */
export const POLISH_TO_ASCII: Readonly<Record<string, string>> = {
  ą: "a",
  ć: "c",
  ę: "e",
  ł: "l",
  ń: "n",
  ó: "o",
  ś: "s",
  ź: "z",
  ż: "z",
};

/** Strips diacritics that Unicode decomposes (é → e, ü → u); ł is not one of them, so it is mapped. */
function fold(ch: string): string {
  return POLISH_TO_ASCII[ch] ?? ch.normalize("NFD").replace(/\p{M}+/gu, "");
}

/**
 * A domain label from free text: lowercase, Polish letters kept (`keepPolish`) or transliterated
 * (ą→a … ż→z), other diacritics dropped, anything else that is not a letter or digit → one hyphen,
 * no hyphen at either end. "" when nothing usable is left.
 */
export function toLabel(text: string, keepPolish: boolean): string {
  const lower = text.normalize("NFC").toLowerCase();
  let out = "";
  for (const ch of lower) {
    if (keepPolish && POLISH_LETTERS.includes(ch)) out += ch;
    else out += fold(ch);
  }
  const notAllowed = keepPolish ? /[^a-z0-9ąćęłńóśźż]+/gu : /[^a-z0-9]+/g;
  return out.replace(notAllowed, "-").replace(/^-+|-+$/g, "");
}

/** Slug of a product or package name in a service code: `Positive SSL + Wildcard` → `positive-ssl-wildcard`. */
export function slugOf(name: string): string {
  return toLabel(name, false);
}
