import { z } from "zod";
import { defineOp } from "./define.js";
import { list, obj, outAmount, outText, str } from "./fields.js";

const none = z
  .object({})
  .strict()
  .optional()
  .transform(() => null);

/** A price as HRD lists it; `(brak)` ("none") becomes `null`. */
const price = z.object({ name: outText, value: outText }).transform((p) => ({
  name: p.name,
  value: p.value === "(brak)" ? null : p.value,
}));

export const getBalance = defineOp({
  name: "partner/getBalance",
  effect: "read",
  summary: "The partner's balance and the part of it held for running operations.",
  input: none,
  output: z.object({ balance: outAmount, restrictedBalance: outAmount }),
});

export const getPricings = defineOp({
  name: "partner/getPricings",
  effect: "read",
  summary: "The whole partner price list: every service code with its named prices.",
  input: none,
  output: obj({ pricing: list(z.object({ name: outText, price: list(price) })) }).transform((r) =>
    r.pricing.map((p) => ({ service: p.name, prices: p.price })),
  ),
  responsePath: ["partner", "pricings"],
});

export const getPricingsList = defineOp({
  name: "partner/getPricingsList",
  effect: "read",
  summary: "The service codes of the price list (e.g. d_pl).",
  input: none,
  output: obj({ name: list(outText) }).transform((r) => r.name),
  responsePath: ["partner", "pricings"],
});

export const getPricingInfo = defineOp({
  name: "partner/getPricingInfo",
  effect: "read",
  summary: "The prices of one service code.",
  input: z.object({ name: str(1, 255) }).transform((v) => ({ name: v.name })),
  output: z
    .object({ name: outText, prices: obj({ price: list(price) }) })
    .transform((r) => ({ service: r.name, prices: r.prices.price })),
  responsePath: ["partner", "pricing"],
});

/** partner/resendTradeMail, getKeys, setKey and contact* (spread into the registry in index.ts). */
export const partnerOperations = {} as const;
