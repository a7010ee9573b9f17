/**
 * When a failed delivery is tried again: a pure function of the attempt number, so the schedule
 * can be tested and documented exactly. Exponential (×2.5 from 10 s, capped at 12 h) with ±20 %
 * jitter, so the deliveries a receiver's outage failed together do not all come back at once;
 * 15 attempts span about 2.7 days, then the delivery is `failed` (and can be redelivered).
 */

export interface RetryPolicy {
  /** Attempts in one series (the first included) before the delivery is `failed`. */
  maxAttempts: number;
  /** Wait after the first failed attempt, ms. */
  initialDelayMs: number;
  /** Each next wait is this many times longer… */
  factor: number;
  /** …up to this, ms. */
  maxDelayMs: number;
  /** Each wait is moved by up to this fraction either way, at random (0 = none). */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 15,
  initialDelayMs: 10_000,
  factor: 2.5,
  maxDelayMs: 12 * 60 * 60_000,
  jitter: 0.2,
};

/** The wait after failed attempt `n` of a series (1-based), before jitter. */
export function baseRetryDelayMs(n: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** (n - 1));
}

/** The wait after failed attempt `n`, jittered with `random()` in [0, 1). */
export function retryDelayMs(
  n: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): number {
  const spread = 1 - policy.jitter + 2 * policy.jitter * random();
  return Math.max(0, Math.round(baseRetryDelayMs(n, policy) * spread));
}

export interface AttemptDecision {
  status: "delivered" | "pending" | "failed";
  /** When to try again (pending only). */
  nextAttemptAt: Date | null;
}

/**
 * What follows attempt `n` of a series made at `at`: delivered on success; otherwise another
 * attempt after {@link retryDelayMs}, or `failed` once `maxAttempts` are spent.
 */
export function afterAttempt(
  ok: boolean,
  n: number,
  at: Date,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): AttemptDecision {
  if (ok) return { status: "delivered", nextAttemptAt: null };
  if (n >= policy.maxAttempts) return { status: "failed", nextAttemptAt: null };
  return { status: "pending", nextAttemptAt: new Date(at.getTime() + retryDelayMs(n, policy, random)) };
}
