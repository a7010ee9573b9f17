import type { Migration } from "./migrations.js";

/**
 * What proformas add to migration 0004. Append-only, like MIGRATIONS (wired in after it).
 */
export const PROFORMAS_MIGRATIONS: readonly Migration[] = [
  {
    id: "0005-proformas-cancel-reason-and-service-lines",
    sql: `
      -- why a proforma was cancelled (cancelProforma's reason), kept apart from the printed note
      ALTER TABLE proformas ADD COLUMN cancel_reason text;
      -- the lines that renew or provision a customer's service: the renewal run looks up whether
      -- the term is already being renewed by an order, and a service's history reads its proformas
      CREATE INDEX proforma_lines_customer_service ON proforma_lines (customer_service_id)
        WHERE customer_service_id IS NOT NULL;`,
  },
];
