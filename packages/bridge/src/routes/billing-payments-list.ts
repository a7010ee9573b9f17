/**
 * The back office's payment list: billing's `listPayments` filters (customer, proforma, method,
 * reference, received days) and pages by keyset in SQL, one row more than the page to learn
 * whether another follows.
 */
import { type Currency, type Db, listPayments, type Payment, type PaymentMethod } from "@hrdkit/billing";

export interface PaymentListFilter {
  customerId?: number;
  proformaId?: number;
  method?: PaymentMethod;
  reference?: string;
  /** First and last day received (Warsaw days, YYYY-MM-DD), inclusive. */
  receivedFrom?: string;
  receivedTo?: string;
  order: "id" | "-id";
  afterId?: number;
  limit: number;
}

export async function listPaymentPage(
  db: Db,
  f: PaymentListFilter,
): Promise<{ items: Payment[]; nextAfterId: number | null }> {
  const rows = await listPayments(db, { ...f, limit: f.limit + 1 });
  const items = rows.slice(0, f.limit);
  return { items, nextAfterId: rows.length > f.limit ? items[items.length - 1]!.id : null };
}

/** The currency of the proforma named by id or number, when there is one. */
export async function proformaCurrency(
  db: Db,
  by: { id?: number; number?: string },
): Promise<Currency | undefined> {
  if (by.id === undefined && by.number === undefined) return undefined;
  const { rows } = await db.query<{ currency: Currency }>(
    `SELECT currency FROM proformas WHERE ${by.id !== undefined ? "id = $1" : "number = $1"}`,
    [by.id ?? by.number?.trim()],
  );
  return rows[0]?.currency;
}
