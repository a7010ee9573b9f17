/**
 * The VAT invoice of a paid proforma.
 *
 * - Works inside the caller's transaction (activation issues the invoice in the transaction that
 *   activates the proforma): `db` may be a transaction handle, and our own transaction is then a
 *   savepoint.
 * - Idempotent per proforma (`invoices.proforma_id` is UNIQUE and the proforma row is locked first):
 *   a second call returns the invoice already issued.
 * - The number is allocated in the same transaction that inserts the invoice, so a rolled-back
 *   issue gives its number back: no gaps, no duplicates, whatever the concurrency.
 * - Sale date (P_6) = the payment date: a payment received before the service is the tax point
 *   (art. 19a ust. 8), and the invoice documents that payment. Issue date (P_1) = the Warsaw day of `at`.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { warsawDate } from "../documents/dates.js";
import { invoiceExemptionBasis } from "../documents/exemption.js";
import { allocateNumber } from "../documents/numbering.js";
import { isEuReverseCharge } from "../documents/reverse-charge.js";
import { getSellerSettings } from "../documents/settings.js";
import type { ExemptionBasis, InvoiceDocument, Party } from "../documents/types.js";
import { BillingConflictError, BillingNotFoundError } from "../errors.js";
import { type Currency, money } from "../money/money.js";
import { computeVat, type VatBreakdown, type VatRateCode } from "../money/vat.js";
import { parseInput } from "../validate.js";
import { amountInWords } from "./amount-in-words.js";
import { loadInvoice } from "./read.js";
import {
  atSchema,
  type ExchangeRate,
  exchangeRateSchema,
  insertInvoice,
  isVatRateCode,
  positiveId,
  type StoredLine,
  vatGroups,
} from "./shared.js";

export interface IssueInvoiceInput {
  proformaId: number;
  /** The moment of issue; the issue date is its day in Warsaw. */
  at: Date;
  /** Place of issue (P_1M). Default: the seller's `place`. */
  place?: string;
  /**
   * EUR proformas only (required there): the NBP table A average rate of the last working day
   * before the tax point (the payment), e.g. `{ rate: "4.2718", table: "085/A/NBP/2026", date: "2026-05-04" }`.
   * Ignored for PLN.
   */
  exchangeRate?: ExchangeRate;
  /** Another invoice series (document_series.id, kind 'invoice'). Default: the default series. */
  seriesId?: number;
}

const issueSchema = z.object({
  proformaId: positiveId,
  at: atSchema,
  place: z.string().trim().min(1).max(100).optional(),
  exchangeRate: exchangeRateSchema.optional(),
  seriesId: positiveId.optional(),
});

interface ProformaRow {
  id: number;
  number: string;
  customer_id: number;
  status: string;
  currency: Currency;
  buyer: Party;
  net: number;
  vat: number;
  gross: number;
  paid: number;
  paid_at: Date | null;
}

interface ProformaLineRow {
  position: number;
  name: string;
  description: string | null;
  quantity: number;
  unit_net: number;
  discount: number;
  net: number;
  vat_rate: string;
  gross: number;
  service_from: string | null;
  service_to: string | null;
  unit_gross: number | null;
  /** The line's own exemption basis, else its service's (read now: issue time decides). */
  exemption_basis: ExemptionBasis | null;
}

/** The buyer as printed on the invoice: the proforma's snapshot without the PESEL (never printed). */
function invoiceBuyer(buyer: Party): Party {
  const { pesel: _pesel, ...printed } = buyer;
  return printed;
}

/** Allocates the invoice number; replaceable only by the benchmark's no-numbering baseline. */
export type NumberAllocator = (
  tx: Db,
  issueDate: string,
  seriesId?: number,
) => Promise<{ number: string; seriesId: number }>;

const allocateInvoiceNumber: NumberAllocator = (tx, issueDate, seriesId) =>
  allocateNumber(tx, "invoice", issueDate, seriesId);

/**
 * The unit gross price of a gross-method line: the proforma's (gross entry), or for a proforma
 * stored before unit gross prices were kept, its gross over its quantity when that is exact.
 */
function unitGrossOf(l: ProformaLineRow): number | undefined {
  if (l.unit_gross !== null) return Number(l.unit_gross);
  return l.discount === 0 && l.gross % l.quantity === 0 ? l.gross / l.quantity : undefined;
}

/**
 * VAT per rate on the net sums (art. 106e). A proforma priced gross (art. 106e ust. 7–8, VAT per
 * rate = gross·r/(100+r)) is invoiced by the gross method: its lines keep their unit gross price,
 * so each line is quantity × unit gross and they add up to exactly what was paid.
 */
function invoiceVat(
  p: ProformaRow,
  lines: readonly ProformaLineRow[],
  rates: readonly VatRateCode[],
  reverseCharge: boolean,
): { vat: VatBreakdown; unitGross?: number[] } {
  const byGross = (amounts: number[]) =>
    computeVat(
      amounts.map((a, i) => ({ amount: money(a, p.currency), rate: rates[i]! })),
      "gross",
    );
  if (!reverseCharge && lines.every((l) => l.unit_gross !== null)) {
    const unitGross = lines.map((l) => Number(l.unit_gross));
    const vat = byGross(lines.map((l, i) => l.quantity * unitGross[i]! - l.discount));
    if (vat.total.gross.amount === p.gross) return { vat, unitGross };
  }
  const byNet = computeVat(
    lines.map((l, i) => ({ amount: money(l.net, p.currency), rate: rates[i]! })),
    "net",
  );
  if (reverseCharge || byNet.total.gross.amount === p.gross) return { vat: byNet };
  // a gross-method proforma from before unit gross prices were stored
  const legacy = byGross(lines.map((l) => l.gross));
  if (legacy.total.gross.amount === p.gross && legacy.total.net.amount === p.net) {
    const unitGross = lines.map(unitGrossOf);
    return unitGross.every((u) => u !== undefined)
      ? { vat: legacy, unitGross: unitGross as number[] }
      : { vat: legacy };
  }
  throw new BillingConflictError(
    `proforma ${p.number}: its lines add up to ${byNet.total.gross.amount}, not to its total ${p.gross} (minor units); fix the proforma before invoicing`,
    "proforma_totals",
  );
}

/**
 * The basis of the invoice's exempt lines (art. 106e ust. 1 pkt 19). Every zw line needs one;
 * without it no invoice is issued (FA(3) could not carry it), and the error names the lines.
 */
function exemptionOf(
  p: ProformaRow,
  lines: readonly ProformaLineRow[],
  rates: readonly VatRateCode[],
): ExemptionBasis | undefined {
  const exempt = lines.filter((_, i) => rates[i] === "zw");
  const missing = exempt.filter((l) => !l.exemption_basis);
  if (missing.length > 0) {
    throw new BillingConflictError(
      `proforma ${p.number}: the exempt (zw) ${missing.map((l) => `line ${l.position} (${l.name})`).join(", ")} ${missing.length === 1 ? "has" : "have"} no exemption basis (art. 106e ust. 1 pkt 19); set it on the service (upsertService exemptionBasis) and issue again`,
      "exemption_basis_required",
    );
  }
  const { basis, problem } = invoiceExemptionBasis(exempt.map((l) => l.exemption_basis!));
  if (problem) throw new BillingConflictError(`proforma ${p.number}: ${problem}`, "exemption_basis_mixed");
  return basis;
}

async function paymentMethod(tx: Db, proformaId: number): Promise<string | undefined> {
  const { rows } = await tx.query<{ method: string }>(
    `SELECT method FROM payments WHERE proforma_id = $1 AND amount > 0
     ORDER BY received_at DESC, id DESC LIMIT 1`,
    [proformaId],
  );
  return rows[0]?.method;
}

/** `issueInvoiceForProforma` with the number allocator as a parameter (the benchmark's baseline). */
export async function issueInvoiceWith(
  db: Db,
  input: IssueInvoiceInput,
  allocate: NumberAllocator,
): Promise<InvoiceDocument> {
  const q = parseInput("issueInvoiceForProforma", issueSchema, input);
  return db.transaction(async (tx) => {
    // Lock the proforma first: two issuers of the same proforma queue here, and the second finds the invoice.
    const { rows } = await tx.query<ProformaRow>(
      `SELECT id, number, customer_id, status, currency, buyer, net, vat, gross, paid, paid_at
       FROM proformas WHERE id = $1 FOR UPDATE`,
      [q.proformaId],
    );
    const p = rows[0];
    if (!p) throw new BillingNotFoundError(`proforma ${q.proformaId}`);
    const { rows: existing } = await tx.query<{ id: number }>(
      "SELECT id FROM invoices WHERE proforma_id = $1",
      [p.id],
    );
    if (existing[0]) return loadInvoice(tx, existing[0].id);

    if (p.status !== "paid" || p.paid < p.gross || p.paid_at === null) {
      throw new BillingConflictError(
        `proforma ${p.number} is not paid (status ${p.status}, ${p.paid} of ${p.gross} minor units received): a VAT invoice is issued only for a paid proforma`,
        "unpaid",
      );
    }
    const issueDate = warsawDate(q.at);
    const saleDate = warsawDate(p.paid_at);
    if (issueDate < saleDate) {
      throw new BillingConflictError(
        `the invoice for proforma ${p.number} would be dated ${issueDate}, before its payment on ${saleDate}`,
        "issue_before_payment",
      );
    }
    let exchangeRate: ExchangeRate | null = null;
    if (p.currency !== "PLN") {
      if (!q.exchangeRate) {
        throw new BillingConflictError(
          `proforma ${p.number} is in ${p.currency}: pass exchangeRate, the NBP average rate of the last working day before ${saleDate}`,
          "exchange_rate_required",
        );
      }
      if (q.exchangeRate.date >= saleDate) {
        throw new BillingConflictError(
          `the exchange rate of ${q.exchangeRate.date} is not from before the tax point ${saleDate} (art. 31a: the last working day before it)`,
          "exchange_rate_date",
        );
      }
      exchangeRate = q.exchangeRate;
    }

    const { rows: lineRows } = await tx.query<ProformaLineRow>(
      `SELECT l.position, l.name, l.description, l.quantity, l.unit_net, l.discount, l.net, l.vat_rate, l.gross,
              l.service_from, l.service_to, l.unit_gross, coalesce(l.exemption_basis, s.exemption_basis) AS exemption_basis
       FROM proforma_lines l LEFT JOIN services s ON s.id = l.service_id
       WHERE l.proforma_id = $1 ORDER BY l.position`,
      [p.id],
    );
    if (lineRows.length === 0) {
      throw new BillingConflictError(`proforma ${p.number} has no lines`, "proforma_empty");
    }
    const reverseCharge = isEuReverseCharge(p.buyer);
    const rates = lineRows.map((l): VatRateCode => {
      if (reverseCharge) return "np II";
      if (!isVatRateCode(l.vat_rate)) {
        throw new BillingConflictError(
          `proforma ${p.number} line ${l.position} has an unknown VAT rate "${l.vat_rate}"`,
          "vat_rate",
        );
      }
      return l.vat_rate;
    });
    const exemptionBasis = exemptionOf(p, lineRows, rates);
    const { vat, unitGross } = invoiceVat(p, lineRows, rates, reverseCharge);
    const lines: StoredLine[] = lineRows.map((l, i) => ({
      position: l.position,
      // Art. 106e pkt 7 wants the kind of service: "Rejestracja domeny .pl: sklep.pl", not just the name.
      name: l.description ? `${l.description}: ${l.name}` : l.name,
      quantity: l.quantity,
      unitNet: l.unit_net,
      ...(unitGross ? { unitGross: unitGross[i]! } : {}),
      discount: l.discount,
      net: vat.lines[i]!.net.amount,
      vatRate: rates[i]!,
      vat: vat.lines[i]!.vat.amount,
      gross: vat.lines[i]!.gross.amount,
      ...(l.service_from ? { serviceFrom: l.service_from } : {}),
      ...(l.service_to ? { serviceTo: l.service_to } : {}),
    }));

    const seller = await getSellerSettings(tx);
    const method = await paymentMethod(tx, p.id);
    const place = q.place ?? seller.place ?? null;
    const { number, seriesId } = await allocate(tx, issueDate, q.seriesId);
    return insertInvoice(
      tx,
      {
        number,
        seriesId,
        kind: "VAT",
        proformaId: p.id,
        customerId: p.customer_id,
        corrected: null,
        issueDate,
        saleDate,
        place,
        currency: p.currency,
        exchangeRate,
        seller,
        buyer: invoiceBuyer(p.buyer),
        net: vat.total.net.amount,
        vat: vat.total.vat.amount,
        gross: vat.total.gross.amount,
        vatBreakdown: vatGroups(vat, exchangeRate?.rate),
        amountInWords: amountInWords(vat.total.gross),
        payment: {
          ...(method ? { method } : {}),
          // The payment day (Warsaw), as documents print it.
          paidAt: warsawDate(p.paid_at),
          paid: p.paid,
        },
        annotations: { reverseCharge, splitPayment: false, ...(exemptionBasis ? { exemptionBasis } : {}) },
      },
      lines,
    );
  });
}

/**
 * Issues the VAT invoice of a paid proforma (or returns the one already issued for it). Refused
 * (BillingConflictError) when the proforma is not paid (`unpaid`), when an EUR proforma has no
 * exchange rate (`exchange_rate_required`) or one not from before the payment (`exchange_rate_date`),
 * and when `at` is before the payment day (`issue_before_payment`). Nothing is written when refused.
 */
export function issueInvoiceForProforma(db: Db, input: IssueInvoiceInput): Promise<InvoiceDocument> {
  return issueInvoiceWith(db, input, allocateInvoiceNumber);
}
