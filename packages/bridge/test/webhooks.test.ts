/**
 * Webhooks end to end, over real HTTP on both sides: endpoints registered through the signed API,
 * events published into the queue, the delivery worker POSTing to a real receiver on 127.0.0.1
 * that checks every signature with `verifyWebhook`, and the delivery log read back through the
 * API. Time moves through the worker's `now` option, never by sleeping out a backoff. Runs on
 * PGlite, and on PostgreSQL when DATABASE_URL is set (a database of its own; there a second
 * connection pool plays a second bridge instance).
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Bridge, type BridgeClient, runJobOnce } from "@hrdkit/bridge";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  DEFAULT_RETRY_POLICY,
  deliverWebhooks,
  publishEvent,
  retryDelayMs,
  verifyWebhook,
  type WebhookEvent,
  WebhookVerificationError,
  webhookDeliveryJob,
} from "../src/webhooks/index.js";
import { bridgeBackends } from "./support/backends.js";
import { failure } from "./support/bridge.js";

interface Endpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  secretRotatedAt: string | null;
  previousSecretExpiresAt: string | null;
  secret?: string;
}
interface Delivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: "pending" | "delivered" | "failed";
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
}
interface Attempt {
  number: number;
  at: string;
  durationMs: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
}
interface DeliveryDetail extends Delivery {
  event: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
  attempts: Attempt[];
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** What a receiver got: the raw request and what `verifyWebhook` made of it. */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  event?: WebhookEvent;
  refused?: WebhookVerificationError;
  answered: number;
}

type Answer = { status: number; delayMs?: number; body?: string; headers?: Record<string, string> };

/**
 * A webhook receiver on 127.0.0.1, written as a partner would: read the raw body, verify it with
 * the endpoint's secret (400 when that fails), then answer what the test scripts for the n-th
 * request (200 by default). Tracks how many requests per delivery id are in flight at once.
 */
async function startReceiver(script: (n: number, r: Received) => Answer = () => ({ status: 200 })) {
  const received: Received[] = [];
  const inFlight = new Map<string, number>();
  let maxInFlightPerDelivery = 0;
  let secret: string | string[] = [];
  let answer = script;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const r: Received = { headers: req.headers, body, answered: 0 };
      const deliveryId = String(req.headers["x-hrdkit-delivery-id"]);
      const now = (inFlight.get(deliveryId) ?? 0) + 1;
      inFlight.set(deliveryId, now);
      maxInFlightPerDelivery = Math.max(maxInFlightPerDelivery, now);
      try {
        r.event = verifyWebhook({ secret, body, headers: req.headers });
      } catch (err) {
        r.refused = err as WebhookVerificationError;
      }
      received.push(r);
      const a: Answer = r.refused ? { status: 400, body: r.refused.message } : answer(received.length, r);
      r.answered = a.status;
      setTimeout(() => {
        inFlight.set(deliveryId, (inFlight.get(deliveryId) ?? 1) - 1);
        res.writeHead(a.status, { "content-type": "text/plain", ...a.headers });
        res.end(a.body ?? "ok");
      }, a.delayMs ?? 0);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/hrdkit`,
    port,
    received,
    get maxInFlightPerDelivery() {
      return maxInFlightPerDelivery;
    },
    useSecret(s: string | string[]) {
      secret = s;
    },
    script(s: (n: number, r: Received) => Answer) {
      answer = s;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** An invoice.issued payload as the invoices route publishes it (money as decimal strings). */
const invoiceIssued = (n: number) => ({
  invoiceId: 4200 + n,
  number: `FV/2026/03/${String(42 + n).padStart(4, "0")}`,
  kind: "invoice",
  customerId: 17,
  issueDate: "2026-03-14",
  currency: "PLN",
  net: "100.00",
  vat: "23.00",
  gross: "123.00",
});
const paymentMatched = {
  paymentId: 311,
  proformaId: 205,
  proformaNumber: "PRO/2026/03/0007",
  customerId: 17,
  method: "transfer",
  currency: "PLN",
  amount: "123.00",
  applied: "123.00",
  toBalance: "0.00",
  paid: true,
  receivedAt: "2026-03-14T09:12:00.000Z",
};

const later = (ms: number) => new Date(Date.now() + ms);

const backends = bridgeBackends("webhooks");

describe.each(backends)("webhooks over HTTP on $name", (backend) => {
  let bridge: Bridge;
  let client: BridgeClient;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    ({ bridge, client } = await backend.start());
  });
  afterAll(async () => {
    await bridge?.close();
    await backend.dispose();
  });
  afterEach(async () => {
    // Each test's endpoints go with it: a later event must not fan out to a closed receiver.
    await bridge.db.query("DELETE FROM webhook_endpoints");
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  async function receiver(script?: (n: number, r: Received) => Answer): Promise<Receiver> {
    const r = await startReceiver(script);
    receivers.push(r);
    return r;
  }

  /** Registers an endpoint for `r` and hands its secret to the receiver. */
  async function register(r: Receiver, events: string[] = ["*"], extra: Record<string, unknown> = {}) {
    const created = await client.call<Endpoint>("POST", "/v1/webhooks", { url: r.url, events, ...extra });
    expect(created.status).toBe(201);
    r.useSecret(created.body.secret!);
    return created.body;
  }

  const deliveries = async (webhookId: string, query = "") =>
    (await client.call<Page<Delivery>>("GET", `/v1/webhooks/${webhookId}/deliveries${query}`)).body;
  const detail = async (deliveryId: string) =>
    (await client.call<DeliveryDetail>("GET", `/v1/webhooks/deliveries/${deliveryId}`)).body;
  const deliver = (now: Date, extra: Parameters<typeof deliverWebhooks>[1] = {}) =>
    deliverWebhooks(bridge.ctx, { now, ...extra });

  it("registers an endpoint and shows its secret once: never in GET, lists, the audit log or the console", async () => {
    const logged = vi.spyOn(console, "log");
    const errors = vi.spyOn(console, "error");
    try {
      const r = await receiver();
      const created = await register(r, ["invoice.issued", "payment.matched"], {
        description: "Panel klienta — faktury",
      });
      expect(created).toMatchObject({
        url: r.url,
        events: ["invoice.issued", "payment.matched"],
        enabled: true,
        description: "Panel klienta — faktury",
        secretRotatedAt: null,
        previousSecretExpiresAt: null,
      });
      expect(created.id).toMatch(/^wh_[0-9a-f]{24}$/);
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
      const secret = created.secret!;

      const one = await client.call<Endpoint>("GET", `/v1/webhooks/${created.id}`);
      expect(one.body).toMatchObject({ id: created.id, url: r.url });
      const list = await client.call<Page<Endpoint>>("GET", "/v1/webhooks");
      expect(list.body.items.map((e) => e.id)).toEqual([created.id]);
      const patched = await client.call<Endpoint>("PATCH" as "PUT", `/v1/webhooks/${created.id}`, {
        description: null,
      });
      expect(patched.body.description).toBeNull();
      for (const body of [one.body, list.body, patched.body]) {
        expect(JSON.stringify(body)).not.toContain(secret);
        expect(JSON.stringify(body)).not.toContain("whsec_");
      }

      // A signed delivery and a ping go through with it, and still it is stored in one place only.
      await publishEvent(bridge.db, "invoice.issued", invoiceIssued(1));
      expect((await deliver(later(0))).delivered).toBe(1);
      await client.call("POST", `/v1/webhooks/${created.id}/ping`);
      expect(r.received.filter((x) => x.event).length).toBe(2);
      const { rows: tables } = await bridge.db.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'",
        [bridge.db.schema],
      );
      const holding: string[] = [];
      for (const { table_name } of tables) {
        const { rows } = await bridge.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${table_name}" x WHERE x::text LIKE $1`,
          [`%${secret}%`],
        );
        if (rows[0]!.n > 0) holding.push(table_name);
      }
      expect(holding).toEqual(["webhook_endpoints"]);
      const audit = await bridge.db.query<{ route: string }>(
        "SELECT route FROM bridge_audit WHERE route LIKE '/v1/webhooks%'",
      );
      expect(audit.rows.length).toBeGreaterThanOrEqual(2);
      const printed = [...logged.mock.calls, ...errors.mock.calls]
        .map((c) => c.map(String).join(" "))
        .join("\n");
      expect(printed).not.toContain(secret);
    } finally {
      logged.mockRestore();
      errors.mockRestore();
    }
  });

  it("refuses a bad URL or event type naming every bad field, and writes nothing", async () => {
    const count = async () =>
      (await bridge.db.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_endpoints")).rows[0]!.n;
    const before = await count();
    const bad = await failure(
      client.call("POST", "/v1/webhooks", {
        url: "ftp://panel.zolw-hosting.pl/hooks",
        events: ["invoice.issued", "invoice.paid"],
        description: "x".repeat(501),
      }),
    );
    expect([bad.status, bad.code]).toEqual([400, "invalid"]);
    expect(bad.body.issues?.map((i) => i.path).sort()).toEqual(["description", "events.1", "url"]);

    const creds = await failure(
      client.call("POST", "/v1/webhooks", {
        url: "https://admin:tajne@panel.zolw-hosting.pl/hooks",
        events: ["*", "order.placed"],
      }),
    );
    expect(creds.body.issues?.map((i) => i.path).sort()).toEqual(["events", "url"]);
    expect(creds.body.issues?.find((i) => i.path === "url")?.message).toMatch(/user name or password/);
    expect(JSON.stringify(creds.body)).not.toContain("tajne");

    const none = await failure(
      client.call("POST", "/v1/webhooks", { url: "https://panel.zolw-hosting.pl/hooks", events: [] }),
    );
    expect(none.body.issues?.map((i) => i.path)).toEqual(["events"]);
    const relative = await failure(client.call("POST", "/v1/webhooks", { url: "/hooks", events: ["*"] }));
    expect(relative.body.issues?.map((i) => i.path)).toEqual(["url"]);
    expect(await count()).toBe(before);

    const r = await receiver();
    const ok = await register(r, ["order.placed"]);
    const patch = await failure(
      client.call("PATCH" as "PUT", `/v1/webhooks/${ok.id}`, { url: "javascript:alert(1)", enabled: "yes" }),
    );
    expect(patch.body.issues?.map((i) => i.path).sort()).toEqual(["enabled", "url"]);
    expect((await client.call<Endpoint>("GET", `/v1/webhooks/${ok.id}`)).body).toMatchObject({
      url: r.url,
      enabled: true,
    });
    const badId = await failure(client.call("GET", "/v1/webhooks/123"));
    expect([badId.status, badId.body.issues?.[0]?.path]).toEqual([400, "id"]);
    const missing = await failure(client.call("GET", `/v1/webhooks/wh_${"0".repeat(24)}`));
    expect([missing.status, missing.code]).toEqual([404, "not_found"]);
  });

  it("delivers each event, signed, to the enabled endpoints subscribed to its type only", async () => {
    const invoices = await receiver();
    const everything = await receiver();
    const disabled = await receiver();
    const a = await register(invoices, ["invoice.issued"]);
    const b = await register(everything, ["*"]);
    const c = await register(disabled, ["*"], { enabled: false });

    const inv = await publishEvent(bridge.db, "invoice.issued", invoiceIssued(2));
    const pay = await publishEvent(bridge.db, "payment.matched", paymentMatched);
    expect(inv.id).toMatch(/^evt_[0-9a-f]{24}$/);
    const run = await deliver(later(0));
    expect(run).toMatchObject({ attempted: 3, delivered: 3, retrying: 0, failed: 0 });

    expect(invoices.received.map((x) => x.event?.id)).toEqual([inv.id]);
    expect(everything.received.map((x) => x.event?.id).sort()).toEqual([inv.id, pay.id].sort());
    expect(disabled.received).toEqual([]);
    const got = invoices.received[0]!;
    expect(got.refused).toBeUndefined();
    expect(got.event).toEqual({
      id: inv.id,
      type: "invoice.issued",
      createdAt: inv.createdAt.toISOString(),
      data: invoiceIssued(2),
    });
    expect(got.headers).toMatchObject({
      "content-type": "application/json",
      "x-hrdkit-event-id": inv.id,
      "x-hrdkit-event-type": "invoice.issued",
      "x-hrdkit-webhook-id": a.id,
      "x-hrdkit-delivery-attempt": "1",
    });
    expect(String(got.headers["x-hrdkit-webhook-signature"])).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(Math.abs(Number(got.headers["x-hrdkit-webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(30);

    const log = await deliveries(b.id);
    expect(log.items.map((d) => [d.eventType, d.status, d.attemptCount, d.lastStatusCode])).toEqual([
      ["payment.matched", "delivered", 1, 200],
      ["invoice.issued", "delivered", 1, 200],
    ]);
    expect((await deliveries(c.id)).items).toEqual([]);
    // Nothing left to send: a second run finds nothing due.
    expect((await deliver(later(60_000))).attempted).toBe(0);
  });

  it("retries a failing receiver with backoff: delivered on the 3rd attempt, never before it is due", async () => {
    const r = await receiver((n) =>
      n <= 2 ? { status: 500, body: "Internal Server Error" } : { status: 200 },
    );
    const ep = await register(r, ["invoice.issued"]);
    const event = await publishEvent(bridge.db, "invoice.issued", invoiceIssued(3));
    const t0 = Date.now();

    expect(await deliver(new Date(t0))).toMatchObject({ attempted: 1, retrying: 1 });
    let d = (await deliveries(ep.id)).items[0]!;
    expect(d).toMatchObject({ status: "pending", attemptCount: 1, lastStatusCode: 500 });
    const due1 = Date.parse(d.nextAttemptAt!);
    // 10 s ± 20 % after the first attempt.
    expect(due1 - t0).toBeGreaterThanOrEqual(8_000 - 50);
    expect(due1 - t0).toBeLessThanOrEqual(12_000 + 5_000);
    expect((await deliver(new Date(due1 - 1))).attempted).toBe(0);
    expect(r.received.length).toBe(1);

    expect(await deliver(new Date(due1))).toMatchObject({ attempted: 1, retrying: 1 });
    d = (await deliveries(ep.id)).items[0]!;
    const due2 = Date.parse(d.nextAttemptAt!);
    // 25 s ± 20 % after the second.
    expect(due2 - due1).toBeGreaterThanOrEqual(20_000 - 50);
    expect(due2 - due1).toBeLessThanOrEqual(30_000 + 5_000);
    expect((await deliver(new Date(due2 - 1))).attempted).toBe(0);

    expect(await deliver(new Date(due2))).toMatchObject({ attempted: 1, delivered: 1 });
    const full = await detail(d.id);
    expect(full).toMatchObject({
      status: "delivered",
      attemptCount: 3,
      lastStatusCode: 200,
      nextAttemptAt: null,
    });
    expect(full.attempts.map((a) => [a.number, a.ok, a.statusCode])).toEqual([
      [1, false, 500],
      [2, false, 500],
      [3, true, 200],
    ]);
    expect(full.attempts[0]).toMatchObject({
      error: "the receiver answered 500",
      responseExcerpt: "Internal Server Error",
    });
    // Every attempt carried the same event id and body (the receiver's dedup key), each newly signed.
    expect(new Set(r.received.map((x) => x.headers["x-hrdkit-event-id"]))).toEqual(new Set([event.id]));
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1);
    expect(r.received.map((x) => x.headers["x-hrdkit-delivery-attempt"])).toEqual(["1", "2", "3"]);
    expect(r.received.every((x) => x.refused === undefined)).toBe(true);
  });

  it("verifyWebhook refuses a tampered body, an old or future timestamp, and a wrong secret", async () => {
    const r = await receiver();
    const ep = await register(r, ["payment.matched"]);
    await publishEvent(bridge.db, "payment.matched", paymentMatched);
    await deliver(later(0));
    const real = r.received[0]!;
    expect(real.event?.data).toEqual(paymentMatched);
    const ts = Number(real.headers["x-hrdkit-webhook-timestamp"]) * 1000;
    const check = (over: Partial<Parameters<typeof verifyWebhook>[0]>) => {
      try {
        verifyWebhook({ secret: ep.secret!, body: real.body, headers: real.headers, now: ts, ...over });
        return "accepted";
      } catch (err) {
        expect(err).toBeInstanceOf(WebhookVerificationError);
        return (err as WebhookVerificationError).code;
      }
    };
    expect(check({})).toBe("accepted");
    expect(check({ body: Buffer.from(real.body) })).toBe("accepted");
    expect(check({ body: real.body.replace('"amount":"123.00"', '"amount":"1230.00"') })).toBe(
      "bad_signature",
    );
    expect(check({ now: ts + 301_000 })).toBe("stale");
    expect(check({ now: ts - 301_000 })).toBe("stale");
    expect(check({ now: ts + 299_000 })).toBe("accepted");
    expect(check({ now: ts + 3_600_000, toleranceSec: 7200 })).toBe("accepted");
    expect(check({ secret: `whsec_${"A".repeat(32)}` })).toBe("bad_signature");
    expect(check({ headers: { ...real.headers, "x-hrdkit-webhook-signature": undefined } })).toBe(
      "missing_header",
    );
    expect(check({ headers: { ...real.headers, "x-hrdkit-webhook-timestamp": "soon" } })).toBe(
      "bad_timestamp",
    );
    // The timestamp is signed too: moving it forward (to pass the window later) breaks the signature.
    expect(
      check({
        headers: { ...real.headers, "x-hrdkit-webhook-timestamp": String(ts / 1000 + 60) },
        now: ts + 60_000,
      }),
    ).toBe("bad_signature");
    // A fetch Headers object works as well as Node's req.headers.
    const h = new Headers();
    for (const [k, v] of Object.entries(real.headers)) if (typeof v === "string") h.set(k, v);
    expect(check({ headers: h })).toBe("accepted");
  });

  it("marks a delivery failed after the last attempt (~2.7 days), and a redelivery then succeeds", async () => {
    const r = await receiver(() => ({ status: 503, body: "Service Unavailable" }));
    const ep = await register(r, ["renewal.due"]);
    await publishEvent(bridge.db, "renewal.due", {
      customerId: 17,
      service: "domain",
      name: "zolw-hosting.pl",
      expiresOn: "2026-04-30",
    });
    const t0 = Date.now();
    let now = new Date(t0);
    const waits: number[] = [];
    for (let i = 1; i <= DEFAULT_RETRY_POLICY.maxAttempts; i++) {
      expect((await deliver(now)).attempted).toBe(1);
      const d = (await deliveries(ep.id)).items[0]!;
      expect(d.attemptCount).toBe(i);
      if (i < DEFAULT_RETRY_POLICY.maxAttempts) {
        expect(d.status).toBe("pending");
        const due = new Date(d.nextAttemptAt!);
        waits.push(due.getTime() - now.getTime());
        now = due;
      } else {
        expect(d).toMatchObject({ status: "failed", nextAttemptAt: null, lastStatusCode: 503 });
      }
    }
    expect(r.received.length).toBe(15);
    // Exponential from 10 s (±20 %) up to the 12 h cap (±20 %), about 2.7 days in all.
    expect(waits[0]).toBeGreaterThanOrEqual(8_000 - 50);
    expect(waits[0]).toBeLessThanOrEqual(12_000 + 5_000);
    expect(Math.max(...waits)).toBeLessThanOrEqual(12 * 3_600_000 * 1.2 + 5_000);
    expect(waits.slice(-4).every((w) => w >= 12 * 3_600_000 * 0.8)).toBe(true);
    const total = (now.getTime() - t0) / 86_400_000;
    expect(total).toBeGreaterThan(2.1);
    expect(total).toBeLessThan(3.3);
    // Failed is final: nothing more is sent, however late.
    expect((await deliver(later(30 * 86_400_000))).attempted).toBe(0);
    const failed = await deliveries(ep.id, "?status=failed");
    expect(failed.items.length).toBe(1);

    // The partner fixes the receiver and redelivers.
    r.script(() => ({ status: 204 }));
    const re = await client.call<DeliveryDetail>(
      "POST",
      `/v1/webhooks/deliveries/${failed.items[0]!.id}/redeliver`,
    );
    expect(re.body).toMatchObject({ status: "pending", attemptCount: 15 });
    expect(await deliver(later(0))).toMatchObject({ attempted: 1, delivered: 1 });
    const done = await detail(failed.items[0]!.id);
    expect(done).toMatchObject({ status: "delivered", attemptCount: 16, lastStatusCode: 204 });
    expect(done.attempts.at(-1)).toMatchObject({ number: 16, ok: true, statusCode: 204 });
    expect(r.received.at(-1)!.headers["x-hrdkit-event-id"]).toBe(done.eventId);

    // A delivered one can be redelivered too (the receiver lost it): same event id again.
    await client.call("POST", `/v1/webhooks/deliveries/${done.id}/redeliver`);
    expect((await deliver(later(0))).delivered).toBe(1);
    expect(r.received.slice(-2).map((x) => x.event?.id)).toEqual([done.eventId, done.eventId]);
    const missing = await failure(
      client.call("POST", `/v1/webhooks/deliveries/whd_${"0".repeat(24)}/redeliver`),
    );
    expect([missing.status, missing.code]).toEqual([404, "not_found"]);
  });

  it("a redelivery of a disabled endpoint's delivery, or of one being sent, is a 409", async () => {
    const r = await receiver();
    const ep = await register(r, ["order.placed"]);
    await publishEvent(bridge.db, "order.placed", { orderRef: "whmcs-1042", customerId: 17 });
    const d = (await deliveries(ep.id)).items[0]!;
    // Another instance holds it right now.
    await bridge.db.query(
      "UPDATE webhook_deliveries SET lease_token = 'other', lease_until = $2 WHERE id = $1",
      [d.id, later(60_000)],
    );
    const busy = await failure(client.call("POST", `/v1/webhooks/deliveries/${d.id}/redeliver`));
    expect([busy.status, busy.code, busy.body.retryable]).toEqual([409, "delivery_in_progress", true]);
    await client.call("PATCH" as "PUT", `/v1/webhooks/${ep.id}`, { enabled: false });
    const off = await failure(client.call("POST", `/v1/webhooks/deliveries/${d.id}/redeliver`));
    expect([off.status, off.code]).toEqual([409, "webhook_disabled"]);
  });

  it("signs with both secrets for 24 h after a rotation, then with the new one only", async () => {
    const r = await receiver();
    const ep = await register(r, ["domain.expired"]);
    const oldSecret = ep.secret!;
    const rotated = await client.call<Endpoint>("POST", `/v1/webhooks/${ep.id}/rotate-secret`);
    const newSecret = rotated.body.secret!;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    const until = Date.parse(rotated.body.previousSecretExpiresAt!);
    expect(until - Date.now()).toBeGreaterThan(24 * 3_600_000 - 60_000);
    expect(until - Date.now()).toBeLessThanOrEqual(24 * 3_600_000 + 1_000);
    expect(JSON.stringify((await client.call("GET", `/v1/webhooks/${ep.id}`)).body)).not.toContain(newSecret);

    // A receiver still on the old secret and one already on the new one both accept.
    r.useSecret(oldSecret);
    const before = r.received.length;
    await publishEvent(bridge.db, "domain.expired", { domain: "zolw-hosting.pl", expiredOn: "2026-03-14" });
    await deliver(later(0));
    const both = r.received.at(-1)!;
    expect(r.received.length).toBe(before + 1);
    expect(String(both.headers["x-hrdkit-webhook-signature"])).toMatch(/^v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(both.refused).toBeUndefined();
    expect(() => verifyWebhook({ secret: newSecret, body: both.body, headers: both.headers })).not.toThrow();

    // 25 h later only the new secret signs: the old one is refused.
    await publishEvent(bridge.db, "domain.expired", { domain: "zolw.com.pl", expiredOn: "2026-03-15" });
    r.useSecret(oldSecret);
    await deliver(later(25 * 3_600_000));
    const after = r.received.at(-1)!;
    expect(String(after.headers["x-hrdkit-webhook-signature"])).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(after.refused?.code).toBe("bad_signature");
    expect(() =>
      verifyWebhook({ secret: newSecret, body: after.body, headers: after.headers }),
    ).not.toThrow();

    // After a leak: previousSecretValidHours 0 drops the old secret at once.
    const leak = await client.call<Endpoint>(
      "POST",
      `/v1/webhooks/${ep.id}/rotate-secret?previousSecretValidHours=0`,
    );
    expect(leak.body.previousSecretExpiresAt).toBeNull();
    const bad = await failure(
      client.call("POST", `/v1/webhooks/${ep.id}/rotate-secret?previousSecretValidHours=1000`),
    );
    expect(bad.body.issues?.map((i) => i.path)).toEqual(["previousSecretValidHours"]);
  });

  it("pings an endpoint: a signed test event, answered with the attempt, never retried", async () => {
    const r = await receiver();
    const ep = await register(r, ["hrd.poll"], { enabled: false });
    const ping = await client.call<DeliveryDetail>("POST", `/v1/webhooks/${ep.id}/ping`);
    expect(ping.status).toBe(200);
    expect(ping.body).toMatchObject({
      webhookId: ep.id,
      eventType: "ping",
      status: "delivered",
      attemptCount: 1,
      event: { type: "ping", data: { webhookId: ep.id } },
    });
    expect(ping.body.attempts).toMatchObject([{ number: 1, ok: true, statusCode: 200 }]);
    expect(r.received.at(-1)!.event).toMatchObject({ type: "ping", id: ping.body.eventId });

    r.script(() => ({ status: 500, body: "nope" }));
    const bad = await client.call<DeliveryDetail>("POST", `/v1/webhooks/${ep.id}/ping`);
    expect(bad.body).toMatchObject({ status: "failed", lastStatusCode: 500, nextAttemptAt: null });
    await client.call("PATCH" as "PUT", `/v1/webhooks/${ep.id}`, { enabled: true });
    expect((await deliver(later(86_400_000))).attempted).toBe(0);
    const missing = await failure(client.call("POST", `/v1/webhooks/wh_${"1".repeat(24)}/ping`));
    expect([missing.status, missing.code]).toEqual([404, "not_found"]);
  });

  it("two workers at once never send the same delivery twice (and each goes out exactly once)", async () => {
    const r = await receiver(() => ({ status: 200, delayMs: 25 }));
    await register(r, ["order.placed"]);
    const events = [];
    for (let i = 0; i < 40; i++) {
      events.push(
        await publishEvent(bridge.db, "order.placed", { orderRef: `whmcs-${2000 + i}`, customerId: 17 }),
      );
    }
    const second = backend.secondDb ? await backend.secondDb() : undefined;
    try {
      const now = later(0);
      const other = second ? { db: second, now: () => now } : bridge.ctx;
      const [a, b] = await Promise.all([
        deliverWebhooks(bridge.ctx, { now, concurrency: 8 }),
        deliverWebhooks(other, { now, concurrency: 8 }),
      ]);
      expect(a.attempted + b.attempted).toBe(40);
      expect(a.delivered + b.delivered).toBe(40);
      if (second) {
        // Both instances did part of the work (not one waiting for the other to finish).
        expect(a.attempted).toBeGreaterThan(0);
        expect(b.attempted).toBeGreaterThan(0);
      }
    } finally {
      await second?.close();
    }
    expect(r.maxInFlightPerDelivery).toBe(1);
    const ids = r.received.map((x) => x.event!.id);
    expect(ids.length).toBe(40);
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.id)));
  });

  it("a crashed worker's lease expires and another worker sends the delivery", async () => {
    const r = await receiver();
    const ep = await register(r, ["service.activated"]);
    await publishEvent(bridge.db, "service.activated", {
      serviceId: 88,
      kind: "domain",
      name: "zolw-hosting.pl",
    });
    const d = (await deliveries(ep.id)).items[0]!;
    const t0 = Date.now();
    // What a worker that claimed it and died left behind: a lease for 60 s.
    await bridge.db.query(
      "UPDATE webhook_deliveries SET lease_token = 'dead', lease_until = $2 WHERE id = $1",
      [d.id, new Date(t0 + 60_000)],
    );
    expect((await deliver(new Date(t0 + 30_000))).attempted).toBe(0);
    expect(await deliver(new Date(t0 + 60_001))).toMatchObject({ attempted: 1, delivered: 1 });
    expect(r.received.length).toBe(1);
  });

  it("follows no redirect, reads a few KiB of an answer at most, and gives up on a silent receiver", async () => {
    let redirectTargetHits = 0;
    const moved = await receiver(() => {
      redirectTargetHits++;
      return { status: 200 };
    });
    const r = await receiver((n) =>
      n === 1
        ? { status: 301, headers: { location: moved.url } }
        : { status: 200, body: "Ż".repeat(600_000) },
    );
    const ep = await register(r, ["invoice.issued"]);
    moved.useSecret(ep.secret!);
    await publishEvent(bridge.db, "invoice.issued", invoiceIssued(9));
    expect(await deliver(later(0))).toMatchObject({ attempted: 1, retrying: 1 });
    const d = (await deliveries(ep.id)).items[0]!;
    expect(d.lastStatusCode).toBe(301);
    expect(d.lastError).toBe(`redirect (301 to ${moved.url}) not followed: register the final URL`);
    expect(redirectTargetHits).toBe(0);

    // 1.2 MB of answer: delivered all the same, only its start kept.
    expect(await deliver(new Date(Date.parse(d.nextAttemptAt!)))).toMatchObject({ delivered: 1 });
    const full = await detail(d.id);
    expect(full.attempts[1]!.responseExcerpt!.length).toBeLessThanOrEqual(1024);
    expect(full.attempts[1]!.responseExcerpt).toMatch(/^Ż+/);

    // A receiver that never answers: the attempt fails at the timeout.
    const silent = await receiver(() => ({ status: 200, delayMs: 5_000 }));
    const quiet = await register(silent, ["hrd.poll"]);
    await publishEvent(bridge.db, "hrd.poll", {
      messageId: 5512,
      object: "domain",
      objectName: "zolw-hosting.pl",
    });
    const t = Date.now();
    expect(await deliver(later(0), { timeoutMs: 300 })).toMatchObject({ attempted: 1, retrying: 1 });
    expect(Date.now() - t).toBeLessThan(3_000);
    const q = (await deliveries(quiet.id)).items[0]!;
    expect(q).toMatchObject({
      status: "pending",
      lastStatusCode: null,
      lastError: "no complete answer within 300 ms",
    });

    // Nobody listening at all.
    const gone = await receiver();
    await gone.close();
    await client.call("PATCH" as "PUT", `/v1/webhooks/${quiet.id}`, { url: gone.url });
    await client.call("POST", `/v1/webhooks/deliveries/${q.id}/redeliver`);
    await deliver(later(0));
    expect((await detail(q.id)).lastError).toMatch(/ECONNREFUSED/);
  });

  it("lists endpoints and deliveries with filters and cursors; disabling and deleting stop deliveries", async () => {
    const r = await receiver((_n, got) => ({ status: got.event?.type === "payment.matched" ? 500 : 200 }));
    const ep = await register(r, ["invoice.issued", "payment.matched"]);
    const other = await register(await receiver(), ["domain.transferred"]);
    for (let i = 0; i < 5; i++) await publishEvent(bridge.db, "invoice.issued", invoiceIssued(10 + i));
    for (let i = 0; i < 2; i++)
      await publishEvent(bridge.db, "payment.matched", { ...paymentMatched, paymentId: 400 + i });
    await deliver(later(0));

    const pages: Page<Delivery>[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = await deliveries(ep.id, q);
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor && pages.length < 10);
    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1]);
    const all = pages.flatMap((p) => p.items);
    expect(new Set(all.map((d) => d.id)).size).toBe(7);
    // Newest first.
    expect(all.slice(0, 2).map((d) => d.eventType)).toEqual(["payment.matched", "payment.matched"]);
    expect((await deliveries(ep.id, "?status=pending")).items.map((d) => d.eventType)).toEqual([
      "payment.matched",
      "payment.matched",
    ]);
    expect((await deliveries(ep.id, "?eventType=invoice.issued&status=delivered")).items.length).toBe(5);
    const badFilter = await failure(
      client.call("GET", `/v1/webhooks/${ep.id}/deliveries?status=lost&cursor=zzz`),
    );
    expect(badFilter.body.issues?.map((i) => i.path)).toEqual(["status"]);
    const badCursor = await failure(client.call("GET", `/v1/webhooks/${ep.id}/deliveries?cursor=zzz`));
    expect(badCursor.body.issues?.map((i) => i.path)).toEqual(["cursor"]);

    const list = async (q: string) => (await client.call<Page<Endpoint>>("GET", `/v1/webhooks${q}`)).body;
    expect((await list("?event=domain.transferred")).items.map((e) => e.id)).toEqual([other.id]);
    const first = await list("?limit=1");
    expect(first.items.map((e) => e.id)).toEqual([ep.id]);
    expect(
      (await list(`?limit=1&cursor=${encodeURIComponent(first.nextCursor!)}`)).items.map((e) => e.id),
    ).toEqual([other.id]);

    // Disabled: new events are not queued for it; a pending retry waits until it is enabled again.
    await client.call("PATCH" as "PUT", `/v1/webhooks/${ep.id}`, { enabled: false });
    expect((await list("?enabled=false")).items.map((e) => e.id)).toEqual([ep.id]);
    await publishEvent(bridge.db, "invoice.issued", invoiceIssued(20));
    expect((await deliveries(ep.id)).items.length).toBe(7);
    r.script(() => ({ status: 200 }));
    expect((await deliver(later(86_400_000))).attempted).toBe(0);
    await client.call("PATCH" as "PUT", `/v1/webhooks/${ep.id}`, {
      enabled: true,
      events: ["invoice.issued"],
    });
    expect(await deliver(later(86_400_000))).toMatchObject({ attempted: 2, delivered: 2 });
    expect((await client.call<Endpoint>("GET", `/v1/webhooks/${ep.id}`)).body.events).toEqual([
      "invoice.issued",
    ]);

    const del = await client.call("DELETE", `/v1/webhooks/${ep.id}`);
    expect(del.body).toEqual({ id: ep.id, deleted: true });
    expect((await failure(client.call("GET", `/v1/webhooks/${ep.id}`))).status).toBe(404);
    expect((await failure(client.call("GET", `/v1/webhooks/${ep.id}/deliveries`))).status).toBe(404);
    expect((await failure(client.call("DELETE", `/v1/webhooks/${ep.id}`))).status).toBe(404);
    const left = await bridge.db.query("SELECT 1 FROM webhook_deliveries WHERE endpoint_id = $1", [ep.id]);
    expect(left.rowCount).toBe(0);
  });

  it("runs as a bridge job: webhookDeliveryJob sends what is due and records its counts", async () => {
    const r = await receiver();
    await register(r, ["proforma.issued"]);
    await publishEvent(bridge.db, "proforma.issued", {
      proformaId: 205,
      number: "PRO/2026/03/0007",
      customerId: 17,
      currency: "PLN",
      gross: "123.00",
      dueDate: "2026-03-21",
    });
    const run = await runJobOnce(bridge.ctx, "webhooks", new Date(), { jobs: [webhookDeliveryJob] });
    expect(run).toMatchObject({ ran: true, result: { attempted: 1, delivered: 1 } });
    expect(webhookDeliveryJob.intervalMs).toBeLessThanOrEqual(1_000);
    expect(r.received.map((x) => x.event?.type)).toEqual(["proforma.issued"]);
  });
});

describe("the retry schedule", () => {
  it("grows from 10 s by 2.5× to a 12 h cap with ±20 % jitter, 15 attempts in about 2.7 days", () => {
    const low = Array.from({ length: 14 }, (_, i) => retryDelayMs(i + 1, DEFAULT_RETRY_POLICY, () => 0));
    const mid = Array.from({ length: 14 }, (_, i) => retryDelayMs(i + 1, DEFAULT_RETRY_POLICY, () => 0.5));
    const high = Array.from({ length: 14 }, (_, i) =>
      retryDelayMs(i + 1, DEFAULT_RETRY_POLICY, () => 0.999999),
    );
    expect(mid.slice(0, 4)).toEqual([10_000, 25_000, 62_500, 156_250]);
    expect(mid.at(-1)).toBe(12 * 3_600_000);
    expect(low[0]).toBe(8_000);
    expect(high[0]).toBe(12_000);
    const days = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / 86_400_000;
    expect(days(mid)).toBeCloseTo(2.74, 1);
    expect(days(low)).toBeGreaterThan(2.1);
    expect(days(high)).toBeLessThan(3.4);
  });
});
