/**
 * Services: one row per sellable thing. The code is derived from what the service is (kind,
 * TLD or product, operation), never typed by a user, so the same thing always has the same code:
 * `domain.pl.register`, `option.pl.create`, `ssl.positive-ssl.renew`, `hosting.start.create`.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { type ExemptionBasisInput, exemptionBasisSchema, exemptionIssue } from "../documents/exemption.js";
import type { ExemptionBasis } from "../documents/types.js";
import {
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  type FieldIssue,
} from "../errors.js";
import { VAT_RATE_CODES, type VatRateCode } from "../money/vat.js";
import { parseInput } from "../validate.js";
import { isPlFamily, slugOf, tldSchema } from "./names.js";
import { isSslTrial, SSL_PRODUCTS } from "./products.js";
import { periodsSchema, readTld, type Tld, tldPeriods } from "./tlds.js";
import { asciiFoldSql, asciiOf, matchesWords, queryWords } from "./words.js";

export const SERVICE_KINDS = ["domain", "option", "ssl", "hosting"] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export const SERVICE_OPERATIONS = ["register", "renew", "transfer", "trade", "create"] as const;
export type ServiceOperation = (typeof SERVICE_OPERATIONS)[number];

export const DOMAIN_OPERATIONS = ["register", "renew", "transfer", "trade"] as const;
export type DomainOperation = (typeof DOMAIN_OPERATIONS)[number];

/** HRD's .pl options run 3 years, both when set up and when renewed. */
export const OPTION_PERIODS: readonly number[] = [3];
/** Longest certificate term sold (years). */
export const SSL_MAX_PERIOD = 3;

export interface Service {
  id: number;
  code: string;
  kind: ServiceKind;
  operation: ServiceOperation;
  /** Domains and options. */
  tld: string | null;
  /** SSL: the HRD product name; hosting: the package name. */
  product: string | null;
  /**
   * The provider's id of what is sold: required for hosting (the package id); for HRD services
   * optional (the wholesale import may record HRD's price-list code, e.g. `d_pl`).
   */
  providerRef: string | null;
  name: string;
  periods: number[];
  vatRate: VatRateCode;
  /** Exempt (zw) services: the legal basis printed on invoices (art. 106e ust. 1 pkt 19). */
  exemptionBasis: ExemptionBasis | null;
  active: boolean;
}

export interface ServiceInput {
  kind: ServiceKind;
  operation: ServiceOperation;
  tld?: string;
  product?: string;
  providerRef?: string;
  /** Shown to customers; default a Polish name derived from the service ("Rejestracja domeny .pl"). */
  name?: string;
  periods: number[];
  vatRate?: VatRateCode;
  /**
   * Exempt (zw) services: the legal basis of the exemption, e.g. "art. 113 ust. 1 ustawy o VAT"
   * (a provision of the VAT Act), or `{ source: "directive" | "other", provision }`. Invoices of
   * zw lines need it. `null` removes it; a service that is not zw has none.
   */
  exemptionBasis?: ExemptionBasisInput | null;
  active?: boolean;
}

export interface ServiceFilter {
  kind?: ServiceKind;
  operation?: ServiceOperation;
  tld?: string;
  product?: string;
  active?: boolean;
  /** Words that must all occur in the code or the name (case and diacritics ignored, ł as l). */
  q?: string;
  /**
   * Keyset paging: the code of the last service of the previous page (it need not exist any
   * more). With `after` or `limit` the list is in paging order (see listServices).
   */
  after?: string;
  /** At most this many services, 1–1000 (ask one more than a page to learn if another follows). */
  limit?: number;
}

const OPERATIONS_OF: Readonly<Record<ServiceKind, readonly ServiceOperation[]>> = {
  domain: DOMAIN_OPERATIONS,
  option: ["create", "renew"],
  ssl: ["create", "renew"],
  hosting: ["create", "renew"],
};

/** The service code of a kind + TLD/product + operation. */
export function serviceCodeOf(s: {
  kind: ServiceKind;
  operation: ServiceOperation;
  tld?: string | null;
  product?: string | null;
}): string {
  const subject = s.kind === "domain" || s.kind === "option" ? s.tld : slugOf(s.product ?? "");
  return `${s.kind}.${subject}.${s.operation}`;
}

const DOMAIN_NAMES: Readonly<Record<DomainOperation, string>> = {
  register: "Rejestracja domeny",
  renew: "Odnowienie domeny",
  transfer: "Transfer domeny",
  trade: "Cesja domeny",
};

/** The default customer-facing name (Polish: the partner's customers are Polish). */
export function defaultServiceName(s: {
  kind: ServiceKind;
  operation: ServiceOperation;
  tld?: string | null;
  product?: string | null;
}): string {
  const renew = s.operation === "renew";
  switch (s.kind) {
    case "domain":
      return `${DOMAIN_NAMES[s.operation as DomainOperation]} .${s.tld}`;
    case "option":
      return `${renew ? "Odnowienie opcji" : "Opcja"} na domenę .${s.tld}`;
    case "ssl":
      return `${renew ? "Odnowienie certyfikatu" : "Certyfikat"} ${s.product}`;
    case "hosting":
      return `${renew ? "Odnowienie hostingu" : "Hosting"} ${s.product}`;
  }
}

const text = (what: string) =>
  z.string(`must be ${what}`).trim().min(1, `must be ${what}`).max(200, "is longer than 200 characters");

const serviceInputSchema = z
  .strictObject({
    kind: z.enum(SERVICE_KINDS, `must be one of ${SERVICE_KINDS.join(", ")}`),
    operation: z.enum(SERVICE_OPERATIONS, `must be one of ${SERVICE_OPERATIONS.join(", ")}`),
    tld: tldSchema.optional(),
    product: text("a product or package name").optional(),
    providerRef: text("the provider's id of the package").optional(),
    name: text("a name customers see").optional(),
    periods: periodsSchema,
    vatRate: z.enum(VAT_RATE_CODES, `must be one of ${VAT_RATE_CODES.join(", ")}`).optional(),
    exemptionBasis: exemptionBasisSchema.nullable().optional(),
    active: z.boolean("must be true or false").optional(),
  })
  // `when`: also run with fields that failed their own checks, so one call names every bad field.
  .superRefine(
    (v, ctx) => {
      for (const i of kindIssues(v as Record<string, unknown>)) {
        ctx.addIssue({ code: "custom", path: [i.path], message: i.message });
      }
    },
    { when: (p) => typeof p.value === "object" && p.value !== null },
  );

const isPeriods = (v: unknown): v is number[] => Array.isArray(v) && v.every((p) => typeof p === "number");
const isOnly = (periods: unknown, only: number) =>
  !isPeriods(periods) || (periods.length === 1 && periods[0] === only);

/** The rules of each kind (which operations, TLD or product, fixed periods), on raw input. */
function kindIssues(v: Record<string, unknown>): FieldIssue[] {
  const out: FieldIssue[] = [];
  const issue = (path: string, message: string) => out.push({ path, message });
  const kind = v.kind as ServiceKind;
  if (!SERVICE_KINDS.includes(kind)) return out;
  const { operation, tld, product, periods } = v;
  const ops = OPERATIONS_OF[kind];
  if (typeof operation === "string" && !ops.includes(operation as ServiceOperation)) {
    issue("operation", `a ${kind} service is ${ops.join(", ").replace(/, (?=[^,]*$)/, " or ")}`);
  }
  const onTld = kind === "domain" || kind === "option";
  if (onTld && tld === undefined) issue("tld", `a ${kind} service needs its TLD`);
  if (!onTld && tld !== undefined) issue("tld", `a ${kind} service has no TLD`);
  if (onTld && product !== undefined) issue("product", "only SSL and hosting services have a product");
  switch (kind) {
    case "domain":
      if (operation === "trade" && !isOnly(periods, 1)) {
        issue("periods", "a trade (cesja) has no term of its own: periods must be [1]");
      }
      break;
    case "option":
      if (typeof tld === "string" && !isPlFamily(tld))
        issue("tld", `options exist only in the .pl family, not in ${tld}`);
      if (!isOnly(periods, OPTION_PERIODS[0]!))
        issue("periods", "HRD's .pl options run 3 years: periods must be [3]");
      break;
    case "ssl":
      if (product === undefined) {
        issue("product", "an SSL service needs its HRD product");
      } else if (typeof product === "string" && !(SSL_PRODUCTS as readonly string[]).includes(product)) {
        issue("product", `"${product}" is not one of HRD's certificate products: ${SSL_PRODUCTS.join(", ")}`);
      } else if (typeof product === "string" && isSslTrial(product)) {
        if (operation === "renew") issue("operation", `${product} is a free trial: it cannot be renewed`);
        if (!isOnly(periods, 1)) issue("periods", `${product} is a free trial: periods must be [1]`);
      }
      if (isPeriods(periods) && periods.some((p) => p > SSL_MAX_PERIOD)) {
        issue("periods", `certificates are sold for 1–${SSL_MAX_PERIOD} years`);
      }
      break;
    case "hosting":
      if (product === undefined) issue("product", "a hosting service needs its package name");
      else if (typeof product === "string" && slugOf(product) === "") {
        issue("product", "the package name needs a letter or a digit");
      }
      if (v.providerRef === undefined)
        issue("providerRef", "a hosting service needs the provider's id of the package");
      break;
  }
  return out;
}

interface ServiceRow {
  id: number;
  code: string;
  kind: ServiceKind;
  operation: ServiceOperation;
  tld: string | null;
  product: string | null;
  provider_ref: string | null;
  name: string;
  periods: number[];
  vat_rate: VatRateCode;
  exemption_basis: ExemptionBasis | null;
  active: boolean;
}

export const SERVICE_COLUMNS =
  "id, code, kind, operation, tld, product, provider_ref, name, periods, vat_rate, exemption_basis, active";

export function toService(r: ServiceRow): Service {
  return {
    id: r.id,
    code: r.code,
    kind: r.kind,
    operation: r.operation,
    tld: r.tld,
    product: r.product,
    providerRef: r.provider_ref,
    name: r.name,
    periods: r.periods,
    vatRate: r.vat_rate,
    exemptionBasis: r.exemption_basis ?? null,
    active: r.active,
  };
}

/** Reads one service by code, optionally locking it for the rest of a transaction. */
export async function readService(db: Db, code: string, lock = ""): Promise<Service | undefined> {
  const { rows } = await db.query<ServiceRow>(
    `SELECT ${SERVICE_COLUMNS} FROM services WHERE code = $1 ${lock}`,
    [code],
  );
  return rows[0] ? toService(rows[0]) : undefined;
}

/** Issues with the TLD a domain or option service is defined on (periods, options switched off). */
function tldIssues(tld: Tld | undefined, name: string, v: ServiceInput): FieldIssue[] {
  if (!tld) return [{ path: "tld", message: `${name} is not in the catalog: add it with upsertTld first` }];
  if (v.kind === "option") {
    return tld.optionsAvailable
      ? []
      : [{ path: "tld", message: `options are switched off for ${name} (its optionsAvailable is false)` }];
  }
  const allowed = tldPeriods(tld, v.operation as DomainOperation);
  const extra = v.periods.filter((p) => !allowed.includes(p));
  return extra.length === 0
    ? []
    : [
        {
          path: "periods",
          message: `${name} allows ${v.operation} for ${allowed.join(", ")} ${allowed.length === 1 ? "year" : "years"}; ${extra.join(", ")} ${extra.length === 1 ? "is" : "are"} not among them`,
        },
      ];
}

/**
 * Creates or updates the service the input describes (its code is derived: see serviceCodeOf).
 * Fields left out keep their current value (a new service: the default Polish name, VAT 23%,
 * active). Domain periods must be a subset of the TLD's periods for that operation; a trade is
 * [1]; options are [3] on a TLD with options available; certificates are one of HRD's 13 products.
 */
export async function upsertService(db: Db, input: ServiceInput): Promise<Service> {
  const v = parseInput("upsertService", serviceInputSchema, input);
  const code = serviceCodeOf(v);
  return db.transaction(async (tx) => {
    if (v.tld !== undefined) {
      // FOR SHARE: a concurrent upsertTld cannot narrow the periods under us.
      const issues = tldIssues(await readTld(tx, v.tld, "FOR SHARE"), v.tld, v);
      if (issues.length > 0) throw new BillingValidationError("upsertService", issues);
    }
    const before = await readService(tx, code, "FOR UPDATE");
    if (before && v.kind === "hosting" && before.product !== v.product) {
      throw new BillingConflictError(
        `package "${v.product}" would get the code ${code}, which package "${before.product}" already has: rename one of them`,
        "code_taken",
      );
    }
    const vatRate = v.vatRate ?? before?.vatRate ?? "23";
    const row = {
      name: v.name ?? before?.name ?? defaultServiceName(v),
      providerRef: v.providerRef ?? before?.providerRef ?? null,
      vatRate,
      // the basis belongs to an exempt service only: moving the service off zw drops it
      exemptionBasis:
        v.exemptionBasis !== undefined
          ? v.exemptionBasis
          : vatRate === "zw"
            ? (before?.exemptionBasis ?? null)
            : null,
      active: v.active ?? before?.active ?? true,
    };
    const problem = exemptionIssue(
      vatRate,
      row.exemptionBasis,
      "exemptionBasis",
      v.exemptionBasis !== undefined,
    );
    // a zw service may wait for its basis (a proforma or the invoice asks for it); a taxed one may not have one
    if (problem && vatRate !== "zw") throw new BillingValidationError("upsertService", [problem]);
    const { rows } = await tx.query<ServiceRow>(
      `INSERT INTO services (code, kind, operation, tld, product, provider_ref, name, periods, vat_rate, active,
         exemption_basis)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::int[], $9, $10, $11::jsonb)
       ON CONFLICT (code) DO UPDATE SET
         provider_ref = EXCLUDED.provider_ref, name = EXCLUDED.name, periods = EXCLUDED.periods,
         vat_rate = EXCLUDED.vat_rate, active = EXCLUDED.active, exemption_basis = EXCLUDED.exemption_basis
       RETURNING ${SERVICE_COLUMNS}`,
      [
        code,
        v.kind,
        v.operation,
        v.tld ?? null,
        v.product ?? null,
        row.providerRef,
        row.name,
        v.periods,
        row.vatRate,
        row.active,
        row.exemptionBasis === null ? null : JSON.stringify(row.exemptionBasis),
      ],
    );
    return toService(rows[0]!);
  });
}

const codeSchema = z.string("must be a service code such as domain.pl.register").min(1, "is empty");

/** One service; BillingNotFoundError when no service has that code. */
export async function getService(db: Db, code: string): Promise<Service> {
  const c = parseInput("getService", codeSchema, code);
  const found = await readService(db, c);
  if (!found) throw new BillingNotFoundError(`service ${c}`);
  return found;
}

/** Operations in list order: what a service is made by first, then what follows it. */
const LIST_OPERATIONS: readonly ServiceOperation[] = ["register", "create", "renew", "transfer", "trade"];

/** The parts of a service code; undefined unless it is kind.subject.operation of a known kind and operation. */
function codeParts(
  code: string,
): { kind: ServiceKind; subject: string; operation: ServiceOperation } | undefined {
  const first = code.indexOf(".");
  const last = code.lastIndexOf(".");
  if (first < 0 || last <= first) return undefined;
  const kind = code.slice(0, first) as ServiceKind;
  const operation = code.slice(last + 1) as ServiceOperation;
  if (!SERVICE_KINDS.includes(kind) || !LIST_OPERATIONS.includes(operation)) return undefined;
  return { kind, subject: code.slice(first + 1, last), operation };
}

// PostgreSQL text cannot hold NUL: a value with one could never match, and could not be sent.
const noNul = (s: string) => !s.includes("\u0000");

const filterSchema = z
  .strictObject({
    kind: z.enum(SERVICE_KINDS, `must be one of ${SERVICE_KINDS.join(", ")}`).optional(),
    operation: z.enum(SERVICE_OPERATIONS, `must be one of ${SERVICE_OPERATIONS.join(", ")}`).optional(),
    tld: tldSchema.optional(),
    product: z.string("must be text").refine(noNul, "must not contain NUL").optional(),
    active: z.boolean("must be true or false").optional(),
    q: z.string("must be text").max(1000, "is longer than 1000 characters").optional(),
    after: z
      .string("must be a service code")
      .max(2000, "is longer than 2000 characters")
      .refine(
        (c) => noNul(c) && codeParts(c) !== undefined,
        "must be a service code such as domain.pl.register",
      )
      .optional(),
    limit: z.number("must be a number").int("must be a whole number").min(1).max(1000).optional(),
  })
  .default({});

// Paging order, the same on every server (no collation): kind, then the code's subject (TLD or
// product slug, ASCII) byte by byte, then operation. A cursor is a key in this order, so it stays
// valid when its service is deleted or filtered out.
const KIND_POSITION = "array_position(ARRAY['domain', 'option', 'ssl', 'hosting'], kind)";
const OPERATION_POSITION =
  "array_position(ARRAY['register', 'create', 'renew', 'transfer', 'trade'], operation)";
const SUBJECT =
  "substr(code, char_length(kind) + 2, char_length(code) - char_length(kind) - char_length(operation) - 2)";
const HAYSTACK = asciiFoldSql("code || ' ' || name");

/**
 * Services matching every given filter, by kind, then TLD or product, then operation. With `q`,
 * only those whose code or name holds every word of it. With `after` or `limit` (keyset paging),
 * in paging order: kind, then the code's TLD or product slug in byte order, then operation —
 * the order of the codes' parts, the same on every server; `after` is the previous page's last code.
 */
export async function listServices(db: Db, filter: ServiceFilter = {}): Promise<Service[]> {
  const f = parseInput("listServices", filterSchema, filter);
  const words = f.q === undefined ? [] : queryWords(f.q);
  if (words.some((w) => !noNul(w))) return [];
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const add = (column: string, value: unknown) => {
    if (value !== undefined) where.push(`${column} = ${param(value)}`);
  };
  add("kind", f.kind);
  add("operation", f.operation);
  add("tld", f.tld);
  add("product", f.product);
  add("active", f.active);
  // Never drops a match (see words.ts); matchesWords below confirms each row.
  for (const w of words) {
    const ascii = asciiOf(w);
    if (ascii !== "") where.push(`strpos(${HAYSTACK}, ${param(ascii)}) > 0`);
  }
  const paged = f.after !== undefined || f.limit !== undefined;
  const order = paged
    ? `${KIND_POSITION}, ${SUBJECT} COLLATE "C", ${OPERATION_POSITION}`
    : `array_position(ARRAY['domain', 'option', 'ssl', 'hosting'], kind), coalesce(tld, product),
       array_position(ARRAY['register', 'create', 'renew', 'transfer', 'trade'], operation), code`;
  const read = async (after: string | undefined, limit: number | undefined) => {
    const conditions = [...where];
    const values = [...params];
    const value = (v: unknown) => {
      values.push(v);
      return `$${values.length}`;
    };
    const key = after === undefined ? undefined : codeParts(after)!;
    if (key) {
      const k = value(SERVICE_KINDS.indexOf(key.kind) + 1);
      const s = value(key.subject);
      const o = value(LIST_OPERATIONS.indexOf(key.operation) + 1);
      conditions.push(
        `(${KIND_POSITION} > ${k} OR (${KIND_POSITION} = ${k} AND (${SUBJECT} COLLATE "C" > ${s}
          OR (${SUBJECT} = ${s} AND ${OPERATION_POSITION} > ${o}))))`,
      );
    }
    const { rows } = await db.query<ServiceRow>(
      `SELECT ${SERVICE_COLUMNS} FROM services
       ${conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : ""}
       ORDER BY ${order} ${limit === undefined ? "" : `LIMIT ${value(limit)}`}`,
      values,
    );
    return rows.map(toService);
  };
  const matches = (s: Service) => f.q === undefined || matchesWords(f.q, `${s.code} ${s.name}`);
  if (f.limit === undefined) return (await read(f.after, undefined)).filter(matches);
  // The SQL may let through a row the exact check refuses (text left with other scripts after
  // folding): read on after the last row read until the page is full or the rows run out.
  const out: Service[] = [];
  let after = f.after;
  for (;;) {
    const want = f.limit - out.length;
    const rows = await read(after, want);
    out.push(...rows.filter(matches));
    if (rows.length < want || out.length === f.limit) return out;
    after = rows[rows.length - 1]!.code;
  }
}

/**
 * Stops selling a service (it stays, with its prices and cost history, and can be reactivated
 * with upsertService `active: true`). Deactivating an inactive service changes nothing.
 */
export async function deactivateService(db: Db, code: string): Promise<Service> {
  const c = parseInput("deactivateService", codeSchema, code);
  const { rows } = await db.query<ServiceRow>(
    `UPDATE services SET active = false WHERE code = $1 RETURNING ${SERVICE_COLUMNS}`,
    [c],
  );
  if (!rows[0]) throw new BillingNotFoundError(`service ${c}`);
  return toService(rows[0]);
}

export interface EnsureCatalogResult {
  tld: string;
  /** Codes of the services this call created (existing ones are left as they are). */
  created: string[];
}

/**
 * Makes sure a TLD has its services: the 4 domain services (register, renew, transfer with the
 * TLD's periods; trade with [1]) and, when the TLD has options available, option create and renew
 * ([3]). Services that already exist are not touched (the partner may have changed them), so it is
 * safe to call on every wholesale import. BillingNotFoundError when the TLD is not in the catalog.
 */
export async function ensureCatalogForTld(db: Db, tld: string): Promise<EnsureCatalogResult> {
  const name = parseInput("ensureCatalogForTld", tldSchema, tld);
  return db.transaction(async (tx) => {
    const meta = await readTld(tx, name, "FOR SHARE");
    if (!meta) throw new BillingNotFoundError(`TLD ${name}`);
    const wanted: { kind: ServiceKind; operation: ServiceOperation; periods: number[] }[] = [
      ...DOMAIN_OPERATIONS.map((operation) => ({
        kind: "domain" as const,
        operation,
        periods: tldPeriods(meta, operation),
      })),
      ...(meta.optionsAvailable
        ? (["create", "renew"] as const).map((operation) => ({
            kind: "option" as const,
            operation,
            periods: [...OPTION_PERIODS],
          }))
        : []),
    ];
    const created: string[] = [];
    for (const s of wanted) {
      const code = serviceCodeOf({ ...s, tld: name });
      const { rows } = await tx.query<{ code: string }>(
        `INSERT INTO services (code, kind, operation, tld, name, periods)
         VALUES ($1, $2, $3, $4, $5, $6::int[])
         ON CONFLICT (code) DO NOTHING RETURNING code`,
        [code, s.kind, s.operation, name, defaultServiceName({ ...s, tld: name }), s.periods],
      );
      if (rows[0]) created.push(rows[0].code);
    }
    return { tld: name, created };
  });
}
