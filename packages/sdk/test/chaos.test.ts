/**
 * Chaos: over a thousand billable operations through a sandbox that breaks one connection in ten
 * at a random point (before the request is applied, or after it is applied but before the reply),
 * plus garbage frames and chunked replies. Every purchase goes through the SDK's "make sure"
 * calls. The sandbox's ledger then proves: nothing bought twice, nothing lost (every operation
 * ended known), and the balance spent equals the prices of what was done.
 */
import { DEFAULT_PRICES } from "@hrdkit/sandbox";
import { HrdError } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NS, PERSON, sandboxAndClient } from "./support/fixtures.js";

const SEED = Number(process.env.CHAOS_SEED ?? 20261127);
const START_BALANCE = 500_000_000; // 5 000 000 zł: the run must not be limited by funds
const price = (tld: string) => DEFAULT_PRICES.find((p) => p.tld === tld)!;

type Outcome = { kind: string; key: string; done: boolean; expected: number; error?: string };

describe(`chaos: 1 000+ billable operations, 10% of connections broken (seed ${SEED})`, () => {
  let env: Awaited<ReturnType<typeof sandboxAndClient>>;
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    env = await sandboxAndClient(
      { balance: START_BALANCE, seed: SEED },
      { poolSize: 8, timeoutMs: 2_000, retries: 6, retryMinDelayMs: 1 },
    );
    const c = env.client;
    const { id: user } = await c.user.create(PERSON);
    const faults = env.sandbox.faults;
    faults.add({ kind: "drop-before", probability: 0.05 });
    faults.add({ kind: "drop-after", probability: 0.05 });
    faults.add({ kind: "garbage", probability: 0.01 });
    faults.add({ kind: "chunked", probability: 0.05 });

    // Work items, run 8 at a time. Registration first, then renewals of what was registered.
    const tlds = ["pl", "com.pl", "eu", "com"];
    const registrations = Array.from({ length: 700 }, (_, i) => `chaos-${i}.${tlds[i % tlds.length]}`);
    await runAll(registrations, 8, async (name) => {
      const tld = name.slice(name.indexOf(".") + 1);
      const r = await c.ensureDomainRegistered({ name, user, ns: NS }, { maxAttempts: 6 });
      outcomes.push({ kind: "create", key: name, done: true, expected: price(tld).register });
      return r;
    });
    const toRenew = registrations.slice(0, 350);
    await runAll(toRenew, 8, async (name) => {
      const tld = name.slice(name.indexOf(".") + 1);
      const info = await c.domain.info({ name }, { retries: 8 });
      const current = info.exDate!.slice(0, 10);
      await c.ensureDomainRenewed({ name, currentExpirationDate: current }, { maxAttempts: 6 });
      outcomes.push({ kind: "renew", key: name, done: true, expected: price(tld).renew });
    });
    faults.clear();
    // Let every action finish so that the ledger holds every charge.
    env.sandbox.clock.advance(60_000);
    env.sandbox.state.tick();

    async function runAll<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>) {
      let next = 0;
      await Promise.all(
        Array.from({ length: width }, async () => {
          while (next < items.length) {
            const item = items[next++]!;
            try {
              await fn(item);
            } catch (err) {
              outcomes.push({
                kind: "error",
                key: String(item),
                done: false,
                expected: 0,
                error: err instanceof HrdError ? `${err.name} ${err.code}: ${err.message}` : String(err),
              });
            }
          }
        }),
      );
    }
  }, 180_000);
  afterAll(() => env.close());

  it("ran over a thousand billable operations while faults fired", () => {
    expect(outcomes.length).toBeGreaterThanOrEqual(1_000);
    const fired = env.sandbox.faults.fired;
    expect(fired["drop-before"]).toBeGreaterThan(50);
    expect(fired["drop-after"]).toBeGreaterThan(50);
    expect(fired.garbage).toBeGreaterThan(0);
  });

  it("lost nothing: every operation ended known (done), none in doubt", () => {
    expect(outcomes.filter((o) => !o.done)).toEqual([]);
  });

  it("bought nothing twice: one ledger charge per registration, one per renewal", () => {
    const charges = new Map<string, number>();
    for (const e of env.sandbox.state.ledger) {
      const k = `${e.type}:${e.objectName}`;
      charges.set(k, (charges.get(k) ?? 0) + 1);
    }
    const twice = [...charges].filter(([, n]) => n > 1);
    expect(twice).toEqual([]);
    const expected = new Set(outcomes.filter((o) => o.done).map((o) => `${o.kind}:${o.key}`));
    expect(new Set(charges.keys())).toEqual(expected);
  });

  it("spent exactly the prices of what was done", () => {
    const state = env.sandbox.state;
    const sumOfPrices = outcomes.filter((o) => o.done).reduce((s, o) => s + o.expected, 0);
    expect(state.charged).toBe(sumOfPrices);
    expect(state.balance).toBe(START_BALANCE - sumOfPrices);
    expect(state.restricted).toBe(0);
  });
});
