import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { getProforma, listPayments, unmatchedEntries } from "@hrdkit/billing";
import { afterEach, describe, expect, it } from "vitest";
import { company, proforma, seedShop } from "./support/billing-seed.js";
import { baseEnv, runCli, useBuiltCli } from "./support/cli.js";
import { databaseKinds, type TestDatabase, withDb } from "./support/databases.js";

useBuiltCli();

const ISSUED = new Date("2026-11-03T09:00:00Z");

/** An MT940 statement as PKO BP writes it (`~NN` sub-fields, CRLF), one line per array item. */
function mt940(entries: { ref: string; amount: string; title: string; who: string }[]): string {
  const lines = [
    ":20:ST261105/1",
    ":25:/PL61109010140000071219812874",
    ":28C:00212/1",
    ":60F:C261104PLN1000,00",
  ];
  for (const e of entries) {
    lines.push(`:61:2611051105C${e.amount}N240NONREF//${e.ref}`);
    lines.push(`:86:240~00PRZELEW PRZYCHODZĄCY~20${e.title}~32${e.who}`);
  }
  lines.push(":62F:C261105PLN1250,77", "-", "");
  return lines.join("\r\n");
}

describe.each(databaseKinds("stmt"))("hrdkit billing import-statement on $name", (kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.dispose();
    database = undefined;
  });

  it("matches full and partial payments, lists the unmatched, and imports the same file only once", async () => {
    database = await kind.make();
    const ids = await withDb(database, async (db) => {
      await seedShop(db);
      const c = await company(db, "Sklep Ani sp. z o.o.", "ania@sklep.example");
      const full = await proforma(db, c, "Hosting Start 12 mies.", 10_000, ISSUED); // 123.00 gross
      const part = await proforma(db, c, "Domena sklep-ani.pl", 5_000, ISSUED); // 61.50 gross
      return { full, part };
    });
    expect(ids.full.number).toBe("PRO/2026/11/1");
    const file = join(database.dir, "wyciag-2026-11-05.sta");
    writeFileSync(
      file,
      mt940([
        {
          ref: "261105000001",
          amount: "123,00",
          title: `Zapłata za ${ids.full.number}`,
          who: "SKLEP ANI SP Z OO",
        },
        {
          ref: "261105000002",
          amount: "50,00",
          title: `Zaliczka ${ids.part.number}`,
          who: "SKLEP ANI SP Z OO",
        },
        { ref: "261105000003", amount: "77,77", title: "Darowizna dla fundacji", who: "ANNA NOWAK" },
      ]),
    );
    const env = baseEnv(database.env);

    const first = await runCli(["billing", "import-statement", file], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^matched\s+2026-11-05\s+123\.00 PLN\s+PRO\/2026\/11\/1\s/m);
    expect(first.stdout).toMatch(/^partial\s+2026-11-05\s+50\.00 PLN\s+PRO\/2026\/11\/2\s/m);
    expect(first.stdout).toMatch(/^unmatched\s+2026-11-05\s+77\.77 PLN\s+Darowizna dla fundacji/m);
    expect(first.stdout).toContain("3 entries: 2 matched (1 partial), 1 unmatched, 0 ignored, 0 seen before");

    const again = await runCli(["billing", "import-statement", file, "--json"], { env });
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout.trim().split("\n").at(-1)!);
    expect(summary).toMatchObject({ record: "summary", alreadyImported: true, matched: 2, unmatched: 1 });
    expect(again.stderr).toContain("was imported before");

    await withDb(database, async (db) => {
      expect((await getProforma(db, ids.full.id)).status).toBe("paid");
      const part = await getProforma(db, ids.part.id);
      expect(part.paid).toBe(5000);
      // Each transfer recorded once, whatever the number of imports.
      expect(await listPayments(db, { customerId: ids.full.customerId })).toHaveLength(2);
      expect((await unmatchedEntries(db, { limit: 10 })).total).toBe(1);
    });
  }, 120_000);

  it("a malformed file is refused naming its line, and nothing is written", async () => {
    database = await kind.make();
    const p = await withDb(database, async (db) => {
      await seedShop(db);
      const c = await company(db, "Sklep Ani sp. z o.o.", "ania@sklep.example");
      return proforma(db, c, "Hosting Start 12 mies.", 10_000, ISSUED);
    });
    const good = mt940([
      { ref: "261105000001", amount: "123,00", title: `Zapłata za ${p.number}`, who: "SKLEP ANI" },
    ]).split("\r\n");
    // Line 7: a second entry whose amount is not an amount.
    good.splice(6, 0, ":61:2611051105C12X,00N240NONREF//261105000009", ":86:240~20PRO/2026/11/1");
    const file = join(database.dir, "zly.sta");
    writeFileSync(file, good.join("\r\n"));

    const run = await runCli(["billing", "import-statement", file], { env: baseEnv(database.env) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("was not imported (nothing written)");
    expect(run.stderr).toMatch(/line 7/);
    expect(run.stdout).toBe("");
    await withDb(database, async (db) => {
      expect((await getProforma(db, p.id)).status).toBe("issued");
      expect(await listPayments(db, { customerId: p.customerId })).toHaveLength(0);
    });
  }, 120_000);

  it("a CSV needs the bank's layout: said before anything is opened", async () => {
    database = await kind.make();
    const file = join(database.dir, "historia.csv");
    writeFileSync(file, '"Data operacji","Kwota"\n');
    const run = await runCli(["billing", "import-statement", file], { env: baseEnv(database.env) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--csv pko|mbank");
  });
});
