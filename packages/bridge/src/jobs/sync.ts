/**
 * `sync`: keeps `bridge_domains` in step with HRD, the source of truth. It walks `domain/list`,
 * reads each domain's `domain/info` and writes a row only when HRD's answer (status, expiry,
 * account) differs from what the bridge holds: a sync that finds nothing changed writes nothing.
 * A domain the bridge knows that HRD no longer lists is read once more; when HRD refuses to
 * answer for it (it left the account), its status becomes `notInAccount`.
 */
import { findDomain } from "@hrdkit/sdk";
import type { BridgeContext } from "../app.js";
import type { BridgeJob } from "./runner.js";

/** Status of a domain HRD no longer answers for (transferred away, deleted). */
export const NOT_IN_ACCOUNT = "notInAccount";

interface DomainRow {
  domain: string;
  hrdUserId: number | null;
  status: string;
  expiresOn: string | null;
}

/** Inserts or updates a domain when it differs; says which it did. */
async function save(
  ctx: BridgeContext,
  d: DomainRow,
  now: Date,
): Promise<"inserted" | "updated" | "unchanged"> {
  const { rows } = await ctx.db.query<{ inserted: boolean }>(
    `INSERT INTO bridge_domains (domain, hrd_user_id, status, expires_on, updated_at)
     VALUES ($1, $2, $3, $4::date, $5)
     ON CONFLICT (domain) DO UPDATE SET hrd_user_id = EXCLUDED.hrd_user_id, status = EXCLUDED.status,
       expires_on = EXCLUDED.expires_on, updated_at = EXCLUDED.updated_at
     WHERE (bridge_domains.hrd_user_id, bridge_domains.status, bridge_domains.expires_on)
       IS DISTINCT FROM (EXCLUDED.hrd_user_id, EXCLUDED.status, EXCLUDED.expires_on)
     RETURNING (xmax = 0) AS inserted`,
    [d.domain, d.hrdUserId, d.status, d.expiresOn, now],
  );
  const row = rows[0];
  return row ? (row.inserted ? "inserted" : "updated") : "unchanged";
}

const rowOf = (info: { name: string; status: string; exDate?: string; user?: number }): DomainRow => ({
  domain: info.name,
  hrdUserId: info.user ?? null,
  status: info.status,
  expiresOn: info.exDate ? info.exDate.slice(0, 10) : null,
});

export const syncJob: BridgeJob = {
  name: "sync",
  intervalMs: 6 * 60 * 60_000,
  retryMs: 5 * 60_000,
  async run(ctx, { now, signal }) {
    const counts = { listed: 0, inserted: 0, updated: 0, unchanged: 0, gone: 0, failed: 0 };
    const errors: string[] = [];
    const seen = new Set<string>();
    for await (const name of ctx.hrd.iterate("domain/list")) {
      if (signal.aborted) return { ...counts, interrupted: true };
      counts.listed++;
      seen.add(name);
      try {
        const info = await ctx.hrd.domain.info({ name });
        seen.add(info.name);
        counts[await save(ctx, rowOf(info), now())]++;
      } catch (err) {
        counts.failed++;
        if (errors.length < 5) errors.push(`${name}: ${(err as Error).message}`);
      }
    }
    // Known here, not listed there: read it once more (a name HRD refuses left the account).
    const { rows } = await ctx.db.query<{ domain: string; status: string }>(
      "SELECT domain, status FROM bridge_domains WHERE status <> $1 ORDER BY domain",
      [NOT_IN_ACCOUNT],
    );
    for (const r of rows) {
      if (seen.has(r.domain)) continue;
      if (signal.aborted) return { ...counts, interrupted: true };
      try {
        const info = await findDomain(ctx.hrd, r.domain);
        if (info) {
          counts[await save(ctx, rowOf(info), now())]++;
          continue;
        }
        const changed = await ctx.db.query(
          "UPDATE bridge_domains SET status = $2, updated_at = $3 WHERE domain = $1 AND status <> $2",
          [r.domain, NOT_IN_ACCOUNT, now()],
        );
        counts.gone += changed.rowCount;
      } catch (err) {
        counts.failed++;
        if (errors.length < 5) errors.push(`${r.domain}: ${(err as Error).message}`);
      }
    }
    return errors.length ? { ...counts, errors } : counts;
  },
};

export interface KnownDomain {
  domain: string;
  hrdUserId: number | null;
  status: string;
  expiresOn: string | null;
  updatedAt: string;
}

/** The bridge's view of one domain, as the last sync left it. */
export async function knownDomain(
  ctx: Pick<BridgeContext, "db">,
  domain: string,
): Promise<KnownDomain | undefined> {
  const { rows } = await ctx.db.query<{
    domain: string;
    hrd_user_id: string | number | null;
    status: string;
    expires_on: string | null;
    updated_at: Date | string;
  }>(
    "SELECT domain, hrd_user_id, status, expires_on::text AS expires_on, updated_at FROM bridge_domains WHERE domain = $1",
    [domain],
  );
  const r = rows[0];
  return r
    ? {
        domain: r.domain,
        hrdUserId: r.hrd_user_id == null ? null : Number(r.hrd_user_id),
        status: r.status,
        expiresOn: r.expires_on,
        updatedAt: new Date(r.updated_at).toISOString(),
      }
    : undefined;
}
