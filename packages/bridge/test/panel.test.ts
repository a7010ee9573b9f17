/**
 * The partner panel as a browser uses it (app.inject with a cookie jar), on PGlite and with
 * DATABASE_URL on PostgreSQL: staff login, throttle and logout, CSRF, the login redirect, a
 * manual payment and an activation that register the domain at the sandbox and issue the VAT
 * invoice (the JSON flow's outcome), refused forms that name their fields and write nothing,
 * escaping of customer data, and the start page's to-do list following the state.
 */
import {
  createCustomer,
  getProforma,
  listInvoices,
  listNotices,
  listPayments,
  setNotifySettings,
  setSellerSettings,
} from "@hrdkit/billing";
import type { Bridge, BridgeClient } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pdfText } from "../../billing/test/support/pdf-text.js";
import { type Backend, bridgeBackends } from "./support/backends.js";
import { SELLER } from "./support/billing-documents.js";
import { PanelClient, STAFF_PASSWORD, shopWithOrder, staffMember } from "./support/panel.js";

describe.each(bridgeBackends("panel"))("the partner panel on $name", (backend: Backend) => {
  let bridge: Bridge;
  let client: BridgeClient;

  beforeAll(async () => {
    ({ bridge, client } = await backend.start());
  }, 60_000);
  afterAll(async () => {
    await bridge?.close();
    await backend.dispose();
  });

  it("sends a visitor without a session to the login page, and back after logging in", async () => {
    const browser = new PanelClient(bridge);
    const res = await browser.get("/panel/proformas?status=issued");
    expect(res.status).toBe(303);
    expect(res.location).toBe("/panel/login?next=%2Fpanel%2Fproformas%3Fstatus%3Dissued");
    const login = await browser.get(res.location!);
    expect(login.status).toBe(200);
    expect(login.body).toContain('<html lang="pl"');
    expect(login.body).toContain("Logowanie do panelu");
    expect(login.body).toMatch(/<label for="f-email">E-mail<\/label>/);

    const staff = await staffMember(bridge.db);
    const done = await browser.post("/panel/login", {
      email: staff.email,
      password: STAFF_PASSWORD,
      next: "/panel/proformas?status=issued",
    });
    expect(done.status).toBe(303);
    expect(done.location).toBe("/panel/proformas?status=issued");
    // Another site as `next` is not followed.
    const other = new PanelClient(bridge);
    await other.get("/panel/login");
    const away = await other.post("/panel/login", {
      email: staff.email,
      password: STAFF_PASSWORD,
      next: "//evil.example/x",
    });
    expect(away.location).toBe("/panel");
  });

  it("logs staff in with a session cookie fit for the panel, refuses a wrong password, and logs out", async () => {
    const staff = await staffMember(bridge.db, "Ewa Zielińska");
    const browser = new PanelClient(bridge);
    await browser.get("/panel/login");

    const wrong = await browser.post("/panel/login", { email: staff.email, password: "nie-to-haslo-123" });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain("Nieprawidłowy e-mail lub hasło.");
    expect(browser.cookies.has("hrdkit_panel")).toBe(false);

    const empty = await browser.post("/panel/login", { email: "", password: "" });
    expect(empty.status).toBe(422);
    expect(empty.body).toContain('id="f-email" name="email"');
    expect(empty.body.match(/To pole jest wymagane\./g)?.length).toBeGreaterThanOrEqual(2);

    const ok = await browser.post("/panel/login", { email: staff.email, password: STAFF_PASSWORD });
    expect(ok.status).toBe(303);
    const cookie = [ok.headers["set-cookie"] ?? []].flat().find((c) => c.startsWith("hrdkit_panel="));
    expect(cookie).toBeDefined();
    for (const attr of ["HttpOnly", "Secure", "SameSite=Lax", "Path=/panel"]) expect(cookie).toContain(attr);
    expect(cookie).not.toContain(STAFF_PASSWORD);

    const start = await browser.get("/panel");
    expect(start.status).toBe(200);
    expect(start.body).toContain("Zalogowano jako Ewa Zielińska");

    const session = browser.cookies.get("hrdkit_panel")!;
    const out = await browser.post("/panel/logout", {});
    expect(out.status).toBe(303);
    expect(out.location).toBe("/panel/login?msg=loggedout");
    expect(browser.cookies.has("hrdkit_panel")).toBe(false);
    expect((await browser.get(out.location!)).body).toContain("Wylogowano.");
    // The old cookie opens nothing any more.
    const replay = new PanelClient(bridge);
    replay.cookies.set("hrdkit_panel", session);
    expect((await replay.get("/panel")).status).toBe(303);
  });

  it("throttles repeated wrong logins and says when to try again", async () => {
    const staff = await staffMember(bridge.db);
    const browser = new PanelClient(bridge);
    await browser.get("/panel/login");
    let last = await browser.post("/panel/login", { email: staff.email, password: "zle-haslo-0000" });
    for (let i = 1; i < 30 && last.status === 401; i++) {
      last = await browser.post("/panel/login", { email: staff.email, password: `zle-haslo-${i}` });
    }
    expect(last.status).toBe(429);
    const retry = Number(last.headers["retry-after"]);
    expect(retry).toBeGreaterThan(0);
    expect(last.body).toMatch(/Spróbuj ponownie za \d+ (s|min)\./);
    // Even the right password waits now.
    const right = await browser.post("/panel/login", { email: staff.email, password: STAFF_PASSWORD });
    expect(right.status).toBe(429);
    expect(browser.cookies.has("hrdkit_panel")).toBe(false);
  });

  it("refuses a POST without the form's CSRF token, or with another session's, writing nothing", async () => {
    const { proforma } = await shopWithOrder(bridge);
    const staff = await staffMember(bridge.db);
    const a = new PanelClient(bridge);
    await a.logIn(staff.email);
    const b = new PanelClient(bridge);
    await b.logIn(staff.email);
    await a.get(`/panel/proformas/${proforma.id}`);
    await b.get(`/panel/proformas/${proforma.id}`);
    expect(a.csrf).not.toBe(b.csrf);

    const fields = { amount: "49,19", receivedAt: "2026-12-05", title: proforma.number, method: "transfer" };
    const none = await a.post(`/panel/proformas/${proforma.id}/payments`, fields, { csrf: null });
    expect(none.status).toBe(403);
    expect(none.body).toContain("Odmowa dostępu");
    const foreign = await a.post(`/panel/proformas/${proforma.id}/payments`, fields, { csrf: b.csrf });
    expect(foreign.status).toBe(403);
    expect(await listPayments(bridge.db, { proformaId: proforma.id })).toEqual([]);
  });

  it("records a payment and activates the proforma: the domain is registered at HRD and the invoice issued", async () => {
    const { proforma, domain, customerId } = await shopWithOrder(bridge);
    const staff = await staffMember(bridge.db);
    const browser = new PanelClient(bridge);
    await browser.logIn(staff.email);

    const list = await browser.get("/panel/proformas?status=issued");
    expect(list.body).toContain(proforma.number);
    const detail = await browser.get(`/panel/proformas/${proforma.id}`);
    expect(detail.status).toBe(200);
    const gross = new Intl.NumberFormat("pl-PL", { style: "currency", currency: "PLN" }).format(
      proforma.gross / 100,
    );
    expect(detail.body).toContain(gross);

    const amount = (proforma.gross / 100).toFixed(2).replace(".", ",");
    const paid = await browser.post(`/panel/proformas/${proforma.id}/payments`, {
      amount,
      receivedAt: "2026-12-05",
      title: `Zapłata ${proforma.number}`,
      method: "transfer",
    });
    expect(paid.status).toBe(303);
    const afterPay = await browser.get(paid.location!);
    expect(afterPay.body).toContain("Wpłata zapisana (proforma opłacona).");
    expect((await getProforma(bridge.db, proforma.id)).status).toBe("paid");

    const activated = await browser.post(`/panel/proformas/${proforma.id}/activate`, {});
    expect(activated.status).toBe(303);
    const page = await browser.get(activated.location!);
    expect(page.body).toContain("Aktywacja zakończona");
    expect(page.body).toContain(domain);

    // The same outcome as the JSON flow: the domain at HRD, one invoice with the domain on it.
    const info = await client.call("GET", `/v1/domains/${domain}`);
    expect((info.body as { domain: string }).domain).toBe(domain);
    const invoices = await listInvoices(bridge.db, { customerId });
    expect(invoices).toHaveLength(1);
    expect(invoices[0]!.gross).toBe(proforma.gross);
    const pdf = await bridge.app.inject({
      url: `/panel/invoices/${invoices[0]!.id}/pdf`,
      headers: { cookie: `hrdkit_panel=${browser.cookies.get("hrdkit_panel")}` },
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(await pdfText(pdf.rawPayload)).toContain(invoices[0]!.number);
    expect(page.body).toContain(invoices[0]!.number);

    // The log shows who did it.
    const log = await browser.get("/panel/logs?action=panel.");
    expect(log.body).toContain("panel.proforma.activate");
    expect(log.body).toContain("panel.payment.record");
    // Day filters: today (Warsaw) holds the entries, a day long past holds none; a bad day is named.
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Warsaw" }).format(bridge.ctx.now());
    const todays = await browser.get(`/panel/logs?action=panel.proforma&from=${today}&to=${today}`);
    expect(todays.body).toContain("panel.proforma.activate");
    const old = await browser.get("/panel/logs?action=panel.proforma&from=2020-01-01&to=2020-01-31");
    expect(old.body).not.toContain("panel.proforma.activate");
    const bad = await browser.get("/panel/logs?from=wczoraj");
    expect(bad.status).toBe(422);
    expect(bad.body).toMatch(/id="f-from"[^>]*aria-invalid="true"/);
  });

  it("refuses a bad payment form naming every bad field, and writes nothing", async () => {
    const { proforma } = await shopWithOrder(bridge);
    const staff = await staffMember(bridge.db);
    const browser = new PanelClient(bridge);
    await browser.logIn(staff.email);
    await browser.get(`/panel/proformas/${proforma.id}`);
    const bad = await browser.post(`/panel/proformas/${proforma.id}/payments`, {
      amount: "dużo",
      receivedAt: "5 grudnia",
      title: "x",
      method: "czek",
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain("Nic nie zapisano");
    expect(bad.body).toMatch(/id="pay-amount"[^>]*aria-invalid="true"/);
    expect(bad.body).toMatch(/id="pay-receivedAt"[^>]*aria-invalid="true"/);
    expect(bad.body).toMatch(/id="pay-method"[^>]*aria-invalid="true"/);
    expect(bad.body).toContain("Podaj kwotę, np. 49,19.");
    expect(bad.body).toContain("Podaj datę w formacie RRRR-MM-DD.");
    // What was typed is kept, escaped.
    expect(bad.body).toContain('value="dużo"');
    expect(await listPayments(bridge.db, { proformaId: proforma.id })).toEqual([]);

    const cancel = await browser.post(`/panel/proformas/${proforma.id}/cancel`, { reason: "  " });
    expect(cancel.status).toBe(422);
    expect(cancel.body).toMatch(/id="cancel-reason"[^>]*aria-invalid="true"/);
    expect((await getProforma(bridge.db, proforma.id)).status).toBe("issued");

    // Activating an unpaid proforma is refused with the reason, nothing provisioned.
    const early = await browser.post(`/panel/proformas/${proforma.id}/activate`, {});
    expect(early.status).toBe(409);
    expect(early.body).toContain("Nie wykonano:");
    expect(await listInvoices(bridge.db, { customerId: proforma.customerId })).toEqual([]);
  });

  it("uploads a bank statement whose transfer pays a proforma; a form without the file names it", async () => {
    const { proforma } = await shopWithOrder(bridge);
    const staff = await staffMember(bridge.db);
    const browser = new PanelClient(bridge);
    await browser.logIn(staff.email);
    await browser.get("/panel/payments");
    const amount = (proforma.gross / 100).toFixed(2).replace(".", ",");
    const day = new Date().toISOString().slice(2, 10).replaceAll("-", "");
    // An MT940 as PKO BP writes it (the title in ~20, wrapped fields joined by the importer).
    const sta = [
      `:20:ST${day}/1`,
      ":25:/PL61109010140000071219812874",
      ":28C:00001/1",
      `:60F:C${day}PLN1000,00`,
      `:61:${day}${day.slice(2)}C${amount}N240NONREF//${day}000001`,
      `:86:240~00PRZELEW PRZYCHODZACY~20Zaplata za ${proforma.number}~3010201026~310000123456789012~32ROZA KWIATKOWSKA`,
      `:62F:C${day}PLN${((100_000 + proforma.gross) / 100).toFixed(2).replace(".", ",")}`,
      "-",
    ].join("\r\n");
    const boundary = "----WebKitFormBoundaryPanel7MA4YWxk";
    const part = (name: string, value: string, file?: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file ? `; filename="${file}"\r\nContent-Type: application/octet-stream` : ""}\r\n\r\n${value}\r\n`;
    const form = (withFile: boolean) =>
      part("_csrf", browser.csrf) +
      (withFile ? part("file", sta, "wyciag.sta") : part("file", "", "")) +
      part("format", "mt940") +
      part("csv", "") +
      `--${boundary}--\r\n`;
    const type = `multipart/form-data; boundary=${boundary}`;

    const missing = await browser.request("POST", "/panel/payments/statement", form(false), type);
    expect(missing.status).toBe(422);
    expect(missing.body).toMatch(/id="up-file"[^>]*aria-invalid="true"/);
    expect(missing.body).toContain("Wybierz plik wyciągu.");
    expect(await listPayments(bridge.db, { proformaId: proforma.id })).toEqual([]);

    const res = await browser.request("POST", "/panel/payments/statement", form(true), type);
    expect(res.status).toBe(303);
    expect((await browser.get(res.location!)).body).toContain(
      "Wyciąg wczytany: dopasowano 1, bez dopasowania 0.",
    );
    expect((await getProforma(bridge.db, proforma.id)).status).toBe("paid");
    const again = await browser.request("POST", "/panel/payments/statement", form(true), type);
    expect((await browser.get(again.location!)).body).toContain("Ten wyciąg był już wczytany");
    expect(await listPayments(bridge.db, { proformaId: proforma.id })).toHaveLength(1);
  });

  it("escapes customer data on every page that shows it", async () => {
    const name = '<script>alert("x")</script> & "Spółka"';
    const { customerId, proforma } = await shopWithOrder(bridge, { customerName: name });
    const staff = await staffMember(bridge.db);
    const browser = new PanelClient(bridge);
    await browser.logIn(staff.email);
    for (const url of [
      `/panel/customers?q=${encodeURIComponent("Spółka")}`,
      `/panel/customers/${customerId}`,
      "/panel/proformas",
      `/panel/proformas/${proforma.id}`,
    ]) {
      const res = await browser.get(url);
      expect(res.status, url).toBe(200);
      expect(res.body, url).not.toContain("<script>");
      expect(res.body, url).toContain(
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Spółka&quot;",
      );
      expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
    }
    // A search term with markup comes back escaped in the field.
    const search = await browser.get(`/panel/customers?q=${encodeURIComponent('"><img src=x>')}`);
    expect(search.body).not.toContain("<img src=x>");
  });

  it("lists the outbox and resends a notice as a new one", async () => {
    await setNotifySettings(bridge.db, { panelUrl: "https://klient.zolw.example" }, "test");
    const { proforma } = await shopWithOrder(bridge);
    const staff = await staffMember(bridge.db);
    const browser = new PanelClient(bridge);
    await browser.logIn(staff.email);
    await browser.get(`/panel/proformas/${proforma.id}`);
    const amount = (proforma.gross / 100).toFixed(2);
    await browser.post(`/panel/proformas/${proforma.id}/payments`, {
      amount,
      receivedAt: "2026-12-05",
      title: proforma.number,
      method: "cash",
    });
    const before = await listNotices(bridge.db, { event: "payment.received" });
    expect(before.notices.length).toBeGreaterThan(0);
    const original = before.notices[0]!;
    const outbox = await browser.get("/panel/notifications");
    expect(outbox.body).toContain("payment.received");
    const resent = await browser.post(`/panel/notifications/${original.id}/resend`, {});
    expect(resent.status).toBe(303);
    const after = await listNotices(bridge.db, { event: "payment.received" });
    const copy = after.notices.find((n) => n.resentFrom === original.id);
    expect(copy).toBeDefined();
    expect(copy!.createdBy).toBe(`staff:${staff.id}`);
    expect((await browser.get(resent.location!)).body).toContain(`Utworzono kopię nr ${copy!.id}`);
  });

  it("answers unknown documents and unsupported bodies with pages, not JSON", async () => {
    const staff = await staffMember(bridge.db);
    const browser = new PanelClient(bridge);
    await browser.logIn(staff.email);
    for (const url of ["/panel/proformas/999999", "/panel/customers/999999", "/panel/proformas/abc"]) {
      const res = await browser.get(url);
      expect(res.status, url).toBe(404);
      expect(res.headers["content-type"]).toContain("text/html");
      expect(res.body).toContain("Nie znaleziono");
    }
    const text = await browser.request("POST", "/panel/login", "email=a", "text/plain");
    expect(text.status).toBe(415);
    expect(text.headers["content-type"]).toContain("text/html");
    // JSON is parsed (the API's parser), but carries no form token: refused as a forged form.
    const json = await browser.request("POST", "/panel/login", '{"email":"a"}', "application/json");
    expect(json.status).toBe(403);
    expect(json.headers["content-type"]).toContain("text/html");
  });

  it("shows English with ?lang=en and keeps it", async () => {
    const staff = await staffMember(bridge.db);
    const browser = new PanelClient(bridge);
    await browser.logIn(staff.email);
    const en = await browser.get("/panel/customers?lang=en");
    expect(en.body).toContain('<html lang="en"');
    expect(en.body).toContain("<h1>Customers</h1>");
    expect((await browser.get("/panel")).body).toContain("Balance at HRD");
  });
});

describe.each(bridgeBackends("panel_todo"))("the start page's to-do list on $name", (backend: Backend) => {
  let bridge: Bridge;
  beforeAll(async () => {
    ({ bridge } = await backend.start());
  }, 60_000);
  afterAll(async () => {
    await bridge?.close();
    await backend.dispose();
  });

  const todos = async (browser: PanelClient) =>
    [...(await browser.get("/panel")).body.matchAll(/data-todo="(\w+)"/g)].map((m) => m[1]);

  it("follows the state: sandbox, seller, logo, SMTP, wholesale prices, price group", async () => {
    const staff = await staffMember(bridge.db);
    const browser = new PanelClient(bridge);
    await browser.logIn(staff.email);
    const start = await browser.get("/panel");
    expect(start.status).toBe(200);
    // The sandbox's balance and the job list are on the page.
    expect(start.body).toContain("Saldo w HRD");
    expect(start.body).toMatch(/\d+,\d{2}\s?zł/);
    expect(await todos(browser)).toEqual(["hrd", "seller", "smtp", "prices", "priceGroup"]);
    expect(start.body).toContain("Uzupełnij dane sprzedawcy");

    await setSellerSettings(bridge.db, SELLER);
    expect(await todos(browser)).toEqual(["hrd", "logo", "smtp", "prices", "priceGroup"]);

    // The panel's own button imports HRD's price list.
    await browser.get("/panel/prices");
    const imported = await browser.post("/panel/prices/import", {});
    expect(imported.status).toBe(303);
    expect((await browser.get(imported.location!)).body).toMatch(/Zaimportowano: \d+ cen/);
    expect(await todos(browser)).toEqual(["hrd", "logo", "smtp", "priceGroup"]);

    // Statistics count what is there.
    await createCustomer(bridge.db, {
      name: "Jan Nowak",
      email: "jan@nowak.example",
      addresses: { correspondence: { street: "ul. Polna 1", postcode: "00-001", city: "Warszawa" } },
    });
    const stats = (await browser.get("/panel")).body;
    expect(stats).toMatch(/<dt>Klienci<\/dt><dd class="big">1<\/dd>/);
  });
});
