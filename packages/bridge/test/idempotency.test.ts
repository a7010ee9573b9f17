/**
 * The idempotency journal over real HTTP, against the bridge's embedded sandbox, with the sandbox's
 * ledger (what HRD charged) checked after every step:
 * - a refusal that bought nothing (an invalid PESEL, a bad phone, a domain HRD refuses) does not
 *   block the customer's corrected retry under the same Idempotency-Key;
 * - the same request sent again still buys at most once;
 * - Idempotency-Keys are scoped per module key: two panels using the same value never see each
 *   other's results.
 */
import { type Bridge, BridgeClient, createKey } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failure, startTestBridge } from "./support/bridge.js";

const registrant = {
  type: "person" as const,
  name: "Zażółć Gęślą",
  idNumber: "44051401359",
  email: "zazolc@example.pl",
  phone: "+48.221003248",
  street: "ul. Źródlana 5",
  postcode: "90-001",
  city: "Łódź",
  country: "PL",
};

describe("idempotency journal", () => {
  let bridge: Bridge;
  let client: BridgeClient;
  let other: BridgeClient;

  const charges = (name: string, type: string) =>
    bridge.sandbox!.state.ledger.filter((e) => e.objectName === name && e.type === type).length;
  const accounts = () => bridge.sandbox!.state.users.size;

  beforeAll(async () => {
    const t = await startTestBridge({ keyName: "panel A" });
    bridge = t.bridge;
    client = t.client;
    other = new BridgeClient({ url: bridge.url, key: (await createKey(bridge.db, "panel B")).key });
  }, 60_000);
  afterAll(async () => {
    await bridge?.close();
  });

  it("lets the corrected retry of a refused purchase through under the same key, and still buys once", async () => {
    const name = "poprawiony-bridge.pl";
    const key = "whmcs-901-register-1y";
    const send = (r: typeof registrant) =>
      client.call<{ outcome: string; replayed: boolean }>(
        "POST",
        "/v1/domains/register",
        { domain: name, registrant: r, period: 1 },
        { idempotencyKey: key },
      );
    const before = accounts();

    // An invalid PESEL (checksum): refused, nothing bought, no account made.
    const badPesel = await failure(send({ ...registrant, idNumber: "44051401358" }));
    expect(badPesel.code).toBe("invalid");
    expect(badPesel.body.issues?.map((i) => i.path)).toEqual(["registrant.idNumber"]);
    expect(charges(name, "create")).toBe(0);

    // Corrected PESEL, but a phone HRD cannot take: refused for the phone, not for the key.
    const badPhone = await failure(send({ ...registrant, phone: "+48.123" }));
    expect(badPhone.code).toBe("invalid");
    expect(badPhone.body.issues?.map((i) => i.path)).toEqual(["registrant.phone"]);
    expect(charges(name, "create")).toBe(0);
    expect(accounts()).toBe(before);

    // Everything corrected: bought, once.
    const ok = await send(registrant);
    expect(ok.body).toMatchObject({ outcome: "registered", replayed: false });
    expect(charges(name, "create")).toBe(1);

    // The same request again (a cron retry): the stored answer, no second charge.
    const again = await send(registrant);
    expect(again.body).toMatchObject({ outcome: "registered", replayed: true });
    expect(charges(name, "create")).toBe(1);
    expect(accounts()).toBe(before + 1);
  });

  it("lets a purchase HRD refused run again once the cause is gone", async () => {
    // HRD refuses to renew a name that is not in the account (nothing bought): the key is free.
    const e = await failure(
      client.call(
        "POST",
        "/v1/domains/renew",
        { domain: "jeszcze-nie-bridge.pl", period: 1 },
        { idempotencyKey: "whmcs-902-renew-20300101" },
      ),
    );
    expect(e.code).toBe("not_found");
    await client.call(
      "POST",
      "/v1/domains/register",
      { domain: "jeszcze-nie-bridge.pl", registrant, period: 1 },
      { idempotencyKey: "whmcs-902-register-1y" },
    );
    const renewed = await client.call<{ outcome: string; replayed: boolean }>(
      "POST",
      "/v1/domains/renew",
      { domain: "jeszcze-nie-bridge.pl", period: 1 },
      { idempotencyKey: "whmcs-902-renew-20300101" },
    );
    expect(renewed.body).toMatchObject({ outcome: "renewed", replayed: false });
    expect(charges("jeszcze-nie-bridge.pl", "renew")).toBe(1);
  });

  it("scopes Idempotency-Keys per module key", async () => {
    const key = "whmcs-1-register-1y";
    const a = await client.call<{ domain: string; replayed: boolean }>(
      "POST",
      "/v1/domains/register",
      { domain: "panel-a-bridge.pl", registrant, period: 1 },
      { idempotencyKey: key },
    );
    expect(a.body).toMatchObject({ domain: "panel-a-bridge.pl", replayed: false });
    // Panel B's own domain under the same key value: its own purchase, not A's answer or a refusal.
    const b = await other.call<{ domain: string; outcome: string; replayed: boolean }>(
      "POST",
      "/v1/domains/register",
      { domain: "panel-b-bridge.pl", registrant, period: 1 },
      { idempotencyKey: key },
    );
    expect(b.body).toMatchObject({ domain: "panel-b-bridge.pl", outcome: "registered", replayed: false });
    expect(charges("panel-b-bridge.pl", "create")).toBe(1);
    // Even an identical request from B is not answered with A's stored result.
    const request = { domain: "panel-a2-bridge.pl", registrant, period: 1 };
    await client.call("POST", "/v1/domains/register", request, { idempotencyKey: "whmcs-2-register-1y" });
    // B's request runs as B's own: B's registrant account is not the one holding the name, so
    // HRD's state answers (a conflict), not A's journal.
    const same = await failure(
      other.call("POST", "/v1/domains/register", request, { idempotencyKey: "whmcs-2-register-1y" }),
    );
    expect(same.code).toBe("conflict");
    expect(charges("panel-a2-bridge.pl", "create")).toBe(1);
  });
});
