/**
 * Background jobs inside the bridge's own process, safe with several bridge instances on one
 * database: a job runs only under a lease in `bridge_jobs` (`UPDATE … WHERE lease_until < now`
 * claims it, so of several instances exactly one gets it), the lease is renewed while the job
 * runs, and an instance that crashed simply lets its lease expire. Every run records
 * `last_started_at`, `last_finished_at`, `last_result` (the job's counts, or the error) and
 * `next_run_at`.
 *
 * Jobs are written to be safe to run twice (a lease can expire under a stalled instance): the poll
 * store is idempotent by HRD's message id, the sync writes only what differs, action updates are
 * conditional.
 */

import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { BridgeContext } from "../app.js";
import { DEFAULT_JOBS } from "./defaults.js";

export interface JobRunInfo {
  /** The run's clock: the time the run was claimed at, moved on by the time elapsed since. */
  now: () => Date;
  /** Aborted when the runner stops: a job finishes its current step and returns. */
  signal: AbortSignal;
}

export interface BridgeJob {
  name: string;
  /** Time from one run's end to the next run, ms. */
  intervalMs: number;
  /** Time to the next attempt after a failed run, ms (default: the smaller of intervalMs and 1 minute). */
  retryMs?: number;
  /** Runs once; resolves with counts (stored as `last_result`). */
  run(ctx: BridgeContext, info: JobRunInfo): Promise<Record<string, unknown>>;
}

export interface RunOptions {
  /** Who holds the lease; default: this process (host, pid and a random part). */
  owner?: string;
  /** How long a lease lasts without renewal, ms (default 60 s; renewed every third of it). */
  leaseMs?: number;
  /** Only run when `next_run_at` has come (the ticker does; a direct call runs regardless). */
  respectSchedule?: boolean;
  signal?: AbortSignal;
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

/** An owner id unique to this process: host, pid and a random part. */
export const processOwner = (() => {
  const id = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
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
  const db = ctx.db;
  await db.query("INSERT INTO bridge_jobs (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", [job.name]);
  const claimed = await db.query(
    `UPDATE bridge_jobs SET lease_owner = $2, lease_until = $3, last_started_at = $4
     WHERE name = $1 AND (lease_until IS NULL OR lease_until < $4)
       AND ($5::boolean = false OR next_run_at IS NULL OR next_run_at <= $4)
     RETURNING name`,
    [job.name, owner, new Date(now.getTime() + leaseMs), now, options.respectSchedule === true],
  );
  if (claimed.rowCount === 0) return { name: job.name, ran: false, owner };

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
    result = await job.run(ctx, { now: clock, signal });
    if (signal.aborted) result = { ...result, interrupted: true };
  } catch (err) {
    error = errorOf(err);
  } finally {
    clearInterval(renew);
  }
  const finished = clock();
  const wait = error
    ? (job.retryMs ?? Math.min(job.intervalMs, 60_000))
    : result?.interrupted
      ? 0
      : job.intervalMs;
  // Only the lease holder records the run (a lease lost to another instance records nothing).
  await db.query(
    `UPDATE bridge_jobs SET lease_owner = NULL, lease_until = NULL, last_finished_at = $3,
       last_result = $4, next_run_at = $5
     WHERE name = $1 AND lease_owner = $2`,
    [
      job.name,
      owner,
      finished,
      JSON.stringify(error ? { error } : (result ?? {})),
      new Date(finished.getTime() + wait),
    ],
  );
  return { name: job.name, ran: true, owner, ...(error ? { error } : { result }) };
}

/**
 * Runs the job called `name` once at `now` (tests use it for determinism), under the lease like
 * the ticker, but whether or not it is due. `jobs` defaults to the bridge's jobs.
 */
export async function runJobOnce(
  ctx: BridgeContext,
  name: string,
  now: Date = ctx.now(),
  options: RunOptions & { jobs?: readonly BridgeJob[] } = {},
): Promise<JobRun> {
  const jobs = options.jobs ?? DEFAULT_JOBS;
  const job = jobs.find((j) => j.name === name);
  if (!job) throw new TypeError(`no job called ${name}`);
  return runJob(ctx, job, now, options);
}

export interface JobsRunner {
  readonly owner: string;
  /** Stops ticking, asks running jobs to stop, waits for them and releases their leases. */
  close(): Promise<void>;
}

/**
 * Starts the ticker: every `tickMs` each job that is due and not leased elsewhere is claimed and
 * run (each job at most once at a time in this process).
 */
export function startJobs(
  ctx: BridgeContext,
  options: { jobs: readonly BridgeJob[]; owner?: string; tickMs?: number; leaseMs?: number },
): JobsRunner {
  const owner = options.owner ?? processOwner();
  const tickMs = options.tickMs ?? 5_000;
  const stop = new AbortController();
  const running = new Map<string, Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;

  const tick = async () => {
    for (const job of options.jobs) {
      if (stop.signal.aborted) return;
      if (running.has(job.name)) continue;
      const p = runJob(ctx, job, ctx.now(), {
        owner,
        leaseMs: options.leaseMs,
        respectSchedule: true,
        signal: stop.signal,
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
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  lastResult: unknown;
  nextRunAt: string | null;
  /** True while an instance holds an unexpired lease on it. */
  running: boolean;
}

const iso = (v: unknown): string | null =>
  v == null ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();

/** Every job's last run, for the dashboard: `names` first (in that order), then any others seen. */
export async function jobStatuses(ctx: BridgeContext, names: readonly string[] = []): Promise<JobStatus[]> {
  const { rows } = await ctx.db.query<{
    name: string;
    lease_owner: string | null;
    lease_until: Date | string | null;
    last_started_at: Date | string | null;
    last_finished_at: Date | string | null;
    last_result: unknown;
    next_run_at: Date | string | null;
  }>("SELECT * FROM bridge_jobs ORDER BY name");
  const now = ctx.now().getTime();
  const byName = new Map(rows.map((r) => [r.name, r]));
  const order = [...names, ...rows.map((r) => r.name).filter((n) => !names.includes(n))];
  return order.map((name) => {
    const r = byName.get(name);
    return {
      name,
      lastStartedAt: iso(r?.last_started_at),
      lastFinishedAt: iso(r?.last_finished_at),
      lastResult: typeof r?.last_result === "string" ? JSON.parse(r.last_result) : (r?.last_result ?? null),
      nextRunAt: iso(r?.next_run_at),
      running: !!r?.lease_owner && !!r.lease_until && new Date(r.lease_until).getTime() > now,
    };
  });
}
