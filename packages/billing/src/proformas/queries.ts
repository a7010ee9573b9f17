/**
 * Reading proformas: one as its document (`getProforma`, what renderers and senders use), one by
 * its number (payments match transfer titles with it), and pages of summaries.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { parseInput } from "../validate.js";
import { idSchema } from "./common.js";
import { readProforma, requireProforma, SUMMARY_COLUMNS, type SummaryRow, toSummary } from "./store.js";
import type { Proforma, ProformaOrigin, ProformaPage, ProformaStatus } from "./types.js";

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
  origin?: ProformaOrigin;
  /** The exact number (surrounding spaces ignored). */
  number?: string;
  /** The start of the number (`PRO/2026/03/` finds March's; `%` and `_` are themselves). */
  numberPrefix?: string;
  /** The order reference, exactly. */
  orderRef?: string;
  /** First issue day, inclusive (YYYY-MM-DD). */
  issuedFrom?: string;
  /** Last issue day, inclusive (YYYY-MM-DD). */
  issuedTo?: string;
  /** Only these proformas. */
  ids?: readonly number[];
  /** `id` (default): oldest first; `-id`: newest first. */
  order?: "id" | "-id";
  /** The last id of the previous page (keyset paging: ids after it in the list's order). */
  afterId?: number;
  /** 1–1000. */
  limit: number;
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes("\u0000"), "must not contain NUL");

const listSchema = z.strictObject({
  customerId: idSchema.optional(),
  status: z.enum(["issued", "paid", "cancelled", "expired"]).optional(),
  origin: z.enum(["order", "renewal", "manual"]).optional(),
  number: text(100)
    .transform((s) => s.trim())
    .optional(),
  numberPrefix: text(100)
    .transform((s) => s.trim())
    .optional(),
  orderRef: text(200).optional(),
  issuedFrom: day.optional(),
  issuedTo: day.optional(),
  ids: z.array(idSchema).max(10_000).readonly().optional(),
  order: z.enum(["id", "-id"]).optional(),
  afterId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.number().int().min(1).max(1000),
});

/** `%`, `_` and `\` typed in a number are themselves, not LIKE wildcards. */
const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Proformas matching every given filter, a page at a time (keyset on the id: page 500 costs what
 * page 1 does), oldest first or, with `order: "-id"`, newest first.
 */
export async function listProformas(db: Db, input: ListProformasInput): Promise<ProformaPage> {
  const v = parseInput("listProformas", listSchema, input);
  const newest = v.order === "-id";
  const { rows } = await db.query<SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM proformas
     WHERE ($1::int8 IS NULL OR ${newest ? "id < $1" : "id > $1"})
       AND ($2::int IS NULL OR customer_id = $2)
       AND ($3::text IS NULL OR status = $3)
       AND ($4::text IS NULL OR origin = $4)
       AND ($5::text IS NULL OR number LIKE $5)
       AND ($6::text IS NULL OR number = $6)
       AND ($7::text IS NULL OR order_ref = $7)
       AND ($8::date IS NULL OR issue_date >= $8)
       AND ($9::date IS NULL OR issue_date <= $9)
       AND ($10::int[] IS NULL OR id = ANY($10::int[]))
     ORDER BY id ${newest ? "DESC" : "ASC"}
     LIMIT $11`,
    [
      v.afterId ?? null,
      v.customerId ?? null,
      v.status ?? null,
      v.origin ?? null,
      v.numberPrefix === undefined ? null : likePrefix(v.numberPrefix),
      v.number ?? null,
      v.orderRef ?? null,
      v.issuedFrom ?? null,
      v.issuedTo ?? null,
      v.ids ? [...v.ids] : null,
      v.limit + 1,
    ],
  );
  const more = rows.length > v.limit;
  const items = rows.slice(0, v.limit).map(toSummary);
  return { items, nextAfterId: more ? items[items.length - 1]!.id : null };
}
