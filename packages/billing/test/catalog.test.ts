import {
  assertSellable,
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  type Db,
  DEFAULT_TLDS,
  deactivateService,
  deleteTld,
  ensureCatalogForTld,
  getService,
  getTld,
  listServices,
  listTldGroups,
  listTlds,
  money,
  offeredKinds,
  SSL_PRODUCTS,
  seedDefaultCatalog,
  setHostingCost,
  setServiceKindOffered,
  toLabel,
  upsertService,
  upsertTld,
  upsertTldGroup,
} from "@hrdkit/billing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "./support/db.js";

/** The issues of a validation error, by field path (fails the test when it is another error). */
async function issues(p: Promise<unknown>): Promise<Record<string, string>> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BillingValidationError);
  return Object.fromEntries((err as BillingValidationError).issues.map((i) => [i.path, i.message]));
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string; error: unknown }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeDefined();
  return { code: (err as { code: string }).code, message: (err as Error).message, error: err };
}

async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ["tlds", "services", "tld_groups", "wholesale_imports", "wholesale_prices"]) {
    const { rows } = await db.query<{ c: number }>(`SELECT count(*)::int8 AS c FROM ${t}`);
    out[t] = rows[0]!.c;
  }
  return out;
}

const plTld = {
  tld: "pl",
  idn: true,
  registerPeriods: [3, 1, 2],
  renewPeriods: [1, 2, 3, 5, 10],
  transferPeriods: [1],
  optionsAvailable: true,
  grace: { renewAfterExpiryDays: 30 },
};

describe("domain labels from free text", () => {
  it("keeps Polish letters only where asked, and otherwise leaves a clean LDH label", () => {
    expect(toLabel("Żółty Sklep!", true)).toBe("żółty-sklep");
    expect(toLabel("Żółty Sklep!", false)).toBe("zolty-sklep");
    expect(toLabel("  --Łódź, Café & Bar--  ", false)).toBe("lodz-cafe-bar");
    expect(toLabel("!!!", false)).toBe("");
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), fc.boolean(), (text, keepPolish) => {
        const label = toLabel(text, keepPolish);
        const allowed = keepPolish ? /^[a-z0-9ąćęłńóśźż-]*$/u : /^[a-z0-9-]*$/;
        expect(label).toMatch(allowed);
        expect(label).not.toMatch(/^-|-$|--/);
        expect(toLabel(label, keepPolish)).toBe(label);
      }),
    );
  });
});

describe.each(drivers())("catalog on $name", (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await driver.open();
  });
  afterAll(() => driver.dispose(db));

  describe("TLDs", () => {
    it("stores a TLD with its periods sorted and reads it back", async () => {
      const saved = await upsertTld(db, plTld);
      expect(saved).toMatchObject({
        tld: "pl",
        idn: true,
        registerPeriods: [1, 2, 3],
        renewPeriods: [1, 2, 3, 5, 10],
        transferPeriods: [1],
        optionsAvailable: true,
        additionalData: null,
        grace: { renewAfterExpiryDays: 30 },
      });
      expect(saved.updatedAt).toBeInstanceOf(Date);
      expect(await getTld(db, "pl")).toEqual(saved);
      await upsertTld(db, {
        tld: "fr",
        registerPeriods: [1],
        renewPeriods: [1],
        transferPeriods: [1],
        additionalData: "fr",
      });
      expect((await listTlds(db)).map((t) => [t.tld, t.additionalData, t.idn])).toEqual([
        ["fr", "fr", false],
        ["pl", null, true],
      ]);
    });

    it("names every bad field of a TLD and writes nothing", async () => {
      const before = await counts(db);
      const found = await issues(
        upsertTld(db, {
          tld: "Com",
          registerPeriods: [0, 11, 1.5],
          renewPeriods: [2, 2],
          transferPeriods: [],
          optionsAvailable: "yes",
          additionalData: "de",
          grace: { redemptionDays: -1 },
          colour: "red",
        } as never),
      );
      expect(found).toEqual({
        tld: 'must be lowercase: "com"',
        "registerPeriods.0": "must be 1–10 years",
        "registerPeriods.1": "must be 1–10 years",
        "registerPeriods.2": "must be a whole number of years",
        "renewPeriods.1": "2 is listed twice",
        transferPeriods: "needs at least one period",
        optionsAvailable: "must be true or false",
        additionalData: "must be one of fr, it, us, ca, es or null",
        "grace.redemptionDays": "must be 0–365 days",
        "": 'Unrecognized key: "colour"',
      });
      expect(await counts(db)).toEqual(before);
    });

    it("says what is wrong with a TLD's spelling", async () => {
      const periods = { registerPeriods: [1], renewPeriods: [1], transferPeriods: [1] };
      expect((await issues(upsertTld(db, { tld: ".pl", ...periods }))).tld).toMatch(
        /without the leading dot: "pl"/,
      );
      expect((await issues(upsertTld(db, { tld: "рф", ...periods }))).tld).toMatch(
        /not ASCII.*Unicode TLDs are not supported/,
      );
      expect((await issues(upsertTld(db, { tld: "com..pl", ...periods }))).tld).toMatch(/empty label/);
      expect((await issues(upsertTld(db, { tld: "-x.pl", ...periods }))).tld).toMatch(/label "-x"/);
      expect((await issues(upsertTld(db, { tld: "com_pl", ...periods }))).tld).toMatch(/label "com_pl"/);
      await expect(upsertTld(db, { tld: "xn--p1ai", ...periods })).resolves.toMatchObject({
        tld: "xn--p1ai",
      });
    });

    it("allows options only in the .pl family", async () => {
      const periods = { registerPeriods: [1], renewPeriods: [1], transferPeriods: [1] };
      expect(await issues(upsertTld(db, { tld: "com", ...periods, optionsAvailable: true }))).toEqual({
        optionsAvailable: "options exist only in the .pl family (pl and names ending in .pl), not in com",
      });
      await expect(
        upsertTld(db, { tld: "waw.pl", ...periods, optionsAvailable: true }),
      ).resolves.toMatchObject({
        optionsAvailable: true,
      });
    });

    it("keeps the fields an update leaves out", async () => {
      const updated = await upsertTld(db, {
        tld: "pl",
        registerPeriods: [1, 2, 3],
        renewPeriods: [1, 2, 3, 5, 10],
        transferPeriods: [1],
      });
      expect(updated).toMatchObject({
        idn: true,
        optionsAvailable: true,
        grace: { renewAfterExpiryDays: 30 },
      });
      const cleared = await upsertTld(db, { ...plTld, grace: {}, idn: false });
      expect(cleared).toMatchObject({ idn: false, grace: {} });
      await upsertTld(db, plTld);
    });

    it("refuses to narrow periods or switch options off under active services", async () => {
      await ensureCatalogForTld(db, "pl");
      await upsertService(db, { kind: "domain", operation: "renew", tld: "pl", periods: [1, 5] });
      const before = await getTld(db, "pl");
      const narrowed = await refusal(upsertTld(db, { ...plTld, renewPeriods: [1, 2, 3] }));
      expect(narrowed.error).toBeInstanceOf(BillingConflictError);
      expect(narrowed.code).toBe("in_use");
      expect(narrowed.message).toMatch(/domain\.pl\.renew sells 5 year/);
      const noOptions = await refusal(upsertTld(db, { ...plTld, optionsAvailable: false }));
      expect(noOptions.message).toMatch(/option\.pl\.create is active.*option\.pl\.renew is active/);
      expect(await getTld(db, "pl")).toEqual(before);
      // Widening is always fine.
      await expect(upsertTld(db, { ...plTld, transferPeriods: [1, 2] })).resolves.toMatchObject({
        transferPeriods: [1, 2],
      });
    });

    it("refuses to delete a TLD that services or groups use, and deletes an unused one", async () => {
      const before = await counts(db);
      const used = await refusal(deleteTld(db, "pl"));
      expect(used.code).toBe("in_use");
      expect(used.message).toMatch(/services domain\.pl\.register, .*domain\.pl\.trade/);
      await upsertTldGroup(db, { name: "Francja", tlds: ["fr"] });
      const grouped = await refusal(deleteTld(db, "fr"));
      expect(grouped.message).toMatch(/TLD groups "Francja"/);
      expect(await counts(db)).toEqual({ ...before, tld_groups: before.tld_groups! + 1 });
      await expect(deleteTld(db, "xn--p1ai")).resolves.toBeUndefined();
      expect((await refusal(deleteTld(db, "xn--p1ai"))).error).toBeInstanceOf(BillingNotFoundError);
    });
  });

  describe("services", () => {
    beforeAll(async () => {
      await upsertTld(db, {
        tld: "com",
        registerPeriods: [1, 2, 3],
        renewPeriods: [1, 2],
        transferPeriods: [1],
      });
    });

    it("derives codes and Polish names from what the service is", async () => {
      const made = [
        await upsertService(db, { kind: "domain", operation: "register", tld: "com", periods: [1, 2] }),
        await upsertService(db, { kind: "domain", operation: "trade", tld: "com", periods: [1] }),
        await upsertService(db, { kind: "option", operation: "renew", tld: "pl", periods: [3] }),
        await upsertService(db, {
          kind: "ssl",
          operation: "renew",
          product: "Positive SSL + Wildcard",
          periods: [2, 1],
        }),
        await upsertService(db, {
          kind: "hosting",
          operation: "create",
          product: "Żółty Start 10 GB",
          providerRef: "pkg-17",
          periods: [1],
        }),
      ];
      expect(made.map((s) => [s.code, s.name, s.periods])).toEqual([
        ["domain.com.register", "Rejestracja domeny .com", [1, 2]],
        ["domain.com.trade", "Cesja domeny .com", [1]],
        ["option.pl.renew", "Odnowienie opcji na domenę .pl", [3]],
        ["ssl.positive-ssl-wildcard.renew", "Odnowienie certyfikatu Positive SSL + Wildcard", [1, 2]],
        ["hosting.zolty-start-10-gb.create", "Hosting Żółty Start 10 GB", [1]],
      ]);
      expect(made[4]).toMatchObject({
        providerRef: "pkg-17",
        product: "Żółty Start 10 GB",
        vatRate: "23",
        active: true,
      });
      expect(await getService(db, "hosting.zolty-start-10-gb.create")).toEqual(made[4]);
    });

    it("names every bad field of a service and writes nothing", async () => {
      const before = await counts(db);
      expect(
        await issues(
          upsertService(db, {
            kind: "domain",
            operation: "create",
            product: "x",
            periods: [1, 1],
            vatRate: "22",
            active: "yes",
          } as never),
        ),
      ).toEqual({
        operation: "a domain service is register, renew, transfer or trade",
        tld: "a domain service needs its TLD",
        product: "only SSL and hosting services have a product",
        "periods.1": "1 is listed twice",
        vatRate: "must be one of 23, 8, 5, 0 KR, zw, np I, np II",
        active: "must be true or false",
      });
      expect(
        await issues(upsertService(db, { kind: "hosting", operation: "register", tld: "pl", periods: [1] })),
      ).toEqual({
        operation: "a hosting service is create or renew",
        tld: "a hosting service has no TLD",
        product: "a hosting service needs its package name",
        providerRef: "a hosting service needs the provider's id of the package",
      });
      expect(
        await issues(upsertService(db, { kind: "vps", operation: "create", periods: [1] } as never)),
      ).toEqual({
        kind: "must be one of domain, option, ssl, hosting",
      });
      expect(await counts(db)).toEqual(before);
    });

    it("keeps domain periods within the TLD's and fixes trade and option periods", async () => {
      const before = await counts(db);
      expect(
        await issues(
          upsertService(db, { kind: "domain", operation: "renew", tld: "com", periods: [1, 3, 4] }),
        ),
      ).toEqual({ periods: "com allows renew for 1, 2 years; 3, 4 are not among them" });
      expect(
        await issues(upsertService(db, { kind: "domain", operation: "transfer", tld: "com", periods: [2] })),
      ).toEqual({ periods: "com allows transfer for 1 year; 2 is not among them" });
      expect(
        await issues(upsertService(db, { kind: "domain", operation: "trade", tld: "com", periods: [1, 2] })),
      ).toEqual({ periods: "a trade (cesja) has no term of its own: periods must be [1]" });
      expect(
        await issues(upsertService(db, { kind: "option", operation: "create", tld: "pl", periods: [1] })),
      ).toEqual({
        periods: "HRD's .pl options run 3 years: periods must be [3]",
      });
      expect(
        await issues(upsertService(db, { kind: "option", operation: "create", tld: "com", periods: [3] })),
      ).toEqual({
        tld: "options exist only in the .pl family, not in com",
      });
      await upsertTld(db, { tld: "net.pl", registerPeriods: [1], renewPeriods: [1], transferPeriods: [1] });
      expect(
        await issues(upsertService(db, { kind: "option", operation: "create", tld: "net.pl", periods: [3] })),
      ).toEqual({ tld: "options are switched off for net.pl (its optionsAvailable is false)" });
      expect(
        await issues(upsertService(db, { kind: "domain", operation: "register", tld: "xyz", periods: [1] })),
      ).toEqual({ tld: "xyz is not in the catalog: add it with upsertTld first" });
      expect(await counts(db)).toEqual({ ...before, tlds: before.tlds! + 1 });
    });

    it("accepts only HRD's certificate products, and no renewal of a free trial", async () => {
      const msg = await issues(
        upsertService(db, { kind: "ssl", operation: "create", product: "Let's Encrypt", periods: [1] }),
      );
      expect(msg.product).toContain(
        `"Let's Encrypt" is not one of HRD's certificate products: ${SSL_PRODUCTS.join(", ")}`,
      );
      expect(
        await issues(
          upsertService(db, {
            kind: "ssl",
            operation: "renew",
            product: "Comodo Free Trial SSL",
            periods: [1, 2],
          }),
        ),
      ).toEqual({
        operation: "Comodo Free Trial SSL is a free trial: it cannot be renewed",
        periods: "Comodo Free Trial SSL is a free trial: periods must be [1]",
      });
      expect(
        await issues(
          upsertService(db, { kind: "ssl", operation: "create", product: "Comodo SSL", periods: [4] }),
        ),
      ).toEqual({
        periods: "certificates are sold for 1–3 years",
      });
      expect(SSL_PRODUCTS).toHaveLength(13);
    });

    it("updates a service in place, keeping what the update leaves out", async () => {
      const first = await upsertService(db, {
        kind: "domain",
        operation: "register",
        tld: "com",
        periods: [1],
        name: "Domena .com",
        vatRate: "23",
        active: false,
      });
      const again = await upsertService(db, {
        kind: "domain",
        operation: "register",
        tld: "com",
        periods: [1, 3],
      });
      expect(again).toEqual({ ...first, periods: [1, 3] });
      const reactivated = await upsertService(db, {
        kind: "domain",
        operation: "register",
        tld: "com",
        periods: [1, 2],
        active: true,
      });
      expect(reactivated).toMatchObject({ id: first.id, name: "Domena .com", active: true, periods: [1, 2] });
    });

    it("refuses a package whose code another package already has", async () => {
      const clash = await refusal(
        upsertService(db, {
          kind: "hosting",
          operation: "create",
          product: "Zolty start 10 GB",
          providerRef: "pkg-99",
          periods: [1],
        }),
      );
      expect(clash.error).toBeInstanceOf(BillingConflictError);
      expect(clash.code).toBe("code_taken");
      expect((await getService(db, "hosting.zolty-start-10-gb.create")).providerRef).toBe("pkg-17");
    });

    it("lists, filters and deactivates services", async () => {
      const com = await listServices(db, { tld: "com" });
      expect(com.map((s) => s.code)).toEqual(["domain.com.register", "domain.com.trade"]);
      expect((await listServices(db, { kind: "ssl" })).map((s) => s.code)).toEqual([
        "ssl.positive-ssl-wildcard.renew",
      ]);
      const off = await deactivateService(db, "domain.com.trade");
      expect(off.active).toBe(false);
      expect((await listServices(db, { tld: "com", active: true })).map((s) => s.code)).toEqual([
        "domain.com.register",
      ]);
      expect((await refusal(getService(db, "domain.nope.register"))).error).toBeInstanceOf(
        BillingNotFoundError,
      );
      expect((await refusal(deactivateService(db, "domain.nope.register"))).code).toBe("not_found");
      expect(await issues(listServices(db, { kind: "vps" } as never))).toEqual({
        kind: "must be one of domain, option, ssl, hosting",
      });
    });

    it("creates a TLD's services once, from its metadata, leaving edited ones alone", async () => {
      await upsertTld(db, {
        tld: "waw.pl",
        registerPeriods: [1, 2],
        renewPeriods: [1],
        transferPeriods: [1],
        optionsAvailable: true,
      });
      const first = await ensureCatalogForTld(db, "waw.pl");
      expect(first.created).toEqual([
        "domain.waw.pl.register",
        "domain.waw.pl.renew",
        "domain.waw.pl.transfer",
        "domain.waw.pl.trade",
        "option.waw.pl.create",
        "option.waw.pl.renew",
      ]);
      expect((await getService(db, "domain.waw.pl.register")).periods).toEqual([1, 2]);
      expect((await getService(db, "option.waw.pl.create")).periods).toEqual([3]);
      await upsertService(db, {
        kind: "domain",
        operation: "register",
        tld: "waw.pl",
        periods: [1],
        name: "Warszawa",
      });
      expect((await ensureCatalogForTld(db, "waw.pl")).created).toEqual([]);
      expect(await getService(db, "domain.waw.pl.register")).toMatchObject({
        periods: [1],
        name: "Warszawa",
      });
      expect((await ensureCatalogForTld(db, "com")).created).toEqual([
        "domain.com.renew",
        "domain.com.transfer",
      ]);
      expect((await refusal(ensureCatalogForTld(db, "nope"))).code).toBe("not_found");
    });
  });

  describe("offered kinds", () => {
    it("refuses to sell a switched-off kind or an inactive service", async () => {
      const ssl = await upsertService(db, {
        kind: "ssl",
        operation: "create",
        product: "Positive SSL",
        periods: [1],
      });
      expect(await offeredKinds(db)).toEqual(["domain", "option", "ssl"]);
      await expect(assertSellable(db, ssl.code)).resolves.toEqual(ssl);

      expect(await setServiceKindOffered(db, "ssl", false)).toEqual(["domain", "option"]);
      const off = await refusal(assertSellable(db, ssl.code));
      expect(off.error).toBeInstanceOf(BillingConflictError);
      expect(off.code).toBe("not_offered");
      expect(off.message).toBe(
        "ssl.positive-ssl.create cannot be sold: ssl services are switched off (setServiceKindOffered)",
      );
      await setServiceKindOffered(db, "ssl", true);
      await expect(assertSellable(db, ssl.code)).resolves.toMatchObject({ code: ssl.code });

      const hosting = await refusal(assertSellable(db, "hosting.zolty-start-10-gb.create"));
      expect(hosting.code).toBe("not_offered"); // hosting is off until the partner switches it on
      await setServiceKindOffered(db, "hosting", true);
      await expect(assertSellable(db, "hosting.zolty-start-10-gb.create")).resolves.toMatchObject({
        kind: "hosting",
      });

      const inactive = await refusal(assertSellable(db, "domain.com.trade"));
      expect(inactive).toMatchObject({
        code: "not_offered",
        message: "domain.com.trade cannot be sold: the service is inactive",
      });
      expect((await refusal(assertSellable(db, "domain.nope.register"))).code).toBe("not_found");
      expect(await issues(setServiceKindOffered(db, "vps" as never, "yes" as never))).toEqual({
        kind: "must be one of domain, option, ssl, hosting",
        enabled: "must be true or false",
      });
    });
  });

  describe("hosting costs", () => {
    it("records each cost as a manual import, keeping the history", async () => {
      const code = "hosting.zolty-start-10-gb.create";
      const first = await setHostingCost(db, {
        service: code,
        period: 1,
        cost: money(12_000),
        at: new Date("2026-01-01T00:00:00Z"),
      });
      expect(first).toMatchObject({ service: code, period: 1, cost: money(12_000), previous: null });
      const second = await setHostingCost(db, { service: code, period: 1, cost: money(13_500) });
      expect(second.previous).toEqual(money(12_000));
      expect(second.importId).toBeGreaterThan(first.importId);
      const { rows } = await db.query<{ source: string; mapped: number; changed: number; imported_at: Date }>(
        "SELECT source, mapped, changed, imported_at FROM wholesale_imports WHERE id = ANY ($1::int[]) ORDER BY id",
        [[first.importId, second.importId]],
      );
      expect(rows.map((r) => [r.source, r.mapped, r.changed])).toEqual([
        ["manual", 1, 1],
        ["manual", 1, 1],
      ]);
      expect(rows[0]!.imported_at.toISOString()).toBe("2026-01-01T00:00:00.000Z");
      const current = await db.query<{ cost: number }>(
        "SELECT cost FROM current_wholesale cw JOIN services s ON s.id = cw.service_id WHERE s.code = $1 AND period = 1",
        [code],
      );
      expect(current.rows).toEqual([{ cost: 13_500 }]);
    });

    it("refuses costs of HRD services, of periods not sold and in other currencies, writing nothing", async () => {
      const before = await counts(db);
      const hrd = await refusal(
        setHostingCost(db, { service: "domain.com.register", period: 1, cost: money(100) }),
      );
      expect(hrd).toMatchObject({ code: "not_hosting" });
      expect(hrd.message).toMatch(/comes from HRD's price list/);
      expect(
        await issues(
          setHostingCost(db, { service: "hosting.zolty-start-10-gb.create", period: 2, cost: money(100) }),
        ),
      ).toEqual({ period: "hosting.zolty-start-10-gb.create is sold for 1 year, not 2" });
      expect(
        await issues(
          setHostingCost(db, {
            service: "hosting.zolty-start-10-gb.create",
            period: 0,
            cost: { amount: -1.5, currency: "EUR" },
          } as never),
        ),
      ).toEqual({
        period: "must be 1–10 years",
        "cost.amount": "must be grosze (an integer)",
        "cost.currency": "hosting costs are recorded in PLN",
      });
      expect(
        (await refusal(setHostingCost(db, { service: "hosting.nope.create", period: 1, cost: money(1) })))
          .code,
      ).toBe("not_found");
      expect(await counts(db)).toEqual(before);
    });
  });

  describe("TLD groups", () => {
    it("keeps groups in position order and refuses TLDs the catalog does not have", async () => {
      await upsertTldGroup(db, { name: "Polskie", tlds: ["pl", "waw.pl", "net.pl"], position: 1 });
      await upsertTldGroup(db, { name: "Świat", tlds: ["com", "pl"], position: 0 });
      const moved = await upsertTldGroup(db, { name: "Polskie", tlds: ["waw.pl", "pl"] });
      expect(moved).toMatchObject({ name: "Polskie", tlds: ["waw.pl", "pl"], position: 1 });
      expect((await listTldGroups(db)).map((g) => g.name)).toEqual(["Francja", "Świat", "Polskie"]);
      const before = await counts(db);
      expect(await issues(upsertTldGroup(db, { name: "Zły", tlds: ["pl", "xyz", "pl", "Com"] }))).toEqual({
        "tlds.2": "pl is listed twice",
        "tlds.3": 'must be lowercase: "com"',
      });
      expect(await issues(upsertTldGroup(db, { name: "Zły", tlds: ["pl", "xyz", "abc"] }))).toEqual({
        "tlds.1": "xyz is not in the catalog: add it with upsertTld first",
        "tlds.2": "abc is not in the catalog: add it with upsertTld first",
      });
      expect(await issues(upsertTldGroup(db, { name: " ", tlds: [] }))).toEqual({
        name: "must be the group's name",
        tlds: "needs at least one TLD",
      });
      expect(await counts(db)).toEqual(before);
    });
  });
});

describe.each(drivers())("default catalog seed on $name", (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await driver.open();
  });
  afterAll(() => driver.dispose(db));

  async function snapshot() {
    const t = await db.query("SELECT * FROM tlds ORDER BY tld");
    const s = await db.query("SELECT * FROM services ORDER BY code");
    const g = await db.query("SELECT * FROM tld_groups ORDER BY name");
    return { tlds: t.rows, services: s.rows, groups: g.rows };
  }

  it("seeds TLDs, domain, option and SSL services, and gives the same rows when run again", async () => {
    const plFamily = DEFAULT_TLDS.filter((t) => t.tld === "pl" || t.tld.endsWith(".pl")).length;
    const first = await seedDefaultCatalog(db);
    expect(first).toEqual({
      tlds: DEFAULT_TLDS.length,
      services: DEFAULT_TLDS.length * 4 + plFamily * 2 + 11 * 2 + 2,
      tldGroups: 2,
    });
    const rows = await snapshot();
    expect(await seedDefaultCatalog(db)).toEqual({ tlds: 0, services: 0, tldGroups: 0 });
    expect(await snapshot()).toEqual(rows);

    expect((await getTld(db, "fr")).additionalData).toBe("fr");
    for (const [tld, data] of [
      ["it", "it"],
      ["us", "us"],
      ["ca", "ca"],
      ["es", "es"],
      ["com", null],
    ] as const) {
      expect((await getTld(db, tld)).additionalData).toBe(data);
    }
    expect(await getTld(db, "waw.pl")).toMatchObject({ idn: true, optionsAvailable: true });
    expect(await getTld(db, "com")).toMatchObject({ idn: false, optionsAvailable: false });
    expect(await getService(db, "option.com.pl.create")).toMatchObject({ periods: [3] });
    expect((await listServices(db, { kind: "option", tld: "com" })).length).toBe(0);
    const ssl = await listServices(db, { kind: "ssl" });
    expect(ssl.filter((s) => s.operation === "renew").map((s) => s.product)).not.toContain(
      "QuickSSL Premium Free Trial",
    );
    expect(await getService(db, "ssl.comodo-free-trial-ssl.create")).toMatchObject({ periods: [1] });
    expect(await getService(db, "ssl.true-businessid-ev.renew")).toMatchObject({ periods: [1, 2, 3] });
  });

  it("holds data that passes the partner's own validation", async () => {
    for (const t of await listTlds(db)) {
      const { updatedAt: _u, ...input } = t;
      await expect(upsertTld(db, input)).resolves.toMatchObject({ tld: t.tld });
    }
    for (const s of await listServices(db)) {
      await expect(
        upsertService(db, {
          kind: s.kind,
          operation: s.operation,
          ...(s.tld ? { tld: s.tld } : {}),
          ...(s.product ? { product: s.product } : {}),
          periods: s.periods,
        }),
      ).resolves.toEqual(s);
    }
  });

  it("never overwrites what the partner changed", async () => {
    const { updatedAt: _u, ...com } = await getTld(db, "com");
    await upsertTld(db, { ...com, idn: true });
    await deactivateService(db, "domain.com.trade");
    await upsertTldGroup(db, { name: "Popularne", tlds: ["pl"] });
    expect(await seedDefaultCatalog(db)).toEqual({ tlds: 0, services: 0, tldGroups: 0 });
    expect(await getTld(db, "com")).toMatchObject({ idn: true });
    expect((await getService(db, "domain.com.trade")).active).toBe(false);
    expect((await listTldGroups(db)).find((g) => g.name === "Popularne")?.tlds).toEqual(["pl"]);
  });
});
