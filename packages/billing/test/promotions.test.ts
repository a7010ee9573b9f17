import {
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  CODE_ALPHABET,
  createDiscountCode,
  createPromotion,
  type Db,
  deactivatePromotion,
  generateDiscountCodes,
  getDiscountCode,
  getPromotion,
  listDiscountCodes,
  listPromotions,
  updatePromotion,
} from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "./support/db.js";

const SEED = `
  INSERT INTO tlds (tld, register_periods, renew_periods) VALUES ('pl', '{1,2,3}', '{1,2,3}'), ('com', '{1,2}', '{1,2}');
  INSERT INTO services (code, kind, operation, tld, product, name, periods) VALUES
    ('domain.pl.register', 'domain', 'register', 'pl', NULL, 'Rejestracja domeny .pl', '{1,2,3}'),
    ('domain.pl.renew', 'domain', 'renew', 'pl', NULL, 'Odnowienie domeny .pl', '{1,2,3}'),
    ('domain.com.register', 'domain', 'register', 'com', NULL, 'Rejestracja domeny .com', '{1,2}'),
    ('ssl.positive-ssl.create', 'ssl', 'create', NULL, 'positive-ssl', 'PositiveSSL', '{1,2}');`;

async function count(db: Db, table: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
  return rows[0]!.n;
}

async function issuesOf(p: Promise<unknown>): Promise<string[]> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BillingValidationError);
  return (err as BillingValidationError).issues.map((i) => i.path).sort();
}

describe.each(drivers())("promotions on $name", (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await driver.open();
    await db.exec(SEED);
  });
  afterAll(() => driver.dispose(db));

  it("creates a promotion with conditions and an explicit net/gross basis, and reads it back", async () => {
    const p = await createPromotion(db, {
      name: "Pierwszy rok .pl za 9,99 zł",
      startsAt: new Date("2026-03-01T00:00:00Z"),
      endsAt: new Date("2026-04-01T00:00:00Z"),
      conditions: {
        tlds: [".PL"],
        operations: ["register"],
        serviceCodes: ["domain.pl.register"],
        firstYearOnly: true,
        customers: "new",
      },
      effect: { type: "price", grosze: 999, basis: "gross" },
      priority: 10,
    });
    expect(p).toMatchObject({
      active: true,
      combinable: false,
      oncePerCustomer: false,
      maxUses: null,
      uses: 0,
      requiresCode: false,
      conditions: {
        tlds: ["pl"],
        operations: ["register"],
        serviceCodes: ["domain.pl.register"],
        firstYearOnly: true,
        customers: "new",
        currency: "PLN",
      },
      effect: { type: "price", grosze: 999, basis: "gross" },
    });
    expect(await getPromotion(db, p.id)).toEqual(p);
    const { rows } = await db.query<{ effect: unknown }>("SELECT effect FROM promotions WHERE id = $1", [
      p.id,
    ]);
    expect(rows[0]!.effect).toEqual({ type: "price", value: 999, basis: "gross" });
  });

  it("names every bad field at once and writes nothing", async () => {
    const before = await count(db, "promotions");
    const paths = await issuesOf(
      createPromotion(db, {
        name: " ",
        startsAt: new Date("2026-05-01T00:00:00Z"),
        endsAt: new Date("2026-04-01T00:00:00Z"),
        conditions: {
          operations: ["register", "refund" as "renew"],
          serviceCodes: ["domain.pl.register", "domain.xyz.register"],
          tlds: ["nope"],
          periods: [0],
        },
        effect: { type: "percent", basisPoints: 0 },
        maxUses: 0,
      }),
    );
    expect(paths).toEqual([
      "conditions.operations.1",
      "conditions.periods.0",
      "conditions.serviceCodes.1",
      "conditions.tlds.0",
      "effect.basisPoints",
      "endsAt",
      "maxUses",
      "name",
    ]);
    expect(await count(db, "promotions")).toBe(before);
  });

  it("refuses unknown condition keys and effects without a basis", async () => {
    const paths = await issuesOf(
      createPromotion(db, {
        name: "x",
        conditions: { tld: ["pl"] } as never,
        effect: { type: "amount", grosze: 500 } as never,
      }),
    );
    expect(paths).toEqual(["conditions", "effect.basis"]);
  });

  it("updates given fields, checks dates against the stored ones, and deactivates", async () => {
    const p = await createPromotion(db, {
      name: "Odnowienia -10%",
      startsAt: new Date("2026-01-01T00:00:00Z"),
      conditions: { operations: ["renew"] },
      effect: { type: "percent", basisPoints: 1000 },
    });
    const u = await updatePromotion(db, p.id, {
      priority: 3,
      effect: { type: "percent", basisPoints: 1500 },
    });
    expect(u).toMatchObject({
      priority: 3,
      effect: { type: "percent", basisPoints: 1500 },
      name: "Odnowienia -10%",
    });
    expect(await issuesOf(updatePromotion(db, p.id, { endsAt: new Date("2025-12-31T00:00:00Z") }))).toEqual([
      "endsAt",
    ]);
    expect((await getPromotion(db, p.id)).endsAt).toBeNull();
    await expect(updatePromotion(db, 999_999, { priority: 1 })).rejects.toBeInstanceOf(BillingNotFoundError);
    expect((await deactivatePromotion(db, p.id)).active).toBe(false);
    const active = await listPromotions(db, { active: true });
    expect(active.items.map((x) => x.id)).not.toContain(p.id);
  });

  it("pages through promotions in id order", async () => {
    for (let i = 0; i < 3; i++) {
      await createPromotion(db, { name: `Strona ${i}`, effect: { type: "percent", basisPoints: 100 } });
    }
    const all = await listPromotions(db, { limit: 1000 });
    const seen: number[] = [];
    let after: number | undefined;
    for (;;) {
      const page = await listPromotions(db, { limit: 2, afterId: after });
      seen.push(...page.items.map((p) => p.id));
      if (page.next === null) break;
      after = page.next;
    }
    expect(seen).toEqual(all.items.map((p) => p.id));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  describe("discount codes", () => {
    let promotionId: number;
    beforeAll(async () => {
      promotionId = (
        await createPromotion(db, {
          name: "SSL -20% z kodem",
          conditions: { kinds: ["ssl"] },
          effect: { type: "percent", basisPoints: 2000 },
          requiresCode: true,
        })
      ).id;
    });

    it("normalises a code to upper case and refuses a duplicate", async () => {
      const c = await createDiscountCode(db, { code: "  wiosna-2026 ", promotionId, perCustomerLimit: 1 });
      expect(c).toMatchObject({
        code: "WIOSNA-2026",
        promotionId,
        maxUses: null,
        uses: 0,
        perCustomerLimit: 1,
      });
      expect(await getDiscountCode(db, "Wiosna-2026")).toEqual(c);
      const err = await createDiscountCode(db, { code: "WIOSNA-2026", promotionId }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BillingConflictError);
      expect((err as BillingConflictError).code).toBe("duplicate_code");
    });

    it("refuses malformed codes and unknown promotions", async () => {
      expect(await issuesOf(createDiscountCode(db, { code: "zł!", promotionId: 0, maxUses: 0 }))).toEqual([
        "code",
        "maxUses",
        "promotionId",
      ]);
      await expect(createDiscountCode(db, { code: "ABC", promotionId: 999_999 })).rejects.toBeInstanceOf(
        BillingNotFoundError,
      );
      await expect(getDiscountCode(db, "NIE-MA")).rejects.toBeInstanceOf(BillingNotFoundError);
    });

    it("generates 10 000 unique single-use codes of unambiguous characters, reporting progress", async () => {
      const progress: [number, number][] = [];
      const { codes } = await generateDiscountCodes(
        db,
        { promotionId, count: 10_000, prefix: "jesien-", length: 8 },
        { onProgress: (done, total) => progress.push([done, total]) },
      );
      expect(codes).toHaveLength(10_000);
      expect(new Set(codes).size).toBe(10_000);
      const body = new RegExp(`^JESIEN-[${CODE_ALPHABET}]{8}$`);
      for (const c of codes) expect(c).toMatch(body);
      expect(codes.some((c) => /[01OI]/.test(c.slice(7)))).toBe(false);
      expect(progress.at(-1)).toEqual([10_000, 10_000]);
      expect(progress.length).toBe(10);
      const { rows } = await db.query<{ n: number; single: number }>(
        "SELECT count(*) AS n, count(*) FILTER (WHERE max_uses = 1) AS single FROM discount_codes WHERE code LIKE 'JESIEN-%'",
      );
      expect(rows[0]).toEqual({ n: 10_000, single: 10_000 });
    });

    it("writes no code at all when generation fails part-way", async () => {
      const before = await count(db, "discount_codes");
      await expect(
        generateDiscountCodes(
          db,
          { promotionId, count: 3000, prefix: "X-" },
          {
            onProgress: (done) => {
              if (done >= 2000) throw new Error("stop");
            },
          },
        ),
      ).rejects.toThrow("stop");
      expect(await count(db, "discount_codes")).toBe(before);
    });

    it("refuses more codes than a short length can hold", async () => {
      expect(await issuesOf(generateDiscountCodes(db, { promotionId, count: 10_000, length: 3 }))).toEqual([
        "count",
      ]);
    });

    it("lists a promotion's codes page by page in code order", async () => {
      const first = await listDiscountCodes(db, promotionId, { limit: 1000 });
      expect(first.items).toHaveLength(1000);
      expect(first.next).toBe(first.items[999]!.code);
      let total = first.items.length;
      let next = first.next;
      let previous = first.items[999]!.code;
      while (next) {
        const page = await listDiscountCodes(db, promotionId, { limit: 1000, after: next });
        total += page.items.length;
        if (page.items[0]) expect(page.items[0].code > previous).toBe(true);
        previous = page.items.at(-1)?.code ?? previous;
        next = page.next;
      }
      expect(total).toBe(10_001);
    });
  });
});
