import { SingleBar } from "cli-progress";
import type { GlobalOptions, Io } from "./io.js";

/**
 * How a command speaks: results on stdout (a table or lines for people, JSON lines with --json),
 * progress and notes on stderr, so `hrdkit check … > out.csv` keeps only results.
 */
export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  constructor(
    readonly io: Io,
    options: GlobalOptions,
  ) {
    this.json = options.json === true;
    this.quiet = options.quiet === true;
  }

  /** One result: a JSON line with --json, else the text `human` gives. */
  result(value: unknown, human?: () => string): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(value)}\n`);
    else this.io.stdout.write(`${human ? human() : formatValue(value)}\n`);
  }

  /** Rows as an aligned table for people, a JSON line per row with --json. */
  table<T extends Record<string, unknown>>(rows: readonly T[], columns: readonly (keyof T & string)[]): void {
    if (this.json) {
      for (const row of rows) this.io.stdout.write(`${JSON.stringify(row)}\n`);
      return;
    }
    this.io.stdout.write(renderTable(rows, columns));
  }

  /** A note for people on stderr (a JSON `{"event":"note"}` line with --json; nothing with --quiet). */
  note(message: string): void {
    if (this.quiet) return;
    if (this.json) this.io.stderr.write(`${JSON.stringify({ event: "note", message })}\n`);
    else this.io.stderr.write(`${message}\n`);
  }

  /** A warning: printed even with --quiet. */
  warn(message: string): void {
    if (this.json) this.io.stderr.write(`${JSON.stringify({ event: "warning", message })}\n`);
    else this.io.stderr.write(`warning: ${message}\n`);
  }

  /**
   * Progress of a long run on stderr: a bar with rate and ETA on a terminal, a plain line every
   * few seconds (and at the end) when stderr is not a terminal, `{"event":"progress"}` lines with
   * --json, nothing with --quiet.
   */
  progress(label: string, total: number, initial = 0): Progress {
    if (this.quiet) return new SilentProgress();
    if (this.json) return new JsonProgress(this.io, label, total, initial);
    if (this.io.stderr.isTTY) return new BarProgress(this.io, label, total, initial);
    return new LineProgress(this.io, label, total, initial);
  }
}

export interface Progress {
  /** Sets how many are done (absolute, so retries and resumes never count twice). */
  update(done: number): void;
  stop(): void;
}

class SilentProgress implements Progress {
  update(): void {}
  stop(): void {}
}

class BarProgress implements Progress {
  private readonly bar: SingleBar;
  constructor(io: Io, label: string, total: number, initial: number) {
    this.bar = new SingleBar({
      stream: io.stderr,
      format: `${label} [{bar}] {percentage}% {value}/{total} · {rate}/s · ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      fps: 10,
    });
    this.started = Date.now();
    this.initial = initial;
    this.bar.start(total, initial, { rate: "0" });
  }
  private readonly started: number;
  private readonly initial: number;
  update(done: number): void {
    const s = (Date.now() - this.started) / 1000;
    this.bar.update(done, { rate: s > 0 ? ((done - this.initial) / s).toFixed(0) : "0" });
  }
  stop(): void {
    this.bar.stop();
  }
}

class LineProgress implements Progress {
  private last = 0;
  private done: number;
  private readonly started = Date.now();
  constructor(
    private readonly io: Io,
    private readonly label: string,
    private readonly total: number,
    private readonly initial: number,
  ) {
    this.done = initial;
  }
  update(done: number): void {
    this.done = done;
    const now = Date.now();
    if (now - this.last >= 2000) {
      this.last = now;
      this.print();
    }
  }
  stop(): void {
    this.print();
  }
  private print(): void {
    const s = (Date.now() - this.started) / 1000;
    const rate = s > 0 ? (this.done - this.initial) / s : 0;
    const left = rate > 0 ? Math.round((this.total - this.done) / rate) : undefined;
    this.io.stderr.write(
      `${this.label}: ${this.done}/${this.total} (${this.total ? Math.floor((100 * this.done) / this.total) : 100}%)` +
        ` ${rate.toFixed(0)}/s${left !== undefined ? ` ETA ${left}s` : ""}\n`,
    );
  }
}

class JsonProgress implements Progress {
  private last = 0;
  private done: number;
  constructor(
    private readonly io: Io,
    private readonly label: string,
    private readonly total: number,
    initial: number,
  ) {
    this.done = initial;
  }
  update(done: number): void {
    this.done = done;
    const now = Date.now();
    if (now - this.last >= 1000) {
      this.last = now;
      this.print();
    }
  }
  stop(): void {
    this.print();
  }
  private print(): void {
    this.io.stderr.write(
      `${JSON.stringify({ event: "progress", label: this.label, done: this.done, total: this.total })}\n`,
    );
  }
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value !== "object") return String(value);
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v ?? "")}`)
    .join("\n");
}

/** Left-aligned columns, two spaces apart, a header line; cells never wrap. */
export function renderTable<T extends Record<string, unknown>>(
  rows: readonly T[],
  columns: readonly (keyof T & string)[],
): string {
  const cell = (v: unknown) =>
    v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (cells: string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd()}\n`;
  return line([...columns]) + rows.map((r) => line(columns.map((c) => cell(r[c])))).join("");
}
