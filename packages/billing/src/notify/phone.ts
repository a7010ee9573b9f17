/**
 * Phone numbers for the SMS and voice channels, normalised to E.164 (`+48500100200`).
 *
 * Customers' numbers arrive in every shape: typed by hand ("500-100-200"), with the international
 * prefix ("0048…"), or in HRD's contact format ("+48.500100200"). libphonenumber-js (the port of
 * Google's libphonenumber) with its full ("max") metadata checks them against each country's
 * numbering plan, so a typo is caught before it costs an SMS. Landlines are accepted: the voice
 * channel can call them.
 */
import {
  type CountryCode,
  parsePhoneNumberWithError,
  validatePhoneNumberLength,
} from "libphonenumber-js/max";

export type NormalizedPhone = { e164: string } | { problem: string };

/** Digits, a leading +, and the separators people write between groups of digits. */
const ALLOWED = /^[0-9+\s\-./()]+$/;

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

function countryName(code: string): string {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * Normalises `input` to E.164, reading a number without a country code as one of `defaultCountry`.
 * Returns `{ problem }` in plain words when the number cannot be used.
 */
export function normalizePhone(input: string, defaultCountry = "PL"): NormalizedPhone {
  const raw = input.trim();
  if (raw === "") return { problem: "no phone number was given" };
  if (!ALLOWED.test(raw)) {
    const odd = /[^0-9+\s\-./()]+/.exec(raw)?.[0] ?? "";
    return {
      problem: `"${raw}" contains characters that are not part of a phone number ("${odd}"); give only the number, without an extension or a note`,
    };
  }
  const country = defaultCountry.toUpperCase() as CountryCode;
  const first = parse(raw, country);
  if ("e164" in first) return first;
  // Poland dropped the trunk "0" in 2005, yet "(0-22) 629 32 22" and "0 500 100 200" are still
  // written: no valid Polish number starts with 0, so dropping one leading 0 cannot change a good one.
  const digits = raw.replace(/[\s\-./()]/g, "");
  if (country === "PL" && /^0[1-9]/.test(digits)) {
    const second = parse(digits.slice(1), country);
    if ("e164" in second) return second;
  }
  return first;
}

function parse(raw: string, country: CountryCode): NormalizedPhone {
  const length = validatePhoneNumberLength(raw, country);
  if (length === "INVALID_COUNTRY") {
    const code = /^\+?(\d{1,3})/.exec(raw.replace(/^00/, "+"))?.[1];
    return {
      problem: raw.startsWith("+")
        ? `"${raw}" starts with +${code ?? ""}, which is not a country calling code`
        : `"${raw}" has no country code and ${country} is not a known country`,
    };
  }
  if (length === "NOT_A_NUMBER") return { problem: `"${raw}" is not a phone number` };
  if (length === "TOO_SHORT") return { problem: `"${raw}" is too short to be a phone number` };
  if (length === "TOO_LONG") return { problem: `"${raw}" is too long to be a phone number` };
  try {
    const number = parsePhoneNumberWithError(raw, country);
    if (!number.isValid()) {
      const where = number.country
        ? `in ${countryName(number.country)}`
        : `for country code +${number.countryCallingCode}`;
      return {
        problem: `"${raw}" is not a valid number ${where} (+${number.countryCallingCode} ${number.nationalNumber}); check the digits`,
      };
    }
    return { e164: number.number };
  } catch {
    return { problem: `"${raw}" is not a phone number` };
  }
}
