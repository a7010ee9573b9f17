import type { Migration } from "./migrations.js";

/**
 * The language a customer reads notices in (issue 12). Every existing customer gets Polish, the
 * language all notices were in before; the CHECK lists the languages notice templates exist in
 * (NOTICE_LANGUAGES in notify/events.ts): a customer can never be set to one no template covers.
 */
export const NOTIFY_CUSTOMER_MIGRATIONS: readonly Migration[] = [
  {
    id: "0008-customer-language",
    sql: "ALTER TABLE customers ADD COLUMN language text NOT NULL DEFAULT 'pl' CHECK (language IN ('pl','en'));",
  },
];
