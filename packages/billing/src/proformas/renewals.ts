/**
 * The renewal run: one proforma per auto-renewed service and term, made `renewalLeadDays[kind]`
 * days before the term ends. Safe to run as often as wanted and from several processes at once:
 *
 * - every renewal proforma carries `renewal_key = '<customer_service_id>:<expires_on>'`, UNIQUE in
 *   the schema, and is inserted with ON CONFLICT DO NOTHING — the database itself refuses a second
 *   proforma for the same service and term, whatever the callers do;
 * - each batch runs in one transaction that first takes a transaction-scoped advisory lock, then
 *   looks up which keys exist, then numbers and stores the rest: two runs at once take turns per
 *   batch, the second sees the first's proformas and numbers nothing it will not store, so the
 *   series gets no gaps (if an insert is refused anyway, the batch is rolled back and redone).
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { addDays, addYears, warsawDate } from "../documents/dates.js";
import { isEuReverseCharge, saleVatRate } from "../documents/reverse-charge.js";
import { getBillingSettings, getSellerSettings } from "../documents/settings.js";
import type { BillingSettings } from "../documents/types.js";
import { BillingError } from "../errors.js";
import { money } from "../money/money.js";
import { computeVat, type VatBreakdown, type VatRateCode } from "../money/vat.js";
import { type Price, priceFor } from "../prices/lookup.js";
import { parseInput } from "../validate.js";
import { allocateNumbers, atSchema } from "./common.js";
import { type CustomerParties, loadParties } from "./parties.js";
import { breakdownOf, insertProformas, type NewProforma, transferTitleOf } from "./store.js";

export interface RunRenewalsInput {
  /** The moment of the run: its Warsaw day is the issue date and the start of the window. */
  at: Date;
  /** Called after each batch with the services handled so far and the number in the window. */
  onProgress?: (done: number, total: number) => void;
  /** Services per transaction; default 1000. */
  batchSize?: number;
}

export type RenewalSkipCode =
  | "no_renew_service"
  | "not_offered"
  | "period_not_sold"
  | "no_price_group"
  | "no_price"
  | "no_address";

export interface RenewalSkip {
  customerServiceId: number;
  code: RenewalSkipCode;
  reason: string;
}

export interface RenewalRunResult {
  /** Services in the window (active, auto-renewed, expiring within their kind's lead days). */
  considered: number;
  /** Renewal proformas made by this run. */
  created: number;
  /** Services whose term already had a renewal proforma (from an earlier or a concurrent run, or an order). */
  alreadyThere: number;
  /** Services no proforma could be made for, and why: the partner has to act on these. */
  skipped: RenewalSkip[];
  /** The ids of the renewal proformas this run made (`created` of them), ascending. */
  proformaIds: number[];
}

const schema = z.strictObject({
  at: atSchema,
  onProgress: z
    .custom<(done: number, total: number) => void>(
      (f) => typeof f === "function",
      "must be a function (done, total) => void",
    )
    .optional(),
  batchSize: z.number().int().min(1).max(10_000).optional(),
});

interface CandidateRow {
  id: number;
  customer_id: number;
  name: string;
  period: number;
  expires_on: string;
  kind: keyof BillingSettings["renewalLeadDays"];
  tld: string | null;
  product: string | null;
  renew_id: number | null;
  renew_code: string | null;
  renew_name: string | null;
  renew_periods: number[] | null;
  renew_active: boolean | null;
  offered: boolean | null;
  group_id: number | null;
}

// The window: active, auto-renewed services whose term ends between the run's day and that day +
// the lead days of their kind. Walked in keyset order over customer_services_expiry (expires_on, id).
const WINDOW = `cs.status = 'active' AND cs.auto_renew
  AND cs.expires_on >= $1::date AND cs.expires_on <= $2::date
  AND cs.expires_on <= $1::date + (($3::jsonb) ->> s.kind)::int`;

const BATCH_SQL = `
  SELECT cs.id, cs.customer_id, cs.name, cs.period, cs.expires_on, s.kind, s.tld, s.product,
         r.id AS renew_id, r.code AS renew_code, r.name AS renew_name, r.periods AS renew_periods,
         r.active AS renew_active, o.enabled AS offered,
         coalesce(c.price_group_id, (SELECT id FROM price_groups WHERE is_default)) AS group_id
  FROM customer_services cs
  JOIN services s ON s.id = cs.service_id
  JOIN customers c ON c.id = cs.customer_id
  LEFT JOIN offered_services o ON o.kind = s.kind
  -- the renew service of the same kind and TLD (domains, options) or product (SSL, hosting)
  LEFT JOIN LATERAL (
    SELECT id, code, name, periods, active FROM services r
    WHERE r.kind = s.kind AND r.operation = 'renew'
      AND r.tld IS NOT DISTINCT FROM s.tld AND r.product IS NOT DISTINCT FROM s.product
    ORDER BY r.active DESC, r.id LIMIT 1
  ) r ON true
  WHERE ${WINDOW} AND (cs.expires_on, cs.id) > ($4::date, $5::int)
  ORDER BY cs.expires_on, cs.id
  LIMIT $6`;

// Which of these renewal keys exist: one index probe per key. LIMIT inside LATERAL keeps it so;
// a join is planned as a hash of every proforma ever made, per batch.
const TAKEN_SQL = `SELECT p.renewal_key FROM unnest($1::text[]) AS k (key)
  CROSS JOIN LATERAL (SELECT renewal_key FROM proformas WHERE renewal_key = k.key LIMIT 1) p`;

// Services whose term already has its proforma: a renewal proforma with the term's key, or a
// renew line of an open order proforma for the same term (the customer renewed ahead of the run).
// Index probes per service (renewal key; proforma_lines_customer_service, then the proforma): the
// OFFSET 0 fences keep PostgreSQL from turning the EXISTS into a hash of every proforma ever made.
const COVERED_SQL = `
  SELECT cs.id FROM unnest($1::int[], $2::date[], $3::text[]) AS cs (id, expires_on, key)
  WHERE EXISTS (SELECT 1 FROM proformas p WHERE p.renewal_key = cs.key OFFSET 0)
     OR EXISTS (SELECT 1
                FROM (SELECT proforma_id FROM proforma_lines
                      WHERE customer_service_id = cs.id AND operation = 'renew' AND service_from = cs.expires_on
                      OFFSET 0) l
                JOIN proformas p ON p.id = l.proforma_id
                WHERE p.renewal_key IS NULL AND p.status IN ('issued', 'paid')
                OFFSET 0)`;

const keyOf = (r: { id: number; expires_on: string }) => `${r.id}:${r.expires_on}`;

async function coveredTerms(db: Db, rows: CandidateRow[]): Promise<Set<number>> {
  return db.transaction(async (tx) => {
    // A thousand index probes: compiling them (JIT, when the planner's row estimates are stale
    // after a big run) costs more than running them.
    await tx.query("SET LOCAL jit = off");
    const { rows: found } = await tx.query<{ id: number }>(COVERED_SQL, [
      rows.map((r) => r.id),
      rows.map((r) => r.expires_on),
      rows.map(keyOf),
    ]);
    return new Set(found.map((r) => r.id));
  });
}

/** Thrown inside a batch when the database refused an insert the batch had numbered: redo it. */
class BatchRaceLost extends Error {}

const what = (r: CandidateRow) => `${r.kind} ${r.tld ? `.${r.tld}` : r.product}`;

/**
 * Makes the renewal proformas due at `at` (origin `renewal`): for every active customer service
 * with auto_renew whose `expires_on` falls within `renewalLeadDays[kind]` days of `at`'s Warsaw day,
 * one proforma for the next term — the renew service of the same TLD or product, at the customer's
 * price group price for the service's period, service period expires_on → expires_on + period.
 * Services that cannot be priced (no renew service, kind switched off, period not sold, no price,
 * no address) are returned in `skipped` with the reason, not left out silently.
 */
export async function runRenewals(db: Db, input: RunRenewalsInput): Promise<RenewalRunResult> {
  const v = parseInput("runRenewals", schema, input);
  const batchSize = v.batchSize ?? 1000;
  const [settings, seller] = await Promise.all([getBillingSettings(db), getSellerSettings(db)]);
  const today = warsawDate(v.at);
  const leads = settings.renewalLeadDays;
  const until = addDays(today, Math.max(...Object.values(leads)));
  const windowParams = [today, until, JSON.stringify(leads)];
  const { rows: countRows } = await db.query<{ n: number }>(
    `SELECT count(*)::int8 AS n FROM customer_services cs JOIN services s ON s.id = cs.service_id WHERE ${WINDOW}`,
    windowParams,
  );
  const total = countRows[0]!.n;
  const result: RenewalRunResult = {
    considered: 0,
    created: 0,
    alreadyThere: 0,
    skipped: [],
    proformaIds: [],
  };
  const prices = new Map<string, Promise<Price | null>>();
  const vats = new Map<string, VatBreakdown>();
  const dueDate = addDays(today, settings.proformaValidDays);

  const priceOf = (groupId: number, code: string, period: number) => {
    const key = `${groupId}|${code}|${period}`;
    let p = prices.get(key);
    if (!p) {
      p = priceFor(db, { groupId, serviceCode: code, period }).catch((err: unknown) => {
        if (err instanceof BillingError && err.code === "not_found") return null;
        throw err;
      });
      prices.set(key, p);
    }
    return p;
  };
  const vatOf = (price: Price, rate: VatRateCode) => {
    const key = `${price.net.currency}|${price.net.amount}|${rate}`;
    let vat = vats.get(key);
    if (!vat) {
      vat = computeVat([{ amount: money(price.net.amount, price.net.currency), rate }], "net");
      vats.set(key, vat);
    }
    return vat;
  };

  let last: [string, number] = ["0001-01-01", 0];
  for (;;) {
    const { rows } = await db.query<CandidateRow>(BATCH_SQL, [...windowParams, last[0], last[1], batchSize]);
    if (rows.length === 0) break;
    const tail = rows[rows.length - 1]!;
    last = [tail.expires_on, tail.id];
    result.considered += rows.length;

    const covered = await coveredTerms(db, rows);
    const open = rows.filter((r) => !covered.has(r.id));
    result.alreadyThere += rows.length - open.length;

    const parties = await loadParties(
      db,
      open.map((r) => r.customer_id),
    );
    const drafts: NewProforma[] = [];
    for (const r of open) {
      const skip = (code: RenewalSkipCode, reason: string) =>
        result.skipped.push({ customerServiceId: r.id, code, reason });
      if (r.renew_id === null) {
        skip("no_renew_service", `the catalog has no renew service for ${what(r)}`);
        continue;
      }
      if (r.offered === false || !r.renew_active) {
        skip(
          "not_offered",
          `${r.renew_code} is ${r.offered === false ? `not offered (${r.kind} switched off)` : "inactive"}`,
        );
        continue;
      }
      if (!r.renew_periods!.map(Number).includes(r.period)) {
        skip(
          "period_not_sold",
          `${r.renew_code} is not sold for ${r.period} year(s) (periods: ${r.renew_periods!.join(", ")})`,
        );
        continue;
      }
      if (r.group_id === null) {
        skip("no_price_group", `customer ${r.customer_id} has no price group and there is no default group`);
        continue;
      }
      const price = await priceOf(r.group_id, r.renew_code!, r.period);
      if (!price) {
        skip("no_price", `price group ${r.group_id} has no price of ${r.renew_code} for ${r.period} year(s)`);
        continue;
      }
      const buyer = (parties.get(r.customer_id) as CustomerParties | undefined)?.buyer;
      if (!buyer) {
        skip("no_address", `customer ${r.customer_id} has neither an invoice nor a correspondence address`);
        continue;
      }
      // an EU business renews under reverse charge, as it ordered (the quote's and invoice's rule)
      const rate = saleVatRate(isEuReverseCharge(buyer), price.vatRate as VatRateCode);
      const vat = vatOf(price, rate);
      drafts.push({
        number: "",
        seriesId: 0,
        customerId: r.customer_id,
        origin: "renewal",
        issueDate: today,
        dueDate,
        currency: price.net.currency,
        buyer,
        payer: parties.get(r.customer_id)!.payer,
        bankAccount: seller.bankAccount,
        transferTitle: "",
        net: vat.total.net.amount,
        vat: vat.total.vat.amount,
        gross: vat.total.gross.amount,
        vatBreakdown: breakdownOf(vat),
        orderRef: null,
        renewalKey: keyOf(r),
        note: null,
        lines: [
          {
            position: 1,
            serviceId: r.renew_id,
            customerServiceId: r.id,
            operation: "renew",
            name: r.name,
            description: r.renew_name,
            period: r.period,
            serviceFrom: r.expires_on,
            serviceTo: addYears(r.expires_on, r.period),
            quantity: 1,
            unitNet: price.net.amount,
            discount: 0,
            net: vat.lines[0]!.net.amount,
            vatRate: rate,
            vat: vat.lines[0]!.vat.amount,
            gross: vat.lines[0]!.gross.amount,
            details: {},
          },
        ],
      });
    }

    const stored = await storeBatch(db, seller, drafts, today, v.at);
    result.created += stored.ids.length;
    result.alreadyThere += stored.alreadyThere;
    result.proformaIds.push(...stored.ids);
    v.onProgress?.(result.considered, Math.max(total, result.considered));
  }
  result.proformaIds.sort((a, b) => a - b);
  return result;
}

async function storeBatch(
  db: Db,
  seller: Awaited<ReturnType<typeof getSellerSettings>>,
  drafts: NewProforma[],
  issueDate: string,
  at: Date,
): Promise<{ ids: number[]; alreadyThere: number }> {
  if (drafts.length === 0) return { ids: [], alreadyThere: 0 };
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        // Concurrent runs take turns here, batch by batch.
        await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`hrdkit-renewals:${db.schema}`]);
        const { rows } = await tx.query<{ renewal_key: string }>(TAKEN_SQL, [
          drafts.map((d) => d.renewalKey),
        ]);
        const taken = new Set(rows.map((r) => r.renewal_key));
        const todo = drafts.filter((d) => !taken.has(d.renewalKey!));
        if (todo.length === 0) return { ids: [], alreadyThere: drafts.length };
        // The customers first, then the series counter: the order in which an order's proforma
        // takes them too (its customer row, then the counter), so the two never deadlock.
        await tx.query("SELECT id FROM customers WHERE id = ANY($1::int[]) ORDER BY id FOR KEY SHARE", [
          [...new Set(todo.map((d) => d.customerId))],
        ]);
        const { seriesId, numbers } = await allocateNumbers(tx, issueDate, todo.length);
        const numbered = todo.map((d, i) => ({
          ...d,
          number: numbers[i]!,
          seriesId,
          transferTitle: transferTitleOf(numbers[i]!),
        }));
        const ids = await insertProformas(tx, seller, numbered, at);
        if (ids.size !== numbered.length) throw new BatchRaceLost();
        return { ids: [...ids.values()], alreadyThere: drafts.length - todo.length };
      });
    } catch (err) {
      if (err instanceof BatchRaceLost && attempt < 5) continue;
      throw err;
    }
  }
}
