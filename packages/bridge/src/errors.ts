/**
 * The one error shape every route answers with, and that each PHP module maps onto its panel's
 * own convention (`['error' => message]` in WHMCS, `addError()` in HostBill):
 * `{ "error": { "code": "...", "message": "...", "retryable": false, "issues"?: [...] } }`.
 */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    /** True when the same request may simply be sent again later. */
    retryable: boolean;
    /** Validation errors: every bad field. */
    issues?: { path: string; message: string }[];
  };
}

export class BridgeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryable = false,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = "BridgeError";
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        retryable: this.retryable,
        ...(this.issues ? { issues: this.issues } : {}),
      },
    };
  }
}

/** Codes for Fastify's own refusals: what the client did wrong, in the bridge's words. */
const FASTIFY_CODES: Record<string, [code: string, message: string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    "unsupported_media_type",
    "the body must be JSON, sent with Content-Type: application/json",
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: ["too_large", "the request body is too large"],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ["bad_request", "Content-Length does not match the body"],
  FST_ERR_CTP_EMPTY_JSON_BODY: ["bad_json", "the body is empty but says it is JSON"],
  FST_ERR_CTP_INVALID_JSON_BODY: ["bad_json", "the body is not valid JSON"],
  FST_ERR_BAD_URL: ["bad_url", "the URL is not valid (a malformed percent-escape?)"],
  FST_ERR_MAX_PARAM_LENGTH: ["uri_too_long", "a path parameter is longer than any valid value"],
};

/** Status codes Fastify or a plugin may answer with, by the code the bridge uses. */
const STATUS_CODES: Record<number, string> = {
  400: "bad_request",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  406: "not_acceptable",
  413: "too_large",
  414: "uri_too_long",
  415: "unsupported_media_type",
  431: "headers_too_large",
};

/**
 * A client error raised by Fastify or one of its plugins (it carries a 4xx `statusCode`) in the
 * one error shape; undefined for anything else. Its own message is kept only when it is
 * Fastify's (FST_ERR_*), which never holds request data beyond the path.
 */
export function clientError(err: unknown): BridgeError | undefined {
  const e = err as { code?: unknown; statusCode?: unknown; status?: unknown; message?: unknown } | null;
  const status =
    typeof e?.statusCode === "number" ? e.statusCode : typeof e?.status === "number" ? e.status : 0;
  const known = typeof e?.code === "string" ? FASTIFY_CODES[e.code] : undefined;
  if (known) return new BridgeError(status >= 400 && status < 500 ? status : 400, known[0], known[1]);
  if (status < 400 || status >= 500) return undefined;
  const message =
    typeof e?.code === "string" && e.code.startsWith("FST_")
      ? String(e.message)
      : `request refused (${status})`;
  return new BridgeError(status, STATUS_CODES[status] ?? "bad_request", message);
}
