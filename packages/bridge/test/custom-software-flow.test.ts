/**
 * The custom-software guide (docs/bridge/custom-software.en.md), run: from a fresh bridge to a
 * paid, activated, invoiced order using only HTTP through the typed client `@hrdkit/client`, with
 * a webhook receiver that verifies every delivery. The bridge runs its background jobs as in
 * production (the webhook queue among them); nothing is set up through billing's functions.
 * On PGlite, and with DATABASE_URL on a PostgreSQL database of its own.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Bridge, createKey, startBridge, verifyWebhook } from "@hrdkit/bridge";
import { createClient, HrdkitApiError, type HrdkitClient } from "@hrdkit/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pdfText } from "../../billing/test/support/pdf-text.js";
import { serverDatabases } from "./support/backends.js";

interface Received {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/** A webhook receiver as the guide writes it: verify, deduplicate by event id, answer 204. */
async function startReceiver(secret: () => string) {
  const events = new Map<string, Received>();
  const refused: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        const event = verifyWebhook({ secret: secret(), body, headers: req.headers as IncomingHttpHeaders });
        if (!events.has(event.id)) events.set(event.id, event as Received);
        res.writeHead(204).end();
      } catch (e) {
        refused.push((e as Error).message);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hrdkit/webhook`,
    events,
    refused,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const DOMAIN = `kwiaciarnia-roza-${randomBytes(3).toString("hex")}.pl`;

async function until<T>(what: string, read: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(serverDatabases("flow"))("the custom-software flow over HTTP on $name", (backend) => {
  let bridge: Bridge;
  let api: HrdkitClient;
  let secret = "";
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    await backend.create();
    receiver = await startReceiver(() => secret);
    // A fresh bridge on embedded defaults (its own HRD sandbox), background jobs running.
    bridge = await startBridge({
      config: { port: 0, hrd: undefined, databaseUrl: backend.databaseUrl, dataDir: undefined },
    });
    const key = await createKey(bridge.db, "shop"); // what `hrdkit-bridge key create shop` prints
    api = createClient({ baseURL: bridge.url, key: key.key });
  }, 60_000);
  afterAll(async () => {
    await bridge?.close();
    await receiver?.close();
    await backend.dispose();
  });

  it("sells a .pl domain: customer, order, payment, activation at HRD, VAT invoice, events", async () => {
    // 1. The seller printed on documents, the catalog, wholesale costs from HRD, a retail price.
    await api.put("/v1/billing/settings/seller", {
      body: {
        name: "Żółw Hosting Sp. z o.o.",
        nip: "5260250274",
        address: { street: "ul. Świętokrzyska 12", postcode: "00-916", city: "Warszawa" },
        bankAccount: "PL61 1090 1014 0000 0712 1981 2874",
        email: "faktury@zolw.example",
        place: "Warszawa",
      },
    });
    await api.post("/v1/billing/catalog/seed", {});
    const imported = await api.post("/v1/billing/wholesale/import", {});
    expect(imported.data.mapped).toBeGreaterThan(0);
    const group = await api.post("/v1/billing/price-groups", { body: { name: "Detal" } });
    expect(group.data.isDefault).toBe(true);
    await api.put("/v1/billing/price-groups/{id}/prices/{serviceCode}/{period}", {
      params: { path: { id: group.data.id, serviceCode: "domain.pl.register", period: 1 } },
      body: { gross: "49.19" },
    });

    // 2. A webhook endpoint for every event; its secret is shown once.
    const endpoint = await api.post("/v1/webhooks", {
      body: { url: receiver.url, events: ["*"], description: "sklep" },
    });
    secret = endpoint.data.secret;

    // 3. The customer, and its registrant account at HRD.
    const customer = await api.post("/v1/billing/customers", {
      body: {
        name: "Róża Kwiatkowska",
        pesel: "44051401359",
        email: "roza@kwiaciarnia.example",
        mobilePhone: "+48 601 234 567",
        addresses: { correspondence: { street: "ul. Kwiatowa 5", postcode: "30-001", city: "Kraków" } },
      },
    });
    await api.post("/v1/billing/customers/{id}/hrd-account", {
      params: { path: { id: customer.data.id } },
      body: {},
    });

    // 4. A quote, then the order at the price shown: a proforma.
    const items = [{ serviceCode: "domain.pl.register", name: DOMAIN, period: 1 }];
    const q = await api.post("/v1/billing/quotes", { body: { customerId: customer.data.id, items } });
    expect(q.data.totals.gross).toBe("49.19");
    const order = await api.post("/v1/billing/orders", {
      body: {
        customerId: customer.data.id,
        orderRef: "sklep-1001",
        items,
        expectedGross: q.data.totals.gross,
      },
    });
    const proforma = order.data.proforma;
    expect(proforma.gross).toBe("49.19");
    // The same order sent again (a lost answer): the same proforma, no second one.
    const again = await api.post("/v1/billing/orders", {
      body: { customerId: customer.data.id, orderRef: "sklep-1001", items, expectedGross: "49.19" },
    });
    expect(again.data.proforma.id).toBe(proforma.id);

    const proformaPdf = await api.axios.get<ArrayBuffer>(`/v1/billing/proformas/${proforma.id}/pdf`, {
      responseType: "arraybuffer",
    });
    expect(await pdfText(Buffer.from(proformaPdf.data))).toContain(proforma.number);

    // 5. The shop's payment gateway confirmed the payment.
    const paid = await api.post("/v1/billing/payments/online", {
      body: {
        gateway: "przelewy24",
        transactionId: "P24-3344556677",
        proformaId: proforma.id,
        amount: "49.19",
        paidAt: "2026-12-04T10:15:00+01:00",
      },
    });
    expect(paid.data.applied).toBe("49.19");

    // 6. Activation: the domain is registered at HRD and the VAT invoice issued.
    const activation = await api.post("/v1/billing/proformas/{id}/activate", {
      params: { path: { id: proforma.id } },
      body: {},
    });
    expect(activation.data.complete).toBe(true);
    const domain = await api.get("/v1/domains/{domain}", { params: { path: { domain: DOMAIN } } });
    expect(domain.data.domain).toBe(DOMAIN);

    const invoices = await api.get("/v1/billing/invoices", {
      params: { query: { customerId: customer.data.id } },
    });
    expect(invoices.data.items).toHaveLength(1);
    const invoice = invoices.data.items[0]!;
    expect(invoice.gross).toBe("49.19");
    const pdf = await api.axios.get<ArrayBuffer>(`/v1/billing/invoices/${invoice.id}/pdf`, {
      responseType: "arraybuffer",
    });
    const text = await pdfText(Buffer.from(pdf.data));
    expect(text).toContain(invoice.number);
    expect(text).toContain(DOMAIN);
    const xml = await api.axios.get<string>(`/v1/billing/invoices/${invoice.id}/fa3.xml`, {
      responseType: "text",
    });
    expect(xml.data).toContain("<P_2>");
    expect(xml.data).toContain(invoice.number);

    // 7. The receiver got each event once, signed, with the ids a shop needs.
    const types = [
      "order.placed",
      "proforma.issued",
      "payment.matched",
      "service.activated",
      "invoice.issued",
    ];
    const got = await until("the flow's events", () => {
      const seen = [...receiver.events.values()];
      return types.every((t) => seen.some((e) => e.type === t)) ? seen : undefined;
    });
    for (const t of types) expect(got.filter((e) => e.type === t)).toHaveLength(1);
    expect(got.find((e) => e.type === "invoice.issued")?.data).toMatchObject({ invoiceId: invoice.id });
    expect(receiver.refused).toEqual([]);

    // Bad input is refused naming every bad field, nothing written.
    const bad = await api
      .post("/v1/billing/orders", {
        body: { customerId: customer.data.id, orderRef: "", items: [{ serviceCode: "", period: 0 }] },
      })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(HrdkitApiError);
    expect((bad as HrdkitApiError).status).toBe(400);
    expect((bad as HrdkitApiError).errors.length).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
