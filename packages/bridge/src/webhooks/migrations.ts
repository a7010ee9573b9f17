/** The webhooks' tables, applied after the jobs' (see jobs/migrations.ts `migrateJobs`). */
import type { Migration } from "@hrdkit/billing";

export const WEBHOOK_MIGRATIONS: readonly Migration[] = [
  {
    id: "b0003-webhooks",
    sql: `
      -- Every event published, in order (seq), kept for the delivery log and redelivery.
      CREATE TABLE webhook_events (
        seq bigserial UNIQUE,
        id text PRIMARY KEY,
        type text NOT NULL,
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX webhook_events_type ON webhook_events (type, seq);
      -- The partners' receivers. The secret is kept in clear: every delivery is signed with it
      -- (HMAC needs the key itself, unlike the module keys' hashes). During a rotation the
      -- previous secret signs too, until previous_secret_until.
      CREATE TABLE webhook_endpoints (
        seq bigserial UNIQUE,
        id text PRIMARY KEY,
        url text NOT NULL,
        description text,
        events text[] NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_until timestamptz,
        secret_rotated_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      -- The durable queue: one row per (endpoint, event). A worker claims due rows with
      -- FOR UPDATE SKIP LOCKED and a lease (lease_token, lease_until), sends outside any
      -- transaction, and records the outcome only while its token still holds the row, so two
      -- instances never send the same delivery at once and a crashed instance's lease expires.
      -- series_start: the attempts made before the current retry series (a redelivery starts one).
      CREATE TABLE webhook_deliveries (
        seq bigserial UNIQUE,
        id text PRIMARY KEY,
        endpoint_id text NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_id text NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
        status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        series_start int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        lease_token text,
        lease_until timestamptz,
        last_status_code int,
        last_error text,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (endpoint_id, event_id),
        CHECK (status <> 'pending' OR next_attempt_at IS NOT NULL)
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, seq) WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, seq);
      CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
      -- Every attempt, for the delivery log: what the receiver answered (or why nothing came).
      CREATE TABLE webhook_attempts (
        id bigserial PRIMARY KEY,
        delivery_id text NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        number int NOT NULL,
        at timestamptz NOT NULL,
        duration_ms int NOT NULL,
        ok boolean NOT NULL,
        status_code int,
        error text,
        response_excerpt text,
        UNIQUE (delivery_id, number)
      );`,
  },
];
