import { domainToASCII, domainToUnicode } from "node:url";

/** An ASCII label as HRD takes it: letters, digits, "-" inside, "_" (DNS owner names), 1–63 long. */
const ASCII_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
/** A label as people write it: letters (any script), marks, digits, "-", "_". Nothing else. */
const UNICODE_LABEL = /^[\p{L}\p{M}\p{N}_-]+$/u;
/**
 * A last label the WHATWG URL parser reads as a number (`1`, `0x7f`, `0177`): it would turn the
 * whole name into an IPv4 address. No real TLD is numeric (RFC 3696 §2).
 */
const NUMERIC_TLD = /^(?:\d+|0x[0-9a-f]*)$/;

/**
 * Unicode → punycode, UTS-46 non-transitional (as HRD's PHP client does with idn_to_ascii):
 * `żółw.pl` → `xn--w-uga1v8h.pl`. Returns "" when the name cannot be a domain name.
 *
 * The labels are checked strictly **before** conversion: node's `domainToASCII` is the URL
 * parser's host parser, which would decode `%61bc.pl` into `abc.pl`, map `ａｂｃ`, drop a soft
 * hyphen and accept `127.0.0.1` or `0x7f.1` as a host — each a different name (or an address)
 * than the one the user typed. Here a name must be at least two labels of letters, digits, "-"
 * and "_", and convert back to exactly what was given (case and Unicode normalisation aside).
 */
export function toAsciiDomain(name: string): string {
  const trimmed = name.trim().replace(/\.$/, "");
  if (trimmed === "") return "";
  const lower = trimmed.toLowerCase();
  let ascii: string;
  if (/^[a-z0-9._-]+$/.test(lower)) {
    ascii = lower;
    // A punycode label given as such must decode (`xn--zz` does not).
    if (lower.includes("xn--") && domainToASCII(lower) !== lower) return "";
  } else {
    const unicode = lower.normalize("NFC");
    if (!unicode.split(".").every((l) => UNICODE_LABEL.test(l))) return "";
    ascii = domainToASCII(unicode);
    // UTS-46 maps some letters to others (full-width, compatibility forms): the name must come
    // back as typed, or it is not the name the user meant.
    if (ascii === "" || domainToUnicode(ascii) !== unicode) return "";
  }
  if (ascii.length > 253) return "";
  const labels = ascii.split(".");
  if (labels.length < 2 || !labels.every((l) => ASCII_LABEL.test(l))) return "";
  if (NUMERIC_TLD.test(labels[labels.length - 1]!)) return "";
  return ascii;
}

/** Punycode → Unicode for names HRD returns; names that are not IDN come back unchanged. */
export function toUnicodeDomain(name: string): string {
  if (!name.includes("xn--")) return name;
  const u = domainToUnicode(name);
  return u === "" ? name : u;
}
