import { X509Certificate } from "node:crypto";
import { HrdApiError, HrdValidationError } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CERT_CONTACT, makeCsr } from "./scenarios/cert.js";
import { PERSON, sandboxAndClient } from "./support/fixtures.js";

/** Sandbox convention: the approver "clicks" 10 minutes (sandbox time) after the order's action completes. */
const APPROVAL_MS = 10 * 60_000;

type Csr = Awaited<ReturnType<typeof makeCsr>>;

/** SSL certificates (cert/*) against the sandbox over TLS. */
describe("SSL certificates", () => {
  let env: Awaited<ReturnType<typeof sandboxAndClient>>;
  let person: number;
  let other: number;
  let shop: Csr;
  let wildcard: Csr;
  let www: Csr;

  const grosze = (v: string | null | undefined) => Math.round(Number(v) * 100);
  const price = async (service: string, label: "Rejestracja" | "Odnowienie") =>
    grosze(
      (await env.client.partner.getPricingInfo({ name: service })).prices.find((p) => p.name === label)
        ?.value,
    );
  const balance = async () => (await env.client.partner.getBalance()).balance.grosze;
  const charges = (actionId: number) => env.sandbox.state.ledger.filter((e) => e.actionId === actionId);
  const approve = () => env.sandbox.clock.advance(APPROVAL_MS + 1_000);
  /** Date of an SDK date-time (the sandbox writes UTC), to the second. */
  const at = (sdkDate: string | undefined) => new Date(`${sdkDate}Z`).getTime();
  const spkiOf = (pem: string) => new X509Certificate(pem).publicKey.export({ type: "spki", format: "der" });

  const order = (csr: Csr, extra: Partial<Parameters<typeof env.client.cert.create>[0]> = {}) =>
    env.client.cert.create({
      product: "Positive SSL",
      approverEmail: "admin@sklep.pl",
      csr: csr.pem,
      adminContact: CERT_CONTACT,
      userId: person,
      ...extra,
    });

  beforeAll(async () => {
    env = await sandboxAndClient({ startAt: "2025-03-10T10:00:00Z" });
    person = (await env.client.user.create(PERSON)).id;
    other = (await env.client.user.create({ ...PERSON, email: "inny@example.com" })).id;
    [shop, wildcard, www] = await Promise.all([
      makeCsr("sklep.pl"),
      makeCsr("*.sklep.pl", "rsa"),
      makeCsr("www.sklep.pl"),
    ]);
  });
  afterAll(() => env.close());

  it("lists one service code per certificate product with its prices", async () => {
    const codes = await env.client.partner.getPricingsList();
    const certCodes = codes.filter((c) => c.startsWith("c_"));
    expect(certCodes).toHaveLength(13);
    expect(certCodes).toEqual(
      expect.arrayContaining(["c_positive_ssl", "c_comodo_ssl_wildcard", "c_true_businessid_ev"]),
    );
    const positive = await env.client.partner.getPricingInfo({ name: "c_positive_ssl" });
    expect(positive.prices).toEqual([
      { name: "Rejestracja", value: "35.00" },
      { name: "Odnowienie", value: "32.00" },
    ]);
    const trial = await env.client.partner.getPricingInfo({ name: "c_comodo_free_trial_ssl" });
    expect(trial.prices).toEqual([
      { name: "Rejestracja", value: "0.00" },
      { name: "Odnowienie", value: null },
    ]);
  });

  it("orders a certificate: awaitingApproval, issued after the approver's click, a PEM for the CSR's key and CN", async () => {
    const before = await balance();
    const created = await order(shop, { period: 2, insurance: true });
    const pending = await env.client.cert.info({ id: created.certId });
    expect(pending).toMatchObject({
      product: "Positive SSL",
      status: "awaitingApproval",
      domain: "sklep.pl",
      approverEmail: "admin@sklep.pl",
      user: person,
      certContactId: created.certContactId,
      insurance: true,
      exDate: undefined,
    });
    expect(pending.csr).toBe(shop.pem);
    const early = await env.client.cert.get({ id: created.certId }).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(HrdApiError);
    expect((early as HrdApiError).hrdMessage).toMatch(/nie został jeszcze wystawiony/);

    env.sandbox.clock.advance(APPROVAL_MS / 2);
    expect((await env.client.cert.info({ id: created.certId })).status).toBe("awaitingApproval");
    approve();
    const issued = await env.client.cert.info({ id: created.certId });
    expect(issued.status).toBe("issued");

    const { certificate } = await env.client.cert.get({ id: created.certId });
    expect(certificate).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----$/);
    const x = new X509Certificate(certificate);
    expect(spkiOf(certificate).equals(shop.spki)).toBe(true);
    expect(x.subject).toBe("CN=sklep.pl");
    expect(x.subjectAltName).toBe("DNS:sklep.pl, DNS:www.sklep.pl");
    const ca = new X509Certificate(env.sandbox.state.certs.get(created.certId)!.caCertificate!);
    expect(x.checkIssued(ca)).toBe(true);
    expect(x.verify(ca.publicKey)).toBe(true);
    expect(x.ca).toBe(false);
    // exDate = issue + period (2 years), and the certificate says the same.
    const notBefore = new Date(x.validFrom).getTime();
    const notAfter = new Date(x.validTo).getTime();
    expect(notAfter).toBe(at(issued.exDate));
    const twoYears = new Date(notBefore);
    twoYears.setUTCFullYear(twoYears.getUTCFullYear() + 2);
    expect(notAfter).toBe(twoYears.getTime());

    // Charged once, the price list's price × period.
    const expected = 2 * (await price("c_positive_ssl", "Rejestracja"));
    expect(charges(created.actionId).map((e) => e.amount)).toEqual([expected]);
    expect(await balance()).toBe(before - expected);
  });

  it("renews: the old certificate stays downloadable, a second renew meanwhile is refused, the new one runs on", async () => {
    const created = await order(shop, { period: 1 });
    approve();
    const first = await env.client.cert.info({ id: created.certId });
    const { certificate: oldPem } = await env.client.cert.get({ id: created.certId });

    const renewed = await env.client.cert.renew({
      id: created.certId,
      period: 1,
      approverEmail: "webmaster@sklep.pl",
    });
    // HRD answers under <cert><renew> (its PHP client reads <cert><create>); the SDK reads the right path.
    expect(renewed).toEqual({
      actionId: expect.any(Number),
      certId: created.certId,
      certContactId: created.certContactId,
    });
    const during = await env.client.cert.info({ id: created.certId });
    expect(during).toMatchObject({ status: "awaitingApproval", approverEmail: "webmaster@sklep.pl" });
    expect((await env.client.cert.get({ id: created.certId })).certificate).toBe(oldPem);

    const before = await balance();
    const again = await env.client.cert.renew({ id: created.certId, period: 1 }).catch((e: unknown) => e);
    expect((again as HrdApiError).hrdMessage).toMatch(/nie można go teraz odnowić/);
    expect(await balance()).toBe(before);

    approve();
    const after = await env.client.cert.info({ id: created.certId });
    expect(after.status).toBe("issued");
    const oneYearMore = new Date(at(first.exDate));
    oneYearMore.setUTCFullYear(oneYearMore.getUTCFullYear() + 1);
    expect(at(after.exDate)).toBe(oneYearMore.getTime());
    const { certificate: newPem } = await env.client.cert.get({ id: created.certId });
    expect(newPem).not.toBe(oldPem);
    expect(new Date(new X509Certificate(newPem).validTo).getTime()).toBe(at(after.exDate));

    const renewals = env.sandbox.state.ledger.filter(
      (e) => e.type === "renew" && e.actionId === renewed.actionId,
    );
    expect(renewals.map((e) => e.amount)).toEqual([await price("c_positive_ssl", "Odnowienie")]);
  });

  it("renews with a new CSR only for the same domain", async () => {
    const created = await order(shop);
    approve();
    const wrong = await env.client.cert
      .renew({ id: created.certId, period: 1, csr: www.pem })
      .catch((e: unknown) => e);
    expect((wrong as HrdApiError).hrdMessage).toMatch(/tej samej domeny/);
    const fresh = await makeCsr("sklep.pl", "rsa");
    await env.client.cert.renew({ id: created.certId, period: 1, csr: fresh.pem });
    approve();
    const { certificate } = await env.client.cert.get({ id: created.certId });
    expect(spkiOf(certificate).equals(fresh.spki)).toBe(true);
  });

  it("wildcard products need a *. CN and the others refuse one, charging nothing", async () => {
    const before = await balance();
    const ledger = env.sandbox.state.ledger.length;
    const certs = env.sandbox.state.certs.size;
    const contacts = env.sandbox.state.certContacts.size;
    const noStar = await order(shop, { product: "Positive SSL + Wildcard" }).catch((e: unknown) => e);
    expect((noStar as HrdApiError).hrdMessage).toMatch(/wymaga CSR z CN w postaci \*\.domena/);
    const star = await order(wildcard, { product: "Comodo SSL" }).catch((e: unknown) => e);
    expect((star as HrdApiError).hrdMessage).toMatch(/nie obejmuje certyfikatów wildcard/);
    expect(await balance()).toBe(before);
    expect(env.sandbox.state.ledger).toHaveLength(ledger);
    expect(env.sandbox.state.certs.size).toBe(certs);
    expect(env.sandbox.state.certContacts.size).toBe(contacts);

    const ok = await order(wildcard, { product: "Positive SSL + Wildcard" });
    approve();
    expect((await env.client.cert.info({ id: ok.certId })).domain).toBe("*.sklep.pl");
    const { certificate } = await env.client.cert.get({ id: ok.certId });
    const x = new X509Certificate(certificate);
    expect(x.subject).toBe("CN=*.sklep.pl");
    expect(x.subjectAltName).toBe("DNS:*.sklep.pl, DNS:sklep.pl");
    expect(x.publicKey.asymmetricKeyType).toBe("rsa");
    expect(spkiOf(certificate).equals(wildcard.spki)).toBe(true);
    expect(charges(ok.actionId).map((e) => e.amount)).toEqual([
      await price("c_positive_ssl_wildcard", "Rejestracja"),
    ]);
  });

  it("refuses an approver e-mail that is not one of the domain's usual addresses, charging nothing", async () => {
    const before = await balance();
    const ledger = env.sandbox.state.ledger.length;
    const certs = env.sandbox.state.certs.size;
    const contacts = env.sandbox.state.certContacts.size;
    for (const approverEmail of ["jan@sklep.pl", "admin@innadomena.pl", "admin@pl"]) {
      const err = await order(shop, { approverEmail }).catch((e: unknown) => e);
      expect(err, approverEmail).toBeInstanceOf(HrdApiError);
      expect((err as HrdApiError).hrdMessage).toMatch(/approverEmail/);
      expect((err as HrdApiError).hrdMessage).toContain("admin@sklep.pl, administrator@sklep.pl");
    }
    expect(await balance()).toBe(before);
    expect(env.sandbox.state.ledger).toHaveLength(ledger);
    expect(env.sandbox.state.certs.size).toBe(certs);
    expect(env.sandbox.state.certContacts.size).toBe(contacts);
    // For www.sklep.pl the parent domain's mailboxes approve too.
    const ok = await order(www, { approverEmail: "hostmaster@sklep.pl" });
    expect((await env.client.cert.info({ id: ok.certId })).domain).toBe("www.sklep.pl");
  });

  it("checks the CSR in the SDK by its armour only, and in the sandbox by parsing it", async () => {
    const sent = env.sandbox.counts.get("cert/create") ?? 0;
    const notPem = await order(shop, { csr: "MIIBxyz" }).catch((e: unknown) => e);
    expect(notPem).toBeInstanceOf(HrdValidationError);
    expect((notPem as HrdValidationError).issues.map((i) => i.path)).toEqual(["csr"]);
    expect(env.sandbox.counts.get("cert/create") ?? 0).toBe(sent);

    // Well armoured, but not a PKCS#10 request: only a parser notices.
    const body = Buffer.concat([Buffer.from([0x30, 0x20]), Buffer.alloc(32, 7)]).toString("base64");
    const fake = `-----BEGIN CERTIFICATE REQUEST-----\n${body}\n-----END CERTIFICATE REQUEST-----`;
    const refused = await order(shop, { csr: fake }).catch((e: unknown) => e);
    expect((refused as HrdApiError).hrdMessage).toMatch(/CSR nie jest poprawnym żądaniem/);

    // A CN that is not a domain name.
    const person = await makeCsr("Jan Kowalski");
    const badCn = await order(person, { csr: person.pem }).catch((e: unknown) => e);
    expect((badCn as HrdApiError).hrdMessage).toMatch(/CN/);
  });

  it("names every bad field of adminContact before sending, and wants exactly one of adminContact/certContactId", async () => {
    const sent = env.sandbox.counts.get("cert/create") ?? 0;
    const err = await env.client.cert
      .create({
        product: "Positive SSL",
        approverEmail: "nope",
        csr: shop.pem,
        adminContact: {
          ...CERT_CONTACT,
          title: "Sir" as "Mr",
          firstName: "Łukasz",
          lastName: "",
          role: "CEO" as "President",
          email: "bardzo.dlugi.adres.pocztowy@przykladowa-firma.pl",
          phoneCC: "+48a",
          phoneN: "1234567890123456",
          city: "Kraków",
          postCode: "00 001",
          country: "XX",
        },
        userId: person,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HrdValidationError);
    expect((err as HrdValidationError).issues.map((i) => i.path).sort()).toEqual([
      "adminContact.city",
      "adminContact.country",
      "adminContact.email",
      "adminContact.firstName",
      "adminContact.lastName",
      "adminContact.phoneCC",
      "adminContact.phoneN",
      "adminContact.postCode",
      "adminContact.role",
      "adminContact.title",
      "approverEmail",
    ]);
    expect((err as Error).message).toContain("no Polish letters");

    const both = await order(shop, { certContactId: 5 }).catch((e: unknown) => e);
    expect((both as HrdValidationError).issues).toEqual([
      { path: "adminContact", message: "give either adminContact or certContactId, not both" },
    ]);
    const none = await order(shop, { adminContact: undefined }).catch((e: unknown) => e);
    expect((none as HrdValidationError).issues.map((i) => i.path)).toEqual(["adminContact"]);
    expect(env.sandbox.counts.get("cert/create") ?? 0).toBe(sent);
  });

  it("keeps the admin contact given at order as a cert contact with an id; certContactId reuses it", async () => {
    const created = await order(shop, { adminContact: { ...CERT_CONTACT, phoneN: "22 100 32 48" } });
    const contact = await env.client.cert.contactInfo({ id: created.certContactId });
    expect(contact).toEqual({
      ...CERT_CONTACT,
      phoneCC: "48",
      phoneN: "221003248",
      taxId: undefined,
      address2: undefined,
      userId: person,
    });
    const reused = await order(shop, { adminContact: undefined, certContactId: created.certContactId });
    expect(reused.certContactId).toBe(created.certContactId);
    expect(reused.certId).not.toBe(created.certId);

    const foreign = await order(shop, {
      adminContact: undefined,
      certContactId: created.certContactId,
      userId: other,
    }).catch((e: unknown) => e);
    expect((foreign as HrdApiError).hrdMessage).toMatch(/innego abonenta/);
    const missing = await order(shop, { adminContact: undefined, certContactId: 999_999 }).catch(
      (e: unknown) => e,
    );
    expect((missing as HrdApiError).hrdMessage).toMatch(/Kontakt certyfikatu nie istnieje/);

    env.sandbox.state.pageSize = 2;
    try {
      const certIds: number[] = [];
      for await (const id of env.client.iterate("cert/list")) certIds.push(id);
      expect(certIds).toEqual([...env.sandbox.state.certs.keys()].sort((a, b) => a - b));
      expect(certIds).toEqual(expect.arrayContaining([created.certId, reused.certId]));
      const contactIds: number[] = [];
      for await (const id of env.client.iterate("cert/contactList")) contactIds.push(id);
      expect(contactIds.filter((id) => id === created.certContactId)).toHaveLength(1);
      expect(contactIds).toHaveLength(env.sandbox.state.certContacts.size);
    } finally {
      env.sandbox.state.pageSize = 100;
    }
    const nothing = await env.client.cert.info({ id: 999_999 }).catch((e: unknown) => e);
    expect((nothing as HrdApiError).hrdMessage).toMatch(/Certyfikat nie istnieje/);
  });

  it("free trials cost nothing, run 30 days and cannot be renewed", async () => {
    const created = await order(shop, { product: "Comodo Free Trial SSL", period: 1 });
    approve();
    const info = await env.client.cert.info({ id: created.certId });
    expect(info.status).toBe("issued");
    const x = new X509Certificate((await env.client.cert.get({ id: created.certId })).certificate);
    expect(new Date(x.validTo).getTime() - new Date(x.validFrom).getTime()).toBe(30 * 86_400_000);
    expect(charges(created.actionId)).toEqual([]);
    const renew = await env.client.cert.renew({ id: created.certId, period: 1 }).catch((e: unknown) => e);
    expect((renew as HrdApiError).hrdMessage).toMatch(/testowego nie można odnowić/);
  });

  it("expires once the clock passes exDate; an expired certificate can be renewed", async () => {
    const created = await order(shop, { period: 1 });
    approve();
    const info = await env.client.cert.info({ id: created.certId });
    env.sandbox.clock.set(new Date(at(info.exDate) + 1_000));
    expect((await env.client.cert.info({ id: created.certId })).status).toBe("expired");
    const renewed = await env.client.cert.renew({ id: created.certId, period: 1 });
    approve();
    const after = await env.client.cert.info({ id: created.certId });
    expect(after.status).toBe("issued");
    expect(at(after.exDate)).toBeGreaterThan(env.sandbox.clock.nowMs());
    expect(charges(renewed.actionId)).toHaveLength(1);
  });
});
