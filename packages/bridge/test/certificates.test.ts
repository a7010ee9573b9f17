/**
 * The certificate routes over real HTTP, against the bridge's embedded sandbox: an order placed
 * once however often the panel repeats it, its status, the PEM once the approver has clicked
 * (the sandbox clock moved by APPROVAL_DELAY_MS), a renewal, and validation errors naming fields.
 */
import type { Bridge, BridgeClient } from "@hrdkit/bridge";
import { APPROVAL_DELAY_MS } from "@hrdkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CERT_CONTACT, makeCsr } from "../../sdk/test/scenarios/cert.js";
import { failure, hrdPerson, startTestBridge } from "./support/bridge.js";

describe("certificate routes over HTTP (embedded sandbox)", () => {
  let bridge: Bridge;
  let client: BridgeClient;
  let hrdUserId: number;
  let csr: string;
  let certId: number;

  beforeAll(async () => {
    ({ bridge, client } = await startTestBridge({ keyName: "cert test" }));
    hrdUserId = await hrdPerson(bridge);
    csr = (await makeCsr("sklep-ssl-bridge.pl")).pem;
  }, 60_000);
  afterAll(() => bridge.close());

  const order = () => ({
    product: "Positive SSL",
    csr,
    approverEmail: "admin@sklep-ssl-bridge.pl",
    adminContact: CERT_CONTACT,
    hrdUserId,
    period: 1,
  });

  it("orders once however often the panel repeats the order", async () => {
    type Ordered = { certId: number; status: string; replayed: boolean };
    const a = await client.call<Ordered>("POST", "/v1/certificates", order(), {
      idempotencyKey: "whmcs-301-ssl-order",
    });
    const b = await client.call<Ordered>("POST", "/v1/certificates", order(), {
      idempotencyKey: "whmcs-301-ssl-order",
    });
    expect(a.body).toMatchObject({ status: "awaitingApproval", replayed: false });
    expect(b.body).toEqual({ ...a.body, replayed: true });
    certId = a.body.certId;
    expect(bridge.sandbox!.state.ledger.filter((e) => e.object === "cert")).toHaveLength(1);
  });

  it("shows the status, refuses the PEM before approval and gives it after", async () => {
    const status = await client.call("GET", `/v1/certificates/${certId}`);
    expect(status.body).toMatchObject({ certId, status: "awaitingApproval", product: "Positive SSL" });
    const early = await failure(client.call("GET", `/v1/certificates/${certId}/certificate`));
    expect([early.status, early.code]).toEqual([409, "not_issued"]);
    bridge.sandbox!.clock.advance(APPROVAL_DELAY_MS + 1_000);
    const issued = await client.call<{ status: string; domain?: string; expiresOn?: string }>(
      "GET",
      `/v1/certificates/${certId}`,
    );
    expect(issued.body.status).toBe("issued");
    expect(issued.body.expiresOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const pem = await client.call<{ pem: string }>("GET", `/v1/certificates/${certId}/certificate`);
    expect(pem.body.pem).toContain("-----BEGIN CERTIFICATE-----");
  });

  it("renews once per key", async () => {
    type Renewed = { certId: number; status: string; replayed: boolean };
    const body = { period: 1, approverEmail: "admin@sklep-ssl-bridge.pl" };
    const a = await client.call<Renewed>("POST", `/v1/certificates/${certId}/renew`, body, {
      idempotencyKey: "whmcs-301-ssl-renew-1",
    });
    const b = await client.call<Renewed>("POST", `/v1/certificates/${certId}/renew`, body, {
      idempotencyKey: "whmcs-301-ssl-renew-1",
    });
    expect(a.body.certId).toBeGreaterThan(0);
    expect(typeof a.body.status).toBe("string");
    expect(b.body).toEqual({ ...a.body, replayed: true });
    expect(bridge.sandbox!.state.ledger.filter((e) => e.object === "cert")).toHaveLength(2);
  });

  it("names every bad field, and answers 404 for an unknown certificate", async () => {
    const e = await failure(
      client.call(
        "POST",
        "/v1/certificates",
        { ...order(), product: "Super SSL", approverEmail: "nie-email", hrdUserId: 0, csr: "abc" },
        { idempotencyKey: "whmcs-302-ssl-order" },
      ),
    );
    expect(e.status).toBe(400);
    expect(e.body.issues?.map((i) => i.path).sort()).toEqual([
      "approverEmail",
      "csr",
      "hrdUserId",
      "product",
    ]);
    const contact = await failure(
      client.call(
        "POST",
        "/v1/certificates",
        { ...order(), adminContact: { ...CERT_CONTACT, firstName: "Łukasz" } },
        { idempotencyKey: "whmcs-303-ssl-order" },
      ),
    );
    expect(contact.body.issues?.map((i) => i.path)).toEqual(["adminContact.firstName"]);
    const missing = await failure(client.call("GET", "/v1/certificates/987654"));
    expect([missing.status, missing.code]).toEqual([404, "not_found"]);
  });
});
