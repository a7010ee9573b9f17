/**
 * What HRD reports after a service was bought becomes a notice to the customer whose service it
 * is: a transfer's or trade's step, a certificate issued, a certificate about to expire. A name no
 * customer has tells nobody; the same fact again makes no second notice; a bad fact is refused
 * naming each bad field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomer, updateCustomer } from "../src/customers/customers.js";
import { addCustomerService } from "../src/customers/services.js";
import type { Db } from "../src/db/db.js";
import { setSellerSettings } from "../src/documents/settings.js";
import { BillingConflictError, BillingValidationError } from "../src/errors.js";
import { buildFact, notifyFact } from "../src/notify/billing-events.js";
import { setNotifySettings } from "../src/notify/settings.js";
import { drivers } from "./support/db.js";

const AT = new Date("2026-03-16T10:00:00Z");
const SEED = `
  INSERT INTO tlds (tld, register_periods, renew_periods) VALUES ('pl', '{1,2,3}', '{1,2,3}');
  INSERT INTO services (code, kind, operation, tld, product, name, periods) VALUES
    ('domain.pl.transfer', 'domain', 'transfer', 'pl', NULL, 'Transfer domeny .pl', '{1}'),
    ('ssl.positivessl.create', 'ssl', 'create', NULL, 'PositiveSSL', 'Certyfikat PositiveSSL', '{1,2}');`;
const SELLER = {
  name: "Żółw Hosting Sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Świętokrzyska 12", postcode: "00-916", city: "Warszawa", country: "PL" },
  bankAccount: "61109010140000071219812874",
  email: "biuro@zolw.example",
};
const address = { correspondence: { street: "ul. Polna 3", postcode: "30-001", city: "Kraków" } };

describe.each(drivers())("notices of transfers, trades and certificates on $name", (driver) => {
  let db: Db;
  let anna: number;
  let john: number;
  let domain: number;
  let cert: number;

  beforeAll(async () => {
    db = await driver.open();
    await db.exec(SEED);
    await setSellerSettings(db, SELLER);
    await setNotifySettings(
      db,
      { panelUrl: "https://panel.zolw.example", links: { manage: "{panelUrl}/uslugi/{serviceId}" } },
      "test",
    );
    anna = (
      await createCustomer(db, {
        name: "Anna Wiśniewska",
        email: "anna@wisniewska.example",
        mobilePhone: "500 100 200",
        addresses: address,
      })
    ).id;
    john = (
      await createCustomer(db, {
        name: "John Smith",
        email: "john@smith.example",
        language: "en",
        addresses: address,
      })
    ).id;
    await updateCustomer(db, john, { hrdUserId: 7788 });
    domain = (
      await addCustomerService(db, {
        customerId: anna,
        serviceCode: "domain.pl.transfer",
        name: "wiśniewska-ceramika.pl",
        period: 1,
        status: "active",
        startsOn: "2026-03-16",
        expiresOn: "2027-03-16",
      })
    ).id;
    cert = (
      await addCustomerService(db, {
        customerId: john,
        serviceCode: "ssl.positivessl.create",
        name: "sklep.smith.example",
        period: 1,
        status: "active",
        startsOn: "2026-03-16",
        expiresOn: "2026-04-15",
        hrdRef: "3307",
      })
    ).id;
  });
  afterAll(async () => {
    await driver.dispose(db);
  });

  it("tells the domain's customer that the transfer completed, once, in their language", async () => {
    const fact = { kind: "transfer.progress", domain: "WIŚNIEWSKA-ceramika.pl", stage: "completed" } as const;
    const [first] = await notifyFact(db, fact, { now: AT });
    expect(first!.customerId).toBe(anna);
    expect(first!.notices.map((n) => [n.channel, n.created])).toEqual([["email", true]]);
    const mail = first!.notices[0]!.notice;
    expect(mail).toMatchObject({
      event: "transfer.progress",
      recipient: "anna@wisniewska.example",
      subject: "Transfer domeny wiśniewska-ceramika.pl: zakończony",
      dedupeKey: `transfer.progress:${domain}:completed`,
    });
    expect(mail.text).toContain(`https://panel.zolw.example/uslugi/${domain}`);
    const [again] = await notifyFact(db, fact, { now: AT });
    expect(again!.notices.map((n) => [n.notice.id, n.created])).toEqual([[mail.id, false]]);
    // A rejection is another step: told too.
    const [rejected] = await notifyFact(db, { ...fact, stage: "rejected" }, { now: AT });
    expect(rejected!.notices[0]!.notice.subject).toBe("Transfer domeny wiśniewska-ceramika.pl: nieudany");
  });

  it("names the new holder of a trade when they are a customer, and keys the notice by the trade", async () => {
    const fact = {
      kind: "trade.progress",
      domain: "wiśniewska-ceramika.pl",
      stage: "completed",
      tradeId: 5123,
      newHolderHrdUserId: 7788,
    } as const;
    const [r] = await notifyFact(db, fact, { now: AT });
    expect(r!.notices[0]!.notice).toMatchObject({
      event: "trade.progress",
      customerId: anna,
      subject: "Cesja domeny wiśniewska-ceramika.pl: zakończona",
      dedupeKey: `trade.progress:${domain}:5123:completed`,
    });
    expect(r!.notices[0]!.notice.text).toContain("John Smith");
  });

  it("tells nobody about a domain or certificate that is no customer's service", async () => {
    expect(
      await buildFact(db, { kind: "transfer.progress", domain: "obca-domena.pl", stage: "completed" }),
    ).toEqual([]);
    expect(
      await notifyFact(db, { kind: "certificate.issued", certId: 999, validUntil: "2027-03-16" }),
    ).toEqual([]);
  });

  it("tells the certificate's customer it was issued, once per validity", async () => {
    const fact = {
      kind: "certificate.issued",
      certId: 3307,
      validUntil: "2027-03-16",
      commonName: "sklep.smith.example",
    } as const;
    const [r] = await notifyFact(db, fact, { now: AT });
    expect(r!.notices.map((n) => n.channel)).toEqual(["email"]);
    const mail = r!.notices[0]!.notice;
    expect(mail).toMatchObject({
      customerId: john,
      language: "en",
      subject: "Your SSL certificate for sklep.smith.example is ready",
      dedupeKey: `certificate.issued:${cert}:2027-03-16`,
    });
    expect(mail.text).toContain("PositiveSSL");
    expect(mail.text).toContain("16.03.2027");
    expect((await notifyFact(db, fact, { now: AT }))[0]!.notices[0]!.created).toBe(false);
    // Renewed and issued again: a new validity, a new notice.
    const [renewed] = await notifyFact(db, { ...fact, validUntil: "2028-03-16" }, { now: AT });
    expect(renewed!.notices[0]!.created).toBe(true);
  });

  it("reminds of a certificate's expiry on e-mail, and by SMS on the SMS days only", async () => {
    const week = await buildFact(db, { kind: "certificate.expiring", customerServiceId: cert, daysLeft: 30 });
    expect(week[0]).toMatchObject({
      event: "certificate.expiring",
      customerId: john,
      dedupeKey: `certificate.expiring:${cert}:2026-04-15:30d`,
      variables: { commonName: "sklep.smith.example", productName: "PositiveSSL", expiresOn: "15.04.2026" },
    });
    await setNotifySettings(
      db,
      { renewalReminderDays: [30, 7], reminderChannelDays: { sms: [7], phone: [] } },
      "t",
    );
    await updateCustomer(db, john, { mobilePhone: "+48 601 234 567" });
    const [in30] = await notifyFact(db, {
      kind: "certificate.expiring",
      customerServiceId: cert,
      daysLeft: 30,
    });
    expect(in30!.notices.map((n) => n.channel)).toEqual(["email"]);
    expect(in30!.skipped.map((s) => s.channel)).toContain("sms");
    const [in7] = await notifyFact(db, {
      kind: "certificate.expiring",
      customerServiceId: cert,
      daysLeft: 7,
    });
    expect(in7!.notices.map((n) => n.channel)).toEqual(["email", "sms"]);
    expect(in7!.notices[1]!.notice.text).toMatch(/^SSL certificate for sklep\.smith\.example/i);
    // A domain is reminded with renewal.reminder.
    await expect(
      buildFact(db, { kind: "certificate.expiring", customerServiceId: domain, daysLeft: 7 }),
    ).rejects.toMatchObject({ code: "not_a_certificate" });
    await expect(
      buildFact(db, { kind: "certificate.expiring", customerServiceId: domain, daysLeft: 7 }),
    ).rejects.toBeInstanceOf(BillingConflictError);
  });

  it("refuses a bad fact, naming every bad field", async () => {
    const err = await buildFact(db, {
      kind: "trade.progress",
      domain: "x",
      stage: "finished",
      tradeId: -1,
    } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BillingValidationError);
    const bad = await buildFact(db, {
      kind: "certificate.issued",
      certId: 3307,
      validUntil: "16.03.2027",
    } as never).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BillingValidationError);
    expect(JSON.stringify((bad as BillingValidationError).issues)).toContain("validUntil");
  });
});
