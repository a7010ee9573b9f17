/**
 * Paging and filters shared by the catalog routes, by a keyset cursor: the sort key of the last
 * row shown. Services and TLDs are paged by billing in SQL (in byte order, not the database's
 * collation, so the order and a cursor are the same on PGlite and on any PostgreSQL server); the
 * few TLD groups are listed whole and a page is cut here, sorted in JavaScript by code units. A
 * cursor stays valid when its row is deleted or filtered out.
 */
import { matchesWords } from "@hrdkit/billing";
import { z } from "zod";
import { BridgeError } from "../errors.js";

/** A row's place in its listing: compared element by element (numbers as numbers, text by code units). */
export type SortKey = readonly (string | number)[];

export function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

interface KeyCursor {
  order: string;
  after: (string | number)[];
}

export function encodeKeyCursor(order: string, after: SortKey): string {
  return Buffer.from(JSON.stringify({ order, after: [...after] } satisfies KeyCursor)).toString("base64url");
}

/**
 * The key a cursor points after, or undefined when it is not a cursor of this listing (or, with
 * `valid`, not a key a row of it can have).
 */
export function readKeyCursor(
  cursor: string,
  order: string,
  length: number,
  valid: (key: SortKey) => boolean = () => true,
): SortKey | undefined {
  try {
    const c = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Partial<KeyCursor>;
    const ok =
      c.order === order &&
      Array.isArray(c.after) &&
      c.after.length === length &&
      c.after.every((v) => typeof v === "string" || Number.isSafeInteger(v)) &&
      valid(c.after as SortKey);
    return ok ? (c.after as SortKey) : undefined;
  } catch {
    return undefined;
  }
}

const CURSOR_MESSAGE = "must be the nextCursor of a previous page of the same listing";

/**
 * A listing ordered by a key of `keyLength` parts: its `cursor` query parameter, checked with the
 * other parameters so that one 400 names every bad one, and the page cut after a cursor (or, for
 * rows billing paged, the page and its cursor). `valid` narrows the keys a cursor may carry to
 * those a row can have (the SQL that pages compares them as such).
 */
export function keyedListing<T>(
  order: string,
  keyLength: number,
  keyOf: (row: T) => SortKey,
  valid?: (key: SortKey) => boolean,
) {
  const cursorParam = z
    .string()
    .max(1000)
    .refine((c) => readKeyCursor(c, order, keyLength, valid) !== undefined, CURSOR_MESSAGE)
    .optional()
    .describe("nextCursor of the previous page (with the same filters)");

  /** One page of `rows` after the cursor's key; nextCursor null on the last page. */
  function page(
    rows: readonly T[],
    limit: number,
    cursor: string | undefined,
  ): { items: T[]; nextCursor: string | null } {
    const keyed = rows.map((row) => ({ row, key: keyOf(row) })).sort((a, b) => compareKeys(a.key, b.key));
    let start = 0;
    if (cursor !== undefined) {
      const after = readKeyCursor(cursor, order, keyLength, valid);
      if (!after) {
        throw new BridgeError(400, "invalid", `invalid request: cursor: ${CURSOR_MESSAGE}`, false, [
          { path: "cursor", message: CURSOR_MESSAGE },
        ]);
      }
      start = keyed.findIndex((k) => compareKeys(k.key, after) > 0);
      if (start < 0) start = keyed.length;
    }
    const items = keyed.slice(start, start + limit);
    const last = items[items.length - 1];
    return {
      items: items.map((k) => k.row),
      nextCursor: start + limit < keyed.length && last ? encodeKeyCursor(order, last.key) : null,
    };
  }

  /** The key a (checked) cursor points after; undefined for the first page. */
  const afterOf = (cursor: string | undefined) =>
    cursor === undefined ? undefined : readKeyCursor(cursor, order, keyLength, valid);

  /** The page of rows billing read in order after the cursor, one more than `limit` when another follows. */
  function pageRead(rows: readonly T[], limit: number): { items: T[]; nextCursor: string | null } {
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeKeyCursor(order, keyOf(last)) : null,
    };
  }

  return { cursorParam, page, pageRead, afterOf, keyOf };
}

/**
 * A cursor's text up to a NUL, and whether one cut it. PostgreSQL text cannot hold NUL; a row's
 * text (without one) sorts after the whole text exactly when it sorts after the part before the
 * NUL and is not that part itself.
 */
export function beforeNul(text: string): { text: string; cut: boolean } {
  const at = text.indexOf("\u0000");
  return at < 0 ? { text, cut: false } : { text: text.slice(0, at), cut: true };
}

export const limitParam = z.coerce
  .number()
  .int()
  .min(1)
  .max(200)
  .default(50)
  .describe("Rows per page, 1–200 (default 50)");

/** A yes/no query parameter: only `true` or `false` (a bare coercion would read "false" as true). */
export const booleanParam = z.enum(["true", "false"]).transform((v) => v === "true");

/** True when every word of `query` occurs somewhere in `haystack` (case and diacritics ignored): billing's rule. */
export { matchesWords };
