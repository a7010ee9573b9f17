/**
 * Cookies for server-rendered pages, in-house: @fastify/cookie's current major needs cookie@2,
 * which wants Node 22 (STACK.md). Names and values here are our own tokens (base64url), so the
 * format is the simple subset of RFC 6265.
 */

/** The Cookie header's pairs; the first of a repeated name wins (the most specific path). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";").slice(0, 100)) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!name || name in out) continue;
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

export interface CookieOptions {
  /** Seconds; 0 deletes the cookie; absent → a session cookie. */
  maxAge?: number;
  path?: string;
  /**
   * `None` is needed inside an iframe on the partner's own site (a third-party context), and
   * requires Secure; `Lax` when the pages are served directly under the partner's host name.
   */
  sameSite?: "Lax" | "Strict" | "None";
  /** Default true. Browsers accept Secure cookies from http://localhost (tests). */
  secure?: boolean;
  /** Default true: no script reads our cookies. */
  httpOnly?: boolean;
}

/** One Set-Cookie header value. */
export function serializeCookie(name: string, value: string, o: CookieOptions = {}): string {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`bad cookie name ${name}`);
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${o.path ?? "/"}`];
  if (o.maxAge !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(o.maxAge))}`);
  if (o.httpOnly ?? true) parts.push("HttpOnly");
  if (o.secure ?? true) parts.push("Secure");
  parts.push(`SameSite=${o.sameSite ?? "Lax"}`);
  return parts.join("; ");
}
