/**
 * The background jobs' own tables (beside `bridge_jobs`, which the bridge's first migration
 * makes): HRD's poll messages, the domains the bridge keeps in step with HRD, and the actions
 * routes asked to follow. Append `JOBS_MIGRATIONS` after `BRIDGE_MIGRATIONS` in `migrateBridge`.
 */
import { type Db, MIGRATIONS, type Migration, migrate } from "@hrdkit/billing";
import { BRIDGE_MIGRATIONS } from "../store.js";

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
];

/** Applies billing's, the bridge's and the jobs' migrations (what migrateBridge does once wired). */
export async function migrateJobs(db: Db): Promise<void> {
  await migrate(db, [...MIGRATIONS, ...BRIDGE_MIGRATIONS, ...JOBS_MIGRATIONS]);
}
