/**
 * The frames' page: the partner's logo, accent colour and banner around each page, navigation that
 * keeps the language, and a one-line script that tells the embedding page how tall the frame is
 * (`parent.postMessage({type:"hrdkit:height",height}, "*")`). No external assets, no build step;
 * the CSS fits a phone first.
 */
import { createHash } from "node:crypto";
import { formatMoney, type Money, type SellerSettings } from "@hrdkit/billing";
import type { FastifyReply } from "fastify";
import { html, raw, type SafeHtml } from "../web/html.js";
import type { PageLanguage } from "../web/lang.js";
import { WORDS } from "./words.js";

/**
 * Posts the height on load and whenever the page's size changes. Only inside a frame; `*` as the
 * target: the height is no secret, and the partner's origin is not known to the page.
 */
export const HEIGHT_SCRIPT =
  "(function(){if(window.parent===window)return;var h=0;function s(){var n=document.documentElement.scrollHeight;" +
  'if(n!==h){h=n;parent.postMessage({type:"hrdkit:height",height:n},"*")}}addEventListener("load",s);' +
  "if(window.ResizeObserver)new ResizeObserver(s).observe(document.body);else setInterval(s,500)})();";

/** The CSP hash of the one inline script: no 'unsafe-inline' for scripts. */
const SCRIPT_HASH = `'sha256-${createHash("sha256").update(HEIGHT_SCRIPT).digest("base64")}'`;

const DEFAULT_ACCENT = "#1f4e8c";

/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
export function textOn(hex: string): "#000" | "#fff" {
  const c = [1, 3, 5].map((i) => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const l = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  // Contrast with white (1.05 / (l + 0.05)) against black ((l + 0.05) / 0.05).
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? "#fff" : "#000";
}

function css(accent: string): string {
  const on = textOn(accent);
  // The accent as text needs 4.5:1 on white: a light accent colours buttons only, text stays dark.
  const link = on === "#fff" ? accent : "#1a1a1a";
  return (
    `:root{--a:${accent};--on:${on};--l:${link}}` +
    "*{box-sizing:border-box}.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:9}body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;" +
    "color:#1a1a1a;background:#fff}a{color:var(--l)}header{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;" +
    "padding:.75rem 1rem;border-bottom:3px solid var(--a)}header img{max-height:48px;max-width:180px}" +
    "nav ul{display:flex;flex-wrap:wrap;gap:.25rem .9rem;list-style:none;margin:0;padding:0}" +
    "nav a[aria-current]{font-weight:700}main{max-width:48rem;margin:0 auto;padding:1rem}" +
    ".banner{display:block;text-align:center;margin:.5rem auto}.banner img{max-width:100%;height:auto}" +
    "h1{font-size:1.5rem;margin:.5rem 0 1rem}label{display:block;font-weight:600;margin:.75rem 0 .25rem}" +
    "input[type=text],input[type=email],input[type=password],input[type=tel],input[type=search],select{width:100%;" +
    "max-width:28rem;padding:.55rem;font:inherit;border:1px solid #6b6b6b;border-radius:4px}" +
    ".check label{display:inline;font-weight:400}.check{margin:.75rem 0}" +
    "button,.button{display:inline-block;font:inherit;padding:.6rem 1.1rem;margin:.5rem 0;border:0;border-radius:4px;" +
    "background:var(--a);color:var(--on);cursor:pointer;text-decoration:none}button.link{background:none;color:var(--l);" +
    "padding:0;text-decoration:underline}:focus-visible{outline:3px solid #111;outline-offset:2px}" +
    ".error{color:#a4000f;font-size:.95rem;margin:.2rem 0}[aria-invalid=true]{border-color:#a4000f!important}" +
    ".notice{padding:.75rem;border-left:4px solid var(--a);background:#f4f6f8}.alert{padding:.75rem;" +
    "border-left:4px solid #a4000f;background:#fdf0f0}table{border-collapse:collapse;width:100%}" +
    "th,td{text-align:left;padding:.45rem .3rem;border-bottom:1px solid #ddd;vertical-align:top}" +
    "td.num,th.num{text-align:right;white-space:nowrap}.inline{display:inline}footer{padding:1rem;text-align:center;" +
    "color:#555;font-size:.875rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dd{margin:0}" +
    "@media (max-width:30rem){header{justify-content:center}th,td{padding:.4rem .15rem}}"
  );
}

/** The branding a page is dressed in, read once per request from the seller settings. */
export interface Branding {
  name: string;
  accent: string;
  hasLogo: boolean;
  banner?: SellerSettings["banner"];
}

export function brandingOf(seller: SellerSettings | undefined): Branding {
  return {
    name: seller?.name ?? "",
    accent:
      seller?.accentColor && /^#[0-9a-fA-F]{6}$/.test(seller.accentColor)
        ? seller.accentColor
        : DEFAULT_ACCENT,
    hasLogo: seller?.logoPath !== undefined,
    ...(seller?.banner ? { banner: seller.banner } : {}),
  };
}

export type NavKey = keyof (typeof WORDS)["pl"]["nav"];

export interface PageOptions {
  lang: PageLanguage;
  branding: Branding;
  title: string;
  /** The nav entry of this page (aria-current). */
  current?: NavKey;
  /** Logged in: the customer's name (shown) and the logout form's token. */
  user?: { name: string; csrf: string };
  /** This page's path in the other language (the language switch). */
  otherLanguagePath: string;
  cartCount: number;
}

export const framePath = (lang: PageLanguage, page: string): string => `/frames/${lang}/${page}`;

/** A whole page around `body`. */
export function layout(o: PageOptions, body: SafeHtml): string {
  const w = WORDS[o.lang];
  const link = (key: NavKey, page: string, extra: SafeHtml | string = "") =>
    html`<li><a href="${framePath(o.lang, page)}"${o.current === key ? raw(' aria-current="page"') : ""}>${w.nav[key]}${extra}</a></li>`;
  const items = [
    link("domains", "domains"),
    link("cart", "cart", o.cartCount > 0 ? ` (${o.cartCount})` : ""),
    ...(o.user
      ? [
          link("account", "account"),
          link("services", "services"),
          link("proformas", "proformas"),
          link("invoices", "invoices"),
          link("profile", "profile"),
          html`<li><form method="post" action="${framePath(o.lang, "logout")}" class="inline"><input type="hidden" name="csrf" value="${o.user.csrf}"><button class="link" type="submit">${w.nav.logout}</button></form></li>`,
        ]
      : [link("login", "login"), link("signUp", "sign-up")]),
    html`<li><a href="${o.otherLanguagePath}" lang="${o.lang === "pl" ? "en" : "pl"}" hreflang="${o.lang === "pl" ? "en" : "pl"}">${w.nav.language}</a></li>`,
  ];
  const b = o.branding;
  const logo = b.hasLogo ? html`<img src="/frames/logo" alt="${b.name}">` : html`<strong>${b.name}</strong>`;
  const bannerImg = b.banner ? html`<img src="${b.banner.imageUrl}" alt="${b.banner.alt}">` : "";
  const banner = b.banner
    ? b.banner.link
      ? html`<a class="banner" href="${b.banner.link}" target="_blank" rel="noopener">${bannerImg}</a>`
      : html`<div class="banner">${bannerImg}</div>`
    : "";
  const page = html`<!doctype html><html lang="${o.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><link rel="icon" href="data:,"><title>${o.title}${b.name ? ` – ${b.name}` : ""}</title><style>${raw(css(b.accent))}</style></head><body><a href="#main" class="skip">${w.skip}</a><header>${logo}<nav aria-label="${b.name || "menu"}"><ul>${items}</ul></nav></header>${banner}<main id="main"><h1>${o.title}</h1>${body}</main><footer>${b.name}</footer><script>${raw(HEIGHT_SCRIPT)}</script></body></html>`;
  return page.value;
}

/**
 * Sends a page with its security headers: a CSP that allows only this page's own styles, the one
 * hashed script and forms posting here, and framing by the partner's origins only.
 */
export function sendPage(
  reply: FastifyReply,
  status: number,
  page: string,
  ancestors: readonly string[],
): FastifyReply {
  const frameAncestors = ancestors.length > 0 ? ancestors.join(" ") : "'self'";
  reply
    .status(status)
    .header(
      "Content-Security-Policy",
      `default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; script-src ${SCRIPT_HASH}; ` +
        `form-action 'self'; frame-ancestors ${frameAncestors}; base-uri 'none'`,
    )
    .header("X-Content-Type-Options", "nosniff")
    .header("Referrer-Policy", "same-origin")
    .header("Cache-Control", "no-store")
    .type("text/html; charset=utf-8");
  // X-Frame-Options cannot list origins: only when no partner site may frame the pages.
  if (ancestors.length === 0) reply.header("X-Frame-Options", "SAMEORIGIN");
  return reply.send(page);
}

/** Polish money: "1 234,56 zł"; English: "PLN 1,234.56" (billing's formatting). */
export function pln(m: Money, lang: PageLanguage): string {
  return formatMoney(m, lang);
}
