import { HrdError, HrdOutcomeUnknownError } from "@hrdkit/sdk";
import { CliError, EXIT } from "../exit-codes.js";

/**
 * Runs a make-sure purchase and turns its two special failures into what a user must know:
 * an outcome that stayed unknown (exit 5: look before retrying — nothing was resent) and a
 * conflict found by reading state (exit 4: HRD's state says no). Messages carry the name only,
 * never an auth code.
 */
export async function purchase<T>(what: string, name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof HrdOutcomeUnknownError) {
      throw new CliError(
        `${what} ${name}: outcome unknown. The connection failed after the request was sent and HRD's ` +
          `state did not settle it; nothing was resent, to avoid paying twice. Check with ` +
          `\`hrdkit info ${name}\` (or HRD's panel) before trying again.`,
        EXIT.unknown,
      );
    }
    if (err instanceof HrdError && err.code === "conflict") throw new CliError(err.message, EXIT.refused);
    throw err;
  }
}

/** `2026-03-01T10:00:00` → `2026-03-01`. */
export function day(date: string | undefined): string {
  return (date ?? "").slice(0, 10);
}
