/**
 * What happens at HRD after a sale reaches the customer, end to end over the bridge's embedded
 * sandbox and a real SMTP server, on PGlite and (with DATABASE_URL) PostgreSQL: a transfer in
 * that completes and one that fails (poll messages → `transfer.progress`), an internal trade
 * (`trade.progress`), a certificate ordered through the bridge and one ordered by billing's
 * activation, each told once issued (`certificate.issued`, by the `actions` job), and a
 * certificate expiring in 7 days (`certificate.expiring`, by the `reminders` job) whose SMS —
 * with no SMSAPI token set — ends at once as failed with the reason, never retried for hours.
 */
import {
  addCustomerService,
  addDays,
  type Db,
  getCustomerService,
  seedDefaultCatalog,
  setNotifySettings,
  warsawDate,
} from "@hrdkit/billing";
import { type Bridge, type BridgeClient, loadConfig, runJobOnce } from "@hrdkit/bridge";
import { APPROVAL_DELAY_MS } from "@hrdkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeWords } from "../../billing/test/support/smtp.js";
import { type RawSmtp, readMime, startRawSmtp } from "../../billing/test/support/smtp-raw.js";
import { CERT_CONTACT, makeCsr } from "../../sdk/test/scenarios/cert.js";
import { bridgeBackends } from "./support/backends.js";
import { hrdPerson, PERSON } from "./support/bridge.js";

const SELLER = {
  name: "Żółw Hosting Sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Świętokrzyska 12", postcode: "00-916", city: "Warszawa" },
  bankAccount: "PL61 1090 1014 0000 0712 1981 2874",
  email: "faktury@zolw.example",
  place: "Warszawa",
};
const PANEL = "https://panel.zolw.example";
const HOUR = 3_600_000;

interface NoticeJson {
  id: number;
  event: string;
  channel: string;
  customerId: number | null;
  recipient: string | null;
  subject: string | null;
  text: string;
  dedupeKey: string | null;
  status: string;
  reason: string | null;
  attemptCount: number;
}

const backends = bridgeBackends("notify_progress");

describe.each(backends)("HRD's progress reaches the customer on $name", (backend) => {
  let bridge: Bridge;
  let client: BridgeClient;
  let db: Db;
  let smtp: RawSmtp;
  let hrdUser: number;
  let anna: number;
  let bogdan: number;
  let keys = 0;
  const tag = Math.random().toString(36).slice(2, 8);
  const key = (label: string) => `progress-${label}-${++keys}-${tag}`;
  const log = () => undefined;

  const notices = async (customerId: number, query = "") =>
    (
      await client.call<{ items: NoticeJson[] }>(
        "GET",
        `/v1/notifications/notices?customerId=${customerId}&limit=200${query}`,
      )
    ).body.items;
  const run = async (job: string, at = new Date()) => {
    const r = await runJobOnce(bridge.ctx, job, at, { log });
    expect(r.error).toBeUndefined();
    return r.result as Record<string, unknown>;
  };
  /** The subjects of the e-mails the SMTP server received for `to`, decoded. */
  const mailsTo = (to: string) =>
    smtp.messages
      .filter((m) => m.to.includes(to))
      .map((m) => decodeWords(readMime(m.raw).headers.subject ?? ""));
  const serviceCode = async (kind: string, operation: string, extra = "") => {
    const { rows } = await db.query<{ code: string }>(
      `SELECT code FROM services WHERE kind = $1 AND operation = $2 ${extra} ORDER BY code LIMIT 1`,
      [kind, operation],
    );
    return rows[0]!.code;
  };

  beforeAll(async () => {
    smtp = await startRawSmtp();
    // E-mail only: no HRDKIT_SMSAPI_TOKEN, as a partner without SMSAPI runs it.
    const env = loadConfig({ HRDKIT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}` }, false);
    ({ bridge, client } = await backend.start({ mail: env.mail }));
    db = bridge.db;
    await client.call("PUT", "/v1/billing/settings/seller", SELLER);
    await seedDefaultCatalog(db);
    // Quiet hours off: whatever the hour the test runs at, SMS are due at once.
    await setNotifySettings(db, { panelUrl: PANEL, quietHours: false }, "test");
    hrdUser = await hrdPerson(bridge);
    const customer = async (name: string, email: string, hrdUserId: number) =>
      (
        await client.call<{ id: number }>(
          "POST",
          "/v1/billing/customers",
          {
            name,
            pesel: "44051401359",
            email,
            mobilePhone: "+48 601 234 567",
            hrdUserId,
            addresses: { correspondence: { street: "ul. Łąkowa 5", postcode: "90-562", city: "Łódź" } },
          },
          { idempotencyKey: key("customer") },
        )
      ).body.id;
    anna = await customer("Anna Wiśniewska", "anna@wisniewska.example", hrdUser);
    const other = (await bridge.ctx.hrd.user.create({ ...PERSON, email: "bogdan@nowak.example" })).id;
    bogdan = await customer("Bogdan Nowak", "bogdan@nowak.example", other);
  }, 120_000);
  afterAll(async () => {
    await bridge?.close();
    await smtp?.close();
    await backend.dispose();
  });

  const transferService = async (name: string) =>
    addCustomerService(db, {
      customerId: anna,
      serviceCode: await serviceCode("domain", "transfer", "AND tld = 'pl'"),
      name,
      period: 1,
      status: "pending",
    });

  it("a transfer's poll messages reach the customer by e-mail: completed, failed, each once", async () => {
    const done = `taken-${tag}.pl`;
    const failed = `taken-zle-${tag}.pl`;
    const doneService = await transferService(done);
    const failedService = await transferService(failed);
    const hrd = bridge.ctx.hrd;
    await hrd.domain.transfer({ name: done, user: hrdUser, authInfo: "Kod-Od-Rejestratora-7" });
    await hrd.domain.transfer({ name: failed, user: hrdUser, authInfo: "zly-kod" });
    bridge.sandbox!.clock.advance(5_000); // both transfers' actions fall due: poll messages
    const messages = [...bridge.sandbox!.state.poll];
    expect(messages.filter((m) => m.action === "transfer").map((m) => m.objectName)).toEqual(
      expect.arrayContaining([done, failed]),
    );

    const polled = await run("poll");
    expect(polled).toMatchObject({ transfers: 1, notices: 2 });
    const told = await notices(anna, "&event=transfer.progress");
    expect(told.map((n) => [n.dedupeKey, n.channel, n.recipient]).sort()).toEqual(
      [
        [`transfer.progress:${doneService.id}:completed`, "email", "anna@wisniewska.example"],
        [`transfer.progress:${failedService.id}:rejected`, "email", "anna@wisniewska.example"],
      ].sort(),
    );

    // HRD delivers a message again (its ack was lost): nothing new for the customer.
    bridge.sandbox!.state.poll.push(messages.find((m) => m.objectName === done)!);
    expect(await run("poll")).toMatchObject({ received: 1, duplicates: 1 });
    expect(await notices(anna, "&event=transfer.progress")).toHaveLength(2);

    expect(await run("notifications")).toMatchObject({ sent: 2, failed: 0 });
    expect(mailsTo("anna@wisniewska.example").sort()).toEqual(
      [`Transfer domeny ${done}: zakończony`, `Transfer domeny ${failed}: nieudany`].sort(),
    );
  }, 60_000);

  it("an internal trade's poll message tells the holder, naming the new holder", async () => {
    const name = `taken-${tag}.pl`; // transferred in above: now in the account
    const hrd = bridge.ctx.hrd;
    const { pw } = await hrd.domain.tradeInnerGetPw({ name });
    const assignee = (await client.call<{ hrdUserId: number }>("GET", `/v1/billing/customers/${bogdan}`)).body
      .hrdUserId;
    await hrd.domain.trade({ name, user: assignee, pw });
    bridge.sandbox!.clock.advance(5_000);
    expect(await run("poll")).toMatchObject({ notices: 1 });
    const [trade, ...rest] = await notices(anna, "&event=trade.progress");
    expect(rest).toEqual([]);
    expect(trade).toMatchObject({
      channel: "email",
      subject: `Cesja domeny ${name}: zakończona`,
      dedupeKey: expect.stringMatching(/^trade\.progress:\d+:\d+:completed$/),
    });
    expect(trade!.text).toContain("Bogdan Nowak");
    expect(await run("notifications")).toMatchObject({ sent: 1 });
    expect(mailsTo("anna@wisniewska.example")).toContain(`Cesja domeny ${name}: zakończona`);
  }, 60_000);

  it("a certificate ordered through the bridge is told once the approver confirmed it", async () => {
    const cn = `sklep-${tag}.pl`;
    const ordered = await client.call<{ certId: number; status: string }>(
      "POST",
      "/v1/certificates",
      {
        product: "Positive SSL",
        csr: (await makeCsr(cn)).pem,
        approverEmail: `admin@${cn}`,
        adminContact: CERT_CONTACT,
        hrdUserId: hrdUser,
      },
      { idempotencyKey: key("cert") },
    );
    expect(ordered.body.status).toBe("awaitingApproval");
    const today = warsawDate(new Date());
    const service = await addCustomerService(db, {
      customerId: anna,
      serviceCode: await serviceCode("ssl", "create", "AND product = 'Positive SSL'"),
      name: cn,
      period: 1,
      status: "active",
      startsOn: today,
      expiresOn: addDays(today, 365),
      hrdRef: String(ordered.body.certId),
    });

    // The order's action completes; the certificate still waits for the approver.
    bridge.sandbox!.clock.advance(5_000);
    expect(await run("actions")).toMatchObject({ pending: 1, done: 0 });
    expect(await notices(anna, "&event=certificate.issued")).toEqual([]);

    bridge.sandbox!.clock.advance(APPROVAL_DELAY_MS + 1_000);
    expect(await run("actions")).toMatchObject({ done: 1 });
    const [issued, ...rest] = await notices(anna, "&event=certificate.issued");
    expect(rest).toEqual([]);
    const validUntil = (
      await client.call<{ expiresOn: string }>("GET", `/v1/certificates/${ordered.body.certId}`)
    ).body.expiresOn;
    expect(issued).toMatchObject({
      channel: "email",
      subject: `Certyfikat SSL dla ${cn} jest gotowy`,
      dedupeKey: `certificate.issued:${service.id}:${validUntil}`,
    });
    // Its poll message says the same later: told once.
    await run("poll");
    await run("actions");
    expect(await notices(anna, "&event=certificate.issued")).toHaveLength(1);
    expect(await run("notifications")).toMatchObject({ sent: 1 });
    expect(mailsTo("anna@wisniewska.example")).toContain(`Certyfikat SSL dla ${cn} jest gotowy`);
  }, 60_000);

  it("a certificate billing's activation ordered is told when issued, and gets its expiry", async () => {
    const cn = `aktywacja-${tag}.pl`;
    const o = await bridge.ctx.hrd.orderCertificateOnce({
      product: "Positive SSL",
      csr: (await makeCsr(cn)).pem,
      approverEmail: `admin@${cn}`,
      adminContact: CERT_CONTACT,
      userId: hrdUser,
      period: 1,
    });
    const today = warsawDate(new Date());
    const service = await addCustomerService(db, {
      customerId: bogdan,
      serviceCode: await serviceCode("ssl", "create", "AND product = 'Positive SSL'"),
      name: cn,
      period: 1,
      status: "active",
      startsOn: today,
      expiresOn: addDays(today, 365),
      hrdRef: String(o.certId),
    });
    // As activation records an order awaiting approval: active, HRD's id, no expiry yet.
    await db.query("UPDATE customer_services SET expires_on = NULL WHERE id = $1", [service.id]);
    expect(await run("actions")).toMatchObject({ certificatesWaiting: 1, certificatesIssued: 0 });

    bridge.sandbox!.clock.advance(APPROVAL_DELAY_MS + 10_000);
    expect(await run("actions")).toMatchObject({ certificatesIssued: 1 });
    const info = await bridge.ctx.hrd.cert.info({ id: o.certId });
    const validUntil = info.exDate!.slice(0, 10);
    expect((await getCustomerService(db, service.id)).expiresOn).toBe(validUntil);
    const told = await notices(bogdan, "&event=certificate.issued");
    expect(told.map((n) => n.dedupeKey)).toEqual([`certificate.issued:${service.id}:${validUntil}`]);
    // Issued and dated: the next run does not look at it again.
    expect(await run("actions")).toMatchObject({ certificatesWaiting: 0, certificatesIssued: 0 });
  }, 60_000);

  it("a certificate expiring in 7 days is reminded by e-mail; its SMS, with no SMSAPI, fails at once saying why", async () => {
    const cn = `wygasa-${tag}.pl`;
    const today = warsawDate(new Date());
    const service = await addCustomerService(db, {
      customerId: anna,
      serviceCode: await serviceCode("ssl", "create", "AND product = 'Positive SSL'"),
      name: cn,
      period: 1,
      status: "active",
      startsOn: addDays(today, -358),
      expiresOn: addDays(today, 7),
      hrdRef: "990001",
    });
    const reminded = await run("reminders");
    expect(reminded).toMatchObject({ noticesFailed: 0 });
    const told = await notices(anna, "&event=certificate.expiring");
    expect(told.map((n) => n.channel).sort()).toEqual(["email", "sms"]);
    expect(
      told.every((n) => n.dedupeKey === `certificate.expiring:${service.id}:${addDays(today, 7)}:7d`),
    ).toBe(true);
    // A certificate is not reminded as a service too.
    expect(
      (await notices(anna, "&event=renewal.reminder")).filter((n) =>
        n.dedupeKey?.includes(`:${service.id}:`),
      ),
    ).toEqual([]);

    await run("notifications");
    const sms = (await notices(anna, "&event=certificate.expiring&channel=sms"))[0]!;
    expect(sms).toMatchObject({
      status: "failed",
      reason: "SMS is not set up (HRDKIT_SMSAPI_TOKEN)",
      attemptCount: 1,
      recipient: "+48601234567",
    });
    expect(mailsTo("anna@wisniewska.example")).toContain(`Certyfikat SSL dla ${cn} wygaśnie za 7 dni`);
    // Three hours on: not tried again.
    await run("notifications", new Date(Date.now() + 3 * HOUR));
    expect((await notices(anna, "&event=certificate.expiring&channel=sms"))[0]!.attemptCount).toBe(1);
    // The next day's run tells nothing again.
    expect(await run("reminders", new Date(Date.now() + 24 * HOUR))).toMatchObject({ reminded: 0 });
  }, 60_000);
});
