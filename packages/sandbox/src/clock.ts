/**
 * The sandbox's time: real time plus an offset that tests move forward, so that a year of domain
 * life passes in a millisecond. `freeze()` stops it (fully deterministic tests).
 */
export class SandboxClock {
  private offsetMs = 0;
  private frozenAt: number | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(start?: Date | string) {
    if (start !== undefined) this.set(start);
  }

  now(): Date {
    return new Date(this.frozenAt ?? Date.now() + this.offsetMs);
  }

  nowMs(): number {
    return this.now().getTime();
  }

  /** Moves time forward (actions that fall due complete, domains expire). */
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("the clock only moves forward");
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
    this.emit();
    return this.now();
  }

  advanceDays(days: number): Date {
    return this.advance(days * 86_400_000);
  }

  /** Jumps to a moment (forward or back — back only for test setup). */
  set(at: Date | string): Date {
    const t = new Date(at).getTime();
    if (Number.isNaN(t)) throw new RangeError(`not a date: ${String(at)}`);
    if (this.frozenAt !== null) this.frozenAt = t;
    else this.offsetMs = t - Date.now();
    this.emit();
    return this.now();
  }

  freeze(): void {
    this.frozenAt = this.nowMs();
  }

  unfreeze(): void {
    if (this.frozenAt === null) return;
    this.offsetMs = this.frozenAt - Date.now();
    this.frozenAt = null;
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(): void {
    for (const fn of this.listeners) fn();
  }
}

const pad = (n: number) => String(n).padStart(2, "0");

/** HRD's date-time text, `YYYY-MM-DD HH:MM:SS` (the sandbox writes UTC). */
export function hrdDateTime(d: Date): string {
  return `${hrdDate(d)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function hrdDate(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Adds whole years/months/days the way registries do (Feb 29 + 1y → Feb 28 … kept simple: UTC arithmetic). */
export function addPeriod(d: Date, value: number, unit: "y" | "m" | "d"): Date {
  const out = new Date(d.getTime());
  if (unit === "y") out.setUTCFullYear(out.getUTCFullYear() + value);
  else if (unit === "m") out.setUTCMonth(out.getUTCMonth() + value);
  else out.setUTCDate(out.getUTCDate() + value);
  return out;
}
