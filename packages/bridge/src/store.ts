/**
 * The bridge's own tables, beside billing's in the same database: module keys, nonces seen,
 * the idempotency journal, the audit log and job runs.
 */
import { createHash, randomBytes } from "node:crypto";
import { type Db, MIGRATIONS, type Migration, migrate } from "@hrdkit/billing";
import { forgetKey } from "./signing-state.js";

export const BRIDGE_MIGRATIONS: readonly Migration[] = [
  {
    id: "b0001-bridge",
    sql: `
      -- A module's key: the id is public, the secret is shown once; only its SHA-256 is kept
      -- (the signing key both sides derive from the secret).
      CREATE TABLE bridge_keys (
        id text PRIMARY KEY,
        name text NOT NULL,
        signing_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      );
      -- Nonces of signed requests inside the time window: each may be used once.
      CREATE TABLE bridge_nonces (
        key_id text NOT NULL,
        nonce text NOT NULL,
        seen_at timestamptz NOT NULL,
        PRIMARY KEY (key_id, nonce)
      );
      -- One row per idempotency key: the first call's result is what every repeat gets.
      CREATE TABLE bridge_idempotency (
        key text PRIMARY KEY,
        route text NOT NULL,
        request_hash text NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'done')),
        status_code int,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      );
      CREATE TABLE bridge_audit (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        key_id text,
        method text NOT NULL,
        route text NOT NULL,
        target text,
        status_code int NOT NULL,
        outcome text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'
      );
      CREATE INDEX bridge_audit_at ON bridge_audit (at DESC);
      -- Background jobs: one row per job; the lease makes one instance of several run it.
      CREATE TABLE bridge_jobs (
        name text PRIMARY KEY,
        lease_owner text,
        lease_until timestamptz,
        last_started_at timestamptz,
        last_finished_at timestamptz,
        last_result jsonb,
        next_run_at timestamptz
      );`,
  },
  {
    id: "b0003-registrants",
    // The HRD account a purchase created from registrant data, under the purchase's
    // Idempotency-Key: a retry reuses it instead of creating a second account.
    sql: `
      CREATE TABLE IF NOT EXISTS bridge_registrants (
        idempotency_key text PRIMARY KEY,
        hrd_user_id integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
];

export async function migrateBridge(db: Db): Promise<void> {
  await migrate(db, [...MIGRATIONS, ...BRIDGE_MIGRATIONS]);
}

export const signingKeyOf = (secret: string) => createHash("sha256").update(secret, "utf8").digest("hex");

/**
 * Makes a module key. Returns the full key `hk_<id>.<secret>` — shown once, never stored: the
 * database keeps the id and the SHA-256 of the secret.
 */
export async function createKey(db: Db, name: string): Promise<{ id: string; key: string }> {
  const id = randomBytes(6).toString("hex");
  const secret = randomBytes(24).toString("base64url");
  await db.query("INSERT INTO bridge_keys (id, name, signing_key) VALUES ($1, $2, $3)", [
    id,
    name,
    signingKeyOf(secret),
  ]);
  return { id, key: `hk_${id}.${secret}` };
}

export async function revokeKey(db: Db, id: string): Promise<boolean> {
  const r = await db.query("UPDATE bridge_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", [
    id,
  ]);
  // The caches of this process forget it now; other processes' within their TTL (signing-state.ts).
  forgetKey(db, id);
  return r.rowCount > 0;
}

export interface AuditEntry {
  keyId?: string;
  method: string;
  route: string;
  target?: string;
  statusCode: number;
  outcome: string;
  detail?: Record<string, unknown>;
}

export async function audit(db: Db, e: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO bridge_audit (key_id, method, route, target, status_code, outcome, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      e.keyId ?? null,
      e.method,
      e.route,
      e.target ?? null,
      e.statusCode,
      e.outcome,
      JSON.stringify(e.detail ?? {}),
    ],
  );
}
