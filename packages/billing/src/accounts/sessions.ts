/**
 * Sessions: the cookie carries a random 32-byte token; the table holds only its SHA-256, so a
 * copy of the database (or a backup) opens no session. A session ends after an idle time, and in
 * any case some hours after the login (the absolute end), whichever comes first.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/db.js";
import { ESCALATION_LOOKBACK_SECONDS } from "./throttle.js";
import type { ClockOption, NewSession, Realm, Session } from "./types.js";

export interface SessionLimits {
  /** A session unused this long ends. */
  idleSeconds: number;
  /** A session ends this long after the login, however busy. */
  absoluteSeconds: number;
}

/** Customers: 2 h idle, 12 h in all; staff (who can see every customer): 1 h idle, 10 h in all. */
export const SESSION_LIMITS: Readonly<Record<Realm, SessionLimits>> = {
  customer: { idleSeconds: 2 * 60 * 60, absoluteSeconds: 12 * 60 * 60 },
  staff: { idleSeconds: 60 * 60, absoluteSeconds: 10 * 60 * 60 },
};

/** readSession moves the idle end at most this often, so browsing a page is not a write per request. */
export const SESSION_REFRESH_SECONDS = 60;

/** Cookie tokens and reset tokens: 32 random bytes, base64url (43 characters). */
export const newToken = (): string => randomBytes(32).toString("base64url");

export const tokenHash = (token: string): Buffer => createHash("sha256").update(token).digest();

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Whether `token` could be one of ours (anything else is not looked up at all). */
export const tokenShaped = (token: string | undefined): token is string =>
  typeof token === "string" && TOKEN_SHAPE.test(token);

export const clockOf = (o?: ClockOption): Date => o?.now ?? new Date();

const plus = (d: Date, seconds: number) => new Date(d.getTime() + seconds * 1000);

/** Opens a session for `loginId` (inside the caller's transaction, when there is one). */
export async function openSession(db: Db, realm: Realm, loginId: number, now: Date): Promise<NewSession> {
  const token = newToken();
  const limits = SESSION_LIMITS[realm];
  const endsAt = plus(now, limits.absoluteSeconds);
  const expiresAt = plus(now, Math.min(limits.idleSeconds, limits.absoluteSeconds));
  await db.query(
    `INSERT INTO login_sessions (token_hash, public_id, realm, login_id, created_at, last_seen_at, expires_at, ends_at)
     VALUES ($1, $2, $3, $4, $5, $5, $6, $7)`,
    // The public id is random too (not the row id), so it tells nothing about how many sessions exist.
    [tokenHash(token), randomBytes(16).toString("base64url"), realm, loginId, now, expiresAt, endsAt],
  );
  return { token, expiresAt };
}

interface SessionRow {
  id: string | number;
  public_id: string;
  realm: Realm;
  login_id: number;
  customer_id: number | null;
  staff_id: number | null;
  email: string;
  name: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  ends_at: Date;
}

/** The live session of `token` in `realm` (sliding expiry), or null. */
export async function readSession(
  db: Db,
  realm: Realm,
  token: string | undefined,
  o?: ClockOption,
): Promise<Session | null> {
  if (!tokenShaped(token) || (realm !== "customer" && realm !== "staff")) return null;
  const now = clockOf(o);
  const { rows } = await db.query<SessionRow>(
    `SELECT s.id, s.public_id, s.realm, s.login_id, l.customer_id, l.staff_id, l.email,
            coalesce(c.name, st.name) AS name, s.created_at, s.last_seen_at, s.expires_at, s.ends_at
     FROM login_sessions s
     JOIN logins l ON l.id = s.login_id
     LEFT JOIN customers c ON c.id = l.customer_id
     LEFT JOIN staff st ON st.id = l.staff_id
     WHERE s.token_hash = $1 AND s.realm = $2 AND s.expires_at > $3
       AND (st.id IS NULL OR NOT st.disabled)`,
    [tokenHash(token), realm, now],
  );
  const r = rows[0];
  if (!r) return null;
  let expiresAt = new Date(r.expires_at);
  if (now.getTime() - new Date(r.last_seen_at).getTime() >= SESSION_REFRESH_SECONDS * 1000) {
    const idleEnd = plus(now, SESSION_LIMITS[realm].idleSeconds);
    const endsAt = new Date(r.ends_at);
    expiresAt = idleEnd < endsAt ? idleEnd : endsAt;
    // Only ever forward: a page served late with an older clock must not shorten the session.
    await db.query(
      `UPDATE login_sessions SET last_seen_at = $2, expires_at = $3
       WHERE id = $1 AND last_seen_at < $2`,
      [r.id, now, expiresAt],
    );
  }
  return {
    id: r.public_id,
    realm: r.realm,
    customerId: r.customer_id,
    staffId: r.staff_id,
    email: r.email,
    name: r.name,
    createdAt: new Date(r.created_at),
    expiresAt,
  };
}

/** Ends the session of `token` (no error when there is none). */
export async function logOut(db: Db, token: string | undefined): Promise<void> {
  if (!tokenShaped(token)) return;
  await db.query("DELETE FROM login_sessions WHERE token_hash = $1", [tokenHash(token)]);
}

/** Ends every session of a login, but the one with public id `keep` (if any). */
export async function endSessions(db: Db, loginId: number, keep?: string): Promise<number> {
  const r = await db.query(
    "DELETE FROM login_sessions WHERE login_id = $1 AND public_id IS DISTINCT FROM $2",
    [loginId, keep ?? null],
  );
  return r.rowCount;
}

/**
 * Deletes what can no longer be used: expired sessions, reset tokens that are used or expired,
 * and throttle records older than the throttle looks back. Returns how many rows went.
 */
export async function purgeExpiredSessions(db: Db, o?: ClockOption): Promise<number> {
  const now = clockOf(o);
  const sessions = await db.query("DELETE FROM login_sessions WHERE expires_at <= $1", [now]);
  const tokens = await db.query(
    "DELETE FROM login_reset_tokens WHERE expires_at <= $1 OR used_at IS NOT NULL",
    [now],
  );
  const attempts = await db.query("DELETE FROM login_attempts WHERE at <= $1", [
    new Date(now.getTime() - ESCALATION_LOOKBACK_SECONDS * 1000),
  ]);
  return sessions.rowCount + tokens.rowCount + attempts.rowCount;
}
