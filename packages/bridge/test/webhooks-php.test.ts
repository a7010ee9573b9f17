/**
 * The PHP verification snippet the webhooks guide prints (packages/bridge/php/examples/
 * verify-webhook.php), run by a real `php`: PHP's built-in server hosts the example receiver,
 * the bridge delivers real signed events to it, and the receiver must accept those, refuse a
 * tampered body and a stale timestamp, accept both signatures during a rotation, and handle a
 * redelivered event once. The guide must print the very function tested here.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Bridge, BridgeClient } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverWebhooks, eventBody, publishEvent, signatureHeader } from "../src/webhooks/index.js";
import { startTestBridge } from "./support/bridge.js";

const here = dirname(fileURLToPath(import.meta.url));
const examples = resolve(here, "../php/examples");
const docs = resolve(here, "../../../docs/bridge");
const hasPhp =
  spawnSync("php", ["-r", "exit(function_exists('hash_hmac') && function_exists('json_decode') ? 0 : 1);"])
    .status === 0;

interface DeliveryDetail {
  id: string;
  status: string;
  attemptCount: number;
  lastStatusCode: number | null;
  lastError: string | null;
  event: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
  attempts: { statusCode: number | null; responseExcerpt: string | null }[];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

describe.skipIf(!hasPhp)(
  hasPhp
    ? "the PHP verification snippet against real deliveries"
    : "the PHP verification snippet — SKIPPED: no `php` on PATH (apt-get install php-cli)",
  () => {
    let bridge: Bridge;
    let client: BridgeClient;
    let php: ChildProcess;
    let work: string;
    let url: string;
    let secret: string;
    let webhookId: string;
    let phpOutput = "";
    const handled = () =>
      readFileSync(join(work, "handled.jsonl"), { encoding: "utf8", flag: "a+" })
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { id: string; type: string; data: Record<string, unknown> });

    beforeAll(async () => {
      ({ bridge, client } = await startTestBridge());
      work = mkdtempSync(join(tmpdir(), "hrdkit-php-webhooks-"));
      const port = await freePort();
      url = `http://127.0.0.1:${port}/hrdkit/webhook`;
      const created = await client.call<{ id: string; secret: string }>("POST", "/v1/webhooks", {
        url,
        events: ["invoice.issued", "payment.matched"],
        description: "Sklep na PHP",
      });
      ({ id: webhookId, secret } = created.body);
      php = spawn("php", ["-S", `127.0.0.1:${port}`, join(examples, "webhook-receiver.php")], {
        env: {
          ...process.env,
          HRDKIT_WEBHOOK_SECRET: secret,
          HRDKIT_WEBHOOK_LOG: join(work, "handled.jsonl"),
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      php.stdout?.on("data", (c) => (phpOutput += c));
      php.stderr?.on("data", (c) => (phpOutput += c));
      for (let i = 0; ; i++) {
        const up = await fetch(url, { method: "GET" }).then(
          () => true,
          () => false,
        );
        if (up) break;
        if (i > 100) throw new Error(`php -S did not start: ${phpOutput}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }, 60_000);
    afterAll(async () => {
      php?.kill();
      await bridge?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    const lastDelivery = async () => {
      const page = await client.call<{ items: { id: string }[] }>(
        "GET",
        `/v1/webhooks/${webhookId}/deliveries?limit=1`,
      );
      return (await client.call<DeliveryDetail>("GET", `/v1/webhooks/deliveries/${page.body.items[0]!.id}`))
        .body;
    };

    it("is the function the guide prints, in English and in Polish", () => {
      const source = readFileSync(join(examples, "verify-webhook.php"), "utf8");
      const fn = source.slice(source.indexOf("function hrdkit_verify_webhook")).trim();
      expect(fn).toMatch(/^function hrdkit_verify_webhook\([\s\S]+\n}$/);
      for (const lang of ["en", "pl"]) {
        expect(readFileSync(join(docs, `webhooks.${lang}.md`), "utf8")).toContain(fn);
      }
    });

    it("accepts a real signed delivery, and handles a redelivered event once", async () => {
      const data = {
        invoiceId: 4242,
        number: "FV/2026/03/0042",
        kind: "invoice",
        customerId: 17,
        issueDate: "2026-03-14",
        currency: "PLN",
        net: "100.00",
        vat: "23.00",
        gross: "123.00",
      };
      const event = await publishEvent(bridge.db, "invoice.issued", data);
      expect(await deliverWebhooks(bridge.ctx)).toMatchObject({ attempted: 1, delivered: 1 });
      const d = await lastDelivery();
      expect(d).toMatchObject({ status: "delivered", lastStatusCode: 200 });
      expect(d.attempts[0]!.responseExcerpt).toBe("ok");
      expect(handled()).toEqual([{ id: event.id, type: "invoice.issued", data }]);

      await client.call("POST", `/v1/webhooks/deliveries/${d.id}/redeliver`);
      expect(await deliverWebhooks(bridge.ctx)).toMatchObject({ delivered: 1 });
      expect((await lastDelivery()).attempts.map((a) => a.responseExcerpt)).toEqual(["ok", "duplicate"]);
      expect(handled().length).toBe(1);
    });

    it("refuses a tampered body, a stale timestamp and a missing signature with 400", async () => {
      const d = await lastDelivery();
      const body = eventBody({ ...d.event, createdAt: new Date(d.event.createdAt) });
      const post = (b: string, ts: number, sig: string | undefined) =>
        fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-hrdkit-webhook-timestamp": String(ts),
            ...(sig === undefined ? {} : { "x-hrdkit-webhook-signature": sig }),
          },
          body: b,
        }).then(async (r) => [r.status, await r.text()] as const);
      const now = Math.floor(Date.now() / 1000);
      // The same bytes the bridge sent, signed the same way: accepted (and recognised as a duplicate).
      expect(await post(body, now, signatureHeader([secret], now, body))).toEqual([200, "duplicate"]);
      const tampered = body.replace('"gross":"123.00"', '"gross":"1.23"');
      expect(tampered).not.toBe(body);
      const [s1, m1] = await post(tampered, now, signatureHeader([secret], now, body));
      expect([s1, m1]).toEqual([400, expect.stringContaining("no v1 signature matches")]);
      const old = now - 600;
      const [s2, m2] = await post(body, old, signatureHeader([secret], old, body));
      expect([s2, m2]).toEqual([400, expect.stringMatching(/timestamp is 60\d s away/)]);
      const [s3] = await post(body, now, undefined);
      expect(s3).toBe(400);
      expect(handled().length).toBe(1);
    });

    it("keeps accepting deliveries on the old secret during a rotation (two v1 signatures)", async () => {
      const rotated = await client.call<{ secret: string }>(
        "POST",
        `/v1/webhooks/${webhookId}/rotate-secret`,
      );
      expect(rotated.body.secret).not.toBe(secret);
      const event = await publishEvent(bridge.db, "payment.matched", {
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
      });
      expect(await deliverWebhooks(bridge.ctx)).toMatchObject({ delivered: 1 });
      expect(handled().map((e) => e.id)).toContain(event.id);

      // Once the old secret stops signing, the PHP receiver (still on it) refuses: rotation must be finished.
      await publishEvent(bridge.db, "payment.matched", { paymentId: 312, proformaId: 206 });
      expect(await deliverWebhooks(bridge.ctx, { now: new Date(Date.now() + 25 * 3_600_000) })).toMatchObject(
        {
          retrying: 1,
        },
      );
      const d = await lastDelivery();
      expect(d).toMatchObject({ status: "pending", lastStatusCode: 400 });
      expect(d.attempts[0]!.responseExcerpt).toContain("no v1 signature matches");
    });
  },
);
