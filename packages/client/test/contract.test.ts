/**
 * The client against a real bridge (embedded sandbox; PGlite, and PostgreSQL when DATABASE_URL is
 * set, in a database of its own): the generated types and the signing meet the routes that
 * generated them. If a route changes its shape, `npm run gen` changes the types and this file no
 * longer type-checks or passes.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { createPriceGroup, openDb, seedDefaultCatalog, setPrice } from "@hrdkit/billing";
import { type Bridge, createKey, startBridge } from "@hrdkit/bridge";
import {
  createClient,
  HrdkitApiError,
  type HrdkitClient,
  HrdkitError,
  HrdkitNetworkError,
  type Schemas,
} from "@hrdkit/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

interface Backend {
  name: string;
  /** The database URL for the bridge ("" for PGlite in memory). */
  start: () => Promise<string>;
  dispose: () => Promise<void>;
}

/** Runs one statement outside any database this file uses (a throwaway schema on the server). */
async function onServer(url: string, sql: string): Promise<void> {
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = await openDb({ url, schema });
  try {
    await admin.query(sql);
  } finally {
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
    await admin.close();
  }
}

function backends(): Backend[] {
  const list: Backend[] = [{ name: "PGlite", start: async () => "", dispose: async () => undefined }];
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `hk_client_http_${randomBytes(6).toString("hex")}`;
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    list.push({
      name: "PostgreSQL",
      start: async () => {
        await onServer(url, `CREATE DATABASE ${name}`);
        return dbUrl.toString();
      },
      dispose: () => onServer(url, `DROP DATABASE IF EXISTS ${name}`),
    });
  }
  return list;
}

async function failure(p: Promise<unknown>): Promise<HrdkitError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HrdkitError);
  return e as HrdkitError;
}

const ADDRESS = { street: "ul. Długa 1", postcode: "00950", city: "Warszawa" };
const COMPANY: Schemas["CreateCustomerInput"] = {
  name: "Żółw Hosting sp. z o.o.",
  nip: "PL 123-456-32-18",
  email: "biuro@zolw.example",
  addresses: { correspondence: ADDRESS },
};

describe.each(backends())("@hrdkit/client against a running bridge on $name", (backend) => {
  let bridge: Bridge;
  let client: HrdkitClient;

  beforeAll(async () => {
    const databaseUrl = await backend.start();
    bridge = await startBridge({
      config: { port: 0, hrd: undefined, databaseUrl: databaseUrl || undefined, dataDir: undefined },
      jobs: false,
    });
    const key = await createKey(bridge.db, "client contract test");
    client = createClient({ baseURL: bridge.url, key: key.key, retry: { minDelayMs: 10 } });
    // PGlite's migrations and the sandbox take a while on a busy machine.
  }, 120_000);
  afterAll(async () => {
    await bridge?.close();
    await backend.dispose();
  });

  it("creates a customer (with its own Idempotency-Key), replays it, and reads it back", async () => {
    const created = await client.post("/v1/billing/customers", { body: COMPANY });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      name: "Żółw Hosting sp. z o.o.",
      type: "company",
      nip: "1234563218",
      replayed: false,
      addresses: { correspondence: { postcode: "00-950", city: "Warszawa" } },
    });
    // The client made the key; sent again with it, the bridge answers with the first customer.
    expect(created.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    const again = await client.post("/v1/billing/customers", {
      body: COMPANY,
      idempotencyKey: created.idempotencyKey!,
    });
    expect([again.data.id, again.data.replayed]).toEqual([created.data.id, true]);

    const got = await client.get("/v1/billing/customers/{id}", { params: { path: { id: created.data.id } } });
    expect(got.data).toMatchObject({ id: created.data.id, nip: "1234563218", email: "biuro@zolw.example" });
  });

  it("lists customers page by page with the cursor, filtered by a query with Polish letters", async () => {
    const names = ["Łukasz Wróbel", "Łucja Żak", "Łatwy Hosting sp. z o.o.", "Marek Nowicki"];
    const ids: number[] = [];
    for (const name of names)
      ids.push((await client.post("/v1/billing/customers", { body: { name } })).data.id);

    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.get("/v1/billing/customers", {
        params: { query: { q: "Ł", limit: 2, ...(cursor ? { cursor } : {}) } },
      });
      pages++;
      expect(page.data.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.items.map((c) => c.id));
      cursor = page.data.nextCursor ?? undefined;
    } while (cursor && pages < 10);
    expect(pages).toBe(2);
    expect(seen.sort((a, b) => a - b)).toEqual(ids.slice(0, 3).sort((a, b) => a - b));
  });

  it("turns a 400 into HrdkitApiError naming every bad field, and writes nothing", async () => {
    const before = (await client.get("/v1/billing/customers", { params: { query: { limit: 200 } } })).data
      .items.length;
    const e = await failure(
      client.post("/v1/billing/customers", {
        body: {
          name: "Jan Kowalski",
          email: "jan(at)example.com",
          nip: "1234567890",
          addresses: { correspondence: { street: "ul. Polna 2", postcode: "ABC", city: "Kraków" } },
        },
      }),
    );
    expect(e).toBeInstanceOf(HrdkitApiError);
    const api = e as HrdkitApiError;
    expect([api.status, api.code, api.retryable, api.operationId]).toEqual([
      400,
      "invalid",
      false,
      "createCustomer",
    ]);
    expect(api.errors.map((i) => i.path).sort()).toEqual([
      "addresses.correspondence.postcode",
      "email",
      "nip",
    ]);
    expect(api.attempts).toBe(1);
    const after = (await client.get("/v1/billing/customers", { params: { query: { limit: 200 } } })).data
      .items.length;
    expect(after).toBe(before);

    const missing = await failure(
      client.get("/v1/billing/customers/{id}", { params: { path: { id: 999_999 } } }),
    );
    expect([(missing as HrdkitApiError).status, missing.code]).toEqual([404, "not_found"]);
  });

  it("quotes an order, money as exact decimal strings", async () => {
    await seedDefaultCatalog(bridge.db);
    const group = await createPriceGroup(bridge.db, { name: "Detal", isDefault: true });
    await setPrice(bridge.db, {
      groupId: group.id,
      serviceCode: "domain.pl.register",
      period: 1,
      net: "39.99",
    });
    const customer = (await client.post("/v1/billing/customers", { body: { name: "Kupujący Klient" } })).data;

    const quote = await client.post("/v1/billing/quotes", {
      body: {
        customerId: customer.id,
        items: [{ serviceCode: "domain.pl.register", name: "żółw.pl", period: 1 }],
      },
    });
    expect(quote.status).toBe(200);
    expect(quote.data.lines.map((l) => [l.serviceCode, l.net])).toEqual([["domain.pl.register", "39.99"]]);
    // 23% VAT on 39.99 is 9.1977, rounded half-up to 9.20.
    expect(quote.data.totals).toMatchObject({ net: "39.99", vat: "9.20", gross: "49.19" });
  });

  it("sends a POST without a body as the bridge accepts it (signed, no form content type)", async () => {
    // axios would label an empty POST a form, which the bridge refuses (415).
    const sync = await client.post("/v1/domains/{domain}/sync", {
      params: { path: { domain: "zolw-hosting.pl" } },
    });
    expect(sync.status).toBe(200);
    const raw = await client.axios.post("/v1/domains/zolw-hosting.pl/sync");
    expect(raw.status).toBe(200);
  });

  it("refuses a wrong secret with 401 bad_signature, and does not retry it", async () => {
    const stranger = createClient({ baseURL: bridge.url, key: "hk_0123abcd.wrong-secret" });
    const e = await failure(stranger.get("/v1/billing/customers"));
    expect([(e as HrdkitApiError).status, e.code, e.attempts]).toEqual([401, "bad_signature", 1]);
  });
});

describe("@hrdkit/client with nothing listening", () => {
  it("gives HrdkitNetworkError ECONNREFUSED after retrying a GET", async () => {
    // A port that was free a moment ago: nothing listens on it.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const client = createClient({
      baseURL: `http://127.0.0.1:${port}`,
      key: "hk_0123abcd.s3cr3t-value",
      retry: { minDelayMs: 5 },
    });
    const e = await failure(client.get("/health"));
    expect(e).toBeInstanceOf(HrdkitNetworkError);
    expect([e.code, e.retryable, e.attempts]).toEqual(["ECONNREFUSED", true, 3]);
    expect(e.message).toContain(`127.0.0.1:${port}`);
    expect(JSON.stringify(e)).not.toContain("s3cr3t-value");
  });
});
