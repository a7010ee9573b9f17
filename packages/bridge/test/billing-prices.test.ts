import {
  type Db,
  money,
  parseDecimal,
  priceFromCost,
  seedDefaultCatalog,
  type VatRateCode,
} from "@hrdkit/billing";
import type { Bridge, BridgeClient } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridgeBackends } from "./support/backends.js";
import { everyPage, failure, type Page } from "./support/bridge.js";

interface Group {
  id: number;
  name: string;
  currency: string;
  isDefault: boolean;
  customers: number;
  prices: number;
  rules: number;
  replayed?: boolean;
}
interface GroupPrice {
  groupId: number;
  serviceCode: string;
  period: number;
  net: string;
  vat: string;
  gross: string;
  vatRate: string;
  cost: string | null;
  margin: string | null;
  source: string;
  ruleId: number | null;
  lossLeader: boolean;
  kind?: string;
  tld?: string | null;
}
interface QuoteJson {
  lines: {
    serviceCode: string;
    period: number;
    listNet: string;
    net: string;
    gross: string;
    cost: string | null;
  }[];
  cost: string | null;
  margin: string | null;
  totals: { net: string; gross: string };
}
interface ImportJson {
  importId: number;
  source: string;
  prices: number;
  mapped: number;
  changed: number;
  added: number;
  unchanged: number;
  unmapped: { service: string; label: string | null; reason: string }[];
  mappings: {
    service: string;
    label: string;
    value: string;
    serviceCode: string;
    costs: { period: number; cost: string }[];
  }[];
  replayed: boolean;
}

let bridge: Bridge;
let client: BridgeClient;
let keys = 0;
const key = (label: string) => `test-${label}-${++keys}-${Date.now()}`;

async function count(db: Db, table: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

const createGroup = (body: unknown, idempotencyKey = key("group")) =>
  client.call<Group>("POST", "/v1/billing/price-groups", body, { idempotencyKey });

const setPriceHttp = (groupId: number, code: string, period: number, body: unknown) =>
  client.call<GroupPrice>("PUT", `/v1/billing/price-groups/${groupId}/prices/${code}/${period}`, body);

async function customerIn(groupId: number, name: string): Promise<number> {
  const c = await client.call<{ id: number }>(
    "POST",
    "/v1/billing/customers",
    { name, priceGroupId: groupId },
    { idempotencyKey: key("customer") },
  );
  return c.body.id;
}

const quoteFor = async (customerId: number, items: { serviceCode: string; period: number }[]) =>
  (await client.call<QuoteJson>("POST", "/v1/billing/quotes", { customerId, items })).body;

/** Every page of a listing, following nextCursor. */
const allPages = <T>(path: string) => everyPage<T>(client, path, 50);

/** The sandbox's own price list, read straight from the bridge's HRD client: what the import must map. */
async function sandboxPrice(service: string, label: string): Promise<string> {
  const list = await bridge.ctx.hrd.partner.getPricings();
  const value = list.find((p) => p.service === service)?.prices.find((p) => p.name === label)?.value;
  if (typeof value !== "string") throw new Error(`the sandbox lists no ${service}/${label}`);
  return value;
}

/** Grosze of decimal text, for arithmetic on what the bridge answered. */
const gr = (text: string) => parseDecimal(text).amount;
const dec = (grosze: number) => (grosze / 100).toFixed(2);

const backends = bridgeBackends("prices_http");

describe.each(backends)("billing prices over HTTP on $name", (backend) => {
  let retail: Group;

  beforeAll(async () => {
    ({ bridge, client } = await backend.start());
    await seedDefaultCatalog(bridge.db);
  }, 120_000);
  afterAll(async () => {
    await bridge?.close();
    await backend.dispose();
  }, 60_000);

  it("creates price groups once per Idempotency-Key and refuses bad or duplicate ones without writing", async () => {
    const k = key("retail");
    const first = await createGroup({ name: "Detal" }, k);
    expect(first.status).toBe(201);
    // The first group becomes the default by itself.
    expect(first.body).toMatchObject({ name: "Detal", currency: "PLN", isDefault: true, replayed: false });
    const again = await createGroup({ name: "Detal" }, k);
    expect(again.body).toMatchObject({ id: first.body.id, replayed: true });
    retail = first.body;
    expect(await count(bridge.db, "price_groups")).toBe(1);

    const dup = await failure(createGroup({ name: "Detal" }));
    expect([dup.status, dup.code]).toEqual([409, "duplicate_name"]);
    const bad = await failure(createGroup({ name: 7, currency: "USD", isDefault: "tak" }));
    expect(bad.status).toBe(400);
    expect(bad.body.issues?.map((i) => i.path).sort()).toEqual(["currency", "isDefault", "name"]);
    const blank = await failure(createGroup({ name: "   " }));
    expect(blank.body.issues?.map((i) => i.path)).toEqual(["name"]);
    const noKey = await failure(client.call("POST", "/v1/billing/price-groups", { name: "Bez klucza" }));
    expect(noKey.body.issues?.map((i) => i.path)).toContain("idempotency-key");
    expect(await count(bridge.db, "price_groups")).toBe(1);
  });

  it("lists groups by cursor, reads one, moves the default, and deletes only what billing allows", async () => {
    const resellers = (await createGroup({ name: "Resellerzy" })).body;
    const euro = (await createGroup({ name: "Klienci EUR", currency: "EUR" })).body;
    const pages = await allPages<Group>("/v1/billing/price-groups?limit=2");
    expect(pages.map((p) => p.items.length)).toEqual([2, 1]);
    expect(pages.flatMap((p) => p.items.map((g) => g.name))).toEqual(["Detal", "Resellerzy", "Klienci EUR"]);
    const eur = (await client.call<Page<Group>>("GET", "/v1/billing/price-groups?currency=EUR")).body;
    expect(eur.items.map((g) => g.id)).toEqual([euro.id]);

    const missing = await failure(client.call("GET", "/v1/billing/price-groups/999999"));
    expect([missing.status, missing.code]).toEqual([404, "not_found"]);

    // The default cannot go while other groups exist.
    const isDefault = await failure(client.call("DELETE", `/v1/billing/price-groups/${retail.id}`));
    expect([isDefault.status, isDefault.code]).toEqual([409, "default_group"]);
    // A group with a customer cannot go either.
    await customerIn(resellers.id, "Hosting Kowalski sp. z o.o.");
    const inUse = await failure(client.call("DELETE", `/v1/billing/price-groups/${resellers.id}`));
    expect([inUse.status, inUse.code]).toEqual([409, "in_use"]);
    expect(await count(bridge.db, "price_groups")).toBe(3);

    const moved = await client.call<Group>("POST", `/v1/billing/price-groups/${resellers.id}/default`);
    expect(moved.body).toMatchObject({ id: resellers.id, isDefault: true, customers: 1 });
    const old = await client.call<Group>("GET", `/v1/billing/price-groups/${retail.id}`);
    expect(old.body.isDefault).toBe(false);
    await client.call("POST", `/v1/billing/price-groups/${retail.id}/default`);

    const gone = await client.call<{ id: number; deleted: boolean }>(
      "DELETE",
      `/v1/billing/price-groups/${euro.id}`,
    );
    expect(gone.body).toEqual({ id: euro.id, deleted: true });
    expect(await count(bridge.db, "price_groups")).toBe(2);
    const again = await failure(client.call("DELETE", `/v1/billing/price-groups/${euro.id}`));
    expect(again.status).toBe(404);
  });

  it("a price set over HTTP is what a quote charges a customer of that group", async () => {
    const customer = await customerIn(retail.id, "Anna Nowak");
    const set = await setPriceHttp(retail.id, "domain.pl.register", 1, { net: "39.99" });
    expect(set.body).toMatchObject({
      serviceCode: "domain.pl.register",
      period: 1,
      net: "39.99",
      source: "manual",
    });
    expect(gr(set.body.gross)).toBe(gr(set.body.net) + gr(set.body.vat));
    const q1 = await quoteFor(customer, [{ serviceCode: "domain.pl.register", period: 1 }]);
    expect(q1.lines[0]).toMatchObject({ listNet: "39.99", net: "39.99", gross: set.body.gross });

    // A gross price: stored as the net that gives exactly that gross; the quote follows.
    const byGross = await setPriceHttp(retail.id, "domain.pl.register", 1, { gross: "61,49" });
    expect(byGross.body.gross).toBe("61.49");
    const q2 = await quoteFor(customer, [{ serviceCode: "domain.pl.register", period: 1 }]);
    expect(q2.lines[0]).toMatchObject({ listNet: byGross.body.net, gross: "61.49" });
    const looked = await client.call<GroupPrice>(
      "GET",
      `/v1/billing/price-groups/${retail.id}/prices/domain.pl.register/1`,
    );
    expect(looked.body).toMatchObject({ net: byGross.body.net, gross: "61.49", cost: null });

    // Another group's price does not touch this customer's quote.
    const other = (await client.call<Page<Group>>("GET", "/v1/billing/price-groups")).body.items.find(
      (g) => g.id !== retail.id,
    )!;
    await setPriceHttp(other.id, "domain.pl.register", 1, { net: "9.99" });
    const q3 = await quoteFor(customer, [{ serviceCode: "domain.pl.register", period: 1 }]);
    expect(q3.lines[0]!.listNet).toBe(byGross.body.net);
  });

  it("refuses bad prices naming every bad field, and writes nothing", async () => {
    const before = await count(bridge.db, "prices");
    const url = `/v1/billing/price-groups/${retail.id}/prices/domain.pl.register/1`;
    const typed = await failure(client.call("PUT", url, { net: "39.999", gross: "abc", lossLeader: "tak" }));
    expect(typed.status).toBe(400);
    expect(typed.body.issues?.map((i) => i.path).sort()).toEqual(["gross", "lossLeader", "net"]);
    const negative = await failure(client.call("PUT", url, { net: "-5.00" }));
    expect(negative.body.issues?.map((i) => i.path)).toEqual(["net"]);
    const both = await failure(client.call("PUT", url, { net: "10.00", gross: "12.30" }));
    expect(both.body.issues?.map((i) => i.path)).toEqual(["gross"]);
    // A certificate is sold for 1–3 years: billing names the period.
    const period = await failure(
      client.call("PUT", `/v1/billing/price-groups/${retail.id}/prices/ssl.positive-ssl.create/5`, {
        net: "50.00",
      }),
    );
    expect([period.status, period.body.issues?.map((i) => i.path)]).toEqual([400, ["period"]]);
    const path = await failure(
      client.call("PUT", `/v1/billing/price-groups/x/prices/domain.pl.register/0`, {}),
    );
    expect(path.body.issues?.map((i) => i.path).sort()).toEqual(["id", "period"]);
    const service = await failure(
      client.call("PUT", `/v1/billing/price-groups/${retail.id}/prices/domain.xyz.register/1`, {
        net: "1.00",
      }),
    );
    expect(service.status).toBe(404);
    expect(await count(bridge.db, "prices")).toBe(before);
  });

  it("lists a group's prices with filters and a cursor, looks one up, and removes one", async () => {
    for (const [code, period, net] of [
      ["domain.com.pl.register", 1, "19.99"],
      ["domain.pl.renew", 1, "69.00"],
      ["domain.pl.renew", 2, "135.00"],
      ["domain.com.register", 1, "59.90"],
      ["ssl.positive-ssl.create", 1, "49.00"],
    ] as const) {
      await setPriceHttp(retail.id, code, period, { net });
    }
    const all = (await allPages<GroupPrice>(`/v1/billing/price-groups/${retail.id}/prices?limit=2`)).flatMap(
      (p) => p.items,
    );
    expect(all.map((p) => `${p.serviceCode}/${p.period}`)).toEqual([
      "domain.com.pl.register/1",
      "domain.com.register/1",
      "domain.pl.register/1",
      "domain.pl.renew/1",
      "domain.pl.renew/2",
      "ssl.positive-ssl.create/1",
    ]);
    const pl = (
      await allPages<GroupPrice>(`/v1/billing/price-groups/${retail.id}/prices?kind=domain&tld=.pl&limit=1`)
    )
      .flatMap((p) => p.items)
      .map((p) => `${p.serviceCode}/${p.period}`);
    expect(pl).toEqual(["domain.pl.register/1", "domain.pl.renew/1", "domain.pl.renew/2"]);
    const one = (
      await client.call<Page<GroupPrice>>(
        "GET",
        `/v1/billing/price-groups/${retail.id}/prices?serviceCode=domain.pl.renew`,
      )
    ).body;
    expect(one.items.map((p) => [p.period, p.net])).toEqual([
      [1, "69.00"],
      [2, "135.00"],
    ]);
    const ssl = (
      await client.call<Page<GroupPrice>>("GET", `/v1/billing/price-groups/${retail.id}/prices?kind=ssl`)
    ).body;
    expect(ssl.items.map((p) => p.serviceCode)).toEqual(["ssl.positive-ssl.create"]);

    const bad = await failure(
      client.call("GET", `/v1/billing/price-groups/${retail.id}/prices?kind=vps&limit=500&cursor=xyz`),
    );
    expect(bad.body.issues?.map((i) => i.path).sort()).toEqual(["kind", "limit"]);
    const forged = await failure(
      client.call("GET", `/v1/billing/price-groups/${retail.id}/prices?cursor=xyz`),
    );
    expect(forged.body.issues?.map((i) => i.path)).toEqual(["cursor"]);

    const url = `/v1/billing/price-groups/${retail.id}/prices/domain.pl.renew/2`;
    const removed = await client.call("DELETE", url);
    expect(removed.body).toEqual({
      groupId: retail.id,
      serviceCode: "domain.pl.renew",
      period: 2,
      removed: true,
    });
    const lookup = await failure(client.call("GET", url));
    expect([lookup.status, lookup.code]).toEqual([404, "not_found"]);
    const twice = await failure(client.call("DELETE", url));
    expect(twice.status).toBe(404);
  });

  it("imports the sandbox's wholesale list once per key, and the costs show in quotes", async () => {
    const imports = await count(bridge.db, "wholesale_imports");
    const noKey = await failure(client.call("POST", "/v1/billing/wholesale/import", {}));
    expect(noKey.status).toBe(400);
    expect(await count(bridge.db, "wholesale_imports")).toBe(imports);

    const k = key("import");
    const first = await client.call<ImportJson>(
      "POST",
      "/v1/billing/wholesale/import",
      {},
      { idempotencyKey: k },
    );
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ source: "hrd-sandbox", replayed: false, unchanged: 0 });
    expect(first.body.mapped).toBeGreaterThan(0);
    expect(first.body.changed).toBe(first.body.mapped);
    // What the sandbox lists for .pl registration becomes the cost per year of domain.pl.register.
    const plRegister = await sandboxPrice("d_pl", "Rejestracja");
    const mapping = first.body.mappings.find((m) => m.serviceCode === "domain.pl.register")!;
    expect(mapping).toMatchObject({ service: "d_pl", label: "Rejestracja", value: plRegister });
    expect(mapping.costs.slice(0, 2)).toEqual([
      { period: 1, cost: dec(gr(plRegister)) },
      { period: 2, cost: dec(2 * gr(plRegister)) },
    ]);
    // The .pl reservation has no catalog service: reported, not dropped.
    expect(first.body.unmapped.some((u) => u.service === "d_pl" && u.label === "Rezerwacja")).toBe(true);

    const replay = await client.call<ImportJson>(
      "POST",
      "/v1/billing/wholesale/import",
      {},
      { idempotencyKey: k },
    );
    expect(replay.body).toMatchObject({ importId: first.body.importId, replayed: true });
    expect(await count(bridge.db, "wholesale_imports")).toBe(imports + 1);

    // Quotes now carry the cost; the margin is what the group charges over it.
    const customer = await customerIn(retail.id, "Piotr Wiśniewski");
    const q = await quoteFor(customer, [
      { serviceCode: "domain.pl.register", period: 1 },
      { serviceCode: "domain.pl.renew", period: 1 },
    ]);
    const plRenew = await sandboxPrice("d_pl", "Odnowienie");
    expect(q.lines.map((l) => l.cost)).toEqual([dec(gr(plRegister)), dec(gr(plRenew))]);
    expect(q.cost).toBe(dec(gr(plRegister) + gr(plRenew)));
    expect(q.margin).toBe(dec(gr(q.totals.net) - gr(plRegister) - gr(plRenew)));
    const price = await client.call<GroupPrice>(
      "GET",
      `/v1/billing/price-groups/${retail.id}/prices/domain.pl.register/1`,
    );
    expect(price.body.cost).toBe(dec(gr(plRegister)));

    // A second import of the same list: a new history row, nothing changed.
    const second = await client.call<ImportJson>("POST", "/v1/billing/wholesale/import", undefined, {
      idempotencyKey: key("import"),
    });
    expect(second.body).toMatchObject({ changed: 0, unchanged: first.body.mapped });
    const history = (
      await client.call<{ current: string; items: { importId: number; cost: string }[] }>(
        "GET",
        "/v1/billing/wholesale/costs/domain.pl.register/2",
      )
    ).body;
    expect(history.current).toBe(dec(2 * gr(plRegister)));
    expect(history.items.map((h) => h.importId)).toEqual([first.body.importId, second.body.importId]);
    const paged = await allPages<{ importId: number; mapped: number }>(
      "/v1/billing/wholesale/imports?limit=1",
    );
    expect(paged.flatMap((p) => p.items.map((i) => i.importId))).toEqual([
      second.body.importId,
      first.body.importId,
    ]);
    const unknown = await failure(client.call("GET", "/v1/billing/wholesale/costs/domain.xyz.register/1"));
    expect(unknown.status).toBe(404);
  });

  it("answers 502 when HRD's list cannot be read, writes nothing, and frees the key", async () => {
    const sandbox = bridge.sandbox!;
    const imports = await count(bridge.db, "wholesale_imports");
    sandbox.faults.add({ kind: "garbage", operation: "partner/getPricings" });
    const k = key("import-fault");
    try {
      const e = await failure(client.call("POST", "/v1/billing/wholesale/import", {}, { idempotencyKey: k }));
      expect(e.status).toBe(502);
    } finally {
      sandbox.faults.clear();
    }
    expect(await count(bridge.db, "wholesale_imports")).toBe(imports);
    const retry = await client.call<ImportJson>(
      "POST",
      "/v1/billing/wholesale/import",
      {},
      { idempotencyKey: k },
    );
    expect(retry.body.replayed).toBe(false);
    expect(await count(bridge.db, "wholesale_imports")).toBe(imports + 1);
  });

  it("refuses a price below cost unless it is a loss leader", async () => {
    const cost = await sandboxPrice("d_com", "Rejestracja");
    const url = `/v1/billing/price-groups/${retail.id}/prices/domain.com.register/1`;
    const before = (await client.call<GroupPrice>("GET", url)).body;
    const below = dec(gr(cost) - 1);
    const e = await failure(client.call("PUT", url, { net: below }));
    expect([e.status, e.code]).toEqual([409, "below_cost"]);
    expect((await client.call<GroupPrice>("GET", url)).body.net).toBe(before.net);
    const leader = await client.call<GroupPrice>("PUT", url, { net: below, lossLeader: true });
    expect(leader.body).toMatchObject({ net: below, lossLeader: true, cost: dec(gr(cost)), margin: "-0.01" });
  });

  it("prices a group by rules: a rule set over HTTP and a recalculation change what quotes charge", async () => {
    const group = (await createGroup({ name: "Hurt" })).body;
    const customer = await customerIn(group.id, "Marek Zieliński");
    const k = key("rule");
    const rule = {
      match: { kind: "domain", tld: "pl" },
      margin: { type: "percent", basisPoints: 2500 },
      rounding: "99",
      minMargin: "5.00",
    };
    const created = await client.call<{
      id: number;
      specificity: string;
      minMargin: string;
      replayed: boolean;
    }>("POST", `/v1/billing/price-groups/${group.id}/rules`, rule, { idempotencyKey: k });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ specificity: "tld", minMargin: "5.00", replayed: false });
    const replay = await client.call<{ id: number; replayed: boolean }>(
      "POST",
      `/v1/billing/price-groups/${group.id}/rules`,
      rule,
      { idempotencyKey: k },
    );
    expect(replay.body).toMatchObject({ id: created.body.id, replayed: true });
    const special = await client.call<{ id: number }>(
      "POST",
      `/v1/billing/price-groups/${group.id}/rules`,
      { match: { serviceCode: "domain.pl.register", period: 1 }, margin: { type: "fixed", amount: "1.00" } },
      { idempotencyKey: key("rule") },
    );
    expect(await count(bridge.db, "price_rules")).toBe(2);

    // Precedence order: the one-service rule wins over the TLD rule; pages follow it.
    const listed = (
      await allPages<{ id: number }>(`/v1/billing/price-groups/${group.id}/rules?limit=1`)
    ).flatMap((p) => p.items.map((r) => r.id));
    expect(listed).toEqual([special.body.id, created.body.id]);

    const recalc = await client.call<{
      priced: number;
      changed: number;
      unchanged: number;
      withoutRule: unknown[];
      withoutCost: unknown[];
    }>("POST", `/v1/billing/price-groups/${group.id}/recalculate`);
    expect(recalc.body.priced).toBeGreaterThan(0);
    expect(recalc.body.changed).toBe(recalc.body.priced);
    expect(recalc.body.withoutRule.length).toBeGreaterThan(0);
    const twice = await client.call<{ changed: number; unchanged: number; priced: number }>(
      "POST",
      `/v1/billing/price-groups/${group.id}/recalculate`,
    );
    expect([twice.body.changed, twice.body.unchanged]).toEqual([0, recalc.body.priced]);

    // What the formula gives from the imported cost is what the quote charges.
    const renewCost = money(gr(await sandboxPrice("d_pl", "Odnowienie")));
    const regCost = money(gr(await sandboxPrice("d_pl", "Rejestracja")));
    const renew = (
      await client.call<GroupPrice>("GET", `/v1/billing/price-groups/${group.id}/prices/domain.pl.renew/1`)
    ).body;
    const expected = priceFromCost(
      renewCost,
      {
        margin: { type: "percent", basisPoints: 2500 },
        rounding: "99",
        roundOn: "gross",
        minMarginGrosze: 500,
      },
      renew.vatRate as VatRateCode,
    );
    expect([renew.net, renew.gross, renew.source, renew.ruleId]).toEqual([
      dec(expected.net.amount),
      dec(expected.gross.amount),
      "rule",
      created.body.id,
    ]);
    const q = await quoteFor(customer, [
      { serviceCode: "domain.pl.renew", period: 1 },
      { serviceCode: "domain.pl.register", period: 1 },
    ]);
    expect(q.lines.map((l) => l.listNet)).toEqual([dec(expected.net.amount), dec(regCost.amount + 100)]);

    // Replacing the rule and recalculating changes the quote again.
    await client.call("PUT", `/v1/billing/price-groups/${group.id}/rules/${special.body.id}`, {
      match: { serviceCode: "domain.pl.register", period: 1 },
      margin: { type: "fixed", amount: "3.50" },
    });
    await client.call("POST", `/v1/billing/price-groups/${group.id}/recalculate`);
    const q2 = await quoteFor(customer, [{ serviceCode: "domain.pl.register", period: 1 }]);
    expect(q2.lines[0]!.listNet).toBe(dec(regCost.amount + 350));

    // Deleting a rule through another group is a 404; through its own, it goes.
    const wrong = await failure(
      client.call("DELETE", `/v1/billing/price-groups/${retail.id}/rules/${special.body.id}`),
    );
    expect(wrong.status).toBe(404);
    const deleted = await client.call(
      "DELETE",
      `/v1/billing/price-groups/${group.id}/rules/${special.body.id}`,
    );
    expect(deleted.body).toEqual({ id: special.body.id, groupId: group.id, deleted: true });
    expect(await count(bridge.db, "price_rules")).toBe(1);
  });

  it("refuses bad rules naming every bad field, writes nothing, and keeps EUR groups rule-free", async () => {
    const before = await count(bridge.db, "price_rules");
    const post = (body: unknown) =>
      client.call("POST", `/v1/billing/price-groups/${retail.id}/rules`, body, {
        idempotencyKey: key("bad-rule"),
      });
    const typed = await failure(
      post({
        match: { kind: "vps" },
        margin: { type: "fixed", amount: "dziesięć" },
        rounding: "up",
        minMargin: "1.5.0",
      }),
    );
    expect(typed.body.issues?.map((i) => i.path).sort()).toEqual([
      "margin.amount",
      "match.kind",
      "minMargin",
      "rounding",
    ]);
    // Type-correct but contradictory: billing names the fields, on the wire's names.
    const billing = await failure(
      post({
        match: { kind: "ssl", tld: "pl" },
        margin: { type: "percent", basisPoints: -1 },
        priority: 5_000_000,
      }),
    );
    expect(billing.body.issues?.map((i) => i.path).sort()).toEqual([
      "margin.basisPoints",
      "match.tld",
      "priority",
    ]);
    const huge = await failure(post({ margin: { type: "fixed", amount: "99999999999.99" } }));
    expect(huge.body.issues?.map((i) => i.path)).toEqual(["margin.amount"]);
    const period = await failure(
      post({
        match: { serviceCode: "ssl.positive-ssl.create", period: 7 },
        margin: { type: "percent", basisPoints: 100 },
      }),
    );
    expect(period.body.issues?.map((i) => i.path)).toEqual(["match.period"]);

    const euro = (await createGroup({ name: "Euro", currency: "EUR" })).body;
    const eur = await failure(
      client.call(
        "POST",
        `/v1/billing/price-groups/${euro.id}/rules`,
        { margin: { type: "percent", basisPoints: 100 } },
        {
          idempotencyKey: key("eur-rule"),
        },
      ),
    );
    expect([eur.status, eur.code]).toEqual([409, "currency"]);
    const recalc = await failure(client.call("POST", `/v1/billing/price-groups/${euro.id}/recalculate`));
    expect([recalc.status, recalc.code]).toEqual([409, "currency"]);
    expect(await count(bridge.db, "price_rules")).toBe(before);
  });
});
