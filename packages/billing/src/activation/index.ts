export {
  type ActivationResult,
  activateProforma,
  activationStatus,
  activationTasks,
  type InvoiceIssuer,
  TASK_LEASE_MS,
  type TaskState,
} from "./activate.js";
export type { ProvisioningPort, ProvisioningTask, ProvisionResult } from "./port.js";
