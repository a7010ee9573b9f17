/**
 * The partner panel, `/panel/…`: server-rendered pages for the partner's staff over the same
 * billing and bridge functions the JSON API calls. Public to the request-signature hook (a
 * browser cannot sign), guarded by the staff session cookie and CSRF tokens instead (core.ts),
 * left out of the OpenAPI document.
 */
import { LoginRefusedError, LoginThrottledError, logIn, logOut } from "@hrdkit/billing";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { BridgeContext } from "../app.js";
import { parseCookies } from "../web/cookies.js";
import { formFields, multipartParts } from "../web/forms.js";
import { html } from "../web/html.js";
import { pageLanguage } from "../web/lang.js";
import {
  bodyOf,
  done,
  type PanelBody,
  pc,
  resolvePage,
  SESSION_COOKIE,
  safeNext,
  sessionCookie,
} from "./core.js";
import {
  csrfField,
  errorSummary,
  type FieldErrors,
  field,
  flash,
  PANEL,
  PANEL_CSS,
  PANEL_ICON,
  type PageContext,
  page,
  sendPage,
} from "./layout.js";
import { customerPages } from "./pages-customers.js";
import { listPages } from "./pages-lists.js";
import { proformaPages } from "./pages-proformas.js";
import { startPage } from "./pages-start.js";
import { WORDS } from "./words.js";

/** Forms are small; a bank statement upload is at most 1 MiB, as over the JSON API. */
const FORM_LIMIT = 64 * 1024;
const UPLOAD_LIMIT = 1024 * 1024 + 64 * 1024;

export type Handler = (req: FastifyRequest, reply: FastifyReply, p: PageContext) => Promise<unknown>;

/** Registers panel routes with the options every one of them needs. */
export interface PanelRouter {
  get(path: string, handler: Handler): void;
  post(path: string, handler: Handler): void;
}

function loginPage(
  p: PageContext,
  o: { email?: string; errors?: FieldErrors; message?: string; info?: string; next?: string },
) {
  const w = p.w;
  const errors = o.errors ?? {};
  return page(
    p,
    w.loginTitle,
    html`${flash("ok", o.info)}${flash("bad", o.message)}${errorSummary(p, errors, { email: w.email, password: w.password })}
<section><form method="post" action="${PANEL}/login" novalidate>${csrfField(p)}
<input type="hidden" name="next" value="${o.next ?? ""}">
${field("email", w.email, { type: "email", value: o.email ?? "", errors, required: true, autocomplete: "username" })}
${field("password", w.password, { type: "password", errors, required: true, autocomplete: "current-password" })}
<button type="submit">${w.logIn}</button></form></section>`,
  );
}

export function panelRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  app.register(async (scope) => {
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: FORM_LIMIT },
      (_req, body, done) => done(null, { fields: formFields(body as string), files: [] } satisfies PanelBody),
    );
    scope.addContentTypeParser(
      "multipart/form-data",
      { parseAs: "buffer", bodyLimit: UPLOAD_LIMIT },
      (req, body, done) =>
        done(null, multipartParts(body as Buffer, String(req.headers["content-type"])) satisfies PanelBody),
    );
    scope.addHook("preHandler", (req, reply) => resolvePage(ctx, req, reply));
    // Whatever goes wrong is answered as a page (a person is looking at it), never JSON.
    scope.setErrorHandler((err, req, reply) => {
      const status = (err as { statusCode?: number }).statusCode;
      // A body refused before the preHandler ran (size, content type): a page all the same.
      const lang = pageLanguage(req.headers["accept-language"]);
      const p = pc(req) ?? { lang, w: WORDS[lang], session: null, csrf: "", path: req.url };
      if (status === 413 || status === 415 || status === 400) {
        return sendPage(reply, status, page(p, p.w.errorTitle, html`<p>${(err as Error).message}</p>`));
      }
      if ((err as { code?: string }).code === "not_found") {
        return sendPage(reply, 404, page(p, p.w.notFoundTitle, html`<p>${p.w.notFound}</p>`));
      }
      (ctx.logError ?? ((e: unknown) => console.error("hrdkit panel:", e)))(err, {
        method: req.method,
        url: req.url.split("?")[0]!,
      });
      return sendPage(reply, 500, page(p, p.w.errorTitle, html`<p>${p.w.error}</p>`));
    });

    const opts = { config: { public: true }, schema: { hide: true } } as const;
    const router: PanelRouter = {
      get: (path, handler) => scope.get(path, opts, (req, reply) => handler(req, reply, pc(req))),
      post: (path, handler) => scope.post(path, opts, (req, reply) => handler(req, reply, pc(req))),
    };

    scope.get(`${PANEL}/panel.css`, opts, async (_req, reply) =>
      reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=3600").send(PANEL_CSS),
    );

    scope.get(`${PANEL}/icon.svg`, opts, async (_req, reply) =>
      reply.type("image/svg+xml").header("cache-control", "public, max-age=86400").send(PANEL_ICON),
    );

    router.get(`${PANEL}/login`, async (req, reply, p) => {
      const q = req.query as Record<string, string | undefined>;
      if (p.session) return reply.redirect(safeNext(q.next), 303);
      const info = q.msg === "loggedout" ? p.w.loggedOut : undefined;
      return sendPage(reply, 200, loginPage(p, { next: q.next ?? "", ...(info ? { info } : {}) }));
    });

    router.post(`${PANEL}/login`, async (req, reply, p) => {
      const f = bodyOf(req).fields;
      const email = (f.email ?? "").trim();
      const password = f.password ?? "";
      const errors: FieldErrors = {};
      if (!email) errors.email = p.w.required;
      if (!password) errors.password = p.w.required;
      if (Object.keys(errors).length > 0)
        return sendPage(reply, 422, loginPage(p, { email, errors, next: f.next }));
      try {
        const s = await logIn(ctx.db, { realm: "staff", email, password, ip: req.ip }, { now: ctx.now() });
        reply.header("set-cookie", sessionCookie(s.token));
        return reply.redirect(safeNext(f.next), 303);
      } catch (err) {
        if (err instanceof LoginThrottledError) {
          reply.header("retry-after", String(err.retryAfterSeconds));
          return sendPage(
            reply,
            429,
            loginPage(p, { email, message: p.w.throttled(err.retryAfterSeconds), next: f.next }),
          );
        }
        if (err instanceof LoginRefusedError) {
          return sendPage(reply, 401, loginPage(p, { email, message: p.w.loginRefused, next: f.next }));
        }
        throw err;
      }
    });

    router.post(`${PANEL}/logout`, async (req, reply) => {
      await logOut(ctx.db, parseCookies(req.headers.cookie)[SESSION_COOKIE]);
      reply.header("set-cookie", sessionCookie("", 0));
      return done(reply, `${PANEL}/login`, "loggedout");
    });

    startPage(router, ctx);
    proformaPages(router, ctx);
    customerPages(router, ctx);
    listPages(router, ctx);
  });
}
