import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { basename, dirname } from "node:path";
import { CliError, EXIT } from "../exit-codes.js";
import type { BulkOperation } from "./rows.js";

/** What a row ended with, as the journal and the `--json` lines name it. */
export type DoneStatus = "registered" | "renewed" | "ordered" | "already";

/**
 * One line of the journal (JSON lines, append-only). No transfer code is ever written: the file's
 * sha256 already ties the journal to the codes in the file.
 */
export type JournalRecord =
  | { type: "header"; version: 1; operation: BulkOperation; file: string; sha256: string; at: string }
  | { type: "run"; at: string; pid: number; concurrency: number; retryFailed: boolean }
  /** Written (and synced) before the billable call: from here on the row may have been bought. */
  | { type: "started"; line: number; domain: string; at: string; expiration?: string }
  | {
      type: "done";
      line: number;
      domain: string;
      at: string;
      status: DoneStatus;
      actionId?: number;
      expiration?: string;
      reconciled?: boolean;
    }
  /** HRD refused: nothing was bought. */
  | { type: "failed"; line: number; domain: string; at: string; error: string; code?: string }
  /** Not settled even by reading HRD's state: the next run reads again before anything else. */
  | { type: "unknown"; line: number; domain: string; at: string; error: string }
  | { type: "summary"; at: string; counts: Record<string, number>; interrupted: boolean };

export type RowRecord = Extract<JournalRecord, { line: number }>;

/** What the journal knows of one row: its last record and its last `started` record. */
export interface RowHistory {
  last: RowRecord;
  started?: Extract<JournalRecord, { type: "started" }>;
}

export function journalPath(csvPath: string): string {
  return `${csvPath}.hrdkit-journal`;
}

/** Reads an existing journal; undefined when there is none. Refuses one for another file or operation. */
export function readJournal(
  path: string,
  expect: { operation: BulkOperation; sha256: string },
): Map<string, RowHistory> | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n");
  const records: JournalRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === "") continue;
    try {
      records.push(JSON.parse(l) as JournalRecord);
    } catch {
      // A record cut short by a crash (the next run starts on a fresh line after it): nothing
      // was sent after it in that run, since every record is synced before its request leaves.
      // Anything else means the journal was edited: refuse to guess.
      if (l.startsWith('{"type":"')) continue;
      throw new CliError(
        `${path}, line ${i + 1}: not a journal record. Move the journal away and run with --new-journal ` +
          "(rows it recorded would then be settled by reading HRD again).",
        EXIT.usage,
      );
    }
  }
  const header = records[0];
  if (header?.type !== "header") {
    throw new CliError(`${path} is not an hrdkit journal (no header line): move it away`, EXIT.usage);
  }
  if (header.operation !== expect.operation || header.sha256 !== expect.sha256) {
    const why =
      header.operation !== expect.operation
        ? `it records a bulk ${header.operation}, not a bulk ${expect.operation}`
        : "the file changed since that run began (its sha256 differs)";
    throw new CliError(
      `${path} belongs to another run: ${why}. Finish that run with the file as it was, or pass ` +
        "--new-journal to start a new journal (the old one is kept beside it, renamed). Rows already " +
        "bought are then found by reading HRD, not bought again — except renewals, which a new journal renews again.",
      EXIT.usage,
    );
  }
  const rows = new Map<string, RowHistory>();
  for (const r of records) {
    if (!("line" in r)) continue;
    const h = rows.get(r.domain);
    rows.set(r.domain, { last: r, started: r.type === "started" ? r : h?.started });
  }
  return rows;
}

/** Moves an existing journal aside (`….hrdkit-journal.2026-05-01T10-00-00Z`); returns the new name. */
export function retireJournal(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const aside = `${path}.${new Date().toISOString().replace(/[:.]/g, "-")}`;
  renameSync(path, aside);
  return aside;
}

/** The journal being written: one JSON line per record, each synced to disk before `append` returns. */
export class Journal {
  private readonly fd: number;

  private constructor(readonly path: string) {
    this.fd = openSync(path, "a");
  }

  /** Opens (creating with its header when new) the journal for appending. */
  static open(path: string, header: { operation: BulkOperation; file: string; sha256: string }): Journal {
    const isNew = !existsSync(path);
    const cut = !isNew && !readFileSync(path, "utf8").match(/(^|\n)$/);
    const j = new Journal(path);
    // A crash may have cut the last line short: start on a fresh line.
    if (cut) writeSync(j.fd, "\n");
    if (isNew) {
      j.append({ type: "header", version: 1, ...header, file: basename(header.file), at: now() });
      syncDir(dirname(path));
    }
    return j;
  }

  /**
   * Writes one record and waits for the disk (fsync): a `started` record must be on disk before
   * the request that may buy leaves, or a crash could forget a purchase.
   */
  append(record: JournalRecord): void {
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

export function now(): string {
  return new Date().toISOString();
}

/** Makes a new file's directory entry durable too (a synced file in an unsynced folder can vanish). */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on a folder; the file's own fsync is what matters most.
  }
}
