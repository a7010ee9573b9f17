import { createHash } from "node:crypto";
import { type Db, ident } from "./db.js";
import { MIGRATIONS, type Migration } from "./migrations.js";

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

const checksum = (m: Migration) => createHash("sha256").update(m.sql).digest("hex");

/**
 * Applies the migrations not yet recorded, in order, each in the same transaction as its record.
 * A transaction-scoped advisory lock per schema makes a second process wait and then find the work
 * done. An applied migration whose text has changed since is refused: migrations are append-only.
 */
export async function migrate(
  db: Db,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationReport> {
  const s = ident(db.schema);
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`hrdkit-migrate:${db.schema}`]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
         id text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await tx.query<{ id: string; checksum: string }>(
      `SELECT id, checksum FROM ${s}.schema_migrations`,
    );
    const done = new Map(rows.map((r) => [r.id, r.checksum]));
    const report: MigrationReport = { applied: [], alreadyApplied: [] };
    for (const m of migrations) {
      const sum = checksum(m);
      const recorded = done.get(m.id);
      if (recorded !== undefined) {
        if (recorded !== sum) {
          throw new Error(
            `migration ${m.id} was changed after it was applied; add a new migration instead of editing it`,
          );
        }
        report.alreadyApplied.push(m.id);
        continue;
      }
      await tx.query(`SET LOCAL search_path TO ${s}, public`);
      await tx.exec(m.sql);
      await tx.query(`INSERT INTO ${s}.schema_migrations (id, checksum) VALUES ($1, $2)`, [m.id, sum]);
      report.applied.push(m.id);
    }
    return report;
  });
}
