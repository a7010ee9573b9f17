/**
 * TLDs and TLD groups of the billing catalog over HTTP: list, get, upsert (PUT by name: idempotent
 * by nature, no Idempotency-Key), delete, and the services a TLD needs. What a TLD allows is
 * checked against the services selling it: billing refuses (409 `in_use`) a change or a delete
 * that would leave an active service selling what the TLD no longer allows.
 */
import {
  ADDITIONAL_DATA,
  deleteTld,
  deleteTldGroup,
  ensureCatalogForTld,
  getTld,
  getTldGroup,
  listTldGroups,
  listTlds,
  type Tld,
  type TldGroup,
  upsertTld,
  upsertTldGroup,
} from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { ifExists, param, renamingIssues } from "./billing-catalog-errors.js";
import { beforeNul, booleanParam, keyedListing, limitParam, matchesWords } from "./billing-catalog-paging.js";
import { errorBody } from "./billing-schemas.js";

const TAGS = ["billing"];

const graceSchema = z
  .object({
    renewAfterExpiryDays: z
      .number()
      .optional()
      .describe("Days after expiry during which the domain still renews at the normal price"),
    redemptionDays: z.number().optional().describe("Days of redemption (restore) after that"),
  })
  .meta({ id: "CatalogTldGrace", description: "A TLD's grace periods after expiry, in days (0–365)" });

const tldOut = z
  .object({
    tld: z.string().describe('Without the dot: "pl", "com.pl"'),
    idn: z.boolean().describe("Names with Polish letters are offered (suggestions keep them)"),
    registerPeriods: z.array(z.number()),
    renewPeriods: z.array(z.number()),
    transferPeriods: z.array(z.number()),
    optionsAvailable: z.boolean().describe(".pl family only: NASK options can be sold"),
    additionalData: z
      .enum(ADDITIONAL_DATA)
      .nullable()
      .describe("The extra registrant data the registry needs"),
    grace: graceSchema,
    updatedAt: z.string(),
  })
  .meta({ id: "CatalogTld", description: "A TLD's rules: periods per operation, IDN, options, grace" });

const tldBody = z
  .object({
    idn: z.boolean().optional().describe("Default false for a new TLD"),
    registerPeriods: z.array(z.number()).describe("Years, 1–10, each once"),
    renewPeriods: z.array(z.number()),
    transferPeriods: z.array(z.number()),
    optionsAvailable: z.boolean().optional().describe(".pl family only; default false"),
    additionalData: z
      .string()
      .nullable()
      .optional()
      .describe(`One of ${ADDITIONAL_DATA.join(", ")}, or null`),
    grace: graceSchema.optional(),
  })
  .meta({
    id: "UpsertCatalogTld",
    description: "A TLD's rules; fields left out keep their value (a new TLD: their defaults)",
  });

const groupOut = z
  .object({
    id: z.number(),
    name: z.string(),
    tlds: z.array(z.string()).describe("In the order suggestions list them"),
    position: z.number().describe("Lower first; the first group is the suggestions' default"),
  })
  .meta({ id: "CatalogTldGroup", description: "An ordered list of TLDs that name suggestions go through" });

const groupBody = z
  .object({
    tlds: z
      .array(z.string())
      .describe("1–500 TLDs of the catalog, in the order suggestions should list them"),
    position: z.number().optional().describe("Default 0 for a new group, unchanged for an existing one"),
  })
  .meta({ id: "UpsertCatalogTldGroup", description: "A group's TLDs (and position)" });

const tldParams = z.object({ tld: z.string().max(300).describe('Without the dot: "pl", "com.pl"') });
const groupParams = z.object({ name: z.string().max(300).describe("The group's name, e.g. Polskie") });

const tldJson = (t: Tld) => ({ ...t, updatedAt: t.updatedAt.toISOString() });

// Billing pages TLDs in SQL after the cursor's TLD (a text one, as every TLD is).
const tlds = keyedListing<Tld>(
  "tlds",
  1,
  (t) => [t.tld],
  ([tld]) => typeof tld === "string",
);
const groups = keyedListing<TldGroup>("tld-groups", 2, (g) => [g.position, g.name]);

export function billingCatalogTldRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/v1/billing/tlds",
    {
      schema: {
        operationId: "listCatalogTlds",
        summary: "List the TLDs of the catalog",
        description:
          "A page of TLDs by name, matching every filter given. Pass `nextCursor` as `cursor` with the same " +
          "filters for the next page; it is null on the last.",
        tags: TAGS,
        querystring: z.object({
          q: z.string().max(100).optional().describe('Text the TLD contains, e.g. "pl"'),
          idn: booleanParam
            .optional()
            .describe("Only TLDs that take (true) or do not take (false) Polish letters"),
          optionsAvailable: booleanParam
            .optional()
            .describe("Only TLDs with (true) or without (false) options"),
          limit: limitParam,
          cursor: tlds.cursorParam,
        }),
        response: {
          200: z
            .object({ items: z.array(tldOut), nextCursor: z.string().nullable() })
            .meta({ id: "CatalogTldPage", description: "A page of TLDs; nextCursor null on the last page" }),
          400: errorBody,
          401: errorBody,
        },
      },
    },
    async (req) => {
      const { limit, cursor, ...filter } = req.query;
      // Billing filters and pages in SQL; one row more than the page says whether another follows.
      const after = tlds.afterOf(cursor);
      const rows = await listTlds(ctx.db, {
        ...filter,
        // A TLD sorts after a text cut by a NUL exactly when it sorts after the part before it.
        ...(after === undefined ? {} : { after: beforeNul(after[0] as string).text }),
        limit: limit + 1,
      });
      const page = tlds.pageRead(rows, limit);
      return { items: page.items.map(tldJson), nextCursor: page.nextCursor };
    },
  );

  r.get(
    "/v1/billing/tlds/:tld",
    {
      schema: {
        operationId: "getCatalogTld",
        summary: "Get a TLD's rules",
        description:
          "One TLD of the catalog. A TLD not in the catalog is a 404; one that cannot be a TLD a 400.",
        tags: TAGS,
        params: tldParams,
        response: { 200: tldOut, 400: errorBody, 401: errorBody, 404: errorBody },
      },
    },
    async (req) => tldJson(await renamingIssues(() => getTld(ctx.db, req.params.tld), param("tld"))),
  );

  r.put(
    "/v1/billing/tlds/:tld",
    {
      config: { audit: "billing.tld.upsert" },
      schema: {
        operationId: "upsertCatalogTld",
        summary: "Add a TLD or change its rules",
        description:
          "Adds the TLD (201) or changes its rules (200); fields left out keep their value. Idempotent by nature, " +
          "no Idempotency-Key. Bad input is a 400 naming every bad field. A change that would leave an active " +
          "service selling a period the TLD no longer allows, or options switched off under active option " +
          "services, is a 409 `in_use` naming them; nothing is changed. Add its services with " +
          "POST /v1/billing/tlds/{tld}/services.",
        tags: TAGS,
        params: tldParams,
        body: tldBody,
        response: {
          200: tldOut,
          201: tldOut.describe("The TLD was added"),
          400: errorBody,
          401: errorBody,
          409: errorBody,
        },
      },
    },
    async (req, reply) => {
      const before = await ifExists(getTld(ctx.db, req.params.tld));
      const { additionalData, ...rest } = req.body;
      const t = await upsertTld(ctx.db, {
        ...rest,
        tld: req.params.tld,
        ...(additionalData === undefined ? {} : { additionalData: additionalData as Tld["additionalData"] }),
      });
      return reply.status(before ? 200 : 201).send(tldJson(t));
    },
  );

  r.delete(
    "/v1/billing/tlds/:tld",
    {
      config: { audit: "billing.tld.delete" },
      schema: {
        operationId: "deleteCatalogTld",
        summary: "Remove a TLD",
        description:
          "Removes a TLD nothing uses. While any service (active or not: it keeps its price and cost history) " +
          "or a TLD group uses it, a 409 `in_use` names them and nothing is deleted: deactivate services " +
          "instead. A TLD not in the catalog is a 404.",
        tags: TAGS,
        params: tldParams,
        response: {
          200: z
            .object({ tld: z.string(), deleted: z.literal(true) })
            .meta({ id: "DeletedCatalogTld", description: "The TLD removed" }),
          400: errorBody,
          401: errorBody,
          404: errorBody,
          409: errorBody,
        },
      },
    },
    async (req) => {
      await renamingIssues(() => deleteTld(ctx.db, req.params.tld), param("tld"));
      return { tld: req.params.tld, deleted: true as const };
    },
  );

  r.post(
    "/v1/billing/tlds/:tld/services",
    {
      config: { audit: "billing.tld.services" },
      schema: {
        operationId: "ensureTldServices",
        summary: "Add the services a TLD needs",
        description:
          "Adds the TLD's missing services: register, renew and transfer (with the TLD's periods), trade ([1]) " +
          "and, with options available, option create and renew ([3]). Services that exist are left as they " +
          "are, so it is idempotent (no Idempotency-Key). A TLD not in the catalog is a 404.",
        tags: TAGS,
        params: tldParams,
        response: {
          200: z
            .object({ tld: z.string(), created: z.array(z.string()).describe("Codes of the services added") })
            .meta({ id: "TldServicesAdded", description: "The services this call added to the TLD" }),
          400: errorBody,
          401: errorBody,
          404: errorBody,
        },
      },
    },
    async (req) => renamingIssues(() => ensureCatalogForTld(ctx.db, req.params.tld), param("tld")),
  );

  r.get(
    "/v1/billing/tld-groups",
    {
      schema: {
        operationId: "listTldGroups",
        summary: "List the TLD groups",
        description:
          "A page of TLD groups by position, then name; the first is what name suggestions use by default. " +
          "Pass `nextCursor` as `cursor` for the next page; it is null on the last.",
        tags: TAGS,
        querystring: z.object({
          q: z.string().max(100).optional().describe("Words the group's name contains"),
          tld: z.string().max(300).optional().describe("Only groups containing this TLD"),
          limit: limitParam,
          cursor: groups.cursorParam,
        }),
        response: {
          200: z.object({ items: z.array(groupOut), nextCursor: z.string().nullable() }).meta({
            id: "CatalogTldGroupPage",
            description: "A page of TLD groups; nextCursor null on the last",
          }),
          400: errorBody,
          401: errorBody,
        },
      },
    },
    async (req) => {
      const { q, tld, limit, cursor } = req.query;
      const rows = (await listTldGroups(ctx.db)).filter(
        (g) => (q === undefined || matchesWords(q, g.name)) && (tld === undefined || g.tlds.includes(tld)),
      );
      return groups.page(rows, limit, cursor);
    },
  );

  r.get(
    "/v1/billing/tld-groups/:name",
    {
      schema: {
        operationId: "getTldGroup",
        summary: "Get a TLD group",
        description: "One TLD group by name. An unknown name is a 404.",
        tags: TAGS,
        params: groupParams,
        response: { 200: groupOut, 400: errorBody, 401: errorBody, 404: errorBody },
      },
    },
    async (req) => renamingIssues(() => getTldGroup(ctx.db, req.params.name), param("name")),
  );

  r.put(
    "/v1/billing/tld-groups/:name",
    {
      config: { audit: "billing.tld-group.upsert" },
      schema: {
        operationId: "upsertTldGroup",
        summary: "Create a TLD group or replace its TLDs",
        description:
          "Creates the group (201) or replaces its TLDs, and its position when given (200). Every TLD must be " +
          "in the catalog: a 400 names each one that is not (`tlds.<index>`), with every other bad field. " +
          "Idempotent by nature, no Idempotency-Key. Nothing is written on a refusal.",
        tags: TAGS,
        params: groupParams,
        body: groupBody,
        response: {
          200: groupOut,
          201: groupOut.describe("The group was created"),
          400: errorBody,
          401: errorBody,
        },
      },
    },
    async (req, reply) => {
      const before = await ifExists(getTldGroup(ctx.db, req.params.name));
      const g = await upsertTldGroup(ctx.db, { ...req.body, name: req.params.name });
      return reply.status(before ? 200 : 201).send(g);
    },
  );

  r.delete(
    "/v1/billing/tld-groups/:name",
    {
      config: { audit: "billing.tld-group.delete" },
      schema: {
        operationId: "deleteTldGroup",
        summary: "Remove a TLD group",
        description: "Removes the group (its TLDs stay in the catalog). An unknown name is a 404.",
        tags: TAGS,
        params: groupParams,
        response: {
          200: z
            .object({ name: z.string(), deleted: z.literal(true) })
            .meta({ id: "DeletedTldGroup", description: "The group removed" }),
          400: errorBody,
          401: errorBody,
          404: errorBody,
        },
      },
    },
    async (req) => {
      await renamingIssues(() => deleteTldGroup(ctx.db, req.params.name), param("name"));
      return { name: req.params.name, deleted: true as const };
    },
  );
}
