import { type Bridge, BridgeClient, createKey } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridgeBackends } from "./support/backends.js";
import { failure } from "./support/bridge.js";

interface Entry {
  id: number;
  at: string;
  action: string | null;
  keyId: string | null;
  keyName: string | null;
  method: string;
  route: string;
  target: string | null;
  statusCode: number;
  outcome: "ok" | "error";
}
interface Page {
  items: Entry[];
  nextCursor: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let bridge: Bridge;
let whmcs: BridgeClient;
let hostbill: BridgeClient;
let hostbillId: string;

const backends = bridgeBackends("audit", { keyName: "back office" });

describe.each(backends)("the audit log over HTTP on $name", (backend) => {
  let mid: string;

  beforeAll(async () => {
    ({ bridge, client: whmcs } = await backend.start());
    const k = await createKey(bridge.db, "HostBill");
    hostbillId = k.id;
    hostbill = new BridgeClient({ url: bridge.url, key: k.key });

    // What an operator's week looks like: settings changed, one refused, a customer added from
    // the other panel, a KSeF number recorded for an invoice that does not exist.
    await whmcs.call("PUT", "/v1/billing/settings/billing", { proformaValidDays: 10 });
    await failure(whmcs.call("PUT", "/v1/billing/settings/billing", { proformaValidDays: 0 }));
    await whmcs.call("PUT", "/v1/billing/settings/series", {
      kind: "invoice",
      name: "Faktury sklepu",
      pattern: "FS/{YYYY}/{N}",
    });
    await sleep(50);
    mid = new Date().toISOString();
    await sleep(50);
    await hostbill.call(
      "POST",
      "/v1/billing/customers",
      { name: "Łukasz Wiśniewski" },
      { idempotencyKey: `audit-customer-${Date.now()}` },
    );
    await failure(
      whmcs.call("PUT", "/v1/billing/invoices/999999/ksef", {
        number: "5260250274-20260504-0A1B2C-3D4E5F-6A",
      }),
    );
    await whmcs.call("PUT", "/v1/billing/settings/billing", { proformaValidDays: 14 });
    // The audit line is written once the answer has gone out (onResponse): let the last one land.
    await sleep(200);
  }, 60_000);
  afterAll(async () => {
    await bridge?.close();
    await backend.dispose();
  });

  const list = async (query = "") => (await whmcs.call<Page>("GET", `/v1/audit${query}`)).body;
  const actions = (p: Page) => p.items.map((e) => `${e.action} ${e.statusCode}`);

  it("lists every change newest first, with who asked and how it was answered", async () => {
    const all = await list();
    expect(actions(all)).toEqual([
      "billing.settings.billing 200",
      "billing.invoice.ksef 404",
      "billing.customer.create 201",
      "billing.settings.series 200",
      "billing.settings.billing 400",
      "billing.settings.billing 200",
    ]);
    expect(all.nextCursor).toBeNull();
    const ids = all.items.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(all.items[2]).toMatchObject({
      keyId: hostbillId,
      keyName: "HostBill",
      method: "POST",
      route: "/v1/billing/customers",
      target: "Łukasz Wiśniewski",
      outcome: "ok",
    });
    expect(all.items[4]).toMatchObject({ keyName: "back office", outcome: "error", method: "PUT" });
    expect(Number.isNaN(Date.parse(all.items[0]!.at))).toBe(false);

    // Reading the log is not a change: it adds nothing, and a stranger cannot read it.
    expect((await list()).items).toHaveLength(6);
    expect((await fetch(`${bridge.url}/v1/audit`)).status).toBe(401);
    expect((await list()).items).toHaveLength(6);
  });

  it("filters by action prefix, key, outcome, status, time and target", async () => {
    expect(actions(await list("?action=billing.settings"))).toEqual([
      "billing.settings.billing 200",
      "billing.settings.series 200",
      "billing.settings.billing 400",
      "billing.settings.billing 200",
    ]);
    // The prefix is taken literally: `%` and `_` are not wildcards.
    expect((await list(`?action=${encodeURIComponent("billing%")}`)).items).toEqual([]);
    expect((await list("?action=billing_settings")).items).toEqual([]);
    expect(actions(await list(`?keyId=${hostbillId}`))).toEqual(["billing.customer.create 201"]);
    expect(actions(await list(`?keyId=hk_${hostbillId}`))).toEqual(["billing.customer.create 201"]);
    expect(actions(await list("?outcome=error"))).toEqual([
      "billing.invoice.ksef 404",
      "billing.settings.billing 400",
    ]);
    expect(actions(await list("?status=404"))).toEqual(["billing.invoice.ksef 404"]);
    expect(actions(await list(`?from=${encodeURIComponent(mid)}`))).toEqual([
      "billing.settings.billing 200",
      "billing.invoice.ksef 404",
      "billing.customer.create 201",
    ]);
    expect(actions(await list(`?to=${encodeURIComponent(mid)}&outcome=ok`))).toEqual([
      "billing.settings.series 200",
      "billing.settings.billing 200",
    ]);
    expect(actions(await list(`?target=${encodeURIComponent("Łukasz Wiśniewski")}`))).toEqual([
      "billing.customer.create 201",
    ]);
    const january = `?from=2020-01-01T00:00:00Z&to=${encodeURIComponent("2020-02-01T00:00:00+01:00")}`;
    expect((await list(january)).items).toEqual([]);
  });

  it("pages by cursor and refuses bad filters naming each", async () => {
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(`?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor && pages.length < 10);
    expect(pages.map((p) => p.items.length)).toEqual([4, 2]);
    expect(pages.flatMap((p) => p.items)).toEqual((await list()).items);
    const filtered = await list("?action=billing.settings&limit=3");
    const rest = await list(
      `?action=billing.settings&limit=3&cursor=${encodeURIComponent(filtered.nextCursor!)}`,
    );
    expect([...actions(filtered), ...actions(rest)]).toEqual(actions(await list("?action=billing.settings")));
    expect(rest.nextCursor).toBeNull();

    const bad = await failure(whmcs.call("GET", "/v1/audit?outcome=fail&status=42&from=wczoraj&limit=500"));
    expect([bad.status, bad.code]).toEqual([400, "invalid"]);
    expect(bad.body.issues?.map((i) => i.path).sort()).toEqual(["from", "limit", "outcome", "status"]);
    const forged = await failure(whmcs.call("GET", "/v1/audit?cursor=eyJhZnRlcklkIjoxfQ"));
    expect(forged.body.issues?.map((i) => i.path)).toEqual(["cursor"]);
  });
});
