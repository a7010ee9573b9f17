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

describe("toAsciiDomain on names that only look like domains", () => {
  it("does not decode percent-escapes into a different name", () => {
    expect(toAsciiDomain("%61bc.pl")).toBe("");
    expect(toAsciiDomain("ab%2e.pl")).toBe("");
    expect(toAsciiDomain("%C5%BC%C3%B3%C5%82w.pl")).toBe("");
  });

  it("refuses IP literals in every spelling the URL parser would turn into an address", () => {
    for (const ip of [
      "127.0.0.1",
      "0x7f.1",
      "0177.0.0.1",
      "1.2.3",
      "4294967295",
      "[::1]",
      "::1",
      "1.2.3.4",
    ]) {
      expect([ip, toAsciiDomain(ip)]).toEqual([ip, ""]);
    }
  });

  it("refuses characters that would be silently mapped or dropped", () => {
    // Full-width letters, a soft hyphen, an ideographic full stop: each would become plain "abc.pl".
    for (const name of ["ａｂｃ.pl", "ab\u00adc.pl", "abc\u3002pl", "ab\u200bc.pl", "abc.pl\u0000"]) {
      expect([name, toAsciiDomain(name)]).toEqual([name, ""]);
    }
  });

  it("refuses names that break the label rules", () => {
    for (const name of [
      "a..pl",
      ".a.pl",
      "-a.pl",
      "a-.pl",
      "a b.pl",
      "a/b.pl",
      "a@b.pl",
      "xn--abc.pl",
      "pl",
      `${"a".repeat(64)}.pl`,
    ]) {
      expect([name, toAsciiDomain(name)]).toEqual([name, ""]);
    }
  });

  it("still takes every ordinary name", () => {
    expect(toAsciiDomain("123.pl")).toBe("123.pl");
    expect(toAsciiDomain("1.2.3.4.pl")).toBe("1.2.3.4.pl");
    expect(toAsciiDomain("xn--w-uga1v8h.pl")).toBe("xn--w-uga1v8h.pl");
    expect(toAsciiDomain("a-b.com.pl")).toBe("a-b.com.pl");
    expect(toAsciiDomain(`${"a".repeat(63)}.pl`)).toBe(`${"a".repeat(63)}.pl`);
    expect(toAsciiDomain("faß.de")).toBe("xn--fa-hia.de");
  });
});

describe("the SDK's domain fields", () => {
  it("refuse a percent-escaped name and an IP address before anything is sent", async () => {
    const { HrdClient, HrdValidationError } = await import("@hrdkit/sdk");
    // Nothing listens there: a request that got through validation would fail differently.
    const client = new HrdClient({ host: "127.0.0.1", port: 9, login: "x", password: "y", apiKey: "00" });
    try {
      for (const name of ["%61bc.pl", "127.0.0.1"]) {
        const err = await client.domain.check({ names: [name] }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(HrdValidationError);
        expect((err as InstanceType<typeof HrdValidationError>).issues.map((i) => i.path)).toEqual([
          "names.0",
        ]);
      }
    } finally {
      await client.close();
    }
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
