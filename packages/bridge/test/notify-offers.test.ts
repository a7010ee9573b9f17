/**
 * Offers over real HTTP, as a partner's panel and a customer's browser use them: the notification
 * settings (read, change, every bad field named), an offer drafted, its segment previewed, sent
 * under an Idempotency-Key (only customers with consent get notices), followed by its recipients;
 * then the unsubscribe link from a queued e-mail opened the way a mail scanner, a person and a
 * mail client's one-click button open it. The bridge is configured from its environment variables.
 */
import { createServer } from "node:net";
import { inspect } from "node:util";
import { createCustomer, recordConsent, setSellerSettings } from "@hrdkit/billing";
import { type Bridge, type BridgeClient, loadConfig } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridgeBackends } from "./support/backends.js";
import { SELLER } from "./support/billing-documents.js";
import { everyPage, failure, startTestBridge } from "./support/bridge.js";

interface SettingsJson {
  channels: Record<string, Record<string, boolean>>;
  renewalReminderDays: number[];
  reminderChannelDays: { sms: number[]; phone: number[] };
  quietHours: { start: string; end: string; timeZone: string } | false;
  smsSender: string | null;
  panelUrl: string | null;
  updatedBy: string | null;
}
interface Counts {
  recipients: number;
  emails: number;
  sms: number;
  skipped: number;
}
interface OfferJson {
  id: number;
  title: string;
  status: string;
  createdBy: string;
  sentBy: string | null;
  counts: Counts;
  handled?: Counts;
  alreadyHandled?: number;
  replayed?: boolean;
}
interface NoticeJson {
  id: number;
  event: string;
  channel: string;
  customerId: number;
  recipient: string;
  status: string;
  text: string;
  headers: Record<string, string> | null;
}
interface ConsentJson {
  kind: string;
  granted: boolean;
  via: string;
  actor: string;
  note: string | null;
}

// 32 characters or more, as `openssl rand -base64 32` makes it.
const SECRET = "q8Zt1xV0mB7yQ2nR5sL4pA6dE9k3J-wF+u=";
const SELLER_NAME = "Żółw & Kret Sp. z o.o.";
const DAY_MS = 86_400_000;

/** A port nothing listens on now: the bridge's, so HRDKIT_PUBLIC_URL can name it before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const OFFER = {
  title: "Wiosna: odnowienia .pl",
  subject: "{{customerName}}, odnów domenę .pl taniej",
  html: "<p>Dzień dobry {{customerName}},</p><p>do końca kwietnia odnowienie domeny .pl kosztuje 39 zł.</p>",
  text: "Dzień dobry {{customerName}},\n\ndo końca kwietnia odnowienie domeny .pl kosztuje 39 zł.",
  smsText: "{{sellerName}}: odnowienie .pl za 39 zl do 30.04.",
  channels: ["email", "sms"],
  segment: { customerTypes: ["person"] },
};

const backends = bridgeBackends("offers");

describe.each(backends)("offers and unsubscribe links over HTTP on $name", (backend) => {
  let bridge: Bridge;
  let client: BridgeClient;
  const c = {} as Record<"anna" | "bartek" | "celina" | "dorota" | "filip" | "firma", number>;
  let keys = 0;
  const idem = (label: string) => `offers-${label}-${++keys}-${Date.now()}`;
  const consents = async (customer: number) =>
    (await client.call<{ items: ConsentJson[] }>("GET", `/v1/billing/customers/${customer}/consents`)).body
      .items;
  const offerNotices = async () =>
    (await client.call<{ items: NoticeJson[] }>("GET", "/v1/notifications/notices?event=offer&limit=200"))
      .body.items;

  beforeAll(async () => {
    const port = await freePort();
    // The settings as an operator writes them in .env, read the way the bridge reads them.
    const env = loadConfig(
      {
        HRDKIT_PUBLIC_URL: `http://127.0.0.1:${port}/`,
        HRDKIT_UNSUBSCRIBE_SECRET: SECRET,
        HRDKIT_OFFER_RATE: "5",
      },
      false,
    );
    ({ bridge, client } = await backend.start({ port, publicUrl: env.publicUrl, offers: env.offers }));
    await setSellerSettings(bridge.db, { ...SELLER, name: SELLER_NAME });
    const yesterday = new Date(Date.now() - DAY_MS);
    const add = async (
      key: keyof typeof c,
      input: Parameters<typeof createCustomer>[1],
      consent?: boolean[],
    ) => {
      const correspondence = { street: "ul. Garncarska 4", postcode: "30-001", city: "Kraków" };
      c[key] = (await createCustomer(bridge.db, { ...input, addresses: { correspondence } })).id;
      for (const [i, granted] of (consent ?? []).entries()) {
        await recordConsent(bridge.db, {
          customerId: c[key],
          kind: "offers",
          granted,
          // In order, all before the send: the last one is in force.
          at: new Date(yesterday.getTime() + i * 60_000),
          via: "form",
          actor: "bok@zolw.example",
        });
      }
    };
    await add(
      "anna",
      { name: "Anna Wiśniewska", email: "anna@ceramika.example", mobilePhone: "+48500100200" },
      [true],
    );
    await add("bartek", { name: "Bartek Nowak", email: "bartek@nowak.example" });
    await add("celina", { name: "Celina Lis", email: "celina@lis.example" }, [true, false]);
    await add("dorota", { name: "Dorota Bez Kontaktu" }, [true]);
    await add("filip", { name: "Filip Wrona", email: "filip@wrona.example" }, [true]);
    // Consented, but a company: outside the offer's segment.
    await add("firma", { name: "Kowalczyk i Syn Sp. z o.o.", nip: "5260250274", email: "biuro@ks.example" }, [
      true,
    ]);
  }, 60_000);
  afterAll(async () => {
    await bridge?.close();
    await backend.dispose();
  });

  it("reads and changes the notification settings, naming every bad field at once", async () => {
    const path = "/v1/notifications/settings";
    const defaults = (await client.call<SettingsJson>("GET", path)).body;
    expect(defaults).toMatchObject({
      renewalReminderDays: [30, 14, 7, 1],
      reminderChannelDays: { sms: [7, 1], phone: [1] },
      quietHours: { start: "21:00", end: "08:00", timeZone: "Europe/Warsaw" },
      smsSender: null,
      panelUrl: null,
      updatedBy: null,
    });
    expect(defaults.channels["renewal.reminder"]).toEqual({ email: true, sms: true, phone: false });
    expect(defaults.channels["payment.received"]).toEqual({ email: true, sms: false });

    const changed = await client.call<SettingsJson>("PATCH", path, {
      panelUrl: "https://panel.zolw.example/",
      smsSender: "ZolwHost",
      channels: { "payment.received": { sms: true } },
    });
    expect(changed.body).toMatchObject({ panelUrl: "https://panel.zolw.example", smsSender: "ZolwHost" });
    expect(changed.body.updatedBy).toMatch(/^api-key:[0-9a-f]+$/);
    // Only the switch named changed.
    expect(changed.body.channels["payment.received"]).toEqual({ email: true, sms: true });
    expect(changed.body.channels["renewal.reminder"]).toEqual(defaults.channels["renewal.reminder"]);

    const bad = await failure(
      client.call("PATCH", path, {
        renewalReminderDays: [30, 400],
        smsSender: "Żółw Hosting!",
        panelUrl: "panel.zolw.example",
        quietHours: { start: "25:00", end: "08:00" },
        channels: { "renewal.remindr": { email: true }, "invoice.issued": { phone: true } },
      }),
    );
    expect([bad.status, bad.code]).toEqual([400, "invalid"]);
    expect(bad.body.issues?.map((i) => i.path).sort()).toEqual([
      "channels.invoice.issued.phone",
      "channels.renewal.remindr",
      "panelUrl",
      "quietHours.start",
      "renewalReminderDays.1",
      "smsSender",
    ]);
    // A rule between fields: SMS on a day that is no reminder day.
    const stray = await failure(client.call("PATCH", path, { reminderChannelDays: { sms: [3] } }));
    expect(stray.body.issues).toEqual([
      { path: "reminderChannelDays.sms", message: expect.stringContaining("3") },
    ]);
    // A misspelt field is refused, not silently ignored.
    const typo = await failure(client.call("PATCH", path, { smsSendr: "Inny" }));
    expect(typo.status).toBe(400);
    expect(JSON.stringify(typo.body)).toContain("smsSendr");

    const after = (await client.call<SettingsJson>("GET", path)).body;
    expect(after).toMatchObject({ panelUrl: "https://panel.zolw.example", smsSender: "ZolwHost" });
    expect(after.renewalReminderDays).toEqual([30, 14, 7, 1]);
  });

  let offer: OfferJson;
  let sendKey: string;
  let sent: OfferJson;

  it("drafts an offer (billing's refusals named), changes it, and previews whom its segment reaches", async () => {
    const refused = await failure(
      client.call("POST", "/v1/notifications/offers", {
        ...OFFER,
        subject: "{{customerName}}\nodnów",
        html: "<p>{{kwota}}</p>",
        smsText: undefined,
      }),
    );
    expect([refused.status, refused.code]).toEqual([400, "invalid"]);
    expect(refused.body.issues?.map((i) => i.path).sort()).toEqual(["html", "smsText", "subject"]);

    const created = await client.call<OfferJson>("POST", "/v1/notifications/offers", OFFER);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: "draft",
      counts: { recipients: 0, emails: 0, sms: 0, skipped: 0 },
    });
    expect(created.body.createdBy).toMatch(/^api-key:/);
    const changed = await client.call<OfferJson>("PATCH", `/v1/notifications/offers/${created.body.id}`, {
      title: "Wiosna 2030: odnowienia .pl",
    });
    expect(changed.body).toMatchObject({ title: "Wiosna 2030: odnowienia .pl", status: "draft" });
    offer = changed.body;
    expect((await client.call<OfferJson>("GET", `/v1/notifications/offers/${offer.id}`)).body.title).toBe(
      "Wiosna 2030: odnowienia .pl",
    );

    const preview = await client.call<{
      matching: number;
      withConsent: number;
      withoutConsent: number;
      sample: { customerId: number; name: string }[];
    }>("POST", "/v1/notifications/segments/preview", { segment: OFFER.segment });
    // Persons: anna, bartek (never asked), celina (withdrew), dorota, filip; the company is not one.
    expect(preview.body).toMatchObject({ matching: 5, withConsent: 3, withoutConsent: 2 });
    expect(preview.body.sample.map((s) => s.customerId)).toEqual([c.anna, c.dorota, c.filip]);
    const everyone = await client.call<{ withConsent: number }>(
      "POST",
      "/v1/notifications/segments/preview",
      {},
    );
    expect(everyone.body.withConsent).toBe(4);
    const badSegment = await failure(
      client.call("POST", "/v1/notifications/segments/preview", {
        segment: {
          createdFrom: "2030-02-30",
          services: { expiringFrom: "2030-06-01", expiringTo: "2030-05-01" },
        },
      }),
    );
    expect(badSegment.body.issues?.map((i) => i.path).sort()).toEqual([
      "segment.createdFrom",
      "segment.services.expiringTo",
    ]);
  });

  it("sends only under an Idempotency-Key, to customers with consent; a repeat replays", async () => {
    const path = `/v1/notifications/offers/${offer.id}/send`;
    const noKey = await failure(client.call("POST", path, {}));
    expect(noKey.status).toBe(400);
    expect(JSON.stringify(noKey.body)).toMatch(/idempotency-key/i);
    expect(await offerNotices()).toEqual([]);

    sendKey = idem("send");
    const first = await client.call<OfferJson>("POST", path, {}, { idempotencyKey: sendKey });
    expect(first.status).toBe(200);
    sent = first.body;
    expect(sent).toMatchObject({
      status: "sent",
      replayed: false,
      // anna: e-mail and SMS; filip: e-mail; dorota: consent but nowhere to send.
      handled: { recipients: 2, emails: 2, sms: 1, skipped: 1 },
      counts: { recipients: 2, emails: 2, sms: 1, skipped: 1 },
      alreadyHandled: 0,
    });
    expect(sent.sentBy).toMatch(/^api-key:/);

    const again = await client.call<OfferJson>("POST", path, {}, { idempotencyKey: sendKey });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...sent, replayed: true });

    const notices = await offerNotices();
    expect(notices.map((n) => [n.customerId, n.channel, n.recipient, n.status]).sort()).toEqual(
      [
        [c.anna, "email", "anna@ceramika.example", "queued"],
        [c.anna, "sms", "+48500100200", "queued"],
        [c.filip, "email", "filip@wrona.example", "queued"],
      ].sort(),
    );
    // The SMS sender name is the settings' one; its text without Polish letters, as the
    // settings' smsWithoutPolishLetters (default on) has every SMS.
    const sms = notices.find((n) => n.channel === "sms")!;
    expect(sms.text).toMatch(
      /^Zolw & Kret Sp\. z o\.o\.: odnowienie \.pl za 39 zl do 30\.04\.\nRezygnacja: http/,
    );

    // A sent offer is no longer a draft.
    const edit = await failure(
      client.call("PATCH", `/v1/notifications/offers/${offer.id}`, { title: "Inna" }),
    );
    expect([edit.status, edit.code]).toEqual([409, "offer_not_draft"]);
  });

  it("lists offers and an offer's recipients by cursor; cancels a draft, which can then not be sent", async () => {
    const draft = (
      await client.call<OfferJson>("POST", "/v1/notifications/offers", { ...OFFER, title: "Jesień" })
    ).body;
    const cancelled = await client.call<OfferJson>("POST", `/v1/notifications/offers/${draft.id}/cancel`, {});
    expect(cancelled.body.status).toBe("cancelled");
    const refused = await failure(
      client.call(
        "POST",
        `/v1/notifications/offers/${draft.id}/send`,
        {},
        { idempotencyKey: idem("cancelled") },
      ),
    );
    expect([refused.status, refused.code]).toEqual([409, "offer_cancelled"]);
    const sentCancel = await failure(client.call("POST", `/v1/notifications/offers/${offer.id}/cancel`, {}));
    expect([sentCancel.status, sentCancel.code]).toEqual([409, "offer_sent"]);
    const missing = await failure(client.call("GET", "/v1/notifications/offers/999999"));
    expect(missing.status).toBe(404);

    const pages = await everyPage<OfferJson>(client, "/v1/notifications/offers?limit=1");
    expect(pages.map((p) => p.items.map((o) => o.id))).toEqual([[draft.id], [offer.id]]);
    const ofStatus = await client.call<{ items: OfferJson[] }>("GET", "/v1/notifications/offers?status=sent");
    expect(ofStatus.body.items.map((o) => o.id)).toEqual([offer.id]);

    type Recipient = {
      customerId: number;
      emailNoticeId: number | null;
      smsNoticeId: number | null;
      skippedReason: string | null;
    };
    const recipients = await everyPage<Recipient>(
      client,
      `/v1/notifications/offers/${offer.id}/recipients?limit=2`,
    );
    expect(recipients.map((p) => p.items.map((r) => r.customerId))).toEqual([[c.anna, c.dorota], [c.filip]]);
    const dorota = recipients[0]!.items[1]!;
    expect(dorota).toMatchObject({ emailNoticeId: null, smsNoticeId: null });
    expect(dorota.skippedReason).toMatch(/no valid e-mail address/);
    const skipped = await client.call<{ items: Recipient[] }>(
      "GET",
      `/v1/notifications/offers/${offer.id}/recipients?skipped=true`,
    );
    expect(skipped.body.items.map((r) => r.customerId)).toEqual([c.dorota]);
    // One offer's cursor does not page another's recipients.
    const first = (
      await client.call<{ nextCursor: string }>(
        "GET",
        `/v1/notifications/offers/${offer.id}/recipients?limit=1`,
      )
    ).body.nextCursor;
    const foreign = await failure(
      client.call(
        "GET",
        `/v1/notifications/offers/${draft.id}/recipients?cursor=${encodeURIComponent(first)}`,
      ),
    );
    expect([foreign.status, foreign.body.issues?.[0]?.path]).toEqual([400, "cursor"]);
  });

  it("the link in a queued e-mail: GET only asks, the button's POST withdraws the consent", async () => {
    const mail = (await offerNotices()).find((n) => n.customerId === c.anna && n.channel === "email")!;
    const link = /(http:\/\/\S+\/unsubscribe\?t=\S+)/.exec(mail.text)?.[1];
    expect(link?.startsWith(`${bridge.url}/unsubscribe?t=`)).toBe(true);
    expect(mail.headers).toMatchObject({
      "List-Unsubscribe": `<${link}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
    const token = new URL(link!).searchParams.get("t")!;

    // What a mail scanner does: open the link. A page asks; nothing changes.
    for (let i = 0; i < 2; i++) {
      const opened = await fetch(link!);
      expect(opened.status).toBe(200);
      expect(opened.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(opened.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(opened.headers.get("referrer-policy")).toBe("no-referrer");
      const html = await opened.text();
      expect(html).toContain('<html lang="pl">');
      expect(html).toContain("Rezygnacja z ofert");
      // The seller's name escaped, the token in the form the button posts.
      expect(html).toContain("od Żółw &amp; Kret Sp. z o.o.?");
      expect(html).toContain(
        `<form method="post" action="unsubscribe"><input type="hidden" name="t" value="${token}">`,
      );
      expect(html).not.toMatch(/<script|https?:\/\//);
    }
    expect((await consents(c.anna)).map((r) => r.granted)).toEqual([true]);

    const english = await fetch(link!, { headers: { "accept-language": "en-GB,en;q=0.9,pl;q=0.8" } });
    const englishHtml = await english.text();
    expect(englishHtml).toContain('<html lang="en">');
    expect(englishHtml).toContain("Yes, unsubscribe me");
    const polishFirst = await fetch(link!, { headers: { "accept-language": "pl,en;q=0.9" } });
    expect(await polishFirst.text()).toContain("Tak, wypisz mnie");

    // The person clicks the button: the browser posts the form to the same address.
    const clicked = await fetch(new URL("unsubscribe", link!), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ t: token }),
    });
    expect(clicked.status).toBe(200);
    const done = await clicked.text();
    expect(done).toContain("<title>Wypisano</title>");
    expect(done).toContain("Nie będą Państwo już otrzymywać ofert handlowych od Żółw &amp; Kret Sp. z o.o.");
    const history = await consents(c.anna);
    expect(history).toHaveLength(2);
    expect(history[1]).toMatchObject({
      kind: "offers",
      granted: false,
      via: "link",
      actor: "customer (unsubscribe link)",
    });
    expect(history[1]!.note).toContain(`offer ${offer.id}`);

    // A second click, as a mail client's one-click POST (multipart): 200, nothing recorded twice.
    const boundary = "----hrdkit7MA4YWxkTrZu0gW";
    const again = await fetch(link!, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    });
    expect(again.status).toBe(200);
    expect(await consents(c.anna)).toHaveLength(2);

    const preview = await client.call<{ withConsent: number }>("POST", "/v1/notifications/segments/preview", {
      segment: OFFER.segment,
    });
    expect(preview.body.withConsent).toBe(2);
  });

  it("a mail client's RFC 8058 one-click POST withdraws the consent; a tampered token gets a bare 400 page", async () => {
    const mail = (await offerNotices()).find((n) => n.customerId === c.filip)!;
    const link = mail.headers!["List-Unsubscribe"]!.slice(1, -1);
    const token = new URL(link).searchParams.get("t")!;

    // The other customer's mac on this customer's ids, a changed id, a cut-short token.
    const annaMail = (await offerNotices()).find((n) => n.customerId === c.anna && n.channel === "email")!;
    const annaToken = new URL(annaMail.headers!["List-Unsubscribe"]!.slice(1, -1)).searchParams.get("t")!;
    const [offerId, customerId, mac] = token.split(".");
    const tampered = [
      `${offerId}.${customerId}.${annaToken.split(".")[2]}`,
      `${offerId}.${c.celina}.${mac}`,
      token.slice(0, -1),
      `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`,
    ];
    for (const t of tampered) {
      const url = `${bridge.url}/unsubscribe?t=${encodeURIComponent(t)}`;
      const opened = await fetch(url);
      expect(opened.status).toBe(400);
      const html = await opened.text();
      expect(html).toContain("Nieprawidłowy link");
      expect(html).not.toContain(t);
      expect(html).not.toMatch(/hmac|secret|offer|mac/i);
      const posted = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      });
      expect(posted.status).toBe(400);
      expect(await posted.text()).toContain("Nieprawidłowy link");
    }
    const noToken = await fetch(`${bridge.url}/unsubscribe`);
    expect(noToken.status).toBe(400);
    expect((await consents(c.filip)).map((r) => r.granted)).toEqual([true]);
    expect((await consents(c.celina)).map((r) => r.granted)).toEqual([true, false]);

    // What Gmail or Apple Mail send for the List-Unsubscribe-Post header: no page, no button.
    const oneClick = await fetch(link, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(oneClick.status).toBe(200);
    const history = await consents(c.filip);
    expect(history.map((r) => [r.granted, r.via])).toEqual([
      [true, "form"],
      [false, "link"],
    ]);

    // The public pages need no signature; every other route still does.
    expect((await fetch(`${bridge.url}/v1/notifications/offers`)).status).toBe(401);
    expect((await fetch(`${bridge.url}/v1/notifications/settings`)).status).toBe(401);
  });

  it("documents the offer routes (not the public pages), audits changes, and never shows the secret", async () => {
    const spec = (await (await fetch(`${bridge.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string; required?: boolean }[] }>>;
    };
    const paths = Object.keys(spec.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/v1/notifications/settings",
        "/v1/notifications/offers",
        "/v1/notifications/offers/{id}",
        "/v1/notifications/offers/{id}/send",
        "/v1/notifications/offers/{id}/cancel",
        "/v1/notifications/offers/{id}/recipients",
        "/v1/notifications/segments/preview",
      ]),
    );
    expect(paths.filter((p) => p.includes("unsubscribe"))).toEqual([]);
    expect(spec.paths["/v1/notifications/offers/{id}/send"]!.post!.parameters).toContainEqual(
      expect.objectContaining({ name: "idempotency-key", required: true }),
    );

    const { rows } = await bridge.db.query<{ action: string; outcome: string }>(
      `SELECT detail->>'action' AS action, outcome FROM bridge_audit
        WHERE route LIKE '/v1/notifications/offers%' OR route LIKE '/v1/notifications/settings%' ORDER BY id`,
    );
    const actions = rows.map((r) => `${r.action} ${r.outcome}`);
    expect(actions).toContain("notify.settings.update ok");
    expect(actions).toContain("notify.offer.send ok");
    expect(actions).toContain("notify.offer.cancel ok");
    expect(actions.filter((a) => a === "notify.offer.send ok")).toHaveLength(2);

    expect(bridge.ctx.notify?.offerRatePerSecond).toBe(5);
    const config = loadConfig({ HRDKIT_UNSUBSCRIBE_SECRET: SECRET, HRDKIT_OFFER_RATE: "2.5" }, false);
    for (const shown of [
      JSON.stringify(config),
      inspect(config, { depth: 10 }),
      JSON.stringify(bridge.ctx.notify),
      inspect(bridge.ctx.notify, { depth: 10 }),
    ]) {
      expect(shown).not.toContain(SECRET);
    }
    expect(config.offers?.ratePerSecond).toBe(2.5);
    const refusal = (vars: Record<string, string>) => {
      try {
        loadConfig(vars, false);
        return "";
      } catch (err) {
        return String(err);
      }
    };
    const short = refusal({ HRDKIT_UNSUBSCRIBE_SECRET: "krotkie-haslo-2030", HRDKIT_OFFER_RATE: "0" });
    expect(short).toMatch(/HRDKIT_UNSUBSCRIBE_SECRET must be at least 32 characters/);
    expect(short).toMatch(/HRDKIT_OFFER_RATE must be messages per second/);
    expect(short).not.toContain("krotkie-haslo-2030");
  });
});

describe("offers without HRDKIT_UNSUBSCRIBE_SECRET", () => {
  let bridge: Bridge;
  let client: BridgeClient;
  beforeAll(async () => {
    ({ bridge, client } = await startTestBridge({ config: { publicUrl: "https://bridge.zolw.example" } }));
    await setSellerSettings(bridge.db, SELLER);
  }, 60_000);
  afterAll(() => bridge?.close());

  it("refuses to send with a 409 naming the variable to set, and leaves the draft a draft", async () => {
    const draft = (await client.call<OfferJson>("POST", "/v1/notifications/offers", OFFER)).body;
    const refused = await failure(
      client.call(
        "POST",
        `/v1/notifications/offers/${draft.id}/send`,
        {},
        { idempotencyKey: `no-secret-${Date.now()}` },
      ),
    );
    expect([refused.status, refused.code]).toEqual([409, "offers_not_configured"]);
    expect(refused.message).toContain("HRDKIT_UNSUBSCRIBE_SECRET");
    // Only what is missing is named.
    expect(refused.message).not.toMatch(/set HRDKIT_PUBLIC_URL/);
    expect((await client.call<OfferJson>("GET", `/v1/notifications/offers/${draft.id}`)).body.status).toBe(
      "draft",
    );

    // A link from before the secret was removed: a page saying to try later, and a line for the operator.
    const logged: string[] = [];
    bridge.ctx.logError = (err, request) => logged.push(`${request.method} ${request.url}: ${String(err)}`);
    const page = await fetch(`${bridge.url}/unsubscribe?t=1.1.AAAAAAAAAAAAAAAAAAAAAA`);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("Chwilowo niedostępne");
    expect(logged).toEqual([
      "GET /unsubscribe: Error: HRDKIT_UNSUBSCRIBE_SECRET is not set: unsubscribe links cannot be checked",
    ]);
  });
});
