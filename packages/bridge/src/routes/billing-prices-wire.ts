/**
 * Wire pieces the price and promotion routes share (billing-schemas.ts is not theirs to change):
 * money typed by people as decimal text, billing's field names translated to the wire's, cursors
 * over keys that are not one id, and refusals documented with what they mean for these routes.
 */
import { BillingValidationError, parseDecimal, toDecimal } from "@hrdkit/billing";
import { z } from "zod";
import { BridgeError } from "../errors.js";
import { errorBody } from "./billing-schemas.js";

const AMOUNT_HELP = 'must be a non-negative amount with at most 2 decimals, e.g. "39.99"';

/** True when billing's own parser reads `text` as a non-negative, exactly representable amount. */
function isAmount(text: string): boolean {
  try {
    const m = parseDecimal(text);
    return m.amount >= 0 && Number.isSafeInteger(m.amount);
  } catch {
    return false;
  }
}

/**
 * Money coming in: decimal text ("39.99"; "39,99" as Polish people type it is read the same).
 * Checked in the route schema, so a bad amount is named together with every other bad field.
 */
export const moneyIn = z
  .string()
  .max(32)
  .refine(isAmount, AMOUNT_HELP)
  .describe('Amount as a decimal string with at most 2 decimals, e.g. "39.99"');

/** Minor units of an amount `moneyIn` accepted. */
export const minorUnits = (text: string): number => parseDecimal(text).amount;

/** The amount as billing's canonical decimal text (`39,9` → `39.90`). */
export const canonicalAmount = (text: string): string => toDecimal(parseDecimal(text));

/** An optional money field in minor units; absent stays absent. */
export const minorOrUndefined = (text: string | undefined): number | undefined =>
  text === undefined ? undefined : minorUnits(text);

/**
 * Runs a billing call and translates the paths of its validation issues to the wire's names
 * (billing says `effect.grosze`, the wire `effect.amount`), so a client is told the field it sent.
 * Other errors pass through to the app's error mapping.
 */
export async function renamingIssues<T>(rename: (path: string) => string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof BillingValidationError) {
      const issues = err.issues.map((i) => ({ path: rename(i.path), message: i.message }));
      throw new BridgeError(
        400,
        "invalid",
        `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
        false,
        issues,
      );
    }
    throw err;
  }
}

/** A rename table as a function; paths under a renamed field keep their tail (`a.b` → `x.b`). */
export function renames(table: Record<string, string>): (path: string) => string {
  return (path) => {
    for (const [from, to] of Object.entries(table)) {
      if (path === from) return to;
      if (path.startsWith(`${from}.`)) return `${to}${path.slice(from.length)}`;
    }
    return path;
  };
}

type KeyPart = string | number;

/**
 * A cursor over a composite key (a service code and a period, a promotion and a code): opaque
 * base64url of the key and the listing it belongs to.
 */
export function encodeKeyCursor(listing: string, key: readonly KeyPart[]): string {
  return Buffer.from(JSON.stringify({ l: listing, k: key })).toString("base64url");
}

/**
 * The key back, checked part by part against `types` ("s" string, "n" non-negative integer);
 * a 400 naming `cursor` when it is not a cursor of this listing.
 */
export function decodeKeyCursor(cursor: string, listing: string, types: string): KeyPart[] {
  try {
    const s = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { l?: unknown; k?: unknown };
    const k = s.k;
    if (
      s.l === listing &&
      Array.isArray(k) &&
      k.length === types.length &&
      k.every((v, i) =>
        types[i] === "s"
          ? typeof v === "string" && v.length <= 200
          : Number.isSafeInteger(v) && (v as number) >= 0,
      )
    ) {
      return k as KeyPart[];
    }
  } catch {
    // Falls through to the refusal below.
  }
  return badCursor();
}

/** The refusal of a cursor the bridge did not make for this listing: a 400 naming `cursor`. */
export function badCursor(): never {
  throw new BridgeError(400, "invalid", "invalid request: cursor: not a cursor of this listing", false, [
    { path: "cursor", message: "must be the nextCursor of a previous page of the same listing" },
  ]);
}

/** An error status documented with what it means on this route (not the bridge-wide wording). */
export const refusal = (description: string) => ({
  description,
  content: { "application/json": { schema: errorBody } },
});

/** `true` / `false` in a query string (z.coerce.boolean would read "false" as true). */
export const queryBoolean = z.enum(["true", "false"]);
export const booleanOf = (v: "true" | "false" | undefined): boolean | undefined =>
  v === undefined ? undefined : v === "true";

export const limitQuery = z.coerce.number().int().min(1).max(200).default(50);
export const cursorQuery = z.string().max(400).optional().describe("nextCursor of the previous page");

export const replayedFlag = z.boolean().describe("True when this is the stored answer of an earlier call");

export const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);
