/**
 * Billing's refusals in the catalog routes' own words: its validation issues renamed to the
 * request's fields (a service's `kind` is part of its `code` in the URL), and "not found" as an
 * answer where a route only needs to know whether something exists.
 */
import { BillingNotFoundError, BillingValidationError, type FieldIssue } from "@hrdkit/billing";
import { BridgeError } from "../errors.js";

/** A 400 in the bridge's shape naming every issue (each once). */
export function invalid(issues: readonly FieldIssue[]): BridgeError {
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const key = `${i.path}\n${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return new BridgeError(
    400,
    "invalid",
    `invalid request: ${unique.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
    false,
    unique,
  );
}

/** Runs a billing call; its validation issues come back under the request's own field names. */
export async function renamingIssues<T>(
  run: () => Promise<T>,
  rename: (issue: FieldIssue) => FieldIssue,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof BillingValidationError) throw invalid(err.issues.map(rename));
    throw err;
  }
}

/**
 * Billing's functions that take one value (a TLD, a code, a group's name) name no path when it is
 * bad; in a route it is this parameter.
 */
export function param(name: string): (issue: FieldIssue) => FieldIssue {
  return (i) => (i.path === "" ? { ...i, path: name } : i);
}

/**
 * The thing, or undefined when billing says it does not exist — or cannot (a malformed name: the
 * write that follows names it, together with every other bad field).
 */
export async function ifExists<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof BillingNotFoundError || err instanceof BillingValidationError) return undefined;
    throw err;
  }
}
