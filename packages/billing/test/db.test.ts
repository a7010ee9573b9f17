import { randomBytes } from "node:crypto";
import { type Db, MIGRATIONS, migrate, openDb } from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "./support/db.js";

describe.each(drivers())("storage on $name", (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await driver.open();
    await db.exec("CREATE TABLE probe (id serial PRIMARY KEY, n int8 NOT NULL, d date, label text UNIQUE)");
  });
  afterAll(() => driver.dispose(db));

  it("records the migrations it applied and applies nothing the second time", async () => {
    const { rows } = await db.query<{ id: string }>("SELECT id FROM schema_migrations ORDER BY id");
    expect(rows.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
    const again = await migrate(db);
    expect(again).toEqual({ applied: [], alreadyApplied: MIGRATIONS.map((m) => m.id) });
  });

  it("refuses an applied migration whose text was edited", async () => {
    const edited = MIGRATIONS.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql} -- edited` } : m));
    await expect(migrate(db, edited)).rejects.toThrow(/0001-settings was changed after it was applied/);
  });

  it("applies a new migration once, even when two runs race", async () => {
    const next = [...MIGRATIONS, { id: "9999-race", sql: "CREATE TABLE race (id int PRIMARY KEY);" }];
    const [a, b] = await Promise.all([migrate(db, next), migrate(db, next)]);
    expect([...a.applied, ...b.applied]).toEqual(["9999-race"]);
    await db.exec("DROP TABLE race; DELETE FROM schema_migrations WHERE id = '9999-race';");
  });

  it("gives int8 as numbers and dates as YYYY-MM-DD text, the same on both drivers", async () => {
    await db.query("INSERT INTO probe (n, d, label) VALUES ($1, $2, 'types')", [
      9_007_199_254_740_991,
      "2026-11-27",
    ]);
    const { rows } = await db.query<{ n: number; d: string }>("SELECT n, d FROM probe WHERE label = 'types'");
    expect(rows[0]).toEqual({ n: 9_007_199_254_740_991, d: "2026-11-27" });
  });

  it("rolls a transaction back when it throws, and a failed savepoint without losing the rest", async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO probe (n, label) VALUES (1, 'rolled-back')");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    await db.transaction(async (tx) => {
      await tx.query("INSERT INTO probe (n, label) VALUES (2, 'kept')");
      await tx
        .transaction(async (inner) => {
          await inner.query("INSERT INTO probe (n, label) VALUES (3, 'kept')"); // unique violation
        })
        .catch(() => undefined);
      await tx.query("INSERT INTO probe (n, label) VALUES (4, 'also-kept')");
    });
    const { rows } = await db.query<{ label: string }>(
      "SELECT label FROM probe WHERE label IN ('rolled-back', 'kept', 'also-kept') ORDER BY n",
    );
    expect(rows.map((r) => r.label)).toEqual(["kept", "also-kept"]);
  });

  it("serialises concurrent read-modify-write transactions without losing an update", async () => {
    await db.query("INSERT INTO probe (n, label) VALUES (0, 'counter')");
    await Promise.all(
      Array.from({ length: 8 }, () =>
        db.transaction(
          async (tx) => {
            const { rows } = await tx.query<{ n: number }>("SELECT n FROM probe WHERE label = 'counter'");
            await tx.query("UPDATE probe SET n = $1 WHERE label = 'counter'", [rows[0]!.n + 1]);
          },
          { isolation: "serializable" },
        ),
      ),
    );
    const { rows } = await db.query<{ n: number }>("SELECT n FROM probe WHERE label = 'counter'");
    expect(rows[0]!.n).toBe(8);
  });
});

describe("opening", () => {
  it("refuses a schema name that is not a plain identifier", async () => {
    await expect(openDb({ url: "", schema: "x; DROP TABLE y" })).rejects.toThrow(
      /must be a lowercase SQL identifier/,
    );
  });

  it.runIf(process.env.DATABASE_URL)("migrates from two processes' worth of pools at once", async () => {
    const schema = `t_${randomBytes(6).toString("hex")}`;
    const url = process.env.DATABASE_URL!;
    const [a, b] = await Promise.all([openDb({ url, schema }), openDb({ url, schema })]);
    const { rows } = await a.query<{ c: number }>("SELECT count(*)::int8 AS c FROM schema_migrations");
    expect(rows[0]!.c).toBe(MIGRATIONS.length);
    await a.query(`DROP SCHEMA "${schema}" CASCADE`);
    await Promise.all([a.close(), b.close()]);
  });

  it("keeps PGlite data in its folder across reopening", async () => {
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const dir = await mkdtemp(`${tmpdir()}/hrdkit-pglite-`);
    try {
      const data = `${dir}/not/yet/there`; // folders above it are made too
      const first = await openDb({ url: "", dataDir: data });
      await first.query("INSERT INTO settings (key, value) VALUES ('k', '\"v\"')");
      await first.close();
      const second = await openDb({ url: "", dataDir: data });
      const { rows } = await second.query<{ value: string }>("SELECT value FROM settings WHERE key = 'k'");
      expect(rows[0]!.value).toBe("v");
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
