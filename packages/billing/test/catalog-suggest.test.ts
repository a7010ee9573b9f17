import { randomBytes } from "node:crypto";
import { domainToASCII } from "node:url";
import {
  type AvailabilityPort,
  type AvailabilityStatus,
  BillingNotFoundError,
  BillingValidationError,
  type Db,
  deactivateService,
  listTlds,
  queryBase,
  seedDefaultCatalog,
  setServiceKindOffered,
  suggestNames,
  upsertService,
  upsertTld,
} from "@hrdkit/billing";
import { startSandbox } from "@hrdkit/sandbox";
import { HrdClient } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "./support/db.js";

/** A port that records every call and answers by the name's first label. */
function recordingPort(reply: (ascii: string) => AvailabilityStatus = () => "available") {
  const calls: string[][] = [];
  const port: AvailabilityPort = {
    check: async (names) => {
      calls.push([...names]);
      // Answer in punycode, as a port might: billing must map it back to the Unicode candidate.
      return names.map((n) => ({ name: domainToASCII(n), status: reply(domainToASCII(n)) }));
    },
  };
  return { port, calls };
}

describe("query base", () => {
  it("drops a URL's scheme and path, www and a TLD the catalog knows", () => {
    const known = ["pl", "com.pl", "com"];
    expect(queryBase("sklep.pl", known)).toBe("sklep");
    expect(queryBase("Sklep.COM.pl", known)).toBe("sklep");
    expect(queryBase("https://www.sklep.com.pl/kontakt?x=1", known)).toBe("sklep");
    expect(queryBase("www.żółw.pl.", known)).toBe("żółw");
    expect(queryBase("Żółty Sklep!", known)).toBe("żółty sklep!");
    expect(queryBase("sklep.xyz", known)).toBe("sklep.xyz");
    expect(queryBase("pl", known)).toBe("pl");
  });
});

describe.each(drivers())("name suggestions on $name", (driver) => {
  let db: Db;
  let tldCount: number;
  beforeAll(async () => {
    db = await driver.open();
    await seedDefaultCatalog(db);
    tldCount = (await listTlds(db)).length;
  });
  afterAll(() => driver.dispose(db));

  it("keeps Polish letters for IDN TLDs and transliterates them for the rest", async () => {
    const { port, calls } = recordingPort();
    const found = await suggestNames(db, { query: "żółw", tlds: ["pl", "com", "eu"] }, port);
    expect(found).toEqual([
      { name: "żółw.pl", ascii: domainToASCII("żółw.pl"), tld: "pl", status: "available", sellable: true },
      { name: "zolw.com", tld: "com", status: "available", sellable: true },
      { name: "żółw.eu", ascii: domainToASCII("żółw.eu"), tld: "eu", status: "available", sellable: true },
    ]);
    expect(calls).toEqual([["żółw.pl", "zolw.com", "żółw.eu"]]);
  });

  it("normalises free text and uses the label of a name typed with its TLD", async () => {
    const { port } = recordingPort();
    const names = async (query: string | string[]) =>
      (await suggestNames(db, { query, tlds: ["pl", "com.pl", "com"] }, port)).map((s) => s.name);
    expect(await names("Żółty Sklep!")).toEqual(["żółty-sklep.pl", "żółty-sklep.com.pl", "zolty-sklep.com"]);
    expect(await names("  --Sklep--  ")).toEqual(["sklep.pl", "sklep.com.pl", "sklep.com"]);
    expect(await names("sklep.com.pl")).toEqual(["sklep.pl", "sklep.com.pl", "sklep.com"]);
    expect(await names("https://www.sklep.pl/")).toEqual(["sklep.pl", "sklep.com.pl", "sklep.com"]);
  });

  it("checks a name that several queries lead to only once", async () => {
    const { port, calls } = recordingPort();
    const found = await suggestNames(db, { query: ["żółw", "zolw", "Żółw.pl"], tlds: ["pl", "com"] }, port);
    expect(found.map((s) => s.name)).toEqual(["żółw.pl", "zolw.com", "zolw.pl"]);
    expect(calls).toEqual([["żółw.pl", "zolw.com", "zolw.pl"]]);
  });

  it("asks the port in as few calls as HRD allows: 30 names in 1, 250 in 3", async () => {
    const small = recordingPort();
    const tlds30 = (await listTlds(db)).slice(0, 15).map((t) => t.tld);
    const thirty = await suggestNames(db, { query: ["alfa", "beta"], tlds: tlds30 }, small.port);
    expect(thirty).toHaveLength(30);
    expect(small.calls.map((c) => c.length)).toEqual([30]);

    const big = recordingPort();
    const tlds25 = (await listTlds(db)).slice(0, 25).map((t) => t.tld);
    const queries = Array.from({ length: 10 }, (_, i) => `sklep-${i}`);
    const progress: [number, number][] = [];
    const many = await suggestNames(db, { query: queries, tlds: tlds25 }, big.port, {
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(many).toHaveLength(250);
    expect(big.calls.map((c) => c.length)).toEqual([100, 100, 50]);
    expect(new Set(big.calls.flat()).size).toBe(250);
    expect(progress).toEqual([
      [100, 250],
      [200, 250],
      [250, 250],
    ]);
    // Results in query order, then the TLD order asked for.
    expect(many.slice(0, 3).map((s) => s.name)).toEqual(tlds25.slice(0, 3).map((t) => `sklep-0.${t}`));
    expect(many[25]!.name).toBe(`sklep-1.${tlds25[0]}`);
  });

  it("checks no more than the limit", async () => {
    const { port, calls } = recordingPort();
    const found = await suggestNames(db, { query: "sklep", group: "Polskie", limit: 3 }, port);
    expect(found.map((s) => s.name)).toEqual(["sklep.pl", "sklep.com.pl", "sklep.net.pl"]);
    expect(calls).toEqual([["sklep.pl", "sklep.com.pl", "sklep.net.pl"]]);
  });

  it("passes statuses through, and a name the port did not answer is unknown", async () => {
    const statuses: Record<string, AvailabilityStatus> = {
      "sklep.pl": "taken",
      "sklep.com.pl": "createOnly",
      "sklep.eu": "unknown",
    };
    const port: AvailabilityPort = {
      check: async (names) =>
        names.filter((n) => n !== "sklep.org").map((n) => ({ name: n, status: statuses[n] ?? "available" })),
    };
    const found = await suggestNames(db, { query: "sklep" }, port); // default: the first group, "Popularne"
    expect(found.map((s) => [s.name, s.status])).toEqual([
      ["sklep.pl", "taken"],
      ["sklep.com.pl", "createOnly"],
      ["sklep.eu", "unknown"],
      ["sklep.com", "available"],
      ["sklep.net", "available"],
      ["sklep.org", "unknown"],
      ["sklep.shop", "available"],
      ["sklep.online", "available"],
      ["sklep.store", "available"],
    ]);
  });

  it("says which suggestions the partner can sell", async () => {
    const { port } = recordingPort();
    await deactivateService(db, "domain.com.register");
    const partly = await suggestNames(db, { query: "sklep", tlds: ["pl", "com"] }, port);
    expect(partly.map((s) => [s.tld, s.sellable])).toEqual([
      ["pl", true],
      ["com", false],
    ]);
    await setServiceKindOffered(db, "domain", false);
    const none = await suggestNames(db, { query: "sklep", tlds: ["pl", "com"] }, port);
    expect(none.map((s) => s.sellable)).toEqual([false, false]);
    await setServiceKindOffered(db, "domain", true);
    await upsertService(db, {
      kind: "domain",
      operation: "register",
      tld: "com",
      periods: [1],
      active: true,
    });
  });

  it("refuses bad queries before asking the port", async () => {
    const { port, calls } = recordingPort();
    const err = await suggestNames(
      db,
      { query: ["sklep", "!!!", "x".repeat(70)], tlds: ["pl", "xyz", "nope"], group: "Polskie", limit: 0 },
      port,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BillingValidationError);
    expect((err as BillingValidationError).issues).toEqual([
      { path: "limit", message: "must be 1–1000" },
      { path: "tlds", message: "give either a group or a list of TLDs, not both" },
    ]);
    const unknownTlds = await suggestNames(db, { query: "sklep", tlds: ["pl", "xyz", "nope"] }, port).catch(
      (e: unknown) => e,
    );
    expect((unknownTlds as BillingValidationError).issues).toEqual([
      { path: "tlds.1", message: "xyz is not in the catalog" },
      { path: "tlds.2", message: "nope is not in the catalog" },
    ]);
    const badQueries = await suggestNames(
      db,
      { query: ["sklep", "!!!", "x".repeat(70)], tlds: ["pl"] },
      port,
    ).catch((e: unknown) => e);
    expect((badQueries as BillingValidationError).issues).toEqual([
      { path: "query.1", message: '"!!!" has no letters or digits to make a domain name from' },
      { path: "query.2", message: `"${"x".repeat(70)}" makes a label longer than 63 characters` },
    ]);
    await expect(suggestNames(db, { query: "sklep", group: "Nie ma" }, port)).rejects.toBeInstanceOf(
      BillingNotFoundError,
    );
    expect(calls).toEqual([]);
  });

  it("works through a port over the real sandbox: hrd.pl is taken, a random name available", async () => {
    const sandbox = await startSandbox();
    const client = new HrdClient(sandbox.clientOptions());
    try {
      const port: AvailabilityPort = {
        check: async (names) =>
          (await client.domain.check({ names })).map((r) => ({ name: r.name, status: r.status })),
      };
      const fresh = `hrdkit-${randomBytes(6).toString("hex")}`;
      const found = await suggestNames(
        db,
        { query: ["hrd", fresh, `żółw-${fresh}`], tlds: ["pl", "com"] },
        port,
      );
      expect(found.map((s) => [s.name, s.status])).toEqual([
        ["hrd.pl", "taken"],
        ["hrd.com", "available"],
        [`${fresh}.pl`, "available"],
        [`${fresh}.com`, "available"],
        [`żółw-${fresh}.pl`, "available"],
        [`zolw-${fresh}.com`, "available"],
      ]);
      expect(sandbox.counts.get("domain/check")).toBe(1);
    } finally {
      await client.close();
      await sandbox.close();
    }
  });

  it("fills a whole call of 100 names from the seeded catalog", async () => {
    expect(tldCount).toBeGreaterThan(4);
    await upsertTld(db, { tld: "xn--p1ai", registerPeriods: [1], renewPeriods: [1], transferPeriods: [1] });
    const { port, calls } = recordingPort();
    const tlds = (await listTlds(db)).map((t) => t.tld);
    const queries = Array.from({ length: Math.ceil(100 / tlds.length) }, (_, i) => `q${i}`);
    const found = await suggestNames(db, { query: queries, tlds, limit: 100 }, port);
    expect(found).toHaveLength(100);
    expect(calls.map((c) => c.length)).toEqual([100]);
    // A TLD without a register service is suggested but not sellable.
    expect(found.find((s) => s.tld === "xn--p1ai")?.sellable).toBe(false);
  });
});
