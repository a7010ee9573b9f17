import type { Migration } from "./migrations.js";

/**
 * What invoices add after 0004. Append-only, like MIGRATIONS (wired in after it).
 *
 * 0006-fiscal-line-data: the exemption basis (art. 106e ust. 1 pkt 19) a service or a proforma
 * line carries to the invoice, and the unit gross price of gross-method lines (art. 106e ust. 7–8,
 * FA(3) P_9B) on proforma and invoice lines.
 *
 * 0006-invoices-immutable-every-statement: 0004 made UPDATE and DELETE of issued invoices and
 * their lines fail, but an issued invoice could still gain lines (INSERT) or be emptied
 * (TRUNCATE). Lines may now be inserted only by the transaction that inserted their invoice
 * (`issued_xact`: the top-level transaction id, the same inside a savepoint), TRUNCATE is refused
 * on both tables, and a KSeF number once recorded can no longer be changed or removed.
 */
export const INVOICES_MIGRATIONS: readonly Migration[] = [
  {
    id: "0006-fiscal-line-data",
    sql: `
      -- { source: 'act' | 'directive' | 'other', provision } for exempt (zw) sales
      ALTER TABLE services ADD COLUMN exemption_basis jsonb;
      ALTER TABLE proforma_lines ADD COLUMN exemption_basis jsonb;
      -- gross-method lines: the unit price with VAT (quantity × unit_gross − discount = gross)
      ALTER TABLE proforma_lines ADD COLUMN unit_gross bigint;
      ALTER TABLE invoice_lines ADD COLUMN unit_gross bigint;`,
  },
  {
    id: "0006-invoices-immutable-every-statement",
    sql: `
      -- The transaction that issued the invoice. Added without a default first, so invoices issued
      -- before this migration keep NULL (no transaction can add lines to them), then defaulted.
      ALTER TABLE invoices ADD COLUMN issued_xact xid8;
      ALTER TABLE invoices ALTER COLUMN issued_xact SET DEFAULT pg_current_xact_id();

      -- An AFTER trigger: it runs when the whole statement is done, so the invoice inserted by the
      -- same statement (insertInvoice's CTE) is visible to it.
      CREATE FUNCTION invoice_lines_insert_guard() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM invoices
                       WHERE id = NEW.invoice_id AND issued_xact = pg_current_xact_id()) THEN
          RAISE EXCEPTION 'lines of issued invoices are immutable: invoice % cannot gain lines; issue a correction',
            NEW.invoice_id;
        END IF;
        RETURN NULL;
      END $fn$;
      CREATE TRIGGER invoice_lines_insert_guard AFTER INSERT ON invoice_lines
        FOR EACH ROW EXECUTE FUNCTION invoice_lines_insert_guard();

      CREATE FUNCTION invoices_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        RAISE EXCEPTION 'issued invoices are immutable: % cannot be truncated', TG_TABLE_NAME;
      END $fn$;
      CREATE TRIGGER invoices_no_truncate BEFORE TRUNCATE ON invoices
        FOR EACH STATEMENT EXECUTE FUNCTION invoices_no_truncate();
      CREATE TRIGGER invoice_lines_no_truncate BEFORE TRUNCATE ON invoice_lines
        FOR EACH STATEMENT EXECUTE FUNCTION invoices_no_truncate();

      -- Only the KSeF data may change after issue, and its number only from nothing to something:
      -- KSeF gives an invoice one number, and the corrections name it.
      CREATE OR REPLACE FUNCTION invoices_immutable() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'issued invoices cannot be deleted; issue a correction';
        END IF;
        IF (to_jsonb(NEW) - 'ksef') IS DISTINCT FROM (to_jsonb(OLD) - 'ksef') THEN
          RAISE EXCEPTION 'issued invoices are immutable; issue a correction';
        END IF;
        IF OLD.ksef ? 'number' AND (NEW.ksef->>'number') IS DISTINCT FROM (OLD.ksef->>'number') THEN
          RAISE EXCEPTION 'invoice % already has the KSeF number %; it cannot be changed', OLD.number,
            OLD.ksef->>'number';
        END IF;
        RETURN NEW;
      END $fn$;`,
  },
];
