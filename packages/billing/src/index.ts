export type { Db, OpenDbOptions, QueryResult, Row, TransactionOptions } from "./db/db.js";
export { type MigrationReport, migrate } from "./db/migrate.js";
export { MIGRATIONS, type Migration } from "./db/migrations.js";
export { openDb } from "./db/open.js";
