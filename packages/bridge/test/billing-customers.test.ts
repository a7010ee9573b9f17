import {
  createDiscountCode,
  createPriceGroup,
  createPromotion,
  type Db,
  seedDefaultCatalog,
  setPrice,
  setServiceKindOffered,
} from "@hrdkit/billing";
import type { Bridge, BridgeClient } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridgeBackends } from "./support/backends.js";
import { everyPage, failure } from "./support/bridge.js";

interface CustomerJson {
  id: number;
  name: string;
  type: string;
  nip: string | null;
  email: string | null;
  addresses: { correspondence: { postcode: string } | null };
  consents: { newsletter: { granted: boolean } | null };
  replayed?: boolean;
}
interface Page {
  items: { id: number; name: string }[];
  nextCursor: string | null;
}

const ADDRESS = { street: "ul. Długa 1", postcode: "00950", city: "Warszawa" };
const COMPANY = {
  name: "Żółw Hosting sp. z o.o.",
  nip: "PL 123-456-32-18",
  email: "biuro@zolw.example",
  addresses: { correspondence: ADDRESS },
};

let bridge: Bridge;
let client: BridgeClient;
let keys = 0;
const key = (label: string) => `test-${label}-${++keys}-${Date.now()}`;

const create = (body: unknown, idempotencyKey = key("create")) =>
  client.call<CustomerJson>("POST", "/v1/billing/customers", body, { idempotencyKey });

async function customerCount(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM customers");
  return rows[0]!.n;
}

/** Every page of a listing, following nextCursor. */
const allPages = (path: string) => everyPage<Page["items"][number]>(client, path, 20);

const backends = bridgeBackends("billing_http");

describe.each(backends)("billing customers and quotes over HTTP on $name", (backend) => {
  beforeAll(async () => {
    ({ bridge, client } = await backend.start());
  });
  afterAll(async () => {
    await bridge?.close();
    await backend.dispose();
  });

  it("creates a customer (normalised by billing) and reads it back", async () => {
    const created = await create(COMPANY);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: COMPANY.name,
      type: "company",
      nip: "1234563218",
      replayed: false,
      addresses: { correspondence: { postcode: "00-950", country: "PL" } },
    });
    const got = await client.call<CustomerJson>("GET", `/v1/billing/customers/${created.body.id}`);
    expect(got.body).toMatchObject({
      id: created.body.id,
      nip: "1234563218",
      consents: { newsletter: null },
    });
    expect(Number.isNaN(Date.parse((got.body as unknown as { createdAt: string }).createdAt))).toBe(false);

    const missing = await failure(client.call("GET", "/v1/billing/customers/999999"));
    expect([missing.status, missing.code]).toEqual([404, "not_found"]);
    const bad = await failure(client.call("GET", "/v1/billing/customers/abc"));
    expect(bad.status).toBe(400);
    expect(bad.body.issues?.map((i) => i.path)).toEqual(["id"]);
  });

  it("replays a create with the same Idempotency-Key: same customer, no duplicate", async () => {
    const body = { ...COMPANY, name: "Powtórka sp. z o.o." };
    const k = key("replay");
    const first = await create(body, k);
    const again = await create(body, k);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: first.body.id, replayed: true });
    const page = await client.call<Page>("GET", `/v1/billing/customers?q=${encodeURIComponent("Powtórka")}`);
    expect(page.body.items.map((c) => c.id)).toEqual([first.body.id]);

    const other = await failure(create({ ...body, email: "inny@zolw.example" }, k));
    expect([other.status, other.code]).toEqual([422, "idempotency_key_reused"]);
    const none = await failure(client.call("POST", "/v1/billing/customers", body));
    expect(none.status).toBe(400);
    expect(none.body.issues?.map((i) => i.path)).toContain("idempotency-key");
  });

  it("refuses bad input naming every bad field, writes nothing, and frees the key", async () => {
    const before = await customerCount(bridge.db);
    const k = key("invalid");
    // Real mistakes: a mistyped NIP check digit, an e-mail without a domain, a PESEL on a company,
    // a postcode that is not NN-NNN, and details without a correspondence address.
    const e = await failure(
      create(
        {
          name: "Błędna Firma",
          type: "company",
          nip: "123-456-32-19",
          pesel: "44051401359",
          email: "biuro@",
          addresses: { invoice: { street: "Polna 2", postcode: "0095", city: "Kraków" } },
        },
        k,
      ),
    );
    expect([e.status, e.code]).toEqual([400, "invalid"]);
    const paths = e.body.issues?.map((i) => i.path).sort();
    expect(paths).toEqual([
      "addresses.correspondence",
      "addresses.invoice.postcode",
      "email",
      "nip",
      "pesel",
    ]);
    // A wrong JSON type is caught by the route's schema, in the same shape.
    const typed = await failure(create({ name: 42, hrdUserId: "x" }));
    expect(typed.status).toBe(400);
    expect(typed.body.issues?.map((i) => i.path).sort()).toEqual(["hrdUserId", "name"]);
    expect(await customerCount(bridge.db)).toBe(before);
    // The corrected request under the same key runs.
    const fixed = await create({ ...COMPANY, name: "Poprawiona Firma" }, k);
    expect(fixed.body.replayed).toBe(false);
    expect(await customerCount(bridge.db)).toBe(before + 1);
  });

  it("updates a customer partially and validates the change", async () => {
    const c = (await create({ name: "Jan Zmienny" })).body;
    const patch = (body: unknown) =>
      client.call<CustomerJson>("PATCH" as "PUT", `/v1/billing/customers/${c.id}`, body);
    const changed = await patch({ email: "jan@zmienny.example", addresses: { correspondence: ADDRESS } });
    expect(changed.body).toMatchObject({ name: "Jan Zmienny", email: "jan@zmienny.example" });
    const e = await failure(patch({ email: "nie-mail", nip: "1234563218" }));
    expect(e.status).toBe(400);
    expect(e.body.issues?.map((i) => i.path).sort()).toEqual(["email", "nip"]);
    const got = await client.call<CustomerJson>("GET", `/v1/billing/customers/${c.id}`);
    expect(got.body.email).toBe("jan@zmienny.example");
  });

  it("searches with filters and pages by cursor across several pages", async () => {
    const ids: number[] = [];
    for (const n of ["Anna", "Bartek", "Celina", "Dawid", "Ewa"]) {
      ids.push((await create({ name: `${n} Stronicowa` })).body.id);
    }
    const pages = await allPages("/v1/billing/customers?q=stronicowa&limit=2");
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.items.map((c) => c.id))).toEqual(ids);

    const byName = await allPages("/v1/billing/customers?q=stronicowa&order=name&limit=3");
    expect(byName.flatMap((p) => p.items.map((c) => c.name.split(" ")[0]))).toEqual([
      "Anna",
      "Bartek",
      "Celina",
      "Dawid",
      "Ewa",
    ]);

    const companies = (await client.call<Page>("GET", "/v1/billing/customers?type=company&limit=200")).body;
    expect(companies.items.length).toBeGreaterThan(0);
    expect(companies.items.every((c) => !c.name.includes("Stronicowa"))).toBe(true);

    // A cursor of another ordering, or a forged one, is refused naming `cursor`.
    const cursor = pages[0]!.nextCursor!;
    const wrong = await failure(client.call("GET", `/v1/billing/customers?order=name&cursor=${cursor}`));
    expect(wrong.body.issues?.map((i) => i.path)).toEqual(["cursor"]);
    const bad = await failure(client.call("GET", "/v1/billing/customers?limit=0&type=firma"));
    expect(bad.body.issues?.map((i) => i.path).sort()).toEqual(["limit", "type"]);
  });

  it("records consents; a withdrawal shows in the history and in the consent filter", async () => {
    const a = (await create({ name: "Zgoda Tak" })).body;
    const b = (await create({ name: "Zgoda Cofnięta" })).body;
    const consent = (id: number, body: unknown) =>
      client.call<{ granted: boolean; replayed: boolean }>(
        "POST",
        `/v1/billing/customers/${id}/consents`,
        body,
        {
          idempotencyKey: key("consent"),
        },
      );
    await consent(a.id, { kind: "newsletter", granted: true, via: "form", at: "2026-01-10T10:00:00Z" });
    await consent(b.id, { kind: "newsletter", granted: true, via: "form", at: "2026-01-10T10:00:00Z" });
    const withdrawn = await consent(b.id, {
      kind: "newsletter",
      granted: false,
      via: "email",
      actor: "operator:ania",
      note: "rezygnacja mailem",
      at: "2026-02-01T08:30:00+01:00",
    });
    expect(withdrawn.status).toBe(201);

    const history = await client.call<{ items: { granted: boolean; at: string; actor: string }[] }>(
      "GET",
      `/v1/billing/customers/${b.id}/consents`,
    );
    expect(history.body.items.map((r) => [r.granted, r.at])).toEqual([
      [true, "2026-01-10T10:00:00.000Z"],
      [false, "2026-02-01T07:30:00.000Z"],
    ]);
    expect(history.body.items[0]!.actor).toMatch(/^api-key:/);
    const got = await client.call<CustomerJson>("GET", `/v1/billing/customers/${b.id}`);
    expect(got.body.consents.newsletter?.granted).toBe(false);

    const consenting = (await allPages("/v1/billing/customers?consent=newsletter&limit=1")).flatMap((p) =>
      p.items.map((c) => c.id),
    );
    expect(consenting).toContain(a.id);
    expect(consenting).not.toContain(b.id);
    // The consent filter narrows a search and any ordering, like every other filter.
    const searched = (
      await allPages("/v1/billing/customers?consent=newsletter&q=zgoda&order=name&limit=1")
    ).flatMap((p) => p.items.map((c) => c.name));
    expect(searched).toEqual(["Zgoda Tak"]);

    const e = await failure(
      client.call(
        "POST",
        `/v1/billing/customers/${a.id}/consents`,
        { kind: "sms", granted: "yes", via: "form" },
        {
          idempotencyKey: key("consent"),
        },
      ),
    );
    expect(e.body.issues?.map((i) => i.path).sort()).toEqual(["granted", "kind"]);
    const ghost = await failure(
      client.call(
        "POST",
        "/v1/billing/customers/999999/consents",
        { kind: "offers", granted: true, via: "form" },
        {
          idempotencyKey: key("consent"),
        },
      ),
    );
    expect(ghost.status).toBe(404);
  });

  it("makes the customer's registrant account at HRD from its data, once", async () => {
    const c = (
      await create({
        name: "Anna Wiśniewska",
        pesel: "44051401359",
        email: "anna.wisniewska@example.pl",
        mobilePhone: "+48 601 234 567",
        addresses: { correspondence: { street: "ul. Floriańska 3", postcode: "31-019", city: "Kraków" } },
      })
    ).body;
    const path = `/v1/billing/customers/${c.id}/hrd-account`;
    type Account = { hrdUserId: number; created: boolean };
    const made = await client.call<Account>("POST", path, {}, { idempotencyKey: key("hrd") });
    expect(made.body.created).toBe(true);
    const user = await bridge.ctx.hrd.user.info({ id: made.body.hrdUserId });
    expect(user.name).toBe("Anna Wiśniewska");
    expect(user.city).toBe("Kraków");
    const stored = await client.call<CustomerJson & { hrdUserId: number }>(
      "GET",
      `/v1/billing/customers/${c.id}`,
    );
    expect(stored.body.hrdUserId).toBe(made.body.hrdUserId);
    // Asked again under a new key: the same account, not a second one.
    const again = await client.call<Account>("POST", path, {}, { idempotencyKey: key("hrd") });
    expect(again.body).toMatchObject({ hrdUserId: made.body.hrdUserId, created: false });

    // A company without a representative, e-mail or phone: every missing field named, nothing made.
    const bare = (
      await create({
        name: "Bez Danych sp. z o.o.",
        nip: "5260250274",
        addresses: { correspondence: ADDRESS },
      })
    ).body;
    const e = await failure(
      client.call("POST", `/v1/billing/customers/${bare.id}/hrd-account`, {}, { idempotencyKey: key("hrd") }),
    );
    expect(e.status).toBe(409);
    expect(e.body.issues?.map((i) => i.path).sort()).toEqual(["email", "mobilePhone", "representative"]);
    const after = await client.call<{ hrdUserId: number | null }>("GET", `/v1/billing/customers/${bare.id}`);
    expect(after.body.hrdUserId).toBeNull();
  });

  it("quotes an order with a promotion and a discount code, money as exact decimals", async () => {
    await seedDefaultCatalog(bridge.db);
    const group = await createPriceGroup(bridge.db, { name: "Detal", isDefault: true });
    await setPrice(bridge.db, {
      groupId: group.id,
      serviceCode: "domain.pl.register",
      period: 1,
      net: "39.99",
    });
    await setPrice(bridge.db, {
      groupId: group.id,
      serviceCode: "domain.com.register",
      period: 1,
      net: "59.90",
    });
    await createPromotion(bridge.db, {
      name: ".pl -10%",
      conditions: { tlds: ["pl"], operations: ["register"] },
      effect: { type: "percent", basisPoints: 1000 },
    });
    const withCode = await createPromotion(bridge.db, {
      name: ".com -20 zł z kodem",
      conditions: { tlds: ["com"] },
      effect: { type: "amount", grosze: 2000, basis: "net" },
      requiresCode: true,
    });
    await createPromotion(bridge.db, {
      name: "Dla stałych klientów",
      conditions: { customers: "existing" },
      effect: { type: "percent", basisPoints: 500 },
    });
    await createDiscountCode(bridge.db, { code: "WIOSNA-20", promotionId: withCode.id });
    const c = (await create({ name: "Kupujący Klient" })).body;

    const q = (
      await client.call<{
        lines: { serviceCode: string; listNet: string; net: string; gross: string; discounts: unknown[] }[];
        promotionsApplied: { name: string; total: string }[];
        promotionsNotApplied: { name: string; reasonCode: string }[];
        code: { code: string; valid: boolean; applied: boolean };
        totals: { listNet: string; discount: string; net: string; vat: string; gross: string };
      }>("POST", "/v1/billing/quotes", {
        customerId: c.id,
        items: [
          { serviceCode: "domain.pl.register", name: "żółw.pl", period: 1 },
          { serviceCode: "domain.com.register", name: "zolw.com", period: 1 },
        ],
        code: " wiosna-20 ",
      })
    ).body;
    expect(q.lines.map((l) => [l.serviceCode, l.listNet, l.net])).toEqual([
      ["domain.pl.register", "39.99", "35.99"],
      ["domain.com.register", "59.90", "39.90"],
    ]);
    expect(q.promotionsApplied.map((p) => [p.name, p.total]).sort()).toEqual([
      [".com -20 zł z kodem", "20.00"],
      [".pl -10%", "4.00"],
    ]);
    expect(q.promotionsNotApplied.map((p) => [p.name, p.reasonCode])).toEqual([
      ["Dla stałych klientów", "existing_customers_only"],
    ]);
    expect(q.code).toMatchObject({ code: "WIOSNA-20", valid: true, applied: true });
    expect(q.totals).toMatchObject({ listNet: "99.89", discount: "24.00", net: "75.89" });
    expect(q.totals.gross).toBe((Number(q.totals.net) + Number(q.totals.vat)).toFixed(2));

    // Billing's NotOfferedError (a conflict subclass) is a 409 naming the item, not a 500.
    await setServiceKindOffered(bridge.db, "option", false);
    const notOffered = await failure(
      client.call("POST", "/v1/billing/quotes", {
        customerId: c.id,
        items: [
          { serviceCode: "domain.pl.register", period: 1 },
          { serviceCode: "option.pl.create", period: 1 },
        ],
      }),
    );
    expect([notOffered.status, notOffered.code]).toEqual([409, "not_offered"]);
    const offeredPaths = notOffered.body.issues?.map((i) => i.path) ?? [];
    expect(offeredPaths).toContain("items.1.serviceCode");
    expect(offeredPaths.some((p) => p.startsWith("items.0"))).toBe(false);
    const bad = await failure(
      client.call("POST", "/v1/billing/quotes", {
        customerId: c.id,
        items: [{ serviceCode: "x y", period: 0 }],
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.issues?.map((i) => i.path).sort()).toEqual(["items.0.period", "items.0.serviceCode"]);
  });

  it("documents every billing route with an operationId, the billing tag and its error statuses", async () => {
    const res = await fetch(`${bridge.url}/docs/json`);
    expect(res.status).toBe(200);
    const spec = (await res.json()) as {
      paths: Record<string, Record<string, { operationId?: string; tags?: string[]; responses: object }>>;
      components?: { schemas?: Record<string, unknown> };
    };
    // Named schemas for generators, and every reference of a billing route resolves.
    const schemas = Object.keys(spec.components?.schemas ?? {});
    expect(schemas).toEqual(
      expect.arrayContaining([
        "Customer",
        "CustomerPage",
        "ConsentHistory",
        "CreateCustomerInput",
        "Quote",
        "QuoteOrderInput",
      ]),
    );
    const billingPaths = JSON.stringify(
      Object.entries(spec.paths).filter(([p]) => p.startsWith("/v1/billing/")),
    );
    for (const [, ref] of billingPaths.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      expect(schemas).toContain(ref);
    }
    const ops = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith("/v1/billing/"))
      .flatMap(([, methods]) => Object.values(methods));
    expect(ops.map((o) => o.operationId)).toEqual(
      expect.arrayContaining([
        "createCustomer",
        "createCustomerHrdAccount",
        "createQuote",
        "getCustomer",
        "listConsentHistory",
        "listCustomers",
        "recordConsent",
        "updateCustomer",
      ]),
    );
    for (const o of ops) {
      expect(o.operationId).toMatch(/^[a-z][A-Za-z0-9]+$/);
      expect(o.tags).toEqual(["billing"]);
      expect(Object.keys(o.responses)).toEqual(expect.arrayContaining(["401", "500"]));
    }
  });
});
