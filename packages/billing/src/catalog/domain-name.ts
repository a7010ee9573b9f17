/**
 * Domain names typed by people (services, order lines, suggestions) → the name as registered.
 *
 * The same rules as the SDK's `toAsciiDomain` (packages/sdk/src/util/idn.ts), duplicated on
 * purpose: DESIGN.md's dependency rule is that billing never imports the SDK. Keep the two in step;
 * billing is only stricter in one way: no "_" (DNS owner names are not sold or certified).
 *
 * Why not node's `domainToASCII` alone: it is the URL parser's host parser, which decodes
 * `%61bc.pl` into `abc.pl`, maps full-width `ａｂｃ` to `abc`, drops a soft hyphen, reads an
 * ideographic full stop as a dot and accepts `127.0.0.1` or `0x7f.1` as a host — each a different
 * name (or an address) than the one the customer typed, which we would then bill and register.
 */
import { domainToASCII, domainToUnicode } from "node:url";

/** An ASCII label: letters, digits, "-" inside, 1–63 long. */
const ASCII_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** A label as people write it: letters (any script), marks, digits, "-". Nothing else. */
const UNICODE_LABEL = /^[\p{L}\p{M}\p{N}-]+$/u;
/**
 * A last label the URL parser reads as a number (`1`, `0x7f`, `0177`): it would turn the whole
 * name into an IPv4 address. No real TLD is numeric (RFC 3696 §2).
 */
const NUMERIC_TLD = /^(?:\d+|0x[0-9a-f]*)$/;

export interface DomainName {
  /** What HRD and DNS take: lowercase, punycode labels for IDN (`xn--w-uga1v8h.pl`). */
  ascii: string;
  /** What customers read and billing stores (`żółw.pl`). */
  unicode: string;
}

/** Why a name was refused, for callers that answer differently (a suggestion's label too long). */
export type DomainNameReason =
  | "empty"
  | "character"
  | "punycode"
  | "idn"
  | "mapped"
  | "length"
  | "label"
  | "address";

export interface DomainNameProblem {
  /** For people: the name, and what is wrong with it. */
  problem: string;
  reason: DomainNameReason;
}

const HOW = "letters, digits and hyphens in two or more labels, e.g. example.pl";

/**
 * The domain name `input` is, or why it is not one. Case, a trailing dot, surrounding spaces and
 * Unicode normalisation (NFC) do not matter; anything that would turn it into another name does.
 */
export function parseDomainName(input: string): DomainName | DomainNameProblem {
  const trimmed = input.trim().replace(/\.$/, "");
  if (trimmed === "") return { problem: "is empty", reason: "empty" };
  const lower = trimmed.toLowerCase();
  const not = (reason: DomainNameReason, why: string): DomainNameProblem => ({
    problem: `"${input}" is not a domain name: ${why}`,
    reason,
  });
  const unicode = lower.normalize("NFC");
  const odd = [...unicode].find((ch) => ch !== "." && !UNICODE_LABEL.test(ch));
  if (odd !== undefined) return not("character", `${JSON.stringify(odd)} is not allowed (${HOW})`);
  // Label by label, so that a Unicode name under a punycode TLD (`żółw.xn--p1ai`, as a suggestion
  // is built) is taken; the SDK converts whole names, which only ever are one form or the other.
  const asciiLabels: string[] = [];
  for (const label of unicode.split(".")) {
    if (/^[a-z0-9-]*$/.test(label)) {
      // A punycode label given as such must decode (`xn--zz` does not).
      if (label.startsWith("xn--") && domainToASCII(label) !== label) {
        return not("punycode", `"${label}" is not valid punycode`);
      }
      asciiLabels.push(label);
      continue;
    }
    const a = domainToASCII(label);
    if (a === "") return not("idn", `"${label}" breaks the IDN rules`);
    // UTS-46 maps some letters to others (full-width, compatibility forms): the label must come
    // back as typed, or it is not the name the customer meant.
    const back = domainToUnicode(a);
    if (back !== label)
      return not("mapped", `"${label}" would become "${back}": type the name as it is registered`);
    asciiLabels.push(a);
  }
  const ascii = asciiLabels.join(".");
  if (ascii.length > 253) return not("length", "longer than 253 characters");
  const labels = ascii.split(".");
  if (labels.length < 2) return not("label", `needs ${HOW}`);
  const bad = labels.find((l) => !ASCII_LABEL.test(l));
  if (bad !== undefined) {
    return not(
      bad.length > 63 ? "length" : "label",
      bad === ""
        ? "an empty label (two dots in a row, or a dot at the start)"
        : bad.length > 63
          ? "a label is longer than 63 characters (in punycode)"
          : `label "${bad}" must be letters, digits and hyphens, not starting or ending with a hyphen`,
    );
  }
  if (NUMERIC_TLD.test(labels[labels.length - 1]!)) {
    return not("address", "it ends in a number, which makes it an IP address");
  }
  return { ascii, unicode: domainToUnicode(ascii) };
}

/** The name in ASCII (punycode) form, or "" when `input` is not a domain name (parseDomainName). */
export function toAsciiDomain(input: string): string {
  const n = parseDomainName(input);
  return "ascii" in n ? n.ascii : "";
}
