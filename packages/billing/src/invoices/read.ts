/**
 * Reading issued VAT invoices and corrections back as `InvoiceDocument`s (what renderers, senders and
 * the KSeF export take), and listing them.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import type { InvoiceDocument, Party, SellerSettings, VatGroup } from "../documents/types.js";
import { BillingNotFoundError } from "../errors.js";
import { parseInput } from "../validate.js";

interface InvoiceRow {
  id: number;
  number: string;
  kind: "VAT" | "KOR";
  proforma_id: number | null;
  customer_id: number;
  corrected_invoice_id: number | null;
  correction_reason: string | null;
  issue_date: string;
  sale_date: string;
  place: string | null;
  currency: "PLN" | "EUR";
  exchange_rate: string | null;
  rate_table: string | null;
  rate_date: string | null;
  seller: SellerSettings;
  buyer: Party;
  net: number;
  vat: number;
  gross: number;
  vat_breakdown: VatGroup[];
  amount_in_words: string;
  payment: InvoiceDocument["payment"];
  annotations: InvoiceDocument["annotations"];
  corrected_number: string | null;
  corrected_issue_date: string | null;
}

interface LineRow {
  position: number;
  name: string;
  quantity: number;
  unit_net: number;
  discount: number;
  net: number;
  vat_rate: string;
  vat: number;
  gross: number;
  service_from: string | null;
  service_to: string | null;
  state: "before" | "after" | null;
  unit_gross: number | null;
}

const SELECT_INVOICE = `
  SELECT i.id, i.number, i.kind, i.proforma_id, i.customer_id, i.corrected_invoice_id, i.correction_reason,
         i.issue_date, i.sale_date, i.place, i.currency, i.exchange_rate, i.rate_table, i.rate_date,
         i.seller, i.buyer, i.net, i.vat, i.gross, i.vat_breakdown, i.amount_in_words, i.payment,
         i.annotations, c.number AS corrected_number, c.issue_date AS corrected_issue_date
  FROM invoices i LEFT JOIN invoices c ON c.id = i.corrected_invoice_id`;

function toDocument(r: InvoiceRow, lines: LineRow[]): InvoiceDocument {
  const doc: InvoiceDocument = {
    kind: r.kind,
    id: r.id,
    number: r.number,
    issueDate: r.issue_date,
    saleDate: r.sale_date,
    currency: r.currency,
    seller: r.seller,
    buyer: r.buyer,
    lines: lines.map((l) => ({
      position: l.position,
      name: l.name,
      quantity: l.quantity,
      unitNet: l.unit_net,
      discount: l.discount,
      net: l.net,
      vatRate: l.vat_rate,
      vat: l.vat,
      gross: l.gross,
      ...(l.service_from ? { serviceFrom: l.service_from } : {}),
      ...(l.service_to ? { serviceTo: l.service_to } : {}),
      ...(l.unit_gross !== null ? { unitGross: Number(l.unit_gross) } : {}),
      ...(l.state ? { state: l.state } : {}),
    })),
    vatBreakdown: r.vat_breakdown,
    net: r.net,
    vat: r.vat,
    gross: r.gross,
    amountInWords: r.amount_in_words,
    payment: r.payment,
    annotations: r.annotations,
    customerId: r.customer_id,
  };
  if (r.place) doc.place = r.place;
  if (r.exchange_rate && r.rate_table && r.rate_date) {
    doc.exchangeRate = { rate: r.exchange_rate, table: r.rate_table, date: r.rate_date };
  }
  if (r.proforma_id !== null) doc.proformaId = r.proforma_id;
  if (r.corrected_invoice_id !== null) {
    doc.corrected = {
      id: r.corrected_invoice_id,
      number: r.corrected_number ?? "",
      issueDate: r.corrected_issue_date ?? "",
      reason: r.correction_reason ?? "",
    };
  }
  return doc;
}

const LINE_COLUMNS =
  "position, name, quantity, unit_net, discount, net, vat_rate, vat, gross, service_from, service_to, state, unit_gross";

/** Reads an invoice without validating the id (internal: callers already did). */
export async function loadInvoice(db: Db, id: number): Promise<InvoiceDocument> {
  const { rows } = await db.query<InvoiceRow>(`${SELECT_INVOICE} WHERE i.id = $1`, [id]);
  const row = rows[0];
  if (!row) throw new BillingNotFoundError(`invoice ${id}`);
  const { rows: lines } = await db.query<LineRow>(
    `SELECT ${LINE_COLUMNS} FROM invoice_lines WHERE invoice_id = $1 ORDER BY position`,
    [id],
  );
  return toDocument(row, lines);
}

/** A VAT invoice or a correction, with its lines, as it was issued. */
export async function getInvoice(db: Db, id: number): Promise<InvoiceDocument> {
  return loadInvoice(db, parseInput("getInvoice", z.number().int().positive(), id));
}

/** The invoice issued for a proforma, or null when none has been issued yet. */
export async function findInvoiceForProforma(db: Db, proformaId: number): Promise<InvoiceDocument | null> {
  const pid = parseInput("findInvoiceForProforma", z.number().int().positive(), proformaId);
  const { rows } = await db.query<{ id: number }>("SELECT id FROM invoices WHERE proforma_id = $1", [pid]);
  return rows[0] ? loadInvoice(db, rows[0].id) : null;
}

/** One row of `listInvoices`: enough for a table; `getInvoice` gives the whole document. */
export interface InvoiceSummary {
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
  proformaId?: number;
  correctedInvoiceId?: number;
  /** The KSeF number, once the invoice has been sent and accepted. */
  ksefNumber?: string;
  /** The status the KSeF sender recorded, when it recorded one. */
  ksefStatus?: string;
}

export interface ListInvoicesInput {
  customerId?: number;
  kind?: "VAT" | "KOR";
  /** Issue dates from (inclusive), `YYYY-MM-DD`. */
  from?: string;
  /** Issue dates to (inclusive), `YYYY-MM-DD`. */
  to?: string;
  /** Corrections of this invoice. */
  correctedInvoiceId?: number;
  /** The number exactly, e.g. `FV/2026/03/17`. */
  number?: string;
  /** The start of the number (`FV/2026/03/` finds March's; `%` and `_` are themselves). */
  numberPrefix?: string;
  /** true: only documents with a KSeF number; false: only those without one yet. */
  inKsef?: boolean;
  /** Only documents whose recorded KSeF status is this, exactly. */
  ksefStatus?: string;
  /** Keyset paging: invoices with a smaller id than this (the list is newest first). */
  beforeId?: number;
  /** Default 50, at most 500. */
  limit?: number;
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes("\u0000"), "must not contain NUL");
const listSchema = z.object({
  customerId: z.number().int().positive().optional(),
  kind: z.enum(["VAT", "KOR"]).optional(),
  from: day.optional(),
  to: day.optional(),
  correctedInvoiceId: z.number().int().positive().optional(),
  number: text(100).optional(),
  numberPrefix: text(100).optional(),
  inKsef: z.boolean().optional(),
  ksefStatus: text(200).optional(),
  beforeId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.number().int().min(1).max(500).optional(),
});

/** `%`, `_` and `\` typed in a number are themselves, not LIKE wildcards. */
const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Invoices and corrections, newest first; page with `beforeId` = the last id of the previous page. */
export async function listInvoices(db: Db, input: ListInvoicesInput = {}): Promise<InvoiceSummary[]> {
  const q = parseInput("listInvoices", listSchema, input);
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace("?", `$${params.length}`));
  };
  if (q.customerId !== undefined) add("customer_id = ?", q.customerId);
  if (q.kind !== undefined) add("kind = ?", q.kind);
  if (q.from !== undefined) add("issue_date >= ?::date", q.from);
  if (q.to !== undefined) add("issue_date <= ?::date", q.to);
  if (q.correctedInvoiceId !== undefined) add("corrected_invoice_id = ?", q.correctedInvoiceId);
  if (q.number !== undefined) add("number = ?", q.number);
  if (q.numberPrefix !== undefined) add("number LIKE ?", likePrefix(q.numberPrefix));
  if (q.inKsef !== undefined) where.push(q.inKsef ? "ksef ? 'number'" : "NOT ksef ? 'number'");
  if (q.ksefStatus !== undefined) add("ksef->>'status' = ?", q.ksefStatus);
  if (q.beforeId !== undefined) add("id < ?::int8", q.beforeId);
  params.push(q.limit ?? 50);
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
    `SELECT id, number, kind, issue_date, sale_date, customer_id, buyer->>'name' AS buyer_name, currency,
            net, vat, gross, proforma_id, corrected_invoice_id, ksef->>'number' AS ksef_number,
            ksef->>'status' AS ksef_status
     FROM invoices ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    kind: r.kind,
    issueDate: r.issue_date,
    saleDate: r.sale_date,
    customerId: r.customer_id,
    buyerName: r.buyer_name,
    currency: r.currency,
    net: r.net,
    vat: r.vat,
    gross: r.gross,
    ...(r.proforma_id !== null ? { proformaId: r.proforma_id } : {}),
    ...(r.corrected_invoice_id !== null ? { correctedInvoiceId: r.corrected_invoice_id } : {}),
    ...(r.ksef_number ? { ksefNumber: r.ksef_number } : {}),
    ...(r.ksef_status !== null ? { ksefStatus: r.ksef_status } : {}),
  }));
}
