/**
 * Correction invoices (faktura korygująca, art. 106j; FA(3) `RodzajFaktury=KOR`). An issued invoice
 * never changes: a correction is a new document in the correction series that names the corrected
 * invoice (number, issue date), says why, shows each changed line before and after the correction,
 * and carries as its totals the DIFFERENCES (per rate: net, VAT, gross), as P_13_x/P_14_x/P_15 of
 * a KOR do.
 *
 * Line numbering on a correction: the line at position p of the corrected invoice is shown as row
 * 2p−1 (before, `state: "before"`) and row 2p (after, `state: "after"`), so rows are numbered apart
 * (FA(3) `StanPrzed`) and a later correction finds which line a row was. A second correction of the
 * same invoice starts from the state after the first.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { warsawDate } from "../documents/dates.js";
import { allocateNumber } from "../documents/numbering.js";
import type { InvoiceDocument, VatGroup } from "../documents/types.js";
import {
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  type FieldIssue,
} from "../errors.js";
import { type Currency, money, scale } from "../money/money.js";
import { computeVat, netOf, VAT_RATE_CODES, type VatRateCode } from "../money/vat.js";
import { parseInput } from "../validate.js";
import { amountInWords } from "./amount-in-words.js";
import { loadInvoice } from "./read.js";
import { atSchema, insertInvoice, positiveId, type StoredLine, vatInPln } from "./shared.js";

export interface CorrectionLineChange {
  /** The line's position on the corrected invoice. */
  position: number;
  /** The quantity after the correction (0 removes the line). */
  quantity?: number;
  /** The unit net price after the correction, in minor units. */
  unitNet?: number;
  /** A gross-price invoice (art. 106e ust. 7–8): the unit gross price after the correction, in minor units. */
  unitGross?: number;
  /** The line is withdrawn entirely (quantity 0). */
  remove?: boolean;
}

export interface IssueCorrectionInput {
  /** The VAT invoice to correct (not a correction: correct the original again instead). */
  invoiceId: number;
  at: Date;
  /** Why (PrzyczynaKorekty), e.g. "Zwrot za niewykorzystany okres usługi". */
  reason: string;
  /** The changed lines, or `{ full: true }` to correct the whole invoice to zero. */
  lines: CorrectionLineChange[] | { full: true };
  /** Place of issue; default the corrected invoice's. */
  place?: string;
  /** Another correction series (document_series.id, kind 'correction'). Default: the default series. */
  seriesId?: number;
}

const lineChange = z
  .object({
    position: positiveId,
    quantity: z.number().int().min(0).max(1_000_000).optional(),
    unitNet: z.number().int().min(0).max(1e13).optional(),
    unitGross: z.number().int().min(0).max(1e13).optional(),
    remove: z.literal(true).optional(),
  })
  .refine(
    (c) => c.remove || c.quantity !== undefined || c.unitNet !== undefined || c.unitGross !== undefined,
    { message: "give quantity, unitNet (unitGross on a gross-price invoice) or remove: true" },
  )
  .refine(
    (c) => !(c.remove && (c.quantity !== undefined || c.unitNet !== undefined || c.unitGross !== undefined)),
    { message: "remove: true takes no quantity or price" },
  );

const correctionSchema = z.object({
  invoiceId: positiveId,
  at: atSchema,
  // FA(3) PrzyczynaKorekty is TZnakowy: at most 256 characters
  reason: z.string().trim().min(3, "say why the invoice is corrected").max(256),
  lines: z.union([
    z
      .array(lineChange)
      .min(1)
      .max(10_000)
      .refine((ls) => new Set(ls.map((l) => l.position)).size === ls.length, "each position at most once"),
    z.object({ full: z.literal(true) }),
  ]),
  place: z.string().trim().min(1).max(100).optional(),
  seriesId: positiveId.optional(),
});

type Line = StoredLine;

/** The invoice's lines as they stand after every correction issued so far, by original position. */
async function currentLines(tx: Db, invoice: InvoiceDocument): Promise<Map<number, Line>> {
  const state = new Map<number, Line>(invoice.lines.map((l) => [l.position, l]));
  const { rows } = await tx.query<{ id: number }>(
    "SELECT id FROM invoices WHERE corrected_invoice_id = $1 ORDER BY id",
    [invoice.id],
  );
  for (const { id } of rows) {
    const correction = await loadInvoice(tx, id);
    for (const row of correction.lines) {
      if (row.state !== "after") continue;
      const { state: _s, ...line } = row;
      state.set(row.position / 2, { ...line, position: row.position / 2 });
    }
  }
  return state;
}

/** Per-rate sums of the invoice as it stands (the original's groups plus every difference since). */
async function currentGroups(tx: Db, invoice: InvoiceDocument): Promise<Map<string, VatGroup>> {
  const groups = new Map<string, VatGroup>(invoice.vatBreakdown.map((g) => [g.rate, { ...g }]));
  const { rows } = await tx.query<{ vat_breakdown: VatGroup[] }>(
    "SELECT vat_breakdown FROM invoices WHERE corrected_invoice_id = $1 ORDER BY id",
    [invoice.id],
  );
  for (const { vat_breakdown } of rows) {
    for (const d of vat_breakdown) {
      const g = groups.get(d.rate) ?? { rate: d.rate, net: 0, vat: 0, gross: 0 };
      groups.set(d.rate, {
        rate: d.rate,
        net: g.net + d.net,
        vat: g.vat + d.vat,
        gross: g.gross + d.gross,
        ...(d.vatPln !== undefined || g.vatPln !== undefined
          ? { vatPln: (g.vatPln ?? 0) + (d.vatPln ?? 0) }
          : {}),
      });
    }
  }
  return groups;
}

function lineAfter(before: Line, change: CorrectionLineChange, currency: Currency): Line {
  const quantity = change.remove ? 0 : (change.quantity ?? before.quantity);
  const gross = before.unitGross !== undefined;
  // a gross-price line keeps its method: quantity × unit gross − discount is its gross value
  const unitGross = gross ? (change.unitGross ?? before.unitGross!) : undefined;
  const rate = before.vatRate as VatRateCode;
  const unitNet = gross
    ? change.unitGross === undefined
      ? before.unitNet
      : netOf(money(unitGross!, currency), rate).amount
    : (change.unitNet ?? before.unitNet);
  const unit = unitGross ?? unitNet;
  // The discount goes with the quantity (half of the units → half of the discount), never above the value.
  const scaledDiscount =
    before.quantity > 0 ? scale(money(before.discount, currency), quantity, before.quantity).amount : 0;
  const discount = Math.min(scaledDiscount, quantity * unit);
  const vat = computeVat(
    [{ amount: money(quantity * unit - discount, currency), rate }],
    gross ? "gross" : "net",
  ).lines[0]!;
  return {
    ...before,
    quantity,
    unitNet,
    ...(unitGross !== undefined ? { unitGross } : {}),
    discount,
    net: vat.net.amount,
    vat: vat.vat.amount,
    gross: vat.gross.amount,
  };
}

/**
 * Issues a correction of a VAT invoice. Refused when the invoice is itself a correction
 * (`not_correctable`), when nothing would change (`nothing_to_correct`), or when `at` is before the
 * corrected invoice's issue date (`correction_before_invoice`); a position not on the invoice is a
 * validation error. Nothing is written when refused.
 */
export async function issueCorrection(db: Db, input: IssueCorrectionInput): Promise<InvoiceDocument> {
  const q = parseInput("issueCorrection", correctionSchema, input);
  return db.transaction(async (tx) => {
    // Corrections of one invoice queue here, so each starts from the state the previous one left.
    const { rows: locked } = await tx.query<{ id: number }>(
      "SELECT id FROM invoices WHERE id = $1 FOR UPDATE",
      [q.invoiceId],
    );
    if (!locked[0]) throw new BillingNotFoundError(`invoice ${q.invoiceId}`);
    const invoice = await loadInvoice(tx, q.invoiceId);
    if (invoice.kind !== "VAT") {
      throw new BillingConflictError(
        `${invoice.number} is a correction: correct the original invoice ${invoice.corrected?.number ?? ""} instead`,
        "not_correctable",
      );
    }
    const issueDate = warsawDate(q.at);
    if (issueDate < invoice.issueDate) {
      throw new BillingConflictError(
        `a correction dated ${issueDate} would precede the invoice ${invoice.number} of ${invoice.issueDate}`,
        "correction_before_invoice",
      );
    }
    const state = await currentLines(tx, invoice);
    const changes: CorrectionLineChange[] =
      "full" in q.lines
        ? [...state.values()]
            .filter((l) => l.quantity > 0)
            .map((l) => ({ position: l.position, remove: true }))
        : q.lines;
    if (!("full" in q.lines)) {
      const issues: FieldIssue[] = q.lines.flatMap((c, i): FieldIssue[] => {
        const line = state.get(c.position);
        if (!line) {
          return [
            { path: `lines.${i}.position`, message: `invoice ${invoice.number} has no line ${c.position}` },
          ];
        }
        if (line.unitGross !== undefined && c.unitNet !== undefined) {
          return [
            {
              path: `lines.${i}.unitNet`,
              message: `${invoice.number} is priced gross (art. 106e ust. 7–8): give unitGross`,
            },
          ];
        }
        if (line.unitGross === undefined && c.unitGross !== undefined) {
          return [{ path: `lines.${i}.unitGross`, message: `${invoice.number} is priced net: give unitNet` }];
        }
        return [];
      });
      if (issues.length > 0) throw new BillingValidationError("issueCorrection", issues);
    }

    const rows: Line[] = [];
    const after = new Map(state);
    for (const change of [...changes].sort((a, b) => a.position - b.position)) {
      const before = state.get(change.position)!;
      const next = lineAfter(before, change, invoice.currency);
      if (
        next.quantity === before.quantity &&
        next.unitNet === before.unitNet &&
        next.unitGross === before.unitGross &&
        next.net === before.net
      )
        continue;
      after.set(change.position, next);
      rows.push({ ...before, position: 2 * change.position - 1, state: "before" });
      rows.push({ ...next, position: 2 * change.position, state: "after" });
    }
    if (rows.length === 0) {
      throw new BillingConflictError(
        `the correction changes nothing on ${invoice.number}: every line already has that quantity and price`,
        "nothing_to_correct",
      );
    }

    // Differences per rate: (state after, VAT on net sums) − (state before, as invoiced so far).
    // A gross-price invoice stays one: VAT per rate on the gross sums (art. 106e ust. 7–8).
    const afterLines = [...after.values()];
    const grossMethod = afterLines.every((l) => l.unitGross !== undefined);
    const byRate = computeVat(
      afterLines.map((l) => ({
        amount: money(grossMethod ? l.gross : l.net, invoice.currency),
        rate: l.vatRate as VatRateCode,
      })),
      grossMethod ? "gross" : "net",
    ).byRate;
    const before = await currentGroups(tx, invoice);
    const rate = invoice.exchangeRate?.rate;
    const diffs: VatGroup[] = [];
    for (const code of VAT_RATE_CODES) {
      const a = byRate.find((g) => g.rate === code);
      const b = before.get(code);
      if (!a && !b) continue;
      const aNet = a?.net.amount ?? 0;
      const aVat = a?.vat.amount ?? 0;
      const group: VatGroup = {
        rate: code,
        net: aNet - (b?.net ?? 0),
        vat: aVat - (b?.vat ?? 0),
        gross: aNet + aVat - (b?.gross ?? 0),
      };
      if (rate !== undefined) group.vatPln = vatInPln(aVat, invoice.currency, rate) - (b?.vatPln ?? 0);
      // a rate the correction does not move is left out (P_13_x/P_14_x of a KOR are differences)
      if (group.net !== 0 || group.vat !== 0 || (group.vatPln ?? 0) !== 0) diffs.push(group);
    }
    const net = diffs.reduce((s, g) => s + g.net, 0);
    const vat = diffs.reduce((s, g) => s + g.vat, 0);
    const gross = diffs.reduce((s, g) => s + g.gross, 0);

    const { number, seriesId } = await allocateNumber(tx, "correction", issueDate, q.seriesId);
    return insertInvoice(
      tx,
      {
        number,
        seriesId,
        kind: "KOR",
        proformaId: null,
        customerId: invoice.customerId,
        corrected: { id: invoice.id, number: invoice.number, issueDate: invoice.issueDate, reason: q.reason },
        issueDate,
        saleDate: invoice.saleDate,
        place: q.place ?? invoice.place ?? null,
        currency: invoice.currency,
        exchangeRate: invoice.exchangeRate ?? null,
        seller: invoice.seller,
        buyer: invoice.buyer,
        net,
        vat,
        gross,
        vatBreakdown: diffs,
        amountInWords: amountInWords(money(gross, invoice.currency)),
        payment: {},
        annotations: invoice.annotations,
      },
      rows,
    );
  });
}
