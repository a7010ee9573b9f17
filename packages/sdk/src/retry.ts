import { HrdError } from "./errors.js";
import type { Effect } from "./ops/define.js";

/**
 * The one place that decides whether a failed attempt may be repeated (stripe-node style: a pure
 * function, tested on its own).
 * - Nothing reached HRD (`not_sent`): any call may be repeated, billable ones too.
 * - HRD refused (`rejected`): never — the same request would be refused again.
 * - Unknown outcome: reads and idempotent writes may be repeated; a billable call, or a write
 *   that is not idempotent (`user/create`), never is.
 */
export function shouldRetry(effect: Effect, error: unknown, idempotent = effect !== "billable"): boolean {
  if (!(error instanceof HrdError)) return false;
  if (!error.retryable) return false;
  if (error.outcome === "not_sent") return true;
  if (error.outcome === "rejected") return false;
  return effect !== "billable" && idempotent;
}
