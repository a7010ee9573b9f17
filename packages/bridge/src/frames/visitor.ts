/**
 * Who is looking at a frame: the customer's session (billing's accounts, cookie `hk_session`),
 * a random per-browser id before login (cookie `hk_browser`, what form tokens are bound to until
 * there is a session), and the cart (cookie `hk_cart`, signed, so a visitor cannot put a name or a
 * period in it that the pages did not). Cookies are SameSite=None; Secure when partners' sites
 * frame the pages (a third-party iframe gets no Lax cookies), SameSite=Lax otherwise.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { readSession, type Session } from "@hrdkit/billing";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { BridgeContext } from "../app.js";
import { type CookieOptions, parseCookies, serializeCookie } from "../web/cookies.js";
import { csrfToken, csrfValid, randomToken } from "../web/csrf.js";

export const SESSION_COOKIE = "hk_session";
export const BROWSER_COOKIE = "hk_browser";
export const CART_COOKIE = "hk_cart";

/** At most this many lines in a cart: a cookie stays well under 4 kB. */
export const CART_MAX = 20;

export interface CartItem {
  /** The domain as the customer reads it (Unicode). */
  name: string;
  tld: string;
  period: number;
}

export interface Cart {
  items: CartItem[];
  code?: string;
}

export interface Visitor {
  session: Session | null;
  /** The cookie's token (to log out). */
  sessionToken?: string;
  /** What form tokens are bound to: the session id, or before login the browser id. */
  bindTo: string;
  csrf: string;
  cart: Cart;
}

export interface FramesKeys {
  secret: string;
  ancestors: readonly string[];
}

export function framesKeys(ctx: BridgeContext): FramesKeys {
  if (!ctx.frames) {
    // A context built by hand (tests, an embedding app) without frame settings: a key per context.
    ctx.frames = { ancestors: [], secret: randomToken() };
  }
  return ctx.frames;
}

export function cookieOptions(keys: FramesKeys, maxAge?: number): CookieOptions {
  const framed = keys.ancestors.some((a) => a !== "'self'");
  return {
    path: "/frames",
    sameSite: framed ? "None" : "Lax",
    secure: true,
    httpOnly: true,
    ...(maxAge === undefined ? {} : { maxAge }),
  };
}

const sign = (secret: string, value: string) =>
  createHmac("sha256", secret).update(`cart:${value}`).digest("base64url");

export function encodeCart(secret: string, cart: Cart): string {
  const value = Buffer.from(JSON.stringify(cart)).toString("base64url");
  return `${value}.${sign(secret, value)}`;
}

/** The cart in the cookie; an empty one when it is missing, altered or malformed. */
export function decodeCart(secret: string, cookie: string | undefined): Cart {
  const [value, mac] = (cookie ?? "").split(".");
  if (!value || !mac) return { items: [] };
  const want = Buffer.from(sign(secret, value));
  const got = Buffer.from(mac);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return { items: [] };
  try {
    const c = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Cart;
    const items = Array.isArray(c.items)
      ? c.items
          .filter(
            (i) =>
              typeof i?.name === "string" &&
              typeof i.tld === "string" &&
              Number.isInteger(i.period) &&
              i.period >= 1 &&
              i.period <= 10,
          )
          .slice(0, CART_MAX)
      : [];
    return { items, ...(typeof c.code === "string" && c.code ? { code: c.code } : {}) };
  } catch {
    return { items: [] };
  }
}

/** Reads the visitor; sets the browser-id cookie on a first visit. */
export async function readVisitor(
  ctx: BridgeContext,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<Visitor> {
  const keys = framesKeys(ctx);
  const cookies = parseCookies(req.headers.cookie);
  const token = cookies[SESSION_COOKIE];
  const session = token ? await readSession(ctx.db, "customer", token, { now: ctx.now() }) : null;
  let browser = cookies[BROWSER_COOKIE];
  if (!browser || !/^[\w-]{43}$/.test(browser)) {
    browser = randomToken();
    addCookie(reply, serializeCookie(BROWSER_COOKIE, browser, cookieOptions(keys)));
  }
  const bindTo = session ? `s:${session.id}` : `b:${browser}`;
  return {
    session,
    ...(session && token ? { sessionToken: token } : {}),
    bindTo,
    csrf: csrfToken(keys.secret, bindTo),
    cart: decodeCart(keys.secret, cookies[CART_COOKIE]),
  };
}

export const csrfOk = (ctx: BridgeContext, v: Visitor, given: string | undefined): boolean =>
  csrfValid(framesKeys(ctx).secret, v.bindTo, given);

/** Adds a Set-Cookie header, keeping those already set on the reply. */
export function addCookie(reply: FastifyReply, cookie: string): void {
  const had = reply.getHeader("set-cookie");
  const list = had === undefined ? [] : Array.isArray(had) ? had.map(String) : [String(had)];
  reply.header("set-cookie", [...list, cookie]);
}

export function saveCart(ctx: BridgeContext, reply: FastifyReply, cart: Cart): void {
  const keys = framesKeys(ctx);
  addCookie(
    reply,
    serializeCookie(CART_COOKIE, encodeCart(keys.secret, cart), cookieOptions(keys, 30 * 86400)),
  );
}

export function setSessionCookie(
  ctx: BridgeContext,
  reply: FastifyReply,
  token: string,
  expiresAt: Date,
): void {
  const keys = framesKeys(ctx);
  const seconds = Math.max(60, Math.floor((expiresAt.getTime() - ctx.now().getTime()) / 1000));
  addCookie(reply, serializeCookie(SESSION_COOKIE, token, cookieOptions(keys, seconds)));
}

export function clearSessionCookie(ctx: BridgeContext, reply: FastifyReply): void {
  addCookie(reply, serializeCookie(SESSION_COOKIE, "", cookieOptions(framesKeys(ctx), 0)));
}
