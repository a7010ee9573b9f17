/**
 * The scheduled runs on one bridge (PGlite, its embedded sandbox): the daily renewal run and its
 * `proforma.issued` events, the reminder events, the statement folder, the poll's events, the
 * daily schedule in Warsaw time, and what the dashboard shows about runs and failures. Each job is
 * run at a chosen moment (runJobOnce), and run again to show that a second run changes nothing.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { addDays, setSellerSettings } from "@hrdkit/billing";
import {
  type Bridge,
  type BridgeClient,
  type BridgeJob,
  DEFAULT_JOBS,
  loadConfig,
  loadJobsConfig,
  nextDailyAt,
  processOwner,
  runJob,
  runJobOnce,
  startJobs,
  statementsJob,
  transferDirection,
} from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventsOf, mt940Statement, SELLER, type Seeded, seedBilling } from "./scheduled-fixtures.js";
import { hrdPerson, startTestBridge } from "./support/bridge.js";

/** The run's moment: 10:00 in Warsaw (CEST) on 10 June 2026. */
const AT = new Date("2026-06-10T08:00:00Z");
const TODAY = "2026-06-10";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface JobJson {
  name: string;
  schedule: string | null;
  lastFinishedAt: string | null;
  lastResult: Record<string, unknown> | null;
  lastOwner: string | null;
  nextRunAt: string | null;
  running: boolean;
  runningOwner: string | null;
  lastFailure: { at: string; code: string; message: string } | null;
  consecutiveFailures: number;
}

describe("the daily schedule in Warsaw time", () => {
  it("is due at the set hour of Warsaw's clock, summer and winter, and across the DST changes", () => {
    // CEST (UTC+2): 06:00 is 04:00Z; CET (UTC+1): 05:00Z.
    expect(nextDailyAt(new Date("2026-06-10T03:59:59Z"), 6).toISOString()).toBe("2026-06-10T04:00:00.000Z");
    expect(nextDailyAt(new Date("2026-06-10T04:00:00Z"), 6).toISOString()).toBe("2026-06-11T04:00:00.000Z");
    expect(nextDailyAt(new Date("2026-12-10T05:30:00Z"), 6).toISOString()).toBe("2026-12-11T05:00:00.000Z");
    // Summer time starts on Sunday 29 March 2026 and ends on Sunday 25 October 2026.
    expect(nextDailyAt(new Date("2026-03-28T06:00:00Z"), 6).toISOString()).toBe("2026-03-29T04:00:00.000Z");
    expect(nextDailyAt(new Date("2026-10-24T06:00:00Z"), 6).toISOString()).toBe("2026-10-25T05:00:00.000Z");
    // Midnight in Warsaw is still the previous day in UTC.
    expect(nextDailyAt(new Date("2026-06-10T12:00:00Z"), 0).toISOString()).toBe("2026-06-10T22:00:00.000Z");
  });

  it("refuses bad settings naming every bad variable, and reads good ones", () => {
    expect(() =>
      loadJobsConfig({
        HRDKIT_RENEWAL_HOUR: "25",
        HRDKIT_REMINDER_DAYS: "30,dwa",
        HRDKIT_STATEMENTS_CSV: "ing",
        HRDKIT_STATEMENTS_SETTLE_SECONDS: "-1",
      }),
    ).toThrow(
      /HRDKIT_RENEWAL_HOUR=25.*HRDKIT_STATEMENTS_SETTLE_SECONDS=-1.*HRDKIT_REMINDER_DAYS=30,dwa.*HRDKIT_STATEMENTS_CSV=ing/,
    );
    const config = loadConfig(
      {
        HRDKIT_RENEWAL_HOUR: "5",
        HRDKIT_REMINDER_HOUR: "9",
        HRDKIT_REMINDER_DAYS: "7, 30,1",
        HRDKIT_STATEMENTS_DIR: "/srv/wyciagi",
        HRDKIT_STATEMENTS_CSV: "mbank",
        HRDKIT_STATEMENTS_SETTLE_SECONDS: "60",
      },
      false,
    );
    expect(config.jobs).toMatchObject({
      renewalHour: 5,
      reminderHour: 9,
      reminderDays: [30, 7, 1],
      statementsDir: "/srv/wyciagi",
      statementsCsv: "mbank",
      statementsSettleMs: 60_000,
    });
  });
});

describe("scheduled runs on one bridge (PGlite)", () => {
  let bridge: Bridge;
  let client: BridgeClient;
  let seeded: Seeded;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  /** The renewal proformas: id, number, gross (grosze), customer service. */
  let proformas: { id: number; number: string; gross: number; service: number }[] = [];

  const dashboardJobs = async () =>
    (await client.call<{ jobs: JobJson[] }>("GET", "/v1/dashboard")).body.jobs;

  beforeAll(async () => {
    ({ bridge, client } = await startTestBridge());
  }, 60_000);
  afterAll(() => bridge?.close());

  it("a bridge used for domains only (no seller, no services) runs renewals without failing", async () => {
    const quiet = () => undefined;
    const r = await runJobOnce(bridge.ctx, "renewals", AT, { log: quiet });
    expect(r.error).toBeUndefined();
    expect(r.result).toMatchObject({ considered: 0, created: 0 });
    // Once billing has services to renew, missing seller data is a failure the dashboard shows.
    seeded = await seedBilling(bridge.db, TODAY);
    await bridge.db.query("DELETE FROM settings WHERE key = 'seller'");
    const failed = await runJobOnce(bridge.ctx, "renewals", AT, { log: quiet });
    expect(failed.error).toMatchObject({ code: "no_seller" });
    const renewals = (await dashboardJobs()).find((j) => j.name === "renewals")!;
    expect(renewals).toMatchObject({ consecutiveFailures: 1, lastFailure: { code: "no_seller" } });
    await setSellerSettings(bridge.db, SELLER);
  });

  it("the renewal run makes each due proforma once and publishes proforma.issued once per proforma", async () => {
    const first = await runJobOnce(bridge.ctx, "renewals", AT, { log });
    // In the 30-day window: 30, 20, 14, 7 and 1 days; not the one in 45 days nor the expired one.
    expect(first.result).toMatchObject({
      considered: 5,
      created: 5,
      alreadyThere: 0,
      skipped: 0,
      published: 5,
    });
    const { rows } = await bridge.db.query<{ id: number; number: string; gross: number; service: number }>(
      `SELECT p.id, p.number, p.gross, l.customer_service_id AS service FROM proformas p
       JOIN proforma_lines l ON l.proforma_id = p.id WHERE p.origin = 'renewal' ORDER BY p.id`,
    );
    proformas = rows.map((r) => ({ ...r, gross: Number(r.gross) }));
    const s = seeded.services;
    expect(proformas.map((p) => p.service).sort()).toEqual([s.in30, s.in20, s.in14, s.in7, s.in1].sort());
    expect(proformas.every((p) => p.gross === 7257)).toBe(true); // 59.00 net + 23% VAT
    expect(proformas[0]!.number).toMatch(/^PRO\/2026\/06\/\d+$/);

    const events = await eventsOf(bridge.db, "proforma.issued");
    expect(events.map((e) => e.proformaId).sort()).toEqual(proformas.map((p) => p.id).sort());
    expect(events[0]).toMatchObject({ origin: "renewal", gross: "72.57", currency: "PLN" });

    // A second run the same day (another instance, a retry): nothing made, nothing published.
    const again = await runJobOnce(bridge.ctx, "renewals", new Date(AT.getTime() + HOUR), { log });
    expect(again.result).toMatchObject({ created: 0, alreadyThere: 5, published: 0 });
    expect(await eventsOf(bridge.db, "proforma.issued")).toHaveLength(5);

    // Progress went to the log, and the next run is due tomorrow at 06:00 Warsaw time.
    expect(lines).toContain("renewals: renewal run for 2026-06-10 started");
    expect(lines).toContain("renewals: 5/5 services in the window handled");
    expect(lines.some((l) => l.startsWith("renewals: made 5 proformas"))).toBe(true);
    const renewals = (await dashboardJobs()).find((j) => j.name === "renewals")!;
    expect(renewals).toMatchObject({
      schedule: "daily at 06:00 Europe/Warsaw",
      nextRunAt: "2026-06-11T04:00:00.000Z",
      lastOwner: processOwner(),
      running: false,
      consecutiveFailures: 0,
      lastFailure: { code: "no_seller" },
    });
  });

  it("runs a daily job only when its hour has come, once of two tickers, and records the due time", async () => {
    const runs = async () =>
      (
        await bridge.db.query<{ due_at: Date | null; owner: string }>(
          "SELECT due_at, owner FROM bridge_job_runs WHERE job = 'renewals' ORDER BY id",
        )
      ).rows;
    const before = (await runs()).length;
    const clockAt = (start: Date) => {
      const t0 = Date.now();
      return { ...bridge.ctx, now: () => new Date(start.getTime() + (Date.now() - t0)) };
    };
    const quiet = () => undefined;
    const renewalsOnly = () => [DEFAULT_JOBS.find((j) => j.name === "renewals")!];
    // 05:59:59 on 11 June (Warsaw): not due yet, whoever asks.
    const early = clockAt(new Date("2026-06-11T03:59:59Z"));
    const a = startJobs(early, { jobs: renewalsOnly(), owner: "early-a", tickMs: 20, log: quiet });
    await sleep(300);
    await a.close();
    expect((await runs()).length).toBe(before);
    // 06:00: two instances tick; one runs the due run.
    const due = clockAt(new Date("2026-06-11T04:00:00.500Z"));
    const b = startJobs(due, { jobs: renewalsOnly(), owner: "due-b", tickMs: 20, log: quiet });
    const c = startJobs(due, { jobs: renewalsOnly(), owner: "due-c", tickMs: 20, log: quiet });
    await sleep(1500);
    await Promise.all([b.close(), c.close()]);
    const after = await runs();
    expect(after.length).toBe(before + 1);
    expect(new Date(after.at(-1)!.due_at!).toISOString()).toBe("2026-06-11T04:00:00.000Z");
    expect(["due-b", "due-c"]).toContain(after.at(-1)!.owner);
    const renewals = (await dashboardJobs()).find((j) => j.name === "renewals")!;
    expect(renewals.nextRunAt).toBe("2026-06-12T04:00:00.000Z");
    // The 11 June run found every term covered: still five proformas, five events.
    expect(renewals.lastResult).toMatchObject({ created: 0, published: 0 });
    expect(await eventsOf(bridge.db, "proforma.issued")).toHaveLength(5);
  });

  it("sends renewal.due once per service and threshold, and domain.expired once per expired domain", async () => {
    const s = seeded.services;
    const first = await runJobOnce(bridge.ctx, "reminders", AT, { log });
    expect(first.result).toMatchObject({ due: 5, dueSentBefore: 0, expired: 1, expiredSentBefore: 0 });
    const due = await eventsOf(bridge.db, "renewal.due");
    const byService = (id: number) => due.filter((e) => e.customerServiceId === id);
    expect(byService(s.in30)).toMatchObject([{ threshold: 30, daysLeft: 30, name: "sklep-ani.pl" }]);
    // 20 days left: inside the 30-day step only.
    expect(byService(s.in20)).toMatchObject([{ threshold: 30, daysLeft: 20, expiresOn: addDays(TODAY, 20) }]);
    expect(byService(s.in14)).toMatchObject([{ threshold: 14, daysLeft: 14 }]);
    expect(byService(s.in7)).toMatchObject([{ threshold: 7, daysLeft: 7 }]);
    expect(byService(s.in1)).toMatchObject([{ threshold: 1, daysLeft: 1, autoRenew: true }]);
    expect(byService(s.in45)).toEqual([]);
    const expired = await eventsOf(bridge.db, "domain.expired");
    // The expired domain; not the certificate that expired the same day.
    expect(expired).toMatchObject([
      {
        customerServiceId: s.expired3,
        domain: "wygasla-wczoraj.pl",
        expiresOn: addDays(TODAY, -3),
        daysSince: 3,
      },
    ]);

    const again = await runJobOnce(bridge.ctx, "reminders", new Date(AT.getTime() + 2 * HOUR), { log });
    expect(again.result).toMatchObject({ due: 0, dueSentBefore: 5, expired: 0, expiredSentBefore: 1 });

    // Six days on: 20 → 14 days (the 14-day step), 7 → 1 day, and the 1-day one has expired.
    const later = await runJobOnce(bridge.ctx, "reminders", new Date(AT.getTime() + 6 * DAY), { log });
    expect(later.result).toMatchObject({ due: 2, expired: 1 });
    const dueNow = await eventsOf(bridge.db, "renewal.due");
    // In service order (the run walks the services by id).
    expect(dueNow.slice(5)).toMatchObject([
      { customerServiceId: s.in20, threshold: 14, daysLeft: 14 },
      { customerServiceId: s.in7, threshold: 1, daysLeft: 1 },
    ]);
    expect((await eventsOf(bridge.db, "domain.expired")).map((e) => e.customerServiceId)).toEqual([
      s.expired3,
      s.in1,
    ]);
  });

  it("imports the statement folder once, moves files to processed/ or failed/, and waits for a file being written", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "hrdkit-wyciagi-"));
    try {
      const job = statementsJob({ dir, settleMs: 2_000 });
      const run = (at: Date) => runJobOnce(bridge.ctx, "statements", at, { jobs: [job], log });
      const past = new Date(Date.now() - 60_000);
      const settled = async (name: string, content: string) => {
        await writeFile(path.join(dir, name), content);
        await utimes(path.join(dir, name), past, past);
      };
      const [p1, p2, p3] = proformas;
      const statement = mt940Statement(TODAY, 161, [
        {
          grosze: p1!.gross,
          title: `Zapłata za ${p1!.number} domena sklep-ani.pl`,
          payer: "SKLEP ANI SP. Z O.O.",
          reference: "260610000001",
        },
        {
          grosze: 5000,
          title: `${p2!.number} zaliczka`,
          payer: "SKLEP ANI SP. Z O.O.",
          reference: "260610000002",
        },
        { grosze: 7777, title: "Darowizna dla fundacji", payer: "ANNA NOWAK", reference: "260610000003" },
      ]);
      await settled("wyciag-2026-06-10.sta", statement);
      await settled(
        "zepsuty.sta",
        ":20:ST260610/1\r\n:25:/PL61109010140000071219812874\r\n:61:to nie jest kwota\r\n",
      );
      await settled(
        "historia.csv",
        '"Data operacji","Kwota","Tytuł"\n"2026-06-10","72.57","PRO/2026/06/1"\n',
      );
      await settled("notatki.md", "nie wyciąg");
      // Being written: half of a statement, modified just now.
      const next = mt940Statement(TODAY, 162, [
        {
          grosze: p3!.gross,
          title: `Proforma ${p3!.number}`,
          payer: "SKLEP ANI SP. Z O.O.",
          reference: "260610000004",
        },
      ]);
      await writeFile(path.join(dir, "w-trakcie.sta"), next.slice(0, 80));

      const first = await run(AT);
      expect(first.result).toMatchObject({ imported: 1, failed: 2, waiting: 1, matched: 2, unmatched: 1 });
      expect((await readdir(dir)).sort()).toEqual(["failed", "notatki.md", "processed", "w-trakcie.sta"]);
      expect(await readdir(path.join(dir, "processed"))).toEqual(["wyciag-2026-06-10.sta"]);
      expect((await readdir(path.join(dir, "failed"))).sort()).toEqual([
        "historia.csv",
        "historia.csv.error.txt",
        "zepsuty.sta",
        "zepsuty.sta.error.txt",
      ]);
      expect(await readFile(path.join(dir, "failed", "historia.csv.error.txt"), "utf8")).toContain(
        "HRDKIT_STATEMENTS_CSV",
      );
      expect(await readFile(path.join(dir, "failed", "zepsuty.sta.error.txt"), "utf8")).toMatch(/content/);
      const matched = await eventsOf(bridge.db, "payment.matched");
      expect(matched).toMatchObject([
        { proformaId: p1!.id, proformaNumber: p1!.number, amount: "72.57", paid: true },
        { proformaId: p2!.id, proformaNumber: p2!.number, amount: "50.00", paid: false },
      ]);
      expect(lines).toContain(
        "statements: wyciag-2026-06-10.sta: 3 entries, 2 matched, 1 unmatched, 0 ignored, 0 seen before: moved to processed/",
      );

      // The same statement again under another name: billing knows it; nothing new is published.
      await settled("wyciag-kopia.sta", statement);
      const copy = await run(new Date(AT.getTime() + HOUR));
      expect(copy.result).toMatchObject({ imported: 0, alreadyImported: 1, published: 0, waiting: 1 });
      expect((await readdir(path.join(dir, "processed"))).sort()).toEqual([
        "wyciag-2026-06-10.sta",
        "wyciag-kopia.sta",
      ]);
      expect(await eventsOf(bridge.db, "payment.matched")).toHaveLength(2);
      const { rows } = await bridge.db.query<{ n: number }>("SELECT count(*)::int AS n FROM bank_statements");
      expect(rows[0]!.n).toBe(1);

      // The file being written is finished and has settled: imported on the next run.
      await settled("w-trakcie.sta", next);
      const third = await run(new Date(AT.getTime() + 2 * HOUR));
      expect(third.result).toMatchObject({ imported: 1, matched: 1, published: 1, waiting: 0 });
      expect((await eventsOf(bridge.db, "payment.matched")).map((e) => e.proformaId)).toEqual([
        p1!.id,
        p2!.id,
        p3!.id,
      ]);
      expect((await readdir(dir)).sort()).toEqual(["failed", "notatki.md", "processed"]);

      // A name already in processed/ does not overwrite the file there.
      await mkdir(path.join(dir, "processed"), { recursive: true });
      await settled("wyciag-2026-06-10.sta", statement);
      await run(new Date(AT.getTime() + 3 * HOUR));
      expect((await readdir(path.join(dir, "processed"))).sort()).toEqual([
        "w-trakcie.sta",
        "wyciag-2026-06-10-2.sta",
        "wyciag-2026-06-10.sta",
        "wyciag-kopia.sta",
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // A mistyped folder fails the run (the dashboard shows it) and is not created.
    const missing = path.join(dir, "nie-ma");
    const r = await runJobOnce(bridge.ctx, "statements", AT, {
      jobs: [statementsJob({ dir: missing })],
      log: () => undefined,
    });
    expect(r.error).toMatchObject({ code: "no_folder" });
    expect(r.error!.message).toContain(missing);
    await expect(readdir(missing)).rejects.toThrow();
  });

  it("poll publishes hrd.poll once per message and domain.transferred for transfers in and out", async () => {
    const hrd = bridge.ctx.hrd;
    const user = await hrdPerson(bridge);
    // A transfer in with the right code (completes) and one with a wrong code (fails).
    await hrd.domain.transfer({ name: "onet.pl", user, authInfo: "Kod-Od-Rejestratora-7" });
    await hrd.domain.transfer({ name: "wp.pl", user, authInfo: "zly-kod" });
    await hrd.partner.getBalance(); // the sandbox completes due actions on the next request
    // HRD's words for a domain leaving are not documented: a message saying so, as HRD might.
    const queue = bridge.sandbox!.state.poll;
    queue.push({ id: 90_001, object: "domain", objectName: "odchodzi.pl", action: "transferOut", added: AT });
    const messages = queue.map((m) => m.id);
    expect(messages.length).toBeGreaterThanOrEqual(3);

    const first = await runJobOnce(bridge.ctx, "poll", AT, { log });
    expect(first.result).toMatchObject({
      received: messages.length,
      published: messages.length,
      transfers: 2,
    });
    const polls = await eventsOf(bridge.db, "hrd.poll");
    expect(polls.map((e) => e.messageId)).toEqual(messages);
    expect(polls.find((e) => e.messageId === 90_001)).toMatchObject({
      object: "domain",
      objectName: "odchodzi.pl",
      action: "transferOut",
    });
    const transfers = await eventsOf(bridge.db, "domain.transferred");
    expect(transfers).toMatchObject([
      { domain: "onet.pl", direction: "in", status: "registered", hrdUserId: user },
      { domain: "odchodzi.pl", direction: "out", messageId: 90_001 },
    ]);

    // HRD delivers a message again (its ack was lost): stored and published once.
    queue.push({ id: 90_001, object: "domain", objectName: "odchodzi.pl", action: "transferOut", added: AT });
    const again = await runJobOnce(bridge.ctx, "poll", new Date(AT.getTime() + HOUR), { log });
    expect(again.result).toMatchObject({ received: 1, stored: 0, duplicates: 1, published: 0, transfers: 0 });
    expect(await eventsOf(bridge.db, "hrd.poll")).toHaveLength(messages.length);
    expect(await eventsOf(bridge.db, "domain.transferred")).toHaveLength(2);
  });

  it("reads transfer direction from the message's words", () => {
    expect(transferDirection({ object: "domain", action: "transfer" })).toBe("in");
    expect(transferDirection({ object: "domain", action: "transferOut" })).toBe("out");
    expect(transferDirection({ object: "domain", action: "outgoingTransfer" })).toBe("out");
    expect(transferDirection({ object: "domain", action: "transfer_away" })).toBe("out");
    expect(transferDirection({ object: "domain", action: "renew" })).toBeUndefined();
    expect(transferDirection({ object: "domain", action: "trade" })).toBeUndefined();
    expect(transferDirection({ object: "cert", action: "transfer" })).toBeUndefined();
  });

  it("the dashboard shows the last failure, the failures in a row, and a run in progress", async () => {
    let fail = true;
    let release: () => void = () => undefined;
    const flaky: BridgeJob = {
      name: "flaky",
      intervalMs: 60_000,
      async run() {
        if (fail) throw Object.assign(new Error("HRD nie odpowiada"), { code: "connection" });
        await new Promise<void>((r) => {
          release = r;
        });
        return { checked: 3 };
      },
    };
    const quiet = () => undefined;
    await runJob(bridge.ctx, flaky, new Date(), { log: quiet });
    await runJob(bridge.ctx, flaky, new Date(), { log: quiet });
    let state = (await dashboardJobs()).find((j) => j.name === "flaky")!;
    expect(state).toMatchObject({
      consecutiveFailures: 2,
      lastFailure: { code: "connection", message: "HRD nie odpowiada" },
      lastResult: { error: { code: "connection", message: "HRD nie odpowiada" } },
      running: false,
      runningOwner: null,
    });
    const failedAt = state.lastFailure!.at;

    fail = false;
    const running = runJob(bridge.ctx, flaky, new Date(), { owner: "instancja-b", log: quiet });
    for (let i = 0; i < 50 && !(await dashboardJobs()).find((j) => j.name === "flaky")!.running; i++)
      await sleep(20);
    state = (await dashboardJobs()).find((j) => j.name === "flaky")!;
    expect(state).toMatchObject({ running: true, runningOwner: "instancja-b", consecutiveFailures: 2 });
    release();
    await running;
    state = (await dashboardJobs()).find((j) => j.name === "flaky")!;
    expect(state).toMatchObject({
      running: false,
      consecutiveFailures: 0,
      lastResult: { checked: 3 },
      lastOwner: "instancja-b",
      lastFailure: { at: failedAt, message: "HRD nie odpowiada" },
    });
    const { rows } = await bridge.db.query<{ outcome: string; owner: string }>(
      "SELECT outcome, owner FROM bridge_job_runs WHERE job = 'flaky' ORDER BY id",
    );
    expect(rows.map((r) => r.outcome)).toEqual(["failed", "failed", "ok"]);

    const spec = (await (await fetch(`${bridge.url}/docs/json`)).json()) as {
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(Object.keys(spec.components.schemas.JobState?.properties ?? {})).toEqual(
      expect.arrayContaining(["lastFailure", "consecutiveFailures", "nextRunAt", "running", "schedule"]),
    );
  });
});
