import {
  createPriceGroup,
  type Db,
  parseDecimal,
  quote,
  redeemQuote,
  seedDefaultCatalog,
  setPrice,
} from "@hrdkit/billing";
import type { Bridge, BridgeClient } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridgeBackends } from "./support/backends.js";
import { everyPage, failure } from "./support/bridge.js";

interface PromotionJson {
  id: number;
  name: string;
  active: boolean;
  startsAt: string | null;
  endsAt: string | null;
  conditions: Record<string, unknown>;
  effect: Record<string, unknown>;
  requiresCode: boolean;
  uses: number;
  replayed?: boolean;
}
interface CodeJson {
  code: string;
  promotionId: number;
  maxUses: number | null;
  uses: number;
  expiresAt: string | null;
  replayed?: boolean;
}
interface QuoteJson {
  lines: {
    serviceCode: string;
    listNet: string;
    net: string;
    discounts: { promotionId: number; amount: string }[];
  }[];
  promotionsApplied: { promotionId: number; name: string; total: string }[];
  promotionsNotApplied: { promotionId: number; reasonCode: string }[];
  code: { code: string; valid: boolean; applied: boolean } | null;
  totals: { listNet: string; discount: string; net: string };
}

let bridge: Bridge;
let client: BridgeClient;
let keys = 0;
const key = (label: string) => `test-${label}-${++keys}-${Date.now()}`;

async function count(db: Db, table: string, where = "true"): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`);
  return rows[0]!.n;
}

const createPromotionHttp = (body: unknown, idempotencyKey = key("promo")) =>
  client.call<PromotionJson>("POST", "/v1/billing/promotions", body, { idempotencyKey });

const patch = (id: number, body: unknown) =>
  client.call<PromotionJson>("PATCH" as "PUT", `/v1/billing/promotions/${id}`, body);

const quoteFor = async (
  customerId: number,
  items: { serviceCode: string; period: number }[],
  code?: string,
) =>
  (
    await client.call<QuoteJson>("POST", "/v1/billing/quotes", {
      customerId,
      items,
      ...(code === undefined ? {} : { code }),
    })
  ).body;

/** Every page of a listing, following nextCursor. */
const allPages = <T>(path: string) => everyPage<T>(client, path);

const gr = (text: string) => parseDecimal(text).amount;
const dec = (grosze: number) => (grosze / 100).toFixed(2);

const backends = bridgeBackends("promotions_http");

describe.each(backends)("billing promotions and discount codes over HTTP on $name", (backend) => {
  let customer: number;
  const plNet = "49.99";
  const comNet = "59.90";

  beforeAll(async () => {
    ({ bridge, client } = await backend.start());
    await seedDefaultCatalog(bridge.db);
    const group = await createPriceGroup(bridge.db, { name: "Detal", isDefault: true });
    await setPrice(bridge.db, {
      groupId: group.id,
      serviceCode: "domain.pl.register",
      period: 1,
      net: plNet,
    });
    await setPrice(bridge.db, {
      groupId: group.id,
      serviceCode: "domain.com.register",
      period: 1,
      net: comNet,
    });
    const c = await client.call<{ id: number }>(
      "POST",
      "/v1/billing/customers",
      {
        name: "Katarzyna Wójcik",
        email: "k.wojcik@example.pl",
        addresses: { correspondence: { street: "ul. Piotrkowska 104", postcode: "90-926", city: "Łódź" } },
      },
      { idempotencyKey: key("customer") },
    );
    customer = c.body.id;
  }, 120_000);
  afterAll(async () => {
    await bridge?.close();
    await backend.dispose();
  }, 60_000);

  it("a promotion created over HTTP shows in a quote, changes with an update, and goes when switched off", async () => {
    const k = key("pl-promo");
    const body = {
      name: "Jesień .pl −15 zł",
      conditions: { tlds: [".PL"], operations: ["register"] },
      effect: { type: "amount", amount: "15,00", basis: "net" },
    };
    const created = await createPromotionHttp(body, k);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      active: true,
      replayed: false,
      conditions: { tlds: ["pl"], operations: ["register"], currency: "PLN" },
      effect: { type: "amount", amount: "15.00", basis: "net", per: "line" },
    });
    const replay = await createPromotionHttp(body, k);
    expect(replay.body).toMatchObject({ id: created.body.id, replayed: true });
    expect(await count(bridge.db, "promotions")).toBe(1);

    const q = await quoteFor(customer, [
      { serviceCode: "domain.pl.register", period: 1 },
      { serviceCode: "domain.com.register", period: 1 },
    ]);
    expect(q.promotionsApplied).toEqual([
      { promotionId: created.body.id, name: body.name, lines: [0], total: "15.00" },
    ]);
    expect(q.lines.map((l) => [l.listNet, l.net])).toEqual([
      [plNet, dec(gr(plNet) - 1500)],
      [comNet, comNet],
    ]);

    // An update replaces the effect: the quote follows.
    const changed = await patch(created.body.id, { effect: { type: "percent", basisPoints: 2000 } });
    expect(changed.body.effect).toEqual({ type: "percent", basisPoints: 2000 });
    expect(changed.body.name).toBe(body.name);
    const q2 = await quoteFor(customer, [{ serviceCode: "domain.pl.register", period: 1 }]);
    expect(q2.lines[0]!.net).toBe(dec(gr(plNet) - Math.round(gr(plNet) * 0.2)));

    const off = await client.call<PromotionJson>(
      "POST",
      `/v1/billing/promotions/${created.body.id}/deactivate`,
    );
    expect(off.body.active).toBe(false);
    const q3 = await quoteFor(customer, [{ serviceCode: "domain.pl.register", period: 1 }]);
    expect(q3.promotionsApplied).toEqual([]);
    expect(q3.lines[0]!.net).toBe(plNet);
    const got = await client.call<PromotionJson>("GET", `/v1/billing/promotions/${created.body.id}`);
    expect(got.body).toMatchObject({ active: false, effect: { type: "percent", basisPoints: 2000 } });
    const missing = await failure(client.call("GET", "/v1/billing/promotions/999999"));
    expect([missing.status, missing.code]).toEqual([404, "not_found"]);
  });

  it("refuses bad promotions naming every bad field, and writes nothing", async () => {
    const before = await count(bridge.db, "promotions");
    const typed = await failure(
      createPromotionHttp({
        name: "Zła promocja",
        startsAt: "jutro",
        // `tld` for `tlds`: refused, not silently dropped (the promotion would apply to everything).
        conditions: { tld: ["pl"], minOrderNet: "100.001" },
        effect: { type: "amount", amount: "dużo", basis: "net" },
      }),
    );
    expect(typed.status).toBe(400);
    expect(typed.body.issues?.map((i) => i.path).sort()).toEqual([
      "conditions",
      "conditions.minOrderNet",
      "effect.amount",
      "startsAt",
    ]);
    // Type-correct, but billing refuses: an unknown service, dates the wrong way round, an amount
    // above any real price (named as the wire's `effect.price`, not billing's grosze).
    const billing = await failure(
      createPromotionHttp({
        name: "Też zła",
        startsAt: "2026-03-01T00:00:00+01:00",
        endsAt: "2026-02-01T00:00:00+01:00",
        conditions: { serviceCodes: ["domain.pl.register", "domain.xyz.register"], periods: [11] },
        effect: { type: "price", price: "200000000.00", basis: "gross" },
      }),
    );
    expect(billing.status).toBe(400);
    expect(billing.body.issues?.map((i) => i.path).sort()).toEqual([
      "conditions.periods.0",
      "conditions.serviceCodes.1",
      "effect.price",
      "endsAt",
    ]);
    const noKey = await failure(
      client.call("POST", "/v1/billing/promotions", {
        name: "X",
        effect: { type: "percent", basisPoints: 100 },
      }),
    );
    expect(noKey.body.issues?.map((i) => i.path)).toContain("idempotency-key");
    expect(await count(bridge.db, "promotions")).toBe(before);

    const p = (
      await createPromotionHttp({ name: "Do zmiany", effect: { type: "percent", basisPoints: 500 } })
    ).body;
    const badPatch = await failure(patch(p.id, { name: " ", maxUses: 0, priority: 10_000_000 }));
    expect(badPatch.body.issues?.map((i) => i.path).sort()).toEqual(["maxUses", "name", "priority"]);
    const dates = await failure(
      patch(p.id, { endsAt: "2020-01-01T00:00:00Z", startsAt: "2021-01-01T00:00:00Z" }),
    );
    expect(dates.body.issues?.map((i) => i.path)).toEqual(["endsAt"]);
    const unchanged = await client.call<PromotionJson>("GET", `/v1/billing/promotions/${p.id}`);
    expect([unchanged.body.startsAt, unchanged.body.endsAt]).toEqual([null, null]);
  });

  it("lists promotions by cursor, filtered by active and by a moment their dates include", async () => {
    const spring = (
      await createPromotionHttp({
        name: "Wiosna 2026",
        startsAt: "2026-03-21T00:00:00+01:00",
        endsAt: "2026-06-21T00:00:00+02:00",
        effect: { type: "percent", basisPoints: 1000 },
      })
    ).body;
    const summer = (
      await createPromotionHttp({
        name: "Lato 2026",
        startsAt: "2026-06-21T00:00:00+02:00",
        endsAt: "2026-09-23T00:00:00+02:00",
        effect: { type: "percent", basisPoints: 1000 },
      })
    ).body;
    const all = (await allPages<PromotionJson>("/v1/billing/promotions?limit=1")).flatMap((p) => p.items);
    expect(all.length).toBe(await count(bridge.db, "promotions"));
    expect(all.map((p) => p.id)).toEqual([...all.map((p) => p.id)].sort((a, b) => a - b));

    const at = (iso: string) =>
      allPages<PromotionJson>(`/v1/billing/promotions?active=true&at=${encodeURIComponent(iso)}&limit=1`);
    const inApril = (await at("2026-04-15T12:00:00+02:00")).flatMap((p) => p.items.map((x) => x.name));
    expect(inApril).toContain(spring.name);
    expect(inApril).not.toContain(summer.name);
    // endsAt is exclusive: the first moment of summer is summer's only.
    const solstice = (await at("2026-06-21T00:00:00+02:00")).flatMap((p) => p.items.map((x) => x.id));
    expect(solstice).toContain(summer.id);
    expect(solstice).not.toContain(spring.id);
    // Switched-off promotions only with active=false.
    const inactive = (await allPages<PromotionJson>("/v1/billing/promotions?active=false")).flatMap(
      (p) => p.items,
    );
    expect(inactive.length).toBeGreaterThan(0);
    expect(inactive.every((p) => !p.active)).toBe(true);

    const bad = await failure(client.call("GET", "/v1/billing/promotions?active=tak&at=wczoraj&limit=0"));
    expect(bad.body.issues?.map((i) => i.path).sort()).toEqual(["active", "at", "limit"]);
  });

  it("generates 1 000 codes in one call; resent with the same Idempotency-Key it still makes 1 000", async () => {
    const promo = (
      await createPromotionHttp({
        name: "Black Friday −30%",
        requiresCode: true,
        conditions: { kinds: ["domain"] },
        effect: { type: "percent", basisPoints: 3000 },
      })
    ).body;
    const k = key("bulk");
    const body = { promotionId: promo.id, count: 1000, prefix: "bf-" };
    const first = await client.call<{ count: number; codes: string[]; replayed: boolean }>(
      "POST",
      "/v1/billing/discount-codes/generate",
      body,
      { idempotencyKey: k },
    );
    expect(first.status).toBe(201);
    expect(first.body.count).toBe(1000);
    expect(new Set(first.body.codes).size).toBe(1000);
    expect(first.body.codes.every((c) => /^BF-[23456789A-HJ-NP-Z]{10}$/.test(c))).toBe(true);
    const again = await client.call<{ count: number; codes: string[]; replayed: boolean }>(
      "POST",
      "/v1/billing/discount-codes/generate",
      body,
      { idempotencyKey: k },
    );
    expect(again.body.replayed).toBe(true);
    expect(again.body.codes).toEqual(first.body.codes);
    expect(await count(bridge.db, "discount_codes", `promotion_id = ${promo.id}`)).toBe(1000);
    const reused = await failure(
      client.call(
        "POST",
        "/v1/billing/discount-codes/generate",
        { ...body, count: 5 },
        { idempotencyKey: k },
      ),
    );
    expect([reused.status, reused.code]).toEqual([422, "idempotency_key_reused"]);

    // One generated code works in a quote, typed as a person would.
    const q = await quoteFor(
      customer,
      [{ serviceCode: "domain.pl.register", period: 1 }],
      ` ${first.body.codes[0]!.toLowerCase()} `,
    );
    expect(q.code).toMatchObject({ code: first.body.codes[0], valid: true, applied: true });
    expect(q.promotionsApplied.map((p) => p.promotionId)).toEqual([promo.id]);

    // Two codes are used on orders (a real redemption); the `used` filter finds exactly them.
    for (const [i, code] of first.body.codes.slice(0, 2).entries()) {
      const qq = await quote(bridge.db, {
        customerId: customer,
        items: [{ serviceCode: "domain.com.register", period: 1 }],
        code,
        at: new Date(),
      });
      await redeemQuote(bridge.db, { quote: qq, orderRef: `ZAM/2026/${i + 1}` });
    }
    const used = (
      await allPages<CodeJson>(`/v1/billing/discount-codes?promotionId=${promo.id}&used=true`)
    ).flatMap((p) => p.items);
    expect(used.map((c) => c.code).sort()).toEqual(first.body.codes.slice(0, 2).sort());
    expect(used.every((c) => c.uses === 1)).toBe(true);
    const unused = (
      await allPages<CodeJson>(`/v1/billing/discount-codes?promotionId=${promo.id}&used=false&limit=200`)
    ).flatMap((p) => p.items);
    expect(unused.length).toBe(998);
    const pages = await allPages<CodeJson>(`/v1/billing/discount-codes?promotionId=${promo.id}&limit=200`);
    expect(pages.map((p) => p.items.length)).toEqual([200, 200, 200, 200, 200]);
    const codes = pages.flatMap((p) => p.items.map((c) => c.code));
    expect(codes).toEqual([...first.body.codes].sort());
  });

  it("creates one code by hand, reads it by code, lists across promotions, and refuses bad codes", async () => {
    // Promotions without codes between the bulk one and the next: a listing reads through them.
    for (let i = 1; i <= 25; i++) {
      await createPromotionHttp({
        name: `Bez kodów ${i}`,
        effect: { type: "percent", basisPoints: 100 + i },
      });
    }
    const promo = (
      await createPromotionHttp({
        name: ".com −20 zł z kodem",
        requiresCode: true,
        conditions: { tlds: ["com"] },
        effect: { type: "amount", amount: "20.00", basis: "net" },
      })
    ).body;
    const k = key("code");
    const body = {
      code: "wiosna-20",
      promotionId: promo.id,
      maxUses: 100,
      expiresAt: "2026-12-31T23:59:59+01:00",
    };
    const created = await client.call<CodeJson>("POST", "/v1/billing/discount-codes", body, {
      idempotencyKey: k,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      code: "WIOSNA-20",
      promotionId: promo.id,
      maxUses: 100,
      uses: 0,
      expiresAt: "2026-12-31T22:59:59.000Z",
      replayed: false,
    });
    const replay = await client.call<CodeJson>("POST", "/v1/billing/discount-codes", body, {
      idempotencyKey: k,
    });
    expect(replay.body.replayed).toBe(true);
    const dup = await failure(
      client.call("POST", "/v1/billing/discount-codes", body, { idempotencyKey: key("code") }),
    );
    expect([dup.status, dup.code]).toEqual([409, "duplicate_code"]);

    const got = await client.call<CodeJson>("GET", "/v1/billing/discount-codes/Wiosna-20");
    expect(got.body).toMatchObject({ code: "WIOSNA-20", uses: 0 });
    const q = await quoteFor(customer, [{ serviceCode: "domain.com.register", period: 1 }], "WIOSNA-20");
    expect(q.lines[0]!.net).toBe(dec(gr(comNet) - 2000));

    const before = await count(bridge.db, "discount_codes");
    const bad = await failure(
      client.call(
        "POST",
        "/v1/billing/discount-codes",
        { code: "za krótki!", promotionId: promo.id, maxUses: 0, expiresAt: "kiedyś" },
        { idempotencyKey: key("code") },
      ),
    );
    expect(bad.body.issues?.map((i) => i.path).sort()).toEqual(["expiresAt"]);
    const bad2 = await failure(
      client.call(
        "POST",
        "/v1/billing/discount-codes",
        { code: "za krótki!", promotionId: promo.id, maxUses: 0 },
        { idempotencyKey: key("code") },
      ),
    );
    expect(bad2.body.issues?.map((i) => i.path).sort()).toEqual(["code", "maxUses"]);
    const ghost = await failure(
      client.call(
        "POST",
        "/v1/billing/discount-codes/generate",
        { promotionId: 999999, count: 10 },
        { idempotencyKey: key("bulk") },
      ),
    );
    expect(ghost.status).toBe(404);
    const tooMany = await failure(
      client.call(
        "POST",
        "/v1/billing/discount-codes/generate",
        { promotionId: promo.id, count: 100_001, length: 2, prefix: "zła prefix" },
        { idempotencyKey: key("bulk") },
      ),
    );
    // (`count` twice: above 100 000, and more than a 2-character code space holds.)
    expect([...new Set(tooMany.body.issues?.map((i) => i.path))].sort()).toEqual([
      "count",
      "length",
      "prefix",
    ]);
    expect(await count(bridge.db, "discount_codes")).toBe(before);

    // Without a promotion filter the listing runs through every promotion's codes in turn.
    const everything = (await allPages<CodeJson>("/v1/billing/discount-codes?limit=200")).flatMap(
      (p) => p.items,
    );
    expect(everything.length).toBe(before);
    expect(everything.at(-1)).toMatchObject({ code: "WIOSNA-20", promotionId: promo.id });
    // Under `used`, one call reads 20 batches at most: the two used codes, then a page with none
    // but a cursor (the rest of the promotions still to read), then the end.
    const usedPages = await allPages<CodeJson>("/v1/billing/discount-codes?used=true&limit=200");
    expect(usedPages.map((p) => p.items.length)).toEqual([2, 0]);
    expect(usedPages[0]!.items.every((c) => c.uses === 1)).toBe(true);
    const missing = await failure(client.call("GET", "/v1/billing/discount-codes/NIE-MA-TAKIEGO"));
    expect(missing.status).toBe(404);
    const noPromotion = await failure(client.call("GET", "/v1/billing/discount-codes?promotionId=999999"));
    expect(noPromotion.status).toBe(404);
  });
});
