import { normalizePhone } from "@hrdkit/sdk";
import { describe, expect, it } from "vitest";

/** HRD's pattern for phone and fax (api.xsd). */
const WIRE = /^\+[0-9]{1,3}\.[0-9]{4,14}$/;

describe("normalizePhone", () => {
  it.each([
    ["+48 22 100 32 48", "+48.221003248"],
    ["0048221003248", "+48.221003248"],
    ["00 48 22 100 32 48", "+48.221003248"],
    ["+48221003248", "+48.221003248"],
    ["+48 (22) 100-32-48", "+48.221003248"],
    ["+48.22 100 32 48", "+48.221003248"],
    ["+1 212 555 0100", "+1.2125550100"],
    ["+420 123 456 789", "+420.123456789"],
    ["+44 20 7946 0958", "+44.2079460958"],
  ])("international %j → %s", (input, wire) => {
    expect(normalizePhone(input)).toBe(wire);
  });

  it.each([
    ["221003248", "+48.221003248"],
    ["22 100 32 48", "+48.221003248"],
    ["(22) 100-32-48", "+48.221003248"],
    ["022 100 32 48", "+48.221003248"],
    ["600-100-200", "+48.600100200"],
  ])("national %j takes +48 → %s", (input, wire) => {
    expect(normalizePhone(input)).toBe(wire);
  });

  it("uses the given default country code for national numbers", () => {
    expect(normalizePhone("601 234 567", "420")).toBe("+420.601234567");
  });

  it("returns the wire form unchanged", () => {
    expect(normalizePhone("+48.221003248")).toBe("+48.221003248");
    expect(normalizePhone("  +1.2125550100 ")).toBe("+1.2125550100");
  });

  it.each([
    ["letters", "abc"],
    ["letters among digits", "22 100 ab 48"],
    ["an empty string", ""],
    ["too few digits", "+48 22"],
    ["too many digits", "+48 1234567890123456"],
    ["an unassigned calling code", "+999 123 456 789"],
    ["only a plus", "+"],
  ])("returns undefined for %s", (_, input) => {
    expect(normalizePhone(input)).toBeUndefined();
  });

  it("always returns something HRD's pattern accepts", () => {
    const inputs = ["+48 22 100 32 48", "0048221003248", "221003248", "+1 212 555 0100", "+420 123 456 789"];
    for (const input of inputs) expect(normalizePhone(input)).toMatch(WIRE);
  });
});

describe("normalizePhone with the country code but no plus", () => {
  it("reads an 11-digit number starting with 48 as a Polish number", () => {
    expect(normalizePhone("48221003248")).toBe("+48.221003248");
    expect(normalizePhone("48 600 100 200")).toBe("+48.600100200");
  });
});

describe("normalizePhone refuses impossible Polish numbers", () => {
  it("a national number that is not 9 digits long is a typo, not +48.1234", () => {
    expect(normalizePhone("1234")).toBeUndefined();
    expect(normalizePhone("22 100 32 4")).toBeUndefined();
  });
});
