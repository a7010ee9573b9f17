/**
 * A small in-memory cache of availability answers, so that a panel's order form asking about the
 * same names again does not send HRD another domain/check. "taken" rarely changes (10 min by
 * default); "available", "createOnly" and "unknown" may change any moment (60 s). Bounded: the
 * least recently used entry goes first.
 */
import { toAsciiDomain } from "@hrdkit/sdk";

export interface AvailabilityResult {
  name: string;
  status: "available" | "taken" | "createOnly" | "unknown";
}

export interface AvailabilityCacheOptions {
  /** How long an "available", "createOnly" or "unknown" answer is kept, ms. Default 60 000. */
  ttlMs?: number;
  /** How long a "taken" answer is kept, ms. Default 600 000. */
  takenTtlMs?: number;
  /** Most entries kept; the least recently used one is dropped beyond. Default 10 000. */
  maxEntries?: number;
  /** The clock, ms (tests move it). */
  now?: () => number;
}

/** The cache key of a name: ASCII (punycode), lower case — the same for żółw.pl and xn--…. */
export function availabilityKey(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\.$/, "");
  if (/^[a-z0-9._-]+$/.test(lower)) return lower;
  try {
    return toAsciiDomain(lower) || lower;
  } catch {
    return lower;
  }
}

export class AvailabilityCache {
  private readonly entries = new Map<string, { result: AvailabilityResult; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly takenTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: AvailabilityCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.takenTtlMs = options.takenTtlMs ?? 600_000;
    this.maxEntries = Math.max(1, options.maxEntries ?? 10_000);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The answers still fresh (`hits`, by key) and the names to ask HRD about (`misses`, each once, in order). */
  get(names: readonly string[]): { hits: Map<string, AvailabilityResult>; misses: string[] } {
    const now = this.now();
    const hits = new Map<string, AvailabilityResult>();
    const misses: string[] = [];
    const missed = new Set<string>();
    for (const name of names) {
      const key = availabilityKey(name);
      if (hits.has(key) || missed.has(key)) continue;
      const e = this.entries.get(key);
      if (e && e.expiresAt > now) {
        // Most recently used goes last (Map keeps insertion order).
        this.entries.delete(key);
        this.entries.set(key, e);
        hits.set(key, e.result);
      } else {
        if (e) this.entries.delete(key);
        missed.add(key);
        misses.push(name);
      }
    }
    return { hits, misses };
  }

  /** Keeps HRD's answers. */
  put(results: readonly AvailabilityResult[]): void {
    const now = this.now();
    for (const result of results) {
      const key = availabilityKey(result.name);
      const ttl = result.status === "taken" ? this.takenTtlMs : this.ttlMs;
      this.entries.delete(key);
      this.entries.set(key, { result: { name: result.name, status: result.status }, expiresAt: now + ttl });
    }
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

/** One cache per bridge application, keyed by its context (the routes build none of their own state). */
const caches = new WeakMap<object, AvailabilityCache>();

/** The availability cache of this bridge (`ctx`), made on first use with the bridge's clock. */
export function availabilityCacheFor(ctx: { now: () => Date }): AvailabilityCache {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new AvailabilityCache({ now: () => ctx.now().getTime() });
    caches.set(ctx, cache);
  }
  return cache;
}
