import type { Migration } from "./migrations.js";

/**
 * What an e-mail needs to be sent again exactly as it was composed: outbound_messages (0004) keeps
 * the recipient and subject; this adds the sender, the body, the attachment's file name, and when
 * the last attempt started (a `pending` message whose attempt is old was cut off by a crash and
 * may be resent; a recent one is still in flight and may not).
 */
export const MAIL_MIGRATIONS: Migration[] = [
  {
    id: "0005-mail-message-content",
    sql: `
      ALTER TABLE outbound_messages
        ADD COLUMN IF NOT EXISTS sender text,
        ADD COLUMN IF NOT EXISTS sender_name text,
        ADD COLUMN IF NOT EXISTS body text,
        ADD COLUMN IF NOT EXISTS attachment_name text,
        ADD COLUMN IF NOT EXISTS attempted_at timestamptz;`,
  },
];
