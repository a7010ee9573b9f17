/**
 * Creating, changing and reading promotions. Every entry point validates its whole input first
 * (zod, then the service codes and TLDs it names against the catalog tables) and names every bad
 * field at once; a refused call writes nothing.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingNotFoundError, type FieldIssue } from "../errors.js";
import {
  type AmountEffect,
  check,
  failIfAny,
  normaliseConditions,
  type PercentEffect,
  PROMOTION_COLUMNS,
  type PriceEffect,
  type Promotion,
  type PromotionConditions,
  type PromotionRow,
  promotionFields,
  promotionFromRow,
  serviceCodeSchema,
  storeEffect,
  tldSchema,
} from "./model.js";

/** An effect as a caller writes it (`per` defaults to `line`). */
export type PromotionEffectInput =
  | PercentEffect
  | (Omit<AmountEffect, "per"> & { per?: "line" | "order" })
  | PriceEffect;

export interface CreatePromotionInput {
  name: string;
  description?: string | null;
  /** Default true. */
  active?: boolean;
  /** Inclusive; null or absent = no start. */
  startsAt?: Date | null;
  /** Exclusive; null or absent = no end. Must be after startsAt. */
  endsAt?: Date | null;
  conditions?: PromotionConditions;
  effect: PromotionEffectInput;
  /** Default false: the promotion never shares a line with another one. */
  combinable?: boolean;
  /** Higher first; default 0. */
  priority?: number;
  /** Default false. */
  oncePerCustomer?: boolean;
  /** Total orders that may use it; null or absent = unlimited. */
  maxUses?: number | null;
  /** Default false: when true it applies only when one of its codes is given. */
  requiresCode?: boolean;
}

export type UpdatePromotionInput = Partial<CreatePromotionInput>;

const createSchema = z.strictObject({
  name: promotionFields.name,
  description: promotionFields.description.default(null),
  active: promotionFields.active.default(true),
  startsAt: promotionFields.startsAt.default(null),
  endsAt: promotionFields.endsAt.default(null),
  conditions: promotionFields.conditions.default({}),
  effect: promotionFields.effect,
  combinable: promotionFields.combinable.default(false),
  priority: promotionFields.priority.default(0),
  oncePerCustomer: promotionFields.oncePerCustomer.default(false),
  maxUses: promotionFields.maxUses.default(null),
  requiresCode: promotionFields.requiresCode.default(false),
});

const updateSchema = z.strictObject({
  name: promotionFields.name.optional(),
  description: promotionFields.description.optional(),
  active: promotionFields.active.optional(),
  startsAt: promotionFields.startsAt.optional(),
  endsAt: promotionFields.endsAt.optional(),
  conditions: promotionFields.conditions.optional(),
  effect: promotionFields.effect.optional(),
  combinable: promotionFields.combinable.optional(),
  priority: promotionFields.priority.optional(),
  oncePerCustomer: promotionFields.oncePerCustomer.optional(),
  maxUses: promotionFields.maxUses.optional(),
  requiresCode: promotionFields.requiresCode.optional(),
});

const idSchema = z.number().int().min(1).max(2_147_483_647);

function datesIssue(startsAt: unknown, endsAt: unknown): FieldIssue[] {
  if (startsAt instanceof Date && endsAt instanceof Date && endsAt.getTime() <= startsAt.getTime()) {
    return [{ path: "endsAt", message: "must be after startsAt" }];
  }
  return [];
}

/**
 * The service codes and TLDs a promotion names must exist in the catalog (else it could never
 * apply). Checked entry by entry, even when other fields are bad, so one call names every problem.
 */
async function catalogIssues(db: Db, conditions: unknown): Promise<FieldIssue[]> {
  if (typeof conditions !== "object" || conditions === null) return [];
  const c = conditions as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  const lists = [
    { key: "serviceCodes", schema: serviceCodeSchema, table: "services", column: "code", what: "service" },
    { key: "tlds", schema: tldSchema, table: "tlds", column: "tld", what: "TLD" },
  ] as const;
  for (const l of lists) {
    const raw = c[l.key];
    if (!Array.isArray(raw)) continue;
    const wellFormed = raw
      .map((v, i) => ({ i, value: l.schema.safeParse(v).data }))
      .filter((e): e is { i: number; value: string } => e.value !== undefined);
    if (wellFormed.length === 0) continue;
    const { rows } = await db.query<{ v: string }>(
      `SELECT ${l.column} AS v FROM ${l.table} WHERE ${l.column} = ANY($1::text[])`,
      [wellFormed.map((e) => e.value)],
    );
    const known = new Set(rows.map((r) => r.v));
    for (const e of wellFormed) {
      if (!known.has(e.value))
        issues.push({ path: `conditions.${l.key}.${e.i}`, message: `unknown ${l.what} ${e.value}` });
    }
  }
  return issues;
}

async function loadForUpdate(db: Db, id: number): Promise<Promotion> {
  const { rows } = await db.query<PromotionRow>(
    `SELECT ${PROMOTION_COLUMNS} FROM promotions WHERE id = $1 FOR UPDATE`,
    [id],
  );
  if (!rows[0]) throw new BillingNotFoundError(`promotion ${id}`);
  return promotionFromRow(rows[0]);
}

export async function createPromotion(db: Db, input: CreatePromotionInput): Promise<Promotion> {
  const op = "createPromotion";
  const raw = (input ?? {}) as unknown as Record<string, unknown>;
  const { data, issues } = check(createSchema, input);
  issues.push(...datesIssue(raw.startsAt, raw.endsAt), ...(await catalogIssues(db, raw.conditions ?? {})));
  failIfAny(op, issues);
  const p = data!;
  const conditions = normaliseConditions(p.conditions, p.effect);
  const { rows } = await db.query<PromotionRow>(
    `INSERT INTO promotions (name, description, active, starts_at, ends_at, conditions, effect, combinable,
       priority, once_per_customer, max_uses, requires_code)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12)
     RETURNING ${PROMOTION_COLUMNS}`,
    [
      p.name,
      p.description,
      p.active,
      p.startsAt,
      p.endsAt,
      JSON.stringify(conditions),
      JSON.stringify(storeEffect(p.effect)),
      p.combinable,
      p.priority,
      p.oncePerCustomer,
      p.maxUses,
      p.requiresCode,
    ],
  );
  return promotionFromRow(rows[0]!);
}

/**
 * Changes the fields given; `conditions` and `effect` are replaced as a whole. The dates are
 * checked against the stored ones (moving only `endsAt` before the stored `startsAt` is refused).
 */
export async function updatePromotion(db: Db, id: number, patch: UpdatePromotionInput): Promise<Promotion> {
  const op = "updatePromotion";
  const idCheck = check(idSchema, id);
  const { data, issues } = check(updateSchema, patch);
  issues.unshift(...idCheck.issues.map((i) => ({ ...i, path: i.path || "id" })));
  const raw = (patch ?? {}) as unknown as Record<string, unknown>;
  issues.push(...(await catalogIssues(db, raw.conditions ?? {})));
  failIfAny(op, issues);
  return db.transaction(async (tx) => {
    const current = await loadForUpdate(tx, id);
    const p = data!;
    const startsAt = p.startsAt !== undefined ? p.startsAt : current.startsAt;
    const endsAt = p.endsAt !== undefined ? p.endsAt : current.endsAt;
    failIfAny(op, datesIssue(startsAt, endsAt));
    const effect = p.effect ?? current.effect;
    const conditions = normaliseConditions(p.conditions ?? current.conditions, effect);
    const { rows } = await tx.query<PromotionRow>(
      `UPDATE promotions SET name = $2, description = $3, active = $4, starts_at = $5, ends_at = $6,
         conditions = $7::jsonb, effect = $8::jsonb, combinable = $9, priority = $10, once_per_customer = $11,
         max_uses = $12, requires_code = $13
       WHERE id = $1 RETURNING ${PROMOTION_COLUMNS}`,
      [
        id,
        p.name ?? current.name,
        p.description !== undefined ? p.description : current.description,
        p.active ?? current.active,
        startsAt,
        endsAt,
        JSON.stringify(conditions),
        JSON.stringify(storeEffect(effect)),
        p.combinable ?? current.combinable,
        p.priority ?? current.priority,
        p.oncePerCustomer ?? current.oncePerCustomer,
        p.maxUses !== undefined ? p.maxUses : current.maxUses,
        p.requiresCode ?? current.requiresCode,
      ],
    );
    return promotionFromRow(rows[0]!);
  });
}

export async function getPromotion(db: Db, id: number): Promise<Promotion> {
  const { data } = check(idSchema, id);
  if (data === undefined) failIfAny("getPromotion", [{ path: "id", message: "must be a positive integer" }]);
  const { rows } = await db.query<PromotionRow>(`SELECT ${PROMOTION_COLUMNS} FROM promotions WHERE id = $1`, [
    id,
  ]);
  if (!rows[0]) throw new BillingNotFoundError(`promotion ${id}`);
  return promotionFromRow(rows[0]);
}

export interface ListPromotionsInput {
  /** Only active (true) or only inactive (false) ones; absent = all. */
  active?: boolean;
  /**
   * Only those whose dates include this moment (startsAt ≤ at < endsAt, as quotes judge them);
   * with `active: true`, the promotions in force then.
   */
  at?: Date;
  /** Page size, 1–1000, default 100. */
  limit?: number;
  /** The `next` of the previous page. */
  afterId?: number;
}

export interface PromotionPage {
  items: Promotion[];
  /** Pass as `afterId` for the next page; null on the last one. */
  next: number | null;
}

const listSchema = z.strictObject({
  active: z.boolean().optional(),
  at: z
    .date()
    .refine((d) => !Number.isNaN(d.getTime()), "must be a valid date")
    .optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  afterId: z.number().int().min(0).default(0),
});

/** Promotions in id order, a page at a time. */
export async function listPromotions(db: Db, input: ListPromotionsInput = {}): Promise<PromotionPage> {
  const { data, issues } = check(listSchema, input);
  failIfAny("listPromotions", issues);
  const q = data!;
  // Dates to the millisecond, as the Date objects quotes compare them are.
  const { rows } = await db.query<PromotionRow>(
    `SELECT ${PROMOTION_COLUMNS} FROM promotions
     WHERE id > $1::int8 AND ($2::boolean IS NULL OR active = $2)
       AND ($4::timestamptz IS NULL OR ((starts_at IS NULL OR date_trunc('milliseconds', starts_at) <= $4)
         AND (ends_at IS NULL OR $4 < date_trunc('milliseconds', ends_at))))
     ORDER BY id LIMIT $3`,
    [q.afterId, q.active ?? null, q.limit + 1, q.at ?? null],
  );
  const page = rows.slice(0, q.limit).map(promotionFromRow);
  return { items: page, next: rows.length > q.limit ? page[page.length - 1]!.id : null };
}

/** Switches a promotion off (quotes stop offering it; its history and codes stay). */
export async function deactivatePromotion(db: Db, id: number): Promise<Promotion> {
  const { data } = check(idSchema, id);
  if (data === undefined)
    failIfAny("deactivatePromotion", [{ path: "id", message: "must be a positive integer" }]);
  const { rows } = await db.query<PromotionRow>(
    `UPDATE promotions SET active = false WHERE id = $1 RETURNING ${PROMOTION_COLUMNS}`,
    [id],
  );
  if (!rows[0]) throw new BillingNotFoundError(`promotion ${id}`);
  return promotionFromRow(rows[0]);
}
