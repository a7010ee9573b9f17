/**
 * The panel's plumbing: who is looking (the staff session from its cookie), in which language,
 * the CSRF check of every POST, the redirect to the login page, and how a refusal becomes a page.
 * The routes themselves (pages-*.ts) call the same billing and bridge functions the JSON routes do.
 */
import { BillingConflictError, BillingValidationError, readSession, type Session } from "@hrdkit/billing";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { BridgeContext } from "../app.js";
import { BridgeError } from "../errors.js";
import { audit } from "../store.js";
import { parseCookies, serializeCookie } from "../web/cookies.js";
import { csrfToken, csrfValid, randomToken } from "../web/csrf.js";
import type { Fields, FormFile } from "../web/forms.js";
import { html } from "../web/html.js";
import { type PageLanguage, pageLanguage } from "../web/lang.js";
import { type FieldErrors, PANEL, type PageContext, page, sendPage } from "./layout.js";
import { WORDS } from "./words.js";

export const SESSION_COOKIE = "hrdkit_panel";
/** A random per-browser id: what the login form's CSRF token is bound to before there is a session. */
export const BROWSER_COOKIE = "hrdkit_panel_b";
export const LANG_COOKIE = "hrdkit_panel_lang";

/** The body of a panel POST: fields, and the files of a multipart form. */
export interface PanelBody {
  fields: Fields;
  files: FormFile[];
}

export const bodyOf = (req: FastifyRequest): PanelBody => {
  const b = req.body as Partial<PanelBody> | undefined;
  return { fields: b?.fields ?? {}, files: b?.files ?? [] };
};

/**
 * The form-token secret. HRDKIT_PANEL_SECRET when set (several bridge instances behind one
 * address need the same one); otherwise random per process, so a restart only makes open forms
 * ask for a reload.
 */
const secrets = new WeakMap<BridgeContext, string>();
export function panelSecret(ctx: BridgeContext): string {
  let s = secrets.get(ctx);
  if (!s) {
    s = process.env.HRDKIT_PANEL_SECRET || randomToken();
    secrets.set(ctx, s);
  }
  return s;
}

const state = new WeakMap<FastifyRequest, PageContext>();

/** The page context the preHandler resolved for this request. */
export const pc = (req: FastifyRequest): PageContext => state.get(req) as PageContext;

/** Paths anyone may open: the login page and the stylesheet. */
const OPEN = new Set([`${PANEL}/login`, `${PANEL}/panel.css`, `${PANEL}/icon.svg`]);

/** A local panel path to return to after login; anything else (another site, `//x`) → the start page. */
export function safeNext(next: unknown): string {
  return typeof next === "string" && /^\/panel(\/[\w\-/?=&%.]*)?$/.test(next) && !next.startsWith("//")
    ? next
    : PANEL;
}

/**
 * Runs before every panel route: language (`?lang=` remembered in a cookie, else the browser's),
 * the session, the login redirect, and the CSRF check of POSTs (bound to Session.id, or before
 * login to the browser cookie). A refused POST has written nothing: this runs before the handler.
 */
export async function resolvePage(
  ctx: BridgeContext,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const cookies = parseCookies(req.headers.cookie);
  const query = (req.query ?? {}) as Record<string, unknown>;
  const setCookies: string[] = [];
  let lang: PageLanguage;
  if (query.lang === "pl" || query.lang === "en") {
    lang = query.lang;
    setCookies.push(serializeCookie(LANG_COOKIE, lang, { path: PANEL, maxAge: 365 * 86400 }));
  } else if (cookies[LANG_COOKIE] === "pl" || cookies[LANG_COOKIE] === "en") {
    lang = cookies[LANG_COOKIE];
  } else lang = pageLanguage(req.headers["accept-language"]);

  const token = cookies[SESSION_COOKIE];
  const session: Session | null = token
    ? await readSession(ctx.db, "staff", token, { now: ctx.now() })
    : null;
  let bindTo = session?.id;
  if (!bindTo) {
    bindTo = cookies[BROWSER_COOKIE];
    if (!bindTo || !/^[\w-]{20,100}$/.test(bindTo)) {
      bindTo = randomToken();
      setCookies.push(serializeCookie(BROWSER_COOKIE, bindTo, { path: PANEL }));
    }
  }
  if (setCookies.length > 0) reply.header("set-cookie", setCookies);
  const p: PageContext = {
    lang,
    w: WORDS[lang],
    session,
    csrf: csrfToken(panelSecret(ctx), bindTo),
    path: req.url,
  };
  state.set(req, p);

  const path = req.url.split("?")[0]!;
  if (!session && !OPEN.has(path)) {
    const next = req.method === "GET" ? `?next=${encodeURIComponent(req.url)}` : "";
    return reply.redirect(`${PANEL}/login${next}`, 303);
  }
  if (req.method === "POST") {
    const given = bodyOf(req).fields._csrf;
    if (!csrfValid(panelSecret(ctx), bindTo, given)) {
      return sendPage(reply, 403, page(p, p.w.forbiddenTitle, html`<p>${p.w.forbidden}</p>`));
    }
  }
  return undefined;
}

/** Field names of the billing/bridge issues (`amount.amount` → `amount`), renamed to the form's fields. */
export function fieldErrors(err: unknown, rename: Record<string, string> = {}): FieldErrors | null {
  const issues =
    err instanceof BillingValidationError
      ? err.issues
      : err instanceof BridgeError && err.issues && err.status === 400
        ? err.issues
        : null;
  if (!issues) return null;
  const out: FieldErrors = {};
  for (const i of issues) {
    const path = i.path.replace(/\.(amount|currency)$/, "");
    const name = rename[path] ?? (path || "form");
    out[name] = out[name] ? `${out[name]}; ${i.message}` : i.message;
  }
  return out;
}

/** A refusal that is not about a field (a conflict: unpaid, already cancelled, HRD balance short). */
export function conflictMessage(err: unknown): string | null {
  if (err instanceof BillingConflictError) return err.message;
  if (err instanceof BridgeError && err.status >= 400 && err.status < 500 && err.status !== 400)
    return err.message;
  return null;
}

/** A line in the audit log for a change a staff member made (the log page shows both kinds). */
export async function auditStaff(
  ctx: BridgeContext,
  req: FastifyRequest,
  action: string,
  target: string | number | undefined,
  statusCode: number,
): Promise<void> {
  const p = pc(req);
  await audit(ctx.db, {
    method: req.method,
    route: req.routeOptions.url ?? req.url.split("?")[0]!,
    ...(target === undefined ? {} : { target: String(target) }),
    statusCode,
    outcome: statusCode < 400 ? "ok" : "error",
    detail: { action, staffId: p.session?.staffId ?? null, staff: p.session?.name ?? null },
  }).catch(() => undefined);
}

/** Redirect after a POST (so a reload does not post again), with a message key for the next page. */
export function done(reply: FastifyReply, to: string, msg: string): FastifyReply {
  return reply.redirect(`${to}${to.includes("?") ? "&" : "?"}msg=${encodeURIComponent(msg)}`, 303);
}

/** The session cookie: HttpOnly, Secure, SameSite=Lax, the panel's path only. */
export const sessionCookie = (token: string, maxAge?: number) =>
  serializeCookie(SESSION_COOKIE, token, {
    path: PANEL,
    sameSite: "Lax",
    secure: true,
    httpOnly: true,
    ...(maxAge === undefined ? {} : { maxAge }),
  });
