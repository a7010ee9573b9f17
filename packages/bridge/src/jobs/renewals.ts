/**
 * `renewals`: billing's renewal run once a day at a set hour (Europe/Warsaw): a proforma per
 * auto-renewed service whose term ends within its kind's lead days (30 by default), and
 * `proforma.issued` per proforma made.
 *
 * Safe to run twice: billing makes one proforma per service and term whatever the callers do (a
 * unique renewal key), so a second run for the same day makes nothing. The run's proformas are the
 * renewal ones stamped with the run's start (`created_at` = the run row's `started_at`); the
 * events are published once per proforma (publish.ts), and a run also publishes what an earlier
 * run of this job made and could not publish (it crashed in between). The customer's notice of
 * each proforma (with its PDF) is queued along with its event; one that cannot be queued is
 * reported, and the run goes on.
 */
import { BillingError, type RenewalRunResult, runRenewals, warsawDate } from "@hrdkit/billing";
import type { BridgeContext } from "../app.js";
import { notifyAll, proformaIssued } from "../routes/billing-proformas-events.js";
import { listProformaSummaries } from "../routes/billing-proformas-list.js";
import { DEFAULT_RENEWAL_HOUR } from "./config.js";
import { publishOnce } from "./publish.js";
import type { BridgeJob } from "./runner.js";
import { describeDaily, nextDailyAt } from "./schedule.js";

/** Earlier runs whose proformas are still published if they were not (a crash in between). */
const CATCH_UP_DAYS = 7;
/** Skipped services listed in the run's result (all are counted). */
const SKIPS_LISTED = 20;

/**
 * Publishes `proforma.issued` for the renewal proformas made by this job's runs started since
 * `since` that have no event yet, and queues the customers' notices of those it published.
 * Returns how many events it published.
 */
async function publishRunProformas(ctx: BridgeContext, since: Date, now: Date): Promise<number> {
  // A scan of proformas made at those moments (there is no index on created_at): once a day.
  const { rows } = await ctx.db.query<{ id: number }>(
    `SELECT p.id FROM proformas p
     WHERE p.origin = 'renewal'
       AND p.created_at IN (SELECT started_at FROM bridge_job_runs WHERE job = 'renewals' AND started_at >= $1)
       AND NOT EXISTS (SELECT 1 FROM bridge_published b WHERE b.key = 'proforma.issued:' || p.id)
     ORDER BY p.id`,
    [since],
  );
  let published = 0;
  const ids = rows.map((r) => Number(r.id));
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    const { items } = await listProformaSummaries(ctx.db, { ids: chunk, order: "id", limit: chunk.length });
    const notify: number[] = [];
    for (const summary of items) {
      const [type, data] = proformaIssued(summary);
      if (await publishOnce(ctx.db, `proforma.issued:${summary.id}`, type, data)) {
        published++;
        notify.push(summary.id);
      }
    }
    await notifyAll(
      ctx,
      notify.map((proformaId) => ({ kind: "proforma.issued" as const, proformaId })),
      { now },
    );
  }
  return published;
}

async function anythingToRenew(ctx: BridgeContext): Promise<boolean> {
  const { rows } = await ctx.db.query(
    "SELECT 1 FROM customer_services WHERE status = 'active' AND auto_renew LIMIT 1",
  );
  return rows.length > 0;
}

/** The renewal run, daily at `hour`:00 Warsaw time (default 6). */
export function renewalsJob(options: { hour?: number } = {}): BridgeJob {
  const hour = options.hour ?? DEFAULT_RENEWAL_HOUR;
  return {
    name: "renewals",
    intervalMs: 24 * 3_600_000,
    retryMs: 15 * 60_000,
    schedule: describeDaily(hour),
    nextRunAt: (startedAt) => nextDailyAt(startedAt, hour),
    async run(ctx, { startedAt, log }) {
      log(`renewal run for ${warsawDate(startedAt)} started`);
      let run: RenewalRunResult;
      try {
        run = await runRenewals(ctx.db, {
          at: startedAt,
          onProgress: (done, total) => log(`${done}/${total} services in the window handled`),
        });
      } catch (err) {
        // A bridge used for domains only has no seller data and nothing to renew: not a failure
        // to report every 15 minutes. With services to renew, the missing data is the failure.
        if (!(err instanceof BillingError && err.code === "no_seller") || (await anythingToRenew(ctx)))
          throw err;
        log("no seller data and no auto-renewed services: nothing to do");
        return { considered: 0, created: 0, alreadyThere: 0, skipped: 0, published: 0 };
      }
      const published = await publishRunProformas(
        ctx,
        new Date(startedAt.getTime() - CATCH_UP_DAYS * 86_400_000),
        startedAt,
      );
      log(
        `made ${run.created} proformas, ${run.alreadyThere} services had theirs already, ` +
          `${run.skipped.length} skipped; ${published} proforma.issued events published`,
      );
      return {
        considered: run.considered,
        created: run.created,
        alreadyThere: run.alreadyThere,
        skipped: run.skipped.length,
        published,
        ...(run.skipped.length > 0 ? { skips: run.skipped.slice(0, SKIPS_LISTED) } : {}),
      };
    },
  };
}
