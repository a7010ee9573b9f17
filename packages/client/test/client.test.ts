/**
 * The client's own behaviour, against a bridge scripted per attempt with msw (it intercepts
 * axios's http adapter): what goes on the wire (the signature checked with the bridge's own
 * algorithm), when a call is sent again and with what, and what a failure looks like.
 */
import { createHash, randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { signature } from "@hrdkit/bridge";
import {
  createClient,
  DEFAULT_RETRY,
  HrdkitApiError,
  HrdkitError,
  HrdkitNetworkError,
  retryDelay,
} from "@hrdkit/client";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const BASE = "http://127.0.0.1:18080";
const KEY_ID = "5e1f0a";
const SECRET = randomBytes(24).toString("base64url");
const KEY = `hk_${KEY_ID}.${SECRET}`;
const SIGNING_KEY = createHash("sha256").update(SECRET, "utf8").digest("hex");

/** A request as the bridge would see it. */
interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

const server = setupServer();
let seen: Seen[] = [];

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  seen = [];
});
afterAll(() => server.close());

async function record(request: Request): Promise<Seen> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const s: Seen = {
    method: request.method,
    path: url.pathname + url.search,
    headers,
    body: Buffer.from(await request.arrayBuffer()),
  };
  seen.push(s);
  return s;
}

/** Whether the bridge would accept the signature (its own function, auth.ts). */
function verifies(s: Seen): boolean {
  const h = s.headers;
  return (
    h["x-hrdkit-key"] === `hk_${KEY_ID}` &&
    /^[A-Za-z0-9_-]{16,64}$/.test(h["x-hrdkit-nonce"] ?? "") &&
    Math.abs(Date.now() - Number(h["x-hrdkit-timestamp"])) < 60_000 &&
    h["x-hrdkit-signature"] ===
      signature(SIGNING_KEY, h["x-hrdkit-timestamp"]!, h["x-hrdkit-nonce"]!, s.method, s.path, s.body)
  );
}

/** Answers each attempt in turn with the next response (the last one repeats). */
function script(method: "get" | "post" | "put" | "delete", path: string, answers: (() => Response)[]) {
  let n = 0;
  server.use(
    http[method](`${BASE}${path}`, async ({ request }) => {
      await record(request);
      return answers[Math.min(n++, answers.length - 1)]!();
    }),
  );
}

const error =
  (status: number, code: string, message: string, extra: object = {}, headers = {}) =>
  () =>
    HttpResponse.json(
      { error: { code, message, retryable: status >= 500 || status === 429, ...extra } },
      { status, headers },
    );

const CUSTOMER = {
  id: 7,
  name: "Żółw Hosting sp. z o.o.",
  type: "company",
  nip: "1234563218",
  replayed: false,
};

/** A client that waits little between attempts (the policy is what is tested, not the clock). */
const fast = (options: object = {}) =>
  createClient({ baseURL: BASE, key: KEY, retry: { minDelayMs: 5, maxDelayMs: 2_000 }, ...options });

async function failure(p: Promise<unknown>): Promise<HrdkitError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HrdkitError);
  return e as HrdkitError;
}

describe("signing", () => {
  it("signs path, query and body bytes so that the bridge's own algorithm verifies them", async () => {
    script("get", "/v1/billing/customers", [() => HttpResponse.json({ items: [], nextCursor: null })]);
    script("post", "/v1/billing/customers", [() => HttpResponse.json(CUSTOMER, { status: 201 })]);
    script("get", "/v1/domains/:domain", [() => HttpResponse.json({ name: "żółw.pl" })]);
    const client = fast();

    await client.get("/v1/billing/customers", {
      params: { query: { q: "Żółw Hosting", type: "company", limit: 20, cursor: "eyJpZCI6N30" } },
    });
    await client.post("/v1/billing/customers", {
      body: { name: "Żółw Hosting sp. z o.o.", nip: "PL 123-456-32-18", email: "biuro@zolw.example" },
    });
    await client.get("/v1/domains/{domain}", { params: { path: { domain: "żółw.pl" } } });

    expect(seen).toHaveLength(3);
    for (const s of seen) expect(verifies(s), `${s.method} ${s.path}`).toBe(true);
    expect(seen[0]!.path).toBe(
      "/v1/billing/customers?q=%C5%BB%C3%B3%C5%82w+Hosting&type=company&limit=20&cursor=eyJpZCI6N30",
    );
    expect(seen[1]!.headers["content-type"]).toBe("application/json");
    // Polish letters are two bytes each in UTF-8: what is signed is the bytes, not the characters.
    expect(JSON.parse(seen[1]!.body.toString("utf8")).name).toBe("Żółw Hosting sp. z o.o.");
    expect(seen[2]!.path).toBe("/v1/domains/%C5%BC%C3%B3%C5%82w.pl");
    expect(new Set(seen.map((s) => s.headers["x-hrdkit-nonce"])).size).toBe(3);
  });

  it("signs what is sent through client.axios directly, and a wrong secret does not verify", async () => {
    script("post", "/v1/billing/quotes", [() => HttpResponse.json({ lines: [] })]);
    script("get", "/v1/billing/customers", [() => HttpResponse.json({ items: [], nextCursor: null })]);
    await fast().axios.post("/v1/billing/quotes", { customerId: 7, items: [] });
    await fast().axios.get("/v1/billing/customers", { params: { q: "Łódź", limit: 5 } });
    await createClient({ baseURL: BASE, key: `hk_${KEY_ID}.not-the-secret` }).axios.post(
      "/v1/billing/quotes",
      {
        customerId: 7,
        items: [],
      },
    );
    expect(seen.map(verifies)).toEqual([true, true, false]);
    expect(seen[1]!.path).toMatch(/^\/v1\/billing\/customers\?q=.+&limit=5$/);
  });

  it("refuses a key that is not hk_<id>.<secret> without repeating it", () => {
    expect(() => createClient({ baseURL: BASE, key: "sk_live_abcdef" })).toThrow(/hk_<id>\.<secret>/);
    try {
      createClient({ baseURL: BASE, key: "sk_live_abcdef" });
    } catch (e) {
      expect(String(e)).not.toContain("sk_live_abcdef");
    }
  });
});

describe("files", () => {
  it("uploads a bank statement as its raw bytes (Windows-1250), signed over those bytes", async () => {
    // An MT940 export as a Polish bank writes it: CRLF lines, Polish letters in Windows-1250.
    const title = Buffer.from([0x50, 0xb3, 0x61, 0x74, 0x6e, 0x6f, 0x9c, 0xe6]); // "Płatność"
    const mt940 = Buffer.concat([
      Buffer.from(
        ":20:MT940\r\n:25:/PL61109010140000071219812874\r\n:28C:1\r\n:60F:C241204PLN1000,00\r\n" +
          ":61:2412041204C49,19NTRFNONREF//P24-3344556677\r\n:86:020~00VE02~20",
        "latin1",
      ),
      title,
      Buffer.from(" PF/2024/12/0007~32JAN KOWALSKI\r\n:62F:C241204PLN1049,19\r\n-\r\n", "latin1"),
    ]);
    script("post", "/v1/billing/statements", [() => HttpResponse.json({ imported: 1 }, { status: 201 })]);
    await fast().post("/v1/billing/statements", {
      params: { query: { format: "mt940", encoding: "windows-1250" } },
      body: mt940,
      contentType: "text/plain",
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.body.equals(mt940)).toBe(true);
    expect(seen[0]!.headers["content-type"]).toBe("text/plain");
    expect(seen[0]!.headers["idempotency-key"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(verifies(seen[0]!)).toBe(true);
  });

  it("gives a PDF as its exact bytes and an XML document as text", async () => {
    // A PDF's second line is binary on purpose: decoded as UTF-8 text, it would be corrupted.
    const pdf = Buffer.concat([
      Buffer.from("%PDF-1.7\n%"),
      Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]),
      Buffer.from("\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"),
    ]);
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><Faktura><P_3A>Żółw Hosting sp. z o.o.</P_3A></Faktura>';
    script("get", "/v1/billing/invoices/:id/pdf", [
      () => new HttpResponse(pdf, { headers: { "Content-Type": "application/pdf" } }),
    ]);
    script("get", "/v1/billing/invoices/:id/fa3.xml", [
      () => new HttpResponse(xml, { headers: { "Content-Type": "application/xml; charset=utf-8" } }),
    ]);
    const client = fast();
    const got = await client.get("/v1/billing/invoices/{id}/pdf", { params: { path: { id: 3 } } });
    expect(Buffer.isBuffer(got.data)).toBe(true);
    expect(got.data.equals(pdf)).toBe(true);
    const fa3 = await client.get("/v1/billing/invoices/{id}/fa3.xml", { params: { path: { id: 3 } } });
    expect(fa3.data).toBe(xml);
  });
});

describe("retries", () => {
  it("sends a GET again after a 503 and gives the 200's body", async () => {
    script("get", "/v1/billing/customers/:id", [
      error(503, "internal", "internal error"),
      () => HttpResponse.json(CUSTOMER),
    ]);
    const res = await fast().get("/v1/billing/customers/{id}", { params: { path: { id: 7 } } });
    expect(res.status).toBe(200);
    expect(res.data.name).toBe("Żółw Hosting sp. z o.o.");
    expect(seen).toHaveLength(2);
    // Each attempt is signed anew: the bridge refuses a nonce it has seen.
    expect(seen.every(verifies)).toBe(true);
    expect(seen[0]!.headers["x-hrdkit-nonce"]).not.toBe(seen[1]!.headers["x-hrdkit-nonce"]);
    // One call, one request id, on every attempt.
    expect(seen[1]!.headers["x-request-id"]).toBe(seen[0]!.headers["x-request-id"]);
  });

  it("waits as long as Retry-After says", async () => {
    script("get", "/v1/billing/customers", [
      error(429, "rate_limited", "slow down", {}, { "Retry-After": "1" }),
      () => HttpResponse.json({ items: [], nextCursor: null }),
    ]);
    const started = Date.now();
    const res = await fast().get("/v1/billing/customers");
    expect(res.data.nextCursor).toBeNull();
    expect(seen).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it("gives up at once when Retry-After asks for longer than maxDelayMs", async () => {
    script("get", "/v1/billing/customers", [
      error(503, "internal", "maintenance", {}, { "Retry-After": "120" }),
      () => HttpResponse.json({ items: [], nextCursor: null }),
    ]);
    const e = await failure(fast().get("/v1/billing/customers"));
    expect(e).toBeInstanceOf(HrdkitApiError);
    expect([(e as HrdkitApiError).status, e.attempts]).toEqual([503, 1]);
    expect(seen).toHaveLength(1);
  });

  it("never sends a 400 or a 409 again", async () => {
    script("put", "/v1/domains/:domain/nameservers", [
      error(400, "invalid", "invalid request: nameservers: too few", {
        issues: [{ path: "nameservers", message: "too few" }],
      }),
    ]);
    script("delete", "/v1/domains/:domain/hosts/:host", [
      error(409, "in_progress", "the first request with this Idempotency-Key still runs"),
    ]);
    const client = fast();
    const bad = await failure(
      client.put("/v1/domains/{domain}/nameservers", {
        params: { path: { domain: "zolw.pl" } },
        body: { nameservers: ["ns1.zolw.pl"] },
      }),
    );
    const busy = await failure(
      client.delete("/v1/domains/{domain}/hosts/{host}", {
        params: { path: { domain: "zolw.pl", host: "ns1.zolw.pl" } },
      }),
    );
    expect([(bad as HrdkitApiError).status, (busy as HrdkitApiError).status]).toEqual([400, 409]);
    expect(seen).toHaveLength(2);
  });

  it("never sends a POST again that has no Idempotency-Key", async () => {
    script("post", "/v1/billing/quotes", [
      error(503, "internal", "internal error"),
      () => HttpResponse.json({}),
    ]);
    const e = await failure(
      fast().post("/v1/billing/quotes", {
        body: { customerId: 7, items: [{ serviceCode: "domain.pl.register", period: 1 }] },
      }),
    );
    expect([(e as HrdkitApiError).status, e.attempts]).toEqual([503, 1]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers["idempotency-key"]).toBeUndefined();
  });

  it("adds an Idempotency-Key where the spec requires one and sends the same key on every retry", async () => {
    script("post", "/v1/billing/customers", [
      error(503, "internal", "internal error"),
      () => HttpResponse.error(),
      () => HttpResponse.json(CUSTOMER, { status: 201 }),
    ]);
    const res = await fast().post("/v1/billing/customers", { body: { name: "Żółw Hosting sp. z o.o." } });
    expect(res.status).toBe(201);
    expect(seen).toHaveLength(3);
    const keys = seen.map((s) => s.headers["idempotency-key"]);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys)).toEqual(new Set([keys[0]]));
    expect(res.idempotencyKey).toBe(keys[0]);
    expect(seen.every(verifies)).toBe(true);
  });

  it("keeps the caller's Idempotency-Key, and each call gets its own generated one", async () => {
    script("post", "/v1/billing/customers", [
      error(502, "connect_failed", "HRD unreachable"),
      () => HttpResponse.json(CUSTOMER, { status: 201 }),
    ]);
    const client = fast();
    await client.post("/v1/billing/customers", {
      body: { name: "Jan Kowalski" },
      idempotencyKey: "order-2024-0001:customer",
    });
    await client.post("/v1/billing/customers", { body: { name: "Anna Nowak" } });
    await client.post("/v1/billing/customers", { body: { name: "Piotr Wiśniewski" } });
    const keys = seen.map((s) => s.headers["idempotency-key"]);
    expect(keys.slice(0, 2)).toEqual(["order-2024-0001:customer", "order-2024-0001:customer"]);
    expect(keys[2]).not.toBe(keys[3]);
  });

  it("does not retry when the bridge says retryable: false, nor with retries: 0 or retry: false", async () => {
    script("get", "/v1/certificates/:id", [error(502, "hrd_refused", "HRD refused", { retryable: false })]);
    script("get", "/v1/billing/customers/:id", [error(500, "internal", "internal error")]);
    await failure(fast().get("/v1/certificates/{id}", { params: { path: { id: 12 } } }));
    expect(seen).toHaveLength(1);
    await failure(fast().get("/v1/billing/customers/{id}", { params: { path: { id: 7 } }, retries: 0 }));
    await failure(fast({ retry: false }).get("/v1/billing/customers/{id}", { params: { path: { id: 7 } } }));
    expect(seen).toHaveLength(3);
    const e = await failure(fast().get("/v1/billing/customers/{id}", { params: { path: { id: 7 } } }));
    expect(e.attempts).toBe(1 + DEFAULT_RETRY.retries);
  });

  it("backs off exponentially with jitter, capped", () => {
    const policy = { retries: 5, minDelayMs: 100, maxDelayMs: 1_000 };
    const low = (n: number) => retryDelay({ status: 503 }, n, policy, () => 0);
    const high = (n: number) => retryDelay({ status: 503 }, n, policy, () => 1);
    expect([1, 2, 3, 4, 5].map(low)).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map(high)).toEqual([100, 200, 400, 800, 1000]);
    expect(retryDelay({ status: 503 }, 6, policy)).toBeUndefined();
    expect(retryDelay({ status: 404 }, 1, policy)).toBeUndefined();
    // Retry-After as an HTTP date (whole seconds): honoured over the shorter backoff.
    const at = new Date(Date.now() + 3_000).toUTCString();
    const wait = retryDelay({ status: 429, retryAfter: at }, 1, { ...policy, maxDelayMs: 5_000 }, () => 0);
    expect(wait).toBeGreaterThan(1_900);
    expect(wait).toBeLessThanOrEqual(3_000);
  });
});

describe("errors", () => {
  it("gives the bridge's error body as fields: status, code, message, every bad field, request id", async () => {
    server.use(
      http.post(`${BASE}/v1/billing/customers`, async ({ request }) => {
        await record(request);
        return HttpResponse.json(
          {
            error: {
              code: "invalid",
              message: "invalid request: email: not an e-mail address; nip: wrong checksum",
              retryable: false,
              issues: [
                { path: "email", message: "not an e-mail address" },
                { path: "nip", message: "wrong checksum" },
              ],
            },
          },
          { status: 400, headers: { "X-Request-Id": "req-4f1c" } },
        );
      }),
    );
    const e = await failure(
      fast().post("/v1/billing/customers", {
        body: { name: "Jan Kowalski", email: "jan(at)example.com", nip: "1234567890" },
        idempotencyKey: "create-jan-kowalski-1",
      }),
    );
    expect(e).toBeInstanceOf(HrdkitApiError);
    const api = e as HrdkitApiError;
    expect(api).toMatchObject({
      name: "HrdkitApiError",
      status: 400,
      code: "invalid",
      message: "invalid request: email: not an e-mail address; nip: wrong checksum",
      retryable: false,
      requestId: "req-4f1c",
      method: "POST",
      path: "/v1/billing/customers",
      operationId: "createCustomer",
      idempotencyKey: "create-jan-kowalski-1",
      attempts: 1,
    });
    expect(api.errors).toEqual([
      { path: "email", message: "not an e-mail address" },
      { path: "nip", message: "wrong checksum" },
    ]);
    expect(JSON.parse(JSON.stringify(api))).toMatchObject({
      status: 400,
      code: "invalid",
      errors: api.errors,
    });
  });

  it("tells an answer without the bridge's error body from one with it", async () => {
    script("get", "/v1/billing/customers/:id", [
      () =>
        new HttpResponse("<html>Bad gateway</html>", {
          status: 502,
          headers: { "Content-Type": "text/html" },
        }),
    ]);
    const e = await failure(
      fast({ retry: false }).get("/v1/billing/customers/{id}", { params: { path: { id: 1 } } }),
    );
    expect(e).toBeInstanceOf(HrdkitApiError);
    expect([e.code, (e as HrdkitApiError).status, e.retryable]).toEqual(["http_502", 502, true]);
    expect(e.requestId).toBe(seen[0]!.headers["x-request-id"]);
  });

  it("gives a network error of its own kind, after retrying a GET", async () => {
    script("get", "/v1/billing/customers", [() => HttpResponse.error()]);
    const e = await failure(fast().get("/v1/billing/customers"));
    expect(e).toBeInstanceOf(HrdkitNetworkError);
    expect(e).not.toBeInstanceOf(HrdkitApiError);
    expect(e.retryable).toBe(true);
    expect(e.attempts).toBe(3);
    expect(seen).toHaveLength(3);
  });

  it("gives an aborted call as aborted, not retried", async () => {
    script("get", "/v1/billing/customers", [error(503, "internal", "internal error")]);
    const controller = new AbortController();
    const call = createClient({
      baseURL: BASE,
      key: KEY,
      retry: { minDelayMs: 5_000, maxDelayMs: 10_000 },
    }).get("/v1/billing/customers", { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const e = await failure(call);
    expect(e).toBeInstanceOf(HrdkitNetworkError);
    expect([e.code, e.retryable]).toEqual(["aborted", false]);
    expect(seen).toHaveLength(1);
  });

  it("never shows the key's secret, nor the signing key, in errors or the client", async () => {
    script("post", "/v1/billing/customers", [error(400, "invalid", "invalid request", { issues: [] })]);
    script("get", "/v1/billing/customers", [() => HttpResponse.error()]);
    const client = fast();
    const api = await failure(client.post("/v1/billing/customers", { body: { name: "" } }));
    const network = await failure(client.get("/v1/billing/customers", { retries: 0 }));
    for (const e of [api, network]) {
      const dumps = [
        JSON.stringify(e),
        inspect(e, { depth: 20, showHidden: true }),
        String(e.stack),
        e.message,
        inspect(client, { depth: 20, showHidden: true }),
      ];
      for (const dump of dumps) {
        expect(dump).not.toContain(SECRET);
        expect(dump).not.toContain(SIGNING_KEY);
      }
    }
  });
});
