import { listNotices, listProformas } from "@hrdkit/billing";
import { afterEach, describe, expect, it } from "vitest";
import { company, domain, seedShop } from "./support/billing-seed.js";
import { baseEnv, runCli, useBuiltCli } from "./support/cli.js";
import { databaseKinds, type TestDatabase, withDb } from "./support/databases.js";

useBuiltCli();

describe.each(databaseKinds("renew"))("hrdkit billing renewal-run on $name", (kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.dispose();
    database = undefined;
  });

  it("makes a proforma per service expiring in the window, prints it in PLN, and nothing the second time", async () => {
    database = await kind.make();
    await withDb(database, async (db) => {
      await seedShop(db);
      const ania = await company(db, "Sklep Ani sp. z o.o.", "ania@sklep.example");
      const jan = await company(db, "Jan Nowak Usługi", "jan@nowak.example");
      await domain(db, ania, "sklep-ani.pl", "2026-11-20"); // 18 days after the run: in the 30-day window
      await domain(db, jan, "nowak.pl", "2026-11-30");
      await domain(db, jan, "pozniej.pl", "2027-01-15"); // outside the window
    });
    const env = baseEnv(database.env);

    const first = await runCli(["billing", "renewal-run", "--date", "2026-11-02"], { env });
    expect(first.stderr).toBe("renewal run for 2026-11-02\n");
    expect(first.code).toBe(0);
    const lines = first.stdout.split("\n");
    expect(lines[0]).toMatch(/^number\s+customer\s+amount\s+dueDate$/);
    // 80.00 net + 23% VAT, per proforma, from grosze.
    expect(first.stdout).toMatch(/PRO\/2026\/11\/\d+\s+Sklep Ani sp\. z o\.o\. \(#\d+\)\s+98\.40 PLN/);
    expect(first.stdout).toMatch(/PRO\/2026\/11\/\d+\s+Jan Nowak Usługi \(#\d+\)\s+98\.40 PLN/);
    expect(first.stdout).toContain("2 renewal proformas made (196.80 PLN), 0 services had theirs already");

    const second = await runCli(["billing", "renewal-run", "--date", "2026-11-02", "--json"], { env });
    expect(second.code).toBe(0);
    const records = second.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.filter((r) => r.record === "proforma")).toEqual([]);
    expect(records.at(-1)).toMatchObject({ record: "summary", created: 0, alreadyThere: 2, considered: 2 });

    await withDb(database, async (db) => {
      const page = await listProformas(db, { origin: "renewal", limit: 10 });
      expect(page.items).toHaveLength(2);
      expect(page.items.map((p) => p.gross.amount)).toEqual([9840, 9840]);
      // The bridge's proforma.issued events, one per proforma (none from the second run).
      const { rows } = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM webhook_events WHERE type = 'proforma.issued'",
      );
      expect(Number(rows[0]!.n)).toBe(2);
      // And each customer's notice of the proforma, queued for the outbox (once).
      const notices = await listNotices(db, { event: "proforma.issued" });
      expect(notices.notices.map((n) => n.recipient).sort()).toEqual([
        "ania@sklep.example",
        "jan@nowak.example",
      ]);
    });
  }, 120_000);

  it("a service that cannot be priced is named on stderr and the exit status says so", async () => {
    database = await kind.make();
    await withDb(database, async (db) => {
      await seedShop(db);
      const c = await company(db, "Sklep Ani sp. z o.o.", "ania@sklep.example");
      // .com has no renewal price in the group.
      const { addCustomerService } = await import("@hrdkit/billing");
      await addCustomerService(db, {
        customerId: c,
        serviceCode: "domain.com.register",
        name: "sklep-ani.com",
        period: 1,
        startsOn: "2025-11-10",
        expiresOn: "2026-11-10",
        status: "active",
      });
    });
    const run = await runCli(["billing", "renewal-run", "--date", "2026-11-02"], {
      env: baseEnv(database.env),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/warning: service #\d+ skipped \(no_price\)/);
    expect(run.stdout).toContain("0 renewal proformas made");
  }, 120_000);

  it("refuses a date that is not a day, before opening anything", async () => {
    database = await kind.make();
    const run = await runCli(["billing", "renewal-run", "--date", "2026-02-30"], {
      env: baseEnv(database.env),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--date must be a day YYYY-MM-DD");
  });
});
