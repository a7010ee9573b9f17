import { isValidNip, isValidPesel, normalizeNip } from "@hrdkit/sdk";
import { describe, expect, it } from "vitest";

/** PESEL check digit, computed here from the definition: weights 1 3 7 9 1 3 7 9 1 3, (10 − sum mod 10) mod 10. */
function peselCheckDigit(first10: string): number {
  const weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
  const sum = [...first10].reduce((acc, d, i) => acc + Number(d) * weights[i]!, 0);
  return (10 - (sum % 10)) % 10;
}

/** A PESEL with a correct check digit: `yymmdd` (month already century-encoded) + 4 serial digits. */
function pesel(yymmdd: string, serial = "0135"): string {
  const first10 = yymmdd + serial;
  return first10 + String(peselCheckDigit(first10));
}

/** NIP check digit, from the definition: weights 6 5 7 2 3 4 5 6 7, sum mod 11 (10 means no valid NIP). */
function nipCheckDigit(first9: string): number {
  const weights = [6, 5, 7, 2, 3, 4, 5, 6, 7];
  return [...first9].reduce((acc, d, i) => acc + Number(d) * weights[i]!, 0) % 11;
}

describe("isValidPesel", () => {
  it("the examples used below have correct check digits", () => {
    expect(peselCheckDigit("4405140135")).toBe(9);
    expect(peselCheckDigit("0207080362")).toBe(8);
  });

  it.each([
    ["44051401359", "born 1944-05-14"],
    ["02070803628", "born 1902-07-08"],
  ])("accepts %s (%s)", (value) => {
    expect(isValidPesel(value)).toBe(true);
  });

  it("rejects a wrong check digit", () => {
    expect(isValidPesel("44051401358")).toBe(false);
    expect(isValidPesel("02070803627")).toBe(false);
  });

  it("rejects a single mistyped digit (the checksum catches it)", () => {
    expect(isValidPesel("44051401459")).toBe(false);
  });

  it("reads the century from the month: +20 is 2000–2099, +80 is 1800–1899", () => {
    expect(isValidPesel(pesel("012515"))).toBe(true); // 2001-05-15
    expect(isValidPesel(pesel("998228"))).toBe(true); // 1899-02-28
    expect(isValidPesel(pesel("998231"))).toBe(false); // 1899-02-31
  });

  it("rejects impossible dates even with a correct check digit", () => {
    expect(isValidPesel(pesel("440231"))).toBe(false); // 1944-02-31
    expect(isValidPesel(pesel("441301"))).toBe(false); // month 13
    expect(isValidPesel(pesel("440500"))).toBe(false); // day 0
    expect(isValidPesel(pesel("013301"))).toBe(false); // month 33: 20xx has months 21–32 only
  });

  it("knows leap years in every century", () => {
    expect(isValidPesel(pesel("002229"))).toBe(true); // 2000-02-29: leap (divisible by 400)
    expect(isValidPesel(pesel("012229"))).toBe(false); // 2001-02-29
    expect(isValidPesel(pesel("004229"))).toBe(false); // 2100-02-29: not leap
    expect(isValidPesel(pesel("040229"))).toBe(true); // 1904-02-29
  });

  it.each([
    ["10 digits", "4405140135"],
    ["12 digits", "440514013590"],
    ["letters", "4405140135X"],
    ["spaces", "44051 401359"],
    ["an empty string", ""],
  ])("rejects %s", (_, value) => {
    expect(isValidPesel(value)).toBe(false);
  });

  // Regression: month 00 matches no century range and used to throw instead of returning false.
  it("returns false (does not throw) for month 00 with a correct check digit", () => {
    expect(pesel("440014")).toBe("44001401354");
    expect(isValidPesel("44001401354")).toBe(false);
  });
});

describe("isValidNip", () => {
  it("the examples used below have correct check digits", () => {
    expect(nipCheckDigit("123456321")).toBe(8);
    expect(nipCheckDigit("951001234")).toBe(3);
  });

  it.each([
    "1234563218",
    "PL 123-456-32-18",
    "pl1234563218",
    "123-45-63-218",
    " 123 456 32 18",
    "9510012343",
  ])("accepts %j", (value) => {
    expect(isValidNip(value)).toBe(true);
  });

  it("rejects a wrong check digit", () => {
    expect(isValidNip("1234563217")).toBe(false);
    expect(isValidNip("PL 123-456-32-19")).toBe(false);
  });

  it("rejects a NIP whose weighted sum is 10 mod 11, whatever its last digit", () => {
    const sumTen = "100200000"; // 6×1 + 2×2 = 10
    expect(nipCheckDigit(sumTen)).toBe(10);
    for (let last = 0; last <= 9; last++) expect(isValidNip(sumTen + String(last))).toBe(false);
  });

  it.each([
    ["9 digits", "123456321"],
    ["11 digits", "12345632180"],
    ["letters", "12345632A8"],
    ["another country's prefix", "DE1234563218"],
    ["an empty string", ""],
  ])("rejects %s", (_, value) => {
    expect(isValidNip(value)).toBe(false);
  });

  it("normalizeNip strips the PL prefix, spaces and dashes", () => {
    expect(normalizeNip("PL 123-456-32-18")).toBe("1234563218");
  });
});
