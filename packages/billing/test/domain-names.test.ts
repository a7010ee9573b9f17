/**
 * Domain names typed by people become services and order lines only when they are the name that
 * was typed: no percent-escapes decoded, no IP addresses, no look-alike letters mapped away.
 */
import { BillingValidationError, type Db, quote } from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDomainName, toAsciiDomain } from "../src/catalog/domain-name.js";
import { addCustomerService, listCustomerServices } from "../src/customers/index.js";
import { createProformaForOrder, updateProforma } from "../src/proformas/index.js";
import { drivers } from "./support/db.js";
import { setUpSeller } from "./support/fiscal.js";
import { orderProforma } from "./support/orders.js";

const AT = new Date("2026-03-15T10:00:00Z");

/** Names the URL host parser would turn into another name or an address (each refused). */
const LOOKALIKES = [
  "%61bc.pl", // percent-escape: would become abc.pl
  "%C5%BC%C3%B3%C5%82w.pl", // escaped żółw.pl
  "ａｂｃ.pl", // full-width letters: would become abc.pl
  "ab\u00adc.pl", // soft hyphen: dropped
  "abc\u3002pl", // ideographic full stop: read as a dot
  "ab\u200bc.pl", // zero-width space
  "xn--abc.pl", // not valid punycode
];
const ADDRESSES = ["127.0.0.1", "0x7f.1", "0177.0.0.1", "1.2.3", "4294967295", "[::1]", "::1"];

describe("parseDomainName (the SDK's toAsciiDomain rules, kept in billing)", () => {
  it("refuses look-alikes and every spelling of an IP address", () => {
    for (const name of [...LOOKALIKES, ...ADDRESSES]) expect([name, toAsciiDomain(name)]).toEqual([name, ""]);
  });

  it("refuses names that break the label rules, and underscores (no DNS owner names are sold)", () => {
    for (const name of [
      "a..pl",
      ".a.pl",
      "-a.pl",
      "a-.pl",
      "a b.pl",
      "a/b.pl",
      "pl",
      `${"a".repeat(64)}.pl`,
      "_dmarc.example.pl",
    ]) {
      expect([name, toAsciiDomain(name)]).toEqual([name, ""]);
    }
  });

  it("takes ordinary and IDN names, as the SDK does", () => {
    expect(parseDomainName(" Zażółć.PL. ")).toEqual({
      ascii: new URL("http://zażółć.pl/").hostname,
      unicode: "zażółć.pl",
    });
    expect(parseDomainName("XN--W-UGA1V8H.PL")).toEqual({ ascii: "xn--w-uga1v8h.pl", unicode: "żółw.pl" });
    // A hex-looking label that is not the last one is a name, not an address (as in the SDK).
    expect(toAsciiDomain("0x7f.pl")).toBe("0x7f.pl");
    expect(toAsciiDomain("123.pl")).toBe("123.pl");
    expect(toAsciiDomain("1.2.3.4.pl")).toBe("1.2.3.4.pl");
    expect(toAsciiDomain(`${"a".repeat(63)}.pl`)).toBe(`${"a".repeat(63)}.pl`);
  });

  it("says why a name is refused", () => {
    expect(parseDomainName("127.0.0.1")).toMatchObject({
      problem: '"127.0.0.1" is not a domain name: it ends in a number, which makes it an IP address',
    });
    expect(parseDomainName("ａｂｃ.pl")).toMatchObject({
      problem:
        '"ａｂｃ.pl" is not a domain name: "ａｂｃ" would become "abc": type the name as it is registered',
    });
    expect(parseDomainName("%61bc.pl")).toMatchObject({
      problem: expect.stringContaining('"%" is not allowed'),
    });
  });
});

const SEED = `
  INSERT INTO tlds (tld, register_periods, renew_periods) VALUES ('pl', '{1,2,3}', '{1,2,3}');
  INSERT INTO services (code, kind, operation, tld, product, name, periods) VALUES
    ('domain.pl.register', 'domain', 'register', 'pl', NULL, 'Rejestracja domeny .pl', '{1,2,3}'),
    ('ssl.positive-ssl.create', 'ssl', 'create', NULL, 'positive-ssl', 'Certyfikat PositiveSSL', '{1,2}'),
    ('option.pl.create', 'option', 'create', 'pl', NULL, 'Opcja na domenę .pl', '{3}');
  INSERT INTO price_groups (id, name, is_default) VALUES (1, 'Standard', true);
  INSERT INTO prices (group_id, service_id, period, net, source)
    SELECT 1, s.id, p.period, p.net, 'manual' FROM services s
    JOIN (VALUES ('domain.pl.register', 1, 4999), ('ssl.positive-ssl.create', 1, 3333), ('option.pl.create', 3, 6001))
      AS p (code, period, net) ON p.code = s.code;
  INSERT INTO customers (id, name, price_group_id) VALUES (1, 'Jan Kowalski', 1);
  INSERT INTO customer_addresses (customer_id, kind, name, street, postcode, city, country) VALUES
    (1, 'correspondence', 'Jan Kowalski', 'ul. Domowa 5', '80-001', 'Gdańsk', 'PL');`;

async function written(db: Db): Promise<number[]> {
  const n = async (table: string) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM ${table}`)).rows[0]!.n;
  return [await n("customer_services"), await n("proformas"), await n("proforma_lines")];
}

async function issuesOf(p: Promise<unknown>): Promise<{ path: string; message: string }[]> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BillingValidationError);
  return (err as BillingValidationError).issues;
}

describe.each(drivers())("domain names typed into billing on $name", (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await driver.open();
    await db.exec(SEED);
    await setUpSeller(db);
  });
  afterAll(() => driver.dispose(db));

  it("refuses a customer service named by a look-alike or an address, naming the field", async () => {
    const before = await written(db);
    for (const [serviceCode, name] of [
      ...LOOKALIKES.map((n) => ["domain.pl.register", n] as const),
      ...LOOKALIKES.map((n) => ["option.pl.create", n] as const),
      ...[...LOOKALIKES, ...ADDRESSES, "*.127.0.0.1"].map((n) => ["ssl.positive-ssl.create", n] as const),
    ]) {
      const issues = await issuesOf(addCustomerService(db, { customerId: 1, serviceCode, name, period: 1 }));
      expect([serviceCode, name, issues.map((i) => i.path)]).toEqual([serviceCode, name, ["name"]]);
      expect(issues[0]!.message).toContain("is not a domain name");
    }
    expect(await written(db)).toEqual(before);
  });

  it("still records IDN and punycode names, stored in Unicode", async () => {
    const d = await addCustomerService(db, {
      customerId: 1,
      serviceCode: "domain.pl.register",
      name: "Zażółć.pl",
      period: 1,
    });
    const cert = await addCustomerService(db, {
      customerId: 1,
      serviceCode: "ssl.positive-ssl.create",
      name: "*.XN--W-UGA1V8H.PL",
      period: 1,
    });
    expect([d.name, cert.name]).toEqual(["zażółć.pl", "*.żółw.pl"]);
  });

  it("refuses an order whose line names a look-alike or an address, and writes nothing", async () => {
    const q = await quote(db, {
      customerId: 1,
      items: [
        { serviceCode: "domain.pl.register", name: "%61bc.pl", period: 1 },
        { serviceCode: "ssl.positive-ssl.create", name: "127.0.0.1", period: 1 },
        { serviceCode: "option.pl.create", name: "ａｂｃ.pl", period: 3 },
      ],
      at: AT,
    });
    const before = await written(db);
    const issues = await issuesOf(
      createProformaForOrder(db, { customerId: 1, quote: q, orderRef: "o-bad", at: AT }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      "quote.lines.0.name",
      "quote.lines.1.name",
      "quote.lines.2.name",
    ]);
    expect(await written(db)).toEqual(before);
  });

  it("takes an order for an IDN name and records its service in Unicode", async () => {
    const proforma = await orderProforma(db, {
      customerId: 1,
      items: [{ serviceCode: "domain.pl.register", name: "Gęślą.PL", period: 1 }],
      orderRef: "o-idn",
      at: AT,
    });
    expect(proforma.lines.map((l) => l.name)).toEqual(["gęślą.pl"]);
    const services = await listCustomerServices(db, 1);
    expect(services.find((s) => s.id === proforma.lines[0]!.customerServiceId)).toMatchObject({
      name: "gęślą.pl",
      status: "pending",
    });
  });

  it("refuses an edit of an order's proforma that renames its pending service to a look-alike", async () => {
    const proforma = await orderProforma(db, {
      customerId: 1,
      items: [{ serviceCode: "domain.pl.register", name: "edycja.pl", period: 1 }],
      orderRef: "o-edit",
      at: AT,
    });
    const before = await written(db);
    const issues = await issuesOf(
      updateProforma(db, proforma.id, {
        lines: [
          { keep: 1, name: "%65dycja.pl", unitNet: "49.99" },
          { serviceCode: "domain.pl.register", name: "127.0.0.1", unitNet: "49.99", period: 1 },
        ],
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(["lines.0.name", "lines.1.name"]);
    expect(await written(db)).toEqual(before);
    const { rows } = await db.query<{ name: string }>("SELECT name FROM customer_services WHERE id = $1", [
      proforma.lines[0]!.customerServiceId,
    ]);
    expect(rows[0]!.name).toBe("edycja.pl");

    // A real correction still goes through, to the pending service too.
    const fixed = await updateProforma(db, proforma.id, {
      lines: [{ keep: 1, name: "Edycja-2.pl", unitNet: "49.99" }],
    });
    expect(fixed.lines[0]!.name).toBe("edycja-2.pl");
    const after = await db.query<{ name: string }>("SELECT name FROM customer_services WHERE id = $1", [
      proforma.lines[0]!.customerServiceId,
    ]);
    expect(after.rows[0]!.name).toBe("edycja-2.pl");
  });
});
