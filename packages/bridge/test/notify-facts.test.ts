/**
 * Billing facts become customer notices over real HTTP, on PGlite and (with DATABASE_URL)
 * PostgreSQL: an order's proforma (with its PDF), the payment, the activated service and the VAT
 * invoice each queue the e-mail the partner's notification settings switch on, in the customer's
 * language; a replayed call queues nothing new; the outbox job sends them through a real SMTP
 * server with the seller's logo as an inline part; a correction is told too; the reminders job
 * follows the partner's reminder days; and the outbox keeps the partner's quiet hours.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  addCustomerService,
  addDays,
  createPriceGroup,
  type Db,
  importWholesale,
  recalculatePrices,
  seedDefaultCatalog,
  setNotifySettings,
  setPriceRule,
  warsawDate,
} from "@hrdkit/billing";
import { type Bridge, type BridgeClient, loadConfig, runJobOnce } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeSmsapi, startSmsapiFake } from "../../billing/test/support/smsapi-fake.js";
import { decodeWords } from "../../billing/test/support/smtp.js";
import { type RawSmtp, readMime, startRawSmtp } from "../../billing/test/support/smtp-raw.js";
import { bridgeBackends } from "./support/backends.js";
import { failure, hrdPerson } from "./support/bridge.js";

const SELLER = {
  name: "Żółw Hosting Sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Świętokrzyska 12", postcode: "00-916", city: "Warszawa" },
  bankAccount: "PL61 1090 1014 0000 0712 1981 2874",
  email: "faktury@zolw.example",
  place: "Warszawa",
};
const PANEL = "https://panel.zolw.example";
const LOGO = readFileSync(new URL("../../billing/assets/test-logo.png", import.meta.url));
const DAY = 24 * 3_600_000;

interface CustomerJson {
  id: number;
  language: string;
  replayed?: boolean;
}
interface ProformaJson {
  id: number;
  number: string;
  gross: string;
  dueDate: string;
}
interface OrderJson {
  created: boolean;
  proforma: ProformaJson;
  replayed: boolean;
}
interface ActivationJson {
  invoice: { id: number; number: string; issuedNow: boolean };
  complete: boolean;
  replayed: boolean;
}
interface NoticeJson {
  id: number;
  event: string;
  channel: string;
  customerId: number | null;
  recipient: string | null;
  language: string;
  subject: string | null;
  text: string;
  attachments: { filename: string; contentType: string; size: number }[];
  dedupeKey: string | null;
  idempotencyKey: string;
  status: string;
  nextAttemptAt: string;
}

/** `49.19` → `49,19 zł`, as a notice's subject shows an amount (one line: the no-break space is a space). */
const zl = (decimal: string) => `${decimal.replace(".", ",")} zł`;
/** `2026-12-18` → `18.12.2026`. */
const dotted = (day: string) => day.split("-").reverse().join(".");

/** The first moment after `from` when it is 23:xx in Warsaw: inside the default quiet hours. */
function warsawNight(from: Date): Date {
  const hour = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Warsaw",
    hour: "2-digit",
    hourCycle: "h23",
  });
  let t = Math.ceil(from.getTime() / 900_000) * 900_000 + 900_000;
  while (hour.format(new Date(t)) !== "23") t += 900_000;
  return new Date(t);
}

const backends = bridgeBackends("notify_facts");

describe.each(backends)("billing facts become customer notices over HTTP on $name", (backend) => {
  let bridge: Bridge;
  let client: BridgeClient;
  let db: Db;
  let smtp: RawSmtp;
  let smsapi: FakeSmsapi;
  let brandingDir: string;
  let pl: number;
  let en: number;
  let keys = 0;
  const key = (label: string) => `facts-${label}-${++keys}-${Date.now()}`;
  const tag = Math.random().toString(36).slice(2, 8);

  const notices = async (customerId: number, query = "") =>
    (
      await client.call<{ items: NoticeJson[] }>(
        "GET",
        `/v1/notifications/notices?customerId=${customerId}&limit=200${query}`,
      )
    ).body.items;
  const notice = async (id: number) =>
    (await client.call<NoticeJson>("GET", `/v1/notifications/notices/${id}`)).body;

  const order = (customerId: number, domain: string, idempotencyKey = key("order")) =>
    client.call<OrderJson>(
      "POST",
      "/v1/billing/orders",
      {
        customerId,
        orderRef: `sklep-${tag}-${domain}`,
        items: [
          {
            serviceCode: "domain.pl.register",
            name: domain,
            period: 1,
            details: { ns: ["ns1.hrd.pl", "ns2.hrd.pl"] },
          },
        ],
      },
      { idempotencyKey },
    );
  // One moment for every payment: a replay must send the very same body.
  const paidAt = new Date().toISOString();
  const pay = (p: ProformaJson, amount = p.gross, idempotencyKey = key("pay"), transactionId = key("p24")) =>
    client.call<{ outcome: string; duplicate: boolean; replayed: boolean }>(
      "POST",
      "/v1/billing/payments/online",
      { gateway: "przelewy24", transactionId, proformaId: p.id, amount, paidAt },
      { idempotencyKey },
    );

  beforeAll(async () => {
    smtp = await startRawSmtp();
    smsapi = await startSmsapiFake();
    brandingDir = mkdtempSync(join(tmpdir(), "hrdkit-facts-branding-"));
    // As an operator writes them in .env, read the way the bridge reads them.
    const env = loadConfig(
      {
        HRDKIT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        HRDKIT_SMSAPI_TOKEN: smsapi.token,
        HRDKIT_SMSAPI_URL: smsapi.url,
      },
      false,
    );
    ({ bridge, client } = await backend.start({ mail: env.mail, smsapi: env.smsapi, brandingDir }));
    db = bridge.db;

    await client.call("PUT", "/v1/billing/settings/seller", SELLER);
    await client.call("PUT", "/v1/billing/settings/branding/logo", { data: LOGO.toString("base64") });
    const now = new Date();
    await seedDefaultCatalog(db);
    await importWholesale(db, { getPricings: () => bridge.ctx.hrd.partner.getPricings() }, { at: now });
    const group = await createPriceGroup(db, { name: "Detal", isDefault: true });
    await setPriceRule(db, {
      groupId: group.id,
      margin: { type: "percent", basisPoints: 2500 },
      rounding: "99",
      roundOn: "gross",
    });
    await recalculatePrices(db, group.id, { at: now });
    // The one setting notices need (every one links to the customer panel); the rest are defaults.
    await setNotifySettings(db, { panelUrl: PANEL }, "test");
  }, 120_000);
  afterAll(async () => {
    await bridge?.close();
    await smtp?.close();
    await smsapi?.close();
    await backend.dispose();
    if (brandingDir) rmSync(brandingDir, { recursive: true, force: true });
  });

  it("creates, reads and changes a customer's notice language over HTTP", async () => {
    const hrdUserId = await hrdPerson(bridge);
    const polish = await client.call<CustomerJson>(
      "POST",
      "/v1/billing/customers",
      {
        name: "Łukasz Wójcik",
        pesel: "44051401359",
        email: "lukasz@wojcik.example",
        mobilePhone: "+48 601 234 567",
        hrdUserId,
        addresses: { correspondence: { street: "ul. Łąkowa 5", postcode: "90-562", city: "Łódź" } },
      },
      { idempotencyKey: key("customer") },
    );
    // None given: the settings' default language.
    expect(polish.body.language).toBe("pl");
    pl = polish.body.id;

    const english = await client.call<CustomerJson>(
      "POST",
      "/v1/billing/customers",
      {
        name: "John Smith",
        email: "john@smith.example",
        language: "en",
        addresses: { correspondence: { street: "ul. Długa 1", postcode: "00-001", city: "Warszawa" } },
      },
      { idempotencyKey: key("customer") },
    );
    expect(english.body.language).toBe("en");
    en = english.body.id;
    expect((await client.call<CustomerJson>("GET", `/v1/billing/customers/${en}`)).body.language).toBe("en");

    const changed = await client.call<CustomerJson>("PATCH", `/v1/billing/customers/${pl}`, {
      language: "en",
    });
    expect(changed.body.language).toBe("en");
    expect((await client.call<CustomerJson>("GET", `/v1/billing/customers/${pl}`)).body.language).toBe("en");
    await client.call("PATCH", `/v1/billing/customers/${pl}`, { language: "pl" });
    expect((await client.call<CustomerJson>("GET", `/v1/billing/customers/${pl}`)).body.language).toBe("pl");

    const bad = await failure(client.call("PATCH", `/v1/billing/customers/${pl}`, { language: "de" }));
    expect([bad.status, bad.body.issues?.map((i) => i.path)]).toEqual([400, ["language"]]);
  });

  let plProforma: ProformaJson;
  let plInvoice: { id: number; number: string };

  it("order → payment → activation queue the Polish e-mails, each once, replays queuing nothing", async () => {
    const domain = `ceramika-${tag}.pl`;
    const orderKey = key("order");
    const first = await order(pl, domain, orderKey);
    expect([first.status, first.body.created]).toEqual([201, true]);
    const p = first.body.proforma;
    plProforma = p;

    const [issued, ...before] = await notices(pl);
    expect(before).toEqual([]);
    expect(issued).toMatchObject({
      event: "proforma.issued",
      channel: "email",
      customerId: pl,
      recipient: "lukasz@wojcik.example",
      language: "pl",
      status: "queued",
      subject: `Proforma ${p.number} – do zapłaty ${zl(p.gross)} do ${dotted(p.dueDate)}`,
      dedupeKey: `proforma.issued:${p.id}`,
    });
    expect(issued!.text).toContain(p.number);
    // The proforma's PDF travels with it, and the seller's logo for the frame.
    expect(issued!.attachments.map((a) => a.contentType).sort()).toEqual(["application/pdf", "image/png"]);
    expect(issued!.attachments.find((a) => a.contentType === "application/pdf")!.filename).toMatch(/\.pdf$/);

    // The same order again: the journaled answer (same key), or the order's proforma (new key).
    const replay = await order(pl, domain, orderKey);
    expect([replay.body.replayed, replay.body.proforma.id]).toEqual([true, p.id]);
    const again = await order(pl, domain);
    expect([again.status, again.body.created]).toEqual([200, false]);
    expect(await notices(pl)).toHaveLength(1);

    const payKey = key("pay");
    const transaction = key("p24");
    const paid = await pay(p, p.gross, payKey, transaction);
    expect([paid.status, paid.body.duplicate]).toEqual([201, false]);
    const [received] = await notices(pl);
    expect(received).toMatchObject({
      event: "payment.received",
      channel: "email",
      language: "pl",
      subject: `Otrzymaliśmy wpłatę ${zl(p.gross)} – proforma ${p.number}`,
      attachments: [{ contentType: "image/png" }],
    });
    // Replayed, and the same gateway transaction under a new key: one payment, one notice.
    expect((await pay(p, p.gross, payKey, transaction)).body.replayed).toBe(true);
    expect((await pay(p, p.gross, key("pay"), transaction)).body.duplicate).toBe(true);
    expect(await notices(pl)).toHaveLength(2);

    const activateKey = key("activate");
    const activated = await client.call<ActivationJson>(
      "POST",
      `/v1/billing/proformas/${p.id}/activate`,
      {},
      { idempotencyKey: activateKey },
    );
    expect([activated.body.complete, activated.body.invoice.issuedNow]).toEqual([true, true]);
    plInvoice = activated.body.invoice;
    const replayed = await client.call<ActivationJson>(
      "POST",
      `/v1/billing/proformas/${p.id}/activate`,
      {},
      { idempotencyKey: activateKey },
    );
    expect(replayed.body.replayed).toBe(true);

    const all = await notices(pl);
    expect(all.map((n) => n.event).sort()).toEqual([
      "invoice.issued",
      "payment.received",
      "proforma.issued",
      "service.activated",
    ]);
    // Per the default settings: e-mail only (SMS goes for reminders, expiry and partial payments).
    expect(all.every((n) => n.channel === "email" && n.language === "pl" && n.status === "queued")).toBe(
      true,
    );
    const invoice = all.find((n) => n.event === "invoice.issued")!;
    expect(invoice.subject).toBe(`Faktura VAT ${plInvoice.number} na kwotę ${zl(p.gross)}`);
    expect(invoice.attachments.map((a) => a.contentType).sort()).toEqual(["application/pdf", "image/png"]);
    const service = all.find((n) => n.event === "service.activated")!;
    expect(service.subject).toBe(`Usługa aktywna: ${domain}`);
    expect(service.text).toContain(domain);
  }, 60_000);

  it("tells an English customer in English", async () => {
    const first = await order(en, `smith-${tag}.pl`);
    const p = first.body.proforma;
    await pay(p);
    const [received, issued, ...rest] = await notices(en);
    expect(rest).toEqual([]);
    expect(issued).toMatchObject({
      event: "proforma.issued",
      language: "en",
      recipient: "john@smith.example",
      subject: `Proforma invoice ${p.number}: ${zl(p.gross)} due by ${dotted(p.dueDate)}`,
    });
    expect(received).toMatchObject({
      event: "payment.received",
      language: "en",
      subject: `We have received your payment of ${zl(p.gross)}`,
    });
  });

  it("the outbox job sends them over SMTP, the PDF attached and the logo inline by cid", async () => {
    const queued = [...(await notices(pl)), ...(await notices(en))];
    expect(queued).toHaveLength(6);
    const run = await runJobOnce(bridge.ctx, "notifications", new Date(), { log: () => undefined });
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ sent: 6, failed: 0 });
    expect(smtp.messages).toHaveLength(6);
    for (const n of queued) expect((await notice(n.id)).status).toBe("sent");

    const mails = smtp.messages.map((m) => ({ to: m.to, mime: readMime(m.raw) }));
    const subject = (m: (typeof mails)[number]) => decodeWords(m.mime.headers.subject ?? "");
    const proforma = mails.find((m) => subject(m).startsWith(`Proforma ${plProforma.number}`))!;
    expect(proforma.to).toEqual(["lukasz@wojcik.example"]);
    const pdf = proforma.mime.leaves.find((l) => l.contentType === "application/pdf")!;
    expect(pdf.filename).toMatch(/\.pdf$/);
    expect(pdf.content.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const logo = proforma.mime.leaves.find((l) => l.cid !== null && l.contentType === "image/png")!;
    expect(logo.content.equals(LOGO)).toBe(true);
    const html = proforma.mime.leaves.find((l) => l.contentType === "text/html")!;
    expect(html.content.toString("utf8")).toContain(`cid:${logo.cid}`);

    const english = mails.filter((m) => m.to[0] === "john@smith.example").map(subject);
    expect(english.sort()).toEqual([
      expect.stringMatching(/^Proforma invoice /),
      expect.stringMatching(/^We have received your payment of /),
    ]);
  }, 60_000);

  it("a correction tells the customer, with its PDF, once", async () => {
    const k = key("correction");
    const correct = () =>
      client.call<{ id: number; number: string; replayed: boolean }>(
        "POST",
        `/v1/billing/invoices/${plInvoice.id}/corrections`,
        { reason: "Zwrot na życzenie klienta", full: true },
        { idempotencyKey: k },
      );
    const kor = await correct();
    expect(kor.status).toBe(201);
    const [corrected] = await notices(pl);
    expect(corrected).toMatchObject({
      event: "invoice.corrected",
      language: "pl",
      subject: `Faktura korygująca ${kor.body.number} do faktury ${plInvoice.number}`,
      dedupeKey: `invoice.corrected:${kor.body.id}`,
    });
    expect(corrected!.attachments.map((a) => a.contentType)).toContain("application/pdf");
    expect((await correct()).body.replayed).toBe(true);
    expect(await notices(pl, "&event=invoice.corrected")).toHaveLength(1);
  });

  it("the reminders job reminds on the partner's reminder days, once per step, with the days really left", async () => {
    const today = warsawDate(new Date());
    const add = async (name: string, days: number) =>
      (
        await addCustomerService(db, {
          customerId: pl,
          serviceCode: "domain.pl.register",
          name,
          period: 1,
          status: "active",
          startsOn: addDays(today, days - 365),
          expiresOn: addDays(today, days),
        })
      ).id;
    const in10 = await add(`dziesiec-${tag}.pl`, 10);
    const in3 = await add(`trzy-${tag}.pl`, 3);
    const in20 = await add(`dwadziescia-${tag}.pl`, 20);
    const gone = await add(`wygasla-${tag}.pl`, -2);
    // The partner reminds 14 and 3 days before, by SMS too on the last one.
    await setNotifySettings(
      db,
      { renewalReminderDays: [14, 3], reminderChannelDays: { sms: [3], phone: [] } },
      "test",
    );

    const run = await runJobOnce(bridge.ctx, "reminders", new Date(), { log: () => undefined });
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ reminded: 3, noticesFailed: 0 });
    const reminders = await notices(pl, "&event=renewal.reminder");
    const of = (service: number) =>
      reminders.filter((n) => n.dedupeKey?.startsWith(`renewal.reminder:${service}:`)).map((n) => n.channel);
    // 10 days left is inside the 14-day step: told now, by e-mail, with the real 10 days.
    expect(of(in10)).toEqual(["email"]);
    expect(reminders.find((n) => n.dedupeKey?.startsWith(`renewal.reminder:${in10}:`))!.subject).toBe(
      `Domena dziesiec-${tag}.pl wygaśnie za 10 dni`,
    );
    expect(of(in3).sort()).toEqual(["email", "sms"]);
    expect(of(in20)).toEqual([]);
    const expired = await notices(pl, "&event=domain.expired");
    expect(expired.every((n) => n.dedupeKey === `domain.expired:${gone}:${addDays(today, -2)}`)).toBe(true);
    expect(expired.map((n) => n.channel).sort()).toEqual(["email", "sms"]);
    // The webhook's steps are still HRDKIT_REMINDER_DAYS (30, 14, 7, 1): 20 days left is in its 30.
    const { rows } = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM webhook_events WHERE type = 'renewal.due' AND data->>'customerServiceId' = $1",
      [String(in20)],
    );
    expect(rows[0]!.n).toBe(1);

    // The next day: 9 and 2 days left are in the steps already told; nothing new.
    const count = (await notices(pl)).length;
    const next = await runJobOnce(bridge.ctx, "reminders", new Date(Date.now() + DAY), {
      log: () => undefined,
    });
    expect(next.result).toMatchObject({ reminded: 0, remindedBefore: 3 });
    expect(await notices(pl)).toHaveLength(count);
  }, 60_000);

  it("the outbox job keeps the partner's quiet hours: SMS wait at night, and go when they are switched off", async () => {
    // A partial payment: its notice goes by SMS too (default settings).
    const partial = async () => {
      const p = (await order(pl, `raty-${tag}-${++keys}.pl`)).body.proforma;
      await pay(p, "10.00");
      const sms = (await notices(pl, "&event=payment.partial&channel=sms"))[0]!;
      expect(sms.recipient).toBe("+48601234567");
      return sms;
    };
    const night = warsawNight(new Date());
    const waiting = await partial();
    await runJobOnce(bridge.ctx, "notifications", night, { log: () => undefined });
    const held = await notice(waiting.id);
    expect(held.status).toBe("queued");
    expect(new Date(held.nextAttemptAt).getTime()).toBeGreaterThan(night.getTime());
    expect(smsapi.messages.filter((m) => m.idx === waiting.idempotencyKey)).toEqual([]);

    await setNotifySettings(db, { quietHours: false }, "test");
    const urgent = await partial();
    await runJobOnce(bridge.ctx, "notifications", new Date(night.getTime() + 60_000), {
      log: () => undefined,
    });
    expect((await notice(urgent.id)).status).toBe("sent");
    expect(smsapi.messages.filter((m) => m.idx === urgent.idempotencyKey)).toHaveLength(1);
    // The one moved to the morning stays there.
    expect((await notice(waiting.id)).status).toBe("queued");
  }, 60_000);
});
