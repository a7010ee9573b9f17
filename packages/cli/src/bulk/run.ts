import { resolve } from "node:path";
import type { Command } from "commander";
import type { App } from "../app.js";
import { CliError, EXIT, type ExitCode } from "../exit-codes.js";
import type { Output } from "../output.js";
import { readCsv } from "./csv.js";
import { Journal, journalPath, now, type RowHistory, readJournal, retireJournal } from "./journal.js";
import { countStatuses, type RowResult, reportInvalid, reportSummary } from "./report.js";
import { type BulkOperation, type BulkRow, checkHeader, type RowDefaults, validateRows } from "./rows.js";
import { type RowOutcome, settleRow } from "./settle.js";

export interface BulkOptions extends RowDefaults {
  strict: boolean;
  dryRun: boolean;
  concurrency: number;
  retryFailed: boolean;
  newJournal: boolean;
}

/**
 * `hrdkit bulk OP FILE`: validate the whole file, then settle each row once through the SDK's
 * make-sure calls, journaling `started` before each billable call and the result after it, so a
 * run killed at any point continues where it stopped and buys nothing twice.
 */
export async function runBulk(
  app: App,
  cmd: Command,
  op: BulkOperation,
  file: string,
  options: BulkOptions,
): Promise<void> {
  const out = app.output(cmd);
  const path = resolve(app.io.cwd, file);
  const csv = readCsv(path);
  checkHeader(op, csv.header, file);
  const { valid, invalid } = validateRows(op, csv, options);
  if (valid.length + invalid.length === 0) throw new CliError(`${file} has a header but no rows`, EXIT.usage);
  if (options.strict && invalid.length) {
    const lines = invalid.flatMap((r) => r.problems.map((p) => `  line ${r.line}: ${p}`));
    throw new CliError(
      `${file}: ${invalid.length} bad ${invalid.length === 1 ? "row" : "rows"}, nothing was sent (--strict):\n${lines.join("\n")}`,
      EXIT.usage,
    );
  }

  const jpath = journalPath(path);
  const history = options.newJournal ? undefined : readJournal(jpath, { operation: op, sha256: csv.sha256 });
  reportInvalid(out, invalid);
  const invalidResults: RowResult[] = invalid.map((r) => ({
    line: r.line,
    domain: r.domain ?? "",
    status: "invalid",
    errors: r.problems,
  }));

  // Rows an earlier run settled (done, or refused and not asked to retry) are not touched.
  const earlier: RowResult[] = [];
  const toRun: BulkRow[] = [];
  for (const row of valid) {
    const last = history?.get(row.domain)?.last;
    if (last?.type === "done") {
      earlier.push({
        line: row.line,
        domain: row.display,
        status: last.status,
        earlier: true,
        ...(last.actionId !== undefined ? { actionId: last.actionId } : {}),
        ...(last.expiration ? { expiration: last.expiration } : {}),
      });
    } else if (last?.type === "failed" && !options.retryFailed) {
      earlier.push({
        line: row.line,
        domain: row.display,
        status: "failed",
        earlier: true,
        error: last.error,
      });
    } else toRun.push(row);
  }

  if (options.dryRun) return dryRun(app, out, op, toRun, history, [...invalidResults, ...earlier], options);

  const results: RowResult[] = [...invalidResults];
  for (const r of earlier) {
    results.push(r);
    if (out.json) out.result(r);
  }
  if (earlier.length)
    out.note(
      `${plural(earlier.length, "row was", "rows were")} settled by an earlier run (journal ${jpath})`,
    );
  const failedEarlier = earlier.filter((r) => r.status === "failed").length;
  if (failedEarlier)
    out.note(
      `${plural(failedEarlier, "row", "rows")} HRD refused in an earlier run ${failedEarlier === 1 ? "is" : "are"} skipped: --retry-failed tries them again`,
    );

  let interrupted = false;
  let fatal: unknown;
  if (toRun.length) {
    const hrd = app.hrd(cmd, { poolSize: options.concurrency });
    // Credentials and reachability first: a run that cannot log in leaves no journal behind.
    await hrd.partner.getBalance();
    if (options.newJournal) {
      const aside = retireJournal(jpath);
      if (aside) out.note(`the old journal was kept as ${aside}`);
    }
    const journal = Journal.open(jpath, { operation: op, file: path, sha256: csv.sha256 });
    journal.append({
      type: "run",
      at: now(),
      pid: process.pid,
      concurrency: options.concurrency,
      retryFailed: options.retryFailed,
    });
    const progress = out.progress(`bulk ${op}`, valid.length, earlier.length);
    let settled = earlier.length;
    let next = 0;
    const signal = app.io.signal;
    const worker = async () => {
      // Ctrl-C stops new rows only: a row whose request may have left is always finished and journaled.
      while (!signal.aborted && fatal === undefined && next < toRun.length) {
        const row = toRun[next++]!;
        const outcome = await settleRow(hrd, row, history?.get(row.domain), (expiration) =>
          journal.append({
            type: "started",
            line: row.line,
            domain: row.domain,
            at: now(),
            ...(expiration ? { expiration } : {}),
          }),
        );
        if (outcome.kind === "fatal") {
          fatal ??= outcome.error;
          continue;
        }
        journal.append(record(row, outcome));
        const result = resultOf(row, outcome);
        results.push(result);
        if (out.json) out.result(result);
        progress.update(++settled);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(options.concurrency, toRun.length) }, worker));
    } finally {
      progress.stop();
    }
    interrupted = signal.aborted;
    const seen = new Set(results.map((r) => r.line));
    for (const row of toRun) {
      if (!seen.has(row.line)) results.push({ line: row.line, domain: row.display, status: "pending" });
    }
    const exitCode = exitCodeOf(results, interrupted);
    journal.append({
      type: "summary",
      at: now(),
      counts: Object.fromEntries(countStatuses(results)),
      interrupted,
    });
    journal.close();
    results.sort((a, b) => a.line - b.line);
    if (fatal !== undefined) throw fatal;
    reportSummary(out, op, results, { journal: jpath, interrupted, exitCode });
    if (interrupted) {
      out.note(
        `interrupted: rows not started are pending; run the same command again to continue (journal ${jpath})`,
      );
    }
    app.exitCode = exitCode;
    return;
  }
  results.sort((a, b) => a.line - b.line);
  const exitCode = exitCodeOf(results, false);
  if (valid.length && earlier.length === valid.length) {
    out.note("every row is settled in the journal: nothing to do (--new-journal runs the file again)");
  }
  reportSummary(out, op, results, { ...(history ? { journal: jpath } : {}), interrupted: false, exitCode });
  app.exitCode = exitCode;
}

/** 130 interrupted · 5 some outcome unknown · 1 some rows failed or invalid · 0 all done. */
function exitCodeOf(results: readonly RowResult[], interrupted: boolean): ExitCode {
  if (interrupted) return EXIT.interrupted;
  if (results.some((r) => r.status === "unknown")) return EXIT.unknown;
  if (results.some((r) => r.status === "failed" || r.status === "invalid" || r.status === "pending")) {
    return EXIT.partial;
  }
  return EXIT.ok;
}

function record(row: BulkRow, o: Exclude<RowOutcome, { kind: "fatal" }>) {
  const base = { line: row.line, domain: row.domain, at: now() };
  if (o.kind === "done") {
    return {
      type: "done" as const,
      ...base,
      status: o.status,
      ...(o.actionId !== undefined ? { actionId: o.actionId } : {}),
      ...(o.expiration ? { expiration: o.expiration } : {}),
      ...(o.reconciled ? { reconciled: true } : {}),
    };
  }
  if (o.kind === "failed")
    return { type: "failed" as const, ...base, error: o.error, ...(o.code ? { code: o.code } : {}) };
  return { type: "unknown" as const, ...base, error: o.error };
}

function resultOf(row: BulkRow, o: Exclude<RowOutcome, { kind: "fatal" }>): RowResult {
  const base = { line: row.line, domain: row.display };
  if (o.kind === "done") {
    return {
      ...base,
      status: o.status,
      ...(o.actionId !== undefined ? { actionId: o.actionId } : {}),
      ...(o.expiration ? { expiration: o.expiration } : {}),
      ...(o.reconciled ? { reconciled: true } : {}),
    };
  }
  return { ...base, status: o.kind, error: o.error };
}

/** `--dry-run`: what a run would do with each row, and what the journal says is settled. Sends nothing. */
function dryRun(
  app: App,
  out: Output,
  op: BulkOperation,
  toRun: readonly BulkRow[],
  history: Map<string, RowHistory> | undefined,
  settled: readonly RowResult[],
  options: BulkOptions,
): void {
  const plans = [
    ...toRun.map((row) => {
      const h = history?.get(row.domain)?.last.type;
      const plan =
        h === "started" || h === "unknown"
          ? "settle"
          : h === "failed"
            ? "retry"
            : op === "register"
              ? "register"
              : op === "renew"
                ? "renew"
                : "transfer";
      return { line: row.line, domain: row.display, plan, detail: describe(row, h) };
    }),
    ...settled.map((r) => ({
      line: r.line,
      domain: r.domain,
      plan: r.status === "invalid" ? "skip-invalid" : "skip-earlier",
      detail: r.status === "invalid" ? (r.errors ?? []).join("; ") : `${r.status} in an earlier run`,
    })),
  ].sort((a, b) => a.line - b.line);
  if (out.json) {
    for (const p of plans) {
      // Invalid rows were already given their own result line.
      if (p.plan !== "skip-invalid") out.result({ ...p, dryRun: true });
    }
  } else {
    out.table(plans, ["line", "domain", "plan", "detail"]);
  }
  const counts: Record<string, number> = {};
  for (const p of plans) counts[p.plan] = (counts[p.plan] ?? 0) + 1;
  if (out.json) out.result({ summary: counts, operation: op, rows: plans.length, dryRun: true });
  else out.note(`dry run: nothing was sent${options.newJournal ? " (a new journal would be started)" : ""}`);
  app.exitCode = settled.some((r) => r.status === "invalid") ? EXIT.partial : EXIT.ok;
}

function describe(row: BulkRow, journaled: string | undefined): string {
  if (journaled === "started" || journaled === "unknown") {
    return "left unfinished by an earlier run: HRD's state is read first, nothing bought twice";
  }
  if (row.op === "register") {
    const ns = Array.isArray(row.input.ns)
      ? row.input.ns.map((h) => (typeof h === "string" ? h : h.name)).join(" ")
      : `group ${row.input.ns.group}`;
    return `account ${row.input.user}, ${row.input.period} y, ns ${ns}`;
  }
  if (row.op === "renew") return `${row.input.period} y from the current expiry`;
  return `to account ${row.input.user}`;
}

/** "1 row", "3 rows": summaries read as sentences. */
function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
