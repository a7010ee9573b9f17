export { actionsJob, type TrackedAction, trackAction, trackedAction } from "./actions.js";
export { DEFAULT_JOBS } from "./defaults.js";
export { JOBS_MIGRATIONS, migrateJobs } from "./migrations.js";
export { eventsAfter, pollJob, type StoredEvent } from "./poll.js";
export {
  type BridgeJob,
  type JobRun,
  type JobRunInfo,
  type JobStatus,
  type JobsRunner,
  jobStatuses,
  processOwner,
  type RunOptions,
  runJob,
  runJobOnce,
  startJobs,
} from "./runner.js";
export { type KnownDomain, knownDomain, NOT_IN_ACCOUNT, syncJob } from "./sync.js";
