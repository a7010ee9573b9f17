import type { Output } from "../output.js";
import type { DoneStatus } from "./journal.js";
import type { BulkOperation, InvalidRow } from "./rows.js";

/** A row's status as the `--json` lines and the summary name it. */
export type RowStatus = DoneStatus | "failed" | "unknown" | "invalid" | "pending";

/** One row's result line (`--json`): never carries a transfer code. */
export interface RowResult {
  line: number;
  domain: string;
  status: RowStatus;
  actionId?: number;
  expiration?: string;
  /** Settled by reading HRD's state (a lost reply, or a row an earlier run left unfinished). */
  reconciled?: boolean;
  /** Settled by an earlier run, taken from the journal. */
  earlier?: boolean;
  error?: string;
  errors?: string[];
}

const ORDER: RowStatus[] = [
  "registered",
  "renewed",
  "ordered",
  "already",
  "failed",
  "unknown",
  "invalid",
  "pending",
];

/** Bad rows, before anything is sent: a warning line each for people, a result line each with --json. */
export function reportInvalid(out: Output, invalid: readonly InvalidRow[]): void {
  for (const r of invalid) {
    if (out.json) {
      out.result({ line: r.line, domain: r.domain ?? null, status: "invalid", errors: r.problems });
    } else {
      const where = r.domain ? `line ${r.line} (${r.domain})` : `line ${r.line}`;
      for (const p of r.problems) out.warn(`${where}: ${p}; row skipped`);
    }
  }
}

export function countStatuses(results: readonly { status: RowStatus }[]): Map<RowStatus, number> {
  const counts = new Map<RowStatus, number>();
  for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return new Map(ORDER.filter((s) => counts.has(s)).map((s) => [s, counts.get(s)!]));
}

/**
 * The end of a run: for people, the rows that need a look (failed, unknown) and a table of
 * status → rows; with --json one summary line.
 */
export function reportSummary(
  out: Output,
  op: BulkOperation,
  results: readonly RowResult[],
  extra: { journal?: string; interrupted: boolean; exitCode: number },
): Record<string, number> {
  const counts = Object.fromEntries(countStatuses(results));
  if (out.json) {
    out.result({
      summary: counts,
      operation: op,
      rows: results.length,
      interrupted: extra.interrupted,
      exitCode: extra.exitCode,
      ...(extra.journal ? { journal: extra.journal } : {}),
    });
    return counts;
  }
  const attention = results.filter((r) => r.status === "failed" || r.status === "unknown");
  if (attention.length) {
    const lines = attention
      .sort((a, b) => a.line - b.line)
      .map(
        (r) =>
          `line ${r.line}  ${r.domain}  ${r.status}${r.earlier ? " (earlier run)" : ""}: ${r.error ?? ""}`,
      );
    out.io.stdout.write(`${lines.join("\n")}\n\n`);
  }
  out.table(
    [
      ...Object.entries(counts).map(([status, rows]) => ({ status, rows })),
      { status: "total", rows: results.length },
    ],
    ["status", "rows"],
  );
  return counts;
}
