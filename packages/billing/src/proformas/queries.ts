/**
 * Reading proformas: one as its document (`getProforma`, what renderers and senders use), one by
 * its number (payments match transfer titles with it), and pages of summaries.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { parseInput } from "../validate.js";
import { idSchema } from "./common.js";
import { readProforma, requireProforma, SUMMARY_COLUMNS, type SummaryRow, toSummary } from "./store.js";
import type { Proforma, ProformaPage, ProformaStatus } from "./types.js";

/** The proforma with its lines; BillingNotFoundError when there is none with this id. */
export async function getProforma(db: Db, id: number): Promise<Proforma> {
  return requireProforma(db, parseInput("getProforma", idSchema, id));
}

/** The proforma with this number (surrounding spaces ignored), or null. */
export async function findProformaByNumber(db: Db, number: string): Promise<Proforma | null> {
  const n = parseInput("findProformaByNumber", z.string().trim().min(1).max(100), number);
  return (await readProforma(db, "number", n)) ?? null;
}

export interface ListProformasInput {
  customerId?: number;
  status?: ProformaStatus;
  /** The last id of the previous page (keyset paging, ascending ids). */
  afterId?: number;
  /** 1–1000. */
  limit: number;
}

const listSchema = z.strictObject({
  customerId: idSchema.optional(),
  status: z.enum(["issued", "paid", "cancelled", "expired"]).optional(),
  afterId: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(1000),
});

/** Proformas in id order, optionally one customer's and/or in one status, a page at a time. */
export async function listProformas(db: Db, input: ListProformasInput): Promise<ProformaPage> {
  const v = parseInput("listProformas", listSchema, input);
  const { rows } = await db.query<SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM proformas
     WHERE id > $1 AND ($2::int IS NULL OR customer_id = $2) AND ($3::text IS NULL OR status = $3)
     ORDER BY id LIMIT $4`,
    [v.afterId ?? 0, v.customerId ?? null, v.status ?? null, v.limit + 1],
  );
  const more = rows.length > v.limit;
  const items = rows.slice(0, v.limit).map(toSummary);
  return { items, nextAfterId: more ? items[items.length - 1]!.id : null };
}
