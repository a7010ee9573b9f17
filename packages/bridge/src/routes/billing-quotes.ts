/**
 * A quote over HTTP: what an order would cost a customer — group prices, promotions applied and
 * the reasons of those that were not, a discount code's verdict, VAT per rate. Read-only (nothing
 * is redeemed), so no Idempotency-Key. Money goes out as grosze-exact decimal strings.
 */
import { type Quote, quote } from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { decimal, decimalOrNull, errorBody, moneyOut } from "./billing-schemas.js";

const quoteBody = z
  .object({
    customerId: z.number().int(),
    items: z.array(
      z.object({
        serviceCode: z.string().describe("e.g. domain.pl.register, ssl.positive-ssl.create"),
        name: z.string().optional().describe("What the line is for, e.g. the domain name"),
        period: z.number().int().describe("Years"),
      }),
    ),
    code: z.string().nullable().optional().describe("A discount code as the customer typed it"),
    at: z.iso
      .datetime({ offset: true })
      .optional()
      .describe("The moment the quote is for (promotion dates, code expiry); default now"),
  })
  .meta({ id: "QuoteOrder", description: "The items of an order to price for a customer" });

const quoteOut = z
  .object({
    at: z.string(),
    customerId: z.number(),
    priceGroupId: z.number(),
    currency: z.string(),
    lines: z.array(
      z.object({
        serviceCode: z.string(),
        serviceName: z.string(),
        name: z.string(),
        period: z.number(),
        listNet: moneyOut,
        discounts: z.array(z.object({ promotionId: z.number(), name: z.string(), amount: moneyOut })),
        net: moneyOut,
        vatRate: z.string(),
        vat: moneyOut,
        gross: moneyOut,
        cost: moneyOut.nullable().describe("Wholesale cost; null when unknown"),
        margin: moneyOut.nullable(),
      }),
    ),
    promotionsApplied: z.array(
      z.object({
        promotionId: z.number(),
        name: z.string(),
        lines: z.array(z.number()).describe("Indexes of the lines it discounted"),
        total: moneyOut,
      }),
    ),
    promotionsNotApplied: z.array(
      z.object({ promotionId: z.number(), name: z.string(), reasonCode: z.string(), reason: z.string() }),
    ),
    totals: z.object({
      listNet: moneyOut,
      discount: moneyOut,
      net: moneyOut,
      vat: moneyOut,
      gross: moneyOut,
      byRate: z.array(z.object({ rate: z.string(), net: moneyOut, vat: moneyOut, gross: moneyOut })),
    }),
    cost: moneyOut.nullable(),
    margin: moneyOut.nullable(),
    code: z
      .object({
        code: z.string(),
        valid: z.boolean(),
        applied: z.boolean(),
        promotionId: z.number().nullable(),
        reasonCode: z.string().optional(),
        reason: z.string().optional(),
      })
      .nullable(),
  })
  .meta({
    id: "Quote",
    description: "What an order would cost: lines, promotions, the code's verdict, totals",
  });

function quoteJson(q: Quote): z.input<typeof quoteOut> {
  return {
    at: q.at.toISOString(),
    customerId: q.customerId,
    priceGroupId: q.priceGroupId,
    currency: q.currency,
    lines: q.lines.map((l) => ({
      ...l,
      listNet: decimal(l.listNet),
      discounts: l.discounts.map((d) => ({ ...d, amount: decimal(d.amount) })),
      net: decimal(l.net),
      vat: decimal(l.vat),
      gross: decimal(l.gross),
      cost: decimalOrNull(l.cost),
      margin: decimalOrNull(l.margin),
    })),
    promotionsApplied: q.promotionsApplied.map((p) => ({ ...p, total: decimal(p.total) })),
    promotionsNotApplied: q.promotionsNotApplied,
    totals: {
      listNet: decimal(q.totals.listNet),
      discount: decimal(q.totals.discount),
      net: decimal(q.totals.net),
      vat: decimal(q.totals.vat),
      gross: decimal(q.totals.gross),
      byRate: q.totals.byRate.map((v) => ({
        rate: v.rate,
        net: decimal(v.net),
        vat: decimal(v.vat),
        gross: decimal(v.gross),
      })),
    },
    cost: decimalOrNull(q.cost),
    margin: decimalOrNull(q.margin),
    code: q.code,
  };
}

export function billingQuoteRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    "/v1/billing/quotes",
    {
      schema: {
        operationId: "createQuote",
        summary: "Quote an order",
        description:
          "Prices the items for the customer at `at`: the price group's prices, the promotions applied (and, for " +
          "every active promotion that discounted nothing, why), the discount code's verdict, VAT per rate. " +
          "Nothing is written or redeemed. An item not offered (switched off, inactive, wrong period) is a 409 " +
          "`not_offered` naming the items; bad input a 400 naming every bad field.",
        tags: ["billing"],
        body: quoteBody,
        response: { 200: quoteOut, 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (req) => {
      const b = req.body;
      const q = await quote(ctx.db, {
        customerId: b.customerId,
        items: b.items,
        ...(b.code === undefined ? {} : { code: b.code }),
        at: b.at === undefined ? ctx.now() : new Date(b.at),
      });
      return quoteJson(q);
    },
  );
}
