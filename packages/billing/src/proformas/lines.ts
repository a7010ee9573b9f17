/**
 * Lines typed by a person (manual proformas, edits): prices net or gross, quantities, VAT rates,
 * turned into stored lines and document totals with computeVat — per rate on the net sums (or on
 * the gross sums when the prices are gross, art. 106e ust. 7–8).
 */
import { z } from "zod";
import { type ExemptionBasisInput, exemptionBasisSchema, exemptionIssue } from "../documents/exemption.js";
import { saleVatRate } from "../documents/reverse-charge.js";
import type { FieldIssue } from "../errors.js";
import { type Currency, type Money, money, parseDecimal } from "../money/money.js";
import { computeVat, netOf, VAT_RATE_CODES, type VatBreakdown, type VatRateCode } from "../money/vat.js";
import {
  type CatalogService,
  type CustomerServiceRef,
  daySchema,
  detailsSchema,
  idSchema,
  termOf,
} from "./common.js";
import type { NewLine } from "./store.js";
import type { ProformaLine } from "./types.js";

const DECIMAL = /^\d+([.,]\d{1,2})?$/;
/** Money, or decimal text in the proforma's currency ("49.99"). */
export const amountSchema = z.union(
  [
    z.object({
      amount: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      currency: z.enum(["PLN", "EUR"]),
    }),
    z.string().trim().regex(DECIMAL),
  ],
  { error: 'must be Money {amount, currency} or a non-negative decimal like "49.99"' },
);
export type AmountInput = Money | string;

export interface ManualLineInput {
  /** A catalog service the line sells (`domain.pl.renew`…): recorded with the line. */
  serviceCode?: string;
  /** What the line is for: the domain, the certificate's name, or any text. */
  name: string;
  description?: string;
  /** Years. */
  period?: number;
  /** Net price of one unit; give unitNet or unitGross, the same on every line. */
  unitNet?: AmountInput;
  /** Gross price of one unit (what a consumer pays). */
  unitGross?: AmountInput;
  /** Default 1. */
  quantity?: number;
  /** Net amount off the line (with unitNet only). */
  discount?: AmountInput;
  /** Default: the service's rate, else 23. */
  vatRate?: VatRateCode;
  /**
   * A `zw` line: the legal basis of the exemption (art. 106e ust. 1 pkt 19), e.g. "art. 43 ust. 1
   * pkt 29 lit. c ustawy o VAT", or `{ source, provision }`. Default: the service's basis. A zw
   * line with neither is refused; the invoice prints it and exports it (FA(3) P_19A/B/C).
   */
  exemptionBasis?: ExemptionBasisInput;
  /** The service period; default: the issue day + period, when a period is given. */
  serviceFrom?: string;
  serviceTo?: string;
  details?: Record<string, unknown>;
}

export const manualLineShape = {
  serviceCode: z.string().trim().min(1).max(200).optional(),
  name: z.string().trim().min(1).max(500),
  description: z.string().trim().min(1).max(1000).optional(),
  period: z.number().int().min(1).max(10).optional(),
  unitNet: amountSchema.optional(),
  unitGross: amountSchema.optional(),
  quantity: z.number().int().min(1).max(100_000).optional(),
  discount: amountSchema.optional(),
  vatRate: z.enum(VAT_RATE_CODES).optional(),
  exemptionBasis: exemptionBasisSchema.optional(),
  serviceFrom: daySchema.optional(),
  serviceTo: daySchema.optional(),
  details: detailsSchema.optional(),
};

export const editLineShape = {
  ...manualLineShape,
  /** The position of a line of this proforma whose service links (service, customer service, operation, details, period, service period) the new line keeps. */
  keep: z.number().int().min(1).max(10_000).optional(),
  /** A renew line: the customer service it renews. */
  customerServiceId: idSchema.optional(),
};

type ParsedLine = z.output<z.ZodObject<typeof editLineShape>>;

/** Cross-field checks of a list of lines: one entry mode, discounts, service periods. */
export function lineListIssues(raw: unknown, path: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!Array.isArray(raw)) return issues;
  // Runs on raw input too (so one call names every bad field): skip what is not an object.
  const lines = raw.map((l) => (typeof l === "object" && l !== null ? (l as Partial<ParsedLine>) : {}));
  const gross = lines.some((l) => l.unitGross !== undefined);
  const kept = new Set<unknown>();
  lines.forEach((l, i) => {
    if (typeof raw[i] !== "object" || raw[i] === null) return;
    const at = `${path}.${i}`;
    if (l.keep !== undefined) {
      if (kept.has(l.keep))
        issues.push({ path: `${at}.keep`, message: `line ${l.keep} is kept by an earlier line` });
      kept.add(l.keep);
    }
    if ((l.unitNet === undefined) === (l.unitGross === undefined)) {
      issues.push({ path: `${at}.unitNet`, message: "give either unitNet or unitGross (exactly one)" });
    } else if (gross && l.unitNet !== undefined) {
      issues.push({
        path: `${at}.unitNet`,
        message: "give unitGross on every line, or unitNet on every line (one document, one entry mode)",
      });
    }
    if (l.discount !== undefined && l.unitGross !== undefined) {
      issues.push({ path: `${at}.discount`, message: "a discount goes with unitNet prices" });
    }
    if ((l.serviceFrom === undefined) !== (l.serviceTo === undefined)) {
      issues.push({
        path: `${at}.${l.serviceFrom === undefined ? "serviceFrom" : "serviceTo"}`,
        message: "give serviceFrom and serviceTo together",
      });
    } else if (
      typeof l.serviceFrom === "string" &&
      typeof l.serviceTo === "string" &&
      l.serviceTo <= l.serviceFrom
    ) {
      issues.push({ path: `${at}.serviceTo`, message: "must be after serviceFrom" });
    }
  });
  return issues;
}

export interface LineContext {
  currency: Currency;
  issueDate: string;
  services: Map<string, CatalogService>;
  /** The proforma's current lines by position (edits). */
  current?: Map<number, ProformaLine>;
  /** Customer services named by `customerServiceId`. */
  targets?: Map<number, CustomerServiceRef>;
  /** The buyer buys under EU reverse charge (isEuReverseCharge): every line is `np II`. */
  reverseCharge?: boolean;
}

export interface PricedLines {
  lines: NewLine[];
  vat: VatBreakdown;
}

function amountOf(a: z.output<typeof amountSchema>, currency: Currency): Money {
  return typeof a === "string" ? parseDecimal(a, currency) : money(a.amount, a.currency);
}

/**
 * Prices validated lines. Returns the issues found against the data (unknown service, a currency
 * other than the proforma's, a discount above the line's value, a `keep` that is not a line) or
 * the stored lines and the document's VAT.
 */
export function priceLines(
  input: ParsedLine[],
  ctx: LineContext,
  path: string,
): { issues: FieldIssue[]; priced?: PricedLines } {
  const issues: FieldIssue[] = [];
  const gross = input.some((l) => l.unitGross !== undefined);
  const drafts = input.map((l, i) => {
    const at = `${path}.${i}`;
    const svc = l.serviceCode === undefined ? undefined : ctx.services.get(l.serviceCode);
    if (l.serviceCode !== undefined && !svc) {
      issues.push({ path: `${at}.serviceCode`, message: `unknown service ${l.serviceCode}` });
    }
    const kept = l.keep === undefined ? undefined : ctx.current?.get(l.keep);
    if (l.keep !== undefined && !kept) {
      issues.push({ path: `${at}.keep`, message: `the proforma has no line ${l.keep}` });
    }
    const unit = amountOf((gross ? l.unitGross : l.unitNet)!, ctx.currency);
    const discount = l.discount === undefined ? money(0, ctx.currency) : amountOf(l.discount, ctx.currency);
    for (const [field, m] of [
      [gross ? "unitGross" : "unitNet", unit],
      ["discount", discount],
    ] as const) {
      if (m.currency !== ctx.currency) {
        issues.push({
          path: `${at}.${field}`,
          message: `must be in ${ctx.currency}, the proforma's currency`,
        });
      }
    }
    const quantity = l.quantity ?? 1;
    const value = unit.amount * quantity;
    if (!Number.isSafeInteger(value))
      issues.push({ path: `${at}.quantity`, message: "the line's value is too large" });
    if (discount.amount > value) {
      issues.push({ path: `${at}.discount`, message: "must not exceed unit price × quantity" });
    }
    // Reverse charge overrides any typed rate, as the quote and the invoice do: a proforma never
    // asks for Polish VAT that the invoice will not show.
    const rate = saleVatRate(
      ctx.reverseCharge ?? false,
      (l.vatRate ?? svc?.vatRate ?? kept?.vatRate ?? "23") as VatRateCode,
    );
    const period = l.period ?? kept?.period ?? null;
    const customerServiceId = l.customerServiceId ?? kept?.customerServiceId ?? null;
    let term: { serviceFrom: string; serviceTo: string } | null = null;
    if (l.serviceFrom && l.serviceTo) term = { serviceFrom: l.serviceFrom, serviceTo: l.serviceTo };
    else if (kept && l.period === undefined && kept.serviceFrom && kept.serviceTo) {
      term = { serviceFrom: kept.serviceFrom, serviceTo: kept.serviceTo };
    } else if (l.customerServiceId !== undefined) {
      const from = ctx.targets?.get(l.customerServiceId)?.expiresOn ?? ctx.issueDate;
      term = termOf(from, period);
    } else if (kept?.serviceFrom && kept.operation === "renew") {
      term = termOf(kept.serviceFrom, period);
    } else term = termOf(ctx.issueDate, period);
    // The basis is read again when the invoice is issued (a service's basis may be set later);
    // here a zw line must already have one, from itself, its service or the line it keeps.
    const ownBasis = l.exemptionBasis ?? (l.keep !== undefined ? kept?.exemptionBasis : undefined);
    // a kept line of a service not named here: its service's basis is checked when invoicing
    const serviceBasisUnknown = kept?.serviceId != null && l.serviceCode === undefined;
    const exemption =
      serviceBasisUnknown && !l.exemptionBasis
        ? undefined
        : exemptionIssue(
            rate,
            ownBasis ?? svc?.exemptionBasis,
            `${at}.exemptionBasis`,
            l.exemptionBasis !== undefined && !ctx.reverseCharge,
          );
    if (exemption) issues.push(exemption);
    const exemptionBasis = rate === "zw" ? (ownBasis ?? null) : null;
    return {
      l,
      svc,
      kept,
      unit,
      discount,
      quantity,
      value,
      rate,
      period,
      customerServiceId,
      term,
      exemptionBasis,
    };
  });
  if (issues.length > 0) return { issues };

  const vat = computeVat(
    drafts.map((d) => ({ amount: money(d.value - d.discount.amount, ctx.currency), rate: d.rate })),
    gross ? "gross" : "net",
  );
  const lines: NewLine[] = drafts.map((d, i) => ({
    position: i + 1,
    serviceId: d.svc?.id ?? (d.l.serviceCode === undefined ? (d.kept?.serviceId ?? null) : null),
    customerServiceId: d.customerServiceId,
    operation: d.svc?.operation ?? (d.l.serviceCode === undefined ? (d.kept?.operation ?? null) : null),
    name: d.l.name,
    description:
      d.l.description ??
      (d.svc && d.svc.name !== d.l.name ? d.svc.name : null) ??
      d.kept?.description ??
      null,
    period: d.period,
    serviceFrom: d.term?.serviceFrom ?? null,
    serviceTo: d.term?.serviceTo ?? null,
    quantity: d.quantity,
    unitNet: gross ? netOf(d.unit, d.rate).amount : d.unit.amount,
    // gross entry (art. 106e ust. 7–8): the unit gross price is what the documents print; under
    // reverse charge there is no VAT in it, so the line is an ordinary net one
    unitGross: gross && !ctx.reverseCharge ? d.unit.amount : null,
    exemptionBasis: d.exemptionBasis,
    discount: d.discount.amount,
    net: vat.lines[i]!.net.amount,
    vatRate: d.rate,
    vat: vat.lines[i]!.vat.amount,
    gross: vat.lines[i]!.gross.amount,
    details: d.l.details ?? d.kept?.details ?? {},
  }));
  return { issues: [], priced: { lines, vat } };
}
