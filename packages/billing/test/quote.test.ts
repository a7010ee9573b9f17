import {
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  createDiscountCode,
  createPromotion,
  type Db,
  grossOf,
  money,
  NotOfferedError,
  type Promotion,
  type Quote,
  quote,
  redeemQuote,
} from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "./support/db.js";

const AT = new Date("2026-03-15T12:00:00Z");
const PLN = (amount: number) => money(amount, "PLN");

/**
 * A small catalog: wholesale costs in import 1; group 1 "Standard" (default, cost + 50%) and group 2
 * "Marża 25%" (cost + 25%). Customers: 1 new in group 2; 2 an existing one in the default group.
 */
const SEED = `
  INSERT INTO tlds (tld, register_periods, renew_periods) VALUES
    ('pl', '{1,2,3,5,10}', '{1,2,3,5,10}'), ('com', '{1,2,3}', '{1,2,3}'), ('com.pl', '{1,2}', '{1,2}');
  INSERT INTO services (code, kind, operation, tld, product, name, periods, active) VALUES
    ('domain.pl.register', 'domain', 'register', 'pl', NULL, 'Rejestracja domeny .pl', '{1,2,3,5,10}', true),
    ('domain.pl.renew', 'domain', 'renew', 'pl', NULL, 'Odnowienie domeny .pl', '{1,2,3,5,10}', true),
    ('domain.com.register', 'domain', 'register', 'com', NULL, 'Rejestracja domeny .com', '{1,2,3}', true),
    ('domain.com.renew', 'domain', 'renew', 'com', NULL, 'Odnowienie domeny .com', '{1,2,3}', true),
    ('option.pl.create', 'option', 'create', 'pl', NULL, 'Opcja na domenę .pl', '{1,3}', true),
    ('ssl.positive-ssl.create', 'ssl', 'create', NULL, 'positive-ssl', 'Certyfikat PositiveSSL', '{1,2}', true),
    ('domain.com.pl.register', 'domain', 'register', 'com.pl', NULL, 'Rejestracja domeny .com.pl', '{1,2}', false),
    ('hosting.start.create', 'hosting', 'create', NULL, 'start', 'Hosting Start', '{1}', true);
  INSERT INTO wholesale_imports (id, source) VALUES (1, 'test');
  INSERT INTO wholesale_prices (import_id, service_id, period, cost)
    SELECT 1, s.id, c.period, c.cost FROM services s
    JOIN (VALUES ('domain.pl.register', 1, 4000), ('domain.pl.register', 2, 8000), ('domain.pl.register', 3, 12000),
                 ('domain.pl.renew', 1, 4000), ('domain.pl.renew', 2, 8000),
                 ('domain.com.register', 1, 4500), ('domain.com.register', 2, 9000),
                 ('domain.com.renew', 1, 4500), ('option.pl.create', 1, 2000),
                 ('ssl.positive-ssl.create', 1, 3000), ('ssl.positive-ssl.create', 2, 6000),
                 ('domain.com.pl.register', 1, 2000), ('hosting.start.create', 1, 10000))
      AS c (code, period, cost) ON c.code = s.code;
  INSERT INTO price_groups (id, name, is_default) VALUES (1, 'Standard', true), (2, 'Marża 25%', false);
  INSERT INTO prices (group_id, service_id, period, net, source)
    SELECT 1, service_id, period, cost * 150 / 100, 'manual' FROM wholesale_prices;
  INSERT INTO prices (group_id, service_id, period, net, source)
    SELECT 2, service_id, period, cost * 125 / 100, 'manual' FROM wholesale_prices;
  -- a price without a known wholesale cost
  INSERT INTO prices (group_id, service_id, period, net, source)
    SELECT 2, id, 3, 7000, 'manual' FROM services WHERE code = 'option.pl.create';
  INSERT INTO customers (id, name, price_group_id, first_order_at) VALUES
    (1, 'Nowy Klient', 2, NULL),
    (2, 'Stały Klient', NULL, '2025-01-10T10:00:00Z');
  SELECT setval(pg_get_serial_sequence('customers', 'id'), 100);`;

async function snapshot(db: Db) {
  const tables = ["promotions", "discount_codes", "promotion_redemptions", "customers", "prices"];
  const out: Record<string, unknown> = {};
  for (const t of tables) out[t] = (await db.query(`SELECT * FROM ${t} ORDER BY 1`)).rows;
  return out;
}

async function newCustomer(db: Db, name: string, groupId: number | null = 2): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    "INSERT INTO customers (name, price_group_id) VALUES ($1, $2) RETURNING id",
    [name, groupId],
  );
  return rows[0]!.id;
}

const notApplied = (q: Quote) => Object.fromEntries(q.promotionsNotApplied.map((p) => [p.name, p.reason]));

describe.each(drivers())("quote on $name", (driver) => {
  let db: Db;
  const p: Record<string, Promotion> = {};
  beforeAll(async () => {
    db = await driver.open();
    await db.exec(SEED);
    p.firstYear = await createPromotion(db, {
      name: "Pierwszy rok .pl za 9,99 zł",
      conditions: { tlds: ["pl"], operations: ["register"], firstYearOnly: true },
      effect: { type: "price", grosze: 999, basis: "gross" },
      priority: 10,
    });
    p.renewals = await createPromotion(db, {
      name: "Odnowienia .pl -10%",
      conditions: { tlds: ["pl"], operations: ["renew"] },
      effect: { type: "percent", basisPoints: 1000 },
      combinable: true,
    });
    p.renewalsExtra = await createPromotion(db, {
      name: "Odnowienia: 5 zł mniej",
      conditions: { operations: ["renew"] },
      effect: { type: "amount", grosze: 500, basis: "net" },
      combinable: true,
      priority: -1,
    });
    p.ssl = await createPromotion(db, {
      name: "SSL -20% z kodem",
      conditions: { kinds: ["ssl"] },
      effect: { type: "percent", basisPoints: 2000 },
      requiresCode: true,
    });
    p.easter = await createPromotion(db, {
      name: "Wielkanoc",
      startsAt: new Date("2026-04-01T00:00:00Z"),
      endsAt: new Date("2026-04-10T00:00:00Z"),
      effect: { type: "percent", basisPoints: 1500 },
    });
    p.newOnly = await createPromotion(db, {
      name: "Opcja taniej dla nowych",
      conditions: { kinds: ["option"], customers: "new" },
      effect: { type: "amount", grosze: 1230, basis: "gross" },
    });
    p.bigOrder = await createPromotion(db, {
      name: "50 zł mniej od 500 zł",
      conditions: { minOrderNet: 50_000, kinds: ["domain"] },
      effect: { type: "amount", grosze: 5000, basis: "net", per: "order" },
      combinable: true,
    });
    p.com = await createPromotion(db, {
      name: ".com -5%",
      conditions: { tlds: ["com"] },
      effect: { type: "percent", basisPoints: 500 },
    });
    p.com2 = await createPromotion(db, {
      name: ".com -15%",
      conditions: { tlds: ["com"], periods: [1] },
      effect: { type: "percent", basisPoints: 1500 },
    });
    await createPromotion(db, {
      name: "Wyłączona",
      active: false,
      effect: { type: "percent", basisPoints: 9000 },
    });
    await createDiscountCode(db, { code: "SSL20", promotionId: p.ssl!.id });
    await createDiscountCode(db, {
      code: "SSL-OLD",
      promotionId: p.ssl!.id,
      expiresAt: new Date("2026-03-01"),
    });
  });
  afterAll(() => driver.dispose(db));

  it("the worked example: first year of .pl at 9.99 gross, the second at the 25% group's price", async () => {
    const q = await quote(db, {
      customerId: 1,
      items: [{ serviceCode: "domain.pl.register", name: "sklep-ani.pl", period: 2 }],
      at: AT,
    });
    expect(q).toMatchObject({ customerId: 1, priceGroupId: 2, currency: "PLN", at: AT, code: null });
    // 2 years at the group price: 80.00 cost + 25% = 100.00 net; the first year's share is 50.00,
    // 9.99 gross at 23% is 8.12 net, so 41.88 comes off.
    expect(q.lines).toEqual([
      {
        serviceCode: "domain.pl.register",
        serviceName: "Rejestracja domeny .pl",
        name: "sklep-ani.pl",
        period: 2,
        listNet: PLN(10_000),
        discounts: [{ promotionId: p.firstYear!.id, name: "Pierwszy rok .pl za 9,99 zł", amount: PLN(4188) }],
        net: PLN(5812),
        vatRate: "23",
        vat: PLN(1337),
        gross: PLN(7149),
        cost: PLN(8000),
        margin: PLN(-2188),
      },
    ]);
    // first year 8.12 net = 9.99 gross; second year 50.00 net = 61.50 gross; together 71.49
    expect(grossOf(PLN(812), "23")).toEqual(PLN(999));
    expect(grossOf(PLN(5000), "23").amount + 999).toBe(q.totals.gross.amount);
    expect(q.promotionsApplied).toEqual([
      { promotionId: p.firstYear!.id, name: "Pierwszy rok .pl za 9,99 zł", lines: [0], total: PLN(4188) },
    ]);
    expect(notApplied(q)).toEqual({
      "Odnowienia .pl -10%": "not for registrations",
      "Odnowienia: 5 zł mniej": "not for registrations",
      "SSL -20% z kodem": "needs code",
      Wielkanoc: "outside its dates",
      "Opcja taniej dla nowych": "not for domains",
      "50 zł mniej od 500 zł": "minimum order 500,00\u00a0zł not reached",
      ".com -5%": "not for .pl",
      ".com -15%": "not for .pl",
    });
    expect(q.totals).toMatchObject({
      listNet: PLN(10_000),
      discount: PLN(4188),
      net: PLN(5812),
      vat: PLN(1337),
      gross: PLN(7149),
    });
    expect(q.cost).toEqual(PLN(8000));
    expect(q.margin).toEqual(PLN(-2188));
  });

  it("gives every active promotion that did not apply its reason, and stacks combinable ones", async () => {
    const q = await quote(db, {
      customerId: 2,
      items: [
        { serviceCode: "domain.pl.renew", period: 1 },
        { serviceCode: "domain.com.register", period: 1 },
        { serviceCode: "option.pl.create", period: 1 },
      ],
      at: AT,
    });
    expect(q.priceGroupId).toBe(1); // the default group
    // .pl renewal: 60.00 − 10% = 54.00, then 5.00 off = 49.00
    expect(q.lines[0]!.discounts.map((d) => [d.name, d.amount.amount])).toEqual([
      ["Odnowienia .pl -10%", 600],
      ["Odnowienia: 5 zł mniej", 500],
    ]);
    // .com: the better exclusive promotion wins
    expect(q.lines[1]!.discounts.map((d) => d.name)).toEqual([".com -15%"]);
    expect(q.lines[2]!.discounts).toEqual([]);
    expect(notApplied(q)).toEqual({
      "Pierwszy rok .pl za 9,99 zł": "not for renewals",
      "SSL -20% z kodem": "needs code",
      Wielkanoc: "outside its dates",
      "Opcja taniej dla nowych": "only for new customers",
      "50 zł mniej od 500 zł": "minimum order 500,00\u00a0zł not reached",
      ".com -5%": "another promotion gave a better price",
    });
    expect(q.promotionsNotApplied.find((x) => x.name === ".com -5%")?.reasonCode).toBe("better_promotion");
    expect(q.totals.net.amount + q.totals.vat.amount).toBe(q.totals.gross.amount);
    expect(q.totals.net.amount).toBe(q.lines.reduce((s, l) => s + l.net.amount, 0));
  });

  it("applies an order-level amount over the lines it is for once the minimum is reached", async () => {
    const q = await quote(db, {
      customerId: 2,
      items: [
        { serviceCode: "domain.pl.register", period: 3 }, // 180.00
        { serviceCode: "domain.pl.register", period: 3 }, // 180.00
        { serviceCode: "domain.com.register", period: 2 }, // 135.00
        { serviceCode: "ssl.positive-ssl.create", period: 1 }, // 45.00: not a domain
      ],
      at: AT,
    });
    expect(q.totals.listNet).toEqual(PLN(54_000));
    const big = q.promotionsApplied.find((a) => a.promotionId === p.bigOrder!.id)!;
    // the .pl lines are taken by the exclusive 9.99 promotion, which is worth more there
    expect(big.lines).toEqual([2]);
    expect(q.lines[2]!.discounts.map((d) => d.name)).toEqual(["50 zł mniej od 500 zł"]);
    // the share of the .com line: 50.00 × 135 / (180 + 180 + 135)
    expect(big.total).toEqual(PLN(1364));
  });

  it("takes a code case-insensitively and says why a code does not work", async () => {
    const items = [{ serviceCode: "ssl.positive-ssl.create", period: 2 }];
    const ok = await quote(db, { customerId: 1, items, code: " ssl20 ", at: AT });
    expect(ok.code).toEqual({ code: "SSL20", valid: true, applied: true, promotionId: p.ssl!.id });
    expect(ok.lines[0]!.discounts).toEqual([
      { promotionId: p.ssl!.id, name: "SSL -20% z kodem", amount: PLN(1500) },
    ]);

    const expired = await quote(db, { customerId: 1, items, code: "ssl-old", at: AT });
    expect(expired.code).toMatchObject({ valid: false, applied: false, reason: "code expired" });
    expect(notApplied(expired)["SSL -20% z kodem"]).toBe("code expired");

    const unknown = await quote(db, { customerId: 1, items, code: "NIE-MA-TAKIEGO", at: AT });
    expect(unknown.code).toEqual({
      code: "NIE-MA-TAKIEGO",
      valid: false,
      applied: false,
      promotionId: null,
      reasonCode: "unknown_code",
      reason: "no such code",
    });
    const odd = await quote(db, { customerId: 1, items, code: "ź!", at: AT });
    expect(odd.code?.reason).toBe("no such code");
    expect((await quote(db, { customerId: 1, items, code: "  ", at: AT })).code).toBeNull();

    const wrongItems = await quote(db, {
      customerId: 1,
      items: [{ serviceCode: "domain.com.renew", period: 1 }],
      code: "SSL20",
      at: AT,
    });
    expect(wrongItems.code).toMatchObject({ valid: true, applied: false, reason: "not for domains" });
  });

  it("is deterministic: the same input and moment give the same quote", async () => {
    const input = {
      customerId: 2,
      items: [
        { serviceCode: "domain.pl.register", period: 3 },
        { serviceCode: "domain.pl.renew", period: 2 },
        { serviceCode: "domain.com.register", period: 1 },
        { serviceCode: "ssl.positive-ssl.create", period: 2 },
        { serviceCode: "domain.pl.register", period: 3 },
      ],
      code: "ssl20",
      at: AT,
    };
    const a = await quote(db, input);
    const b = await quote(db, input);
    expect(b).toEqual(a);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it("is read-only", async () => {
    const before = await snapshot(db);
    await quote(db, {
      customerId: 1,
      items: [
        { serviceCode: "domain.pl.register", period: 1 },
        { serviceCode: "ssl.positive-ssl.create", period: 1 },
      ],
      code: "SSL20",
      at: AT,
    });
    expect(await snapshot(db)).toEqual(before);
  });

  it("gives no margin when a line's wholesale cost is unknown", async () => {
    const q = await quote(db, {
      customerId: 1,
      items: [{ serviceCode: "option.pl.create", period: 3 }],
      at: AT,
    });
    expect(q.lines[0]).toMatchObject({ listNet: PLN(7000), cost: null, margin: null });
    expect(q.cost).toBeNull();
    expect(q.margin).toBeNull();
  });

  it("refuses items that are not offered, naming each of them", async () => {
    const err = await quote(db, {
      customerId: 1,
      items: [
        { serviceCode: "domain.pl.register", period: 1 },
        { serviceCode: "hosting.start.create", period: 1 },
        { serviceCode: "domain.com.pl.register", period: 1 },
        { serviceCode: "domain.com.register", period: 10 },
      ],
      at: AT,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotOfferedError);
    expect(err).toBeInstanceOf(BillingConflictError);
    expect((err as NotOfferedError).code).toBe("not_offered");
    expect((err as NotOfferedError).issues).toEqual([
      { path: "items.1.serviceCode", message: "hosting services are switched off" },
      { path: "items.2.serviceCode", message: "domain.com.pl.register is inactive" },
      { path: "items.3.period", message: "domain.com.register is not sold for 10 years (periods: 1, 2, 3)" },
    ]);
  });

  it("reports unknown services together with the other item problems as a validation error", async () => {
    const err = await quote(db, {
      customerId: 1,
      items: [
        { serviceCode: "domain.xyz.register", period: 1 },
        { serviceCode: "hosting.start.create", period: 1 },
        { serviceCode: "domain.pl.register", period: 4 },
      ],
      at: AT,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BillingValidationError);
    expect((err as BillingValidationError).issues.map((i) => i.path)).toEqual([
      "items.0.serviceCode",
      "items.1.serviceCode",
      "items.2.period",
    ]);
  });

  it("validates its input, naming every bad field", async () => {
    const err = await quote(db, {
      customerId: 0,
      items: [{ serviceCode: "Domain PL", period: 0 }],
      at: new Date("nope"),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BillingValidationError);
    expect((err as BillingValidationError).issues.map((i) => i.path).sort()).toEqual([
      "at",
      "customerId",
      "items.0.period",
      "items.0.serviceCode",
    ]);
  });

  it("names the service and period of a missing price, and an unknown customer", async () => {
    const err = await quote(db, {
      customerId: 1,
      items: [{ serviceCode: "domain.pl.register", period: 5 }],
      at: AT,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BillingNotFoundError);
    expect((err as Error).message).toContain("domain.pl.register for 5 years");
    await expect(
      quote(db, { customerId: 999, items: [{ serviceCode: "domain.pl.register", period: 1 }], at: AT }),
    ).rejects.toBeInstanceOf(BillingNotFoundError);
  });

  describe("redemption", () => {
    it("records the promotions and the code, counts the uses, and is idempotent per order", async () => {
      const c = await newCustomer(db, "Klient z kodem");
      await createDiscountCode(db, { code: "SSL-JEDEN", promotionId: p.ssl!.id, maxUses: 1 });
      const q = await quote(db, {
        customerId: c,
        items: [
          { serviceCode: "ssl.positive-ssl.create", period: 1 },
          { serviceCode: "domain.pl.register", period: 1 },
        ],
        code: "ssl-jeden",
        at: AT,
      });
      expect(q.promotionsApplied.map((a) => a.promotionId)).toEqual([p.firstYear!.id, p.ssl!.id]);
      const usesBefore = (
        await db.query<{ id: number; uses: number }>("SELECT id, uses FROM promotions ORDER BY id")
      ).rows;
      const r = await redeemQuote(db, { quote: q, orderRef: "ZAM/2026/0001" });
      expect(r.alreadyRedeemed).toBe(false);
      expect(r.firstOrderAt).toEqual(AT);
      expect(r.redemptions.map((x) => [x.promotionId, x.code])).toEqual(
        [
          [p.ssl!.id, "SSL-JEDEN"],
          [p.firstYear!.id, null],
        ].sort((a, b) => (a[0] as number) - (b[0] as number)),
      );
      const after = await snapshot(db);
      const usesAfter = (
        await db.query<{ id: number; uses: number }>("SELECT id, uses FROM promotions ORDER BY id")
      ).rows;
      expect(usesAfter.filter((u, i) => u.uses !== usesBefore[i]!.uses).map((u) => u.id)).toEqual(
        [p.firstYear!.id, p.ssl!.id].sort((a, b) => a - b),
      );
      const code = await db.query<{ uses: number }>(
        "SELECT uses FROM discount_codes WHERE code = 'SSL-JEDEN'",
      );
      expect(code.rows[0]!.uses).toBe(1);

      const again = await redeemQuote(db, { quote: q, orderRef: "ZAM/2026/0001" });
      expect(again.alreadyRedeemed).toBe(true);
      expect(again.redemptions).toEqual(r.redemptions);
      expect(await snapshot(db)).toEqual(after);

      // the customer is no longer new, and the single-use code is spent
      const later = await quote(db, {
        customerId: c,
        items: [
          { serviceCode: "option.pl.create", period: 1 },
          { serviceCode: "ssl.positive-ssl.create", period: 1 },
        ],
        code: "SSL-JEDEN",
        at: new Date("2026-03-20T00:00:00Z"),
      });
      expect(notApplied(later)["Opcja taniej dla nowych"]).toBe("only for new customers");
      expect(notApplied(later)["SSL -20% z kodem"]).toBe("code used up");
      expect(later.code).toMatchObject({ valid: false, reason: "code used up" });
    });

    it("refuses once-per-customer promotions the second time and writes nothing when refused", async () => {
      const once = await createPromotion(db, {
        name: "Raz na klienta",
        conditions: { serviceCodes: ["domain.com.renew"] },
        effect: { type: "percent", basisPoints: 5000 },
        oncePerCustomer: true,
        priority: 100,
      });
      const c = await newCustomer(db, "Jednorazowy");
      const items = [{ serviceCode: "domain.com.renew", period: 1 }];
      const q1 = await quote(db, { customerId: c, items, at: AT });
      const q2 = await quote(db, { customerId: c, items, at: AT });
      expect(q2.promotionsApplied.map((a) => a.promotionId)).toEqual([once.id]);
      await redeemQuote(db, { quote: q1, orderRef: "ONCE-1" });
      const before = await snapshot(db);
      const err = await redeemQuote(db, { quote: q2, orderRef: "ONCE-2" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BillingConflictError);
      expect((err as BillingConflictError).code).toBe("used_by_customer");
      expect(await snapshot(db)).toEqual(before);
      const q3 = await quote(db, { customerId: c, items, at: AT });
      expect(notApplied(q3)["Raz na klienta"]).toBe("already used by this customer");
      await db.query("UPDATE promotions SET active = false WHERE id = $1", [once.id]);
    });

    it("lets exactly one of 8 concurrent orders use a single-use code", async () => {
      const promo = await createPromotion(db, {
        name: "Kod jednorazowy",
        conditions: { serviceCodes: ["domain.com.register"], periods: [2] },
        effect: { type: "percent", basisPoints: 3000 },
        requiresCode: true,
      });
      await createDiscountCode(db, { code: "TYLKO-RAZ", promotionId: promo.id, maxUses: 1 });
      const quotes: Quote[] = [];
      for (let i = 0; i < 8; i++) {
        const c = await newCustomer(db, `Równoległy ${i}`);
        const q = await quote(db, {
          customerId: c,
          items: [{ serviceCode: "domain.com.register", period: 2 }],
          code: "TYLKO-RAZ",
          at: AT,
        });
        expect(q.code).toMatchObject({ valid: true, applied: true });
        quotes.push(q);
      }
      const results = await Promise.allSettled(
        quotes.map((q, i) => redeemQuote(db, { quote: q, orderRef: `PAR-${i}` })),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results) {
        if (r.status === "rejected") {
          expect(r.reason).toBeInstanceOf(BillingConflictError);
          expect((r.reason as BillingConflictError).code).toBe("code_used_up");
        }
      }
      const { rows } = await db.query<{ uses: number; redemptions: number; promo_uses: number }>(
        `SELECT d.uses, (SELECT count(*) FROM promotion_redemptions WHERE code = d.code) AS redemptions,
                p.uses AS promo_uses
         FROM discount_codes d JOIN promotions p ON p.id = d.promotion_id WHERE d.code = 'TYLKO-RAZ'`,
      );
      expect(rows[0]).toEqual({ uses: 1, redemptions: 1, promo_uses: 1 });
      // refused orders left their customers new
      const fresh = await db.query<{ n: number }>(
        "SELECT count(*) AS n FROM customers WHERE name LIKE 'Równoległy%' AND first_order_at IS NULL",
      );
      expect(fresh.rows[0]!.n).toBe(7);
    });

    it("never lets concurrent orders exceed a promotion's maxUses", async () => {
      const promo = await createPromotion(db, {
        name: "Pierwsze trzy zamówienia",
        conditions: { serviceCodes: ["domain.com.renew"], periods: [2] },
        effect: { type: "amount", grosze: 1000, basis: "net" },
        maxUses: 3,
      });
      await db.query(
        "INSERT INTO prices (group_id, service_id, period, net, source) SELECT 2, id, 2, 11250, 'manual' FROM services WHERE code = 'domain.com.renew'",
      );
      const quotes: Quote[] = [];
      for (let i = 0; i < 8; i++) {
        const c = await newCustomer(db, `Limit ${i}`);
        quotes.push(
          await quote(db, { customerId: c, items: [{ serviceCode: "domain.com.renew", period: 2 }], at: AT }),
        );
      }
      expect(quotes.every((q) => q.promotionsApplied.some((a) => a.promotionId === promo.id))).toBe(true);
      const results = await Promise.allSettled(
        quotes.map((q, i) => redeemQuote(db, { quote: q, orderRef: `LIM-${i}` })),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
      for (const r of results) {
        if (r.status === "rejected")
          expect((r.reason as BillingConflictError).code).toBe("promotion_used_up");
      }
      const { rows } = await db.query<{ uses: number }>("SELECT uses FROM promotions WHERE id = $1", [
        promo.id,
      ]);
      expect(rows[0]!.uses).toBe(3);
      const q = await quote(db, {
        customerId: 1,
        items: [{ serviceCode: "domain.com.renew", period: 2 }],
        at: AT,
      });
      expect(notApplied(q)["Pierwsze trzy zamówienia"]).toBe("used up");
    });

    it("refuses an order reference that belongs to another customer", async () => {
      const a = await newCustomer(db, "A");
      const b = await newCustomer(db, "B");
      const items = [{ serviceCode: "domain.pl.register", period: 1 }];
      await redeemQuote(db, { quote: await quote(db, { customerId: a, items, at: AT }), orderRef: "SHARED" });
      const err = await redeemQuote(db, {
        quote: await quote(db, { customerId: b, items, at: AT }),
        orderRef: "SHARED",
      }).catch((e: unknown) => e);
      expect((err as BillingConflictError).code).toBe("order_ref_taken");
    });
  });
});
