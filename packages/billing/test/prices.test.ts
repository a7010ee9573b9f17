import {
  assignPriceGroup,
  BillingConflictError,
  BillingError,
  BillingNotFoundError,
  BillingValidationError,
  createCustomer,
  createPriceGroup,
  currentCost,
  type Db,
  deletePriceGroup,
  deletePriceRule,
  getCustomer,
  importWholesale,
  listPriceGroups,
  listPriceRules,
  listWholesaleImports,
  money,
  priceFor,
  priceList,
  RESERVATION_REASON,
  recalculatePrices,
  removePrice,
  setDefaultPriceGroup,
  setPrice,
  setPriceRule,
  type WholesalePricing,
  wholesaleHistory,
} from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "./support/db.js";

// The catalog, made by plain SQL (the catalog module is built separately).
async function addTld(db: Db, tld: string, periods: number[] = [1, 2, 3]): Promise<void> {
  await db.query(
    "INSERT INTO tlds (tld, register_periods, renew_periods, transfer_periods) VALUES ($1, $2::int[], $2::int[], '{1}')",
    [tld, periods],
  );
}

async function addService(db: Db, code: string, periods: number[], product?: string): Promise<void> {
  const [kind, middle, operation] = [
    code.split(".")[0]!,
    code.split(".").slice(1, -1).join("."),
    code.split(".").at(-1)!,
  ];
  await db.query(
    "INSERT INTO services (code, kind, operation, tld, product, name, periods) VALUES ($1, $2, $3, $4, $5, $1, $6::int[])",
    [
      code,
      kind,
      operation,
      kind === "domain" || kind === "option" ? middle : null,
      product ?? (kind === "ssl" ? middle : null),
      periods,
    ],
  );
}

async function addDomainServices(db: Db, tld: string): Promise<void> {
  await addService(db, `domain.${tld}.register`, [1, 2, 3]);
  await addService(db, `domain.${tld}.renew`, [1, 2, 3]);
  await addService(db, `domain.${tld}.transfer`, [1]);
  await addService(db, `domain.${tld}.trade`, [1]);
}

const count = async (db: Db, table: string): Promise<number> =>
  (await db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM ${table}`)).rows[0]!.n;

const p = (name: string, value: string | null) => ({ name, value });
const R = "Rejestracja";
const O = "Odnowienie";
const T = "Transfer";
const C = "Cesja";

function fakeList(overrides: Record<string, string> = {}): WholesalePricing[] {
  const v = (key: string, value: string) => overrides[key] ?? value;
  return [
    {
      service: "d_pl",
      prices: [
        p(R, v("pl.R", "39.00")),
        p(O, "79.00"),
        p(T, "79.00"),
        p(C, "20.00"),
        p("Rezerwacja", "5.00"),
      ],
    },
    {
      service: "d_com_pl",
      prices: [p(R, "29.00"), p(O, "59.00"), p(T, "59.00"), p(C, "20.00"), p("Rezerwacja", "5.00")],
    },
    { service: "d_com", prices: [p(R, "55.00"), p(O, "62.00"), p(T, "62.00"), p(C, null)] },
    // TLD in the catalog, no services yet
    { service: "d_net", prices: [p(R, "65.00"), p(O, "72.00"), p(T, "72.00"), p(C, null)] },
    // TLD not in the catalog at all
    { service: "d_io", prices: [p(R, "199.00")] },
    { service: "o_pl", prices: [p(R, "29.00"), p(O, "25.00")] },
    { service: "c_positive_ssl", prices: [p(R, "35.00"), p(O, "32.00")] },
    { service: "c_comodo_free_trial_ssl", prices: [p(R, "0.00"), p(O, null)] },
    { service: "h_vps", prices: [p(R, "10.00")] },
    { service: "d_eu", prices: [p("Przedłużenie", "1.00"), p(R, "39.001"), p(O, "-5.00"), p(T, "abc")] },
    { service: "d_pl", prices: [p(R, "1.00")] },
  ];
}
const malformed = { name: "d_broken" } as unknown as WholesalePricing;
const source = (list: WholesalePricing[]) => ({ getPricings: async () => list });
const AT = new Date("2026-03-01T10:00:00Z");

describe.each(drivers())("wholesale import on $name", (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await driver.open();
    for (const tld of ["pl", "com.pl", "com", "eu"]) {
      await addTld(db, tld);
      await addDomainServices(db, tld);
    }
    await addTld(db, "net", [1, 2]);
    await addService(db, "option.pl.create", [3]);
    await addService(db, "option.pl.renew", [1, 3]); // period 1 cannot be priced: options are 3-year terms
    await addService(db, "option.com.pl.create", [3]); // priced by o_pl: the whole .pl family shares it
    await addService(db, "option.com.pl.renew", [3]);
    await addService(db, "ssl.positive-ssl.create", [1, 2, 3], "Positive SSL");
    await addService(db, "ssl.positive-ssl.renew", [1, 2, 3], "Positive SSL");
    // Found by its product name although its code uses another slug.
    await addService(db, "ssl.free-trial.create", [1], "Comodo Free Trial SSL");
  });
  afterAll(() => driver.dispose(db));

  it("maps every price it can and reports every other one with a reason", async () => {
    const list = [...fakeList(), malformed];
    const progress: [number, number][] = [];
    const r = await importWholesale(db, source(list), {
      at: AT,
      onProgress: (d, t) => progress.push([d, t]),
    });

    // d_pl 3+3+1+1, d_com_pl 8, d_com 3+3+1, o_pl 1+1 (+ com.pl 1+1), positive ssl 3+3, free trial 1
    expect(r.mapped).toBe(34);
    expect([r.changed, r.added, r.unchanged]).toEqual([34, 34, 0]);
    expect(r.prices).toBe(list.reduce((n, e) => n + Math.max(1, e.prices?.length ?? 0), 0));
    expect(progress.at(-1)).toEqual([list.length, list.length]);

    const reasons = r.unmapped.map(
      (u) => `${u.service}/${u.label}${u.period ? `/${u.period}` : ""}: ${u.reason}`,
    );
    expect(reasons).toEqual(
      expect.arrayContaining([
        `d_pl/Rezerwacja: ${RESERVATION_REASON}`,
        `d_com_pl/Rezerwacja: ${RESERVATION_REASON}`,
        "d_com/Cesja: no price: HRD lists (brak)",
        "d_net/Rejestracja: no service domain.net.register in the catalog (createMissingServices: true would create it)",
        "d_net/Cesja: no price: HRD lists (brak)",
        "d_io/Rejestracja: no TLD io in the catalog (tlds), so no service domain.io.register",
        "o_pl/Odnowienie/1: a domain option is priced per 3-year term: period 1 is not a whole number of terms",
        "c_comodo_free_trial_ssl/Odnowienie: no price: HRD lists (brak)",
        "h_vps/Rejestracja: unknown service code",
        'd_eu/Przedłużenie: unknown price label "Przedłużenie" for a domain service',
        "d_eu/Rejestracja: not a non-negative decimal with at most 2 decimal places",
        "d_eu/Odnowienie: not a non-negative decimal with at most 2 decimal places",
        "d_eu/Transfer: not a non-negative decimal with at most 2 decimal places",
        "d_pl/Rejestracja: duplicate: domain.pl.register is already priced by d_pl/Rejestracja in this list (that price is used)",
        "#11/null: malformed entry: expected {service, prices[]}",
      ]),
    );
    expect(r.unmapped).toHaveLength(17);

    // Nothing dropped: every (code, label) of the list became a cost or a reason.
    const seen = new Set([
      ...r.mappings.map((m) => `${m.service}/${m.label}`),
      ...r.unmapped.map((u) => `${u.service}/${u.label}`),
    ]);
    for (const e of fakeList())
      for (const price of e.prices) expect(seen).toContain(`${e.service}/${price.name}`);

    // What the import row keeps is what the caller got.
    const [row] = await listWholesaleImports(db, { limit: 1 });
    expect(row).toMatchObject({ importId: r.importId, mapped: 34, changed: 34, source: "hrd" });
    expect(row!.importedAt.toISOString()).toBe(AT.toISOString());
    expect(row!.unmapped).toEqual(r.unmapped);
  });

  it("prices per year × years, trade once, an option per term, a certificate found by its product", async () => {
    expect(await currentCost(db, "domain.pl.register", 1)).toEqual(money(3900)); // the first d_pl entry wins
    expect(await currentCost(db, "domain.pl.register", 3)).toEqual(money(11700));
    expect(await currentCost(db, "domain.pl.trade", 1)).toEqual(money(2000));
    expect(await currentCost(db, "option.pl.create", 3)).toEqual(money(2900));
    expect(await currentCost(db, "option.pl.renew", 3)).toEqual(money(2500));
    expect(await currentCost(db, "option.pl.renew", 1)).toBeNull();
    expect(await currentCost(db, "option.com.pl.create", 3)).toEqual(money(2900));
    expect(await currentCost(db, "ssl.positive-ssl.renew", 2)).toEqual(money(6400));
    expect(await currentCost(db, "ssl.free-trial.create", 1)).toEqual(money(0));
    expect(await currentCost(db, "domain.eu.register", 1)).toBeNull();
    await expect(currentCost(db, "domain.xyz.register", 1)).rejects.toBeInstanceOf(BillingNotFoundError);
  });

  it("keeps history: an identical import changes nothing, a new price changes only its costs", async () => {
    const same = await importWholesale(db, source(fakeList()), { at: new Date("2026-03-02T10:00:00Z") });
    expect([same.mapped, same.changed, same.added, same.unchanged]).toEqual([34, 0, 0, 34]);

    const dearer = await importWholesale(db, source(fakeList({ "pl.R": "45.00" })), {
      at: new Date("2026-03-03T10:00:00Z"),
      sourceName: "hrd-test",
    });
    expect([dearer.changed, dearer.unchanged]).toEqual([3, 31]); // domain.pl.register for 1, 2, 3 years
    expect(await currentCost(db, "domain.pl.register", 2)).toEqual(money(9000));

    const history = await wholesaleHistory(db, "domain.pl.register", 2);
    expect(history.map((h) => [h.cost.amount, h.source])).toEqual([
      [7800, "hrd"],
      [7800, "hrd"],
      [9000, "hrd-test"],
    ]);
    expect(history.map((h) => h.importedAt.toISOString().slice(0, 10))).toEqual([
      "2026-03-01",
      "2026-03-02",
      "2026-03-03",
    ]);
    expect(await count(db, "wholesale_imports")).toBe(3);
  });

  it("reports services whose price disappeared from the list (their current cost stays the old one)", async () => {
    // A hosting cost typed in by the partner (as the catalog's setHostingCost stores it) is not HRD's to list.
    await db.query(
      "INSERT INTO services (code, kind, operation, product, name, periods) VALUES ('hosting.start.create', 'hosting', 'create', 'Start', 'Start', '{1}')",
    );
    const manual = await db.query<{ id: number }>(
      "INSERT INTO wholesale_imports (source) VALUES ('manual') RETURNING id",
    );
    await db.query(
      "INSERT INTO wholesale_prices SELECT $1, id, 1, 5000 FROM services WHERE code = 'hosting.start.create'",
      [manual.rows[0]!.id],
    );
    const withoutCom = fakeList({ "pl.R": "45.00" }).filter((e) => e.service !== "d_com");
    const r = await importWholesale(db, source(withoutCom), { at: new Date("2026-03-04T10:00:00Z") });
    expect(r.missing.map((m) => `${m.serviceCode}/${m.period}`)).toEqual([
      "domain.com.register/1",
      "domain.com.register/2",
      "domain.com.register/3",
      "domain.com.renew/1",
      "domain.com.renew/2",
      "domain.com.renew/3",
      "domain.com.transfer/1",
    ]);
    expect(await currentCost(db, "domain.com.renew", 1)).toEqual(money(6200));
  });

  it("creates the missing domain services of a catalog TLD on request", async () => {
    const r = await importWholesale(db, source(fakeList({ "pl.R": "45.00" })), {
      at: new Date("2026-03-05T10:00:00Z"),
      createMissingServices: true,
    });
    expect(r.createdServices).toEqual(["domain.net.register", "domain.net.renew", "domain.net.transfer"]);
    expect(r.unmapped.filter((u) => u.service === "d_net").map((u) => u.label)).toEqual(["Cesja"]);
    expect(r.unmapped.map((u) => u.service)).toContain("d_io"); // no TLD: still reported
    expect(await currentCost(db, "domain.net.register", 2)).toEqual(money(13_000)); // the TLD's periods
    expect(await currentCost(db, "domain.net.renew", 2)).toEqual(money(14_400));
    expect(r.added).toBe(2 + 2 + 1);
  });

  it("writes nothing when the source fails or the call is invalid", async () => {
    const before = [await count(db, "wholesale_imports"), await count(db, "wholesale_prices")];
    const failing = {
      getPricings: async (): Promise<WholesalePricing[]> => {
        throw new Error("connection reset");
      },
    };
    const err = await importWholesale(db, failing, { at: AT }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BillingError);
    expect(err).toMatchObject({ code: "source_failed", message: expect.stringMatching(/connection reset/) });

    const bad = await importWholesale(db, {} as never, {
      at: new Date("nope"),
      onProgress: 5 as never,
      sourceName: "",
    }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BillingValidationError);
    expect((bad as BillingValidationError).issues.map((i) => i.path).sort()).toEqual([
      "options.at",
      "options.onProgress",
      "options.sourceName",
      "source",
    ]);
    expect([await count(db, "wholesale_imports"), await count(db, "wholesale_prices")]).toEqual(before);
  });

  it("lets a TLD's own option code win over o_pl", async () => {
    const list = [...fakeList(), { service: "o_com_pl", prices: [p(R, "10.00"), p(O, "9.00")] }];
    const r = await importWholesale(db, source(list), { at: new Date("2026-03-06T10:00:00Z") });
    expect(r.unmapped.filter((u) => u.reason.startsWith("duplicate")).map((u) => u.serviceCode)).toEqual([
      "domain.pl.register",
    ]);
    expect(await currentCost(db, "option.com.pl.create", 3)).toEqual(money(1000));
    expect(await currentCost(db, "option.pl.create", 3)).toEqual(money(2900));
  });
});

describe.each(drivers())("price groups, rules and prices on $name", (driver) => {
  let db: Db;
  let standard: number;
  beforeAll(async () => {
    db = await driver.open();
    for (const tld of ["pl", "com.pl", "com"]) {
      await addTld(db, tld);
      await addDomainServices(db, tld);
    }
    await addService(db, "option.pl.create", [3]);
    await addService(db, "option.pl.renew", [3]);
    await addService(db, "ssl.positive-ssl.create", [1, 2, 3], "Positive SSL");
    await addService(db, "ssl.positive-ssl.renew", [1, 2, 3], "Positive SSL");
    await addService(db, "ssl.instant-ssl.create", [1], "Instant SSL"); // never priced by HRD here
    await importWholesale(db, source(fakeList()), { at: AT });
  });
  afterAll(() => driver.dispose(db));

  it("makes the first group the default, keeps one default, refuses a duplicate name", async () => {
    const g = await createPriceGroup(db, { name: "Standard" });
    standard = g.id;
    expect(g).toMatchObject({ name: "Standard", currency: "PLN", isDefault: true, customers: 0 });
    const vip = await createPriceGroup(db, { name: "VIP" });
    expect(vip.isDefault).toBe(false);
    await expect(createPriceGroup(db, { name: "VIP" })).rejects.toMatchObject({ code: "duplicate_name" });
    await setDefaultPriceGroup(db, vip.id);
    expect((await listPriceGroups(db)).map((x) => [x.name, x.isDefault])).toEqual([
      ["VIP", true],
      ["Standard", false],
    ]);
    await setDefaultPriceGroup(db, standard);
    await deletePriceGroup(db, vip.id);
    expect((await listPriceGroups(db)).map((x) => x.name)).toEqual(["Standard"]);
  });

  it("gives new customers the default group and refuses to delete a group in use", async () => {
    const hurt = await createPriceGroup(db, { name: "Hurt" });
    const anna = await createCustomer(db, { name: "Anna Nowak" });
    expect(anna.priceGroupId).toBe(standard);
    const firma = await createCustomer(db, { name: "Firma Sp. z o.o.", priceGroupId: hurt.id });
    expect(firma.priceGroupId).toBe(hurt.id);

    const groups = await count(db, "price_groups");
    await expect(deletePriceGroup(db, hurt.id)).rejects.toMatchObject({ code: "in_use" });
    await expect(deletePriceGroup(db, standard)).rejects.toBeInstanceOf(BillingConflictError);
    expect(await count(db, "price_groups")).toBe(groups);

    await assignPriceGroup(db, firma.id, standard);
    expect((await getCustomer(db, firma.id)).priceGroupId).toBe(standard);
    await deletePriceGroup(db, hurt.id);
    await expect(assignPriceGroup(db, firma.id, hurt.id)).rejects.toBeInstanceOf(BillingNotFoundError);
    await expect(createCustomer(db, { name: "X", priceGroupId: hurt.id })).rejects.toBeInstanceOf(
      BillingNotFoundError,
    );
    await expect(getCustomer(db, 999_999)).rejects.toBeInstanceOf(BillingNotFoundError);
  });

  it("prices a group at 25% rounded up to .99 gross, and reports what it could not price", async () => {
    const rule = await setPriceRule(db, {
      groupId: standard,
      margin: { type: "percent", basisPoints: 2500 },
      rounding: "99",
      roundOn: "gross",
    });
    expect(rule).toMatchObject({ specificity: "any", minMarginGrosze: 0, priority: 0 });
    const progress: number[] = [];
    const r = await recalculatePrices(db, standard, { at: AT, onProgress: (d) => progress.push(d) });
    expect(r.withoutCost).toEqual([
      { serviceCode: "domain.com.trade", period: 1 }, // HRD lists (brak)
      { serviceCode: "ssl.instant-ssl.create", period: 1 },
    ]);
    expect(r.withoutRule).toEqual([]);
    expect(r.priced).toBe(3 * 8 + 2 + 6 - 1);
    expect(r.changed).toBe(r.priced);
    expect(progress.at(-1)).toBe(r.priced + 2);

    const expected: [string, number, string, string][] = [
      ["domain.pl.register", 1, "59.99", "48.77"],
      ["domain.pl.renew", 1, "121.99", "99.18"],
      ["domain.com.pl.register", 1, "44.99", "36.58"],
      ["ssl.positive-ssl.create", 1, "54.99", "44.71"], // 53.99 gross is unreachable from a whole-grosz net
    ];
    for (const [serviceCode, period, gross, net] of expected) {
      const price = await priceFor(db, { groupId: standard, serviceCode, period });
      expect([serviceCode, price.gross.amount, price.net.amount]).toEqual([
        serviceCode,
        Math.round(Number(gross) * 100),
        Math.round(Number(net) * 100),
      ]);
      expect(price.vat.amount).toBe(price.gross.amount - price.net.amount);
      expect(price.margin!.amount).toBe(price.net.amount - price.cost!.amount);
      expect(price).toMatchObject({ source: "rule", ruleId: rule.id, lossLeader: false, vatRate: "23" });
    }
    const again = await recalculatePrices(db, standard, { at: AT });
    expect([again.changed, again.unchanged]).toEqual([0, r.priced]);
  });

  it("takes the most specific rule for each service", async () => {
    const g = await createPriceGroup(db, { name: "Reguły" });
    const rule = async (match: Parameters<typeof setPriceRule>[1]["match"], bp: number, priority = 0) =>
      (
        await setPriceRule(db, {
          groupId: g.id,
          match,
          margin: { type: "percent", basisPoints: bp },
          priority,
        })
      ).id;
    const any = await rule({}, 1000);
    const domain = await rule({ kind: "domain" }, 2000);
    const renew = await rule({ operation: "renew" }, 3000);
    const pl = await rule({ tld: ".PL" }, 4000);
    const plRenewLow = await rule({ tld: "pl", operation: "renew" }, 4500, 1);
    const plRenewHigh = await rule({ tld: "pl", operation: "renew" }, 4600, 2);
    const service = await rule({ serviceCode: "domain.pl.register", period: 2 }, 5000);
    await recalculatePrices(db, g.id);
    const ruleOf = async (serviceCode: string, period = 1) =>
      (await priceFor(db, { groupId: g.id, serviceCode, period })).ruleId;
    expect(await ruleOf("domain.pl.register", 2)).toBe(service);
    expect(await ruleOf("domain.pl.register", 1)).toBe(pl);
    expect(await ruleOf("domain.pl.renew")).toBe(plRenewHigh);
    expect(await ruleOf("domain.com.renew")).toBe(renew);
    expect(await ruleOf("ssl.positive-ssl.renew")).toBe(renew);
    expect(await ruleOf("domain.com.transfer")).toBe(domain);
    expect(await ruleOf("ssl.positive-ssl.create")).toBe(any);
    expect((await listPriceRules(db, g.id)).map((r) => r.id)).toEqual([
      service,
      plRenewHigh,
      plRenewLow,
      pl,
      renew,
      domain,
      any,
    ]);
    // 40% of 39.00, no rounding
    expect((await priceFor(db, { groupId: g.id, serviceCode: "domain.pl.register", period: 1 })).net).toEqual(
      money(5460),
    );

    // Deleting a rule: the next recalculation prices by the remaining rules, and removes what none prices.
    await deletePriceRule(db, service);
    await deletePriceRule(db, any);
    const r = await recalculatePrices(db, g.id);
    expect(await ruleOf("domain.pl.register", 2)).toBe(pl);
    expect(r.withoutRule.map((w) => w.serviceCode)).toEqual([
      "ssl.positive-ssl.create",
      "ssl.positive-ssl.create",
      "ssl.positive-ssl.create",
    ]);
    expect(r.removed).toBe(3);
    await expect(
      priceFor(db, { groupId: g.id, serviceCode: "ssl.positive-ssl.create", period: 1 }),
    ).rejects.toBeInstanceOf(BillingNotFoundError);
  });

  it("refuses a manual price below cost unless it is a loss leader, and keeps manual prices", async () => {
    const before = await priceFor(db, { groupId: standard, serviceCode: "domain.pl.register", period: 1 });
    const err = await setPrice(db, {
      groupId: standard,
      serviceCode: "domain.pl.register",
      period: 1,
      net: "38.99",
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BillingConflictError);
    expect(err).toMatchObject({ code: "below_cost", message: expect.stringMatching(/38\.99.*39\.00/) });
    expect(await priceFor(db, { groupId: standard, serviceCode: "domain.pl.register", period: 1 })).toEqual(
      before,
    );

    const leader = await setPrice(db, {
      groupId: standard,
      serviceCode: "domain.pl.register",
      period: 1,
      gross: "12.30",
      lossLeader: true,
    });
    expect(leader).toMatchObject({
      net: money(1000),
      gross: money(1230),
      source: "manual",
      lossLeader: true,
    });
    expect(leader.margin).toEqual(money(-2900));

    const manual = await setPrice(db, {
      groupId: standard,
      serviceCode: "domain.com.register",
      period: 1,
      gross: "99.99",
    });
    expect(manual.gross).toEqual(money(9999));
    expect(manual.net).toEqual(money(8129));

    const r = await recalculatePrices(db, standard);
    expect(r.manualKept).toBe(2);
    expect(
      (await priceFor(db, { groupId: standard, serviceCode: "domain.pl.register", period: 1 })).net,
    ).toEqual(money(1000));

    // A new import makes the .com manual price a loss: recalculation says so.
    await importWholesale(
      db,
      source(fakeList().map((e) => (e.service === "d_com" ? { ...e, prices: [p(R, "90.00")] } : e))),
      {
        at: new Date("2026-03-02T00:00:00Z"),
      },
    );
    const after = await recalculatePrices(db, standard);
    expect(after.manualBelowCost).toEqual([
      { serviceCode: "domain.com.register", period: 1, net: money(8129), cost: money(9000) },
    ]);

    // Removing the manual price hands it back to the rules.
    await removePrice(db, { groupId: standard, serviceCode: "domain.pl.register", period: 1 });
    await recalculatePrices(db, standard);
    expect(
      await priceFor(db, { groupId: standard, serviceCode: "domain.pl.register", period: 1 }),
    ).toMatchObject({
      source: "rule",
      gross: money(5999),
    });
  });

  it("refuses a gross no net reaches, naming the nearest ones", async () => {
    const err = await setPrice(db, {
      groupId: standard,
      serviceCode: "ssl.positive-ssl.create",
      period: 1,
      gross: "53.99",
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BillingValidationError);
    expect((err as BillingValidationError).issues).toEqual([
      { path: "gross", message: expect.stringMatching(/53\.99.*nearest are PLN\s53\.98 and PLN\s54\.00/) },
    ]);
  });

  it("prices a customer at their group, the default group when they have none", async () => {
    const cust = await createCustomer(db, { name: "Jan Kowalski" });
    const viaCustomer = await priceFor(db, {
      customerId: cust.id,
      serviceCode: "domain.pl.renew",
      period: 2,
    });
    const viaGroup = await priceFor(db, { groupId: standard, serviceCode: "domain.pl.renew", period: 2 });
    expect(viaCustomer).toEqual(viaGroup);
    await db.query("UPDATE customers SET price_group_id = NULL WHERE id = $1", [cust.id]);
    expect(await priceFor(db, { customerId: cust.id, serviceCode: "domain.pl.renew", period: 2 })).toEqual(
      viaGroup,
    );
    await expect(
      priceFor(db, { customerId: 999_999, serviceCode: "domain.pl.renew", period: 2 }),
    ).rejects.toBeInstanceOf(BillingNotFoundError);
    await expect(
      priceFor(db, { groupId: standard, serviceCode: "ssl.instant-ssl.create", period: 1 }),
    ).rejects.toThrow(
      /a price of ssl.instant-ssl.create for 1 year\(s\) in price group "Standard" does not exist/,
    );
    await expect(
      priceFor(db, { groupId: standard, serviceCode: "domain.nope.register", period: 1 }),
    ).rejects.toThrow(/service domain.nope.register does not exist/);
    const list = await priceList(db, standard);
    expect(list.find((e) => e.serviceCode === "option.pl.create")).toMatchObject({
      period: 3,
      kind: "option",
      tld: "pl",
      cost: money(2900),
    });
    expect(list.map((e) => `${e.serviceCode}/${e.period}`)).toEqual(
      [...list.map((e) => `${e.serviceCode}/${e.period}`)].sort(),
    );
  });

  it("keeps rules and recalculation away from a group in another currency", async () => {
    const eur = await createPriceGroup(db, { name: "Export", currency: "EUR" });
    await expect(
      setPriceRule(db, { groupId: eur.id, margin: { type: "fixed", grosze: 100 } }),
    ).rejects.toMatchObject({ code: "currency" });
    await expect(recalculatePrices(db, eur.id)).rejects.toMatchObject({ code: "currency" });
    const price = await setPrice(db, {
      groupId: eur.id,
      serviceCode: "domain.pl.register",
      period: 1,
      net: { amount: 1200, currency: "EUR" },
    });
    expect(price).toMatchObject({ net: money(1200, "EUR"), gross: money(1476, "EUR") });
    expect(price.cost).toBeUndefined();
    const wrong = await setPrice(db, {
      groupId: eur.id,
      serviceCode: "domain.pl.register",
      period: 1,
      net: money(100),
    }).catch((e: unknown) => e);
    expect((wrong as BillingValidationError).issues.map((i) => i.path)).toEqual(["net.currency"]);
  });

  it("names every bad field and writes nothing", async () => {
    const before = [
      await count(db, "price_rules"),
      await count(db, "prices"),
      await count(db, "price_groups"),
    ];
    const rule = await setPriceRule(db, {
      groupId: 0,
      match: { kind: "ssl", tld: "pl", operation: "register", period: 0, tlds: ["pl"] } as never,
      margin: { type: "percent", basisPoints: -1 },
      rounding: "98" as never,
      roundOn: "up" as never,
      minMarginGrosze: 1.5,
    }).catch((e: unknown) => e);
    expect(rule).toBeInstanceOf(BillingValidationError);
    expect((rule as BillingValidationError).issues.map((i) => i.path).sort()).toEqual([
      "groupId",
      "margin.basisPoints",
      "match",
      "match.operation",
      "match.period",
      "match.tld",
      "minMarginGrosze",
      "roundOn",
      "rounding",
    ]);

    const price = await setPrice(db, {
      groupId: -1,
      serviceCode: "",
      period: 11,
      net: "1.234",
      gross: "1.23",
    }).catch((e: unknown) => e);
    expect((price as BillingValidationError).issues.map((i) => i.path).sort()).toEqual([
      "gross",
      "groupId",
      "net",
      "period",
      "serviceCode",
    ]);

    const mismatch = await setPriceRule(db, {
      groupId: standard,
      match: { serviceCode: "domain.pl.register", kind: "ssl", period: 7 },
      margin: { type: "fixed", grosze: 100 },
    }).catch((e: unknown) => e);
    expect((mismatch as BillingValidationError).issues.map((i) => i.path)).toEqual([
      "match.kind",
      "match.period",
    ]);

    const periodErr = await setPrice(db, {
      groupId: standard,
      serviceCode: "domain.pl.transfer",
      period: 2,
      net: "99.00",
    }).catch((e: unknown) => e);
    expect((periodErr as BillingValidationError).issues).toEqual([
      { path: "period", message: "domain.pl.transfer is sold for 1 year(s)" },
    ]);
    await expect(createPriceGroup(db, { name: " ", currency: "USD" as never })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: "name" }), expect.objectContaining({ path: "currency" })],
    });
    expect([
      await count(db, "price_rules"),
      await count(db, "prices"),
      await count(db, "price_groups"),
    ]).toEqual(before);
  });
});
