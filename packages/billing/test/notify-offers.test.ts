import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consentHistory, currentConsents, recordConsent } from "../src/customers/consents.js";
import { createCustomer } from "../src/customers/customers.js";
import type { Db } from "../src/db/db.js";
import { setSellerSettings } from "../src/documents/settings.js";
import { BillingConflictError, BillingValidationError } from "../src/errors.js";
import type { Notice } from "../src/notify/notice.js";
import { getNotice, listNotices } from "../src/notify/notices-read.js";
import { previewSegment } from "../src/notify/offer-segments.js";
import {
  cancelOffer,
  createOffer,
  getOffer,
  listOfferRecipients,
  listOffers,
  type OfferInput,
  sendOffer,
  updateOffer,
} from "../src/notify/offers.js";
import { setNotifySettings } from "../src/notify/settings.js";
import { smsLength } from "../src/notify/sms-text.js";
import { unsubscribe, unsubscribeToken } from "../src/notify/unsubscribe.js";
import { runOutbox } from "../src/notify/worker.js";
import { drivers } from "./support/db.js";
import { FakeEmail, FakeSms } from "./support/notify-fakes.js";

// 11:00 in Warsaw: the partner sends the offer; next quarter is April–June 2026.
const SEND_AT = new Date("2026-03-20T10:00:00Z");
const SECRET = "k3J9-wq8Zt1xV0mB7yQ2nR5sL4pA6dE_"; // 32 characters, as an operator would generate
const BASE = "https://panel.zolw.example/oferty/wypisz";
const SELLER = {
  name: "Żółw Hosting Sp. z o.o.",
  nip: "1234563218",
  address: { street: "ul. Wiślana 8", postcode: "00-950", city: "Warszawa", country: "PL" },
  bankAccount: "61109010140000071219812874",
  email: "oferty@zolw.example",
  phone: "+48 22 100 20 30",
};
const NEXT_QUARTER_PL = { services: { tlds: ["pl"], expiringFrom: "2026-04-01", expiringTo: "2026-06-30" } };

const OFFER: OfferInput = {
  title: "Wiosna 2026: odnowienia .pl",
  subject: "{{customerName}}, odnów domenę .pl taniej",
  // The partner's HTML has no unsubscribe link of its own: the footer must add one.
  html: '<p>Dzień dobry {{customerName}},</p><p>do końca kwietnia odnowienie domeny .pl kosztuje 39 zł.</p>{{button "https://zolw.example/promocje" "Odnów teraz"}}',
  text: "Dzień dobry {{customerName}},\n\ndo końca kwietnia odnowienie domeny .pl kosztuje 39 zł.\nhttps://zolw.example/promocje",
  smsText: "{{sellerName}}: odnowienie .pl za 39 zl do 30.04.",
  channels: ["email", "sms"],
  segment: NEXT_QUARTER_PL,
};

describe.each(drivers())("offers on $name", (driver) => {
  let db: Db;
  const c: Record<string, number> = {};

  const service = (customer: number, code: string, name: string, expires: string, status = "active") =>
    db.query(
      `INSERT INTO customer_services (customer_id, service_id, name, status, period, starts_on, expires_on)
       SELECT $1, id, $3, $4, 1, '2025-01-01', $5 FROM services WHERE code = $2`,
      [customer, code, name, status, expires],
    );
  const consent = (
    customer: number,
    granted: boolean,
    at: string,
    kind: "offers" | "newsletter" = "offers",
  ) =>
    recordConsent(db, {
      customerId: customer,
      kind,
      granted,
      at: new Date(at),
      via: "form",
      actor: "bok@zolw",
    });
  const offerNotices = async (offerId: number): Promise<Notice[]> => {
    const { rows } = await db.query<{ id: number }>(
      "SELECT id FROM notices WHERE dedupe_key LIKE $1 ORDER BY id",
      [`offer:${offerId}:%`],
    );
    return Promise.all(rows.map((r) => getNotice(db, r.id)));
  };
  const tokenOf = (notice: Notice) => {
    const header = notice.headers?.["List-Unsubscribe"] ?? "";
    return new URL(header.slice(1, -1)).searchParams.get("t")!;
  };

  beforeAll(async () => {
    db = await driver.open();
    await db.exec(`
      INSERT INTO tlds (tld) VALUES ('pl'), ('com'), ('com.pl');
      INSERT INTO services (code, kind, operation, tld, name, periods) VALUES
        ('domain.pl.register', 'domain', 'register', 'pl', 'Rejestracja domeny .pl', '{1}'),
        ('domain.com.register', 'domain', 'register', 'com', 'Rejestracja domeny .com', '{1}'),
        ('domain.com.pl.register', 'domain', 'register', 'com.pl', 'Rejestracja domeny .com.pl', '{1}');
      INSERT INTO price_groups (id, name, is_default) VALUES (1, 'Standard', true), (2, 'Premium', false);`);
    await setSellerSettings(db, SELLER);
    const add = async (key: string, input: Parameters<typeof createCustomer>[1]) => {
      const correspondence = { street: "ul. Ogrodowa 1", postcode: "00-950", city: "Warszawa" };
      c[key] = (await createCustomer(db, { ...input, addresses: { correspondence } })).id;
    };
    await add("anna", {
      name: "Anna Wiśniewska",
      email: "anna@wisniewska.example",
      mobilePhone: "500 100 200",
    });
    await add("bartek", {
      name: "Bartek & Syn Sp. z o.o.",
      nip: "5260250274",
      email: "biuro@bartek.example",
      mobilePhone: "+48 501 100 201",
      priceGroupId: 2,
    });
    await add("celina", { name: "Celina Lis", email: "celina@lis.example" });
    await add("dariusz", { name: "Dariusz Kot", email: "dariusz@kot.example" });
    await add("ewa", { name: "Ewa Sowa", email: "ewa@sowa.example" });
    await add("filip", { name: "Filip Wrona", email: "filip@wrona.example" });
    await add("grzegorz", { name: "Grzegorz Bez Kontaktu" });
    await add("hanna", { name: "Hanna Sroka", email: "hanna@sroka.example" });
    await add("iga", { name: "Iga Czapla", email: "iga@czapla.example" });
    await add("jan", { name: "Jan Mewa", email: "jan@mewa.example" });
    await add("kasia", { name: "Kasia Szpak", email: "kasia@szpak.example" });

    await service(c.anna!, "domain.pl.register", "wisniewska-ceramika.pl", "2026-05-10");
    await service(c.bartek!, "domain.pl.register", "bartek-i-syn.pl", "2026-06-30");
    await service(c.celina!, "domain.pl.register", "celina.pl", "2026-07-01"); // after the quarter
    await service(c.dariusz!, "domain.com.register", "kot.com", "2026-05-01"); // not .pl
    await service(c.ewa!, "domain.pl.register", "sowa.pl", "2026-04-15");
    await service(c.filip!, "domain.pl.register", "wrona.pl", "2026-04-20");
    await service(c.grzegorz!, "domain.pl.register", "grzegorz.pl", "2026-05-05");
    await service(c.hanna!, "domain.pl.register", "sroka.pl", "2026-05-06", "expired"); // lapsed
    await service(c.iga!, "domain.pl.register", "czapla.pl", "2026-05-07");
    await service(c.jan!, "domain.com.pl.register", "mewa.com.pl", "2026-05-08"); // .com.pl is not .pl
    await service(c.kasia!, "domain.pl.register", "szpak.pl", "2026-05-09");

    for (const k of ["anna", "bartek", "celina", "dariusz", "grzegorz", "hanna", "jan", "kasia"]) {
      await consent(c[k]!, true, "2026-01-10T09:00:00Z");
    }
    await consent(c.ewa!, true, "2026-01-01T09:00:00Z");
    await consent(c.ewa!, false, "2026-03-01T09:00:00Z"); // withdrawn before the send
    await consent(c.filip!, true, "2026-03-25T09:00:00Z"); // given after the send
    await consent(c.iga!, true, "2026-01-10T09:00:00Z", "newsletter"); // a different consent
  });
  afterAll(async () => {
    await driver.dispose(db);
  });

  it("previews a segment: who matches, who may receive it at that moment, and a sample of them", async () => {
    const preview = await previewSegment(db, NEXT_QUARTER_PL, SEND_AT);
    // anna, bartek, ewa, filip, grzegorz, iga, kasia hold an active .pl expiring in April–June.
    expect(preview).toMatchObject({ matching: 7, withConsent: 4, withoutConsent: 3 });
    expect(preview.sample.map((s) => s.customerId)).toEqual([c.anna, c.bartek, c.grzegorz, c.kasia]);
    expect(preview.sample[0]).toEqual({
      customerId: c.anna,
      name: "Anna Wiśniewska",
      type: "person",
      email: "anna@wisniewska.example",
      mobilePhone: "+48500100200",
    });
    // Filip's consent is in force from 25 March; Iga has the newsletter consent only.
    expect((await previewSegment(db, NEXT_QUARTER_PL, new Date("2026-03-26T00:00:00Z"))).withConsent).toBe(5);
    expect(
      (await previewSegment(db, NEXT_QUARTER_PL, SEND_AT, { consentKind: "newsletter" })).withConsent,
    ).toBe(1);

    const companies = await previewSegment(db, { customerTypes: ["company"] }, SEND_AT);
    expect(companies).toMatchObject({ matching: 1, withConsent: 1 });
    // No price group of their own = the default group.
    const standard = await previewSegment(db, { priceGroupIds: [1] }, SEND_AT);
    expect(standard.matching).toBe(10);
    const premium = await previewSegment(db, { priceGroupIds: [2], services: { tlds: ["PL"] } }, SEND_AT);
    expect(premium.sample.map((s) => s.customerId)).toEqual([c.bartek]);
  });

  it("filters by the Warsaw day a customer was created", async () => {
    await db.query("UPDATE customers SET created_at = '2025-06-01T10:00:00Z'");
    // 23:30 UTC on 31 January is already 1 February in Warsaw.
    await db.query("UPDATE customers SET created_at = '2026-01-31T23:30:00Z' WHERE id = $1", [c.anna]);
    await db.query("UPDATE customers SET created_at = '2026-01-31T22:30:00Z' WHERE id = $1", [c.bartek]);
    const february = await previewSegment(
      db,
      { createdFrom: "2026-02-01", createdTo: "2026-02-28" },
      SEND_AT,
    );
    expect(february.sample.map((s) => s.customerId)).toEqual([c.anna]);
    const january = await previewSegment(db, { createdFrom: "2026-01-01", createdTo: "2026-01-31" }, SEND_AT);
    expect(january.sample.map((s) => s.customerId)).toEqual([c.bartek]);
  });

  it("refuses a bad segment and bad content, naming every field", async () => {
    const bad = await previewSegment(
      db,
      {
        // A typo must not silently widen the segment to everyone.
        tld: ["pl"],
        createdFrom: "2026-02-30",
        services: { expiringFrom: "2026-06-30", expiringTo: "2026-04-01", kinds: ["domena"] },
      } as never,
      SEND_AT,
    ).catch((e) => e);
    expect(bad).toBeInstanceOf(BillingValidationError);
    expect(bad.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      "segment",
      "segment.createdFrom",
      "segment.services.kinds.0",
    ]);

    const refused = await createOffer(
      db,
      {
        ...OFFER,
        subject: "",
        html: "<p>{{{customerName}}}</p><p>{{orderTotal}}</p>",
        text: "{{> footer}}",
        smsText: null,
      },
      "jan.operator",
    ).catch((e) => e);
    expect(refused).toBeInstanceOf(BillingValidationError);
    const byPath = Object.fromEntries(
      refused.issues.map((i: { path: string; message: string }) => [i.path, i.message]),
    );
    expect(Object.keys(byPath).sort()).toEqual(["html", "smsText", "subject", "text"]);
    expect(byPath.html).toMatch(/raw HTML/);
    expect(byPath.html).toMatch(/unknown variable: orderTotal/);
    expect(byPath.text).toMatch(/partials/);
    expect(byPath.smsText).toMatch(/required when the offer goes out by SMS/);
  });

  it("sends to the segment's consenting customers only, each e-mail with its own unsubscribe link and headers", async () => {
    const draft = await createOffer(db, OFFER, "jan.operator");
    expect(draft).toMatchObject({
      status: "draft",
      channels: ["email", "sms"],
      consentKind: "offers",
      language: "pl",
    });
    const progress: [number, number][] = [];
    const sent = await sendOffer(db, draft.id, {
      at: SEND_AT,
      actor: "jan.operator",
      unsubscribeBaseUrl: BASE,
      secret: SECRET,
      batchSize: 2,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(progress).toEqual([
      [2, 4],
      [4, 4],
    ]);
    expect(sent.handled).toEqual({ recipients: 3, emails: 3, sms: 2, skipped: 1 });
    expect(sent.offer).toMatchObject({
      status: "sent",
      sentAt: SEND_AT,
      sentBy: "jan.operator",
      counts: { recipients: 3, emails: 3, sms: 2, skipped: 1 },
    });

    const { recipients } = await listOfferRecipients(db, draft.id);
    expect(recipients.map((r) => r.customerId)).toEqual([c.anna, c.bartek, c.grzegorz, c.kasia]);
    expect(recipients[2]).toMatchObject({
      emailNoticeId: null,
      smsNoticeId: null,
      skippedReason: "no valid e-mail address and no valid mobile phone",
    });
    // Kasia has no mobile phone: her e-mail goes, no SMS.
    expect(recipients[3]).toMatchObject({ smsNoticeId: null, skippedReason: null });

    const notices = await offerNotices(draft.id);
    const mails = notices.filter((n) => n.channel === "email");
    expect(mails.map((n) => n.recipient)).toEqual([
      "anna@wisniewska.example",
      "biuro@bartek.example",
      "kasia@szpak.example",
    ]);
    const tokens = new Set<string>();
    for (const mail of mails) {
      const token = tokenOf(mail);
      tokens.add(token);
      const url = `${BASE}?t=${token}`;
      expect(token).toBe(unsubscribeToken(draft.id, mail.customerId!, SECRET));
      expect(mail.headers).toEqual({
        "List-Unsubscribe": `<${url}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      });
      expect(mail).toMatchObject({
        event: "offer",
        status: "queued",
        sender: SELLER.email,
        senderName: SELLER.name,
      });
      // The footer the partner did not write, in both parts.
      expect(mail.html).toContain(`<a href="${url}" style="color:#6b7280;">Rezygnuję z ofert</a>`);
      expect(mail.html).toContain(
        "wyrazili Państwo zgodę na otrzymywanie od Żółw Hosting Sp. z o.o. informacji handlowych",
      );
      expect(mail.text).toContain(`Rezygnacja z ofert: ${url}`);
      // Laid out in the partner's frame, with its footer data.
      expect(mail.html).toMatch(/^<!DOCTYPE html>/);
      expect(mail.html).toContain("NIP: 1234563218");
      expect(mail.text).toContain("-- \nŻółw Hosting Sp. z o.o.");
    }
    expect(tokens.size).toBe(3);
    const bartek = mails[1]!;
    expect(bartek.subject).toBe("Bartek & Syn Sp. z o.o., odnów domenę .pl taniej");
    // Values are escaped in the HTML (the body and the <title>), printed as they are in the text.
    expect(bartek.html).toContain("<p>Dzień dobry Bartek &amp; Syn Sp. z o.o.,</p>");
    expect(bartek.html).toContain("<title>Bartek &amp; Syn Sp. z o.o., odnów domenę .pl taniej</title>");
    expect(bartek.html).not.toContain("Bartek & Syn");
    expect(bartek.text).toMatch(/^Dzień dobry Bartek & Syn Sp\. z o\.o\.,/);

    const texts = notices.filter((n) => n.channel === "sms");
    expect(texts.map((n) => n.recipient)).toEqual(["+48500100200", "+48501100201"]);
    // Without Polish letters, as the default settings have every SMS: GSM-7, 160 characters a part.
    expect(texts[0]!.text).toBe(
      `Zolw Hosting Sp. z o.o.: odnowienie .pl za 39 zl do 30.04.\nRezygnacja: ${BASE}?t=${unsubscribeToken(draft.id, c.anna!, SECRET)}`,
    );
    expect(smsLength(texts[0]!.text).encoding).toBe("gsm-7");

    await expect(updateOffer(db, draft.id, { title: "Inny tytuł" }, "jan.operator")).rejects.toMatchObject({
      code: "offer_not_draft",
    });
    await expect(cancelOffer(db, draft.id, "jan.operator")).rejects.toMatchObject({ code: "offer_sent" });
  });

  it("never reaches anyone twice: a second send only reaches customers who consented since", async () => {
    const offer = (await listOffers(db, { status: "sent" })).offers[0]!;
    const before = await offerNotices(offer.id);
    const again = await sendOffer(db, offer.id, {
      at: SEND_AT,
      actor: "jan.operator",
      unsubscribeBaseUrl: BASE,
      secret: SECRET,
    });
    expect(again).toMatchObject({
      handled: { recipients: 0, emails: 0, sms: 0, skipped: 0 },
      alreadyHandled: 4,
    });
    expect(await offerNotices(offer.id)).toHaveLength(before.length);

    // Filip consented on 25 March: a send after that reaches him, and only him.
    const later = await sendOffer(db, offer.id, {
      at: new Date("2026-03-26T10:00:00Z"),
      actor: "jan.operator",
      unsubscribeBaseUrl: BASE,
      secret: SECRET,
    });
    expect(later.handled).toEqual({ recipients: 1, emails: 1, sms: 0, skipped: 0 });
    const after = await offerNotices(offer.id);
    expect(after.slice(before.length).map((n) => n.recipient)).toEqual(["filip@wrona.example"]);
    expect(later.offer).toMatchObject({
      status: "sent",
      sentAt: SEND_AT,
      counts: { recipients: 4, emails: 4 },
    });
    const perCustomer = new Map<string, number>();
    for (const n of after)
      perCustomer.set(
        `${n.customerId}/${n.channel}`,
        (perCustomer.get(`${n.customerId}/${n.channel}`) ?? 0) + 1,
      );
    expect([...perCustomer.values()].every((n) => n === 1)).toBe(true);
  });

  it("resumes a send that was cut off without sending anyone a second copy", async () => {
    const offer = await createOffer(
      db,
      { ...OFFER, title: "Przerwana wysyłka", channels: ["email"], smsText: null },
      "jan.operator",
    );
    const crash = await sendOffer(db, offer.id, {
      at: SEND_AT,
      actor: "jan.operator",
      unsubscribeBaseUrl: BASE,
      secret: SECRET,
      batchSize: 1,
      onProgress: () => {
        throw new Error("the process died after the first batch");
      },
    }).catch((e) => e);
    expect(crash).toBeInstanceOf(Error);
    expect(await getOffer(db, offer.id)).toMatchObject({ status: "sending", counts: { recipients: 1 } });
    expect(await offerNotices(offer.id)).toHaveLength(1);

    const progress: [number, number][] = [];
    const resumed = await sendOffer(db, offer.id, {
      at: SEND_AT,
      actor: "jan.operator",
      unsubscribeBaseUrl: BASE,
      secret: SECRET,
      batchSize: 10,
      onProgress: (d, t) => progress.push([d, t]),
    });
    expect(resumed).toMatchObject({ alreadyHandled: 1, handled: { recipients: 2, skipped: 1 } });
    expect(progress).toEqual([[4, 4]]);
    const mails = await offerNotices(offer.id);
    expect(mails.map((n) => n.recipient)).toEqual([
      "anna@wisniewska.example",
      "biuro@bartek.example",
      "kasia@szpak.example",
    ]);
  });

  it("the worker delivers the queued offer at the configured rate, headers and link intact", async () => {
    const email = new FakeEmail();
    const sms = new FakeSms();
    const queued = (await listNotices(db, { status: "queued", event: "offer", channel: "email", limit: 500 }))
      .notices;
    expect(queued).toHaveLength(7);
    const result = await runOutbox(
      db,
      { email, sms },
      { now: () => new Date("2026-03-26T10:05:00Z"), ratePerSecond: { email: 20 }, concurrency: 8 },
    );
    expect(result).toMatchObject({ sent: 9, failed: 0 });
    expect(email.accepted).toHaveLength(7);
    const times = email.accepted.map((m) => m.at);
    // 20 a second: 50 ms apart at least (a timer may fire a millisecond or so early).
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(45);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(6 * 45);
    for (const m of email.accepted) {
      const link = /^<(.+)>$/.exec(m.notice.headers?.["List-Unsubscribe"] ?? "")?.[1];
      expect(link).toMatch(/^https:\/\/panel\.zolw\.example\/oferty\/wypisz\?t=\d+\.\d+\.[\w-]{22}$/);
      expect(m.notice.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      expect(m.notice.html).toContain(`href="${link}"`);
      expect(m.notice.text).toContain(link);
    }
    expect(sms.accepted.map((m) => m.notice.to)).toEqual(["+48500100200", "+48501100201"]);
  });

  it("unsubscribes through the link: the withdrawal is in the history, a second click is a no-op", async () => {
    const offer = (await listOffers(db, { status: "sent" })).offers.find((o) => o.title === OFFER.title)!;
    const anna = (await offerNotices(offer.id)).find(
      (n) => n.customerId === c.anna && n.channel === "email",
    )!;
    const token = tokenOf(anna);
    const clickedAt = new Date("2026-03-27T18:30:00Z");
    const first = await unsubscribe(db, token, { secret: SECRET, at: clickedAt });
    expect(first).toMatchObject({
      offerId: offer.id,
      customerId: c.anna,
      kind: "offers",
      recorded: true,
      consent: {
        granted: false,
        at: clickedAt,
        via: "link",
        actor: "customer (unsubscribe link)",
        note: `unsubscribe link of offer ${offer.id} (${OFFER.title})`,
      },
    });
    const second = await unsubscribe(db, token, { secret: SECRET, at: new Date("2026-03-28T08:00:00Z") });
    expect(second).toEqual({ ...first, recorded: false });
    const history = await consentHistory(db, c.anna!);
    expect(history.map((h) => [h.granted, h.actor])).toEqual([
      [true, "bok@zolw"],
      [false, "customer (unsubscribe link)"],
    ]);
    expect((await currentConsents(db, c.anna!)).offers).toMatchObject({ granted: false });
    // She is out of the next send.
    const preview = await previewSegment(db, NEXT_QUARTER_PL, new Date("2026-03-28T00:00:00Z"));
    expect(preview.sample.map((s) => s.customerId)).not.toContain(c.anna);

    // Altered links are refused before anything is written.
    const [offerId, customerId, mac] = token.split(".") as [string, string, string];
    const flipped = `${mac.slice(0, 5)}${mac[5] === "A" ? "B" : "A"}${mac.slice(6)}`;
    const forged = [
      `${offerId}.${customerId}.${flipped}`,
      `${offerId}.${c.bartek}.${mac}`,
      `${offerId}.${customerId}.${mac.slice(0, -1)}`,
      unsubscribeToken(offer.id, c.bartek!, "another-partner's-secret-of-32-chars"),
      "",
    ];
    for (const t of forged) {
      const err = await unsubscribe(db, t, { secret: SECRET }).catch((e) => e);
      expect(err).toBeInstanceOf(BillingValidationError);
      expect(err.issues).toEqual([
        { path: "token", message: expect.stringMatching(/not a valid unsubscribe link/) },
      ]);
    }
    expect(await consentHistory(db, c.bartek!)).toHaveLength(1);
  });

  it("edits drafts only, cancels a draft, and refuses to send a cancelled offer", async () => {
    const draft = await createOffer(
      db,
      { ...OFFER, title: "Szkic", channels: ["email"], smsText: null },
      "ola",
    );
    const edited = await updateOffer(
      db,
      draft.id,
      { subject: "Nowość dla {{customerName}}", language: "en" },
      "kuba",
    );
    expect(edited).toMatchObject({
      subject: "Nowość dla {{customerName}}",
      language: "en",
      updatedBy: "kuba",
      createdBy: "ola",
    });
    const needsSms = await updateOffer(db, draft.id, { channels: ["email", "sms"] }, "kuba").catch((e) => e);
    expect(needsSms).toBeInstanceOf(BillingValidationError);
    expect(needsSms.issues.map((i: { path: string }) => i.path)).toEqual(["smsText"]);
    const badCall = await sendOffer(db, draft.id, {
      actor: "kuba",
      unsubscribeBaseUrl: "panel.zolw.example/wypisz",
      secret: "haslo123",
    }).catch((e) => e);
    expect(badCall).toBeInstanceOf(BillingValidationError);
    expect(badCall.issues.map((i: { path: string }) => i.path)).toEqual(["unsubscribeBaseUrl", "secret"]);
    expect((await getOffer(db, draft.id)).status).toBe("draft");
    const cancelled = await cancelOffer(db, draft.id, "kuba");
    expect(cancelled).toMatchObject({ status: "cancelled", cancelledBy: "kuba" });
    const refused = await sendOffer(db, draft.id, {
      at: SEND_AT,
      actor: "kuba",
      unsubscribeBaseUrl: BASE,
      secret: SECRET,
    }).catch((e) => e);
    expect(refused).toBeInstanceOf(BillingConflictError);
    expect(refused.code).toBe("offer_cancelled");
    expect(await offerNotices(draft.id)).toHaveLength(0);
  });

  it("keeps the Polish letters in an offer's SMS when the partner switched stripping off", async () => {
    await setNotifySettings(db, { smsWithoutPolishLetters: false }, "jan.operator");
    try {
      const draft = await createOffer(
        db,
        { ...OFFER, title: "Z ogonkami", smsText: "{{customerName}}, odnów .pl za 39 zł!" },
        "jan.operator",
      );
      await sendOffer(db, draft.id, {
        at: SEND_AT,
        actor: "jan.operator",
        unsubscribeBaseUrl: BASE,
        secret: SECRET,
      });
      const texts = (await offerNotices(draft.id)).filter((n) => n.channel === "sms");
      expect(texts[0]!.text).toMatch(/^Anna Wiśniewska, odnów \.pl za 39 zł!\nRezygnacja: /);
      expect(smsLength(texts[0]!.text).encoding).toBe("ucs-2");
      // An explicit choice of the caller wins over the settings.
      const plain = await createOffer(
        db,
        { ...OFFER, title: "Bez ogonków", smsText: "{{customerName}}, odnów .pl za 39 zł!" },
        "jan.operator",
      );
      await sendOffer(db, plain.id, {
        at: SEND_AT,
        actor: "jan.operator",
        unsubscribeBaseUrl: BASE,
        secret: SECRET,
        smsWithoutPolishLetters: true,
      });
      const stripped = (await offerNotices(plain.id)).filter((n) => n.channel === "sms");
      expect(stripped[0]!.text).toMatch(/^Anna Wisniewska, odnow \.pl za 39 zl!\nRezygnacja: /);
    } finally {
      await setNotifySettings(db, { smsWithoutPolishLetters: true }, "jan.operator");
    }
  });
});
