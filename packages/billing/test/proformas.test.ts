import {
  activateProforma,
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  computeVat,
  createPromotion,
  type Db,
  money,
  type Quote,
  quote,
  setBillingSettings,
  setSellerSettings,
  VAT_RATES,
  type VatRateCode,
} from "@hrdkit/billing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cancelProforma,
  createManualProforma,
  createProformaForOrder,
  expireProformas,
  findProformaByNumber,
  getProforma,
  listProformas,
  updateProforma,
} from "../src/proformas/index.js";
import { drivers } from "./support/db.js";
import { orderProforma } from "./support/orders.js";

const AT = new Date("2026-03-15T10:00:00Z");
const SELLER = {
  name: "Hosting Wisła sp. z o.o.",
  nip: "1234563218",
  address: { street: "ul. Długa 1", postcode: "00-950", city: "Warszawa", country: "PL" },
  bankAccount: "61 1090 1014 0000 0712 1981 2874",
  email: "faktury@wisla.example",
};

/**
 * Catalog with .pl domains, an SSL certificate and a .pl option; group 1 (default) with prices.
 * Customers: 1 a company with invoice, correspondence and payer addresses; 2 a person with a
 * correspondence address only; 3 without any address.
 */
const SEED = `
  INSERT INTO tlds (tld, register_periods, renew_periods) VALUES ('pl', '{1,2,3}', '{1,2,3}');
  INSERT INTO services (code, kind, operation, tld, product, name, periods) VALUES
    ('domain.pl.register', 'domain', 'register', 'pl', NULL, 'Rejestracja domeny .pl', '{1,2,3}'),
    ('domain.pl.renew', 'domain', 'renew', 'pl', NULL, 'Odnowienie domeny .pl', '{1,2,3}'),
    ('ssl.positive-ssl.create', 'ssl', 'create', NULL, 'positive-ssl', 'Certyfikat PositiveSSL', '{1,2}'),
    ('option.pl.create', 'option', 'create', 'pl', NULL, 'Opcja na domenę .pl', '{3}');
  INSERT INTO price_groups (id, name, is_default) VALUES (1, 'Standard', true);
  INSERT INTO prices (group_id, service_id, period, net, source)
    SELECT 1, s.id, p.period, p.net, 'manual' FROM services s
    JOIN (VALUES ('domain.pl.register', 1, 4999), ('domain.pl.register', 2, 9999), ('domain.pl.renew', 1, 7999),
                 ('ssl.positive-ssl.create', 1, 3333), ('option.pl.create', 3, 6001))
      AS p (code, period, net) ON p.code = s.code;
  INSERT INTO customers (id, name, price_group_id, type, nip, email) VALUES
    (1, 'Sklep Ani sp. z o.o.', 1, 'company', '5260250274', 'ania@sklep.example');
  INSERT INTO customers (id, name, price_group_id) VALUES (2, 'Jan Kowalski', 1), (3, 'Bez Adresu', 1);
  INSERT INTO customer_addresses (customer_id, kind, name, street, postcode, city, country, nip) VALUES
    (1, 'correspondence', 'Sklep Ani', 'ul. Pocztowa 2', '30-001', 'Kraków', 'PL', NULL),
    (1, 'invoice', 'Sklep Ani sp. z o.o.', 'ul. Fakturowa 3', '30-002', 'Kraków', 'PL', NULL),
    (1, 'payer', 'Fundacja Płatnik', 'ul. Płatna 4', '00-001', 'Warszawa', 'PL', '1234563218'),
    (2, 'correspondence', 'Jan Kowalski', 'ul. Domowa 5', '80-001', 'Gdańsk', 'PL', NULL);
  SELECT setval(pg_get_serial_sequence('customers', 'id'), 100);`;

async function count(db: Db, table: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM ${table}`);
  return rows[0]!.n;
}

interface Counts {
  proformas: number;
  proformaLines: number;
  customerServices: number;
  redemptions: number;
  /** Numbers handed out by every series counter. */
  numbersGiven: number;
}

async function counts(db: Db): Promise<Counts> {
  return {
    proformas: await count(db, "proformas"),
    proformaLines: await count(db, "proforma_lines"),
    customerServices: await count(db, "customer_services"),
    redemptions: await count(db, "promotion_redemptions"),
    numbersGiven: (
      await db.query<{ last: number }>("SELECT coalesce(sum(last), 0)::int8 AS last FROM series_counters")
    ).rows[0]!.last,
  };
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

async function open(driver: ReturnType<typeof drivers>[number]): Promise<Db> {
  const db = await driver.open();
  await db.exec(SEED);
  await setSellerSettings(db, SELLER);
  return db;
}

describe.each(drivers())("proformas for orders on $name", (driver) => {
  let db: Db;
  let q: Quote;
  beforeAll(async () => {
    db = await open(driver);
    await createPromotion(db, {
      name: "Rejestracje −10%",
      conditions: { operations: ["register"] },
      effect: { type: "percent", basisPoints: 1000 },
    });
    q = await quote(db, {
      customerId: 1,
      items: [
        { serviceCode: "domain.pl.register", name: "sklep-ani.pl", period: 2 },
        { serviceCode: "ssl.positive-ssl.create", name: "sklep-ani.pl", period: 1 },
      ],
      at: AT,
    });
  });
  afterAll(() => driver.dispose(db));

  it("makes one proforma with the quote's lines, totals, number, due date, parties and transfer title", async () => {
    const { proforma: p, created } = await createProformaForOrder(db, {
      customerId: 1,
      quote: q,
      orderRef: "order-1",
      at: AT,
      lineDetails: [{ ns: ["ns1.wisla.example", "ns2.wisla.example"] }, { csr: "-----BEGIN CSR-----" }],
    });
    expect(created).toBe(true);
    expect(p).toMatchObject({
      kind: "proforma",
      number: "PRO/2026/03/1",
      origin: "order",
      status: "issued",
      issueDate: "2026-03-15",
      dueDate: "2026-03-29",
      currency: "PLN",
      transferTitle: "Proforma PRO/2026/03/1",
      bankAccount: "61109010140000071219812874",
      orderRef: "order-1",
      paid: 0,
      customerId: 1,
    });
    expect(p.seller.name).toBe(SELLER.name);
    expect(p.buyer).toEqual({
      name: "Sklep Ani sp. z o.o.",
      nip: "5260250274",
      email: "ania@sklep.example",
      address: { street: "ul. Fakturowa 3", postcode: "30-002", city: "Kraków", country: "PL" },
    });
    expect(p.payer).toEqual({
      name: "Fundacja Płatnik",
      nip: "1234563218",
      address: { street: "ul. Płatna 4", postcode: "00-001", city: "Warszawa", country: "PL" },
    });
    // 99.99 − 10% = 89.99 (promotion), 33.33: the quote's figures line by line
    expect(p.lines).toHaveLength(2);
    q.lines.forEach((l, i) => {
      const line = p.lines[i]!;
      expect(line).toMatchObject({
        position: i + 1,
        name: "sklep-ani.pl",
        description: l.serviceName,
        quantity: 1,
        unitNet: l.listNet.amount,
        discount: l.listNet.amount - l.net.amount,
        net: l.net.amount,
        vatRate: "23",
        vat: l.vat.amount,
        gross: l.gross.amount,
        period: l.period,
      });
    });
    expect(p.lines[0]).toMatchObject({
      unitNet: 9999,
      discount: 1000,
      net: 8999,
      operation: "register",
      serviceFrom: "2026-03-15",
      serviceTo: "2028-03-15",
      details: { ns: ["ns1.wisla.example", "ns2.wisla.example"] },
    });
    expect(p.lines[1]).toMatchObject({
      operation: "create",
      serviceTo: "2027-03-15",
      details: { csr: "-----BEGIN CSR-----" },
    });
    expect({ net: p.net, vat: p.vat, gross: p.gross }).toEqual({
      net: q.totals.net.amount,
      vat: q.totals.vat.amount,
      gross: q.totals.gross.amount,
    });
    // VAT per rate on the net sum: round(123.32 × 23%) = 28.36
    expect(p.vatBreakdown).toEqual([{ rate: "23", net: 12332, vat: 2836, gross: 15168 }]);

    // A pending customer service per line, linked; the promotion redeemed under the order's reference.
    const { rows: services } = await db.query<{ id: number; name: string; status: string; period: number }>(
      "SELECT id, name, status, period FROM customer_services ORDER BY id",
    );
    expect(services.map((s) => [s.name, s.status, s.period])).toEqual([
      ["sklep-ani.pl", "pending", 2],
      ["sklep-ani.pl", "pending", 1],
    ]);
    expect(p.lines.map((l) => l.customerServiceId)).toEqual(services.map((s) => s.id));
    const { rows: red } = await db.query<{ order_ref: string }>(
      "SELECT order_ref FROM promotion_redemptions",
    );
    expect(red).toEqual([{ order_ref: "order-1" }]);
    const { rows: cust } = await db.query<{ first_order_at: Date }>(
      "SELECT first_order_at FROM customers WHERE id = 1",
    );
    expect(cust[0]!.first_order_at).toEqual(AT);

    expect(await getProforma(db, p.id)).toEqual(p);
    expect(await findProformaByNumber(db, " PRO/2026/03/1 ")).toEqual(p);
    expect(await findProformaByNumber(db, "PRO/2026/03/99")).toBeNull();
  });

  it("returns the existing proforma for the same order reference and writes nothing", async () => {
    const before = await counts(db);
    const again = await createProformaForOrder(db, { customerId: 1, quote: q, orderRef: "order-1", at: AT });
    expect(again.created).toBe(false);
    expect(again.proforma.number).toBe("PRO/2026/03/1");
    expect(await counts(db)).toEqual(before);
    const other = await caught(
      createProformaForOrder(db, {
        customerId: 2,
        quote: { ...q, customerId: 2 },
        orderRef: "order-1",
        at: AT,
      }),
    );
    expect(other).toBeInstanceOf(BillingConflictError);
    expect((other as BillingConflictError).code).toBe("order_ref_taken");
  });

  it("makes one proforma when the same order arrives three times at once", async () => {
    const q2 = await quote(db, {
      customerId: 2,
      items: [{ serviceCode: "domain.pl.register", name: "kowalski.pl", period: 1 }],
      at: AT,
    });
    const before = await counts(db);
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        createProformaForOrder(db, { customerId: 2, quote: q2, orderRef: "order-2", at: AT }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.proforma.id)).size).toBe(1);
    const after = await counts(db);
    expect(after.proformas - before.proformas).toBe(1);
    expect(after.customerServices - before.customerServices).toBe(1);
    expect(after.numbersGiven - before.numbersGiven).toBe(1);
    // correspondence address when there is no invoice address; no payer
    const p = results[0]!.proforma;
    expect(p.number).toBe("PRO/2026/03/2");
    expect(p.buyer).toEqual({
      name: "Jan Kowalski",
      address: { street: "ul. Domowa 5", postcode: "80-001", city: "Gdańsk", country: "PL" },
    });
    expect(p.payer).toBeUndefined();
  });

  it("refuses, writing nothing: no address, totals that do not add up, a domain line without its name, bad input", async () => {
    const before = await counts(db);
    const q3 = await quote(db, {
      customerId: 3,
      items: [{ serviceCode: "domain.pl.register", name: "bez.pl", period: 1 }],
      at: AT,
    });
    const noAddress = await caught(
      createProformaForOrder(db, { customerId: 3, quote: q3, orderRef: "o-3", at: AT }),
    );
    expect((noAddress as BillingConflictError).code).toBe("no_address");

    const tampered = { ...q, totals: { ...q.totals, gross: money(q.totals.gross.amount - 1) } };
    const mismatch = await caught(
      createProformaForOrder(db, { customerId: 1, quote: tampered, orderRef: "o-4", at: AT }),
    );
    expect((mismatch as BillingConflictError).code).toBe("quote_mismatch");

    const unnamed = await quote(db, {
      customerId: 1,
      items: [{ serviceCode: "domain.pl.register", period: 1 }],
      at: AT,
    });
    const noName = await caught(
      createProformaForOrder(db, { customerId: 1, quote: unnamed, orderRef: "o-5", at: AT }),
    );
    expect(noName).toBeInstanceOf(BillingValidationError);
    expect((noName as BillingValidationError).issues.map((i) => i.path)).toEqual(["quote.lines.0.name"]);

    const bad = await caught(
      createProformaForOrder(db, {
        customerId: 2,
        quote: q,
        orderRef: " ",
        at: new Date("nonsense"),
        lineDetails: [{ customerServiceId: "x" }, {}, {}],
      }),
    );
    expect((bad as BillingValidationError).issues.map((i) => i.path).sort()).toEqual([
      "at",
      "lineDetails",
      "lineDetails.0.customerServiceId",
      "orderRef",
      "quote.customerId",
    ]);
    expect(await counts(db)).toEqual(before);
  });

  it("renews a customer's service from an order: the line links it and runs from its expiry", async () => {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO customer_services (customer_id, service_id, name, status, period, starts_on, expires_on)
       SELECT 2, id, 'stara.pl', 'active', 1, '2025-05-01', '2026-05-01' FROM services WHERE code = 'domain.pl.register'
       RETURNING id`,
    );
    const csId = rows[0]!.id;
    const rq = await quote(db, {
      customerId: 2,
      items: [{ serviceCode: "domain.pl.renew", name: "stara.pl", period: 1 }],
      at: AT,
    });
    const before = await count(db, "customer_services");
    const wrong = await caught(
      createProformaForOrder(db, {
        customerId: 1,
        quote: { ...rq, customerId: 1 },
        orderRef: "r-0",
        at: AT,
        lineDetails: [{ customerServiceId: csId }],
      }),
    );
    expect((wrong as BillingValidationError).issues[0]!.message).toMatch(/is not a service of customer 1/);
    const { proforma } = await createProformaForOrder(db, {
      customerId: 2,
      quote: rq,
      orderRef: "renew-1",
      at: AT,
      lineDetails: [{ customerServiceId: csId }],
    });
    expect(proforma.lines[0]).toMatchObject({
      operation: "renew",
      customerServiceId: csId,
      serviceFrom: "2026-05-01",
      serviceTo: "2027-05-01",
      unitNet: 7999,
    });
    expect(await count(db, "customer_services")).toBe(before);
  });
});

describe.each(drivers())("manual proformas, edits, cancelling and expiry on $name", (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await open(driver);
    await setBillingSettings(db, { proformaValidDays: 7 });
  });
  afterAll(() => driver.dispose(db));

  it("makes a hand-made proforma from net prices, quantities and discounts, per-rate VAT on net sums", async () => {
    const p = await createManualProforma(db, {
      customerId: 1,
      at: AT,
      note: "Usługa konfiguracji",
      lines: [
        { name: "Konfiguracja DNS", unitNet: "100.00", quantity: 3, discount: "10.00" },
        { serviceCode: "domain.pl.renew", name: "sklep-ani.pl", period: 1, unitNet: money(7999) },
        { name: "Szkolenie", unitNet: "0.05", quantity: 3, vatRate: "8" },
      ],
    });
    expect(p).toMatchObject({
      origin: "manual",
      number: "PRO/2026/03/1",
      dueDate: "2026-03-22",
      note: "Usługa konfiguracji",
      transferTitle: "Proforma PRO/2026/03/1",
    });
    expect(p.lines.map((l) => [l.net, l.vatRate, l.discount, l.quantity])).toEqual([
      [29000, "23", 1000, 3],
      [7999, "23", 0, 1],
      [15, "8", 0, 3],
    ]);
    expect(p.lines[1]).toMatchObject({
      operation: "renew",
      description: "Odnowienie domeny .pl",
      serviceFrom: "2026-03-15",
      serviceTo: "2027-03-15",
      customerServiceId: null,
    });
    // 23%: round(369.99 × 0.23) = 85.10; 8%: round(0.15 × 0.08) = 0.01
    expect(p.vatBreakdown).toEqual([
      { rate: "23", net: 36999, vat: 8510, gross: 45509 },
      { rate: "8", net: 15, vat: 1, gross: 16 },
    ]);
    expect([p.net, p.vat, p.gross]).toEqual([37014, 8511, 45525]);
    expect(await count(db, "customer_services")).toBe(0);
  });

  it("takes gross prices (consumer habit) and computes VAT inside the gross sums", async () => {
    const p = await createManualProforma(db, {
      customerId: 2,
      at: AT,
      lines: [{ name: "Abonament", unitGross: "123.00", quantity: 2 }],
    });
    expect(p.lines[0]).toMatchObject({ unitNet: 10000, net: 20000, vat: 4600, gross: 24600 });
    expect([p.net, p.vat, p.gross]).toEqual([20000, 4600, 24600]);
  });

  it("names every bad field of a manual proforma and writes nothing", async () => {
    const before = await counts(db);
    const err = await caught(
      createManualProforma(db, {
        customerId: 1,
        at: AT,
        lines: [
          { name: "", unitNet: "1.001" },
          { name: "a", unitNet: "1.00", unitGross: "1.23" },
          { name: "b", unitGross: "1.23", discount: "0.10", serviceFrom: "2026-01-01" },
          { name: "c", serviceCode: "domain.xx.renew", unitGross: "1.00" },
        ],
      }),
    );
    expect((err as BillingValidationError).issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        "lines.0.name",
        "lines.0.unitNet",
        "lines.1.unitNet",
        "lines.2.discount",
        "lines.2.serviceTo",
      ]),
    );
    const unknown = await caught(
      createManualProforma(db, {
        customerId: 1,
        at: AT,
        lines: [{ name: "c", serviceCode: "domain.xx.renew", unitNet: "1.00" }],
      }),
    );
    expect((unknown as BillingValidationError).issues).toEqual([
      { path: "lines.0.serviceCode", message: "unknown service domain.xx.renew" },
    ]);
    expect(
      await caught(
        createManualProforma(db, { customerId: 999, at: AT, lines: [{ name: "x", unitNet: "1" }] }),
      ),
    ).toBeInstanceOf(BillingNotFoundError);
    expect(await counts(db)).toEqual(before);
  });

  it("keeps totals exact for any lines: per-rate VAT of the net sums, net + VAT = gross", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            unit: fc.integer({ min: 0, max: 2_000_000 }),
            quantity: fc.integer({ min: 1, max: 20 }),
            rate: fc.constantFrom<VatRateCode>("23", "8", "5", "zw"),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (lines) => {
          const p = await createManualProforma(db, {
            customerId: 2,
            at: AT,
            lines: lines.map((l, i) => ({
              name: `L${i}`,
              unitNet: money(l.unit),
              quantity: l.quantity,
              vatRate: l.rate,
              // an exempt line names its legal basis (art. 106e ust. 1 pkt 19)
              ...(l.rate === "zw" ? { exemptionBasis: "art. 113 ust. 1 ustawy o VAT" } : {}),
            })),
          });
          expect(p.net + p.vat).toBe(p.gross);
          for (const g of p.vatBreakdown) {
            const net = lines.filter((l) => l.rate === g.rate).reduce((s, l) => s + l.unit * l.quantity, 0);
            const pct = VAT_RATES[g.rate as VatRateCode].percent ?? 0;
            expect(g.net).toBe(net);
            expect(g.vat).toBe(Math.floor((net * pct * 2 + 100) / 200));
          }
          expect(p.gross).toBe(p.vatBreakdown.reduce((s, g) => s + g.gross, 0));
        },
      ),
      { numRuns: 15 },
    );
  });

  it("edits an issued proforma: lines replaced and totals recomputed, number kept; due date and note", async () => {
    const p = await createManualProforma(db, {
      customerId: 1,
      at: AT,
      lines: [{ name: "Stara pozycja", unitNet: "10.00" }],
    });
    const edited = await updateProforma(db, p.id, {
      lines: [
        { name: "Nowa pozycja", unitNet: "20.00", quantity: 2 },
        { name: "Druga", unitNet: "5.00", vatRate: "8" },
      ],
      dueDate: "2026-04-30",
      note: "Po rozmowie telefonicznej",
      at: new Date("2026-03-16T09:00:00Z"),
    });
    expect(edited.number).toBe(p.number);
    expect(edited.lines.map((l) => [l.name, l.net])).toEqual([
      ["Nowa pozycja", 4000],
      ["Druga", 500],
    ]);
    expect(edited.vatBreakdown).toEqual(
      computeVat([
        { amount: money(4000), rate: "23" },
        { amount: money(500), rate: "8" },
      ]).byRate.map((r) => ({ rate: r.rate, net: r.net.amount, vat: r.vat.amount, gross: r.gross.amount })),
    );
    expect([edited.net, edited.vat, edited.gross]).toEqual([4500, 920 + 40, 5460]);
    expect(edited.dueDate).toBe("2026-04-30");
    expect(edited.note).toBe("Po rozmowie telefonicznej");
    const cleared = await updateProforma(db, p.id, { note: null });
    expect(cleared.note).toBeNull();
    expect(cleared.lines).toEqual(edited.lines);
    const early = await caught(updateProforma(db, p.id, { dueDate: "2026-03-01" }));
    expect((early as BillingValidationError).issues[0]!.path).toBe("dueDate");
    const renew = await caught(
      updateProforma(db, p.id, {
        lines: [{ serviceCode: "domain.pl.renew", name: "x.pl", unitNet: "1.00", customerServiceId: 1 }],
      }),
    );
    expect((renew as BillingValidationError).issues[0]!.message).toMatch(
      /hand-made proforma renews no service/,
    );
  });

  it("edits an order's proforma: a kept line keeps its pending service (renamed), a dropped line's service is cancelled", async () => {
    const q = await quote(db, {
      customerId: 2,
      items: [
        { serviceCode: "domain.pl.register", name: "literowka.pl", period: 1 },
        { serviceCode: "option.pl.create", name: "opcja.pl", period: 3 },
      ],
      at: AT,
    });
    const { proforma } = await createProformaForOrder(db, {
      customerId: 2,
      quote: q,
      orderRef: "edit-1",
      at: AT,
    });
    const [regId, optId] = proforma.lines.map((l) => l.customerServiceId!);
    const twice = await caught(
      updateProforma(db, proforma.id, {
        lines: [
          { keep: 1, name: "a.pl", unitNet: "1.00" },
          { keep: 1, name: "b.pl", unitNet: "1.00" },
        ],
      }),
    );
    expect((twice as BillingValidationError).issues.map((i) => i.path)).toEqual(["lines.1.keep"]);
    const missing = await caught(
      updateProforma(db, proforma.id, { lines: [{ keep: 7, name: "c.pl", unitNet: "1.00" }] }),
    );
    expect((missing as BillingValidationError).issues).toEqual([
      { path: "lines.0.keep", message: "the proforma has no line 7" },
    ]);
    const edited = await updateProforma(db, proforma.id, {
      lines: [
        { keep: 1, name: "poprawna.pl", unitNet: "39.99" },
        { serviceCode: "ssl.positive-ssl.create", name: "poprawna.pl", period: 1, unitNet: "33.33" },
      ],
      at: AT,
    });
    expect(edited.lines[0]).toMatchObject({
      name: "poprawna.pl",
      customerServiceId: regId,
      operation: "register",
      period: 1,
      serviceFrom: "2026-03-15",
      serviceTo: "2027-03-15",
      net: 3999,
    });
    expect(edited.lines[1]!.operation).toBe("create");
    const { rows } = await db.query<{ id: number; name: string; status: string }>(
      "SELECT id, name, status FROM customer_services WHERE id = ANY($1::int[]) ORDER BY id",
      [[regId, optId, edited.lines[1]!.customerServiceId]],
    );
    expect(rows.map((r) => [r.name, r.status])).toEqual([
      ["poprawna.pl", "pending"],
      ["opcja.pl", "cancelled"],
      ["poprawna.pl", "pending"],
    ]);
  });

  it("refuses edits and cancelling once anything is paid, and after cancelling or expiry — writing nothing", async () => {
    const paid = await createManualProforma(db, {
      customerId: 1,
      at: AT,
      lines: [{ name: "A", unitNet: "10.00" }],
    });
    const partly = await createManualProforma(db, {
      customerId: 1,
      at: AT,
      lines: [{ name: "B", unitNet: "10.00" }],
    });
    await db.query("UPDATE proformas SET paid = gross, status = 'paid' WHERE id = $1", [paid.id]);
    await db.query("UPDATE proformas SET paid = 100 WHERE id = $1", [partly.id]);
    const before = await counts(db);
    const snapshot = await getProforma(db, paid.id);
    for (const id of [paid.id, partly.id]) {
      const e1 = await caught(updateProforma(db, id, { note: "x" }));
      const e2 = await caught(cancelProforma(db, id, { at: AT, reason: "klient rezygnuje" }));
      expect([(e1 as BillingConflictError).code, (e2 as BillingConflictError).code]).toEqual([
        "paid",
        "paid",
      ]);
    }
    expect(await getProforma(db, paid.id)).toEqual(snapshot);
    expect(await counts(db)).toEqual(before);
    expect(await caught(updateProforma(db, 99_999, { note: "x" }))).toBeInstanceOf(BillingNotFoundError);
  });

  it("cancels an unpaid proforma with its reason, cancelling its pending services; a second cancel is refused", async () => {
    const proforma = await orderProforma(db, {
      customerId: 1,
      items: [{ serviceCode: "domain.pl.register", name: "anulowana.pl", period: 1 }],
      orderRef: "cancel-1",
      at: AT,
    });
    const at = new Date("2026-03-17T08:00:00Z");
    const c = await cancelProforma(db, proforma.id, { at, reason: "Klient zrezygnował" });
    expect(c).toMatchObject({
      status: "cancelled",
      cancelledAt: at,
      cancelReason: "Klient zrezygnował",
      number: proforma.number,
    });
    const { rows } = await db.query<{ status: string }>(
      "SELECT status FROM customer_services WHERE id = $1",
      [proforma.lines[0]!.customerServiceId],
    );
    expect(rows[0]!.status).toBe("cancelled");
    const again = await caught(cancelProforma(db, proforma.id, { at, reason: "znowu" }));
    expect((again as BillingConflictError).code).toBe("cancelled");
    const edit = await caught(updateProforma(db, proforma.id, { note: "x" }));
    expect((edit as BillingConflictError).code).toBe("cancelled");
    const noReason = await caught(cancelProforma(db, proforma.id, { at, reason: " " }));
    expect((noReason as BillingValidationError).issues[0]!.path).toBe("reason");
  });

  it("expires unpaid proformas after their due day, not paid or partly paid ones; then refuses changes", async () => {
    const proforma = await orderProforma(db, {
      customerId: 2,
      items: [{ serviceCode: "domain.pl.register", name: "wygasla.pl", period: 1 }],
      orderRef: "expire-1",
      at: AT,
    });
    expect(proforma.dueDate).toBe("2026-03-22");
    // on its due day it can still be paid
    expect((await expireProformas(db, { at: new Date("2026-03-22T22:30:00Z") })).expired).toBe(0);
    const { rows: open } = await db.query<{ id: number }>(
      "SELECT id FROM proformas WHERE status = 'issued' AND paid = 0 AND due_date < '2026-03-23'",
    );
    const res = await expireProformas(db, { at: new Date("2026-03-23T00:30:00+01:00") });
    expect(res.proformaIds).toEqual(open.map((r) => r.id).sort((a, b) => a - b));
    expect((await getProforma(db, proforma.id)).status).toBe("expired");
    // left alone: paid or partly paid, cancelled, and the one whose due date was moved to 30 April
    const { rows: left } = await db.query<{ status: string; paid: number; due_date: string }>(
      "SELECT status, paid, due_date FROM proformas WHERE status <> 'expired' ORDER BY id",
    );
    expect(left.length).toBeGreaterThanOrEqual(4);
    expect(left.every((r) => r.paid > 0 || r.status === "cancelled" || r.due_date === "2026-04-30")).toBe(
      true,
    );
    const { rows: cs } = await db.query<{ status: string }>(
      "SELECT status FROM customer_services WHERE id = $1",
      [proforma.lines[0]!.customerServiceId],
    );
    expect(cs[0]!.status).toBe("cancelled");
    expect((await expireProformas(db, { at: new Date("2026-04-01T10:00:00Z") })).expired).toBe(0);
    const edit = await caught(updateProforma(db, proforma.id, { note: "x" }));
    expect((edit as BillingConflictError).code).toBe("expired");
  });

  it("lists proformas a page at a time, by customer and status", async () => {
    const all: number[] = [];
    let afterId: number | undefined;
    for (;;) {
      const page = await listProformas(db, { limit: 4, afterId });
      all.push(...page.items.map((i) => i.id));
      if (page.nextAfterId === null) break;
      afterId = page.nextAfterId;
    }
    const { rows } = await db.query<{ id: number }>("SELECT id FROM proformas ORDER BY id");
    expect(all).toEqual(rows.map((r) => r.id));
    const mine = await listProformas(db, { customerId: 2, status: "expired", limit: 100 });
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((i) => i.customerId === 2 && i.status === "expired")).toBe(true);
    expect(mine.items[0]!.gross.currency).toBe("PLN");
    expect(mine.items[0]!.buyerName).toBe("Jan Kowalski");
    const bad = await caught(listProformas(db, { limit: 0, status: "lost" as "paid" }));
    expect((bad as BillingValidationError).issues.map((i) => i.path)).toEqual(["status", "limit"]);
  });

  it("a paid hand-made proforma cannot activate a service", async () => {
    const p = await createManualProforma(db, {
      customerId: 1,
      at: AT,
      lines: [{ serviceCode: "domain.pl.register", name: "reczna.pl", period: 1, unitNet: "49.99" }],
    });
    await db.query("UPDATE proformas SET paid = gross, status = 'paid' WHERE id = $1", [p.id]);
    const err = await caught(
      activateProforma(
        db,
        { proformaId: p.id, at: AT },
        {
          port: {
            provision: () => Promise.reject(new Error("must not be called")),
            availableBalance: () => Promise.resolve(1_000_000),
          },
          issueInvoice: () => Promise.reject(new Error("must not be called")),
        },
      ),
    );
    expect((err as BillingConflictError).code).toBe("manual_proforma");
    expect(await count(db, "provisioning_tasks")).toBe(0);
  });
});
