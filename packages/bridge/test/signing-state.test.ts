/**
 * The signature check's state off the database's path: cached signing keys (revocation in this
 * process at once, from elsewhere within the TTL) and nonces (a replay refused on the same
 * instance, on another instance sharing PostgreSQL, and after a PGlite restart).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Db, openDb } from "@hrdkit/billing";
import { BridgeClient, createKey, migrateBridge, revokeKey, startBridge } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SigningState } from "../src/signing-state.js";
import { failure } from "./support/bridge.js";

const WINDOW = 5 * 60_000;
const nonce = (n: number) => `nonce-${String(n).padStart(12, "0")}`;

async function openMigrated(url: string | undefined, dataDir?: string): Promise<Db> {
  const db = await openDb(
    url ? { url, schema: `t_sign_${process.pid}_${Date.now() % 1e6}` } : { url: "", dataDir },
  );
  await migrateBridge(db);
  return db;
}

describe("signing keys are cached, revocation still bites", () => {
  let db: Db;
  beforeAll(async () => {
    db = await openMigrated(undefined);
  });
  afterAll(() => db.close());

  it("serves a key from memory for the TTL; a revocation in this process ends it at once", async () => {
    const { id } = await createKey(db, "cache");
    const state = new SigningState(db, { windowMs: WINDOW, keyTtlMs: 10_000 });
    const t0 = Date.now();
    const key = await state.signingKey(id, t0);
    expect(key).toMatch(/^[0-9a-f]{64}$/);

    // Revoked behind the cache's back (another process: the key command): still served for the TTL…
    await db.query("UPDATE bridge_keys SET revoked_at = now() WHERE id = $1", [id]);
    expect(await state.signingKey(id, t0 + 9_000)).toBe(key);
    // …and refused once it has run out.
    expect(await state.signingKey(id, t0 + 10_001)).toBeUndefined();

    // revokeKey in this process: refused on the very next call, without waiting for the TTL.
    const other = await createKey(db, "cache-2");
    expect(await state.signingKey(other.id, t0)).toMatch(/^[0-9a-f]{64}$/);
    expect(await revokeKey(db, other.id)).toBe(true);
    expect(await state.signingKey(other.id, t0 + 1)).toBeUndefined();
    await state.close();
  });

  it("a key revoked with revokeKey is refused by a running bridge on the next request", async () => {
    const bridge = await startBridge({
      config: { port: 0, hrd: undefined, databaseUrl: undefined, dataDir: undefined },
      jobs: false,
    });
    try {
      const { id, key } = await createKey(bridge.db, "live");
      const client = new BridgeClient({ url: bridge.url, key });
      expect((await client.call("GET", "/v1/billing/customers?limit=1")).status).toBe(200);
      await revokeKey(bridge.db, id);
      const refused = await failure(client.call("GET", "/v1/billing/customers?limit=1"));
      expect(refused.status).toBe(401);
      expect(refused.code).toBe("bad_signature");
    } finally {
      await bridge.close();
    }
  });
});

describe("nonces on PGlite: memory first, written in batches for reads, kept across a restart", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "hrdkit-sign-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("refuses a replayed read and a replayed write, and still refuses both after a restart", async () => {
    const at = new Date();
    let db = await openMigrated(undefined, dir);
    let state = new SigningState(db, { windowMs: WINDOW, flushDelayMs: 10_000 });
    expect(await state.useNonce("k1", nonce(1), at, "GET")).toBe(true);
    expect(await state.useNonce("k1", nonce(1), at, "GET")).toBe(false);
    expect(await state.useNonce("k1", nonce(2), at, "POST")).toBe(true);
    expect(await state.useNonce("k1", nonce(2), at, "POST")).toBe(false);
    // The write's nonce is in the table at once; the read's waits for the batch.
    const before = await db.query<{ nonce: string }>("SELECT nonce FROM bridge_nonces ORDER BY nonce");
    expect(before.rows.map((r) => r.nonce)).toEqual([nonce(2)]);
    await state.close(); // flushes
    await db.close();

    db = await openMigrated(undefined, dir);
    state = new SigningState(db, { windowMs: WINDOW });
    expect(await state.useNonce("k1", nonce(1), at, "GET")).toBe(false);
    expect(await state.useNonce("k1", nonce(2), at, "GET")).toBe(false);
    expect(await state.useNonce("k1", nonce(3), at, "GET")).toBe(true);
    await state.close();
    await db.close();
  });
});

describe.runIf(process.env.DATABASE_URL)("nonces on PostgreSQL: shared by instances", () => {
  let a: Db;
  let b: Db;
  beforeAll(async () => {
    a = await openMigrated(process.env.DATABASE_URL);
    b = await openDb({ url: process.env.DATABASE_URL!, schema: a.schema });
  });
  afterAll(async () => {
    await a.query(`DROP SCHEMA "${a.schema}" CASCADE`);
    await b.close();
    await a.close();
  });

  it("a read replayed to another instance is refused: every nonce goes to the server first", async () => {
    const one = new SigningState(a, { windowMs: WINDOW });
    const two = new SigningState(b, { windowMs: WINDOW });
    const at = new Date();
    expect(await one.useNonce("k1", nonce(10), at, "GET")).toBe(true);
    expect(await two.useNonce("k1", nonce(10), at, "GET")).toBe(false);
    expect(await one.useNonce("k1", nonce(10), at, "GET")).toBe(false);
    // Concurrent first uses on both instances: exactly one wins.
    const both = await Promise.all([
      one.useNonce("k1", nonce(11), at, "POST"),
      two.useNonce("k1", nonce(11), at, "POST"),
    ]);
    expect(both.filter(Boolean)).toHaveLength(1);
    await one.close();
    await two.close();
  });
});
