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
  /** Called with each reply frame; return true while more frames belong to this reply. */
  wantsMore?: (xml: string) => boolean;
  operation: string;
}

type Waiter = { resolve: (frame: Buffer) => void; reject: (err: Error) => void };

/**
 * One TLS connection to HRD: connect, log in, then one request and one reply at a time.
 * A connection that times out, is aborted or breaks mid-exchange is destroyed, never reused:
 * a late reply could otherwise be taken as the answer to the next request.
 */
export class HrdConnection {
  private readonly reader: FrameReader;
  private readonly key: Buffer;
  private waiter: Waiter | null = null;
  private early: Buffer[] = [];
  private failure: Error | null = null;
  private busy = false;
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
    socket.on("close", () => this.fail(new HrdConnectionError("HRD closed the connection", "unknown")));
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
      conn.destroy();
      throw err;
    }
    return conn;
  }

  private async startSession(signal?: AbortSignal): Promise<void> {
    const timeoutMs = this.options.connectTimeoutMs;
    const cached = this.options.session.token;
    if (cached) {
      const [xml] = await this.exchange(Buffer.from(apiDocument({ token: { token: cached } })), {
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
      Buffer.from(
        apiDocument({
          login: { login: this.options.login, pass: this.options.password, type: "partnerApi" },
        }),
      ),
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
  async exchange(xml: Buffer, opts: ExchangeOptions): Promise<string[]> {
    if (this.busy) throw new Error("HrdConnection: one request at a time");
    if (this.closed) {
      throw new HrdConnectionError(
        "the connection is closed",
        "not_sent",
        opts.operation,
        this.failure ?? undefined,
      );
    }
    if (opts.signal?.aborted) throw new HrdAbortError(opts.operation, "not_sent");
    this.busy = true;
    const frames: string[] = [];
    let sent = false;
    const outcome = (): Outcome => (sent ? "unknown" : "not_sent");
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      const stop = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new HrdTimeoutError(opts.operation, opts.timeoutMs, outcome())),
          opts.timeoutMs,
        );
        onAbort = () => reject(new HrdAbortError(opts.operation, outcome()));
        opts.signal?.addEventListener("abort", onAbort, { once: true });
      });
      this.options.onFrame?.("out", xml.toString("utf8"));
      sent = true;
      this.socket.write(encodeRequestFrame(xml, this.key));
      for (;;) {
        const frame = await Promise.race([this.nextFrame(), stop]);
        const text = frame.toString("utf8");
        this.options.onFrame?.("in", text);
        frames.push(text);
        if (!opts.wantsMore?.(text)) break;
      }
      return frames;
    } catch (err) {
      // Whatever went wrong mid-exchange, this socket's stream position is unknown now.
      this.destroy();
      if (err instanceof HrdConnectionError && err.operation === undefined) {
        throw new HrdConnectionError(err.message, outcome(), opts.operation, err.cause);
      }
      throw err;
    } finally {
      clearTimeout(timer);
      if (onAbort) opts.signal?.removeEventListener("abort", onAbort);
      this.busy = false;
    }
  }

  /** Closes the socket (HRD has no logout command). */
  close(): void {
    this.failure ??= new HrdConnectionError("the connection was closed by the client", "not_sent");
    this.socket.end();
    this.socket.destroy();
  }

  private destroy(): void {
    this.failure ??= new HrdConnectionError("the connection was dropped", "unknown");
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.fail(new HrdProtocolError(`bad frame from HRD: ${(err as Error).message}`));
      this.socket.destroy();
      return;
    }
    for (const f of frames) {
      if (!this.busy) {
        // A frame nobody asked for: the stream cannot be trusted to pair replies any more.
        this.fail(new HrdProtocolError("HRD sent a frame while no request was waiting"));
        this.socket.destroy();
        return;
      }
      const w = this.waiter;
      if (w) {
        this.waiter = null;
        w.resolve(f);
      } else {
        this.early.push(f);
      }
    }
  }

  private nextFrame(): Promise<Buffer> {
    const f = this.early.shift();
    if (f) return Promise.resolve(f);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(this.failure);
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
