import pRetry from "p-retry";
import type { z } from "zod";
import type { HrdApi } from "./api.generated.js";
import { type CheckManyOptions, type CheckResult, checkMany } from "./bulk.js";
import { loadCredentialsFromEnv } from "./env.js";
import {
  type FieldIssue,
  HrdAbortError,
  HrdApiError,
  HrdConnectionError,
  HrdError,
  HrdInsufficientBalanceError,
  HrdOutcomeUnknownError,
  HrdProtocolError,
  HrdValidationError,
} from "./errors.js";
import { type AnyOperation, type InputOf, type OutputOf, requestBody } from "./ops/define.js";
import { getOperation, type OperationName, type Operations, operations } from "./ops/index.js";
import {
  type EnsureOptionResult,
  type EnsureOptions,
  type EnsureRegisteredResult,
  type EnsureRenewedResult,
  type EnsureTransferResult,
  ensureDomainRegistered,
  ensureDomainRenewed,
  ensureDomainTransferred,
  ensureOptionCreated,
  type OrderCertificateResult,
  orderCertificateOnce,
} from "./reconcile.js";
import { shouldRetry } from "./retry.js";
import { HrdConnection, type TlsOptions } from "./transport/connection.js";
import { RateLimiter } from "./transport/limiter.js";
import { ConnectionPool } from "./transport/pool.js";
import { redactXml } from "./util/redact.js";
import {
  apiDocument,
  apiDocumentAround,
  type ParsedNode,
  parseApiDocument,
  pick,
  type XmlTree,
} from "./wire/xml.js";

export const DEFAULT_HOST = "api.hrd.pl";
export const DEFAULT_PORT = 9999;

export interface HrdClientOptions extends TlsOptions {
  /** The partner's API login. */
  login: string;
  /** The API password ("hasło API") generated in HRD's purchase panel. */
  password: string;
  /** The API key ("klucz API"), hex, generated in HRD's purchase panel. */
  apiKey: string;
  /** Default `api.hrd.pl`. */
  host?: string;
  /** Default 9999. */
  port?: number;
  /**
   * Connections opened at most at once (each carries one request at a time): the client's limit
   * on concurrency towards HRD. Default 2.
   */
  poolSize?: number;
  /**
   * Requests per second at most (a token bucket with a burst of the same size): bulk jobs queue
   * instead of flooding HRD. Default: no limit. Retries count too; logins do not.
   */
  maxRequestsPerSecond?: number;
  /** A limiter shared with other clients of the same login (overrides `maxRequestsPerSecond`). */
  limiter?: RateLimiter;
  /** Per-attempt timeout of a call, ms. Default 30 000. */
  timeoutMs?: number;
  /** Timeout of connecting and logging in, ms. Default 10 000. */
  connectTimeoutMs?: number;
  /** Attempts after the first for reads and idempotent writes (and for billable calls never sent). Default 3. */
  retries?: number;
  /** First backoff delay, ms (doubles each retry). Default 200. */
  retryMinDelayMs?: number;
  /** Largest reply frame accepted, bytes. Default 16 MiB. */
  maxFrameBytes?: number;
  /**
   * Most bytes one reply may take, all its frames together (a split check reply), bytes.
   * Default: `maxFrameBytes`. A server that goes on sending fails the call with HrdProtocolError.
   */
  maxReplyBytes?: number;
  /** Sees every frame's XML with secrets redacted — for debugging. */
  onDebug?: (event: DebugEvent) => void;
}

export interface DebugEvent {
  direction: "out" | "in";
  /** Redacted XML. */
  xml: string;
}

export interface CallOptions {
  /** Overrides the client's per-attempt timeout. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Overrides the client's retry count for this call (reads and idempotent writes only). */
  retries?: number;
}

/** Options of {@link HrdClient.waitForAction}. */
export interface WaitOptions {
  /** Give up after this long, ms. Default 120 000. */
  timeoutMs?: number;
  /** Time between two `action/info` reads, ms. Default 1 000. */
  intervalMs?: number;
  signal?: AbortSignal;
}

type Op<N extends OperationName> = Operations[N];
type ModuleOf<N> = N extends `${infer M}/${string}` ? M : never;
type MethodOf<N, M extends string> = N extends `${M}/${infer K}` ? K : never;
type MethodFn<N extends OperationName> =
  undefined extends InputOf<Op<N>>
    ? (input?: InputOf<Op<N>>, options?: CallOptions) => Promise<OutputOf<Op<N>>>
    : (input: InputOf<Op<N>>, options?: CallOptions) => Promise<OutputOf<Op<N>>>;

/**
 * The client's methods as the registry implies them. The documented interface `HrdApi` is
 * generated from the registry (scripts/gen-api.ts); the check below fails the build if the two
 * ever disagree.
 */
type DerivedApi = {
  [M in ModuleOf<OperationName>]: {
    [K in MethodOf<OperationName, M>]: `${M}/${K}` extends OperationName ? MethodFn<`${M}/${K}`> : never;
  };
};
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const apiMatchesRegistry: Same<HrdApi, DerivedApi> = true;
void apiMatchesRegistry;

/** Operations that return one page of ids or names after a cursor (what `iterate` walks). */
export type ListOperationName = {
  [N in OperationName]: OutputOf<Op<N>> extends (string | number)[]
    ? N extends `${string}/${string}${"list" | "List"}`
      ? N
      : never
    : never;
}[OperationName];

/** Terminal action statuses (HRD's values are free strings; these cover HRD's and the sandbox's). */
const ACTION_DONE = new Set(["done", "completed", "ok", "success", "finished"]);
const ACTION_FAILED = new Set(["failed", "error", "cancelled", "canceled", "rejected"]);

export type ActionResult = OutputOf<Operations["action/info"]> & { id: number; ok: boolean };

/**
 * HRD partner API v2 client.
 *
 * @example
 * ```ts
 * const hrd = HrdClient.fromEnv();
 * const [res] = await hrd.domain.check({ names: ["example.pl"] });
 * console.log(res.status); // "available"
 * await hrd.close();
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface below declares the per-module methods the constructor installs from the registry
export class HrdClient {
  private readonly pool: ConnectionPool;
  private readonly limiter?: RateLimiter;
  private readonly ownsLimiter: boolean;
  private readonly session: { token?: string } = {};
  private readonly opts: Required<
    Pick<HrdClientOptions, "host" | "port" | "timeoutMs" | "connectTimeoutMs" | "retries" | "retryMinDelayMs">
  >;

  constructor(private readonly options: HrdClientOptions) {
    const missing: FieldIssue[] = [];
    if (!options.login) missing.push({ path: "login", message: "is required" });
    if (!options.password) missing.push({ path: "password", message: "is required" });
    if (!options.apiKey || !/^(?:[0-9a-fA-F]{2})+$/.test(options.apiKey)) {
      missing.push({ path: "apiKey", message: "must be the hex API key from HRD's purchase panel" });
    }
    const rate = options.maxRequestsPerSecond;
    if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) {
      missing.push({ path: "maxRequestsPerSecond", message: "must be a positive number" });
    }
    const poolSize = options.poolSize ?? 2;
    if (!Number.isInteger(poolSize) || poolSize < 1) {
      missing.push({ path: "poolSize", message: "must be a positive integer" });
    }
    if (missing.length) throw new HrdValidationError("HrdClient options", missing);
    this.limiter = options.limiter ?? (rate ? new RateLimiter({ perSecond: rate }) : undefined);
    this.ownsLimiter = !options.limiter && this.limiter !== undefined;
    this.opts = {
      host: options.host ?? DEFAULT_HOST,
      port: options.port ?? DEFAULT_PORT,
      timeoutMs: options.timeoutMs ?? 30_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      retries: options.retries ?? 3,
      retryMinDelayMs: options.retryMinDelayMs ?? 200,
    };
    this.pool = new ConnectionPool(poolSize, (signal) => this.connect(signal));
    for (const name of Object.keys(operations)) {
      const [module, method] = name.split("/") as [string, string];
      const self = this as unknown as Record<string, Record<string, unknown>>;
      self[module] ??= {};
      const ns = self[module];
      ns[method] = (input: unknown, callOptions?: CallOptions) =>
        this.call(name as OperationName, input as never, callOptions);
    }
  }

  /**
   * A client from `HRD_LOGIN`, `HRD_PASSWORD`, `HRD_API_KEY` (and optional `HRD_HOST`, `HRD_PORT`),
   * read from the environment and a `.env` file. Throws HrdConfigError naming what is missing.
   * @example
   * ```ts
   * const hrd = HrdClient.fromEnv({ poolSize: 4, maxRequestsPerSecond: 10 });
   * ```
   */
  static fromEnv(overrides: Partial<HrdClientOptions> = {}, env: NodeJS.ProcessEnv = process.env): HrdClient {
    return new HrdClient({ ...loadCredentialsFromEnv(env), ...overrides } as HrdClientOptions);
  }

  /** Connections this client opens at most. */
  get poolSize(): number {
    return this.pool.size;
  }

  /** Connections open right now. */
  get openConnections(): number {
    return this.pool.openConnections;
  }

  /**
   * Checks input as `call` would, without sending anything: returns the request's wire tree, or
   * throws HrdValidationError naming every bad field.
   * @example
   * ```ts
   * hrd.validate("domain/create", { name: "żółw.pl", user: 12, ns: ["ns1.hrd.pl", "ns2.hrd.pl"] });
   * ```
   */
  validate<N extends OperationName>(name: N, input: InputOf<Op<N>>): XmlTree | null {
    const op = getOperation(name);
    if (!op) throw new TypeError(`unknown operation ${name}`);
    return validateInput(op, input);
  }

  /**
   * Calls one operation by name. The typed methods (`client.domain.check`) call this; use it when
   * the operation's name is data (a job queue, a CLI).
   * @example
   * ```ts
   * const info = await hrd.call("domain/info", { name: "sklep.pl" }, { timeoutMs: 5_000 });
   * ```
   */
  call<N extends OperationName>(
    name: N,
    input: InputOf<Op<N>>,
    options: CallOptions = {},
  ): Promise<OutputOf<Op<N>>> {
    const op = getOperation(name) as AnyOperation | undefined;
    if (!op) return Promise.reject(new TypeError(`unknown operation ${name}`));
    let wire: XmlTree | null;
    try {
      wire = validateInput(op, input);
    } catch (err) {
      return Promise.reject(err);
    }
    const xml = requestXml(op, wire);
    const timeoutMs = options.timeoutMs ?? this.opts.timeoutMs;
    const maxBytes = this.options.maxReplyBytes;
    const useConnection = (conn: HrdConnection): Promise<unknown> => {
      // Parsed once, here: a split reply (domain/check) is judged complete on all frames so far.
      const parsed: ParsedApi[] = [];
      let fast: unknown;
      return conn
        .exchange(xml, {
          timeoutMs,
          signal: options.signal,
          operation: op.name,
          maxBytes,
          wantsMore: (text) => {
            if (parsed.length === 0 && op.fastReply) {
              // The plain, complete, correct reply of a hot operation, read without the general
              // parser; anything else (an error, a split reply, a wrong name) goes the long way.
              fast = op.fastReply(wire, text);
              if (fast !== undefined) return false;
            }
            parsed.push(parseReply(op, text));
            if (isError(parsed[0]!) || (op.partial === undefined && op.verify === undefined)) return false;
            const node = replyNode(op, parsed);
            const problem = op.verify?.(wire, node);
            if (problem) {
              throw new HrdProtocolError(
                `the reply to ${op.name} belongs to another request: ${problem}`,
                op.name,
                redactXml(text),
              );
            }
            return op.partial?.(wire, node) ?? false;
          },
        })
        .then(() => {
          if (fast !== undefined) return fast;
          try {
            return interpret(op, parsed);
          } catch (err) {
            // A reply of the wrong shape may be another request's: this stream is out of step.
            if (err instanceof HrdProtocolError) conn.discard();
            throw err;
          }
        });
    };
    const limiter = this.limiter;
    const attempt = (): Promise<unknown> =>
      limiter
        ? limiter.take(options.signal).then(() => this.pool.use(useConnection, options.signal))
        : this.pool.use(useConnection, options.signal);
    // The first attempt is made here, and only a failure that shouldRetry lets through goes on to
    // p-retry: a call that succeeds at once (nearly all of them) pays for no retry bookkeeping.
    return attempt().catch((err: unknown) =>
      this.retry(op, err, attempt, options).catch((final: unknown) => {
        throw outcomeUnknown(op, wire, final);
      }),
    ) as Promise<OutputOf<Op<N>>>;
  }

  /**
   * The attempts after a failed first one, through p-retry. p-retry is handed the first attempt's
   * failure as its own first attempt (replayed, not made again), so the count, the backoff
   * (`retryMinDelayMs` doubling, jitter ×[1, 2)) and every decision go exactly as if p-retry had
   * run the call from the start.
   */
  private retry(
    op: AnyOperation,
    first: unknown,
    attempt: () => Promise<unknown>,
    options: CallOptions,
  ): Promise<unknown> {
    const retries = options.retries ?? this.opts.retries;
    if (!(retries > 0) || !shouldRetry(op.effect, first, op.idempotent)) return Promise.reject(first);
    const signal = options.signal;
    let last = first;
    let replayed = false;
    let done = false;
    let result: unknown;
    return pRetry(
      () => {
        if (!replayed) {
          replayed = true;
          return Promise.reject(first);
        }
        return attempt().then((value) => {
          done = true;
          result = value;
          return value;
        });
      },
      {
        retries,
        minTimeout: this.opts.retryMinDelayMs,
        factor: 2,
        randomize: true,
        signal,
        onFailedAttempt: ({ error }) => {
          last = error;
        },
        shouldRetry: ({ error }) => shouldRetry(op.effect, error, op.idempotent),
      },
    ).catch((err: unknown) => {
      // p-retry checks the signal after an attempt too: an abort that lands just as an attempt
      // succeeds must not hide that it succeeded (a purchase would look unmade).
      if (done) return result;
      // Aborted while waiting to retry: p-retry rejects with the signal's reason; the caller gets
      // an HrdAbortError carrying what is known of the request (the failed attempt's outcome).
      if (err !== last && signal?.aborted) {
        throw new HrdAbortError(op.name, last instanceof HrdError ? last.outcome : "unknown");
      }
      throw err;
    });
  }

  /**
   * Every item of a cursor-paged list (`domain/list`, `user/list`, `action/list`, `domain/hostList`,
   * `domain/futureList`, `cert/list`, …), page after page. `input` carries the list's other
   * filters (e.g. `{ userId }` of `partner/contactList`).
   * @example
   * ```ts
   * for await (const name of client.iterate("domain/list")) console.log(name);
   * ```
   */
  async *iterate<N extends ListOperationName>(
    name: N,
    input: Omit<NonNullable<InputOf<Op<N>>>, "lastId" | "lastName"> = {} as never,
    options: CallOptions = {},
  ): AsyncGenerator<OutputOf<Op<N>>[number]> {
    const cursorKey = getOperation(name)?.cursor;
    if (!cursorKey) throw new TypeError(`${name} is not a cursor-paged list`);
    let cursor: string | number | undefined;
    for (;;) {
      const page = (await this.call(
        name,
        (cursor === undefined ? { ...input } : { ...input, [cursorKey]: cursor }) as never,
        options,
      )) as (string | number)[];
      if (page.length === 0) return;
      for (const item of page) yield item as OutputOf<Op<N>>[number];
      const last = page[page.length - 1];
      if (last === cursor) return;
      cursor = last;
    }
  }

  /**
   * Waits until an action ends (reads `action/info` every `intervalMs`). Resolves with the final
   * state and `ok` (false for failed/cancelled); rejects with an HrdError of code `action_timeout`
   * (outcome unknown: the action may still finish) when `timeoutMs` passes.
   * @example
   * ```ts
   * const { actionId } = await hrd.domain.create({ name: "sklep.pl", user: 1234, ns: ["ns1.hrd.pl", "ns2.hrd.pl"] });
   * const action = await hrd.waitForAction(actionId, { intervalMs: 2_000 });
   * if (!action.ok) console.error(action.status);
   * ```
   */
  async waitForAction(id: number, options: WaitOptions = {}): Promise<ActionResult> {
    const timeoutMs = options.timeoutMs ?? 120_000;
    const interval = options.intervalMs ?? 1_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = await this.call("action/info", { id }, { signal: options.signal });
      const status = info.status.toLowerCase();
      if (ACTION_DONE.has(status)) return { ...info, id, ok: true };
      if (ACTION_FAILED.has(status)) return { ...info, id, ok: false };
      if (Date.now() + interval > deadline) {
        throw new HrdError(`action ${id} is still "${info.status}" after ${timeoutMs} ms`, {
          code: "action_timeout",
          retryable: true,
          outcome: "unknown",
          operation: "action/info",
        });
      }
      await sleep(interval, options.signal);
    }
  }

  /**
   * Checks any number of names in calls of up to 100, through the pool, with progress. Every name
   * is validated first (bad ones named, nothing sent); duplicates are checked once.
   * @example
   * ```ts
   * const results = await hrd.checkMany(names, { onProgress: (done, total) => console.log(`${done}/${total}`) });
   * const free = results.filter((r) => r.status === "available");
   * ```
   */
  checkMany(names: readonly string[], options?: CheckManyOptions): Promise<CheckResult[]> {
    return checkMany(this, names, options);
  }

  /**
   * Makes sure a domain is registered to an account: looks first, buys only if it is not there,
   * resolves an unknown outcome by reading state. See {@link ensureDomainRegistered}.
   * @example
   * ```ts
   * const r = await hrd.ensureDomainRegistered({ name: "sklep.pl", user: 1234, ns: ["ns1.hrd.pl", "ns2.hrd.pl"] });
   * if (r.outcome === "alreadyRegistered") console.log("nothing bought");
   * ```
   */
  ensureDomainRegistered(
    input: InputOf<Op<"domain/create">>,
    options?: EnsureOptions,
  ): Promise<EnsureRegisteredResult> {
    return ensureDomainRegistered(this, input, options);
  }

  /**
   * Makes sure a domain is renewed past `currentExpirationDate`, never twice. See {@link ensureDomainRenewed}.
   * @example
   * ```ts
   * await hrd.ensureDomainRenewed({ name: "sklep.pl", currentExpirationDate: "2027-03-01", period: 1 });
   * ```
   */
  ensureDomainRenewed(
    input: InputOf<Op<"domain/renew">>,
    options?: EnsureOptions,
  ): Promise<EnsureRenewedResult> {
    return ensureDomainRenewed(this, input, options);
  }

  /**
   * Makes sure a transfer-in has been ordered, never twice. See {@link ensureDomainTransferred}.
   * @example
   * ```ts
   * const t = await hrd.ensureDomainTransferred({ name: "example.pl", user: 1234, authInfo: code });
   * ```
   */
  ensureDomainTransferred(
    input: InputOf<Op<"domain/transfer">>,
    options?: EnsureOptions,
  ): Promise<EnsureTransferResult> {
    return ensureDomainTransferred(this, input, options);
  }

  /**
   * Makes sure an account holds a .pl option on a name, never buying it twice. See {@link ensureOptionCreated}.
   * @example
   * ```ts
   * await hrd.ensureOptionCreated({ name: "sklep.pl", user: 1234 });
   * ```
   */
  ensureOptionCreated(
    input: InputOf<Op<"domain/futureCreate">>,
    options?: EnsureOptions,
  ): Promise<EnsureOptionResult> {
    return ensureOptionCreated(this, input, options);
  }

  /**
   * Orders one certificate, exactly once even when the reply is lost. See {@link orderCertificateOnce}.
   * @example
   * ```ts
   * const { certId } = await hrd.orderCertificateOnce({ product: "Positive SSL", approverEmail: "admin@sklep.pl", csr, certContactId: 7, userId: 1234 });
   * ```
   */
  orderCertificateOnce(
    input: InputOf<Op<"cert/create">>,
    options?: EnsureOptions,
  ): Promise<OrderCertificateResult> {
    return orderCertificateOnce(this, input, options);
  }

  /** What `console.log(client)` and `JSON.stringify(client)` show: never the password, key or token. */
  toJSON(): Record<string, unknown> {
    return {
      host: this.opts.host,
      port: this.opts.port,
      login: this.options.login,
      password: "[redacted]",
      apiKey: "[redacted]",
      openConnections: this.openConnections,
    };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `HrdClient ${JSON.stringify(this.toJSON())}`;
  }

  /**
   * Closes every connection (and a limiter the client made itself). Call it when done, or a
   * script keeps running while connections stay open.
   * @example
   * ```ts
   * try { await hrd.partner.getBalance(); } finally { await hrd.close(); }
   * ```
   */
  async close(): Promise<void> {
    if (this.ownsLimiter) this.limiter?.close();
    this.pool.close();
  }

  private async connect(signal?: AbortSignal): Promise<HrdConnection> {
    const onDebug = this.options.onDebug;
    try {
      return await HrdConnection.open(
        {
          host: this.opts.host,
          port: this.opts.port,
          login: this.options.login,
          password: this.options.password,
          apiKey: this.options.apiKey,
          ca: this.options.ca,
          rejectUnauthorized: this.options.rejectUnauthorized,
          servername: this.options.servername,
          connectTimeoutMs: this.opts.connectTimeoutMs,
          maxFrameBytes: this.options.maxFrameBytes,
          session: this.session,
          onFrame: onDebug ? (direction, xml) => onDebug({ direction, xml: redactXml(xml) }) : undefined,
        },
        signal,
      );
    } catch (err) {
      // Whatever failed while connecting or logging in, the caller's request was never sent.
      if (err instanceof HrdError && err.outcome === "unknown") {
        throw new HrdConnectionError(`could not open a session: ${err.message}`, "not_sent", undefined, err);
      }
      throw err;
    }
  }
}

// Typed per-module methods are added in the constructor from the registry.
export interface HrdClient extends HrdApi {}

function validateInput(op: AnyOperation, input: unknown): XmlTree | null {
  const result = (op.input as z.ZodType<XmlTree | null>).safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  throw new HrdValidationError(op.name, issues);
}

/**
 * A billable or write-once call whose outcome is unknown becomes HrdOutcomeUnknownError, saying
 * what identifies it and what to read before trying again.
 */
function outcomeUnknown(op: AnyOperation, wire: XmlTree | null, err: unknown): unknown {
  if (op.idempotent === false && op.reconcile && err instanceof HrdError && err.outcome === "unknown") {
    return new HrdOutcomeUnknownError(op.name, op.subject?.(wire!) ?? {}, op.reconcile, err);
  }
  return err;
}

/**
 * The request document of an operation without input (`partner/getBalance`, `user/list`…) is
 * always the same: written once.
 */
const constantRequests = new Map<string, string>();

function requestXml(op: AnyOperation, wire: XmlTree | null): string {
  if (op.body) return apiDocumentAround(op.body(wire));
  if (wire !== null) return apiDocument(requestBody(op.name, wire));
  let xml = constantRequests.get(op.name);
  if (xml === undefined) {
    xml = apiDocument(requestBody(op.name, null));
    constantRequests.set(op.name, xml);
  }
  return xml;
}

type ParsedApi = Record<string, ParsedNode | undefined>;

function parseReply(op: AnyOperation, xml: string): ParsedApi {
  try {
    return parseApiDocument(xml);
  } catch (err) {
    throw new HrdProtocolError(
      `unreadable reply to ${op.name}: ${(err as Error).message}`,
      op.name,
      redactXml(xml),
    );
  }
}

function isError(api: ParsedApi): boolean {
  return api.status === "error" || api.error !== undefined;
}

/** The result node of a reply; for a reply split over frames, the merged nodes of all of them. */
function replyNode(op: AnyOperation, frames: ParsedApi[]): ParsedNode | undefined {
  const nodes = frames.map((api) => pick(api, op.responsePath));
  return op.merge ? op.merge(nodes) : nodes[0];
}

const BALANCE_MESSAGE = /saldo|balance|środk|srodk|funds/i;

/** Turns the parsed reply frames into the typed result, or the right error. */
function interpret(op: AnyOperation, frames: ParsedApi[]): unknown {
  const api = frames[0]!;
  const raw = () => redactXml(apiDocument(api as XmlTree));
  const message = typeof api.message === "string" ? api.message : undefined;
  if (isError(api)) {
    const code = typeof api.error === "string" && /^\d+$/.test(api.error) ? Number(api.error) : undefined;
    if (message && BALANCE_MESSAGE.test(message))
      throw new HrdInsufficientBalanceError(op.name, raw(), message, code);
    throw new HrdApiError(op.name, raw(), message, code);
  }
  const node = replyNode(op, frames);
  if (op.responsePath.length > 0 && node === undefined) {
    throw new HrdProtocolError(
      `the reply to ${op.name} has no <${op.responsePath.join("><")}>`,
      op.name,
      raw(),
    );
  }
  const parsed = op.output.safeParse(op.responsePath.length === 0 ? api : node);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new HrdProtocolError(
      `the reply to ${op.name} does not have the expected shape: ${why}`,
      op.name,
      raw(),
    );
  }
  return parsed.data;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error("aborted"));
      return;
    }
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason ?? new Error("aborted"));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
