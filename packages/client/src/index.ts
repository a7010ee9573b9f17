export { type ClientOptions, createClient, type HrdkitClient } from "./client.js";
export {
  type CallInfo,
  type FieldError,
  HrdkitApiError,
  HrdkitError,
  HrdkitNetworkError,
} from "./errors.js";
export { type IdempotencyKeyUse, OPERATIONS, type OperationInfo } from "./operations.generated.js";
export {
  DEFAULT_RETRY,
  type Failure,
  isRepeatable,
  parseRetryAfter,
  type RetryPolicy,
  retryDelay,
} from "./retry.js";
export type { components, operations, paths } from "./schema.generated.js";
export type {
  ApiResponse,
  Caller,
  CallInit,
  CallOptions,
  InitArgs,
  Method,
  OperationOf,
  PathsWith,
  ResponseData,
  Schemas,
} from "./types.js";
