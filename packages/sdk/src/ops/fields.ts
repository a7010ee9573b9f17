/**
 * Building blocks for operation declarations: input fields (user value → wire value, with the
 * checks of api.xsd done before anything is sent) and output fields (parsed reply → typed value).
 */
import { z } from "zod";
import { COUNTRY_CODES } from "../util/countries.js";
import { toAsciiDomain, toUnicodeDomain } from "../util/idn.js";
import { normalizePhone } from "../util/phone.js";
import { type Amount, parseAmount, parseBool, toIsoDate, toWireDate } from "../util/values.js";
import type { ParsedNode } from "../wire/xml.js";

// ---------------------------------------------------------------- input fields

const LABEL = "(([a-z0-9]{1,63})|([a-z0-9][a-z0-9_\\-]{0,61}[a-z0-9]))";
/** api.xsd `domainNameSimpleType`: lowercase LDH labels, at least two, 3–255 characters. */
export const DOMAIN_NAME_PATTERN = new RegExp(`^${LABEL}(\\.${LABEL})*\\.${LABEL}$`);
const IPV4 = /^((25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$/;
/** api.xsd `landlinePhoneType` (used for fax): stricter than other phones. */
const LANDLINE =
  /^((\+44\.[1235][0-9]{8,9})|(\+48\.(12|13|14|15|16|17|18|22|23|24|25|26|29|32|33|34|39|41|42|43|44|46|47|48|52|54|55|56|58|59|61|62|63|65|67|68|71|74|75|76|77|81|82|83|84|85|86|87|89|91|94|95)[0-9]{7})|(\+(1|2[07]|21[2368]|2[2346][0-9]|25[0-8]|29[01789]|3[0123469]|3[57][0-9]|38[012356789]|4[0135679]|42[013]|5[1-8]|5[09][0-9]|6[0-6]|67[023456789]|68[0-9]|69[0-2]|7|8[1246]|85[02356]|88[016]|9[0123459]|96[1-8]|97[0-7]|99[234568])\.[1-9][0-9]{1,}))$/;

/** A domain name as users write it (Unicode allowed, any case) → punycode, lowercase. */
export const domainName = z.string().transform((value, ctx) => {
  // toAsciiDomain has its own fast path for ASCII names, and refuses what only looks like a
  // domain (IP literals, percent-escapes): every name goes through it.
  const ascii = toAsciiDomain(value);
  if (ascii === "" || ascii.length < 3 || ascii.length > 255 || !DOMAIN_NAME_PATTERN.test(ascii)) {
    ctx.addIssue({ code: "custom", message: `"${value}" is not a valid domain name` });
    return z.NEVER;
  }
  return ascii;
});

export const unsignedInt = z.number().int().min(0).max(4294967295);
export const id = z.number().int().min(1).max(4294967295);

export const str = (min: number, max: number) => z.string().trim().min(min).max(max);

export const email = z
  .string()
  .trim()
  .max(255)
  .regex(/^[^\n\r\t ]+@[^\n\r\t ]+$/, "must be an e-mail address");

export const country = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase())
  .refine((v) => COUNTRY_CODES.has(v), "must be an ISO 3166-1 alpha-2 country code HRD accepts (e.g. PL)");

/** Any phone a person would type → `+CC.NNNN`. */
export const phone = z.string().transform((value, ctx) => {
  const out = normalizePhone(value);
  if (!out) {
    ctx.addIssue({
      code: "custom",
      message: `"${value}" is not a phone number (expected e.g. +48 22 100 32 48)`,
    });
    return z.NEVER;
  }
  return out;
});

export const fax = phone.refine((v) => LANDLINE.test(v), "must be a landline number with a valid area code");

export const ipv4 = z.string().trim().regex(IPV4, "must be an IPv4 address");
export const ipv6 = z
  .string()
  .trim()
  .refine((v) => v.includes(":") && /^[0-9A-Fa-f:.]+$/.test(v) && v.length <= 45, "must be an IPv6 address");

/** `YYYY-MM-DD` from a string or a Date (read in Europe/Warsaw). */
export const wireDate = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const out = toWireDate(value);
  if (!out) {
    ctx.addIssue({ code: "custom", message: "must be a date (YYYY-MM-DD or a Date)" });
    return z.NEVER;
  }
  return out;
});

/** Period in years (a number) or `{ value, unit }` → `<period unit="y">N</period>`. */
export const period = z
  .union([
    z.number().int().min(1).max(65535),
    z.object({ value: z.number().int().min(1).max(65535), unit: z.enum(["y", "m", "d"]).default("y") }),
  ])
  .transform((p) =>
    typeof p === "number"
      ? { $attrs: { unit: "y" }, $text: p }
      : { $attrs: { unit: p.unit }, $text: p.value },
  );

export const bool = z.boolean();

/**
 * For `.superRefine(fn, whenObject)`: cross-field checks run even when single fields already
 * failed, so one error names every bad field — but only on an object: given no object at all,
 * the type error is the whole answer (and the check never reads fields of undefined).
 */
export const whenObject = {
  when: (payload: { value: unknown }) => typeof payload.value === "object" && payload.value !== null,
};

// ---------------------------------------------------------------- output fields

function textOf(node: unknown): unknown {
  if (node && typeof node === "object" && !Array.isArray(node)) {
    const t = (node as Record<string, unknown>)["#text"];
    return t === undefined ? "" : t;
  }
  return node;
}

/** Text of an element (`<x>abc</x>` or `<x a="1">abc</x>`). */
export const outText = z.preprocess(textOf, z.string());
export const outInt = z.preprocess((n) => {
  const t = textOf(n);
  return typeof t === "string" && /^-?\d+$/.test(t.trim()) ? Number(t) : t;
}, z.number().int());
export const outBool = z.preprocess((n) => {
  const t = textOf(n);
  return typeof t === "string" ? parseBool(t) : t;
}, z.boolean());
export const outAmount: z.ZodType<Amount> = z.preprocess(
  (n) => {
    const t = textOf(n);
    return typeof t === "string" ? parseAmount(t) : t;
  },
  z.object({ value: z.string(), grosze: z.number().int() }),
);
export const outDate = z.preprocess(textOf, z.string().transform(toIsoDate));
export const outDomain = z.preprocess(textOf, z.string().transform(toUnicodeDomain));
/** An optional element: absent or empty → undefined. */
export const opt = <T extends z.ZodType>(schema: T) =>
  z.preprocess((n) => (n === undefined || n === "" ? undefined : n), schema.optional());
/** A repeated element: absent → [], one → [it], many → them. */
export const list = <T extends z.ZodType>(schema: T) =>
  z.preprocess((n) => (n === undefined || n === "" ? [] : Array.isArray(n) ? n : [n]), z.array(schema));
/** An element with no content we care about. */
export const outEmpty = z.preprocess(() => ({}), z.object({}));

/** `<actionId>` that may be absent (the change was applied at once). */
export const outActionIdOrEmpty = z.preprocess(
  (n) => (n === undefined || n === "" ? {} : n),
  z.object({ actionId: opt(outInt) }),
);
export const outActionId = z.object({ actionId: outInt });

/** Reads `<x>` which may be a bare string (empty element) or an object. */
export const obj = <T extends z.ZodRawShape>(shape: T) =>
  z.preprocess((n: unknown) => (n === undefined || n === "" ? {} : n), z.object(shape));

export type { ParsedNode };
