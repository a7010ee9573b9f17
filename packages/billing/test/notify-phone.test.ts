import { describe, expect, it } from "vitest";
import { normalizePhone } from "../src/notify/phone.js";

describe("normalizePhone", () => {
  it.each([
    "+48 500 100 200",
    "500-100-200",
    "0048500100200",
    "+48.500100200",
    "48500100200",
    " +48 (500) 100-200 ",
  ])("reads %j as +48500100200", (input) => {
    expect(normalizePhone(input)).toEqual({ e164: "+48500100200" });
  });

  it("accepts landlines, which the voice channel can call", () => {
    expect(normalizePhone("+48 22 123 45 67")).toEqual({ e164: "+48221234567" });
  });

  it("drops the Polish trunk 0 people still write", () => {
    expect(normalizePhone("(0-22) 629 32 22")).toEqual({ e164: "+48226293222" });
    expect(normalizePhone("0 500 100 200")).toEqual({ e164: "+48500100200" });
  });

  it("reads foreign numbers by their country code, and national ones by the default country", () => {
    expect(normalizePhone("+44 7911 123456")).toEqual({ e164: "+447911123456" });
    expect(normalizePhone("030 901820", "DE")).toEqual({ e164: "+4930901820" });
  });

  it.each([
    ["", /no phone number/],
    ["   ", /no phone number/],
    ["123", /too short/],
    ["+48 500 100 2000", /not a valid number in Poland/],
    ["+48 100 100 100", /not a valid number in Poland/],
    ["+999 123456", /\+999, which is not a country calling code/],
    ["500 100 200 wew. 12", /characters that are not part of a phone number \("wew"\)/],
    ["+48500100200a", /not part of a phone number/],
    ["jan@example.pl", /not part of a phone number/],
  ])("explains what is wrong with %j", (input, problem) => {
    const r = normalizePhone(input);
    expect(r).not.toHaveProperty("e164");
    expect("problem" in r && r.problem).toMatch(problem);
  });
});
