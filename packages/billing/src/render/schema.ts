/**
 * Zod shapes of the document views (types.ts) as renderers and senders accept them. They check
 * what printing needs (integer minor units, dates, a colour) and let extra fields through, so a
 * document built by proformas or invoices passes as it is.
 */
import { z } from "zod";
import type { InvoiceDocument, ProformaDocument, RenderMode } from "../documents/types.js";

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");
const minor = z.number().int("must be an integer of minor units");
const text = z.string().trim().min(1, "must not be empty");
const currency = z.enum(["PLN", "EUR"]);

const address = z.object({
  street: text,
  postcode: text,
  city: text,
  country: z.string().regex(/^[A-Za-z]{2}$/, "must be a 2-letter country code"),
});

export const partySchema = z.object({
  name: text,
  nip: z.string().optional(),
  pesel: z.string().optional(),
  euVat: z.object({ country: z.string().min(2), number: text }).optional(),
  address,
  email: z.string().email().optional(),
});

export const sellerSchema = z.object({
  name: text,
  nip: text,
  address,
  bankAccount: text,
  bankName: z.string().optional(),
  email: z.string().email(),
  phone: z.string().optional(),
  place: z.string().optional(),
  logoPath: z.string().min(1).optional(),
  accentColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #1a73e8")
    .optional(),
});

const line = z.object({
  position: z.number().int().positive(),
  name: text,
  description: z.string().optional(),
  // 0 is a correction's "after" row (a line withdrawn); other documents need a positive quantity
  quantity: z.number().nonnegative(),
  unitNet: minor,
  unitGross: minor.optional(),
  discount: minor,
  net: minor,
  vatRate: text,
  vat: minor,
  gross: minor,
  serviceFrom: date.optional(),
  serviceTo: date.optional(),
});

const vatGroup = z.object({
  rate: text,
  net: minor,
  vat: minor,
  gross: minor,
  vatPln: minor.optional(),
});

export const proformaSchema = z
  .object({
    kind: z.literal("proforma"),
    id: z.number().int(),
    number: text,
    origin: z.enum(["order", "renewal", "manual"]),
    status: z.enum(["issued", "paid", "cancelled", "expired"]),
    issueDate: date,
    dueDate: date,
    currency,
    seller: sellerSchema,
    buyer: partySchema,
    payer: partySchema.optional(),
    bankAccount: text,
    transferTitle: text,
    lines: z.array(line).min(1, "a document needs at least one line"),
    vatBreakdown: z.array(vatGroup).min(1),
    net: minor,
    vat: minor,
    gross: minor,
    paid: minor,
    customerId: z.number().int(),
  })
  .superRefine((d, ctx) => positiveQuantities(d.lines, ctx));

/** Only a correction's "after" row may have quantity 0 (the line withdrawn). */
function positiveQuantities(
  lines: readonly { quantity: number; state?: "before" | "after" | undefined }[],
  ctx: { addIssue(issue: { code: "custom"; path: (string | number)[]; message: string }): void },
): void {
  lines.forEach((l, i) => {
    if (l.quantity === 0 && l.state !== "after") {
      ctx.addIssue({
        code: "custom",
        path: ["lines", i, "quantity"],
        message: "must be positive (only a correction's row after the correction may be 0)",
      });
    }
  });
}

const exemptionBasis = z.object({
  source: z.enum(["act", "directive", "other"]),
  provision: text,
});

export const invoiceSchema = z
  .object({
    kind: z.enum(["VAT", "KOR"]),
    id: z.number().int(),
    number: text,
    issueDate: date,
    saleDate: date,
    place: z.string().optional(),
    currency,
    exchangeRate: z
      .object({
        rate: z.string().regex(/^\d+(\.\d{1,6})?$/, "must be a rate like 4.2512"),
        table: text,
        date,
      })
      .optional(),
    seller: sellerSchema,
    buyer: partySchema,
    lines: z.array(line.extend({ state: z.enum(["before", "after"]).optional() })).min(1),
    vatBreakdown: z.array(vatGroup).min(1),
    net: minor,
    vat: minor,
    gross: minor,
    amountInWords: text,
    payment: z.object({ method: z.string().optional(), paidAt: date.optional(), paid: minor.optional() }),
    annotations: z.object({
      reverseCharge: z.boolean().optional(),
      exemptionBasis: exemptionBasis.optional(),
      splitPayment: z.boolean().optional(),
    }),
    corrected: z.object({ id: z.number().int(), number: text, issueDate: date, reason: text }).optional(),
    customerId: z.number().int(),
    proformaId: z.number().int().optional(),
  })
  .superRefine((d, ctx) => {
    positiveQuantities(d.lines, ctx);
    if (d.kind === "KOR" && !d.corrected) {
      ctx.addIssue({
        code: "custom",
        path: ["corrected"],
        message: "a correction must name the corrected invoice",
      });
    }
    if (d.currency === "EUR" && !d.exchangeRate) {
      ctx.addIssue({ code: "custom", path: ["exchangeRate"], message: "an EUR invoice needs its NBP rate" });
    }
  });

export const renderModeSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("original") }),
  z.object({ mode: z.literal("copy") }),
  z.object({ mode: z.literal("duplicate"), issuedOn: date }),
]);

// Checked at compile time: every view-type value has a shape the schema reads, and what passes
// the schema is a view-type value.
export type SchemasMatchTypes = [
  Expect<ProformaDocument, z.output<typeof proformaSchema>>,
  Expect<z.input<typeof proformaSchema>, ProformaDocument>,
  Expect<InvoiceDocument, z.output<typeof invoiceSchema>>,
  Expect<z.input<typeof invoiceSchema>, InvoiceDocument>,
  Expect<RenderMode, z.output<typeof renderModeSchema>>,
  Expect<z.input<typeof renderModeSchema>, RenderMode>,
];
type Expect<A, B extends A> = B;
