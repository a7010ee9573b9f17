import type { Migration } from "./migrations.js";

/**
 * Schema additions of the payments area (on top of 0004, which made the tables). Appended to
 * MIGRATIONS by the package; append-only like every migration.
 */
export const PAYMENTS_MIGRATIONS: readonly Migration[] = [
  {
    id: "0005-payments-refunds-statements",
    sql: `
      -- a refund may name the payment it gives back: a payment is never refunded above its amount
      ALTER TABLE payments
        ADD COLUMN refund_of int REFERENCES payments (id),
        ADD CONSTRAINT payments_refund_sign CHECK ((method = 'refund') = (amount < 0)),
        ADD CONSTRAINT payments_refund_of_refund CHECK (refund_of IS NULL OR method = 'refund');
      CREATE INDEX payments_refund_of ON payments (refund_of) WHERE refund_of IS NOT NULL;
      CREATE INDEX payments_customer ON payments (customer_id, id);

      -- the text encoding the file was read in, and the import's result as returned the first time:
      -- importing the same file again returns it unchanged (alreadyImported)
      ALTER TABLE bank_statements
        ADD COLUMN encoding text,
        ADD COLUMN result jsonb;

      -- the partner's list of entries to match by hand, paged by id
      CREATE INDEX statement_entries_unmatched ON statement_entries (id) WHERE status = 'unmatched';
      -- matching by amount looks for the customer who paid from the same account before
      CREATE INDEX statement_entries_counterparty ON statement_entries (counterparty_account)
        WHERE counterparty_account IS NOT NULL AND payment_id IS NOT NULL;
      CREATE INDEX statement_entries_statement ON statement_entries (statement_id);
      CREATE INDEX customer_balance_proforma ON customer_balance_entries (proforma_id)
        WHERE proforma_id IS NOT NULL;`,
  },
];
