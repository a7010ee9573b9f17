import {
  BillingValidationError,
  compareRules,
  createPriceGroup,
  type Db,
  foldWords,
  listPriceGroups,
  listPriceRules,
  listPromotions,
  listServices,
  listTlds,
  listWholesaleImports,
  matchesWords,
  type PriceRule,
  priceList,
  type Service,
  seedDefaultCatalog,
  setPrice,
  setPriceRule,
  upsertService,
  upsertTld,
  wholesaleHistory,
} from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asciiFoldSql, asciiOf } from "../src/catalog/words.js";
import { drivers } from "./support/db.js";

const KINDS = ["domain", "option", "ssl", "hosting"];
const OPERATIONS = ["register", "create", "renew", "transfer", "trade"];

/** The paging key of a service, computed here from its code: kind, subject (code units), operation. */
function serviceKey(s: Service): [number, string, number] {
  const first = s.code.indexOf(".");
  const last = s.code.lastIndexOf(".");
  return [KINDS.indexOf(s.kind), s.code.slice(first + 1, last), OPERATIONS.indexOf(s.operation)];
}

function byKey(a: Service, b: Service): number {
  const [x, y] = [serviceKey(a), serviceKey(b)];
  if (x[0] !== y[0]) return x[0] - y[0];
  if (x[1] !== y[1]) return x[1] < y[1] ? -1 : 1;
  return x[2] - y[2];
}

/** Every page of a listing, `limit` at a time, each page after the last row of the one before. */
async function pages<T, A>(
  read: (after: A | undefined) => Promise<T[]>,
  afterOf: (row: T) => A,
  limit: number,
) {
  const out: T[][] = [];
  let after: A | undefined;
  for (;;) {
    const rows = await read(after);
    expect(rows.length).toBeLessThanOrEqual(limit);
    out.push(rows);
    if (rows.length < limit) return out;
    after = afterOf(rows[rows.length - 1]!);
  }
}

async function refusal(p: Promise<unknown>): Promise<string[]> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BillingValidationError);
  return (err as BillingValidationError).issues.map((i) => i.path);
}

describe.each(drivers())("listings paged in SQL on $name", (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await driver.open();
    await seedDefaultCatalog(db);
  }, 60_000);
  afterAll(() => driver.dispose(db));

  it("folds text in SQL to exactly the ASCII letters the search's own folding leaves", async () => {
    // Every character of the first two planes but the surrogates (JavaScript and the server each
    // with their own Unicode tables): a word found in folded text must be found by the SQL too.
    const chars: string[] = [];
    for (let cp = 1; cp < 0x20000; cp++) if (cp < 0xd800 || cp > 0xdfff) chars.push(String.fromCodePoint(cp));
    const { rows } = await db.query<{ f: string }>(
      `SELECT ${asciiFoldSql("c")} AS f FROM unnest($1::text[]) WITH ORDINALITY AS t (c, i) ORDER BY i`,
      [chars],
    );
    const differ = chars.filter((c, i) => rows[i]!.f !== asciiOf(foldWords(c)));
    expect(differ.map((c) => c.codePointAt(0)!.toString(16))).toEqual([]);
    const text = "Żółć ŁĄKA Ærø straße İstanbul e\u0301te\u0301";
    const { rows: whole } = await db.query<{ f: string }>(`SELECT ${asciiFoldSql("$1::text")} AS f`, [text]);
    expect(whole[0]!.f).toBe(asciiOf(foldWords(text)));
    expect(whole[0]!.f).toBe("zolc laka r strae istanbul ete");
  }, 120_000);

  it("pages services in the order of their codes' parts, with every filter, each service once", async () => {
    // Names that fold to text with letters of other scripts: the SQL lets them through, the exact
    // check drops those where the words do not really occur.
    for (const [product, name] of [
      ["Aøb", "Hosting aøb"],
      ["Ab Pro", "Hosting ab pro"],
      ["Größe", "Hosting Größe"],
      ["Zażółć", "Hosting Zażółć"],
    ] as const) {
      await upsertService(db, {
        kind: "hosting",
        operation: "create",
        product,
        providerRef: product,
        periods: [1],
        name,
      });
      await upsertService(db, {
        kind: "hosting",
        operation: "renew",
        product,
        providerRef: product,
        periods: [1],
      });
    }
    const all = await listServices(db);
    const expected = [...all].sort(byKey);
    for (const limit of [1, 7, 50]) {
      const got = await pages(
        (after?: string) => listServices(db, { after, limit }),
        (s) => s.code,
        limit,
      );
      expect(got.flat().map((s) => s.code)).toEqual(expected.map((s) => s.code));
    }
    // Filters and words, paged: what the unpaged list holds, in paging order.
    for (const filter of [
      { kind: "domain" as const, operation: "renew" as const },
      { q: "odnowienie .com.pl" },
      { q: "certyfikat POSITIVE" },
      { q: "ab" },
      { q: "zazolc" },
      { q: "große" },
      { kind: "hosting" as const, q: "hosting", active: true },
    ]) {
      const whole = (await listServices(db, filter)).sort(byKey).map((s) => s.code);
      expect(whole.length).toBeGreaterThan(0);
      const got = await pages(
        (after?: string) => listServices(db, { ...filter, after, limit: 2 }),
        (s) => s.code,
        2,
      );
      expect(got.flat().map((s) => s.code)).toEqual(whole);
    }
    // "Aøb" (hosting.a-b) folds to "aøb": the SQL sees "ab" in it, the exact check does not.
    const ab = await listServices(db, { q: "ab" });
    expect(ab.map((s) => s.code)).toEqual(["hosting.ab-pro.create", "hosting.ab-pro.renew"]);
    expect(ab.every((s) => matchesWords("ab", `${s.code} ${s.name}`))).toBe(true);
    // A page of one word found only after a row the SQL let through and the check refused.
    expect((await listServices(db, { q: "ab", limit: 1 })).map((s) => s.code)).toEqual([
      "hosting.ab-pro.create",
    ]);
    // A key between rows: the next one in order; one past the end: nothing.
    expect(
      (await listServices(db, { after: "domain.com.pl.transfer", limit: 2 })).map((s) => s.code),
    ).toEqual([
      "domain.com.pl.trade",
      expected[expected.findIndex((s) => s.code === "domain.com.pl.trade") + 1]!.code,
    ]);
    expect(await listServices(db, { after: "hosting.zzz.trade", limit: 5 })).toEqual([]);
    expect(await listServices(db, { q: "a\u0000b" })).toEqual([]);
    expect((await refusal(listServices(db, { after: "vps.x.create", limit: 0 }))).sort()).toEqual([
      "after",
      "limit",
    ]);
  });

  it("pages TLDs byte by byte with their filters, whatever the server's collation", async () => {
    for (const tld of ["com-pl", "co.pl", "comx"]) {
      await upsertTld(db, { tld, registerPeriods: [1], renewPeriods: [1], transferPeriods: [1] });
    }
    const names = (await listTlds(db)).map((t) => t.tld);
    const bytes = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const got = await pages(
      (after?: string) => listTlds(db, { after, limit: 3 }),
      (t) => t.tld,
      3,
    );
    expect(got.flat().map((t) => t.tld)).toEqual(bytes);
    expect(bytes.indexOf("com-pl")).toBeLessThan(bytes.indexOf("com.pl"));
    const com = await pages(
      (after?: string) => listTlds(db, { q: "COM", after, limit: 2 }),
      (t) => t.tld,
      2,
    );
    expect(com.flat().map((t) => t.tld)).toEqual(bytes.filter((t) => t.includes("com")));
    const options = await listTlds(db, { optionsAvailable: true, q: "pl", limit: 1000 });
    expect(options.length).toBeGreaterThan(0);
    expect(options.every((t) => t.optionsAvailable && t.tld.includes("pl"))).toBe(true);
    expect((await listTlds(db, { after: "com.", limit: 2 })).map((t) => t.tld)).toEqual(
      bytes.filter((t) => t > "com.").slice(0, 2),
    );
    expect(await listTlds(db, { q: "ą" })).toEqual((await listTlds(db)).filter((t) => t.tld.includes("a")));
  });

  it("pages price groups by id, a price list by code and period, and rules by precedence", async () => {
    const pln = await createPriceGroup(db, { name: "Detal" });
    const eur = await createPriceGroup(db, { name: "Export", currency: "EUR" });
    const pln2 = await createPriceGroup(db, { name: "Hurt" });
    expect((await listPriceGroups(db, { currency: "PLN", limit: 1 })).map((g) => g.id)).toEqual([pln.id]);
    expect((await listPriceGroups(db, { currency: "PLN", afterId: pln.id })).map((g) => g.id)).toEqual([
      pln2.id,
    ]);
    expect((await listPriceGroups(db, { afterId: pln.id, limit: 1 })).map((g) => g.id)).toEqual([eur.id]);
    // The old whole list keeps its order: the default first, then by name.
    expect((await listPriceGroups(db)).map((g) => g.name)).toEqual(["Detal", "Export", "Hurt"]);

    // Several periods per code: the period breaks the tie.
    for (const code of ["domain.pl.register", "domain.com.register", "domain.com.pl.register"]) {
      for (const period of [1, 2, 3]) {
        await setPrice(db, {
          groupId: pln.id,
          serviceCode: code,
          period,
          net: `${10 * period + code.length}.00`,
        });
      }
    }
    await setPrice(db, { groupId: pln.id, serviceCode: "domain.pl.renew", period: 1, net: "50.00" });
    const list = await priceList(db, pln.id);
    const ordered = [...list].sort((a, b) =>
      a.serviceCode < b.serviceCode ? -1 : a.serviceCode > b.serviceCode ? 1 : a.period - b.period,
    );
    const key = (e: { serviceCode: string; period: number }) => ({
      serviceCode: e.serviceCode,
      period: e.period,
    });
    const got = await pages(
      (after?: ReturnType<typeof key>) => priceList(db, pln.id, { after, limit: 2 }),
      key,
      2,
    );
    expect(got.flat().map(key)).toEqual(ordered.map(key));
    const registers = await pages(
      (after?: ReturnType<typeof key>) =>
        priceList(db, pln.id, { operation: "register", source: "manual", after, limit: 4 }),
      key,
      4,
    );
    expect(registers.flat().map(key)).toEqual(ordered.filter((e) => e.operation === "register").map(key));
    expect((await priceList(db, pln.id, { tld: "com.pl" })).map((e) => e.period)).toEqual([1, 2, 3]);
    expect(await priceList(db, pln.id, { serviceCode: "domain.pl.register\u0000" })).toEqual([]);
    expect(
      (
        await priceList(db, pln.id, { after: { serviceCode: "domain.com.register", period: 2 }, limit: 2 })
      ).map(key),
    ).toEqual([
      { serviceCode: "domain.com.register", period: 3 },
      { serviceCode: "domain.pl.register", period: 1 },
    ]);

    // Rules with equal rank on every field but the id, and every level of specificity.
    const margin = { type: "percent" as const, basisPoints: 1000 };
    const made: PriceRule[] = [];
    for (const match of [
      {},
      { kind: "domain" as const },
      { kind: "domain" as const },
      { tld: "pl" },
      { tld: "pl", operation: "renew" as const },
      { serviceCode: "domain.pl.register" },
      { serviceCode: "domain.pl.register", period: 1 },
      { operation: "renew" as const },
    ]) {
      made.push(await setPriceRule(db, { groupId: pln2.id, match, margin }));
    }
    made.push(await setPriceRule(db, { groupId: pln2.id, match: { kind: "domain" }, margin, priority: 5 }));
    made.push(await setPriceRule(db, { groupId: pln2.id, match: { kind: "domain" }, margin, priority: -5 }));
    const precedence = [...made].sort(compareRules).map((r) => r.id);
    expect((await listPriceRules(db, pln2.id)).map((r) => r.id)).toEqual(precedence);
    const rules = await pages(
      (after?: PriceRule) => listPriceRules(db, pln2.id, { after, limit: 3 }),
      (r) => r,
      3,
    );
    expect(rules.flat().map((r) => r.id)).toEqual(precedence);
  });

  it("pages wholesale imports newest first and a cost history oldest first", async () => {
    const service = (
      await db.query<{ id: number }>("SELECT id FROM services WHERE code = 'domain.pl.register'")
    ).rows[0]!.id;
    for (let i = 0; i < 5; i++) {
      const { rows } = await db.query<{ id: number }>(
        "INSERT INTO wholesale_imports (source, imported_at) VALUES ('test', now()) RETURNING id",
      );
      // Every other import prices the service.
      if (i % 2 === 0) {
        await db.query(
          "INSERT INTO wholesale_prices (import_id, service_id, period, cost) VALUES ($1, $2, 1, $3)",
          [rows[0]!.id, service, 1000 + i],
        );
      }
    }
    const imports = (await listWholesaleImports(db)).map((i) => i.importId);
    const paged = await pages(
      (beforeId?: number) => listWholesaleImports(db, { beforeId, limit: 2 }),
      (i) => i.importId,
      2,
    );
    expect(paged.flat().map((i) => i.importId)).toEqual(imports);
    const history = await wholesaleHistory(db, "domain.pl.register", 1);
    expect(history.map((h) => h.cost.amount)).toEqual([1000, 1002, 1004]);
    const histPages = await pages(
      (afterId?: number) => wholesaleHistory(db, "domain.pl.register", 1, { afterId, limit: 2 }),
      (h) => h.importId,
      2,
    );
    expect(histPages.map((p) => p.map((h) => h.cost.amount))).toEqual([[1000, 1002], [1004]]);
  });

  it("finds the promotions whose dates include a moment, startsAt inclusive, endsAt exclusive", async () => {
    const at = new Date("2026-05-01T10:00:00.000Z");
    const ms = (d: number) => new Date(at.getTime() + d);
    const add = async (name: string, startsAt: Date | null, endsAt: Date | null, active = true) =>
      (
        await db.query<{ id: number }>(
          `INSERT INTO promotions (name, starts_at, ends_at, effect, active)
           VALUES ($1, $2, $3, '{"type":"percent","value":100}', $4) RETURNING id`,
          [name, startsAt, endsAt, active],
        )
      ).rows[0]!.id;
    const open = await add("bez dat", null, null);
    const starts = await add("od teraz", at, null);
    const ended = await add("do teraz", null, at);
    const later = await add("od jutra", ms(1), null);
    const until = await add("do jutra", ms(-1), ms(1));
    const off = await add("wyłączona", null, null, false);
    const found = await pages(
      async (afterId?: number) => (await listPromotions(db, { at, afterId, limit: 1 })).items,
      (p) => p.id,
      1,
    );
    expect(found.flat().map((p) => p.id)).toEqual([open, starts, until, off]);
    expect((await listPromotions(db, { at, active: true })).items.map((p) => p.id)).toEqual([
      open,
      starts,
      until,
    ]);
    const page = await listPromotions(db, { at, limit: 2 });
    expect([page.items.map((p) => p.id), page.next]).toEqual([[open, starts], starts]);
    // Ten milliseconds earlier "do jutra" has not started yet, and "do teraz" has not ended.
    expect((await listPromotions(db, { at: ms(-10) })).items.map((p) => p.id)).toEqual([open, ended, off]);
    expect(later).toBeGreaterThan(0);
  });
});
