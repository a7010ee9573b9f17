/**
 * Shared pieces of the billing routes: money on the wire, opaque cursors, and billing's errors in
 * the bridge's one error shape. The route schemas only check types: billing validates formats and
 * the rules between fields itself, so one refusal names every bad field at once.
 */
import { type Money, toDecimal } from "@hrdkit/billing";
import { z } from "zod";
import { BridgeError } from "../errors.js";

export { idempotencyHeaders } from "../idempotency.js";
export { errorBody } from "../openapi.js";

/** Money on the wire: a decimal string exact to the grosz ("39.99"), never a float. */
export const moneyOut = z
  .string()
  .regex(/^-?\d+\.\d{2}$/)
  .describe('Amount as a decimal string exact to the grosz (or cent), e.g. "39.99"');

export const decimal = (m: Money): string => toDecimal(m);
export const decimalOrNull = (m: Money | null): string | null => (m ? toDecimal(m) : null);

/** An id in a path: digits only, so `/customers/abc` is a 400 naming `id`, not a 500. */
export const idParams = z.object({
  id: z.coerce.number("must be an id").int("must be an id").positive("must be an id").max(2_147_483_647),
});

/** Cursor payload: the last id of the previous page and what it was ordered by. */
interface CursorState {
  afterId: number;
  order: string;
}

export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state)).toString("base64url");
}

/** The cursor back; a 400 naming `cursor` when it is not one the bridge made for this listing. */
export function decodeCursor(cursor: string, order: string): CursorState {
  try {
    const s = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Partial<CursorState>;
    if (Number.isSafeInteger(s.afterId) && (s.afterId as number) >= 0 && s.order === order) {
      return { afterId: s.afterId as number, order };
    }
  } catch {
    // Falls through to the refusal below.
  }
  throw new BridgeError(400, "invalid", "invalid request: cursor: not a cursor of this listing", false, [
    { path: "cursor", message: "must be the nextCursor of a previous page of the same listing (same order)" },
  ]);
}
