import { redactObject, redactXml } from "@hrdkit/sdk";
import { describe, expect, it } from "vitest";

describe("redactXml", () => {
  const login =
    '<api xmlns="http://api.hrd.pl/api/"><login><login>partner1</login><pass>S3cr&amp;t-pass</pass>' +
    "<type>partnerApi</type></login></api>";

  it("hides the API password and keeps the rest of the document", () => {
    const out = redactXml(login);
    expect(out).not.toContain("S3cr");
    expect(out).toContain("<pass>[redacted]</pass>");
    expect(out).toContain("<login>partner1</login>");
    expect(out).toContain("<type>partnerApi</type>");
  });

  it("hides pw, authInfo and token content", () => {
    const xml =
      "<api><domain><transfer><name>a.pl</name><pw>TRANSFER-CODE</pw></transfer></domain>" +
      "<domain><authInfoCheck><name>a.pl</name><authInfo>AUTH-123</authInfo></authInfoCheck></domain>" +
      "<token><token>dG9rZW4=</token></token></api>";
    const out = redactXml(xml);
    for (const secret of ["TRANSFER-CODE", "AUTH-123", "dG9rZW4="]) expect(out).not.toContain(secret);
    expect(out).toContain("<pw>[redacted]</pw>");
    expect(out).toContain("<authInfo>[redacted]</authInfo>");
    expect(out).toContain("<token>[redacted]</token>");
    expect(out).toContain("<name>a.pl</name>");
  });

  it("hides every occurrence, including multi-line values", () => {
    const out = redactXml("<a><pw>one</pw><pw>two\nlines</pw></a>");
    expect(out).toBe("<a><pw>[redacted]</pw><pw>[redacted]</pw></a>");
  });

  it("does not touch elements whose names only start like a secret", () => {
    const xml =
      "<r><password2>keep</password2><passive>keep</passive><authInfoCheck>keep</authInfoCheck></r>";
    expect(redactXml(xml)).toBe(xml);
  });
});

describe("redactObject", () => {
  it("replaces secret-named keys at any depth and leaves the input untouched", () => {
    const input = { login: "partner1", pass: "p", nested: [{ apiKey: "ab12", authInfo: "x", name: "a.pl" }] };
    expect(redactObject(input)).toEqual({
      login: "partner1",
      pass: "[redacted]",
      nested: [{ apiKey: "[redacted]", authInfo: "[redacted]", name: "a.pl" }],
    });
    expect(input.pass).toBe("p");
  });
});
