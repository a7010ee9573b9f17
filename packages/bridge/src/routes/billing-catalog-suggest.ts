/**
 * Name suggestions over HTTP: billing's suggestNames (a query becomes one name per TLD of a group,
 * Polish letters kept where the TLD takes them) with availability from HRD through the bridge's
 * availability cache, so a back office typing the same query again does not ask HRD again.
 */
import { type AvailabilityPort, MAX_SUGGESTIONS, suggestNames } from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { type AvailabilityResult, availabilityCacheFor } from "../availability-cache.js";
import { renamingIssues } from "./billing-catalog-errors.js";
import { errorBody } from "./billing-schemas.js";

/**
 * Billing's AvailabilityPort over the bridge's HRD client: names with a fresh answer in the
 * availability cache (the one POST /v1/domains/availability fills) are not sent; HRD's answers are
 * kept there. `noCache` asks HRD about every name (the caller sent `Cache-Control: no-cache`).
 */
export function cachedAvailability(ctx: BridgeContext, noCache = false): AvailabilityPort {
  const cache = availabilityCacheFor(ctx);
  return {
    async check(names) {
      const { hits, misses } = noCache
        ? { hits: new Map<string, AvailabilityResult>(), misses: names }
        : cache.get(names);
      const fresh = misses.length > 0 ? await ctx.hrd.checkMany(misses) : [];
      cache.put(fresh);
      return [...hits.values(), ...fresh];
    },
  };
}

const suggestionOut = z
  .object({
    name: z.string().describe("As customers read it (Unicode: kwiaciarnia-kraków.pl)"),
    ascii: z.string().optional().describe("Its punycode form, only when it differs from name"),
    tld: z.string(),
    status: z
      .enum(["available", "taken", "createOnly", "unknown"])
      .describe("HRD's answer; createOnly (.pl): registrable at once, not reservable first"),
    sellable: z.boolean().describe("Domains are offered and the TLD's register service is active"),
  })
  .meta({ id: "NameSuggestion", description: "A name for the query under one TLD, with its availability" });

export function billingCatalogSuggestRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/v1/billing/suggestions",
    {
      schema: {
        operationId: "suggestNames",
        summary: "Suggest domain names for a query, with availability",
        description:
          "Turns what a customer typed (`kwiaciarnia kraków`, `Żółty Sklep!`, `sklep.pl`) into one name per TLD of " +
          "a group (default: the first group; or the TLDs listed), Polish letters kept where the TLD takes IDN " +
          "names and transliterated elsewhere, and answers each name's availability at HRD (answers the bridge " +
          "got in the last minute are reused; `Cache-Control: no-cache` asks HRD about all) and whether the " +
          "partner sells it. Names come in the group's TLD order. Read-only. A query with nothing to make a " +
          "name from, or a TLD not in the catalog, is a 400 naming it; an unknown group a 404; HRD unreachable " +
          "a 502. An empty catalog suggests nothing: seed it first (POST /v1/billing/catalog/seed).",
        tags: ["billing"],
        querystring: z.object({
          q: z.string().max(253).describe("What the customer typed"),
          group: z.string().max(100).optional().describe("A TLD group's name; default the first group"),
          tlds: z
            .string()
            .max(2000)
            .optional()
            .describe('TLDs instead of a group, comma-separated, in this order: "pl,com.pl,eu"'),
          limit: z.coerce
            .number()
            .int()
            .min(1)
            .max(200)
            .default(50)
            .describe("Most names to check and return, 1–200 (default 50)"),
        }),
        response: {
          200: z
            .object({ items: z.array(suggestionOut) })
            .meta({ id: "NameSuggestions", description: "Names for the query in the group's TLD order" }),
          400: errorBody,
          401: errorBody,
          404: errorBody,
          502: errorBody,
        },
      },
    },
    async (req) => {
      const { q, group, tlds, limit } = req.query;
      const noCache = /(^|[\s,])no-cache($|[\s,])/i.test(String(req.headers["cache-control"] ?? ""));
      const items = await renamingIssues(
        () =>
          suggestNames(
            ctx.db,
            {
              query: q,
              ...(group === undefined ? {} : { group }),
              ...(tlds === undefined ? {} : { tlds: tlds.split(",").map((t) => t.trim()) }),
              limit: Math.min(limit, MAX_SUGGESTIONS),
            },
            cachedAvailability(ctx, noCache),
          ),
        // billing calls the query `query`; here it is the `q` parameter
        (i) => (i.path === "query" ? { ...i, path: "q" } : i),
      );
      return { items };
    },
  );
}
