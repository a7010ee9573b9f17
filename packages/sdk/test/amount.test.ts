import { formatAmount, parseAmount } from "@hrdkit/sdk";
import { describe, expect, it } from "vitest";

describe("parseAmount", () => {
  it.each([
    ["100.50", 10050],
    ["-3.5", -350],
    ["12", 1200],
    ["0.01", 1],
    ["0.10", 10],
    ["-0.50", -50],
    ["1234567.89", 123456789],
    ["0", 0],
  ])("%s → %i grosze", (text, grosze) => {
    expect(parseAmount(text)).toEqual({ value: text, grosze });
  });

  it("keeps HRD's text (trimmed) next to the grosze", () => {
    expect(parseAmount(" 7.10 ")).toEqual({ value: "7.10", grosze: 710 });
  });

  it("accepts a decimal comma", () => {
    expect(parseAmount("1,5")?.grosze).toBe(150);
  });

  it("rounds a third decimal half-up instead of truncating", () => {
    expect(parseAmount("100.994")?.grosze).toBe(10099);
    expect(parseAmount("100.995")?.grosze).toBe(10100);
    expect(parseAmount("0.005")?.grosze).toBe(1);
  });

  it("is exact where floats are not (0.29 × 100 = 28.999… in binary)", () => {
    expect(0.29 * 100).not.toBe(29);
    expect(parseAmount("0.29")?.grosze).toBe(29);
    expect(parseAmount("1.13")?.grosze).toBe(113);
  });

  it.each(["abc", "", "1.0E2", "1e3", "12.", ".5", "1.2.3", "--1", "+5", "12 zł", "NaN"])(
    "refuses %j",
    (text) => {
      expect(parseAmount(text)).toBeUndefined();
    },
  );
});

describe("formatAmount", () => {
  it.each([
    [10050, "100.50"],
    [-350, "-3.50"],
    [1200, "12.00"],
    [1, "0.01"],
    [-5, "-0.05"],
    [0, "0.00"],
  ])("%i grosze → %s", (grosze, text) => {
    expect(formatAmount(grosze)).toBe(text);
  });

  it("round-trips through parseAmount for every amount from -50.00 to 50.00 and some large ones", () => {
    const values = [...Array.from({ length: 10_001 }, (_, i) => i - 5000), 999_999_99, -123_456_789, 2 ** 40];
    for (const grosze of values) expect(parseAmount(formatAmount(grosze))?.grosze).toBe(grosze);
  });

  it("writes what parseAmount read, for text HRD sends with two decimals", () => {
    for (const text of ["100.50", "-3.50", "0.01", "12.00"])
      expect(formatAmount(parseAmount(text)!.grosze)).toBe(text);
  });
});
