/**
 * `createProformaForOrder`: the proforma the customer pays for an order placed from a quote.
 * One transaction: the quote's promotions are redeemed, a pending customer service is made for
 * every line that creates one, the number is allocated and the proforma stored. Idempotent per
 * order reference.
 */
import { z } from "zod";
import { serviceName as storedName } from "../customers/services.js";
import { type Db, sqlState } from "../db/db.js";
import { allocateNumber } from "../documents/numbering.js";
import { isEuReverseCharge, saleVatRate } from "../documents/reverse-charge.js";
import { getBillingSettings, getSellerSettings } from "../documents/settings.js";
import {
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  type FieldIssue,
} from "../errors.js";
import { formatMoney, money } from "../money/money.js";
import { computeVat, VAT_RATE_CODES, type VatRateCode } from "../money/vat.js";
import { type Quote, redeemQuote } from "../quote/index.js";
import { parseInput } from "../validate.js";
import {
  atSchema,
  CREATING_OPERATIONS,
  createPendingService,
  customerServicesById,
  detailsSchema,
  evenWithIssues,
  idSchema,
  issueAndDue,
  moneySchema,
  renewTargetProblem,
  servicesByCode,
  termOf,
} from "./common.js";
import { loadParties } from "./parties.js";
import { breakdownOf, insertProformas, type NewLine, readProforma, transferTitleOf } from "./store.js";
import type { Proforma } from "./types.js";

export interface CreateProformaForOrderInput {
  customerId: number;
  /** The quote the order was placed from, as `quote` returned it. */
  quote: Quote;
  /** The order's own reference, unique per order: a second call with it returns the same proforma. */
  orderRef: string;
  /** When the order was placed: the issue day (Warsaw) and the redemption time. */
  at: Date;
  /**
   * Per quote line (same index), what provisioning needs: `{ ns: [...] }`, `{ authInfo }`,
   * `{ csr, approverEmail }`… Stored on the line as given. On a `renew` line,
   * `customerServiceId` names the customer's service it renews.
   */
  lineDetails?: (Record<string, unknown> | null | undefined)[];
}

export interface ProformaForOrderResult {
  proforma: Proforma;
  /** False when the order already had its proforma: nothing was written this time. */
  created: boolean;
}

const quoteLineSchema = z.object({
  serviceCode: z.string().min(1),
  serviceName: z.string().min(1),
  name: z.string().trim().min(1).max(255),
  period: z.number().int().min(1).max(10),
  listNet: moneySchema,
  net: moneySchema,
  vatRate: z.enum(VAT_RATE_CODES),
  vat: moneySchema,
  gross: moneySchema,
});

const schema = z
  .strictObject({
    customerId: idSchema,
    quote: z.object({
      customerId: idSchema,
      currency: z.enum(["PLN", "EUR"]),
      lines: z.array(quoteLineSchema).min(1).max(500),
      totals: z.object({ net: moneySchema, vat: moneySchema, gross: moneySchema }),
    }),
    orderRef: z.string().trim().min(1).max(200),
    at: atSchema,
    lineDetails: z
      .array(
        detailsSchema
          .refine(
            (d) =>
              d.customerServiceId === undefined ||
              (Number.isSafeInteger(d.customerServiceId) && Number(d.customerServiceId) > 0),
            { message: "must be the id of a customer service", path: ["customerServiceId"] },
          )
          .nullish(),
      )
      .max(500)
      .optional(),
  })
  .superRefine((v, ctx) => {
    // Runs on raw input too (every bad field named at once): only compare what is there.
    if (typeof v.quote?.customerId === "number" && v.quote.customerId !== v.customerId) {
      ctx.addIssue({
        code: "custom",
        path: ["quote", "customerId"],
        message: `the quote is for customer ${v.quote.customerId}, not ${v.customerId}`,
      });
    }
    if (
      Array.isArray(v.lineDetails) &&
      Array.isArray(v.quote?.lines) &&
      v.lineDetails.length > v.quote.lines.length
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["lineDetails"],
        message: `has ${v.lineDetails.length} entries for ${v.quote.lines.length} quote lines`,
      });
    }
  }, evenWithIssues);

async function existing(db: Db, orderRef: string, customerId: number): Promise<Proforma | undefined> {
  const p = await readProforma(db, "order_ref", orderRef);
  if (p && p.customerId !== customerId) {
    throw new BillingConflictError(
      `order ${orderRef} already has proforma ${p.number} for another customer`,
      "order_ref_taken",
    );
  }
  return p;
}

/**
 * Makes the order's proforma (origin `order`) from its quote: the quote's lines (list price,
 * discount, net, VAT, gross; period and service period; operation and service), totals per VAT
 * rate (equal to the quote's), the next number of the default proforma series, due date = issue +
 * `proformaValidDays`, seller and bank account from the seller settings, buyer and payer from the
 * customer's addresses, and the transfer title with the number.
 *
 * Refused: an invalid input (every bad field named); a quote whose totals do not add up
 * (`quote_mismatch`); no seller settings (`no_seller`); a customer without an invoice or
 * correspondence address (`no_address`); a promotion no longer available (redeemQuote's codes:
 * quote again). Nothing is written when refused.
 */
export async function createProformaForOrder(
  db: Db,
  input: CreateProformaForOrderInput,
): Promise<ProformaForOrderResult> {
  const v = parseInput("createProformaForOrder", schema, input);
  const { customerId, orderRef, at } = v;
  const found = await existing(db, orderRef, customerId);
  if (found) return { proforma: found, created: false };

  const q = v.quote;
  const currency = q.currency;
  const [seller, settings, services, parties] = await Promise.all([
    getSellerSettings(db),
    getBillingSettings(db),
    servicesByCode(
      db,
      q.lines.map((l) => l.serviceCode),
    ),
    loadParties(db, [customerId]),
  ]);
  const party = parties.get(customerId);
  if (!party) throw new BillingNotFoundError(`customer ${customerId}`);
  if (!party.buyer) {
    throw new BillingConflictError(
      `customer ${customerId} has neither an invoice nor a correspondence address: a proforma needs the buyer's address`,
      "no_address",
    );
  }

  const details = q.lines.map((_, i) => (v.lineDetails?.[i] ?? {}) as Record<string, unknown>);
  const renewIds = details.flatMap((d) =>
    d.customerServiceId === undefined ? [] : [Number(d.customerServiceId)],
  );
  const targets = await customerServicesById(db, renewIds);
  const issues: FieldIssue[] = [];
  /** Line names as stored: domains and common names in Unicode, lowercase (`żółw.pl`). */
  const names = q.lines.map((l) => l.name);
  q.lines.forEach((l, i) => {
    const svc = services.get(l.serviceCode);
    if (!svc) {
      issues.push({ path: `quote.lines.${i}.serviceCode`, message: `unknown service ${l.serviceCode}` });
      return;
    }
    for (const m of [l.listNet, l.net, l.vat, l.gross]) {
      if (m.currency !== currency) {
        issues.push({ path: `quote.lines.${i}`, message: `mixes ${m.currency} into a ${currency} quote` });
        break;
      }
    }
    if ((svc.kind === "domain" || svc.kind === "option") && l.name === l.serviceName) {
      issues.push({
        path: `quote.lines.${i}.name`,
        message:
          "needs the domain name (give the quote item a name): provisioning registers what the line names",
      });
    } else if (svc.kind !== "hosting" && l.name !== l.serviceName) {
      // The quote comes back from the client: its names are checked here, where they become
      // services (a certificate named by the service alone gets its common name later).
      const n = storedName(svc, l.name);
      if ("problem" in n) issues.push({ path: `quote.lines.${i}.name`, message: n.problem });
      else names[i] = n.name;
    }
    const csId = details[i]!.customerServiceId;
    if (csId !== undefined) {
      if (svc.operation !== "renew") {
        issues.push({
          path: `lineDetails.${i}.customerServiceId`,
          message: `only a renew line renews a customer service (this one is ${svc.operation})`,
        });
      } else {
        const problem = renewTargetProblem(targets.get(Number(csId)), customerId, svc);
        if (problem)
          issues.push({ path: `lineDetails.${i}.customerServiceId`, message: `${csId} ${problem}` });
      }
    }
  });
  if (issues.length > 0) throw new BillingValidationError("createProformaForOrder", issues);

  // The quote decided reverse charge on the customer as it was then; the proforma's buyer decides
  // it now (the same function), and the invoice will follow the proforma's buyer.
  const reverseCharge = isEuReverseCharge(party.buyer);
  q.lines.forEach((l, i) => {
    const expected = saleVatRate(reverseCharge, services.get(l.serviceCode)!.vatRate as VatRateCode);
    if (l.vatRate !== expected) {
      throw new BillingConflictError(
        `quote line ${i} (${l.name}) is at VAT ${l.vatRate}, but the customer now buys it at ${expected}${reverseCharge ? " (EU reverse charge)" : ""}: quote again`,
        "quote_mismatch",
      );
    }
  });

  // VAT of the document: per rate on the net sums, the way the quote (and the invoice) computes it.
  const vat = computeVat(
    q.lines.map((l) => ({ amount: money(l.net.amount, currency), rate: l.vatRate })),
    "net",
  );
  for (const k of ["net", "vat", "gross"] as const) {
    if (vat.total[k].amount !== q.totals[k].amount || q.totals[k].currency !== currency) {
      throw new BillingConflictError(
        `the quote's ${k} total (${formatMoney(money(q.totals[k].amount, currency), "en")}) is not what its lines add up to (${formatMoney(vat.total[k], "en")}): quote again`,
        "quote_mismatch",
      );
    }
  }
  const { issueDate, dueDate } = issueAndDue(at, settings.proformaValidDays);

  try {
    const id = await db.transaction(async (tx) => {
      // Two calls for one order queue here; the second finds the first's proforma.
      await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [
        `hrdkit-proforma-order:${db.schema}:${orderRef}`,
      ]);
      const again = await tx.query<{ id: number }>("SELECT id FROM proformas WHERE order_ref = $1", [
        orderRef,
      ]);
      if (again.rows[0]) return { id: again.rows[0].id, created: false };

      await redeemQuote(tx, { quote: input.quote, orderRef, at });

      const lines: NewLine[] = [];
      for (const [i, l] of q.lines.entries()) {
        const svc = services.get(l.serviceCode)!;
        const csRef = details[i]!.customerServiceId;
        let customerServiceId: number | null = null;
        let from = issueDate;
        if (csRef !== undefined) {
          customerServiceId = Number(csRef);
          from = targets.get(customerServiceId)!.expiresOn ?? issueDate;
        } else if (CREATING_OPERATIONS.includes(svc.operation)) {
          customerServiceId = await createPendingService(tx, {
            customerId,
            serviceId: svc.id,
            name: names[i]!,
            period: l.period,
            at,
          });
        }
        const term = termOf(from, l.period)!;
        lines.push({
          position: i + 1,
          serviceId: svc.id,
          customerServiceId,
          operation: svc.operation,
          name: names[i]!,
          description: l.name === l.serviceName ? null : l.serviceName,
          period: l.period,
          serviceFrom: term.serviceFrom,
          serviceTo: term.serviceTo,
          quantity: 1,
          unitNet: l.listNet.amount,
          discount: l.listNet.amount - l.net.amount,
          net: l.net.amount,
          vatRate: l.vatRate,
          vat: vat.lines[i]!.vat.amount,
          gross: vat.lines[i]!.gross.amount,
          details: details[i]!,
        });
      }

      // Allocated last: the series counter stays locked until this transaction ends.
      const { number, seriesId } = await allocateNumber(tx, "proforma", issueDate);
      const ids = await insertProformas(
        tx,
        seller,
        [
          {
            number,
            seriesId,
            customerId,
            origin: "order",
            issueDate,
            dueDate,
            currency,
            buyer: party.buyer!,
            payer: party.payer,
            bankAccount: seller.bankAccount,
            transferTitle: transferTitleOf(number),
            net: vat.total.net.amount,
            vat: vat.total.vat.amount,
            gross: vat.total.gross.amount,
            vatBreakdown: breakdownOf(vat),
            orderRef,
            renewalKey: null,
            note: null,
            lines,
          },
        ],
        at,
      );
      return { id: ids.get(number)!, created: true };
    });
    const proforma = id.created
      ? await readProforma(db, "id", id.id)
      : await existing(db, orderRef, customerId);
    return { proforma: proforma!, created: id.created };
  } catch (err) {
    // The order's proforma was stored by another call in between (order_ref is unique).
    if (sqlState(err) === "23505") {
      const p = await existing(db, orderRef, customerId);
      if (p) return { proforma: p, created: false };
    }
    throw err;
  }
}
