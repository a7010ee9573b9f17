/**
 * Two bridges on one PostgreSQL database, their jobs ticking every 25 ms and due every few hundred
 * ms: the renewal run, the reminders and the statement folder run over and over on both, and each
 * due run happens once — one instance runs it, the other finds it taken or not due. What a user
 * would notice is checked: each proforma made once, the statement imported once, each event
 * published once, and `bridge_job_runs` shows one owner per run and no two runs of a job at once.
 *
 * PostgreSQL only (two instances cannot share a PGlite folder): skipped without DATABASE_URL,
 * which .ci/run sets. The database is a throwaway one made for this file.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDb } from "@hrdkit/billing";
import { type Bridge, BridgeClient, createKey, startBridge } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventsOf, mt940Statement, seedBilling } from "./scheduled-fixtures.js";
import { onServer } from "./support/backends.js";

const URL_ = process.env.DATABASE_URL;
const BASE = new Date("2026-06-10T08:00:00Z"); // 10:00 in Warsaw
const TODAY = "2026-06-10";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
    await sleep(50);
  }
}

const title = URL_
  ? "two bridges on one PostgreSQL database run each scheduled run once"
  : "two bridges on one PostgreSQL database (skipped: set DATABASE_URL to a PostgreSQL server, as .ci/run does)";

describe.skipIf(!URL_)(title, () => {
  const name = `hk_sched_${randomBytes(6).toString("hex")}`;
  let dbUrl: string;
  let dir: string;
  let a: Bridge;
  let b: Bridge;
  const logs: string[] = [];

  beforeAll(async () => {
    await onServer(URL_!, `CREATE DATABASE ${name}`);
    const u = new URL(URL_!);
    u.pathname = `/${name}`;
    dbUrl = u.toString();
    dir = await mkdtemp(path.join(tmpdir(), "hrdkit-wyciagi-"));
    // Billing's data first (as an installation has it), then both bridges at once.
    const db = await openDb({ url: dbUrl });
    try {
      await seedBilling(db, TODAY);
    } finally {
      await db.close();
    }
    const t0 = Date.now();
    const now = () => new Date(BASE.getTime() + (Date.now() - t0));
    const start = () =>
      startBridge({
        now,
        config: {
          port: 0,
          hrd: undefined,
          databaseUrl: dbUrl,
          dataDir: undefined,
          jobs: {
            tickMs: 25,
            leaseMs: 10_000,
            statementsDir: dir,
            statementsSettleMs: 300,
            every: { renewals: 400, reminders: 300, statements: 150 },
            log: (line) => logs.push(line),
          },
        },
      });
    [a, b] = await Promise.all([start(), start()]);
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([a?.close(), b?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
    if (URL_) await onServer(URL_, `DROP DATABASE IF EXISTS ${name}`);
  }, 60_000);

  it("makes each proforma, imports the statement and publishes each event once", async () => {
    const db = a.db;
    const proformas = await until(
      "the renewal run's five proformas",
      async () =>
        (
          await db.query<{ id: number; number: string; gross: number; service: number }>(
            `SELECT p.id, p.number, p.gross, l.customer_service_id AS service FROM proformas p
             JOIN proforma_lines l ON l.proforma_id = p.id WHERE p.origin = 'renewal' ORDER BY p.id`,
          )
        ).rows,
      (rows) => rows.length >= 5,
    );

    // A bank connector drops a statement paying two of them (written elsewhere, then moved in).
    const [p1, p2] = proformas;
    const statement = mt940Statement(TODAY, 161, [
      {
        grosze: Number(p1!.gross),
        title: `Zapłata za ${p1!.number}`,
        payer: "SKLEP ANI SP. Z O.O.",
        reference: "260610000001",
      },
      {
        grosze: Number(p2!.gross),
        title: `Proforma ${p2!.number} domena`,
        payer: "SKLEP ANI SP. Z O.O.",
        reference: "260610000002",
      },
    ]);
    const staging = path.join(dir, "..", `${path.basename(dir)}-wyciag.sta`);
    await writeFile(staging, statement);
    await rename(staging, path.join(dir, "wyciag-2026-06-10.sta"));
    await until(
      "the statement in processed/",
      async () => (await readdir(path.join(dir, "processed")).catch(() => [])) as string[],
      (files) => files.length > 0,
    );
    // Let both instances go round several more times.
    await sleep(2_500);
    await Promise.all([a.close(), b.close()]);
    const check = await openDb({ url: dbUrl });
    try {
      const count = async (sql: string) => Number((await check.query<{ n: number }>(sql)).rows[0]!.n);

      // Each service's term got one proforma, each published once.
      expect(await count("SELECT count(*) AS n FROM proformas WHERE origin = 'renewal'")).toBe(5);
      expect(
        await count(
          `SELECT count(*) AS n FROM (SELECT l.customer_service_id FROM proforma_lines l
             JOIN proformas p ON p.id = l.proforma_id WHERE p.origin = 'renewal'
             GROUP BY 1 HAVING count(*) > 1) twice`,
        ),
      ).toBe(0);
      const issued = await eventsOf(check, "proforma.issued");
      expect(issued.map((e) => e.proformaId).sort()).toEqual(proformas.map((p) => p.id).sort());

      // The statement: imported once, moved once, each payment published once.
      expect(await count("SELECT count(*) AS n FROM bank_statements")).toBe(1);
      expect(await count("SELECT count(*) AS n FROM payments")).toBe(2);
      expect(await readdir(path.join(dir, "processed"))).toEqual(["wyciag-2026-06-10.sta"]);
      expect(await readdir(path.join(dir, "failed"))).toEqual([]);
      expect((await readdir(dir)).sort()).toEqual(["failed", "processed"]);
      const matched = await eventsOf(check, "payment.matched");
      expect(matched.map((e) => e.proformaNumber).sort()).toEqual([p1!.number, p2!.number].sort());
      expect(matched.every((e) => e.paid === true)).toBe(true);

      // Reminders: one per service and threshold, one domain.expired.
      const due = await eventsOf(check, "renewal.due");
      expect(due.map((e) => `${e.name}:${e.threshold}`).sort()).toEqual(
        [
          "kwiaciarnia-ewy.pl:7",
          "piekarnia-zofii.pl:30",
          "sklep-ani.pl:30",
          "warsztat-jana.pl:14",
          "zegarmistrz.pl:1",
        ].sort(),
      );
      expect((await eventsOf(check, "domain.expired")).map((e) => e.domain)).toEqual(["wygasla-wczoraj.pl"]);

      // The runs: many of each job, by both instances, one owner per run, never two at once.
      const { rows: runs } = await check.query<{
        job: string;
        owner: string;
        due_at: Date | null;
        started_at: Date;
        finished_at: Date | null;
        outcome: string | null;
      }>(
        "SELECT job, owner, due_at, started_at, finished_at, outcome FROM bridge_job_runs ORDER BY job, started_at",
      );
      const owners = new Set(runs.map((r) => r.owner));
      expect(owners.size).toBe(2);
      for (const job of ["renewals", "reminders", "statements"]) {
        const mine = runs.filter((r) => r.job === job);
        expect(mine.length, `${job} ran more than once`).toBeGreaterThan(3);
        expect(mine.every((r) => r.outcome === "ok" || r.outcome === "interrupted")).toBe(true);
        const dues = mine.filter((r) => r.due_at !== null).map((r) => new Date(r.due_at!).getTime());
        expect(new Set(dues).size, `${job}: a due time served twice`).toBe(dues.length);
        expect(mine.filter((r) => r.due_at === null).length).toBeLessThanOrEqual(1);
        for (let i = 1; i < mine.length; i++) {
          expect(new Date(mine[i]!.started_at).getTime()).toBeGreaterThanOrEqual(
            new Date(mine[i - 1]!.finished_at!).getTime(),
          );
        }
      }
      expect(await count("SELECT count(*) AS n FROM bridge_jobs WHERE lease_owner IS NOT NULL")).toBe(0);
      expect(logs).toContain("renewals: renewal run for 2026-06-10 started");
    } finally {
      await check.close();
    }
  }, 120_000);

  it("shows the jobs of the settings on the dashboard", async () => {
    // A third bridge on the same database, jobs off, reads what the two recorded.
    const c = await startBridge({
      config: {
        port: 0,
        hrd: undefined,
        databaseUrl: dbUrl,
        dataDir: undefined,
        jobs: { statementsDir: dir },
      },
      jobs: false,
    });
    try {
      const key = await createKey(c.db, "dashboard");
      const client = new BridgeClient({ url: c.url, key: key.key });
      const jobs = (
        await client.call<{
          jobs: { name: string; lastOwner: string | null; lastFinishedAt: string | null }[];
        }>("GET", "/v1/dashboard")
      ).body.jobs;
      expect(jobs.map((j) => j.name)).toEqual(
        expect.arrayContaining(["poll", "sync", "actions", "renewals", "reminders", "statements"]),
      );
      for (const j of jobs.filter((x) => ["renewals", "reminders", "statements"].includes(x.name))) {
        expect(j.lastFinishedAt).not.toBeNull();
        expect(j.lastOwner).not.toBeNull();
      }
    } finally {
      await c.close();
    }
  }, 60_000);
});
