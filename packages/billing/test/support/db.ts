import { randomBytes } from "node:crypto";
import { type Db, openDb } from "@hrdkit/billing";

export interface Driver {
  name: "pglite" | "pg";
  /** A fresh, migrated database: PGlite in memory, or a new schema on the PostgreSQL server. */
  open: () => Promise<Db>;
  /** Drops what `open` made. */
  dispose: (db: Db) => Promise<void>;
}

/**
 * The drivers the billing suite runs on: PGlite always; a PostgreSQL server too when
 * DATABASE_URL is set (as .ci/run does). Each test file uses its own schema on the server.
 */
export function drivers(): Driver[] {
  const list: Driver[] = [
    {
      name: "pglite",
      open: () => openDb({ url: "" }),
      dispose: (db) => db.close(),
    },
  ];
  const url = process.env.DATABASE_URL;
  if (url) {
    list.push({
      name: "pg",
      open: () => openDb({ url, schema: `t_${randomBytes(6).toString("hex")}` }),
      dispose: async (db) => {
        await db.query(`DROP SCHEMA "${db.schema}" CASCADE`);
        await db.close();
      },
    });
  }
  return list;
}
