import { apiDocument, escapeXml, HRD_NS, parseApiDocument, pick, toXml, XmlSyntaxError } from "@hrdkit/sdk";
import { describe, expect, it } from "vitest";
import { validateRequests } from "./support/xsd.js";

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a throw");
}

describe("toXml", () => {
  it("writes elements in insertion order, whatever their names", () => {
    expect(toXml("renew", { name: "a.pl", currentExpirationDate: "2026-05-01", period: 1 })).toBe(
      "<renew><name>a.pl</name><currentExpirationDate>2026-05-01</currentExpirationDate><period>1</period></renew>",
    );
    expect(toXml("r", { z: 1, a: 2, m: 3 })).toBe("<r><z>1</z><a>2</a><m>3</m></r>");
  });

  it('escapes & < > and " in text', () => {
    expect(toXml("t", 'Kowalski & Syn <sp. z o.o.> "Firma"')).toBe(
      "<t>Kowalski &amp; Syn &lt;sp. z o.o.&gt; &quot;Firma&quot;</t>",
    );
    expect(escapeXml("a&b<c>d\"e'f")).toBe("a&amp;b&lt;c&gt;d&quot;e'f");
  });

  it("does not double-escape an entity-looking string", () => {
    expect(toXml("t", "&amp;")).toBe("<t>&amp;amp;</t>");
  });

  it("repeats an element for each array item, including objects", () => {
    expect(toXml("ns", { name: ["ns1.a.pl", "ns2.a.pl"] })).toBe(
      "<ns><name>ns1.a.pl</name><name>ns2.a.pl</name></ns>",
    );
    expect(toXml("g", { ns: [{ name: "a" }, { name: "b", ipv4: ["1.2.3.4", "5.6.7.8"] }] })).toBe(
      "<g><ns><name>a</name></ns><ns><name>b</name><ipv4>1.2.3.4</ipv4><ipv4>5.6.7.8</ipv4></ns></g>",
    );
  });

  it("writes nothing for an empty array", () => {
    expect(toXml("r", { a: [], b: 1 })).toBe("<r><b>1</b></r>");
  });

  it("omits undefined, writes null and {} as empty elements", () => {
    expect(toXml("r", { a: undefined, b: null, c: {}, d: "x" })).toBe("<r><b/><c/><d>x</d></r>");
    expect(toXml("r", undefined)).toBe("");
  });

  it("keeps falsy scalars: 0 and the empty string are written", () => {
    expect(toXml("r", { n: 0, s: "" })).toBe("<r><n>0</n><s></s></r>");
  });

  it("writes booleans as true/false", () => {
    expect(toXml("r", { on: true, off: false })).toBe("<r><on>true</on><off>false</off></r>");
  });

  it("writes $attrs as attributes (escaped) and $text as text", () => {
    expect(toXml("period", { $attrs: { unit: "y" }, $text: 2 })).toBe('<period unit="y">2</period>');
    expect(toXml("x", { $attrs: { q: 'a"b&c' }, $text: "<t>" })).toBe('<x q="a&quot;b&amp;c">&lt;t&gt;</x>');
  });

  it("writes $text before child elements and attributes on an empty element", () => {
    expect(toXml("x", { $text: "t", child: 1 })).toBe("<x>t<child>1</child></x>");
    expect(toXml("x", { $attrs: { a: 1 } })).toBe('<x a="1"/>');
  });

  it("skips undefined and null attributes", () => {
    expect(toXml("x", { $attrs: { a: undefined, b: null, c: false }, $text: "t" })).toBe(
      '<x c="false">t</x>',
    );
  });
});

describe("apiDocument", () => {
  it("writes the declaration and the api root in HRD's default namespace", () => {
    const doc = apiDocument({ partner: { getBalance: null } });
    expect(doc).toBe(
      `<?xml version="1.0" encoding="utf-8"?>\n<api xmlns="${HRD_NS}"><partner><getBalance/></partner></api>\n`,
    );
    expect(HRD_NS).toBe("http://api.hrd.pl/api/");
  });

  it("writes XML that api.xsd accepts when built in XSD order, and refuses out of order", async () => {
    const inOrder = apiDocument({
      domain: { renew: { name: "example.pl", currentExpirationDate: "2026-05-01", period: 1 } },
    });
    const outOfOrder = apiDocument({
      domain: { renew: { name: "example.pl", period: 1, currentExpirationDate: "2026-05-01" } },
    });
    const withRepeats = apiDocument({
      domain: { check: { name: ["a.pl", "b.com.pl", "xn--w-uga1v8h.pl"] } },
    });
    const [a, b, c] = await validateRequests([inOrder, outOfOrder, withRepeats]);
    expect(a).toEqual({ valid: true, errors: [] });
    expect(b!.valid).toBe(false);
    expect(c).toEqual({ valid: true, errors: [] });
  });
});

describe("parseApiDocument", () => {
  it("returns the content of the api root and drops its namespace declaration", () => {
    const parsed = parseApiDocument(
      `<?xml version="1.0" encoding="utf-8"?>\n<api xmlns="${HRD_NS}"><partner><getBalance>` +
        "<balance>100.50</balance><restrictedBalance>10.00</restrictedBalance></getBalance></partner></api>",
    );
    expect(parsed).toEqual({ partner: { getBalance: { balance: "100.50", restrictedBalance: "10.00" } } });
  });

  it("keeps values as text: no float conversion, leading zeros kept", () => {
    const parsed = parseApiDocument(
      `<api xmlns="${HRD_NS}"><x><a>0.10</a><b>007</b><c>1e3</c><d>true</d></x></api>`,
    );
    expect(pick(parsed, ["x"])).toEqual({ a: "0.10", b: "007", c: "1e3", d: "true" });
  });

  it("returns repeated elements as arrays and empty elements as empty strings", () => {
    const parsed = parseApiDocument(`<api xmlns="${HRD_NS}"><r><n>a</n><n>b</n><e/></r></api>`);
    expect(parsed).toEqual({ r: { n: ["a", "b"], e: "" } });
  });

  it("decodes entities", () => {
    const parsed = parseApiDocument(
      `<api xmlns="${HRD_NS}"><m>Kowalski &amp; Syn &lt;x&gt; &quot;q&quot;</m></api>`,
    );
    expect(parsed.m).toBe('Kowalski & Syn <x> "q"');
  });

  it("reads a prefixed root like an unprefixed one", () => {
    const parsed = parseApiDocument(`<h:api xmlns:h="${HRD_NS}"><partner><getBalance/></partner></h:api>`);
    expect(parsed).toEqual({ partner: { getBalance: "" } });
  });

  it("returns an empty object for an empty api root", () => {
    expect(parseApiDocument(`<api xmlns="${HRD_NS}"/>`)).toEqual({});
    expect(parseApiDocument(`<api xmlns="${HRD_NS}"></api>`)).toEqual({});
  });

  it("reads back what apiDocument wrote", () => {
    const doc = apiDocument({ domain: { check: { name: ["a.pl", "b & c.pl"] } } });
    expect(parseApiDocument(doc)).toEqual({ domain: { check: { name: ["a.pl", "b & c.pl"] } } });
  });

  it.each([
    ["plain text", "garbage"],
    ["truncated XML", `<api xmlns="${HRD_NS}"><partner>`],
    ["mismatched tags", `<api xmlns="${HRD_NS}"><a></b></api>`],
    ["an empty string", ""],
  ])("throws XmlSyntaxError on %s", (_, xml) => {
    const err = thrown(() => parseApiDocument(xml));
    expect(err.name).toBe("XmlSyntaxError");
    expect(err).toBeInstanceOf(Error);
  });

  it("throws XmlSyntaxError on a well-formed document without an api root", () => {
    const err = thrown(() => parseApiDocument(`<response xmlns="${HRD_NS}"><a>1</a></response>`));
    expect(err.name).toBe("XmlSyntaxError");
    expect(err.message).toMatch(/<api>/);
  });
});

describe("pick", () => {
  const tree = parseApiDocument(
    `<api xmlns="${HRD_NS}"><domain><info><name>a.pl</name></info></domain></api>`,
  );

  it("walks a path down the tree", () => {
    expect(pick(tree, ["domain", "info", "name"])).toBe("a.pl");
  });

  it("returns undefined when a step is missing or the path goes through text", () => {
    expect(pick(tree, ["domain", "check"])).toBeUndefined();
    expect(pick(tree, ["domain", "info", "name", "deeper"])).toBeUndefined();
  });
});

describe("parseApiDocument: the strict reader", () => {
  const wrap = (inner: string) => `<?xml version="1.0"?>\n<api xmlns="http://api.hrd.pl/api/">${inner}</api>`;

  it("decodes entities, character references and CDATA", () => {
    const api = parseApiDocument(
      wrap(
        "<news><info><title>A &amp; B &#378;&#x142;</title><message><![CDATA[<b>x</b>]]></message></info></news>",
      ),
    );
    expect(api).toEqual({ news: { info: { title: "A & B źł", message: "<b>x</b>" } } });
  });

  it("skips comments and keeps attributes beside text", () => {
    const api = parseApiDocument(
      wrap('<!-- c --><domain><check><name status="taken">a.pl</name></check></domain>'),
    );
    expect(api).toEqual({ domain: { check: { name: { "#text": "a.pl", "@status": "taken" } } } });
  });

  it("refuses a DOCTYPE (no entity expansion), mismatched tags and unclosed elements", () => {
    expect(() => parseApiDocument('<!DOCTYPE api [<!ENTITY x "y">]><api>&x;</api>')).toThrow(XmlSyntaxError);
    expect(() => parseApiDocument(wrap("<a><b></a></b>"))).toThrow(/unexpected/);
    expect(() => parseApiDocument("<api><a>")).toThrow(/not closed/);
    expect(() => parseApiDocument(wrap("&bogus;"))).toThrow(/unknown entity/);
  });
});

describe("parseApiDocument: the faster reader reads what the old one did", () => {
  const wrap = (inner: string) => `<api xmlns="http://api.hrd.pl/api/">${inner}</api>`;

  it("keeps an element and an attribute of the same name apart", () => {
    expect(parseApiDocument(wrap('<x status="a"><status>b</status></x>'))).toEqual({
      x: { "@status": "a", status: "b" },
    });
    expect(parseApiDocument(wrap('<status>b</status><x status="a"/>'))).toEqual({
      status: "b",
      x: { "@status": "a" },
    });
  });

  it("reads leaves with attributes, entities, padding and self-closing siblings alike", () => {
    const api = parseApiDocument(
      wrap(
        "<check>\n  <name status=\"taken\"> a&amp;b.pl </name>\n  <name status='available'/><name>c.pl</name></check>",
      ),
    );
    expect(api).toEqual({
      check: { name: [{ "@status": "taken", "#text": "a&b.pl" }, { "@status": "available" }, "c.pl"] },
    });
  });

  it("makes <__proto__> and <constructor> plain keys, never the object's prototype", () => {
    const api = parseApiDocument(wrap("<x><__proto__>p</__proto__><constructor>c</constructor></x>"));
    const x = api.x as Record<string, unknown>;
    expect(Object.getPrototypeOf(x)).toBe(Object.prototype);
    expect(Object.hasOwn(x, "__proto__")).toBe(true);
    expect(x.constructor).toBe("c");
  });

  it("refuses malformed attributes and a closing tag with attributes", () => {
    expect(() => parseApiDocument(wrap('<x a="1"b="2"/>'))).toThrow(/malformed attributes/);
    expect(() => parseApiDocument(wrap("<x a=1/>"))).toThrow(/malformed attributes/);
    expect(() => parseApiDocument(wrap('<x></x a="1">'))).toThrow(/unexpected/);
  });

  it("refuses nesting deeper than MAX_XML_DEPTH with a syntax error, not a stack overflow", () => {
    const deep = (n: number) => `${"<a>".repeat(n)}x${"</a>".repeat(n)}`;
    expect(() => parseApiDocument(wrap(deep(60)))).not.toThrow();
    const err = thrown(() => parseApiDocument(wrap(deep(100_000))));
    expect(err).toBeInstanceOf(XmlSyntaxError);
    expect(err.message).toMatch(/nested more than 64/);
  });
});
