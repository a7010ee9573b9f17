/**
 * The back office's proforma list: billing's `listProformas` filters by customer and status only,
 * so the list with every filter a back office needs (origin, number prefix, order reference,
 * issue-date range) is one keyset query here, on the same columns billing's summaries read. Page
 * 500 costs what page 1 does: `id > cursor` (or `<`, newest first) on the primary key.
 */
import type { Currency, Db } from "@hrdkit/billing";
import type { z } from "zod";
import { dec, type summaryOut } from "./billing-proformas-json.js";

export interface ProformaListFilter {
  customerId?: number;
  status?: string;
  origin?: string;
  /** The exact number. */
  number?: string;
  /** The start of the number (`PRO/2026/03/` finds March's). */
  numberPrefix?: string;
  orderRef?: string;
  /** First and last issue day, inclusive (YYYY-MM-DD). */
  issuedFrom?: string;
  issuedTo?: string;
  /** Only these proformas. */
  ids?: readonly number[];
  order: "id" | "-id";
  afterId?: number;
  limit: number;
}

interface Row {
  id: number;
  number: string;
  customer_id: number;
  buyer_name: string;
  origin: "order" | "renewal" | "manual";
  status: "issued" | "paid" | "cancelled" | "expired";
  issue_date: string;
  due_date: string;
  currency: Currency;
  net: number;
  vat: number;
  gross: number;
  paid: number;
  order_ref: string | null;
  renewal_key: string | null;
}

/** `%`, `_` and `\` typed in a number are themselves, not LIKE wildcards. */
const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function listProformaSummaries(
  db: Db,
  f: ProformaListFilter,
): Promise<{ items: z.input<typeof summaryOut>[]; nextAfterId: number | null }> {
  const newest = f.order === "-id";
  const { rows } = await db.query<Row>(
    `SELECT id, number, customer_id, buyer->>'name' AS buyer_name, origin, status, issue_date, due_date,
            currency, net, vat, gross, paid, order_ref, renewal_key
     FROM proformas
     WHERE ($1::int IS NULL OR ${newest ? "id < $1" : "id > $1"})
       AND ($2::int IS NULL OR customer_id = $2)
       AND ($3::text IS NULL OR status = $3)
       AND ($4::text IS NULL OR origin = $4)
       AND ($5::text IS NULL OR number LIKE $5)
       AND ($11::text IS NULL OR number = $11)
       AND ($6::text IS NULL OR order_ref = $6)
       AND ($7::date IS NULL OR issue_date >= $7)
       AND ($8::date IS NULL OR issue_date <= $8)
       AND ($10::int[] IS NULL OR id = ANY($10::int[]))
     ORDER BY id ${newest ? "DESC" : "ASC"}
     LIMIT $9`,
    [
      f.afterId ?? null,
      f.customerId ?? null,
      f.status ?? null,
      f.origin ?? null,
      f.numberPrefix === undefined ? null : likePrefix(f.numberPrefix.trim()),
      f.orderRef ?? null,
      f.issuedFrom ?? null,
      f.issuedTo ?? null,
      f.limit + 1,
      f.ids ? [...f.ids] : null,
      f.number?.trim() ?? null,
    ],
  );
  const page = rows.slice(0, f.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      number: r.number,
      customerId: r.customer_id,
      buyerName: r.buyer_name,
      origin: r.origin,
      status: r.status,
      issueDate: r.issue_date,
      dueDate: r.due_date,
      currency: r.currency,
      net: dec(Number(r.net), r.currency),
      vat: dec(Number(r.vat), r.currency),
      gross: dec(Number(r.gross), r.currency),
      paid: dec(Number(r.paid), r.currency),
      orderRef: r.order_ref,
      renewalKey: r.renewal_key,
    })),
    nextAfterId: rows.length > f.limit ? page[page.length - 1]!.id : null,
  };
}

/** The id of the order's proforma, when the order reference has one. */
export async function proformaIdForOrder(db: Db, orderRef: string): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>("SELECT id FROM proformas WHERE order_ref = $1", [
    orderRef.trim(),
  ]);
  return rows[0]?.id;
}
