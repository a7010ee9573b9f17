import { randomBytes } from "node:crypto";
import { type Db, DEFAULT_TLD_GROUPS, DEFAULT_TLDS, listServices } from "@hrdkit/billing";
import type { Bridge, BridgeClient } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridgeBackends } from "./support/backends.js";
import { everyPage, failure, hrdPerson, type Page } from "./support/bridge.js";

interface ServiceJson {
  id: number;
  code: string;
  kind: string;
  operation: string;
  tld: string | null;
  product: string | null;
  providerRef: string | null;
  name: string;
  periods: number[];
  vatRate: string;
  exemptionBasis: { source: string; provision: string } | null;
  active: boolean;
}
interface TldJson {
  tld: string;
  idn: boolean;
  registerPeriods: number[];
  renewPeriods: number[];
  optionsAvailable: boolean;
}
interface GroupJson {
  id: number;
  name: string;
  tlds: string[];
  position: number;
}
interface SuggestionJson {
  name: string;
  ascii?: string;
  tld: string;
  status: string;
  sellable: boolean;
}

let bridge: Bridge;
let client: BridgeClient;

const get = <T>(path: string, headers?: Record<string, string>) =>
  client.call<T>("GET", path, undefined, { headers }).then((r) => r.body);
const put = <T>(path: string, body: unknown) => client.call<T>("PUT", path, body);

async function count(db: Db, table: string, where = "true"): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`);
  return rows[0]!.n;
}

/** Every page of a listing, following nextCursor. */
const allPages = <T>(path: string) => everyPage<T>(client, path);

const paths = (e: { body: { issues?: { path: string }[] } }) => e.body.issues?.map((i) => i.path).sort();

const backends = bridgeBackends("catalog_http");

describe.each(backends)("billing catalog over HTTP on $name", (backend) => {
  // Generous: PGlite and the sandbox start slowly on a busy machine.
  beforeAll(async () => {
    ({ bridge, client } = await backend.start());
  }, 120_000);
  afterAll(async () => {
    await bridge?.close();
    await backend.dispose();
  });

  it("seeds the default catalog once and says what it added", async () => {
    expect(await count(bridge.db, "services")).toBe(0);
    const first = await client.call<{ added: { tlds: number; services: number; tldGroups: number } }>(
      "POST",
      "/v1/billing/catalog/seed",
    );
    expect(first.status).toBe(200);
    expect(first.body.added).toEqual({
      tlds: DEFAULT_TLDS.length,
      services: await count(bridge.db, "services"),
      tldGroups: DEFAULT_TLD_GROUPS.length,
    });
    expect(first.body.added.services).toBeGreaterThan(100);
    const again = await client.call<{ added: unknown }>("POST", "/v1/billing/catalog/seed");
    expect(again.body.added).toEqual({ tlds: 0, services: 0, tldGroups: 0 });
  });

  it("lists services with filters, page by page, each once, in TLD order", async () => {
    const expected = await listServices(bridge.db, { kind: "domain", operation: "register" });
    const pages = await allPages<ServiceJson>("/v1/billing/services?kind=domain&operation=register&limit=5");
    const got = pages.flatMap((p) => p.items);
    expect(pages.length).toBe(Math.ceil(expected.length / 5));
    expect(pages.slice(0, -1).every((p) => p.items.length === 5)).toBe(true);
    expect(got.map((s) => s.code).sort()).toEqual(expected.map((s) => s.code).sort());
    expect(got.every((s) => s.kind === "domain" && s.operation === "register")).toBe(true);
    const tlds = got.map((s) => s.tld!);
    expect(tlds).toEqual([...tlds].sort());
    expect(pages[pages.length - 1]!.nextCursor).toBeNull();

    // Every service of the catalog exactly once, across pages of 50.
    const all = (await allPages<ServiceJson>("/v1/billing/services")).flatMap((p) => p.items);
    expect(all.length).toBe(await count(bridge.db, "services"));
    expect(new Set(all.map((s) => s.code)).size).toBe(all.length);
    const kindOrder = all.map((s) => ["domain", "option", "ssl", "hosting"].indexOf(s.kind));
    expect(kindOrder).toEqual([...kindOrder].sort((a, b) => a - b));

    // Words in the code or the name, case and Polish letters ignored.
    const renewPl = (
      await allPages<ServiceJson>("/v1/billing/services?q=ODNOWIENIE%20.com.pl&limit=1")
    ).flatMap((p) => p.items.map((s) => s.code));
    expect(renewPl).toEqual(["domain.com.pl.renew", "option.com.pl.renew"]);
    const certs = await get<Page<ServiceJson>>(
      `/v1/billing/services?q=${encodeURIComponent("certyfikat positive")}`,
    );
    expect(certs.items.map((s) => s.code)).toEqual([
      "ssl.positive-ssl.create",
      "ssl.positive-ssl.renew",
      "ssl.positive-ssl-wildcard.create",
      "ssl.positive-ssl-wildcard.renew",
    ]);
    const pl = await get<Page<ServiceJson>>("/v1/billing/services?tld=pl&kind=option");
    expect(pl.items.map((s) => [s.code, s.periods])).toEqual([
      ["option.pl.create", [3]],
      ["option.pl.renew", [3]],
    ]);

    // A cursor of another listing is refused; bad filters are named all at once.
    const tldCursor = (await get<Page<TldJson>>("/v1/billing/tlds?limit=1")).nextCursor!;
    const foreign = await failure(client.call("GET", `/v1/billing/services?cursor=${tldCursor}`));
    expect([foreign.status, paths(foreign)]).toEqual([400, ["cursor"]]);
    const bad = await failure(
      client.call("GET", "/v1/billing/services?kind=domena&tld=.pl&active=tak&limit=0&cursor=xyz"),
    );
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(["active", "cursor", "kind", "limit", "tld"]);
    expect(bad.body.issues?.find((i) => i.path === "tld")?.message).toMatch(/without the leading dot/);
  });

  it("gets, changes, creates and deactivates services by code", async () => {
    const reg = await client.call<ServiceJson>("GET", "/v1/billing/services/domain.pl.register");
    expect(reg.body).toMatchObject({ kind: "domain", tld: "pl", operation: "register", active: true });
    const missing = await failure(client.call("GET", "/v1/billing/services/domain.pl.rejestracja"));
    expect([missing.status, missing.code]).toEqual([404, "not_found"]);

    const changed = await put<ServiceJson>("/v1/billing/services/domain.pl.register", {
      periods: [1, 2, 3],
      name: "Rejestracja domeny .pl (1–3 lata)",
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: reg.body.id, periods: [1, 2, 3], vatRate: "23" });
    expect((await get<ServiceJson>("/v1/billing/services/domain.pl.register")).name).toBe(
      "Rejestracja domeny .pl (1–3 lata)",
    );

    // A hosting package: created once, the same PUT again changes nothing.
    const services = await count(bridge.db, "services");
    const hosting = {
      product: "Start",
      providerRef: "pkg-start-10gb",
      periods: [1],
      name: "Hosting Start 10 GB",
    };
    const created = await put<ServiceJson>("/v1/billing/services/hosting.start.create", hosting);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: "hosting.start.create", kind: "hosting", product: "Start" });
    const repeated = await put<ServiceJson>("/v1/billing/services/hosting.start.create", hosting);
    expect([repeated.status, repeated.body.id]).toEqual([200, created.body.id]);
    // Its product need not be repeated to change its terms.
    const renamed = await put<ServiceJson>("/v1/billing/services/hosting.start.create", { periods: [1, 2] });
    expect(renamed.body).toMatchObject({ product: "Start", providerRef: "pkg-start-10gb", periods: [1, 2] });
    expect(await count(bridge.db, "services")).toBe(services + 1);

    // An SSL service's product comes from its code; a zw rate with its legal basis.
    const ssl = await put<ServiceJson>("/v1/billing/services/ssl.positive-ssl-wildcard.renew", {
      periods: [1, 2],
      vatRate: "zw",
      exemptionBasis: "art. 113 ust. 1 ustawy o VAT",
    });
    expect(ssl.body).toMatchObject({
      product: "Positive SSL + Wildcard",
      periods: [1, 2],
      exemptionBasis: { source: "act", provision: "art. 113 ust. 1 ustawy o VAT" },
    });

    const off = await client.call<ServiceJson>("POST", "/v1/billing/services/domain.biz.register/deactivate");
    expect(off.body).toMatchObject({ code: "domain.biz.register", active: false });
    const inactive = await get<Page<ServiceJson>>("/v1/billing/services?active=false");
    expect(inactive.items.map((s) => s.code)).toEqual(["domain.biz.register"]);
    const back = await put<ServiceJson>("/v1/billing/services/domain.biz.register", {
      periods: [1],
      active: true,
    });
    expect(back.body.active).toBe(true);
    const ghost = await failure(client.call("POST", "/v1/billing/services/domain.xx.register/deactivate"));
    expect(ghost.status).toBe(404);
  });

  it("refuses a bad service naming every bad field, and writes nothing", async () => {
    const services = await count(bridge.db, "services");
    const before = await get<ServiceJson>("/v1/billing/services/domain.pl.renew");
    const refused = async (code: string, body: unknown) => {
      const e = await failure(put(`/v1/billing/services/${code}`, body));
      expect([e.status, e.code]).toEqual([400, "invalid"]);
      return e;
    };
    // Real mistakes: a period of 0 and one of 11 years, VAT 22% (no such rate), a basis of one letter.
    const terms = await refused("domain.pl.renew", {
      periods: [0, 11],
      vatRate: "22",
      exemptionBasis: "x",
    });
    expect(paths(terms)).toEqual(["exemptionBasis", "periods.0", "periods.1", "vatRate"]);
    // What the code says is named as `code`: a TLD not in the catalog, no such certificate.
    const tld = await refused("domain.xx.register", { periods: [1] });
    expect(tld.body.issues).toEqual([
      { path: "code", message: expect.stringMatching(/xx is not in the catalog/) },
    ]);
    const cert = await refused("ssl.super-ssl.create", { periods: [1] });
    expect(paths(cert)).toEqual(["code"]);
    // A renewal of a trial certificate, for a period it does not have.
    const trial = await refused("ssl.comodo-free-trial-ssl.renew", { periods: [2] });
    expect(paths(trial)).toEqual(["code", "periods"]);
    // A package whose name makes another code, without its provider id, for 0 years: all three.
    const pkg = await refused("hosting.biznes.create", { product: "Biznes Plus", periods: [0] });
    expect(paths(pkg)).toEqual(["periods.0", "product", "providerRef"]);
    // A code that is not kind.subject.operation, with a bad rate.
    const shape = await refused("rejestracja-pl", { periods: [1], vatRate: "22" });
    expect(paths(shape)).toEqual(["code", "vatRate"]);
    // Wrong JSON types are caught by the route's schema, in the same shape.
    const typed = await refused("domain.pl.renew", { periods: "1-10", active: "tak" });
    expect(paths(typed)).toEqual(["active", "periods"]);

    expect(await count(bridge.db, "services")).toBe(services);
    expect(await get<ServiceJson>("/v1/billing/services/domain.pl.renew")).toEqual(before);
    expect(await count(bridge.db, "services", "code LIKE 'hosting.biznes%'")).toBe(0);
  });

  it("switches kinds of service on and off; suggestions say whether a name is sold", async () => {
    type Kinds = { items: { kind: string; offered: boolean }[] };
    const kinds = await get<Kinds>("/v1/billing/service-kinds");
    expect(kinds.items.map((k) => k.kind)).toEqual(["domain", "option", "ssl", "hosting"]);
    expect(kinds.items.find((k) => k.kind === "hosting")?.offered).toBe(false);

    const on = await put<Kinds>("/v1/billing/service-kinds/hosting", { offered: true });
    expect(on.body.items.find((k) => k.kind === "hosting")?.offered).toBe(true);
    const off = await put<Kinds>("/v1/billing/service-kinds/domain", { offered: false });
    expect(off.body.items.find((k) => k.kind === "domain")?.offered).toBe(false);
    try {
      const s = await get<{ items: SuggestionJson[] }>("/v1/billing/suggestions?q=piekarnia&tlds=pl");
      expect(s.items.map((i) => [i.name, i.sellable])).toEqual([["piekarnia.pl", false]]);
    } finally {
      await put("/v1/billing/service-kinds/domain", { offered: true });
    }
    const s = await get<{ items: SuggestionJson[] }>("/v1/billing/suggestions?q=piekarnia&tlds=pl");
    expect(s.items[0]!.sellable).toBe(true);

    const bad = await failure(put("/v1/billing/service-kinds/vps", { offered: true }));
    expect([bad.status, paths(bad)]).toEqual([400, ["kind"]]);
    const typed = await failure(put("/v1/billing/service-kinds/ssl", { offered: "tak" }));
    expect(paths(typed)).toEqual(["offered"]);
    expect(await count(bridge.db, "offered_services", "kind = 'ssl' AND enabled")).toBe(1);
  });

  it("lists TLDs by cursor with filters, adds one with its services, and refuses deleting a TLD in use", async () => {
    const all = (await allPages<TldJson>("/v1/billing/tlds?limit=7")).flatMap((p) =>
      p.items.map((t) => t.tld),
    );
    expect(all.length).toBe(await count(bridge.db, "tlds"));
    expect(all).toEqual([...all].sort());
    const withOptions = (await allPages<TldJson>("/v1/billing/tlds?optionsAvailable=true&limit=4")).flatMap(
      (p) => p.items.map((t) => t.tld),
    );
    expect(withOptions).toContain("krakow.pl");
    expect(withOptions.every((t) => t === "pl" || t.endsWith(".pl"))).toBe(true);
    const idnCom = await get<Page<TldJson>>("/v1/billing/tlds?idn=false&q=com");
    expect(idnCom.items.map((t) => t.tld)).toEqual(
      DEFAULT_TLDS.filter((t) => !t.idn && t.tld.includes("com")).map((t) => t.tld),
    );

    const body = { registerPeriods: [1, 2, 5], renewPeriods: [1, 2, 5], transferPeriods: [1] };
    const added = await put<TldJson>("/v1/billing/tlds/pw", body);
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ tld: "pw", idn: false, registerPeriods: [1, 2, 5] });
    expect((await put<TldJson>("/v1/billing/tlds/pw", { ...body, idn: true })).status).toBe(200);
    expect((await get<TldJson>("/v1/billing/tlds/pw")).idn).toBe(true);
    const ensured = await client.call<{ created: string[] }>("POST", "/v1/billing/tlds/pw/services");
    expect(ensured.body.created.sort()).toEqual([
      "domain.pw.register",
      "domain.pw.renew",
      "domain.pw.trade",
      "domain.pw.transfer",
    ]);
    expect(
      (await client.call<{ created: string[] }>("POST", "/v1/billing/tlds/pw/services")).body.created,
    ).toEqual([]);
    expect((await get<ServiceJson>("/v1/billing/services/domain.pw.register")).periods).toEqual([1, 2, 5]);

    // In use by its services: 409, the TLD stays.
    const tlds = await count(bridge.db, "tlds");
    const inUse = await failure(client.call("DELETE", "/v1/billing/tlds/pw"));
    expect([inUse.status, inUse.code]).toEqual([409, "in_use"]);
    expect(inUse.message).toMatch(/domain\.pw\.register/);
    // Narrowing the periods under an active service: 409, nothing changed.
    const narrow = await failure(put("/v1/billing/tlds/pw", { ...body, registerPeriods: [1] }));
    expect([narrow.status, narrow.code]).toEqual([409, "in_use"]);
    expect((await get<TldJson>("/v1/billing/tlds/pw")).registerPeriods).toEqual([1, 2, 5]);
    expect(await count(bridge.db, "tlds")).toBe(tlds);

    // A TLD nothing uses goes.
    await put("/v1/billing/tlds/ws", body);
    const deleted = await client.call<{ tld: string; deleted: boolean }>("DELETE", "/v1/billing/tlds/ws");
    expect(deleted.body).toEqual({ tld: "ws", deleted: true });
    expect((await failure(client.call("GET", "/v1/billing/tlds/ws"))).status).toBe(404);
    expect((await failure(client.call("DELETE", "/v1/billing/tlds/ws"))).status).toBe(404);
    const upper = await failure(client.call("GET", "/v1/billing/tlds/PL"));
    expect([upper.status, paths(upper)]).toEqual([400, ["tld"]]);

    // Every bad field at once: the dot, an empty list, a period twice and one of 11 years,
    // options outside .pl, a registry block that does not exist. Nothing is written.
    const bad = await failure(
      put("/v1/billing/tlds/.pw2", {
        registerPeriods: [],
        renewPeriods: [1, 1],
        transferPeriods: [11],
        optionsAvailable: true,
        additionalData: "de",
      }),
    );
    expect(paths(bad)).toEqual([
      "additionalData",
      "optionsAvailable",
      "registerPeriods",
      "renewPeriods.1",
      "tld",
      "transferPeriods.0",
    ]);
    expect(await count(bridge.db, "tlds")).toBe(tlds);
  });

  it("manages TLD groups: list by cursor, create, replace, refuse unknown TLDs, delete", async () => {
    const seeded = (await allPages<GroupJson>("/v1/billing/tld-groups?limit=1")).flatMap((p) => p.items);
    expect(seeded.map((g) => g.name)).toEqual(["Popularne", "Polskie"]);

    const created = await put<GroupJson>("/v1/billing/tld-groups/Miejskie", {
      tlds: ["waw.pl", "krakow.pl"],
      position: 5,
    });
    expect(created.status).toBe(201);
    const replaced = await put<GroupJson>("/v1/billing/tld-groups/Miejskie", {
      tlds: ["krakow.pl", "waw.pl"],
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id: created.body.id, tlds: ["krakow.pl", "waw.pl"], position: 5 });
    const byTld = await get<Page<GroupJson>>("/v1/billing/tld-groups?tld=krakow.pl");
    expect(byTld.items.map((g) => g.name)).toEqual(["Polskie", "Miejskie"]);
    expect((await get<GroupJson>(`/v1/billing/tld-groups/${encodeURIComponent("Miejskie")}`)).tlds).toEqual([
      "krakow.pl",
      "waw.pl",
    ]);

    // Unknown TLDs are each named; the group keeps its TLDs.
    const groups = await count(bridge.db, "tld_groups");
    const unknown = await failure(
      put("/v1/billing/tld-groups/Miejskie", { tlds: ["waw.pl", "gdansk.pl", "lodz.pl"] }),
    );
    expect([unknown.status, paths(unknown)]).toEqual([400, ["tlds.1", "tlds.2"]]);
    const empty = await failure(
      put(`/v1/billing/tld-groups/${encodeURIComponent("Nowa grupa")}`, { tlds: [] }),
    );
    expect(paths(empty)).toEqual(["tlds"]);
    expect(await count(bridge.db, "tld_groups")).toBe(groups);
    expect((await get<GroupJson>("/v1/billing/tld-groups/Miejskie")).tlds).toEqual(["krakow.pl", "waw.pl"]);

    // A TLD in a group cannot be deleted.
    await put("/v1/billing/tlds/gda.pl", { registerPeriods: [1], renewPeriods: [1], transferPeriods: [1] });
    await put("/v1/billing/tld-groups/Miejskie", { tlds: ["gda.pl"] });
    const inGroup = await failure(client.call("DELETE", "/v1/billing/tlds/gda.pl"));
    expect([inGroup.status, inGroup.code]).toEqual([409, "in_use"]);
    expect(inGroup.message).toMatch(/"Miejskie"/);

    const gone = await client.call<{ deleted: boolean }>("DELETE", "/v1/billing/tld-groups/Miejskie");
    expect(gone.body.deleted).toBe(true);
    expect((await failure(client.call("GET", "/v1/billing/tld-groups/Miejskie"))).status).toBe(404);
    expect((await failure(client.call("DELETE", "/v1/billing/tld-groups/Miejskie"))).status).toBe(404);
    expect((await client.call("DELETE", "/v1/billing/tlds/gda.pl")).status).toBe(200);
  });

  it("suggests names for a Polish query with availability from the sandbox, through the cache", async () => {
    const user = await hrdPerson(bridge);
    const ns = ["ns1.hrd.pl", "ns2.hrd.pl"];
    await bridge.ctx.hrd.ensureDomainRegistered({ name: "kwiaciarnia-kraków.pl", user, ns });
    await bridge.ctx.hrd.ensureDomainRegistered({ name: "kwiaciarnia-krakow.com", user, ns });
    const checks = () => bridge.sandbox!.counts.get("domain/check") ?? 0;

    const q = `/v1/billing/suggestions?q=${encodeURIComponent("kwiaciarnia kraków")}`;
    const first = (await get<{ items: SuggestionJson[] }>(q)).items;
    const group = await get<GroupJson>("/v1/billing/tld-groups/Popularne");
    expect(first.map((s) => s.tld)).toEqual(group.tlds);
    // Polish letters kept where the TLD takes IDN names (pl, com.pl, eu), folded elsewhere.
    const byTld = new Map(first.map((s) => [s.tld, s]));
    expect(byTld.get("pl")).toMatchObject({ name: "kwiaciarnia-kraków.pl", status: "taken", sellable: true });
    expect(byTld.get("pl")!.ascii).toMatch(/^xn--/);
    expect(byTld.get("com")).toMatchObject({ name: "kwiaciarnia-krakow.com", status: "taken" });
    expect(byTld.get("com.pl")).toMatchObject({ name: "kwiaciarnia-kraków.com.pl", status: "available" });
    // Each answer is the sandbox's own.
    const direct = await bridge.ctx.hrd.checkMany(first.map((s) => s.name));
    expect(first.map((s) => s.status)).toEqual(direct.map((d) => d.status));

    // Asked again within a minute: answered from the cache, HRD is not asked; no-cache asks.
    const before = checks();
    expect((await get<{ items: SuggestionJson[] }>(q)).items).toEqual(first);
    expect(checks()).toBe(before);
    await bridge.ctx.hrd.ensureDomainRegistered({ name: "kwiaciarnia-krakow.net", user, ns });
    const fresh = (await get<{ items: SuggestionJson[] }>(q, { "cache-control": "no-cache" })).items;
    expect(checks()).toBeGreaterThan(before);
    expect(fresh.find((s) => s.tld === "net")?.status).toBe("taken");

    const polish = await get<{ items: SuggestionJson[] }>(
      `/v1/billing/suggestions?q=${encodeURIComponent("https://www.Żółta-Łąka.pl/kontakt")}&group=Polskie&limit=3`,
    );
    expect(polish.items.map((s) => s.name)).toEqual([
      "żółta-łąka.pl",
      "żółta-łąka.com.pl",
      "żółta-łąka.net.pl",
    ]);

    const bad = await failure(client.call("GET", "/v1/billing/suggestions?q=%20%20&tlds=pl,,.com"));
    expect([bad.status, paths(bad)]).toEqual([400, ["q", "tlds.1", "tlds.2"]]);
    const typed = await failure(client.call("GET", "/v1/billing/suggestions?limit=0"));
    expect(paths(typed)).toEqual(["limit", "q"]);
    const notInCatalog = await failure(client.call("GET", "/v1/billing/suggestions?q=sklep&tlds=pl,xyz"));
    expect(paths(notInCatalog)).toEqual(["tlds.1"]);
    const noGroup = await failure(client.call("GET", "/v1/billing/suggestions?q=sklep&group=Nieznana"));
    expect(noGroup.status).toBe(404);
  });

  it("records a hosting package's cost once per Idempotency-Key, refusing what is not hosting", async () => {
    const k = `catalog-cost-${randomBytes(4).toString("hex")}`;
    const imports = await count(bridge.db, "wholesale_imports");
    const send = (code: string, body: unknown, key = k) =>
      client.call<{ cost: string; previous: string | null; replayed: boolean; importId: number }>(
        "POST",
        `/v1/billing/services/${code}/hosting-costs`,
        body,
        { idempotencyKey: key },
      );
    const first = await send("hosting.start.create", { period: 1, cost: "49.90" });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ cost: "49.90", previous: null, replayed: false });
    const again = await send("hosting.start.create", { period: 1, cost: "49.90" });
    expect(again.body).toMatchObject({ importId: first.body.importId, replayed: true });
    expect(await count(bridge.db, "wholesale_imports")).toBe(imports + 1);
    const raised = await send("hosting.start.create", { period: 1, cost: "54" }, `${k}-2`);
    expect(raised.body).toMatchObject({ cost: "54.00", previous: "49.90" });

    const notHosting = await failure(send("domain.pl.register", { period: 1, cost: "10.00" }, `${k}-3`));
    expect([notHosting.status, notHosting.code]).toEqual([409, "not_hosting"]);
    const period = await failure(send("hosting.start.create", { period: 3, cost: "10.00" }, `${k}-4`));
    expect([period.status, paths(period)]).toEqual([400, ["period"]]);
    const typed = await failure(send("hosting.start.create", { period: "1", cost: "49,90 zł" }, `${k}-5`));
    expect(paths(typed)).toEqual(["cost", "period"]);
    const ghost = await failure(send("hosting.brak.create", { period: 1, cost: "1.00" }, `${k}-6`));
    expect(ghost.status).toBe(404);
    expect(await count(bridge.db, "wholesale_imports")).toBe(imports + 2);
  });
});
