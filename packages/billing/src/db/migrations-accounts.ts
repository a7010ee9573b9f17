import type { Migration } from "./migrations.js";

/**
 * Logins to the web pages (accounts/): customers in the partner's frames, staff in the partner
 * panel. Nothing here can open a session on its own: passwords are scrypt hashes, and session
 * and reset tokens are kept only as their SHA-256 (a 32-byte random token needs no salt).
 *
 * - logins: one per (realm, e-mail), e-mail compared case-insensitively. The scrypt parameters
 *   are stored beside each hash, so they can be raised later and old hashes still verify.
 * - staff: the partner's people; a disabled member keeps the row (history) but cannot log in.
 * - login_sessions: `public_id` is a random, non-secret id (CSRF binding, logs); `ends_at` is
 *   the absolute end, `expires_at` the sliding one (never after `ends_at`).
 * - login_reset_tokens: a customer the partner entered by hand has no login yet; the token then
 *   names the customer, and setting the password creates the login.
 * - login_attempts: the throttle's memory (failed logins, reset requests), keyed by the SHA-256
 *   of the lower-cased e-mail (what was typed may be a password typed in the wrong field) and by
 *   the address; purged after a day.
 */
export const ACCOUNTS_MIGRATIONS: readonly Migration[] = [
  {
    id: "0011-accounts",
    sql: `
      CREATE TABLE staff (
        id serial PRIMARY KEY,
        email text NOT NULL CHECK (email <> ''),
        name text NOT NULL CHECK (name <> ''),
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL
      );
      CREATE UNIQUE INDEX staff_email ON staff (lower(email));

      CREATE TABLE logins (
        id serial PRIMARY KEY,
        realm text NOT NULL CHECK (realm IN ('customer', 'staff')),
        email text NOT NULL CHECK (email <> ''),
        customer_id int REFERENCES customers (id) ON DELETE CASCADE,
        staff_id int REFERENCES staff (id) ON DELETE CASCADE,
        password_hash bytea NOT NULL,
        password_salt bytea NOT NULL CHECK (length(password_salt) >= 16),
        scrypt_n int NOT NULL CHECK (scrypt_n > 1),
        scrypt_r int NOT NULL CHECK (scrypt_r > 0),
        scrypt_p int NOT NULL CHECK (scrypt_p > 0),
        password_changed_at timestamptz NOT NULL,
        -- the terms of service a customer accepted at sign-up (null: a login made from a reset link)
        terms_accepted_at timestamptz,
        terms_version text,
        created_at timestamptz NOT NULL,
        CHECK ((realm = 'customer') = (customer_id IS NOT NULL)),
        CHECK ((realm = 'staff') = (staff_id IS NOT NULL)),
        CHECK ((terms_accepted_at IS NULL) = (terms_version IS NULL)),
        CHECK (realm = 'customer' OR terms_accepted_at IS NULL)
      );
      CREATE UNIQUE INDEX logins_email ON logins (realm, lower(email));
      CREATE UNIQUE INDEX logins_customer ON logins (customer_id) WHERE customer_id IS NOT NULL;
      CREATE UNIQUE INDEX logins_staff ON logins (staff_id) WHERE staff_id IS NOT NULL;

      CREATE TABLE login_sessions (
        id bigserial PRIMARY KEY,
        token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
        public_id text NOT NULL UNIQUE,
        realm text NOT NULL CHECK (realm IN ('customer', 'staff')),
        login_id int NOT NULL REFERENCES logins (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        CHECK (expires_at <= ends_at)
      );
      CREATE INDEX login_sessions_login ON login_sessions (login_id);
      CREATE INDEX login_sessions_expires ON login_sessions (expires_at);

      CREATE TABLE login_reset_tokens (
        id bigserial PRIMARY KEY,
        token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
        realm text NOT NULL CHECK (realm IN ('customer', 'staff')),
        login_id int REFERENCES logins (id) ON DELETE CASCADE,
        customer_id int REFERENCES customers (id) ON DELETE CASCADE,
        -- the address the link was sent to (the new login's e-mail when there was none)
        email text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        CHECK (login_id IS NOT NULL OR customer_id IS NOT NULL)
      );
      CREATE INDEX login_reset_tokens_login ON login_reset_tokens (login_id) WHERE login_id IS NOT NULL;
      CREATE INDEX login_reset_tokens_customer ON login_reset_tokens (customer_id) WHERE customer_id IS NOT NULL;
      CREATE INDEX login_reset_tokens_expires ON login_reset_tokens (expires_at);

      CREATE TABLE login_attempts (
        id bigserial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('login', 'reset')),
        realm text NOT NULL CHECK (realm IN ('customer', 'staff')),
        email_hash bytea NOT NULL CHECK (length(email_hash) = 32),
        -- the address (an IPv6 one cut to its /64), when known
        ip text,
        at timestamptz NOT NULL
      );
      CREATE INDEX login_attempts_email ON login_attempts (kind, realm, email_hash, at DESC);
      CREATE INDEX login_attempts_ip ON login_attempts (kind, ip, at DESC) WHERE ip IS NOT NULL;
      CREATE INDEX login_attempts_at ON login_attempts (at);`,
  },
];
