import { domainToASCII, domainToUnicode } from "node:url";

/**
 * Unicode → punycode, UTS-46 non-transitional (as HRD's PHP client does with idn_to_ascii):
 * `żółw.pl` → `xn--w-uga1v8h.pl`. Returns "" when the name cannot be a domain name.
 */
export function toAsciiDomain(name: string): string {
  const trimmed = name.trim().replace(/\.$/, "");
  if (trimmed === "") return "";
  return domainToASCII(trimmed);
}

/** Punycode → Unicode for names HRD returns; names that are not IDN come back unchanged. */
export function toUnicodeDomain(name: string): string {
  if (!name.includes("xn--")) return name;
  const u = domainToUnicode(name);
  return u === "" ? name : u;
}
