/**
 * The availability cache: on its own with a clock the test moves (TTL per answer, LRU bound,
 * Unicode and punycode the same key), and behind POST /v1/domains/availability over real HTTP
 * against the embedded sandbox (a repeated question sends HRD nothing, an expired answer is asked
 * again, `Cache-Control: no-cache` always asks, answers come in the request's order).
 */
import { AvailabilityCache, type Bridge, BridgeClient, createKey, startBridge } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hrdPerson } from "./support/bridge.js";

describe("AvailabilityCache", () => {
  it("keeps available/unknown answers 60 s and taken ones 10 min", () => {
    let now = 1_000_000;
    const cache = new AvailabilityCache({ now: () => now });
    cache.put([
      { name: "wolna.pl", status: "available" },
      { name: "zajeta.pl", status: "taken" },
      { name: "dziwna.xyz", status: "unknown" },
    ]);
    expect(cache.get(["wolna.pl", "zajeta.pl", "dziwna.xyz", "nowa.pl"])).toEqual({
      hits: new Map([
        ["wolna.pl", { name: "wolna.pl", status: "available" }],
        ["zajeta.pl", { name: "zajeta.pl", status: "taken" }],
        ["dziwna.xyz", { name: "dziwna.xyz", status: "unknown" }],
      ]),
      misses: ["nowa.pl"],
    });
    now += 60_000;
    expect(cache.get(["wolna.pl", "zajeta.pl", "dziwna.xyz"]).misses).toEqual(["wolna.pl", "dziwna.xyz"]);
    now += 9 * 60_000 - 1;
    expect(cache.get(["zajeta.pl"]).misses).toEqual([]);
    now += 1;
    expect(cache.get(["zajeta.pl"]).misses).toEqual(["zajeta.pl"]);
    expect(cache.size).toBe(0);
  });

  it("drops the least recently used entry beyond maxEntries", () => {
    const cache = new AvailabilityCache({ maxEntries: 2 });
    cache.put([
      { name: "a.pl", status: "available" },
      { name: "b.pl", status: "available" },
    ]);
    cache.get(["a.pl"]); // a is now the most recently used
    cache.put([{ name: "c.pl", status: "taken" }]);
    expect(cache.size).toBe(2);
    expect(cache.get(["a.pl", "b.pl", "c.pl"]).misses).toEqual(["b.pl"]);
  });

  it("treats a Unicode name and its punycode as one, and asks about a repeated name once", () => {
    const cache = new AvailabilityCache();
    cache.put([{ name: "żółw.pl", status: "taken" }]);
    const { hits, misses } = cache.get(["XN--W-UGA1V8H.PL", "Nowa.pl", "nowa.pl"]);
    expect([...hits.values()]).toEqual([{ name: "żółw.pl", status: "taken" }]);
    expect(misses).toEqual(["Nowa.pl"]);
  });
});

describe("POST /v1/domains/availability with the cache (embedded sandbox)", () => {
  let bridge: Bridge;
  let client: BridgeClient;
  let offset = 0;
  const checks = () => bridge.sandbox!.counts.get("domain/check") ?? 0;
  type Answer = { results: { name: string; status: string }[] };
  const ask = (names: string[], headers?: Record<string, string>) =>
    client
      .call<Answer>("POST", "/v1/domains/availability", { names }, { headers })
      .then((r) => r.body.results);

  beforeAll(async () => {
    bridge = await startBridge({
      config: { port: 0, hrd: undefined, databaseUrl: undefined },
      now: () => new Date(Date.now() + offset),
      jobs: false,
    });
    client = new BridgeClient({ url: bridge.url, key: (await createKey(bridge.db, "cache test")).key });
    const user = await hrdPerson(bridge);
    await bridge.ctx.hrd.ensureDomainRegistered({
      name: "zajeta-cache.pl",
      user,
      ns: ["ns1.hrd.pl", "ns2.hrd.pl"],
    });
  }, 60_000);
  afterAll(() => bridge.close());

  it("answers a repeated question without asking HRD", async () => {
    const before = checks();
    const first = await ask(["pierwsza-cache.pl", "zajeta-cache.pl"]);
    expect(first).toEqual([
      { name: "pierwsza-cache.pl", status: "available" },
      { name: "zajeta-cache.pl", status: "taken" },
    ]);
    expect(checks()).toBe(before + 1);
    expect(await ask(["pierwsza-cache.pl", "zajeta-cache.pl"])).toEqual(first);
    expect(checks()).toBe(before + 1);
  });

  it("asks again once an answer is older than its TTL", async () => {
    await ask(["ttl-cache.pl", "zajeta-cache.pl"]);
    const before = checks();
    offset = 61_000; // within the signature window, past the 60 s of an "available" answer
    try {
      expect(await ask(["ttl-cache.pl", "zajeta-cache.pl"])).toEqual([
        { name: "ttl-cache.pl", status: "available" },
        { name: "zajeta-cache.pl", status: "taken" },
      ]);
      expect(checks()).toBe(before + 1);
      const ledger = bridge.sandbox!.counts.get("domain/check");
      await ask(["ttl-cache.pl"]);
      expect(bridge.sandbox!.counts.get("domain/check")).toBe(ledger);
    } finally {
      offset = 0;
    }
  });

  it("asks HRD every time for Cache-Control: no-cache", async () => {
    await ask(["bez-cache.pl"]);
    const before = checks();
    await ask(["bez-cache.pl"], { "cache-control": "no-cache" });
    await ask(["bez-cache.pl"], { "Cache-Control": "max-age=0, no-cache" });
    expect(checks()).toBe(before + 2);
  });

  it("keeps the request's order with hits and misses mixed, asking HRD only about the misses", async () => {
    await ask(["b-mix.pl", "d-mix.pl"]);
    const before = checks();
    const names = ["e-mix.pl", "b-mix.pl", "zajeta-cache.pl", "a-mix.pl", "d-mix.pl", "c-mix.pl", "B-MIX.pl"];
    const results = await ask(names);
    expect(results.map((r) => r.name)).toEqual([
      "e-mix.pl",
      "b-mix.pl",
      "zajeta-cache.pl",
      "a-mix.pl",
      "d-mix.pl",
      "c-mix.pl",
    ]);
    expect(results.find((r) => r.name === "zajeta-cache.pl")?.status).toBe("taken");
    expect(checks()).toBe(before + 1);
    // 150 new names: two calls of at most 100.
    const many = Array.from({ length: 150 }, (_, i) => `duzo-${i}.pl`);
    const all = await ask(["b-mix.pl", ...many]);
    expect(all.map((r) => r.name)).toEqual(["b-mix.pl", ...many]);
    expect(checks()).toBe(before + 3);
  });

  it("names a bad name by its place in the request", async () => {
    await ask(["dobra-cache.pl"]);
    const e = await ask(["dobra-cache.pl", "zła nazwa"]).catch((err: unknown) => err);
    expect((e as { status: number }).status).toBe(400);
    expect((e as { body: { issues: { path: string }[] } }).body.issues.map((i) => i.path)).toEqual([
      "names.1",
    ]);
  });
});
