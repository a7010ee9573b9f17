/**
 * The back office's proforma list: billing's `listProformas` filters (customer, status, origin,
 * number or its start, order reference, issue-date range, ids) and pages by keyset in SQL (`id >
 * cursor`, or `<` newest first, on the primary key: page 500 costs what page 1 does); the
 * summaries are mapped to the wire here.
 */
import { type Db, listProformas, type ProformaSummary } from "@hrdkit/billing";
import type { z } from "zod";
import { dec, type summaryOut } from "./billing-proformas-json.js";

export interface ProformaListFilter {
  customerId?: number;
  status?: ProformaSummary["status"];
  origin?: ProformaSummary["origin"];
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

/** The most billing reads in one call; longer lists (ids of a big renewal run) take several. */
const BILLING_PAGE = 1000;

export async function listProformaSummaries(
  db: Db,
  f: ProformaListFilter,
): Promise<{ items: z.input<typeof summaryOut>[]; nextAfterId: number | null }> {
  const { afterId, limit, ...filter } = f;
  if (limit < 1) return { items: [], nextAfterId: null };
  const found: ProformaSummary[] = [];
  let after = afterId;
  let nextAfterId: number | null = null;
  for (;;) {
    const page = await listProformas(db, {
      ...filter,
      ...(after === undefined ? {} : { afterId: after }),
      limit: Math.min(BILLING_PAGE, limit - found.length),
    });
    found.push(...page.items);
    if (page.nextAfterId === null || found.length === limit) {
      nextAfterId = page.nextAfterId;
      break;
    }
    after = page.nextAfterId;
  }
  return {
    items: found.map((p) => ({
      id: p.id,
      number: p.number,
      customerId: p.customerId,
      buyerName: p.buyerName,
      origin: p.origin,
      status: p.status,
      issueDate: p.issueDate,
      dueDate: p.dueDate,
      currency: p.currency,
      net: dec(p.net.amount, p.currency),
      vat: dec(p.vat.amount, p.currency),
      gross: dec(p.gross.amount, p.currency),
      paid: dec(p.paid.amount, p.currency),
      orderRef: p.orderRef,
      renewalKey: p.renewalKey,
    })),
    nextAfterId,
  };
}

/** The id of the order's proforma, when the order reference has one. */
export async function proformaIdForOrder(db: Db, orderRef: string): Promise<number | undefined> {
  const { rows } = await db.query<{ id: number }>("SELECT id FROM proformas WHERE order_ref = $1", [
    orderRef.trim(),
  ]);
  return rows[0]?.id;
}
