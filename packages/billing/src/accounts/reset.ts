/** Password reset links: one-time tokens, stored as SHA-256, valid for an hour. */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingValidationError } from "../errors.js";
import { parseInput } from "../validate.js";
import { findLogin, insertLogin, setPassword, voidResetTokens } from "./logins.js";
import { hashPassword, passwordIssues } from "./passwords.js";
import { clockOf, endSessions, newToken, openSession, tokenHash, tokenShaped } from "./sessions.js";
import { checkThrottle, emailKey, ipKey, recordAttempt } from "./throttle.js";
import {
  type ClockOption,
  type NewSession,
  type PasswordResetRequest,
  type PasswordResetTicket,
  type Realm,
  ResetTokenInvalidError,
} from "./types.js";

/** How long a reset link works. */
export const RESET_TOKEN_SECONDS = 60 * 60;

const realmSchema = z.enum(["customer", "staff"], "must be customer or staff");

const requestSchema = z.object({
  realm: realmSchema,
  email: z.string("must be text").max(1000, "is too long"),
  ip: z.string("must be text").max(100).optional(),
});

/**
 * A one-time reset ticket to mail, or null when no such login (the page says the same either
 * way). A customer with an e-mail but no login yet gets a ticket too: setting the password
 * creates the login (customers the partner entered by hand). A disabled staff member gets none.
 * Every request counts against the throttle (LoginThrottledError), known e-mail or not.
 */
export async function requestPasswordReset(
  db: Db,
  input: PasswordResetRequest,
  o?: ClockOption,
): Promise<PasswordResetTicket | null> {
  const v = parseInput("requestPasswordReset", requestSchema, input);
  const now = clockOf(o);
  const key = { kind: "reset" as const, realm: v.realm, emailHash: emailKey(v.email), ip: ipKey(v.ip) };
  await checkThrottle(db, key, now);
  await recordAttempt(db, key, now);
  if (!v.email.trim()) return null;
  let target: { loginId: number | null; customerId: number | null; email: string; name: string } | undefined;
  const login = await findLogin(db, v.realm, v.email);
  if (login) {
    if (login.disabled) return null;
    target = { loginId: login.id, customerId: login.customerId, email: login.email, name: login.name };
  } else if (v.realm === "customer") {
    // The oldest customer with this e-mail and no login (an e-mail is one login per realm).
    const { rows } = await db.query<{ id: number; email: string; name: string }>(
      `SELECT c.id, c.email, c.name FROM customers c
       WHERE lower(c.email) = lower($1) AND NOT EXISTS (SELECT 1 FROM logins l WHERE l.customer_id = c.id)
       ORDER BY c.id LIMIT 1`,
      [v.email.trim()],
    );
    const c = rows[0];
    if (c) target = { loginId: null, customerId: c.id, email: c.email, name: c.name };
  }
  if (!target) return null;
  const token = newToken();
  const expiresAt = new Date(now.getTime() + RESET_TOKEN_SECONDS * 1000);
  await db.query(
    `INSERT INTO login_reset_tokens (token_hash, realm, login_id, customer_id, email, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [tokenHash(token), v.realm, target.loginId, target.customerId, target.email, now, expiresAt],
  );
  return { token, expiresAt, email: target.email, name: target.name, customerId: target.customerId };
}

interface TokenRow {
  id: string | number;
  login_id: number | null;
  customer_id: number | null;
  email: string;
  login_email: string | null;
  disabled: boolean | null;
  expires_at: Date;
  used_at: Date | null;
}

async function liveToken(db: Db, realm: Realm, token: string, now: Date, lock = ""): Promise<TokenRow> {
  const { rows } = await db.query<TokenRow>(
    `SELECT t.id, t.login_id, t.customer_id, t.email, l.email AS login_email, st.disabled, t.expires_at, t.used_at
     FROM login_reset_tokens t
     LEFT JOIN logins l ON l.id = t.login_id
     LEFT JOIN staff st ON st.id = l.staff_id
     WHERE t.token_hash = $1 AND t.realm = $2 ${lock}`,
    [tokenHash(token), realm],
  );
  const t = rows[0];
  if (!t || t.used_at !== null || new Date(t.expires_at) <= now || t.disabled === true)
    throw new ResetTokenInvalidError();
  return t;
}

const resetSchema = z.object({
  realm: realmSchema,
  token: z.string("must be text"),
  password: z.unknown(),
});

/**
 * Sets the password from a ticket, ends every session of that login and opens a new one. An
 * unknown, used or expired link → ResetTokenInvalidError; a password against the rules →
 * BillingValidationError on `password` (the link stays usable).
 */
export async function resetPassword(
  db: Db,
  input: { realm: Realm; token: string; password: string },
  o?: ClockOption,
): Promise<NewSession> {
  const v = parseInput("resetPassword", resetSchema, input);
  const now = clockOf(o);
  if (!tokenShaped(v.token)) throw new ResetTokenInvalidError();
  const first = await liveToken(db, v.realm, v.token, now);
  const issues = passwordIssues("password", v.password, first.login_email ?? first.email);
  if (issues.length > 0) throw new BillingValidationError("resetPassword", issues);
  const password = await hashPassword(v.password as string);
  return db.transaction(async (tx) => {
    // Again, locked: two uses of one link at once must not both pass.
    const t = await liveToken(tx, v.realm, v.token, now, "FOR UPDATE OF t");
    let loginId = t.login_id;
    if (loginId === null) {
      // A customer without a login: this link makes it (or found one another link made meanwhile).
      const { rows } = await tx.query<{ id: number }>("SELECT id FROM logins WHERE customer_id = $1", [
        t.customer_id,
      ]);
      loginId = rows[0]?.id ?? null;
    }
    if (loginId === null) {
      loginId = await insertLogin(tx, {
        realm: "customer",
        email: t.email,
        customerId: t.customer_id!,
        password,
        now,
      });
    } else {
      await setPassword(tx, loginId, password, now);
    }
    await tx.query("UPDATE login_reset_tokens SET used_at = $2 WHERE id = $1", [t.id, now]);
    await voidResetTokens(tx, { loginId, customerId: t.customer_id }, now);
    await endSessions(tx, loginId);
    return openSession(tx, v.realm, loginId, now);
  });
}
