/**
 * Settings of the background jobs, from the environment (every one has a default; see
 * docs/bridge/scheduled-runs.en.md). A bad value stops the bridge at start with every bad
 * variable named, rather than a job failing at 06:00 the next day.
 */
import type { CsvMapping, CsvPresetName } from "@hrdkit/billing";
import type { JobLog } from "./runner.js";

export interface JobsConfig {
  /** How often each instance looks for due jobs, ms (default 5 s). */
  tickMs?: number;
  /** How long a job's lease lasts without renewal, ms (default 60 s). */
  leaseMs?: number;
  /** Hour (0–23, Europe/Warsaw) of the daily renewal run: `HRDKIT_RENEWAL_HOUR`, default 6. */
  renewalHour?: number;
  /** Hour (0–23, Europe/Warsaw) of the daily reminder events: `HRDKIT_REMINDER_HOUR`, default 7. */
  reminderHour?: number;
  /** Days before expiry that `renewal.due` is sent at: `HRDKIT_REMINDER_DAYS`, default 30,14,7,1. */
  reminderDays?: readonly number[];
  /** Folder whose bank statements are imported: `HRDKIT_STATEMENTS_DIR`; absent, no import job. */
  statementsDir?: string;
  /** How CSV statements are read: `HRDKIT_STATEMENTS_CSV`, `pko`, `mbank` or a JSON column mapping. */
  statementsCsv?: CsvPresetName | CsvMapping;
  /**
   * A file modified less than this long ago is still being written and waits for the next run, ms:
   * `HRDKIT_STATEMENTS_SETTLE_SECONDS`, default 30 s.
   */
  statementsSettleMs?: number;
  /** How often the folder is looked at, ms: `HRDKIT_STATEMENTS_INTERVAL_SECONDS`, default 5 minutes. */
  statementsIntervalMs?: number;
  /** Runs the named jobs every so many ms instead of on their schedule (tests, a busier poll). */
  every?: Readonly<Record<string, number>>;
  /** Days finished webhook events and idempotency entries are kept: `HRDKIT_RETENTION_DAYS`, default 90. */
  retentionDays?: number;
  /** Where progress lines and failures go (default: stdout). */
  log?: JobLog;
}

export const DEFAULT_RENEWAL_HOUR = 6;
export const DEFAULT_REMINDER_HOUR = 7;
export const DEFAULT_REMINDER_DAYS: readonly number[] = [30, 14, 7, 1];

/** The jobs' settings from the environment; throws naming every variable with a bad value. */
export function loadJobsConfig(env: NodeJS.ProcessEnv): JobsConfig {
  const problems: string[] = [];
  const int = (name: string, min: number, max: number): number | undefined => {
    const raw = env[name]?.trim();
    if (!raw) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}=${raw}: must be a whole number from ${min} to ${max}`);
      return undefined;
    }
    return n;
  };
  const renewalHour = int("HRDKIT_RENEWAL_HOUR", 0, 23);
  const reminderHour = int("HRDKIT_REMINDER_HOUR", 0, 23);
  const settle = int("HRDKIT_STATEMENTS_SETTLE_SECONDS", 0, 86_400);
  const interval = int("HRDKIT_STATEMENTS_INTERVAL_SECONDS", 1, 86_400);
  const retentionDays = int("HRDKIT_RETENTION_DAYS", 1, 36_500);

  let reminderDays: number[] | undefined;
  const days = env.HRDKIT_REMINDER_DAYS?.trim();
  if (days) {
    const list = days.split(",").map((d) => Number(d.trim()));
    if (list.some((d) => !Number.isInteger(d) || d < 0 || d > 366)) {
      problems.push(
        `HRDKIT_REMINDER_DAYS=${days}: must be whole days from 0 to 366, comma-separated (30,14,7,1)`,
      );
    } else reminderDays = [...new Set(list)].sort((a, b) => b - a);
  }

  let statementsCsv: JobsConfig["statementsCsv"];
  const csv = env.HRDKIT_STATEMENTS_CSV?.trim();
  if (csv === "pko" || csv === "mbank") statementsCsv = csv;
  else if (csv?.startsWith("{")) {
    try {
      // Billing checks the mapping itself at the first import (and names every bad field there).
      statementsCsv = JSON.parse(csv) as CsvMapping;
    } catch {
      problems.push("HRDKIT_STATEMENTS_CSV: not valid JSON (give pko, mbank or a JSON column mapping)");
    }
  } else if (csv) {
    problems.push(`HRDKIT_STATEMENTS_CSV=${csv}: must be pko, mbank or a JSON column mapping`);
  }

  if (problems.length > 0) throw new Error(`bad job settings: ${problems.join("; ")}`);
  return {
    renewalHour,
    reminderHour,
    reminderDays,
    retentionDays,
    statementsDir: env.HRDKIT_STATEMENTS_DIR?.trim() || undefined,
    statementsCsv,
    statementsSettleMs: settle === undefined ? undefined : settle * 1000,
    statementsIntervalMs: interval === undefined ? undefined : interval * 1000,
  };
}
