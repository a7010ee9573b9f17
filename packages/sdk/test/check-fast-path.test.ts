/**
 * domain/check and futureCheck, the SDK's hottest calls, take shortcuts: their 100 names are
 * validated in one loop (a shortcut for plain ASCII names), the request is written by hand, and
 * the plain reply is read without the general parser. Whatever the shortcut, the result must be
 * exactly what the general path gives — or the shortcut must step aside.
 */
import {
  type AnyOperation,
  apiDocument,
  HrdClient,
  HrdValidationError,
  operations,
  requestBody,
} from "@hrdkit/sdk";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generalPath, mangle } from "./support/general-path.js";

const client = new HrdClient({ login: "l", password: "p", apiKey: "00ff" });

function viaInfo(name: string): string | undefined {
  try {
    return client.validate("domain/info", { name })?.name as string;
  } catch (err) {
    if (err instanceof HrdValidationError) return undefined;
    throw err;
  }
}

function viaCheck(name: string): string | undefined {
  try {
    const wire = client.validate("domain/check", { names: [name] });
    return (wire?.name as string[] | undefined)?.[0];
  } catch (err) {
    if (err instanceof HrdValidationError) return undefined;
    throw err;
  }
}

const NAMES = [
  "sklep.pl",
  "a.pl",
  "ab.pl",
  "x1.com.pl",
  "my-shop.eu",
  "my_shop.pl",
  "-bad.pl",
  "bad-.pl",
  "ab--cd.pl",
  "xn--w-uga1v8h.pl",
  "xn--zz.pl",
  "żółw.pl",
  "Sklep.PL",
  "sklep.pl.",
  " sklep.pl",
  "127.0.0.1",
  "host.0x7f",
  "host.123",
  "%61bc.pl",
  "a..pl",
  "pl",
  `${"a".repeat(63)}.pl`,
  `${"a".repeat(64)}.pl`,
  `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.pl`,
  `${"a".repeat(62)}.${"b".repeat(62)}.${"c".repeat(62)}.${"d".repeat(62)}.pl`,
  "ｓｋｌｅｐ.pl",
];

describe("check names: the shortcut agrees with the one-name rule", () => {
  it.each(NAMES)("%s", (name) => {
    expect(viaCheck(name)).toBe(viaInfo(name));
  });

  it("agrees on random names made of the characters that matter", () => {
    const label = fc.stringMatching(/^[a-z0-9_.x-]{0,12}$/);
    const tld = fc.constantFrom("pl", "com.pl", "p1", "x", "xn--p1ai", "PL", "żółw", "");
    fc.assert(
      fc.property(label, fc.constantFrom("", "xn--", "-", "."), tld, (a, b, c) => {
        const name = `${a}${b}.${c}`;
        expect(viaCheck(name)).toBe(viaInfo(name));
      }),
      { numRuns: 3000 },
    );
    for (const long of [
      `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(61)}`,
      `${"a".repeat(64)}.pl`,
    ]) {
      expect(viaCheck(long)).toBe(viaInfo(long));
    }
  });

  it("names every bad name, duplicate and the count at once", () => {
    const err = (() => {
      try {
        client.validate("domain/check", { names: ["ok.pl", "zła nazwa", "OK.pl", 7 as unknown as string] });
      } catch (e) {
        return e as HrdValidationError;
      }
    })();
    expect(err?.issues.map((i) => i.path)).toEqual(["names.1", "names.2", "names.3"]);
    // All plain, one twice: the quick pass steps aside and the duplicate is named.
    expect(() => client.validate("domain/check", { names: ["a1.pl", "b1.pl", "a1.pl"] })).toThrow(
      /names\.2.*a1\.pl is listed twice/s,
    );
    const list = ["a1.pl", "b1.pl", "c1.pl"];
    const wire = client.validate("domain/check", { names: list });
    expect(wire).toEqual({ name: list });
    expect(wire?.name).not.toBe(list); // a copy: the caller may change its list while the call runs
    const many = Array.from({ length: 101 }, (_, i) => `n${i}.pl`);
    expect(() => client.validate("domain/check", { names: many })).toThrow(/at most 100/);
    expect(() => client.validate("domain/check", { names: [] })).toThrow(/at least 1/);
  });
});

// ---------------------------------------------------------------- the reply shortcut

const CHECKS = [
  {
    op: operations["domain/check"] as AnyOperation,
    statuses: ["available", "taken", "createOnly", "unknown"],
  },
  { op: operations["domain/futureCheck"] as AnyOperation, statuses: ["available", "taken", "unknown"] },
];

/** A reply as HRD (and the sandbox) writes it. */
function replyOf(op: AnyOperation, names: readonly string[], statuses: readonly string[]): string {
  const [module, method] = op.name.split("/");
  const items = names.map((n, i) => `<name status="${statuses[i % statuses.length]}">${n}</name>`).join("");
  return `<?xml version="1.0" encoding="utf-8"?>\n<api xmlns="http://api.hrd.pl/api/"><${module}><${method}>${items}</${method}></${module}></api>\n`;
}

const ASKED = ["sklep.pl", "xn--w-uga1v8h.pl", "my-shop.com.pl", "a1.eu"];

describe("check replies: the shortcut reads only what the general path accepts, to the same result", () => {
  for (const { op, statuses } of CHECKS) {
    const wire = client.validate(op.name as "domain/check", { names: ASKED });

    it(`${op.name}: takes the plain reply, with the same result (IDN back in Unicode)`, () => {
      const xml = replyOf(op, ASKED, statuses);
      const fast = op.fastReply?.(wire, xml);
      expect(fast).toBeDefined();
      expect({ ok: fast }).toEqual(generalPath(op, wire, xml));
      expect((fast as { name: string }[])[1]?.name).toBe("żółw.pl");
      const spaced = xml.replace(/></g, ">\n  <");
      expect({ ok: op.fastReply?.(wire, spaced) }).toEqual(generalPath(op, wire, spaced));
      // Without the declaration and the final newline, as in HRD's own example (PROTOCOL.md §6).
      const bare = xml.replace(/^<\?xml[^>]*>\n/, "").trimEnd();
      expect(op.fastReply?.(wire, bare)).toEqual(fast);
    });

    it(`${op.name}: leaves every other reply to the general path`, () => {
      const [module, method] = op.name.split("/");
      const plain = replyOf(op, ASKED, statuses);
      const others = [
        plain.replace("sklep.pl", "inny.pl"), // a name not asked
        plain.replace("my-shop.com.pl", "sklep.pl"), // a name answered twice
        replyOf(op, [ASKED[1]!, ASKED[0]!, ASKED[2]!, ASKED[3]!], statuses), // another order
        replyOf(op, ASKED.slice(0, 2), statuses), // split: more frames to come
        plain.replace(`status="${statuses[0]}"`, 'status="reserved"'), // a status outside the list
        plain.replace("</api>", "<status>error</status></api>"),
        plain.replace(`<${method}>`, `<${method}><!-- x -->`),
        plain.replace("sklep.pl", "sklep&#46;pl"),
        plain.replace("sklep.pl", " sklep.pl "),
        plain.replace('status="', 'lang="pl" status="'),
        plain.replace(`</${module}>`, `</${module}><x/>`),
        `${plain}junk`,
        plain.replace('xmlns="http://api.hrd.pl/api/"', 'xmlns="urn:other"'),
        `<?xml version="1.0" encoding="utf-8"?><api><status>error</status><error>2001</error><message>x</message></api>`,
      ];
      for (const xml of others) {
        expect(op.fastReply?.(wire, xml), xml).toBeUndefined();
      }
    });

    it(`${op.name}: never disagrees with the general path on mangled replies`, () => {
      const plain = replyOf(op, ASKED, statuses);
      const pieces = ["<", ">", "/", '"', "=", " ", "\n", "&amp;", "name", "status", ...statuses, ...ASKED];
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat({ max: plain.length }), fc.nat({ max: 4 }), fc.constantFrom(...pieces)), {
            minLength: 1,
            maxLength: 3,
          }),
          (edits) => {
            const xml = mangle(plain, edits);
            const fast = op.fastReply?.(wire, xml);
            if (fast !== undefined) expect({ ok: fast }).toEqual(generalPath(op, wire, xml));
          },
        ),
        { numRuns: 3000 },
      );
    });
  }
});

describe("check requests: the hand-written body is what the general writer makes", () => {
  const [head, tail] = apiDocument({}).split("</api>") as [string, string];
  for (const { op } of CHECKS) {
    it(op.name, () => {
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.constantFrom(...NAMES.filter((n) => viaInfo(n) !== undefined)), {
            minLength: 1,
            maxLength: 12,
            selector: (n) => viaInfo(n),
          }),
          (names) => {
            const wire = client.validate(op.name as "domain/check", { names });
            expect(`${head}${op.body?.(wire)}</api>${tail}`).toBe(apiDocument(requestBody(op.name, wire)));
          },
        ),
      );
    });
  }
});
