/**
 * `createManualProforma`: a proforma typed by the partner, for anything at any price. It is a
 * payment request only: a hand-made proforma can never activate a service (HRD's panel rule) —
 * it is stored with origin `manual`, which activation refuses.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { allocateNumber } from "../documents/numbering.js";
import { isEuReverseCharge } from "../documents/reverse-charge.js";
import { getBillingSettings, getSellerSettings } from "../documents/settings.js";
import { BillingConflictError, BillingNotFoundError, BillingValidationError } from "../errors.js";
import type { Currency } from "../money/money.js";
import { parseInput } from "../validate.js";
import {
  atSchema,
  evenWithIssues,
  idSchema,
  issueAndDue,
  noteSchema,
  pathOf,
  servicesByCode,
} from "./common.js";
import { lineListIssues, type ManualLineInput, manualLineShape, priceLines } from "./lines.js";
import { loadParties } from "./parties.js";
import { breakdownOf, insertProformas, readProforma, transferTitleOf } from "./store.js";
import type { Proforma } from "./types.js";

export interface CreateManualProformaInput {
  customerId: number;
  lines: ManualLineInput[];
  /** The issue moment (its Warsaw day is the issue date). */
  at: Date;
  /** Printed on the proforma. */
  note?: string;
  /** Default: the currency of the customer's price group (PLN without one). */
  currency?: Currency;
}

const schema = z
  .strictObject({
    customerId: idSchema,
    lines: z.array(z.strictObject(manualLineShape)).min(1).max(500),
    at: atSchema,
    note: noteSchema.optional(),
    currency: z.enum(["PLN", "EUR"]).optional(),
  })
  .superRefine((v, ctx) => {
    for (const issue of lineListIssues(v.lines, "lines")) {
      ctx.addIssue({ code: "custom", path: pathOf(issue.path), message: issue.message });
    }
  }, evenWithIssues);

/**
 * Makes a hand-made proforma (origin `manual`): the lines as typed (net or gross unit prices,
 * quantities, discounts, VAT rates; a catalog service recorded when named), totals per VAT rate,
 * the next number of the default series, due date = issue + `proformaValidDays`.
 *
 * It can be paid, edited, cancelled and expires like any proforma, but it can never activate a
 * service: activation refuses origin `manual`. To sell a service, make the proforma for an order.
 */
export async function createManualProforma(db: Db, input: CreateManualProformaInput): Promise<Proforma> {
  const v = parseInput("createManualProforma", schema, input);
  const [seller, settings, services, parties, group] = await Promise.all([
    getSellerSettings(db),
    getBillingSettings(db),
    servicesByCode(
      db,
      v.lines.flatMap((l) => (l.serviceCode === undefined ? [] : [l.serviceCode])),
    ),
    loadParties(db, [v.customerId]),
    db.query<{ currency: Currency | null }>(
      `SELECT g.currency FROM customers c
       LEFT JOIN price_groups g ON g.id = coalesce(c.price_group_id, (SELECT id FROM price_groups WHERE is_default))
       WHERE c.id = $1`,
      [v.customerId],
    ),
  ]);
  const party = parties.get(v.customerId);
  if (!party) throw new BillingNotFoundError(`customer ${v.customerId}`);
  if (!party.buyer) {
    throw new BillingConflictError(
      `customer ${v.customerId} has neither an invoice nor a correspondence address: a proforma needs the buyer's address`,
      "no_address",
    );
  }
  const currency = v.currency ?? group.rows[0]?.currency ?? "PLN";
  const { issueDate, dueDate } = issueAndDue(v.at, settings.proformaValidDays);
  const { issues, priced } = priceLines(
    v.lines,
    { currency, issueDate, services, reverseCharge: isEuReverseCharge(party.buyer) },
    "lines",
  );
  if (!priced) throw new BillingValidationError("createManualProforma", issues);

  const id = await db.transaction(async (tx) => {
    const { number, seriesId } = await allocateNumber(tx, "proforma", issueDate);
    const ids = await insertProformas(
      tx,
      seller,
      [
        {
          number,
          seriesId,
          customerId: v.customerId,
          origin: "manual",
          issueDate,
          dueDate,
          currency,
          buyer: party.buyer!,
          payer: party.payer,
          bankAccount: seller.bankAccount,
          transferTitle: transferTitleOf(number),
          net: priced.vat.total.net.amount,
          vat: priced.vat.total.vat.amount,
          gross: priced.vat.total.gross.amount,
          vatBreakdown: breakdownOf(priced.vat),
          orderRef: null,
          renewalKey: null,
          note: v.note ?? null,
          lines: priced.lines,
        },
      ],
      v.at,
    );
    return ids.get(number)!;
  });
  return (await readProforma(db, "id", id))!;
}
