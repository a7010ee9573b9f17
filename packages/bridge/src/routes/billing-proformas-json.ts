/**
 * Proformas on the wire: the named response schemas and the mapping from billing's `Proforma`
 * (amounts in minor units of the document's currency) to JSON (decimal strings exact to the
 * grosz). Line details go out with secrets (authInfo, passwords) redacted: they are stored for
 * provisioning, not for showing.
 */
import { type Currency, money, type Proforma, toDecimal } from "@hrdkit/billing";
import { redactObject } from "@hrdkit/sdk";
import { z } from "zod";
import { moneyOut } from "./billing-schemas.js";

export const PROFORMA_STATUSES = ["issued", "paid", "cancelled", "expired"] as const;
export const PROFORMA_ORIGINS = ["order", "renewal", "manual"] as const;
export const OPERATIONS = ["register", "renew", "transfer", "trade", "create"] as const;

/** The `replayed` flag every journaled answer carries. */
export const replayedField = z.boolean().describe("True when this is the stored answer of an earlier call");

const addressOut = z
  .object({ street: z.string(), postcode: z.string(), city: z.string(), country: z.string() })
  .meta({ id: "ProformaAddress", description: "An address as printed on the proforma" });

export const partyOut = z
  .object({
    name: z.string(),
    nip: z.string().nullable(),
    euVat: z.object({ country: z.string(), number: z.string() }).nullable(),
    email: z.string().nullable(),
    address: addressOut,
  })
  .meta({
    id: "ProformaParty",
    description: "Buyer or payer as printed on the proforma (a snapshot taken at issue; no PESEL)",
  });

export const lineOut = z
  .object({
    position: z.number(),
    name: z.string().describe("What the line is for: the domain (Unicode), the certificate's name, any text"),
    description: z.string().nullable(),
    quantity: z.number(),
    unitNet: moneyOut,
    unitGross: moneyOut.nullable().describe("Gross-price lines only (art. 106e ust. 7–8)"),
    discount: moneyOut,
    net: moneyOut,
    vatRate: z.string().describe('"23", "8", "zw", "np II"…'),
    vat: moneyOut,
    gross: moneyOut,
    serviceFrom: z.string().nullable(),
    serviceTo: z.string().nullable(),
    serviceId: z.number().nullable().describe("The catalog service the line sells"),
    customerServiceId: z
      .number()
      .nullable()
      .describe("The customer's service the line creates (pending until activation) or renews"),
    operation: z.enum(OPERATIONS).nullable(),
    period: z.number().nullable().describe("Years"),
    details: z
      .record(z.string(), z.unknown())
      .describe("Provisioning specifics (nameservers, CSR…); secrets such as authInfo show as [redacted]"),
  })
  .meta({ id: "ProformaLine", description: "A line of a proforma" });

const vatGroupOut = z
  .object({ rate: z.string(), net: moneyOut, vat: moneyOut, gross: moneyOut })
  .meta({ id: "ProformaVatGroup", description: "Net, VAT and gross of one VAT rate (VAT on the net sum)" });

export const proformaOut = z
  .object({
    id: z.number(),
    number: z.string().describe("e.g. PRO/2026/03/7: the customer puts it in the transfer title"),
    origin: z.enum(PROFORMA_ORIGINS).describe("manual proformas never activate a service"),
    status: z.enum(PROFORMA_STATUSES),
    customerId: z.number(),
    issueDate: z.string(),
    dueDate: z.string().describe("The last day it can be paid"),
    currency: z.enum(["PLN", "EUR"]),
    buyer: partyOut,
    payer: partyOut.nullable(),
    bankAccount: z.string(),
    transferTitle: z.string(),
    lines: z.array(lineOut),
    vatBreakdown: z.array(vatGroupOut),
    net: moneyOut,
    vat: moneyOut,
    gross: moneyOut,
    paid: moneyOut,
    outstanding: moneyOut.describe("gross − paid, never below zero"),
    orderRef: z.string().nullable(),
    renewalKey: z.string().nullable().describe("`<customerServiceId>:<expiresOn>` of a renewal proforma"),
    note: z.string().nullable(),
    paidAt: z.string().nullable(),
    activatedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    cancelReason: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Proforma", description: "A proforma (a payment request, not a VAT invoice) with its lines" });

export const summaryOut = z
  .object({
    id: z.number(),
    number: z.string(),
    customerId: z.number(),
    buyerName: z.string(),
    origin: z.enum(PROFORMA_ORIGINS),
    status: z.enum(PROFORMA_STATUSES),
    issueDate: z.string(),
    dueDate: z.string(),
    currency: z.enum(["PLN", "EUR"]),
    net: moneyOut,
    vat: moneyOut,
    gross: moneyOut,
    paid: moneyOut,
    orderRef: z.string().nullable(),
    renewalKey: z.string().nullable(),
  })
  .meta({ id: "ProformaSummary", description: "What a list shows of a proforma" });

const iso = (d: Date | null) => (d ? d.toISOString() : null);
export const dec = (minor: number, currency: Currency): string => toDecimal(money(minor, currency));

type PartyIn = Proforma["buyer"];
const partyJson = (p: PartyIn): z.input<typeof partyOut> => ({
  name: p.name,
  nip: p.nip ?? null,
  euVat: p.euVat ?? null,
  email: p.email ?? null,
  address: p.address,
});

export function proformaJson(p: Proforma): z.input<typeof proformaOut> {
  const d = (minor: number) => dec(minor, p.currency);
  return {
    id: p.id,
    number: p.number,
    origin: p.origin,
    status: p.status,
    customerId: p.customerId,
    issueDate: p.issueDate,
    dueDate: p.dueDate,
    currency: p.currency,
    buyer: partyJson(p.buyer),
    payer: p.payer ? partyJson(p.payer) : null,
    bankAccount: p.bankAccount,
    transferTitle: p.transferTitle,
    lines: p.lines.map((l) => ({
      position: l.position,
      name: l.name,
      description: l.description ?? null,
      quantity: l.quantity,
      unitNet: d(l.unitNet),
      unitGross: l.unitGross === undefined ? null : d(l.unitGross),
      discount: d(l.discount),
      net: d(l.net),
      vatRate: l.vatRate,
      vat: d(l.vat),
      gross: d(l.gross),
      serviceFrom: l.serviceFrom ?? null,
      serviceTo: l.serviceTo ?? null,
      serviceId: l.serviceId,
      customerServiceId: l.customerServiceId,
      operation: l.operation,
      period: l.period,
      details: redactObject(l.details),
    })),
    vatBreakdown: p.vatBreakdown.map((g) => ({
      rate: g.rate,
      net: d(g.net),
      vat: d(g.vat),
      gross: d(g.gross),
    })),
    net: d(p.net),
    vat: d(p.vat),
    gross: d(p.gross),
    paid: d(p.paid),
    outstanding: d(Math.max(0, p.gross - p.paid)),
    orderRef: p.orderRef,
    renewalKey: p.renewalKey,
    note: p.note,
    paidAt: iso(p.paidAt),
    activatedAt: iso(p.activatedAt),
    cancelledAt: iso(p.cancelledAt),
    cancelReason: p.cancelReason,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
