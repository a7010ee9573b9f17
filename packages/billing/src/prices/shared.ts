/**
 * What the price modules share: how a catalog service and a price group are read by SQL (the
 * catalog module is not a dependency: prices only need the `services` and `price_groups` rows),
 * and the zod pieces of their inputs.
 */
import { z } from "zod";
import {
  SERVICE_KINDS as KINDS,
  SERVICE_OPERATIONS as OPERATIONS,
  type ServiceKind,
  type ServiceOperation,
} from "../catalog/services.js";
import type { Db } from "../db/db.js";
import { BillingNotFoundError } from "../errors.js";
import { CURRENCIES, type Currency, type Money, money, parseDecimal } from "../money/money.js";
import type { VatRateCode } from "../money/vat.js";

export { KINDS, OPERATIONS, type ServiceKind, type ServiceOperation };

/** A row of `services`, as pricing sees it. */
export interface ServiceRow {
  id: number;
  code: string;
  kind: ServiceKind;
  operation: ServiceOperation;
  tld: string | null;
  product: string | null;
  name: string;
  periods: number[];
  vatRate: VatRateCode;
  active: boolean;
}

export const SERVICE_COLUMNS = "id, code, kind, operation, tld, product, name, periods, vat_rate, active";

interface ServiceDbRow {
  id: number;
  code: string;
  kind: ServiceKind;
  operation: ServiceOperation;
  tld: string | null;
  product: string | null;
  name: string;
  periods: number[];
  vat_rate: string;
  active: boolean;
}

export function toService(r: ServiceDbRow): ServiceRow {
  return {
    id: r.id,
    code: r.code,
    kind: r.kind,
    operation: r.operation,
    tld: r.tld,
    product: r.product,
    name: r.name,
    periods: [...r.periods].map(Number).sort((a, b) => a - b),
    vatRate: r.vat_rate as VatRateCode,
    active: r.active,
  };
}

export async function loadServices(db: Db): Promise<ServiceRow[]> {
  const { rows } = await db.query<ServiceDbRow>(`SELECT ${SERVICE_COLUMNS} FROM services ORDER BY id`);
  return rows.map(toService);
}

export async function requireService(db: Db, code: string): Promise<ServiceRow> {
  const { rows } = await db.query<ServiceDbRow>(`SELECT ${SERVICE_COLUMNS} FROM services WHERE code = $1`, [
    code,
  ]);
  if (!rows[0]) throw new BillingNotFoundError(`service ${code}`);
  return toService(rows[0]);
}

export interface GroupRow {
  id: number;
  name: string;
  currency: Currency;
  isDefault: boolean;
  createdAt: Date;
}

interface GroupDbRow {
  id: number;
  name: string;
  currency: Currency;
  is_default: boolean;
  created_at: Date;
}

export const toGroup = (r: GroupDbRow): GroupRow => ({
  id: r.id,
  name: r.name,
  currency: r.currency,
  isDefault: r.is_default,
  createdAt: r.created_at,
});

/** The group, or BillingNotFoundError. `lock` takes its row lock (serialises writers of one group). */
export async function requireGroup(db: Db, id: number, lock = false): Promise<GroupRow> {
  const { rows } = await db.query<GroupDbRow>(
    `SELECT id, name, currency, is_default, created_at FROM price_groups WHERE id = $1${lock ? " FOR UPDATE" : ""}`,
    [id],
  );
  if (!rows[0]) throw new BillingNotFoundError(`price group ${id}`);
  return toGroup(rows[0]);
}

// ------------------------------------------------------------------------------------ inputs

export const idSchema = z.number().int().positive();
export const serviceCodeSchema = z.string().trim().min(1, "must not be empty").max(200);
/** Whole years: HRD sells 1–10. */
export const periodSchema = z.number().int().min(1).max(10);
export const atSchema = z.date().refine((d) => !Number.isNaN(d.getTime()), "must be a valid date");
export const progressSchema = z.custom<(done: number, total: number) => void>(
  (v) => typeof v === "function",
  "must be a function (done, total) => void",
);

/**
 * For cross-field checks: run them even when a field already failed, so one call names every bad
 * field (zod skips refinements after an issue by default). The check must cope with raw values.
 */
export const evenWithIssues = {
  when: (payload: { value: unknown }) => typeof payload.value === "object" && payload.value !== null,
};

const TLD = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/;
/** `pl`, `com.pl` (a leading dot and capitals are forgiven). */
export const tldSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((t) => t.replace(/^\./, ""))
  .refine((t) => TLD.test(t), "must be a TLD like pl or com.pl");

const DECIMAL = /^\d+(\.\d{1,2})?$/;
/** A non-negative amount: a Money object, or decimal text in the group's currency (`"49.99"`). */
export const amountSchema = z.union(
  [
    z.object({
      amount: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      currency: z.enum(CURRENCIES),
    }),
    z.string().trim().regex(DECIMAL),
  ],
  { error: 'must be Money {amount, currency} or a non-negative decimal like "49.99"' },
);
export type AmountInput = z.input<typeof amountSchema>;

export function amountOf(input: z.output<typeof amountSchema>, currency: Currency): Money {
  return typeof input === "string" ? parseDecimal(input, currency) : money(input.amount, input.currency);
}
