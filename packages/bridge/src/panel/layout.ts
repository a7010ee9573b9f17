/**
 * The panel's page shell: a skip link, the navigation, the logged-in staff member with a logout
 * form, the language switch, and the content. No script at all; one stylesheet served by the
 * panel itself (so the Content-Security-Policy can forbid inline styles and every other origin).
 * Layout is one column on a phone, tables scroll sideways, contrast is at least 4.5:1, and focus
 * is always visible.
 */
import type { Session } from "@hrdkit/billing";
import type { FastifyReply } from "fastify";
import { type HtmlValue, html, raw, type SafeHtml } from "../web/html.js";
import type { PageLanguage } from "../web/lang.js";
import { type PanelWords, WORDS } from "./words.js";

export const PANEL = "/panel";

export const PANEL_CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#111827;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
a{color:#1d4ed8}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}.skip:focus{left:.5rem}
header{background:#1f2937;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header a{color:#fff}header .brand{font-weight:700;margin-right:auto;color:#fff;text-decoration:none}
header form{display:inline;margin:0}header button{background:#374151;color:#fff;border:1px solid #9ca3af}
nav ul{list-style:none;margin:0;padding:.25rem 1rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem;background:#e5e7eb}
nav a{display:inline-block;padding:.4rem .2rem;color:#111827}nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
section,.card{background:#fff;border-radius:8px;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr))}
.big{font-size:1.6rem;font-weight:700}
.table{overflow-x:auto}table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #e5e7eb;vertical-align:top}th{background:#f9fafb}
td.num,th.num{text-align:right;white-space:nowrap}
form.inline{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end}
label{display:block;font-weight:600;margin:.25rem 0}
input,select,textarea{font:inherit;padding:.45rem .5rem;border:1px solid #6b7280;border-radius:6px;background:#fff;color:#111827;max-width:100%}
.field{margin:0 0 .75rem}.field.bad input,.field.bad select{border-color:#b91c1c;border-width:2px}
.err{color:#b91c1c;font-weight:600;margin:.2rem 0 0}
button,.button{font:inherit;padding:.5rem 1rem;border:0;border-radius:6px;background:#1d4ed8;color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.danger{background:#b91c1c}button.secondary{background:#4b5563}
.notice{padding:.75rem 1rem;border-radius:6px;margin:0 0 1rem;border-left:4px solid}
.ok{background:#ecfdf5;border-color:#047857}.warn{background:#fffbeb;border-color:#b45309}.bad{background:#fef2f2;border-color:#b91c1c}
.muted{color:#4b5563}ul.todo li{margin:.3rem 0}
.status-paid,.status-done,.status-sent,.status-delivered{color:#047857;font-weight:600}
.status-failed,.status-cancelled,.status-expired,.status-unsendable{color:#b91c1c;font-weight:600}
@media (max-width:40rem){main{padding:.5rem}h1{font-size:1.35rem}}
`;

/** The tab's icon; named in every page, or the browser asks the signed API for /favicon.ico. */
export const PANEL_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1d4ed8"/>' +
  '<path d="M4 12V4h4.5a2.5 2.5 0 0 1 0 5H4" fill="none" stroke="#fff" stroke-width="2"/></svg>';

export interface PageContext {
  lang: PageLanguage;
  w: PanelWords;
  session: Session | null;
  csrf: string;
  /** The request path with its query, for the language switch. */
  path: string;
}

const NAV = [
  ["start", ""],
  ["customers", "/customers"],
  ["proformas", "/proformas"],
  ["services", "/services"],
  ["payments", "/payments"],
  ["invoices", "/invoices"],
  ["notifications", "/notifications"],
  ["prices", "/prices"],
  ["logs", "/logs"],
] as const;

export type NavKey = (typeof NAV)[number][0];

/** The current address with `lang` set to the other language. */
function switchLanguage(path: string, to: PageLanguage): string {
  const url = new URL(path, "http://panel.invalid");
  url.searchParams.set("lang", to);
  return `${url.pathname}${url.search}`;
}

/** The hidden CSRF field every POST form carries. */
export const csrfField = (p: PageContext): SafeHtml =>
  html`<input type="hidden" name="_csrf" value="${p.csrf}">`;

/** A whole page. */
export function page(p: PageContext, title: string, body: HtmlValue, active?: NavKey): string {
  const other: PageLanguage = p.lang === "pl" ? "en" : "pl";
  const header = p.session
    ? html`<header><a class="brand" href="${PANEL}">${p.w.panel}</a>
<span>${p.w.loggedAs} ${p.session.name}</span>
<a href="${switchLanguage(p.path, other)}" lang="${other}" hreflang="${other}">${p.w.language}</a>
<form method="post" action="${PANEL}/logout">${csrfField(p)}<button type="submit">${p.w.logout}</button></form></header>
<nav aria-label="${p.w.panel}"><ul>${NAV.map(
        ([key, path]) =>
          html`<li><a href="${PANEL}${path}"${active === key ? raw(' aria-current="page"') : ""}>${p.w.nav[key]}</a></li>`,
      )}</ul></nav>`
    : html`<header><span class="brand">${p.w.panel}</span>
<a href="${switchLanguage(p.path, other)}" lang="${other}" hreflang="${other}">${p.w.language}</a></header>`;
  return html`<!doctype html><html lang="${p.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex,nofollow"><meta name="referrer" content="same-origin">
<title>${title} — ${p.w.panel}</title><link rel="stylesheet" href="${PANEL}/panel.css">
<link rel="icon" href="${PANEL}/icon.svg" type="image/svg+xml"></head>
<body><a class="skip" href="#main">${p.w.skip}</a>${header}
<main id="main" tabindex="-1"><h1>${title}</h1>${body}</main></body></html>`.value;
}

/**
 * Sends a page with headers that keep it to itself: only the panel's own stylesheet loads, no
 * script runs, forms post only here, no other site may frame it, and nothing is cached.
 */
export function sendPage(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .status(status)
    .header(
      "Content-Security-Policy",
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
    .header("X-Frame-Options", "DENY")
    .header("X-Content-Type-Options", "nosniff")
    .header("Referrer-Policy", "same-origin")
    .header("Cache-Control", "no-store")
    .type("text/html; charset=utf-8")
    .send(body);
}

/** Field-level messages: form field name → message. */
export type FieldErrors = Record<string, string>;

/** A labelled input with its message (linked by aria-describedby, and aria-invalid when bad). */
export function field(
  name: string,
  label: string,
  o: {
    value?: string;
    type?: string;
    errors?: FieldErrors;
    required?: boolean;
    autocomplete?: string;
    inputmode?: string;
    prefix?: string;
  } = {},
): SafeHtml {
  const id = `${o.prefix ?? "f"}-${name}`;
  const error = o.errors?.[name];
  return html`<div class="field${error ? " bad" : ""}"><label for="${id}">${label}</label>
<input id="${id}" name="${name}" type="${o.type ?? "text"}" value="${o.value ?? ""}"${o.required ? raw(" required") : ""}${
    o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ""
  }${o.inputmode ? html` inputmode="${o.inputmode}"` : ""}${error ? html` aria-invalid="true" aria-describedby="${id}-err"` : ""}>
${error ? html`<p class="err" id="${id}-err">${error}</p>` : ""}</div>`;
}

/** A labelled select. */
export function select(
  name: string,
  label: string,
  options: readonly (readonly [string, string])[],
  o: { value?: string; errors?: FieldErrors; prefix?: string } = {},
): SafeHtml {
  const id = `${o.prefix ?? "f"}-${name}`;
  const error = o.errors?.[name];
  return html`<div class="field${error ? " bad" : ""}"><label for="${id}">${label}</label>
<select id="${id}" name="${name}"${error ? html` aria-invalid="true" aria-describedby="${id}-err"` : ""}>${options.map(
    ([v, text]) =>
      html`<option value="${v}"${v === (o.value ?? "") ? raw(" selected") : ""}>${text}</option>`,
  )}</select>${error ? html`<p class="err" id="${id}-err">${error}</p>` : ""}</div>`;
}

/** The summary above a refused form: every bad field's message (status 422 pages). */
export function errorSummary(p: PageContext, errors: FieldErrors, labels: Record<string, string>): SafeHtml {
  const keys = Object.keys(errors);
  if (keys.length === 0) return html``;
  return html`<div class="notice bad" role="alert"><p><strong>${p.w.refused}</strong></p><ul>${keys.map(
    (k) => html`<li>${labels[k] ?? k}: ${errors[k]}</li>`,
  )}</ul></div>`;
}

/** A message after a redirect (?done=…) or a refusal that is not about a field. */
export const flash = (kind: "ok" | "warn" | "bad", text: string | undefined): SafeHtml =>
  text ? html`<div class="notice ${kind}" role="status">${text}</div>` : html``;

/** A table that scrolls sideways on a phone; `rows` empty → the "nothing here" line. */
export function table(
  p: PageContext,
  caption: string,
  head: HtmlValue[],
  rows: HtmlValue[][],
  numeric: number[] = [],
): SafeHtml {
  if (rows.length === 0) return html`<p class="muted">${p.w.none}</p>`;
  const cls = (i: number) => (numeric.includes(i) ? raw(' class="num"') : "");
  return html`<div class="table" role="region" aria-label="${caption}" tabindex="0"><table><caption class="skip">${caption}</caption>
<thead><tr>${head.map((h, i) => html`<th scope="col"${cls(i)}>${h}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((c, i) => html`<td${cls(i)}>${c}</td>`)}</tr>`)}</tbody></table></div>`;
}

export { WORDS };
