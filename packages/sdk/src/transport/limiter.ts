import { HrdAbortError } from "../errors.js";

export interface RateLimiterOptions {
  /** Requests allowed per second on average. */
  perSecond: number;
  /** Requests that may go at once after a quiet spell (default: `perSecond`, at least 1). */
  burst?: number;
}

/**
 * A token bucket: each request to HRD takes one token; tokens come back at `perSecond`, up to
 * `burst`. Callers wait, in order, for their token — so a bulk job of 10 000 checks cannot flood
 * HRD however many calls it starts at once. One limiter may be shared by several clients
 * (`new HrdClient({ limiter })`), e.g. all the workers of one partner login.
 */
export class RateLimiter {
  readonly perSecond: number;
  readonly burst: number;
  private tokens: number;
  private last: number;
  private readonly queue: { resolve: () => void; reject: (e: Error) => void; signal?: AbortSignal }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(options: RateLimiterOptions) {
    if (!(options.perSecond > 0) || !Number.isFinite(options.perSecond)) {
      throw new RangeError("perSecond must be a positive number");
    }
    this.perSecond = options.perSecond;
    this.burst = Math.max(1, Math.floor(options.burst ?? options.perSecond));
    this.tokens = this.burst;
    this.last = performance.now();
  }

  /** Resolves when the caller may send one request. */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new HrdAbortError("rate limiter", "not_sent"));
    this.refill();
    if (this.queue.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = { resolve, reject, signal };
      this.queue.push(entry);
      signal?.addEventListener(
        "abort",
        () => {
          const i = this.queue.indexOf(entry);
          if (i >= 0) {
            this.queue.splice(i, 1);
            reject(new HrdAbortError("rate limiter", "not_sent"));
          }
        },
        { once: true },
      );
      this.schedule();
    });
  }

  /** Callers waiting for a token. */
  get waiting(): number {
    return this.queue.length;
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    const wait = Math.max(0, ((1 - this.tokens) / this.perSecond) * 1000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      while (this.queue.length > 0 && this.tokens >= 1) {
        this.tokens -= 1;
        this.queue.shift()!.resolve();
      }
      this.schedule();
    }, Math.ceil(wait));
  }

  /** Rejects every waiting caller (the client is closing). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.queue.splice(0)) w.reject(new HrdAbortError("rate limiter (closed)", "not_sent"));
  }
}
