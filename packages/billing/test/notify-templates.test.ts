import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../src/db/db.js";
import { migrate } from "../src/db/migrate.js";
import { MIGRATIONS } from "../src/db/migrations.js";
import { NOTIFY_TEMPLATE_MIGRATIONS } from "../src/db/migrations-notify-templates.js";
import type { SellerSettings } from "../src/documents/types.js";
import {
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  type FieldIssue,
} from "../src/errors.js";
import { formatMoney, money } from "../src/money/money.js";
import {
  getTemplate,
  layoutEmail,
  listTemplates,
  NOTICE_CATALOGUE,
  NOTICE_EVENTS,
  NOTICE_LANGUAGES,
  type NoticeBranding,
  type NoticeEvent,
  previewTemplate,
  renderNotice,
  resetTemplate,
  sampleVariables,
  saveTemplate,
  smsLength,
  toGsm7,
} from "../src/notify/index.js";
import { drivers } from "./support/db.js";

const ASSETS = fileURLToPath(new URL("../assets/", import.meta.url));
const PNG_LOGO = join(ASSETS, "test-logo.png"); // 120 × 40
const JPEG_BANNER = join(ASSETS, "test-logo.jpg"); // 8 × 8

const seller: SellerSettings = {
  name: "Żółw Hosting Sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Świętokrzyska 12", postcode: "00-916", city: "Warszawa", country: "PL" },
  bankAccount: "61109010140000071219812874",
  email: "biuro@zolwhosting.pl",
  phone: "+48 22 100 20 30",
  accentColor: "#1A7F37",
};
const branding: NoticeBranding = { seller, panelUrl: "https://panel.zolwhosting.pl" };

/** What the notifier passes: the event's values; the seller's name, contact and panel come from the branding. */
function callerVariables(event: NoticeEvent, requiredOnly = false): Record<string, unknown> {
  const samples = sampleVariables(event);
  const out: Record<string, unknown> = {};
  for (const v of NOTICE_CATALOGUE[event].variables) {
    if (v.fromBranding || (requiredOnly && !v.required)) continue;
    out[v.name] = samples[v.name];
  }
  return out;
}

async function refusal(p: Promise<unknown>): Promise<FieldIssue[]> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BillingValidationError);
  return (err as BillingValidationError).issues;
}

const issueAt = (issues: FieldIssue[], path: string) => issues.find((i) => i.path === path)?.message ?? "";

const proformaEmail = {
  event: "proforma.issued",
  channel: "email",
  language: "pl",
  subject: "Proforma {{proformaNumber}}",
  html: "<p>Dzień dobry {{customerName}}</p>",
  text: "Dzień dobry {{customerName}}",
} as const;

describe.each(drivers())("notice templates on $name", (driver) => {
  let db: Db;

  beforeAll(async () => {
    db = await driver.open();
    const known = new Set(MIGRATIONS.map((m) => m.id));
    await migrate(db, [...MIGRATIONS, ...NOTIFY_TEMPLATE_MIGRATIONS.filter((m) => !known.has(m.id))]);
  });
  afterAll(async () => {
    await driver.dispose(db);
  });

  it("renders the built-in template of every event, channel and language with the sample values", async () => {
    let rendered = 0;
    for (const event of NOTICE_EVENTS) {
      for (const channel of NOTICE_CATALOGUE[event].channels) {
        for (const language of NOTICE_LANGUAGES) {
          // With every sample value, and with only the required ones (optional parts must drop out cleanly).
          for (const requiredOnly of [false, true]) {
            const what = `${event} ${channel} ${language}${requiredOnly ? " (required only)" : ""}`;
            const notice = await renderNotice(db, {
              event,
              channel,
              language,
              variables: callerVariables(event, requiredOnly),
              branding,
            });
            for (const part of [notice.subject, notice.html, notice.text]) {
              expect(part ?? "", what).not.toMatch(/\{\{|\}\}|undefined|null|\[object Object\]|NaN/);
            }
            expect(notice.text.trim().length, what).toBeGreaterThan(20);
            if (channel === "email") {
              expect(notice.subject, what).toMatch(/^\S.{5,}\S$/);
              expect(notice.subject, what).not.toContain("\n");
              expect(notice.html, what).toMatch(/<p[ >]/);
              expect(notice.text, what).not.toMatch(/<\/?[a-z]+[ >]/);
            } else {
              expect(notice.subject, what).toBeUndefined();
              expect(notice.html, what).toBeUndefined();
            }
            if (channel === "phone") expect(notice.text, what).not.toMatch(/https?:/);
            rendered++;
          }
        }
      }
    }
    const channels = NOTICE_EVENTS.reduce((n, e) => n + NOTICE_CATALOGUE[e].channels.length, 0);
    expect(rendered).toBe(channels * 2 * 2);
    const all = await listTemplates(db);
    expect(all).toHaveLength(channels * 2);
    expect(all.every((t) => t.source === "default")).toBe(true);
  });

  it("puts the event's values where they belong in the built-in Polish and English texts", async () => {
    const variables = callerVariables("payment.received");
    const pl = await renderNotice(db, {
      event: "payment.received",
      channel: "email",
      language: "pl",
      variables,
      branding,
    });
    const en = await renderNotice(db, {
      event: "payment.received",
      channel: "email",
      language: "en",
      variables,
      branding,
    });
    expect(pl.subject).toBe("Otrzymaliśmy wpłatę 49,19 zł – proforma PRO/2026/03/41");
    expect(en.subject).toBe("We have received your payment of 49,19 zł");
    expect(pl.text).toMatch(
      /^Dzień dobry,\n\ndziękujemy – 18\.03\.2026 zaksięgowaliśmy wpłatę 49,19 zł za proformę nr PRO\/2026\/03\/41\./,
    );
    expect(pl.text).toMatch(/Z pozdrowieniami\nŻółw Hosting Sp\. z o\.o\.$/);
    expect(en.text).toMatch(
      /^Hello,\n\nthank you: on 18\.03\.2026 we booked your payment of 49,19 zł for proforma invoice/,
    );
    expect(en.text).toMatch(/Kind regards,\nŻółw Hosting Sp\. z o\.o\.$/);
    // The button takes the seller's accent colour and the panel address from the branding.
    expect(pl.html).toContain('bgcolor="#1A7F37"');
    expect(pl.html).toContain('href="https://panel.zolwhosting.pl"');

    const years = async (periodYears: number, language: "pl" | "en") =>
      (
        await renderNotice(db, {
          event: "service.activated",
          channel: "email",
          language,
          variables: { ...callerVariables("service.activated"), periodYears },
          branding,
        })
      ).text;
    expect(await years(1, "pl")).toContain("Okres: 1 rok,");
    expect(await years(2, "pl")).toContain("Okres: 2 lata,");
    expect(await years(5, "pl")).toContain("Okres: 5 lat,");
    expect(await years(22, "pl")).toContain("Okres: 22 lata,");
    expect(await years(1, "en")).toContain("for 1 year,");
    expect(await years(3, "en")).toContain("for 3 years,");

    const reminder = await renderNotice(db, {
      event: "renewal.reminder",
      channel: "sms",
      language: "pl",
      variables: { ...callerVariables("renewal.reminder"), daysLeft: 1 },
      branding,
    });
    expect(reminder.text).toBe(
      "Domena wisniewska-ceramika.pl wygasa 15.04.2026 (jutro). Odnow: https://panel.zolwhosting.pl/uslugi/1042/odnow",
    );
  });

  it("keeps the built-in SMS wording free of Polish letters, so with values transliterated each fits one GSM-7 part", async () => {
    for (const event of NOTICE_EVENTS) {
      if (!NOTICE_CATALOGUE[event].channels.includes("sms")) continue;
      for (const language of NOTICE_LANGUAGES) {
        const template = await getTemplate(db, event, "sms", language);
        const wording = template.text.replace(/\{\{[^}]*\}\}/g, "");
        expect(smsLength(wording).encoding, `${event} ${language}: ${wording}`).toBe("gsm-7");
        const preview = await previewTemplate(db, { event, channel: "sms", language });
        const sent = smsLength(toGsm7(preview.text));
        expect(sent, `${event} ${language}: ${preview.text}`).toMatchObject({ encoding: "gsm-7", parts: 1 });
      }
    }
    // As rendered, an amount's "zł" alone makes UCS-2: the preview says so.
    const raw = await previewTemplate(db, { event: "proforma.issued", channel: "sms", language: "pl" });
    expect(raw.sms).toMatchObject({ encoding: "ucs-2" });
  });

  it("escapes values in the e-mail HTML and leaves them as they are in text and SMS", async () => {
    const customerName = "<script>alert('x')</script> Łódź & Co";
    const variables = {
      ...callerVariables("proforma.issued"),
      customerName,
      items: [{ name: 'Domena <b>łąka.pl</b> "promocja"', amountGross: "49,19 zł" }],
    };
    const email = await renderNotice(db, {
      event: "proforma.issued",
      channel: "email",
      language: "pl",
      variables,
      branding,
    });
    expect(email.html).not.toContain("<script>");
    expect(email.html).not.toContain("<b>łąka.pl</b>");
    expect(email.html).toContain("Nabywca: &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Łódź &amp; Co");
    expect(email.html).toContain("Domena &lt;b&gt;łąka.pl&lt;/b&gt; &quot;promocja&quot;");
    expect(email.text).toContain(`Nabywca: ${customerName}`);
    expect(email.text).toContain('- Domena <b>łąka.pl</b> "promocja": 49,19 zł');

    await saveTemplate(
      db,
      {
        event: "payment.received",
        channel: "sms",
        language: "pl",
        text: "{{customerName}}: wplata {{amount}} OK",
      },
      "test",
    );
    const sms = await renderNotice(db, {
      event: "payment.received",
      channel: "sms",
      language: "pl",
      variables: { ...callerVariables("payment.received"), customerName: "Łódź & Co" },
      branding,
    });
    expect(sms.text).toBe("Łódź & Co: wplata 49,19 zł OK");
    await resetTemplate(db, "payment.received", "sms", "pl");
  });

  it("refuses at save a template naming an unknown variable, naming the field and the names, and stores nothing", async () => {
    const issues = await refusal(
      saveTemplate(
        db,
        {
          ...proformaEmail,
          html: "<p>{{customerNam}}</p>\n{{#each items}}<p>{{nam}} {{amountGross}}</p>{{/each}}\n{{items.length}} {{@root.sellerNme}}",
        },
        "anna@zolwhosting.pl",
      ),
    );
    expect(issues.map((i) => i.path)).toEqual(["html"]);
    const html = issueAt(issues, "html");
    expect(html).toContain("unknown variables");
    expect(html).toContain("customerNam (line 1)");
    expect(html).toContain("nam (line 2)");
    expect(html).toContain("items.length (line 3)");
    expect(html).toContain("@root.sellerNme (line 3)");
    expect(html).not.toMatch(/amountGross/);
    expect((await getTemplate(db, "proforma.issued", "email", "pl")).source).toBe("default");

    // An outer variable inside #each needs ../ (strict mode does not look outside the item).
    const inside = await refusal(
      saveTemplate(
        db,
        { ...proformaEmail, text: "{{#each items}}{{name}} dla {{customerName}}\n{{/each}}" },
        "x",
      ),
    );
    expect(issueAt(inside, "text")).toContain("name it ../customerName or @root.customerName");
    const ok = await saveTemplate(
      db,
      {
        ...proformaEmail,
        text: "{{#each items as |item i|}}{{i}}. {{item.name}} ({{../customerName}}, {{@index}})\n{{/each}}",
      },
      "x",
    );
    expect(ok.source).toBe("custom");
    await resetTemplate(db, "proforma.issued", "email", "pl");
  });

  it("refuses at save a syntax error, with its line, in every field at once", async () => {
    const issues = await refusal(
      saveTemplate(
        db,
        {
          ...proformaEmail,
          subject: "Proforma {{proformaNumber",
          text: "Dzień dobry,\n\n{{#if paymentUrl}}\nZapłać: {{paymentUrl}}\n{{/each}}",
        },
        "x",
      ),
    );
    expect(issues.map((i) => i.path).sort()).toEqual(["subject", "text"]);
    expect(issueAt(issues, "subject")).toMatch(/^syntax error on line 1 near "Proforma \{\{proformaNumber"/);
    expect(issueAt(issues, "text")).toBe("syntax error on line 3: {{#if}} is closed by {{/each}}");
  });

  it("refuses helpers that are not allowed, partials, raw HTML, and HTML helpers outside the HTML", async () => {
    const issues = await refusal(
      saveTemplate(
        db,
        {
          ...proformaEmail,
          html: '<p>{{shout customerName}} {{lookup items 0}}</p>\n{{> footer}}\n{{{customerName}}} {{#customerName}}x{{/customerName}} {{upper customerName "x"}}',
          text: '{{button panelUrl "Zapłać"}} {{upper (trim customerName)}}',
        },
        "x",
      ),
    );
    const html = issueAt(issues, "html");
    expect(html).toContain("unknown helpers: shout (line 1), lookup (line 1), #customerName (line 3)");
    expect(html).toContain("partials ({{> …}}) are not available (line 2)");
    expect(html).toContain("{{{customerName}}} would insert customerName as raw HTML");
    expect(html).toContain("upper takes 1 argument, got 2 (line 3)");
    const text = issueAt(issues, "text");
    expect(text).toContain("button is available only in html (line 1)");
    expect(text).toContain("unknown helper: trim (line 1)");
  });

  it("refuses a channel the event is not sent on, and fields a channel does not have", async () => {
    const phone = await refusal(
      saveTemplate(
        db,
        { event: "invoice.issued", channel: "phone", language: "pl", text: "Faktura {{invoiceNumber}}" },
        "x",
      ),
    );
    expect(issueAt(phone, "channel")).toBe("invoice.issued is not sent by phone (its channels: email)");
    const sms = await refusal(
      saveTemplate(
        db,
        {
          event: "payment.received",
          channel: "sms",
          language: "en",
          subject: "Paid",
          text: "Paid {{amount}}",
        },
        "x",
      ),
    );
    expect(issueAt(sms, "subject")).toBe("a sms template has only text");
    const email = await refusal(
      saveTemplate(
        db,
        { event: "payment.received", channel: "email", language: "en", text: "Paid {{amount}}" },
        "",
      ),
    );
    expect(email.map((i) => i.path).sort()).toEqual(["actor", "html", "subject"]);
  });

  it("renders a partner's edited template, lists it as custom, and goes back to the default on reset", async () => {
    const edited = await saveTemplate(
      db,
      {
        event: "payment.received",
        channel: "sms",
        language: "pl",
        text: "{{upper sellerName}}: wplata {{amount}} dotarla{{#if proformaNumber}} ({{proformaNumber}}){{/if}}. Dziekujemy!",
      },
      "anna@zolwhosting.pl",
    );
    expect(edited).toMatchObject({ source: "custom", updatedBy: "anna@zolwhosting.pl" });
    expect(edited.updatedAt).toBeInstanceOf(Date);

    const variables = { ...callerVariables("payment.received"), amount: formatMoney(money(4919)) };
    const notice = await renderNotice(db, {
      event: "payment.received",
      channel: "sms",
      language: "pl",
      variables,
      branding,
    });
    // formatMoney's non-breaking space is plain in an SMS.
    expect(notice.text).toBe(
      "ŻÓŁW HOSTING SP. Z O.O.: wplata 49,19 zł dotarla (PRO/2026/03/41). Dziekujemy!",
    );
    const english = await renderNotice(db, {
      event: "payment.received",
      channel: "sms",
      language: "en",
      variables,
      branding,
    });
    expect(english.text).toMatch(/^Thank you! We have received your payment of 49,19 zł/);

    const custom = await listTemplates(db, { source: "custom" });
    expect(custom.map((t) => `${t.event} ${t.channel} ${t.language}`)).toEqual(["payment.received sms pl"]);

    const back = await resetTemplate(db, "payment.received", "sms", "pl");
    expect(back.source).toBe("default");
    expect(await listTemplates(db, { source: "custom" })).toEqual([]);
    const again = await renderNotice(db, {
      event: "payment.received",
      channel: "sms",
      language: "pl",
      variables,
      branding,
    });
    expect(again.text).toBe("Dziekujemy! Zaksiegowalismy wplate 49,19 zł za proforme PRO/2026/03/41.");
  });

  it("previews an unsaved template with the sample values without storing it, and refuses it as a save would", async () => {
    const draft = {
      event: "renewal.reminder",
      channel: "email",
      language: "pl",
      subject: "{{serviceName}} – {{daysLeft}} dni",
      html: '<p>{{customerName}}, odnów {{serviceName}} do {{expiresOn}}.</p>{{button renewUrl "Odnów"}}',
      text: "{{customerName}}, odnów {{serviceName}} do {{expiresOn}}: {{renewUrl}}",
    } as const;
    const preview = await previewTemplate(db, { template: draft });
    expect(preview).toMatchObject({
      source: "unsaved",
      subject: "wisniewska-ceramika.pl – 14 dni",
      text: "Anna Wiśniewska, odnów wisniewska-ceramika.pl do 15.04.2026: https://panel.zolwhosting.pl/uslugi/1042/odnow",
    });
    expect(preview.html).toContain("<p>Anna Wiśniewska, odnów wisniewska-ceramika.pl do 15.04.2026.</p>");
    expect((await getTemplate(db, "renewal.reminder", "email", "pl")).source).toBe("default");

    const branded = await previewTemplate(
      db,
      { template: { ...draft, text: "{{sellerName}} {{sellerPhone}}" } },
      {
        branding: { seller: { ...seller, name: "Ceramika Hosting", phone: undefined } },
      },
    );
    expect(branded.text).toBe("Ceramika Hosting +48 22 100 20 30");
    expect(branded.html).toContain('bgcolor="#1A7F37"');

    // Everything the check lets through also renders: block params, data variables, ../, @root, #with, sub-expressions.
    const everything = await previewTemplate(db, {
      template: {
        event: "proforma.issued",
        channel: "sms",
        language: "pl",
        text:
          "{{#each items as |item i|}}{{#if @first}}Pozycje: {{/if}}{{i}}. {{item.name}} ({{../customerName}}, {{@root.sellerName}}, {{@index}}){{/each}}" +
          "{{#with proformaNumber}} nr {{this}}{{/with}} {{lower (default paymentUrl panelUrl)}}{{#unless paymentUrl}} brak{{/unless}}",
      },
    });
    expect(everything.text).toBe(
      "Pozycje: 0. Rejestracja domeny wisniewska-ceramika.pl na 1 rok (Anna Wiśniewska, Żółw Hosting Sp. z o.o., 0) nr PRO/2026/03/41 https://panel.zolwhosting.pl/platnosci/pro-2026-03-41",
    );

    const issues = await refusal(previewTemplate(db, { template: { ...draft, text: "{{daysLft}}" } }));
    expect(issueAt(issues, "text")).toContain("unknown variable: daysLft (line 1)");
  });

  it("refuses to render when required variables are missing or values are wrong, naming each", async () => {
    const issues = await refusal(
      renderNotice(db, {
        event: "renewal.reminder",
        channel: "email",
        language: "pl",
        variables: {
          customerName: "Anna Wiśniewska",
          daysLeft: "14",
          serviceKind: "vps",
          customerNme: "x",
          renewUrl: "javascript:alert(1)",
        },
        branding: { seller },
      }),
    );
    expect(Object.fromEntries(issues.map((i) => [i.path, i.message]))).toEqual({
      "variables.customerNme": "not a variable of renewal.reminder",
      "variables.panelUrl": "required",
      "variables.serviceKind": "must be one of domain, option, ssl, hosting",
      "variables.serviceName": "required",
      "variables.expiresOn": "required",
      "variables.daysLeft": "must be a whole number",
      "variables.renewUrl": "must be an http(s) address",
    });

    const items = await refusal(
      renderNotice(db, {
        event: "proforma.issued",
        channel: "email",
        language: "en",
        variables: { ...callerVariables("proforma.issued"), items: [{ name: "Domena" }] },
        branding,
      }),
    );
    expect(items).toEqual([{ path: "variables.items.0.amountGross", message: "required" }]);
  });

  it("fails with template_invalid when a stored template no longer fits its event", async () => {
    // As if an upgrade had removed a variable the partner's template names.
    await db.query(
      `INSERT INTO notification_templates (event, channel, language, text, updated_by)
       VALUES ('domain.expired', 'sms', 'pl', 'Domena {{domainName}} wygasla {{graceDays}} dni temu', 'legacy')`,
    );
    const err = await renderNotice(db, {
      event: "domain.expired",
      channel: "sms",
      language: "pl",
      variables: callerVariables("domain.expired"),
      branding,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BillingConflictError);
    expect(err).toMatchObject({ code: "template_invalid" });
    expect((err as Error).message).toContain("graceDays");
    await resetTemplate(db, "domain.expired", "sms", "pl");
  });
});

describe("e-mail layout", () => {
  it("frames the notice with the logo as an inline image, the accent colour, a banner and the seller's footer", async () => {
    const laidOut = await layoutEmail({
      subject: "Proforma PRO/2026/03/41",
      html: "<p>Treść &amp; szczegóły</p>",
      text: "Treść & szczegóły",
      language: "pl",
      branding: {
        seller: { ...seller, logoPath: PNG_LOGO },
        banner: {
          imagePath: JPEG_BANNER,
          link: "https://zolwhosting.pl/promocje?a=1&b=2",
          alt: "Wiosenna promocja",
        },
      },
    });
    const { html, text, attachments } = laidOut;
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<html lang="pl"');
    expect(html).not.toContain("<style");
    expect(html).toContain(
      '<img src="cid:logo@hrdkit" width="120" height="40" alt="Żółw Hosting Sp. z o.o."',
    );
    expect(html).toContain("border-top:4px solid #1A7F37;");
    expect(html).toContain("<p>Treść &amp; szczegóły</p>");
    expect(html).toContain(
      '<a href="https://zolwhosting.pl/promocje?a=1&amp;b=2" target="_blank"><img src="cid:banner@hrdkit" width="8" height="8" alt="Wiosenna promocja"',
    );
    expect(html).toContain("NIP: 5260250274");
    expect(html).toContain("ul. Świętokrzyska 12, 00-916 Warszawa");
    expect(html).toContain('<a href="mailto:biuro@zolwhosting.pl"');
    expect(attachments.map((a) => [a.cid, a.filename, a.contentType])).toEqual([
      ["logo@hrdkit", "logo.png", "image/png"],
      ["banner@hrdkit", "banner.jpg", "image/jpeg"],
    ]);
    expect(attachments[0]!.content.equals(await readFile(PNG_LOGO))).toBe(true);
    expect(text).toBe(
      "Treść & szczegóły\n\nWiosenna promocja: https://zolwhosting.pl/promocje?a=1&b=2\n\n-- \n" +
        "Żółw Hosting Sp. z o.o.\nul. Świętokrzyska 12, 00-916 Warszawa\nNIP: 5260250274\nbiuro@zolwhosting.pl · tel. +48 22 100 20 30\n",
    );
  });

  it("without a logo prints the seller's name, escaped, and attaches nothing; English footer in English", async () => {
    const { html, attachments, text } = await layoutEmail({
      subject: "Invoice",
      html: "<p>x</p>",
      text: "x",
      language: "en",
      branding: { seller: { ...seller, name: "Łódź & <Co>", phone: undefined, accentColor: undefined } },
    });
    expect(attachments).toEqual([]);
    expect(html).toContain(">Łódź &amp; &lt;Co&gt;</span>");
    expect(html).toContain("border-top:4px solid #1f4e79;");
    expect(text).toContain("Tax ID (NIP): 5260250274\nbiuro@zolwhosting.pl\n");
  });

  it("refuses a missing logo file and a banner link that is not http(s)", async () => {
    const base = { subject: "s", html: "<p>x</p>", text: "x", language: "pl" as const };
    await expect(
      layoutEmail({ ...base, branding: { seller: { ...seller, logoPath: join(ASSETS, "missing.png") } } }),
    ).rejects.toBeInstanceOf(BillingNotFoundError);
    const issues = await refusal(
      layoutEmail({
        ...base,
        branding: { seller, banner: { imagePath: JPEG_BANNER, link: "javascript:alert(1)" } },
      }),
    );
    expect(issues).toEqual([{ path: "branding.banner.link", message: "must be an http(s) address" }]);
  });
});
