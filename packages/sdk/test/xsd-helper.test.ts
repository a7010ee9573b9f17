import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  expectValidRequest,
  expectValidRequests,
  expectValidResponse,
  repoRoot,
  requestSchemaPath,
  responseSchemaPath,
  toValidatableRequest,
  validateRequest,
  validateRequests,
  validateResponse,
  validateResponses,
} from "./support/xsd.js";

const GOOD_REQUEST = '<api xmlns="http://api.hrd.pl/api/"><partner><getBalance/></partner></api>';
const RENEW_IN_ORDER =
  '<api xmlns="http://api.hrd.pl/api/"><domain><renew><name>example.pl</name>' +
  "<currentExpirationDate>2026-05-01</currentExpirationDate><period>1</period></renew></domain></api>";
const RENEW_OUT_OF_ORDER =
  '<api xmlns="http://api.hrd.pl/api/"><domain><renew><name>example.pl</name><period>1</period>' +
  "<currentExpirationDate>2026-05-01</currentExpirationDate></renew></domain></api>";
const GOOD_RESPONSE =
  '<api xmlns="http://api.hrd.pl/api/"><partner><getBalance><balance>100.50</balance>' +
  "<restrictedBalance>10.00</restrictedBalance></getBalance></partner></api>";
const BROKEN_RESPONSE =
  '<api xmlns="http://api.hrd.pl/api/"><partner><getBalance><restrictedBalance>10.00</restrictedBalance>' +
  "<balance>a lot</balance></getBalance></partner></api>";

describe("schema location", () => {
  it("reads the schemas from ../shared next to the repo root", () => {
    expect(existsSync(path.join(repoRoot, "package.json"))).toBe(true);
    expect(requestSchemaPath).toBe(path.resolve(repoRoot, "../shared/hrd-api/api.xsd"));
    expect(responseSchemaPath).toBe(path.resolve(repoRoot, "../shared/hrd-api/apiResponse.xsd"));
    expect(existsSync(requestSchemaPath)).toBe(true);
    expect(existsSync(responseSchemaPath)).toBe(true);
  });
});

describe("toValidatableRequest", () => {
  it("rewrites only the root to the prefixed form and leaves the children untouched", () => {
    expect(toValidatableRequest(GOOD_REQUEST)).toBe(
      '<h:api xmlns:h="http://api.hrd.pl/api/"><partner><getBalance/></partner></h:api>',
    );
  });

  it("drops a leading XML declaration and trailing whitespace", () => {
    expect(toValidatableRequest(`<?xml version="1.0" encoding="utf-8"?>\n${GOOD_REQUEST}\n`)).toBe(
      '<h:api xmlns:h="http://api.hrd.pl/api/"><partner><getBalance/></partner></h:api>',
    );
  });

  it("leaves a document whose root is not HRD's api alone", () => {
    const other = '<api xmlns="urn:other"><partner><getBalance/></partner></api>';
    expect(toValidatableRequest(other)).toBe(other);
  });
});

describe("validateRequest", () => {
  it("accepts a known-good request in the wire form", async () => {
    await expect(validateRequest(GOOD_REQUEST)).resolves.toEqual({ valid: true, errors: [] });
  });

  it("accepts a request with an XML declaration, as apiDocument writes it", async () => {
    const result = await validateRequest(`<?xml version="1.0" encoding="utf-8"?>\n${GOOD_REQUEST}\n`);
    expect(result).toEqual({ valid: true, errors: [] });
  });

  it("accepts domain/renew in XSD order", async () => {
    expect((await validateRequest(RENEW_IN_ORDER)).valid).toBe(true);
  });

  it("reports domain/renew with period before currentExpirationDate, naming the element", async () => {
    const result = await validateRequest(RENEW_OUT_OF_ORDER);
    expect(result.valid).toBe(false);
    expect(result.errors.join("\n")).toMatch(/Element 'period': This element is not expected/);
    expect(result.errors.join("\n")).toContain("currentExpirationDate");
  });

  it("reports an unknown operation", async () => {
    const result = await validateRequest(
      '<api xmlns="http://api.hrd.pl/api/"><partner><getMoney/></partner></api>',
    );
    expect(result.valid).toBe(false);
    expect(result.errors.join("\n")).toContain("getMoney");
  });

  it("reports a request whose root is in the wrong namespace", async () => {
    const result = await validateRequest('<api xmlns="urn:other"><partner><getBalance/></partner></api>');
    expect(result.valid).toBe(false);
  });

  it("reports malformed XML as invalid with the parser error, without rejecting", async () => {
    const result = await validateRequest('<api xmlns="http://api.hrd.pl/api/"><partner>');
    expect(result.valid).toBe(false);
    expect(result.errors.join("\n")).toMatch(/parser error/);
  });

  it("validates non-ASCII content as UTF-8", async () => {
    const ok = await validateRequest(
      '<api xmlns="http://api.hrd.pl/api/"><domain><check><name>xn--w-uga1v8h.pl</name></check></domain></api>',
    );
    const unicode = await validateRequest(
      '<api xmlns="http://api.hrd.pl/api/"><domain><check><name>żółw.pl</name></check></domain></api>',
    );
    expect(ok.valid).toBe(true);
    // api.xsd only accepts punycode names: a Unicode name must be converted before it is sent.
    expect(unicode.valid).toBe(false);
    expect(unicode.errors.join("\n")).toContain("żółw.pl");
  });
});

describe("validateResponse", () => {
  it("accepts a good getBalance response as is", async () => {
    await expect(validateResponse(GOOD_RESPONSE)).resolves.toEqual({ valid: true, errors: [] });
  });

  it("reports a broken getBalance response", async () => {
    const result = await validateResponse(BROKEN_RESPONSE);
    expect(result.valid).toBe(false);
    expect(result.errors.length).toBeGreaterThan(0);
  });

  it("reports a response whose children are unqualified (responses are elementFormDefault=qualified)", async () => {
    const unqualified =
      '<h:api xmlns:h="http://api.hrd.pl/api/"><partner><getBalance><balance>1.00</balance>' +
      "<restrictedBalance>0.00</restrictedBalance></getBalance></partner></h:api>";
    expect((await validateResponse(unqualified)).valid).toBe(false);
  });
});

describe("expect helpers", () => {
  it("expectValidRequest passes on a good request and throws libxml2's message on a bad one", async () => {
    await expect(expectValidRequest(GOOD_REQUEST)).resolves.toBeUndefined();
    await expect(expectValidRequest(RENEW_OUT_OF_ORDER)).rejects.toThrow(
      /Element 'period': This element is not expected/,
    );
  });

  it("expectValidResponse passes on a good response and throws on a broken one", async () => {
    await expect(expectValidResponse(GOOD_RESPONSE)).resolves.toBeUndefined();
    await expect(expectValidResponse(BROKEN_RESPONSE)).rejects.toThrow(/apiResponse\.xsd/);
  });

  it("expectValidRequests names every invalid document", async () => {
    await expect(expectValidRequests([GOOD_REQUEST, RENEW_IN_ORDER])).resolves.toBeUndefined();
    await expect(expectValidRequests([GOOD_REQUEST, RENEW_OUT_OF_ORDER, RENEW_OUT_OF_ORDER])).rejects.toThrow(
      /2 of 3 requests are invalid/,
    );
  });
});

describe("batches", () => {
  it("validateRequests keeps results in input order and attributes errors to the right document", async () => {
    const docs = [GOOD_REQUEST, RENEW_OUT_OF_ORDER, RENEW_IN_ORDER, "<api", GOOD_REQUEST];
    const results = await validateRequests(docs);
    expect(results.map((r) => r.valid)).toEqual([true, false, true, false, true]);
    expect(results[1]!.errors.join("\n")).toContain("'period'");
    expect(results[3]!.errors.join("\n")).toMatch(/parser error/);
    for (const i of [0, 2, 4]) expect(results[i]!.errors).toEqual([]);
  });

  it("validateResponses keeps results in input order", async () => {
    const results = await validateResponses([BROKEN_RESPONSE, GOOD_RESPONSE]);
    expect(results.map((r) => r.valid)).toEqual([false, true]);
  });

  it("handles an empty batch without running xmllint", async () => {
    await expect(validateRequests([])).resolves.toEqual([]);
  });

  it("validates more documents than one xmllint run takes (chunked), in order", async () => {
    const docs = Array.from({ length: 600 }, (_, i) => (i % 7 === 3 ? RENEW_OUT_OF_ORDER : GOOD_REQUEST));
    const results = await validateRequests(docs);
    expect(results).toHaveLength(600);
    results.forEach((r, i) => {
      expect(r.valid, `document ${i}`).toBe(i % 7 !== 3);
    });
  });

  it("coalesces concurrent single validations into correct per-document results", async () => {
    const docs = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? GOOD_REQUEST : RENEW_OUT_OF_ORDER));
    const started = performance.now();
    const results = await Promise.all(docs.map((xml) => validateRequest(xml)));
    const elapsed = performance.now() - started;
    expect(results.map((r) => r.valid)).toEqual(docs.map((_, i) => i % 2 === 0));
    // One xmllint run costs ~0.1 s; forty separate runs would take seconds.
    expect(elapsed).toBeLessThan(3000);
  });
});
