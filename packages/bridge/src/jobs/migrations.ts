/**
 * The background jobs' own tables (beside `bridge_jobs`, which the bridge's first migration
 * makes): HRD's poll messages, the domains the bridge keeps in step with HRD, and the actions
 * routes asked to follow. Append `JOBS_MIGRATIONS` after `BRIDGE_MIGRATIONS` in `migrateBridge`.
 */
import { type Db, MIGRATIONS, type Migration, migrate } from "@hrdkit/billing";
import { BRIDGE_MIGRATIONS } from "../store.js";
import { WEBHOOK_MIGRATIONS } from "../webhooks/migrations.js";

export const JOBS_MIGRATIONS: readonly Migration[] = [
  {
    id: "b0002-jobs",
    sql: `
      -- HRD's poll messages, stored before they are acknowledged. The id is HRD's message id, so
      -- a message delivered again (a crash between storing and acknowledging) is stored once.
      -- \`added\` is HRD's own wall-clock time (Europe/Warsaw), kept as HRD wrote it.
      CREATE TABLE bridge_events (
        id bigint PRIMARY KEY,
        object text NOT NULL,
        object_name text,
        object_id bigint,
        action text NOT NULL,
        added text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX bridge_events_object_name ON bridge_events (object_name);
      -- The domains on the partner's HRD account, as the sync job last read them (HRD is the
      -- source of truth: a row changes only when HRD's answer differs).
      CREATE TABLE bridge_domains (
        domain text PRIMARY KEY,
        hrd_user_id bigint,
        status text NOT NULL,
        expires_on date,
        updated_at timestamptz NOT NULL
      );
      -- Actions (HRD action ids) a route started and wants followed until they are final.
      CREATE TABLE bridge_actions (
        action_id bigint PRIMARY KEY,
        domain text,
        kind text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
        hrd_status text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX bridge_actions_pending ON bridge_actions (updated_at) WHERE status = 'pending';`,
  },
  {
    id: "b0004-scheduled-runs",
    sql: `
      -- What the dashboard shows about failures, and who ran a job last.
      ALTER TABLE bridge_jobs
        ADD COLUMN last_owner text,
        ADD COLUMN last_failed_at timestamptz,
        ADD COLUMN last_error jsonb,
        ADD COLUMN consecutive_failures int NOT NULL DEFAULT 0;
      -- One row per run: which instance ran it, for which due time, and how it ended (NULL while
      -- running; 'abandoned' when its holder vanished and another instance took the job over).
      CREATE TABLE bridge_job_runs (
        id bigserial PRIMARY KEY,
        job text NOT NULL,
        due_at timestamptz,
        owner text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        outcome text CHECK (outcome IN ('ok', 'failed', 'interrupted', 'lost', 'abandoned')),
        result jsonb
      );
      CREATE INDEX bridge_job_runs_job ON bridge_job_runs (job, id);
      -- Facts the jobs published a webhook event for, by a key naming the fact: a job that runs
      -- twice finds the key and publishes nothing the second time.
      CREATE TABLE bridge_published (
        key text PRIMARY KEY,
        type text NOT NULL,
        event_id text,
        published_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX bridge_published_at ON bridge_published (published_at);
      -- Statement files the folder import took, by content: whether the job imported the file
      -- itself (then it publishes its payments) or found it imported already (by hand, over HTTP).
      CREATE TABLE bridge_statement_files (
        file_hash text PRIMARY KEY,
        name text NOT NULL,
        first_seen_at timestamptz NOT NULL,
        statement_id bigint,
        outcome text
      );`,
  },
];

/** Applies billing's, the bridge's, the jobs' and the webhooks' migrations (what migrateBridge does once wired). */
export async function migrateJobs(db: Db): Promise<void> {
  await migrate(db, [...MIGRATIONS, ...BRIDGE_MIGRATIONS, ...JOBS_MIGRATIONS, ...WEBHOOK_MIGRATIONS]);
}
