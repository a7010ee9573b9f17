/**
 * When a call is sent again, as pure functions (the interceptor in client.ts only applies them).
 * A call is repeated only if repeating it cannot do a thing twice: GET, PUT and DELETE, and a
 * POST or PATCH that carries an Idempotency-Key the operation honours (the bridge then answers a
 * repeat with the first outcome). It is repeated only for failures that may pass: no answer at all,
 * 429 and 5xx — never another 4xx, which would only be refused again.
 */
import type { IdempotencyKeyUse } from "./operations.generated.js";

export interface RetryPolicy {
  /** Retries after the first attempt (default 2; 0: none). */
  retries: number;
  /** The first backoff, in ms (default 500); it doubles on each retry. */
  minDelayMs: number;
  /** The longest wait, in ms (default 10 000). A `Retry-After` asking for more ends the retries. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 2, minDelayMs: 500, maxDelayMs: 10_000 };

/**
 * Whether sending the call twice is harmless. `keyUse` is what the OpenAPI document says of the
 * operation's Idempotency-Key header (undefined: an operation this client does not know, where a
 * key the caller chose to send is taken to be honoured).
 */
export function isRepeatable(
  method: string,
  hasIdempotencyKey: boolean,
  keyUse?: IdempotencyKeyUse,
): boolean {
  const m = method.toUpperCase();
  if (m === "GET" || m === "HEAD" || m === "OPTIONS" || m === "PUT" || m === "DELETE") return true;
  return hasIdempotencyKey && keyUse !== "none";
}

/** What went wrong with one attempt. */
export interface Failure {
  /** The response's status; undefined when there was no response (network error, timeout). */
  status?: number;
  /** The bridge's `error.retryable`, when its error body said. */
  retryable?: boolean;
  /** The `Retry-After` header, as sent. */
  retryAfter?: string;
  /** The caller aborted the call: never retried. */
  aborted?: boolean;
}

/** `Retry-After` in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The wait before retry number `retry` (1 for the first), or undefined when the call must not be
 * sent again. Exponential backoff with jitter (between half and all of `minDelayMs · 2^(retry-1)`,
 * capped at `maxDelayMs`), and never shorter than the server's `Retry-After`.
 */
export function retryDelay(
  failure: Failure,
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (failure.aborted || retry > policy.retries) return undefined;
  const { status } = failure;
  if (status !== undefined) {
    if (status !== 429 && status < 500) return undefined;
    // The bridge knows better: a 502 for a refusal HRD will repeat says `retryable: false`.
    if (failure.retryable === false) return undefined;
  }
  const backoff = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (retry - 1));
  const jittered = backoff / 2 + random() * (backoff / 2);
  const asked = parseRetryAfter(failure.retryAfter);
  if (asked === undefined) return Math.round(jittered);
  if (asked > policy.maxDelayMs) return undefined;
  return Math.round(Math.max(asked, jittered));
}
