import { webhookDeliveryJob } from "../webhooks/job.js";
import { actionsJob } from "./actions.js";
import type { JobsConfig } from "./config.js";
import { housekeepingJob } from "./housekeeping.js";
import { notifyOutboxJob } from "./notify-outbox.js";
import { pollJob } from "./poll.js";
import { remindersJob } from "./reminders.js";
import { renewalsJob } from "./renewals.js";
import type { BridgeJob } from "./runner.js";
import { describeEvery } from "./schedule.js";
import { statementsJob } from "./statements.js";
import { syncJob } from "./sync.js";

/**
 * The bridge's background jobs for these settings, in the order the dashboard lists them. The
 * statement import is there only when a folder is set. `every` replaces a job's schedule with a
 * fixed interval.
 */
export function bridgeJobs(config: JobsConfig = {}): BridgeJob[] {
  const jobs: BridgeJob[] = [
    pollJob,
    syncJob,
    actionsJob,
    // Sends due webhook deliveries every second; the queue's own leases keep sends exclusive.
    webhookDeliveryJob,
    // Sends due notices (e-mail, SMS, voice) every 5 s; the outbox's own leases keep sends exclusive.
    notifyOutboxJob,
    renewalsJob({ hour: config.renewalHour }),
    remindersJob({ hour: config.reminderHour, days: config.reminderDays }),
    // Once a day: finished webhook events and idempotency entries past the retention.
    housekeepingJob({ retentionDays: config.retentionDays }),
  ];
  if (config.statementsDir) {
    jobs.push(
      statementsJob({
        dir: config.statementsDir,
        csv: config.statementsCsv,
        settleMs: config.statementsSettleMs,
        intervalMs: config.statementsIntervalMs,
      }),
    );
  }
  return jobs.map((job) => {
    const every = config.every?.[job.name];
    if (every === undefined) return job;
    const { nextRunAt: _scheduled, ...rest } = job;
    return { ...rest, intervalMs: every, schedule: describeEvery(every) };
  });
}

/** The jobs on default settings (no statement folder): what runJobOnce and the dashboard fall back to. */
export const DEFAULT_JOBS: readonly BridgeJob[] = bridgeJobs();
