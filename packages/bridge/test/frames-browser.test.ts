/**
 * The customer frames in a real browser (Debian's Chromium driven by playwright-core): a visitor
 * signs up, searches, puts a .pl domain in the cart, applies a discount code and orders; the
 * proforma e-mail arrives at a real SMTP server; the partner records the payment and activates
 * the order over the signed JSON API; the domain exists at the sandbox; the customer downloads the
 * invoice PDF. Every page is screenshot to test-artifacts/frames/, and the storefront is also shown
 * embedded in an iframe on another origin (auto-height, frame-ancestors). Any console error or
 * page error fails the test. Skipped only when /usr/bin/chromium is missing outside CI.
 */
import { randomBytes } from "node:crypto";

import { mkdir, readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import {
  createDiscountCode,
  createPromotion,
  getDefaultPriceGroup,
  setPrice,
  setSellerSettings,
} from "@hrdkit/billing";
import type { Bridge } from "@hrdkit/bridge";
import { runJobOnce } from "@hrdkit/bridge";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pdfText } from "../../billing/test/support/pdf-text.js";
import { serverDatabases } from "./support/backends.js";
import { type Mailbox, preparePricing, SELLER, startMailbox } from "./support/billing-documents.js";
import { startTestBridge } from "./support/bridge.js";
import { chromiumRunnable, launchChromium } from "./support/chromium.js";

/** Clicks a submit button and waits for the page the form leads to. */
async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole("button", { name: button, exact: true }).click(),
  ]);
}

/** The page's main content as the visitor reads it (non-breaking spaces as spaces). */
const main = async (page: Page) => (await page.locator("main").innerText()).replace(/\u00a0/g, " ");

/** "1 234,56 zł" → 1234.56 */
const polishToDecimal = (text: string) => Number(text.replace(/[^\d,]/g, "").replace(",", "."));
const ARTIFACTS = resolve(import.meta.dirname, "../../../test-artifacts/frames");

/** A page on another origin that embeds the frames the way docs/storefront/frames.*.md says. */
async function startHost(): Promise<{ server: Server; origin: string; setBridge(url: string): void }> {
  let bridgeUrl = "";
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(
      `<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>Żółw Hosting</title></head>` +
        `<body style="margin:0;font-family:sans-serif"><p style="padding:1rem;background:#eee">Strona partnera</p>` +
        `<iframe id="hrdkit" src="${bridgeUrl}/frames/pl/domains?q=kwiaciarnia" title="Sklep" ` +
        `style="width:100%;height:150px;border:0"></iframe>` +
        `<script src="${bridgeUrl}/frames/embed.js" async></script><p>Stopka partnera</p></body></html>`,
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    origin: `http://localhost:${port}`,
    setBridge(url) {
      bridgeUrl = url;
    },
  };
}

describe.skipIf(!chromiumRunnable).each(serverDatabases("frames_browser"))(
  "the frames in Chromium on $name",
  (backend) => {
    let bridge: Bridge;
    let call: Awaited<ReturnType<typeof startTestBridge>>["client"];
    let browser: Browser;
    let mailbox: Mailbox;
    let host: Awaited<ReturnType<typeof startHost>>;
    let base = "";
    const problems: string[] = [];
    let shot = 0;

    beforeAll(async () => {
      await backend.create();
      await mkdir(ARTIFACTS, { recursive: true });
      mailbox = await startMailbox("sklep", "haslo-smtp");
      host = await startHost();
      const started = await startTestBridge({
        config: {
          databaseUrl: backend.databaseUrl,
          mail: {
            smtp: {
              host: "127.0.0.1",
              port: mailbox.port,
              secure: false,
              ignoreTLS: true,
              auth: { user: "sklep", pass: "haslo-smtp" },
            },
          },
          frames: {
            ancestors: [host.origin],
            paymentUrl: "https://platnosci.example/?p={proforma}&a={amount}",
          },
        },
      });
      bridge = started.bridge;
      call = started.client;
      // localhost, not 127.0.0.1: Chromium keeps Secure cookies from http://localhost (a secure context).
      base = bridge.url.replace("127.0.0.1", "localhost");
      host.setBridge(base);
      browser = await launchChromium();
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await bridge?.close();
      await mailbox?.close();
      await new Promise<void>((r) => (host ? host.server.close(() => r()) : r()));
      await backend.dispose();
    });

    function watch(page: Page): void {
      page.on("console", (m) => {
        // A refused form is answered 422 by design (the page with its field errors), and Chromium logs
        // every 4xx document as a console error; that one is expected, nothing else is.
        if (m.type() === "error" && !/status of 422 \(Unprocessable Entity\)/.test(m.text())) {
          problems.push(`console: ${m.text()}`);
        }
      });
      page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    }

    async function snap(page: Page, name: string): Promise<void> {
      shot += 1;
      const file = `${String(shot).padStart(2, "0")}-${name}${backend.name === "PGlite" ? "" : "-pg"}.png`;
      await page.screenshot({ path: join(ARTIFACTS, file), fullPage: true });
    }

    it("sign-up, search, cart with a code, order, e-mail, payment and activation, invoice PDF", async () => {
      // The partner: seller with bank account, catalog and retail prices, a code-only promotion.
      await setSellerSettings(bridge.db, { ...SELLER, accentColor: "#0b6e4f" });
      await preparePricing(bridge.db);
      const group = await getDefaultPriceGroup(bridge.db);
      await setPrice(bridge.db, {
        groupId: group!.id,
        serviceCode: "domain.com.pl.register",
        period: 1,
        net: "29.00",
      });
      const promo = await createPromotion(bridge.db, {
        name: "Zima 20%",
        startsAt: new Date(Date.now() - 86_400_000),
        endsAt: new Date(Date.now() + 30 * 86_400_000),
        conditions: { operations: ["register"], tlds: ["pl"] },
        effect: { type: "percent", basisPoints: 2000 },
        requiresCode: true,
      });
      await createDiscountCode(bridge.db, { code: "ZIMA20", promotionId: promo.id });
      await call.call("PATCH" as "PUT", "/v1/notifications/settings", {
        panelUrl: `${base}/frames/pl/account`,
      });

      const context = await browser.newContext({ acceptDownloads: true, locale: "pl-PL" });
      const page = await context.newPage();
      watch(page);
      const email = `roza-${randomBytes(3).toString("hex")}@kwiaciarnia.example`;
      const domain = `kwiaciarnia-${randomBytes(3).toString("hex")}`;

      // Sign-up with a mistake first: the field says what is wrong, the values stay.
      await page.goto(`${base}/frames/pl/sign-up?next=/frames/pl/domains`);
      await page.getByLabel("Imię i nazwisko lub nazwa firmy").fill("Róża Kwiatkowska");
      // HRD registers a .pl domain to a person with a PESEL.
      await page.getByLabel("PESEL (opcjonalnie)").fill("44051401359");
      await page.getByLabel("Ulica i numer").fill("ul. Kwiatowa 5");
      await page.getByLabel("Kod pocztowy").fill("30-001");
      await page.getByLabel("Miejscowość").fill("Kraków");
      await page.getByLabel("Telefon komórkowy").fill("+48 601 234 567");
      await page.getByLabel("E-mail").fill(email);
      await page.getByLabel("Hasło", { exact: true }).fill("różane-hasło-2026");
      await page.getByLabel("Powtórz hasło").fill("inne-hasło-2026");
      await submit(page, "Załóż konto");
      expect(await page.locator("#f-password2-error").innerText()).toBe("Hasła nie są takie same.");
      expect(await page.locator("#f-terms-error").innerText()).toContain("regulamin");
      expect(await page.getByLabel("Miejscowość").inputValue()).toBe("Kraków");
      await snap(page, "sign-up-errors");
      await page.getByLabel("Hasło", { exact: true }).fill("różane-hasło-2026");
      await page.getByLabel("Powtórz hasło").fill("różane-hasło-2026");
      await page.getByLabel("Akceptuję regulamin świadczenia usług").check();
      await page.getByLabel(/newsletter/).check();
      await submit(page, "Załóż konto");
      expect(page.url()).toMatch(/\/frames\/pl\/domains/);

      // Search: availability and the customer's prices, Polish style.
      await page.getByLabel("Nazwa domeny").fill(domain);
      await submit(page, "Szukaj");
      const row = page.locator("tr", { hasText: `${domain}.pl` }).first();
      expect(await row.innerText()).toContain("wolna");
      expect((await row.innerText()).replace(/\s/g, " ")).toContain("49,19 zł");
      await snap(page, "domains");
      await submit(page, `Dodaj do koszyka: ${domain}.pl`);
      expect(page.url()).toMatch(/\/frames\/pl\/cart$/);
      expect(await main(page)).toContain(`${domain}.pl`);
      await snap(page, "cart");

      // The code: the promotion shown with its amount, totals net / VAT / gross.
      await page.getByLabel("Kod rabatowy").fill("zima20");
      await submit(page, "Zastosuj kod");
      const cartText = await main(page);
      expect(cartText).toContain("Kod ZIMA20 został zastosowany.");
      expect(cartText).toContain("Zima 20%");
      expect(cartText).toContain("Razem netto");
      // What the customer is asked to pay, as the page shows it (Polish style: "39,35 zł").
      const total = /Do zapłaty brutto\s+([\d\s]+,\d\d zł)/.exec(cartText)?.[1];
      expect(total, "the cart's gross total").toBeDefined();
      expect(polishToDecimal(total!)).toBeLessThan(49.19);
      await snap(page, "cart-code");

      await submit(page, "Zamawiam i płacę");
      expect(page.url()).toMatch(/\/frames\/pl\/proformas\/\d+$/);
      const proformaId = Number(/proformas\/(\d+)$/.exec(page.url())![1]);
      const orderText = await main(page);
      expect(orderText).toContain("Dziękujemy!");
      expect(orderText).toContain("61 1090 1014 0000 0712 1981 2874");
      expect(orderText).toContain(total!);
      const payHref = await page.getByRole("link", { name: "Zapłać online" }).getAttribute("href");
      expect(payHref).toContain(`a=${polishToDecimal(total!).toFixed(2)}`);
      await snap(page, "order");

      // The proforma e-mail, with its PDF, sent by the notifications job to the real SMTP server.
      for (let i = 0; i < 50 && !mailbox.arrived.some((m) => m.to.includes(email)); i++) {
        await runJobOnce(bridge.ctx, "notifications", new Date(), { log: () => undefined });
        await new Promise((r) => setTimeout(r, 100));
      }
      const mail = mailbox.arrived.find((m) => m.to.includes(email));
      expect(mail, "the proforma e-mail").toBeDefined();
      const attached = mail!.mail.attachments.find((a) => a.contentType.includes("pdf"));
      expect(attached).toBeDefined();
      expect((await pdfText(attached!.content)).replace(/\s/g, " ")).toContain(total!.replace(/\s/g, " "));

      // The partner, over the signed API: registrant account, the payment, activation.
      const proforma = await call.call<{ number: string; customerId: number; gross: string }>(
        "GET",
        `/v1/billing/proformas/${proformaId}`,
      );
      expect(Number(proforma.body.gross)).toBe(polishToDecimal(total!));
      await call.call(
        "POST",
        `/v1/billing/customers/${proforma.body.customerId}/hrd-account`,
        {},
        { idempotencyKey: `frames-hrd-${proformaId}` },
      );
      await call.call(
        "POST",
        "/v1/billing/payments/online",
        {
          gateway: "przelewy24",
          transactionId: `P24-${randomBytes(4).toString("hex")}`,
          proformaId,
          amount: proforma.body.gross,
          paidAt: new Date().toISOString(),
        },
        { idempotencyKey: `frames-pay-${proformaId}` },
      );
      const activated = await call.call<{ complete: boolean }>(
        "POST",
        `/v1/billing/proformas/${proformaId}/activate`,
        {},
        { idempotencyKey: `frames-act-${proformaId}` },
      );
      expect(activated.body.complete).toBe(true);
      const atHrd = await call.call<{ domain: string }>("GET", `/v1/domains/${domain}.pl`);
      expect(atHrd.body.domain).toBe(`${domain}.pl`);

      // The customer's panel: the service, the documents, the invoice PDF downloaded in the browser.
      await page.goto(`${base}/frames/pl/account`);
      await snap(page, "account");
      await page.goto(`${base}/frames/pl/services`);
      expect(await main(page)).toContain(`${domain}.pl`);
      await snap(page, "services");
      await page.goto(`${base}/frames/pl/proformas`);
      expect(await main(page)).toContain(proforma.body.number);
      expect(await main(page)).toContain("zapłacona");
      await snap(page, "proformas");
      await page.goto(`${base}/frames/pl/invoices`);
      await snap(page, "invoices");
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page
          .getByRole("link", { name: /Pobierz .* \(PDF\)/ })
          .first()
          .click(),
      ]);
      const pdf = await readFile((await download.path())!);
      const text = await pdfText(pdf);
      expect(text).toContain(`${domain}.pl`);
      expect(text).toContain(total!.replace(/\s/g, " ").replace(" zł", ""));
      await page.goto(`${base}/frames/en/profile`);
      await snap(page, "profile-en");
      await page.goto(`${base}/frames/pl/password`);
      await snap(page, "password");

      // Logged out, the login page; the reset request answers the same for anyone.
      await submit(page, "Wyloguj");
      expect(page.url()).toMatch(/\/frames\/pl\/login$/);
      await snap(page, "login");
      await page.goto(`${base}/frames/pl/password-reset`);
      await page.getByLabel("E-mail").fill(email);
      await submit(page, "Wyślij link");
      expect(await main(page)).toContain("Jeśli konto z tym adresem istnieje");
      await snap(page, "password-reset");

      // Embedded on the partner's own page (another origin): the iframe grows to the frame's height.
      const hostPage = await context.newPage();
      watch(hostPage);
      await hostPage.goto(host.origin);
      const frame = hostPage.frameLocator("#hrdkit");
      expect(await frame.locator("h1").innerText()).toBe("Wyszukaj domenę");
      await expect
        .poll(async () => (await hostPage.locator("#hrdkit").boundingBox())?.height ?? 0, { timeout: 10_000 })
        .toBeGreaterThan(300);
      // The frame's own height and the iframe's agree: the page posted it and embed.js applied it.
      const inner = await frame.locator("html").evaluate((el) => el.scrollHeight);
      expect(Math.abs(((await hostPage.locator("#hrdkit").boundingBox())?.height ?? 0) - inner)).toBeLessThan(
        2,
      );
      await snap(hostPage, "iframe-embed");

      expect(problems).toEqual([]);
      await context.close();
    }, 180_000);
  },
);
