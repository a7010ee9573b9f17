/**
 * Wholesale costs over HTTP: importing HRD's price list (read through the bridge's own HRD client,
 * which is billing's WholesalePriceSource port here), the imports made so far, and the history of
 * one service's cost. An import changes the costs quotes and recalculations use, so it takes an
 * Idempotency-Key: a resent call returns the first report instead of recording a second import.
 */
import {
  BillingError,
  currentCost,
  importWholesale,
  listWholesaleImports,
  type WholesaleImportResult,
  type WholesalePriceSource,
  wholesaleHistory,
} from "@hrdkit/billing";
import { HrdError } from "@hrdkit/sdk";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { type BridgeContext, toBridgeError } from "../app.js";
import { BridgeError } from "../errors.js";
import { replyJournaled } from "../idempotency.js";
import { cursorQuery, limitQuery, queryBoolean, refusal, replayedFlag } from "./billing-prices-wire.js";
import {
  decimal,
  decimalOrNull,
  decodeCursor,
  encodeCursor,
  errorBody,
  idempotencyHeaders,
  moneyOut,
} from "./billing-schemas.js";

const TAGS = ["billing"];

/** Billing's port, implemented with the bridge's HRD client (`partner/getPricings`). */
export function hrdWholesaleSource(ctx: BridgeContext): WholesalePriceSource {
  return { getPricings: () => ctx.hrd.partner.getPricings() };
}

const unmappedOut = z
  .object({
    service: z.string().describe("HRD's service code as listed, e.g. d_pl"),
    label: z
      .string()
      .nullable()
      .describe("The price's label, e.g. Rezerwacja; null when the entry was unusable"),
    value: z.string().nullable().describe("The amount as HRD listed it; null for (brak)"),
    reason: z.string(),
    serviceCode: z.string().optional().describe("The catalog service it would belong to, when known"),
    period: z.number().optional().describe("When only this period could not be priced"),
  })
  .meta({
    id: "UnmappedWholesalePrice",
    description: "A price of HRD's list that did not become a cost, and why",
  });

const importOut = z
  .object({
    importId: z.number(),
    importedAt: z.string(),
    source: z.string().describe("`hrd`, or `hrd-sandbox` when the bridge runs on its sandbox"),
    prices: z.number().describe("Prices in the list: (service code, label) pairs"),
    mapped: z.number().describe("Costs written, one per service and period (changed + unchanged)"),
    changed: z.number().describe("Costs different from the latest known one, new ones included"),
    added: z.number().describe("Of changed: costs seen for the first time"),
    unchanged: z.number(),
    unmapped: z.array(unmappedOut),
    createdServices: z.array(z.string()).describe("Catalog services created (createMissingServices)"),
    missing: z
      .array(z.object({ serviceCode: z.string(), period: z.number(), cost: moneyOut, importId: z.number() }))
      .describe("Services with an earlier cost this list did not price: their cost is still the older one"),
    mappings: z
      .array(
        z.object({
          service: z.string(),
          label: z.string(),
          value: z.string(),
          serviceCode: z.string(),
          costs: z.array(z.object({ period: z.number(), cost: moneyOut })),
        }),
      )
      .describe("Each price of the list and the costs per period it became"),
  })
  .meta({
    id: "WholesaleImport",
    description: "What an import of HRD's price list mapped, changed and could not map",
  });

const importSummaryOut = z
  .object({
    importId: z.number(),
    importedAt: z.string(),
    source: z.string(),
    mapped: z.number(),
    changed: z.number(),
    unmapped: z.array(unmappedOut),
  })
  .meta({ id: "WholesaleImportSummary", description: "An import made earlier, with what it could not map" });

const historyParams = z.object({
  serviceCode: z.string().min(1).max(200).describe("Catalog service code, e.g. domain.pl.renew"),
  period: z.coerce.number("must be a number of years").int("must be a number of years").min(1).max(10),
});

const importJson = (r: WholesaleImportResult) => ({
  ...r,
  importedAt: r.importedAt.toISOString(),
  missing: r.missing.map((m) => ({ ...m, cost: decimal(m.cost) })),
  mappings: r.mappings.map((m) => ({
    ...m,
    costs: m.costs.map((c) => ({ period: c.period, cost: decimal(c.cost) })),
  })),
});

/**
 * Billing wraps whatever the source threw (`source_failed`): HRD unreachable or refusing is the
 * bridge's usual 502/422, never a 500.
 */
function sourceFailure(err: unknown): unknown {
  if (!(err instanceof BillingError)) return err;
  if (err.code === "source_failed") {
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof HrdError) return toBridgeError(cause);
    return new BridgeError(502, "source_failed", err.message, true);
  }
  if (err.code === "source_invalid") return new BridgeError(502, "source_invalid", err.message, true);
  return err;
}

/** HRD's price list imported as wholesale costs: the JSON route and the partner panel's button. */
export async function importWholesaleFromHrd(ctx: BridgeContext, createMissingServices?: boolean) {
  try {
    return await importWholesale(ctx.db, hrdWholesaleSource(ctx), {
      at: ctx.now(),
      sourceName: ctx.backend === "sandbox" ? "hrd-sandbox" : "hrd",
      ...(createMissingServices === undefined ? {} : { createMissingServices }),
    });
  } catch (err) {
    throw sourceFailure(err);
  }
}

export function billingWholesaleRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    "/v1/billing/wholesale/import",
    {
      config: { audit: "billing.wholesale.import" },
      schema: {
        operationId: "importWholesalePrices",
        summary: "Import HRD's wholesale price list",
        description:
          "Reads HRD's price list (`partner/getPricings`) and records it as the current wholesale costs, one per " +
          "catalog service and period, keeping every earlier import as history. Reports what was mapped, changed " +
          "and added, and every price that did not become a cost with the reason (nothing is dropped silently). " +
          "Costs feed quotes and recalculation. Needs an Idempotency-Key: a resent call returns the first report " +
          "(`replayed: true`) and records no second import. HRD unreachable is a 502 (nothing written).",
        tags: TAGS,
        headers: idempotencyHeaders,
        // Options in the query: the call has no body to send (an empty POST is the usual one).
        querystring: z.object({
          createMissingServices: queryBoolean
            .optional()
            .describe(
              "true: create the missing domain services of TLDs in the catalog instead of reporting them",
            ),
        }),
        response: {
          201: importOut.extend({ replayed: replayedFlag }).meta({
            id: "ImportedWholesalePrices",
            description: "The import's report (on a replay, the first one)",
          }),
          400: errorBody,
          401: errorBody,
          409: errorBody,
          422: errorBody,
          502: refusal(
            "HRD's price list could not be read (`retryable` says whether to try again); nothing written.",
          ),
        },
      },
    },
    async (req, reply) =>
      replyJournaled(ctx.db, req, reply, "billing.wholesale.import", req.query, async () => {
        const result = await importWholesaleFromHrd(
          ctx,
          req.query.createMissingServices === undefined
            ? undefined
            : req.query.createMissingServices === "true",
        );
        return { statusCode: 201, body: importJson(result) };
      }) as never,
  );

  r.get(
    "/v1/billing/wholesale/imports",
    {
      schema: {
        operationId: "listWholesaleImports",
        summary: "Wholesale imports made so far",
        description:
          "Every import of HRD's price list, newest first, each with how many costs it mapped and changed and " +
          "the prices it could not map. Pass `nextCursor` as `cursor` for the next page; it is null on the last.",
        tags: TAGS,
        querystring: z.object({ limit: limitQuery, cursor: cursorQuery }),
        response: {
          200: z
            .object({ items: z.array(importSummaryOut), nextCursor: z.string().nullable() })
            .meta({ id: "WholesaleImportPage", description: "A page of imports, newest first" }),
          400: errorBody,
          401: errorBody,
        },
      },
    },
    async (req) => {
      const q = req.query;
      // Newest first: the cursor is the id the next page stays below. Billing pages in SQL; one
      // more than the page says whether another follows.
      const below = q.cursor === undefined ? undefined : decodeCursor(q.cursor, "newest").afterId;
      const rows = await listWholesaleImports(ctx.db, {
        ...(below === undefined ? {} : { beforeId: below }),
        limit: q.limit + 1,
      });
      const items = rows.slice(0, q.limit);
      return {
        items: items.map((i) => ({ ...i, importedAt: i.importedAt.toISOString() })),
        nextCursor:
          rows.length > q.limit ? encodeCursor({ afterId: items.at(-1)!.importId, order: "newest" }) : null,
      };
    },
  );

  r.get(
    "/v1/billing/wholesale/costs/:serviceCode/:period",
    {
      schema: {
        operationId: "getWholesaleCostHistory",
        summary: "History of a service's wholesale cost",
        description:
          "The current wholesale cost of a service for a period and its cost in every import that priced it, " +
          "oldest first. A 404 when the service is not in the catalog. Pass `nextCursor` as `cursor` for the " +
          "next page; it is null on the last.",
        tags: TAGS,
        params: historyParams,
        querystring: z.object({ limit: limitQuery, cursor: cursorQuery }),
        response: {
          200: z
            .object({
              serviceCode: z.string(),
              period: z.number(),
              current: moneyOut.nullable().describe("The latest cost; null when never imported"),
              items: z.array(
                z.object({
                  importId: z.number(),
                  importedAt: z.string(),
                  source: z.string(),
                  cost: moneyOut,
                }),
              ),
              nextCursor: z.string().nullable(),
            })
            .meta({
              id: "WholesaleCostHistory",
              description: "A service's wholesale cost, now and per import",
            }),
          400: errorBody,
          401: errorBody,
          404: refusal("`not_found`: no such service in the catalog."),
        },
      },
    },
    async (req) => {
      const { serviceCode, period } = req.params;
      const q = req.query;
      const afterId = q.cursor === undefined ? 0 : decodeCursor(q.cursor, "import").afterId;
      const rows = await wholesaleHistory(ctx.db, serviceCode, period, { afterId, limit: q.limit + 1 });
      const current = await currentCost(ctx.db, serviceCode, period);
      const items = rows.slice(0, q.limit);
      return {
        serviceCode,
        period,
        current: decimalOrNull(current),
        items: items.map((h) => ({ ...h, importedAt: h.importedAt.toISOString(), cost: decimal(h.cost) })),
        nextCursor:
          rows.length > q.limit ? encodeCursor({ afterId: items.at(-1)!.importId, order: "import" }) : null,
      };
    },
  );
}
