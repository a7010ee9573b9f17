/**
 * What the signature check reads and writes on every call — the key's signing key and the nonce
 * — kept off the database's critical path where that is safe. Each signed call used to cost two
 * round trips before any work (a key lookup and a nonce insert); on PGlite, where a round trip
 * is a WASM call of ~0.5 ms, that was most of a list request's time.
 *
 * Signing keys are cached for `keyTtlMs` (default 10 s). A key revoked through `revokeKey` in
 * this process is forgotten at once; one revoked by another process (the `hrdkit-bridge key
 * revoke` command, another instance) stops working within the TTL.
 *
 * Nonces: every instance remembers those it saw inside the window, so a replay to the same
 * instance is refused without a query. The database stays the shared record:
 * - PostgreSQL: every nonce is inserted before the call goes on, as before — instances share the
 *   server, and only the database sees a replay sent to another instance.
 * - PGlite: the database lives inside this process, so no other instance can receive the same
 *   request, and the memory is the whole truth while it runs. Nonces of calls that write are
 *   still inserted before the call goes on; those of reads (GET, HEAD) are written in batches
 *   a moment later, and a start reloads the window's nonces from the table. A crash can lose
 *   the last quarter second of read nonces: a replay of such a read, after a restart and
 *   inside the window, would answer again — data the replayer saw go by already; no write can
 *   be replayed.
 */
import type { Db } from "@hrdkit/billing";

export interface SigningStateOptions {
  /** How long a signing key is used without asking the database again (ms, default 10 000; 0: always ask). */
  keyTtlMs?: number;
  /** The signature window: a nonce older than twice this can be forgotten. */
  windowMs: number;
  /** How soon batched read nonces are written (ms, default 250). */
  flushDelayMs?: number;
}

/** The live states per database, so that revokeKey in this process reaches their caches. */
const statesOf = new WeakMap<Db, Set<SigningState>>();

/** Forgets a key in every cache of this process that reads `db` (called by revokeKey). */
export function forgetKey(db: Db, id: string): void {
  for (const s of statesOf.get(db) ?? []) s.forget(id);
}

const SAFE_METHODS = new Set(["GET", "HEAD"]);

export class SigningState {
  private readonly keys = new Map<string, { key: string; until: number }>();
  /** `keyId nonce` → when it was seen (ms). */
  private readonly nonces = new Map<string, number>();
  private pending: { keyId: string; nonce: string; at: Date }[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private loaded: Promise<void> | undefined;
  private lastPurge = 0;
  private readonly keyTtlMs: number;
  private readonly flushDelayMs: number;

  constructor(
    private readonly db: Db,
    private readonly options: SigningStateOptions,
  ) {
    this.keyTtlMs = options.keyTtlMs ?? 10_000;
    this.flushDelayMs = options.flushDelayMs ?? 250;
    const set = statesOf.get(db) ?? new Set<SigningState>();
    statesOf.set(db, set);
    set.add(this);
  }

  /** The key's signing key, or undefined for an unknown or revoked key (never cached: a revoked key stays refused). */
  async signingKey(id: string, now = Date.now()): Promise<string | undefined> {
    const hit = this.keys.get(id);
    if (hit && hit.until > now) return hit.key;
    const { rows } = await this.db.query<{ signing_key: string }>(
      "SELECT signing_key FROM bridge_keys WHERE id = $1 AND revoked_at IS NULL",
      [id],
    );
    const key = rows[0]?.signing_key;
    if (key && this.keyTtlMs > 0) this.keys.set(id, { key, until: now + this.keyTtlMs });
    else this.keys.delete(id);
    return key;
  }

  forget(id: string): void {
    this.keys.delete(id);
  }

  /** Records a nonce; false when it was seen before (a replay). */
  async useNonce(keyId: string, nonce: string, at: Date, method: string): Promise<boolean> {
    const embedded = this.db.driver === "pglite";
    if (embedded) {
      this.loaded ??= this.load(at);
      await this.loaded;
    }
    const id = `${keyId} ${nonce}`;
    if (this.nonces.has(id)) return false;
    this.purge(at.getTime());
    if (embedded && SAFE_METHODS.has(method)) {
      this.nonces.set(id, at.getTime());
      this.pending.push({ keyId, nonce, at });
      this.flushTimer ??= setTimeout(() => void this.flush(), this.flushDelayMs).unref();
      return true;
    }
    // Marked before the insert: a replay racing the first call on this instance is refused
    // without a query; a failed insert unmarks it.
    this.nonces.set(id, at.getTime());
    try {
      const r = await this.db.query(
        "INSERT INTO bridge_nonces (key_id, nonce, seen_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        [keyId, nonce, at],
      );
      return r.rowCount > 0;
    } catch (err) {
      this.nonces.delete(id);
      throw err;
    }
  }

  /** Writes the batched read nonces (also on close). */
  flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.flushing;
    const write = async () => {
      // One statement per batch: three arrays unnested (a key and nonce are never seen twice here).
      await this.db
        .query(
          `INSERT INTO bridge_nonces (key_id, nonce, seen_at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) ON CONFLICT DO NOTHING`,
          [batch.map((b) => b.keyId), batch.map((b) => b.nonce), batch.map((b) => b.at.toISOString())],
        )
        .catch(() => undefined); // closed database on shutdown: the memory held them while it ran
    };
    this.flushing = this.flushing.then(write);
    return this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
    statesOf.get(this.db)?.delete(this);
  }

  /** PGlite: the nonces still inside the window, from before this start. */
  private async load(at: Date): Promise<void> {
    const { rows } = await this.db.query<{ key_id: string; nonce: string; seen_at: Date }>(
      "SELECT key_id, nonce, seen_at FROM bridge_nonces WHERE seen_at >= $1",
      [new Date(at.getTime() - 2 * this.options.windowMs)],
    );
    for (const r of rows) this.nonces.set(`${r.key_id} ${r.nonce}`, new Date(r.seen_at).getTime());
  }

  /**
   * Forgets nonces older than twice the window (their timestamps are refused first) — in memory
   * at most once a second, in the table once per window.
   */
  private purge(now: number): void {
    if (now - this.lastPurge < 1000) return;
    const tableDue =
      Math.floor(now / this.options.windowMs) !== Math.floor(this.lastPurge / this.options.windowMs);
    this.lastPurge = now;
    const oldest = now - 2 * this.options.windowMs;
    for (const [id, seen] of this.nonces) {
      if (seen >= oldest) break; // insertion order is nearly time order
      this.nonces.delete(id);
    }
    if (tableDue) {
      void this.db
        .query("DELETE FROM bridge_nonces WHERE seen_at < $1", [new Date(oldest)])
        .catch(() => undefined);
    }
  }
}
