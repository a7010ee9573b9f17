/** What issuing an invoice and issuing a correction share: input shapes, PLN VAT, line storage. */
import { z } from "zod";
import type { Db } from "../db/db.js";
import type { DocumentLine, InvoiceDocument, VatGroup } from "../documents/types.js";
import { type Currency, money, scale } from "../money/money.js";
import { VAT_RATE_CODES, type VatBreakdown, type VatRateCode } from "../money/vat.js";

export const positiveId = z.number().int().positive();
export const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");
export const atSchema = z.date().refine((d) => !Number.isNaN(d.getTime()), "must be a valid date");

export const exchangeRateSchema = z.object({
  rate: z
    .string()
    .regex(
      /^(?!0+(\.0+)?$)\d{1,6}(\.\d{1,6})?$/,
      "must be a positive decimal with up to 6 places, e.g. 4.2718",
    ),
  table: z.string().trim().min(1).max(50),
  date: isoDay,
});

export type ExchangeRate = z.output<typeof exchangeRateSchema>;

/** `"4.2718"` → 4 271 800 millionths (the rate as an exact integer). */
export function rateMicros(rate: string): number {
  const [int, frac = ""] = rate.split(".") as [string, string?];
  return Number(int) * 1_000_000 + Number(frac.padEnd(6, "0"));
}

/** VAT in PLN for a foreign-currency amount: vat × rate, rounded half-up to whole grosze (art. 106e ust. 11). */
export function vatInPln(vat: number, currency: Currency, rate: string): number {
  return scale(money(vat, currency), rateMicros(rate), 1_000_000).amount;
}

export function isVatRateCode(code: string): code is VatRateCode {
  return (VAT_RATE_CODES as readonly string[]).includes(code);
}

/** computeVat's per-rate groups as documents store them; EUR groups also get their VAT in PLN. */
export function vatGroups(breakdown: VatBreakdown, rate?: string): VatGroup[] {
  return breakdown.byRate.map((g) => ({
    rate: g.rate,
    net: g.net.amount,
    vat: g.vat.amount,
    gross: g.gross.amount,
    ...(rate !== undefined && breakdown.currency !== "PLN"
      ? { vatPln: vatInPln(g.vat.amount, breakdown.currency, rate) }
      : {}),
  }));
}

export type StoredLine = DocumentLine & { state?: "before" | "after" };

export interface InvoiceRecord {
  number: string;
  seriesId: number;
  kind: "VAT" | "KOR";
  proformaId: number | null;
  customerId: number;
  /** Corrections: the corrected invoice and why. */
  corrected: InvoiceDocument["corrected"] | null;
  issueDate: string;
  saleDate: string;
  place: string | null;
  currency: Currency;
  exchangeRate: ExchangeRate | null;
  seller: InvoiceDocument["seller"];
  buyer: InvoiceDocument["buyer"];
  net: number;
  vat: number;
  gross: number;
  vatBreakdown: VatGroup[];
  amountInWords: string;
  payment: InvoiceDocument["payment"];
  annotations: InvoiceDocument["annotations"];
}

/**
 * Inserts an invoice and its lines in ONE statement and returns the document as `getInvoice` would
 * read it. One round trip matters: the caller holds the series counter's lock from the number's
 * allocation to its commit, so every statement here is time other issuers wait.
 */
export async function insertInvoice(
  tx: Db,
  row: InvoiceRecord,
  lines: readonly StoredLine[],
): Promise<InvoiceDocument> {
  const { rows } = await tx.query<{ id: number }>(
    `WITH i AS (
       INSERT INTO invoices (number, series_id, kind, proforma_id, customer_id, corrected_invoice_id,
         correction_reason, issue_date, sale_date, place, currency, exchange_rate, rate_table, rate_date,
         seller, buyer, net, vat, gross, vat_breakdown, amount_in_words, payment, annotations)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
       RETURNING id),
     l AS (
       INSERT INTO invoice_lines (invoice_id, position, name, quantity, unit_net, discount, net, vat_rate, vat,
         gross, service_from, service_to, state, unit_gross)
       SELECT i.id, u.* FROM i, unnest($24::int[], $25::text[], $26::int[], $27::int8[], $28::int8[], $29::int8[],
         $30::text[], $31::int8[], $32::int8[], $33::date[], $34::date[], $35::text[], $36::int8[]) AS u)
     SELECT id FROM i`,
    [
      row.number,
      row.seriesId,
      row.kind,
      row.proformaId,
      row.customerId,
      row.corrected?.id ?? null,
      row.corrected?.reason ?? null,
      row.issueDate,
      row.saleDate,
      row.place,
      row.currency,
      row.exchangeRate?.rate ?? null,
      row.exchangeRate?.table ?? null,
      row.exchangeRate?.date ?? null,
      JSON.stringify(row.seller),
      JSON.stringify(row.buyer),
      row.net,
      row.vat,
      row.gross,
      JSON.stringify(row.vatBreakdown),
      row.amountInWords,
      JSON.stringify(row.payment),
      JSON.stringify(row.annotations),
      lines.map((l) => l.position),
      lines.map((l) => l.name),
      lines.map((l) => l.quantity),
      lines.map((l) => l.unitNet),
      lines.map((l) => l.discount),
      lines.map((l) => l.net),
      lines.map((l) => l.vatRate),
      lines.map((l) => l.vat),
      lines.map((l) => l.gross),
      lines.map((l) => l.serviceFrom ?? null),
      lines.map((l) => l.serviceTo ?? null),
      lines.map((l) => l.state ?? null),
      lines.map((l) => l.unitGross ?? null),
    ],
  );
  const doc: InvoiceDocument = {
    kind: row.kind,
    id: rows[0]!.id,
    number: row.number,
    issueDate: row.issueDate,
    saleDate: row.saleDate,
    currency: row.currency,
    seller: row.seller,
    buyer: row.buyer,
    lines: [...lines].sort((a, b) => a.position - b.position),
    vatBreakdown: row.vatBreakdown,
    net: row.net,
    vat: row.vat,
    gross: row.gross,
    amountInWords: row.amountInWords,
    payment: row.payment,
    annotations: row.annotations,
    customerId: row.customerId,
  };
  if (row.place !== null) doc.place = row.place;
  if (row.exchangeRate) doc.exchangeRate = row.exchangeRate;
  if (row.proformaId !== null) doc.proformaId = row.proformaId;
  if (row.corrected) doc.corrected = row.corrected;
  return doc;
}
