/**
 * Invoices on the wire: the document as issued (money as decimal strings, kinds spelled out as
 * `invoice` / `correction`), its KSeF state, the rows of a listing and the duplicates. Shared by
 * the invoice routes; the mapping from billing's documents lives here so every route answers with
 * the same shape.
 */
import {
  type Currency,
  type InvoiceDocument,
  type InvoiceDuplicate,
  type InvoiceKsefState,
  money,
  toDecimal,
} from "@hrdkit/billing";
import { z } from "zod";
import { moneyOut } from "./billing-schemas.js";

/** Billing's `VAT` / `KOR`, as the back office says it. */
export const invoiceKind = z
  .enum(["invoice", "correction"])
  .describe("`invoice`: a VAT invoice; `correction`: a correction invoice (faktura korygująca)");
export type InvoiceKind = z.infer<typeof invoiceKind>;
export const KIND_TO_BILLING = { invoice: "VAT", correction: "KOR" } as const;
export const kindOf = (k: "VAT" | "KOR"): InvoiceKind => (k === "VAT" ? "invoice" : "correction");

const addressOut = z
  .object({
    street: z.string(),
    postcode: z.string(),
    city: z.string(),
    country: z.string().describe("ISO 3166-1 alpha-2"),
  })
  .meta({ id: "InvoiceAddress", description: "An address as printed on a document" });

const sellerOut = z
  .object({
    name: z.string(),
    nip: z.string(),
    address: addressOut,
    bankAccount: z.string(),
    bankName: z.string().nullable(),
    email: z.string(),
    phone: z.string().nullable(),
  })
  .meta({ id: "InvoiceSeller", description: "The seller as printed on the document when it was issued" });

const buyerOut = z
  .object({
    name: z.string(),
    nip: z.string().nullable(),
    euVat: z.object({ country: z.string(), number: z.string() }).nullable(),
    address: addressOut,
    email: z.string().nullable(),
  })
  .meta({ id: "InvoiceBuyer", description: "The buyer as printed on the document when it was issued" });

const lineOut = z
  .object({
    position: z
      .number()
      .describe("Row number; on a correction row 2p−1 is line p before and row 2p line p after"),
    name: z.string(),
    quantity: z.number(),
    unitNet: moneyOut,
    unitGross: moneyOut.nullable().describe("Gross-price documents only (art. 106e ust. 7–8)"),
    discount: moneyOut,
    net: moneyOut,
    vatRate: z.string().describe("23, 8, 5, 0, zw, np I, np II…"),
    vat: moneyOut,
    gross: moneyOut,
    serviceFrom: z.string().nullable(),
    serviceTo: z.string().nullable(),
    state: z.enum(["before", "after"]).nullable().describe("Corrections: the line before or after it"),
  })
  .meta({ id: "InvoiceLine", description: "A line of an invoice or correction" });

const vatGroupOut = z
  .object({
    rate: z.string(),
    net: moneyOut,
    vat: moneyOut,
    gross: moneyOut,
    vatPln: moneyOut.nullable().describe("EUR documents: the VAT in PLN at the document's rate"),
  })
  .meta({
    id: "InvoiceVatGroup",
    description: "Totals of one VAT rate (on a correction: the differences it makes)",
  });

export const ksefStateOut = z
  .object({
    number: z.string().nullable().describe("The KSeF number, once KSeF has accepted the invoice"),
    status: z.string().nullable().describe("What the KSeF sender recorded, e.g. sent, accepted, rejected"),
    sentAt: z.string().nullable(),
    mode: z.enum(["online", "offline24", "offline", "awaryjny"]).nullable(),
  })
  .meta({ id: "InvoiceKsefState", description: "What the KSeF sender recorded about the invoice" });

export const invoiceOut = z
  .object({
    id: z.number(),
    number: z.string(),
    kind: invoiceKind,
    issueDate: z.string(),
    saleDate: z.string().describe("P_6: the day of the service or of the payment received before it"),
    place: z.string().nullable(),
    currency: z.enum(["PLN", "EUR"]),
    exchangeRate: z
      .object({ rate: z.string(), table: z.string(), date: z.string() })
      .meta({ id: "InvoiceExchangeRate", description: "EUR documents: the NBP rate, its table and date" })
      .nullable(),
    seller: sellerOut,
    buyer: buyerOut,
    lines: z.array(lineOut),
    vatBreakdown: z.array(vatGroupOut),
    net: moneyOut,
    vat: moneyOut,
    gross: moneyOut.describe("On a correction: the difference (negative when money goes back)"),
    amountInWords: z.string(),
    payment: z.object({
      method: z.string().nullable(),
      paidAt: z.string().nullable(),
      paid: moneyOut.nullable(),
    }),
    annotations: z.object({
      reverseCharge: z.boolean(),
      splitPayment: z.boolean(),
      exemptionBasis: z
        .object({ source: z.enum(["act", "directive", "other"]), provision: z.string() })
        .nullable(),
    }),
    corrected: z
      .object({ id: z.number(), number: z.string(), issueDate: z.string(), reason: z.string() })
      .nullable()
      .describe("Corrections: the corrected invoice and why"),
    customerId: z.number(),
    proformaId: z.number().nullable(),
    ksef: ksefStateOut,
  })
  .meta({ id: "Invoice", description: "A VAT invoice or correction as it was issued, with its KSeF state" });

export const invoiceSummaryOut = z
  .object({
    id: z.number(),
    number: z.string(),
    kind: invoiceKind,
    issueDate: z.string(),
    saleDate: z.string(),
    customerId: z.number(),
    buyerName: z.string(),
    currency: z.enum(["PLN", "EUR"]),
    net: moneyOut,
    vat: moneyOut,
    gross: moneyOut,
    proformaId: z.number().nullable(),
    correctedInvoiceId: z.number().nullable(),
    ksefNumber: z.string().nullable(),
    ksefStatus: z.string().nullable(),
  })
  .meta({ id: "InvoiceSummary", description: "What a list shows of an invoice or correction" });

export const duplicateOut = z
  .object({
    id: z.number(),
    invoiceId: z.number(),
    invoiceNumber: z.string(),
    issuedOn: z.string().describe("The duplicate's own issue date, printed next to DUPLIKAT"),
    reason: z.string().nullable(),
  })
  .meta({ id: "InvoiceDuplicate", description: "A duplicate (art. 106l) issued for a lost invoice" });

const dec = (minor: number, currency: Currency) => toDecimal(money(minor, currency));

export function ksefJson(k: InvoiceKsefState): z.input<typeof ksefStateOut> {
  const mode = k.mode as z.infer<typeof ksefStateOut>["mode"] | undefined;
  return { number: k.number ?? null, status: k.status ?? null, sentAt: k.sentAt ?? null, mode: mode ?? null };
}

export function invoiceJson(doc: InvoiceDocument, ksef: InvoiceKsefState): z.input<typeof invoiceOut> {
  const c = doc.currency;
  const s = doc.seller;
  const b = doc.buyer;
  return {
    id: doc.id,
    number: doc.number,
    kind: kindOf(doc.kind),
    issueDate: doc.issueDate,
    saleDate: doc.saleDate,
    place: doc.place ?? null,
    currency: c,
    exchangeRate: doc.exchangeRate ?? null,
    // Not logoPath: a path on the bridge's disk is nobody else's business.
    seller: {
      name: s.name,
      nip: s.nip,
      address: s.address,
      bankAccount: s.bankAccount,
      bankName: s.bankName ?? null,
      email: s.email,
      phone: s.phone ?? null,
    },
    buyer: {
      name: b.name,
      nip: b.nip ?? null,
      euVat: b.euVat ?? null,
      address: b.address,
      email: b.email ?? null,
    },
    lines: doc.lines.map((l) => ({
      position: l.position,
      name: l.name,
      quantity: l.quantity,
      unitNet: dec(l.unitNet, c),
      unitGross: l.unitGross === undefined ? null : dec(l.unitGross, c),
      discount: dec(l.discount, c),
      net: dec(l.net, c),
      vatRate: l.vatRate,
      vat: dec(l.vat, c),
      gross: dec(l.gross, c),
      serviceFrom: l.serviceFrom ?? null,
      serviceTo: l.serviceTo ?? null,
      state: l.state ?? null,
    })),
    vatBreakdown: doc.vatBreakdown.map((g) => ({
      rate: g.rate,
      net: dec(g.net, c),
      vat: dec(g.vat, c),
      gross: dec(g.gross, c),
      vatPln: g.vatPln === undefined ? null : dec(g.vatPln, "PLN"),
    })),
    net: dec(doc.net, c),
    vat: dec(doc.vat, c),
    gross: dec(doc.gross, c),
    amountInWords: doc.amountInWords,
    payment: {
      method: doc.payment.method ?? null,
      paidAt: doc.payment.paidAt ?? null,
      paid: doc.payment.paid === undefined ? null : dec(doc.payment.paid, c),
    },
    annotations: {
      reverseCharge: doc.annotations.reverseCharge === true,
      splitPayment: doc.annotations.splitPayment === true,
      exemptionBasis: doc.annotations.exemptionBasis ?? null,
    },
    corrected: doc.corrected ?? null,
    customerId: doc.customerId,
    proformaId: doc.proformaId ?? null,
    ksef: ksefJson(ksef),
  };
}

export const duplicateJson = (d: InvoiceDuplicate): z.input<typeof duplicateOut> => ({
  id: d.id,
  invoiceId: d.invoiceId,
  invoiceNumber: d.invoiceNumber,
  issuedOn: d.issuedOn,
  reason: d.reason ?? null,
});
