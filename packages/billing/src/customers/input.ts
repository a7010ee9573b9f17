/**
 * The shapes a customer is given in, and their rules. Field formats are zod schemas; the rules
 * that tie fields together (a company needs a NIP, details need an address…) are checked on which
 * fields are present, so one refused call names every bad field at once, formats and rules alike.
 */
import { z } from "zod";
import { BillingValidationError, type FieldIssue } from "../errors.js";
import { NOTICE_LANGUAGES, type NoticeLanguage } from "../notify/events.js";
import {
  euVatCountryProblem,
  euVatNumberProblem,
  nipProblem,
  normaliseEuVatCountry,
  normaliseEuVatNumber,
  normaliseNip,
  normalisePhone,
  normalisePolishPostcode,
  peselProblem,
} from "./identity.js";

export const CUSTOMER_TYPES = ["person", "company"] as const;
/** A person (consumer, optionally with PESEL) or a business (Polish NIP, or an EU VAT number). */
export type CustomerType = (typeof CUSTOMER_TYPES)[number];

export interface EuVatNumber {
  /** Member state as in VAT numbers: `DE`, `EL` for Greece, `XI` for Northern Ireland. */
  country: string;
  number: string;
}

export interface AddressInput {
  /** The name printed on this address; default the customer's name. */
  name?: string;
  street: string;
  postcode: string;
  city: string;
  /** ISO 3166-1 alpha-2; default PL. A Polish postcode must be NN-NNN. */
  country?: string;
}

/** Who pays when it is not the customer: its own name, optionally its NIP. */
export interface PayerInput extends AddressInput {
  name: string;
  nip?: string;
}

export interface AddressesInput {
  /** Where letters go. Required as soon as the customer has any detail beyond its name. */
  correspondence?: AddressInput;
  /** Printed on documents; default the correspondence address. */
  invoice?: AddressInput;
  payer?: PayerInput;
}

export interface CreateCustomerInput {
  name: string;
  /** Default: `company` when a NIP or an EU VAT number is given, else `person`. */
  type?: CustomerType;
  pesel?: string;
  /** Polish NIP; `PL 123-456-32-18` is accepted and stored as `1234563218`. */
  nip?: string;
  /** A business in another EU country (reverse charge). Format-checked only (no VIES). */
  euVat?: EuVatNumber;
  email?: string;
  /** Stored as `+48…` (Polish numbers have 9 digits) or `+<country code>…`. */
  mobilePhone?: string;
  landlinePhone?: string;
  /** The registrant account (user) at HRD this customer's domains are registered to. */
  hrdUserId?: number;
  /** Default: the default price group. */
  priceGroupId?: number;
  addresses?: AddressesInput;
  /** The language notices are sent in; default the notification settings' `defaultLanguage` (pl). */
  language?: NoticeLanguage;
}

/** A partial change: fields left out stay; `null` clears an optional field or address. */
export interface UpdateCustomerInput {
  name?: string;
  type?: CustomerType;
  pesel?: string | null;
  nip?: string | null;
  euVat?: EuVatNumber | null;
  email?: string | null;
  mobilePhone?: string | null;
  landlinePhone?: string | null;
  hrdUserId?: number | null;
  priceGroupId?: number;
  /** The language notices are sent in. */
  language?: NoticeLanguage;
  addresses?: {
    correspondence?: AddressInput;
    /** null: back to "same as correspondence". */
    invoice?: AddressInput | null;
    /** null: the customer pays itself. */
    payer?: PayerInput | null;
  };
}

const custom = (ctx: z.RefinementCtx, message: string | undefined, path?: string[]) => {
  if (message) ctx.addIssue({ code: "custom", message, ...(path ? { path } : {}) });
};

export const idSchema = z.number("must be an id").int().positive();

const nameSchema = z.string("must be text").trim().min(1, "must not be empty").max(255);

const nipSchema = z
  .string("must be text")
  .transform(normaliseNip)
  .superRefine((v, ctx) => custom(ctx, nipProblem(v)));

const peselSchema = z
  .string("must be text")
  .transform((v) => v.replace(/\s/g, ""))
  .superRefine((v, ctx) => custom(ctx, peselProblem(v)));

const euVatSchema = z
  .object({
    country: z
      .string("must be a 2-letter code")
      .transform(normaliseEuVatCountry)
      .superRefine((v, ctx) => custom(ctx, euVatCountryProblem(v))),
    number: z.string("must be text").trim().min(1, "must not be empty"),
  })
  .transform((v) => ({ country: v.country, number: normaliseEuVatNumber(v.country, v.number) }))
  .superRefine((v, ctx) => custom(ctx, euVatNumberProblem(v.country, v.number), ["number"]));

export const emailSchema = z.string("must be text").trim().max(254).email("must be an e-mail address");

const phoneSchema = z.string("must be text").transform((v, ctx) => {
  const phone = normalisePhone(v);
  if (phone) return phone;
  ctx.addIssue({
    code: "custom",
    message:
      "must be a phone number: 9 digits for a Polish number (e.g. 601 234 567, +48 22 123 45 67), or +<country code> and the number",
  });
  return z.NEVER;
});

const languageSchema = z.enum(NOTICE_LANGUAGES, `must be one of ${NOTICE_LANGUAGES.join(", ")}`);

const addressFields = {
  street: z.string("must be text").trim().min(1, "must not be empty").max(200),
  postcode: z.string("must be text").trim().min(1, "must not be empty").max(16),
  city: z.string("must be text").trim().min(1, "must not be empty").max(100),
  country: z
    .string("must be a 2-letter country code")
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, "must be a 2-letter country code")
    .default("PL"),
};

/** Polish postcodes are NN-NNN (00950 is accepted and written 00-950). */
function withPostcode<T extends { postcode: string; country: string }>(a: T, ctx: z.RefinementCtx): T {
  if (a.country !== "PL") return a;
  const postcode = normalisePolishPostcode(a.postcode);
  if (!postcode) {
    ctx.addIssue({ code: "custom", path: ["postcode"], message: "must be a Polish postcode NN-NNN" });
    return a;
  }
  return { ...a, postcode };
}

const addressSchema = z
  .object({
    name: z.string("must be text").trim().min(1, "must not be empty").max(300).optional(),
    ...addressFields,
  })
  .transform(withPostcode);

const payerSchema = z
  .object({
    name: z.string("must be text").trim().min(1, "must not be empty").max(300),
    nip: nipSchema.optional(),
    ...addressFields,
  })
  .transform(withPostcode);

export type ParsedAddress = z.output<typeof addressSchema>;
export type ParsedPayer = z.output<typeof payerSchema>;

export const createSchema = z.object({
  name: nameSchema,
  type: z.enum(CUSTOMER_TYPES, "must be person or company").optional(),
  pesel: peselSchema.optional(),
  nip: nipSchema.optional(),
  euVat: euVatSchema.optional(),
  email: emailSchema.optional(),
  mobilePhone: phoneSchema.optional(),
  landlinePhone: phoneSchema.optional(),
  hrdUserId: z.number("must be HRD's user id").int().positive().optional(),
  priceGroupId: idSchema.optional(),
  language: languageSchema.optional(),
  addresses: z
    .object({
      correspondence: addressSchema.optional(),
      invoice: addressSchema.optional(),
      payer: payerSchema.optional(),
    })
    .optional(),
});

export const updateSchema = z.object({
  name: nameSchema.optional(),
  type: z.enum(CUSTOMER_TYPES, "must be person or company").optional(),
  pesel: peselSchema.nullable().optional(),
  nip: nipSchema.nullable().optional(),
  euVat: euVatSchema.nullable().optional(),
  email: emailSchema.nullable().optional(),
  mobilePhone: phoneSchema.nullable().optional(),
  landlinePhone: phoneSchema.nullable().optional(),
  hrdUserId: z.number("must be HRD's user id").int().positive().nullable().optional(),
  priceGroupId: idSchema.optional(),
  language: languageSchema.optional(),
  addresses: z
    .object({
      correspondence: addressSchema.optional(),
      invoice: addressSchema.nullable().optional(),
      payer: payerSchema.nullable().optional(),
    })
    .optional(),
});

/** Which fields a customer has (after a change), for the rules between fields. */
export interface Presence {
  type: unknown;
  pesel: boolean;
  nip: boolean;
  euVat: boolean;
  /** Anything beyond a name (and a price group): contacts, ids, addresses, HRD's account. */
  details: boolean;
  correspondence: boolean;
}

const given = (o: Record<string, unknown> | undefined, key: string) =>
  o?.[key] !== undefined && o[key] !== null;

const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === "object" && v !== null ? (v as Record<string, unknown>) : undefined;

const DETAIL_KEYS = ["pesel", "nip", "euVat", "email", "mobilePhone", "landlinePhone", "hrdUserId"];

/** What a create input holds (read from the raw input, so it works when a field is malformed). */
export function presenceOf(input: unknown): Presence {
  const o = asRecord(input);
  const addresses = asRecord(o?.addresses);
  return {
    type: o?.type,
    pesel: given(o, "pesel"),
    nip: given(o, "nip"),
    euVat: given(o, "euVat"),
    details:
      o?.type === "company" ||
      DETAIL_KEYS.some((k) => given(o, k)) ||
      ["correspondence", "invoice", "payer"].some((k) => given(addresses, k)),
    correspondence: given(addresses, "correspondence"),
  };
}

/** What a customer holds after `patch` is applied to `current` (both as presence). */
export function presenceAfter(current: Presence, patch: unknown): Presence {
  const o = asRecord(patch);
  const addresses = asRecord(o?.addresses);
  const after = (key: "pesel" | "nip" | "euVat") =>
    o && key in o && o[key] !== undefined ? o[key] !== null : current[key];
  const added = presenceOf(patch);
  return {
    type: o?.type !== undefined ? o.type : current.type,
    pesel: after("pesel"),
    nip: after("nip"),
    euVat: after("euVat"),
    details: current.details || added.details,
    correspondence: current.correspondence || given(addresses, "correspondence"),
  };
}

/** The rules between fields. `type` left out means company with a NIP or EU VAT number, else person. */
export function ruleIssues(p: Presence): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const type = p.type === undefined ? (p.nip || p.euVat ? "company" : "person") : p.type;
  if (type === "person") {
    if (p.nip) {
      issues.push({
        path: "nip",
        message: "a person has no NIP: a business (a sole trader too) is type company",
      });
    }
    if (p.euVat)
      issues.push({ path: "euVat", message: "only a business (type company) has an EU VAT number" });
  }
  if (type === "company") {
    if (p.pesel) issues.push({ path: "pesel", message: "a company has no PESEL" });
    if (!p.nip && !p.euVat) {
      issues.push({
        path: "nip",
        message: "a company needs its NIP (or euVat, for a business in another EU country)",
      });
    }
  }
  if (p.nip && p.euVat) {
    issues.push({ path: "euVat", message: "give either a Polish NIP or an EU VAT number, not both" });
  }
  if (p.details && !p.correspondence) {
    issues.push({
      path: "addresses.correspondence",
      message: "is required once a customer has details beyond its name (the invoice address defaults to it)",
    });
  }
  return issues;
}

/** Parses `input` and checks the rules; throws one BillingValidationError naming every bad field. */
export function parseCustomer<S extends z.ZodType>(
  operation: string,
  schema: S,
  input: unknown,
  presence: Presence,
): z.output<S> {
  const r = schema.safeParse(input);
  const issues: FieldIssue[] = r.success
    ? []
    : r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  // A rule on a field that is itself malformed would only repeat it.
  const bad = new Set(issues.map((i) => i.path));
  issues.push(...ruleIssues(presence).filter((i) => !bad.has(i.path)));
  if (issues.length > 0 || !r.success) throw new BillingValidationError(operation, issues);
  return r.data;
}
