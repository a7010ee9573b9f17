/**
 * SSL certificates (`cert/*`): ordering with a CSR and an approver e-mail, renewing, reading the
 * order, downloading the issued certificate, and the certificates' admin contacts (PROTOCOL.md §4.4).
 */
import { z } from "zod";
import { defineOp } from "./define.js";
import {
  country,
  email,
  id,
  list,
  obj,
  opt,
  outBool,
  outDate,
  outInt,
  outText,
  period,
  whenObject,
} from "./fields.js";

// ---------------------------------------------------------------- products

/** The certificate products HRD sells, exactly as api.xsd spells them (`cert/create` `product`). */
export const CERT_PRODUCTS = [
  "Comodo Free Trial SSL",
  "Comodo SSL",
  "Comodo SSL + Wildcard",
  "Comodo EV SSL",
  "Instant SSL",
  "Positive SSL",
  "Positive SSL + Wildcard",
  "QuickSSL Basic",
  "QuickSSL Premium",
  "QuickSSL Premium Free Trial",
  "True BusinessID",
  "True BusinessID Wildcard",
  "True BusinessID + EV",
] as const;

/** One of {@link CERT_PRODUCTS}. */
export type CertProduct = (typeof CERT_PRODUCTS)[number];

/** Wildcard products: their CSR's common name must be `*.domain`; every other product's must not. */
export const CERT_WILDCARD_PRODUCTS: readonly CertProduct[] = [
  "Comodo SSL + Wildcard",
  "Positive SSL + Wildcard",
  "True BusinessID Wildcard",
];

// ---------------------------------------------------------------- admin contact (api.xsd certAdminContactType)

export const CERT_CONTACT_TITLES = ["Mr", "Mrs", "Miss", "Ms", "Dr", "Rev"] as const;

export const CERT_CONTACT_ROLES = [
  "Administration Staff",
  "Business Owner",
  "Chairman",
  "Company Director",
  "Company Executive",
  "Executive Officer",
  "Financial Officer",
  "General Manager",
  "Information Officer",
  "Managing Director",
  "Marketing Officer",
  "President",
  "Sales Officer",
  "Security Officer",
  "Senior Manager",
  "Technology Officer",
  "Web Officer",
  "Website Owner",
] as const;

const ASCII40 =
  "1–40 characters: ASCII letters, digits, spaces, dots, hyphens, underscores (no Polish letters)";
const ASCII200 =
  "1–200 characters: ASCII letters, digits, spaces, commas, dots, slashes, hyphens, underscores (no Polish letters)";

/** api.xsd `certString40Type`. */
const certString40 = z
  .string()
  .trim()
  .regex(/^[a-zA-Z0-9._ -]{1,40}$/, `must be ${ASCII40}`);
/** api.xsd `certString200Type`. */
const certString200 = z
  .string()
  .trim()
  .regex(/^[a-zA-Z0-9,._ /-]{1,200}$/, `must be ${ASCII200}`);

/** Digits only, from a string or number; spaces, dots and hyphens (and a leading + for phoneCC) are dropped. */
const digits = (min: number, max: number, what: string) =>
  z
    .union([z.string(), z.number().int().nonnegative()])
    .transform((v) =>
      String(v)
        .replace(/^\s*\+/, "")
        .replace(/[\s.-]/g, ""),
    )
    .pipe(z.string().regex(new RegExp(`^[0-9]{${min},${max}}$`), `must be ${what}`));

/** The certificate's administrative contact, as api.xsd defines it (ASCII only). */
export const certAdminContact = z.object({
  title: z.enum(CERT_CONTACT_TITLES),
  firstName: certString40,
  lastName: certString40,
  organization: certString40,
  taxId: z
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9-]{1,20}$/, "must be 1–20 ASCII letters, digits or hyphens")
    .optional(),
  role: z.enum(CERT_CONTACT_ROLES),
  email: z
    .string()
    .trim()
    .max(40, "must be at most 40 characters")
    .regex(/^[a-zA-Z0-9._-]+@[a-zA-Z0-9._-]+$/, "must be an ASCII e-mail address"),
  phoneCC: digits(1, 6, "the country calling code, 1–6 digits (e.g. 48)"),
  phoneN: digits(1, 15, "the phone number without the country code, 1–15 digits"),
  address: certString200,
  address2: certString200.optional(),
  city: certString40,
  state: certString40,
  postCode: z
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9_-]{1,15}$/, "must be 1–15 ASCII letters, digits, hyphens or underscores"),
  country,
});
export type CertAdminContact = z.input<typeof certAdminContact>;

// ---------------------------------------------------------------- CSR (light check: no parsing library)

const PEM_CSR =
  /^-----BEGIN (NEW )?CERTIFICATE REQUEST-----\n([A-Za-z0-9+/=\n]+)\n-----END (NEW )?CERTIFICATE REQUEST-----$/;

/**
 * A PEM certificate signing request. Only the armour is checked here (BEGIN/END lines, base64 body
 * that decodes to a DER SEQUENCE, at most 3000 characters); HRD checks the request itself.
 */
export const csrPem = z.string().transform((value, ctx) => {
  const pem = value
    .replace(/\r\n?/g, "\n")
    .trim()
    .split("\n")
    .map((l) => l.trim())
    .join("\n");
  const m = PEM_CSR.exec(pem);
  const der = m ? Buffer.from(m[2]!.replace(/\n/g, ""), "base64") : undefined;
  if (!m || !der || der.length < 16 || der[0] !== 0x30) {
    ctx.addIssue({
      code: "custom",
      message:
        "must be a PEM certificate request (-----BEGIN CERTIFICATE REQUEST----- … -----END CERTIFICATE REQUEST-----)",
    });
    return z.NEVER;
  }
  if (pem.length > 3000) {
    ctx.addIssue({ code: "custom", message: `must be at most 3000 characters (this one has ${pem.length})` });
    return z.NEVER;
  }
  return pem;
});

/**
 * The common name in a PEM CSR, found by a light scan of its DER for the `CN` attribute (the first
 * one is the subject's). Used only to describe a purchase; undefined when not found.
 */
export function csrCommonName(pem: string): string | undefined {
  const body = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const der = Buffer.from(body, "base64");
  const oid = Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03]);
  const at = der.indexOf(oid);
  if (at < 0) return undefined;
  const tag = der[at + 5];
  const len = der[at + 6];
  if (tag === undefined || len === undefined || len > 0x7f || ![0x0c, 0x13, 0x14, 0x16].includes(tag))
    return undefined;
  return der.subarray(at + 7, at + 7 + len).toString(tag === 0x0c ? "utf8" : "latin1");
}

// ---------------------------------------------------------------- operations

const outCreated = z.object({ actionId: outInt, certId: outInt, certContactId: outInt });

export const certCreate = defineOp({
  name: "cert/create",
  effect: "billable",
  summary:
    "Order an SSL certificate for a CSR, approved by e-mail; the admin contact is given in full or by id (spends balance).",
  input: z
    .object({
      product: z.enum(CERT_PRODUCTS),
      approverEmail: email,
      csr: csrPem,
      adminContact: certAdminContact.optional(),
      certContactId: id.optional(),
      insurance: z.boolean().default(false),
      userId: id,
      period: period.prefault(1),
    })
    .superRefine((v, ctx) => {
      const both = v.adminContact !== undefined && v.certContactId !== undefined;
      const none = v.adminContact === undefined && v.certContactId === undefined;
      if (both || none) {
        ctx.addIssue({
          code: "custom",
          path: ["adminContact"],
          message: both
            ? "give either adminContact or certContactId, not both"
            : "give adminContact (a new contact) or certContactId (a saved one)",
        });
      }
    }, whenObject)
    .transform((v) => ({
      product: v.product,
      approverEmail: v.approverEmail,
      csr: v.csr,
      ...(v.adminContact !== undefined
        ? {
            adminContact: {
              title: v.adminContact.title,
              firstName: v.adminContact.firstName,
              lastName: v.adminContact.lastName,
              organization: v.adminContact.organization,
              taxId: v.adminContact.taxId,
              role: v.adminContact.role,
              email: v.adminContact.email,
              phoneCC: v.adminContact.phoneCC,
              phoneN: v.adminContact.phoneN,
              address: v.adminContact.address,
              address2: v.adminContact.address2,
              city: v.adminContact.city,
              state: v.adminContact.state,
              postCode: v.adminContact.postCode,
              country: v.adminContact.country,
            },
          }
        : { certContactId: v.certContactId }),
      insurance: v.insurance,
      userId: v.userId,
      period: v.period,
    })),
  output: outCreated,
  subject: (w) => ({
    product: String(w.product),
    domain: csrCommonName(String(w.csr)) ?? "(no CN in the CSR)",
    userId: Number(w.userId),
  }),
  reconcile:
    'List the certificates (client.iterate("cert/list") and cert/info: product, domain, user, crDate) and ' +
    "action/list for recent actions to see whether the order was placed before ordering again.",
  example:
    'await hrd.cert.create({ product: "Positive SSL", approverEmail: "admin@sklep.pl", csr, certContactId: 7, userId: 1234, period: 1 })',
});

export const certRenew = defineOp({
  name: "cert/renew",
  effect: "billable",
  summary:
    "Renew a certificate for another period, optionally with a new CSR or approver e-mail (spends balance).",
  input: z
    .object({ id, period: period.prefault(1), approverEmail: email.optional(), csr: csrPem.optional() })
    .transform((v) => ({ id: v.id, period: v.period, approverEmail: v.approverEmail, csr: v.csr })),
  // The reply is under <cert><renew> (HRD's PHP client wrongly reads <cert><create>).
  output: outCreated,
  subject: (w) => ({ id: Number(w.id) }),
  reconcile:
    "Read cert/info for this id (status, exDate) and action/list for recent actions: a renewal already placed " +
    "shows there. Do not renew again before checking, a second renewal is a second purchase.",
  example: "await hrd.cert.renew({ id: 101, period: 1 })",
});

export const certInfo = defineOp({
  name: "cert/info",
  effect: "read",
  summary: "A certificate order: product, status, approver e-mail, domain, dates, CSR, account and contact.",
  input: z.object({ id }).transform((v) => ({ id: v.id })),
  output: z
    .object({
      certContactId: outInt,
      approverEmail: outText,
      insurance: outBool,
      product: outText,
      status: outText,
      user: outInt,
      crDate: opt(outDate),
      exDate: opt(outDate),
      csr: opt(outText),
      domain: opt(outText),
    })
    .transform((c) => ({
      product: c.product,
      /** A free string at HRD (the sandbox: awaitingApproval, issued, expired). */
      status: c.status,
      domain: c.domain,
      approverEmail: c.approverEmail,
      user: c.user,
      certContactId: c.certContactId,
      insurance: c.insurance,
      crDate: c.crDate,
      exDate: c.exDate,
      csr: c.csr,
    })),
  example: "await hrd.cert.info({ id: 101 })",
});

export const certGet = defineOp({
  name: "cert/get",
  effect: "read",
  summary: "The issued certificate (PEM, HRD's `<key>` element); refused while the order awaits approval.",
  input: z.object({ id }).transform((v) => ({ id: v.id })),
  output: z.object({ key: outText }).transform((r) => ({ certificate: r.key })),
  example: "const { certificate } = await hrd.cert.get({ id: 101 })",
});

export const certList = defineOp({
  name: "cert/list",
  cursor: "lastId",
  effect: "read",
  summary: "One page of certificate ids after `lastId` (use `client.iterate` for all).",
  input: z
    .object({ lastId: id.optional() })
    .optional()
    .transform((v) => ({ lastId: v?.lastId })),
  output: obj({ id: list(outInt) }).transform((r) => r.id),
  example: 'for await (const id of hrd.iterate("cert/list")) console.log(id)',
});

export const certContactInfo = defineOp({
  name: "cert/contactInfo",
  effect: "read",
  summary: "A certificate admin contact (made by cert/create from `adminContact`).",
  input: z.object({ id }).transform((v) => ({ id: v.id })),
  output: z.object({
    title: outText,
    firstName: outText,
    lastName: outText,
    organization: outText,
    taxId: opt(outText),
    role: outText,
    email: outText,
    phoneCC: outText,
    phoneN: outText,
    address: outText,
    address2: opt(outText),
    city: outText,
    state: outText,
    postCode: outText,
    country: outText,
    userId: outInt,
  }),
  example: "await hrd.cert.contactInfo({ id: 7 })",
});

export const certContactList = defineOp({
  name: "cert/contactList",
  cursor: "lastId",
  effect: "read",
  summary: "One page of certificate admin contact ids after `lastId` (use `client.iterate` for all).",
  input: z
    .object({ lastId: id.optional() })
    .optional()
    .transform((v) => ({ lastId: v?.lastId })),
  output: obj({ id: list(outInt) }).transform((r) => r.id),
  example: 'for await (const id of hrd.iterate("cert/contactList")) console.log(id)',
});

/**
 * Declared operations of this area, by `module/method` (spread into the registry in index.ts).
 */
export const certOperations = {
  "cert/create": certCreate,
  "cert/renew": certRenew,
  "cert/info": certInfo,
  "cert/get": certGet,
  "cert/list": certList,
  "cert/contactInfo": certContactInfo,
  "cert/contactList": certContactList,
} as const;
