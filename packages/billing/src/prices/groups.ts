/**
 * Price groups ("grupy cenowe"): each customer belongs to one, and a group has its own prices.
 * Exactly one group may be the default (new customers without a group get it; the first group
 * created becomes the default by itself).
 */
import { z } from "zod";
import { type Db, sqlState } from "../db/db.js";
import { BillingConflictError } from "../errors.js";
import { CURRENCIES, type Currency } from "../money/money.js";
import { parseInput } from "../validate.js";
import { idSchema, requireGroup, toGroup } from "./shared.js";

export interface PriceGroup {
  id: number;
  name: string;
  currency: Currency;
  isDefault: boolean;
  createdAt: Date;
  /** Customers assigned to the group. */
  customers: number;
  rules: number;
  prices: number;
}

export interface CreatePriceGroupInput {
  name: string;
  /** Default PLN. Wholesale costs are PLN: an EUR group's prices are set by hand (no rules). */
  currency?: Currency;
  isDefault?: boolean;
}

const createSchema = z.object({
  name: z.string().trim().min(1, "must not be empty").max(100),
  currency: z.enum(CURRENCIES).optional(),
  isDefault: z.boolean().optional(),
});

const GROUP_SELECT = `SELECT g.id, g.name, g.currency, g.is_default, g.created_at,
    (SELECT count(*) FROM customers c WHERE c.price_group_id = g.id)::int8 AS customers,
    (SELECT count(*) FROM price_rules r WHERE r.group_id = g.id)::int8 AS rules,
    (SELECT count(*) FROM prices p WHERE p.group_id = g.id)::int8 AS prices
  FROM price_groups g`;

interface GroupListRow {
  id: number;
  name: string;
  currency: Currency;
  is_default: boolean;
  created_at: Date;
  customers: number;
  rules: number;
  prices: number;
}

const toPriceGroup = (r: GroupListRow): PriceGroup => ({
  ...toGroup(r),
  customers: r.customers,
  rules: r.rules,
  prices: r.prices,
});

async function readGroup(db: Db, id: number): Promise<PriceGroup> {
  await requireGroup(db, id);
  const { rows } = await db.query<GroupListRow>(`${GROUP_SELECT} WHERE g.id = $1`, [id]);
  return toPriceGroup(rows[0]!);
}

/** Serialises changes of "which group is the default" (the partial unique index allows one). */
const lockDefault = (tx: Db) =>
  tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`hrdkit-default-price-group:${tx.schema}`]);

/** Creates a group. Refused (`duplicate_name`) when the name is taken. */
export async function createPriceGroup(db: Db, input: CreatePriceGroupInput): Promise<PriceGroup> {
  const g = parseInput("createPriceGroup", createSchema, input);
  try {
    const id = await db.transaction(async (tx) => {
      await lockDefault(tx);
      const taken = await tx.query("SELECT 1 FROM price_groups WHERE name = $1", [g.name]);
      if (taken.rowCount > 0) {
        throw new BillingConflictError(`price group "${g.name}" already exists`, "duplicate_name");
      }
      const { rows } = await tx.query<{ n: number }>(
        "SELECT count(*)::int8 AS n FROM price_groups WHERE is_default",
      );
      const makeDefault = g.isDefault === true || rows[0]!.n === 0;
      if (makeDefault) await tx.query("UPDATE price_groups SET is_default = false WHERE is_default");
      const ins = await tx.query<{ id: number }>(
        "INSERT INTO price_groups (name, currency, is_default) VALUES ($1, $2, $3) RETURNING id",
        [g.name, g.currency ?? "PLN", makeDefault],
      );
      return ins.rows[0]!.id;
    });
    return readGroup(db, id);
  } catch (err) {
    if (sqlState(err) === "23505") {
      throw new BillingConflictError(`price group "${g.name}" already exists`, "duplicate_name");
    }
    throw err;
  }
}

export async function getPriceGroup(db: Db, groupId: number): Promise<PriceGroup> {
  const id = parseInput("getPriceGroup", idSchema, groupId);
  return readGroup(db, id);
}

export interface ListPriceGroupsInput {
  /** Only groups in this currency. */
  currency?: Currency;
  /** Keyset paging: the last id of the previous page. */
  afterId?: number;
  /** At most this many groups, 1–1000 (ask one more than a page to learn if another follows). */
  limit?: number;
}

const listSchema = z
  .strictObject({
    currency: z.enum(CURRENCIES).optional(),
    afterId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .default({});

/**
 * Every group (in `currency`, when given), the default first, then by name; with `afterId` or
 * `limit` (keyset paging), by id.
 */
export async function listPriceGroups(db: Db, input: ListPriceGroupsInput = {}): Promise<PriceGroup[]> {
  const v = parseInput("listPriceGroups", listSchema, input);
  const paged = v.afterId !== undefined || v.limit !== undefined;
  const { rows } = await db.query<GroupListRow>(
    `${GROUP_SELECT}
     WHERE ($1::text IS NULL OR g.currency = $1) AND ($2::int8 IS NULL OR g.id > $2)
     ORDER BY ${paged ? "g.id" : "g.is_default DESC, g.name"} ${v.limit === undefined ? "" : "LIMIT $3"}`,
    [v.currency ?? null, v.afterId ?? null, ...(v.limit === undefined ? [] : [v.limit])],
  );
  return rows.map(toPriceGroup);
}

/** The default group, or null when there is no group yet. */
export async function getDefaultPriceGroup(db: Db): Promise<PriceGroup | null> {
  const { rows } = await db.query<GroupListRow>(`${GROUP_SELECT} WHERE g.is_default`);
  return rows[0] ? toPriceGroup(rows[0]) : null;
}

/** Makes the group the default (the previous default stops being one). */
export async function setDefaultPriceGroup(db: Db, groupId: number): Promise<PriceGroup> {
  const id = parseInput("setDefaultPriceGroup", idSchema, groupId);
  await db.transaction(async (tx) => {
    await lockDefault(tx);
    await requireGroup(tx, id, true);
    await tx.query("UPDATE price_groups SET is_default = false WHERE is_default AND id <> $1", [id]);
    await tx.query("UPDATE price_groups SET is_default = true WHERE id = $1", [id]);
  });
  return readGroup(db, id);
}

/**
 * Deletes a group with its rules and prices. Refused (`in_use`) while customers are assigned to
 * it, and (`default_group`) for the default while other groups exist: make another the default first.
 */
export async function deletePriceGroup(db: Db, groupId: number): Promise<void> {
  const id = parseInput("deletePriceGroup", idSchema, groupId);
  await db.transaction(async (tx) => {
    await lockDefault(tx);
    const group = await requireGroup(tx, id, true);
    const { rows } = await tx.query<{ n: number }>(
      "SELECT count(*)::int8 AS n FROM customers WHERE price_group_id = $1",
      [id],
    );
    const customers = rows[0]!.n;
    if (customers > 0) {
      throw new BillingConflictError(
        `price group "${group.name}" is used by ${customers} customer(s): assign them to another group first`,
        "in_use",
      );
    }
    if (group.isDefault) {
      const others = await tx.query("SELECT 1 FROM price_groups WHERE id <> $1 LIMIT 1", [id]);
      if (others.rowCount > 0) {
        throw new BillingConflictError(
          `price group "${group.name}" is the default: make another group the default first`,
          "default_group",
        );
      }
    }
    try {
      await tx.query("DELETE FROM price_groups WHERE id = $1", [id]);
    } catch (err) {
      // A customer assigned meanwhile: the foreign key refuses the delete.
      if (sqlState(err) === "23503") {
        throw new BillingConflictError(`price group "${group.name}" is used by a customer`, "in_use");
      }
      throw err;
    }
  });
}
