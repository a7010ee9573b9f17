export type * from "./api.generated.js";
export { type CheckManyOptions, type CheckResult, checkMany } from "./bulk.js";
export {
  type ActionResult,
  type CallOptions,
  DEFAULT_HOST,
  DEFAULT_PORT,
  type DebugEvent,
  HrdClient,
  type HrdClientOptions,
  type ListOperationName,
  type WaitOptions,
} from "./client.js";
export { loadCredentialsFromEnv } from "./env.js";
export * from "./errors.js";
export {
  CERT_CONTACT_ROLES,
  CERT_CONTACT_TITLES,
  CERT_PRODUCTS,
  CERT_WILDCARD_PRODUCTS,
  type CertAdminContact,
  type CertProduct,
} from "./ops/cert.js";
export {
  type AnyOperation,
  type Effect,
  type InputOf,
  type Operation,
  type OutputOf,
  requestBody,
} from "./ops/define.js";
export {
  DNS_RECORD_TYPES,
  type DnsRecordType,
  REDIRECT_ACCOUNT,
  REDIRECT_HOST,
  type RrsetChange,
  recordContent,
  redirectOf,
  rrsetName,
  urlRedirect,
} from "./ops/domain-dns.js";
export { DOMAIN_NAME_PATTERN } from "./ops/fields.js";
export {
  getOperation,
  type OperationName,
  type Operations,
  operations,
  sessionOperations,
} from "./ops/index.js";
export {
  type EnsureOptionResult,
  type EnsureOptions,
  type EnsureRegisteredResult,
  type EnsureRenewedResult,
  type EnsureTransferResult,
  ensureDomainRegistered,
  ensureDomainRenewed,
  ensureDomainTransferred,
  ensureOptionCreated,
  findDomain,
  type OrderCertificateResult,
  orderCertificateOnce,
} from "./reconcile.js";
export { shouldRetry } from "./retry.js";
export type { TlsOptions } from "./transport/connection.js";
export { RateLimiter, type RateLimiterOptions } from "./transport/limiter.js";
export { toAsciiDomain, toUnicodeDomain } from "./util/idn.js";
export { isValidNip, isValidPesel, normalizeNip } from "./util/ids.js";
export { normalizePhone } from "./util/phone.js";
export { redactObject, redactXml } from "./util/redact.js";
export { type Amount, formatAmount, parseAmount } from "./util/values.js";
export {
  apiKeyBytes,
  DEFAULT_MAX_FRAME_BYTES,
  encodeRequestFrame,
  encodeResponseFrame,
  FrameReader,
  FrameTooLargeError,
  openRequestFrame,
  signXml,
} from "./wire/frame.js";
export {
  apiDocument,
  escapeXml,
  HRD_NS,
  MAX_XML_DEPTH,
  type ParsedNode,
  type ParsedObject,
  parseApiDocument,
  pick,
  toXml,
  XmlSyntaxError,
  type XmlTree,
  type XmlValue,
} from "./wire/xml.js";
