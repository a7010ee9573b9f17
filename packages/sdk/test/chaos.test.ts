/**
 * Chaos: over a thousand billable operations (registrations, renewals, transfers, .pl options and
 * certificate orders) through a sandbox that breaks one connection in ten
 * at a random point (before the request is applied, or after it is applied but before the reply),
 * plus garbage frames and chunked replies. Every purchase goes through the SDK's "make sure"
 * calls. The sandbox's ledger then proves: nothing bought twice, nothing lost (every operation
 * ended known), and the balance spent equals the prices of what was done.
 */
import { CERT_PRICES, DEFAULT_PRICES, OPTION_PRICE } from "@hrdkit/sandbox";
import { HrdError } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CERT_CONTACT, makeCsr } from "./scenarios/cert.js";
import { NS, PERSON, sandboxAndClient } from "./support/fixtures.js";

const SEED = Number(process.env.CHAOS_SEED ?? 20261127);
const START_BALANCE = 500_000_000; // 5 000 000 zł: the run must not be limited by funds
const price = (tld: string) => DEFAULT_PRICES.find((p) => p.tld === tld)!;

type Outcome = {
  kind: string;
  key: string;
  done: boolean;
  expected: number;
  /** The purchase was resent after a lost request, or its reply was lost: reconciled by reading. */
  reconciled?: boolean;
  error?: string;
};

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
    const tldOf = (name: string) => name.slice(name.indexOf(".") + 1);
    const registrations = Array.from({ length: 500 }, (_, i) => `chaos-${i}.${tlds[i % tlds.length]}`);
    await runAll(registrations, 8, async (name) => {
      const r = await c.ensureDomainRegistered({ name, user, ns: NS }, { maxAttempts: 6 });
      outcomes.push({
        kind: "domain:create",
        key: name,
        done: true,
        expected: price(tldOf(name)).register,
        reconciled: r.reconciled,
      });
    });
    await runAll(registrations.slice(0, 250), 8, async (name) => {
      const info = await c.domain.info({ name }, { retries: 8 });
      const r = await c.ensureDomainRenewed(
        { name, currentExpirationDate: info.exDate!.slice(0, 10) },
        { maxAttempts: 6 },
      );
      outcomes.push({
        kind: "domain:renew",
        key: name,
        done: true,
        expected: price(tldOf(name)).renew,
        reconciled: r.reconciled,
      });
    });
    const transfers = Array.from({ length: 100 }, (_, i) => `taken-chaos-${i}.${i % 2 ? "pl" : "com"}`);
    await runAll(transfers, 8, async (name) => {
      const r = await c.ensureDomainTransferred({ name, user, authInfo: `kod-${name}` }, { maxAttempts: 6 });
      outcomes.push({
        kind: "domain:transfer",
        key: name,
        done: true,
        expected: price(tldOf(name)).transfer,
        reconciled: r.reconciled,
      });
    });
    const optionNames = Array.from({ length: 100 }, (_, i) => `opcja-chaos-${i}.pl`);
    await runAll(optionNames, 8, async (name) => {
      const r = await c.ensureOptionCreated({ name, user }, { maxAttempts: 6 });
      outcomes.push({
        kind: "future:create",
        key: name,
        done: true,
        expected: OPTION_PRICE.register,
        reconciled: r.reconciled,
      });
    });
    const positive = CERT_PRICES.find((p) => p.product === "Positive SSL")!.register;
    const csrs = await Promise.all(Array.from({ length: 100 }, (_, i) => makeCsr(`cert-chaos-${i}.pl`)));
    await runAll(
      csrs.map((csr, i) => ({ csr: csr.pem, domain: `cert-chaos-${i}.pl` })),
      8,
      async ({ csr, domain }) => {
        const order = await c.orderCertificateOnce(
          {
            product: "Positive SSL",
            approverEmail: `admin@${domain}`,
            csr,
            adminContact: CERT_CONTACT,
            userId: user,
          },
          { maxAttempts: 6 },
        );
        outcomes.push({
          kind: "cert:create",
          key: String(order.certId),
          done: true,
          expected: positive,
          reconciled: order.reconciled,
        });
      },
    );
    faults.clear();
    // Let every action finish so that the ledger holds every charge.
    env.sandbox.clock.advance(60_000);
    env.sandbox.state.tick();

    async function runAll<T>(items: T[], width: number, fn: (item: T) => Promise<void>) {
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
  afterAll(async () => {
    if (process.env.CHAOS_REPORT) {
      const by = (k: string) => outcomes.filter((o) => o.kind === k);
      const kinds = [...new Set(outcomes.map((o) => o.kind))];
      console.log(
        JSON.stringify({
          seed: SEED,
          operations: outcomes.length,
          faultsFired: env.sandbox.faults.fired,
          reconciled: Object.fromEntries(kinds.map((k) => [k, by(k).filter((o) => o.reconciled).length])),
          charges: env.sandbox.state.ledger.length,
          spentGrosze: env.sandbox.state.charged,
        }),
      );
    }
    await env.close();
  });

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

  it("the faults hit every kind of purchase, and each such purchase was reconciled by reading state", () => {
    const kinds = ["domain:create", "domain:renew", "domain:transfer", "future:create", "cert:create"];
    for (const kind of kinds) {
      const mine = outcomes.filter((o) => o.kind === kind);
      expect(mine.length, kind).toBeGreaterThanOrEqual(100);
      expect(mine.filter((o) => o.reconciled).length, kind).toBeGreaterThan(0);
    }
  });

  it("bought nothing twice: one ledger charge per registration, renewal, transfer, option and certificate", () => {
    const charges = new Map<string, number>();
    for (const e of env.sandbox.state.ledger) {
      const k = `${e.object}:${e.type}:${e.objectName ?? e.objectId}`;
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
