import {
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  createPriceGroup,
  type Db,
  MIGRATIONS,
  migrate,
  seedDefaultCatalog,
} from "@hrdkit/billing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addCustomerService,
  assignPriceGroup,
  consentHistory,
  createCustomer,
  currentConsents,
  customerParty,
  customersWithConsent,
  getCustomer,
  getCustomerService,
  importCustomers,
  listCustomerServices,
  normalisePhone,
  peselBirthDate,
  peselChecksumOk,
  recordConsent,
  servicesExpiringBetween,
  updateCustomer,
  updateCustomerService,
} from "../src/customers/index.js";
import { CUSTOMERS_MIGRATIONS } from "../src/db/migrations-customers.js";
import { drivers } from "./support/db.js";

/** A PESEL with a correct checksum for the first ten digits. */
function withCheck(ten: string): string {
  const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
  const sum = w.reduce((s, x, i) => s + x * Number(ten[i]), 0);
  return `${ten}${(10 - (sum % 10)) % 10}`;
}

const VALID_PESEL = withCheck("8501150123"); // born 1985-01-15
const PESEL_2005 = withCheck("0522290456"); // month 22 → February 2005... 29 Feb 2005 does not exist
const NIP = "1234563218";
const ADDRESS = { street: "ul. Prosta 1", postcode: "00-950", city: "Warszawa" };

async function issuesOf(p: Promise<unknown>): Promise<Record<string, string>> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BillingValidationError);
  return Object.fromEntries((err as BillingValidationError).issues.map((i) => [i.path, i.message]));
}

describe("PESEL and phone rules", () => {
  it("takes the century from the month and refuses days that do not exist", () => {
    expect(peselBirthDate(withCheck("0222150000"))).toBe("2002-02-15");
    expect(peselBirthDate(withCheck("9912310000"))).toBe("1999-12-31");
    expect(peselBirthDate(withCheck("0081010000"))).toBe("1800-01-01");
    expect(peselBirthDate(PESEL_2005)).toBeUndefined();
    expect(peselBirthDate(withCheck("0013010000"))).toBeUndefined(); // month 13
    expect(peselBirthDate(withCheck("0402300000"))).toBeUndefined(); // 30 February
  });

  it("catches any single mistyped digit of a PESEL by its checksum", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{10}$/),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 1, max: 9 }),
        (ten, pos, delta) => {
          const good = withCheck(ten);
          expect(peselChecksumOk(good)).toBe(true);
          const typo = good.slice(0, pos) + ((Number(good[pos]) + delta) % 10) + good.slice(pos + 1);
          expect(peselChecksumOk(typo)).toBe(false);
        },
      ),
    );
  });

  it("writes Polish phone numbers as +48 and nine digits", () => {
    expect(normalisePhone("601 234 567")).toBe("+48601234567");
    expect(normalisePhone("+48 (22) 123-45-67")).toBe("+48221234567");
    expect(normalisePhone("0048 601234567")).toBe("+48601234567");
    expect(normalisePhone("022 123 45 67")).toBe("+48221234567");
    expect(normalisePhone("+49 30 1234567")).toBe("+49301234567");
    expect(normalisePhone("+48 601 234 56")).toBeUndefined();
    expect(normalisePhone("12345")).toBeUndefined();
    expect(normalisePhone("601 234 567 wew. 12")).toBeUndefined();
  });
});

describe.each(drivers())("customers on $name", (driver) => {
  let db: Db;
  let standard: number;

  const count = async (table: string) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM ${table}`)).rows[0]!.n;
  const counts = async () => [
    await count("customers"),
    await count("customer_addresses"),
    await count("customer_consents"),
    await count("customer_services"),
  ];

  beforeAll(async () => {
    db = await driver.open();
    await migrate(db, [...MIGRATIONS, ...CUSTOMERS_MIGRATIONS]);
    standard = (await createPriceGroup(db, { name: "Standard" })).id;
    await seedDefaultCatalog(db);
  });
  afterAll(() => driver.dispose(db));

  it("keeps the minimal form: a name makes a person without details in the default group", async () => {
    const c = await createCustomer(db, { name: "  Anna Nowak " });
    expect(c).toMatchObject({
      name: "Anna Nowak",
      type: "person",
      pesel: null,
      nip: null,
      priceGroupId: standard,
      addresses: { correspondence: null, invoice: null, payer: null },
      consents: { newsletter: null, offers: null },
    });
    expect(await getCustomer(db, c.id)).toEqual(c);
    const hurt = await createPriceGroup(db, { name: "Hurt" });
    expect((await assignPriceGroup(db, c.id, hurt.id)).priceGroupId).toBe(hurt.id);
    await expect(customerParty(db, c.id, "buyer")).rejects.toMatchObject({ code: "no_address" });
  });

  it("stores a person with PESEL, contacts normalised, and prints the correspondence address", async () => {
    const c = await createCustomer(db, {
      name: "Jan Kowalski",
      pesel: VALID_PESEL,
      email: "Jan.Kowalski@Example.pl",
      mobilePhone: "601 234 567",
      landlinePhone: "(22) 123 45 67",
      hrdUserId: 4711,
      addresses: { correspondence: { ...ADDRESS, postcode: "00950" } },
    });
    expect(c).toMatchObject({
      type: "person",
      pesel: VALID_PESEL,
      email: "Jan.Kowalski@Example.pl",
      mobilePhone: "+48601234567",
      landlinePhone: "+48221234567",
      hrdUserId: 4711,
      addresses: {
        correspondence: { name: "Jan Kowalski", ...ADDRESS, country: "PL" },
        invoice: null,
        payer: null,
      },
    });
    expect(await customerParty(db, c.id, "buyer")).toEqual({
      name: "Jan Kowalski",
      pesel: VALID_PESEL,
      email: "Jan.Kowalski@Example.pl",
      address: { ...ADDRESS, country: "PL" },
    });
    // No payer: the buyer pays.
    expect(await customerParty(db, c.id, "payer")).toEqual(await customerParty(db, c.id, "buyer"));
  });

  it("stores a company by its NIP as written, with its own invoice address and a payer", async () => {
    const c = await createCustomer(db, {
      name: "Żółw Sp. z o.o.",
      nip: "PL 123-456-32-18",
      addresses: {
        correspondence: ADDRESS,
        invoice: {
          name: "Żółw Spółka z o.o. — księgowość",
          street: "ul. Krzywa 2",
          postcode: "30-001",
          city: "Kraków",
        },
        payer: {
          name: "Matka Holding S.A.",
          nip: "526-025-02-74",
          street: "al. Jana Pawła II 1",
          postcode: "00-001",
          city: "Warszawa",
        },
      },
    });
    expect(c.type).toBe("company");
    expect(c.nip).toBe(NIP);
    expect(await customerParty(db, c.id, "buyer")).toEqual({
      name: "Żółw Spółka z o.o. — księgowość",
      nip: NIP,
      address: { street: "ul. Krzywa 2", postcode: "30-001", city: "Kraków", country: "PL" },
    });
    expect(await customerParty(db, c.id, "payer")).toEqual({
      name: "Matka Holding S.A.",
      nip: "5260250274",
      address: { street: "al. Jana Pawła II 1", postcode: "00-001", city: "Warszawa", country: "PL" },
    });
  });

  it("stores an EU business by its VAT number for reverse charge", async () => {
    const c = await createCustomer(db, {
      name: "Schildkröte GmbH",
      euVat: { country: "de", number: "DE 123 456 789" },
      addresses: {
        correspondence: { street: "Hauptstraße 1", postcode: "10115", city: "Berlin", country: "de" },
      },
    });
    expect(c).toMatchObject({ type: "company", nip: null, euVat: { country: "DE", number: "123456789" } });
    expect((await customerParty(db, c.id, "buyer")).euVat).toEqual({ country: "DE", number: "123456789" });
    const issues = await issuesOf(
      createCustomer(db, {
        name: "X",
        euVat: { country: "PL", number: NIP },
        addresses: { correspondence: ADDRESS },
      }),
    );
    expect(Object.keys(issues)).toEqual(["euVat.country"]);
    expect(
      Object.keys(
        await issuesOf(
          createCustomer(db, {
            name: "X",
            euVat: { country: "FR", number: "12" },
            addresses: { correspondence: ADDRESS },
          }),
        ),
      ),
    ).toEqual(["euVat.number"]);
  });

  it("names every bad field at once and writes nothing", async () => {
    const before = await counts();
    const issues = await issuesOf(
      createCustomer(db, {
        name: "",
        pesel: VALID_PESEL.slice(0, 10) + ((Number(VALID_PESEL[10]) + 1) % 10),
        email: "not-an-email",
        mobilePhone: "12 34",
        landlinePhone: "+48 22 123",
      }),
    );
    expect(issues).toMatchObject({
      name: "must not be empty",
      pesel: expect.stringMatching(/checksum/),
      email: expect.any(String),
      mobilePhone: expect.stringMatching(/phone number/),
      landlinePhone: expect.stringMatching(/phone number/),
      "addresses.correspondence": expect.stringMatching(/required/),
    });
    const date = await issuesOf(
      createCustomer(db, { name: "Ola", pesel: PESEL_2005, addresses: { correspondence: ADDRESS } }),
    );
    expect(date).toEqual({ pesel: "does not encode a real date of birth" });
    const company = await issuesOf(
      createCustomer(db, {
        name: "Firma",
        type: "company",
        nip: "123-456-32-19",
        pesel: VALID_PESEL,
        addresses: {
          correspondence: { ...ADDRESS, postcode: "123" },
          payer: { name: "", street: "x", postcode: "00-001", city: "y" },
        },
      }),
    );
    expect(company).toMatchObject({
      nip: expect.stringMatching(/checksum/),
      pesel: "a company has no PESEL",
      "addresses.correspondence.postcode": expect.stringMatching(/NN-NNN/),
      "addresses.payer.name": "must not be empty",
    });
    expect(
      await issuesOf(
        createCustomer(db, { name: "Firma", type: "company", addresses: { correspondence: ADDRESS } }),
      ),
    ).toEqual({ nip: expect.stringMatching(/needs its NIP/) });
    expect(
      await issuesOf(
        createCustomer(db, { name: "Jan", nip: NIP, type: "person", addresses: { correspondence: ADDRESS } }),
      ),
    ).toEqual({ nip: expect.stringMatching(/a person has no NIP/) });
    expect(await counts()).toEqual(before);
  });

  it("updates partially, checks the customer as it will be, and refuses without writing", async () => {
    const c = await createCustomer(db, {
      name: "Ewa Zielińska",
      email: "ewa@example.pl",
      addresses: { correspondence: ADDRESS },
    });
    const before = await counts();
    // A person cannot just get a NIP; and the bad phone is named in the same error.
    const issues = await issuesOf(updateCustomer(db, c.id, { nip: NIP, mobilePhone: "abc" }));
    expect(Object.keys(issues).sort()).toEqual(["mobilePhone", "nip"]);
    // Clearing the only address of a customer with details is refused too.
    expect(await getCustomer(db, c.id)).toMatchObject({
      name: "Ewa Zielińska",
      nip: null,
      mobilePhone: null,
    });
    expect(await counts()).toEqual(before);

    const company = await updateCustomer(db, c.id, {
      type: "company",
      name: "Ewa Zielińska Usługi IT",
      nip: "1234563218",
      email: null,
      addresses: { invoice: { street: "ul. Nowa 5", postcode: "31-000", city: "Kraków" } },
    });
    expect(company).toMatchObject({
      type: "company",
      name: "Ewa Zielińska Usługi IT",
      nip: NIP,
      email: null,
      addresses: {
        correspondence: { name: "Ewa Zielińska Usługi IT", ...ADDRESS },
        invoice: { name: "Ewa Zielińska Usługi IT", street: "ul. Nowa 5" },
      },
    });
    expect(company.updatedAt.getTime()).toBeGreaterThanOrEqual(c.updatedAt.getTime());
    const back = await updateCustomer(db, c.id, { addresses: { invoice: null } });
    expect(back.addresses.invoice).toBeNull();
    expect((await customerParty(db, c.id, "buyer")).address.street).toBe(ADDRESS.street);
    await expect(updateCustomer(db, 999_999, { name: "X" })).rejects.toBeInstanceOf(BillingNotFoundError);
  });

  it("imports many customers in one go, or none when one of them is bad", async () => {
    const before = await counts();
    const issues = await issuesOf(
      importCustomers(db, [
        { name: "Dobry", addresses: { correspondence: ADDRESS } },
        { name: "Zły", nip: "1111111112", type: "company", addresses: { correspondence: ADDRESS } },
        { name: "Bez adresu", email: "a@b.pl" },
      ]),
    );
    expect(Object.keys(issues).sort()).toEqual(["1.nip", "2.addresses.correspondence"]);
    expect(await counts()).toEqual(before);
    const progress: number[] = [];
    const { ids } = await importCustomers(
      db,
      Array.from({ length: 5 }, (_, i) => ({
        name: `Import ${i}`,
        ...(i % 2 ? { nip: NIP } : {}),
        addresses: {
          correspondence: ADDRESS,
          ...(i === 4 ? { payer: { ...ADDRESS, name: "Płatnik" } } : {}),
        },
      })),
      { batchSize: 2, onProgress: (done) => progress.push(done) },
    );
    expect(progress).toEqual([2, 4, 5]);
    expect(ids).toHaveLength(5);
    const fifth = await getCustomer(db, ids[4]!);
    expect(fifth).toMatchObject({
      name: "Import 4",
      priceGroupId: standard,
      addresses: { payer: { name: "Płatnik" } },
    });
    expect((await getCustomer(db, ids[1]!)).type).toBe("company");
    // The sequence moved on: a customer created afterwards gets a fresh id.
    expect((await createCustomer(db, { name: "Po imporcie" })).id).toBeGreaterThan(ids[4]!);
  });

  it("keeps the consent history and lets the latest record win", async () => {
    const c = await createCustomer(db, {
      name: "Zgoda Testowa",
      email: "zgoda@example.pl",
      addresses: { correspondence: ADDRESS },
    });
    const t = (day: number) => new Date(Date.UTC(2026, 0, day, 12));
    await recordConsent(db, {
      customerId: c.id,
      kind: "offers",
      granted: true,
      at: t(1),
      via: "form",
      actor: "customer",
    });
    await recordConsent(db, {
      customerId: c.id,
      kind: "newsletter",
      granted: true,
      at: t(2),
      via: "panel",
      actor: "ania",
    });
    await recordConsent(db, {
      customerId: c.id,
      kind: "offers",
      granted: false,
      at: t(10),
      via: "email",
      actor: "ania",
      note: "wypis z maila",
    });
    // A paper form dated before the withdrawal, typed in after it, does not override it.
    await recordConsent(db, {
      customerId: c.id,
      kind: "offers",
      granted: true,
      at: t(5),
      via: "paper",
      actor: "bartek",
    });
    const history = await consentHistory(db, c.id);
    expect(history.map((h) => [h.kind, h.granted, h.via])).toEqual([
      ["offers", true, "form"],
      ["newsletter", true, "panel"],
      ["offers", true, "paper"],
      ["offers", false, "email"],
    ]);
    const now = await currentConsents(db, c.id);
    expect(now.offers).toMatchObject({ granted: false, actor: "ania", note: "wypis z maila" });
    expect(now.newsletter).toMatchObject({ granted: true, via: "panel" });
    expect((await currentConsents(db, c.id, t(7))).offers).toMatchObject({ granted: true, via: "paper" });
    expect((await getCustomer(db, c.id)).consents).toEqual(now);

    const before = await counts();
    const issues = await issuesOf(
      recordConsent(db, {
        customerId: c.id,
        kind: "sms" as "offers",
        granted: "yes" as unknown as boolean,
        at: new Date("nope"),
        via: "fax" as "form",
        actor: " ",
      }),
    );
    expect(Object.keys(issues).sort()).toEqual(["actor", "at", "granted", "kind", "via"]);
    await expect(
      recordConsent(db, {
        customerId: 999_999,
        kind: "offers",
        granted: true,
        at: t(1),
        via: "form",
        actor: "x",
      }),
    ).rejects.toBeInstanceOf(BillingNotFoundError);
    expect(await counts()).toEqual(before);
  });

  it("sends offers only to those whose latest consent at that moment grants it", async () => {
    const mk = (name: string) =>
      createCustomer(db, { name, email: `${name}@example.pl`, addresses: { correspondence: ADDRESS } });
    // One after another, not Promise.all: the pages come in id order, and the expectations
    // below name the customers in the order they were created.
    const made = [];
    for (const name of ["tak", "wycofal", "nigdy", "pozniej", "newsletter"]) made.push(await mk(name));
    const [yes, withdrew, never, later, newsletterOnly] = made;
    const t1 = new Date("2026-02-01T00:00:00Z");
    const t2 = new Date("2026-02-10T00:00:00Z");
    const sendAt = new Date("2026-02-15T00:00:00Z");
    const rec = (
      customerId: number,
      granted: boolean,
      when: Date,
      kind: "offers" | "newsletter" = "offers",
    ) => recordConsent(db, { customerId, kind, granted, at: when, via: "form", actor: "customer" });
    await rec(yes!.id, true, t1);
    await rec(withdrew!.id, true, t1);
    await rec(withdrew!.id, false, t2);
    await rec(later!.id, true, new Date("2026-03-01T00:00:00Z"));
    await rec(newsletterOnly!.id, true, t1, "newsletter");
    const mine = new Set([yes, withdrew, never, later, newsletterOnly].map((c) => c!.id));
    const all = async (kind: "offers" | "newsletter", moment: Date) => {
      const out: number[] = [];
      let afterId = 0;
      for (;;) {
        const page = await customersWithConsent(db, kind, { at: moment, afterId, limit: 1 });
        if (page.length === 0) return out.filter((id) => mine.has(id));
        out.push(...page.map((p) => p.customerId));
        afterId = page[page.length - 1]!.customerId;
      }
    };
    expect(await all("offers", sendAt)).toEqual([yes!.id]);
    expect(await all("offers", new Date("2026-02-05T00:00:00Z"))).toEqual([yes!.id, withdrew!.id]);
    expect(await all("offers", new Date("2026-03-02T00:00:00Z"))).toEqual([yes!.id, later!.id]);
    expect(await all("newsletter", sendAt)).toEqual([newsletterOnly!.id]);
    const [first] = await customersWithConsent(db, "offers", { at: sendAt, afterId: yes!.id - 1, limit: 1 });
    expect(first).toEqual({ customerId: yes!.id, name: "tak", email: "tak@example.pl", grantedAt: t1 });
  });

  it("records a customer's services with Unicode domain names and valid terms", async () => {
    const c = await createCustomer(db, { name: "Domenowy", addresses: { correspondence: ADDRESS } });
    const d = await addCustomerService(db, {
      customerId: c.id,
      serviceCode: "domain.pl.register",
      name: "XN--W-UGA1V8H.PL",
      period: 1,
      status: "active",
      startsOn: "2025-03-01",
      expiresOn: "2026-03-01",
    });
    expect(d).toMatchObject({
      name: "żółw.pl",
      kind: "domain",
      tld: "pl",
      serviceCode: "domain.pl.register",
      status: "active",
      expiresOn: "2026-03-01",
      autoRenew: true,
      hrdRef: null,
    });
    expect(await getCustomerService(db, d.id)).toEqual(d);
    // One holder per domain while it is live.
    await expect(
      addCustomerService(db, {
        customerId: c.id,
        serviceCode: "domain.pl.register",
        name: "Żółw.pl",
        period: 1,
      }),
    ).rejects.toBeInstanceOf(BillingConflictError);

    // Two adds of the same new name at once (two panels, two processes): one wins.
    const other = await createCustomer(db, { name: "Konkurent", addresses: { correspondence: ADDRESS } });
    const race = await Promise.allSettled(
      [c.id, other.id].map((customerId) =>
        addCustomerService(db, {
          customerId,
          serviceCode: "domain.pl.register",
          name: "wyscig.pl",
          period: 1,
        }),
      ),
    );
    expect(race.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect((race.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toMatchObject({
      code: "service_exists",
    });

    const before = await counts();
    const issues = await issuesOf(
      addCustomerService(db, {
        customerId: c.id,
        serviceCode: "domain.pl.register",
        name: "sub.example.com.pl",
        period: 0,
        status: "active",
      }),
    );
    expect(Object.keys(issues).sort()).toEqual(["expiresOn", "name", "period"]);
    expect(
      Object.keys(
        await issuesOf(
          addCustomerService(db, {
            customerId: c.id,
            serviceCode: "domain.nope.register",
            name: "a.nope",
            period: 1,
            expiresOn: "2026-02-30",
          }),
        ),
      ).sort(),
    ).toEqual(["expiresOn", "serviceCode"]);
    expect(
      await issuesOf(
        addCustomerService(db, {
          customerId: c.id,
          serviceCode: "domain.pl.register",
          name: "ex ample.pl",
          period: 1,
        }),
      ),
    ).toEqual({
      name: '"ex ample.pl" is not a domain name: " " is not allowed (letters, digits and hyphens in two or more labels, e.g. example.pl)',
    });
    expect(await counts()).toEqual(before);
    await expect(
      addCustomerService(db, {
        customerId: 999_999,
        serviceCode: "domain.pl.register",
        name: "nikogo.pl",
        period: 1,
      }),
    ).rejects.toBeInstanceOf(BillingNotFoundError);

    const { rows } = await db.query<{ code: string }>(
      "SELECT code FROM services WHERE kind = 'ssl' ORDER BY code LIMIT 1",
    );
    const cert = await addCustomerService(db, {
      customerId: c.id,
      serviceCode: rows[0]!.code,
      name: "*.Żółw.pl",
      period: 1,
      hrdRef: "cert-1",
      autoRenew: false,
    });
    expect(cert).toMatchObject({ name: "*.żółw.pl", kind: "ssl", status: "pending", autoRenew: false });
    expect((await listCustomerServices(db, c.id)).map((s) => s.name)).toEqual([
      d.name,
      ...(race[0]!.status === "fulfilled" ? ["wyscig.pl"] : []),
      cert.name,
    ]);

    const renewed = await updateCustomerService(db, d.id, { expiresOn: "2027-03-01", hrdRef: "D123" });
    expect(renewed).toMatchObject({ expiresOn: "2027-03-01", hrdRef: "D123", status: "active" });
    expect(await issuesOf(updateCustomerService(db, d.id, { expiresOn: "2024-01-01" }))).toEqual({
      expiresOn: "must be after startsOn (2025-03-01)",
    });
    await updateCustomerService(db, cert.id, { status: "cancelled" });
    await expect(updateCustomerService(db, cert.id, { status: "active" })).rejects.toMatchObject({
      code: "service_cancelled",
    });
  });

  it("walks the active services expiring in a window, a page at a time", async () => {
    const c = await createCustomer(db, { name: "Odnowienia", addresses: { correspondence: ADDRESS } });
    const made: number[] = [];
    for (let i = 0; i < 7; i++) {
      const s = await addCustomerService(db, {
        customerId: c.id,
        serviceCode: "domain.pl.register",
        name: `odnow-${i}.pl`,
        period: 1,
        status: i === 3 ? "pending" : "active",
        expiresOn: `2030-05-${String(10 + i).padStart(2, "0")}`,
        autoRenew: i !== 5,
      });
      made.push(s.id);
    }
    const walk = async (extra: { autoRenew?: boolean } = {}) => {
      const seen: string[] = [];
      let afterId = 0;
      for (;;) {
        const page = await servicesExpiringBetween(db, {
          from: "2030-05-11",
          to: "2030-05-15",
          afterId,
          limit: 2,
          ...extra,
        });
        if (page.length === 0) return seen;
        seen.push(...page.map((s) => s.name));
        afterId = page[page.length - 1]!.id;
      }
    };
    expect(await walk()).toEqual(["odnow-1.pl", "odnow-2.pl", "odnow-4.pl", "odnow-5.pl"]);
    expect(await walk({ autoRenew: true })).toEqual(["odnow-1.pl", "odnow-2.pl", "odnow-4.pl"]);
    expect(
      Object.keys(await issuesOf(servicesExpiringBetween(db, { from: "2030-05-15", to: "2030-05-01" }))),
    ).toEqual(["to"]);
  });
});
