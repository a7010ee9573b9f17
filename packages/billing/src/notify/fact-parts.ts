/**
 * What the fact builders (billing-events.ts, service-progress.ts) share: formatting as the
 * customer reads it, a customer's service with what its notices name, and the open renewal
 * proforma of its term. Internal: the package exports the builders, not these parts.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingNotFoundError } from "../errors.js";
import { type Currency, formatMoney, money } from "../money/money.js";
import { parseInput } from "../validate.js";
import type { NoticeSample } from "./events.js";
import type { LinkPlaceholder, NotifySettings } from "./settings.js";

export const idSchema = z.number("must be an id").int().positive();

/** `2026-03-30` → `30.03.2026`. */
export const displayDate = (day: string): string => {
  const [y, m, d] = day.split("-");
  return `${d}.${m}.${y}`;
};

export const amount = (minor: number, currency: Currency) => formatMoney(money(minor, currency));

export function linkValues(
  settings: NotifySettings,
  values: Partial<Record<LinkPlaceholder, string | number>>,
): Partial<Record<LinkPlaceholder, string | number>> {
  return { ...(settings.panelUrl ? { panelUrl: settings.panelUrl } : {}), ...values };
}

/** Optional variables only when they have a value (templates test `{{#if …}}`). */
export function withOptional(
  vars: Record<string, NoticeSample>,
  optional: Record<string, NoticeSample | undefined>,
): Record<string, NoticeSample> {
  for (const [k, val] of Object.entries(optional)) if (val !== undefined) vars[k] = val;
  return vars;
}

export interface ServiceFacts {
  id: number;
  customer_id: number;
  kind: "domain" | "option" | "ssl" | "hosting";
  tld: string | null;
  /** The certificate product (`PositiveSSL`) of an ssl service, the package of hosting. */
  product: string | null;
  name: string;
  status: string;
  period: number;
  expires_on: string | null;
  hrd_ref: string | null;
  grace: { renewAfterExpiryDays?: number } | null;
}

export const SERVICE_COLUMNS = `cs.id, cs.customer_id, s.kind, s.tld, s.product, cs.name, cs.status, cs.period,
       cs.expires_on, cs.hrd_ref, t.grace`;
export const SERVICE_FROM = `customer_services cs
       JOIN services s ON s.id = cs.service_id
       LEFT JOIN tlds t ON t.tld = s.tld`;

export async function readService(db: Db, customerServiceId: number): Promise<ServiceFacts> {
  parseInput("customerServiceId", idSchema, customerServiceId);
  const { rows } = await db.query<ServiceFacts>(
    `SELECT ${SERVICE_COLUMNS} FROM ${SERVICE_FROM} WHERE cs.id = $1`,
    [customerServiceId],
  );
  if (!rows[0]) throw new BillingNotFoundError(`customer service ${customerServiceId}`);
  return rows[0];
}

/** The renewal proforma of the service's current term, when one is open: its number and price. */
export async function renewalProforma(
  db: Db,
  cs: ServiceFacts,
): Promise<{ id: number; number: string; status: string; gross: number; currency: Currency } | undefined> {
  const { rows } = await db.query<{
    id: number;
    number: string;
    status: string;
    gross: number;
    currency: Currency;
  }>(
    `SELECT p.id, p.number, p.status, p.currency,
            coalesce((SELECT sum(l.gross) FROM proforma_lines l
                       WHERE l.proforma_id = p.id AND l.customer_service_id = $2), p.gross)::int8 AS gross
       FROM proformas p WHERE p.renewal_key = $1 AND p.status IN ('issued', 'paid')`,
    [`${cs.id}:${cs.expires_on}`, cs.id],
  );
  return rows[0];
}
