import {
  exactNetFor,
  grossOf,
  money,
  type PriceRule,
  type PricingFormula,
  priceFromCost,
  productSlug,
  roundUp,
  selectRule,
  VAT_RATE_CODES,
  VAT_RATES,
  type VatRateCode,
} from "@hrdkit/billing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePrice, targetOf, unitsFor } from "../src/prices/mapping.js";
import { floorNet } from "../src/prices/rounding.js";

const cost = fc.integer({ min: 0, max: 5_000_000 });
const rate = fc.constantFrom<VatRateCode>(...VAT_RATE_CODES);
const formula = fc.record<PricingFormula>({
  margin: fc.oneof(
    fc.record({ type: fc.constant("percent" as const), basisPoints: fc.integer({ min: 0, max: 20_000 }) }),
    fc.record({ type: fc.constant("fixed" as const), grosze: fc.integer({ min: 0, max: 100_000 }) }),
  ),
  rounding: fc.constantFrom("none" as const, "99" as const, "whole" as const),
  roundOn: fc.constantFrom("gross" as const, "net" as const),
  minMarginGrosze: fc.integer({ min: 0, max: 50_000 }),
});
const pct25: PricingFormula = {
  margin: { type: "percent", basisPoints: 2500 },
  rounding: "99",
  roundOn: "gross",
  minMarginGrosze: 0,
};

describe("rounding prices up from wholesale cost", () => {
  it("rounds to the next X.99 or whole złoty, never down, never more than a złoty", () => {
    expect(roundUp(4837, "99")).toBe(4899);
    expect(roundUp(4899, "99")).toBe(4899);
    expect(roundUp(4900, "99")).toBe(4999);
    expect(roundUp(4801, "whole")).toBe(4900);
    expect(roundUp(4800, "whole")).toBe(4800);
    fc.assert(
      fc.property(cost, (a) => {
        const n = roundUp(a, "99");
        const w = roundUp(a, "whole");
        expect(n % 100).toBe(99);
        expect(w % 100).toBe(0);
        expect(n - a).toBeGreaterThanOrEqual(0);
        expect(n - a).toBeLessThan(100);
        expect(w - a).toBeGreaterThanOrEqual(0);
        expect(w - a).toBeLessThan(100);
      }),
    );
  });

  it("prices known costs at 25% rounded to .99 gross", () => {
    const cases: [number, number, number][] = [
      // cost, net, gross (grosze)
      [3900, 4877, 5999], // .pl registration: 48.75 net → 59.96 gross → 59.99
      [7900, 9918, 12199], // .pl renewal: 98.75 → 121.46 → 121.99
      [2900, 3658, 4499], // .com.pl registration: 36.25 → 44.59 → 44.99
      // Positive SSL: 43.75 net → 53.81 gross; 53.99 is unreachable (43.89 → 53.98, 43.90 → 54.00)
      [3500, 4471, 5499],
    ];
    for (const [c, net, gross] of cases) {
      const p = priceFromCost(money(c), pct25, "23");
      expect([c, p.net.amount, p.gross.amount]).toEqual([c, net, gross]);
      expect(grossOf(p.net, "23").amount).toBe(gross);
    }
  });

  it("on gross: the gross ends in .99 / 00, comes exactly from the net, and is the least such amount (property)", () => {
    fc.assert(
      fc.property(cost, formula, rate, (c, f, r) => {
        const p = priceFromCost(money(c), { ...f, roundOn: "gross" }, r);
        const floor = floorNet(money(c), f).amount;
        expect(grossOf(p.net, r).amount).toBe(p.gross.amount);
        expect(p.net.amount).toBeGreaterThanOrEqual(c + f.minMarginGrosze);
        expect(p.net.amount).toBeGreaterThanOrEqual(floor);
        if (f.rounding === "none") {
          expect(p.net.amount).toBe(floor);
          return;
        }
        expect(p.gross.amount % 100).toBe(f.rounding === "99" ? 99 : 0);
        // Every rounded amount between the unrounded gross and the chosen one is unreachable.
        for (let g = roundUp(grossOf(money(floor), r).amount, f.rounding); g < p.gross.amount; g += 100) {
          expect(exactNetFor(money(g), r)).toBeNull();
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("on net: the net ends in .99 / 00, within a złoty of the least allowed net (property)", () => {
    fc.assert(
      fc.property(cost, formula, rate, (c, f, r) => {
        const p = priceFromCost(money(c), { ...f, roundOn: "net" }, r);
        const floor = floorNet(money(c), f).amount;
        expect(p.net.amount - floor).toBeGreaterThanOrEqual(0);
        expect(p.net.amount - floor).toBeLessThan(f.rounding === "none" ? 1 : 100);
        if (f.rounding !== "none") expect(p.net.amount % 100).toBe(f.rounding === "99" ? 99 : 0);
        expect(p.gross).toEqual(grossOf(p.net, r));
        expect(p.net.amount).toBeGreaterThanOrEqual(c + f.minMarginGrosze);
      }),
      { numRuns: 2000 },
    );
  });

  it("computes the margin half-up and honours the minimum margin", () => {
    const f = (margin: PricingFormula["margin"], min = 0): PricingFormula => ({
      margin,
      rounding: "none",
      roundOn: "gross",
      minMarginGrosze: min,
    });
    expect(floorNet(money(3902), f({ type: "percent", basisPoints: 2500 })).amount).toBe(4878); // 975.5 → 976
    expect(floorNet(money(3900), f({ type: "percent", basisPoints: 1000 }, 1000)).amount).toBe(4900);
    expect(floorNet(money(3900), f({ type: "fixed", grosze: 500 }, 100)).amount).toBe(4400);
  });

  it("finds the one net that gives a gross, or says there is none (property)", () => {
    fc.assert(
      fc.property(cost, rate, (g, r) => {
        const net = exactNetFor(money(g), r);
        if (net) {
          expect(grossOf(net, r).amount).toBe(g);
        } else {
          // grossOf is strictly increasing: bracket g between two nets and check every net between.
          const guess = Math.round((g * 100) / (100 + (VAT_RATES[r].percent ?? 0)));
          const lo = Math.max(0, guess - 30);
          const hi = guess + 30;
          expect(grossOf(money(lo), r).amount).toBeLessThanOrEqual(g);
          expect(grossOf(money(hi), r).amount).toBeGreaterThan(g);
          for (let n = lo; n <= hi; n++) expect(grossOf(money(n), r).amount).not.toBe(g);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("HRD price list mapping", () => {
  it("maps codes and Polish labels onto catalog services", () => {
    expect(targetOf("d_com_pl", "Rejestracja")).toMatchObject({
      target: { serviceCode: "domain.com.pl.register" },
    });
    expect(targetOf("d_pl", "Cesja")).toMatchObject({ target: { serviceCode: "domain.pl.trade" } });
    expect(targetOf("d_pl", " odnowienie ")).toMatchObject({ target: { serviceCode: "domain.pl.renew" } });
    expect(targetOf("o_pl", "Odnowienie")).toMatchObject({ target: { serviceCode: "option.pl.renew" } });
    expect(targetOf("c_positive_ssl_wildcard", "Rejestracja")).toMatchObject({
      target: { serviceCode: "ssl.positive-ssl-wildcard.create" },
    });
    expect(productSlug("Positive SSL + Wildcard")).toBe("positive-ssl-wildcard");
    expect(targetOf("d_pl", "Rezerwacja")).toEqual({ reason: "no catalog service for .pl reservation" });
    expect(targetOf("d_pl", "Przedłużenie")).toMatchObject({
      reason: expect.stringMatching(/unknown price label/),
    });
    expect(targetOf("o_pl", "Transfer")).toMatchObject({
      reason: expect.stringMatching(/unknown price label/),
    });
    expect(targetOf("h_vps", "Rejestracja")).toEqual({ reason: "unknown service code" });
    expect(targetOf("d_", "Rejestracja")).toEqual({ reason: "unknown service code" });
  });

  it("reads only non-negative decimals with at most two places", () => {
    expect(parsePrice("39.00")).toBe(3900);
    expect(parsePrice("39.5")).toBe(3950);
    expect(parsePrice("0")).toBe(0);
    for (const bad of ["39.001", "-5.00", "abc", "", "39,00", "1e3"]) expect(parsePrice(bad)).toBeNull();
  });

  it("costs per year, trade once, an option per 3-year term", () => {
    expect(unitsFor("domain", "register", 5)).toBe(5);
    expect(unitsFor("ssl", "renew", 2)).toBe(2);
    expect(unitsFor("domain", "trade", 1)).toBe(1);
    expect(unitsFor("domain", "trade", 2)).toMatch(/one-off/);
    expect(unitsFor("option", "create", 3)).toBe(1);
    expect(unitsFor("option", "renew", 6)).toBe(2);
    expect(unitsFor("option", "renew", 1)).toMatch(/3-year term/);
  });
});

describe("rule selection", () => {
  const rule = (id: number, match: PriceRule["match"], priority = 0): PriceRule => {
    const specificity = match.serviceCode
      ? "service"
      : match.tld
        ? "tld"
        : match.operation
          ? "operation"
          : match.kind
            ? "kind"
            : "any";
    return { id, groupId: 1, match, priority, specificity, ...pct25 };
  };
  const plRenew = {
    code: "domain.pl.renew",
    kind: "domain" as const,
    operation: "renew" as const,
    tld: "pl",
  };

  it("takes the most specific rule: service > tld > operation > kind > any", () => {
    const rules = [
      rule(1, {}),
      rule(2, { kind: "domain" }, 100),
      rule(3, { operation: "renew" }),
      rule(4, { tld: "pl" }),
      rule(5, { serviceCode: "domain.pl.renew" }, -5),
    ];
    expect(selectRule(rules, plRenew, 1)?.id).toBe(5);
    expect(selectRule(rules.slice(0, 4), plRenew, 1)?.id).toBe(4);
    expect(selectRule(rules.slice(0, 3), plRenew, 1)?.id).toBe(3);
    expect(selectRule(rules.slice(0, 2), plRenew, 1)?.id).toBe(2);
    expect(selectRule(rules.slice(0, 1), plRenew, 1)?.id).toBe(1);
    expect(selectRule([rule(6, { kind: "ssl" })], plRenew, 1)).toBeUndefined();
  });

  it("then the rule naming more fields, then priority, then the older rule", () => {
    expect(
      selectRule([rule(1, { tld: "pl" }, 9), rule(2, { tld: "pl", operation: "renew" })], plRenew, 1)?.id,
    ).toBe(2);
    expect(selectRule([rule(1, { tld: "pl" }), rule(2, { tld: "pl", period: 2 })], plRenew, 2)?.id).toBe(2);
    expect(selectRule([rule(1, { tld: "pl" }), rule(2, { tld: "pl", period: 2 })], plRenew, 1)?.id).toBe(1);
    expect(selectRule([rule(1, { tld: "pl" }, 1), rule(2, { tld: "pl" }, 5)], plRenew, 1)?.id).toBe(2);
    expect(selectRule([rule(7, { tld: "pl" }), rule(3, { tld: "pl" })], plRenew, 1)?.id).toBe(3);
  });
});
