import { startSandbox } from "@hrdkit/sandbox";
import {
  HrdApiError,
  HrdClient,
  HrdConnectionError,
  HrdCredentialsError,
  HrdInsufficientBalanceError,
  HrdOutcomeUnknownError,
  HrdTimeoutError,
  HrdValidationError,
} from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPANY, NS, PERSON, sandboxAndClient } from "./support/fixtures.js";

describe("SDK against the sandbox over TLS", () => {
  let env: Awaited<ReturnType<typeof sandboxAndClient>>;
  beforeAll(async () => {
    env = await sandboxAndClient();
  });
  afterAll(() => env.close());

  it("logs in and reads the balance as exact amounts", async () => {
    const b = await env.client.partner.getBalance();
    expect(b.balance).toEqual({ value: "10000.00", grosze: 1_000_000 });
    expect(b.restrictedBalance.grosze).toBe(0);
  });

  it("reads the price list, its codes and one service's prices", async () => {
    const all = await env.client.partner.getPricings();
    const pl = all.find((p) => p.service === "d_pl");
    expect(pl?.prices).toContainEqual({ name: "Rejestracja", value: "39.00" });
    const codes = await env.client.partner.getPricingsList();
    expect(codes).toContain("d_com_pl");
    expect(codes).toHaveLength(all.length);
    const com = await env.client.partner.getPricingInfo({ name: "d_com" });
    expect(com.service).toBe("d_com");
    expect(com.prices.find((p) => p.name === "Cesja")?.value).toBeNull();
    await expect(env.client.partner.getPricingInfo({ name: "d_nope" })).rejects.toBeInstanceOf(HrdApiError);
  });

  it("creates, updates, reads and lists registrant accounts", async () => {
    const { id } = await env.client.user.create(PERSON);
    const { id: companyId } = await env.client.user.create(COMPANY);
    const info = await env.client.user.info({ id });
    expect(info).toMatchObject({
      name: "Jan Kowalski",
      type: "person",
      landlinePhone: "+48.221003248",
      mobilePhone: "+48.600100200",
    });
    expect(info.crDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    const company = await env.client.user.info({ id: companyId });
    expect(company).toMatchObject({ type: "company", representative: "Anna Nowak", idNumber: "1234563218" });
    await env.client.user.update({
      id,
      street: "ul. Nowa 2",
      postcode: "00-002",
      city: "Kraków",
      country: "PL",
    });
    expect((await env.client.user.info({ id })).city).toBe("Kraków");
    const ids = await env.client.user.list();
    expect(ids).toEqual(expect.arrayContaining([id, companyId]));
  });

  it("rejects a bad PESEL, NIP, phone and missing representative before sending, naming every field", async () => {
    const before = env.sandbox.counts.get("user/create") ?? 0;
    const err = await env.client.user
      .create({
        ...COMPANY,
        representative: undefined,
        idNumber: "1234563219",
        landlinePhone: "12",
        email: "nope",
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HrdValidationError);
    const paths = (err as HrdValidationError).issues.map((i) => i.path).sort();
    expect(paths).toEqual(["email", "idNumber", "landlinePhone", "representative"]);
    expect((err as Error).message).toContain("idNumber");
    const person = await env.client.user
      .create({ ...PERSON, idNumber: "44051401358" })
      .catch((e: unknown) => e);
    expect((person as HrdValidationError).issues.map((i) => i.path)).toEqual(["idNumber"]);
    expect(env.sandbox.counts.get("user/create") ?? 0).toBe(before);
  });

  it("checks names, with IDN out as punycode and back as Unicode", async () => {
    const res = await env.client.domain.check({
      names: ["Wolna-Nazwa.pl", "hrd.pl", "żółw.pl", "tylko-x.pl", "x.nieznane"],
    });
    expect(res).toEqual([
      { name: "wolna-nazwa.pl", status: "available" },
      { name: "hrd.pl", status: "taken" },
      { name: "żółw.pl", status: "available" },
      { name: "tylko-x.pl", status: "createOnly" },
      { name: "x.nieznane", status: "unknown" },
    ]);
  });

  it("registers a domain, waits for its action, and charges the balance once", async () => {
    const { id: user } = await env.client.user.create(PERSON);
    const before = (await env.client.partner.getBalance()).balance.grosze;
    const { actionId } = await env.client.domain.create({
      name: "sklep-rowerowy.pl",
      user,
      period: 2,
      ns: NS,
    });
    const action = await env.client.waitForAction(actionId, { intervalMs: 10 });
    expect(action).toMatchObject({
      ok: true,
      status: "done",
      type: "create",
      objectName: "sklep-rowerowy.pl",
    });
    expect(action.amount?.grosze).toBe(2 * 3900);
    const info = await env.client.domain.info({ name: "sklep-rowerowy.pl" });
    expect(info).toMatchObject({
      status: "registered",
      user,
      privacy: false,
      ns: { hosts: [{ name: "ns1.hrd.pl" }, { name: "ns2.hrd.pl" }] },
    });
    expect(Number(info.exDate!.slice(0, 4)) - Number(info.crDate!.slice(0, 4))).toBe(2);
    expect((await env.client.partner.getBalance()).balance.grosze).toBe(before - 7800);
    // Taken now.
    const [c] = await env.client.domain.check({ names: ["sklep-rowerowy.pl"] });
    expect(c?.status).toBe("taken");
    await expect(
      env.client.domain.create({ name: "sklep-rowerowy.pl", user, ns: NS }),
    ).rejects.toBeInstanceOf(HrdApiError);
  });

  it("registers an IDN domain with in-bailiwick glue and reads it back in Unicode", async () => {
    const { id: user } = await env.client.user.create(PERSON);
    const { actionId } = await env.client.domain.create({
      name: "zażółć.pl",
      user,
      ns: [
        { name: "ns1.zażółć.pl", ipv4: ["192.0.2.1"] },
        { name: "ns2.zażółć.pl", ipv6: ["2001:db8::1"] },
      ],
    });
    await env.client.waitForAction(actionId, { intervalMs: 10 });
    const info = await env.client.domain.info({ name: "zażółć.pl" });
    expect(info.name).toBe("zażółć.pl");
    expect(info.ns).toEqual({
      hosts: [
        { name: "ns1.zażółć.pl", ipv4: ["192.0.2.1"], ipv6: [] },
        { name: "ns2.zażółć.pl", ipv4: [], ipv6: ["2001:db8::1"] },
      ],
    });
  });

  it("refuses nameserver mistakes before sending: glue outside the domain, missing glue inside, duplicates", async () => {
    const err = (await env.client.domain
      .create({
        name: "przyklad.pl",
        user: 1,
        ns: [{ name: "ns1.hrd.pl", ipv4: ["192.0.2.1"] }, "ns1.przyklad.pl", "ns1.hrd.pl"],
      })
      .catch((e: unknown) => e)) as HrdValidationError;
    expect(err).toBeInstanceOf(HrdValidationError);
    expect(err.issues.map((i) => i.path)).toEqual(["ns.0", "ns.1", "ns.2"]);
    expect(err.issues[0]!.message).toMatch(/outside/);
    expect(err.issues[1]!.message).toMatch(/needs glue/);
    expect(err.issues[2]!.message).toMatch(/twice/);
  });

  it("books an available .pl name, then registers it; a createOnly name is registered but not booked", async () => {
    const { id: user } = await env.client.user.create(PERSON);
    const { actionId } = await env.client.domain.book({ name: "rezerwacja-sklep.pl", user });
    await env.client.waitForAction(actionId, { intervalMs: 10 });
    expect((await env.client.domain.info({ name: "rezerwacja-sklep.pl" })).status).toBe("booked");
    const create = await env.client.domain.create({ name: "rezerwacja-sklep.pl", user, ns: NS });
    await env.client.waitForAction(create.actionId, { intervalMs: 10 });
    expect((await env.client.domain.info({ name: "rezerwacja-sklep.pl" })).status).toBe("registered");
    await expect(env.client.domain.book({ name: "tylko-bez-rezerwacji.pl", user })).rejects.toThrow(
      /rezerwacji/,
    );
    await expect(env.client.domain.book({ name: "wolna-inna.com", user })).rejects.toThrow(/rezerwacji/);
    const direct = await env.client.domain.create({ name: "tylko-bez-rezerwacji.pl", user, ns: NS });
    expect((await env.client.waitForAction(direct.actionId, { intervalMs: 10 })).ok).toBe(true);
  });

  it("renews by current expiry date; the same renew sent again is refused, not charged", async () => {
    const { id: user } = await env.client.user.create(PERSON);
    const { actionId } = await env.client.domain.create({ name: "odnowienie-test.com.pl", user, ns: NS });
    await env.client.waitForAction(actionId, { intervalMs: 10 });
    const { exDate } = await env.client.domain.info({ name: "odnowienie-test.com.pl" });
    const renew = await env.client.domain.renew({
      name: "odnowienie-test.com.pl",
      currentExpirationDate: exDate!,
      period: 1,
    });
    await env.client.waitForAction(renew.actionId, { intervalMs: 10 });
    const after = await env.client.domain.info({ name: "odnowienie-test.com.pl" });
    expect(Number(after.exDate!.slice(0, 4))).toBe(Number(exDate!.slice(0, 4)) + 1);
    const charged = env.sandbox.state.ledger.filter(
      (e) => e.objectName === "odnowienie-test.com.pl" && e.type === "renew",
    );
    expect(charged).toHaveLength(1);
    await expect(
      env.client.domain.renew({ name: "odnowienie-test.com.pl", currentExpirationDate: exDate!, period: 1 }),
    ).rejects.toThrow(/data wygaśnięcia/);
    expect(
      env.sandbox.state.ledger.filter((e) => e.objectName === "odnowienie-test.com.pl" && e.type === "renew"),
    ).toHaveLength(1);
  });

  it("updates nameservers, lists domains and actions page by page", async () => {
    const { id: user } = await env.client.user.create(PERSON);
    const { actionId } = await env.client.domain.create({ name: "zmiana-ns.pl", user, ns: NS });
    await env.client.waitForAction(actionId, { intervalMs: 10 });
    await env.client.domain.update({
      name: "zmiana-ns.pl",
      ns: ["dns1.example.com", "dns2.example.com", "dns3.example.com"],
    });
    const info = await env.client.domain.info({ name: "zmiana-ns.pl" });
    expect(info.ns && "hosts" in info.ns ? info.ns.hosts.map((h) => h.name) : []).toEqual([
      "dns1.example.com",
      "dns2.example.com",
      "dns3.example.com",
    ]);
    const names: string[] = [];
    for await (const n of env.client.iterate("domain/list")) names.push(n);
    expect(names).toContain("zmiana-ns.pl");
    expect(names).toContain("zażółć.pl");
    const actions: number[] = [];
    for await (const a of env.client.iterate("action/list")) actions.push(a);
    expect(actions).toContain(actionId);
    expect([...actions].sort((a, b) => a - b)).toEqual(actions);
  });

  it("reads the poll queue: the head repeats until acknowledged", async () => {
    const first = await env.client.poll.get();
    expect(first).not.toBeNull();
    expect(await env.client.poll.get()).toEqual(first);
    await env.client.poll.ack({ id: first!.id });
    const next = await env.client.poll.get();
    expect(next?.id).not.toBe(first!.id);
    await expect(env.client.poll.ack({ id: first!.id })).rejects.toBeInstanceOf(HrdApiError);
  });
});

describe("lists with cursors", () => {
  it("iterates across many pages", async () => {
    const env = await sandboxAndClient({ pageSize: 3 });
    try {
      const created: number[] = [];
      for (let i = 0; i < 8; i++) created.push((await env.client.user.create(PERSON)).id);
      expect(await env.client.user.list()).toHaveLength(3);
      const all: number[] = [];
      for await (const id of env.client.iterate("user/list")) all.push(id);
      expect(all).toEqual(created);
      expect(env.sandbox.counts.get("user/list")).toBe(1 + 4); // the single page above + 3 full pages, a short one, an empty one
    } finally {
      await env.close();
    }
  });
});

describe("balance and money", () => {
  it("refuses a registration the balance cannot cover, and holds funds while the action runs", async () => {
    const env = await sandboxAndClient({ balance: 5_000, actionDelayMs: 60_000 });
    try {
      const { id: user } = await env.client.user.create(PERSON);
      const { actionId } = await env.client.domain.create({ name: "pierwsza.pl", user, ns: NS });
      const held = await env.client.partner.getBalance();
      expect(held).toMatchObject({ balance: { grosze: 5000 }, restrictedBalance: { grosze: 3900 } });
      const err = await env.client.domain.create({ name: "druga.pl", user, ns: NS }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HrdInsufficientBalanceError);
      expect((err as HrdInsufficientBalanceError).code).toBe("insufficient_balance");
      expect((err as HrdInsufficientBalanceError).outcome).toBe("rejected");
      expect((err as HrdInsufficientBalanceError).hrdMessage).toMatch(/środków/);
      env.sandbox.clock.advance(60_000);
      const done = await env.client.waitForAction(actionId, { intervalMs: 10 });
      expect(done.ok).toBe(true);
      expect(await env.client.partner.getBalance()).toMatchObject({
        balance: { grosze: 1100 },
        restrictedBalance: { grosze: 0 },
      });
    } finally {
      await env.close();
    }
  });
});

describe("login failures", () => {
  it("a wrong API password gets the credentials error that says where to regenerate them", async () => {
    const sandbox = await startSandbox();
    const client = new HrdClient({ ...sandbox.clientOptions(), password: "wrong-password" });
    try {
      const err = (await client.partner.getBalance().catch((e: unknown) => e)) as HrdCredentialsError;
      expect(err).toBeInstanceOf(HrdCredentialsError);
      expect(err.message).toMatch(/API password or the API key does not match/);
      expect(err.message).toMatch(/purchase panel/);
      expect(err.message).not.toContain("wrong-password");
      expect(err.retryable).toBe(false);
      expect(sandbox.counts.get("login")).toBe(1); // not retried
      expect(sandbox.counts.get("partner/getBalance")).toBeUndefined();
    } finally {
      await client.close();
      await sandbox.close();
    }
  });

  it("a wrong API key (so a bad signature) is refused the same way", async () => {
    const sandbox = await startSandbox();
    const client = new HrdClient({ ...sandbox.clientOptions(), apiKey: "ab".repeat(32) });
    try {
      const err = await client.partner.getBalance().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HrdCredentialsError);
      expect((err as Error).message).not.toContain("ab".repeat(32));
    } finally {
      await client.close();
      await sandbox.close();
    }
  });

  it("refuses a certificate it does not trust (verification is on by default)", async () => {
    const sandbox = await startSandbox();
    const { ca: _ca, ...withoutCa } = sandbox.clientOptions();
    const client = new HrdClient({ ...withoutCa, retries: 0 });
    try {
      const err = await client.partner.getBalance().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HrdConnectionError);
      expect((err as Error).message).toMatch(/TLS verification failed/);
      expect(sandbox.counts.get("login")).toBeUndefined();
    } finally {
      await client.close();
      await sandbox.close();
    }
  });
});

describe("connections", () => {
  it("resumes the session with its token after a dropped connection", async () => {
    const env = await sandboxAndClient();
    try {
      await env.client.partner.getBalance();
      env.sandbox.dropConnections();
      await new Promise((r) => setTimeout(r, 20));
      const b = await env.client.partner.getBalance();
      expect(b.balance.grosze).toBe(1_000_000);
      expect(env.sandbox.counts.get("login")).toBe(1);
      expect(env.sandbox.counts.get("token")).toBe(1);
    } finally {
      await env.close();
    }
  });

  it("falls back to a full login when the token expired", async () => {
    const env = await sandboxAndClient({ tokenTtlMs: 1000 });
    try {
      await env.client.partner.getBalance();
      env.sandbox.dropConnections();
      env.sandbox.clock.advance(5000);
      await env.client.partner.getBalance();
      expect(env.sandbox.counts.get("token")).toBe(1);
      expect(env.sandbox.counts.get("login")).toBe(2);
    } finally {
      await env.close();
    }
  });

  it("retries a read after the connection drops before the reply", async () => {
    const env = await sandboxAndClient();
    try {
      env.sandbox.faults.add({ kind: "drop-after", operation: "domain/check", times: 2 });
      const [r] = await env.client.domain.check({ names: ["ponowienie.pl"] });
      expect(r?.status).toBe("available");
      expect(env.sandbox.counts.get("domain/check")).toBe(3);
    } finally {
      await env.close();
    }
  });

  it("never resends a registration whose reply was lost: outcome unknown, with what to reconcile", async () => {
    const env = await sandboxAndClient();
    try {
      const { id: user } = await env.client.user.create(PERSON);
      env.sandbox.faults.add({ kind: "drop-after", operation: "domain/create", times: 1 });
      const err = (await env.client.domain
        .create({ name: "zgubiona-odpowiedz.pl", user, ns: NS })
        .catch((e: unknown) => e)) as HrdOutcomeUnknownError;
      expect(err).toBeInstanceOf(HrdOutcomeUnknownError);
      expect(err.outcome).toBe("unknown");
      expect(err.subject).toEqual({ name: "zgubiona-odpowiedz.pl" });
      expect(err.reconcile).toMatch(/domain\/info/);
      expect(env.sandbox.counts.get("domain/create")).toBe(1);
      // Reconcile by reading state: it was applied.
      const info = await env.client.domain.info({ name: "zgubiona-odpowiedz.pl" });
      expect(info.user).toBe(user);
    } finally {
      await env.close();
    }
  });

  it("never resends user/create after a lost reply (it would make a second account)", async () => {
    const env = await sandboxAndClient();
    try {
      env.sandbox.faults.add({ kind: "drop-after", operation: "user/create", times: 1 });
      const err = (await env.client.user.create(PERSON).catch((e: unknown) => e)) as HrdOutcomeUnknownError;
      expect(err).toBeInstanceOf(HrdOutcomeUnknownError);
      expect(err.reconcile).toMatch(/user\/list/);
      expect(env.sandbox.state.users.size).toBe(1);
      expect(env.sandbox.counts.get("user/create")).toBe(1);
    } finally {
      await env.close();
    }
  });

  it("sends a registration again when the first attempt never left (connection refused at login)", async () => {
    const env = await sandboxAndClient();
    try {
      const { id: user } = await env.client.user.create(PERSON);
      env.sandbox.dropConnections();
      await new Promise((r) => setTimeout(r, 20)); // the client has seen its idle connection close
      env.sandbox.faults.add({ kind: "drop-before", operation: "token", times: 1 });
      const { actionId } = await env.client.domain.create({ name: "nie-wyslana.pl", user, ns: NS });
      expect(actionId).toBeGreaterThan(0);
      expect(env.sandbox.counts.get("domain/create")).toBe(1);
    } finally {
      await env.close();
    }
  });

  it("reassembles replies split over many TCP writes and check answers split over several frames", async () => {
    const env = await sandboxAndClient({ checkNamesPerFrame: 7 });
    try {
      env.sandbox.faults.add({ kind: "chunked", operation: "domain/check" });
      const names = Array.from({ length: 100 }, (_, i) => `podzielona-${i}.pl`);
      const res = await env.client.domain.check({ names });
      expect(res.map((r) => r.name)).toEqual(names);
      expect(env.sandbox.faults.fired.chunked).toBe(1);
      // The connection is still in step: the next call gets its own answer.
      expect((await env.client.partner.getBalance()).balance.grosze).toBe(1_000_000);
    } finally {
      await env.close();
    }
  });

  it("times out a silent server, drops that connection and recovers on a new one", async () => {
    const env = await sandboxAndClient({}, { timeoutMs: 200, retries: 0 });
    try {
      env.sandbox.faults.add({ kind: "silent", operation: "partner/getBalance", times: 1 });
      const err = await env.client.partner.getBalance().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HrdTimeoutError);
      expect((await env.client.partner.getBalance()).balance.grosze).toBe(1_000_000);
    } finally {
      await env.close();
    }
  });

  it("honours an AbortSignal", async () => {
    const env = await sandboxAndClient();
    try {
      env.sandbox.faults.add({ kind: "delay", delayMs: 500, operation: "partner/getBalance", times: 1 });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      const err = await env.client.partner
        .getBalance(undefined, { signal: ac.signal })
        .catch((e: unknown) => e);
      expect((err as { code?: string }).code ?? (err as Error).name).toMatch(/aborted|AbortError/);
    } finally {
      await env.close();
    }
  });

  it("treats a garbage frame as a protocol fault and retries the read", async () => {
    const env = await sandboxAndClient();
    try {
      env.sandbox.faults.add({ kind: "garbage", operation: "domain/info", times: 1 });
      await expect(env.client.domain.info({ name: "nie-ma-takiej.pl" })).rejects.toBeInstanceOf(HrdApiError);
      expect(env.sandbox.counts.get("domain/info")).toBe(2);
    } finally {
      await env.close();
    }
  });

  it("runs concurrent calls over at most poolSize connections", async () => {
    const env = await sandboxAndClient({}, { poolSize: 3 });
    try {
      env.sandbox.faults.add({ kind: "delay", delayMs: 30, operation: "domain/check" });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => env.client.domain.check({ names: [`rownolegle-${i}.pl`] })),
      );
      expect(results.map((r) => r[0]?.name)).toEqual(
        Array.from({ length: 12 }, (_, i) => `rownolegle-${i}.pl`),
      );
      expect(env.sandbox.connections()).toBe(3);
      expect(env.client.openConnections).toBe(3);
    } finally {
      await env.close();
    }
  });
});

describe("configuration", () => {
  it("fromEnv names every missing variable", () => {
    expect(() => HrdClient.fromEnv({}, { HRD_LOGIN: "x" })).toThrow(/HRD_PASSWORD, HRD_API_KEY/);
  });

  it("fromEnv reads host and port", async () => {
    const sandbox = await startSandbox();
    const client = HrdClient.fromEnv(
      { ca: sandbox.ca, servername: "localhost" },
      {
        HRD_LOGIN: sandbox.login,
        HRD_PASSWORD: sandbox.password,
        HRD_API_KEY: sandbox.apiKey,
        HRD_HOST: sandbox.host,
        HRD_PORT: String(sandbox.port),
      },
    );
    try {
      expect((await client.partner.getBalance()).balance.grosze).toBe(1_000_000);
    } finally {
      await client.close();
      await sandbox.close();
    }
  });
});
