/**
 * The back office's invoice list. Billing's `listInvoices` filters by customer, kind, issue dates
 * and corrected invoice, but not by number or KSeF state, which a back office searches by every
 * day ("where is FV/2026/03/17?", "what has not reached KSeF yet?"). Until billing grows those two
 * filters, the bridge reads the same table the same way (newest first, keyset on id) with them
 * added; the rows are mapped exactly as billing's `InvoiceSummary`.
 */
import type { Db } from "@hrdkit/billing";

export interface InvoiceListFilter {
  customerId?: number;
  kind?: "VAT" | "KOR";
  /** Issue dates from / to, inclusive, `YYYY-MM-DD`. */
  from?: string;
  to?: string;
  correctedInvoiceId?: number;
  /** The number exactly, or (ending in `*`) its beginning. */
  number?: string;
  /** true: has a KSeF number; false: has none yet. */
  inKsef?: boolean;
  /** The status the KSeF sender recorded, exactly. */
  ksefStatus?: string;
  /** Keyset: ids below this one (the previous page's last). */
  beforeId?: number;
  limit: number;
}

export interface InvoiceListRow {
  id: number;
  number: string;
  kind: "VAT" | "KOR";
  issueDate: string;
  saleDate: string;
  customerId: number;
  buyerName: string;
  currency: "PLN" | "EUR";
  net: number;
  vat: number;
  gross: number;
  proformaId: number | null;
  correctedInvoiceId: number | null;
  ksefNumber: string | null;
  ksefStatus: string | null;
}

/** `FV/2026/03/*` → a LIKE pattern matching what starts with `FV/2026/03/` (`%` and `_` taken literally). */
function numberCondition(number: string): { sql: string; value: string } {
  if (!number.endsWith("*")) return { sql: "number = ?", value: number };
  const prefix = number.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`);
  return { sql: "number LIKE ?", value: `${prefix}%` };
}

export async function listInvoicePage(db: Db, f: InvoiceListFilter): Promise<InvoiceListRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace("?", `$${params.length}`));
  };
  if (f.customerId !== undefined) add("customer_id = ?", f.customerId);
  if (f.kind !== undefined) add("kind = ?", f.kind);
  if (f.from !== undefined) add("issue_date >= ?::date", f.from);
  if (f.to !== undefined) add("issue_date <= ?::date", f.to);
  if (f.correctedInvoiceId !== undefined) add("corrected_invoice_id = ?", f.correctedInvoiceId);
  if (f.number !== undefined) {
    const c = numberCondition(f.number);
    add(c.sql, c.value);
  }
  if (f.inKsef !== undefined) where.push(f.inKsef ? "ksef ? 'number'" : "NOT ksef ? 'number'");
  if (f.ksefStatus !== undefined) add("ksef->>'status' = ?", f.ksefStatus);
  if (f.beforeId !== undefined) add("id < ?", f.beforeId);
  params.push(f.limit);
  const { rows } = await db.query<{
    id: number;
    number: string;
    kind: "VAT" | "KOR";
    issue_date: string;
    sale_date: string;
    customer_id: number;
    buyer_name: string;
    currency: "PLN" | "EUR";
    net: number;
    vat: number;
    gross: number;
    proforma_id: number | null;
    corrected_invoice_id: number | null;
    ksef_number: string | null;
    ksef_status: string | null;
  }>(
    `SELECT id, number, kind, issue_date::text AS issue_date, sale_date::text AS sale_date, customer_id,
            buyer->>'name' AS buyer_name, currency, net, vat, gross, proforma_id, corrected_invoice_id,
            ksef->>'number' AS ksef_number, ksef->>'status' AS ksef_status
     FROM invoices ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    number: r.number,
    kind: r.kind,
    issueDate: r.issue_date,
    saleDate: r.sale_date,
    customerId: Number(r.customer_id),
    buyerName: r.buyer_name,
    currency: r.currency,
    net: Number(r.net),
    vat: Number(r.vat),
    gross: Number(r.gross),
    proformaId: r.proforma_id === null ? null : Number(r.proforma_id),
    correctedInvoiceId: r.corrected_invoice_id === null ? null : Number(r.corrected_invoice_id),
    ksefNumber: r.ksef_number,
    ksefStatus: r.ksef_status,
  }));
}
