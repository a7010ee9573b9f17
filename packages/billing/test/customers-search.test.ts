import { type Db, MIGRATIONS, migrate, seedDefaultCatalog } from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticCustomers } from "../../../scripts/bench/billing-customers.js";
import {
  createCustomer,
  foldText,
  importCustomers,
  type SearchCustomersInput,
  searchCustomers,
  servicesExpiringBetween,
  updateCustomer,
} from "../src/customers/index.js";
import { CUSTOMERS_MIGRATIONS } from "../src/db/migrations-customers.js";
import { drivers } from "./support/db.js";

const ADDRESS = { street: "ul. Prosta 1", postcode: "00-950", city: "Warszawa" };
const SYNTHETIC = 12_000;

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)];

/** A Db that records the plan of every SELECT it runs (EXPLAIN with the same parameters). */
function explaining(db: Db, plans: PlanNode[][]): Db {
  return {
    ...db,
    query: async <R>(sql: string, params?: readonly unknown[]) => {
      if (/^\s*(SELECT|WITH)/i.test(sql)) {
        const { rows } = await db.query<{ "QUERY PLAN": { Plan: PlanNode }[] }>(
          `EXPLAIN (FORMAT JSON) ${sql}`,
          params,
        );
        plans.push(nodesOf(rows[0]!["QUERY PLAN"][0]!.Plan));
      }
      return db.query<R>(sql, params);
    },
  };
}

describe("search terms", () => {
  it("folds Polish and other diacritics to ASCII", () => {
    expect(foldText("Żółw Łąkowy ĘĆŃŚŹ")).toBe("zolw lakowy ecnsz");
    expect(foldText("Müller Øresund Straße")).toBe("muller oresund strasse");
  });
});

describe.each(drivers())("customer search on $name", (driver) => {
  let db: Db;
  const special: Record<string, number> = {};

  beforeAll(async () => {
    db = await driver.open();
    await migrate(db, [...MIGRATIONS, ...CUSTOMERS_MIGRATIONS]);
    await db.query("INSERT INTO price_groups (name, is_default) VALUES ('Standard', true)");
    await importCustomers(db, syntheticCustomers(SYNTHETIC), { batchSize: 3000 });
    const mk = async (key: string, input: Parameters<typeof createCustomer>[1]) => {
      special[key] = (await createCustomer(db, { addresses: { correspondence: ADDRESS }, ...input })).id;
    };
    await mk("zolw", { name: "Żółw Sp. z o.o.", nip: "PL 526-025-02-74", email: "biuro@zolw.pl" });
    await mk("zolwinski", { name: "Adam Zolwinski", email: "adam@zolwinski.pl" });
    await mk("kowalski", {
      name: "Jan Kowalski",
      email: "jan.kowalski@example.pl",
      pesel: "85011501232",
    });
    await mk("nowakJan", { name: "Jan Nowak-Kowalska", email: "jn@example.pl" });
    await mk("eu", { name: "Schildkröte GmbH", euVat: { country: "DE", number: "123456789" } });
    await db.query("ANALYZE customers");
  });
  afterAll(() => driver.dispose(db));

  const ids = async (input: SearchCustomersInput) =>
    (await searchCustomers(db, input)).items.map((c) => c.id);

  it("finds a name by any of its words, with or without Polish letters", async () => {
    expect(await ids({ query: "zolw" })).toEqual([special.zolw, special.zolwinski]);
    expect(await ids({ query: "ŻÓŁW" })).toEqual([special.zolw]);
    expect(await ids({ query: "żółw" })).toEqual([special.zolw]);
    expect(await ids({ query: "kowal" })).toEqual([special.kowalski, special.nowakJan]);
    expect(await ids({ query: "jan kow" })).toEqual([special.kowalski, special.nowakJan]);
    expect(await ids({ query: "nowak-kowalska" })).toEqual([special.nowakJan]);
    expect(await ids({ query: "schildkrote" })).toEqual([special.eu]);
    expect(await ids({ query: "qqq" })).toEqual([]);
  });

  it("finds a NIP, a PESEL, an e-mail and an EU VAT number by their beginning", async () => {
    for (const q of ["5260250274", "526025", "PL526-025-02-74", "526-025"]) {
      expect(await ids({ query: q }), q).toEqual([special.zolw]);
    }
    expect(await ids({ query: "8501150" })).toEqual([special.kowalski]);
    // Punctuation also splits words: "jan.k" is an e-mail's beginning or "jan k".
    expect(await ids({ query: "jan.k" })).toEqual([special.kowalski, special.nowakJan]);
    expect(await ids({ query: "jan.kowalski@exa" })).toEqual([special.kowalski]);
    expect(await ids({ query: "BIURO@ZOLW" })).toEqual([special.zolw]);
    expect(await ids({ query: "de1234" })).toEqual([special.eu]);
  });

  it("filters by type and price group and follows updates of the name and e-mail", async () => {
    expect(await ids({ query: "zolw", type: "company" })).toEqual([special.zolw]);
    expect(await ids({ query: "zolw", type: "person" })).toEqual([special.zolwinski]);
    const { rows } = await db.query<{ id: number }>(
      "INSERT INTO price_groups (name) VALUES ('VIP') RETURNING id",
    );
    await updateCustomer(db, special.zolwinski!, {
      priceGroupId: rows[0]!.id,
      name: "Adam Żabiński",
      email: null,
    });
    expect(await ids({ priceGroupId: rows[0]!.id })).toEqual([special.zolwinski]);
    expect(await ids({ query: "zolw" })).toEqual([special.zolw]);
    expect(await ids({ query: "zabin" })).toEqual([special.zolwinski]);
    expect(await ids({ query: "adam@zolwinski" })).toEqual([]);
  });

  it("pages by keys through every customer exactly once, by id and by name", async () => {
    const { rows } = await db.query<{ n: number }>("SELECT count(*)::int8 AS n FROM customers");
    const total = rows[0]!.n;
    expect(total).toBeGreaterThan(SYNTHETIC);
    for (const order of ["id", "name"] as const) {
      const seen: number[] = [];
      const names: string[] = [];
      let afterId: number | undefined;
      for (;;) {
        const page = await searchCustomers(db, { order, limit: 997, ...(afterId ? { afterId } : {}) });
        seen.push(...page.items.map((c) => c.id));
        names.push(...page.items.map((c) => c.name.toLowerCase()));
        if (page.nextAfterId === null) break;
        afterId = page.nextAfterId;
      }
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
      if (order === "id") expect(seen).toEqual([...seen].sort((a, b) => a - b));
    }
    // Many customers share a name ("Anna Nowak"): the id breaks the tie and none is lost.
    const query = "nowak";
    const all = (
      await db.query<{ id: number }>("SELECT id FROM customers WHERE search LIKE '%nowak%' ORDER BY id")
    ).rows.map((r) => r.id);
    expect(all.length).toBeGreaterThan(100);
    const paged: number[] = [];
    let afterId: number | undefined;
    do {
      const page = await searchCustomers(db, {
        query,
        order: "name",
        limit: 7,
        ...(afterId ? { afterId } : {}),
      });
      paged.push(...page.items.map((c) => c.id));
      afterId = page.nextAfterId ?? undefined;
    } while (afterId !== undefined);
    expect([...paged].sort((a, b) => a - b)).toEqual(all);
  });

  it("uses an index for search, paging and the renewal window, never a full scan", async () => {
    // The services of the renewal window, many of them so the planner has a choice to make.
    await seedDefaultCatalog(db);
    await db.query(
      `INSERT INTO customer_services (customer_id, service_id, name, status, period, expires_on)
       SELECT $1, (SELECT id FROM services WHERE code = 'domain.pl.register'), 'd' || g || '.pl', 'active', 1,
              DATE '2026-01-01' + (g % 365)
       FROM generate_series(1, 20000) AS g`,
      [special.zolw],
    );
    await db.query("ANALYZE customer_services");
    const plans: PlanNode[][] = [];
    const x = explaining(db, plans);
    const cases: [string, () => Promise<unknown>, string][] = [
      ["search by a word", () => searchCustomers(x, { query: "kowal" }), "customers_search_terms"],
      ["search by NIP", () => searchCustomers(x, { query: "526025" }), "customers_search_terms"],
      [
        "search by folded word, by name",
        () => searchCustomers(x, { query: "zolw", order: "name" }),
        "customers_search_terms",
      ],
      ["list by id, after a key", () => searchCustomers(x, { afterId: 5000, limit: 50 }), "customers_pkey"],
      [
        "list by name, after a key",
        () => searchCustomers(x, { order: "name", afterId: 5000 }),
        "customers_name",
      ],
      ["one price group", () => searchCustomers(x, { priceGroupId: 1, afterId: 100 }), ""],
      [
        "renewal window",
        () => servicesExpiringBetween(x, { from: "2026-03-01", to: "2026-03-03" }),
        "customer_services_expiry",
      ],
    ];
    for (const [label, run, index] of cases) {
      plans.length = 0;
      await run();
      const main = plans[plans.length - 1]!;
      const scans = main.filter((n) => /Scan/.test(n["Node Type"]) && n["Node Type"] !== "CTE Scan");
      expect(
        scans.filter((n) => n["Node Type"] === "Seq Scan").map((n) => n["Relation Name"]),
        label,
      ).toEqual([]);
      if (index)
        expect(
          scans.map((n) => n["Index Name"]),
          label,
        ).toContain(index);
    }
  });
});
