export {
  type DeliverOptions,
  type DeliverResult,
  deliverWebhooks,
  eventBody,
  MAX_RESPONSE_BYTES,
  pingEndpoint,
  type WebhookContext,
} from "./deliver.js";
export {
  createEndpoint,
  DEFAULT_ROTATION_OVERLAP_MS,
  deleteEndpoint,
  type EndpointFilter,
  type EndpointInput,
  eventsProblems,
  getEndpoint,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
  type WebhookEndpoint,
  webhookUrlProblem,
} from "./endpoints.js";
export { EVENT_TYPES, type EventType, PING_EVENT_TYPE, type PublishedEvent, publishEvent } from "./events.js";
export { webhookDeliveryJob } from "./job.js";
export {
  DELIVERY_STATUSES,
  type DeliveryFilter,
  type DeliveryStatus,
  getDelivery,
  listDeliveries,
  redeliver,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookDeliveryDetail,
} from "./log.js";
export { WEBHOOK_MIGRATIONS } from "./migrations.js";
export {
  type AttemptDecision,
  afterAttempt,
  baseRetryDelayMs,
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
  retryDelayMs,
} from "./retry.js";
export {
  signatureHeader,
  type VerifyWebhookInput,
  verifyWebhook,
  WEBHOOK_HEADERS,
  type WebhookEvent,
  type WebhookVerificationCode,
  WebhookVerificationError,
  webhookSignature,
} from "./signature.js";
