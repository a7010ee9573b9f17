/**
 * The customer frames ("ramki"): the partner's storefront, server-rendered under
 * `/frames/{pl|en}/…` and embeddable in the partner's site by iframe. Every page calls the same
 * billing functions the JSON routes call — suggestNames with the bridge's availability cache (as
 * GET /v1/billing/suggestions), priceFor and quote (POST /v1/billing/quotes), placeOrder
 * (POST /v1/billing/orders), getProforma/renderProformaPdf and getInvoice/renderInvoicePdf (the
 * document routes), updateCustomer (PATCH /v1/billing/customers/:id) — and billing's accounts for
 * logins. The pages only add what a browser needs: sessions, form tokens, field errors in the
 * visitor's language, redirects.
 *
 * Public routes (no request signature), left out of the OpenAPI document. Forms post urlencoded
 * bodies with a CSRF token bound to the session (or, before login, to a per-browser cookie); a
 * POST without a valid one gets a 403 page and changes nothing. A customer sees only their own
 * documents and services: another customer's id is a 404, the same as an id that does not exist.
 */
import { readFile } from "node:fs/promises";
import {
  amountInWords,
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  type Customer,
  changePassword,
  documentFileName,
  getCustomer,
  getDefaultPriceGroup,
  getInvoice,
  getProforma,
  getSellerSettings,
  LoginRefusedError,
  LoginThrottledError,
  listCustomerServices,
  listInvoices,
  listProformas,
  logIn,
  logOut,
  type Money,
  money,
  priceFor,
  type Quote,
  quote,
  ResetTokenInvalidError,
  renderInvoicePdf,
  renderProformaPdf,
  requestPasswordReset,
  resetPassword,
  type SellerSettings,
  signUp,
  suggestNames,
  updateCustomer,
} from "@hrdkit/billing";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { BridgeContext } from "../app.js";
import { BridgeError } from "../errors.js";
import { checkbox, errorSummary, type FieldErrors, field, hidden } from "../frames/form.js";
import {
  type Branding,
  brandingOf,
  framePath,
  layout,
  type NavKey,
  pln,
  sendPage,
} from "../frames/layout.js";
import {
  CART_MAX,
  type Cart,
  clearSessionCookie,
  csrfOk,
  framesKeys,
  readVisitor,
  saveCart,
  setSessionCookie,
  type Visitor,
} from "../frames/visitor.js";
import { REASONS_PL, WORDS, type Words } from "../frames/words.js";
import { randomToken } from "../web/csrf.js";
import { type Fields, formFields } from "../web/forms.js";
import { html, raw, type SafeHtml } from "../web/html.js";
import { type PageLanguage, pageLanguage } from "../web/lang.js";
import { cachedAvailability } from "./billing-catalog-suggest.js";
import { sendFile } from "./billing-invoices-files.js";
import { placeOrder } from "./billing-proformas.js";

/** Forms hold a few short fields. */
const FORM_LIMIT = 16 * 1024;

/** What every page handler gets: the language, its words, the visitor, the branding. */
interface Page {
  lang: PageLanguage;
  w: Words;
  v: Visitor;
  branding: Branding;
  seller: SellerSettings | undefined;
  req: FastifyRequest;
  reply: FastifyReply;
  /** Sends `body` in the layout. */
  render(status: number, title: string, current: NavKey | undefined, body: SafeHtml): FastifyReply;
  /** A 303 to a page of the same language (`page` relative to `/frames/<lang>/`). */
  redirect(page: string): FastifyReply;
}

const LANGS = new Set(["pl", "en"]);

/** The service a cart line orders: a domain registration under its TLD. */
const registerCode = (tld: string) => `domain.${tld}.register`;

/** `next` after login: a frames page only (no open redirect to another site). */
function safeNext(next: string | undefined, lang: PageLanguage): string {
  return next && /^\/frames\/(pl|en)\/[\w\-/?=&.%]*$/.test(next) && !next.includes("//")
    ? next
    : framePath(lang, "account");
}

export function framesRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const keys = framesKeys(ctx);
  const logError = (err: unknown, request: { method: string; url: string }) => {
    if (ctx.logError) return ctx.logError(err, request);
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    console.error(`hrdkit bridge: failure on ${request.method} ${request.url.split("?")[0]}: ${detail}`);
  };

  async function sellerOrNone(): Promise<SellerSettings | undefined> {
    try {
      return await getSellerSettings(ctx.db);
    } catch (err) {
      if (err instanceof BillingConflictError) return undefined;
      throw err;
    }
  }

  async function begin(req: FastifyRequest, reply: FastifyReply): Promise<Page | undefined> {
    const langParam = (req.params as { lang?: string }).lang ?? "";
    if (!LANGS.has(langParam)) {
      await notFound(req, reply);
      return undefined;
    }
    const lang = langParam as PageLanguage;
    const v = await readVisitor(ctx, req, reply);
    const seller = await sellerOrNone();
    const branding = brandingOf(seller);
    const w = WORDS[lang];
    const other = lang === "pl" ? "en" : "pl";
    const otherLanguagePath = req.url.replace(/^\/frames\/(pl|en)\//, `/frames/${other}/`);
    return {
      lang,
      w,
      v,
      branding,
      seller,
      req,
      reply,
      render(status, title, current, body) {
        const page = layout(
          {
            lang,
            branding,
            title,
            ...(current ? { current } : {}),
            ...(v.session ? { user: { name: v.session.name, csrf: v.csrf } } : {}),
            otherLanguagePath,
            cartCount: v.cart.items.length,
          },
          body,
        );
        return sendPage(reply, status, page, keys.ancestors);
      },
      redirect(page) {
        return reply.redirect(framePath(lang, page), 303);
      },
    };
  }

  /** A message page in the layout (403, 404, 500). */
  async function messagePage(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    which: "forbidden" | "notFound" | "error",
  ): Promise<FastifyReply> {
    const p = /^\/frames\/en\//.test(req.url) ? "en" : /^\/frames\/pl\//.test(req.url) ? "pl" : undefined;
    const lang = p ?? pageLanguage(req.headers["accept-language"]);
    const w = WORDS[lang];
    let branding = brandingOf(undefined);
    try {
      branding = brandingOf(await sellerOrNone());
    } catch {
      // The database is what failed: the page goes out undressed.
    }
    const page = layout(
      {
        lang,
        branding,
        title: w.titles[which],
        otherLanguagePath: framePath(lang === "pl" ? "en" : "pl", "domains"),
        cartCount: 0,
      },
      html`<p>${w.errors[which]}</p><p><a href="${framePath(lang, "domains")}">${w.nav.domains}</a></p>`,
    );
    return sendPage(reply, status, page, keys.ancestors);
  }
  const notFound = (req: FastifyRequest, reply: FastifyReply) => messagePage(req, reply, 404, "notFound");

  /** The form's fields, or a 403 page when its CSRF token is not this visitor's. */
  function postedFields(p: Page): Fields | undefined {
    const body = (p.req.body && typeof p.req.body === "object" ? p.req.body : {}) as Fields;
    if (!csrfOk(ctx, p.v, body.csrf)) {
      void messagePage(p.req, p.reply, 403, "forbidden");
      return undefined;
    }
    return body;
  }

  /** The logged-in customer's id, or a redirect to login (and back here afterwards). */
  function customerOf(p: Page, back: string): number | undefined {
    if (p.v.session?.customerId != null) return p.v.session.customerId;
    p.reply.redirect(`${framePath(p.lang, "login")}?next=${encodeURIComponent(back)}`, 303);
    return undefined;
  }

  const csrfField = (p: Page) => hidden("csrf", p.v.csrf);

  app.register(
    async (scope) => {
      scope.addContentTypeParser(
        "application/x-www-form-urlencoded",
        { parseAs: "string", bodyLimit: FORM_LIMIT },
        (_req, body, done) => done(null, formFields(body as string)),
      );
      // A person is looking: every failure is a page, never JSON.
      scope.setErrorHandler((err, req, reply) => {
        const status = (err as { statusCode?: number }).statusCode;
        if (status !== undefined && status >= 400 && status < 500)
          return messagePage(req, reply, 404, "notFound");
        logError(err, { method: req.method, url: req.url });
        return messagePage(req, reply, 500, "error");
      });
      scope.setNotFoundHandler((req, reply) => notFound(req, reply));

      const opts = { config: { public: true }, schema: { hide: true } };
      const get = (path: string, handler: (p: Page) => Promise<unknown> | unknown) =>
        scope.get(path, opts, async (req, reply) => {
          const p = await begin(req, reply);
          if (!p) return reply;
          await handler(p);
          return reply;
        });
      const post = (path: string, handler: (p: Page, f: Fields) => Promise<unknown> | unknown) =>
        scope.post(path, opts, async (req, reply) => {
          const p = await begin(req, reply);
          if (!p) return reply;
          const f = postedFields(p);
          if (!f) return reply;
          await handler(p, f);
          return reply;
        });

      scope.get("", opts, async (req, reply) =>
        reply.redirect(framePath(pageLanguage(req.headers["accept-language"]), "domains"), 303),
      );
      scope.get("/:lang", opts, async (req, reply) => {
        const lang = (req.params as { lang: string }).lang;
        if (!LANGS.has(lang)) return notFound(req, reply);
        return reply.redirect(framePath(lang as PageLanguage, "domains"), 303);
      });

      // --- Branding files -------------------------------------------------------------------

      scope.get("/logo", opts, async (req, reply) => {
        const seller = await sellerOrNone();
        if (!seller?.logoPath) return notFound(req, reply);
        const bytes = await readFile(seller.logoPath).catch(() => undefined);
        if (!bytes) return notFound(req, reply);
        return reply
          .type(seller.logoPath.endsWith(".png") ? "image/png" : "image/jpeg")
          .header("Cache-Control", "public, max-age=300")
          .header("X-Content-Type-Options", "nosniff")
          .send(bytes);
      });

      scope.get("/embed.js", opts, async (_req, reply) =>
        reply
          .type("text/javascript; charset=utf-8")
          .header("Cache-Control", "public, max-age=3600")
          .header("Access-Control-Allow-Origin", "*")
          .send(EMBED_JS),
      );

      // --- Domains ----------------------------------------------------------------------------

      get("/:lang/domains", async (p) => {
        const { w, lang } = p;
        const q = String((p.req.query as { q?: unknown }).q ?? "").slice(0, 253);
        const errors: FieldErrors = {};
        let results: SafeHtml | string = "";
        if (q.trim()) {
          try {
            const items = await suggestNames(ctx.db, { query: q, limit: 20 }, cachedAvailability(ctx));
            const prices = await gross(
              p,
              items.map((i) => i.tld),
            );
            const inCart = new Set(p.v.cart.items.map((i) => i.name));
            const rows = items.map((s) => {
              const price = prices.get(s.tld);
              const free = s.status === "available" || s.status === "createOnly";
              const status = free
                ? w.domains.available
                : s.status === "taken"
                  ? w.domains.taken
                  : w.domains.unknown;
              let action: SafeHtml | string = "";
              if (free && s.sellable && price) {
                action = inCart.has(s.name)
                  ? w.domains.inCart
                  : html`<form method="post" action="${framePath(lang, "cart/add")}" class="inline">${csrfField(p)}${hidden("name", s.name)}${hidden("tld", s.tld)}${hidden("period", "1")}<button type="submit" aria-label="${w.buttons.add}: ${s.name}">${w.buttons.add}</button></form>`;
              } else if (free) action = w.domains.notSold;
              return html`<tr><td>${s.name}</td><td>${status}</td><td class="num">${free && price ? `${pln(price, lang)} ${w.domains.perYear}` : ""}</td><td>${action}</td></tr>`;
            });
            results =
              rows.length > 0
                ? html`<table><caption class="notice">${q}</caption><thead><tr><th>${w.services.name}</th><th>${w.services.status}</th><th class="num">${w.cart.price}</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
                : html`<p>${w.domains.none}</p>`;
          } catch (err) {
            if (!(err instanceof BillingValidationError)) throw err;
            errors.q = w.errors.invalid;
          }
        }
        return p.render(
          Object.keys(errors).length > 0 ? 422 : 200,
          w.titles.domains,
          "domains",
          html`<p>${w.domains.intro}</p><form method="get" action="${framePath(lang, "domains")}" role="search">${field({ name: "q", label: w.fields.query, type: "search", value: q, errors, required: true })}<button type="submit">${w.buttons.search}</button></form>${results}`,
        );
      });

      // --- Cart -------------------------------------------------------------------------------

      post("/:lang/cart/add", async (p, f) => {
        const name = (f.name ?? "").trim().toLowerCase();
        const tld = (f.tld ?? "").trim().toLowerCase();
        const period = Number(f.period ?? "1");
        // Only what the search page offers: a name under its TLD, 1–10 years.
        if (
          !name.endsWith(`.${tld}`) ||
          name.length > 253 ||
          !/^[a-z0-9.-]+$/.test(tld) ||
          !Number.isInteger(period) ||
          period < 1 ||
          period > 10
        ) {
          return messagePage(p.req, p.reply, 400, "notFound");
        }
        const cart: Cart = { ...p.v.cart, items: p.v.cart.items.filter((i) => i.name !== name) };
        if (cart.items.length < CART_MAX) cart.items.push({ name, tld, period });
        saveCart(ctx, p.reply, cart);
        return p.redirect("cart");
      });

      post("/:lang/cart/remove", async (p, f) => {
        const cart: Cart = { ...p.v.cart, items: p.v.cart.items.filter((i) => i.name !== f.name) };
        saveCart(ctx, p.reply, cart);
        return p.redirect("cart");
      });

      post("/:lang/cart/code", async (p, f) => {
        const code = (f.code ?? "").trim().slice(0, 100);
        const { code: _old, ...rest } = p.v.cart;
        saveCart(ctx, p.reply, code ? { ...rest, code } : rest);
        return p.redirect("cart");
      });

      get("/:lang/cart", (p) => cartPage(p, 200));

      async function cartPage(p: Page, status: number, problem?: string): Promise<FastifyReply> {
        const { w, lang, v } = p;
        const cart = v.cart;
        if (cart.items.length === 0) {
          return p.render(
            status,
            w.titles.cart,
            "cart",
            html`${problem ? html`<p class="alert" role="alert">${problem}</p>` : ""}<p>${w.cart.empty}</p><p><a href="${framePath(lang, "domains")}">${w.titles.domains}</a></p>`,
          );
        }
        const codeForm = html`<form method="post" action="${framePath(lang, "cart/code")}">${csrfField(p)}${field({ name: "code", label: w.fields.code, value: cart.code ?? "", errors: {} })}<button type="submit">${w.buttons.apply}</button></form>`;
        const remove = (name: string) =>
          html`<form method="post" action="${framePath(lang, "cart/remove")}" class="inline">${csrfField(p)}${hidden("name", name)}<button class="link" type="submit" aria-label="${w.buttons.remove}: ${name}">${w.buttons.remove}</button></form>`;
        const customerId = v.session?.customerId ?? null;
        let body: SafeHtml;
        if (customerId !== null) {
          let q: Quote;
          try {
            q = await quoteCart(customerId, cart);
          } catch (err) {
            if (!(err instanceof BillingConflictError || err instanceof BillingValidationError)) throw err;
            return p.render(
              409,
              w.titles.cart,
              "cart",
              html`<p class="alert" role="alert">${w.errors.notOffered}</p>${cartList(p, cart, remove)}`,
            );
          }
          body = html`${quoteTable(p, q, remove)}${codeForm}<form method="post" action="${framePath(lang, "order")}">${csrfField(p)}${hidden("orderRef", `frames-${randomToken().slice(0, 20)}`)}${hidden("expectedGross", (q.totals.gross.amount / 100).toFixed(2))}<button type="submit">${w.buttons.order}</button></form>`;
        } else {
          const prices = await gross(
            p,
            cart.items.map((i) => i.tld),
          );
          const rows = cart.items.map((i) => {
            const one = prices.get(i.tld);
            return html`<tr><td>${i.name}<br><small>${w.cart.registration(i.period)}</small></td><td class="num">${one ? pln(money(one.amount * i.period, one.currency), lang) : "—"}</td><td>${remove(i.name)}</td></tr>`;
          });
          const back = framePath(lang, "cart");
          body = html`<table><thead><tr><th>${w.cart.item}</th><th class="num">${w.cart.price}</th><th></th></tr></thead><tbody>${rows}</tbody></table>${codeForm}<p class="notice">${w.cart.loginForPromotions} ${w.cart.loginToOrder}</p><p><a class="button" href="${framePath(lang, "login")}?next=${encodeURIComponent(back)}">${w.nav.login}</a> <a href="${framePath(lang, "sign-up")}?next=${encodeURIComponent(back)}">${w.nav.signUp}</a></p>`;
        }
        return p.render(
          status,
          w.titles.cart,
          "cart",
          html`${problem ? html`<p class="alert" role="alert">${problem}</p>` : ""}${body}`,
        );
      }

      function cartList(p: Page, cart: Cart, remove: (name: string) => SafeHtml): SafeHtml {
        return html`<ul>${cart.items.map((i) => html`<li>${i.name} — ${p.w.cart.registration(i.period)} ${remove(i.name)}</li>`)}</ul>`;
      }

      const quoteCart = (customerId: number, cart: Cart) =>
        quote(ctx.db, {
          customerId,
          items: cart.items.map((i) => ({
            serviceCode: registerCode(i.tld),
            name: i.name,
            period: i.period,
          })),
          code: cart.code ?? null,
          at: ctx.now(),
        });

      /** Gross prices (1 year) of registering under each TLD, from the customer's (or the default) price list. */
      async function gross(p: Page, tlds: string[]): Promise<Map<string, Money>> {
        const out = new Map<string, Money>();
        const customerId = p.v.session?.customerId ?? undefined;
        const groupId = customerId === undefined ? (await getDefaultPriceGroup(ctx.db))?.id : undefined;
        if (customerId === undefined && groupId === undefined) return out;
        for (const tld of new Set(tlds)) {
          try {
            const price = await priceFor(ctx.db, {
              ...(customerId === undefined ? { groupId } : { customerId }),
              serviceCode: registerCode(tld),
              period: 1,
            });
            out.set(tld, price.gross);
          } catch (err) {
            if (!(err instanceof BillingNotFoundError || err instanceof BillingValidationError)) throw err;
          }
        }
        return out;
      }

      function reasonText(p: Page, code: string | undefined, reason: string | undefined): string {
        if (p.lang === "pl" && code && REASONS_PL[code]) return REASONS_PL[code];
        return reason ?? code ?? "";
      }

      /** The quote as the customer reads it: lines, each promotion and code with why, totals. */
      function quoteTable(p: Page, q: Quote, remove: (name: string) => SafeHtml): SafeHtml {
        const { w, lang } = p;
        const m = (x: Money) => pln(x, lang);
        const lines = q.lines.map(
          (l) =>
            html`<tr><td>${l.name}<br><small>${w.cart.registration(l.period)}</small>${l.discounts.map((d) => html`<br><small>${d.name}: −${m(d.amount)} ${lang === "pl" ? "netto" : "net"}</small>`)}</td><td class="num">${m(l.gross)}</td><td>${remove(l.name)}</td></tr>`,
        );
        const applied = q.promotionsApplied.map(
          (a) =>
            html`<li><strong>${a.name}</strong>: −${m(a.total)} ${lang === "pl" ? "netto" : "net"} (${a.lines.map((i) => q.lines[i]?.name ?? "").join(", ")})</li>`,
        );
        const notApplied = q.promotionsNotApplied.map(
          (n) => html`<li>${n.name}: ${reasonText(p, n.reasonCode, n.reason)}</li>`,
        );
        const code = q.code
          ? q.code.applied
            ? html`<p class="notice" role="status">${w.cart.codeApplied(q.code.code)}</p>`
            : html`<p class="alert" role="status">${w.cart.codeRejected(q.code.code)} ${reasonText(p, q.code.reasonCode, q.code.reason)}</p>`
          : "";
        const t = q.totals;
        return html`<table><thead><tr><th>${w.cart.item}</th><th class="num">${w.cart.price}</th><th></th></tr></thead><tbody>${lines}</tbody></table>${code}${applied.length > 0 ? html`<h2>${w.cart.promotions}</h2><ul>${applied}</ul>` : ""}${notApplied.length > 0 ? html`<h2>${w.cart.promotionsNot}</h2><ul>${notApplied}</ul>` : ""}<dl><dt>${w.cart.listNet}</dt><dd>${m(t.listNet)}</dd><dt>${w.cart.discount}</dt><dd>${m(t.discount)}</dd><dt>${w.cart.net}</dt><dd>${m(t.net)}</dd><dt>${w.cart.vat}</dt><dd>${m(t.vat)}</dd><dt><strong>${w.cart.gross}</strong></dt><dd><strong>${m(t.gross)}</strong></dd></dl>`;
      }

      // --- Order ------------------------------------------------------------------------------

      post("/:lang/order", async (p, f) => {
        const customerId = customerOf(p, framePath(p.lang, "cart"));
        if (customerId === undefined) return;
        const cart = p.v.cart;
        if (cart.items.length === 0) return p.redirect("cart");
        const orderRef = /^frames-[\w-]{1,40}$/.test(f.orderRef ?? "")
          ? f.orderRef!
          : `frames-${randomToken()}`;
        const expectedGross = /^\d{1,13}(\.\d{1,2})?$/.test(f.expectedGross ?? "")
          ? f.expectedGross
          : undefined;
        let placed: Awaited<ReturnType<typeof placeOrder>>;
        try {
          placed = await placeOrder(ctx, {
            customerId,
            orderRef,
            items: cart.items.map((i) => ({
              serviceCode: registerCode(i.tld),
              name: i.name,
              period: i.period,
            })),
            ...(cart.code ? { code: cart.code } : {}),
            ...(expectedGross ? { expectedGross } : {}),
          });
        } catch (err) {
          if (err instanceof BridgeError && err.status === 409 && err.code === "price_changed") {
            return cartPage(p, 409, p.w.errors.priceChanged);
          }
          if (err instanceof BridgeError && err.status < 500) {
            return cartPage(
              p,
              422,
              `${p.w.errors.orderRefused} ${err.code === "not_offered" ? p.w.errors.notOffered : err.message}`,
            );
          }
          if (err instanceof BillingConflictError) {
            return cartPage(p, 422, `${p.w.errors.orderRefused} ${err.message}`);
          }
          throw err;
        }
        saveCart(ctx, p.reply, { items: [] });
        return p.redirect(`proformas/${placed.proforma.id}`);
      });

      // --- Accounts ---------------------------------------------------------------------------

      get("/:lang/sign-up", (p) => signUpPage(p, 200, {}, {}));

      function signUpPage(p: Page, status: number, values: Fields, errors: FieldErrors): FastifyReply {
        const { w, lang } = p;
        const next = String((p.req.query as { next?: unknown }).next ?? values.next ?? "");
        const company = values.type === "company";
        const fieldOf = (name: string, label: string, extra: Partial<Parameters<typeof field>[0]> = {}) =>
          field({ name, label, value: values[name] ?? "", errors, ...extra });
        return p.render(
          status,
          w.titles.signUp,
          "signUp",
          html`${errorSummary(errors, w.errors.summary)}<form method="post" action="${framePath(lang, "sign-up")}" novalidate>${csrfField(p)}${hidden("next", next)}<fieldset><legend>${w.fields.type}</legend><input type="radio" id="f-type-person" name="type" value="person"${company ? "" : raw(" checked")}> <label class="inline" for="f-type-person">${w.fields.person}</label> <input type="radio" id="f-type-company" name="type" value="company"${company ? raw(" checked") : ""}> <label class="inline" for="f-type-company">${w.fields.company}</label></fieldset>${fieldOf("name", w.fields.name, { autocomplete: "name", required: true })}${fieldOf("nip", w.fields.nip)}${fieldOf("pesel", w.fields.pesel)}${fieldOf("street", w.fields.street, { autocomplete: "street-address", required: true })}${fieldOf("postcode", w.fields.postcode, { autocomplete: "postal-code", required: true })}${fieldOf("city", w.fields.city, { autocomplete: "address-level2", required: true })}${fieldOf("phone", w.fields.phone, { type: "tel", autocomplete: "tel" })}${fieldOf("email", w.fields.email, { type: "email", autocomplete: "email", required: true })}${fieldOf("password", w.fields.password, { type: "password", autocomplete: "new-password", required: true })}${fieldOf("password2", w.fields.password2, { type: "password", autocomplete: "new-password", required: true })}${checkbox({ name: "terms", label: w.fields.terms, checked: values.terms === "1", errors })}${checkbox({ name: "newsletter", label: w.fields.newsletter, checked: values.newsletter === "1", errors })}<button type="submit">${w.buttons.signUp}</button></form><p>${w.auth.haveAccount} <a href="${framePath(lang, "login")}">${w.nav.login}</a></p>`,
        );
      }

      post("/:lang/sign-up", async (p, f) => {
        const { w } = p;
        const errors: FieldErrors = {};
        const email = (f.email ?? "").trim();
        if (!(f.name ?? "").trim()) errors.name = w.errors.required;
        if (!email) errors.email = w.errors.required;
        if (!f.password) errors.password = w.errors.required;
        else if ([...f.password].length < 10) errors.password = w.errors.passwordWeak;
        if ((f.password ?? "") !== (f.password2 ?? "")) errors.password2 = w.errors.passwordsDiffer;
        if (f.terms !== "1") errors.terms = w.errors.terms;
        for (const k of ["street", "postcode", "city"])
          if (!(f[k] ?? "").trim()) errors[k] = w.errors.required;
        const customer = {
          name: (f.name ?? "").trim(),
          type: f.type === "company" ? ("company" as const) : ("person" as const),
          email,
          language: p.lang,
          ...(f.nip?.trim() ? { nip: f.nip.trim() } : {}),
          ...(f.pesel?.trim() ? { pesel: f.pesel.trim() } : {}),
          ...(f.phone?.trim() ? { mobilePhone: f.phone.trim() } : {}),
          addresses: {
            correspondence: {
              street: (f.street ?? "").trim(),
              postcode: (f.postcode ?? "").trim(),
              city: (f.city ?? "").trim(),
            },
          },
        };
        try {
          // With our own errors the terms go as refused: billing then checks every other field and
          // writes nothing, so the visitor sees all the bad fields at once.
          const ok = Object.keys(errors).length === 0;
          const { session } = await signUp(
            ctx.db,
            {
              customer,
              password: f.password ?? "",
              acceptTerms: ok && f.terms === "1",
              newsletter: f.newsletter === "1",
              ip: p.req.ip,
            },
            { now: ctx.now() },
          );
          setSessionCookie(ctx, p.reply, session.token, session.expiresAt);
          return p.reply.redirect(safeNext(f.next, p.lang), 303);
        } catch (err) {
          if (err instanceof BillingValidationError) {
            for (const issue of err.issues) {
              const name = signUpField(issue.path);
              if (name && !errors[name]) errors[name] = fieldMessage(w, name, issue.message);
            }
          } else if (err instanceof BillingConflictError && err.code === "account_exists") {
            errors.email = w.errors.accountExists;
          } else throw err;
          if (Object.keys(errors).length === 0) errors.name = w.errors.invalid;
          return signUpPage(p, 422, withoutPasswords(f), errors);
        }
      });

      get("/:lang/login", (p) => loginPage(p, 200, {}, {}));

      function loginPage(p: Page, status: number, values: Fields, errors: FieldErrors, alert?: string) {
        const { w, lang } = p;
        const next = String((p.req.query as { next?: unknown }).next ?? values.next ?? "");
        return p.render(
          status,
          w.titles.login,
          "login",
          html`${alert ? html`<p class="alert" role="alert">${alert}</p>` : errorSummary(errors, w.errors.summary)}<form method="post" action="${framePath(lang, "login")}" novalidate>${csrfField(p)}${hidden("next", next)}${field({ name: "email", label: w.fields.email, type: "email", value: values.email ?? "", autocomplete: "username", required: true, errors })}${field({ name: "password", label: w.fields.password, type: "password", autocomplete: "current-password", required: true, errors })}<button type="submit">${w.buttons.login}</button></form><p><a href="${framePath(lang, "password-reset")}">${w.auth.forgot}</a></p><p>${w.auth.noAccount} <a href="${framePath(lang, "sign-up")}${next ? `?next=${encodeURIComponent(next)}` : ""}">${w.nav.signUp}</a></p>`,
        );
      }

      post("/:lang/login", async (p, f) => {
        const { w } = p;
        const errors: FieldErrors = {};
        const email = (f.email ?? "").trim();
        if (!email) errors.email = w.errors.required;
        if (!f.password) errors.password = w.errors.required;
        const values = { email, next: f.next ?? "" };
        if (Object.keys(errors).length > 0) return loginPage(p, 422, values, errors);
        try {
          const session = await logIn(
            ctx.db,
            { realm: "customer", email, password: f.password ?? "", ip: p.req.ip },
            { now: ctx.now() },
          );
          setSessionCookie(ctx, p.reply, session.token, session.expiresAt);
          return p.reply.redirect(safeNext(f.next, p.lang), 303);
        } catch (err) {
          if (err instanceof LoginThrottledError) {
            p.reply.header("Retry-After", String(err.retryAfterSeconds));
            return loginPage(p, 429, values, {}, w.errors.throttled(err.retryAfterSeconds));
          }
          if (err instanceof LoginRefusedError) {
            return loginPage(p, 422, values, { password: w.errors.loginRefused }, w.errors.loginRefused);
          }
          if (err instanceof BillingValidationError) {
            for (const i of err.issues) if (i.path === "email") errors.email = w.errors.email;
            if (Object.keys(errors).length === 0) errors.email = w.errors.loginRefused;
            return loginPage(p, 422, values, errors);
          }
          throw err;
        }
      });

      post("/:lang/logout", async (p) => {
        await logOut(ctx.db, p.v.sessionToken);
        clearSessionCookie(ctx, p.reply);
        return p.redirect("login");
      });

      get("/:lang/password-reset", (p) => {
        const token = String((p.req.query as { t?: unknown }).t ?? "");
        return token ? setPasswordPage(p, 200, token, {}) : resetRequestPage(p, 200, {}, {});
      });

      function resetRequestPage(p: Page, status: number, values: Fields, errors: FieldErrors, done = false) {
        const { w, lang } = p;
        return p.render(
          status,
          w.titles.resetRequest,
          undefined,
          done
            ? html`<p class="notice" role="status">${w.auth.resetSent}</p>`
            : html`${errorSummary(errors, w.errors.summary)}<form method="post" action="${framePath(lang, "password-reset")}" novalidate>${csrfField(p)}${field({ name: "email", label: w.fields.email, type: "email", value: values.email ?? "", autocomplete: "email", required: true, errors })}<button type="submit">${w.buttons.sendReset}</button></form>`,
        );
      }

      post("/:lang/password-reset", async (p, f) => {
        const email = (f.email ?? "").trim();
        if (!email) return resetRequestPage(p, 422, {}, { email: p.w.errors.required });
        try {
          const ticket = await requestPasswordReset(
            ctx.db,
            { realm: "customer", email, ip: p.req.ip },
            { now: ctx.now() },
          );
          if (ticket) await mailResetLink(p, ticket);
        } catch (err) {
          // The same answer whatever happened to this address: no telling who has an account.
          if (err instanceof BillingValidationError) {
            return resetRequestPage(p, 422, { email }, { email: p.w.errors.email });
          }
          if (!(err instanceof LoginThrottledError)) logError(err, { method: "POST", url: p.req.url });
        }
        return resetRequestPage(p, 200, {}, {}, true);
      });

      async function mailResetLink(
        p: Page,
        ticket: { token: string; email: string; name: string; customerId: number | null },
      ): Promise<void> {
        const port = ctx.notify?.ports.email;
        if (!port || !p.seller) {
          logError(
            new Error("no e-mail set up (HRDKIT_SMTP_URL) or no seller: the reset link was not sent"),
            {
              method: "POST",
              url: p.req.url,
            },
          );
          return;
        }
        let lang = p.lang;
        if (ticket.customerId !== null) {
          lang = ((await getCustomer(ctx.db, ticket.customerId).catch(() => undefined))?.language ??
            p.lang) as PageLanguage;
        }
        const w = WORDS[lang === "en" ? "en" : "pl"];
        const base = ctx.notify?.publicUrl ?? `${p.req.protocol}://${p.req.host}`;
        const link = `${base}${framePath(lang === "en" ? "en" : "pl", "password-reset")}?t=${encodeURIComponent(ticket.token)}`;
        const text = w.auth.mailText(ticket.name, link);
        await port.send({
          idempotencyKey: `frames-reset-${ticket.token.slice(0, 16)}`,
          from: { name: p.seller.name, address: ctx.mail?.from ?? p.seller.email },
          to: ticket.email,
          subject: `${w.auth.mailSubject} – ${p.seller.name}`,
          text,
          html: html`<p>${text.split("\n\n")[0]}</p><p><a href="${link}">${link}</a></p><p>${text.split("\n\n").slice(2).join(" ")}</p>`
            .value,
        });
      }

      function setPasswordPage(p: Page, status: number, token: string, errors: FieldErrors) {
        const { w, lang } = p;
        return p.render(
          status,
          w.titles.resetSet,
          undefined,
          html`${errorSummary(errors, w.errors.summary)}<form method="post" action="${framePath(lang, "password-reset/new")}" novalidate>${csrfField(p)}${hidden("t", token)}${field({ name: "password", label: w.fields.newPassword, type: "password", autocomplete: "new-password", required: true, errors })}${field({ name: "password2", label: w.fields.password2, type: "password", autocomplete: "new-password", required: true, errors })}<button type="submit">${w.buttons.setPassword}</button></form>`,
        );
      }

      post("/:lang/password-reset/new", async (p, f) => {
        const { w } = p;
        const token = f.t ?? "";
        const errors = passwordPairErrors(w, f.password, f.password2);
        if (Object.keys(errors).length > 0) return setPasswordPage(p, 422, token, errors);
        try {
          const session = await resetPassword(
            ctx.db,
            { realm: "customer", token, password: f.password ?? "" },
            { now: ctx.now() },
          );
          setSessionCookie(ctx, p.reply, session.token, session.expiresAt);
          return p.redirect("account");
        } catch (err) {
          if (err instanceof ResetTokenInvalidError) {
            return p.render(
              422,
              w.titles.resetSet,
              undefined,
              html`<p class="alert" role="alert">${w.errors.resetInvalid}</p><p><a href="${framePath(p.lang, "password-reset")}">${w.titles.resetRequest}</a></p>`,
            );
          }
          if (err instanceof BillingValidationError) {
            return setPasswordPage(p, 422, token, { password: w.errors.passwordWeak });
          }
          throw err;
        }
      });

      // --- Customer panel ---------------------------------------------------------------------

      get("/:lang/account", async (p) => {
        const id = customerOf(p, framePath(p.lang, "account"));
        if (id === undefined) return;
        const { w, lang } = p;
        const c = await getCustomer(ctx.db, id);
        const links = (["services", "proformas", "invoices", "profile", "password"] as const).map(
          (k) => html`<li><a href="${framePath(lang, k)}">${w.nav[k]}</a></li>`,
        );
        return p.render(
          200,
          w.titles.account,
          "account",
          html`<p>${w.account.hello(c.name)}</p><h2>${w.account.links}</h2><ul>${links}</ul>`,
        );
      });

      get("/:lang/services", async (p) => {
        const id = customerOf(p, framePath(p.lang, "services"));
        if (id === undefined) return;
        const { w } = p;
        const services = await listCustomerServices(ctx.db, id);
        const rows = services.map(
          (s) =>
            html`<tr><td>${s.name}</td><td>${s.expiresOn ?? "—"}</td><td>${w.status[s.status === "expired" ? "expiredService" : s.status] ?? s.status}</td><td>${s.autoRenew ? w.services.autoRenew : w.services.manual}</td></tr>`,
        );
        return p.render(
          200,
          w.titles.services,
          "services",
          rows.length > 0
            ? html`<table><thead><tr><th>${w.services.name}</th><th>${w.services.expires}</th><th>${w.services.status}</th><th>${w.services.renewal}</th></tr></thead><tbody>${rows}</tbody></table>`
            : html`<p>${w.services.none}</p>`,
        );
      });

      get("/:lang/proformas", async (p) => {
        const id = customerOf(p, framePath(p.lang, "proformas"));
        if (id === undefined) return;
        const { w, lang } = p;
        const page = await listProformas(ctx.db, { customerId: id, order: "-id", limit: 100 });
        const rows = page.items.map(
          (d) =>
            html`<tr><td><a href="${framePath(lang, `proformas/${d.id}`)}">${d.number}</a></td><td>${d.issueDate}</td><td>${d.dueDate}</td><td class="num">${pln(d.gross, lang)}</td><td>${w.status[d.status] ?? d.status}</td><td><a href="${framePath(lang, `proformas/${d.id}/pdf`)}" download aria-label="${w.docs.download(d.number)}">${w.docs.pdf}</a></td></tr>`,
        );
        return p.render(
          200,
          w.titles.proformas,
          "proformas",
          rows.length > 0
            ? html`<table><thead><tr><th>${w.docs.number}</th><th>${w.docs.date}</th><th>${w.docs.due}</th><th class="num">${w.docs.gross}</th><th>${w.docs.status}</th><th>${w.docs.pdf}</th></tr></thead><tbody>${rows}</tbody></table>`
            : html`<p>${w.docs.none}</p>`,
        );
      });

      /** The customer's own proforma, or undefined (a 404 page sent) for anyone else's or none. */
      async function ownProforma(p: Page, customerId: number) {
        const id = Number((p.req.params as { id?: string }).id);
        if (!Number.isSafeInteger(id) || id <= 0) return void (await notFound(p.req, p.reply));
        const doc = await getProforma(ctx.db, id).catch((err: unknown) => {
          if (err instanceof BillingNotFoundError) return undefined;
          throw err;
        });
        if (!doc || doc.customerId !== customerId) return void (await notFound(p.req, p.reply));
        return doc;
      }

      get("/:lang/proformas/:id", async (p) => {
        const customerId = customerOf(p, p.req.url);
        if (customerId === undefined) return;
        const doc = await ownProforma(p, customerId);
        if (!doc) return;
        const { w, lang } = p;
        const due = money(Math.max(0, doc.gross - doc.paid), doc.currency);
        const amount = (due.amount / 100).toFixed(2);
        const payUrl =
          ctx.frames?.paymentUrl && doc.status === "issued" && due.amount > 0
            ? ctx.frames.paymentUrl
                .replaceAll("{proforma}", encodeURIComponent(doc.number))
                .replaceAll("{amount}", amount)
            : undefined;
        const justOrdered = doc.status === "issued";
        return p.render(
          200,
          justOrdered ? w.titles.order : doc.number,
          "proformas",
          html`${justOrdered ? html`<p class="notice" role="status">${w.order.thanks(doc.number)}</p>` : ""}<dl><dt>${w.docs.number}</dt><dd>${doc.number}</dd><dt>${w.docs.status}</dt><dd>${w.status[doc.status] ?? doc.status}</dd><dt>${w.order.amount}</dt><dd><strong>${pln(due, lang)}</strong></dd><dt>${w.order.due}</dt><dd>${doc.dueDate}</dd></dl>${
            justOrdered
              ? html`<h2>${w.order.transfer}</h2><dl><dt>${w.order.recipient}</dt><dd>${doc.seller.name}, ${doc.seller.address.street}, ${doc.seller.address.postcode} ${doc.seller.address.city}</dd><dt>${w.order.account}</dt><dd>${formatAccount(doc.bankAccount)}</dd><dt>${w.order.title}</dt><dd>${doc.transferTitle}</dd><dt>${w.order.amount}</dt><dd>${pln(due, lang)}</dd></dl>${payUrl ? html`<p><a class="button" href="${payUrl}" rel="noopener">${w.buttons.payOnline}</a></p>` : ""}<p>${w.order.mail} ${w.order.activation}</p>`
              : ""
          }<p><a href="${framePath(lang, `proformas/${doc.id}/pdf`)}" download>${w.order.pdf}</a></p>`,
        );
      });

      get("/:lang/proformas/:id/pdf", async (p) => {
        const customerId = customerOf(p, p.req.url);
        if (customerId === undefined) return;
        const doc = await ownProforma(p, customerId);
        if (!doc) return;
        // As GET /v1/billing/proformas/:id/pdf renders it: the amount due in words while unpaid.
        const due = doc.gross - doc.paid;
        const pdf = await renderProformaPdf(
          doc,
          due > 0 && doc.status === "issued"
            ? { amountInWords: amountInWords(money(due, doc.currency)) }
            : {},
        );
        return sendFile(p.reply, "application/pdf", documentFileName(doc), pdf);
      });

      get("/:lang/invoices", async (p) => {
        const id = customerOf(p, framePath(p.lang, "invoices"));
        if (id === undefined) return;
        const { w, lang } = p;
        const items = await listInvoices(ctx.db, { customerId: id });
        const rows = items.map(
          (d) =>
            html`<tr><td>${d.number}</td><td>${d.issueDate}</td><td class="num">${pln(money(d.gross, d.currency), lang)}</td><td><a href="${framePath(lang, `invoices/${d.id}/pdf`)}" download aria-label="${w.docs.download(d.number)}">${w.docs.pdf}</a></td></tr>`,
        );
        return p.render(
          200,
          w.titles.invoices,
          "invoices",
          rows.length > 0
            ? html`<table><thead><tr><th>${w.docs.number}</th><th>${w.docs.date}</th><th class="num">${w.docs.gross}</th><th>${w.docs.pdf}</th></tr></thead><tbody>${rows}</tbody></table>`
            : html`<p>${w.docs.none}</p>`,
        );
      });

      get("/:lang/invoices/:id/pdf", async (p) => {
        const customerId = customerOf(p, p.req.url);
        if (customerId === undefined) return;
        const id = Number((p.req.params as { id?: string }).id);
        if (!Number.isSafeInteger(id) || id <= 0) return notFound(p.req, p.reply);
        const doc = await getInvoice(ctx.db, id).catch((err: unknown) => {
          if (err instanceof BillingNotFoundError) return undefined;
          throw err;
        });
        if (!doc || doc.customerId !== customerId) return notFound(p.req, p.reply);
        const pdf = await renderInvoicePdf(doc, { mode: "original" });
        return sendFile(p.reply, "application/pdf", documentFileName(doc), pdf);
      });

      get("/:lang/profile", async (p) => {
        const id = customerOf(p, framePath(p.lang, "profile"));
        if (id === undefined) return;
        return profilePage(p, 200, profileValues(await getCustomer(ctx.db, id)), {});
      });

      function profileValues(c: Customer): Fields {
        const a = c.addresses.correspondence;
        return {
          name: c.name,
          phone: c.mobilePhone ?? "",
          street: a?.street ?? "",
          postcode: a?.postcode ?? "",
          city: a?.city ?? "",
        };
      }

      function profilePage(p: Page, status: number, values: Fields, errors: FieldErrors, saved = false) {
        const { w, lang } = p;
        const f = (name: string, label: string, extra: Partial<Parameters<typeof field>[0]> = {}) =>
          field({ name, label, value: values[name] ?? "", errors, ...extra });
        return p.render(
          status,
          w.titles.profile,
          "profile",
          html`${saved ? html`<p class="notice" role="status">${w.auth.profileSaved}</p>` : errorSummary(errors, w.errors.summary)}<form method="post" action="${framePath(lang, "profile")}" novalidate>${csrfField(p)}${f("name", w.fields.name, { autocomplete: "name", required: true })}${f("street", w.fields.street, { autocomplete: "street-address", required: true })}${f("postcode", w.fields.postcode, { autocomplete: "postal-code", required: true })}${f("city", w.fields.city, { autocomplete: "address-level2", required: true })}${f("phone", w.fields.phone, { type: "tel", autocomplete: "tel" })}<button type="submit">${w.buttons.save}</button></form><p><a href="${framePath(lang, "password")}">${w.titles.password}</a></p>`,
        );
      }

      post("/:lang/profile", async (p, f) => {
        const id = customerOf(p, framePath(p.lang, "profile"));
        if (id === undefined) return;
        const { w } = p;
        const values: Fields = {
          name: (f.name ?? "").trim(),
          phone: (f.phone ?? "").trim(),
          street: (f.street ?? "").trim(),
          postcode: (f.postcode ?? "").trim(),
          city: (f.city ?? "").trim(),
        };
        const errors: FieldErrors = {};
        for (const k of ["name", "street", "postcode", "city"]) if (!values[k]) errors[k] = w.errors.required;
        if (Object.keys(errors).length > 0) return profilePage(p, 422, values, errors);
        try {
          const c = await updateCustomer(ctx.db, id, {
            name: values.name!,
            mobilePhone: values.phone ? values.phone : null,
            addresses: {
              correspondence: { street: values.street!, postcode: values.postcode!, city: values.city! },
            },
          });
          return profilePage(p, 200, profileValues(c), {}, true);
        } catch (err) {
          if (!(err instanceof BillingValidationError)) throw err;
          for (const issue of err.issues) {
            const name = signUpField(`customer.${issue.path}`);
            if (name && !errors[name]) errors[name] = fieldMessage(w, name, issue.message);
          }
          if (Object.keys(errors).length === 0) errors.name = w.errors.invalid;
          return profilePage(p, 422, values, errors);
        }
      });

      get("/:lang/password", (p) => {
        if (customerOf(p, framePath(p.lang, "password")) === undefined) return;
        return passwordPage(p, 200, {});
      });

      function passwordPage(p: Page, status: number, errors: FieldErrors, done = false) {
        const { w, lang } = p;
        return p.render(
          status,
          w.titles.password,
          "profile",
          html`${done ? html`<p class="notice" role="status">${w.auth.passwordChanged}</p>` : errorSummary(errors, w.errors.summary)}<form method="post" action="${framePath(lang, "password")}" novalidate>${csrfField(p)}${field({ name: "currentPassword", label: w.fields.currentPassword, type: "password", autocomplete: "current-password", required: true, errors })}${field({ name: "password", label: w.fields.newPassword, type: "password", autocomplete: "new-password", required: true, errors })}${field({ name: "password2", label: w.fields.password2, type: "password", autocomplete: "new-password", required: true, errors })}<button type="submit">${w.buttons.save}</button></form>`,
        );
      }

      post("/:lang/password", async (p, f) => {
        if (customerOf(p, framePath(p.lang, "password")) === undefined) return;
        const { w } = p;
        const errors = passwordPairErrors(w, f.password, f.password2);
        if (!f.currentPassword) errors.currentPassword = w.errors.required;
        if (Object.keys(errors).length > 0) return passwordPage(p, 422, errors);
        try {
          await changePassword(
            ctx.db,
            {
              session: p.v.session!,
              currentPassword: f.currentPassword ?? "",
              newPassword: f.password ?? "",
            },
            { now: ctx.now() },
          );
          return passwordPage(p, 200, {}, true);
        } catch (err) {
          if (err instanceof LoginRefusedError)
            return passwordPage(p, 422, { currentPassword: w.errors.currentPassword });
          if (err instanceof LoginThrottledError) {
            return passwordPage(p, 429, { currentPassword: w.errors.throttled(err.retryAfterSeconds) });
          }
          if (err instanceof BillingValidationError) {
            const e: FieldErrors = {};
            for (const i of err.issues) {
              if (/current/i.test(i.path)) e.currentPassword = w.errors.currentPassword;
              else e.password = w.errors.passwordWeak;
            }
            return passwordPage(p, 422, e);
          }
          throw err;
        }
      });
    },
    { prefix: "/frames" },
  );
}

/** Errors of a new password typed twice. */
function passwordPairErrors(w: Words, password: string | undefined, again: string | undefined): FieldErrors {
  const errors: FieldErrors = {};
  if (!password) errors.password = w.errors.required;
  else if ([...password].length < 10) errors.password = w.errors.passwordWeak;
  if ((password ?? "") !== (again ?? "")) errors.password2 = w.errors.passwordsDiffer;
  return errors;
}

/** The form field a billing issue path names (`customer.addresses.correspondence.city` → city). */
function signUpField(path: string): string | undefined {
  const p = path.replace(/^customer\./, "");
  if (p === "password") return "password";
  if (p === "acceptTerms") return "terms";
  if (p === "mobilePhone") return "phone";
  const m = /^addresses\.correspondence\.(street|postcode|city)$/.exec(p);
  if (m) return m[1];
  if (p === "addresses.correspondence" || p === "addresses") return "street";
  if (["name", "email", "nip", "pesel"].includes(p)) return p;
  if (p === "type") return "nip";
  return undefined;
}

/** The visitor's-language message for a field billing refused. */
function fieldMessage(w: Words, name: string, _billingMessage: string): string {
  switch (name) {
    case "email":
      return w.errors.email;
    case "pesel":
      return w.errors.pesel;
    case "nip":
      return w.errors.nip;
    case "postcode":
      return w.errors.postcode;
    case "phone":
      return w.errors.phone;
    case "password":
      return w.errors.passwordWeak;
    case "terms":
      return w.errors.terms;
    default:
      return w.errors.invalid;
  }
}

const withoutPasswords = (f: Fields): Fields => {
  const { password: _p, password2: _p2, csrf: _c, ...rest } = f;
  return rest;
};

/** An NRB in groups of four, as printed on Polish documents: "61 1090 1014 …". */
function formatAccount(account: string): string {
  const a = account.replace(/\s/g, "");
  const digits = a.replace(/^PL/, "");
  return `${a.startsWith("PL") ? "PL " : ""}${digits.slice(0, 2)} ${digits
    .slice(2)
    .replace(/(.{4})/g, "$1 ")
    .trim()}`;
}

/**
 * For the partner's page (GET /frames/embed.js): resizes every iframe whose src is on the bridge
 * when the frame posts its height. Only messages from that iframe's own window count.
 */
export const EMBED_JS = `(function(){addEventListener("message",function(e){var d=e.data;if(!d||d.type!=="hrdkit:height"||typeof d.height!=="number")return;var f=document.querySelectorAll("iframe");for(var i=0;i<f.length;i++){if(f[i].contentWindow===e.source){f[i].style.height=Math.ceil(d.height)+"px";}}});})();\n`;
