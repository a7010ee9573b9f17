/**
 * The throttle of logins and reset requests, in the database (so every bridge instance sees the
 * same counts). A rule "limit within window" refuses when the latest `limit` attempts all fall
 * inside the window; an escalating rule widens the window (and so the wait) by two for every
 * further `limit` attempts within a day: 15 min, 30 min, 1 h … up to a day.
 */
import { createHash } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import type { Db } from "../db/db.js";
import { LoginThrottledError, type Realm } from "./types.js";

export interface ThrottleRule {
  limit: number;
  windowSeconds: number;
  /** Double the window for every further `limit` attempts within ESCALATION_LOOKBACK_SECONDS. */
  escalate: boolean;
}

/** The throttle's values (documented in docs/billing/accounts.*.md). */
export const THROTTLE = {
  /** Failed logins to one e-mail (in one realm). */
  loginPerEmail: { limit: 5, windowSeconds: 15 * 60, escalate: true },
  /** Failed logins from one address (an IPv6 /64), any e-mail, any realm. */
  loginPerIp: { limit: 20, windowSeconds: 15 * 60, escalate: true },
  /** Reset requests for one e-mail, known or not. */
  resetPerEmail: { limit: 5, windowSeconds: 60 * 60, escalate: false },
  /** Reset requests from one address. */
  resetPerIp: { limit: 20, windowSeconds: 60 * 60, escalate: false },
} as const satisfies Record<string, ThrottleRule>;

/** How far back escalation counts attempts, the longest wait, and how long attempts are kept. */
export const ESCALATION_LOOKBACK_SECONDS = 24 * 60 * 60;

export type AttemptKind = "login" | "reset";

export const emailKey = (email: string): Buffer =>
  createHash("sha256").update(email.trim().toLowerCase()).digest();

/**
 * The address as the throttle counts it: IPv4 as is (also when IPv4-mapped), IPv6 cut to its
 * /64 (one customer line gets a whole /64, so single addresses would be free to rotate).
 * Anything else (no address, junk) → null: only the per-e-mail rule applies.
 */
export function ipKey(ip: string | undefined): string | null {
  if (!ip) return null;
  const a = ip.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) return mapped[1]!;
  if (isIPv4(a)) return a;
  if (!isIPv6(a)) return null;
  const [head = "", tail = ""] = a.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = a.includes("::") && tail ? tail.split(":") : [];
  // An embedded IPv4 tail counts as two groups; it only ever sits in the low 64 bits.
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

interface Key {
  kind: AttemptKind;
  realm: Realm;
  emailHash: Buffer;
  ip: string | null;
}

/** Seconds until `rule` lets the next attempt through (0: now). */
async function waitFor(
  db: Db,
  rule: ThrottleRule,
  where: string,
  params: unknown[],
  now: Date,
): Promise<number> {
  const lookback = rule.escalate ? ESCALATION_LOOKBACK_SECONDS : rule.windowSeconds;
  // count(*) OVER () is computed before LIMIT: the number of attempts in the whole lookback.
  const { rows } = await db.query<{ at: Date; n: string | number }>(
    `SELECT at, count(*) OVER () AS n FROM login_attempts
     WHERE ${where} AND at > $${params.length + 1} AND at <= $${params.length + 2}
     ORDER BY at DESC LIMIT ${rule.limit}`,
    [...params, new Date(now.getTime() - lookback * 1000), now],
  );
  if (rows.length < rule.limit) return 0;
  const level = rule.escalate ? Math.floor(Number(rows[0]!.n) / rule.limit) : 1;
  const windowMs = Math.min(rule.windowSeconds * 2 ** (level - 1), ESCALATION_LOOKBACK_SECONDS) * 1000;
  const until = new Date(rows[rule.limit - 1]!.at).getTime() + windowMs;
  return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0;
}

/** Throws LoginThrottledError when the e-mail's or the address's rule refuses the attempt. */
export async function checkThrottle(db: Db, key: Key, now: Date): Promise<void> {
  const byEmail = key.kind === "login" ? THROTTLE.loginPerEmail : THROTTLE.resetPerEmail;
  const byIp = key.kind === "login" ? THROTTLE.loginPerIp : THROTTLE.resetPerIp;
  let wait = await waitFor(
    db,
    byEmail,
    "kind = $1 AND realm = $2 AND email_hash = $3",
    [key.kind, key.realm, key.emailHash],
    now,
  );
  if (key.ip !== null) {
    wait = Math.max(wait, await waitFor(db, byIp, "kind = $1 AND ip = $2", [key.kind, key.ip], now));
  }
  if (wait > 0) throw new LoginThrottledError(wait);
}

/** Counts an attempt (a login is recorded before its password is checked, and forgiven on success). */
export async function recordAttempt(db: Db, key: Key, now: Date): Promise<void> {
  await db.query("INSERT INTO login_attempts (kind, realm, email_hash, ip, at) VALUES ($1, $2, $3, $4, $5)", [
    key.kind,
    key.realm,
    key.emailHash,
    key.ip,
    now,
  ]);
}

/** A successful login forgets the e-mail's failed logins (the address's stay counted). */
export async function clearLoginFailures(db: Db, realm: Realm, emailHash: Buffer): Promise<void> {
  await db.query("DELETE FROM login_attempts WHERE kind = 'login' AND realm = $1 AND email_hash = $2", [
    realm,
    emailHash,
  ]);
}
