import type { Migration } from "./migrations.js";

/**
 * The notification outbox: every e-mail, SMS and phone notice is stored here, rendered, before
 * anything is sent, and every attempt to send it is kept.
 *
 * Why new tables and not outbound_messages (0004/0005): that table belongs to mail/send.ts, whose
 * `pending | sent | failed` CHECK, in-place resend and `pendingMessages` listing would all have to
 * change meaning to carry queued/sending/uncertain/… notices, leases and retries (and its listing
 * would start returning notices it cannot resend). A notice also keeps its HTML, headers,
 * attachments and a per-notice idempotency key, none of which a document e-mail row has.
 *
 * - `next_attempt_at` is "not before": set from the caller's notBefore, then moved by retry
 *   backoff and by quiet hours.
 * - `lease_token`/`lease_until`: a worker's claim, committed before the provider is called; a
 *   `sending` notice whose lease has expired was cut off (crash, or an outcome nobody could read).
 * - `dedupe_key` is unique per channel: one reminder by e-mail and one by SMS may share a key.
 * - `idempotency_key` is handed to the provider (Message-ID, SMSAPI idx); letters and digits only.
 */
export const NOTIFY_OUTBOX_MIGRATIONS: Migration[] = [
  {
    id: "0006-notification-outbox",
    sql: `
      CREATE TABLE notices (
        id bigserial PRIMARY KEY,
        event text NOT NULL CHECK (event <> ''),
        channel text NOT NULL CHECK (channel IN ('email', 'sms', 'phone')),
        customer_id int REFERENCES customers (id),
        -- as the caller gave it (null: the customer had none); checked at enqueue
        recipient text,
        language text NOT NULL,
        -- e-mail: the From address (and display name); SMS: the sender name, null = provider default
        sender text,
        sender_name text,
        reply_to text,
        subject text,
        html text,
        -- e-mail plain text, SMS text, or the text read out on a phone call
        body text NOT NULL,
        headers jsonb,
        dedupe_key text,
        idempotency_key text NOT NULL UNIQUE CHECK (idempotency_key ~ '^[A-Za-z0-9]+$'),
        status text NOT NULL CHECK (status IN
          ('queued', 'sending', 'sent', 'delivered', 'failed', 'unsendable', 'uncertain', 'cancelled')),
        reason text,
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        lease_token text,
        lease_until timestamptz,
        provider_id text,
        parts int,
        resent_from bigint REFERENCES notices (id),
        created_by text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        sent_at timestamptz,
        delivered_at timestamptz,
        CHECK (channel <> 'email' OR (subject IS NOT NULL AND sender IS NOT NULL)),
        CHECK (status <> 'sending' OR lease_until IS NOT NULL),
        CHECK (status <> 'unsendable' OR reason IS NOT NULL)
      );
      CREATE UNIQUE INDEX notices_dedupe ON notices (channel, dedupe_key) WHERE dedupe_key IS NOT NULL;
      CREATE INDEX notices_due ON notices (next_attempt_at, id) WHERE status = 'queued';
      CREATE INDEX notices_leased ON notices (lease_until) WHERE status = 'sending';
      CREATE INDEX notices_provider ON notices (provider_id) WHERE provider_id IS NOT NULL;
      CREATE INDEX notices_status ON notices (status, id);
      CREATE INDEX notices_customer ON notices (customer_id, id) WHERE customer_id IS NOT NULL;
      CREATE INDEX notices_event ON notices (event, id);

      -- E-mail attachments as bytes (a PDF in base64 JSON would be a third larger).
      -- Attachment bytes once per content (SHA-256): the same logo or offer leaflet on 100 000
      -- notices is stored once, not 100 000 times.
      CREATE TABLE notice_blobs (
        sha256 text PRIMARY KEY,
        content bytea NOT NULL
      );
      CREATE TABLE notice_attachments (
        notice_id bigint NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
        position int NOT NULL,
        filename text NOT NULL,
        content_type text NOT NULL,
        -- Content-ID of an inline image (the logo the HTML shows as cid:…); null for a file.
        cid text,
        size int NOT NULL,
        sha256 text NOT NULL REFERENCES notice_blobs (sha256),
        PRIMARY KEY (notice_id, position)
      );

      -- One row per attempt, written 'sending' with the claim and finished with what happened:
      -- retry (transient failure), unknown (the provider may have taken it), interrupted (the
      -- worker stopped before recording; found by recovery).
      CREATE TABLE notice_attempts (
        id bigserial PRIMARY KEY,
        notice_id bigint NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
        number int NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        outcome text NOT NULL CHECK (outcome IN
          ('sending', 'sent', 'delivered', 'retry', 'failed', 'unknown', 'interrupted')),
        error text,
        provider_id text,
        detail text,
        UNIQUE (notice_id, number)
      );`,
  },
];
