/**
 * The back office's invoice list: billing's `listInvoices` filters (customer, kind, issue dates,
 * corrected invoice, number or its beginning, KSeF number present or not, KSeF status) and pages
 * newest first by keyset on the id in SQL; its summaries are mapped to the wire's rows here.
 */
import { type Db, listInvoices } from "@hrdkit/billing";

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

export async function listInvoicePage(db: Db, f: InvoiceListFilter): Promise<InvoiceListRow[]> {
  const { number, inKsef, ...rest } = f;
  const byNumber =
    number === undefined ? {} : number.endsWith("*") ? { numberPrefix: number.slice(0, -1) } : { number };
  const rows = await listInvoices(db, {
    ...rest,
    ...byNumber,
    ...(inKsef === undefined ? {} : { inKsef }),
  });
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    kind: r.kind,
    issueDate: r.issueDate,
    saleDate: r.saleDate,
    customerId: r.customerId,
    buyerName: r.buyerName,
    currency: r.currency,
    net: r.net,
    vat: r.vat,
    gross: r.gross,
    proformaId: r.proformaId ?? null,
    correctedInvoiceId: r.correctedInvoiceId ?? null,
    ksefNumber: r.ksefNumber ?? null,
    ksefStatus: r.ksefStatus ?? null,
  }));
}
