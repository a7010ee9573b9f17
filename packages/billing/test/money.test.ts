import {
  allocate,
  computeVat,
  divideRoundHalfUp,
  formatMoney,
  grossOf,
  money,
  netOf,
  parseDecimal,
  scale,
  toDecimal,
  VAT_RATE_CODES,
  type VatRateCode,
} from "@hrdkit/billing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const amount = fc.integer({ min: -1_000_000_000, max: 1_000_000_000 });
const positive = fc.integer({ min: 0, max: 1_000_000_000 });
const rate = fc.constantFrom(...VAT_RATE_CODES);

describe("money", () => {
  it("rounds half-up on halves and symmetrically for negatives", () => {
    expect(divideRoundHalfUp(5, 10)).toBe(1); // 0.5 gr → 1 gr
    expect(divideRoundHalfUp(4, 10)).toBe(0); // 0.4 gr → 0
    expect(divideRoundHalfUp(-5, 10)).toBe(-1);
    expect(divideRoundHalfUp(-4, 10)).toBe(0);
    expect(scale(money(1999), 23, 100).amount).toBe(460); // 4.5977 → 4.60
    expect(scale(money(50), 23, 100).amount).toBe(12); // 11.5 → 12
  });

  it("rounding never misses the exact quotient by more than half a unit (property)", () => {
    fc.assert(
      fc.property(amount, fc.integer({ min: 1, max: 100_000 }), (n, d) => {
        const q = divideRoundHalfUp(n, d);
        expect(Math.abs(q * d - n) * 2).toBeLessThanOrEqual(d);
        expect(divideRoundHalfUp(-n, d)).toBe(-q || 0);
      }),
    );
  });

  it("allocation always adds up to the total and follows the weights (property)", () => {
    fc.assert(
      fc.property(
        amount,
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 30 }),
        (t, ws) => {
          const parts = allocate(money(t), ws);
          expect(parts.reduce((s, p) => s + p.amount, 0)).toBe(t);
          const total = ws.reduce((s, w) => s + w, 0);
          parts.forEach((p, i) => {
            const exact = total === 0 ? t / ws.length : (t * ws[i]!) / total;
            expect(Math.abs(p.amount - exact)).toBeLessThan(1 + 1e-6);
          });
        },
      ),
    );
    expect(allocate(money(100), [1, 1, 1]).map((m) => m.amount)).toEqual([34, 33, 33]);
  });

  it("parses and prints decimals exactly, with no float on the way (property)", () => {
    fc.assert(
      fc.property(amount, (n) => {
        expect(parseDecimal(toDecimal(money(n))).amount).toBe(n);
      }),
    );
    expect(parseDecimal("1 234,56").amount).toBe(123456);
    expect(parseDecimal("0.1").amount).toBe(10);
    expect(() => parseDecimal("1.234")).toThrow(/at most 2 decimals/);
    expect(() => parseDecimal("12zł")).toThrow();
    expect(() => money(1.5)).toThrow(/integer/);
  });

  it("formats for people in Polish and English", () => {
    expect(formatMoney(money(123456))).toBe("1\u00a0234,56\u00a0zł");
    expect(formatMoney(money(-5))).toBe("-0,05\u00a0zł");
    expect(formatMoney(money(100000000, "EUR"))).toBe("1\u00a0000\u00a0000,00\u00a0€");
    expect(formatMoney(money(123456), "en")).toBe("PLN\u00a01,234.56");
    expect(formatMoney(money(999, "EUR"), "en")).toBe("EUR\u00a09.99");
  });
});

describe("VAT", () => {
  it("computes VAT per rate on the net sum, not as a sum of rounded line VATs", () => {
    // Three lines of 0.05 zł at 23%: per line 0.0115 → 0.01 each (0.03), on the sum 0.15 → 0.0345 → 0.03.
    // Three lines of 0.02 zł: per line 0.0046 → 0.00 each, on the sum 0.06 → 0.0138 → 0.01.
    const v = computeVat([
      { amount: money(2), rate: "23" },
      { amount: money(2), rate: "23" },
      { amount: money(2), rate: "23" },
    ]);
    expect(v.lines.map((l) => l.vat.amount)).toEqual([0, 0, 0]);
    expect(v.byRate).toHaveLength(1);
    expect(v.total.vat.amount).toBe(1);
    expect(v.total.gross.amount).toBe(7);
  });

  it("keeps rates apart and charges nothing on zw, np I and np II", () => {
    const v = computeVat([
      { amount: money(10000), rate: "23" },
      { amount: money(10000), rate: "8" },
      { amount: money(10000), rate: "np II" },
      { amount: money(5000), rate: "23" },
      { amount: money(700), rate: "zw" },
    ]);
    expect(v.byRate.map((r) => [r.rate, r.net.amount, r.vat.amount])).toEqual([
      ["23", 15000, 3450],
      ["8", 10000, 800],
      ["zw", 700, 0],
      ["np II", 10000, 0],
    ]);
    expect(v.total).toEqual({ net: money(35700), vat: money(4250), gross: money(39950) });
  });

  it("gross entry: VAT = gross·r/(100+r) on the per-rate sum; net + VAT = gross exactly", () => {
    const v = computeVat([{ amount: money(999), rate: "23" }], "gross");
    expect(v.total).toEqual({ net: money(812), vat: money(187), gross: money(999) });
    expect(netOf(money(999), "23").amount).toBe(812);
    expect(grossOf(money(812), "23").amount).toBe(999);
  });

  it("totals are always consistent, in both entry modes (property)", () => {
    const lines = fc.array(fc.record({ amount: positive.map((n) => money(n)), rate }), {
      minLength: 1,
      maxLength: 25,
    });
    fc.assert(
      fc.property(lines, fc.constantFrom<"net" | "gross">("net", "gross"), (ls, mode) => {
        const v = computeVat(ls as { amount: ReturnType<typeof money>; rate: VatRateCode }[], mode);
        expect(v.total.net.amount + v.total.vat.amount).toBe(v.total.gross.amount);
        const entered = ls.reduce((s, l) => s + l.amount.amount, 0);
        expect(mode === "net" ? v.total.net.amount : v.total.gross.amount).toBe(entered);
        for (const r of v.byRate) {
          const pct = { "23": 23, "8": 8, "5": 5 }[r.rate as "23"] ?? 0;
          // Each per-rate VAT is within half a grosz of the exact tax of its base.
          const exact = mode === "net" ? (r.net.amount * pct) / 100 : (r.gross.amount * pct) / (100 + pct);
          expect(Math.abs(r.vat.amount - exact)).toBeLessThanOrEqual(0.5);
        }
      }),
    );
  });

  it("refuses mixed currencies and unknown rates", () => {
    expect(() =>
      computeVat([
        { amount: money(1), rate: "23" },
        { amount: money(1, "EUR"), rate: "23" },
      ]),
    ).toThrow(/one currency/);
    expect(() => computeVat([{ amount: money(1), rate: "22" as VatRateCode }])).toThrow(
      /unknown VAT rate "22"/,
    );
  });
});
