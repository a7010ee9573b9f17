/**
 * The SDK under faults: "make sure" calls that resolve unknown outcomes by reading state, and the
 * client-side rate limiter.
 */
import { HrdClient, HrdError, HrdValidationError, RateLimiter } from "@hrdkit/sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CERT_CONTACT, makeCsr } from "./scenarios/cert.js";
import { COMPANY, NS, PERSON, sandboxAndClient } from "./support/fixtures.js";

describe("ensureDomainRegistered / ensureDomainRenewed", () => {
  let env: Awaited<ReturnType<typeof sandboxAndClient>>;
  let person: number;
  let company: number;
  beforeAll(async () => {
    env = await sandboxAndClient();
    person = (await env.client.user.create(PERSON)).id;
    company = (await env.client.user.create(COMPANY)).id;
  });
  afterAll(() => env.close());
  afterEach(() => env.sandbox.faults.clear());

  const charges = (name: string, type: string) =>
    env.sandbox.state.ledger.filter((e) => e.objectName === name && e.type === type);

  it("buys a name that is not there, and reports an existing one without buying", async () => {
    const first = await env.client.ensureDomainRegistered({ name: "pewny.pl", user: person, ns: NS });
    expect(first).toMatchObject({ outcome: "registered", attempts: 1, reconciled: false });
    expect(first.actionId).toBeGreaterThan(0);
    await env.client.waitForAction(first.actionId!, { intervalMs: 5 });
    const again = await env.client.ensureDomainRegistered({ name: "pewny.pl", user: person, ns: NS });
    expect(again).toMatchObject({ outcome: "alreadyRegistered", attempts: 0 });
    expect(again.domain?.status).toBe("registered");
    expect(charges("pewny.pl", "create")).toHaveLength(1);
  });

  it("a reply lost after the purchase was applied: reads state, does not buy again", async () => {
    env.sandbox.faults.add({ kind: "drop-after", operation: "domain/create", times: 1 });
    const r = await env.client.ensureDomainRegistered({
      name: "zgubiona-odpowiedz.pl",
      user: person,
      ns: NS,
    });
    expect(r).toMatchObject({ outcome: "registered", attempts: 1, reconciled: true });
    expect(r.actionId).toBeUndefined(); // the reply carrying it never arrived
    expect(r.domain?.status).toBe("registered");
    expect(env.sandbox.counts.get("domain/create")).toBeGreaterThanOrEqual(1);
    expect(charges("zgubiona-odpowiedz.pl", "create")).toHaveLength(1);
  });

  it("a request dropped before it was applied: reads state, finds nothing, buys once", async () => {
    env.sandbox.faults.add({ kind: "drop-before", operation: "domain/create", times: 1 });
    const r = await env.client.ensureDomainRegistered({ name: "zgubione-zadanie.pl", user: person, ns: NS });
    expect(r).toMatchObject({ outcome: "registered", attempts: 2 });
    expect(charges("zgubione-zadanie.pl", "create")).toHaveLength(1);
  });

  it("refuses a name held for another registrant account, and bad input before anything is sent", async () => {
    await env.client.ensureDomainRegistered({ name: "cudza.pl", user: company, ns: NS });
    const err = await env.client
      .ensureDomainRegistered({ name: "cudza.pl", user: person, ns: NS })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HrdError);
    expect((err as HrdError).code).toBe("conflict");
    expect((err as Error).message).toContain(String(company));
    const sent = env.sandbox.counts.get("domain/info") ?? 0;
    const bad = await env.client
      .ensureDomainRegistered({ name: "zła nazwa", user: 0, ns: ["ns1.hrd.pl"] })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(HrdValidationError);
    expect((bad as HrdValidationError).issues.map((i) => i.path).sort()).toEqual(["name", "ns", "user"]);
    expect(env.sandbox.counts.get("domain/info") ?? 0).toBe(sent);
  });

  it("renews once even when the reply is lost, and reports a renewal already done", async () => {
    const { actionId } = await env.client.domain.create({ name: "odnawiana.pl", user: person, ns: NS });
    await env.client.waitForAction(actionId, { intervalMs: 5 });
    const exDate = (await env.client.domain.info({ name: "odnawiana.pl" })).exDate!.slice(0, 10);
    env.sandbox.faults.add({ kind: "drop-after", operation: "domain/renew", times: 1 });
    const r = await env.client.ensureDomainRenewed({ name: "odnawiana.pl", currentExpirationDate: exDate });
    expect(r).toMatchObject({ outcome: "renewed", attempts: 1 });
    expect(r.domain!.exDate!.slice(0, 4)).toBe(String(Number(exDate.slice(0, 4)) + 1));
    const again = await env.client.ensureDomainRenewed({
      name: "odnawiana.pl",
      currentExpirationDate: exDate,
    });
    expect(again).toMatchObject({ outcome: "alreadyRenewed", attempts: 0 });
    await env.client.waitForAction(r.domain!.actions.at(-1)!, { intervalMs: 5 });
    expect(charges("odnawiana.pl", "renew")).toHaveLength(1);
    // An expiry date HRD does not show (a caller's stale copy from the future) is refused, unsent.
    const sent = env.sandbox.counts.get("domain/renew");
    const wrong = await env.client
      .ensureDomainRenewed({ name: "odnawiana.pl", currentExpirationDate: "2099-01-01" })
      .catch((e: unknown) => e);
    expect((wrong as HrdError).code).toBe("conflict");
    expect((wrong as Error).message).toContain("not on 2099-01-01");
    expect(env.sandbox.counts.get("domain/renew")).toBe(sent);
  });
});

describe("ensureDomainTransferred / ensureOptionCreated / orderCertificateOnce", () => {
  let env: Awaited<ReturnType<typeof sandboxAndClient>>;
  let person: number;
  beforeAll(async () => {
    env = await sandboxAndClient();
    person = (await env.client.user.create(PERSON)).id;
  });
  afterAll(() => env.close());
  afterEach(() => env.sandbox.faults.clear());
  const charges = (type: string, key: (e: { objectName?: string; objectId?: number }) => boolean) =>
    env.sandbox.state.ledger.filter((e) => e.type === type && key(e));

  it("orders a transfer once across a lost reply, and reports a name already in the account", async () => {
    env.sandbox.faults.add({ kind: "drop-after", operation: "domain/transfer", times: 1 });
    const t = await env.client.ensureDomainTransferred({
      name: "taken-przenosiny.pl",
      user: person,
      authInfo: "kod-1",
    });
    expect(t).toMatchObject({ outcome: "transferOrdered", attempts: 1 });
    expect(t.domain?.status).toMatch(/ordered|registered/);
    env.sandbox.state.tick();
    const again = await env.client.ensureDomainTransferred({
      name: "taken-przenosiny.pl",
      user: person,
      authInfo: "kod-1",
    });
    expect(again).toMatchObject({ outcome: "alreadyInAccount", attempts: 0 });
    expect(charges("transfer", (e) => e.objectName === "taken-przenosiny.pl")).toHaveLength(1);
  });

  it("creates an option once across a request lost before it arrived", async () => {
    env.sandbox.faults.add({ kind: "drop-before", operation: "domain/futureCreate", times: 1 });
    const o = await env.client.ensureOptionCreated({ name: "opcja-pewna.pl", user: person });
    expect(o).toMatchObject({ outcome: "optionCreated", attempts: 2 });
    const again = await env.client.ensureOptionCreated({ name: "opcja-pewna.pl", user: person });
    expect(again.outcome).toBe("alreadyHeld");
    expect(charges("create", (e) => e.objectName === "opcja-pewna.pl")).toHaveLength(1);
  });

  it("orders a certificate exactly once when the reply is lost, finding it by product, account and CSR", async () => {
    const { pem } = await makeCsr("pewny-cert.pl");
    const order = {
      product: "Positive SSL" as const,
      approverEmail: "admin@pewny-cert.pl",
      csr: pem,
      adminContact: CERT_CONTACT,
      userId: person,
    };
    env.sandbox.faults.add({ kind: "drop-after", operation: "cert/create", times: 1 });
    const r = await env.client.orderCertificateOnce(order);
    expect(r.attempts).toBe(1);
    expect(r.actionId).toBeUndefined();
    expect(env.sandbox.state.certs.get(r.certId)?.product).toBe("Positive SSL");
    expect([...env.sandbox.state.certs.values()].filter((c) => c.user === person)).toHaveLength(1);
    // A request lost before arriving is ordered again, once.
    env.sandbox.faults.add({ kind: "drop-before", operation: "cert/create", times: 1 });
    const second = await env.client.orderCertificateOnce({
      ...order,
      csr: (await makeCsr("drugi-cert.pl")).pem,
      approverEmail: "admin@drugi-cert.pl",
    });
    expect(second.attempts).toBe(2);
    expect(second.actionId).toBeGreaterThan(0);
    env.sandbox.state.tick();
    expect(charges("create", (e) => e.objectId === r.certId)).toHaveLength(1);
    expect(charges("create", (e) => e.objectId === second.certId)).toHaveLength(1);
  });
});

describe("rate limiter", () => {
  afterEach(() => vi.useRealTimers());

  it("lets a burst through, then spaces callers at the rate, in order", async () => {
    vi.useFakeTimers();
    const limiter = new RateLimiter({ perSecond: 5, burst: 2 });
    const done: number[] = [];
    const all = Array.from({ length: 6 }, (_, i) => limiter.take().then(() => done.push(i)));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(200);
    expect(done).toEqual([0, 1, 2]);
    await vi.advanceTimersByTimeAsync(600);
    expect(done).toEqual([0, 1, 2, 3, 4, 5]);
    await Promise.all(all);
  });

  it("a waiting caller can be aborted, and closing rejects the rest", async () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1 });
    await limiter.take();
    const ac = new AbortController();
    const waiting = limiter.take(ac.signal);
    const other = limiter.take();
    ac.abort();
    await expect(waiting).rejects.toMatchObject({ code: "aborted" });
    limiter.close();
    await expect(other).rejects.toMatchObject({ code: "aborted" });
  });

  it("keeps a client's requests at or under the rate it was given", async () => {
    const env = await sandboxAndClient({ recordTraffic: true }, { maxRequestsPerSecond: 20, poolSize: 4 });
    try {
      await env.client.partner.getBalance(); // logged in before the measured burst
      const arrivals: number[] = [];
      const before = env.sandbox.counts.get("domain/check") ?? 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          env.client.domain.check({ names: [`limit-${i}.pl`] }).then(() => arrivals.push(performance.now())),
        ),
      );
      const elapsed = performance.now() - start;
      expect((env.sandbox.counts.get("domain/check") ?? 0) - before).toBe(30);
      // 19 tokens were left after the balance call; the other 11 come at 20/s: at least ~0.5 s.
      expect(elapsed).toBeGreaterThanOrEqual(450);
    } finally {
      await env.close();
    }
  });

  it("refuses nonsense limits naming the option", () => {
    expect(
      () => new HrdClient({ login: "a", password: "b", apiKey: "ab", maxRequestsPerSecond: 0, poolSize: 0 }),
    ).toThrow(/maxRequestsPerSecond.*poolSize|poolSize.*maxRequestsPerSecond/);
  });
});

describe("checkMany", () => {
  it("checks a long list in calls of 100 through the pool, once per name, with progress", async () => {
    const env = await sandboxAndClient({}, { poolSize: 3 });
    try {
      const names = Array.from({ length: 250 }, (_, i) => `masowo-${i}.pl`);
      names.push("masowo-1.pl", "MASOWO-2.PL", "hrd.pl");
      const progress: number[] = [];
      const results = await env.client.checkMany(names, { onProgress: (done) => progress.push(done) });
      expect(results).toHaveLength(251);
      expect(env.sandbox.counts.get("domain/check")).toBe(3);
      expect(progress.sort((a, b) => a - b).at(-1)).toBe(251);
      expect(results.find((r) => r.name === "hrd.pl")?.status).toBe("taken");
      expect(results.filter((r) => r.status === "available")).toHaveLength(250);
    } finally {
      await env.close();
    }
  });

  it("names every bad name and sends nothing", async () => {
    const env = await sandboxAndClient();
    try {
      const err = await env.client
        .checkMany(["dobra.pl", "zła nazwa", "x", "inna.pl"], { batchSize: 101 })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HrdValidationError);
      expect((err as HrdValidationError).issues.map((i) => i.path)).toEqual([
        "batchSize",
        "names.1",
        "names.2",
      ]);
      expect(env.sandbox.counts.get("domain/check") ?? 0).toBe(0);
    } finally {
      await env.close();
    }
  });
});
