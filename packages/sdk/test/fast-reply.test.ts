/**
 * partner/getBalance reads its plain reply without the general parser and schema. Whatever the
 * reply, the shortcut either gives exactly what the general path gives or steps aside.
 */
import { type AnyOperation, operations } from "@hrdkit/sdk";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generalPath, mangle } from "./support/general-path.js";

const op = operations["partner/getBalance"] as AnyOperation;
const HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<api xmlns="http://api.hrd.pl/api/">';
/** As HRD (and the sandbox) write it. */
const PLAIN = `${HEAD}<partner><getBalance><balance>10000.00</balance><restrictedBalance>39.50</restrictedBalance></getBalance></partner></api>\n`;

describe("partner/getBalance: the reply shortcut", () => {
  it("takes the plain reply, to the same exact amounts", () => {
    const fast = op.fastReply?.(null, PLAIN);
    expect(fast).toEqual({
      balance: { value: "10000.00", grosze: 1_000_000 },
      restrictedBalance: { value: "39.50", grosze: 3950 },
    });
    expect({ ok: fast }).toEqual(generalPath(op, null, PLAIN));
    const pretty = PLAIN.replace(/></g, ">\n  <").replace("<balance>", "<balance> ");
    expect({ ok: op.fastReply?.(null, pretty) }).toEqual(generalPath(op, null, pretty));
    const swapped = `${HEAD}<partner><getBalance><restrictedBalance>39.50</restrictedBalance><balance>10000.00</balance></getBalance></partner></api>`;
    expect({ ok: op.fastReply?.(null, swapped) }).toEqual(generalPath(op, null, swapped));
  });

  it("takes the reply exactly as HRD's own example writes it (no declaration, no newline)", () => {
    // ../shared/hrd-api/PROTOCOL.md §6, from the S3 client's tests.
    const hrd =
      '<api xmlns="http://api.hrd.pl/api/"><partner><getBalance><balance>100.50</balance><restrictedBalance>10.00</restrictedBalance></getBalance></partner></api>';
    const fast = op.fastReply?.(null, hrd);
    expect(fast).toEqual({
      balance: { value: "100.50", grosze: 10050 },
      restrictedBalance: { value: "10.00", grosze: 1000 },
    });
    expect({ ok: fast }).toEqual(generalPath(op, null, hrd));
  });

  it("leaves every other reply to the general path", () => {
    const others = [
      PLAIN.replace("10000.00", "1.0E4"), // not an exact amount
      PLAIN.replace("10000.00", "99999999999999999999"), // grosze past a safe integer
      PLAIN.replace("<restrictedBalance>39.50</restrictedBalance>", ""), // a field missing
      PLAIN.replace("</restrictedBalance>", "</restrictedBalance><currency>PLN</currency>"), // one unknown
      PLAIN.replace("<balance>", '<balance currency="PLN">'),
      PLAIN.replace("10000.00", "10000&#46;00"),
      PLAIN.replace("</restrictedBalance>", "</restrictedBalance><balance>1.00</balance>"), // repeated
      PLAIN.replace("<balance>10000.00</balance>", "<balance><value>10000.00</value></balance>"),
      PLAIN.replace("</api>", "<status>error</status></api>"),
      PLAIN.replace("<getBalance>", "<getBalance><!-- x -->"),
      PLAIN.replace("<balance>10000.00</balance>", "<h:balance>10000.00</h:balance>"),
      `${PLAIN}<x/>`,
      `${HEAD}<status>error</status><error>2001</error><message>Brak uprawnień</message></api>`,
    ];
    for (const xml of others) expect(op.fastReply?.(null, xml), xml).toBeUndefined();
  });

  it("never disagrees with the general path on mangled replies", () => {
    const pieces = ["<", ">", "/", " ", "\n", "&amp;", "-", ".", ",", "0", "9", "balance", "x", "<a>1</a>"];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: PLAIN.length }), fc.nat({ max: 4 }), fc.constantFrom(...pieces)), {
          minLength: 1,
          maxLength: 3,
        }),
        (edits) => {
          const xml = mangle(PLAIN, edits);
          const fast = op.fastReply?.(null, xml);
          if (fast !== undefined) expect({ ok: fast }).toEqual(generalPath(op, null, xml));
        },
      ),
      { numRuns: 5000 },
    );
  });
});
