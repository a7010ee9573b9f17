import type { Migration } from "./migrations.js";

/**
 * Offers (issue 12): a partner's commercial message sent to a segment of customers who consented.
 *
 * - `segment` is the partner's filter as data (notify/offer-segments.ts), kept as typed so the
 *   offer shows later whom it was meant for.
 * - `consent_kind`: the consent a customer must have in force when the offer is sent.
 * - `counts` ({recipients, emails, sms, skipped}) is kept up to date batch by batch, so a panel
 *   can show a long send's progress from another process.
 * - offer_recipients has one row per customer the offer was handled for; its primary key is what
 *   makes a second (or resumed) send skip everyone already reached. A customer with nothing to
 *   send to (no e-mail, no phone) gets a row with `skipped_reason` instead of notices.
 */
export const NOTIFY_OFFER_MIGRATIONS: Migration[] = [
  {
    id: "0009-offers",
    sql: `
      CREATE TABLE offers (
        id serial PRIMARY KEY,
        -- the partner's own name for it (never shown to customers)
        title text NOT NULL CHECK (title <> ''),
        -- Handlebars sources, checked against the offer variables when saved
        subject text NOT NULL,
        html text NOT NULL,
        text text NOT NULL,
        sms_text text,
        channels text[] NOT NULL CHECK (cardinality(channels) > 0 AND channels <@ ARRAY['email', 'sms']),
        segment jsonb NOT NULL DEFAULT '{}',
        language text NOT NULL DEFAULT 'pl' CHECK (language IN ('pl', 'en')),
        consent_kind text NOT NULL DEFAULT 'offers' CHECK (consent_kind IN ('newsletter', 'offers')),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sending', 'sent', 'cancelled')),
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        send_started_at timestamptz,
        sent_by text,
        sent_at timestamptz,
        cancelled_by text,
        cancelled_at timestamptz,
        counts jsonb NOT NULL DEFAULT '{"recipients": 0, "emails": 0, "sms": 0, "skipped": 0}',
        CHECK (NOT ('sms' = ANY (channels)) OR sms_text IS NOT NULL)
      );
      CREATE INDEX offers_status ON offers (status, id);

      CREATE TABLE offer_recipients (
        offer_id int NOT NULL REFERENCES offers (id),
        customer_id int NOT NULL REFERENCES customers (id),
        email_notice_id bigint REFERENCES notices (id),
        sms_notice_id bigint REFERENCES notices (id),
        skipped_reason text,
        recorded_at timestamptz NOT NULL,
        PRIMARY KEY (offer_id, customer_id),
        CHECK ((skipped_reason IS NULL) = (email_notice_id IS NOT NULL OR sms_notice_id IS NOT NULL))
      );
      CREATE INDEX offer_recipients_customer ON offer_recipients (customer_id);`,
  },
  {
    // An unsubscribe link is its own way of withdrawing a consent: the history says "link",
    // not "email" (the column's CHECK is the one PostgreSQL named after it).
    id: "0010-consent-via-link",
    sql: `
      ALTER TABLE customer_consents DROP CONSTRAINT IF EXISTS customer_consents_via_check;
      ALTER TABLE customer_consents ADD CONSTRAINT customer_consents_via_check
        CHECK (via IN ('form', 'email', 'phone', 'paper', 'import', 'panel', 'link'));`,
  },
];
