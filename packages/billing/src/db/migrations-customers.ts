import type { Migration } from "./migrations.js";

/**
 * Indexes of the customers area, on top of migration 0004. Only indexes: every write of the
 * customers code works without them (they make search and listing fast at 100 000 customers).
 */
export const CUSTOMERS_MIGRATIONS: readonly Migration[] = [
  {
    id: "0005-customers-search",
    // customers_search (0004) is a B-tree over the whole `search` text: it can only find a prefix of
    // its first term, so "kowalski" (a second word), an e-mail, a NIP or a PESEL would be missed.
    // A GIN index over the terms as a dictionary-free text-search vector finds a prefix of any term.
    // The expression must stay exactly as searchCustomers writes it, or the planner will not use it.
    // A small pending list (256 kB, default 4 MB): a fast-update GIN index keeps new entries in a
    // list that every search reads in full until a vacuum merges them, and PGlite has no autovacuum.
    // Measured at 100 000 customers: 4 MB → 6 ms added to every search after a bulk import;
    // fastupdate off → imports 2–12× slower; 256 kB → searches ~1 ms, imports ~5 000/s (PGlite).
    sql: `
      CREATE INDEX customers_search_terms ON customers
        USING gin ((array_to_tsvector(string_to_array(search, ' ')))) WITH (gin_pending_list_limit = 256);
      -- listing one price group, in id order, without reading every customer
      CREATE INDEX customers_price_group ON customers (price_group_id, id);`,
  },
];
