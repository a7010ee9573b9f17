import type { z } from "zod";
import { BillingValidationError } from "./errors.js";

/**
 * Parses `input` with `schema`; on failure throws BillingValidationError naming every bad field
 * (zod reports them all at once). Every public entry point of billing starts with this.
 */
export function parseInput<S extends z.ZodType>(operation: string, schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new BillingValidationError(
    operation,
    r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
  );
}
