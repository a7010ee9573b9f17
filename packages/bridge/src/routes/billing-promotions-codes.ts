/**
 * Discount codes over HTTP: one hand-made code (`WIOSNA2026`), a bulk of generated single-use
 * ones (thousands in one call), a listing by cursor with filters, and one code's state. Both
 * creations take an Idempotency-Key: a resent bulk call returns the codes of the first one
 * instead of making as many again.
 */
import {
  createDiscountCode,
  type DiscountCode,
  generateDiscountCodes,
  getDiscountCode,
  listDiscountCodes,
  listPromotions,
} from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { replyJournaled } from "../idempotency.js";
import {
  badCursor,
  booleanOf,
  cursorQuery,
  decodeKeyCursor,
  encodeKeyCursor,
  isoOrNull,
  limitQuery,
  queryBoolean,
  refusal,
  renames,
  renamingIssues,
  replayedFlag,
} from "./billing-prices-wire.js";
import { errorBody, idempotencyHeaders } from "./billing-schemas.js";

const TAGS = ["billing"];

const dateIn = z.iso.datetime({ offset: true });

const limitsIn = {
  maxUses: z.number().int().nullable().optional(),
  perCustomerLimit: z.number().int().nullable().optional().describe("Orders one customer may use it for"),
  expiresAt: dateIn.nullable().optional().describe("The code stops working at this moment; null: never"),
};

const createBody = z
  .strictObject({
    code: z.string().describe("3–64 characters A-Z, 0-9, -; stored upper case"),
    promotionId: z.number().int(),
    ...limitsIn,
    maxUses: limitsIn.maxUses.describe("Default null (unlimited); 1: single-use"),
  })
  .meta({ id: "NewDiscountCode", description: "A discount code of a promotion, chosen by hand" });

const generateBody = z
  .strictObject({
    promotionId: z.number().int(),
    count: z.number().int().describe("How many codes, 1–100 000"),
    prefix: z.string().optional().describe("Put before the random part, e.g. JESIEN-"),
    length: z.number().int().optional().describe("Random characters per code, 3–32; default 10"),
    ...limitsIn,
    maxUses: limitsIn.maxUses.describe("Default 1: single-use; null: unlimited"),
  })
  .meta({
    id: "GenerateDiscountCodes",
    description: "How many random codes to make for a promotion, and their limits",
  });

const codeOut = z
  .object({
    code: z.string(),
    promotionId: z.number(),
    maxUses: z.number().nullable().describe("null: unlimited; 1: single-use"),
    uses: z.number().describe("Orders that used it"),
    perCustomerLimit: z.number().nullable(),
    expiresAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "DiscountCode", description: "A discount code and how often it was used" });

const listQuery = z.object({
  promotionId: z.coerce
    .number()
    .int()
    .positive()
    .max(2_147_483_647)
    .optional()
    .describe("Codes of one promotion"),
  used: queryBoolean.optional().describe("Only codes used at least once (true) or never used (false)"),
  limit: limitQuery,
  cursor: cursorQuery,
});

const codeJson = (c: DiscountCode) => ({
  ...c,
  expiresAt: isoOrNull(c.expiresAt),
  createdAt: c.createdAt.toISOString(),
});

const dateOrNull = (v: string | null | undefined) =>
  v === undefined ? undefined : v === null ? null : new Date(v);

/** Only the limits given: billing applies its own defaults to the others. */
function limitsInput(b: {
  maxUses?: number | null;
  perCustomerLimit?: number | null;
  expiresAt?: string | null;
}) {
  return {
    ...(b.maxUses === undefined ? {} : { maxUses: b.maxUses }),
    ...(b.perCustomerLimit === undefined ? {} : { perCustomerLimit: b.perCustomerLimit }),
    ...(b.expiresAt === undefined ? {} : { expiresAt: dateOrNull(b.expiresAt) }),
  };
}

/** Codes billing reads per round trip while the `used` filter looks for a page's worth. */
const SCAN = 1000;
/**
 * Reads of codes one listing call may make (at most 20 000 codes under the `used` filter, or 20
 * promotions without codes in a row). A page that reaches it holds fewer than `limit` items but
 * still has a nextCursor: the scan goes on from there, so one call never reads a 100 000-code
 * promotion whole.
 */
const SCAN_ROUNDS = 20;

const LISTING = "discount-codes";
// Only a forged cursor can carry a code billing refuses to page after.
const forgedCursor = renames({ "paging.after": "cursor" });

const next = async (ctx: BridgeContext, afterPromotion: number) =>
  (await listPromotions(ctx.db, { afterId: afterPromotion, limit: 1 })).items[0]?.id ?? null;

export function billingDiscountCodeRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    "/v1/billing/discount-codes",
    {
      config: { audit: "billing.discount-code.create" },
      schema: {
        operationId: "createDiscountCode",
        summary: "Create a discount code",
        description:
          "Creates one code for a promotion (normalised to upper case). A code that exists is a 409 " +
          "`duplicate_code`; an unknown promotion a 404. Needs an Idempotency-Key: a repeat with the same key and " +
          "body returns the first code (`replayed: true`). Bad input is a 400 naming every bad field.",
        tags: TAGS,
        headers: idempotencyHeaders,
        body: createBody,
        response: {
          201: codeOut.extend({ replayed: replayedFlag }).meta({
            id: "CreatedDiscountCode",
            description: "The code created (on a replay, the first one)",
          }),
          400: errorBody,
          401: errorBody,
          404: refusal("`not_found`: no promotion with this id."),
          409: refusal("`duplicate_code`: the code exists; `in_progress`: the first call still runs."),
          422: errorBody,
        },
      },
    },
    async (req, reply) =>
      replyJournaled(ctx.db, req, reply, "billing.discount-code.create", req.body, async () => {
        const b = req.body;
        const code = await createDiscountCode(ctx.db, {
          code: b.code,
          promotionId: b.promotionId,
          ...limitsInput(b),
        });
        return { statusCode: 201, body: codeJson(code) };
      }) as never,
  );

  r.post(
    "/v1/billing/discount-codes/generate",
    {
      config: { audit: "billing.discount-code.generate" },
      schema: {
        operationId: "generateDiscountCodes",
        summary: "Generate discount codes in bulk",
        description:
          "Makes `count` new unique codes for a promotion (up to 100 000 in one call) from crypto-random " +
          "unambiguous characters (no 0/O, 1/I), single-use unless `maxUses` says otherwise, all or none in one " +
          "transaction. Needs an Idempotency-Key: a resent call returns the codes of the first one " +
          "(`replayed: true`) and makes no more. An unknown promotion is a 404; bad input a 400 naming every bad " +
          "field, nothing written.",
        tags: TAGS,
        headers: idempotencyHeaders,
        body: generateBody,
        response: {
          201: z
            .object({
              promotionId: z.number(),
              count: z.number(),
              codes: z.array(z.string()).describe("The new codes, in the order they were made"),
              replayed: replayedFlag,
            })
            .meta({
              id: "GeneratedDiscountCodes",
              description: "The codes made (on a replay, those of the first call)",
            }),
          400: errorBody,
          401: errorBody,
          404: refusal("`not_found`: no promotion with this id."),
          409: refusal(
            "`code_space_exhausted`: not enough free codes for the prefix and length; `in_progress`.",
          ),
          422: errorBody,
        },
      },
    },
    async (req, reply) =>
      replyJournaled(ctx.db, req, reply, "billing.discount-code.generate", req.body, async () => {
        const b = req.body;
        const made = await generateDiscountCodes(ctx.db, {
          promotionId: b.promotionId,
          count: b.count,
          ...(b.prefix === undefined ? {} : { prefix: b.prefix }),
          ...(b.length === undefined ? {} : { length: b.length }),
          ...limitsInput(b),
        });
        return {
          statusCode: 201,
          body: { promotionId: made.promotionId, count: made.codes.length, codes: made.codes },
        };
      }) as never,
  );

  r.get(
    "/v1/billing/discount-codes",
    {
      schema: {
        operationId: "listDiscountCodes",
        summary: "List discount codes",
        description:
          "Codes by promotion id, then by code (byte order), filtered by promotion and by whether they were used. " +
          "Pass `nextCursor` as `cursor` with the same filters for the next page; it is null on the last. One call " +
          "reads at most 20 batches (20 000 codes under `used`, or 20 promotions): a page may then hold fewer than " +
          "`limit` codes, even none, and still have a nextCursor. An unknown promotion is a 404.",
        tags: TAGS,
        querystring: listQuery,
        response: {
          200: z.object({ items: z.array(codeOut), nextCursor: z.string().nullable() }).meta({
            id: "DiscountCodePage",
            description: "A page of discount codes; nextCursor null on the last page",
          }),
          400: errorBody,
          401: errorBody,
          404: refusal("`not_found`: no promotion with this id."),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const used = booleanOf(q.used);
      let promotion: number | null;
      let after = "";
      if (q.cursor !== undefined) {
        const [p, code] = decodeKeyCursor(q.cursor, LISTING, "ns") as [number, string];
        if (q.promotionId !== undefined && p !== q.promotionId) badCursor();
        promotion = p;
        after = code;
      } else {
        promotion = q.promotionId ?? (await next(ctx, 0));
      }
      const items: DiscountCode[] = [];
      for (let round = 0; promotion !== null; round++) {
        // Out of reads: the next call goes on from the last code read.
        if (round === SCAN_ROUNDS) {
          return { items: items.map(codeJson), nextCursor: encodeKeyCursor(LISTING, [promotion, after]) };
        }
        const from = { promotion, after };
        const page = await renamingIssues(forgedCursor, () =>
          listDiscountCodes(ctx.db, from.promotion, {
            after: from.after,
            // Unfiltered, one more than the page needs tells whether there is a next page.
            limit: used === undefined ? Math.min(SCAN, q.limit + 1 - items.length) : SCAN,
          }),
        );
        for (const c of page.items) {
          if (used !== undefined && c.uses > 0 !== used) {
            after = c.code;
            continue;
          }
          if (items.length === q.limit) {
            const last = items.at(-1)!;
            return {
              items: items.map(codeJson),
              nextCursor: encodeKeyCursor(LISTING, [last.promotionId, last.code]),
            };
          }
          items.push(c);
          after = c.code;
        }
        if (page.next === null) {
          promotion = q.promotionId === undefined ? await next(ctx, promotion) : null;
          after = "";
        }
      }
      return { items: items.map(codeJson), nextCursor: null };
    },
  );

  r.get(
    "/v1/billing/discount-codes/:code",
    {
      schema: {
        operationId: "getDiscountCode",
        summary: "Get a discount code",
        description:
          "A code's promotion, limits and how often it was used; the code is matched as people type it " +
          "(surrounding spaces and case do not matter).",
        tags: TAGS,
        params: z.object({ code: z.string().max(200) }),
        response: {
          200: codeOut,
          400: errorBody,
          401: errorBody,
          404: refusal("`not_found`: no such discount code."),
        },
      },
    },
    async (req) => codeJson(await getDiscountCode(ctx.db, req.params.code)),
  );
}
