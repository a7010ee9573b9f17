/**
 * How proformas are written and read: one set-based INSERT for any number of proformas (the
 * renewal run stores a whole batch with it, an order one), and the row → `Proforma` mapping.
 */
import type { Db } from "../db/db.js";
import type { ExemptionBasis, Party, SellerSettings, VatGroup } from "../documents/types.js";
import { BillingNotFoundError } from "../errors.js";
import { money } from "../money/money.js";
import type { VatBreakdown } from "../money/vat.js";
import type {
  Proforma,
  ProformaLine,
  ProformaOperation,
  ProformaOrigin,
  ProformaStatus,
  ProformaSummary,
} from "./types.js";

export type Currency = "PLN" | "EUR";

/** A line ready to store (amounts in minor units). */
export interface NewLine {
  position: number;
  serviceId: number | null;
  customerServiceId: number | null;
  operation: ProformaOperation | null;
  name: string;
  description: string | null;
  period: number | null;
  serviceFrom: string | null;
  serviceTo: string | null;
  quantity: number;
  unitNet: number;
  /** Gross entry (art. 106e ust. 7–8): the unit gross price. Null or absent: a net line. */
  unitGross?: number | null;
  discount: number;
  net: number;
  vatRate: string;
  vat: number;
  gross: number;
  details: Record<string, unknown>;
  /** A zw line's own exemption basis. */
  exemptionBasis?: ExemptionBasis | null;
}

/** A proforma ready to store, numbered. */
export interface NewProforma {
  number: string;
  seriesId: number;
  customerId: number;
  origin: ProformaOrigin;
  issueDate: string;
  dueDate: string;
  currency: Currency;
  buyer: Party;
  payer: Party | null;
  bankAccount: string;
  transferTitle: string;
  net: number;
  vat: number;
  gross: number;
  vatBreakdown: VatGroup[];
  orderRef: string | null;
  renewalKey: string | null;
  note: string | null;
  lines: NewLine[];
}

/** computeVat's per-rate groups as documents store them (minor units). */
export function breakdownOf(v: VatBreakdown): VatGroup[] {
  return v.byRate.map((r) => ({ rate: r.rate, net: r.net.amount, vat: r.vat.amount, gross: r.gross.amount }));
}

/** The title a customer puts on the transfer: payments are matched to proformas by the number in it. */
export const transferTitleOf = (number: string): string => `Proforma ${number}`;

const LINE_COLUMNS = `position, service_id, customer_service_id, operation, name, description, period,
  service_from, service_to, quantity, unit_net, discount, net, vat_rate, vat, gross, details, unit_gross,
  exemption_basis`;

/** Stores the lines of stored proformas (set-based). */
export async function insertLines(tx: Db, lines: (NewLine & { proformaId: number })[]): Promise<void> {
  if (lines.length === 0) return;
  await tx.query(
    `INSERT INTO proforma_lines (proforma_id, ${LINE_COLUMNS})
     SELECT x.proforma_id, x.position, x.service_id, x.customer_service_id, x.operation, x.name, x.description,
            x.period, x.service_from, x.service_to, x.quantity, x.unit_net, x.discount, x.net, x.vat_rate,
            x.vat, x.gross, coalesce(x.details, '{}'), x.unit_gross, x.exemption_basis
     FROM jsonb_to_recordset($1::jsonb) AS x (proforma_id int, position int, service_id int,
       customer_service_id int, operation text, name text, description text, period int, service_from date,
       service_to date, quantity int, unit_net bigint, discount bigint, net bigint, vat_rate text, vat bigint,
       gross bigint, details jsonb, unit_gross bigint, exemption_basis jsonb)`,
    [
      JSON.stringify(
        lines.map((l) => ({
          proforma_id: l.proformaId,
          position: l.position,
          service_id: l.serviceId,
          customer_service_id: l.customerServiceId,
          operation: l.operation,
          name: l.name,
          description: l.description,
          period: l.period,
          service_from: l.serviceFrom,
          service_to: l.serviceTo,
          quantity: l.quantity,
          unit_net: l.unitNet,
          discount: l.discount,
          net: l.net,
          vat_rate: l.vatRate,
          vat: l.vat,
          gross: l.gross,
          details: l.details,
          unit_gross: l.unitGross ?? null,
          exemption_basis: l.exemptionBasis ?? null,
        })),
      ),
    ],
  );
}

/**
 * Stores proformas and their lines in one statement each. A proforma whose renewal key is taken
 * is not stored (ON CONFLICT DO NOTHING: the unique key is what makes the renewal run safe to run
 * twice or from two processes); the result maps the number of every one stored to its id. An
 * order reference that is taken raises the unique violation (23505) for the caller to handle.
 */
export async function insertProformas(
  tx: Db,
  seller: SellerSettings,
  proformas: NewProforma[],
  at: Date,
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (proformas.length === 0) return ids;
  const { rows } = await tx.query<{ id: number; number: string }>(
    `INSERT INTO proformas (number, series_id, customer_id, origin, issue_date, due_date, currency, seller,
       buyer, payer, bank_account, transfer_title, net, vat, gross, vat_breakdown, order_ref, renewal_key, note,
       created_at, updated_at)
     SELECT x.number, x.series_id, x.customer_id, x.origin, x.issue_date, x.due_date, x.currency, $2::jsonb,
            x.buyer, x.payer, x.bank_account, x.transfer_title, x.net, x.vat, x.gross, x.vat_breakdown,
            x.order_ref, x.renewal_key, x.note, $3, $3
     FROM jsonb_to_recordset($1::jsonb) AS x (number text, series_id int, customer_id int, origin text,
       issue_date date, due_date date, currency text, buyer jsonb, payer jsonb, bank_account text,
       transfer_title text, net bigint, vat bigint, gross bigint, vat_breakdown jsonb, order_ref text,
       renewal_key text, note text)
     ON CONFLICT (renewal_key) DO NOTHING
     RETURNING id, number`,
    [
      JSON.stringify(
        proformas.map((p) => ({
          number: p.number,
          series_id: p.seriesId,
          customer_id: p.customerId,
          origin: p.origin,
          issue_date: p.issueDate,
          due_date: p.dueDate,
          currency: p.currency,
          buyer: p.buyer,
          payer: p.payer,
          bank_account: p.bankAccount,
          transfer_title: p.transferTitle,
          net: p.net,
          vat: p.vat,
          gross: p.gross,
          vat_breakdown: p.vatBreakdown,
          order_ref: p.orderRef,
          renewal_key: p.renewalKey,
          note: p.note,
        })),
      ),
      JSON.stringify(seller),
      at,
    ],
  );
  for (const r of rows) ids.set(r.number, r.id);
  await insertLines(
    tx,
    proformas.flatMap((p) => {
      const id = ids.get(p.number);
      return id === undefined ? [] : p.lines.map((l) => ({ ...l, proformaId: id }));
    }),
  );
  return ids;
}

// ------------------------------------------------------------------------------------ reading

interface ProformaRow {
  id: number;
  number: string;
  series_id: number;
  customer_id: number;
  origin: ProformaOrigin;
  status: ProformaStatus;
  issue_date: string;
  due_date: string;
  currency: Currency;
  seller: SellerSettings;
  buyer: Party;
  payer: Party | null;
  bank_account: string;
  transfer_title: string;
  net: number;
  vat: number;
  gross: number;
  vat_breakdown: VatGroup[];
  paid: number;
  order_ref: string | null;
  renewal_key: string | null;
  paid_at: Date | null;
  activated_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  note: string | null;
  created_at: Date;
  updated_at: Date;
}

interface LineRow {
  position: number;
  service_id: number | null;
  customer_service_id: number | null;
  operation: ProformaOperation | null;
  name: string;
  description: string | null;
  period: number | null;
  service_from: string | null;
  service_to: string | null;
  quantity: number;
  unit_net: number;
  discount: number;
  net: number;
  vat_rate: string;
  vat: number;
  gross: number;
  details: Record<string, unknown> | null;
  unit_gross: number | null;
  exemption_basis: ExemptionBasis | null;
}

const PROFORMA_COLUMNS = `id, number, series_id, customer_id, origin, status, issue_date, due_date, currency,
  seller, buyer, payer, bank_account, transfer_title, net, vat, gross, vat_breakdown, paid, order_ref,
  renewal_key, paid_at, activated_at, cancelled_at, cancel_reason, note, created_at, updated_at`;

function toLine(r: LineRow): ProformaLine {
  const line: ProformaLine = {
    position: r.position,
    name: r.name,
    quantity: r.quantity,
    unitNet: Number(r.unit_net),
    discount: Number(r.discount),
    net: Number(r.net),
    vatRate: r.vat_rate,
    vat: Number(r.vat),
    gross: Number(r.gross),
    serviceId: r.service_id,
    customerServiceId: r.customer_service_id,
    operation: r.operation,
    period: r.period,
    details: r.details ?? {},
  };
  if (r.description !== null) line.description = r.description;
  if (r.service_from !== null) line.serviceFrom = r.service_from;
  if (r.service_to !== null) line.serviceTo = r.service_to;
  if (r.unit_gross !== null) line.unitGross = Number(r.unit_gross);
  if (r.exemption_basis !== null) line.exemptionBasis = r.exemption_basis;
  return line;
}

function toProforma(r: ProformaRow, lines: LineRow[]): Proforma {
  const p: Proforma = {
    kind: "proforma",
    id: r.id,
    number: r.number,
    origin: r.origin,
    status: r.status,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    currency: r.currency,
    seller: r.seller,
    buyer: r.buyer,
    bankAccount: r.bank_account,
    transferTitle: r.transfer_title,
    lines: lines.map(toLine),
    vatBreakdown: r.vat_breakdown,
    net: Number(r.net),
    vat: Number(r.vat),
    gross: Number(r.gross),
    paid: Number(r.paid),
    customerId: r.customer_id,
    seriesId: r.series_id,
    orderRef: r.order_ref,
    renewalKey: r.renewal_key,
    note: r.note,
    paidAt: r.paid_at,
    activatedAt: r.activated_at,
    cancelledAt: r.cancelled_at,
    cancelReason: r.cancel_reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.payer) p.payer = r.payer;
  return p;
}

/** The proforma with `where` (one row), or undefined. */
export async function readProforma(
  db: Db,
  where: "id" | "number" | "order_ref",
  value: unknown,
): Promise<Proforma | undefined> {
  const { rows } = await db.query<ProformaRow>(
    `SELECT ${PROFORMA_COLUMNS} FROM proformas WHERE ${where} = $1`,
    [value],
  );
  const row = rows[0];
  if (!row) return undefined;
  const lines = await db.query<LineRow>(
    `SELECT ${LINE_COLUMNS} FROM proforma_lines WHERE proforma_id = $1 ORDER BY position`,
    [row.id],
  );
  return toProforma(row, lines.rows);
}

export async function requireProforma(db: Db, id: number): Promise<Proforma> {
  const p = await readProforma(db, "id", id);
  if (!p) throw new BillingNotFoundError(`proforma ${id}`);
  return p;
}

interface SummaryRow {
  id: number;
  number: string;
  customer_id: number;
  origin: ProformaOrigin;
  status: ProformaStatus;
  issue_date: string;
  due_date: string;
  currency: Currency;
  net: number;
  vat: number;
  gross: number;
  paid: number;
  buyer_name: string;
  order_ref: string | null;
  renewal_key: string | null;
}

export const SUMMARY_COLUMNS = `id, number, customer_id, origin, status, issue_date, due_date, currency, net, vat,
  gross, paid, buyer->>'name' AS buyer_name, order_ref, renewal_key`;

export function toSummary(r: SummaryRow): ProformaSummary {
  return {
    id: r.id,
    number: r.number,
    customerId: r.customer_id,
    origin: r.origin,
    status: r.status,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    currency: r.currency,
    net: money(Number(r.net), r.currency),
    vat: money(Number(r.vat), r.currency),
    gross: money(Number(r.gross), r.currency),
    paid: money(Number(r.paid), r.currency),
    buyerName: r.buyer_name,
    orderRef: r.order_ref,
    renewalKey: r.renewal_key,
  };
}

export type { SummaryRow };
