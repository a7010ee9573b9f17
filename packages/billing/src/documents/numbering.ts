import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingConflictError, BillingNotFoundError } from "../errors.js";
import { parseInput } from "../validate.js";

export type SeriesKind = "proforma" | "invoice" | "correction";

export interface Series {
  id: number;
  kind: SeriesKind;
  name: string;
  pattern: string;
  reset: "never" | "yearly" | "monthly";
}

/** The counter's period for a date ('2026', '2026-11' or '-'), in Polish time. */
export function periodKey(reset: Series["reset"], issueDate: string): string {
  if (reset === "never") return "-";
  return reset === "yearly" ? issueDate.slice(0, 4) : issueDate.slice(0, 7);
}

/** `FV/{YYYY}/{MM}/{N}` + 2026-11-27 + 17 → `FV/2026/11/17`. */
export function formatNumber(pattern: string, issueDate: string, n: number): string {
  return pattern
    .replaceAll("{YYYY}", issueDate.slice(0, 4))
    .replaceAll("{YY}", issueDate.slice(2, 4))
    .replaceAll("{MM}", issueDate.slice(5, 7))
    .replaceAll("{N}", String(n));
}

export async function getSeries(db: Db, kind: SeriesKind, seriesId?: number): Promise<Series> {
  const { rows } = await db.query<Series>(
    seriesId === undefined
      ? "SELECT id, kind, name, pattern, reset FROM document_series WHERE kind = $1 AND is_default"
      : "SELECT id, kind, name, pattern, reset FROM document_series WHERE kind = $1 AND id = $2",
    seriesId === undefined ? [kind] : [kind, seriesId],
  );
  if (!rows[0])
    throw new BillingNotFoundError(
      seriesId === undefined ? `a default ${kind} series` : `${kind} series ${seriesId}`,
    );
  return rows[0];
}

/**
 * The next number of a series, allocated INSIDE the caller's transaction (`tx`): the counter row
 * is locked by the UPDATE until that transaction ends, so concurrent issuers queue, a rolled-back
 * document gives its number back, and the sequence has no gaps and no duplicates.
 * `issueDate` is `YYYY-MM-DD`.
 */
export async function allocateNumber(
  tx: Db,
  kind: SeriesKind,
  issueDate: string,
  seriesId?: number,
): Promise<{ number: string; seriesId: number; sequence: number }> {
  const block = await allocateNumbers(tx, kind, issueDate, 1, seriesId);
  return { number: block.numbers[0]!, seriesId: block.seriesId, sequence: block.first };
}

/**
 * `count` consecutive numbers of a series at once (a renewal run numbers a batch of proformas
 * with one counter update). Same locking and the same guarantees as `allocateNumber`.
 */
export async function allocateNumbers(
  tx: Db,
  kind: SeriesKind,
  issueDate: string,
  count: number,
  seriesId?: number,
): Promise<{ seriesId: number; numbers: string[]; first: number }> {
  const series = await getSeries(tx, kind, seriesId);
  if (count === 0) return { seriesId: series.id, numbers: [], first: 0 };
  const { rows } = await tx.query<{ last: number }>(
    `INSERT INTO series_counters (series_id, period_key, last) VALUES ($1, $2, $3)
     ON CONFLICT (series_id, period_key) DO UPDATE SET last = series_counters.last + EXCLUDED.last
     RETURNING last`,
    [series.id, periodKey(series.reset, issueDate), count],
  );
  const first = rows[0]!.last - count + 1;
  const numbers = Array.from({ length: count }, (_, i) => formatNumber(series.pattern, issueDate, first + i));
  return { seriesId: series.id, numbers, first };
}

const seriesSchema = z.object({
  kind: z.enum(["proforma", "invoice", "correction"]),
  name: z.string().trim().min(1).max(100),
  pattern: z
    .string()
    .trim()
    .min(3)
    .max(100)
    .refine((p) => p.includes("{N}"), "must contain {N}, the counter")
    .refine(
      (p) => !/\{(?!YYYY\}|YY\}|MM\}|N\})[^}]*\}/.test(p),
      "knows only the tokens {YYYY}, {YY}, {MM} and {N}",
    ),
  reset: z.enum(["never", "yearly", "monthly"]).default("yearly"),
  isDefault: z.boolean().default(false),
});

/**
 * Adds a number series (or changes the pattern, reset or default flag of one with that name).
 * A counter must restart when its period does: a pattern without {YYYY} or {YY} cannot reset
 * yearly, one without {MM} cannot reset monthly — otherwise two documents would share a number.
 * @example
 * ```ts
 * await upsertSeries(db, { kind: "invoice", name: "Faktury sklepu", pattern: "FS/{N}/{YYYY}", reset: "yearly", isDefault: true });
 * ```
 */
export async function upsertSeries(db: Db, input: z.input<typeof seriesSchema>): Promise<Series> {
  const s = parseInput(
    "upsertSeries",
    seriesSchema.superRefine((v, ctx) => {
      const year = v.pattern.includes("{YYYY}") || v.pattern.includes("{YY}");
      if (v.reset !== "never" && !year) {
        ctx.addIssue({
          code: "custom",
          path: ["pattern"],
          message: `must contain {YYYY} or {YY} to reset ${v.reset}`,
        });
      }
      if (v.reset === "monthly" && !v.pattern.includes("{MM}")) {
        ctx.addIssue({ code: "custom", path: ["pattern"], message: "must contain {MM} to reset monthly" });
      }
    }),
    input,
  );
  return db.transaction(async (tx) => {
    const { rows: existing } = await tx.query<{ id: number; kind: string }>(
      "SELECT id, kind FROM document_series WHERE name = $1",
      [s.name],
    );
    if (existing[0] && existing[0].kind !== s.kind) {
      throw new BillingConflictError(`series "${s.name}" is a ${existing[0].kind} series`, "series_kind");
    }
    if (s.isDefault)
      await tx.query("UPDATE document_series SET is_default = false WHERE kind = $1", [s.kind]);
    const { rows } = await tx.query<Series>(
      `INSERT INTO document_series (kind, name, pattern, reset, is_default) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET pattern = EXCLUDED.pattern, reset = EXCLUDED.reset,
         is_default = EXCLUDED.is_default OR document_series.is_default
       RETURNING id, kind, name, pattern, reset`,
      [s.kind, s.name, s.pattern, s.reset, s.isDefault],
    );
    return rows[0]!;
  });
}

export async function listSeries(db: Db): Promise<(Series & { isDefault: boolean })[]> {
  const { rows } = await db.query<Series & { is_default: boolean }>(
    "SELECT id, kind, name, pattern, reset, is_default FROM document_series ORDER BY kind, id",
  );
  return rows.map(({ is_default, ...r }) => ({ ...r, isDefault: is_default }));
}
