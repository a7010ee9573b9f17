/**
 * Finding proforma numbers in transfer titles. People retype `PRO/2026/11/7` as `PRO 2026 11 7`,
 * `pro-2026-11-07`, `PRO/2026/11/ 7` or a bank wraps it mid-way, so each proforma series pattern
 * (`PRO/{YYYY}/{MM}/{N}`) becomes a tolerant regular expression: any case, any run of up to three
 * separators (space, `/`, `-`, `.`, `_`…) where the pattern has one or none, leading zeros in the
 * month and counter. A match is rebuilt into the canonical number the series gives out, which is
 * then looked up exactly.
 */

const TOKEN = /\{(YYYY|YY|MM|N)\}/g;
const DIGITS: Record<string, string> = {
  YYYY: "(\\d{4})",
  YY: "(\\d{2})",
  MM: "(\\d{1,2})",
  N: "(\\d{1,9})",
};
const SEPARATORS = "[^\\p{L}\\p{N}]";

type Element = { kind: "literal"; text: string } | { kind: "token"; name: string };

function elements(pattern: string): Element[] {
  const out: Element[] = [];
  const literal = (text: string) => {
    for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) out.push({ kind: "literal", text: m[0] });
  };
  let last = 0;
  for (const m of pattern.matchAll(TOKEN)) {
    literal(pattern.slice(last, m.index));
    out.push({ kind: "token", name: m[1]! });
    last = m.index + m[0].length;
  }
  literal(pattern.slice(last));
  return out;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const startsNumeric = (e: Element) => e.kind === "token" || /^\p{N}/u.test(e.text);
const endsNumeric = (e: Element) => e.kind === "token" || /\p{N}$/u.test(e.text);

export interface NumberMatcher {
  pattern: string;
  regex: RegExp;
  /** The canonical number from the captured tokens, in pattern order. */
  build: (captured: readonly string[]) => string;
}

/** A series pattern → its tolerant matcher. */
export function numberMatcher(pattern: string): NumberMatcher {
  const els = elements(pattern);
  let source = "";
  els.forEach((e, i) => {
    if (i > 0) {
      // two numbers need something between them (PRO2026117 could be 11/7 or 1/17)
      source += endsNumeric(els[i - 1]!) && startsNumeric(e) ? `${SEPARATORS}{1,3}` : `${SEPARATORS}{0,3}`;
    }
    source += e.kind === "token" ? DIGITS[e.name] : escapeRegex(e.text);
  });
  const first = els[0];
  const last = els[els.length - 1];
  const before = first && startsNumeric(first) ? "(?<!\\p{N})" : "(?<![\\p{L}\\p{N}])";
  const after = last && endsNumeric(last) ? "(?!\\p{N})" : "(?![\\p{L}])";
  const regex = new RegExp(`${before}${source}${after}`, "giu");
  const build = (captured: readonly string[]) => {
    let i = 0;
    return pattern.replace(TOKEN, (_m, name: string) => {
      const v = captured[i++] ?? "";
      if (name === "MM") return v.padStart(2, "0");
      if (name === "N") return String(Number(v));
      return v;
    });
  };
  return { pattern, regex, build };
}

/**
 * The canonical proforma numbers found in `texts` (the title as read, and the title with its
 * wrapped pieces joined), for any of the series `patterns`, in order of appearance, each once.
 */
export function findProformaNumbers(texts: readonly string[], patterns: readonly string[]): string[] {
  const matchers = patterns.map(numberMatcher);
  const found: string[] = [];
  for (const text of texts) {
    const hits: { at: number; number: string }[] = [];
    for (const m of matchers) {
      m.regex.lastIndex = 0;
      for (const hit of text.matchAll(m.regex)) hits.push({ at: hit.index, number: m.build(hit.slice(1)) });
    }
    hits.sort((a, b) => a.at - b.at);
    for (const h of hits) if (!found.includes(h.number)) found.push(h.number);
  }
  return found;
}
