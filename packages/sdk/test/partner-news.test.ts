import { addNews, DEFAULT_PARTNER_KEYS, hrdDateTime } from "@hrdkit/sandbox";
import { HrdApiError, HrdValidationError } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxAndClient } from "./support/fixtures.js";

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
}

describe("partner settings and news over TLS", () => {
  let env: Awaited<ReturnType<typeof sandboxAndClient>>;
  beforeAll(async () => {
    // Small pages, so that iterating news really walks the cursor.
    env = await sandboxAndClient({ pageSize: 2, startAt: "2025-03-10T12:00:00Z" });
    env.sandbox.clock.freeze();
  });
  afterAll(() => env.close());

  it("reads the starting settings as a record and as raw entries in order", async () => {
    const { keys, entries } = await env.client.partner.getKeys();
    expect(keys).toEqual(DEFAULT_PARTNER_KEYS);
    expect(keys.notificationEmail).toBe("powiadomienia@partner.example.pl");
    expect(entries.map((e) => e.key)).toEqual(Object.keys(DEFAULT_PARTNER_KEYS));
    expect(entries[0]).toEqual({ key: "notificationEmail", value: "powiadomienia@partner.example.pl" });
  });

  it("sets a known and an unknown key and reads both back", async () => {
    await env.client.partner.setKey({ key: "notificationEmail", value: " dns@firma.example.pl " });
    await env.client.partner.setKey({ key: "mojeUstawienie", value: "wartość z ąę" });
    const { keys, entries } = await env.client.partner.getKeys();
    expect(keys.notificationEmail).toBe("dns@firma.example.pl"); // trimmed before sending
    expect(keys.mojeUstawienie).toBe("wartość z ąę");
    // Changing a key keeps its place; a new key comes last.
    expect(entries[0]?.key).toBe("notificationEmail");
    expect(entries.at(-1)).toEqual({ key: "mojeUstawienie", value: "wartość z ąę" });
    expect(env.sandbox.state.keys.get("mojeUstawienie")).toBe("wartość z ąę");
  });

  it("refuses a malformed value of a known key with a clear message and keeps the old one", async () => {
    const err = await failure(env.client.partner.setKey({ key: "invoiceEmail", value: "faktury-at-firma" }));
    expect(err).toBeInstanceOf(HrdApiError);
    expect((err as Error).message).toContain("invoiceEmail");
    expect((err as Error).message).toContain("adresu e-mail");
    const nsErr = await failure(
      env.client.partner.setKey({ key: "defaultNameservers", value: "ns1.hrd.pl" }),
    );
    expect((nsErr as Error).message).toMatch(/2–16 nazw serwerów DNS/);
    const { keys } = await env.client.partner.getKeys();
    expect(keys.invoiceEmail).toBe(DEFAULT_PARTNER_KEYS.invoiceEmail);
    expect(keys.defaultNameservers).toBe("ns1.hrd.pl,ns2.hrd.pl");
  });

  it("validates setKey before sending, naming every bad field", async () => {
    const before = env.sandbox.counts.get("partner/setKey") ?? 0;
    const err = await failure(env.client.partner.setKey({ key: "   ", value: "x".repeat(256) }));
    expect(err).toBeInstanceOf(HrdValidationError);
    expect((err as HrdValidationError).issues.map((i) => i.path).sort()).toEqual(["key", "value"]);
    expect((err as Error).message).toContain("key");
    expect(env.sandbox.counts.get("partner/setKey") ?? 0).toBe(before);
  });

  it("lists the starting news and reads one with its flags and date", async () => {
    const ids = await env.client.news.list();
    expect(ids).toEqual([1, 2]); // first page of 2
    const first = await env.client.news.info({ id: 1 });
    expect(first).toMatchObject({ title: "Prace serwisowe w rejestrze domen .pl", archived: true });
    expect(first.message).toContain("NASK");
    expect(first.added).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    const second = await env.client.news.info({ id: 2 });
    expect(second.archived).toBe(false);
    expect(second.added > first.added).toBe(true);
  });

  it("shows a news item a test publishes, and iterates every page with the lastId cursor", async () => {
    const added = addNews(env.sandbox.state, {
      title: "Przerwa w działaniu API",
      message: "Dziś o 23:00 API będzie niedostępne przez 15 minut.",
    });
    const archived = addNews(env.sandbox.state, {
      title: "Stary komunikat",
      message: "Treść.",
      archived: true,
    });
    expect(added.id).toBeGreaterThan(3);
    const pagesBefore = env.sandbox.counts.get("news/list") ?? 0;
    const all: number[] = [];
    for await (const id of env.client.iterate("news/list")) all.push(id);
    expect(all).toEqual([1, 2, 3, added.id, archived.id]);
    // 5 ids in pages of 2: three pages, then an empty one ends the walk.
    expect((env.sandbox.counts.get("news/list") ?? 0) - pagesBefore).toBe(4);
    const info = await env.client.news.info({ id: added.id });
    expect(info).toEqual({
      title: "Przerwa w działaniu API",
      message: "Dziś o 23:00 API będzie niedostępne przez 15 minut.",
      archived: false,
      added: hrdDateTime(env.sandbox.clock.now()).replace(" ", "T"),
    });
    expect((await env.client.news.info({ id: archived.id })).archived).toBe(true);
    expect(await env.client.news.list({ lastId: archived.id })).toEqual([]);
  });

  it("refuses an unknown news id, and validates ids before sending", async () => {
    const err = await failure(env.client.news.info({ id: 424242 }));
    expect(err).toBeInstanceOf(HrdApiError);
    expect((err as Error).message).toContain("Wiadomość nie istnieje");
    const before = env.sandbox.counts.get("news/info") ?? 0;
    const bad = await failure(env.client.news.info({ id: 0 }));
    expect((bad as HrdValidationError).issues.map((i) => i.path)).toEqual(["id"]);
    const badList = await failure(env.client.news.list({ lastId: 1.5 }));
    expect(badList).toBeInstanceOf(HrdValidationError);
    expect((badList as HrdValidationError).issues.map((i) => i.path)).toEqual(["lastId"]);
    expect(env.sandbox.counts.get("news/info") ?? 0).toBe(before);
  });
});
