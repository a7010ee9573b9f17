import { z } from "zod";
import { type Amount, parseAmount } from "../util/values.js";
import { readFieldsReply } from "../wire/fast-reply.js";
import { defineOp } from "./define.js";
import { list, obj, outAmount, outEmpty, outText, str } from "./fields.js";

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

const BALANCE_FIELDS = ["balance", "restrictedBalance"];

export const getBalance = defineOp({
  name: "partner/getBalance",
  example: "const { balance, restrictedBalance } = await hrd.partner.getBalance()",
  effect: "read",
  summary: "The partner's balance and the part of it held for running operations.",
  input: none,
  output: z.object({ balance: outAmount, restrictedBalance: outAmount }),
  // Read on every health check and before every purchase run: the plain reply skips the general
  // parser and the schema, to the same result (test/fast-reply.test.ts).
  fastReply: (_wire, xml) => {
    const texts = readFieldsReply(xml, "partner", "getBalance", BALANCE_FIELDS);
    if (!texts) return undefined;
    const balance = exactAmount(texts[0]!);
    const restrictedBalance = exactAmount(texts[1]!);
    return balance && restrictedBalance ? { balance, restrictedBalance } : undefined;
  },
});

/** What `outAmount` makes of a text, when it accepts it (else undefined: the schema decides). */
function exactAmount(text: string): Amount | undefined {
  const amount = parseAmount(text);
  return amount && Number.isSafeInteger(amount.grosze) ? amount : undefined;
}

export const getPricings = defineOp({
  name: "partner/getPricings",
  example: "const prices = await hrd.partner.getPricings()",
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
  example: "const codes = await hrd.partner.getPricingsList()",
  effect: "read",
  summary: "The service codes of the price list (e.g. d_pl).",
  input: none,
  output: obj({ name: list(outText) }).transform((r) => r.name),
  responsePath: ["partner", "pricings"],
});

export const getPricingInfo = defineOp({
  name: "partner/getPricingInfo",
  example: 'await hrd.partner.getPricingInfo({ name: "d_pl" })',
  effect: "read",
  summary: "The prices of one service code.",
  input: z.object({ name: str(1, 255) }).transform((v) => ({ name: v.name })),
  output: z
    .object({ name: outText, prices: obj({ price: list(price) }) })
    .transform((r) => ({ service: r.name, prices: r.prices.price })),
  responsePath: ["partner", "pricing"],
});

export const getKeys = defineOp({
  name: "partner/getKeys",
  effect: "read",
  summary: "The partner's settings: `keys` by name, plus the raw `entries` in HRD's order.",
  input: none,
  output: obj({ entry: list(z.object({ key: outText, value: outText })) }).transform((r) => {
    const entries: { key: string; value: string }[] = r.entry.map((e) => ({ key: e.key, value: e.value }));
    // Own data properties only (Object.fromEntries), so a key named like an Object method is safe.
    const keys: Record<string, string> = Object.fromEntries(entries.map((e) => [e.key, e.value]));
    return { keys, entries };
  }),
  example: "const { keys } = await hrd.partner.getKeys();",
});

export const setKey = defineOp({
  name: "partner/setKey",
  effect: "write",
  summary: "Set one partner setting (`key` and `value`, 1–255 characters each).",
  input: z
    .object({ key: str(1, 255), value: str(1, 255) })
    .transform((v) => ({ key: v.key, value: v.value })),
  output: outEmpty,
  example: 'await hrd.partner.setKey({ key: "notificationEmail", value: "admin@example.pl" });',
});

/** partner/getKeys and setKey (spread into the registry in index.ts; resendTradeMail sits with the trades). */
export const partnerOperations = {
  "partner/getKeys": getKeys,
  "partner/setKey": setKey,
} as const;
