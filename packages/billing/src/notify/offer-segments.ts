/**
 * Whom an offer is meant for, as data: a segment is a filter over customers (type, price group,
 * when they became customers, what services they hold and when those expire) that is stored with
 * the offer and turned into SQL here. Who actually receives it is decided at send time: the
 * customers of the segment whose marketing consent is in force at that moment.
 */
import { z } from "zod";
import { SERVICE_KINDS, type ServiceKind } from "../catalog/services.js";
import { CONSENT_KINDS, type ConsentKind } from "../customers/consents.js";
import { CUSTOMER_TYPES, type CustomerType } from "../customers/input.js";
import { CUSTOMER_SERVICE_STATUSES, type CustomerServiceStatus } from "../customers/services.js";
import type { Db } from "../db/db.js";
import { parseInput } from "../validate.js";

/** Customers holding at least one service that meets every condition given here. */
export interface ServiceCondition {
  /** Kinds of service (domain, option, ssl, hosting); default any. */
  kinds?: ServiceKind[];
  /** TLDs without the dot, e.g. `["pl", "com.pl"]` (exact: `pl` does not include `com.pl`). */
  tlds?: string[];
  /** Expiring on or after this day, `YYYY-MM-DD`. */
  expiringFrom?: string;
  /** Expiring on or before this day (inclusive). */
  expiringTo?: string;
  /** Default `["active"]`: what a customer has now, not what lapsed or was never provisioned. */
  statuses?: CustomerServiceStatus[];
}

/** Every condition given must hold; an empty segment is every customer. */
export interface OfferSegment {
  customerTypes?: CustomerType[];
  /** A customer with no price group of its own counts as being in the default group. */
  priceGroupIds?: number[];
  /** Customers since this Warsaw day (`YYYY-MM-DD`, inclusive). */
  createdFrom?: string;
  /** Customers created up to this Warsaw day (inclusive). */
  createdTo?: string;
  services?: ServiceCondition;
}

export interface SegmentCustomer {
  customerId: number;
  name: string;
  type: CustomerType;
  email: string | null;
  mobilePhone: string | null;
}

export interface SegmentPreview {
  /** Customers the segment matches. */
  matching: number;
  /** Of those, the ones whose consent is in force at the moment asked: who would receive the offer. */
  withConsent: number;
  withoutConsent: number;
  /** Up to 10 customers who would receive it, by id. */
  sample: SegmentCustomer[];
}

export interface PreviewSegmentOptions {
  /** The consent required (default `offers`). */
  consentKind?: ConsentKind;
}

function realDate(v: string): boolean {
  const d = new Date(`${v}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

const day = z
  .string("must be a date YYYY-MM-DD")
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine(realDate, "is not a real calendar day");

const nonEmptyList = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .min(1, "must name at least one (leave it out for any)")
    .max(500)
    .transform((list) => [...new Set(list)]);

const tld = z
  .string("must be a TLD such as pl")
  .trim()
  .toLowerCase()
  .transform((t) => t.replace(/^\./, ""))
  .refine((t) => /^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(t), "must be a TLD such as pl or com.pl");

const ordered = (from: string | undefined, to: string | undefined) =>
  from === undefined || to === undefined || from <= to;

const serviceSchema = z
  .strictObject({
    kinds: nonEmptyList(z.enum(SERVICE_KINDS, `must be one of ${SERVICE_KINDS.join(", ")}`)).optional(),
    tlds: nonEmptyList(tld).optional(),
    expiringFrom: day.optional(),
    expiringTo: day.optional(),
    statuses: nonEmptyList(
      z.enum(CUSTOMER_SERVICE_STATUSES, `must be one of ${CUSTOMER_SERVICE_STATUSES.join(", ")}`),
    ).optional(),
  })
  .refine((s) => ordered(s.expiringFrom, s.expiringTo), {
    message: "must not be before expiringFrom",
    path: ["expiringTo"],
  });

export const offerSegmentSchema = z
  .strictObject({
    customerTypes: nonEmptyList(
      z.enum(CUSTOMER_TYPES, `must be one of ${CUSTOMER_TYPES.join(", ")}`),
    ).optional(),
    priceGroupIds: nonEmptyList(z.number("must be an id").int().positive()).optional(),
    createdFrom: day.optional(),
    createdTo: day.optional(),
    services: serviceSchema.optional(),
  })
  .refine((s) => ordered(s.createdFrom, s.createdTo), {
    message: "must not be before createdFrom",
    path: ["createdTo"],
  });

/**
 * The segment as a condition on `customers c`, its values appended to `params` (so it composes
 * with the caller's own parameters).
 */
export function segmentCondition(segment: OfferSegment, params: unknown[]): string {
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (segment.customerTypes) where.push(`c.type = ANY (${p(segment.customerTypes)}::text[])`);
  if (segment.priceGroupIds) {
    where.push(
      `COALESCE(c.price_group_id, (SELECT g.id FROM price_groups g WHERE g.is_default)) = ANY (${p(segment.priceGroupIds)}::int[])`,
    );
  }
  // "Created on 1 March" means the Polish calendar day, whatever the server's zone.
  if (segment.createdFrom) {
    where.push(`(c.created_at AT TIME ZONE 'Europe/Warsaw')::date >= ${p(segment.createdFrom)}::date`);
  }
  if (segment.createdTo) {
    where.push(`(c.created_at AT TIME ZONE 'Europe/Warsaw')::date <= ${p(segment.createdTo)}::date`);
  }
  if (segment.services) {
    const s = segment.services;
    const inner = ["cs.customer_id = c.id", `cs.status = ANY (${p(s.statuses ?? ["active"])}::text[])`];
    if (s.kinds) inner.push(`sv.kind = ANY (${p(s.kinds)}::text[])`);
    if (s.tlds) inner.push(`sv.tld = ANY (${p(s.tlds)}::text[])`);
    if (s.expiringFrom) inner.push(`cs.expires_on >= ${p(s.expiringFrom)}::date`);
    if (s.expiringTo) inner.push(`cs.expires_on <= ${p(s.expiringTo)}::date`);
    where.push(
      `EXISTS (SELECT 1 FROM customer_services cs JOIN services sv ON sv.id = cs.service_id WHERE ${inner.join(" AND ")})`,
    );
  }
  return where.length > 0 ? where.join(" AND ") : "true";
}

/**
 * Whether the customer `c`'s latest `kind` consent dated at or before `at` grants it: the same
 * rule as customersWithConsent (latest by `at`, then id), read through customer_consents_latest.
 */
export function consentCondition(kind: ConsentKind, at: Date, params: unknown[]): string {
  params.push(kind, at);
  const k = `$${params.length - 1}`;
  const t = `$${params.length}`;
  return `(SELECT cc.granted FROM customer_consents cc
            WHERE cc.customer_id = c.id AND cc.kind = ${k} AND cc.at <= ${t}::timestamptz
            ORDER BY cc.at DESC, cc.id DESC LIMIT 1) IS TRUE`;
}

const moment = z.date("must be a Date").refine((d) => !Number.isNaN(d.getTime()), "must be a valid Date");

/**
 * How many customers a segment matches and how many of them may receive an offer at `at` (their
 * consent in force then), with a sample of those who would. Refuses a bad segment naming every
 * bad field (BillingValidationError), as createOffer does.
 */
export async function previewSegment(
  db: Db,
  segment: OfferSegment,
  at: Date,
  options: PreviewSegmentOptions = {},
): Promise<SegmentPreview> {
  const v = parseInput(
    "previewSegment",
    z.object({
      segment: offerSegmentSchema,
      at: moment,
      consentKind: z.enum(CONSENT_KINDS, `must be one of ${CONSENT_KINDS.join(", ")}`).optional(),
    }),
    { segment, at, consentKind: options.consentKind },
  );
  const params: unknown[] = [];
  const where = segmentCondition(v.segment, params);
  const consented = consentCondition(v.consentKind ?? "offers", v.at, params);
  const { rows } = await db.query<{ matching: number; with_consent: number }>(
    `SELECT count(*)::int AS matching, count(*) FILTER (WHERE s.consented)::int AS with_consent
       FROM (SELECT ${consented} AS consented FROM customers c WHERE ${where}) s`,
    params,
  );
  const sample = await db.query<{
    id: number;
    name: string;
    type: CustomerType;
    email: string | null;
    mobile_phone: string | null;
  }>(
    `SELECT c.id, c.name, c.type, c.email, c.mobile_phone FROM customers c
      WHERE ${where} AND ${consented} ORDER BY c.id LIMIT 10`,
    params,
  );
  const matching = rows[0]?.matching ?? 0;
  const withConsent = rows[0]?.with_consent ?? 0;
  return {
    matching,
    withConsent,
    withoutConsent: matching - withConsent,
    sample: sample.rows.map((r) => ({
      customerId: r.id,
      name: r.name,
      type: r.type,
      email: r.email,
      mobilePhone: r.mobile_phone,
    })),
  };
}
