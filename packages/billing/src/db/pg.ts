import pg from "pg";
import {
  type Db,
  ident,
  type QueryResult,
  RETRYABLE_SQLSTATES,
  type Row,
  sqlState,
  type TransactionOptions,
  transactionDb,
} from "./db.js";

// int8 (counts, grosze sums) as numbers, dates as YYYY-MM-DD text: the same values PGlite gives.
const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;
function typeParser(oid: number, format?: string): (v: string) => unknown {
  if (oid === INT8) return (v) => Number(v);
  if (oid === DATE) return (v) => v;
  if (oid === NUMERIC) return (v) => v;
  return pg.types.getTypeParser(oid, format as "text");
}

type Queryable = Pick<pg.PoolClient, "query">;

function runner(client: Queryable) {
  return async <R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
    const r = await client.query(sql, params as unknown[] | undefined);
    return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
  };
}

const MAX_ATTEMPTS = 10;

export function openPg(url: string, schema: string, poolSize = 10): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: { getTypeParser: typeParser as never },
    options: `-c search_path=${ident(schema)},public`,
  });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  return {
    driver: "pg",
    schema,
    query: runner(pool),
    exec: async (sql) => {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect();
        try {
          await client.query(
            `BEGIN ISOLATION LEVEL ${(options.isolation ?? "read committed").toUpperCase()}`,
          );
          const out = await fn(transactionDb("pg", schema, runner(client), (sql) => client.query(sql)));
          await client.query("COMMIT");
          return out;
        } catch (err) {
          await client.query("ROLLBACK").catch(() => {});
          if (attempt >= MAX_ATTEMPTS || !RETRYABLE_SQLSTATES.has(sqlState(err) ?? "")) throw err;
        } finally {
          client.release();
        }
        // Jittered backoff, so the transactions that collided do not collide again in lockstep.
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    },
    close: () => pool.end(),
  };
}
