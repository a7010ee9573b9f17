/**
 * Notifications over real HTTP: the template editor's calls (catalogue, list, save with billing's
 * refusals, preview, reset), the outbox (list by cursor and filters, one notice with its attempts,
 * resend under an Idempotency-Key, cancel), the outbox job sending through a real SMTP server and
 * the SMSAPI fake with the bridge configured from its environment variables, and SMSAPI's
 * unsigned delivery reports coming back to the secret address.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { inspect } from "node:util";
import { createCustomer, enqueueNotice, NOTICE_EVENTS, setSellerSettings, smsLength } from "@hrdkit/billing";
import { type Bridge, type BridgeClient, loadConfig, runJobOnce } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeSmsapi, startSmsapiFake } from "../../billing/test/support/smsapi-fake.js";
import { decodeWords, type Smtp, startSmtp } from "../../billing/test/support/smtp.js";
import { bridgeBackends } from "./support/backends.js";
import { SELLER } from "./support/billing-documents.js";
import { everyPage, failure } from "./support/bridge.js";

interface TemplateJson {
  event: string;
  channel: string;
  language: string;
  subject: string | null;
  html: string | null;
  text: string;
  source: "custom" | "default";
  updatedAt: string | null;
  updatedBy: string | null;
}
interface NoticeJson {
  id: number;
  event: string;
  channel: string;
  customerId: number | null;
  recipient: string | null;
  status: string;
  reason: string | null;
  providerId: string | null;
  idempotencyKey: string;
  attachments: Record<string, unknown>[];
  resentFrom: number | null;
  createdBy: string | null;
  deliveredAt: string | null;
  parts: number | null;
  replayed?: boolean;
  attempts?: { number: number; outcome: string; providerId: string | null }[];
}

const REPORTS = "/v1/notifications/smsapi/reports";
/** 12:00 in Warsaw: outside the quiet hours that hold SMS back at night. */
const NOON = new Date("2030-06-10T10:00:00Z");
const T0 = new Date("2030-06-10T09:00:00Z");
const MAIL_FROM = "powiadomienia@relay.zolw.example";
const SELLER_FROM = { name: "Żółw Hosting", address: "biuro@zolw.example" };

/** A port nothing listens on now: the bridge's, so HRDKIT_PUBLIC_URL can name it before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const backends = bridgeBackends("notify");

describe.each(backends)("notifications over HTTP on $name", (backend) => {
  let bridge: Bridge;
  let client: BridgeClient;
  let smtp: Smtp;
  let smsapi: FakeSmsapi;
  let reportToken: string;
  let anna: number;
  let bartek: number;
  let keys = 0;
  const idem = (label: string) => `notify-${label}-${++keys}-${Date.now()}`;
  const notice = async (id: number) =>
    (await client.call<NoticeJson>("GET", `/v1/notifications/notices/${id}`)).body;

  beforeAll(async () => {
    smtp = await startSmtp();
    smsapi = await startSmsapiFake();
    reportToken = randomBytes(24).toString("hex");
    const port = await freePort();
    // The settings as an operator writes them in .env, read the way the bridge reads them.
    const env = loadConfig(
      {
        HRDKIT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        HRDKIT_MAIL_FROM: MAIL_FROM,
        HRDKIT_SMSAPI_TOKEN: smsapi.token,
        HRDKIT_SMSAPI_URL: smsapi.url,
        HRDKIT_SMS_SENDER: "ZolwHost",
        HRDKIT_SMSAPI_REPORT_TOKEN: reportToken,
        HRDKIT_PUBLIC_URL: `http://127.0.0.1:${port}/`,
      },
      false,
    );
    ({ bridge, client } = await backend.start({
      port,
      mail: env.mail,
      smsapi: env.smsapi,
      publicUrl: env.publicUrl,
    }));
    anna = (
      await createCustomer(bridge.db, {
        name: "Anna Wiśniewska",
        email: "anna@ceramika.example",
        mobilePhone: "+48500100200",
        addresses: { correspondence: { street: "ul. Garncarska 4", postcode: "30-001", city: "Kraków" } },
      })
    ).id;
    bartek = (await createCustomer(bridge.db, { name: "Bartek Kowalczyk" })).id;
  }, 60_000);
  afterAll(async () => {
    await bridge?.close();
    await smtp?.close();
    await smsapi?.close();
    await backend.dispose();
  });

  it("lists the events with their channels and variables, for an editor", async () => {
    const { body } = await client.call<{
      events: {
        event: string;
        channels: string[];
        variables: { name: string; required: boolean; fields?: { name: string }[] }[];
      }[];
      languages: string[];
      helpers: { name: string; block: boolean }[];
    }>("GET", "/v1/notifications/events");
    expect(body.events.map((e) => e.event)).toEqual([...NOTICE_EVENTS]);
    expect(body.languages).toEqual(["pl", "en"]);
    const reminder = body.events.find((e) => e.event === "renewal.reminder")!;
    expect(reminder.channels).toEqual(["email", "sms", "phone"]);
    expect(reminder.variables).toContainEqual(
      expect.objectContaining({ name: "serviceName", required: true }),
    );
    const proforma = body.events.find((e) => e.event === "proforma.issued")!;
    expect(proforma.variables.find((v) => v.name === "items")?.fields?.map((f) => f.name)).toEqual([
      "name",
      "amountGross",
    ]);
    expect(body.helpers).toContainEqual(expect.objectContaining({ name: "each", block: true }));
  });

  it("lists, saves, refuses an unknown variable naming the field, previews and resets a template", async () => {
    const path = "/v1/notifications/templates/renewal.reminder/sms/pl";
    const defaults = await client.call<{ items: TemplateJson[] }>(
      "GET",
      "/v1/notifications/templates?event=renewal.reminder&language=pl",
    );
    expect(defaults.body.items.map((t) => [t.channel, t.source])).toEqual([
      ["email", "default"],
      ["sms", "default"],
      ["phone", "default"],
    ]);
    const builtIn = defaults.body.items[1]!;

    const unknown = await failure(
      client.call("PUT", path, { text: "{{customerNam}}: {{serviceName}} wygasa {{expiresOn}}" }),
    );
    expect([unknown.status, unknown.code]).toEqual([400, "invalid"]);
    expect(unknown.body.issues?.map((i) => i.path)).toEqual(["text"]);
    expect(unknown.body.issues?.[0]?.message).toContain("customerNam (line 1)");
    // An e-mail without its HTML: billing names every missing field at once.
    const partial = await failure(
      client.call("PUT", "/v1/notifications/templates/renewal.reminder/email/pl", {
        subject: "Odnów",
        text: "x",
      }),
    );
    expect(partial.body.issues?.map((i) => i.path)).toEqual(["html"]);
    expect((await client.call<TemplateJson>("GET", path)).body.source).toBe("default");

    const text = "{{sellerName}}: {{serviceName}} wygasa {{expiresOn}}. Odnow: {{renewUrl}}";
    const saved = await client.call<TemplateJson>("PUT", path, { text });
    expect(saved.body).toMatchObject({ source: "custom", text, subject: null, html: null });
    expect(saved.body.updatedBy).toMatch(/^api-key:[0-9a-f]+$/);
    expect((await client.call<TemplateJson>("GET", path)).body).toMatchObject({ source: "custom", text });
    const custom = await client.call<{ items: TemplateJson[] }>(
      "GET",
      "/v1/notifications/templates?source=custom",
    );
    expect(custom.body.items.map((t) => `${t.event}/${t.channel}/${t.language}`)).toEqual([
      "renewal.reminder/sms/pl",
    ]);

    const stored = await client.call<{
      source: string;
      text: string;
      sms: { parts: number; encoding: string };
    }>("POST", "/v1/notifications/templates/preview", {
      event: "renewal.reminder",
      channel: "sms",
      language: "pl",
    });
    expect(stored.body.source).toBe("custom");
    // The event's samples, and the seller's when none is set yet.
    expect(stored.body.text).toMatch(
      /^Żółw Hosting Sp\. z o\.o\.: wisniewska-ceramika\.pl wygasa 15\.04\.2026\. Odnow: https:\/\/\S+$/,
    );
    // "Żółw" keeps the whole SMS in UCS-2: what the partner pays for shows before anything is sent.
    expect(stored.body.sms).toEqual(smsLength(stored.body.text));
    expect(stored.body.sms.encoding).toBe("ucs-2");

    const unsaved = await client.call<{ source: string; subject: string; html: string; sms: null }>(
      "POST",
      "/v1/notifications/templates/preview",
      {
        event: "renewal.reminder",
        channel: "email",
        language: "pl",
        template: {
          subject: "{{serviceName}} wygasa {{expiresOn}}",
          html: "<p>{{customerName}}</p>",
          text: "x",
        },
      },
    );
    expect(unsaved.body).toMatchObject({
      source: "unsaved",
      subject: "wisniewska-ceramika.pl wygasa 15.04.2026",
      html: "<p>Anna Wiśniewska</p>",
      sms: null,
    });
    const bad = await failure(
      client.call("POST", "/v1/notifications/templates/preview", {
        event: "renewal.reminder",
        channel: "email",
        language: "pl",
        template: { subject: "ok", html: "<p>{{kwota}}</p>", text: "x" },
      }),
    );
    expect(bad.body.issues?.map((i) => i.path)).toEqual(["template.html"]);
    expect(bad.body.issues?.[0]?.message).toContain("kwota");

    const reset = await client.call<TemplateJson>("DELETE", path);
    expect(reset.body).toMatchObject({ source: "default", text: builtIn.text, updatedBy: null });
    expect(
      (await client.call<{ items: TemplateJson[] }>("GET", "/v1/notifications/templates?source=custom")).body
        .items,
    ).toEqual([]);

    // Once the seller's data is set, previews show the partner's own name and e-mail, not the samples.
    await setSellerSettings(bridge.db, {
      ...SELLER,
      name: "Kret Serwery Sp. z o.o.",
      email: "biuro@kret.example",
    });
    const own = await client.call<{ text: string }>("POST", "/v1/notifications/templates/preview", {
      event: "payment.received",
      channel: "sms",
      language: "pl",
      template: { text: "{{sellerName}} ({{sellerEmail}}): {{customerName}}, dziekujemy za {{amount}}" },
    });
    expect(own.body.text).toBe(
      "Kret Serwery Sp. z o.o. (biuro@kret.example): Anna Wiśniewska, dziekujemy za 49,19 zł",
    );
  });

  let email: NoticeJson;
  let sms: NoticeJson;
  let sms2: NoticeJson;
  let unsendable: NoticeJson;

  it("lists notices enqueued by billing, newest first, by cursor and filters, with their attachments as metadata", async () => {
    const pdf = Buffer.from("%PDF-1.7\n% proforma PRO/2030/06/41\n");
    const enqueue = async (input: Parameters<typeof enqueueNotice>[1]) =>
      (await enqueueNotice(bridge.db, input, { now: T0 })).notice as unknown as NoticeJson;
    email = await enqueue({
      channel: "email",
      event: "proforma.issued",
      customerId: anna,
      to: "anna@ceramika.example",
      from: SELLER_FROM,
      subject: "Proforma PRO/2030/06/41 do zapłaty",
      html: "<p>Proforma <b>PRO/2030/06/41</b> na 49,19&nbsp;zł.</p>",
      text: "Proforma PRO/2030/06/41 na 49,19 zł.",
      attachments: [{ filename: "PRO-2030-06-41.pdf", content: pdf, contentType: "application/pdf" }],
    });
    sms = await enqueue({
      channel: "sms",
      event: "renewal.reminder",
      customerId: anna,
      to: "+48500100200",
      text: "Zolw Hosting: wisniewska-ceramika.pl wygasa 15.07.2030. Odnow: https://panel.zolw.example/r/41",
    });
    unsendable = await enqueue({
      channel: "sms",
      event: "renewal.reminder",
      customerId: bartek,
      to: null,
      text: "Zolw Hosting: kowalczyk.pl wygasa 15.07.2030.",
    });
    sms2 = await enqueue({
      channel: "sms",
      event: "payment.received",
      customerId: bartek,
      to: "+48500100201",
      text: "Zolw Hosting: dziekujemy za wplate 49,19 zl.",
    });
    expect(unsendable.status).toBe("unsendable");

    const pages = await everyPage<NoticeJson>(client, "/v1/notifications/notices?limit=3");
    expect(pages.map((p) => p.items.map((n) => n.id))).toEqual([
      [sms2.id, unsendable.id, sms.id],
      [email.id],
    ]);
    const ids = async (query: string) =>
      (
        await client.call<{ items: NoticeJson[] }>("GET", `/v1/notifications/notices?${query}`)
      ).body.items.map((n) => n.id);
    expect(await ids("channel=sms")).toEqual([sms2.id, unsendable.id, sms.id]);
    expect(await ids("status=unsendable")).toEqual([unsendable.id]);
    expect(await ids(`customerId=${anna}`)).toEqual([sms.id, email.id]);
    expect(await ids(`customerId=${anna}&channel=email&status=queued&event=proforma.issued`)).toEqual([
      email.id,
    ]);
    const listed = (
      await client.call<{ items: NoticeJson[] }>("GET", "/v1/notifications/notices?status=unsendable")
    ).body.items[0]!;
    expect(listed.reason).toBe("no phone number for the SMS");

    const cursor = await failure(client.call("GET", "/v1/notifications/notices?cursor=nonsense"));
    expect([cursor.status, cursor.body.issues?.[0]?.path]).toEqual([400, "cursor"]);
    const status = await failure(client.call("GET", "/v1/notifications/notices?status=lost"));
    expect([status.status, status.body.issues?.[0]?.path]).toEqual([400, "status"]);

    const got = await notice(email.id);
    expect(got).toMatchObject({ status: "queued", attempts: [], customerId: anna });
    expect(got.attachments).toEqual([
      { filename: "PRO-2030-06-41.pdf", contentType: "application/pdf", size: pdf.length },
    ]);
    expect((await failure(client.call("GET", "/v1/notifications/notices/999999"))).status).toBe(404);
  });

  it("resends a notice as a new one only under an Idempotency-Key, and cancels one", async () => {
    const path = `/v1/notifications/notices/${email.id}/resend`;
    const noKey = await failure(client.call("POST", path, { to: "ksiegowosc@ceramika.example" }));
    expect(noKey.status).toBe(400);
    expect(JSON.stringify(noKey.body)).toMatch(/idempotency-key/i);

    const key = idem("resend");
    const first = await client.call<NoticeJson>(
      "POST",
      path,
      { to: "ksiegowosc@ceramika.example" },
      { idempotencyKey: key },
    );
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      resentFrom: email.id,
      recipient: "ksiegowosc@ceramika.example",
      status: "queued",
      replayed: false,
      attachments: [{ filename: "PRO-2030-06-41.pdf", contentType: "application/pdf" }],
    });
    expect(first.body.id).not.toBe(email.id);
    expect(first.body.createdBy).toMatch(/^api-key:/);
    // A repeat (a double click, a retried request) gets the first copy back: one new notice, not two.
    const again = await client.call<NoticeJson>(
      "POST",
      path,
      { to: "ksiegowosc@ceramika.example" },
      { idempotencyKey: key },
    );
    expect([again.status, again.body.id, again.body.replayed]).toEqual([201, first.body.id, true]);
    const copies = await bridge.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM notices WHERE resent_from = $1",
      [email.id],
    );
    expect(copies.rows[0]!.n).toBe(1);
    expect((await notice(email.id)).status).toBe("queued");

    const cancelled = await client.call<NoticeJson>(
      "POST",
      `/v1/notifications/notices/${first.body.id}/cancel`,
      {
        reason: "klientka dostała ją już",
      },
    );
    expect(cancelled.body.status).toBe("cancelled");
    expect(cancelled.body.reason).toMatch(/^cancelled by api-key:[0-9a-f]+: klientka dostała ją już$/);
    const twice = await failure(client.call("POST", `/v1/notifications/notices/${first.body.id}/cancel`, {}));
    expect([twice.status, twice.code]).toEqual([409, "not_cancellable"]);
    const missing = await failure(client.call("POST", "/v1/notifications/notices/999999/cancel", {}));
    expect(missing.status).toBe(404);
    const unknown = await failure(
      client.call("POST", "/v1/notifications/notices/999999/resend", {}, { idempotencyKey: idem("missing") }),
    );
    expect(unknown.status).toBe(404);
  });

  it("the outbox job sends the queued e-mail over SMTP and the SMS through SMSAPI, asking for delivery reports", async () => {
    const run = await runJobOnce(bridge.ctx, "notifications", NOON, { log: () => undefined });
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ sent: 3, failed: 0 });

    expect(smtp.arrived).toHaveLength(1);
    const mail = smtp.arrived[0]!;
    expect(mail.envelope).toEqual({ from: MAIL_FROM, to: ["anna@ceramika.example"] });
    // HRDKIT_MAIL_FROM is the sender the relay allows; replies still reach the seller.
    expect(decodeWords(mail.mail.headers["from"]!)).toContain(MAIL_FROM);
    expect(mail.mail.headers["reply-to"]).toContain(SELLER_FROM.address);
    expect(decodeWords(mail.mail.headers["subject"]!)).toBe("Proforma PRO/2030/06/41 do zapłaty");
    expect(mail.mail.attachments.map((a) => a.filename)).toEqual(["PRO-2030-06-41.pdf"]);

    expect(smsapi.messages.map((m) => m.to)).toEqual(["48500100200", "48500100201"]);
    const [first, second] = smsapi.messages;
    const reportUrl = `${bridge.url}${REPORTS}/${reportToken}`;
    expect(first).toMatchObject({
      from: "ZolwHost",
      idx: (await notice(sms.id)).idempotencyKey,
      notifyUrl: reportUrl,
    });
    expect(second!.notifyUrl).toBe(reportUrl);

    const sent = await notice(sms.id);
    expect(sent).toMatchObject({ status: "sent", providerId: first!.id, parts: 1 });
    expect(sent.attempts).toEqual([
      expect.objectContaining({ number: 1, outcome: "sent", providerId: first!.id }),
    ]);
    expect((await notice(email.id)).status).toBe("sent");
    expect((await notice(unsendable.id)).status).toBe("unsendable");
  });

  it("takes SMSAPI's unsigned delivery reports at the secret address only", async () => {
    const [first, second] = smsapi.messages;
    // A stranger guessing the address: a bare 404, and the notice stays as it was.
    const query = `MsgId=${first!.id}&status=405&idx=${first!.idx}&donedate=${Math.floor(NOON.getTime() / 1000)}`;
    for (const token of [randomBytes(24).toString("hex"), reportToken.slice(0, -1), ""]) {
      const res = await fetch(`${bridge.url}${REPORTS}/${token}?${query}`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain(reportToken);
    }
    expect((await notice(sms.id)).status).toBe("sent");

    // SMSAPI's own call, as it makes it (GET, no signature): answered "OK", the SMS delivered.
    const doneAt = new Date("2030-06-10T10:00:07Z");
    const answer = await smsapi.sendReports([{ message: first!, status: 404, doneAt }]);
    expect(answer).toEqual({ status: 200, body: "OK" });
    expect(await notice(sms.id)).toMatchObject({ status: "delivered", deliveredAt: doneAt.toISOString() });

    // A report sent as a POST form works the same; an undelivered SMS fails with SMSAPI's reason.
    const form = await fetch(`${bridge.url}${REPORTS}/${reportToken}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ MsgId: second!.id, status: "405", idx: second!.idx ?? "", to: second!.to }),
    });
    expect([form.status, await form.text()]).toEqual([200, "OK"]);
    const failed = await notice(sms2.id);
    expect(failed.status).toBe("failed");
    expect(failed.reason).toContain("UNDELIVERED");

    // Every other notification route still wants a signature.
    expect((await fetch(`${bridge.url}/v1/notifications/notices`)).status).toBe(401);
  });

  it("documents the routes (the report address left out) and never shows the SMSAPI tokens", async () => {
    const spec = (await (await fetch(`${bridge.url}/docs/json`)).json()) as {
      paths: Record<
        string,
        Record<string, { tags?: string[]; parameters?: { name: string; required?: boolean }[] }>
      >;
    };
    const paths = Object.keys(spec.paths).filter((p) => p.startsWith("/v1/notifications"));
    expect(paths.sort()).toEqual([
      "/v1/notifications/events",
      "/v1/notifications/notices",
      "/v1/notifications/notices/{id}",
      "/v1/notifications/notices/{id}/cancel",
      "/v1/notifications/notices/{id}/resend",
      "/v1/notifications/offers",
      "/v1/notifications/offers/{id}",
      "/v1/notifications/offers/{id}/cancel",
      "/v1/notifications/offers/{id}/recipients",
      "/v1/notifications/offers/{id}/send",
      "/v1/notifications/segments/preview",
      "/v1/notifications/settings",
      "/v1/notifications/templates",
      "/v1/notifications/templates/preview",
      "/v1/notifications/templates/{event}/{channel}/{language}",
    ]);
    const resend = spec.paths["/v1/notifications/notices/{id}/resend"]!.post!;
    expect(resend.tags).toEqual(["notifications"]);
    expect(resend.parameters).toContainEqual(
      expect.objectContaining({ name: "idempotency-key", required: true }),
    );

    // Every change is in the audit log; reads, previews and SMSAPI's reports are not.
    const { rows } = await bridge.db.query<{ action: string; outcome: string }>(
      "SELECT detail->>'action' AS action, outcome FROM bridge_audit WHERE route LIKE '/v1/notifications%' ORDER BY id",
    );
    expect(rows.map((r) => `${r.action} ${r.outcome}`)).toEqual([
      "notify.template.save error",
      "notify.template.save error",
      "notify.template.save ok",
      "notify.template.reset ok",
      "notify.notice.resend error",
      "notify.notice.resend ok",
      "notify.notice.resend ok",
      "notify.notice.cancel ok",
      "notify.notice.cancel error",
      "notify.notice.cancel error",
      "notify.notice.resend error",
    ]);

    const env = {
      HRDKIT_SMSAPI_TOKEN: smsapi.token,
      HRDKIT_SMSAPI_REPORT_TOKEN: reportToken,
    };
    const config = loadConfig(env, false);
    const shownBy = [
      JSON.stringify(config),
      inspect(config, { depth: 10 }),
      JSON.stringify(bridge.ctx.notify),
      inspect(bridge.ctx.notify, { depth: 10 }),
    ];
    for (const shown of shownBy) {
      expect(shown).not.toContain(smsapi.token);
      expect(shown).not.toContain(reportToken);
    }
    const refusal = (vars: Record<string, string>) => {
      try {
        loadConfig(vars, false);
        return "";
      } catch (err) {
        return String(err);
      }
    };
    const short = refusal({ HRDKIT_SMSAPI_TOKEN: smsapi.token, HRDKIT_SMSAPI_REPORT_TOKEN: "tajne-haslo" });
    expect(short).toMatch(/HRDKIT_SMSAPI_REPORT_TOKEN must be 24–200 characters/);
    expect(short).not.toContain("tajne-haslo");
    expect(short).not.toContain(smsapi.token);
    const orphan = refusal({ HRDKIT_SMS_SENDER: "ZolwHost", HRDKIT_PUBLIC_URL: "bridge.zolw.example" });
    expect(orphan).toMatch(/HRDKIT_PUBLIC_URL must be an http\(s\) address/);
    expect(orphan).toMatch(/HRDKIT_SMS_SENDER is set but HRDKIT_SMSAPI_TOKEN is not/);
  });
});
