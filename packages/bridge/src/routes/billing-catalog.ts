/**
 * Billing over HTTP: the catalog (issue 11). Here: whole kinds of service switched on or off, and
 * the default catalog seed; services are in billing-catalog-services.ts, TLDs and TLD groups in
 * billing-catalog-tlds.ts, name suggestions in billing-catalog-suggest.ts. Every call goes through
 * billing's own functions, which validate before writing: a refusal writes nothing.
 */
import {
  offeredKinds,
  SERVICE_KINDS,
  type ServiceKind,
  seedDefaultCatalog,
  setServiceKindOffered,
} from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { renamingIssues } from "./billing-catalog-errors.js";
import { billingCatalogServiceRoutes } from "./billing-catalog-services.js";
import { billingCatalogSuggestRoutes } from "./billing-catalog-suggest.js";
import { billingCatalogTldRoutes } from "./billing-catalog-tlds.js";
import { errorBody } from "./billing-schemas.js";

const TAGS = ["billing"];

export function billingCatalogRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const kindsOut = z
    .object({
      items: z.array(z.object({ kind: z.enum(SERVICE_KINDS), offered: z.boolean() })),
    })
    .meta({
      id: "ServiceKindsOffered",
      description: "Every kind of service and whether it is sold (domain, option, ssl, hosting)",
    });
  const kindsJson = (on: readonly string[]) => ({
    items: SERVICE_KINDS.map((kind) => ({ kind, offered: on.includes(kind) })),
  });

  r.get(
    "/v1/billing/service-kinds",
    {
      schema: {
        operationId: "listServiceKinds",
        summary: "Which kinds of service are sold",
        description:
          "Every kind of service (domain, option, ssl, hosting) and whether the partner sells it. A kind switched " +
          "off cannot be quoted or ordered, whatever its services' own `active` says.",
        tags: TAGS,
        response: { 200: kindsOut, 401: errorBody },
      },
    },
    async () => kindsJson(await offeredKinds(ctx.db)),
  );

  r.put(
    "/v1/billing/service-kinds/:kind",
    {
      config: { audit: "billing.service-kind.set" },
      schema: {
        operationId: "setServiceKindOffered",
        summary: "Switch a kind of service on or off",
        description:
          "Switches selling a whole kind of service on or off (e.g. `ssl` off for a partner that does not sell " +
          "certificates); answers every kind's state afterwards. Idempotent by nature, no Idempotency-Key. " +
          "An unknown kind is a 400 naming `kind`.",
        tags: TAGS,
        params: z.object({ kind: z.string().max(50).describe("domain, option, ssl or hosting") }),
        body: z
          .object({ offered: z.boolean() })
          .meta({ id: "SetServiceKindOffered", description: "Whether the kind is sold" }),
        response: { 200: kindsOut, 400: errorBody, 401: errorBody },
      },
    },
    async (req) =>
      kindsJson(
        await renamingIssues(
          () => setServiceKindOffered(ctx.db, req.params.kind as ServiceKind, req.body.offered),
          (i) => (i.path === "enabled" ? { ...i, path: "offered" } : i),
        ),
      ),
  );

  r.post(
    "/v1/billing/catalog/seed",
    {
      config: { audit: "billing.catalog.seed" },
      schema: {
        operationId: "seedCatalog",
        summary: "Add the default catalog",
        description:
          "Adds what is missing of the default catalog of a Polish reseller: 28 TLDs (the .pl family, eu, com, " +
          "de, …) with their domain services, the .pl options, SSL services for HRD's 13 certificate products " +
          "and two suggestion groups (Popularne, Polskie). Never changes what exists, so it is idempotent: a " +
          "second call adds nothing and says so. No Idempotency-Key.",
        tags: TAGS,
        response: {
          200: z
            .object({
              added: z.object({
                tlds: z.number(),
                services: z.number(),
                tldGroups: z.number(),
              }),
            })
            .meta({
              id: "CatalogSeedResult",
              description: "How many TLDs, services and groups this call added",
            }),
          401: errorBody,
        },
      },
    },
    async () => ({ added: await seedDefaultCatalog(ctx.db) }),
  );

  billingCatalogServiceRoutes(app, ctx);
  billingCatalogTldRoutes(app, ctx);
  billingCatalogSuggestRoutes(app, ctx);
}
