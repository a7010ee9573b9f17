/**
 * Fault injection: rules that make the sandbox misbehave the way networks and servers do, per
 * operation or at random (seeded, so a failing run can be replayed).
 *
 * - `delay`: wait `delayMs` before handling the request.
 * - `drop-before`: close the connection without applying the request.
 * - `drop-after`: apply the request, then close the connection before the reply.
 * - `chunked`: send the reply in many tiny TCP writes.
 * - `garbage`: apply the request, then answer with a frame that is not XML.
 * - `silent`: never answer (and do not apply); the connection stays open.
 * - `silent-after`: apply, then never answer.
 */
export type FaultKind =
  | "delay"
  | "drop-before"
  | "drop-after"
  | "chunked"
  | "garbage"
  | "silent"
  | "silent-after";

export interface FaultRule {
  kind: FaultKind;
  /** `module/method`, `login`, or `*` for every operation except login/token (default `*`). */
  operation?: string;
  /** Chance that the rule fires for a matching request, 0–1 (default 1). */
  probability?: number;
  /** How many times it fires before it is spent (default: unlimited). */
  times?: number;
  /** For `delay`. */
  delayMs?: number;
}

/** mulberry32: a tiny seeded PRNG, so a chaos run is reproducible from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private rules: (FaultRule & { fired: number })[] = [];
  private random: () => number;
  /** How many times each kind fired (tests read this to prove faults happened). */
  readonly fired: Record<FaultKind, number> = {
    delay: 0,
    "drop-before": 0,
    "drop-after": 0,
    chunked: 0,
    garbage: 0,
    silent: 0,
    "silent-after": 0,
  };

  constructor(seed = 1) {
    this.random = seededRandom(seed);
  }

  seed(seed: number): void {
    this.random = seededRandom(seed);
  }

  add(rule: FaultRule): void {
    if (rule.probability !== undefined && (rule.probability < 0 || rule.probability > 1)) {
      throw new RangeError("probability must be between 0 and 1");
    }
    this.rules.push({ ...rule, fired: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map(({ fired: _f, ...r }) => r);
  }

  /** The rules with how many times each has fired. */
  stats(): (FaultRule & { fired: number })[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The faults that fire for this request (at most one rule of each kind). */
  pick(operation: string): Map<FaultKind, FaultRule> {
    const out = new Map<FaultKind, FaultRule>();
    const session = operation === "login" || operation === "token";
    for (const r of this.rules) {
      const op = r.operation ?? "*";
      if (op === "*" ? session : op !== operation) continue;
      if (r.times !== undefined && r.fired >= r.times) continue;
      if (out.has(r.kind)) continue;
      if (r.probability !== undefined && this.random() >= r.probability) continue;
      r.fired++;
      this.fired[r.kind]++;
      out.set(r.kind, r);
    }
    return out;
  }
}
