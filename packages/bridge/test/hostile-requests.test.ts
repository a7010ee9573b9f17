/**
 * The bridge against hostile or sloppy HTTP clients, over real HTTP: every refusal in the one
 * error shape, the signature checked before any body is parsed and over the exact bytes sent,
 * no audit rows for requests nobody signed (a counter instead), strict signature headers, long
 * and tricky domain names.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { type Bridge, type BridgeClient, BridgeClientError, buildApp, createKey } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBridge } from "./support/bridge.js";

interface Answer {
  status: number;
  body: {
    error?: { code: string; message: string; retryable: boolean; issues?: { path: string }[] };
  } & Record<string, unknown>;
}

/** One raw HTTP request: headers may repeat (an array sends the header once per value). */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string | string[]>,
  body?: string | Buffer,
): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: Answer["body"];
          try {
            parsed = JSON.parse(text) as Answer["body"];
          } catch {
            parsed = { text } as Answer["body"];
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The documented error shape, nothing else. */
function expectErrorShape(a: Answer, status: number, code: string): void {
  expect({ status: a.status, code: a.body.error?.code }).toEqual({ status, code });
  expect(typeof a.body.error?.message).toBe("string");
  expect(typeof a.body.error?.retryable).toBe("boolean");
  expect(Object.keys(a.body)).toEqual(["error"]);
}

describe("the bridge against hostile requests (over HTTP)", () => {
  let bridge: Bridge;
  let client: BridgeClient;
  let keyId: string;
  let signingKey: string;

  /** Signature headers for `body` (bytes as sent), with a fresh nonce. */
  const signed = (method: string, path: string, body: string | Buffer = "", at = Date.now()) => {
    const ts = String(at);
    const nonce = randomBytes(16).toString("hex");
    const sig = createHmacHex(signingKey, `${ts}\n${nonce}\n${method} ${path}\n`, body);
    return {
      "x-hrdkit-key": `hk_${keyId}`,
      "x-hrdkit-timestamp": ts,
      "x-hrdkit-nonce": nonce,
      "x-hrdkit-signature": sig,
    };
  };

  beforeAll(async () => {
    const started = await startTestBridge();
    ({ bridge, client } = started);
    const key = await createKey(bridge.db, "hostile test");
    keyId = key.id;
    signingKey = createHash("sha256").update(key.key.split(".")[1]!).digest("hex");
  }, 60_000);
  afterAll(() => bridge.close());

  it("answers an unsupported content type with 415 in the error shape, not 500 internal", async () => {
    for (const [type, body] of [
      ["application/xml", "<names><name>a.pl</name></names>"],
      ["application/x-www-form-urlencoded", "names=a.pl"],
      [
        "multipart/form-data; boundary=x",
        "--x\r\nContent-Disposition: form-data; name=a\r\n\r\nb\r\n--x--\r\n",
      ],
      ["text/plain", '{"names":["a.pl"]}'],
    ] as const) {
      const a = await raw(
        bridge.url,
        "POST",
        "/v1/domains/availability",
        { "content-type": type, ...signed("POST", "/v1/domains/availability", body) },
        body,
      );
      expectErrorShape(a, 415, "unsupported_media_type");
    }
  });

  it("answers /docs/static/.. and a malformed URL with a 4xx in the error shape", async () => {
    const dots = await raw(bridge.url, "GET", "/docs/static/..", {});
    expect(dots.status).toBeGreaterThanOrEqual(400);
    expect(dots.status).toBeLessThan(500);
    expect(dots.body.error?.code).toBeTypeOf("string");
    expect(Object.keys(dots.body)).toEqual(["error"]);
    const badUrl = await raw(bridge.url, "GET", "/v1/domains/%E0%A4%A/nameservers", {});
    expect(badUrl.status).toBe(400);
    expect(Object.keys(badUrl.body)).toEqual(["error"]);
  });

  it("logs a real 500 and answers it in the error shape without the details", async () => {
    const logged: unknown[] = [];
    const app = await buildApp({ ...bridge.ctx, logError: (err: unknown) => logged.push(err) }, [
      (a) => {
        a.get("/v1/boom", async () => {
          throw new Error("database exploded at row 7");
        });
      },
    ]);
    const url = (await app.listen({ host: "127.0.0.1", port: 0 })).replace("[::1]", "127.0.0.1");
    try {
      const a = await raw(url, "GET", "/v1/boom", signed("GET", "/v1/boom"));
      expectErrorShape(a, 500, "internal");
      expect(JSON.stringify(a.body)).not.toContain("exploded");
      expect(logged).toHaveLength(1);
      expect(String((logged[0] as Error).message)).toContain("exploded");
      // A client error is the client's: not logged as a failure.
      await raw(url, "GET", "/v1/boom", {});
      expect(logged).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it("refuses an unsigned request with 401 before parsing or validating its body", async () => {
    const path = "/v1/domains/register";
    const json = { "content-type": "application/json" };
    const notJson = await raw(bridge.url, "POST", path, json, "{not json");
    expectErrorShape(notJson, 401, "unsigned");
    const invalid = await raw(bridge.url, "POST", path, json, JSON.stringify({ domain: 1, period: 99 }));
    expectErrorShape(invalid, 401, "unsigned");
    const deep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    const nested = await raw(bridge.url, "POST", path, json, `{"domain":${deep}}`);
    expectErrorShape(nested, 401, "unsigned");
    const wrongType = await raw(bridge.url, "POST", path, { "content-type": "application/xml" }, "<a/>");
    expectErrorShape(wrongType, 401, "unsigned");
  });

  it("refuses a signed body nested deeper than any request needs, in the error shape", async () => {
    const path = "/v1/domains/availability";
    const body = `{"names":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const a = await raw(
      bridge.url,
      "POST",
      path,
      { "content-type": "application/json", ...signed("POST", path, body) },
      body,
    );
    expectErrorShape(a, 400, "too_deep");
  });

  it("writes no audit rows for requests nobody signed, and counts them on /health", async () => {
    const count = async () =>
      Number((await bridge.db.query<{ n: string }>("SELECT count(*) AS n FROM bridge_audit")).rows[0]!.n);
    const refusedBefore = (
      (await (await fetch(`${bridge.url}/health`)).json()) as {
        refused: { total: number; byCode: Record<string, number> };
      }
    ).refused;
    const rowsBefore = await count();
    const path = "/v1/domains/register";
    const body = JSON.stringify({ domain: "audyt-bridge.pl", hrdUserId: 1 });
    const headers = { "content-type": "application/json", "idempotency-key": "whmcs-1-register-1y" };
    const unsigned = await raw(bridge.url, "POST", path, headers, body);
    const forged = await raw(
      bridge.url,
      "POST",
      path,
      { ...headers, ...signed("POST", path, body), "x-hrdkit-signature": "ab".repeat(32) },
      body,
    );
    const stale = await raw(
      bridge.url,
      "POST",
      path,
      { ...headers, ...signed("POST", path, body, Date.now() - 10 * 60_000) },
      body,
    );
    expect([unsigned.status, forged.status, stale.status]).toEqual([401, 401, 401]);
    expect(await count()).toBe(rowsBefore);
    const refused = (
      (await (await fetch(`${bridge.url}/health`)).json()) as {
        refused: { total: number; byCode: Record<string, number> };
      }
    ).refused;
    expect(refused.total - refusedBefore.total).toBe(3);
    expect((refused.byCode.unsigned ?? 0) - (refusedBefore.byCode.unsigned ?? 0)).toBe(1);
    expect((refused.byCode.bad_signature ?? 0) - (refusedBefore.byCode.bad_signature ?? 0)).toBe(1);
    expect((refused.byCode.stale ?? 0) - (refusedBefore.byCode.stale ?? 0)).toBe(1);
    // A signed request that fails is still audited under its key.
    const err = await client
      .call("POST", path, { domain: "x", hrdUserId: -1 }, { idempotencyKey: "whmcs-2-register-1y" })
      .catch((e: unknown) => e);
    expect((err as BridgeClientError).status).toBe(400);
    const { rows } = await bridge.db.query<{ key_id: string; status_code: number }>(
      "SELECT key_id, status_code FROM bridge_audit ORDER BY id DESC LIMIT 1",
    );
    expect(rows[0]).toMatchObject({ status_code: 400 });
    expect(await count()).toBe(rowsBefore + 1);
  });

  it("takes only a signature of exactly 64 hex digits, sent once", async () => {
    const path = "/v1/domains/availability";
    const body = JSON.stringify({ names: ["sygnatura-bridge.pl"] });
    const send = (headers: Record<string, string | string[]>) =>
      raw(bridge.url, "POST", path, { "content-type": "application/json", ...headers }, body);
    const good = signed("POST", path, body);
    const trailing = await send({ ...good, "x-hrdkit-signature": `${good["x-hrdkit-signature"]}zz` });
    expectErrorShape(trailing, 401, "bad_signature");
    const longer = await send({ ...good, "x-hrdkit-signature": `${good["x-hrdkit-signature"]}00` });
    expectErrorShape(longer, 401, "bad_signature");
    const shorter = await send({ ...good, "x-hrdkit-signature": good["x-hrdkit-signature"].slice(0, 62) });
    expectErrorShape(shorter, 401, "bad_signature");
    const again = signed("POST", path, body);
    const twice = await send({
      ...again,
      "x-hrdkit-signature": [again["x-hrdkit-signature"], "00".repeat(32)],
    });
    expectErrorShape(twice, 401, "bad_signature");
    const twoKeys = signed("POST", path, body);
    const keyTwice = await send({ ...twoKeys, "x-hrdkit-key": [twoKeys["x-hrdkit-key"], "hk_000000000000"] });
    expectErrorShape(keyTwice, 401, "bad_signature");
    // The same request, signed once and properly, goes through.
    const ok = await send(signed("POST", path, body));
    expect(ok.status).toBe(200);
  });

  it("covers a body of any content type by the signature", async () => {
    const path = "/v1/domains/availability";
    // Signed for an empty body, sent with one: refused whatever the content type says.
    for (const type of ["text/plain", "application/octet-stream", "application/json"]) {
      const a = await raw(
        bridge.url,
        "POST",
        path,
        { "content-type": type, ...signed("POST", path, "") },
        "x",
      );
      expectErrorShape(a, 401, "bad_signature");
    }
    // The bytes are signed, not a re-encoding of them: invalid UTF-8 must match byte for byte.
    const bytes = Buffer.concat([
      Buffer.from('{"names":["a'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('.pl"]}'),
    ]);
    const asText = signed("POST", path, bytes.toString("utf8"));
    const a = await raw(bridge.url, "POST", path, { "content-type": "application/json", ...asText }, bytes);
    expectErrorShape(a, 401, "bad_signature");
    const asBytes = await raw(
      bridge.url,
      "POST",
      path,
      { "content-type": "application/json", ...signed("POST", path, bytes) },
      bytes,
    );
    expect(asBytes.status).toBe(400); // past the signature: the name itself is refused
  });

  it("answers a long domain in the path in the error shape, not a bare 414", async () => {
    // A real name with Polish letters: 47 characters, over 100 once percent-encoded in the path.
    const name = "zażółć-gęślą-jaźń-sklep-internetowy-łódź.com.pl";
    expect(encodeURIComponent(name).length).toBeGreaterThan(100);
    const path = `/v1/domains/${encodeURIComponent(name)}/nameservers`;
    const a = await raw(bridge.url, "GET", path, signed("GET", path));
    expectErrorShape(a, 404, "not_found");
    // Longer than any domain name can be: the documented shape naming the field.
    const tooLong = `/v1/domains/${"a".repeat(300)}.pl/nameservers`;
    const b = await raw(bridge.url, "GET", tooLong, signed("GET", tooLong));
    expectErrorShape(b, 400, "invalid");
    expect(b.body.error?.issues?.map((i) => i.path)).toEqual(["domain"]);
    // Absurdly long: still the shape, before any work.
    const absurd = `/v1/domains/${"a".repeat(10_000)}.pl/nameservers`;
    const c = await raw(bridge.url, "GET", absurd, {});
    expect(c.status).toBeGreaterThanOrEqual(400);
    expect(c.status).toBeLessThan(500);
    expect(Object.keys(c.body)).toEqual(["error"]);
  });

  it("refuses percent-encoded and IP-literal names instead of decoding them into a domain", async () => {
    // Known and cached as taken first: a decoded %61 would find it in the cache.
    await client.call("POST", "/v1/domains/availability", { names: ["hrd.pl"] });
    for (const names of [["%68rd.pl"], ["127.0.0.1"], ["0x7f.1"], ["ｈｒｄ.pl"]]) {
      const err = await client.call("POST", "/v1/domains/availability", { names }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BridgeClientError);
      expect((err as BridgeClientError).status).toBe(400);
      expect((err as BridgeClientError).body.issues?.map((i) => i.path)).toEqual(["names.0"]);
    }
    const path = `/v1/domains/${encodeURIComponent("%68rd.pl")}`;
    const a = await raw(bridge.url, "GET", path, signed("GET", path));
    expectErrorShape(a, 400, "invalid");
  });
});

/** What the bridge's `signature()` computes, over the body's raw bytes. */
function createHmacHex(key: string, head: string, body: string | Buffer): string {
  return createHmac("sha256", key).update(head).update(body).digest("hex");
}
