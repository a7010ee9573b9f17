/**
 * Memory over a long benchmark: rss and heapUsed sampled every second, labelled with the phase
 * under way, and a verdict per phase. "Flat" is judged on heapUsed (what JS code keeps); rss also
 * holds PGlite's database (WASM memory) and freed pages the allocator keeps, so it is shown, not judged.
 *
 * Verdict: after a warm-up (the first fifth of the phase's samples), compare the last quarter with
 * the first: GROWING when both the average and the floor (the lowest sample: what survived the last
 * collection) rose more than `limit` ×. heapUsed saws up and down between collections, so the
 * average alone swings (0.5 to 1.5 seen on a flat 20 000-notice send, by where the collections
 * fell); a leak lifts the floor as well. Fewer than 20 samples after the warm-up: too short to judge.
 *
 * `retainedHeap` is the exact counterpart for phase boundaries: heapUsed after a full collection.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export interface MemorySample {
  at: number;
  phase: string;
  rss: number;
  heapUsed: number;
}

export interface PhaseMemory {
  phase: string;
  samples: number;
  rss: { min: number; max: number; last: number };
  heapUsed: { min: number; max: number; last: number };
  /** Last-quarter average ÷ first-quarter average of heapUsed after the warm-up; null: too short. */
  growth: number | null;
  /** The same for the quarters' lowest samples. */
  floorGrowth: number | null;
  verdict: "flat" | "GROWING" | "too short";
}

export interface MemoryWatch {
  phase: string;
  readonly samples: MemorySample[];
  /**
   * Samples now if the interval has passed. PGlite answers through microtasks only, so a loop of
   * queries never lets the timer fire: such loops call this between queries.
   */
  tick(): void;
  stop(): void;
  summary(phase: string, limit?: number): PhaseMemory | undefined;
}

export function watchMemory(intervalMs = 1000, onSample?: (s: MemorySample) => void): MemoryWatch {
  const samples: MemorySample[] = [];
  let last = performance.now();
  const sample = () => {
    const m = process.memoryUsage();
    const s = { at: performance.now(), phase: watch.phase, rss: m.rss, heapUsed: m.heapUsed };
    last = s.at;
    samples.push(s);
    onSample?.(s);
  };
  const watch: MemoryWatch = {
    phase: "setup",
    samples,
    tick() {
      if (performance.now() - last >= intervalMs) sample();
    },
    stop: () => clearInterval(timer),
    summary: (phase, limit = 1.5) => summarize(samples, phase, limit),
  };
  const timer = setInterval(() => watch.tick(), Math.max(10, Math.floor(intervalMs / 10)));
  timer.unref();
  return watch;
}

const avg = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function summarize(all: readonly MemorySample[], phase: string, limit = 1.5): PhaseMemory | undefined {
  const s = all.filter((x) => x.phase === phase);
  if (s.length === 0) return undefined;
  const range = (k: "rss" | "heapUsed") => ({
    min: Math.min(...s.map((x) => x[k])),
    max: Math.max(...s.map((x) => x[k])),
    last: s[s.length - 1]![k],
  });
  const judged = s.slice(Math.max(2, Math.floor(s.length / 5))).map((x) => x.heapUsed);
  let growth: number | null = null;
  let floorGrowth: number | null = null;
  if (judged.length >= 20) {
    const q = Math.floor(judged.length / 4);
    const [first, last] = [judged.slice(0, q), judged.slice(-q)];
    growth = avg(last) / avg(first);
    floorGrowth = Math.min(...last) / Math.min(...first);
  }
  return {
    phase,
    samples: s.length,
    rss: range("rss"),
    heapUsed: range("heapUsed"),
    growth,
    floorGrowth,
    verdict:
      growth === null || floorGrowth === null
        ? "too short"
        : growth > limit && floorGrowth > limit
          ? "GROWING"
          : "flat",
  };
}

let fullGc: (() => void) | undefined;

/**
 * heapUsed after a full collection: what the process really keeps. Collection is switched on at
 * run time (V8's `--expose-gc`, picked up by a new context), so the bench runs with plain `tsx`.
 * Costs tens of milliseconds: call it between timed steps.
 */
export function retainedHeap(): number {
  if (!fullGc) {
    setFlagsFromString("--expose-gc");
    fullGc = runInNewContext("gc") as () => void;
  }
  // Twice: the first pass can leave what finalizers released for the next.
  fullGc();
  fullGc();
  return process.memoryUsage().heapUsed;
}
