/**
 * A local fake of SMSAPI's HTTP API: the subset the official `smsapi` client (2.1.x) uses to send
 * SMS and voice messages, on the same wire. POST /sms.do and /vms.do, `Authorization: Bearer
 * <token>`, the JSON body the client sends (form-encoded and query parameters are read too), and
 * SMSAPI's answers: `{ count, list: [{ id, points, number, date_sent, submitted_number, status,
 * error, idx, parts }], message, length, parts }` on success, `{ error, message }` with SMSAPI's
 * codes on refusal (13 number, 14 sender name, 11 no text, 12 too many parts, 53 duplicate idx
 * with check_idx, 103 no points; a wrong token gets HTTP 401 with error 101).
 *
 * It keeps every accepted message for tests to inspect (or, with `retain: "counts"`, only totals),
 * can fail on purpose (HTTP 5xx, hang, drop the connection, or take the message and then drop
 * the answer, as when SMSAPI took a message and the connection died before the answer arrived),
 * and can call a delivery-report URL the way SMSAPI does (GET with MsgId, status, idx, donedate,
 * …). Usable from tests and scripts/bench.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { smsParts, stripPolish } from "../../src/notify/sms-text.js";

export interface FakeSmsapiMessage {
  /** SMSAPI's message id. */
  id: string;
  kind: "sms" | "vms";
  /** As SMSAPI stores it: country code and digits, no "+", e.g. 48500100200. */
  to: string;
  /** As the client sent it. */
  submittedNumber: string;
  from: string;
  /** SMS text, or the text read out for a voice message. */
  text: string;
  idx: string | null;
  parts: number;
  points: number;
  /** Unix seconds. */
  dateSent: number;
  ttsLector?: string;
  notifyUrl?: string;
  /** Sent with SMSAPI's `test` flag: checked and answered, not delivered. */
  test: boolean;
}

export interface FakeSmsapiRequest {
  method: string;
  path: string;
  contentType: string;
  authorization: string;
  body: Record<string, unknown>;
}

export type FakeSmsapiFault =
  /** Answer with this HTTP status and an HTML error page, like a proxy in front of SMSAPI. */
  | { kind: "status"; status: number }
  /** Never answer (until the fake closes). */
  | { kind: "hang" }
  /** Close the connection before reading the request: nothing was taken. */
  | { kind: "drop" }
  /** Take the message, then close the connection before answering. */
  | { kind: "acceptThenDrop" }
  /** Answer with SMSAPI's error JSON with this code (e.g. 103 no points, 202 too many requests). */
  | { kind: "error"; code: number; message?: string };

export interface FakeSmsapiFaults {
  /** The next `times` send requests meet `fault`, after any injected earlier. */
  inject(fault: FakeSmsapiFault, times?: number): void;
  clear(): void;
  /** Faults still waiting. */
  readonly pending: number;
}

export interface FakeSmsapiReport {
  message: FakeSmsapiMessage;
  /** SMSAPI's status code: 404 DELIVERED, 402 EXPIRED, 405 UNDELIVERED, … Default 404. */
  status?: number;
  doneAt?: Date;
}

export interface FakeSmsapiOptions {
  /** The token the fake accepts; random when absent. */
  token?: string;
  /** Sender names registered and active on the account. Default ["Test", "ZolwHost"]. */
  senderNames?: string[];
  /** The account's default sender name, used when a request gives none. Default "Test". */
  defaultSender?: string;
  /** Numbers SMSAPI refuses with error 13 (blacklisted, no route), E.164 or digits. */
  refusedNumbers?: string[];
  /** Points on the account; each SMS part costs 0.16 and a voice message 0.3. Default unlimited. */
  points?: number;
  /**
   * `messages` (default): keep every accepted message and every request for tests to inspect.
   * `counts`: keep neither — only `stats` and the idx values check_idx needs — so a benchmark can
   * send hundreds of thousands of messages with flat memory (use `onAccept` to see each one).
   */
  retain?: "messages" | "counts";
  /** Called with each accepted message, whatever `retain` says. */
  onAccept?: (message: FakeSmsapiMessage) => void;
}

/** Running totals, kept in both `retain` modes. */
export interface FakeSmsapiStats {
  /** Requests that reached a send endpoint (as `requests` lists them in the default mode). */
  requests: number;
  /** Messages accepted. */
  accepted: number;
  /** Sends refused with error 53: a second message under an idx already taken (check_idx). */
  duplicateIdx: number;
}

export interface FakeSmsapi {
  /** Base URL to give the client (`new SMSAPI(token, url)`). */
  url: string;
  token: string;
  /** Every message the fake accepted, in order. */
  messages: FakeSmsapiMessage[];
  /** Every request that reached a send endpoint, including refused and faulted ones. */
  requests: FakeSmsapiRequest[];
  stats: FakeSmsapiStats;
  faults: FakeSmsapiFaults;
  /** Points left. */
  points(): number;
  /** Tops the account up, as a person does in the SMSAPI panel. */
  addPoints(n: number): void;
  /**
   * Calls a delivery-report URL as SMSAPI does: one GET, several reports comma-separated. The URL
   * is `url` or else the messages' `notify_url`.
   */
  sendReports(reports: FakeSmsapiReport[], url?: string): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

const TTS_VOICE_POINTS = 0.3;
const SMS_PART_POINTS = 0.16;

export async function startSmsapiFake(options: FakeSmsapiOptions = {}): Promise<FakeSmsapi> {
  const token = options.token ?? randomBytes(20).toString("hex");
  const senderNames = new Set(options.senderNames ?? ["Test", "ZolwHost"]);
  const defaultSender = options.defaultSender ?? "Test";
  const refused = new Set((options.refusedNumbers ?? []).map((n) => n.replace(/^\+/, "")));
  let points = options.points ?? Number.POSITIVE_INFINITY;
  const queue: FakeSmsapiFault[] = [];
  const messages: FakeSmsapiMessage[] = [];
  const requests: FakeSmsapiRequest[] = [];
  const stats: FakeSmsapiStats = { requests: 0, accepted: 0, duplicateIdx: 0 };
  const counting = options.retain === "counts";
  // Counting mode keeps no messages, so check_idx looks here; a Set also keeps that check O(1).
  const takenIdx = new Set<string>();
  const record = (r: FakeSmsapiRequest) => {
    stats.requests += 1;
    if (!counting) requests.push(r);
  };
  const sockets = new Set<Socket>();
  let counter = 0;

  const faults: FakeSmsapiFaults = {
    inject(fault, times = 1) {
      for (let i = 0; i < times; i++) queue.push(fault);
    },
    clear() {
      queue.length = 0;
    },
    get pending() {
      return queue.length;
    },
  };

  function nextId(): string {
    counter += 1;
    // SMSAPI's ids are 24 upper-case hex characters.
    return (Date.now().toString(16) + counter.toString(16).padStart(6, "0") + randomBytes(6).toString("hex"))
      .toUpperCase()
      .slice(0, 24)
      .padEnd(24, "0");
  }

  function send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    res.end(text);
  }

  /** SMSAPI reads 500100200, 48500100200, +48500100200 and 0048500100200 alike. */
  function number(submitted: string): string | undefined {
    let n = submitted.trim().replace(/[\s-]/g, "");
    if (n.startsWith("+")) n = n.slice(1);
    else if (n.startsWith("00")) n = n.slice(2);
    if (!/^\d+$/.test(n)) return undefined;
    if (n.length === 9) n = `48${n}`;
    if (n.startsWith("48") && n.length !== 11) return undefined;
    if (n.length < 10 || n.length > 15) return undefined;
    return n;
  }

  function handleSend(kind: "sms" | "vms", body: Record<string, unknown>): { status: number; json: unknown } {
    const submitted = str(body["to"]);
    if (submitted === "" || submitted.includes(",")) {
      return err(13, "Lack of valid phone numbers (invalid or blacklisted)", submitted);
    }
    const to = number(submitted);
    if (!to || refused.has(to))
      return err(13, "Lack of valid phone numbers (invalid or blacklisted)", submitted);
    const idx = body["idx"] === undefined ? null : str(body["idx"]);
    if (idx !== null && idx.length > 255)
      return { status: 200, json: { error: 27, message: "Idx too long" } };
    const taken = counting ? takenIdx.has(idx ?? "") : messages.some((m) => m.idx === idx);
    if (truthy(body["check_idx"]) && idx !== null && taken) {
      stats.duplicateIdx += 1;
      return {
        status: 200,
        json: {
          error: 53,
          message: "Not unique idx parameter, message with the same idx was already sent and &check_idx=1",
        },
      };
    }
    const notifyUrl = body["notify_url"] === undefined ? undefined : str(body["notify_url"]);
    const test = truthy(body["test"]);
    const base = { id: nextId(), kind, to, submittedNumber: submitted, idx, test, dateSent: now() };
    let message: FakeSmsapiMessage;
    if (kind === "sms") {
      const from = body["from"] === undefined ? defaultSender : str(body["from"]);
      if (!senderNames.has(from)) return { status: 200, json: { error: 14, message: "Invalid from field" } };
      let text = str(body["message"]);
      if (truthy(body["normalize"])) text = stripPolish(text);
      if (text === "")
        return { status: 200, json: { error: 11, message: "Message too long or there is no message" } };
      const count = smsParts(text);
      const maxParts = Number(body["max_parts"]);
      if (Number.isInteger(maxParts) && count.parts > maxParts) {
        return {
          status: 200,
          json: { error: 12, message: "Message has more parts than defined in &max_parts" },
        };
      }
      message = { ...base, from, text, parts: count.parts, points: round(count.parts * SMS_PART_POINTS) };
    } else {
      const text = str(body["tts"]);
      if (text === "") return { status: 200, json: { error: 11, message: "No TTS content or WAV file" } };
      message = {
        ...base,
        from: "",
        text,
        parts: 1,
        points: TTS_VOICE_POINTS,
        ttsLector: body["tts_lector"] === undefined ? "ewa" : str(body["tts_lector"]),
      };
    }
    if (notifyUrl !== undefined) message.notifyUrl = notifyUrl;
    if (!test && points < message.points) {
      return { status: 200, json: { error: 103, message: "Insufficient credits on your account" } };
    }
    if (!test) points = round(points - message.points);
    stats.accepted += 1;
    if (counting) {
      if (idx !== null) takenIdx.add(idx);
    } else messages.push(message);
    options.onAccept?.(message);
    const item = {
      id: message.id,
      points: message.points,
      number: message.to,
      date_sent: message.dateSent,
      submitted_number: submitted,
      status: "QUEUE",
      error: null,
      idx: message.idx,
      ...(kind === "sms" ? { parts: message.parts } : {}),
    };
    const json =
      kind === "sms"
        ? {
            count: 1,
            list: [item],
            message: message.text,
            length: smsParts(message.text).characters,
            parts: message.parts,
          }
        : { count: 1, list: [item] };
    return { status: 200, json };
  }

  const server = createServer((req, res) => {
    void route(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { error: 201, message: "System internal error" });
      else res.destroy();
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake.invalid");
    const path = url.pathname.replace(/\/+$/, "");
    const kind = path === "/sms.do" ? "sms" : path === "/vms.do" ? "vms" : null;
    if (kind === null || req.method !== "POST") {
      send(res, 404, { error: 404, message: "Not found" });
      return;
    }
    const contentType = req.headers["content-type"] ?? "";
    const authorization = req.headers.authorization ?? "";
    const fault = queue.shift();
    if (fault?.kind === "drop" || fault?.kind === "hang") {
      record({ method: req.method, path, contentType, authorization, body: {} });
      if (fault.kind === "drop") req.socket.destroy();
      return;
    }
    const raw = await readBody(req);
    const body: Record<string, unknown> = Object.fromEntries(url.searchParams);
    if (contentType.includes("application/json") && raw.length > 0) Object.assign(body, JSON.parse(raw));
    else if (contentType.includes("application/x-www-form-urlencoded")) {
      Object.assign(body, Object.fromEntries(new URLSearchParams(raw)));
    } else if (contentType.includes("multipart/")) {
      send(res, 200, { error: 8, message: "Error in request (this fake reads no multipart bodies)" });
      return;
    }
    record({ method: req.method, path, contentType, authorization, body });
    if (fault?.kind === "status") {
      res.writeHead(fault.status, { "content-type": "text/html" });
      res.end(`<html><body><h1>${fault.status}</h1></body></html>`);
      return;
    }
    if (authorization !== `Bearer ${token}`) {
      send(res, 401, { error: 101, message: "Authorization failed" });
      return;
    }
    if (fault?.kind === "error") {
      send(res, 200, { error: fault.code, message: fault.message ?? `Error ${fault.code}` });
      return;
    }
    const answer = handleSend(kind, body);
    if (fault?.kind === "acceptThenDrop") {
      req.socket.destroy();
      return;
    }
    send(res, answer.status, answer.json);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    messages,
    requests,
    stats,
    faults,
    points: () => points,
    addPoints(n) {
      points = round(points + n);
    },
    async sendReports(reports, url) {
      const target = url ?? reports[0]?.message.notifyUrl;
      if (!target) throw new Error("no report URL: pass one or send the messages with notify_url");
      const col = (f: (r: FakeSmsapiReport) => string) => reports.map(f).join(",");
      const q = new URLSearchParams({
        MsgId: col((r) => r.message.id),
        status: col((r) => String(r.status ?? 404)),
        idx: col((r) => r.message.idx ?? ""),
        donedate: col((r) => String(Math.floor((r.doneAt?.getTime() ?? Date.now()) / 1000))),
        username: "fake-account",
        points: col((r) => String(r.message.points)),
        from: col((r) => r.message.from),
        to: col((r) => r.message.to),
        mcc: col(() => "260"),
        mnc: col(() => "2"),
      });
      const u = new URL(target);
      for (const [k, v] of q) u.searchParams.set(k, v);
      const r = await fetch(u, { method: "GET" });
      return { status: r.status, body: await r.text() };
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function err(code: number, message: string, submitted: string): { status: number; json: unknown } {
  return {
    status: 200,
    json: {
      error: code,
      message,
      invalid_numbers: [{ number: submitted, submitted_number: submitted, message: "Invalid phone number" }],
    },
  };
}

function str(v: unknown): string {
  return v === undefined || v === null ? "" : String(v);
}

function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === "1" || v === "true";
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
