/**
 * The databases a billing chore's test runs `hrdkit` on: the embedded default (PGlite in a
 * temporary HRDKIT_DATA_DIR) always; with DATABASE_URL in the test's environment also a
 * PostgreSQL server, in a database made for that one test (the bridge's tables have no schema
 * option, and what a test writes — document numbers, imports — must not meet another's).
 *
 * PGlite is single-process: seed through `open()`, close that Db, then run the command.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Db, openDb } from "@hrdkit/billing";

export interface TestDatabase {
  name: "PGlite" | "PostgreSQL";
  /** A temporary folder of the test's own (files to import, files written); removed by dispose. */
  dir: string;
  /** What points `hrdkit` at it: HRDKIT_DATA_DIR or DATABASE_URL. */
  env: Record<string, string>;
  /** A connection for seeding and checking (migrated by billing); close it before `hrdkit` runs. */
  open: () => Promise<Db>;
  dispose: () => Promise<void>;
}

export interface DatabaseKind {
  name: "PGlite" | "PostgreSQL";
  /** A new, empty database of this kind. */
  make: () => Promise<TestDatabase>;
}

/** Runs one statement on the server outside every test database (a throwaway schema). */
async function onServer(url: string, sql: string): Promise<void> {
  const admin = await openDb({ url, schema: `t_${randomBytes(6).toString("hex")}` });
  try {
    await admin.query(sql);
  } finally {
    await admin.query(`DROP SCHEMA "${admin.schema}" CASCADE`).catch(() => undefined);
    await admin.close();
  }
}

/** PGlite, and PostgreSQL when DATABASE_URL is set: for `describe.each(databaseKinds(…))("… on $name")`. */
export function databaseKinds(prefix: string): DatabaseKind[] {
  const kinds: DatabaseKind[] = [
    {
      name: "PGlite",
      make: async () => {
        const dir = mkdtempSync(join(tmpdir(), `hrdkit-cli-${prefix}-`));
        const dataDir = join(dir, "bridge");
        return {
          name: "PGlite",
          dir,
          env: { HRDKIT_DATA_DIR: dataDir },
          open: () => openDb({ url: "", dataDir }),
          dispose: async () => rmSync(dir, { recursive: true, force: true }),
        };
      },
    },
  ];
  const url = process.env.DATABASE_URL;
  if (url) {
    kinds.push({
      name: "PostgreSQL",
      make: async () => {
        const name = `hk_cli_${prefix}_${randomBytes(6).toString("hex")}`;
        const dbUrl = new URL(url);
        dbUrl.pathname = `/${name}`;
        await onServer(url, `CREATE DATABASE ${name}`);
        const dir = mkdtempSync(join(tmpdir(), `hrdkit-cli-${prefix}-`));
        return {
          name: "PostgreSQL",
          dir,
          env: { DATABASE_URL: dbUrl.toString() },
          open: () => openDb({ url: dbUrl.toString() }),
          dispose: async () => {
            rmSync(dir, { recursive: true, force: true });
            // FORCE: a connection a failed test left open must not keep the database on the server.
            await onServer(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          },
        };
      },
    });
  }
  return kinds;
}

/** Opens the database, runs `fn`, closes it (always): PGlite must be closed before `hrdkit` opens it. */
export async function withDb<T>(database: TestDatabase, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await database.open();
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
