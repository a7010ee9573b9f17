/**
 * TLD groups: the partner's ordered lists of TLDs that name suggestions go through ("Polskie":
 * pl, com.pl, waw.pl …). The order inside a group is the order suggestions come back in.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingNotFoundError, BillingValidationError } from "../errors.js";
import { parseInput } from "../validate.js";
import { tldSchema } from "./names.js";

export interface TldGroup {
  id: number;
  name: string;
  tlds: string[];
  position: number;
}

export interface TldGroupInput {
  name: string;
  /** In the order suggestions should list them; every one must be in the catalog. */
  tlds: string[];
  /** Lower first; default 0 for a new group, unchanged for an existing one. */
  position?: number;
}

const nameSchema = z
  .string("must be the group's name")
  .trim()
  .min(1, "must be the group's name")
  .max(100, "is longer than 100 characters");

const groupSchema = z.strictObject({
  name: nameSchema,
  tlds: z
    .array(tldSchema, "must be a list of TLDs")
    .min(1, "needs at least one TLD")
    .max(500, "takes at most 500 TLDs")
    .superRefine((tlds, ctx) => {
      const seen = new Set<string>();
      tlds.forEach((t, i) => {
        if (seen.has(t)) ctx.addIssue({ code: "custom", path: [i], message: `${t} is listed twice` });
        seen.add(t);
      });
    }),
  position: z
    .number("must be a whole number")
    .int("must be a whole number")
    .min(-1_000_000, "must be between -1000000 and 1000000")
    .max(1_000_000, "must be between -1000000 and 1000000")
    .optional(),
});

interface GroupRow {
  id: number;
  name: string;
  tlds: string[];
  position: number;
}

/** Creates a group or replaces the TLDs (and position, when given) of the one with that name. */
export async function upsertTldGroup(db: Db, input: TldGroupInput): Promise<TldGroup> {
  const v = parseInput("upsertTldGroup", groupSchema, input);
  return db.transaction(async (tx) => {
    // FOR SHARE: none of the listed TLDs can be deleted until we commit.
    const { rows: known } = await tx.query<{ tld: string }>(
      "SELECT tld FROM tlds WHERE tld = ANY ($1::text[]) FOR SHARE",
      [v.tlds],
    );
    const have = new Set(known.map((r) => r.tld));
    const missing = v.tlds.flatMap((t, i) =>
      have.has(t)
        ? []
        : [{ path: `tlds.${i}`, message: `${t} is not in the catalog: add it with upsertTld first` }],
    );
    if (missing.length > 0) throw new BillingValidationError("upsertTldGroup", missing);
    const { rows } = await tx.query<GroupRow>(
      `INSERT INTO tld_groups (name, tlds, position) VALUES ($1, $2::text[], coalesce($3::int, 0))
       ON CONFLICT (name) DO UPDATE SET tlds = EXCLUDED.tlds,
         position = coalesce($3::int, tld_groups.position)
       RETURNING id, name, tlds, position`,
      [v.name, v.tlds, v.position ?? null],
    );
    return rows[0]!;
  });
}

/** Every group, by position then name. */
export async function listTldGroups(db: Db): Promise<TldGroup[]> {
  const { rows } = await db.query<GroupRow>(
    "SELECT id, name, tlds, position FROM tld_groups ORDER BY position, name",
  );
  return rows;
}

/** One group by name; BillingNotFoundError when there is none. */
export async function getTldGroup(db: Db, name: string): Promise<TldGroup> {
  const n = parseInput("getTldGroup", nameSchema, name);
  const { rows } = await db.query<GroupRow>(
    "SELECT id, name, tlds, position FROM tld_groups WHERE name = $1",
    [n],
  );
  if (!rows[0]) throw new BillingNotFoundError(`TLD group "${n}"`);
  return rows[0];
}

/** Removes a group (its TLDs stay in the catalog). */
export async function deleteTldGroup(db: Db, name: string): Promise<void> {
  const n = parseInput("deleteTldGroup", nameSchema, name);
  const { rowCount } = await db.query("DELETE FROM tld_groups WHERE name = $1", [n]);
  if (rowCount === 0) throw new BillingNotFoundError(`TLD group "${n}"`);
}
