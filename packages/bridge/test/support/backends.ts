/**
 * The databases a bridge test runs on: PGlite always; with DATABASE_URL (as .ci/run sets) also a
 * PostgreSQL server, in a database made for the test file. The bridge has no schema option, and
 * what a file writes (catalog seeds, document numbers, counts, the audit log) must not meet
 * another file's or another run's.
 */
import { randomBytes } from "node:crypto";
import { type Db, openDb } from "@hrdkit/billing";
import type { Bridge, BridgeClient, BridgeConfig } from "@hrdkit/bridge";
import { startTestBridge } from "./bridge.js";

/** Runs one statement outside any database a test uses (a throwaway schema on the server). */
export async function onServer(url: string, sql: string): Promise<void> {
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = await openDb({ url, schema });
  try {
    await admin.query(sql);
  } finally {
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
    await admin.close();
  }
}

/** Where a test's bridge keeps its data; `databaseUrl` absent means in-memory PGlite. */
export interface ServerDatabase {
  name: "PGlite" | "PostgreSQL";
  databaseUrl?: string;
  /** Makes the database (nothing to do for PGlite). */
  create: () => Promise<void>;
  /** Drops it, closing whatever connections are still open to it. */
  dispose: () => Promise<void>;
}

/**
 * PGlite, and with DATABASE_URL a PostgreSQL database `hk_<prefix>_<random>` on that server, made
 * by `create` and dropped by `dispose`: for tests that start their bridge themselves.
 */
export function serverDatabases(prefix: string): ServerDatabase[] {
  const none = async () => undefined;
  const list: ServerDatabase[] = [{ name: "PGlite", create: none, dispose: none }];
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `hk_${prefix}_${randomBytes(6).toString("hex")}`;
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    list.push({
      name: "PostgreSQL",
      databaseUrl: dbUrl.toString(),
      create: () => onServer(url, `CREATE DATABASE ${name}`),
      // FORCE: a pool a failed test left open must not keep the database on the server.
      dispose: () => onServer(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    });
  }
  return list;
}

export interface Backend {
  name: "PGlite" | "PostgreSQL";
  /** A bridge on this backend (no background jobs, its own sandbox) and a client with a new key. */
  start: (config?: Partial<BridgeConfig>) => Promise<{ bridge: Bridge; client: BridgeClient; key: string }>;
  /** A second, separate connection to the same database (another bridge instance), if the backend has one. */
  secondDb?: () => Promise<Db>;
  dispose: () => Promise<void>;
}

/**
 * One backend per `serverDatabases(prefix)` entry, for `describe.each(...)("… on $name")`; the
 * key `start` creates is named `keyName` (default "test").
 */
export function bridgeBackends(prefix: string, options: { keyName?: string } = {}): Backend[] {
  return serverDatabases(prefix).map((database) => {
    const { databaseUrl } = database;
    return {
      name: database.name,
      start: async (config = {}) => {
        await database.create();
        const t = await startTestBridge({ keyName: options.keyName, config: { databaseUrl, ...config } });
        return { bridge: t.bridge, client: t.client, key: t.key.key };
      },
      ...(databaseUrl ? { secondDb: () => openDb({ url: databaseUrl }) } : {}),
      dispose: database.dispose,
    };
  });
}
