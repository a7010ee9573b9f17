/**
 * Name suggestions: a query ("sklep", "Żółty Sklep!", "sklep.pl") becomes one label per TLD of a
 * group — with Polish letters where the TLD takes IDN names, transliterated where it does not —
 * and every candidate is checked with as few availability calls as HRD allows (100 names each).
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingValidationError, type FieldIssue } from "../errors.js";
import { parseInput } from "../validate.js";
import { parseDomainName, toAsciiDomain } from "./domain-name.js";
import { tldSchema, toLabel } from "./names.js";
import { AVAILABILITY_BATCH, type AvailabilityPort, type AvailabilityStatus } from "./ports.js";
import { getTldGroup, listTldGroups } from "./tld-groups.js";

export interface SuggestInput {
  /** What the customer typed; several queries at once as a list. */
  query: string | string[];
  /** Name of a TLD group; default: the first group (lowest position). */
  group?: string;
  /** TLDs to use instead of a group, in this order. */
  tlds?: string[];
  /** Most candidates to check and return (1–1000, default 1000). */
  limit?: number;
}

export interface NameSuggestion {
  /** The name as customers read it (Unicode: `żółw.pl`). */
  name: string;
  /** Its punycode form, only when it differs from `name`. */
  ascii?: string;
  tld: string;
  status: AvailabilityStatus;
  /** The partner sells it now: domains are offered and the TLD's register service is active. */
  sellable: boolean;
}

export interface SuggestOptions {
  /** Called after each availability call with names checked so far and in all. */
  onProgress?: (done: number, total: number) => void;
}

export const MAX_SUGGESTIONS = 1000;

const queryText = z
  .string('must be text, e.g. "sklep"')
  .trim()
  .min(1, "is empty")
  .max(253, "is longer than 253 characters");

const suggestSchema = z
  .strictObject({
    query: z.union(
      [
        queryText,
        z.array(queryText).min(1, "needs at least one query").max(100, "takes at most 100 queries"),
      ],
      "must be text or a list of texts",
    ),
    group: z.string("must be a TLD group's name").trim().min(1, "must be a TLD group's name").optional(),
    tlds: z.array(tldSchema, "must be a list of TLDs").min(1, "needs at least one TLD").optional(),
    limit: z
      .number("must be a number")
      .int("must be a whole number")
      .min(1, `must be 1–${MAX_SUGGESTIONS}`)
      .max(MAX_SUGGESTIONS, `must be 1–${MAX_SUGGESTIONS}`)
      .optional(),
  })
  .superRefine(
    (v, ctx) => {
      if (v.group !== undefined && v.tlds !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["tlds"],
          message: "give either a group or a list of TLDs, not both",
        });
      }
    },
    { when: (p) => typeof p.value === "object" && p.value !== null },
  );

/**
 * The part of a query that becomes the label: without a URL's scheme and path, a leading `www.`
 * and a trailing TLD the catalog knows (`sklep.com.pl` → `sklep`; the longest TLD wins).
 */
export function queryBase(query: string, knownTlds: readonly string[]): string {
  let q = query.normalize("NFC").trim().toLowerCase();
  const url = /^[a-z][a-z0-9+.-]*:\/\//.exec(q);
  if (url) q = q.slice(url[0].length).replace(/[/?#].*$/, "");
  q = q.replace(/\.+$/, "");
  if (/^www\.[^.]/.test(q)) q = q.slice(4);
  const suffix = [...knownTlds]
    .sort((a, b) => b.length - a.length)
    .find((t) => q.length > t.length + 1 && q.endsWith(`.${t}`));
  return suffix ? q.slice(0, -(suffix.length + 1)) : q;
}

interface Candidate {
  name: string;
  ascii: string;
  tld: string;
}

/**
 * Suggests names for a query across a TLD group (or a list of TLDs), with their availability and
 * whether the partner sells them. Results follow the query order, then the group's TLD order.
 * Candidates that are the same name (a transliterated "żółw" and "zolw") are checked once.
 */
export async function suggestNames(
  db: Db,
  input: SuggestInput,
  availability: AvailabilityPort,
  options: SuggestOptions = {},
): Promise<NameSuggestion[]> {
  const v = parseInput("suggestNames", suggestSchema, input);
  const { rows: catalog } = await db.query<{ tld: string; idn: boolean }>(
    "SELECT tld, idn FROM tlds ORDER BY tld",
  );
  const idnOf = new Map(catalog.map((r) => [r.tld, r.idn]));

  let tlds: string[];
  if (v.tlds) {
    const missing: FieldIssue[] = v.tlds.flatMap((t, i) =>
      idnOf.has(t) ? [] : [{ path: `tlds.${i}`, message: `${t} is not in the catalog` }],
    );
    if (missing.length > 0) throw new BillingValidationError("suggestNames", missing);
    tlds = [...new Set(v.tlds)];
  } else if (v.group !== undefined) {
    tlds = (await getTldGroup(db, v.group)).tlds;
  } else {
    const first = (await listTldGroups(db))[0];
    tlds = first ? first.tlds : await registrableTlds(db);
  }
  tlds = tlds.filter((t) => idnOf.has(t));

  const queries = typeof v.query === "string" ? [v.query] : v.query;
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  const issues: FieldIssue[] = [];
  queries.forEach((query, qi) => {
    const base = queryBase(query, [...idnOf.keys()]);
    let made = 0;
    let tooLong = false;
    for (const tld of tlds) {
      const label = toLabel(base, idnOf.get(tld) ?? false);
      if (label === "") continue;
      // The label is ours (toLabel), but it is checked as any typed name is (parseDomainName).
      const parsed = parseDomainName(`${label}.${tld}`);
      if ("problem" in parsed) {
        tooLong ||= label.length > 63 || parsed.reason === "length";
        continue;
      }
      const { ascii, unicode } = parsed;
      made++;
      if (seen.has(ascii)) continue;
      seen.add(ascii);
      candidates.push({ name: unicode, ascii, tld });
    }
    if (made === 0 && tlds.length > 0) {
      issues.push({
        path: typeof v.query === "string" ? "query" : `query.${qi}`,
        message: tooLong
          ? `"${query}" makes a label longer than 63 characters`
          : `"${query}" has no letters or digits to make a domain name from`,
      });
    }
  });
  if (issues.length > 0) throw new BillingValidationError("suggestNames", issues);

  const wanted = candidates.slice(0, v.limit ?? MAX_SUGGESTIONS);
  const statuses = new Map<string, AvailabilityStatus>();
  for (let from = 0; from < wanted.length; from += AVAILABILITY_BATCH) {
    const batch = wanted.slice(from, from + AVAILABILITY_BATCH);
    const replies = await availability.check(batch.map((c) => c.name));
    for (const r of replies) statuses.set(toAsciiDomain(r.name), r.status);
    options.onProgress?.(from + batch.length, wanted.length);
  }

  const sellable = await sellableTlds(db, [...new Set(wanted.map((c) => c.tld))]);
  return wanted.map((c) => ({
    name: c.name,
    ...(c.ascii !== c.name ? { ascii: c.ascii } : {}),
    tld: c.tld,
    status: statuses.get(c.ascii) ?? "unknown",
    sellable: sellable.has(c.tld),
  }));
}

/** TLDs whose register service is active, when domains are offered at all. */
async function sellableTlds(db: Db, tlds: string[]): Promise<Set<string>> {
  if (tlds.length === 0) return new Set();
  const { rows } = await db.query<{ tld: string }>(
    `SELECT s.tld FROM services s JOIN offered_services o ON o.kind = s.kind AND o.enabled
     WHERE s.kind = 'domain' AND s.operation = 'register' AND s.active AND s.tld = ANY ($1::text[])`,
    [tlds],
  );
  return new Set(rows.map((r) => r.tld));
}

/** Without any group: every TLD with an active register service, by name. */
async function registrableTlds(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ tld: string }>(
    "SELECT tld FROM services WHERE kind = 'domain' AND operation = 'register' AND active ORDER BY tld",
  );
  return rows.map((r) => r.tld);
}
