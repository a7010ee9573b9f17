import { mkdir } from "node:fs/promises";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { type Db, ident, type QueryResult, type Row, transactionDb } from "./db.js";

// Same value shapes as the pg driver: int8 → number, date → text, numeric → text.
const parsers = {
  20: (v: string) => Number(v),
  1082: (v: string) => v,
  1700: (v: string) => v,
};

type Queryable = Pick<PGlite, "query"> | Pick<Transaction, "query">;

function runner(q: Queryable) {
  return async <R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
    const r = await q.query<R>(sql, params as unknown[] | undefined);
    return { rows: r.rows, rowCount: r.affectedRows || r.rows.length };
  };
}

/**
 * PGlite is one session: its own lock serialises transactions, so concurrent callers queue
 * rather than conflict (the reason no retry loop is needed here).
 */
export async function openPglite(dataDir: string | undefined, schema: string): Promise<Db> {
  // PGlite creates its own folder but not the folders above it (`.hrdkit/bridge` on a fresh clone).
  if (dataDir && !dataDir.includes("://")) await mkdir(dataDir, { recursive: true });
  const lite = await PGlite.create(dataDir, { parsers });
  await lite.exec(
    `CREATE SCHEMA IF NOT EXISTS ${ident(schema)}; SET search_path TO ${ident(schema)}, public;`,
  );
  return {
    driver: "pglite",
    schema,
    query: runner(lite),
    exec: async (sql) => {
      await lite.exec(sql);
    },
    transaction: (fn) =>
      lite.transaction((tx) => fn(transactionDb("pglite", schema, runner(tx), (sql) => tx.exec(sql)))),
    close: () => lite.close(),
  };
}
