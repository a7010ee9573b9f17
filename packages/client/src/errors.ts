/**
 * The client's errors: one for an answer of the bridge that is not a success (its one error body,
 * `{ error: { code, message, retryable, issues? } }`, turned into fields), one for a call that got
 * no answer at all. Neither holds the request's configuration or headers: the key's secret never
 * reaches a request, and nothing of the request beyond its method and path is kept.
 */

/** One bad field of a request the bridge refused: `path` is dotted, e.g. `addresses.correspondence.postcode`. */
export interface FieldError {
  path: string;
  message: string;
}

/** What every error of the client says about the call. */
export interface CallInfo {
  /** Upper case, e.g. `POST`. */
  method: string;
  /** The path as sent, without the query string. */
  path: string;
  /** The operation of the bridge's OpenAPI document, e.g. `createCustomer`, when known. */
  operationId?: string;
  /** `X-Request-Id` of the call (the bridge's, or the one the client sent). */
  requestId?: string;
  /**
   * The `Idempotency-Key` the call was sent with. After a network error on a purchase, send the
   * call again with this key: the bridge answers with the first outcome and never buys twice.
   */
  idempotencyKey?: string;
  /** How many times the call was sent. */
  attempts: number;
}

/** Base class of the client's errors. */
export class HrdkitError extends Error implements CallInfo {
  readonly method: string;
  readonly path: string;
  readonly operationId?: string;
  readonly requestId?: string;
  readonly idempotencyKey?: string;
  readonly attempts: number;

  constructor(
    /** Machine-readable reason: the bridge's `error.code`, or the network failure's (e.g. `ECONNREFUSED`). */
    readonly code: string,
    message: string,
    /** True when the same call may simply be sent again later. */
    readonly retryable: boolean,
    call: CallInfo,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "HrdkitError";
    this.method = call.method;
    this.path = call.path;
    this.attempts = call.attempts;
    if (call.operationId) this.operationId = call.operationId;
    if (call.requestId) this.requestId = call.requestId;
    if (call.idempotencyKey) this.idempotencyKey = call.idempotencyKey;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      method: this.method,
      path: this.path,
      operationId: this.operationId,
      requestId: this.requestId,
      idempotencyKey: this.idempotencyKey,
      attempts: this.attempts,
    };
  }
}

/** The bridge answered with an error status (4xx, 5xx): its error body, as fields. */
export class HrdkitApiError extends HrdkitError {
  constructor(
    /** The HTTP status, e.g. 400. */
    readonly status: number,
    code: string,
    message: string,
    retryable: boolean,
    /** Every bad field, for a 400 `invalid` (empty otherwise). */
    readonly errors: FieldError[],
    call: CallInfo,
  ) {
    super(code, message, retryable, call);
    this.name = "HrdkitApiError";
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, errors: this.errors };
  }
}

/**
 * No answer: the bridge could not be reached, the connection broke, the call timed out
 * (`code` `ETIMEDOUT`) or was aborted (`aborted`). A call that changes something may or may not
 * have been done: repeat it with the same `idempotencyKey`.
 */
export class HrdkitNetworkError extends HrdkitError {
  constructor(code: string, message: string, call: CallInfo, cause?: unknown) {
    super(code, message, code !== "aborted", call, cause === undefined ? undefined : { cause });
    this.name = "HrdkitNetworkError";
  }
}

/** The bridge's error body, or undefined when the body is something else (a proxy's page…). */
export function readErrorBody(
  body: unknown,
): { code: string; message: string; retryable?: boolean; issues: FieldError[] } | undefined {
  const e = (body as { error?: unknown } | null)?.error as
    | { code?: unknown; message?: unknown; retryable?: unknown; issues?: unknown }
    | undefined;
  if (!e || typeof e.code !== "string" || typeof e.message !== "string") return undefined;
  const issues = Array.isArray(e.issues)
    ? e.issues
        .filter((i): i is FieldError => typeof i?.path === "string" && typeof i?.message === "string")
        .map((i) => ({ path: i.path, message: i.message }))
    : [];
  return {
    code: e.code,
    message: e.message,
    ...(typeof e.retryable === "boolean" ? { retryable: e.retryable } : {}),
    issues,
  };
}
