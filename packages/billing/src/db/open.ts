import { type Db, ident, type OpenDbOptions, SCHEMA_NAME } from "./db.js";
import { migrate } from "./migrate.js";
import { openPg } from "./pg.js";
import { openPglite } from "./pglite.js";

/**
 * Opens the billing database and brings its schema up to date (migrations are safe to run twice
 * and from two processes at once). With `url` (or `DATABASE_URL`) a PostgreSQL server; without, PGlite.
 */
export async function openDb(options: OpenDbOptions = {}): Promise<Db> {
  const schema = options.schema ?? "hrdkit";
  if (!SCHEMA_NAME.test(schema)) {
    throw new RangeError(`schema "${schema}" must be a lowercase SQL identifier (letters, digits, _)`);
  }
  const url = options.url ?? process.env.DATABASE_URL;
  const db = url ? openPg(url, schema, options.poolSize) : await openPglite(options.dataDir, schema);
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

export { ident };
