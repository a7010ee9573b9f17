/**
 * The back office's payment list: billing's `listPayments` gives all payments of one customer or
 * one proforma at once, so the paged list with the filters a back office needs (method, received
 * dates, reference) is one keyset query here on billing's `payments` table (its own row shape).
 */
import { type Currency, type Db, money, type Payment, type PaymentMethod } from "@hrdkit/billing";

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

interface Row {
  id: number;
  customer_id: number;
  proforma_id: number | null;
  method: PaymentMethod;
  amount: number;
  currency: Currency;
  received_at: Date;
  reference: string | null;
  title: string | null;
  statement_entry_id: number | null;
  refund_of: number | null;
  created_at: Date;
}

export async function listPaymentPage(
  db: Db,
  f: PaymentListFilter,
): Promise<{ items: Payment[]; nextAfterId: number | null }> {
  const newest = f.order === "-id";
  const { rows } = await db.query<Row>(
    `SELECT id, customer_id, proforma_id, method, amount, currency, received_at, reference, title,
            statement_entry_id, refund_of, created_at
     FROM payments
     WHERE ($1::int IS NULL OR ${newest ? "id < $1" : "id > $1"})
       AND ($2::int IS NULL OR customer_id = $2)
       AND ($3::int IS NULL OR proforma_id = $3)
       AND ($4::text IS NULL OR method = $4)
       AND ($5::text IS NULL OR reference = $5)
       AND ($6::date IS NULL OR (received_at AT TIME ZONE 'Europe/Warsaw')::date >= $6)
       AND ($7::date IS NULL OR (received_at AT TIME ZONE 'Europe/Warsaw')::date <= $7)
     ORDER BY id ${newest ? "DESC" : "ASC"}
     LIMIT $8`,
    [
      f.afterId ?? null,
      f.customerId ?? null,
      f.proformaId ?? null,
      f.method ?? null,
      f.reference ?? null,
      f.receivedFrom ?? null,
      f.receivedTo ?? null,
      f.limit + 1,
    ],
  );
  const page = rows.slice(0, f.limit);
  return {
    items: page.map((r) => ({
      id: r.id,
      customerId: r.customer_id,
      proformaId: r.proforma_id,
      method: r.method,
      amount: money(Number(r.amount), r.currency),
      receivedAt: r.received_at,
      reference: r.reference,
      title: r.title,
      statementEntryId: r.statement_entry_id,
      refundOf: r.refund_of,
      createdAt: r.created_at,
    })),
    nextAfterId: rows.length > f.limit ? page[page.length - 1]!.id : null,
  };
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
