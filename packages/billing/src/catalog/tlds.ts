/**
 * TLD metadata ("price types" in HRD's panel): periods per operation, IDN, options, the extra data
 * a registry needs and grace periods. Data the partner edits; services are checked against it.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingConflictError, BillingNotFoundError } from "../errors.js";
import { parseInput } from "../validate.js";
import { isPlFamily, tldSchema } from "./names.js";
import { queryWords } from "./words.js";

/** The api.xsd `additionalData` block a registry requires on registration. */
export const ADDITIONAL_DATA = ["fr", "it", "us", "ca", "es"] as const;
export type AdditionalData = (typeof ADDITIONAL_DATA)[number];

export interface TldGrace {
  /** Days after expiry during which the domain can still be renewed at the normal price. */
  renewAfterExpiryDays?: number;
  /** Days of redemption (restore, usually at a higher price) after that. */
  redemptionDays?: number;
}

export interface Tld {
  tld: string;
  /** Names with Polish letters are offered under this TLD (suggestions keep them). */
  idn: boolean;
  registerPeriods: number[];
  renewPeriods: number[];
  transferPeriods: number[];
  /** .pl family only: NASK options ("opcje") can be sold. */
  optionsAvailable: boolean;
  additionalData: AdditionalData | null;
  grace: TldGrace;
  updatedAt: Date;
}

export interface TldInput {
  tld: string;
  idn?: boolean;
  registerPeriods: number[];
  renewPeriods: number[];
  transferPeriods: number[];
  optionsAvailable?: boolean;
  additionalData?: AdditionalData | null;
  grace?: TldGrace;
}

/** Years: whole numbers 1–10, each once; stored sorted. */
export const periodsSchema = z
  .array(
    z
      .number("must be a number of years")
      .int("must be a whole number of years")
      .min(1, "must be 1–10 years")
      .max(10, "must be 1–10 years"),
    "must be a list of periods in years, e.g. [1, 2, 3]",
  )
  .min(1, "needs at least one period")
  .superRefine((periods, ctx) => {
    const seen = new Set<number>();
    periods.forEach((p, i) => {
      if (seen.has(p)) ctx.addIssue({ code: "custom", path: [i], message: `${p} is listed twice` });
      seen.add(p);
    });
  })
  .transform((periods) => [...periods].sort((a, b) => a - b));

const days = z
  .number("must be a number of days")
  .int("must be a whole number of days")
  .min(0, "must be 0–365 days")
  .max(365, "must be 0–365 days");

const graceSchema = z.strictObject({
  renewAfterExpiryDays: days.optional(),
  redemptionDays: days.optional(),
});

const tldInputSchema = z
  .strictObject({
    tld: tldSchema,
    idn: z.boolean("must be true or false").optional(),
    registerPeriods: periodsSchema,
    renewPeriods: periodsSchema,
    transferPeriods: periodsSchema,
    optionsAvailable: z.boolean("must be true or false").optional(),
    additionalData: z
      .enum(ADDITIONAL_DATA, `must be one of ${ADDITIONAL_DATA.join(", ")} or null`)
      .nullable()
      .optional(),
    grace: graceSchema.optional(),
  })
  .superRefine(
    (v, ctx) => {
      if (v.optionsAvailable === true && typeof v.tld === "string" && !isPlFamily(v.tld)) {
        ctx.addIssue({
          code: "custom",
          path: ["optionsAvailable"],
          message: `options exist only in the .pl family (pl and names ending in .pl), not in ${v.tld}`,
        });
      }
    },
    // Also when other fields failed, so one call names every bad field.
    { when: (p) => typeof p.value === "object" && p.value !== null },
  );

interface TldRow {
  tld: string;
  idn: boolean;
  register_periods: number[];
  renew_periods: number[];
  transfer_periods: number[];
  options_available: boolean;
  additional_data: AdditionalData | null;
  grace: TldGrace;
  updated_at: Date;
}

const TLD_COLUMNS =
  "tld, idn, register_periods, renew_periods, transfer_periods, options_available, additional_data, grace, updated_at";

function toTld(r: TldRow): Tld {
  return {
    tld: r.tld,
    idn: r.idn,
    registerPeriods: r.register_periods,
    renewPeriods: r.renew_periods,
    transferPeriods: r.transfer_periods,
    optionsAvailable: r.options_available,
    additionalData: r.additional_data,
    grace: r.grace,
    updatedAt: r.updated_at,
  };
}

/** The periods a TLD allows for a domain operation (a trade has no period of its own: [1]). */
export function tldPeriods(tld: Tld, operation: "register" | "renew" | "transfer" | "trade"): number[] {
  switch (operation) {
    case "register":
      return tld.registerPeriods;
    case "renew":
      return tld.renewPeriods;
    case "transfer":
      return tld.transferPeriods;
    case "trade":
      return [1];
  }
}

/** Reads one TLD, optionally locking it (`FOR SHARE` / `FOR UPDATE`) for the rest of a transaction. */
export async function readTld(db: Db, tld: string, lock = ""): Promise<Tld | undefined> {
  const { rows } = await db.query<TldRow>(`SELECT ${TLD_COLUMNS} FROM tlds WHERE tld = $1 ${lock}`, [tld]);
  return rows[0] ? toTld(rows[0]) : undefined;
}

/**
 * Creates or replaces the metadata of one TLD. Fields left out keep their current value (or take
 * their default for a new TLD: no IDN, no options, no additional data, no grace). Refused (code
 * `in_use`) when it would contradict an active service: a period a domain service sells that the
 * TLD no longer allows, or switching options off while option services are active. (Inactive
 * services are checked again when upsertService reactivates them.)
 */
export async function upsertTld(db: Db, input: TldInput): Promise<Tld> {
  const v = parseInput("upsertTld", tldInputSchema, input);
  return db.transaction(async (tx) => {
    const before = await readTld(tx, v.tld, "FOR UPDATE");
    const next = {
      idn: v.idn ?? before?.idn ?? false,
      optionsAvailable: v.optionsAvailable ?? before?.optionsAvailable ?? false,
      additionalData: v.additionalData === undefined ? (before?.additionalData ?? null) : v.additionalData,
      grace: v.grace ?? before?.grace ?? {},
    };
    if (before) await assertServicesStillFit(tx, { ...before, ...v, ...next });
    const { rows } = await tx.query<TldRow>(
      `INSERT INTO tlds (tld, idn, register_periods, renew_periods, transfer_periods, options_available,
                         additional_data, grace, updated_at)
       VALUES ($1, $2, $3::int[], $4::int[], $5::int[], $6, $7, $8::jsonb, now())
       ON CONFLICT (tld) DO UPDATE SET
         idn = EXCLUDED.idn, register_periods = EXCLUDED.register_periods,
         renew_periods = EXCLUDED.renew_periods, transfer_periods = EXCLUDED.transfer_periods,
         options_available = EXCLUDED.options_available, additional_data = EXCLUDED.additional_data,
         grace = EXCLUDED.grace, updated_at = now()
       RETURNING ${TLD_COLUMNS}`,
      [
        v.tld,
        next.idn,
        v.registerPeriods,
        v.renewPeriods,
        v.transferPeriods,
        next.optionsAvailable,
        next.additionalData,
        JSON.stringify(next.grace),
      ],
    );
    return toTld(rows[0]!);
  });
}

async function assertServicesStillFit(db: Db, tld: Tld): Promise<void> {
  const { rows } = await db.query<{ code: string; kind: string; operation: string; periods: number[] }>(
    "SELECT code, kind, operation, periods FROM services WHERE tld = $1 AND active ORDER BY code",
    [tld.tld],
  );
  const problems: string[] = [];
  for (const s of rows) {
    if (s.kind === "option") {
      if (!tld.optionsAvailable)
        problems.push(`${s.code} is active (deactivate it before switching options off)`);
      continue;
    }
    const allowed = tldPeriods(tld, s.operation as "register" | "renew" | "transfer" | "trade");
    const lost = s.periods.filter((p) => !allowed.includes(p));
    if (lost.length > 0) {
      problems.push(
        `${s.code} sells ${lost.join(", ")} ${lost.length === 1 ? "year" : "years"} (change its periods first)`,
      );
    }
  }
  if (problems.length > 0) {
    throw new BillingConflictError(`${tld.tld} cannot be changed that way: ${problems.join("; ")}`, "in_use");
  }
}

/** One TLD's metadata; BillingNotFoundError when the catalog does not have it. */
export async function getTld(db: Db, tld: string): Promise<Tld> {
  const name = parseInput("getTld", tldSchema, tld);
  const found = await readTld(db, name);
  if (!found) throw new BillingNotFoundError(`TLD ${name}`);
  return found;
}

export interface TldFilter {
  /** Words that must all occur in the TLD (case and diacritics ignored), e.g. "pl". */
  q?: string;
  idn?: boolean;
  optionsAvailable?: boolean;
  /** Keyset paging: the last TLD of the previous page (it need not exist any more). */
  after?: string;
  /** At most this many TLDs, 1–1000 (ask one more than a page to learn if another follows). */
  limit?: number;
}

const noNul = (s: string) => !s.includes("\u0000");

const tldFilterSchema = z
  .strictObject({
    q: z.string("must be text").max(1000, "is longer than 1000 characters").optional(),
    idn: z.boolean("must be true or false").optional(),
    optionsAvailable: z.boolean("must be true or false").optional(),
    after: z
      .string("must be a TLD")
      .max(2000, "is longer than 2000 characters")
      .refine(noNul, "must not contain NUL")
      .optional(),
    limit: z.number("must be a number").int("must be a whole number").min(1).max(1000).optional(),
  })
  .default({});

/**
 * Every TLD matching the filter, sorted by name. With `after` or `limit` (keyset paging) sorted
 * byte by byte (TLDs are ASCII), the same on every server whatever its collation.
 */
export async function listTlds(db: Db, filter: TldFilter = {}): Promise<Tld[]> {
  const f = parseInput("listTlds", tldFilterSchema, filter);
  // TLDs are lowercase ASCII, their own folded form: a word matches when the TLD contains it.
  const words = f.q === undefined ? [] : queryWords(f.q);
  if (words.some((w) => !noNul(w))) return [];
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  for (const w of words) where.push(`strpos(tld, ${param(w)}) > 0`);
  if (f.idn !== undefined) where.push(`idn = ${param(f.idn)}`);
  if (f.optionsAvailable !== undefined) where.push(`options_available = ${param(f.optionsAvailable)}`);
  if (f.after !== undefined) where.push(`tld COLLATE "C" > ${param(f.after)}`);
  const paged = f.after !== undefined || f.limit !== undefined;
  const { rows } = await db.query<TldRow>(
    `SELECT ${TLD_COLUMNS} FROM tlds ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY tld ${paged ? 'COLLATE "C"' : ""} ${f.limit === undefined ? "" : `LIMIT ${param(f.limit)}`}`,
    params,
  );
  return rows.map(toTld);
}

/**
 * Removes a TLD. Refused (code `in_use`) while any service (active or not) or a TLD group uses
 * it: deactivating a service keeps its history (prices, wholesale costs) intact.
 */
export async function deleteTld(db: Db, tld: string): Promise<void> {
  const name = parseInput("deleteTld", tldSchema, tld);
  await db.transaction(async (tx) => {
    const found = await readTld(tx, name, "FOR UPDATE");
    if (!found) throw new BillingNotFoundError(`TLD ${name}`);
    const services = await tx.query<{ code: string }>(
      "SELECT code FROM services WHERE tld = $1 ORDER BY code",
      [name],
    );
    const groups = await tx.query<{ name: string }>(
      "SELECT name FROM tld_groups WHERE $1 = ANY (tlds) ORDER BY position, name",
      [name],
    );
    const uses = [
      ...(services.rows.length > 0 ? [`services ${services.rows.map((r) => r.code).join(", ")}`] : []),
      ...(groups.rows.length > 0 ? [`TLD groups ${groups.rows.map((r) => `"${r.name}"`).join(", ")}`] : []),
    ];
    if (uses.length > 0) {
      throw new BillingConflictError(
        `${name} cannot be deleted while ${uses.join(" and ")} use it (deactivate services instead of deleting the TLD)`,
        "in_use",
      );
    }
    await tx.query("DELETE FROM tlds WHERE tld = $1", [name]);
  });
}
