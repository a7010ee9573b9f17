/**
 * Identity and contact data of a customer, checked here so a typo is caught when it is typed and
 * not on an invoice: PESEL (checksum and a real date of birth), NIP (checksum), EU VAT numbers
 * (format only: a live VIES check is a port billing does not implement), phone numbers and
 * postcodes. Billing never imports the SDK, so the PESEL algorithm is a copy of the SDK's.
 */
import { nipChecksumOk } from "../documents/settings.js";

const PESEL_WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];

/** The checksum digit of a PESEL matches its first ten digits. */
export function peselChecksumOk(pesel: string): boolean {
  if (!/^\d{11}$/.test(pesel)) return false;
  const d = [...pesel].map(Number);
  const sum = PESEL_WEIGHTS.reduce((acc, w, i) => acc + w * d[i]!, 0);
  return (10 - (sum % 10)) % 10 === d[10];
}

/**
 * The date of birth a PESEL encodes (`YYYY-MM-DD`), or undefined when it encodes none: the
 * century is in the month (+80 → 1800s, +0 → 1900s, +20 → 2000s, +40 → 2100s, +60 → 2200s).
 */
export function peselBirthDate(pesel: string): string | undefined {
  if (!/^\d{11}$/.test(pesel)) return undefined;
  const yy = Number(pesel.slice(0, 2));
  const code = Number(pesel.slice(2, 4));
  const dd = Number(pesel.slice(4, 6));
  const century = [1900, 2000, 2100, 2200, 1800][Math.floor(code / 20)];
  const mm = code % 20;
  if (century === undefined || mm < 1 || mm > 12) return undefined;
  const date = new Date(Date.UTC(century + yy, mm - 1, dd));
  if (date.getUTCMonth() !== mm - 1 || date.getUTCDate() !== dd) return undefined;
  return date.toISOString().slice(0, 10);
}

/** Why `pesel` is not a valid PESEL, or undefined when it is. */
export function peselProblem(pesel: string): string | undefined {
  if (!/^\d{11}$/.test(pesel)) return "must be 11 digits";
  if (!peselChecksumOk(pesel)) return "checksum digit does not match (a typo?)";
  if (!peselBirthDate(pesel)) return "does not encode a real date of birth";
  return undefined;
}

/** Removes what people write around a NIP: `PL 123-456-32-18` → `1234563218`. */
export function normaliseNip(nip: string): string {
  return nip.replace(/^\s*PL/i, "").replace(/[\s-]/g, "");
}

/** Why `nip` (already normalised) is not a valid Polish NIP, or undefined when it is. */
export function nipProblem(nip: string): string | undefined {
  if (!/^\d{10}$/.test(nip)) return "must be 10 digits (separators and a PL prefix are allowed)";
  if (!nipChecksumOk(nip)) return "checksum digit does not match (a typo?)";
  return undefined;
}

/**
 * VAT number formats of the EU member states as VIES prints them (after the country code),
 * plus XI (Northern Ireland). Greece is `EL` in VAT numbers (ISO `GR` is accepted and changed).
 */
export const EU_VAT_FORMATS: Readonly<Record<string, RegExp>> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  EL: /^\d{9}$/,
  ES: /^[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^\d{8}$/,
  FR: /^[A-HJ-NP-Z0-9]{2}\d{9}$/,
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^(\d{7}[A-WY][A-I]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^\d{11}$/,
  LT: /^(\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PT: /^\d{9}$/,
  RO: /^\d{2,10}$/,
  SE: /^\d{10}01$/,
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
  XI: /^(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
};

/** `gr` → `EL`, upper case. */
export function normaliseEuVatCountry(country: string): string {
  const c = country.trim().toUpperCase();
  return c === "GR" ? "EL" : c;
}

/** Upper case, without spaces, dots and hyphens, and without the country code when it was repeated. */
export function normaliseEuVatNumber(country: string, number: string): string {
  const n = number.toUpperCase().replace(/[\s.-]/g, "");
  return n.startsWith(country) && !EU_VAT_FORMATS[country]?.test(n) ? n.slice(country.length) : n;
}

/** Why the country code is not one of an EU VAT number, or undefined. */
export function euVatCountryProblem(country: string): string | undefined {
  if (country === "PL") return "a Polish business is identified by its NIP: give nip instead of euVat";
  if (!EU_VAT_FORMATS[country]) {
    return `must be the code of an EU member state (${Object.keys(EU_VAT_FORMATS).join(", ")})`;
  }
  return undefined;
}

/** Why `number` is not in the format of `country`'s VAT numbers, or undefined. Format only: no VIES. */
export function euVatNumberProblem(country: string, number: string): string | undefined {
  const format = EU_VAT_FORMATS[country];
  if (!format) return undefined; // the country is reported by itself
  return format.test(number) ? undefined : `is not in the format of ${country} VAT numbers`;
}

/**
 * A phone number in the form billing stores and texts: `+` and digits, no spaces. Polish
 * numbers (no prefix, `48…`, `+48…`, `0048…`, an old trunk `0`) become `+48` and 9 digits;
 * others must be given with their `+` or `00` country prefix (7–15 digits, E.164).
 * Undefined when it is not a phone number.
 */
export function normalisePhone(input: string): string | undefined {
  let s = input.trim().replace(/[\s\-().\u00a0/]/g, "");
  if (s.startsWith("00")) s = `+${s.slice(2)}`;
  if (s.startsWith("+")) {
    if (!/^\+[1-9]\d{6,14}$/.test(s)) return undefined;
    if (s.startsWith("+48")) return /^\+48[1-9]\d{8}$/.test(s) ? s : undefined;
    return s;
  }
  if (/^0?[1-9]\d{8}$/.test(s)) return `+48${s.slice(-9)}`;
  if (/^48[1-9]\d{8}$/.test(s)) return `+${s}`;
  return undefined;
}

/** A Polish postcode as written, `NN-NNN` (`00950` is accepted); undefined when it is not one. */
export function normalisePolishPostcode(input: string): string | undefined {
  const m = /^(\d{2})-?(\d{3})$/.exec(input.trim());
  return m ? `${m[1]}-${m[2]}` : undefined;
}
