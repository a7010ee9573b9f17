/**
 * The partner panel in a real browser: Debian's Chromium (headless) driven by playwright-core
 * against a bridge on a real port. A staff member logs in with the keyboard, opens every page,
 * records a payment for a proforma made beforehand through billing's functions and activates it.
 * Any console error fails the test (a Content-Security-Policy violation is one). Each page is
 * screenshotted to test-artifacts/panel/NN-<page>.png.
 *
 * Skipped only when /usr/bin/chromium is missing and CI is unset: in CI a missing browser fails.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { getProforma, listInvoices } from "@hrdkit/billing";
import type { Bridge, BridgeClient } from "@hrdkit/bridge";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBridge } from "./support/bridge.js";
import { chromiumRunnable, launchChromium } from "./support/chromium.js";
import { STAFF_PASSWORD, shopWithOrder, staffMember } from "./support/panel.js";

const SHOTS = fileURLToPath(new URL("../../../test-artifacts/panel/", import.meta.url));

describe.skipIf(!chromiumRunnable)("the partner panel in Chromium", () => {
  let bridge: Bridge;
  let client: BridgeClient;
  let browser: Browser;
  let page: Page;
  let base = "";
  const consoleErrors: string[] = [];
  let shot = 0;

  /** A full-page screenshot, numbered in the order the pages were opened. */
  const screenshot = async (name: string) => {
    const file = `${SHOTS}${String(++shot).padStart(2, "0")}-${name}.png`;
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ({ bridge, client } = await startTestBridge());
    // `localhost`: browsers keep Secure cookies from http://localhost (a trustworthy origin).
    base = bridge.url.replace("127.0.0.1", "localhost");
    browser = await launchChromium();
    const context = await browser.newContext({ locale: "pl-PL", viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await bridge?.close();
  });

  it("logs in, opens every page, records a payment and activates a proforma", async () => {
    const { proforma, domain, customerId } = await shopWithOrder(bridge, {
      customerName: "Kwiaciarnia Róża",
    });
    const staff = await staffMember(bridge.db, "Anna Nowak");

    await page.goto(`${base}/panel`);
    expect(new URL(page.url()).pathname).toBe("/panel/login");
    await screenshot("login");
    // The keyboard only: labels focus their fields, Enter submits.
    await page.getByLabel("E-mail").fill(staff.email);
    await page.getByLabel("Hasło").fill(STAFF_PASSWORD);
    await page.getByLabel("Hasło").press("Enter");
    await page.waitForURL(`${base}/panel`);
    expect(await page.textContent("h1")).toBe("Start");
    expect(await page.textContent("body")).toContain("Zalogowano jako Anna Nowak");
    await screenshot("start");

    const visit = async (link: string, name: string, heading: string) => {
      await page.getByRole("navigation").getByRole("link", { name: link, exact: true }).click();
      await page.waitForLoadState();
      expect(await page.textContent("h1")).toBe(heading);
      await screenshot(name);
    };
    await visit("Klienci", "customers", "Klienci");
    await page.getByRole("link", { name: "Kwiaciarnia Róża" }).click();
    expect(await page.textContent("h1")).toBe("Kwiaciarnia Róża");
    await screenshot("customer");

    await visit("Proformy", "proformas", "Proformy");
    await page.getByRole("link", { name: proforma.number }).first().click();
    expect(await page.textContent("h1")).toBe(`Proforma ${proforma.number}`);
    await screenshot("proforma");

    // The payment form comes filled with the amount due, today and the transfer title.
    await page.getByLabel("Data wpłaty").fill("2026-12-05");
    await page.getByRole("button", { name: "Zarejestruj wpłatę" }).click();
    await page.waitForLoadState();
    expect(await page.textContent("[role=status]")).toContain("Wpłata zapisana (proforma opłacona).");
    expect((await getProforma(bridge.db, proforma.id)).status).toBe("paid");
    await screenshot("proforma-paid");

    await page.getByRole("button", { name: /^Aktywuj/ }).click();
    await page.waitForLoadState();
    expect(await page.textContent("[role=status]")).toContain("Aktywacja zakończona");
    await screenshot("proforma-activated");
    const info = await client.call("GET", `/v1/domains/${domain}`);
    expect((info.body as { domain: string }).domain).toBe(domain);
    const invoices = await listInvoices(bridge.db, { customerId });
    expect(invoices).toHaveLength(1);

    await visit("Usługi", "services", "Usługi");
    await visit("Płatności", "payments", "Płatności");
    await visit("Faktury", "invoices", "Faktury");
    expect(await page.textContent("body")).toContain(invoices[0]!.number);
    await visit("Powiadomienia", "notifications", "Powiadomienia");
    await visit("Cennik", "prices", "Cennik");
    await visit("Dziennik", "logs", "Dziennik zmian");
    expect(await page.textContent("body")).toContain("panel.proforma.activate");

    // English, and a phone's width.
    await page.getByRole("link", { name: "English" }).click();
    expect(await page.textContent("h1")).toBe("Change log");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/panel`);
    await screenshot("start-phone-en");

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/panel\/login/);
    await screenshot("logged-out");

    expect(consoleErrors).toEqual([]);
  }, 120_000);
});
