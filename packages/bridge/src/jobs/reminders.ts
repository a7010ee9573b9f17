/**
 * `reminders`: once a day, the events a partner's software sends its customers reminders from:
 * - `renewal.due` for an active service expiring in 30, 14, 7 or 1 days (the thresholds are
 *   settings), once per service, term and threshold. A service first seen inside a threshold (added
 *   10 days before expiry, or a day the bridge was down) gets that threshold's event only, not the
 *   wider ones it missed: a customer gets one reminder a step, never three at once;
 * - `domain.expired` for an active domain whose expiry day has passed, once per domain and term.
 *
 * "Once" is a key per fact (`renewal.due:<service>:<expiry>:<days>`, publish.ts): a second run on
 * the same day, or on another instance, publishes nothing. A renewal moves the expiry, which makes
 * new keys: the next term's reminders come in their time.
 *
 * The same run queues the customers' notices (billing's notifyFact): `renewal.reminder` on the
 * partner's reminder days (notification settings, `renewalReminderDays`; the events keep
 * HRDKIT_REMINDER_DAYS) with the same one-step-at-a-time rule and the days really left, and
 * `domain.expired`; each once per step (notifyOnce). A notice that cannot be queued is reported and
 * tried again the next day; a service whose renewal is paid already gets no reminder.
 *
 * A certificate (an ssl service) is reminded with `certificate.expiring` instead of
 * `renewal.reminder` (its name, product and expiry; `notice:certificate.expiring:<service>:<expiry>:<step>`),
 * on the same reminder days, SMS and calls on their `reminderChannelDays` as for domains.
 */
import {
  addDays,
  type BillingFact,
  type CustomerService,
  getNotifySettings,
  type NotifySettings,
  servicesExpiringBetween,
  warsawDate,
} from "@hrdkit/billing";
import type { BridgeContext } from "../app.js";
import { noticesNotSetUp, reportNotice } from "../routes/billing-proformas-events.js";
import { DEFAULT_REMINDER_DAYS, DEFAULT_REMINDER_HOUR } from "./config.js";
import { notifyOnce, publishOnce } from "./publish.js";
import type { BridgeJob } from "./runner.js";
import { describeDaily, nextDailyAt } from "./schedule.js";

/** How far back `domain.expired` looks: a domain expired longer ago was dealt with (or never will be). */
export const EXPIRED_LOOKBACK_DAYS = 30;
/** Keys older than this are forgotten: no fact they name can come round again by then. */
const FORGET_AFTER_DAYS = 400;
const PAGE = 500;

/** Whole days from `from` to `to` (YYYY-MM-DD, Warsaw days). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000);
}

/** Every active service expiring between the two days, page by page. */
async function* expiring(ctx: BridgeContext, from: string, to: string): AsyncGenerator<CustomerService> {
  let afterId = 0;
  for (;;) {
    const page = await servicesExpiringBetween(ctx.db, { from, to, afterId, limit: PAGE });
    yield* page;
    if (page.length < PAGE) return;
    afterId = page[page.length - 1]!.id;
  }
}

/** Narrowest first: a service is reminded at the narrowest threshold it is inside. */
const ascending = (days: readonly number[]) => [...new Set(days)].sort((a, b) => a - b);

/**
 * The run's notices: queued once per key, counted; the first failure for want of set-up (no panel
 * address) is reported once and stops the run's notices (every other would fail the same way).
 */
class RunNotices {
  queued = 0;
  before = 0;
  renewed = 0;
  failed = 0;
  private stopped = false;

  private constructor(
    private readonly ctx: BridgeContext,
    readonly settings: NotifySettings | undefined,
    private readonly now: Date,
  ) {}

  static async open(ctx: BridgeContext, now: Date): Promise<RunNotices> {
    try {
      return new RunNotices(ctx, await getNotifySettings(ctx.db), now);
    } catch (err) {
      reportNotice(ctx, "reminder notices", err);
      const off = new RunNotices(ctx, undefined, now);
      off.stopped = true;
      return off;
    }
  }

  get on(): boolean {
    return !this.stopped;
  }

  async once(key: string, fact: BillingFact): Promise<void> {
    if (this.stopped || !this.settings) return;
    try {
      const r = await notifyOnce(this.ctx.db, key, fact, { settings: this.settings, now: this.now });
      this[r]++;
    } catch (err) {
      this.failed++;
      if (noticesNotSetUp(err)) {
        this.stopped = true;
        reportNotice(this.ctx, "reminder notices of this run", err);
      } else reportNotice(this.ctx, key, err);
    }
  }
}

export function remindersJob(options: { hour?: number; days?: readonly number[] } = {}): BridgeJob {
  const hour = options.hour ?? DEFAULT_REMINDER_HOUR;
  const thresholds = ascending(options.days ?? DEFAULT_REMINDER_DAYS);
  return {
    name: "reminders",
    intervalMs: 24 * 3_600_000,
    retryMs: 15 * 60_000,
    schedule: describeDaily(hour),
    nextRunAt: (startedAt) => nextDailyAt(startedAt, hour),
    async run(ctx, { startedAt, signal, log }) {
      const today = warsawDate(startedAt);
      const counts = { due: 0, dueSentBefore: 0, expired: 0, expiredSentBefore: 0 };
      const notices = await RunNotices.open(ctx, startedAt);
      const noticeDays = ascending(notices.settings?.renewalReminderDays ?? []);
      const result = (extra: Record<string, unknown> = {}) => ({
        ...counts,
        reminded: notices.queued,
        remindedBefore: notices.before,
        alreadyRenewed: notices.renewed,
        noticesFailed: notices.failed,
        ...extra,
      });
      // One walk over the services for both: the wider of the events' and the notices' steps.
      const widest = Math.max(thresholds.at(-1) ?? -1, notices.on ? (noticeDays.at(-1) ?? -1) : -1);
      if (widest >= 0) {
        for await (const s of expiring(ctx, today, addDays(today, widest))) {
          if (signal.aborted) return result({ interrupted: true });
          const daysLeft = daysBetween(today, s.expiresOn!);
          const step = noticeDays.find((t) => daysLeft <= t);
          if (step !== undefined) {
            const kind = s.kind === "ssl" ? "certificate.expiring" : "renewal.reminder";
            await notices.once(`notice:${kind}:${s.id}:${s.expiresOn}:${step}`, {
              kind,
              customerServiceId: s.id,
              daysLeft,
            });
          }
          const threshold = thresholds.find((t) => daysLeft <= t);
          if (threshold === undefined) continue;
          const event = await publishOnce(
            ctx.db,
            `renewal.due:${s.id}:${s.expiresOn}:${threshold}`,
            "renewal.due",
            {
              customerServiceId: s.id,
              customerId: s.customerId,
              kind: s.kind,
              serviceCode: s.serviceCode,
              name: s.name,
              expiresOn: s.expiresOn,
              daysLeft,
              threshold,
              autoRenew: s.autoRenew,
            },
          );
          if (event) counts.due++;
          else counts.dueSentBefore++;
        }
      }
      for await (const s of expiring(ctx, addDays(today, -EXPIRED_LOOKBACK_DAYS), addDays(today, -1))) {
        if (signal.aborted) return result({ interrupted: true });
        if (s.kind !== "domain") continue;
        await notices.once(`notice:domain.expired:${s.id}:${s.expiresOn}`, {
          kind: "domain.expired",
          customerServiceId: s.id,
        });
        const event = await publishOnce(ctx.db, `domain.expired:${s.id}:${s.expiresOn}`, "domain.expired", {
          customerServiceId: s.id,
          customerId: s.customerId,
          domain: s.name,
          serviceCode: s.serviceCode,
          expiresOn: s.expiresOn,
          daysSince: daysBetween(s.expiresOn!, today),
          autoRenew: s.autoRenew,
        });
        if (event) counts.expired++;
        else counts.expiredSentBefore++;
      }
      await ctx.db.query("DELETE FROM bridge_published WHERE published_at < $1", [
        new Date(startedAt.getTime() - FORGET_AFTER_DAYS * 86_400_000),
      ]);
      log(`${counts.due} renewal.due and ${counts.expired} domain.expired events published for ${today}`);
      log(
        `${notices.queued} reminder and expiry notices queued, ${notices.renewed} skipped (renewal paid), ` +
          `${notices.failed} not queued`,
      );
      return result();
    },
  };
}
