/**
 * The bridge's background jobs against its embedded sandbox, each run with runJobOnce for
 * determinism: the lease (one of several instances runs a job), the poll queue stored once, the
 * domain sync that writes only what HRD changed, followed actions, and the dashboard over HTTP.
 */
import {
  type Bridge,
  BridgeClient,
  type BridgeJob,
  createKey,
  eventsAfter,
  knownDomain,
  migrateJobs,
  runJobOnce,
  startJobs,
  trackAction,
  trackedAction,
} from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hrdPerson, startTestBridge } from "./support/bridge.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const newUser = hrdPerson;

async function register(bridge: Bridge, name: string, user: number): Promise<number> {
  const { actionId } = await bridge.ctx.hrd.domain.create({
    name,
    user,
    period: 1,
    ns: ["ns1.hrd.pl", "ns2.hrd.pl"],
  });
  await bridge.ctx.hrd.waitForAction(actionId, { intervalMs: 20, timeoutMs: 10_000 });
  return actionId;
}

const start = async () => (await startTestBridge()).bridge;

describe("background jobs (embedded sandbox)", () => {
  let bridge: Bridge;
  let user: number;

  beforeAll(async () => {
    bridge = await start();
    await migrateJobs(bridge.db); // until migrateBridge applies JOBS_MIGRATIONS itself
    user = await newUser(bridge);
  }, 60_000);
  afterAll(() => bridge?.close());

  it("of two runners racing for one job, one runs; a crashed holder's lease expires", async () => {
    let runs = 0;
    const slow: BridgeJob = {
      name: "race",
      intervalMs: 1_000,
      async run() {
        runs++;
        await sleep(50);
        return { ok: 1 };
      },
    };
    const now = new Date();
    const [a, b] = await Promise.all([
      runJobOnce(bridge.ctx, "race", now, { jobs: [slow], owner: "instance-a" }),
      runJobOnce(bridge.ctx, "race", now, { jobs: [slow], owner: "instance-b" }),
    ]);
    expect([a.ran, b.ran].sort()).toEqual([false, true]);
    expect(runs).toBe(1);
    const { rows } = await bridge.db.query<{
      lease_owner: string | null;
      last_result: unknown;
      last_started_at: Date;
      last_finished_at: Date;
      next_run_at: Date;
    }>("SELECT * FROM bridge_jobs WHERE name = 'race'");
    const row = rows[0]!;
    expect(row.lease_owner).toBeNull(); // released
    expect(row.last_result).toEqual({ ok: 1 });
    expect(new Date(row.last_finished_at).getTime()).toBeGreaterThanOrEqual(now.getTime());
    expect(new Date(row.next_run_at).getTime() - new Date(row.last_finished_at).getTime()).toBe(1_000);

    // An instance that claimed it and died: nobody runs it until its lease has expired.
    await bridge.db.query(
      "UPDATE bridge_jobs SET lease_owner = 'crashed', lease_until = $1 WHERE name = 'race'",
      [new Date(now.getTime() + 60_000)],
    );
    const during = await runJobOnce(bridge.ctx, "race", new Date(now.getTime() + 30_000), {
      jobs: [slow],
      owner: "instance-b",
    });
    expect(during.ran).toBe(false);
    const after = await runJobOnce(bridge.ctx, "race", new Date(now.getTime() + 61_000), {
      jobs: [slow],
      owner: "instance-b",
    });
    expect(after.ran).toBe(true);
    expect(runs).toBe(2);
  });

  it("records a failing run's error and runs again sooner", async () => {
    const failing: BridgeJob = {
      name: "failing",
      intervalMs: 3_600_000,
      retryMs: 5_000,
      async run() {
        throw Object.assign(new Error("HRD is down"), { code: "connection" });
      },
    };
    const now = new Date();
    const r = await runJobOnce(bridge.ctx, "failing", now, { jobs: [failing] });
    expect(r).toMatchObject({ ran: true, error: { code: "connection", message: "HRD is down" } });
    const { rows } = await bridge.db.query<{
      last_result: unknown;
      next_run_at: Date;
      last_finished_at: Date;
    }>("SELECT last_result, next_run_at, last_finished_at FROM bridge_jobs WHERE name = 'failing'");
    expect(rows[0]!.last_result).toEqual({ error: { code: "connection", message: "HRD is down" } });
    expect(new Date(rows[0]!.next_run_at).getTime() - new Date(rows[0]!.last_finished_at).getTime()).toBe(
      5_000,
    );
  });

  it("startJobs runs due jobs on its ticker and stops cleanly on close", async () => {
    let runs = 0;
    const quick: BridgeJob = {
      name: "ticker",
      intervalMs: 60_000,
      async run() {
        runs++;
        return { runs };
      },
    };
    const a = startJobs(bridge.ctx, { jobs: [quick], owner: "ticker-a", tickMs: 10 });
    const b = startJobs(bridge.ctx, { jobs: [quick], owner: "ticker-b", tickMs: 10 });
    await sleep(200);
    await Promise.all([a.close(), b.close()]);
    expect(runs).toBe(1); // due once; the next run is a minute away, whichever instance asks
    const { rows } = await bridge.db.query<{ lease_owner: string | null }>(
      "SELECT lease_owner FROM bridge_jobs WHERE name = 'ticker'",
    );
    expect(rows[0]!.lease_owner).toBeNull();
  });

  it("poll stores the sandbox's queue after a registration, acknowledges it, and never stores twice", async () => {
    const actionId = await register(bridge, "zdarzenia-poll.pl", user);
    expect(bridge.sandbox!.state.poll.length).toBeGreaterThan(0);
    const first = await runJobOnce(bridge.ctx, "poll");
    expect(first.ran).toBe(true);
    expect(first.result).toMatchObject({ stored: expect.any(Number), duplicates: 0 });
    expect(first.result!.stored).toBeGreaterThan(0);
    expect(bridge.sandbox!.state.poll).toHaveLength(0); // acknowledged
    const events = await eventsAfter(bridge.ctx);
    expect(events.some((e) => e.objectName === "zdarzenia-poll.pl")).toBe(true);
    expect(await bridge.ctx.hrd.action.info({ id: actionId })).toMatchObject({ status: "done" });

    const again = await runJobOnce(bridge.ctx, "poll");
    expect(again.result).toMatchObject({ received: 0, stored: 0 });
    const { rows } = await bridge.db.query<{ n: number }>("SELECT count(*)::int AS n FROM bridge_events");
    expect(rows[0]!.n).toBe(events.length);
  });

  it("poll stores a message delivered again (crash between store and ack) once", async () => {
    await register(bridge, "powtorka-poll.pl", user);
    const head = await bridge.ctx.hrd.poll.get();
    expect(head).not.toBeNull();
    // A previous run stored it, then crashed before the ack.
    await bridge.db.query(
      "INSERT INTO bridge_events (id, object, object_name, object_id, action, added) VALUES ($1, $2, $3, $4, $5, $6)",
      [head!.id, head!.object, head!.objectName ?? null, head!.objectId ?? null, head!.action, head!.added],
    );
    const r = await runJobOnce(bridge.ctx, "poll");
    expect(r.result).toMatchObject({ duplicates: 1 });
    expect(bridge.sandbox!.state.poll).toHaveLength(0);
    const { rows } = await bridge.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM bridge_events WHERE id = $1",
      [head!.id],
    );
    expect(rows[0]!.n).toBe(1);
  });

  it("actions follows a tracked action until it is done", async () => {
    bridge.sandbox!.state.actionDelayMs = 60_000;
    try {
      const { actionId } = await bridge.ctx.hrd.domain.create({
        name: "sledzona-akcja.pl",
        user,
        period: 1,
        ns: ["ns1.hrd.pl", "ns2.hrd.pl"],
      });
      expect(await trackAction(bridge.db, actionId, "sledzona-akcja.pl", "domain.register")).toBe(true);
      expect(await trackAction(bridge.db, actionId, "sledzona-akcja.pl", "domain.register")).toBe(false);
      const pending = await runJobOnce(bridge.ctx, "actions");
      expect(pending.result).toMatchObject({ checked: 1, pending: 1 });
      expect(await trackedAction(bridge.db, actionId)).toMatchObject({ status: "pending" });
      bridge.sandbox!.clock.advance(61_000);
      const done = await runJobOnce(bridge.ctx, "actions");
      expect(done.result).toMatchObject({ checked: 1, done: 1 });
      expect(await trackedAction(bridge.db, actionId)).toMatchObject({
        status: "done",
        hrdStatus: "done",
        domain: "sledzona-akcja.pl",
      });
      const idle = await runJobOnce(bridge.ctx, "actions");
      expect(idle.result).toMatchObject({ checked: 0 });
    } finally {
      bridge.sandbox!.state.actionDelayMs = 0;
    }
  });

  it("the dashboard over HTTP shows the balance, the jobs and HRD's latest notices", async () => {
    const key = await createKey(bridge.db, "dashboard");
    const client = new BridgeClient({ url: bridge.url, key: key.key });
    const r = await client.call<{
      backend: string;
      balance: { balance: string; held: string };
      jobs: { name: string; lastFinishedAt: string | null; lastResult: unknown; running: boolean }[];
      news: { id: number; title: string; added: string }[];
    }>("GET", "/v1/dashboard");
    expect(r.body.backend).toBe("sandbox");
    expect(r.body.balance.balance).toMatch(/^\d+\.\d{2}$/);
    expect(r.body.balance.held).toMatch(/^\d+\.\d{2}$/);
    const names = r.body.jobs.map((j) => j.name);
    expect(names.slice(0, 3)).toEqual(["poll", "sync", "actions"]);
    const poll = r.body.jobs.find((j) => j.name === "poll")!;
    expect(poll.lastFinishedAt).not.toBeNull();
    expect(poll.lastResult).toMatchObject({ received: expect.any(Number) });
    expect(poll.running).toBe(false);
    expect(r.body.news.length).toBeGreaterThan(0);
    expect(r.body.news.length).toBeLessThanOrEqual(5);
    expect(r.body.news[0]!.title).toBe("Przypomnienie o odnowieniach domen przed końcem roku");
    const spec = (await (await fetch(`${bridge.url}/docs/json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(spec.paths)).toContain("/v1/dashboard");
    // Unsigned: refused like every other route.
    expect((await fetch(`${bridge.url}/v1/dashboard`)).status).toBe(401);
  });
});

describe("domain sync (embedded sandbox)", () => {
  let bridge: Bridge;

  beforeAll(async () => {
    bridge = await start();
    await migrateJobs(bridge.db);
    const user = await newUser(bridge);
    await register(bridge, "synchronizacja-a.pl", user);
    await register(bridge, "synchronizacja-b.pl", user);
  }, 60_000);
  afterAll(() => bridge?.close());

  it("fills the table, then writes nothing when HRD has nothing new, then follows an expiry", async () => {
    const first = await runJobOnce(bridge.ctx, "sync");
    expect(first.result).toMatchObject({ listed: 2, inserted: 2, updated: 0, failed: 0 });
    const a = await knownDomain(bridge.ctx, "synchronizacja-a.pl");
    expect(a).toMatchObject({ status: "registered", hrdUserId: expect.any(Number) });
    const info = await bridge.ctx.hrd.domain.info({ name: "synchronizacja-a.pl" });
    expect(a!.expiresOn).toBe(info.exDate!.slice(0, 10));

    const second = await runJobOnce(bridge.ctx, "sync", new Date(Date.now() + 60_000));
    expect(second.result).toMatchObject({ listed: 2, inserted: 0, updated: 0, unchanged: 2 });
    expect((await knownDomain(bridge.ctx, "synchronizacja-a.pl"))!.updatedAt).toBe(a!.updatedAt);

    bridge.sandbox!.clock.advanceDays(400);
    const third = await runJobOnce(bridge.ctx, "sync", new Date(Date.now() + 120_000));
    expect(third.result).toMatchObject({ updated: 2, unchanged: 0 });
    const expired = await knownDomain(bridge.ctx, "synchronizacja-a.pl");
    expect(expired!.status).toBe("expired");
    expect(expired!.updatedAt).not.toBe(a!.updatedAt);
  });

  it("marks a known domain HRD no longer answers for", async () => {
    bridge.sandbox!.state.domains.delete("synchronizacja-b.pl");
    const r = await runJobOnce(bridge.ctx, "sync", new Date(Date.now() + 180_000));
    expect(r.result).toMatchObject({ listed: 1, gone: 1 });
    expect((await knownDomain(bridge.ctx, "synchronizacja-b.pl"))!.status).toBe("notInAccount");
    const again = await runJobOnce(bridge.ctx, "sync", new Date(Date.now() + 240_000));
    expect(again.result).toMatchObject({ gone: 0, updated: 0, inserted: 0 });
  });
});
