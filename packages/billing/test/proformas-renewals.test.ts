import {
  type BillingConflictError,
  type BillingValidationError,
  type Db,
  openDb,
  quote,
  setBillingSettings,
  setSellerSettings,
} from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createProformaForOrder,
  getProforma,
  type RenewalRunResult,
  runRenewals,
} from "../src/proformas/index.js";
import { drivers } from "./support/db.js";

const AT = new Date("2026-03-15T10:00:00Z"); // Warsaw day 2026-03-15; default window up to 2026-04-14
const SELLER = {
  name: "Hosting Wisła sp. z o.o.",
  nip: "1234563218",
  address: { street: "ul. Długa 1", postcode: "00-950", city: "Warszawa", country: "PL" },
  bankAccount: "61109010140000071219812874",
  email: "faktury@wisla.example",
};

/**
 * .pl domains (renewable 1–3 years, priced for 1 and 2), .com with no renew service, a
 * certificate, hosting (switched off). Group 1 (default) and group 2 with a lower .pl renewal.
 * Customers 1 and 2 have addresses, 3 has none, 4 buys at group 2.
 */
const SEED = `
  INSERT INTO tlds (tld, register_periods, renew_periods) VALUES ('pl', '{1,2,3}', '{1,2,3}'), ('com', '{1}', '{1}');
  INSERT INTO services (code, kind, operation, tld, product, name, periods) VALUES
    ('domain.pl.register', 'domain', 'register', 'pl', NULL, 'Rejestracja domeny .pl', '{1,2,3}'),
    ('domain.pl.renew', 'domain', 'renew', 'pl', NULL, 'Odnowienie domeny .pl', '{1,2,3}'),
    ('domain.com.register', 'domain', 'register', 'com', NULL, 'Rejestracja domeny .com', '{1}'),
    ('ssl.positive-ssl.create', 'ssl', 'create', NULL, 'positive-ssl', 'Certyfikat PositiveSSL', '{1}'),
    ('ssl.positive-ssl.renew', 'ssl', 'renew', NULL, 'positive-ssl', 'Odnowienie certyfikatu PositiveSSL', '{1}'),
    ('hosting.start.create', 'hosting', 'create', NULL, 'start', 'Hosting Start', '{1}'),
    ('hosting.start.renew', 'hosting', 'renew', NULL, 'start', 'Odnowienie hostingu Start', '{1}');
  INSERT INTO price_groups (id, name, is_default) VALUES (1, 'Standard', true), (2, 'Premium', false);
  INSERT INTO prices (group_id, service_id, period, net, source)
    SELECT p.grp, s.id, p.period, p.net, 'manual' FROM services s
    JOIN (VALUES (1, 'domain.pl.register', 1, 4999), (1, 'domain.pl.renew', 1, 7999), (1, 'domain.pl.renew', 2, 15000),
                 (1, 'ssl.positive-ssl.renew', 1, 5000), (1, 'hosting.start.renew', 1, 20000),
                 (2, 'domain.pl.renew', 1, 6999))
      AS p (grp, code, period, net) ON p.code = s.code;
  INSERT INTO customers (id, name, price_group_id, nip) VALUES
    (1, 'Sklep Ani sp. z o.o.', 1, '5260250274'), (2, 'Jan Kowalski', NULL, NULL),
    (3, 'Bez Adresu', 1, NULL), (4, 'Premium SA', 2, NULL);
  INSERT INTO customer_addresses (customer_id, kind, name, street, postcode, city) VALUES
    (1, 'invoice', 'Sklep Ani sp. z o.o.', 'ul. Fakturowa 3', '30-002', 'Kraków'),
    (1, 'payer', 'Fundacja Płatnik', 'ul. Płatna 4', '00-001', 'Warszawa'),
    (2, 'correspondence', 'Jan Kowalski', 'ul. Domowa 5', '80-001', 'Gdańsk'),
    (4, 'correspondence', 'Premium SA', 'ul. Droga 6', '60-001', 'Poznań');
  SELECT setval(pg_get_serial_sequence('customers', 'id'), 100);`;

interface Svc {
  customer: number;
  code: string;
  name: string;
  expires: string;
  period?: number;
  status?: string;
  autoRenew?: boolean;
}

async function addService(db: Db, s: Svc): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO customer_services (customer_id, service_id, name, status, period, starts_on, expires_on, auto_renew)
     SELECT $1, id, $3, $4, $5, '2025-01-01', $6, $7 FROM services WHERE code = $2 RETURNING id`,
    [s.customer, s.code, s.name, s.status ?? "active", s.period ?? 1, s.expires, s.autoRenew ?? true],
  );
  return rows[0]!.id;
}

/** Renewal proformas per service and term (the term's start, i.e. the expiry it renews). */
async function renewalProformas(db: Db) {
  const { rows } = await db.query<{ customer_service_id: number; n: number }>(
    `SELECT l.customer_service_id, count(*)::int8 AS n FROM proforma_lines l JOIN proformas p ON p.id = l.proforma_id
     WHERE p.origin = 'renewal' GROUP BY l.customer_service_id, l.service_from ORDER BY 1, l.service_from`,
  );
  return rows;
}

/** The sequence numbers of a month's proformas, sorted: 1..n when there is no gap and no duplicate. */
async function sequence(db: Db, month: string): Promise<number[]> {
  const { rows } = await db.query<{ number: string }>("SELECT number FROM proformas WHERE number LIKE $1", [
    `PRO/${month}/%`,
  ]);
  return rows.map((r) => Number(r.number.split("/")[3])).sort((a, b) => a - b);
}

describe.each(drivers())("renewal run on $name", (driver) => {
  let db: Db;
  const id: Record<string, number> = {};
  let first: RenewalRunResult;
  const progress: [number, number][] = [];

  beforeAll(async () => {
    db = await driver.open();
    await db.exec(SEED);
    await setSellerSettings(db, SELLER);
    const add = async (key: string, s: Svc) => {
      id[key] = await addService(db, s);
    };
    await add("a", { customer: 1, code: "domain.pl.register", name: "a.pl", expires: "2026-04-01" });
    await add("b", {
      customer: 2,
      code: "domain.pl.register",
      name: "b.pl",
      expires: "2026-04-14",
      period: 2,
    });
    await add("c", { customer: 1, code: "domain.pl.register", name: "c.pl", expires: "2026-04-15" });
    await add("d", { customer: 1, code: "domain.pl.register", name: "d.pl", expires: "2026-03-15" });
    await add("e", { customer: 1, code: "domain.pl.register", name: "e.pl", expires: "2026-03-14" });
    await add("f", {
      customer: 1,
      code: "domain.pl.register",
      name: "f.pl",
      expires: "2026-04-01",
      autoRenew: false,
    });
    await add("g", {
      customer: 1,
      code: "domain.pl.register",
      name: "g.pl",
      expires: "2026-04-01",
      status: "expired",
    });
    await add("h", { customer: 1, code: "ssl.positive-ssl.create", name: "sklep.pl", expires: "2026-05-01" });
    await add("i", { customer: 1, code: "domain.com.register", name: "i.com", expires: "2026-04-01" });
    await add("j", {
      customer: 1,
      code: "domain.pl.register",
      name: "j.pl",
      expires: "2026-04-02",
      period: 3,
    });
    await add("k", { customer: 3, code: "domain.pl.register", name: "k.pl", expires: "2026-04-03" });
    await add("l", { customer: 4, code: "domain.pl.register", name: "l.pl", expires: "2026-04-04" });
    await add("m", { customer: 1, code: "hosting.start.create", name: "Start", expires: "2026-04-05" });
    await add("n", { customer: 2, code: "domain.pl.register", name: "n.pl", expires: "2026-04-06" });
    // n.pl: the customer ordered its renewal before the run
    const q = await quote(db, {
      customerId: 2,
      items: [{ serviceCode: "domain.pl.renew", name: "n.pl", period: 1 }],
      at: AT,
    });
    await createProformaForOrder(db, {
      customerId: 2,
      quote: q,
      orderRef: "renew-n",
      at: AT,
      lineDetails: [{ customerServiceId: id.n }],
    });
    first = await runRenewals(db, { at: AT, batchSize: 2, onProgress: (d, t) => progress.push([d, t]) });
  });
  afterAll(() => driver.dispose(db));

  it("makes one renewal proforma per service whose term ends within 30 days, priced at the customer's group", async () => {
    expect(first.created).toBe(4);
    expect((await renewalProformas(db)).map((r) => r.customer_service_id)).toEqual(
      [id.a, id.b, id.d, id.l].sort((x, y) => x! - y!),
    );
    const { rows } = await db.query<{ id: number; renewal_key: string }>(
      "SELECT id, renewal_key FROM proformas WHERE origin = 'renewal' AND renewal_key LIKE $1",
      [`${id.b}:%`],
    );
    const p = await getProforma(db, rows[0]!.id);
    expect(p).toMatchObject({
      origin: "renewal",
      renewalKey: `${id.b}:2026-04-14`,
      issueDate: "2026-03-15",
      dueDate: "2026-03-29",
      customerId: 2,
      net: 15000,
      vat: 3450,
      gross: 18450,
      buyer: { name: "Jan Kowalski" },
    });
    expect(p.transferTitle).toBe(`Proforma ${p.number}`);
    expect(p.lines).toEqual([
      expect.objectContaining({
        name: "b.pl",
        description: "Odnowienie domeny .pl",
        operation: "renew",
        customerServiceId: id.b,
        period: 2,
        serviceFrom: "2026-04-14",
        serviceTo: "2028-04-14",
        unitNet: 15000,
        net: 15000,
        vatRate: "23",
      }),
    ]);
    const premium = await db.query<{ net: number }>("SELECT p.net FROM proformas p WHERE renewal_key = $1", [
      `${id.l}:2026-04-04`,
    ]);
    expect(premium.rows[0]!.net).toBe(6999);
    const withPayer = await db.query<{ payer: { name: string } }>(
      "SELECT payer FROM proformas WHERE renewal_key = $1",
      [`${id.a}:2026-04-01`],
    );
    expect(withPayer.rows[0]!.payer.name).toBe("Fundacja Płatnik");
    // the order's proforma is 1; the renewals follow without a gap
    expect(await sequence(db, "2026/03")).toEqual([1, 2, 3, 4, 5]);
  });

  it("reports what it could not renew, and why, instead of skipping it silently", async () => {
    expect(first.skipped.map((s) => [s.customerServiceId, s.code])).toEqual(
      expect.arrayContaining([
        [id.i, "no_renew_service"],
        [id.j, "no_price"],
        [id.k, "no_address"],
        [id.m, "not_offered"],
      ]),
    );
    expect(first.skipped).toHaveLength(4);
    expect(first.skipped.find((s) => s.customerServiceId === id.j)!.reason).toMatch(
      /domain\.pl\.renew for 3 year/,
    );
    // n.pl is being renewed by the customer's order; it counts as already there
    expect(first.alreadyThere).toBe(1);
    expect(first.considered).toBe(9);
    expect(progress.at(-1)).toEqual([9, 9]);
    expect(progress.map((p) => p[0])).toEqual([2, 4, 6, 8, 9]);
  });

  it("makes nothing new when run again", async () => {
    const before = await sequence(db, "2026/03");
    const again = await runRenewals(db, { at: new Date("2026-03-15T20:00:00Z") });
    expect(again).toMatchObject({ created: 0, alreadyThere: 5, considered: 9 });
    expect(again.skipped).toHaveLength(4);
    expect(await sequence(db, "2026/03")).toEqual(before);
  });

  it("uses the lead days of each kind", async () => {
    await setBillingSettings(db, { renewalLeadDays: { domain: 10, option: 30, ssl: 60, hosting: 30 } });
    try {
      const r = await runRenewals(db, { at: AT });
      // ssl now reaches 2026-05-14 (h, 1 May); domains only 2026-03-25 (d, already there); hosting
      // still 30 days (m, 5 April: switched off)
      expect(r).toMatchObject({ created: 1, alreadyThere: 1, considered: 3 });
      expect(r.skipped.map((s) => [s.customerServiceId, s.code])).toEqual([[id.m, "not_offered"]]);
      const rows = await renewalProformas(db);
      expect(rows.find((x) => x.customer_service_id === id.h)).toEqual({ customer_service_id: id.h, n: 1 });
      const { rows: line } = await db.query<{ service_to: string; description: string }>(
        "SELECT service_to, description FROM proforma_lines WHERE customer_service_id = $1",
        [id.h],
      );
      expect(line[0]).toEqual({
        service_to: "2027-05-01",
        description: "Odnowienie certyfikatu PositiveSSL",
      });
    } finally {
      await setBillingSettings(db, { renewalLeadDays: { domain: 30, option: 30, ssl: 30, hosting: 30 } });
    }
  });

  it("makes the next term's proforma once the service has been renewed", async () => {
    await db.query("UPDATE customer_services SET expires_on = '2027-04-01' WHERE id = $1", [id.a]);
    const r = await runRenewals(db, { at: new Date("2027-03-10T09:00:00Z") });
    expect(r.created).toBe(1);
    const { rows } = await db.query<{ renewal_key: string; number: string }>(
      "SELECT renewal_key, number FROM proformas WHERE renewal_key LIKE $1 ORDER BY id",
      [`${id.a}:%`],
    );
    expect(rows.map((x) => x.renewal_key)).toEqual([`${id.a}:2026-04-01`, `${id.a}:2027-04-01`]);
    expect(rows[1]!.number).toMatch(/^PRO\/2027\/03\/\d+$/);
  });

  it("refuses bad input and a run without seller settings", async () => {
    const bad = await runRenewals(db, { at: new Date("x"), batchSize: 0 }).catch((e: unknown) => e);
    expect((bad as BillingValidationError).issues.map((i) => i.path)).toEqual(["at", "batchSize"]);
    await db.query("DELETE FROM settings WHERE key = 'seller'");
    const noSeller = await runRenewals(db, { at: AT }).catch((e: unknown) => e);
    expect((noSeller as BillingConflictError).code).toBe("no_seller");
    await setSellerSettings(db, SELLER);
  });

  it("never makes two proformas for a service and term, even with two runs at once", async () => {
    await db.query(
      `INSERT INTO customer_services (customer_id, service_id, name, status, period, starts_on, expires_on)
       SELECT 1 + (g % 2), s.id, 'c' || g || '.pl', 'active', 1, '2025-06-01', DATE '2026-06-01' + (g % 19)
       FROM generate_series(1, 300) AS g, services s WHERE s.code = 'domain.pl.register'`,
    );
    const at = new Date("2026-05-20T06:00:00Z"); // window 2026-05-20 … 2026-06-19
    const url = process.env.DATABASE_URL;
    // On PostgreSQL a second pool on the same schema: another process as far as the server can tell.
    const other = driver.name === "pg" && url ? await openDb({ url, schema: db.schema }) : db;
    try {
      const [r1, r2] = await Promise.all([
        runRenewals(db, { at, batchSize: 25 }),
        runRenewals(other, { at, batchSize: 25 }),
      ]);
      expect(r1.created + r2.created).toBe(300);
      expect(r1.created + r1.alreadyThere).toBe(300);
      expect(r2.created + r2.alreadyThere).toBe(300);
      const rows = await renewalProformas(db);
      expect(rows.length).toBeGreaterThanOrEqual(300);
      expect(rows.filter((r) => r.n !== 1)).toEqual([]);
      expect(await sequence(db, "2026/05")).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      const [r3, r4] = await Promise.all([runRenewals(db, { at }), runRenewals(other, { at })]);
      expect([r3.created, r4.created]).toEqual([0, 0]);
      expect(r3.alreadyThere).toBe(300);
      expect(await sequence(db, "2026/05")).toHaveLength(300);
    } finally {
      if (other !== db) await other.close();
    }
  });
});
