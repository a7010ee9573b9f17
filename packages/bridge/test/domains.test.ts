/**
 * The domain routes over real HTTP, against the bridge's embedded sandbox: a domain's life as a
 * panel drives it — registration with a new registrant, its data, nameservers and glue hosts,
 * privacy, the EPP code, renewal (once, however often the panel asks), expiry, a transfer-in, the
 * price list and name suggestions — plus validation errors that name every bad field.
 */
import type { Bridge, BridgeClient } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, startTestBridge } from "./support/bridge.js";

const DAY = 86_400_000;

const registrant = {
  type: "person" as const,
  name: "Jan Kowalski",
  idNumber: "44051401359",
  email: "jan@example.com",
  phone: "+48 22 100 32 48",
  street: "ul. Długa 1",
  postcode: "00-001",
  city: "Warszawa",
  country: "PL",
};

describe("domain routes over HTTP (embedded sandbox)", () => {
  let bridge: Bridge;
  let client: BridgeClient;
  let hrdUserId: number;
  const name = "cykl-zycia-bridge.pl";

  beforeAll(async () => {
    ({ bridge, client } = await startTestBridge({ keyName: "domains test" }));
  }, 60_000);
  afterAll(() => bridge.close());

  it("registers with a new registrant once: a repeat reuses the account and the purchase", async () => {
    const users = bridge.sandbox!.state.users.size;
    const body = { domain: name, registrant, period: 1, nameservers: ["ns1.hrd.pl", "ns2.hrd.pl"] };
    type Reg = { outcome: string; hrdUserId: number; expiresOn: string; status: string; replayed: boolean };
    const first = await client.call<Reg>("POST", "/v1/domains/register", body, {
      idempotencyKey: "whmcs-101-register-1y",
    });
    expect(first.body).toMatchObject({
      domain: name,
      outcome: "registered",
      status: "registered",
      replayed: false,
    });
    hrdUserId = first.body.hrdUserId;
    expect(hrdUserId).toBeGreaterThan(0);
    const again = await client.call<Reg>("POST", "/v1/domains/register", body, {
      idempotencyKey: "whmcs-101-register-1y",
    });
    expect(again.body).toMatchObject({ replayed: true, hrdUserId, expiresOn: first.body.expiresOn });
    expect(bridge.sandbox!.state.users.size).toBe(users + 1);
    expect(bridge.sandbox!.state.ledger.filter((e) => e.objectName === name)).toHaveLength(1);
  });

  it("reads the domain, and sets and reads its nameservers", async () => {
    const info = await client.call<Record<string, unknown>>("GET", `/v1/domains/${name}`);
    expect(info.body).toMatchObject({
      domain: name,
      status: "registered",
      nameservers: ["ns1.hrd.pl", "ns2.hrd.pl"],
      privacy: false,
      hrdUserId,
    });
    expect(info.body.expiresOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(info.body.createdOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const set = await client.call("PUT", `/v1/domains/${name}/nameservers`, {
      nameservers: ["ns1.example.net", "NS2.example.net"],
    });
    expect(set.body).toEqual({ nameservers: ["ns1.example.net", "ns2.example.net"] });
    const got = await client.call("GET", `/v1/domains/${name}/nameservers`);
    expect(got.body).toEqual({ nameservers: ["ns1.example.net", "ns2.example.net"] });
  });

  it("reads the registrant and changes only what HRD can change", async () => {
    const got = await client.call<{ registrant: Record<string, unknown> }>(
      "GET",
      `/v1/domains/${name}/contacts`,
    );
    expect(got.body.registrant).toMatchObject({
      type: "person",
      name: "Jan Kowalski",
      email: "jan@example.com",
      street: "ul. Długa 1",
      city: "Warszawa",
      country: "PL",
    });
    const put = await client.call<{ registrant: Record<string, unknown> }>(
      "PUT",
      `/v1/domains/${name}/contacts`,
      {
        registrant: {
          phone: "+48 12 345 67 89",
          street: "ul. Floriańska 3",
          postcode: "31-019",
          city: "Kraków",
          country: "pl",
        },
      },
    );
    expect(put.body.registrant).toMatchObject({
      name: "Jan Kowalski",
      street: "ul. Floriańska 3",
      city: "Kraków",
    });
    const e = await failure(
      client.call("PUT", `/v1/domains/${name}/contacts`, {
        registrant: {
          name: "Anna Nowak",
          email: "anna@example.com",
          street: "ul. X 1",
          postcode: "00-001",
          city: "W",
          country: "PL",
        },
      }),
    );
    expect(e.status).toBe(400);
    expect(e.body.issues?.map((i) => i.path).sort()).toEqual(["registrant.email", "registrant.name"]);
    expect(e.message).toMatch(/only phone and address/);
  });

  it("adds, uses, modifies and deletes a glue host", async () => {
    const host = `ns1.${name}`;
    const added = await client.call("POST", `/v1/domains/${name}/hosts`, { host, ips: ["192.0.2.1"] });
    expect(added.body).toEqual({ host, ips: ["192.0.2.1"] });
    const modified = await client.call("PUT", `/v1/domains/${name}/hosts/${host}`, {
      ips: ["192.0.2.2", "2001:db8::53"],
    });
    expect(modified.body).toEqual({ host, ips: ["192.0.2.2", "2001:db8::53"] });
    // A nameserver inside the domain takes its glue host's addresses.
    const ns = await client.call("PUT", `/v1/domains/${name}/nameservers`, {
      nameservers: [host, "ns2.example.net"],
    });
    expect(ns.body).toEqual({ nameservers: [host, "ns2.example.net"] });
    await client.call("PUT", `/v1/domains/${name}/nameservers`, {
      nameservers: ["ns1.hrd.pl", "ns2.hrd.pl"],
    });
    const deleted = await client.call("DELETE", `/v1/domains/${name}/hosts/${host}`);
    expect(deleted.body).toEqual({ deleted: true });
    const outside = await failure(
      client.call("POST", `/v1/domains/${name}/hosts`, { host: "ns1.example.net", ips: ["192.0.2.1"] }),
    );
    expect(outside.body.issues?.map((i) => i.path)).toEqual(["host"]);
    const badIp = await failure(
      client.call("POST", `/v1/domains/${name}/hosts`, { host, ips: ["999.1.1.1"] }),
    );
    expect(badIp.body.issues?.map((i) => i.path)).toEqual(["ips.0"]);
  });

  it("turns privacy on and gives the EPP code", async () => {
    expect((await client.call("PUT", `/v1/domains/${name}/privacy`, { enabled: true })).body).toEqual({
      privacy: true,
    });
    expect(bridge.sandbox!.state.domains.get(name)?.privacy).toBe(true);
    const epp = await client.call<{ eppCode: string }>("GET", `/v1/domains/${name}/epp-code`);
    expect(epp.body.eppCode.length).toBeGreaterThan(4);
    expect((await client.call("GET", `/v1/domains/${name}/epp-code`)).body).toEqual(epp.body);
  });

  it("renews once however often the panel asks with the same key", async () => {
    const before = (await client.call<{ expiresOn: string }>("GET", `/v1/domains/${name}`)).body.expiresOn;
    const key = `whmcs-101-renew-${before}`;
    type Renew = { outcome: string; expiresOn: string; replayed: boolean };
    const a = await client.call<Renew>(
      "POST",
      "/v1/domains/renew",
      { domain: name, period: 1 },
      { idempotencyKey: key },
    );
    const b = await client.call<Renew>(
      "POST",
      "/v1/domains/renew",
      { domain: name, period: 1 },
      { idempotencyKey: key },
    );
    expect(a.body).toMatchObject({ domain: name, outcome: "renewed", replayed: false });
    expect(Number(a.body.expiresOn.slice(0, 4))).toBe(Number(before.slice(0, 4)) + 1);
    expect(b.body).toEqual({ ...a.body, replayed: true });
    const renewals = bridge.sandbox!.state.ledger.filter((e) => e.objectName === name && e.type === "renew");
    expect(renewals).toHaveLength(1);
  });

  it("syncs from HRD: active, then expired after the clock passes the expiry; a name never in the account is not 'transferred away'", async () => {
    const active = await client.call<Record<string, unknown>>("POST", `/v1/domains/${name}/sync`);
    expect(active.body).toMatchObject({
      domain: name,
      active: true,
      cancelled: false,
      transferredAway: false,
    });
    const expiresOn = String(active.body.expiresOn);
    bridge.sandbox!.clock.set(new Date(new Date(`${expiresOn}T00:00:00Z`).getTime() + 2 * DAY));
    const expired = await client.call("POST", `/v1/domains/${name}/sync`);
    expect(expired.body).toEqual({
      domain: name,
      expiresOn,
      active: false,
      cancelled: false,
      transferredAway: false,
      inAccount: true,
    });
    // Absence is no evidence of a transfer away (a pending registration, a sandbox): left alone, with why.
    const gone = await client.call<{ reason: string }>("POST", "/v1/domains/nigdy-u-nas-bridge.pl/sync");
    expect(gone.body).toMatchObject({ active: false, transferredAway: false, inAccount: false });
    expect(gone.body.reason).toContain("not in the partner's account");
  });

  it("transfers a taken name in: transfer-sync waits while ordered, completes after the clock moves", async () => {
    const state = bridge.sandbox!.state;
    state.actionDelayMs = 60_000;
    try {
      const taken = "taken-przeniesienie-bridge.pl";
      const body = { domain: taken, authInfo: "Kod-Od-Rejestratora-1", hrdUserId };
      const t = await client.call<Record<string, unknown>>("POST", "/v1/domains/transfer", body, {
        idempotencyKey: "whmcs-202-transfer",
      });
      expect(t.body).toMatchObject({
        domain: taken,
        outcome: "transferOrdered",
        status: "ordered",
        hrdUserId,
        replayed: false,
      });
      const again = await client.call("POST", "/v1/domains/transfer", body, {
        idempotencyKey: "whmcs-202-transfer",
      });
      expect(again.body).toMatchObject({ outcome: "transferOrdered", replayed: true });
      expect((await client.call("POST", `/v1/domains/${taken}/transfer-sync`)).body).toEqual({
        completed: false,
        failed: false,
      });
      bridge.sandbox!.clock.advance(3 * 60_000);
      const done = await client.call<Record<string, unknown>>("POST", `/v1/domains/${taken}/transfer-sync`);
      expect(done.body).toMatchObject({ completed: true, failed: false });
      expect(done.body.expiresOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(state.transfers.size).toBe(1);
      const rejected = await client.call("POST", "/v1/domains/nieznany-transfer-bridge.pl/transfer-sync");
      expect(rejected.body).toEqual({
        completed: false,
        failed: true,
        reason: "transfer not found or rejected",
      });

      // No trade yet: 404; after one is started: its status.
      expect((await failure(client.call("GET", `/v1/domains/${taken}/trade`))).status).toBe(404);
      const other = await bridge.ctx.hrd.user.create({
        type: "company",
        representative: "Anna Nowak",
        idNumber: "5260250274",
        email: "biuro@example.com",
        landlinePhone: "+48 22 111 22 33",
        name: "Nowak Sp. z o.o.",
        street: "ul. Prosta 2",
        postcode: "00-850",
        city: "Warszawa",
        country: "PL",
      });
      const { pw } = await bridge.ctx.hrd.domain.tradeGetPw({ name: taken });
      await bridge.ctx.hrd.domain.trade({ name: taken, user: other.id, pw });
      const trade = await client.call<Record<string, unknown>>("GET", `/v1/domains/${taken}/trade`);
      expect(trade.body.status).toBe("pending");
    } finally {
      state.actionDelayMs = 0;
    }
  });

  it("registers with an existing account and refuses a transfer with neither account nor registrant", async () => {
    const r = await client.call<{ hrdUserId: number; outcome: string }>(
      "POST",
      "/v1/domains/register",
      { domain: "drugi-bridge.pl", hrdUserId, period: 2 },
      { idempotencyKey: "whmcs-103-register-2y" },
    );
    expect(r.body).toMatchObject({ hrdUserId, outcome: "registered" });
    const e = await failure(
      client.call(
        "POST",
        "/v1/domains/transfer",
        { domain: "taken-abc.pl", authInfo: "x1" },
        { idempotencyKey: "whmcs-1-transfer" },
      ),
    );
    expect(e.body.issues?.map((i) => i.path)).toEqual(["hrdUserId"]);
  });

  it("lists HRD's wholesale prices per TLD", async () => {
    const r = await client.call<{
      currency: string;
      tlds: {
        tld: string;
        years: number[];
        register: string | null;
        renew: string | null;
        transfer: string | null;
      }[];
    }>("GET", "/v1/tlds/pricing");
    expect(r.body.currency).toBe("PLN");
    const pl = r.body.tlds.find((t) => t.tld === "pl");
    expect(pl).toMatchObject({ register: "39.00", renew: "79.00", transfer: "79.00" });
    expect(pl!.years[0]).toBe(1);
    expect(r.body.tlds.find((t) => t.tld === "com.pl")).toMatchObject({ register: "29.00" });
    expect(r.body.tlds.some((t) => t.tld.startsWith("pl.") || t.tld === "o.pl")).toBe(false);
  });

  it("suggests only names that can be registered", async () => {
    const r = await client.call<{ results: { name: string; status: string }[] }>(
      "POST",
      "/v1/domains/suggestions",
      {
        query: "hrd",
        tlds: ["pl", "com.pl", "eu"],
      },
    );
    const names = r.body.results.map((x) => x.name);
    expect(names).not.toContain("hrd.pl");
    expect(names).toEqual(expect.arrayContaining(["hrd.com.pl", "hrd.eu"]));
    expect(r.body.results.every((x) => x.status === "available" || x.status === "createOnly")).toBe(true);
    const bad = await failure(
      client.call("POST", "/v1/domains/suggestions", { query: "sklep", tlds: ["nie-ma-takiej"] }),
    );
    expect(bad.body.issues?.map((i) => i.path)).toEqual(["tlds.0"]);
  });

  it("names every bad field of a registrant and of a renewal", async () => {
    const e = await failure(
      client.call(
        "POST",
        "/v1/domains/register",
        {
          domain: "zle-dane-bridge.pl",
          registrant: { ...registrant, email: "nie-email", country: "Polska", postcode: undefined },
        },
        { idempotencyKey: "whmcs-104-register-1y" },
      ),
    );
    expect(e.status).toBe(400);
    expect(e.body.issues?.map((i) => i.path).sort()).toEqual([
      "registrant.country",
      "registrant.email",
      "registrant.postcode",
    ]);
    const pesel = await failure(
      client.call(
        "POST",
        "/v1/domains/register",
        { domain: "zle-dane-bridge.pl", registrant: { ...registrant, idNumber: "12345678901" } },
        { idempotencyKey: "whmcs-105-register-1y" },
      ),
    );
    expect(pesel.body.issues?.map((i) => i.path)).toEqual(["registrant.idNumber"]);
    const renew = await failure(
      client.call(
        "POST",
        "/v1/domains/renew",
        { domain: "x", period: 0 },
        { idempotencyKey: "whmcs-106-renew-x" },
      ),
    );
    expect(renew.body.issues?.map((i) => i.path).sort()).toEqual(["domain", "period"]);
    const unknown = await failure(client.call("GET", "/v1/domains/nie-ma-mnie-bridge.pl"));
    expect([unknown.status, unknown.code]).toEqual([404, "not_found"]);
  });
});
