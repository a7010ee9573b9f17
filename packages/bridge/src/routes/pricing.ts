/**
 * TLD prices for the panels' registrar price sync (WHMCS GetTldPricing): HRD's wholesale price
 * list (`partner/getPricings`), one service code per TLD (`d_pl`, `d_com_pl`) with prices named
 * Rejestracja (register), Odnowienie (renew) and Transfer; `(brak)` (none) becomes null.
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { errorResponses } from "../openapi.js";

const LABELS = { register: "Rejestracja", renew: "Odnowienie", transfer: "Transfer" } as const;

/** HRD's amount text ("39.00", "39,00", "1 299,00 zł") as a decimal string with two places; null if none. */
export function decimal(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const t = value.replace(/[^\d,.-]/g, "").replace(",", ".");
  const n = Number(t);
  return t === "" || !Number.isFinite(n) ? null : n.toFixed(2);
}

const price = z.string().nullable().describe("Price per year, PLN, as a decimal string (null: not offered)");

export function pricingRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/v1/tlds/pricing",
    {
      schema: {
        operationId: "getTldPricing",
        summary: "Wholesale prices per TLD and year",
        description:
          "Wholesale prices per TLD and year from HRD's price list (PLN). `years` are the periods the billing " +
          "catalog allows for the TLD (1–10 when it is not in the catalog).",
        tags: ["pricing"],
        response: {
          200: z
            .object({
              currency: z.literal("PLN"),
              tlds: z.array(
                z.object({
                  tld: z.string(),
                  years: z.array(z.number().int()),
                  register: price,
                  renew: price,
                  transfer: price,
                }),
              ),
            })
            .describe("Prices of every TLD on HRD's list"),
          ...errorResponses(422, 502),
        },
      },
    },
    async () => {
      const list = await ctx.hrd.partner.getPricings();
      const { rows } = await ctx.db
        .query<{ tld: string; register_periods: number[] }>("SELECT tld, register_periods FROM tlds")
        .catch(() => ({ rows: [] as { tld: string; register_periods: number[] }[] }));
      const periods = new Map(rows.map((row) => [row.tld, row.register_periods]));
      const tlds = list
        .filter((p) => p.service.startsWith("d_"))
        .map((p) => {
          const tld = p.service.slice(2).replace(/_/g, ".");
          const named = (label: string) => decimal(p.prices.find((x) => x.name === label)?.value);
          const years = periods.get(tld)?.length ? periods.get(tld)! : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
          return {
            tld,
            years: [...years].sort((a, b) => a - b),
            register: named(LABELS.register),
            renew: named(LABELS.renew),
            transfer: named(LABELS.transfer),
          };
        });
      return { currency: "PLN" as const, tlds };
    },
  );
}
