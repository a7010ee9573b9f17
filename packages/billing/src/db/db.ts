/**
 * The one storage interface billing code talks to. Two drivers implement it with the same SQL
 * (PostgreSQL dialect): a PostgreSQL server through `pg` when a URL is given, PGlite (PostgreSQL
 * in WASM, in a local folder or in memory) when not.
 */
export type Row = Record<string, unknown>;

export interface QueryResult<R = Row> {
  rows: R[];
  /** Rows inserted, updated or deleted (or returned, for a SELECT). */
  rowCount: number;
}

export interface TransactionOptions {
  /** Default `read committed`. Serializable transactions are retried on serialization failures. */
  isolation?: "read committed" | "repeatable read" | "serializable";
}

export interface Db {
  readonly driver: "pg" | "pglite";
  /** The PostgreSQL schema every table lives in. */
  readonly schema: string;
  query<R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements (no parameters): migrations. */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. Inside,
   * `tx.transaction` makes a savepoint. A transaction that loses a serialization conflict or a
   * deadlock is run again from the start (up to 10 times, with jittered backoff), so `fn` must not have side effects
   * outside the database.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** `postgres://…`: use that server. Default: `process.env.DATABASE_URL`, else PGlite. */
  url?: string;
  /** PGlite's data folder (created if missing). Default: in memory. Ignored with a URL. */
  dataDir?: string;
  /** Schema of hrdkit's tables. Default `hrdkit`. */
  schema?: string;
  /** Connections of the pg pool. Default 10. */
  poolSize?: number;
}

export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Quotes an identifier we made ourselves (schema names are validated against SCHEMA_NAME). */
export function ident(name: string): string {
  if (!SCHEMA_NAME.test(name)) throw new RangeError(`not a valid schema name: ${name}`);
  return `"${name}"`;
}

/** SQLSTATEs after which a whole transaction may simply be run again. */
export const RETRYABLE_SQLSTATES = new Set(["40001", "40P01"]);

export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

let savepoints = 0;

/**
 * The `Db` seen inside a transaction, for either driver: queries go to the transaction's
 * connection, and a nested `transaction` is a savepoint (rolled back alone when it throws).
 */
export function transactionDb(
  driver: Db["driver"],
  schema: string,
  query: Db["query"],
  exec: (sql: string) => Promise<unknown>,
): Db {
  const self: Db = {
    driver,
    schema,
    query,
    exec: async (sql) => {
      await exec(sql);
    },
    async transaction(fn) {
      const name = `sp_${++savepoints}`;
      await query(`SAVEPOINT ${name}`);
      try {
        const out = await fn(self);
        await query(`RELEASE SAVEPOINT ${name}`);
        return out;
      } catch (err) {
        await query(`ROLLBACK TO SAVEPOINT ${name}`);
        throw err;
      }
    },
    // The transaction's owner ends it; closing a transaction handle does nothing.
    close: async () => {},
  };
  return self;
}
