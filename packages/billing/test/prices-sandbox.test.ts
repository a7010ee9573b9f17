import type { Db } from "@hrdkit/billing";
import {
  createPriceGroup,
  currentCost,
  importWholesale,
  priceFor,
  productSlug,
  RESERVATION_REASON,
  recalculatePrices,
  setPriceRule,
  type WholesalePriceSource,
  wholesaleHistory,
} from "@hrdkit/billing";
import { CERT_PRICES, DEFAULT_PRICES, type Sandbox, startSandbox } from "@hrdkit/sandbox";
import { HrdClient } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "./support/db.js";

// TLDs and a certificate product deliberately left out of the catalog: they must be reported.
const NOT_IN_CATALOG = ["io", "online"];
const CERT_NOT_IN_CATALOG = "True BusinessID + EV";

async function seedCatalog(db: Db): Promise<void> {
  for (const { tld } of DEFAULT_PRICES) {
    if (NOT_IN_CATALOG.includes(tld)) continue;
    await db.query(
      "INSERT INTO tlds (tld, register_periods, renew_periods, transfer_periods) VALUES ($1, '{1,2,3,5,10}', '{1,2,3,5,10}', '{1}')",
      [tld],
    );
  }
  for (const op of ["create", "renew"]) {
    for (const tld of ["pl", "com.pl"]) {
      await db.query(
        "INSERT INTO services (code, kind, operation, tld, name, periods) VALUES ($1, 'option', $2, $3, $1, '{3}')",
        [`option.${tld}.${op}`, op, tld],
      );
    }
    for (const { product } of CERT_PRICES) {
      if (product === CERT_NOT_IN_CATALOG) continue;
      await db.query(
        "INSERT INTO services (code, kind, operation, product, provider_ref, name, periods) VALUES ($1, 'ssl', $2, $3, $3, $1, '{1,2,3}')",
        [`ssl.${productSlug(product)}.${op}`, op, product],
      );
    }
  }
}

describe.each(drivers())("wholesale import from the HRD sandbox on $name", (driver) => {
  let db: Db;
  let sandbox: Sandbox;
  let client: HrdClient;
  let source: WholesalePriceSource;
  beforeAll(async () => {
    [db, sandbox] = await Promise.all([driver.open(), startSandbox({ actionDelayMs: 0 })]);
    client = new HrdClient({ ...sandbox.clientOptions(), retryMinDelayMs: 5 });
    source = { getPricings: () => client.partner.getPricings() };
    await seedCatalog(db);
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
    await driver.dispose(db);
  });

  it("maps or reports every code and label the sandbox lists", async () => {
    const list = await client.partner.getPricings();
    const r = await importWholesale(db, source, {
      at: new Date("2026-04-01T08:00:00Z"),
      createMissingServices: true,
    });

    const outcome = new Map<string, string>();
    for (const m of r.mappings) {
      const key = `${m.service}/${m.label}`;
      outcome.set(
        key,
        outcome.has(key) ? `${outcome.get(key)}, ${m.serviceCode}` : `mapped to ${m.serviceCode}`,
      );
    }
    for (const u of r.unmapped) {
      // A reason for one period only does not hide that the price did map for the others.
      if (!outcome.has(`${u.service}/${u.label}`)) outcome.set(`${u.service}/${u.label}`, u.reason);
    }
    for (const e of list) {
      for (const price of e.prices)
        expect(outcome.get(`${e.service}/${price.name}`), `${e.service}/${price.name}`).toBeDefined();
    }
    expect(r.prices).toBe(list.reduce((n, e) => n + e.prices.length, 0));

    // The .pl family's reservations, TLDs and a product missing from the catalog, gTLDs without trade.
    const plFamily = DEFAULT_PRICES.filter((t) => t.tld.endsWith("pl")).map(
      (t) => `d_${t.tld.replace(/\./g, "_")}`,
    );
    for (const code of plFamily) expect(outcome.get(`${code}/Rezerwacja`)).toBe(RESERVATION_REASON);
    expect(outcome.get("d_io/Rejestracja")).toBe(
      "no TLD io in the catalog (tlds), so no service domain.io.register",
    );
    expect(outcome.get("d_online/Odnowienie")).toMatch(/no TLD online/);
    expect(outcome.get("c_true_businessid_ev/Rejestracja")).toBe(
      "no service ssl.true-businessid-ev.create in the catalog",
    );
    expect(outcome.get("d_com/Cesja")).toBe("no price: HRD lists (brak)");
    expect(outcome.get("d_com/Rezerwacja")).toBe("no price: HRD lists (brak)");
    expect(outcome.get("c_comodo_free_trial_ssl/Odnowienie")).toBe("no price: HRD lists (brak)");
    expect(outcome.get("c_positive_ssl_wildcard/Rejestracja")).toBe(
      "mapped to ssl.positive-ssl-wildcard.create",
    );
    expect(outcome.get("o_pl/Odnowienie")).toBe("mapped to option.pl.renew, option.com.pl.renew");
    // Domain services were created for the catalog's TLDs; Cesja only where HRD prices it.
    expect(r.createdServices).toContain("domain.com.pl.trade");
    expect(r.createdServices).not.toContain("domain.com.trade");

    expect(await currentCost(db, "domain.pl.register", 1)).toEqual({ amount: 3900, currency: "PLN" });
    expect(await currentCost(db, "domain.pl.renew", 5)).toEqual({ amount: 39_500, currency: "PLN" });
    expect(await currentCost(db, "option.pl.create", 3)).toEqual({ amount: 2900, currency: "PLN" });
    expect(await currentCost(db, "option.com.pl.renew", 3)).toEqual({ amount: 2500, currency: "PLN" });
    expect(await currentCost(db, "ssl.positive-ssl.renew", 2)).toEqual({ amount: 6400, currency: "PLN" });
  });

  it("records a price change in HRD as a new import with only that change", async () => {
    const pl = sandbox.state.prices.get("pl")!;
    sandbox.state.prices.set("pl", { ...pl, register: 4500 });
    const r = await importWholesale(db, source, { at: new Date("2026-05-01T08:00:00Z") });
    expect(r.changed).toBe(5); // domain.pl.register for 1, 2, 3, 5, 10 years
    expect(r.createdServices).toEqual([]);
    expect((await wholesaleHistory(db, "domain.pl.register", 2)).map((h) => h.cost.amount)).toEqual([
      7800, 9000,
    ]);
  });

  it("prices the sandbox list at 25% rounded to .99", async () => {
    const g = await createPriceGroup(db, { name: "Detal" });
    await setPriceRule(db, { groupId: g.id, margin: { type: "percent", basisPoints: 2500 }, rounding: "99" });
    const r = await recalculatePrices(db, g.id);
    expect(r.withoutRule).toEqual([]);
    const price = await priceFor(db, { groupId: g.id, serviceCode: "domain.com.pl.register", period: 1 });
    expect([price.net.amount, price.gross.amount]).toEqual([3658, 4499]);
  });
});
