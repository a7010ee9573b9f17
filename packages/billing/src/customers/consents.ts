/**
 * Marketing consents (newsletter, offers) with their history. Every change is a new row, never
 * an update: who recorded it, when the customer gave or withdrew it, and how. The state of a
 * consent at a moment is its latest row at that moment (by `at`, then by id), so a paper form
 * entered late with its real date does not override a withdrawal made after it.
 */
import { z } from "zod";
import { type Db, sqlState } from "../db/db.js";
import { BillingNotFoundError } from "../errors.js";
import { parseInput } from "../validate.js";

export const CONSENT_KINDS = ["newsletter", "offers"] as const;
export type ConsentKind = (typeof CONSENT_KINDS)[number];

/** How a consent was given or withdrawn. */
/** `link`: an unsubscribe link in a message (notify/unsubscribe.ts). */
export const CONSENT_CHANNELS = ["form", "email", "phone", "paper", "import", "panel", "link"] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export interface RecordConsentInput {
  customerId: number;
  kind: ConsentKind;
  granted: boolean;
  /** When the customer gave or withdrew it (not when it was typed in). */
  at: Date;
  via: ConsentChannel;
  /** Who recorded it: an operator's login, or "customer" for self-service. */
  actor: string;
  note?: string;
}

export interface ConsentRecord {
  id: number;
  customerId: number;
  kind: ConsentKind;
  granted: boolean;
  at: Date;
  via: ConsentChannel;
  actor: string;
  note: string | null;
}

/** The latest record of each kind; null when the customer was never asked (= no consent). */
export interface CurrentConsents {
  newsletter: ConsentRecord | null;
  offers: ConsentRecord | null;
}

export interface ConsentedCustomer {
  customerId: number;
  name: string;
  email: string | null;
  /** When the consent in force was given. */
  grantedAt: Date;
}

export interface CustomersWithConsentOptions {
  /** The moment the consent must be in force (e.g. when the offer is sent). */
  at: Date;
  /** Keyset paging: customers with a greater id. */
  afterId?: number;
  /** Default 500, at most 5000. */
  limit?: number;
}

const id = z.number("must be an id").int().positive();
const moment = z.date("must be a Date").refine((d) => !Number.isNaN(d.getTime()), "must be a valid Date");
const kind = z.enum(CONSENT_KINDS, `must be one of ${CONSENT_KINDS.join(", ")}`);

const recordSchema = z.object({
  customerId: id,
  kind,
  granted: z.boolean("must be true or false"),
  at: moment,
  via: z.enum(CONSENT_CHANNELS, `must be one of ${CONSENT_CHANNELS.join(", ")}`),
  actor: z.string("must be text").trim().min(1, "must say who recorded the consent").max(100),
  note: z.string("must be text").trim().max(1000).optional(),
});

interface ConsentRow {
  id: number;
  customer_id: number;
  kind: ConsentKind;
  granted: boolean;
  at: Date;
  via: ConsentChannel;
  actor: string;
  note: string | null;
}

const COLUMNS = "id, customer_id, kind, granted, at, via, actor, note";

const toRecord = (r: ConsentRow): ConsentRecord => ({
  id: r.id,
  customerId: r.customer_id,
  kind: r.kind,
  granted: r.granted,
  at: r.at,
  via: r.via,
  actor: r.actor,
  note: r.note,
});

/** Appends a consent given or withdrawn. The history is never rewritten. */
export async function recordConsent(db: Db, input: RecordConsentInput): Promise<ConsentRecord> {
  const c = parseInput("recordConsent", recordSchema, input);
  try {
    const { rows } = await db.query<ConsentRow>(
      `INSERT INTO customer_consents (customer_id, kind, granted, at, via, actor, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [c.customerId, c.kind, c.granted, c.at, c.via, c.actor, c.note ?? null],
    );
    return toRecord(rows[0]!);
  } catch (err) {
    if (sqlState(err) === "23503") throw new BillingNotFoundError(`customer ${c.customerId}`);
    throw err;
  }
}

async function requireCustomer(db: Db, customerId: number): Promise<void> {
  const { rowCount } = await db.query("SELECT 1 FROM customers WHERE id = $1", [customerId]);
  if (rowCount === 0) throw new BillingNotFoundError(`customer ${customerId}`);
}

/** Every consent record of a customer, oldest first (by `at`, then by id). */
export async function consentHistory(db: Db, customerId: number): Promise<ConsentRecord[]> {
  const cid = parseInput("consentHistory", id, customerId);
  const { rows } = await db.query<ConsentRow>(
    `SELECT ${COLUMNS} FROM customer_consents WHERE customer_id = $1 ORDER BY at, id`,
    [cid],
  );
  if (rows.length === 0) await requireCustomer(db, cid);
  return rows.map(toRecord);
}

/** Reads the consents in force (no validation: callers have checked the id). */
export async function readCurrentConsents(db: Db, customerId: number, asOf?: Date): Promise<CurrentConsents> {
  const { rows } = await db.query<ConsentRow>(
    `SELECT DISTINCT ON (kind) ${COLUMNS} FROM customer_consents
     WHERE customer_id = $1 AND ($2::timestamptz IS NULL OR at <= $2)
     ORDER BY kind, at DESC, id DESC`,
    [customerId, asOf ?? null],
  );
  const out: CurrentConsents = { newsletter: null, offers: null };
  for (const r of rows) out[r.kind] = toRecord(r);
  return out;
}

/**
 * The consents in force: the latest record of each kind, as of `at` when given (records dated
 * after it are ignored), else the latest of all.
 */
export async function currentConsents(db: Db, customerId: number, at?: Date): Promise<CurrentConsents> {
  const v = parseInput("currentConsents", z.object({ customerId: id, at: moment.optional() }), {
    customerId,
    at,
  });
  await requireCustomer(db, v.customerId);
  return readCurrentConsents(db, v.customerId, v.at);
}

const withConsentSchema = z.object({
  kind,
  at: moment,
  afterId: z.number("must be an id").int().min(0).optional(),
  limit: z.number("must be a number").int().min(1).max(5000).optional(),
});

/**
 * The customers whose latest `kind` consent at `at` grants it, by id, a page at a time: the only
 * ones an offer (or a newsletter) may be sent to. A withdrawn consent, or none, excludes them.
 */
export async function customersWithConsent(
  db: Db,
  kind: ConsentKind,
  options: CustomersWithConsentOptions,
): Promise<ConsentedCustomer[]> {
  const v = parseInput("customersWithConsent", withConsentSchema, { kind, ...options });
  // DISTINCT ON walks customer_consents_latest in (customer_id, at DESC, id DESC) order: the
  // first row of each customer is its latest, and the scan stops after `limit` granted ones.
  const { rows } = await db.query<{ customer_id: number; name: string; email: string | null; at: Date }>(
    `SELECT l.customer_id, c.name, c.email, l.at
     FROM (SELECT DISTINCT ON (customer_id) customer_id, granted, at
           FROM customer_consents
           WHERE kind = $1 AND at <= $2 AND customer_id > $3
           ORDER BY customer_id, at DESC, id DESC) l
     JOIN customers c ON c.id = l.customer_id
     WHERE l.granted
     ORDER BY l.customer_id
     LIMIT $4`,
    [v.kind, v.at, v.afterId ?? 0, v.limit ?? 500],
  );
  return rows.map((r) => ({ customerId: r.customer_id, name: r.name, email: r.email, grantedAt: r.at }));
}
