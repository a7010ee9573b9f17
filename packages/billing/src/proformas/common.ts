/**
 * Pieces the proforma entry points share: input schemas, dates, block numbering, and the pending
 * customer services an order (or an edit of one) creates.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { addDays, addYears, warsawDate } from "../documents/dates.js";
import { allocateNumbers as allocateBlock } from "../documents/numbering.js";
import type { ExemptionBasis } from "../documents/types.js";
import { BillingConflictError, BillingNotFoundError } from "../errors.js";
import { CURRENCIES } from "../money/money.js";
import type { ProformaOperation, ProformaStatus } from "./types.js";

export const idSchema = z.number().int().min(1).max(2_147_483_647);
export const atSchema = z
  .date("must be a Date")
  .refine((d) => !Number.isNaN(d.getTime()), "must be a valid date");
export const daySchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a day as YYYY-MM-DD")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && addDays(d, 0) === d, "must be a real day");
export const moneySchema = z.object({
  amount: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  currency: z.enum(CURRENCIES),
});
export const noteSchema = z.string().trim().max(2000);
/** Provisioning specifics stored with a line: any JSON object. */
export const detailsSchema = z.record(z.string(), z.unknown());

/**
 * For cross-field checks: run them even when a field already failed, so one call names every bad
 * field (zod skips refinements after an issue by default). The checks must cope with raw values.
 */
export const evenWithIssues = {
  when: (payload: { value: unknown }) => typeof payload.value === "object" && payload.value !== null,
};

/** `lines.2.unitNet` → zod's path. */
export const pathOf = (dotted: string): (string | number)[] =>
  dotted.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));

/** Operations that give the customer a service they did not have: a pending customer service is made. */
export const CREATING_OPERATIONS: readonly ProformaOperation[] = ["register", "create", "transfer", "trade"];

/** The issue day (Warsaw) of a moment and the last day the proforma can be paid. */
export function issueAndDue(at: Date, validDays: number): { issueDate: string; dueDate: string } {
  const issueDate = warsawDate(at);
  return { issueDate, dueDate: addDays(issueDate, validDays) };
}

/** The service period of a line that starts on `from` and runs `period` years. */
export function termOf(
  from: string,
  period: number | null,
): { serviceFrom: string; serviceTo: string } | null {
  return period ? { serviceFrom: from, serviceTo: addYears(from, period) } : null;
}

/**
 * `count` consecutive numbers of the default proforma series, allocated inside the caller's
 * transaction exactly as allocateNumber allocates one (the counter row stays locked until the
 * transaction ends: no gaps, no duplicates) — in one statement instead of `count`.
 */
/** A block of proforma numbers (documents/numbering.ts). */
export async function allocateNumbers(
  tx: Db,
  issueDate: string,
  count: number,
): Promise<{ seriesId: number; numbers: string[] }> {
  const block = await allocateBlock(tx, "proforma", issueDate, count);
  return { seriesId: block.seriesId, numbers: block.numbers };
}

/** Locks a proforma row and refuses a change unless it is issued and nothing has been paid. */
export async function lockChangeable(
  tx: Db,
  id: number,
  action: "edited" | "cancelled",
): Promise<{ id: number; customer_id: number; origin: string; issue_date: string; currency: "PLN" | "EUR" }> {
  const { rows } = await tx.query<{
    id: number;
    customer_id: number;
    origin: string;
    status: ProformaStatus;
    paid: number;
    issue_date: string;
    currency: "PLN" | "EUR";
    number: string;
  }>(
    "SELECT id, customer_id, origin, status, paid, issue_date, currency, number FROM proformas WHERE id = $1 FOR UPDATE",
    [id],
  );
  const p = rows[0];
  if (!p) throw new BillingNotFoundError(`proforma ${id}`);
  if (p.status === "paid" || p.paid > 0) {
    throw new BillingConflictError(
      `proforma ${p.number} cannot be ${action}: ${p.status === "paid" ? "it is paid" : "a payment was received for it (refund it first)"}`,
      "paid",
    );
  }
  if (p.status === "cancelled" || p.status === "expired") {
    throw new BillingConflictError(`proforma ${p.number} cannot be ${action}: it is ${p.status}`, p.status);
  }
  return p;
}

/** Makes a pending customer service for a line that creates one; returns its id. */
export async function createPendingService(
  tx: Db,
  input: { customerId: number; serviceId: number; name: string; period: number; at: Date | null },
): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO customer_services (customer_id, service_id, name, status, period, created_at, updated_at)
     VALUES ($1, $2, $3, 'pending', $4, coalesce($5, now()), coalesce($5, now())) RETURNING id`,
    [input.customerId, input.serviceId, input.name, input.period, input.at],
  );
  return rows[0]!.id;
}

/** Cancels the pending customer services of a proforma's lines (optionally only some of them). */
export async function cancelPendingServices(
  tx: Db,
  proformaId: number,
  at: Date | null,
  onlyIds?: readonly number[],
): Promise<number> {
  const { rowCount } = await tx.query(
    `UPDATE customer_services cs SET status = 'cancelled', updated_at = coalesce($2::timestamptz, now())
     WHERE cs.status = 'pending'
       AND cs.id IN (SELECT l.customer_service_id FROM proforma_lines l
                     WHERE l.proforma_id = $1 AND l.customer_service_id IS NOT NULL)
       AND ($3::int[] IS NULL OR cs.id = ANY($3::int[]))`,
    [proformaId, at, onlyIds ? [...onlyIds] : null],
  );
  return rowCount;
}

export interface CatalogService {
  id: number;
  code: string;
  kind: "domain" | "option" | "ssl" | "hosting";
  operation: ProformaOperation;
  tld: string | null;
  product: string | null;
  name: string;
  periods: number[];
  vatRate: string;
  exemptionBasis: ExemptionBasis | null;
  active: boolean;
}

/** Catalog services by code (read by SQL), for the codes that exist. */
export async function servicesByCode(db: Db, codes: readonly string[]): Promise<Map<string, CatalogService>> {
  const out = new Map<string, CatalogService>();
  if (codes.length === 0) return out;
  const { rows } = await db.query<{
    id: number;
    code: string;
    kind: CatalogService["kind"];
    operation: ProformaOperation;
    tld: string | null;
    product: string | null;
    name: string;
    periods: number[];
    vat_rate: string;
    exemption_basis: ExemptionBasis | null;
    active: boolean;
  }>(
    `SELECT id, code, kind, operation, tld, product, name, periods, vat_rate, exemption_basis, active
     FROM services WHERE code = ANY($1::text[])`,
    [[...new Set(codes)]],
  );
  for (const r of rows) {
    out.set(r.code, {
      id: r.id,
      code: r.code,
      kind: r.kind,
      operation: r.operation,
      tld: r.tld,
      product: r.product,
      name: r.name,
      periods: r.periods.map(Number),
      vatRate: r.vat_rate,
      exemptionBasis: r.exemption_basis ?? null,
      active: r.active,
    });
  }
  return out;
}

/** A customer's service as proformas see it (the target of a renewal line). */
export interface CustomerServiceRef {
  id: number;
  customerId: number;
  status: "pending" | "active" | "expired" | "cancelled";
  expiresOn: string | null;
  period: number;
  name: string;
  kind: CatalogService["kind"];
  tld: string | null;
  product: string | null;
}

export async function customerServicesById(
  db: Db,
  ids: readonly number[],
): Promise<Map<number, CustomerServiceRef>> {
  const out = new Map<number, CustomerServiceRef>();
  if (ids.length === 0) return out;
  const { rows } = await db.query<{
    id: number;
    customer_id: number;
    status: CustomerServiceRef["status"];
    expires_on: string | null;
    period: number;
    name: string;
    kind: CatalogService["kind"];
    tld: string | null;
    product: string | null;
  }>(
    `SELECT cs.id, cs.customer_id, cs.status, cs.expires_on, cs.period, cs.name, s.kind, s.tld, s.product
     FROM customer_services cs JOIN services s ON s.id = cs.service_id WHERE cs.id = ANY($1::int[])`,
    [[...new Set(ids)]],
  );
  for (const r of rows) {
    out.set(r.id, {
      id: r.id,
      customerId: r.customer_id,
      status: r.status,
      expiresOn: r.expires_on,
      period: r.period,
      name: r.name,
      kind: r.kind,
      tld: r.tld,
      product: r.product,
    });
  }
  return out;
}

/** Why a renewal line cannot renew a customer service, or null when it can. */
export function renewTargetProblem(
  cs: CustomerServiceRef | undefined,
  customerId: number,
  service: Pick<CatalogService, "kind" | "tld" | "product">,
): string | null {
  if (!cs || cs.customerId !== customerId) return `is not a service of customer ${customerId}`;
  if (cs.status === "pending" || cs.status === "cancelled")
    return `is ${cs.status}: there is nothing to renew`;
  if (cs.kind !== service.kind || cs.tld !== service.tld || cs.product !== service.product) {
    return `is a ${cs.kind} ${cs.tld ?? cs.product}, not what this renewal renews`;
  }
  return null;
}
