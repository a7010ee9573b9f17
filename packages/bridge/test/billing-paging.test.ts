/**
 * The billing listings billing pages in SQL, walked page by page over HTTP with filters and small
 * pages: every row matching the filters exactly once, in the listing's order, every page but the
 * last full — also where rows share the leading parts of their sort key (one code's periods,
 * rules of equal rank, one TLD's operations) so a page boundary falls between them.
 */
import { randomBytes } from "node:crypto";
import {
  addCustomerService,
  compareRules,
  createCustomer,
  createPriceGroup,
  createProformaForOrder,
  createPromotion,
  type Db,
  issueInvoiceForProforma,
  listPriceRules,
  listServices,
  listTlds,
  matchesWords,
  openDb,
  quote,
  recordPayment,
  type Service,
  seedDefaultCatalog,
  setInvoiceKsefState,
  setPrice,
  setPriceRule,
  setSellerSettings,
  upsertService,
} from "@hrdkit/billing";
import { type Bridge, BridgeClient, createKey, startBridge } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure } from "./support/bridge.js";

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

async function onServer(url: string, sql: string): Promise<void> {
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = await openDb({ url, schema });
  try {
    await admin.query(sql);
  } finally {
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
    await admin.close();
  }
}

/** PGlite always; with DATABASE_URL also a PostgreSQL server, in a database made for this file. */
function backends() {
  const base = { port: 0, hrd: undefined, dataDir: undefined };
  const list = [{ name: "PGlite", databaseUrl: undefined as string | undefined, drop: async () => {} }];
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `hk_paging_${randomBytes(6).toString("hex")}`;
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    list.push({
      name: "PostgreSQL",
      databaseUrl: dbUrl.toString(),
      drop: () => onServer(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    });
    // Made lazily, by the first start.
    (list[1] as { create?: () => Promise<void> }).create = () => onServer(url, `CREATE DATABASE ${name}`);
  }
  return list.map((b) => ({
    ...b,
    start: async () => {
      await (b as { create?: () => Promise<void> }).create?.();
      const bridge = await startBridge({ config: { ...base, databaseUrl: b.databaseUrl }, jobs: false });
      const key = await createKey(bridge.db, "paging");
      return { bridge, client: new BridgeClient({ url: bridge.url, key: key.key }) };
    },
  }));
}

const SELLER = {
  name: "Żółw Hosting Sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Świętokrzyska 12", postcode: "00-916", city: "Warszawa", country: "PL" },
  bankAccount: "PL61 1090 1014 0000 0712 1981 2874",
  email: "faktury@zolw.example",
  place: "Warszawa",
};

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const KINDS = ["domain", "option", "ssl", "hosting"];
const OPERATIONS = ["register", "create", "renew", "transfer", "trade"];

/** The services listing's order, from the codes: kind, the code's middle (code units), operation. */
function serviceOrder(a: Service, b: Service): number {
  const mid = (s: Service) => s.code.slice(s.code.indexOf(".") + 1, s.code.lastIndexOf("."));
  return (
    KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) ||
    byCodeUnits(mid(a), mid(b)) ||
    OPERATIONS.indexOf(a.operation) - OPERATIONS.indexOf(b.operation)
  );
}

let bridge: Bridge;
let client: BridgeClient;

/**
 * Every page of `path` at `limit` rows a page: each page but the last holds exactly `limit`, the
 * last one at most that many; the rows of all pages in order.
 */
async function walk<T>(path: string, limit: number): Promise<{ rows: T[]; pages: number }> {
  const rows: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const url = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page: Page<T> = (await client.call<Page<T>>("GET", url)).body;
    pages++;
    if (page.nextCursor !== null) expect(page.items).toHaveLength(limit);
    else expect(page.items.length).toBeLessThanOrEqual(limit);
    rows.push(...page.items);
    cursor = page.nextCursor;
    if (pages > 500) throw new Error("the cursor never ends");
  } while (cursor);
  return { rows, pages };
}

const ids = async (db: Db, sql: string, params: unknown[] = []) =>
  (await db.query<{ id: number }>(sql, params)).rows.map((r) => Number(r.id));

const cursorOf = (listing: object) => Buffer.from(JSON.stringify(listing)).toString("base64url");

describe.each(backends())("billing listings paged in SQL on $name", (backend) => {
  let db: Db;
  let group: number;
  let ania: number;
  let bartek: number;
  const invoices: number[] = [];

  beforeAll(async () => {
    ({ bridge, client } = await backend.start());
    db = bridge.db;
    await seedDefaultCatalog(db);
    await setSellerSettings(db, SELLER);
    group = (await createPriceGroup(db, { name: "Detal", isDefault: true })).id;
    for (const code of ["domain.pl.register", "domain.pl.renew", "domain.com.register"]) {
      await setPrice(db, { groupId: group, serviceCode: code, period: 1, net: "39.99" });
    }
    const customer = (name: string, nip: string) =>
      createCustomer(db, {
        name,
        nip,
        email: `${name.split(" ")[0]!.toLowerCase()}@example.pl`,
        addresses: { correspondence: { street: "ul. Piotrkowska 10", postcode: "90-001", city: "Łódź" } },
      });
    ania = (await customer("Ania Sklep sp. z o.o.", "7251801126")).id;
    bartek = (await customer("Bartek IT", "1234567802")).id;
    // Orders of both customers, in turns; every one paid, the first nine invoiced.
    for (let i = 0; i < 11; i++) {
      const customerId = i % 3 === 2 ? bartek : ania;
      const at = new Date();
      const name = `sklep-${i}-${randomBytes(3).toString("hex")}.${i % 2 === 0 ? "pl" : "com"}`;
      const q = await quote(db, {
        customerId,
        items: [
          {
            serviceCode: name.endsWith(".pl") ? "domain.pl.register" : "domain.com.register",
            name,
            period: 1,
          },
        ],
        at,
      });
      const { proforma } = await createProformaForOrder(db, {
        customerId,
        quote: q,
        orderRef: `ZAM-${i}`,
        at,
      });
      await recordPayment(db, {
        proformaId: proforma.id,
        method: i % 4 === 3 ? "cash" : "transfer",
        amount: { amount: proforma.gross, currency: "PLN" },
        receivedAt: at,
        reference: `REF-${i}`,
      });
      if (i < 9) invoices.push((await issueInvoiceForProforma(db, { proformaId: proforma.id, at })).id);
    }
    // Some invoices reached KSeF, one of them refused first.
    await setInvoiceKsefState(db, invoices[1]!, {
      number: "5260250274-20260301-0A1B2C-3D4E5F-01",
      status: "accepted",
    });
    await setInvoiceKsefState(db, invoices[4]!, {
      number: "5260250274-20260301-0A1B2C-3D4E5F-02",
      status: "accepted",
    });
    await setInvoiceKsefState(db, invoices[6]!, { status: "rejected" });
  }, 180_000);
  afterAll(async () => {
    await bridge?.close();
    await backend.drop();
  });

  it("pages services and TLDs with filters and words, one TLD's operations split across pages", async () => {
    await upsertService(db, {
      kind: "hosting",
      operation: "create",
      product: "Aøb",
      providerRef: "aob",
      periods: [1],
      name: "Hosting aøb",
    });
    const all = (await listServices(db)).sort(serviceOrder);
    const cases: [string, (s: Service) => boolean][] = [
      ["", () => true],
      ["?kind=domain&tld=com.pl", (s) => s.kind === "domain" && s.tld === "com.pl"],
      ["?q=odnowienie", (s) => matchesWords("odnowienie", `${s.code} ${s.name}`)],
      [
        "?q=ODNOWIENIE%20.pl&active=true",
        (s) => s.active && matchesWords("odnowienie .pl", `${s.code} ${s.name}`),
      ],
      ["?kind=hosting&q=ab", () => false],
      ["?operation=renew&q=%C5%BC%C3%B3%C5%82w", () => false],
    ];
    for (const [query, keep] of cases) {
      for (const limit of [1, 3]) {
        if (query === "" && limit === 1) continue;
        const got = await walk<Service>(`/v1/billing/services${query}`, limit);
        expect(got.rows.map((s) => s.code)).toEqual(all.filter(keep).map((s) => s.code));
      }
    }
    // A cursor no page could have made (a kind beyond the list) is refused, as any foreign one.
    const forged = cursorOf({ order: "services", after: [9, "pl", 0] });
    const bad = await failure(client.call("GET", `/v1/billing/services?cursor=${forged}`));
    expect([bad.status, bad.body.issues?.map((i) => i.path)]).toEqual([400, ["cursor"]]);
    // A cursor after the last TLD of a kind goes on with the next kind.
    const afterDomains = cursorOf({ order: "services", after: [0, "~", 4] });
    const next = await client.call<Page<Service>>(
      "GET",
      `/v1/billing/services?limit=2&cursor=${afterDomains}`,
    );
    expect(next.body.items.map((s) => s.code)).toEqual(
      all
        .filter((s) => s.kind !== "domain")
        .slice(0, 2)
        .map((s) => s.code),
    );

    const tlds = (await listTlds(db)).map((t) => t.tld).sort(byCodeUnits);
    expect((await walk<{ tld: string }>("/v1/billing/tlds", 4)).rows.map((t) => t.tld)).toEqual(tlds);
    // A cursor's TLD cut by a NUL: the TLDs after the text before it, not that TLD itself.
    const nul = cursorOf({ order: "tlds", after: ["com\u0000"] });
    const afterCom = await client.call<Page<{ tld: string }>>(
      "GET",
      `/v1/billing/tlds?limit=2&cursor=${nul}`,
    );
    expect(afterCom.body.items.map((t) => t.tld)).toEqual(tlds.filter((t) => t > "com").slice(0, 2));
    expect(tlds).toContain("com");
    const plWithOptions = (await listTlds(db)).filter((t) => t.optionsAvailable && t.tld.includes("pl"));
    expect(plWithOptions.length).toBeGreaterThan(2);
    expect(
      (await walk<{ tld: string }>("/v1/billing/tlds?q=PL&optionsAvailable=true", 2)).rows.map((t) => t.tld),
    ).toEqual(plWithOptions.map((t) => t.tld).sort(byCodeUnits));
  });

  it("pages proformas, payments and invoices with filters, newest or oldest first", async () => {
    const proformas = async (where: string, params: unknown[], desc = true) =>
      ids(db, `SELECT id FROM proformas WHERE ${where} ORDER BY id ${desc ? "DESC" : ""}`, params);
    const pro = (path: string, limit: number) =>
      walk<{ id: number }>(`/v1/billing/proformas${path}`, limit).then((r) => r.rows.map((p) => p.id));
    expect(await pro("", 3)).toEqual(await proformas("true", []));
    expect(await pro(`?customerId=${ania}&order=id`, 2)).toEqual(
      await proformas("customer_id = $1", [ania], false),
    );
    const month = (await db.query<{ number: string }>("SELECT number FROM proformas ORDER BY id LIMIT 1"))
      .rows[0]!.number;
    const prefix = month.slice(0, month.lastIndexOf("/") + 1);
    expect(
      await pro(`?numberPrefix=${encodeURIComponent(prefix)}&status=paid&customerId=${bartek}`, 1),
    ).toEqual(
      await proformas("number LIKE $1 AND status = 'paid' AND customer_id = $2", [`${prefix}%`, bartek]),
    );
    const today = (await db.query<{ d: string }>("SELECT max(issue_date)::text AS d FROM proformas")).rows[0]!
      .d;
    expect(await pro(`?issuedFrom=${today}&issuedTo=${today}&origin=order`, 4)).toEqual(
      await proformas("issue_date = $1::date AND origin = 'order'", [today]),
    );

    const pay = (path: string, limit: number) =>
      walk<{ id: number }>(`/v1/billing/payments${path}`, limit).then((r) => r.rows.map((p) => p.id));
    expect(await pay("", 4)).toEqual(await ids(db, "SELECT id FROM payments ORDER BY id DESC"));
    expect(await pay(`?method=transfer&customerId=${ania}&order=id`, 2)).toEqual(
      await ids(db, "SELECT id FROM payments WHERE method = 'transfer' AND customer_id = $1 ORDER BY id", [
        ania,
      ]),
    );
    expect(await pay(`?receivedFrom=${today}&receivedTo=${today}&method=cash`, 1)).toEqual(
      await ids(db, "SELECT id FROM payments WHERE method = 'cash' ORDER BY id DESC"),
    );
    expect(await pay("?reference=REF-7", 1)).toEqual(
      await ids(db, "SELECT id FROM payments WHERE reference = 'REF-7'"),
    );

    type Inv = { id: number; number: string; ksefNumber: string | null; ksefStatus: string | null };
    const inv = (path: string, limit: number) =>
      walk<Inv>(`/v1/billing/invoices${path}`, limit).then((r) => r.rows);
    const newest = [...invoices].reverse();
    expect((await inv("", 2)).map((i) => i.id)).toEqual(newest);
    const notInKsef = await inv("?inKsef=false", 2);
    expect(notInKsef.map((i) => i.id)).toEqual(
      newest.filter((id) => id !== invoices[1] && id !== invoices[4]),
    );
    expect(notInKsef.find((i) => i.id === invoices[6])).toMatchObject({
      ksefNumber: null,
      ksefStatus: "rejected",
    });
    expect((await inv("?inKsef=true", 1)).map((i) => [i.id, i.ksefStatus])).toEqual([
      [invoices[4], "accepted"],
      [invoices[1], "accepted"],
    ]);
    expect((await inv("?ksefStatus=rejected", 1)).map((i) => i.id)).toEqual([invoices[6]]);
    const first = (await inv("", 50)).at(-1)!;
    const invoicePrefix = first.number.slice(0, first.number.lastIndexOf("/") + 1);
    expect(
      (await inv(`?number=${encodeURIComponent(`${invoicePrefix}*`)}&customerId=${ania}`, 2)).map(
        (i) => i.id,
      ),
    ).toEqual(await ids(db, "SELECT id FROM invoices WHERE customer_id = $1 ORDER BY id DESC", [ania]));
    expect((await inv(`?number=${encodeURIComponent(first.number)}`, 1)).map((i) => i.id)).toEqual([
      first.id,
    ]);
  });

  it("pages promotions in force at a moment", async () => {
    const now = Date.now();
    const day = 86_400_000;
    const made: { id: number; active: boolean; startsAt: Date | null; endsAt: Date | null }[] = [];
    for (let i = 0; i < 9; i++) {
      const startsAt = i % 3 === 0 ? null : new Date(now + (i % 3 === 1 ? -day : day));
      const endsAt = i % 4 === 0 ? new Date(now + 2 * day) : null;
      const p = await createPromotion(db, {
        name: `Promocja ${i}`,
        active: i !== 4,
        startsAt,
        endsAt,
        effect: { type: "percent", basisPoints: 100 + i },
      });
      made.push({ id: p.id, active: i !== 4, startsAt, endsAt });
    }
    const at = new Date(now);
    const inForce = made
      .filter(
        (p) => p.active && (p.startsAt === null || p.startsAt <= at) && (p.endsAt === null || at < p.endsAt),
      )
      .map((p) => p.id);
    expect(inForce.length).toBeGreaterThan(2);
    const got = await walk<{ id: number }>(
      `/v1/billing/promotions?active=true&at=${encodeURIComponent(at.toISOString())}`,
      2,
    );
    expect(got.rows.map((p) => p.id)).toEqual(inForce);
    const later = new Date(now + 3 * day);
    const all = await walk<{ id: number }>(
      `/v1/billing/promotions?at=${encodeURIComponent(later.toISOString())}`,
      1,
    );
    expect(all.rows.map((p) => p.id)).toEqual(made.filter((p) => p.endsAt === null).map((p) => p.id));
  });

  it("pages price groups, a price list (one code's periods across pages) and rules of equal rank", async () => {
    const eur = await createPriceGroup(db, { name: "Export", currency: "EUR" });
    const hurt = await createPriceGroup(db, { name: "Hurt" });
    expect(
      (await walk<{ id: number }>("/v1/billing/price-groups?currency=PLN", 1)).rows.map((g) => g.id),
    ).toEqual([group, hurt.id]);
    expect((await walk<{ id: number }>("/v1/billing/price-groups", 2)).rows.map((g) => g.id)).toEqual([
      group,
      eur.id,
      hurt.id,
    ]);

    for (const code of [
      "domain.pl.register",
      "domain.com.pl.register",
      "domain.pl.renew",
      "domain.com.register",
    ]) {
      for (const period of [1, 2, 3]) {
        await setPrice(db, { groupId: hurt.id, serviceCode: code, period, net: `${20 + period}.00` });
      }
    }
    type Entry = { serviceCode: string; period: number; operation: string; tld: string };
    const key = (e: Entry) => `${e.serviceCode}/${e.period}`;
    const list = await walk<Entry>(`/v1/billing/price-groups/${hurt.id}/prices`, 2);
    const expected = [
      "domain.com.pl.register",
      "domain.com.register",
      "domain.pl.register",
      "domain.pl.renew",
    ].flatMap((c) => [1, 2, 3].map((p) => `${c}/${p}`));
    expect(list.rows.map(key)).toEqual(expected);
    expect(list.pages).toBe(6);
    const plRegister = await walk<Entry>(
      `/v1/billing/price-groups/${hurt.id}/prices?tld=.PL&operation=register`,
      2,
    );
    expect(plRegister.rows.map(key)).toEqual([
      "domain.pl.register/1",
      "domain.pl.register/2",
      "domain.pl.register/3",
    ]);
    const one = await walk<Entry>(
      `/v1/billing/price-groups/${hurt.id}/prices?serviceCode=%20domain.pl.renew%20`,
      1,
    );
    expect(one.rows.map(key)).toEqual(["domain.pl.renew/1", "domain.pl.renew/2", "domain.pl.renew/3"]);
    // A cursor's code cut by a NUL: the codes after the text before it, whatever their period.
    const nul = cursorOf({ l: `prices:${hurt.id}`, k: ["domain.com.register\u0000x", 0] });
    const afterNul = await client.call<Page<Entry>>(
      "GET",
      `/v1/billing/price-groups/${hurt.id}/prices?limit=1&cursor=${nul}`,
    );
    expect(afterNul.body.items.map(key)).toEqual(["domain.pl.register/1"]);

    const margin = { type: "percent" as const, basisPoints: 1500 };
    for (const match of [
      { kind: "domain" as const },
      {},
      { kind: "domain" as const },
      { tld: "pl" },
      { kind: "domain" as const },
      { serviceCode: "domain.pl.register" },
      { tld: "pl", period: 1 },
    ]) {
      await setPriceRule(db, { groupId: hurt.id, match, margin });
    }
    await setPriceRule(db, { groupId: hurt.id, match: { kind: "domain" }, margin, priority: 3 });
    const rules = await listPriceRules(db, hurt.id);
    const precedence = [...rules].sort(compareRules).map((r) => r.id);
    for (const limit of [1, 2, 3]) {
      const got = await walk<{ id: number }>(`/v1/billing/price-groups/${hurt.id}/rules`, limit);
      expect(got.rows.map((r) => r.id)).toEqual(precedence);
    }
  });

  it("pages wholesale imports and a service's cost history", async () => {
    const service = (await ids(db, "SELECT id FROM services WHERE code = 'domain.com.register'"))[0]!;
    for (let i = 0; i < 7; i++) {
      const [importId] = await ids(db, "INSERT INTO wholesale_imports (source) VALUES ('test') RETURNING id");
      if (i !== 3) {
        await db.query(
          "INSERT INTO wholesale_prices (import_id, service_id, period, cost) VALUES ($1, $2, 2, $3)",
          [importId, service, 4000 + i],
        );
      }
    }
    const imports = await walk<{ importId: number }>("/v1/billing/wholesale/imports", 3);
    expect(imports.rows.map((i) => i.importId)).toEqual(
      await ids(db, "SELECT id FROM wholesale_imports ORDER BY id DESC"),
    );
    const history: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/billing/wholesale/costs/domain.com.register/2?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await client.call<Page<{ cost: string }> & { current: string }>("GET", url)).body;
      expect(page.current).toBe("40.06");
      history.push(...page.items.map((h) => Math.round(Number(h.cost) * 100)));
      cursor = page.nextCursor;
    } while (cursor);
    expect(history).toEqual([4000, 4001, 4002, 4004, 4005, 4006]);
  });

  it("names the renewal run's proformas by id as well as in summaries", async () => {
    const inTenDays = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    for (const name of ["odnowienie-1.pl", "odnowienie-2.pl"]) {
      await addCustomerService(db, {
        customerId: ania,
        serviceCode: "domain.pl.register",
        name,
        period: 1,
        status: "active",
        expiresOn: inTenDays,
      });
    }
    const run = await client.call<{ created: number; proformas: { id: number }[]; proformaIds: number[] }>(
      "POST",
      "/v1/billing/renewals/run",
      {},
      { idempotencyKey: `renewals-${randomBytes(6).toString("hex")}` },
    );
    expect(run.body.created).toBe(2);
    expect(run.body.proformaIds).toEqual(run.body.proformas.map((p) => p.id));
    expect(run.body.proformaIds).toEqual(
      await ids(db, "SELECT id FROM proformas WHERE origin = 'renewal' ORDER BY id"),
    );
  });
});
