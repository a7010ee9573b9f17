/**
 * `actions`: follows the HRD actions routes recorded with `trackAction` (a registration, a
 * renewal, a DNS change…) with `action/info` until each is done or failed.
 *
 * A certificate order or renewal (`cert.order`, `cert.renew`) is followed further: its action
 * completes when HRD has taken the order, the certificate is issued when the approver has
 * confirmed (in HRD's sandbox 10 minutes later). It stays `pending` (HRD's word `done` kept in
 * `hrdStatus`) until `cert/info` says issued, then the customer whose ssl service it is gets
 * `certificate.issued`; one never issued within CERT_ISSUE_DAYS is given up (`failed`).
 *
 * The same run looks at the certificates billing's activation ordered that are not issued yet
 * (an ssl service, active, with HRD's certificate id and no expiry: activation records none while
 * the order awaits approval). Once issued, the service gets the certificate's validity as its
 * expiry (billing then reminds of it, `certificate.expiring`) and the customer `certificate.issued`.
 * Billing keys that notice by service and validity, so whichever path sees it first tells once.
 */
import { type BillingFact, type Db, updateCustomerService, warsawDate } from "@hrdkit/billing";
import { HrdApiError } from "@hrdkit/sdk";
import type { BridgeContext } from "../app.js";
import { notifyAll } from "../routes/billing-proformas-events.js";
import { certificateIssued, certificateIssuedFact } from "./poll-events.js";
import type { BridgeJob } from "./runner.js";

// The SDK's waitForAction reads statuses the same way (HRD does not document them).
const DONE = new Set(["done", "completed", "ok", "success", "finished"]);
const FAILED = new Set(["failed", "error", "cancelled", "canceled", "rejected"]);

/** Actions checked in one run at most (the least recently checked first). */
const MAX_PER_RUN = 500;
/** Certificate kinds followed until the certificate is issued. */
const CERT_KINDS = new Set(["cert.order", "cert.renew"]);
/** Days a certificate may wait for its approver before the bridge stops looking. */
export const CERT_ISSUE_DAYS = 30;
/** Certificates of billing's services awaiting issue looked at in one run at most. */
const MAX_CERTS_PER_RUN = 100;

/**
 * Records an action for the `actions` job to follow. Returns false when it was tracked already
 * (calling it twice is harmless).
 */
export async function trackAction(
  db: Db,
  actionId: number,
  domain: string | null,
  kind: string,
  now: Date = new Date(),
): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO bridge_actions (action_id, domain, kind, status, created_at, updated_at)
     VALUES ($1, $2, $3, 'pending', $4, $4) ON CONFLICT (action_id) DO NOTHING`,
    [actionId, domain, kind, now],
  );
  return r.rowCount > 0;
}

export interface TrackedAction {
  actionId: number;
  domain: string | null;
  kind: string;
  status: "pending" | "done" | "failed";
  /** HRD's own status word, once read. */
  hrdStatus: string | null;
}

export async function trackedAction(db: Db, actionId: number): Promise<TrackedAction | undefined> {
  const { rows } = await db.query<{
    action_id: string | number;
    domain: string | null;
    kind: string;
    status: TrackedAction["status"];
    hrd_status: string | null;
  }>("SELECT action_id, domain, kind, status, hrd_status FROM bridge_actions WHERE action_id = $1", [
    actionId,
  ]);
  const r = rows[0];
  return r
    ? {
        actionId: Number(r.action_id),
        domain: r.domain,
        kind: r.kind,
        status: r.status,
        hrdStatus: r.hrd_status,
      }
    : undefined;
}

/**
 * A certificate's action that HRD reports done: `done` once the certificate is issued (with its
 * notice), still `pending` while it awaits approval, `failed` after CERT_ISSUE_DAYS.
 */
async function certificateStep(
  ctx: BridgeContext,
  certId: number,
  createdAt: Date,
  now: Date,
): Promise<{ status: "done" | "pending" | "failed"; word: string; fact?: BillingFact }> {
  const info = await ctx.hrd.cert.info({ id: certId });
  if (certificateIssued(info.status) && info.exDate) {
    return {
      status: "done",
      word: info.status,
      fact: {
        kind: "certificate.issued",
        certId,
        validUntil: info.exDate.slice(0, 10),
        ...(info.domain ? { commonName: info.domain } : {}),
      },
    };
  }
  const late = now.getTime() - createdAt.getTime() > CERT_ISSUE_DAYS * 86_400_000;
  return late
    ? { status: "failed", word: `not issued within ${CERT_ISSUE_DAYS} days (${info.status})` }
    : { status: "pending", word: `done; certificate ${info.status}` };
}

/** Billing's certificates awaiting issue (see the module comment): notices and expiries once issued. */
async function billingCertificates(ctx: BridgeContext, now: Date, signal: AbortSignal) {
  const counts = { certificatesIssued: 0, certificatesWaiting: 0 };
  const { rows } = await ctx.db.query<{ id: number; hrd_ref: string; starts_on: string | null }>(
    `SELECT cs.id, cs.hrd_ref, cs.starts_on::text AS starts_on FROM customer_services cs
       JOIN services s ON s.id = cs.service_id
      WHERE s.kind = 'ssl' AND cs.status = 'active' AND cs.expires_on IS NULL AND cs.hrd_ref ~ '^[0-9]{1,9}$'
      ORDER BY cs.updated_at, cs.id LIMIT $1`,
    [MAX_CERTS_PER_RUN],
  );
  for (const row of rows) {
    if (signal.aborted) break;
    // A certificate HRD refuses to answer for stays waiting (counted), like one awaiting approval.
    const fact = await certificateIssuedFact(ctx, Number(row.hrd_ref)).catch((err: unknown) => {
      if (err instanceof HrdApiError) return undefined;
      throw err;
    });
    if (fact?.kind !== "certificate.issued") {
      counts.certificatesWaiting++;
      continue;
    }
    // The notice first: a failure to store the expiry leaves the service here for the next run,
    // and the notice's key keeps it from being told twice.
    await notifyAll(ctx, [fact], { now });
    await updateCustomerService(ctx.db, row.id, {
      expiresOn: fact.validUntil,
      ...(row.starts_on === null ? { startsOn: warsawDate(now) } : {}),
    });
    counts.certificatesIssued++;
  }
  return counts;
}

export const actionsJob: BridgeJob = {
  name: "actions",
  intervalMs: 30_000,
  async run(ctx, { now, signal }) {
    const { rows } = await ctx.db.query<{
      action_id: string | number;
      kind: string;
      hrd_status: string | null;
      created_at: Date;
    }>(
      `SELECT action_id, kind, hrd_status, created_at FROM bridge_actions WHERE status = 'pending'
       ORDER BY updated_at, action_id LIMIT $1`,
      [MAX_PER_RUN],
    );
    const counts = { checked: 0, done: 0, failed: 0, pending: 0, errors: 0 };
    for (const row of rows) {
      if (signal.aborted) break;
      const id = Number(row.action_id);
      let hrdStatus: string;
      let status: "done" | "failed" | "pending";
      let fact: BillingFact | undefined;
      try {
        const action = await ctx.hrd.action.info({ id });
        hrdStatus = action.status;
        const word = hrdStatus.toLowerCase();
        status = DONE.has(word) ? "done" : FAILED.has(word) ? "failed" : "pending";
        if (status === "done" && CERT_KINDS.has(row.kind) && action.objectId) {
          const step = await certificateStep(ctx, Number(action.objectId), row.created_at, now());
          ({ status, fact } = step);
          hrdStatus = step.word;
        }
      } catch {
        counts.errors++;
        continue;
      }
      counts.checked++;
      counts[status]++;
      if (fact) await notifyAll(ctx, [fact], { now: now() });
      if (status === "pending" && hrdStatus === row.hrd_status) continue;
      await ctx.db.query(
        `UPDATE bridge_actions SET status = $2, hrd_status = $3, updated_at = $4
         WHERE action_id = $1 AND status = 'pending'`,
        [id, status, hrdStatus, now()],
      );
    }
    return { ...counts, ...(await billingCertificates(ctx, now(), signal)) };
  },
};
