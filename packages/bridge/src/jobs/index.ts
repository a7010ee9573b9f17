// For callers that run the bridge's chores outside its process (the `hrdkit billing` commands):
// the same events and customer notices the HTTP routes publish after a renewal run or a statement.
export {
  notifyAll,
  type PendingEvent,
  paymentsMatched,
  proformaIssued,
  publishAll,
} from "../routes/billing-proformas-events.js";
export { listProformaSummaries } from "../routes/billing-proformas-list.js";
export { actionsJob, type TrackedAction, trackAction, trackedAction } from "./actions.js";
export {
  DEFAULT_REMINDER_DAYS,
  DEFAULT_REMINDER_HOUR,
  DEFAULT_RENEWAL_HOUR,
  type JobsConfig,
  loadJobsConfig,
} from "./config.js";
export { bridgeJobs, DEFAULT_JOBS } from "./defaults.js";
export {
  type HousekeepingOptions,
  type HousekeepingResult,
  housekeep,
  housekeepingJob,
} from "./housekeeping.js";
export { JOBS_MIGRATIONS, migrateJobs } from "./migrations.js";
export { type NotifySetup, notifyOutboxJob, notifySetup, SMSAPI_REPORT_PATH } from "./notify-outbox.js";
export { eventsAfter, pollJob, type StoredEvent } from "./poll.js";
export { transferDirection } from "./poll-events.js";
export { publishOnce } from "./publish.js";
export { EXPIRED_LOOKBACK_DAYS, remindersJob } from "./reminders.js";
export { renewalsJob } from "./renewals.js";
export {
  type BridgeJob,
  consoleJobLog,
  type JobLog,
  type JobRun,
  type JobRunInfo,
  type JobStatus,
  type JobsRunner,
  jobStatuses,
  jobsOf,
  processOwner,
  type RunOptions,
  runJob,
  runJobOnce,
  startJobs,
} from "./runner.js";
export { describeDaily, describeEvery, nextDailyAt, warsawTime } from "./schedule.js";
export { type StatementsJobOptions, statementFormat, statementsJob } from "./statements.js";
export { type KnownDomain, knownDomain, NOT_IN_ACCOUNT, syncJob } from "./sync.js";
