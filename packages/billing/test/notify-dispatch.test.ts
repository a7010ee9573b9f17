/**
 * Billing facts become notices: the partner's settings pick the channels, the customer's language
 * the wording, the seller signs; the proforma's PDF travels with its e-mail, an SMS is GSM-7, a
 * customer without a phone still shows up (unsendable, with the reason), and the same fact
 * reported twice makes no second notice. Then the outbox worker really sends what was queued.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomer, updateCustomer } from "../src/customers/customers.js";
import { addCustomerService } from "../src/customers/services.js";
import type { Db } from "../src/db/db.js";
import { setSellerSettings } from "../src/documents/settings.js";
import { type BillingConflictError, BillingValidationError } from "../src/errors.js";
import { issueCorrection } from "../src/invoices/corrections.js";
import { issueInvoiceForProforma } from "../src/invoices/issue.js";
import { money } from "../src/money/money.js";
import { buildFact, buildPaymentNotice, notifyFact } from "../src/notify/billing-events.js";
import { notifyCustomer } from "../src/notify/dispatch.js";
import { getNotice, runOutbox, smsParts } from "../src/notify/index.js";
import { getNotifySettings, setNotifySettings } from "../src/notify/settings.js";
import { recordPayment } from "../src/payments/record.js";
import type { Proforma } from "../src/proformas/types.js";
import { drivers } from "./support/db.js";
import { FakeEmail, FakeSms } from "./support/notify-fakes.js";
import { orderProforma } from "./support/orders.js";
import { pdfText } from "./support/pdf-text.js";

// 11:00 in Warsaw: outside the quiet hours, so the worker sends SMS at once.
const AT = new Date("2026-03-16T10:00:00Z");
const NBSP = /[\u00a0\u202f]/g;
const plain = (s: string | null | undefined) => (s ?? "").replace(NBSP, " ");

const SEED = `
  INSERT INTO tlds (tld, register_periods, renew_periods, grace)
    VALUES ('pl', '{1,2,3}', '{1,2,3}', '{"renewAfterExpiryDays": 30}');
  INSERT INTO services (code, kind, operation, tld, product, name, periods) VALUES
    ('domain.pl.register', 'domain', 'register', 'pl', NULL, 'Rejestracja domeny .pl', '{1,2,3}'),
    ('domain.pl.renew', 'domain', 'renew', 'pl', NULL, 'Odnowienie domeny .pl', '{1,2,3}');
  INSERT INTO price_groups (name, is_default) VALUES ('Standard', true);
  INSERT INTO prices (group_id, service_id, period, net, source)
    SELECT g.id, s.id, 1, 4999, 'manual' FROM services s, price_groups g WHERE s.code = 'domain.pl.register';`;

const SELLER = {
  name: "Żółw Hosting Sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Świętokrzyska 12", postcode: "00-916", city: "Warszawa", country: "PL" },
  bankAccount: "61109010140000071219812874",
  email: "biuro@zolw.example",
  phone: "+48 22 100 20 30",
  logoPath: new URL("../assets/test-logo.png", import.meta.url).pathname,
  accentColor: "#0a7d4f",
};

const address = { correspondence: { street: "ul. Polna 3", postcode: "30-001", city: "Kraków" } };

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

const issuesOf = (err: unknown) =>
  Object.fromEntries((err as BillingValidationError).issues.map((i) => [i.path, i.message]));

describe.each(drivers())("notices from billing facts on $name", (driver) => {
  let db: Db;
  let anna: number;
  let john: number;
  let noPhone: number;
  let orders = 0;
  let refs = 0;

  const order = (customerId: number, name: string): Promise<Proforma> =>
    orderProforma(db, {
      customerId,
      items: [{ serviceCode: "domain.pl.register", name, period: 1 }],
      orderRef: `order-${++orders}`,
      at: AT,
    });
  const pay = async (proformaId: number, amount: number) =>
    (
      await recordPayment(db, {
        proformaId,
        method: "transfer",
        amount: money(amount, "PLN"),
        receivedAt: new Date("2026-03-18T09:00:00Z"),
        reference: `bank-${++refs}`,
      })
    ).payment.id;
  const noticesWithKey = async (key: string) =>
    (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM notices WHERE dedupe_key = $1", [key]))
      .rows[0]!.n;

  beforeAll(async () => {
    db = await driver.open();
    await db.exec(SEED);
    await setSellerSettings(db, SELLER);
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
        mobilePhone: "+44 7700 900123",
        language: "en",
        addresses: address,
      })
    ).id;
    noPhone = (
      await createCustomer(db, { name: "Jan Bez Telefonu", email: "jan@example.pl", addresses: address })
    ).id;
  }, 60_000);
  afterAll(() => driver.dispose(db));

  it("refuses bad settings naming every bad field, and writes nothing", async () => {
    const before = await getNotifySettings(db);
    expect(before.channels["invoice.issued"]).toEqual({ email: true });
    expect(before.channels["renewal.reminder"]).toEqual({ email: true, sms: true, phone: false });
    expect(before.channels["payment.received"]).toEqual({ email: true, sms: false });
    expect(before.renewalReminderDays).toEqual([30, 14, 7, 1]);
    expect(before.quietHours).toEqual({ start: "21:00", end: "08:00", timeZone: "Europe/Warsaw" });

    const err = await caught(
      setNotifySettings(
        db,
        {
          channels: {
            "invoice.issued": { sms: true },
            // @ts-expect-error: not an event
            "invoice.paid": { email: true },
            "payment.received": { email: "yes" as unknown as boolean, fax: true } as never,
          },
          renewalReminderDays: [30, -1, 400, 1.5],
          quietHours: { start: "25:00", end: "08:00", timeZone: "Mars/Olympus" },
          smsSender: "Żółw Hosting",
          panelUrl: "ftp://panel.zolw.example",
          mailFrom: { address: "not an address" },
          links: { renew: "{panelUrl}/uslugi/{domain}/odnow" },
        },
        " ",
      ),
    );
    expect(err).toBeInstanceOf(BillingValidationError);
    expect(Object.keys(issuesOf(err)).sort()).toEqual(
      [
        "actor",
        "channels.invoice.issued.sms",
        "channels.invoice.paid",
        "channels.payment.received.email",
        "channels.payment.received.fax",
        "links.renew",
        "mailFrom.address",
        "panelUrl",
        "quietHours.start",
        "quietHours.timeZone",
        "renewalReminderDays.1",
        "renewalReminderDays.2",
        "renewalReminderDays.3",
        "smsSender",
      ].sort(),
    );
    expect(issuesOf(err)["channels.invoice.issued.sms"]).toMatch(/invoice.issued has no sms template/);
    expect(issuesOf(err)["links.renew"]).toMatch(/unknown placeholder \{domain\}/);

    // SMS days must be reminder days: checked against the settings as they would be.
    const rule = await caught(setNotifySettings(db, { renewalReminderDays: [30, 14] }, "anna.admin"));
    expect(issuesOf(rule)).toEqual({
      "reminderChannelDays.sms": expect.stringMatching(/^7, 1 are not reminder days/),
      "reminderChannelDays.phone": expect.stringMatching(/^1 is not a reminder day/),
    });
    expect(await getNotifySettings(db)).toEqual(before);

    const after = await setNotifySettings(
      db,
      {
        panelUrl: "https://panel.zolw.example/",
        smsSender: "ZolwHost",
        links: { renew: "{panelUrl}/uslugi/{serviceId}/odnow" },
        channels: { "renewal.reminder": { phone: true } },
      },
      "anna.admin",
    );
    expect(after).toMatchObject({
      panelUrl: "https://panel.zolw.example",
      smsSender: "ZolwHost",
      updatedBy: "anna.admin",
      channels: { "renewal.reminder": { email: true, sms: true, phone: true } },
    });
    expect(await getNotifySettings(db)).toEqual(after);
  });

  it("queues a proforma's e-mail in Polish with its PDF; with SMS on, a GSM-7 SMS too; never twice", async () => {
    const proforma = await order(anna, "łąka-anny.pl");
    const [first] = await notifyFact(db, { kind: "proforma.issued", proformaId: proforma.id }, { now: AT });
    expect(first!.notices.map((n) => n.channel)).toEqual(["email"]);
    expect(first!.skipped).toEqual([{ channel: "sms", reason: "SMS is switched off for proforma.issued" }]);
    const mail = first!.notices[0]!.notice;
    expect(mail).toMatchObject({
      event: "proforma.issued",
      status: "queued",
      recipient: "anna@wisniewska.example",
      language: "pl",
      sender: "biuro@zolw.example",
      senderName: "Żółw Hosting Sp. z o.o.",
      customerId: anna,
    });
    expect(plain(mail.subject)).toBe(`Proforma ${proforma.number} – do zapłaty 61,49 zł do 30.03.2026`);
    expect(plain(mail.text)).toContain("dziękujemy za zamówienie");
    expect(plain(mail.text)).toContain("numer rachunku: 61 1090 1014 0000 0712 1981 2874");
    expect(plain(mail.text)).toContain(`tytuł przelewu: Proforma ${proforma.number}`);
    expect(plain(mail.html)).toContain('łąka-anny.pl</td><td align="right"');
    // The seller's frame: accent colour and logo.
    expect(mail.html).toContain("#0a7d4f");
    expect(mail.html).toContain('src="cid:logo@hrdkit"');
    const stored = await getNotice(db, mail.id);
    const pdf = stored.attachments.find((a) => a.contentType === "application/pdf")!;
    expect(pdf.filename).toBe(`proforma-${proforma.number.replaceAll("/", "-")}.pdf`);
    expect(plain(await pdfText(pdf.content))).toContain(proforma.number);
    expect(stored.attachments.map((a) => a.filename)).toContain("logo.png");

    await setNotifySettings(db, { channels: { "proforma.issued": { sms: true } } }, "anna.admin");
    const [second] = await notifyFact(db, { kind: "proforma.issued", proformaId: proforma.id }, { now: AT });
    expect(second!.notices.map((n) => [n.channel, n.created])).toEqual([
      ["email", false],
      ["sms", true],
    ]);
    expect(second!.notices[0]!.notice.id).toBe(mail.id);
    const sms = second!.notices[1]!.notice;
    expect(sms).toMatchObject({ status: "queued", recipient: "+48500100200", sender: "ZolwHost" });
    expect(sms.text).toBe(
      `Proforma ${proforma.number}: do zaplaty 61,49 zl do 30.03.2026. Szczegoly: https://panel.zolw.example`,
    );
    expect(smsParts(sms.text).encoding).toBe("gsm7");

    // Reported a third time (a retried webhook): nothing new on either channel.
    const [third] = await notifyFact(db, { kind: "proforma.issued", proformaId: proforma.id }, { now: AT });
    expect(third!.notices.map((n) => n.created)).toEqual([false, false]);
    expect(await noticesWithKey(`proforma.issued:${proforma.id}`)).toBe(2);
  });

  it("writes to an English customer in English", async () => {
    const proforma = await order(john, "smith-pottery.pl");
    const [r] = await notifyFact(db, { kind: "proforma.issued", proformaId: proforma.id }, { now: AT });
    const [mail, sms] = r!.notices.map((n) => n.notice);
    expect(mail!.language).toBe("en");
    expect(plain(mail!.subject)).toBe(`Proforma invoice ${proforma.number}: 61,49 zł due by 30.03.2026`);
    expect(mail!.html).toContain('<html lang="en"');
    expect(sms!.recipient).toBe("+447700900123");
    expect(smsParts(sms!.text).encoding).toBe("gsm7");

    // New customers get the partner's default language; a customer's own can be changed.
    await setNotifySettings(db, { defaultLanguage: "en" }, "anna.admin");
    const guest = await createCustomer(db, { name: "Guest Ltd" });
    expect(guest.language).toBe("en");
    await setNotifySettings(db, { defaultLanguage: "pl" }, "anna.admin");
    expect((await updateCustomer(db, guest.id, { language: "pl" })).language).toBe("pl");
    const bad = await caught(updateCustomer(db, guest.id, { language: "de" as "pl" }));
    expect(issuesOf(bad)).toEqual({ language: "must be one of pl, en" });
  });

  it("stores the SMS of a customer without a usable mobile phone as unsendable, with the reason", async () => {
    const proforma = await order(noPhone, "bez-telefonu.pl");
    const [r] = await notifyFact(db, { kind: "proforma.issued", proformaId: proforma.id }, { now: AT });
    expect(r!.notices.map((n) => [n.channel, n.notice.status, n.notice.reason])).toEqual([
      ["email", "queued", null],
      ["sms", "unsendable", "no phone number for the SMS"],
    ]);
    // A number imported past the customer form's checks is kept as given and named in the reason.
    await db.query("UPDATE customers SET mobile_phone = '+48 123' WHERE id = $1", [noPhone]);
    const second = await order(noPhone, "zly-numer.pl");
    const [bad] = await notifyFact(db, { kind: "proforma.issued", proformaId: second.id }, { now: AT });
    expect(bad!.notices[1]!.notice).toMatchObject({ status: "unsendable", recipient: "+48 123" });
    expect(bad!.notices[1]!.notice.reason).toMatch(/"\+48 123" is not an E\.164 phone number/);
    await updateCustomer(db, noPhone, { mobilePhone: null });
  });

  it("tells a partial, a full and an overpaying payment apart, as each left the proforma", async () => {
    const proforma = await order(anna, "wplaty-anny.pl");
    expect(proforma.gross).toBe(6149);
    const partial = await pay(proforma.id, 5149);
    const rest = await pay(proforma.id, 1000);
    const other = await order(anna, "nadplata-anny.pl");
    const over = await pay(other.id, 6649);
    const topUp = (
      await recordPayment(db, {
        customerId: anna,
        method: "cash",
        amount: money(2000, "PLN"),
        receivedAt: new Date("2026-03-19T09:00:00Z"),
      })
    ).payment.id;

    // Built after all four were booked: the first is still the partial one it was.
    expect(await buildPaymentNotice(db, partial)).toEqual({
      event: "payment.partial",
      customerId: anna,
      dedupeKey: `payment:${partial}`,
      variables: {
        amount: "51,49\u00a0zł",
        receivedOn: "18.03.2026",
        proformaNumber: proforma.number,
        amountRemaining: "10,00\u00a0zł",
        dueDate: "30.03.2026",
        bankAccount: "61 1090 1014 0000 0712 1981 2874",
        transferTitle: `Proforma ${proforma.number}`,
      },
    });
    expect(await buildPaymentNotice(db, rest)).toMatchObject({
      event: "payment.received",
      variables: { amount: "10,00\u00a0zł", proformaNumber: proforma.number },
    });
    expect(await buildPaymentNotice(db, over)).toMatchObject({
      event: "payment.overpaid",
      variables: { amount: "66,49\u00a0zł", overpaidAmount: "5,00\u00a0zł", balance: "5,00\u00a0zł" },
    });
    expect(await buildPaymentNotice(db, topUp)).toMatchObject({
      event: "payment.overpaid",
      variables: { amount: "20,00\u00a0zł", overpaidAmount: "20,00\u00a0zł", balance: "25,00\u00a0zł" },
    });

    // payment.partial goes by SMS too by default (the services wait for the rest); received does not.
    const [p] = await notifyFact(db, { kind: "payment", paymentId: partial }, { now: AT });
    expect(p!.notices.map((n) => [n.notice.event, n.channel])).toEqual([
      ["payment.partial", "email"],
      ["payment.partial", "sms"],
    ]);
    expect(plain(p!.notices[0]!.notice.subject)).toBe("Wpłata częściowa – do zapłaty pozostało 10,00 zł");
    const [full] = await notifyFact(db, { kind: "payment", paymentId: rest }, { now: AT });
    expect(full!.notices.map((n) => [n.notice.event, n.channel])).toEqual([["payment.received", "email"]]);
  });

  it("sends nothing for an event switched off, and says why", async () => {
    await setNotifySettings(db, { channels: { "payment.received": { email: false } } }, "anna.admin");
    const proforma = await order(anna, "wylaczone-anny.pl");
    const paymentId = await pay(proforma.id, proforma.gross);
    const [r] = await notifyFact(db, { kind: "payment", paymentId }, { now: AT });
    expect(r).toEqual({
      event: "payment.received",
      customerId: anna,
      notices: [],
      skipped: [
        { channel: "email", reason: "e-mail is switched off for payment.received" },
        { channel: "sms", reason: "SMS is switched off for payment.received" },
      ],
    });
    expect(await noticesWithKey(`payment:${paymentId}`)).toBe(0);
    await setNotifySettings(db, { channels: { "payment.received": { email: true } } }, "anna.admin");
  });

  it("reminds by SMS and phone only on their days, and tells of a domain that expired", async () => {
    const service = await addCustomerService(db, {
      customerId: anna,
      serviceCode: "domain.pl.register",
      name: "żółw-anny.pl",
      period: 1,
      startsOn: "2025-04-15",
      expiresOn: "2026-04-15",
      status: "active",
    });
    const fact = (daysLeft: number) => ({
      kind: "renewal.reminder" as const,
      customerServiceId: service.id,
      daysLeft,
    });
    const [in14] = await notifyFact(db, fact(14), { now: AT });
    expect(in14!.notices.map((n) => n.channel)).toEqual(["email"]);
    expect(in14!.skipped.map((s) => s.reason)).toEqual([
      "SMS goes only 7, 1 days before expiry (reminderChannelDays.sms), not 14",
      "a phone call goes only 1 days before expiry (reminderChannelDays.phone), not 14",
    ]);
    expect(plain(in14!.notices[0]!.notice.text)).toContain(
      `Odnów teraz: https://panel.zolw.example/uslugi/${service.id}/odnow`,
    );
    const [in1] = await notifyFact(db, fact(1), { now: AT });
    expect(in1!.notices.map((n) => n.channel)).toEqual(["email", "sms", "phone"]);
    expect(in1!.notices[1]!.notice.text).toBe(
      `Domena zolw-anny.pl wygasa 15.04.2026 (jutro). Odnow: https://panel.zolw.example/uslugi/${service.id}/odnow`,
    );
    // Text-to-speech keeps the Polish letters.
    expect(in1!.notices[2]!.notice.text).toContain("żółw-anny.pl wygaśnie 15.04.2026, jutro");

    const [expired] = await notifyFact(
      db,
      { kind: "domain.expired", customerServiceId: service.id },
      { now: AT },
    );
    expect(expired!.notices.map((n) => n.channel)).toEqual(["email", "sms"]);
    expect(expired!.notices[1]!.notice.text).toBe(
      `Domena zolw-anny.pl wygasla 15.04.2026. Mozna ja odnowic do 15.05.2026. Odnow: https://panel.zolw.example/uslugi/${service.id}/odnow`,
    );
  });

  it("mails an invoice and its correction with their PDFs, and tells of an activated service", async () => {
    const proforma = await order(anna, "faktura-anny.pl");
    await pay(proforma.id, proforma.gross);
    const invoice = await issueInvoiceForProforma(db, {
      proformaId: proforma.id,
      at: new Date("2026-03-19T10:00:00Z"),
    });
    const [inv] = await notifyFact(db, { kind: "invoice.issued", invoiceId: invoice.id }, { now: AT });
    const mail = await getNotice(db, inv!.notices[0]!.notice.id);
    expect(plain(mail.subject)).toContain(invoice.number);
    expect(mail.attachments.map((a) => a.filename)).toContain(
      `faktura-${invoice.number.replaceAll("/", "-")}.pdf`,
    );
    expect(plain(await pdfText(mail.attachments[0]!.content))).toContain(invoice.number);

    const kor = await issueCorrection(db, {
      invoiceId: invoice.id,
      at: new Date("2026-03-20T10:00:00Z"),
      reason: "Rezygnacja z domeny",
      lines: { full: true },
    });
    const [built] = await buildFact(db, { kind: "invoice.corrected", correctionId: kor.id });
    expect(built!.variables).toMatchObject({
      correctionNumber: kor.number,
      correctedNumber: invoice.number,
      issueDate: "20.03.2026",
      reason: "Rezygnacja z domeny",
      amountDifference: "-61,49\u00a0zł",
      refundAmount: "61,49\u00a0zł",
    });
    const wrong = await caught(buildFact(db, { kind: "invoice.issued", invoiceId: kor.id }));
    expect((wrong as BillingConflictError).code).toBe("wrong_kind");

    const service = await addCustomerService(db, {
      customerId: anna,
      serviceCode: "domain.pl.register",
      name: "aktywna-anny.pl",
      period: 2,
      startsOn: "2026-03-18",
      expiresOn: "2028-03-18",
      status: "active",
    });
    const [act] = await notifyFact(
      db,
      { kind: "service.activated", customerServiceId: service.id },
      { now: AT },
    );
    expect(plain(act!.notices[0]!.notice.text)).toContain(
      "Domena aktywna-anny.pl – aktywacja zakończona. Okres: 2 lata, ważność do 18.03.2028.",
    );
  });

  it("says when nothing may be notified: unknown customer, no panel address", async () => {
    const input = {
      event: "payment.received" as const,
      customerId: 999_999,
      variables: { amount: "1,00 zł", receivedOn: "18.03.2026" },
      dedupeKey: "manual:1",
    };
    expect((await caught(notifyCustomer(db, input))) as Error).toMatchObject({ code: "not_found" });
    await setNotifySettings(db, { panelUrl: null }, "anna.admin");
    const err = await caught(notifyCustomer(db, { ...input, customerId: anna }));
    expect((err as BillingConflictError).code).toBe("no_panel_url");
    await setNotifySettings(db, { panelUrl: "https://panel.zolw.example" }, "anna.admin");
    const bad = await caught(
      notifyCustomer(db, {
        ...input,
        customerId: anna,
        variables: { amount: 100, receivedOn: "18.03.2026" },
      }),
    );
    expect(issuesOf(bad)).toMatchObject({ "variables.amount": expect.stringMatching(/must be text/) });
  });

  it("sends what was queued through the outbox, the PDF byte for byte", async () => {
    const proforma = await order(anna, "wysylka-anny.pl");
    const [r] = await notifyFact(db, { kind: "proforma.issued", proformaId: proforma.id }, { now: AT });
    const stored = await getNotice(db, r!.notices[0]!.notice.id);
    const email = new FakeEmail();
    const sms = new FakeSms();
    await runOutbox(db, { email, sms }, { now: () => new Date(AT.getTime() + 1000) });
    const sentMail = email.accepted.find((m) => m.notice.idempotencyKey === stored.idempotencyKey)!;
    expect(sentMail.notice).toMatchObject({
      to: "anna@wisniewska.example",
      from: { name: "Żółw Hosting Sp. z o.o.", address: "biuro@zolw.example" },
      subject: stored.subject,
    });
    const pdf = sentMail.notice.attachments!.find((a) => a.contentType === "application/pdf")!;
    expect(
      pdf.content.equals(stored.attachments.find((a) => a.contentType === "application/pdf")!.content),
    ).toBe(true);
    const sentSms = sms.accepted.find(
      (m) => m.notice.idempotencyKey === r!.notices[1]!.notice.idempotencyKey,
    )!;
    expect(sentSms.notice).toMatchObject({ to: "+48500100200", from: "ZolwHost" });
    expect((await getNotice(db, stored.id)).status).toBe("sent");
    expect((await getNotice(db, r!.notices[1]!.notice.id)).status).toBe("sent");
  });
});
