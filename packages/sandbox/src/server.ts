import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import * as tls from "node:tls";
import {
  apiDocument,
  apiKeyBytes,
  encodeResponseFrame,
  FrameReader,
  openRequestFrame,
  type ParsedObject,
  parseApiDocument,
  type XmlTree,
} from "@hrdkit/sdk";
import { type AdminOptions, startAdmin } from "./admin.js";
import { SandboxClock } from "./clock.js";
import { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS } from "./connection-limits.js";
import { type FaultRule, Faults } from "./faults.js";
import { handlerFor, MESSAGES, SandboxRefusal } from "./handlers/index.js";
import { seedPartnerDefaults } from "./handlers/partner.js";
import { SandboxState, type StateOptions } from "./state.js";
import { makeSelfSignedCert, type TlsMaterial } from "./tls-cert.js";

export interface SandboxOptions extends Omit<StateOptions, "clock">, Partial<ConnectionLimits> {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Default `hrdkit`. */
  login?: string;
  /** Default: random. */
  password?: string;
  /** Hex. Default: random 32 bytes. */
  apiKey?: string;
  /** Certificate and key (PEM); default: a self-signed one made at start. */
  tls?: TlsMaterial;
  /** Start time of the clock (default: now). */
  startAt?: Date | string;
  /** Seed of the random fault rules (default 1). */
  seed?: number;
  /** Keep every request and reply XML in `sandbox.traffic` (for conformance tests). */
  recordTraffic?: boolean;
  /** How long an idle session token stays valid, ms (default 1 hour). */
  tokenTtlMs?: number;
  /** Split `domain/check` replies over frames of this many names (HRD may split them). */
  checkNamesPerFrame?: number;
  /**
   * The admin HTTP interface (JSON, bearer token, 127.0.0.1) for tests in other processes:
   * `true` or options to start it. Default off. See docs/guide/sandbox-admin.en.md.
   */
  admin?: AdminOptions | boolean;
}

export interface TrafficEntry {
  operation: string;
  request: string;
  replies: string[];
}

export interface Sandbox {
  host: string;
  port: number;
  login: string;
  password: string;
  apiKey: string;
  /** The certificate clients must trust (PEM). */
  ca: string;
  state: SandboxState;
  clock: SandboxClock;
  faults: Faults;
  /** Requests and replies, when `recordTraffic` is on. */
  traffic: TrafficEntry[];
  /** Requests handled, by operation. */
  counts: Map<string, number>;
  /** Connections accepted so far. */
  connections: () => number;
  /** Options for `new HrdClient(...)` that reach this sandbox. */
  clientOptions: () => {
    host: string;
    port: number;
    login: string;
    password: string;
    apiKey: string;
    ca: string;
    servername: string;
  };
  /** Drops every open connection (a network failure seen from the clients). */
  dropConnections: () => void;
  /** Base URL of the admin HTTP interface, when the `admin` option started it. */
  adminUrl?: string;
  /** The bearer token the admin interface requires, when started. */
  adminToken?: string;
  close: () => Promise<void>;
}

/**
 * Starts the sandbox: a TLS server speaking HRD's framing and XML, with state and a clock.
 * @example
 * ```ts
 * const sandbox = await startSandbox({ startAt: "2026-01-01T10:00:00Z", actionDelayMs: 0 });
 * const hrd = new HrdClient(sandbox.clientOptions());
 * sandbox.faults.add({ kind: "drop-after", operation: "domain/create", times: 1 });
 * sandbox.clock.advanceDays(365);
 * await hrd.close();
 * await sandbox.close();
 * ```
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = new SandboxClock(options.startAt);
  const state = new SandboxState({ ...options, clock });
  // Partner settings and HRD's technical notices exist from the start, as on a real account.
  seedPartnerDefaults(state);
  if (options.checkNamesPerFrame) state.checkNamesPerFrame = options.checkNamesPerFrame;
  const faults = new Faults(options.seed ?? 1);
  const login = options.login ?? "hrdkit";
  const password = options.password ?? randomBytes(12).toString("hex");
  const apiKey = (options.apiKey ?? randomBytes(32).toString("hex")).toLowerCase();
  const key = apiKeyBytes(apiKey);
  const material = options.tls ?? (await makeSelfSignedCert(options.host ? [options.host] : []));
  const traffic: TrafficEntry[] = [];
  const counts = new Map<string, number>();
  const tokenTtl = options.tokenTtlMs ?? 3_600_000;
  const limits: ConnectionLimits = {
    maxFrameBytes: options.maxFrameBytes ?? DEFAULT_CONNECTION_LIMITS.maxFrameBytes,
    maxFrameBytesBeforeLogin:
      options.maxFrameBytesBeforeLogin ?? DEFAULT_CONNECTION_LIMITS.maxFrameBytesBeforeLogin,
    loginTimeoutMs: options.loginTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.loginTimeoutMs,
    frameTimeoutMs: options.frameTimeoutMs ?? DEFAULT_CONNECTION_LIMITS.frameTimeoutMs,
  };
  /** Frames read but not yet answered, per connection, before the socket stops reading. */
  const MAX_QUEUED_FRAMES = 8;
  const sockets = new Set<tls.TLSSocket>();
  let accepted = 0;

  const server = tls.createServer({ key: material.key, cert: material.cert }, (socket) => {
    accepted++;
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("error", () => socket.destroy());
    let loggedIn = false;
    let chain = Promise.resolve();
    let queued = 0;
    // Before login only a login-sized frame is read: a stranger's 15 MB "request" is refused
    // from its length prefix, before a byte of it is kept. Raised to maxFrameBytes at login or
    // token resume.
    const reader = new FrameReader(limits.maxFrameBytesBeforeLogin);
    // A stranger must log in soon; anybody who starts a frame must finish it soon.
    const loginTimer = setTimeout(() => socket.destroy(), limits.loginTimeoutMs);
    let frameTimer: NodeJS.Timeout | undefined;
    socket.on("close", () => {
      sockets.delete(socket);
      clearTimeout(loginTimer);
      clearTimeout(frameTimer);
    });

    socket.on("data", (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      if (reader.pendingBytes === 0) {
        clearTimeout(frameTimer);
        frameTimer = undefined;
      } else if (frameTimer === undefined) {
        frameTimer = setTimeout(() => socket.destroy(), limits.frameTimeoutMs);
      }
      for (const frame of frames) {
        // Requests are answered one at a time: a peer that sends faster than that waits (the
        // socket stops reading) instead of queueing frames in memory.
        if (++queued >= MAX_QUEUED_FRAMES) socket.pause();
        chain = chain
          .then(() => handle(frame))
          .catch(() => {
            socket.destroy();
          })
          .finally(() => {
            if (--queued < MAX_QUEUED_FRAMES && socket.isPaused() && !socket.destroyed) socket.resume();
          });
      }
    });

    const send = async (tree: XmlTree | XmlTree[], chunked: boolean, record?: TrafficEntry) => {
      const docs = (Array.isArray(tree) ? tree : [tree]).map((t) => apiDocument(t));
      for (const doc of docs) {
        record?.replies.push(doc);
        const bytes = encodeResponseFrame(Buffer.from(doc, "utf8"));
        if (!chunked) {
          socket.write(bytes);
          continue;
        }
        for (let i = 0; i < bytes.length; ) {
          const n = 1 + Math.floor(Math.random() * 7);
          socket.write(bytes.subarray(i, i + n));
          i += n;
          await new Promise((r) => setImmediate(r));
        }
      }
    };
    const refusal = (message: string, code?: number): XmlTree =>
      code === undefined ? { status: "error", message } : { error: code };

    async function handle(frame: Buffer): Promise<void> {
      if (socket.destroyed) return;
      const { xml, valid } = openRequestFrame(frame, key);
      if (!valid) {
        // A wrong API key makes every signature wrong: refused like a wrong password, so that
        // nobody can probe which of the two is wrong — and before a byte of the XML is read:
        // whoever cannot sign gets no parser time.
        await send(refusal(MESSAGES.auth), false);
        return;
      }
      const text = xml.toString("utf8");
      let api: ParsedObject;
      try {
        api = parseApiDocument(text);
      } catch {
        await send(refusal(MESSAGES.invalid), false);
        return;
      }
      const root = Object.keys(api).find((k) => k !== "id") ?? "";
      const body = api[root];
      const method =
        root === "login" || root === "token"
          ? ""
          : body && typeof body === "object" && !Array.isArray(body)
            ? (Object.keys(body)[0] ?? "")
            : "";
      const operation = method ? `${root}/${method}` : root;
      const record: TrafficEntry | undefined = options.recordTraffic
        ? { operation, request: text, replies: [] }
        : undefined;
      if (record) traffic.push(record);
      counts.set(operation, (counts.get(operation) ?? 0) + 1);

      const fired = faults.pick(operation);
      const delay = fired.get("delay")?.delayMs ?? 0;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (fired.has("drop-before")) return void socket.destroy();
      if (fired.has("silent")) return;

      let reply: XmlTree | XmlTree[];
      if (root === "login") {
        const req = body as ParsedObject;
        if (
          req.login === login &&
          req.pass === password &&
          (req.type === "partnerApi" || req.type === undefined)
        ) {
          loggedIn = true;
          reader.maxFrameBytes = limits.maxFrameBytes;
          clearTimeout(loginTimer);
          reply = { status: "ok", token: state.newToken(login) };
        } else {
          reply = refusal(MESSAGES.auth);
        }
      } else if (root === "token") {
        const t = (body as ParsedObject).token;
        const entry = typeof t === "string" ? state.tokens.get(t) : undefined;
        if (entry && clock.nowMs() - entry.lastUsed < tokenTtl) {
          entry.lastUsed = clock.nowMs();
          loggedIn = true;
          reader.maxFrameBytes = limits.maxFrameBytes;
          clearTimeout(loginTimer);
          reply = { status: "ok" };
        } else {
          reply = refusal(MESSAGES.badToken);
        }
      } else if (!loggedIn) {
        reply = refusal(MESSAGES.notLoggedIn);
      } else {
        const handler = handlerFor(operation);
        if (!handler) {
          reply = refusal(MESSAGES.unknownCommand);
        } else {
          state.tick();
          try {
            const params =
              body && typeof body === "object" && !Array.isArray(body)
                ? (body as ParsedObject)[method]
                : undefined;
            reply = handler(
              state,
              params && typeof params === "object" && !Array.isArray(params) ? params : {},
            );
          } catch (err) {
            if (!(err instanceof SandboxRefusal)) throw err;
            reply = refusal(err.message, err.code);
          }
        }
      }
      if (fired.has("drop-after")) return void socket.destroy();
      if (fired.has("silent-after")) return;
      if (fired.has("garbage")) {
        socket.write(encodeResponseFrame(randomBytes(48)));
        return;
      }
      await send(reply, fired.has("chunked"), record);
    }
  });

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const sandbox: Sandbox = {
    host,
    port,
    login,
    password,
    apiKey,
    ca: material.cert,
    state,
    clock,
    faults,
    traffic,
    counts,
    connections: () => accepted,
    clientOptions: () => ({
      host,
      port,
      login,
      password,
      apiKey,
      ca: material.cert,
      servername: "localhost",
    }),
    dropConnections: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  if (options.admin) {
    const admin = await startAdmin(sandbox, options.admin === true ? {} : options.admin).catch(
      async (err: unknown) => {
        await sandbox.close();
        throw err;
      },
    );
    const closeApi = sandbox.close;
    sandbox.adminUrl = admin.url;
    sandbox.adminToken = admin.token;
    sandbox.close = async () => {
      await Promise.all([admin.close(), closeApi()]);
    };
  }
  return sandbox;
}

export type { FaultRule };
