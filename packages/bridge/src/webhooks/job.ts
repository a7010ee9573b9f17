/**
 * The delivery worker as a background job: every second (between runs) it sends what is due.
 * The job's own lease (bridge_jobs) keeps one instance on it at a time; the per-delivery leases
 * in the queue keep sends exclusive even if two runs ever overlap.
 */
import type { BridgeJob } from "../jobs/runner.js";
import { deliverWebhooks } from "./deliver.js";

export const webhookDeliveryJob: BridgeJob = {
  name: "webhooks",
  intervalMs: 1_000,
  retryMs: 5_000,
  async run(ctx, info) {
    return { ...(await deliverWebhooks(ctx, { signal: info.signal, now: info.now })) };
  },
};
