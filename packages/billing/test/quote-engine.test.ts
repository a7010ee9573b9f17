import type { PromotionEffect } from "@hrdkit/billing";
import {
  applyPromotions,
  computeVat,
  type EngineLine,
  type EnginePromotion,
  firstYearShare,
  money,
  VAT_RATE_CODES,
} from "@hrdkit/billing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { orderShares } from "../src/quote/engine.js";

const line = (over: Partial<EngineLine> = {}): EngineLine => ({
  kind: "domain",
  operation: "register",
  tld: "pl",
  serviceCode: "domain.pl.register",
  period: 1,
  listNet: 10_000,
  vatRate: "23",
  ...over,
});

const promo = (
  id: number,
  effect: PromotionEffect,
  over: Partial<EnginePromotion> = {},
): EnginePromotion => ({
  id,
  name: `P${id}`,
  priority: 0,
  combinable: false,
  conditions: {},
  effect,
  ...over,
});

const percent = (basisPoints: number): PromotionEffect => ({ type: "percent", basisPoints });

const arbLine: fc.Arbitrary<EngineLine> = fc.record({
  kind: fc.constantFrom("domain", "option", "ssl"),
  operation: fc.constantFrom("register", "renew", "transfer", "create"),
  tld: fc.constantFrom("pl", "com", null),
  serviceCode: fc.constantFrom("domain.pl.register", "domain.com.renew", "ssl.positive-ssl.create"),
  period: fc.integer({ min: 1, max: 10 }),
  listNet: fc.integer({ min: 0, max: 10_000_000 }),
  vatRate: fc.constantFrom(...VAT_RATE_CODES),
});

const arbEffect: fc.Arbitrary<PromotionEffect> = fc.oneof(
  fc.record({ type: fc.constant("percent" as const), basisPoints: fc.integer({ min: 1, max: 10_000 }) }),
  fc.record({
    type: fc.constant("amount" as const),
    grosze: fc.integer({ min: 1, max: 20_000_000 }),
    basis: fc.constantFrom("net" as const, "gross" as const),
    per: fc.constantFrom("line" as const, "order" as const),
  }),
  fc.record({
    type: fc.constant("price" as const),
    grosze: fc.integer({ min: 0, max: 5_000_000 }),
    basis: fc.constantFrom("net" as const, "gross" as const),
  }),
);

const arbPromotions: fc.Arbitrary<EnginePromotion[]> = fc
  .array(
    fc.record({
      priority: fc.integer({ min: -3, max: 3 }),
      combinable: fc.boolean(),
      firstYearOnly: fc.boolean(),
      operations: fc.option(
        fc.subarray(["register", "renew", "transfer", "create"] as const, { minLength: 1 }),
        {
          nil: undefined,
        },
      ),
      effect: arbEffect,
    }),
    { maxLength: 6 },
  )
  .map((list) =>
    list.map((p, i) => ({
      id: i + 1,
      name: `P${i + 1}`,
      priority: p.priority,
      combinable: p.combinable,
      conditions: {
        firstYearOnly: p.firstYearOnly,
        ...(p.operations ? { operations: [...p.operations] } : {}),
      },
      effect: p.effect,
    })),
  );

describe("quote engine: combination rules", () => {
  it("applies the first-year share only: a 3-year line loses a third of itself at most", () => {
    const r = applyPromotions(
      [line({ period: 3, listNet: 30_001 })],
      [promo(1, percent(10_000), { conditions: { firstYearOnly: true } })],
      "PLN",
    );
    expect(firstYearShare(30_001, 3)).toBe(10_000);
    expect(r.lines[0]).toEqual({ discounts: [{ promotionId: 1, amount: 10_000 }], net: 20_001 });
  });

  it("gives a non-combinable promotion a line alone, choosing the best option for the customer", () => {
    const promos = [
      promo(1, percent(1000)), // exclusive: 10.00
      promo(2, percent(500), { combinable: true, priority: 5 }), // stack: 5.00 …
      promo(3, percent(500), { combinable: true }), // … + 4.75 = 9.75 < 10.00
    ];
    const r = applyPromotions([line()], promos, "PLN");
    expect(r.lines[0]!.discounts).toEqual([{ promotionId: 1, amount: 1000 }]);
    expect(r.notApplied.get(2)?.reasonCode).toBe("better_promotion");
    expect(r.notApplied.get(3)?.reasonCode).toBe("better_promotion");
  });

  it("stacks combinable promotions in priority order, each on what is left", () => {
    const promos = [
      promo(1, percent(500)), // exclusive: 5.00
      promo(2, { type: "amount", grosze: 1000, basis: "net", per: "line" }, { combinable: true }),
      promo(3, percent(1000), { combinable: true, priority: 1 }), // first: 10.00, then 10.00 off
    ];
    const r = applyPromotions([line()], promos, "PLN");
    expect(r.lines[0]).toEqual({
      discounts: [
        { promotionId: 3, amount: 1000 },
        { promotionId: 2, amount: 1000 },
      ],
      net: 8000,
    });
    expect(r.notApplied.get(1)).toEqual({
      reasonCode: "better_promotion",
      reason: "another promotion gave a better price",
    });
  });

  it("matches the combination example of docs/billing/promotions.en.md", () => {
    const com = line({ tld: "com", serviceCode: "domain.com.register", listNet: 6750 });
    const r = applyPromotions(
      [com],
      [
        promo(1, percent(500), { name: ".com −5%" }),
        promo(2, percent(1500), { name: ".com −15%" }),
        promo(3, percent(1000), { combinable: true, priority: 1 }),
        promo(4, { type: "amount", grosze: 500, basis: "net", per: "line" }, { combinable: true }),
      ],
      "PLN",
    );
    expect(r.lines[0]).toEqual({
      discounts: [
        { promotionId: 3, amount: 675 },
        { promotionId: 4, amount: 500 },
      ],
      net: 5575,
    });
    expect([r.notApplied.get(1)?.reasonCode, r.notApplied.get(2)?.reasonCode]).toEqual([
      "better_promotion",
      "better_promotion",
    ]);
  });

  it("breaks ties by priority, then by the lower id", () => {
    const same = percent(1000);
    expect(
      applyPromotions([line()], [promo(1, same), promo(2, same, { priority: 1 })], "PLN").lines[0]!.discounts,
    ).toEqual([{ promotionId: 2, amount: 1000 }]);
    expect(applyPromotions([line()], [promo(2, same), promo(1, same)], "PLN").lines[0]!.discounts).toEqual([
      { promotionId: 1, amount: 1000 },
    ]);
  });

  it("never raises a price with a price override, and says it gave nothing", () => {
    const r = applyPromotions(
      [line({ listNet: 500 })],
      [promo(1, { type: "price", grosze: 999, basis: "gross" })],
      "PLN",
    );
    expect(r.lines[0]).toEqual({ discounts: [], net: 500 });
    expect(r.notApplied.get(1)?.reasonCode).toBe("no_discount");
  });

  it("reports the reason of the line that got furthest", () => {
    const r = applyPromotions(
      [line({ operation: "renew" }), line({ period: 2, listNet: 20_000 })],
      [promo(1, percent(100), { conditions: { operations: ["register"], periods: [1] } })],
      "PLN",
    );
    expect(r.notApplied.get(1)).toEqual({ reasonCode: "operation", reason: "not for renewals" });
  });

  it("never makes a line negative; discounts are positive and add up to listNet − net", () => {
    fc.assert(
      fc.property(fc.array(arbLine, { minLength: 1, maxLength: 8 }), arbPromotions, (lines, promos) => {
        const r = applyPromotions(lines, promos, "PLN");
        r.lines.forEach((l, i) => {
          expect(l.net).toBeGreaterThanOrEqual(0);
          for (const d of l.discounts) expect(d.amount).toBeGreaterThan(0);
          expect(lines[i]!.listNet - l.discounts.reduce((s, d) => s + d.amount, 0)).toBe(l.net);
          // a non-combinable promotion is alone on its line
          const ids = l.discounts.map((d) => d.promotionId);
          if (ids.length > 1) {
            for (const id of ids) expect(promos.find((p) => p.id === id)!.combinable).toBe(true);
          }
          // a first-year-only promotion takes at most the first-year share
          for (const d of l.discounts) {
            const p = promos.find((x) => x.id === d.promotionId)!;
            if (p.conditions.firstYearOnly) {
              expect(d.amount).toBeLessThanOrEqual(firstYearShare(lines[i]!.listNet, lines[i]!.period));
            }
          }
        });
        // every promotion either applied somewhere or has a reason
        const applied = new Set(r.lines.flatMap((l) => l.discounts.map((d) => d.promotionId)));
        for (const p of promos) expect(applied.has(p.id) !== r.notApplied.has(p.id)).toBe(true);
      }),
    );
  });

  it("totals add up: net + VAT = gross over the discounted lines", () => {
    fc.assert(
      fc.property(fc.array(arbLine, { minLength: 1, maxLength: 8 }), arbPromotions, (lines, promos) => {
        const r = applyPromotions(lines, promos, "PLN");
        const vat = computeVat(
          lines.map((l, i) => ({ amount: money(r.lines[i]!.net), rate: l.vatRate })),
          "net",
        );
        expect(vat.total.net.amount + vat.total.vat.amount).toBe(vat.total.gross.amount);
        expect(vat.total.net.amount).toBe(r.lines.reduce((s, l) => s + l.net, 0));
      }),
    );
  });

  it("is deterministic: the order promotions are given in does not matter", () => {
    fc.assert(
      fc.property(
        fc.array(arbLine, { minLength: 1, maxLength: 5 }),
        arbPromotions,
        fc.integer(),
        (lines, promos, seed) => {
          const shuffled = [...promos].sort(
            (a, b) => ((a.id * 7919 + seed) % 13) - ((b.id * 7919 + seed) % 13),
          );
          expect(applyPromotions(lines, shuffled, "PLN")).toEqual(applyPromotions(lines, promos, "PLN"));
        },
      ),
    );
  });

  it("splits an order-level amount over its lines so that the shares add up exactly", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 5_000_000 }),
        fc.boolean(),
        (nets, amount, firstYearOnly) => {
          const lines = nets.map((listNet, i) => line({ listNet, period: (i % 3) + 1 }));
          const p = promo(
            1,
            { type: "amount", grosze: amount, basis: "net", per: "order" },
            {
              conditions: { firstYearOnly },
            },
          );
          const shares = orderShares(
            p,
            lines,
            lines.map(() => true),
            "PLN",
          );
          expect([...shares.values()].reduce((s, x) => s + x, 0)).toBe(amount);
          // applied alone, the order gets the whole amount off unless the lines are worth less
          const base = lines.reduce(
            (s, l) => s + (firstYearOnly ? firstYearShare(l.listNet, l.period) : l.listNet),
            0,
          );
          const r = applyPromotions(lines, [p], "PLN");
          const off = r.lines.reduce((s, l) => s + l.discounts.reduce((t, d) => t + d.amount, 0), 0);
          if (amount <= base && base > 0) {
            // shares are proportional to each line's base, so none exceeds it
            expect(off).toBe(amount);
          } else {
            expect(off).toBeLessThanOrEqual(base);
          }
        },
      ),
    );
  });
});
