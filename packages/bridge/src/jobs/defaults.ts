import { actionsJob } from "./actions.js";
import { pollJob } from "./poll.js";
import type { BridgeJob } from "./runner.js";
import { syncJob } from "./sync.js";

/** The bridge's background jobs, in the order the dashboard lists them. */
export const DEFAULT_JOBS: readonly BridgeJob[] = [pollJob, syncJob, actionsJob];
