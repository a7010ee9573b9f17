/**
 * Background jobs inside the bridge's own process, safe with several bridge instances on one
 * database: a job runs only under a lease in `bridge_jobs` (`UPDATE … WHERE lease_until < now`
 * claims it, so of several instances exactly one gets it), the lease is renewed while the job
 * runs, and an instance that crashed simply lets its lease expire. A job is due when its
 * `next_run_at` has come: a fixed time after its last run, or (scheduled jobs) the next wall-clock
 * time of its schedule. Every run is recorded twice: on the job's row (`last_started_at`,
 * `last_finished_at`, `last_result`, `next_run_at`, the last failure and the count of failures in a
 * row) and as a row of `bridge_job_runs` (which instance ran it, for which due time, how it ended).
 *
 * Jobs are written to be safe to run twice (a lease can expire under a stalled instance): the poll
 * store is idempotent by HRD's message id, the sync writes only what differs, action updates are
 * conditional, the renewal run and the statement import are idempotent in billing, and the events
 * jobs publish are keyed by the fact (publish.ts).
 */

import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Db } from "@hrdkit/billing";
import type { BridgeContext } from "../app.js";
import { DEFAULT_JOBS } from "./defaults.js";
import { describeEvery } from "./schedule.js";

export interface JobRunInfo {
  /** The run's clock: the time the run was claimed at, moved on by the time elapsed since. */
  now: () => Date;
  /** Aborted when the runner stops: a job finishes its current step and returns. */
  signal: AbortSignal;
  /** The moment the run was claimed at (its row's `started_at`): the run's own stable timestamp. */
  startedAt: Date;
  /**
   * The due time this run serves (`next_run_at` when it was claimed); null for a job's first run
   * and for a run asked for directly (runJobOnce).
   */
  dueAt: Date | null;
  /** Writes a progress line to the runner's log, prefixed with the job's name. */
  log: (message: string) => void;
}

export interface BridgeJob {
  name: string;
  /** Time from one run's end to the next run, ms (unless `nextRunAt` says otherwise). */
  intervalMs: number;
  /** Time to the next attempt after a failed run, ms (default: the smaller of intervalMs and 1 minute). */
  retryMs?: number;
  /**
   * Scheduled jobs: the next due time after a run that started at `startedAt` (e.g. the next 06:00
   * in Warsaw). Counted from the start, so a run that starts just before a due time and ends after
   * it leaves that due time still to be served.
   */
  nextRunAt?: (startedAt: Date) => Date;
  /** When it runs, for the dashboard (default: `every <intervalMs>`). */
  schedule?: string;
  /** Runs once; resolves with counts (stored as `last_result`). */
  run(ctx: BridgeContext, info: JobRunInfo): Promise<Record<string, unknown>>;
}

/** Where job progress and failures go: one line each. */
export type JobLog = (line: string) => void;

/** The default log: stdout, one line per message, like the bridge's other operator output. */
export const consoleJobLog: JobLog = (line) => console.log(`hrdkit bridge: ${line}`);

export interface RunOptions {
  /** Who holds the lease; default: this process (host, pid and a random part). */
  owner?: string;
  /** How long a lease lasts without renewal, ms (default 60 s; renewed every third of it). */
  leaseMs?: number;
  /** Only run when `next_run_at` has come (the ticker does; a direct call runs regardless). */
  respectSchedule?: boolean;
  signal?: AbortSignal;
  /** Default: consoleJobLog. */
  log?: JobLog;
}

export interface JobRun {
  name: string;
  /** False when another owner holds the lease (or, with respectSchedule, the job was not due). */
  ran: boolean;
  owner: string;
  result?: Record<string, unknown>;
  /** The error's code and message when the run failed. */
  error?: { code: string; message: string };
}

const DEFAULT_LEASE_MS = 60_000;
/** Runs kept per job in bridge_job_runs (older ones are deleted as new ones are recorded). */
const RUNS_KEPT = 500;

/** A new owner id: host, pid and a random part. */
const newOwner = () => `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;

/** An owner id unique to this process (direct runs use it). */
export const processOwner = (() => {
  const id = newOwner();
  return () => id;
})();

function errorOf(err: unknown): { code: string; message: string } {
  const e = err as { code?: unknown; message?: unknown; name?: unknown };
  return {
    code: typeof e?.code === "string" ? e.code : typeof e?.name === "string" ? e.name : "error",
    message: typeof e?.message === "string" ? e.message : String(err),
  };
}

/**
 * Takes the lease (when free, and with respectSchedule when due) and opens the run's record, in
 * one transaction: a claimed job always has its run row. Runs left open by an instance whose lease
 * expired are closed as `abandoned` here: nobody else will finish them.
 */
async function claim(
  db: Db,
  job: BridgeJob,
  owner: string,
  now: Date,
  leaseMs: number,
  respectSchedule: boolean,
): Promise<{ runId: number; dueAt: Date | null } | undefined> {
  return db.transaction(async (tx) => {
    await tx.query("INSERT INTO bridge_jobs (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", [job.name]);
    const claimed = await tx.query<{ next_run_at: Date | string | null }>(
      `UPDATE bridge_jobs SET lease_owner = $2, lease_until = $3, last_started_at = $4
       WHERE name = $1 AND (lease_until IS NULL OR lease_until < $4)
         AND ($5::boolean = false OR next_run_at IS NULL OR next_run_at <= $4)
       RETURNING next_run_at`,
      [job.name, owner, new Date(now.getTime() + leaseMs), now, respectSchedule],
    );
    const row = claimed.rows[0];
    if (!row) return undefined;
    const dueAt = respectSchedule && row.next_run_at != null ? new Date(row.next_run_at) : null;
    await tx.query(
      "UPDATE bridge_job_runs SET outcome = 'abandoned', finished_at = $2 WHERE job = $1 AND outcome IS NULL",
      [job.name, now],
    );
    const run = await tx.query<{ id: number }>(
      "INSERT INTO bridge_job_runs (job, due_at, owner, started_at) VALUES ($1, $2, $3, $4) RETURNING id",
      [job.name, dueAt, owner, now],
    );
    return { runId: Number(run.rows[0]!.id), dueAt };
  });
}

/**
 * Claims `job` for `owner` at `now` and runs it once. Resolves with `ran: false` when another
 * owner holds an unexpired lease; a failing job resolves too, with `error` (also recorded).
 */
export async function runJob(
  ctx: BridgeContext,
  job: BridgeJob,
  now: Date,
  options: RunOptions = {},
): Promise<JobRun> {
  const owner = options.owner ?? processOwner();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const log = options.log ?? consoleJobLog;
  const db = ctx.db;
  const claimed = await claim(db, job, owner, now, leaseMs, options.respectSchedule === true);
  if (!claimed) return { name: job.name, ran: false, owner };

  const t0 = Date.now();
  const clock = () => new Date(now.getTime() + (Date.now() - t0));
  // Keep the lease while the job runs; a crashed process stops renewing and the lease expires.
  const renew = setInterval(
    () => {
      db.query("UPDATE bridge_jobs SET lease_until = $3 WHERE name = $1 AND lease_owner = $2", [
        job.name,
        owner,
        new Date(clock().getTime() + leaseMs),
      ]).catch(() => undefined);
    },
    Math.max(10, Math.floor(leaseMs / 3)),
  );
  renew.unref?.();
  const signal = options.signal ?? new AbortController().signal;
  let result: Record<string, unknown> | undefined;
  let error: { code: string; message: string } | undefined;
  try {
    result = await job.run(ctx, {
      now: clock,
      signal,
      startedAt: now,
      dueAt: claimed.dueAt,
      log: (message) => log(`${job.name}: ${message}`),
    });
    if (signal.aborted) result = { ...result, interrupted: true };
  } catch (err) {
    error = errorOf(err);
    log(`${job.name}: failed: ${error.message}`);
  } finally {
    clearInterval(renew);
  }
  const finished = clock();
  const outcome = error ? "failed" : result?.interrupted ? "interrupted" : "ok";
  const next = error
    ? new Date(finished.getTime() + (job.retryMs ?? Math.min(job.intervalMs, 60_000)))
    : outcome === "interrupted"
      ? finished
      : job.nextRunAt
        ? job.nextRunAt(now)
        : new Date(finished.getTime() + job.intervalMs);
  const stored = JSON.stringify(error ? { error } : (result ?? {}));
  await db.transaction(async (tx) => {
    // Only the lease holder records the run on the job's row (a lease lost to another instance
    // records nothing there; its run row says `lost`).
    const mine = await tx.query(
      `UPDATE bridge_jobs SET lease_owner = NULL, lease_until = NULL, last_finished_at = $3,
         last_result = $4, next_run_at = $5, last_owner = $2,
         consecutive_failures = CASE $6::text WHEN 'failed' THEN consecutive_failures + 1
                                              WHEN 'ok' THEN 0 ELSE consecutive_failures END,
         last_failed_at = CASE WHEN $6::text = 'failed' THEN $3 ELSE last_failed_at END,
         last_error = CASE WHEN $6::text = 'failed' THEN $7::jsonb ELSE last_error END
       WHERE name = $1 AND lease_owner = $2`,
      [job.name, owner, finished, stored, next, outcome, error ? JSON.stringify(error) : null],
    );
    await tx.query("UPDATE bridge_job_runs SET finished_at = $2, outcome = $3, result = $4 WHERE id = $1", [
      claimed.runId,
      finished,
      mine.rowCount > 0 ? outcome : "lost",
      stored,
    ]);
  });
  await db
    .query(
      `DELETE FROM bridge_job_runs WHERE job = $1 AND id <= (
         SELECT id FROM bridge_job_runs WHERE job = $1 ORDER BY id DESC OFFSET $2 LIMIT 1)`,
      [job.name, RUNS_KEPT],
    )
    .catch(() => undefined); // trimming the history can wait for the next run
  return { name: job.name, ran: true, owner, ...(error ? { error } : { result }) };
}

/**
 * Runs the job called `name` once at `now` (tests use it for determinism), under the lease like
 * the ticker, but whether or not it is due. `jobs` defaults to the jobs started on this context
 * (startJobs, with their settings) and the bridge's default jobs.
 */
export async function runJobOnce(
  ctx: BridgeContext,
  name: string,
  now: Date = ctx.now(),
  options: RunOptions & { jobs?: readonly BridgeJob[] } = {},
): Promise<JobRun> {
  const jobs = options.jobs ?? [...(startedJobs.get(ctx)?.values() ?? []), ...DEFAULT_JOBS];
  const job = jobs.find((j) => j.name === name);
  if (!job) throw new TypeError(`no job called ${name}`);
  return runJob(ctx, job, now, options);
}

export interface JobsRunner {
  readonly owner: string;
  /** Stops ticking, asks running jobs to stop, waits for them and releases their leases. */
  close(): Promise<void>;
}

/** The jobs startJobs runs on a context, by name (a later start's job of the same name wins). */
const startedJobs = new WeakMap<BridgeContext, Map<string, BridgeJob>>();

/**
 * The jobs this context runs, for the dashboard: the default jobs' order, each as started (its
 * configured schedule), then any other started job (the statement import, a test's job).
 */
export function jobsOf(ctx: BridgeContext): BridgeJob[] {
  const started = startedJobs.get(ctx) ?? new Map<string, BridgeJob>();
  return [
    ...DEFAULT_JOBS.map((j) => started.get(j.name) ?? j),
    ...[...started.values()].filter((j) => !DEFAULT_JOBS.some((d) => d.name === j.name)),
  ];
}

/**
 * Starts the ticker: every `tickMs` each job that is due and not leased elsewhere is claimed and
 * run (each job at most once at a time in this process).
 */
export function startJobs(
  ctx: BridgeContext,
  options: { jobs: readonly BridgeJob[]; owner?: string; tickMs?: number; leaseMs?: number; log?: JobLog },
): JobsRunner {
  // Each runner its own owner: two bridges in one process (tests, one process per tenant) are
  // two instances, and must not renew or record each other's leases.
  const owner = options.owner ?? newOwner();
  const tickMs = options.tickMs ?? 5_000;
  const stop = new AbortController();
  const running = new Map<string, Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  const started = startedJobs.get(ctx) ?? new Map<string, BridgeJob>();
  for (const job of options.jobs) started.set(job.name, job);
  startedJobs.set(ctx, started);

  const tick = async () => {
    for (const job of options.jobs) {
      if (stop.signal.aborted) return;
      if (running.has(job.name)) continue;
      const p = runJob(ctx, job, ctx.now(), {
        owner,
        leaseMs: options.leaseMs,
        respectSchedule: true,
        signal: stop.signal,
        log: options.log,
      })
        .catch(() => undefined) // a database fault: the next tick tries again
        .finally(() => running.delete(job.name));
      running.set(job.name, p);
    }
  };
  const schedule = () => {
    if (stop.signal.aborted) return;
    timer = setTimeout(() => {
      ticking = tick().finally(schedule);
    }, tickMs);
  };
  ticking = tick().finally(schedule);

  return {
    owner,
    async close() {
      stop.abort();
      if (timer) clearTimeout(timer);
      await ticking?.catch(() => undefined);
      await Promise.allSettled([...running.values()]);
    },
  };
}

export interface JobStatus {
  name: string;
  /** When it runs: `every 60 s`, `daily at 06:00 Europe/Warsaw`; null for a job this bridge does not run. */
  schedule: string | null;
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  lastResult: unknown;
  /** The instance that ran the last run. */
  lastOwner: string | null;
  nextRunAt: string | null;
  /** True while an instance holds an unexpired lease on it. */
  running: boolean;
  /** The instance holding the lease while it runs. */
  runningOwner: string | null;
  /** The last failed run: when it ended, and the error. */
  lastFailure: { at: string; code: string; message: string } | null;
  /** Failed runs since the last successful one. */
  consecutiveFailures: number;
}

const iso = (v: unknown): string | null =>
  v == null ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();

const json = (v: unknown): unknown => (typeof v === "string" ? JSON.parse(v) : (v ?? null));

/**
 * Every job's last run, for the dashboard: `jobs` first (in that order, by name or with their
 * schedule), then any others seen in the table.
 */
export async function jobStatuses(
  ctx: BridgeContext,
  jobs: readonly (string | BridgeJob)[] = [],
): Promise<JobStatus[]> {
  const { rows } = await ctx.db.query<{
    name: string;
    lease_owner: string | null;
    lease_until: Date | string | null;
    last_started_at: Date | string | null;
    last_finished_at: Date | string | null;
    last_result: unknown;
    next_run_at: Date | string | null;
    last_owner: string | null;
    last_failed_at: Date | string | null;
    last_error: unknown;
    consecutive_failures: number | null;
  }>("SELECT * FROM bridge_jobs ORDER BY name");
  const now = ctx.now().getTime();
  const byName = new Map(rows.map((r) => [r.name, r]));
  const known = new Map<string, BridgeJob | undefined>(
    jobs.map((j) => (typeof j === "string" ? [j, undefined] : [j.name, j])),
  );
  const order = [...known.keys(), ...rows.map((r) => r.name).filter((n) => !known.has(n))];
  return order.map((name) => {
    const r = byName.get(name);
    const job = known.get(name);
    const running = !!r?.lease_owner && !!r.lease_until && new Date(r.lease_until).getTime() > now;
    const error = json(r?.last_error) as { code?: string; message?: string } | null;
    return {
      name,
      schedule: job ? (job.schedule ?? describeEvery(job.intervalMs)) : null,
      lastStartedAt: iso(r?.last_started_at),
      lastFinishedAt: iso(r?.last_finished_at),
      lastResult: json(r?.last_result),
      lastOwner: r?.last_owner ?? null,
      nextRunAt: iso(r?.next_run_at),
      running,
      runningOwner: running ? r!.lease_owner : null,
      lastFailure:
        r?.last_failed_at != null
          ? {
              at: iso(r.last_failed_at)!,
              code: String(error?.code ?? "error"),
              message: String(error?.message ?? ""),
            }
          : null,
      consecutiveFailures: Number(r?.consecutive_failures ?? 0),
    };
  });
}
