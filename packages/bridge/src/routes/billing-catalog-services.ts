/**
 * The catalog's services over HTTP: list (filters, cursor), get, upsert by code (PUT: what the
 * service is comes from its code), deactivate, and the cost of a hosting package. Every call goes
 * through billing's own functions, which validate before writing: a refusal writes nothing.
 */
import {
  BillingValidationError,
  deactivateService,
  type FieldIssue,
  getService,
  listServices,
  parseDecimal,
  SERVICE_KINDS,
  SERVICE_OPERATIONS,
  type Service,
  type ServiceInput,
  SSL_PRODUCTS,
  setHostingCost,
  slugOf,
  tldProblem,
  upsertService,
  VAT_RATE_CODES,
} from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { replyJournaled } from "../idempotency.js";
import { ifExists, invalid, param, renamingIssues } from "./billing-catalog-errors.js";
import { beforeNul, booleanParam, keyedListing, limitParam, type SortKey } from "./billing-catalog-paging.js";
import { decimal, decimalOrNull, errorBody, idempotencyHeaders, moneyOut } from "./billing-schemas.js";

const TAGS = ["billing"];

const exemptionBasisOut = z
  .object({
    source: z
      .enum(["act", "directive", "other"])
      .describe("VAT Act (P_19A), EU directive (P_19B), other (P_19C)"),
    provision: z.string().describe('e.g. "art. 113 ust. 1 ustawy o VAT"'),
  })
  .meta({
    id: "CatalogExemptionBasis",
    description: "The legal basis of a VAT exemption (zw), printed on invoices (art. 106e ust. 1 pkt 19)",
  });

const serviceOut = z
  .object({
    id: z.number(),
    code: z.string().describe("kind.subject.operation, e.g. domain.com.pl.register, ssl.positive-ssl.create"),
    kind: z.enum(SERVICE_KINDS),
    operation: z.enum(SERVICE_OPERATIONS),
    tld: z.string().nullable().describe("Domains and options; null otherwise"),
    product: z.string().nullable().describe("SSL: HRD's product; hosting: the package; null otherwise"),
    providerRef: z
      .string()
      .nullable()
      .describe("The provider's id of what is sold (hosting: the package id)"),
    name: z.string().describe("What customers see on quotes and invoices"),
    periods: z.array(z.number()).describe("Years it is sold for"),
    vatRate: z.enum(VAT_RATE_CODES),
    exemptionBasis: exemptionBasisOut.nullable(),
    active: z.boolean().describe("False: kept with its history, but not sold"),
  })
  .meta({ id: "CatalogService", description: "A sellable service of the catalog" });

const upsertBody = z
  .object({
    product: z
      .string()
      .optional()
      .describe(
        "SSL: HRD's product name (default: the product whose slug is in the code); hosting: the package name " +
          "(required for a new package; its slug must be the code's). Domains and options have none.",
      ),
    providerRef: z.string().optional().describe("Hosting: the provider's id of the package (required)"),
    name: z
      .string()
      .optional()
      .describe("Default for a new service: a Polish name, e.g. Rejestracja domeny .pl"),
    periods: z
      .array(z.number())
      .describe("Years, 1–10, each once; domains: a subset of the TLD's; options [3]; a trade [1]"),
    vatRate: z
      .string()
      .optional()
      .describe(`One of ${VAT_RATE_CODES.join(", ")}; default 23`),
    exemptionBasis: z
      .union([z.string(), exemptionBasisOut])
      .nullable()
      .optional()
      .describe("zw services: the provision as text or in full; null removes it"),
    active: z.boolean().optional().describe("Default true for a new service; true reactivates"),
  })
  .meta({
    id: "UpsertCatalogService",
    description: "A service's terms; what it is (kind, TLD or product, operation) comes from its code",
  });

const codeParams = z.object({
  code: z.string().min(1).max(300).describe("The service code, e.g. domain.pl.register"),
});

/** Sorted like billing's listServices pages: by kind, then TLD or product slug, then operation. */
const KIND_ORDER: readonly string[] = SERVICE_KINDS;
const OPERATION_ORDER: readonly string[] = ["register", "create", "renew", "transfer", "trade"];

/** The parts of a service code; undefined when it does not have three (`kind.subject.operation`). */
function splitCode(code: string): { kind: string; subject: string; operation: string } | undefined {
  const first = code.indexOf(".");
  const last = code.lastIndexOf(".");
  if (first <= 0 || last <= first + 1 || last === code.length - 1) return undefined;
  return {
    kind: code.slice(0, first),
    subject: code.slice(first + 1, last),
    operation: code.slice(last + 1),
  };
}

const position = (v: string | number | undefined, of: readonly string[]) =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 && v < of.length;

// The key of a row: what billing pages by (kind, the code's subject in byte order, operation).
const services = keyedListing<Service>(
  "services",
  3,
  (s) => {
    const p = splitCode(s.code);
    return [KIND_ORDER.indexOf(s.kind), p?.subject ?? s.code, OPERATION_ORDER.indexOf(s.operation)];
  },
  ([kind, subject, operation]) =>
    position(kind, KIND_ORDER) && typeof subject === "string" && position(operation, OPERATION_ORDER),
);

/**
 * The code a cursor's key stands for: billing pages after it. With a subject cut by a NUL, every
 * service of the part before it sorts before the key: the page goes on after its last operation.
 */
function codeOfKey(key: SortKey): string {
  const subject = beforeNul(key[1] as string);
  const operation = subject.cut ? OPERATION_ORDER.length - 1 : (key[2] as number);
  return `${KIND_ORDER[key[0] as number]}.${subject.text}.${OPERATION_ORDER[operation]}`;
}

const listQuery = z.object({
  kind: z.enum(SERVICE_KINDS).optional(),
  operation: z.enum(SERVICE_OPERATIONS).optional(),
  tld: z
    .string()
    .refine((t) => tldProblem(t) === undefined, { error: (i) => tldProblem(String(i.input)) })
    .optional()
    .describe('Domains and options of one TLD, e.g. "com.pl"'),
  product: z.string().max(200).optional().describe("SSL or hosting services of one product, as named"),
  active: booleanParam.optional().describe("true: only those sold; false: only deactivated ones"),
  q: z
    .string()
    .max(200)
    .optional()
    .describe("Words that must all occur in the code or the name (case and Polish letters ignored)"),
  limit: limitParam,
  cursor: services.cursorParam,
});

/** Billing's issues about a service input, without writing it (the upsert runs and is rolled back). */
async function upsertIssues(ctx: BridgeContext, input: ServiceInput): Promise<FieldIssue[]> {
  const rollback = Symbol("rollback");
  try {
    await ctx.db.transaction(async (tx) => {
      await upsertService(tx, input);
      throw rollback;
    });
  } catch (err) {
    if (err instanceof BillingValidationError) return err.issues;
  }
  return [];
}

type UpsertBody = z.output<typeof upsertBody>;

/**
 * Billing's input for PUT /services/{code}: kind, operation and TLD (or SSL product) from the code,
 * the rest from the body. `own` holds what only the bridge can see wrong (a product whose slug is
 * not the code's); `fromCode` the fields whose issues belong to `code`.
 */
function serviceInput(
  code: string,
  body: UpsertBody,
  before: Service | undefined,
): { input: ServiceInput; own: FieldIssue[]; fromCode: Set<string> } {
  const parts = splitCode(code);
  const own: FieldIssue[] = [];
  const fromCode = new Set(["kind", "operation", "tld"]);
  const { product, ...terms } = body;
  const input = { ...terms, kind: parts?.kind, operation: parts?.operation } as ServiceInput;
  if (!parts) {
    own.push({ path: "code", message: "must be kind.subject.operation, e.g. domain.pl.register" });
    return { input, own, fromCode };
  }
  if (parts.kind === "domain" || parts.kind === "option") {
    input.tld = parts.subject;
    if (product !== undefined) input.product = product;
  } else if (product !== undefined) {
    input.product = product;
    const made = `${parts.kind}.${slugOf(product)}.${parts.operation}`;
    if (made !== code)
      own.push({ path: "product", message: `"${product}" makes the code ${made}, not ${code}` });
  } else if (parts.kind === "ssl") {
    // Not found: billing names the slug as not one of HRD's products, under `code`.
    input.product = SSL_PRODUCTS.find((p) => slugOf(p) === parts.subject) ?? parts.subject;
    fromCode.add("product");
  } else if (before?.product) {
    input.product = before.product;
  }
  // Billing asks a hosting service for its provider id on every upsert; a PUT that leaves it out
  // keeps the one it has, like every other field.
  if (parts.kind === "hosting" && input.providerRef === undefined && before?.providerRef) {
    input.providerRef = before.providerRef;
  }
  return { input, own, fromCode };
}

export function billingCatalogServiceRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/v1/billing/services",
    {
      schema: {
        operationId: "listCatalogServices",
        summary: "List the services of the catalog",
        description:
          "A page of services matching every filter given, by kind (domain, option, ssl, hosting), then TLD or " +
          "product, then operation. Pass `nextCursor` as `cursor` with the same filters for the next page; it " +
          "is null on the last. A bad filter is a 400 naming every bad parameter.",
        tags: TAGS,
        querystring: listQuery,
        response: {
          200: z.object({ items: z.array(serviceOut), nextCursor: z.string().nullable() }).meta({
            id: "CatalogServicePage",
            description: "A page of services; nextCursor null on the last page",
          }),
          400: errorBody,
          401: errorBody,
        },
      },
    },
    async (req) => {
      const { limit, cursor, ...filter } = req.query;
      // Billing filters and pages in SQL; one row more than the page says whether another follows.
      const after = services.afterOf(cursor);
      const rows = await listServices(ctx.db, {
        ...filter,
        ...(after === undefined ? {} : { after: codeOfKey(after) }),
        limit: limit + 1,
      });
      return services.pageRead(rows, limit);
    },
  );

  r.get(
    "/v1/billing/services/:code",
    {
      schema: {
        operationId: "getCatalogService",
        summary: "Get a service by code",
        description: "One service of the catalog, active or not. An unknown code is a 404.",
        tags: TAGS,
        params: codeParams,
        response: { 200: serviceOut, 400: errorBody, 401: errorBody, 404: errorBody },
      },
    },
    async (req) => renamingIssues(() => getService(ctx.db, req.params.code), param("code")),
  );

  r.put(
    "/v1/billing/services/:code",
    {
      config: { audit: "billing.service.upsert" },
      schema: {
        operationId: "upsertCatalogService",
        summary: "Create or change a service",
        description:
          "Creates the service the code names (201) or changes its terms (200). The code says what it is: " +
          "`domain.<tld>.register|renew|transfer|trade`, `option.<tld>.create|renew`, " +
          "`ssl.<product slug>.create|renew`, `hosting.<package slug>.create|renew`. Fields left out keep their " +
          "value (a new service: the default Polish name, VAT 23%, active). Domain periods must be among the " +
          "TLD's (add the TLD first); options are [3] on a TLD with options; a trade is [1]. Idempotent by " +
          "nature (the same PUT twice gives the same service), so no Idempotency-Key. Bad input is a 400 " +
          "naming every bad field (`code` for what the code says); a hosting package whose new name takes " +
          "another package's code is a 409 `code_taken`. Nothing is written on a refusal.",
        tags: TAGS,
        params: codeParams,
        body: upsertBody,
        response: {
          200: serviceOut,
          201: serviceOut.describe("The service was created"),
          400: errorBody,
          401: errorBody,
          409: errorBody,
        },
      },
    },
    async (req, reply) => {
      const { code } = req.params;
      const before = await ifExists(getService(ctx.db, code));
      const { input, own, fromCode } = serviceInput(code, req.body, before);
      const rename = (i: FieldIssue): FieldIssue =>
        fromCode.has(i.path.split(".")[0]!) ? { path: "code", message: `${i.path}: ${i.message}` } : i;
      if (own.length > 0) {
        // The rest of the body is still checked, so one answer names every bad field; a malformed
        // code's own issue says more than billing's about its kind and operation.
        const malformed = own.some((i) => i.path === "code");
        const billing = (await upsertIssues(ctx, input)).map(rename);
        throw invalid([...own, ...billing.filter((i) => !(malformed && i.path === "code"))]);
      }
      const service = await renamingIssues(() => upsertService(ctx.db, input), rename);
      return reply.status(before ? 200 : 201).send(service);
    },
  );

  r.post(
    "/v1/billing/services/:code/deactivate",
    {
      config: { audit: "billing.service.deactivate" },
      schema: {
        operationId: "deactivateCatalogService",
        summary: "Stop selling a service",
        description:
          "Marks the service inactive: it stays, with its prices and cost history, and can no longer be quoted " +
          "or ordered. Deactivating an inactive service changes nothing (idempotent, no Idempotency-Key). " +
          "PUT it with `active: true` to sell it again. An unknown code is a 404.",
        tags: TAGS,
        params: codeParams,
        response: { 200: serviceOut, 400: errorBody, 401: errorBody, 404: errorBody },
      },
    },
    async (req) => renamingIssues(() => deactivateService(ctx.db, req.params.code), param("code")),
  );

  r.post(
    "/v1/billing/services/:code/hosting-costs",
    {
      config: { audit: "billing.service.hosting-cost" },
      schema: {
        operationId: "recordHostingCost",
        summary: "Record the cost of a hosting package",
        description:
          "Records what the provider charges for one period of a hosting service, as a new entry of its cost " +
          "history (domains, options and certificates get theirs from HRD's price list: a 409 `not_hosting`). " +
          "Needs an Idempotency-Key: a resent request must not add the same entry twice. A period the service " +
          "is not sold for is a 400; an unknown code a 404.",
        tags: TAGS,
        params: codeParams,
        headers: idempotencyHeaders,
        body: z
          .object({
            period: z.number().int().describe("Years; one of the service's periods"),
            cost: z
              .string()
              .regex(/^\d{1,13}(\.\d{1,2})?$/, 'must be an amount such as "49.00"')
              .describe('Net cost of the whole period in PLN, e.g. "49.00"'),
            at: z.iso
              .datetime({ offset: true })
              .optional()
              .describe("When the cost applies from; default now"),
          })
          .meta({
            id: "RecordHostingCost",
            description: "The provider's net cost of one period of a package",
          }),
        response: {
          201: z
            .object({
              importId: z.number().describe("The cost history entry"),
              service: z.string(),
              period: z.number(),
              cost: moneyOut,
              previous: moneyOut.nullable().describe("The cost known before; null when there was none"),
              replayed: z.boolean().describe("True when this is the stored answer of an earlier call"),
            })
            .meta({ id: "RecordedHostingCost", description: "The cost recorded, and the one it replaces" }),
          400: errorBody,
          401: errorBody,
          404: errorBody,
          409: errorBody,
          422: errorBody,
        },
      },
    },
    async (req, reply) => {
      const { code } = req.params;
      const b = req.body;
      return replyJournaled(ctx.db, req, reply, "billing.service.hosting-cost", { code, ...b }, async () => {
        const cost = await renamingIssues(
          () =>
            setHostingCost(ctx.db, {
              service: code,
              period: b.period,
              cost: parseDecimal(b.cost),
              ...(b.at === undefined ? {} : { at: new Date(b.at) }),
            }),
          (i) =>
            i.path === "service"
              ? { ...i, path: "code" }
              : i.path.startsWith("cost.")
                ? { ...i, path: "cost" }
                : i,
        );
        return {
          statusCode: 201,
          body: { ...cost, cost: decimal(cost.cost), previous: decimalOrNull(cost.previous) },
        };
      }) as never;
    },
  );
}
