/**
 * Discount codes: hand-made ones (`WIOSNA2026`) and bulk-generated single-use ones. A code belongs
 * to one promotion; a promotion with `requiresCode` applies only when one of its codes is given.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingConflictError, BillingNotFoundError } from "../errors.js";
import { check, failIfAny } from "./model.js";

export interface DiscountCode {
  code: string;
  promotionId: number;
  /** null = unlimited, 1 = single-use. */
  maxUses: number | null;
  uses: number;
  /** How many orders one customer may use it for; null = no per-customer limit. */
  perCustomerLimit: number | null;
  /** The code stops working at this moment; null = never. */
  expiresAt: Date | null;
  createdAt: Date;
}

/** Upper case; what the `discount_codes.code` CHECK allows. */
export const CODE_PATTERN = /^[A-Z0-9-]{3,64}$/;

/** Unambiguous characters for generated codes: no 0/O, no 1/I. 32 of them, so a random byte & 31 is unbiased. */
export const CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/** How people type a code → how it is stored: trimmed, upper case. */
export function normaliseCode(code: string): string {
  return code.trim().toUpperCase();
}

const codeSchema = z
  .string()
  .transform(normaliseCode)
  .pipe(z.string().regex(CODE_PATTERN, "must be 3–64 characters A-Z, 0-9 or -"));

const id = z.number().int().min(1).max(2_147_483_647);
const limits = {
  maxUses: z.number().int().min(1).max(2_147_483_647).nullable(),
  perCustomerLimit: z.number().int().min(1).max(2_147_483_647).nullable(),
  expiresAt: z.date("must be a Date").nullable(),
};

interface CodeRow {
  code: string;
  promotion_id: number;
  max_uses: number | null;
  uses: number;
  per_customer_limit: number | null;
  expires_at: Date | null;
  created_at: Date;
}

const COLUMNS = "code, promotion_id, max_uses, uses, per_customer_limit, expires_at, created_at";

function fromRow(r: CodeRow): DiscountCode {
  return {
    code: r.code,
    promotionId: r.promotion_id,
    maxUses: r.max_uses,
    uses: r.uses,
    perCustomerLimit: r.per_customer_limit,
    expiresAt: r.expires_at,
    createdAt: r.created_at,
  };
}

async function assertPromotion(db: Db, promotionId: number): Promise<void> {
  const { rows } = await db.query("SELECT 1 FROM promotions WHERE id = $1", [promotionId]);
  if (rows.length === 0) throw new BillingNotFoundError(`promotion ${promotionId}`);
}

export interface CreateDiscountCodeInput {
  /** Normalised to upper case; 3–64 characters A-Z, 0-9, -. */
  code: string;
  promotionId: number;
  /** Default null (unlimited); 1 = single-use. */
  maxUses?: number | null;
  perCustomerLimit?: number | null;
  expiresAt?: Date | null;
}

const createSchema = z.strictObject({
  code: codeSchema,
  promotionId: id,
  maxUses: limits.maxUses.default(null),
  perCustomerLimit: limits.perCustomerLimit.default(null),
  expiresAt: limits.expiresAt.default(null),
});

export async function createDiscountCode(db: Db, input: CreateDiscountCodeInput): Promise<DiscountCode> {
  const { data, issues } = check(createSchema, input);
  failIfAny("createDiscountCode", issues);
  const c = data!;
  await assertPromotion(db, c.promotionId);
  const { rows } = await db.query<CodeRow>(
    `INSERT INTO discount_codes (code, promotion_id, max_uses, per_customer_limit, expires_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING RETURNING ${COLUMNS}`,
    [c.code, c.promotionId, c.maxUses, c.perCustomerLimit, c.expiresAt],
  );
  if (!rows[0]) throw new BillingConflictError(`discount code ${c.code} already exists`, "duplicate_code");
  return fromRow(rows[0]);
}

export interface GenerateDiscountCodesInput {
  promotionId: number;
  /** 1–100 000. */
  count: number;
  /** Put before the random part, e.g. `JESIEN-`; normalised to upper case. */
  prefix?: string;
  /** Random characters per code, 3–32; default 10 (32^10 ≈ 10^15 possible codes). */
  length?: number;
  /** Default 1: generated codes are single-use unless told otherwise. null = unlimited. */
  maxUses?: number | null;
  perCustomerLimit?: number | null;
  expiresAt?: Date | null;
}

export interface GenerateDiscountCodesOptions {
  /** Called after each batch is inserted. */
  onProgress?: (done: number, total: number) => void;
}

export interface GeneratedDiscountCodes {
  promotionId: number;
  /** The new codes, in the order they were made. */
  codes: string[];
}

const generateSchema = z
  .strictObject({
    promotionId: id,
    count: z.number().int().min(1).max(100_000),
    prefix: z
      .string()
      .transform(normaliseCode)
      .pipe(z.string().regex(/^[A-Z0-9-]{0,32}$/, "must be at most 32 characters A-Z, 0-9 or -"))
      .default(""),
    length: z.number().int().min(3).max(32).default(10),
    maxUses: limits.maxUses.default(1),
    perCustomerLimit: limits.perCustomerLimit.default(null),
    expiresAt: limits.expiresAt.default(null),
  })
  .superRefine((v, ctx) => {
    // At most a quarter of the possible codes, so collisions stay rare and generation ends quickly.
    const space = CODE_ALPHABET.length ** v.length;
    if (v.count * 4 > space) {
      ctx.addIssue({
        code: "custom",
        path: ["count"],
        message: `too many codes for length ${v.length} (at most ${Math.floor(space / 4)}); use a longer length`,
      });
    }
  });

const BATCH = 1000;

function randomCode(prefix: string, length: number): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const b of bytes) out += CODE_ALPHABET[b & 31];
  return out;
}

/**
 * Makes `count` new unique codes for a promotion with crypto-random unambiguous characters and
 * inserts them in batches of 1000, all in one transaction (all or none). A code that happens to
 * exist already is replaced by a fresh one.
 */
export async function generateDiscountCodes(
  db: Db,
  input: GenerateDiscountCodesInput,
  options: GenerateDiscountCodesOptions = {},
): Promise<GeneratedDiscountCodes> {
  const { data, issues } = check(generateSchema, input);
  failIfAny("generateDiscountCodes", issues);
  const g = data!;
  return db.transaction(async (tx) => {
    await assertPromotion(tx, g.promotionId);
    const made: string[] = [];
    const seen = new Set<string>();
    let rounds = 0;
    while (made.length < g.count) {
      if (++rounds > g.count / BATCH + 50) {
        throw new BillingConflictError(
          `could not find ${g.count} free codes with prefix "${g.prefix}" and length ${g.length}`,
          "code_space_exhausted",
        );
      }
      const batch: string[] = [];
      const want = Math.min(BATCH, g.count - made.length);
      while (batch.length < want) {
        const c = randomCode(g.prefix, g.length);
        if (!seen.has(c)) {
          seen.add(c);
          batch.push(c);
        }
      }
      const { rows } = await tx.query<{ code: string }>(
        `INSERT INTO discount_codes (code, promotion_id, max_uses, per_customer_limit, expires_at)
         SELECT c, $2, $3, $4, $5 FROM unnest($1::text[]) AS c
         ON CONFLICT (code) DO NOTHING RETURNING code`,
        [batch, g.promotionId, g.maxUses, g.perCustomerLimit, g.expiresAt],
      );
      const inserted = new Set(rows.map((r) => r.code));
      for (const c of batch) if (inserted.has(c)) made.push(c);
      options.onProgress?.(made.length, g.count);
    }
    return { promotionId: g.promotionId, codes: made };
  });
}

export async function getDiscountCode(db: Db, code: string): Promise<DiscountCode> {
  const { data, issues } = check(codeSchema, code);
  failIfAny(
    "getDiscountCode",
    issues.map((i) => ({ ...i, path: i.path || "code" })),
  );
  const { rows } = await db.query<CodeRow>(`SELECT ${COLUMNS} FROM discount_codes WHERE code = $1`, [data]);
  if (!rows[0]) throw new BillingNotFoundError(`discount code ${data}`);
  return fromRow(rows[0]);
}

export interface ListDiscountCodesInput {
  /** Page size, 1–1000, default 100. */
  limit?: number;
  /** The `next` of the previous page. */
  after?: string;
}

export interface DiscountCodePage {
  items: DiscountCode[];
  /** Pass as `after` for the next page; null on the last one. */
  next: string | null;
}

const listSchema = z.strictObject({
  limit: z.number().int().min(1).max(1000).default(100),
  after: z.string().max(64).default(""),
});

/** A promotion's codes in code order (byte order, the same on every server), a page at a time. */
export async function listDiscountCodes(
  db: Db,
  promotionId: number,
  paging: ListDiscountCodesInput = {},
): Promise<DiscountCodePage> {
  const idCheck = check(id, promotionId);
  const { data, issues } = check(listSchema, paging);
  failIfAny("listDiscountCodes", [
    ...idCheck.issues.map((i) => ({ ...i, path: "promotionId" })),
    ...issues.map((i) => ({ ...i, path: `paging.${i.path}` })),
  ]);
  const q = data!;
  await assertPromotion(db, promotionId);
  const { rows } = await db.query<CodeRow>(
    `SELECT ${COLUMNS} FROM discount_codes WHERE promotion_id = $1 AND code COLLATE "C" > $2 ORDER BY code COLLATE "C" LIMIT $3`,
    [promotionId, q.after, q.limit + 1],
  );
  const page = rows.slice(0, q.limit).map(fromRow);
  return { items: page, next: rows.length > q.limit ? page[page.length - 1]!.code : null };
}
