/**
 * `statements`: imports the bank statements a bank connector (or a person) drops into a folder
 * (`HRDKIT_STATEMENTS_DIR`): MT940 files (`.sta`, `.mt940`, `.txt`) and CSV exports (`.csv`), each
 * with billing's importStatement, which matches the credits to proformas. A file then moves to
 * `processed/`; a file billing refuses (malformed, a CSV nobody said how to read) moves to
 * `failed/` with `<name>.error.txt` beside it saying why. A file still being written (modified less
 * than the settle time ago, or changing while it is read) is left for the next run.
 *
 * Safe to run twice: billing knows a file by its SHA-256 and gives a file imported before its first
 * result without writing anything, and an entry shown by two overlapping statements is one entry.
 * `payment.matched` is published per payment once (publish.ts), and only for files this job
 * imported: a file imported over HTTP first has had its events from there.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  BillingValidationError,
  type CsvMapping,
  type CsvPresetName,
  importStatement,
  type StatementImportResult,
} from "@hrdkit/billing";
import type { BridgeContext } from "../app.js";
import { notifyAll, paymentsMatched } from "../routes/billing-proformas-events.js";
import { publishOnce } from "./publish.js";
import type { BridgeJob, JobRunInfo } from "./runner.js";
import { describeEvery } from "./schedule.js";

export interface StatementsJobOptions {
  /** The folder watched; `processed/` and `failed/` are made inside it. */
  dir: string;
  /** How CSV files are read (a file named `*.pko.csv` or `*.mbank.csv` uses that preset). */
  csv?: CsvPresetName | CsvMapping;
  /** A file modified less than this long ago is left for the next run, ms (default 30 s). */
  settleMs?: number;
  /** How often the folder is looked at, ms (default 5 minutes). */
  intervalMs?: number;
}

const MT940_EXTENSIONS = new Set([".sta", ".mt940", ".txt"]);
/** A progress line every this many entries of one file. */
const PROGRESS_EVERY = 500;

/** MT940 or CSV by the file's extension; other files (`.part`, `.tmp`, notes) are not statements. */
export function statementFormat(name: string): "mt940" | "csv" | undefined {
  const ext = path.extname(name).toLowerCase();
  if (MT940_EXTENSIONS.has(ext)) return "mt940";
  if (ext === ".csv") return "csv";
  return undefined;
}

/** A bad file, not a bad moment: moved to failed/ rather than tried again. */
class UnreadableStatement extends Error {}

function csvFor(name: string, configured: StatementsJobOptions["csv"]): CsvPresetName | CsvMapping {
  const hint = path.extname(path.basename(name, path.extname(name))).toLowerCase();
  if (hint === ".pko" || hint === ".mbank") return hint.slice(1) as CsvPresetName;
  if (configured) return configured;
  throw new UnreadableStatement(
    "a CSV statement needs to know the bank's columns: set HRDKIT_STATEMENTS_CSV (pko, mbank or a JSON " +
      "column mapping), or name the file *.pko.csv / *.mbank.csv; then move it back into the folder",
  );
}

/** `name` in `folder`, or `name-2`, `name-3`… when a file of that name is there already. */
async function freeName(folder: string, name: string): Promise<string> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; ; n++) {
    const candidate = path.join(folder, n === 1 ? name : `${stem}-${n}${ext}`);
    try {
      await stat(candidate);
    } catch {
      return candidate;
    }
  }
}

/** Moves the file into `folder`; false when it is gone (another run moved it first). */
async function moveInto(file: string, folder: string): Promise<string | undefined> {
  const target = await freeName(folder, path.basename(file));
  try {
    await rename(file, target);
    return target;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

function describeError(err: unknown): string {
  const lines = [err instanceof Error ? err.message : String(err)];
  if (err instanceof BillingValidationError) {
    for (const i of err.issues) lines.push(`- ${i.path || "(file)"}: ${i.message}`);
  }
  return lines.join("\n");
}

/** Reads a file that has settled: undefined while it is still being written. */
async function readSettled(file: string, settleMs: number): Promise<Buffer | undefined> {
  const before = await stat(file);
  // File times come from this machine's clock, not the bridge's (which tests may move).
  if (Date.now() - before.mtimeMs < settleMs) return undefined;
  const content = await readFile(file);
  const after = await stat(file);
  if (content.length !== before.size || after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
    return undefined;
  }
  return content;
}

type Counts = {
  files: number;
  imported: number;
  alreadyImported: number;
  failed: number;
  waiting: number;
  entries: number;
  matched: number;
  unmatched: number;
  published: number;
};

/**
 * `payment.matched` once per payment, and the customers' notices of the payments (billing keys
 * each by payment, so a run finishing a crashed one's work queues no second notice).
 */
async function publishPayments(
  ctx: BridgeContext,
  result: StatementImportResult,
  now: Date,
): Promise<number> {
  const ids = result.items.filter((i) => i.status === "matched").flatMap((i) => i.paymentIds);
  let published = 0;
  for (const [type, data] of await paymentsMatched(ctx.db, ids)) {
    if (await publishOnce(ctx.db, `payment.matched:${data.paymentId}`, type, data)) published++;
  }
  await notifyAll(
    ctx,
    ids.map((paymentId) => ({ kind: "payment" as const, paymentId })),
    { now },
  );
  return published;
}

async function importOne(
  ctx: BridgeContext,
  options: StatementsJobOptions,
  dir: string,
  name: string,
  info: JobRunInfo,
  counts: Counts,
): Promise<void> {
  const file = path.join(dir, name);
  const format = statementFormat(name)!;
  let content: Buffer | undefined;
  try {
    content = await readSettled(file, options.settleMs ?? 30_000);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return; // moved by another run meanwhile
    throw err;
  }
  counts.files++;
  if (!content) {
    counts.waiting++;
    info.log(`${name} is still being written: left for the next run`);
    return;
  }
  const hash = createHash("sha256").update(content).digest("hex");
  // Claimed before importing: a file billing then calls "imported before" was imported by this job
  // only if an earlier claim of it never finished (a crash in between), else by someone else.
  const { rows } = await ctx.db.query<{ outcome: string | null; fresh: boolean }>(
    `INSERT INTO bridge_statement_files (file_hash, name, first_seen_at) VALUES ($1, $2, $3)
     ON CONFLICT (file_hash) DO UPDATE SET name = bridge_statement_files.name
     RETURNING outcome, (xmax = 0) AS fresh`,
    [hash, name, info.startedAt],
  );
  const claim = rows[0]!;
  let result: StatementImportResult;
  try {
    result = await importStatement(
      ctx.db,
      {
        content,
        format,
        ...(format === "csv" ? { csv: csvFor(name, options.csv) } : {}),
        at: info.startedAt,
      },
      {
        onProgress: (done, total) => {
          if (done % PROGRESS_EVERY === 0 && done < total) info.log(`${name}: ${done}/${total} entries`);
        },
      },
    );
  } catch (err) {
    if (!(err instanceof BillingValidationError || err instanceof UnreadableStatement)) throw err;
    const failed = path.join(dir, "failed");
    const target = await moveInto(file, failed);
    if (target) {
      await writeFile(`${target}.error.txt`, `${info.startedAt.toISOString()}\n${describeError(err)}\n`);
    }
    await ctx.db.query("UPDATE bridge_statement_files SET outcome = 'failed' WHERE file_hash = $1", [hash]);
    counts.failed++;
    info.log(`${name} refused, moved to failed/: ${err.message}`);
    return;
  }
  const ours = !result.alreadyImported || (!claim.fresh && claim.outcome === null);
  if (ours) counts.published += await publishPayments(ctx, result, info.startedAt);
  await ctx.db.query(
    `UPDATE bridge_statement_files SET statement_id = $2,
       outcome = CASE WHEN outcome IS NULL OR outcome = 'failed' THEN $3 ELSE outcome END
     WHERE file_hash = $1`,
    [hash, result.statementId, ours ? "imported" : "already"],
  );
  await moveInto(file, path.join(dir, "processed"));
  if (result.alreadyImported) counts.alreadyImported++;
  else counts.imported++;
  counts.entries += result.entries;
  counts.matched += result.matched;
  counts.unmatched += result.unmatched;
  info.log(
    result.alreadyImported
      ? `${name} was imported before (statement ${result.statementId}): moved to processed/`
      : `${name}: ${result.entries} entries, ${result.matched} matched, ${result.unmatched} unmatched, ` +
          `${result.ignored} ignored, ${result.duplicates} seen before: moved to processed/`,
  );
}

export function statementsJob(options: StatementsJobOptions): BridgeJob {
  const intervalMs = options.intervalMs ?? 5 * 60_000;
  return {
    name: "statements",
    intervalMs,
    schedule: `${describeEvery(intervalMs)} from ${options.dir}`,
    async run(ctx, info) {
      const dir = path.resolve(options.dir);
      // A mistyped folder is a failure to show on the dashboard, not a new empty folder to watch.
      const folder = await stat(dir).catch(() => undefined);
      if (!folder?.isDirectory()) {
        throw Object.assign(
          new Error(`the statements folder ${dir} does not exist (HRDKIT_STATEMENTS_DIR)`),
          {
            code: "no_folder",
          },
        );
      }
      await mkdir(path.join(dir, "processed"), { recursive: true });
      await mkdir(path.join(dir, "failed"), { recursive: true });
      const names = (await readdir(dir, { withFileTypes: true }))
        .filter((e) => e.isFile() && statementFormat(e.name) !== undefined)
        .map((e) => e.name)
        .sort();
      const counts: Counts = {
        files: 0,
        imported: 0,
        alreadyImported: 0,
        failed: 0,
        waiting: 0,
        entries: 0,
        matched: 0,
        unmatched: 0,
        published: 0,
      };
      for (const name of names) {
        if (info.signal.aborted) return { ...counts, interrupted: true };
        await importOne(ctx, options, dir, name, info, counts);
      }
      return counts;
    },
  };
}
