/**
 * The billing schema, as an append-only list of migrations. Never edit one that has shipped:
 * add the next. Each runs in its own transaction with `search_path` set to hrdkit's schema, so
 * table names are unqualified.
 */
export interface Migration {
  id: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: "0001-settings",
    sql: `
      CREATE TABLE settings (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
];
