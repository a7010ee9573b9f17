/**
 * CSRF for server-rendered forms: every form carries a token that is an HMAC of the visitor's
 * session id (or, before login, of a random per-browser id kept in a cookie) under a server
 * secret. A forged cross-site POST rides on the cookies but cannot know the token; comparing in
 * constant time keeps the token from leaking byte by byte.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh random id (session ids, per-browser ids, secrets): 32 bytes, base64url. */
export const randomToken = (): string => randomBytes(32).toString("base64url");

/** The form token for `bindTo` (a session or browser id). */
export function csrfToken(secret: string, bindTo: string): string {
  return createHmac("sha256", secret).update(`csrf:${bindTo}`).digest("base64url");
}

/** Whether `given` is the form token for `bindTo`. */
export function csrfValid(secret: string, bindTo: string, given: string | undefined): boolean {
  if (!given || !bindTo) return false;
  const want = Buffer.from(csrfToken(secret, bindTo));
  const got = Buffer.from(given);
  return got.length === want.length && timingSafeEqual(got, want);
}
