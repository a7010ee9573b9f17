import { toAsciiDomain, toUnicodeDomain } from "@hrdkit/sdk";
import { describe, expect, it } from "vitest";

describe("toAsciiDomain", () => {
  it("turns a Polish IDN into punycode (what api.xsd's name pattern accepts)", () => {
    const ascii = toAsciiDomain("żółw.pl");
    expect(ascii.startsWith("xn--")).toBe(true);
    expect(ascii.endsWith(".pl")).toBe(true);
    expect(ascii).toMatch(/^[a-z0-9.-]+$/);
    // Same as the WHATWG URL parser's host conversion.
    expect(ascii).toBe(new URL("http://żółw.pl/").hostname);
  });

  it("is case-insensitive and ignores a trailing dot and surrounding spaces", () => {
    expect(toAsciiDomain(" ŻÓŁW.PL. ")).toBe(toAsciiDomain("żółw.pl"));
  });

  it("converts only the labels that need it", () => {
    expect(toAsciiDomain("sklep.żółw.com.pl")).toBe(
      `sklep.${toAsciiDomain("żółw.pl").replace(/\.pl$/, "")}.com.pl`,
    );
  });

  it("leaves an ASCII name as it is (lower-cased)", () => {
    expect(toAsciiDomain("Example.PL")).toBe("example.pl");
  });

  it("returns an empty string for something that cannot be a domain name", () => {
    expect(toAsciiDomain("")).toBe("");
    expect(toAsciiDomain("   ")).toBe("");
    expect(toAsciiDomain("a b.pl")).toBe("");
  });
});

describe("toUnicodeDomain", () => {
  it("turns punycode back into the Unicode name", () => {
    expect(toUnicodeDomain(toAsciiDomain("żółw.pl"))).toBe("żółw.pl");
    expect(toUnicodeDomain(toAsciiDomain("zażółć-gęślą-jaźń.com.pl"))).toBe("zażółć-gęślą-jaźń.com.pl");
  });

  it("leaves a name without punycode labels unchanged", () => {
    expect(toUnicodeDomain("example.pl")).toBe("example.pl");
  });
});
