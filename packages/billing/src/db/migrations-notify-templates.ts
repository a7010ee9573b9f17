import type { Migration } from "./migrations.js";

/**
 * The partner's own wording of notices (issue 12). Only edited templates are stored: a key with
 * no row uses the built-in default, so improving a default reaches every partner who kept it, and
 * "reset" is a delete. Events are not constrained here: the catalogue lives in code and grows.
 */
export const NOTIFY_TEMPLATE_MIGRATIONS: Migration[] = [
  {
    id: "0007-notification-templates",
    sql: `
      CREATE TABLE notification_templates (
        event text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('email', 'sms', 'phone')),
        language text NOT NULL CHECK (language IN ('pl', 'en')),
        -- e-mail only: the subject line and the HTML part (null for SMS and voice)
        subject text,
        html text,
        text text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- who saved it: an operator's login, "api", …
        updated_by text NOT NULL,
        PRIMARY KEY (event, channel, language),
        CHECK ((channel = 'email') = (subject IS NOT NULL AND html IS NOT NULL))
      );`,
  },
];
