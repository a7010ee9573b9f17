import * as tls from "node:tls";
import {
  HrdAbortError,
  HrdConnectionError,
  HrdCredentialsError,
  HrdProtocolError,
  HrdTimeoutError,
  type Outcome,
} from "../errors.js";
import { apiKeyBytes, DEFAULT_MAX_FRAME_BYTES, encodeRequestFrame, FrameReader } from "../wire/frame.js";
import { apiDocument, parseApiDocument } from "../wire/xml.js";

export interface TlsOptions {
  /** Extra CA certificates to trust (PEM), e.g. the sandbox's self-signed certificate. */
  ca?: string | Buffer | (string | Buffer)[];
  /**
   * Verify the server's certificate (default true). Set false only for a local sandbox; never
   * against HRD: an unverified connection hands the API password to whoever answers.
   */
  rejectUnauthorized?: boolean;
  /** Name to verify the certificate against (default: host). */
  servername?: string;
}

export interface ConnectionOptions extends TlsOptions {
  host: string;
  port: number;
  login: string;
  password: string;
  /** The partner's API key, hex, as generated in HRD's purchase panel. */
  apiKey: string;
  connectTimeoutMs: number;
  maxFrameBytes?: number;
  /** Shared by the connections of one client: the token of the last login, for `token` resume. */
  session: { token?: string };
  /** Receives every frame sent and received, secrets redacted by the caller's hook. */
  onFrame?: (direction: "out" | "in", xml: string) => void;
}

/** What a caller sees of one exchange: the XML of each reply frame. */
export interface ExchangeOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * Called with each reply frame as it arrives; return true while more frames belong to this
   * reply. A throw fails the exchange and drops the connection (the reply cannot be trusted).
   */
  wantsMore?: (xml: string) => boolean;
  operation: string;
  /** Most reply frames accepted for this request (default {@link DEFAULT_MAX_REPLY_FRAMES}). */
  maxFrames?: number;
  /** Most reply bytes accepted for this request, all frames together (default: the frame cap). */
  maxBytes?: number;
}

/**
 * Frames one reply may take. HRD splits only check replies, and each frame of a split reply
 * answers at least one of at most 100 names; the slack is for empty frames a server might send.
 */
export const DEFAULT_MAX_REPLY_FRAMES = 128;

/** The request in flight on a connection: resolved or rejected straight from the socket's data. */
interface Pending {
  operation: string;
  frames: string[];
  bytes: number;
  maxFrames: number;
  maxBytes: number;
  wantsMore?: (xml: string) => boolean;
  sent: boolean;
  /** performance.now() after which the request has timed out. */
  deadline: number;
  timeoutMs: number;
  resolve: (frames: string[]) => void;
  reject: (err: Error) => void;
}

/**
 * One TLS connection to HRD: connect, log in, then one request and one reply at a time.
 * A connection that times out, is aborted, breaks mid-exchange, or receives a byte nobody asked
 * for is destroyed, never reused: HRD's replies carry nothing that pairs them with a request, so
 * a late or extra frame would otherwise be taken as the answer to the next request.
 */
export class HrdConnection {
  private readonly reader: FrameReader;
  private readonly key: Buffer;
  private pending: Pending | null = null;
  private failure: Error | null = null;
  /**
   * One timer per connection, not per request: it fires at the earliest deadline it was armed
   * for and re-arms itself if the request in flight has time left. A request answered in time
   * (nearly all) costs no timer work at all.
   */
  private watchdog: NodeJS.Timeout | undefined;
  private watchdogAt = Number.POSITIVE_INFINITY;
  /** How the session was opened: by `login` or by resuming a `token`. */
  sessionBy: "login" | "token" = "login";

  private constructor(
    private readonly socket: tls.TLSSocket,
    private readonly options: ConnectionOptions,
  ) {
    this.key = apiKeyBytes(options.apiKey);
    this.reader = new FrameReader(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) =>
      this.fail(new HrdConnectionError(`connection error: ${err.message}`, "unknown", undefined, err)),
    );
    socket.on("close", () => {
      clearTimeout(this.watchdog);
      this.watchdog = undefined;
      this.fail(new HrdConnectionError("HRD closed the connection", "unknown"));
    });
  }

  get closed(): boolean {
    return this.failure !== null || this.socket.destroyed;
  }

  /** Logged or serialised, a connection shows where it goes, never its password, key or token. */
  toJSON(): Record<string, unknown> {
    return {
      host: this.options.host,
      port: this.options.port,
      login: this.options.login,
      sessionBy: this.sessionBy,
      closed: this.closed,
    };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `HrdConnection ${JSON.stringify(this.toJSON())}`;
  }

  /** Connects, verifies TLS, and opens the session (token resume first when a token is cached). */
  static async open(options: ConnectionOptions, signal?: AbortSignal): Promise<HrdConnection> {
    const socket = await connectTls(options, signal);
    const conn = new HrdConnection(socket, options);
    try {
      await conn.startSession(signal);
    } catch (err) {
      conn.discard();
      throw err;
    }
    return conn;
  }

  private async startSession(signal?: AbortSignal): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs;
    const cached = this.options.session.token;
    if (cached) {
      const [xml] = await this.exchange(apiDocument({ token: { token: cached } }), {
        timeoutMs,
        signal,
        operation: "token",
      });
      const reply = parseOrThrow(xml!, "token");
      if (reply.status === "ok") {
        this.sessionBy = "token";
        return;
      }
      this.options.session.token = undefined;
    }
    const [xml] = await this.exchange(
      apiDocument({
        login: { login: this.options.login, pass: this.options.password, type: "partnerApi" },
      }),
      { timeoutMs, signal, operation: "login" },
    );
    const reply = parseOrThrow(xml!, "login");
    if (reply.status !== "ok") {
      throw new HrdCredentialsError(
        this.options.login,
        typeof reply.message === "string" ? reply.message : undefined,
      );
    }
    if (typeof reply.token === "string" && reply.token) this.options.session.token = reply.token;
    this.sessionBy = "login";
  }

  /**
   * Sends one signed request and collects its reply frames. Errors carry `outcome`:
   * `not_sent` if the bytes were never handed to the socket, otherwise `unknown`.
   */
  exchange(xml: string, opts: ExchangeOptions): Promise<string[]> {
    if (this.pending) return Promise.reject(new Error("HrdConnection: one request at a time"));
    if (this.closed) {
      return Promise.reject(
        new HrdConnectionError(
          "the connection is closed",
          "not_sent",
          opts.operation,
          this.failure ?? undefined,
        ),
      );
    }
    const signal = opts.signal;
    if (signal?.aborted) return Promise.reject(new HrdAbortError(opts.operation, "not_sent"));
    return new Promise<string[]>((resolve, reject) => {
      const outcome = (): Outcome => (p.sent ? "unknown" : "not_sent");
      const settle = () => {
        if (onAbort) signal!.removeEventListener("abort", onAbort);
        if (this.pending === p) this.pending = null;
      };
      const p: Pending = {
        operation: opts.operation,
        frames: [],
        bytes: 0,
        maxFrames: opts.maxFrames ?? DEFAULT_MAX_REPLY_FRAMES,
        maxBytes: opts.maxBytes ?? this.reader.maxFrameBytes,
        wantsMore: opts.wantsMore,
        sent: false,
        deadline: performance.now() + opts.timeoutMs,
        timeoutMs: opts.timeoutMs,
        resolve: (frames) => {
          settle();
          resolve(frames);
        },
        reject: (err) => {
          settle();
          // Whatever went wrong mid-exchange, this socket's stream position is unknown now.
          this.discard();
          if (err instanceof HrdConnectionError && err.operation === undefined) {
            reject(new HrdConnectionError(err.message, outcome(), opts.operation, err.cause));
          } else reject(err);
        },
      };
      this.arm(p.deadline);
      const onAbort = signal ? () => p.reject(new HrdAbortError(opts.operation, outcome())) : undefined;
      if (onAbort) signal!.addEventListener("abort", onAbort, { once: true });
      this.pending = p;
      this.options.onFrame?.("out", xml);
      p.sent = true;
      this.socket.write(encodeRequestFrame(xml, this.key));
    });
  }

  private arm(deadline: number): void {
    if (this.watchdog && this.watchdogAt <= deadline) return;
    clearTimeout(this.watchdog);
    this.watchdogAt = deadline;
    this.watchdog = setTimeout(() => this.onWatchdog(), Math.max(0, Math.ceil(deadline - performance.now())));
  }

  private onWatchdog(): void {
    this.watchdog = undefined;
    this.watchdogAt = Number.POSITIVE_INFINITY;
    const p = this.pending;
    if (!p) return;
    if (performance.now() >= p.deadline) {
      p.reject(new HrdTimeoutError(p.operation, p.timeoutMs, p.sent ? "unknown" : "not_sent"));
    } else {
      this.arm(p.deadline);
    }
  }

  /** Closes the socket (HRD has no logout command). */
  close(): void {
    this.failure ??= new HrdConnectionError("the connection was closed by the client", "not_sent");
    this.socket.end();
    this.socket.destroy();
  }

  /**
   * Drops the connection because its stream can no longer be trusted to pair replies with
   * requests (a reply of the wrong shape, an extra frame): the next request opens a fresh one.
   */
  discard(): void {
    this.failure ??= new HrdConnectionError("the connection was dropped", "unknown");
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.fail(
        new HrdProtocolError(`bad frame from HRD: ${(err as Error).message}`, this.pending?.operation),
      );
      return;
    }
    for (const frame of frames) {
      const p = this.pending;
      if (!p) {
        // A frame nobody asked for (behind a complete reply, or while idle): the stream cannot
        // be trusted to pair replies any more.
        this.fail(new HrdProtocolError("HRD sent a frame no request was waiting for"));
        return;
      }
      p.bytes += frame.length + 4;
      if (p.frames.length >= p.maxFrames || p.bytes > p.maxBytes) {
        const what = p.bytes > p.maxBytes ? `${p.maxBytes} bytes` : `${p.maxFrames} frames`;
        this.fail(new HrdProtocolError(`the reply to ${p.operation} went past ${what}`, p.operation));
        return;
      }
      const text = frame.toString("utf8");
      this.options.onFrame?.("in", text);
      p.frames.push(text);
      let more: boolean;
      try {
        more = p.wantsMore?.(text) ?? false;
      } catch (err) {
        this.fail(err as Error);
        return;
      }
      if (!more) p.resolve(p.frames);
    }
    const p = this.pending;
    if (p) {
      if (p.bytes + this.reader.pendingBytes > p.maxBytes) {
        this.fail(
          new HrdProtocolError(`the reply to ${p.operation} went past ${p.maxBytes} bytes`, p.operation),
        );
      }
    } else if (this.reader.pendingBytes > 0) {
      this.fail(new HrdProtocolError("HRD sent bytes no request was waiting for"));
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.socket.destroy();
    const p = this.pending;
    this.pending = null;
    p?.reject(err);
  }
}

function parseOrThrow(xml: string, operation: string) {
  try {
    return parseApiDocument(xml);
  } catch (err) {
    throw new HrdProtocolError(
      `unreadable reply to ${operation}: ${(err as Error).message}`,
      operation,
      undefined,
      "not_sent",
    );
  }
}

function connectTls(options: ConnectionOptions, signal?: AbortSignal): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new HrdAbortError("connect", "not_sent"));
      return;
    }
    const socket = tls.connect({
      host: options.host,
      port: options.port,
      ca: options.ca,
      rejectUnauthorized: options.rejectUnauthorized ?? true,
      servername: options.servername ?? (isIp(options.host) ? undefined : options.host),
    });
    socket.setNoDelay(true);
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.off("error", onError);
    };
    const onError = (err: Error) => {
      cleanup();
      socket.destroy();
      const tlsHint = /certificate|self.signed|CERT_|unable to verify/i.test(err.message)
        ? " (TLS verification failed: pass the server's CA as `ca`; disable verification only for a local sandbox)"
        : "";
      reject(
        new HrdConnectionError(
          `cannot connect to ${options.host}:${options.port}: ${err.message}${tlsHint}`,
          "not_sent",
          undefined,
          err,
        ),
      );
    };
    const onAbort = () => {
      cleanup();
      socket.destroy();
      reject(new HrdAbortError("connect", "not_sent"));
    };
    const timer = setTimeout(() => {
      cleanup();
      socket.destroy();
      reject(
        new HrdConnectionError(
          `cannot connect to ${options.host}:${options.port}: no answer in ${options.connectTimeoutMs} ms`,
          "not_sent",
        ),
      );
    }, options.connectTimeoutMs);
    socket.once("secureConnect", () => {
      cleanup();
      resolve(socket);
    });
    socket.once("error", onError);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(":");
}
