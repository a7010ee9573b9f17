/**
 * The page behind every offer's unsubscribe link, `<HRDKIT_PUBLIC_URL>/unsubscribe?t=<token>`.
 * Customers open it in a browser, so it is public (unsigned) and answers small server-rendered
 * HTML pages, Polish unless the browser prefers English, with no external assets, no scripts
 * and no cookies.
 *
 * - GET shows a confirmation with a button and changes nothing: mail scanners and link previews
 *   open every link in a message, and must not unsubscribe anyone by doing so.
 * - POST (the button's form with `t`, or a mail client's RFC 8058 one-click POST of
 *   `List-Unsubscribe=One-Click` to the header's URL, the token in its query) withdraws the
 *   consent the offer was sent under, via billing's `unsubscribe`, and answers 200 "Wypisano".
 *
 * No CSRF token: the link's token is itself the capability (an HMAC over the offer and customer
 * ids, unforgeable without HRDKIT_UNSUBSCRIBE_SECRET). There is no session or cookie a forged
 * cross-site POST could ride on; a forger needs the token, and whoever holds it may unsubscribe
 * anyway (that is what one-click means). The worst a forged POST can do is what the link does.
 *
 * A bad token gets a 400 page that says only that the link is not valid. The routes are left out
 * of the OpenAPI document: browsers and mail clients call them, not generated clients.
 */
import {
  BillingNotFoundError,
  BillingValidationError,
  type ConsentKind,
  getOffer,
  getSellerSettings,
  unsubscribe,
  verifyUnsubscribeToken,
} from "@hrdkit/billing";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { formFields, multipartFields } from "../web/forms.js";
import { escapeHtml } from "../web/html.js";
import { type PageLanguage, pageLanguage } from "../web/lang.js";

export const UNSUBSCRIBE_PATH = "/unsubscribe";

/** A form with one token is well under 1 kB; this leaves room for whatever a mail client adds. */
const FORM_LIMIT = 16 * 1024;

/** Who the customer hears from: the seller's name and e-mail when set (escaped where used). */
interface Seller {
  name?: string;
  email?: string;
}

const WHAT: Record<PageLanguage, Record<ConsentKind, string>> = {
  pl: { offers: "ofert handlowych", newsletter: "newslettera" },
  en: { offers: "offers", newsletter: "the newsletter" },
};

const WORDS = {
  pl: {
    confirmTitle: "Rezygnacja z ofert",
    confirm: (what: string, from: string) => `Czy chcą Państwo zrezygnować z otrzymywania ${what}${from}?`,
    from: (name: string) => ` od ${name}`,
    button: "Tak, wypisz mnie",
    still: "Wiadomości dotyczące Państwa usług (faktury, przypomnienia o odnowieniu) będą przychodzić nadal.",
    doneTitle: "Wypisano",
    done: (what: string, from: string) => `Nie będą Państwo już otrzymywać ${what}${from}.`,
    mistake: "Jeśli to pomyłka, prosimy o wiadomość:",
    invalidTitle: "Nieprawidłowy link",
    invalid:
      "Ten link do rezygnacji jest nieprawidłowy lub niepełny. Prosimy otworzyć go jeszcze raz z wiadomości, " +
      "w całości.",
    unavailableTitle: "Chwilowo niedostępne",
    unavailable: "Nie udało się teraz zapisać rezygnacji. Prosimy spróbować ponownie za kilka minut.",
  },
  en: {
    confirmTitle: "Unsubscribe",
    confirm: (what: string, from: string) => `Do you want to stop receiving ${what}${from}?`,
    from: (name: string) => ` from ${name}`,
    button: "Yes, unsubscribe me",
    still: "Messages about your services (invoices, renewal reminders) will still arrive.",
    doneTitle: "Unsubscribed",
    done: (what: string, from: string) => `You will no longer receive ${what}${from}.`,
    mistake: "If this was a mistake, please write to us:",
    invalidTitle: "Invalid link",
    invalid:
      "This unsubscribe link is invalid or incomplete. Please open it again from the message, in full.",
    unavailableTitle: "Temporarily unavailable",
    unavailable: "Your request could not be recorded just now. Please try again in a few minutes.",
  },
} as const;

const STYLE =
  "body{margin:0;background:#f3f4f6;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;" +
  "color:#111827}main{max-width:32rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:8px;" +
  "box-shadow:0 1px 3px rgba(0,0,0,.1)}h1{font-size:1.5rem;margin:0 0 1rem}p{margin:0 0 1rem}" +
  "small{color:#6b7280}button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:6px;" +
  "background:#1f2937;color:#fff;cursor:pointer}a{color:#1f2937}";

/** A whole page: `body` is HTML already escaped by the caller. */
function page(lang: PageLanguage, title: string, body: string): string {
  return (
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="robots" content="noindex,nofollow"><meta name="referrer" content="no-referrer">' +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`
  );
}

function confirmPage(lang: PageLanguage, token: string, kind: ConsentKind, seller: Seller): string {
  const w = WORDS[lang];
  const from = seller.name ? w.from(seller.name) : "";
  return page(
    lang,
    w.confirmTitle,
    `<p>${escapeHtml(w.confirm(WHAT[lang][kind], from))}</p>` +
      // Relative: posts to this same address, also behind a proxy that serves the bridge under a path.
      `<form method="post" action="unsubscribe"><input type="hidden" name="t" value="${escapeHtml(token)}">` +
      `<p><button type="submit">${escapeHtml(w.button)}</button></p></form>` +
      `<p><small>${escapeHtml(w.still)}</small></p>`,
  );
}

function donePage(lang: PageLanguage, kind: ConsentKind, seller: Seller): string {
  const w = WORDS[lang];
  const from = seller.name ? w.from(seller.name) : "";
  const contact = seller.email
    ? `<p><small>${escapeHtml(w.mistake)} <a href="mailto:${escapeHtml(seller.email)}">${escapeHtml(seller.email)}</a></small></p>`
    : "";
  return page(lang, w.doneTitle, `<p>${escapeHtml(w.done(WHAT[lang][kind], from))}</p>${contact}`);
}

const messagePage = (lang: PageLanguage, title: string, text: string) =>
  page(lang, title, `<p>${escapeHtml(text)}</p>`);

/**
 * Sends a page with headers that keep it to itself: nothing loads from elsewhere, no script runs,
 * the form posts only here, no site may frame it (a framed button could be clicked blind), the
 * token in the address never leaves in a Referer, and no cache keeps it.
 */
function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .status(status)
    .header(
      "Content-Security-Policy",
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
    .header("X-Frame-Options", "DENY")
    .header("X-Content-Type-Options", "nosniff")
    .header("Referrer-Policy", "no-referrer")
    .header("Cache-Control", "no-store")
    .type("text/html; charset=utf-8")
    .send(html);
}

export function notifyUnsubscribeRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  // Read at each use: whoever set the context's logger after start (tests, an embedding app) gets the lines.
  const logError = (err: unknown, request: { method: string; url: string }) => {
    if (ctx.logError) return ctx.logError(err, request);
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    console.error(`hrdkit bridge: failure on ${request.method} ${request.url}: ${detail}`);
  };

  /** The seller's name and e-mail for the page; none when they are not set (the page says less). */
  async function sellerOf(): Promise<Seller> {
    try {
      const s = await getSellerSettings(ctx.db);
      return { name: s.name, email: s.email };
    } catch {
      return {};
    }
  }

  /** The secret, or a 503 page (and a line in the log for the operator) when it is not set. */
  function secretOr(req: FastifyRequest, reply: FastifyReply, lang: PageLanguage): string | undefined {
    const secret = ctx.notify?.unsubscribeSecret;
    if (secret) return secret;
    // The path only: the query holds the customer's token.
    logError(new Error("HRDKIT_UNSUBSCRIBE_SECRET is not set: unsubscribe links cannot be checked"), {
      method: req.method,
      url: UNSUBSCRIBE_PATH,
    });
    const w = WORDS[lang];
    sendPage(reply, 503, messagePage(lang, w.unavailableTitle, w.unavailable));
    return undefined;
  }

  const invalid = (reply: FastifyReply, lang: PageLanguage) =>
    sendPage(reply, 400, messagePage(lang, WORDS[lang].invalidTitle, WORDS[lang].invalid));

  // Its own scope: form parsers and HTML error pages for these two routes only.
  app.register(async (scope) => {
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: FORM_LIMIT },
      (_req, body, done) => done(null, formFields(body as string)),
    );
    scope.addContentTypeParser(
      "multipart/form-data",
      { parseAs: "string", bodyLimit: FORM_LIMIT },
      (req, body, done) => done(null, multipartFields(body as string, String(req.headers["content-type"]))),
    );
    // Whatever goes wrong here is answered as a page, never JSON (a person is looking at it).
    scope.setErrorHandler((err, req, reply) => {
      const lang = pageLanguage(req.headers["accept-language"]);
      const status = (err as { statusCode?: number }).statusCode;
      if (status !== undefined && status >= 400 && status < 500) return invalid(reply, lang);
      logError(err, { method: req.method, url: UNSUBSCRIBE_PATH });
      const w = WORDS[lang];
      return sendPage(reply, 503, messagePage(lang, w.unavailableTitle, w.unavailable));
    });

    const r = scope.withTypeProvider<ZodTypeProvider>();
    const query = z.object({ t: z.string().max(500).optional() });

    r.get(
      UNSUBSCRIBE_PATH,
      {
        config: { public: true },
        schema: { hide: true, operationId: "unsubscribePage", querystring: query },
      },
      async (req, reply) => {
        const lang = pageLanguage(req.headers["accept-language"]);
        const secret = secretOr(req, reply, lang);
        if (secret === undefined) return reply;
        const token = req.query.t?.trim() ?? "";
        const ids = verifyUnsubscribeToken(token, secret);
        if (!ids) return invalid(reply, lang);
        let kind: ConsentKind;
        try {
          kind = (await getOffer(ctx.db, ids.offerId)).consentKind;
        } catch (err) {
          if (err instanceof BillingNotFoundError) return invalid(reply, lang);
          throw err;
        }
        return sendPage(reply, 200, confirmPage(lang, token, kind, await sellerOf()));
      },
    );

    r.post(
      UNSUBSCRIBE_PATH,
      { config: { public: true }, schema: { hide: true, operationId: "unsubscribe", querystring: query } },
      async (req, reply) => {
        const lang = pageLanguage(req.headers["accept-language"]);
        const secret = secretOr(req, reply, lang);
        if (secret === undefined) return reply;
        const body = req.body && typeof req.body === "object" ? (req.body as Record<string, unknown>) : {};
        // The form sends `t`; a one-click POST goes to the header's URL, the token in its query.
        const token = typeof body.t === "string" ? body.t : (req.query.t ?? "");
        try {
          const result = await unsubscribe(ctx.db, token, { secret, at: ctx.now() });
          return sendPage(reply, 200, donePage(lang, result.kind, await sellerOf()));
        } catch (err) {
          if (err instanceof BillingValidationError || err instanceof BillingNotFoundError) {
            return invalid(reply, lang);
          }
          throw err;
        }
      },
    );
  });
}
