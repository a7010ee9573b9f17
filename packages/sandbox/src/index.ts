export { type AdminOptions, type AdminServer, type AdminTarget, startAdmin } from "./admin.js";
export { addPeriod, hrdDate, hrdDateTime, SandboxClock } from "./clock.js";
export { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS } from "./connection-limits.js";
export { type FaultKind, type FaultRule, Faults, seededRandom } from "./faults.js";
export { APPROVAL_DELAY_MS, CERT_STATUS } from "./handlers/cert.js";
export { availability, handlers, MESSAGES, SandboxRefusal } from "./handlers/index.js";
export { addNews, DEFAULT_PARTNER_KEYS, type NewNews } from "./handlers/partner.js";
export { acceptTrade, TRANSFER_MESSAGES, validAuthInfo } from "./handlers/transfer.js";
export {
  CERT_PRICES,
  certServiceCode,
  DEFAULT_PRICES,
  isPlFamily,
  OPTION_PRICE,
  OPTION_SERVICE_CODE,
  PRICE_LABELS,
  serviceCode,
  type TldPrice,
} from "./pricing.js";
export { type Sandbox, type SandboxOptions, startSandbox, type TrafficEntry } from "./server.js";
export {
  type ActionStatus,
  DEFAULT_TAKEN,
  type LedgerEntry,
  type PollMessage,
  type SandboxAction,
  type SandboxDomain,
  type SandboxNews,
  SandboxState,
  type SandboxUser,
} from "./state.js";
export { makeSelfSignedCert, type TlsMaterial } from "./tls-cert.js";
