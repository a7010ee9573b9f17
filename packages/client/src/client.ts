/**
 * `createClient`: typed calls (`client.get(path, init)`…, types from the generated `paths`) over
 * an axios instance whose interceptors do what every call needs, so that a request sent through
 * `client.axios` directly gets it too:
 * - request: an `Idempotency-Key` where the OpenAPI document requires one and the caller gave
 *   none (kept across retries: it is set once, on the request's headers), an `X-Request-Id`, then
 *   the signature over the exact path, query and body bytes that go out (a new nonce per attempt);
 * - response: a retry when repeating is safe (retry.ts), else the failure as a typed error.
 */
import { randomUUID } from "node:crypto";
import axios, {
  type AxiosError,
  type AxiosInstance,
  type AxiosRequestConfig,
  type AxiosResponse,
  type CreateAxiosDefaults,
  type InternalAxiosRequestConfig,
} from "axios";
import { type CallInfo, HrdkitApiError, HrdkitError, HrdkitNetworkError, readErrorBody } from "./errors.js";
import type { OperationInfo } from "./operations.generated.js";
import { findOperation } from "./operations.js";
import { DEFAULT_RETRY, type Failure, isRepeatable, type RetryPolicy, retryDelay } from "./retry.js";
import { signerFor } from "./signing.js";
import type { ApiResponse, Caller, CallOptions, Method } from "./types.js";

export interface ClientOptions {
  /** Where the bridge listens, e.g. `http://127.0.0.1:8080`. */
  baseURL: string;
  /** The module key, `hk_<id>.<secret>` (made with `hrdkit-bridge key create`). */
  key: string;
  /** Timeout of each attempt, in ms (default 30 000). */
  timeout?: number;
  /** Retries of calls that are safe to repeat; `false`: never retry. */
  retry?: Partial<RetryPolicy> | false;
  /** Headers sent with every request (e.g. a `User-Agent`). */
  headers?: Record<string, string>;
  /** More axios defaults: an `httpAgent`, a `proxy`, an `adapter`… */
  axios?: CreateAxiosDefaults;
}

/** A client of the bridge: one typed method per HTTP method, for the paths the bridge has. */
export interface HrdkitClient {
  get: Caller<"get">;
  post: Caller<"post">;
  put: Caller<"put">;
  patch: Caller<"patch">;
  delete: Caller<"delete">;
  /**
   * The axios instance the calls go through. Every request sent on it is signed, gets an
   * Idempotency-Key where required, is retried when safe and fails with the client's errors; add
   * interceptors of your own here (logging, metrics).
   */
  readonly axios: AxiosInstance;
}

/** What one call carries from attempt to attempt (axios keeps unknown config fields). */
interface CallState {
  attempt: number;
  retries?: number;
  method?: string;
  path?: string;
  operation?: OperationInfo | null;
}
type Config = InternalAxiosRequestConfig & { hrdkitCall?: CallState };

/** What a call's init holds, whatever the operation (the types narrow it per path). */
interface AnyInit extends CallOptions {
  params?: {
    path?: Record<string, unknown>;
    query?: Record<string, unknown>;
    header?: Record<string, unknown>;
  };
  body?: unknown;
  contentType?: string;
  idempotencyKey?: string;
}

const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/** The URL axios's http adapter will request (its buildFullPath), before query params. */
function fullPath(config: Config): string {
  const url = config.url ?? "";
  if (config.baseURL && (!ABSOLUTE_URL.test(url) || config.allowAbsoluteUrls === false)) {
    return url ? `${config.baseURL.replace(/\/?\/$/, "")}/${url.replace(/^\/+/, "")}` : config.baseURL;
  }
  return url;
}

/** The bytes the adapter will send; objects are serialized here, so what is signed is what goes. */
function bodyBytes(config: Config): string | Uint8Array {
  const data: unknown = config.data;
  if (data === undefined || data === null) return "";
  if (typeof data === "string" || data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  const proto = Object.getPrototypeOf(data);
  if (proto !== Object.prototype && proto !== null && !Array.isArray(data)) {
    throw new TypeError(
      "the body must be JSON (an object, an array), a string or bytes: other bodies cannot be signed",
    );
  }
  const text = JSON.stringify(data);
  config.data = text;
  if (!config.headers.has("content-type")) config.headers.setContentType("application/json");
  return text;
}

/**
 * A body received as bytes, as its Content-Type says: JSON parsed, text (XML, CSV) as a string,
 * anything else (a PDF, an image) as a Buffer.
 */
function decode(data: unknown, contentType: string | undefined): unknown {
  if (!Buffer.isBuffer(data)) return data;
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json" || type.endsWith("+json")) {
    if (data.length === 0) return undefined;
    try {
      return JSON.parse(data.toString("utf8"));
    } catch {
      return data.toString("utf8");
    }
  }
  if (type.startsWith("text/") || type === "application/xml" || type.endsWith("+xml"))
    return data.toString("utf8");
  // No body and no type (a 204): nothing; otherwise the bytes.
  return data.length === 0 && !type ? undefined : data;
}

function header(headers: unknown, name: string): string | undefined {
  const h = headers as { get?: (n: string) => unknown } | Record<string, unknown> | undefined;
  const v = typeof h?.get === "function" ? h.get(name) : (h as Record<string, unknown> | undefined)?.[name];
  if (v === undefined || v === null || v === false) return undefined;
  return Array.isArray(v) ? v.join(", ") : String(v);
}

function sleep(ms: number, signal?: { aborted?: boolean; addEventListener?: unknown }): Promise<void> {
  const s = signal as AbortSignal | undefined;
  return new Promise((resolve, reject) => {
    if (s?.aborted) return reject(new Error("aborted"));
    const timer = setTimeout(() => {
      s?.removeEventListener?.("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error("aborted"));
    };
    s?.addEventListener?.("abort", onAbort, { once: true });
  });
}

function callInfo(config: Config, response?: AxiosResponse): CallInfo {
  const call = config.hrdkitCall;
  return {
    method: (call?.method ?? config.method ?? "get").toUpperCase(),
    path: call?.path ?? "",
    operationId: call?.operation?.operationId ?? undefined,
    requestId: header(response?.headers, "x-request-id") ?? header(config.headers, "x-request-id"),
    idempotencyKey: header(config.headers, "idempotency-key"),
    attempts: call?.attempt ?? 1,
  };
}

/** The failure of an attempt that is not retried, as the client's error. */
function toClientError(err: AxiosError, config: Config, baseURL: string): HrdkitError {
  const res = err.response;
  const info = callInfo(config, res);
  if (res) {
    const transient = res.status === 429 || res.status >= 500;
    const body = readErrorBody(res.data);
    if (body) {
      return new HrdkitApiError(
        res.status,
        body.code,
        body.message,
        body.retryable ?? transient,
        body.issues,
        info,
      );
    }
    const message = `the bridge answered ${res.status}${res.statusText ? ` ${res.statusText}` : ""} without its error body`;
    return new HrdkitApiError(res.status, `http_${res.status}`, message, transient, [], info);
  }
  if (axios.isCancel(err) || err.code === "ERR_CANCELED") {
    return new HrdkitNetworkError("aborted", `${info.method} ${info.path} was aborted`, info);
  }
  if (err.code === "ECONNABORTED" || err.code === "ETIMEDOUT") {
    const message = `no answer from the bridge within ${config.timeout} ms (${info.method} ${info.path})`;
    return new HrdkitNetworkError("ETIMEDOUT", message, info);
  }
  // Node's own error (ECONNREFUSED, ECONNRESET…): its address and code, never the request.
  const cause = err.cause instanceof Error && !axios.isAxiosError(err.cause) ? err.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  let origin = baseURL;
  try {
    origin = new URL(fullPath(config)).origin;
  } catch {}
  return new HrdkitNetworkError(
    typeof code === "string" ? code : (err.code ?? "network"),
    `could not reach the bridge at ${origin}: ${cause?.message ?? err.message}`,
    info,
    cause,
  );
}

function queryString(query: Record<string, unknown> | undefined): string {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null) q.append(name, String(v));
    }
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

function fillPath(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined || v === null || v === "") {
      throw new TypeError(`${template}: the path parameter "${name}" is missing`);
    }
    return encodeURIComponent(String(v));
  });
}

/**
 * A client for the bridge at `baseURL`, signing with the module key `key`.
 *
 * @example
 * ```ts
 * const bridge = createClient({ baseURL: "http://127.0.0.1:8080", key: process.env.HRDKIT_KEY! });
 * const { data } = await bridge.get("/v1/billing/customers/{id}", { params: { path: { id: 1 } } });
 * ```
 */
export function createClient(options: ClientOptions): HrdkitClient {
  const sign = signerFor(options.key);
  const retry: RetryPolicy | undefined =
    options.retry === false ? undefined : { ...DEFAULT_RETRY, ...options.retry };
  let basePath: string;
  try {
    basePath = new URL(options.baseURL).pathname.replace(/\/+$/, "");
  } catch {
    throw new TypeError("baseURL must be an absolute URL, e.g. http://127.0.0.1:8080");
  }

  const instance = axios.create({
    ...options.axios,
    baseURL: options.baseURL,
    timeout: options.timeout ?? options.axios?.timeout ?? 30_000,
    headers: { ...options.axios?.headers, ...options.headers },
    // The body goes out exactly as the request interceptor signed it.
    transformRequest: [(data: unknown) => data],
    // A redirect would be followed unsigned, possibly to another host: the bridge never sends one.
    maxRedirects: 0,
  });

  // Signing is added first: axios runs request interceptors last-added first, so interceptors a
  // user adds later run before it and the signature covers their changes.
  instance.interceptors.request.use((c) => {
    const config = c as Config;
    const call = config.hrdkitCall ?? { attempt: 0 };
    config.hrdkitCall = call;
    call.attempt++;
    const method = (config.method ?? "get").toUpperCase();
    const url = new URL(fullPath(config));
    // The path and query exactly as the http adapter will send them (its params appended as it does).
    const target = instance.getUri({
      baseURL: "",
      url: url.pathname + url.search,
      params: config.params,
      paramsSerializer: config.paramsSerializer,
    });
    const relative = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
    call.method = method;
    call.path = url.pathname;
    if (call.operation === undefined) call.operation = findOperation(method, relative) ?? null;

    if (call.operation?.idempotencyKey === "required" && !config.headers.has("idempotency-key")) {
      config.headers.set("Idempotency-Key", randomUUID());
    }
    if (!config.headers.has("x-request-id")) config.headers.set("X-Request-Id", randomUUID());
    const body = bodyBytes(config);
    // axios would give an empty POST `application/x-www-form-urlencoded`, which the bridge refuses.
    if (body.length === 0 && !config.headers.has("content-type")) config.headers.set("Content-Type", false);
    for (const [name, value] of Object.entries(sign(method, target, body))) config.headers.set(name, value);
    return config;
  });

  instance.interceptors.response.use(undefined, async (err: unknown) => {
    // A failure already handled (by the interceptor of a retry), or not axios's at all.
    if (err instanceof HrdkitError || !axios.isAxiosError(err) || !err.config) throw err;
    const config = err.config as Config;
    const call = config.hrdkitCall ?? { attempt: 1 };
    const res = err.response;
    // Typed calls take bodies as bytes (a PDF must stay bytes): an error body is JSON all the same.
    if (res) res.data = decode(res.data, header(res.headers, "content-type"));
    const failure: Failure = {
      status: res?.status,
      retryable: res ? readErrorBody(res.data)?.retryable : undefined,
      retryAfter: header(res?.headers, "retry-after"),
      aborted: axios.isCancel(err) || err.code === "ERR_CANCELED",
    };
    const policy = retry && call.retries !== undefined ? { ...retry, retries: call.retries } : retry;
    const repeatable = isRepeatable(
      config.method ?? "get",
      header(config.headers, "idempotency-key") !== undefined,
      call.operation?.idempotencyKey,
    );
    const delay = policy && repeatable ? retryDelay(failure, call.attempt, policy) : undefined;
    if (delay === undefined) throw toClientError(err, config, options.baseURL);
    try {
      await sleep(delay, config.signal);
    } catch {
      const info = callInfo(config, res);
      throw new HrdkitNetworkError("aborted", `${info.method} ${info.path} was aborted`, info);
    }
    return instance.request(config);
  });

  const send = async (
    method: Method,
    template: string,
    init: AnyInit = {},
  ): Promise<ApiResponse<unknown>> => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(init.params?.header ?? {})) {
      if (value !== undefined && value !== null) headers[name] = String(value);
    }
    if (init.idempotencyKey) headers["idempotency-key"] = init.idempotencyKey;
    const hasBody = init.body !== undefined;
    // A file goes as it is, with the media type the caller chose; everything else is JSON.
    const raw = hasBody && init.contentType !== undefined && init.contentType !== "application/json";
    if (hasBody) headers["content-type"] = raw ? init.contentType! : "application/json";
    const state: CallState = { attempt: 0, ...(init.retries === undefined ? {} : { retries: init.retries }) };
    const res = await instance.request({
      method,
      url: fillPath(template, init.params?.path) + queryString(init.params?.query),
      data: raw ? init.body : hasBody ? JSON.stringify(init.body) : undefined,
      // Decoded below by Content-Type: JSON, text, or the bytes (a PDF) untouched.
      responseType: "arraybuffer",
      headers,
      signal: init.signal,
      timeout: init.timeout,
      hrdkitCall: state,
    } as AxiosRequestConfig);
    const flat: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers ?? {})) {
      if (value !== undefined && value !== null)
        flat[name] = Array.isArray(value) ? value.join(", ") : String(value);
    }
    const sent = res.config.headers;
    const idempotencyKey = header(sent, "idempotency-key");
    return {
      data: decode(res.data, flat["content-type"]),
      status: res.status,
      headers: flat,
      requestId: flat["x-request-id"] ?? header(sent, "x-request-id") ?? "",
      ...(idempotencyKey ? { idempotencyKey } : {}),
    };
  };

  const caller = (method: Method) => (path: string, init?: AnyInit) => send(method, path, init);
  return {
    get: caller("get") as Caller<"get">,
    post: caller("post") as Caller<"post">,
    put: caller("put") as Caller<"put">,
    patch: caller("patch") as Caller<"patch">,
    delete: caller("delete") as Caller<"delete">,
    axios: instance,
  };
}
