import { currentCost, listWholesaleImports, seedDefaultCatalog } from "@hrdkit/billing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCli, useBuiltCli } from "./support/cli.js";
import { databaseKinds, type TestDatabase, withDb } from "./support/databases.js";
import { type CliSandbox, startCliSandbox } from "./support/sandbox.js";

useBuiltCli();
let sb: CliSandbox;
beforeAll(async () => {
  sb = await startCliSandbox();
});
afterAll(() => sb.close());

const lines = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe.each(databaseKinds("prices"))("hrdkit billing import-prices on $name", (kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.dispose();
    database = undefined;
  });

  it("a dry run writes nothing; the import records HRD's costs per TLD; the same list again changes nothing", async () => {
    database = await kind.make();
    await withDb(database, (db) => seedDefaultCatalog(db));
    const env = sb.env(database.env);

    const dry = await runCli(["billing", "import-prices", "--dry-run", "--json"], { env });
    expect(dry.code).toBe(0);
    const dryLines = lines(dry.stdout);
    const drySummary = dryLines.at(-1)!;
    expect(drySummary).toMatchObject({ record: "summary", dryRun: true, importId: null });
    expect(drySummary.changed).toBeGreaterThan(0);
    const pl = dryLines.find((l) => l.record === "tld" && l.tld === "pl")!;
    expect(pl).toMatchObject({ added: pl.changed, unchanged: 0 });
    const changes = pl.changes as { serviceCode: string; period: number; afterGrosze: number }[];
    const plRenew = changes.find((c) => c.serviceCode === "domain.pl.renew" && c.period === 1)!;
    expect(plRenew.afterGrosze).toBeGreaterThan(0);
    await withDb(database, async (db) => {
      expect(await listWholesaleImports(db)).toEqual([]);
      expect(await currentCost(db, "domain.pl.renew", 1)).toBeNull();
    });

    const real = await runCli(["billing", "import-prices", "--verbose"], { env });
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/^tld\s+mapped\s+changed\s+added\s+unchanged\s+changes$/m);
    expect(real.stdout).toMatch(/^pl\s+\d+\s+\d+\s+\d+\s+0\s+.*domain\.pl\.renew\/1y new → \d+\.\d\d/m);
    expect(real.stdout).toMatch(
      new RegExp(
        `import #\\d+: ${drySummary.prices} prices, ${drySummary.mapped} costs: ${drySummary.changed} changed`,
      ),
    );

    await withDb(database, async (db) => {
      expect(await listWholesaleImports(db)).toHaveLength(1);
      // The dry run showed exactly what the import then wrote.
      expect((await currentCost(db, "domain.pl.renew", 1))?.amount).toBe(plRenew.afterGrosze);
    });

    const again = await runCli(["billing", "import-prices", "--json"], { env });
    expect(again.code).toBe(0);
    expect(lines(again.stdout).at(-1)).toMatchObject({
      record: "summary",
      dryRun: false,
      changed: 0,
      added: 0,
    });
  }, 180_000);

  it("without HRD credentials: exit 3 naming what is missing, nothing written", async () => {
    database = await kind.make();
    const run = await runCli(["billing", "import-prices"], {
      env: sb.env({ ...database.env, HRD_API_KEY: "" }),
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("HRD_API_KEY");
  });
});

describe("hrdkit billing --help", () => {
  it("every billing command shows examples", async () => {
    for (const args of [
      ["billing"],
      ["billing", "import-prices"],
      ["billing", "renewal-run"],
      ["billing", "import-statement"],
      ["billing", "invoices"],
      ["billing", "invoices", "export-ksef"],
      ["billing", "send-reminders"],
    ]) {
      const run = await runCli([...args, "--help"]);
      expect(run.code, args.join(" ")).toBe(0);
      expect(run.stdout, args.join(" ")).toMatch(/Examples:\n {2}\$ hrdkit billing/);
    }
  });
});
