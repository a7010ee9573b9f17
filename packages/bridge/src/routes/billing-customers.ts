/**
 * Customers over HTTP: create (Idempotency-Key, like a purchase: a resent create never makes a
 * second customer), read, change, list/search by cursor, and marketing consents with their
 * history. Every call goes through billing's own functions, which validate before writing.
 */
import {
  CONSENT_CHANNELS,
  CONSENT_KINDS,
  type ConsentRecord,
  type Customer,
  consentHistory,
  createCustomer,
  getCustomer,
  NOTICE_LANGUAGES,
  recordConsent,
  searchCustomers,
  updateCustomer,
} from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { BridgeError } from "../errors.js";
import { replyJournaled } from "../idempotency.js";
import { type RegistrantInput, resolveRegistrant } from "../registrant.js";
import { decodeCursor, encodeCursor, errorBody, idempotencyHeaders, idParams } from "./billing-schemas.js";

const TAGS = ["billing"];
const customerType = z.enum(["person", "company"]);
const language = z.enum(NOTICE_LANGUAGES);
const languageIn = language.describe("The language of the customer's notices (pl, en)");

// Types only: billing checks formats (NIP, PESEL, postcode, phone…) and the rules between fields,
// and names every bad field of one request at once.
const addressIn = z.object({
  name: z.string().optional(),
  street: z.string(),
  postcode: z.string(),
  city: z.string(),
  country: z.string().optional().describe("ISO 3166-1 alpha-2; default PL"),
});
const payerIn = addressIn.extend({ name: z.string(), nip: z.string().optional() });
const euVat = z.object({ country: z.string(), number: z.string() });

const createBody = z
  .object({
    name: z.string(),
    type: customerType
      .optional()
      .describe("Default: company when a NIP or EU VAT number is given, else person"),
    pesel: z.string().optional(),
    nip: z.string().optional().describe("Polish NIP; `PL 123-456-32-18` is stored as `1234563218`"),
    euVat: euVat.optional(),
    email: z.string().optional(),
    mobilePhone: z.string().optional(),
    landlinePhone: z.string().optional(),
    hrdUserId: z.number().int().optional().describe("The registrant account at HRD"),
    priceGroupId: z.number().int().optional(),
    language: language
      .optional()
      .describe("The language of the customer's notices (pl, en); default the notification settings' (pl)"),
    addresses: z
      .object({
        correspondence: addressIn.optional(),
        invoice: addressIn.optional(),
        payer: payerIn.optional(),
      })
      .optional()
      .describe("correspondence is required once the customer has any detail beyond its name"),
  })
  .meta({
    id: "CreateCustomer",
    description: "A new customer: a person or a company, with its addresses",
  });

const updateBody = z
  .object({
    name: z.string().optional(),
    type: customerType.optional(),
    pesel: z.string().nullable().optional(),
    nip: z.string().nullable().optional(),
    euVat: euVat.nullable().optional(),
    email: z.string().nullable().optional(),
    mobilePhone: z.string().nullable().optional(),
    landlinePhone: z.string().nullable().optional(),
    hrdUserId: z.number().int().nullable().optional(),
    priceGroupId: z.number().int().optional(),
    language: languageIn.optional(),
    addresses: z
      .object({
        correspondence: addressIn.optional(),
        invoice: addressIn.nullable().optional(),
        payer: payerIn.nullable().optional(),
      })
      .optional(),
  })
  .meta({ id: "UpdateCustomer", description: "A partial change: fields left out stay, null clears" });

const addressOut = z.object({
  name: z.string(),
  street: z.string(),
  postcode: z.string(),
  city: z.string(),
  country: z.string(),
});
const consentOut = z
  .object({
    id: z.number(),
    customerId: z.number(),
    kind: z.enum(CONSENT_KINDS),
    granted: z.boolean(),
    at: z.string().describe("When the customer gave or withdrew it (ISO 8601)"),
    via: z.enum(CONSENT_CHANNELS),
    actor: z.string(),
    note: z.string().nullable(),
  })
  .meta({
    id: "ConsentRecord",
    description: "One consent given or withdrawn (the history is never rewritten)",
  });
const customerOut = z
  .object({
    id: z.number(),
    name: z.string(),
    type: customerType,
    pesel: z.string().nullable(),
    nip: z.string().nullable(),
    euVat: euVat.nullable(),
    email: z.string().nullable(),
    mobilePhone: z.string().nullable(),
    landlinePhone: z.string().nullable(),
    hrdUserId: z.number().nullable(),
    priceGroupId: z.number().nullable(),
    language: languageIn,
    firstOrderAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    addresses: z.object({
      correspondence: addressOut.nullable(),
      invoice: addressOut.nullable().describe("null: documents use the correspondence address"),
      payer: addressOut.extend({ nip: z.string().nullable() }).nullable().describe("null: the customer pays"),
    }),
    consents: z.object({ newsletter: consentOut.nullable(), offers: consentOut.nullable() }),
  })
  .meta({ id: "Customer", description: "A customer with its addresses and the consents in force" });
const summaryOut = customerOut
  .pick({
    id: true,
    name: true,
    type: true,
    nip: true,
    pesel: true,
    euVat: true,
    email: true,
    mobilePhone: true,
    priceGroupId: true,
    hrdUserId: true,
  })
  .meta({ id: "CustomerSummary", description: "What a list shows of a customer" });

const listQuery = z.object({
  q: z.string().max(200).optional().describe("Words matching the start of name words, e-mail, NIP, PESEL"),
  type: customerType.optional(),
  priceGroupId: z.coerce.number().int().positive().optional(),
  consent: z
    .enum(CONSENT_KINDS)
    .optional()
    .describe("Only customers whose consent of this kind is in force now (combines with every other filter)"),
  order: z.enum(["id", "name"]).default("id"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
});

const consentBody = z
  .object({
    kind: z.enum(CONSENT_KINDS),
    granted: z.boolean().describe("false records a withdrawal"),
    at: z.iso.datetime({ offset: true }).optional().describe("When the customer decided; default now"),
    via: z.enum(CONSENT_CHANNELS),
    actor: z.string().optional().describe("Who recorded it; default `api-key:<key id>`"),
    note: z.string().optional(),
  })
  .meta({ id: "RecordConsent", description: "A consent given (granted: true) or withdrawn (false)" });

const hrdAccountBody = z
  .object({
    representative: z
      .string()
      .optional()
      .describe("The person representing a company (HRD requires one for a company; not for a person)"),
  })
  .meta({ id: "CreateHrdAccount", description: "What HRD needs beyond the customer's own data" });

/**
 * The customer's data as HRD's registrant account takes it, or a 409 naming every missing field:
 * HRD identifies a person by PESEL and a company by NIP, and needs an e-mail, a phone and an address.
 */
function registrantOf(c: Customer, representative: string | undefined): RegistrantInput {
  const address = c.addresses.correspondence;
  const phone = c.landlinePhone ?? c.mobilePhone;
  const idNumber = c.type === "company" ? c.nip : c.pesel;
  const missing = [
    ...(idNumber ? [] : [c.type === "company" ? "nip" : "pesel"]),
    ...(c.email ? [] : ["email"]),
    ...(phone ? [] : ["mobilePhone"]),
    ...(address ? [] : ["addresses.correspondence"]),
    ...(c.type === "company" && !representative ? ["representative"] : []),
  ];
  if (missing.length > 0 || !address || !idNumber || !c.email || !phone) {
    throw new BridgeError(
      409,
      "registrant_data_missing",
      `HRD needs more of the customer's data for a registrant account: ${missing.join(", ")}`,
      false,
      missing.map((path) => ({ path, message: "is required for a registrant account at HRD" })),
    );
  }
  return {
    type: c.type,
    name: c.name,
    ...(c.type === "company" ? { representative } : {}),
    idNumber,
    email: c.email,
    phone,
    street: address.street,
    postcode: address.postcode,
    city: address.city,
    country: address.country,
  } as RegistrantInput;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const consentJson = (c: ConsentRecord) => ({ ...c, at: c.at.toISOString() });
const customerJson = (c: Customer) => ({
  ...c,
  firstOrderAt: iso(c.firstOrderAt),
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
  consents: {
    newsletter: c.consents.newsletter && consentJson(c.consents.newsletter),
    offers: c.consents.offers && consentJson(c.consents.offers),
  },
});

const errors = { 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody, 422: errorBody };

export function billingCustomerRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    "/v1/billing/customers",
    {
      config: { audit: "billing.customer.create" },
      schema: {
        operationId: "createCustomer",
        summary: "Create a customer",
        description:
          "Creates a customer (person or company) with its addresses. Needs an Idempotency-Key: a repeat with the " +
          "same key and body returns the first customer (`replayed: true`) and never creates a second one; the " +
          "same key with another body is a 422. Bad input is a 400 naming every bad field; nothing is written.",
        tags: TAGS,
        headers: idempotencyHeaders,
        body: createBody,
        response: {
          201: customerOut
            .extend({
              replayed: z.boolean().describe("True when this is the stored answer of an earlier call"),
            })
            .meta({
              id: "CreatedCustomer",
              description: "The customer created (or, on a replay, the first one)",
            }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      return replyJournaled(ctx.db, req, reply, "billing.customer.create", req.body, async () => ({
        statusCode: 201,
        body: customerJson(await createCustomer(ctx.db, req.body)),
      })) as never;
    },
  );

  r.get(
    "/v1/billing/customers/:id",
    {
      schema: {
        operationId: "getCustomer",
        summary: "Get a customer",
        description: "A customer with its addresses and the consents in force.",
        tags: TAGS,
        params: idParams,
        response: { 200: customerOut, 400: errorBody, 401: errorBody, 404: errorBody },
      },
    },
    async (req) => customerJson(await getCustomer(ctx.db, req.params.id)),
  );

  r.patch(
    "/v1/billing/customers/:id",
    {
      config: { audit: "billing.customer.update" },
      schema: {
        operationId: "updateCustomer",
        summary: "Change a customer",
        description:
          "A partial change: fields left out stay, `null` clears an optional field or address. Idempotent by " +
          "nature (the same change twice gives the same customer), so no Idempotency-Key.",
        tags: TAGS,
        params: idParams,
        body: updateBody,
        response: { 200: customerOut, ...errors },
      },
    },
    async (req) => customerJson(await updateCustomer(ctx.db, req.params.id, req.body)),
  );

  r.get(
    "/v1/billing/customers",
    {
      schema: {
        operationId: "listCustomers",
        summary: "List and search customers",
        description:
          "A page of customers matching every filter given, by cursor (keyset: page 500 costs what page 1 " +
          "does). Pass `nextCursor` as `cursor` with the same filters for the next page; it is null on the last.",
        tags: TAGS,
        querystring: listQuery,
        response: {
          200: z.object({ items: z.array(summaryOut), nextCursor: z.string().nullable() }).meta({
            id: "CustomerPage",
            description: "A page of customers; nextCursor null on the last page",
          }),
          400: errorBody,
          401: errorBody,
          404: errorBody,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const order = q.order;
      const afterId = q.cursor === undefined ? undefined : decodeCursor(q.cursor, order).afterId;
      const page = await searchCustomers(ctx.db, {
        ...(q.q === undefined ? {} : { query: q.q }),
        ...(q.type === undefined ? {} : { type: q.type }),
        ...(q.priceGroupId === undefined ? {} : { priceGroupId: q.priceGroupId }),
        ...(q.consent === undefined ? {} : { consent: { kind: q.consent, at: ctx.now() } }),
        ...(afterId === undefined ? {} : { afterId }),
        order: q.order,
        limit: q.limit,
      });
      return {
        items: page.items,
        nextCursor: page.nextAfterId === null ? null : encodeCursor({ afterId: page.nextAfterId, order }),
      };
    },
  );

  r.post(
    "/v1/billing/customers/:id/consents",
    {
      config: { audit: "billing.customer.consent" },
      schema: {
        operationId: "recordConsent",
        summary: "Record a consent given or withdrawn",
        description:
          "Appends to the customer's consent history (never rewritten). Needs an Idempotency-Key: a resent " +
          "request must not record the same decision twice.",
        tags: TAGS,
        params: idParams,
        headers: idempotencyHeaders,
        body: consentBody,
        response: {
          201: consentOut
            .extend({
              replayed: z.boolean().describe("True when this is the stored answer of an earlier call"),
            })
            .meta({ id: "RecordedConsent", description: "The consent record appended" }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      return replyJournaled(
        ctx.db,
        req,
        reply,
        "billing.customer.consent",
        { id: req.params.id, ...req.body },
        async () => {
          const b = req.body;
          const record = await recordConsent(ctx.db, {
            customerId: req.params.id,
            kind: b.kind,
            granted: b.granted,
            at: b.at === undefined ? ctx.now() : new Date(b.at),
            via: b.via,
            actor: b.actor ?? `api-key:${req.keyId}`,
            ...(b.note === undefined ? {} : { note: b.note }),
          });
          return { statusCode: 201, body: consentJson(record) };
        },
      ) as never;
    },
  );

  r.get(
    "/v1/billing/customers/:id/consents",
    {
      schema: {
        operationId: "listConsentHistory",
        summary: "Consent history of a customer",
        description: "Every consent record, oldest first (by when the customer decided, then by id).",
        tags: TAGS,
        params: idParams,
        response: {
          200: z
            .object({ items: z.array(consentOut) })
            .meta({ id: "ConsentHistory", description: "Every consent record, oldest first" }),
          400: errorBody,
          401: errorBody,
          404: errorBody,
        },
      },
    },
    async (req) => ({ items: (await consentHistory(ctx.db, req.params.id)).map(consentJson) }),
  );

  r.post(
    "/v1/billing/customers/:id/hrd-account",
    {
      config: { audit: "billing.customer.hrd-account" },
      schema: {
        operationId: "createCustomerHrdAccount",
        summary: "Make the customer's registrant account at HRD",
        description:
          "Domains and .pl options are registered at HRD to a registrant account. This makes one from the " +
          "customer's data (a person by PESEL, a company by NIP with its representative; e-mail, phone, the " +
          "correspondence address) and stores its id as the customer's `hrdUserId`, which activation uses. A " +
          "customer that has one already gets it back (`created: false`). Needs an Idempotency-Key; the account " +
          "made for the same data is reused even under a new key. Missing data is a 409 " +
          "`registrant_data_missing` naming every field; data HRD refuses, a 400 naming its fields.",
        tags: TAGS,
        params: idParams,
        headers: idempotencyHeaders,
        body: hrdAccountBody,
        response: {
          200: z
            .object({
              customerId: z.number(),
              hrdUserId: z.number(),
              created: z.boolean().describe("False when the customer already had an account"),
              replayed: z.boolean().describe("True when this is the stored answer of an earlier call"),
            })
            .meta({ id: "CustomerHrdAccount", description: "The customer's registrant account at HRD" }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const id = req.params.id;
      return replyJournaled(
        ctx.db,
        req,
        reply,
        "billing.customer.hrd-account",
        { id, ...req.body },
        async () => {
          const customer = await getCustomer(ctx.db, id);
          if (customer.hrdUserId !== null) {
            return {
              statusCode: 200,
              body: { customerId: id, hrdUserId: customer.hrdUserId, created: false },
            };
          }
          const registrant = registrantOf(customer, req.body.representative);
          // Keyed by the customer and its exact data: a retry after a lost answer reuses the account.
          const hrdUserId = await resolveRegistrant(ctx, req.keyId, { domain: `customer-${id}`, registrant });
          await updateCustomer(ctx.db, id, { hrdUserId });
          return { statusCode: 200, body: { customerId: id, hrdUserId, created: true } };
        },
      ) as never;
    },
  );
}
