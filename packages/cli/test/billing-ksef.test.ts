/**
 * The FA(3) files `hrdkit billing invoices export-ksef` writes, validated against the Ministry of
 * Finance's schema in ../shared/ksef with libxml2 (xmllint-wasm), as billing's own tests do.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path, { join } from "node:path";
import { fileURLToPath } from "node:url";
import { issueCorrection } from "@hrdkit/billing";
import { afterEach, describe, expect, it } from "vitest";
import { validateXML } from "xmllint-wasm";
import { company, invoiced, proforma, seedShop } from "./support/billing-seed.js";
import { baseEnv, runCli, useBuiltCli } from "./support/cli.js";
import { databaseKinds, type TestDatabase, withDb } from "./support/databases.js";

useBuiltCli();

function sharedKsefDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, "..", "shared", "ksef");
    if (existsSync(path.join(candidate, "schemat_FA3_v1-0E.xsd"))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("../shared/ksef/schemat_FA3_v1-0E.xsd not found above the test");
    dir = parent;
  }
}

/** libxml2's verdict per file ([] = valid against FA(3)). */
async function xsdErrors(files: Record<string, string>): Promise<Record<string, string[]>> {
  const ksef = sharedKsefDir();
  const names = Object.keys(files);
  const r = await validateXML({
    xml: names.map((n) => ({ fileName: n, contents: files[n]! })),
    schema: {
      fileName: "schemat_FA3_v1-0E.xsd",
      contents: readFileSync(path.join(ksef, "schemat_FA3_v1-0E.xsd"), "utf8"),
    },
    preload: ["StrukturyDanych_v10-0E.xsd", "ElementarneTypyDanych_v10-0E.xsd", "KodyKrajow_v10-0E.xsd"].map(
      (name) => ({
        fileName: `bazowe/${name}`,
        contents: readFileSync(path.join(ksef, "bazowe", name), "utf8"),
      }),
    ),
    maxMemoryPages: 16_384,
  }).catch((err: unknown) => ({ rawOutput: err instanceof Error ? err.message : String(err) }));
  const out: Record<string, string[]> = {};
  for (const n of names) {
    const lines = r.rawOutput.split("\n").filter((l) => l.startsWith(n));
    out[n] = lines.includes(`${n} validates`) ? [] : lines.length ? lines : [`${n}: no verdict`];
  }
  return out;
}

describe.each(databaseKinds("ksef"))("hrdkit billing invoices export-ksef on $name", (kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.dispose();
    database = undefined;
  });

  it("writes one valid FA(3) file per invoice and correction of the month, and none of another month", async () => {
    database = await kind.make();
    await withDb(database, async (db) => {
      await seedShop(db);
      const c = await company(db, "Sklep Ani sp. z o.o.", "ania@sklep.example");
      const oct = new Date("2026-10-20T09:00:00Z");
      await invoiced(db, await proforma(db, c, "Hosting Start październik", 5_000, oct), oct);
      const nov = new Date("2026-11-04T09:00:00Z");
      const first = await invoiced(db, await proforma(db, c, "Hosting Start 12 mies.", 10_000, nov), nov);
      await invoiced(db, await proforma(db, c, "Domena sklep-ani.pl", 8_000, nov), nov);
      await issueCorrection(db, {
        invoiceId: first,
        at: new Date("2026-11-20T09:00:00Z"),
        reason: "Zwrot za niewykorzystany okres usługi",
        lines: { full: true },
      });
    });
    const out = join(database.dir, "ksef");

    const run = await runCli(["billing", "invoices", "export-ksef", "--month", "2026-11", "--out", out], {
      env: baseEnv(database.env),
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^number\s+kind\s+issueDate\s+buyer\s+gross\s+file$/m);
    expect(run.stdout).toMatch(
      /FV\/2026\/11\/1\s+VAT\s+2026-11-04\s+Sklep Ani sp\. z o\.o\.\s+123\.00 PLN\s+faktura-FV-2026-11-1\.xml/,
    );
    expect(run.stdout).toContain("3 FA(3) files written");

    const names = readdirSync(out).sort();
    expect(names).toHaveLength(3);
    expect(names.filter((n) => n.startsWith("faktura-"))).toHaveLength(2);
    expect(names.filter((n) => n.startsWith("korekta-"))).toHaveLength(1);
    expect(names.some((n) => n.includes("-10-"))).toBe(false);
    const files = Object.fromEntries(names.map((n) => [n, readFileSync(join(out, n), "utf8")]));
    expect(await xsdErrors(files)).toEqual(Object.fromEntries(names.map((n) => [n, []])));
    const correction = files[names.find((n) => n.startsWith("korekta-"))!]!;
    expect(correction).toContain("<RodzajFaktury>KOR</RodzajFaktury>");
    expect(correction).toContain("<NrFaKorygowanej>FV/2026/11/1</NrFaKorygowanej>");
  }, 120_000);

  it("the default folder is ./ksef-YYYY-MM; a month with no invoices writes nothing; a bad month is refused", async () => {
    database = await kind.make();
    await withDb(database, async (db) => {
      await seedShop(db);
    });
    const env = baseEnv(database.env);
    const empty = await runCli(["billing", "invoices", "export-ksef", "--month", "2026-12"], {
      env,
      cwd: database.dir,
    });
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain("no invoices or corrections issued in 2026-12");
    expect(existsSync(join(database.dir, "ksef-2026-12"))).toBe(false);
    const bad = await runCli(["billing", "invoices", "export-ksef", "--month", "2026-13"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--month must be a month YYYY-MM");
  }, 120_000);
});
