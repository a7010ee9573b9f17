/** The `logins` table: one row per (realm, e-mail), with its scrypt hash. */
import { type Db, sqlState } from "../db/db.js";
import { BillingConflictError } from "../errors.js";
import type { PasswordHash } from "./passwords.js";
import type { Realm } from "./types.js";

export interface LoginRow {
  id: number;
  realm: Realm;
  email: string;
  customerId: number | null;
  staffId: number | null;
  /** The customer's or staff member's name. */
  name: string;
  /** A disabled staff member (always false for customers). */
  disabled: boolean;
  password: PasswordHash;
}

interface Raw {
  id: number;
  realm: Realm;
  email: string;
  customer_id: number | null;
  staff_id: number | null;
  name: string;
  disabled: boolean | null;
  password_hash: Uint8Array;
  password_salt: Uint8Array;
  scrypt_n: number;
  scrypt_r: number;
  scrypt_p: number;
}

const SELECT = `SELECT l.id, l.realm, l.email, l.customer_id, l.staff_id, coalesce(c.name, st.name) AS name,
    st.disabled, l.password_hash, l.password_salt, l.scrypt_n, l.scrypt_r, l.scrypt_p
  FROM logins l LEFT JOIN customers c ON c.id = l.customer_id LEFT JOIN staff st ON st.id = l.staff_id`;

// pg gives bytea as a Buffer, PGlite as a Uint8Array.
const toRow = (r: Raw): LoginRow => ({
  id: r.id,
  realm: r.realm,
  email: r.email,
  customerId: r.customer_id,
  staffId: r.staff_id,
  name: r.name,
  disabled: r.disabled === true,
  password: {
    hash: Buffer.from(r.password_hash),
    salt: Buffer.from(r.password_salt),
    params: { N: r.scrypt_n, r: r.scrypt_r, p: r.scrypt_p },
  },
});

/** The login of `email` in `realm` (case-insensitive). */
export async function findLogin(db: Db, realm: Realm, email: string): Promise<LoginRow | undefined> {
  const { rows } = await db.query<Raw>(`${SELECT} WHERE l.realm = $1 AND lower(l.email) = lower($2)`, [
    realm,
    email.trim(),
  ]);
  return rows[0] && toRow(rows[0]);
}

export async function loginById(db: Db, id: number): Promise<LoginRow | undefined> {
  const { rows } = await db.query<Raw>(`${SELECT} WHERE l.id = $1`, [id]);
  return rows[0] && toRow(rows[0]);
}

export const accountExists = () =>
  new BillingConflictError(
    "an account with this e-mail already exists: log in, or set a new password with a reset link",
    "account_exists",
  );

export interface NewLogin {
  realm: Realm;
  email: string;
  customerId?: number;
  staffId?: number;
  password: PasswordHash;
  terms?: { acceptedAt: Date; version: string };
  now: Date;
}

/** Inserts a login; an e-mail that already has one in the realm → `account_exists`. */
export async function insertLogin(db: Db, l: NewLogin): Promise<number> {
  try {
    // A savepoint: the unique violation must not abort the caller's transaction before it can answer.
    return await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO logins (realm, email, customer_id, staff_id, password_hash, password_salt, scrypt_n,
           scrypt_r, scrypt_p, password_changed_at, terms_accepted_at, terms_version, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $10) RETURNING id`,
        [
          l.realm,
          l.email,
          l.customerId ?? null,
          l.staffId ?? null,
          l.password.hash,
          l.password.salt,
          l.password.params.N,
          l.password.params.r,
          l.password.params.p,
          l.now,
          l.terms?.acceptedAt ?? null,
          l.terms?.version ?? null,
        ],
      );
      return rows[0]!.id;
    });
  } catch (err) {
    if (sqlState(err) === "23505") throw accountExists();
    throw err;
  }
}

export async function setPassword(db: Db, loginId: number, password: PasswordHash, now: Date): Promise<void> {
  await db.query(
    `UPDATE logins SET password_hash = $2, password_salt = $3, scrypt_n = $4, scrypt_r = $5, scrypt_p = $6,
       password_changed_at = $7 WHERE id = $1`,
    [loginId, password.hash, password.salt, password.params.N, password.params.r, password.params.p, now],
  );
}

/** Every reset link of the login (or of the customer, before it had a login) stops working. */
export async function voidResetTokens(
  db: Db,
  who: { loginId?: number | null; customerId?: number | null },
  now: Date,
): Promise<void> {
  await db.query(
    `UPDATE login_reset_tokens SET used_at = $3
     WHERE used_at IS NULL AND (login_id = $1 OR customer_id = $2)`,
    [who.loginId ?? null, who.customerId ?? null, now],
  );
}
