/**
 * The bridge over real HTTP, against its embedded sandbox: signed requests only, the one error
 * shape, the OpenAPI document, and purchases that a repeated panel call never makes twice.
 */
import { randomBytes } from "node:crypto";
import {
  type Bridge,
  type BridgeClient,
  BridgeClientError,
  createKey,
  revokeKey,
  signature,
} from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hrdPerson, startTestBridge } from "./support/bridge.js";

describe("bridge over HTTP (embedded sandbox)", () => {
  let bridge: Bridge;
  let client: BridgeClient;
  let keyId: string;
  let hrdUserId: number;

  beforeAll(async () => {
    const started = await startTestBridge();
    ({ bridge, client } = started);
    keyId = started.key.id;
    hrdUserId = await hrdPerson(bridge);
  }, 60_000);
  afterAll(() => bridge.close());

  it("says it runs against the sandbox, on every response, and serves its OpenAPI document", async () => {
    const health = await fetch(`${bridge.url}/health`);
    expect(health.headers.get("x-hrdkit-backend")).toBe("sandbox");
    expect(await health.json()).toMatchObject({ ok: true, backend: "sandbox" });
    const spec = (await (await fetch(`${bridge.url}/docs/json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(spec.openapi).toBe("3.1.0");
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(["/v1/domains/availability", "/v1/domains/register"]),
    );
  });

  it("echoes the caller's X-Request-Id, makes one when none (or a bad one) is sent, on refusals too", async () => {
    const mine = await fetch(`${bridge.url}/health`, { headers: { "x-request-id": "whmcs-42:req/7" } });
    expect(mine.headers.get("x-request-id")).toBe("whmcs-42:req/7");
    const made = await fetch(`${bridge.url}/health`);
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await fetch(`${bridge.url}/health`, { headers: { "x-request-id": "<script>" } });
    expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    // Refused before any route: unsigned.
    const refused = await fetch(`${bridge.url}/v1/billing/customers`, {
      headers: { "x-request-id": "trace-9" },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("x-request-id")).toBe("trace-9");
  });

  it("answers a signed availability call", async () => {
    const r = await client.call<{ results: { name: string; status: string }[] }>(
      "POST",
      "/v1/domains/availability",
      {
        names: ["hrd.pl", "wolna-nazwa-bridge.pl", "żółw-bridge.pl"],
      },
    );
    expect(r.body.results).toEqual([
      { name: "hrd.pl", status: "taken" },
      { name: "wolna-nazwa-bridge.pl", status: "available" },
      { name: "żółw-bridge.pl", status: "available" },
    ]);
  });

  it("refuses unsigned, stale, replayed, wrongly signed and revoked requests before doing anything", async () => {
    const body = JSON.stringify({ names: ["x-bridge.pl"] });
    const checks = () => bridge.sandbox!.counts.get("domain/check") ?? 0;
    const before = checks();
    const send = (headers: Record<string, string>) =>
      fetch(`${bridge.url}/v1/domains/availability`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
    const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
    expect(await codeOf(await send({}))).toBe("unsigned");
    const key = await createKey(bridge.db, "signing test");
    const [, secret] = key.key.split(".") as [string, string];
    const { createHash } = await import("node:crypto");
    const signing = createHash("sha256").update(secret).digest("hex");
    const signed = (ts: number, nonce: string, sig?: string) => ({
      "x-hrdkit-key": `hk_${key.id}`,
      "x-hrdkit-timestamp": String(ts),
      "x-hrdkit-nonce": nonce,
      "x-hrdkit-signature":
        sig ?? signature(signing, String(ts), nonce, "POST", "/v1/domains/availability", body),
    });
    const stale = await send(signed(Date.now() - 6 * 60_000, randomBytes(16).toString("hex")));
    expect([stale.status, await codeOf(stale)]).toEqual([401, "stale"]);
    const wrong = await send(signed(Date.now(), randomBytes(16).toString("hex"), "ab".repeat(32)));
    expect([wrong.status, await codeOf(wrong)]).toEqual([401, "bad_signature"]);
    const nonce = randomBytes(16).toString("hex");
    const ts = Date.now();
    expect((await send(signed(ts, nonce))).status).toBe(200);
    const replay = await send(signed(ts, nonce));
    expect([replay.status, await codeOf(replay)]).toEqual([401, "replayed"]);
    await revokeKey(bridge.db, key.id);
    const revoked = await send(signed(Date.now(), randomBytes(16).toString("hex")));
    expect([revoked.status, await codeOf(revoked)]).toEqual([401, "bad_signature"]);
    expect(checks() - before).toBe(1); // only the one good request reached HRD
  });

  it("two identical register calls at once buy once and both get the first answer", async () => {
    const body = { domain: "podwojne-klikniecie.pl", hrdUserId, period: 1 };
    const [a, b] = await Promise.all([
      client.call<{ outcome: string; replayed: boolean; expiresOn: string }>(
        "POST",
        "/v1/domains/register",
        body,
        {
          idempotencyKey: "whmcs-77-register-1y",
        },
      ),
      client.call<{ outcome: string; replayed: boolean; expiresOn: string }>(
        "POST",
        "/v1/domains/register",
        body,
        {
          idempotencyKey: "whmcs-77-register-1y",
        },
      ),
    ]);
    expect([a.body.replayed, b.body.replayed].sort()).toEqual([false, true]);
    expect(a.body.outcome).toBe("registered");
    expect(b.body.expiresOn).toBe(a.body.expiresOn);
    const charges = bridge.sandbox!.state.ledger.filter((e) => e.objectName === "podwojne-klikniecie.pl");
    expect(charges).toHaveLength(1);
    // A cron retry much later: the stored answer again.
    const later = await client.call<{ replayed: boolean }>("POST", "/v1/domains/register", body, {
      idempotencyKey: "whmcs-77-register-1y",
    });
    expect(later.body.replayed).toBe(true);
    // The same key for another request is refused.
    const other = await client
      .call(
        "POST",
        "/v1/domains/register",
        { ...body, period: 2 },
        { idempotencyKey: "whmcs-77-register-1y" },
      )
      .catch((e: unknown) => e);
    expect((other as BridgeClientError).code).toBe("idempotency_key_reused");
    const { rows } = await bridge.db.query<{ route: string; key_id: string; status_code: number }>(
      "SELECT route, key_id, status_code FROM bridge_audit WHERE route = '/v1/domains/register' ORDER BY id",
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.every((r) => r.key_id === keyId)).toBe(true);
  });

  it("names every bad field in one error", async () => {
    const err = await client
      .call(
        "POST",
        "/v1/domains/register",
        { domain: "x", hrdUserId: -1, period: 50 },
        { idempotencyKey: "whmcs-1-bad-input" },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BridgeClientError);
    const e = err as BridgeClientError;
    expect(e.status).toBe(400);
    expect(e.body.issues?.map((i) => i.path).sort()).toEqual(["domain", "hrdUserId", "period"]);
  });
});
