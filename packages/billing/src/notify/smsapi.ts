/**
 * The SMS and voice channels through SMSAPI (smsapi.pl), built on SMSAPI's official npm client
 * `smsapi` (2.1.x: `new SMSAPI(token, serviceUrl)`, `sms.sendSms`, `vms.sendVms`; it POSTs JSON to
 * the documented `/sms.do` and `/vms.do` with `Authorization: Bearer <token>`).
 *
 * Never twice: every message goes out with SMSAPI's `idx` = the notice's idempotencyKey and
 * `check_idx`, so SMSAPI itself refuses a second message under the same key (its error 53). A
 * worker that crashed, timed out or lost the connection after SMSAPI took a message can therefore
 * simply send again: the answer is either the message's receipt or "already sent"
 * (`alreadySent: true`), never a second SMS or call. The official client offers no way to look a
 * message up by idx (SMSAPI's status query takes its own message id only), so the ports have no
 * `lookup`; they say `idempotentSend: true` instead, meaning "resending is the lookup".
 *
 * Delivery reports: give `notifyUrl`; SMSAPI calls it with GET parameters (`MsgId`, `status`, `idx`,
 * `donedate`, `to`, …, several reports comma-separated) and expects the body `OK`.
 * `parseSmsapiReport` turns such a query into statuses.
 */
import { SMSAPI } from "smsapi";
import { z } from "zod";
import { parseInput } from "../validate.js";
import { normalizePhone } from "./phone.js";
import {
  ChannelError,
  type ChannelReceipt,
  type ChannelStatus,
  type SmsNotice,
  type SmsPort,
  type VoiceNotice,
  type VoicePort,
} from "./ports.js";
import { stripPolish } from "./sms-text.js";

/** SMSAPI.pl's API address (the official client's own default is its smsapi.io proxy). */
export const SMSAPI_PL_URL = "https://api.smsapi.pl";

/** What a delivery-report endpoint must answer, or SMSAPI calls it again. */
export const SMSAPI_REPORT_ANSWER = "OK";

/** SMSAPI's text-to-speech voices for Polish: two women (ewa, maja) and two men (jacek, jan). */
export type SmsapiTtsLector = "ewa" | "jacek" | "jan" | "maja";

export interface SmsapiOptions {
  /** An OAuth token from the SMSAPI panel (API tokens), with the sms and vms scopes. */
  token: string;
  /** Default `https://api.smsapi.pl`; `https://api.smsapi.com` for SMSAPI.com accounts; a fake in tests. */
  baseUrl?: string;
  /** The sender name used when a notice gives none; it must be registered and active at SMSAPI. */
  senderName?: string;
  /** Replace Polish letters before sending: GSM-7 instead of UCS-2, up to 160 instead of 70 per part. */
  normalizeDiacritics?: boolean;
  /** The voice reading voice messages; default "ewa". */
  ttsLector?: SmsapiTtsLector;
  /** Where SMSAPI sends delivery reports (GET); see `parseSmsapiReport`. */
  notifyUrl?: string;
  /** Give up waiting for SMSAPI after this long (ms, default 20 000); sending again is safe. */
  timeoutMs?: number;
  /** Refuse texts longer than this many parts (SMSAPI's `max_parts`, 1–10). */
  maxParts?: number;
  /** SMSAPI's test mode: the request is checked and answered but nothing is sent or billed. */
  test?: boolean;
  /** Country of numbers written without a country code; default "PL". */
  defaultCountry?: string;
}

/** A receipt from SMSAPI. */
export interface SmsapiReceipt extends ChannelReceipt {
  /**
   * SMSAPI refused the send because it had already accepted a message under this idempotency key
   * (error 53): the message went out before. SMSAPI does not repeat its id then, so `providerId` is
   * `idx:<key>`; match later delivery reports by their `idempotencyKey`.
   */
  alreadySent?: true;
}

export interface SmsapiSmsPort extends SmsPort {
  send(notice: SmsNotice): Promise<SmsapiReceipt>;
  /** Sending again under the same idempotency key never sends twice (see the module comment). */
  readonly idempotentSend: true;
}

export interface SmsapiVoicePort extends VoicePort {
  send(notice: VoiceNotice): Promise<SmsapiReceipt>;
  readonly idempotentSend: true;
}

const optionsSchema = z.object({
  token: z.string().trim().min(1, "the SMSAPI token is empty"),
  baseUrl: z.url().optional(),
  senderName: z.string().min(1).max(16).optional(),
  normalizeDiacritics: z.boolean().optional(),
  ttsLector: z.enum(["ewa", "jacek", "jan", "maja"]).optional(),
  notifyUrl: z.url().optional(),
  timeoutMs: z.number().int().positive().optional(),
  maxParts: z.number().int().min(1).max(10).optional(),
  test: z.boolean().optional(),
  defaultCountry: z.string().length(2).optional(),
});

/** SMSAPI's error codes where sending the same message again later can succeed. */
const TRANSIENT_CODES = new Set([
  51, // VMS only between 8:00 and 22:00
  52, // more than 10 messages to one number within 60 s
  103, // no points left: see `describeCode`
  200, // "unsuccessful attempt, please retry"
  201, // internal error
  202, // too many simultaneous requests
  203, // too many requests
  999, // internal error
]);

const DUPLICATE_IDX = 53;

type MessageKind = "sms" | "vms";

interface SendContext {
  kind: MessageKind;
  to: string;
  from?: string;
}

/** The SMS and voice ports, sharing one SMSAPI client. */
export function smsapiChannels(options: SmsapiOptions): { sms: SmsapiSmsPort; phone: SmsapiVoicePort } {
  const o = parseInput("smsapiChannels", optionsSchema, options);
  const baseUrl = o.baseUrl ?? SMSAPI_PL_URL;
  const client = new SMSAPI(o.token, baseUrl);
  const timeoutMs = o.timeoutMs ?? 20_000;
  const country = o.defaultCountry ?? "PL";
  const redact = (s: string) => s.split(o.token).join("[token]");

  /** Runs one client call; whatever goes wrong comes out as a ChannelError. */
  async function call<T>(ctx: SendContext, op: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const attempt = op();
    // The official client has no timeout and no abort signal, so the wait is cut here; the request
    // itself may still reach SMSAPI, which is why idx + check_idx make the retry safe.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutSignal()), timeoutMs);
    });
    try {
      return await Promise.race([attempt, timeout]);
    } catch (e) {
      throw toChannelError(e, ctx, baseUrl, timeoutMs, redact);
    } finally {
      clearTimeout(timer);
      attempt.catch(() => undefined);
    }
  }

  function recipient(notice: { to: string; idempotencyKey: string }, kind: MessageKind): string {
    checkKey(notice.idempotencyKey);
    const phone = normalizePhone(notice.to, country);
    if ("problem" in phone) throw new ChannelError(`cannot send the ${label(kind)}: ${phone.problem}`, true);
    // SMSAPI's documented form is the number with its country code and no "+", e.g. 48500100200.
    return phone.e164.slice(1);
  }

  async function sendWith(
    ctx: SendContext,
    key: string,
    op: () => Promise<MessageResponseLike>,
  ): Promise<SmsapiReceipt> {
    try {
      const res = await call(ctx, op);
      const item = res.list?.[0];
      if (!item?.id) {
        throw new ChannelError(
          `SMSAPI answered without a message id for the ${label(ctx.kind)} to +${ctx.to}; sending again is safe`,
          false,
        );
      }
      const parts = item.parts ?? res.parts;
      return { providerId: String(item.id), status: "sent", ...(parts ? { parts } : {}) };
    } catch (e) {
      if (e instanceof ChannelError && e.providerCode === String(DUPLICATE_IDX)) {
        return { providerId: `idx:${key}`, status: "sent", alreadySent: true };
      }
      throw e;
    }
  }

  const sms: SmsapiSmsPort = {
    channel: "sms",
    idempotentSend: true,
    async send(notice) {
      const to = recipient(notice, "sms");
      const text = o.normalizeDiacritics ? stripPolish(notice.text) : notice.text;
      if (text.trim() === "") throw new ChannelError("cannot send an SMS with no text", true);
      const from = notice.from ?? o.senderName;
      const details = {
        idx: notice.idempotencyKey,
        checkIdx: true,
        ...(from ? { from } : {}),
        ...(o.notifyUrl ? { notifyUrl: o.notifyUrl } : {}),
        ...(o.maxParts ? { maxParts: o.maxParts as MaxParts } : {}),
        ...(o.test ? { test: true } : {}),
      };
      return sendWith({ kind: "sms", to, ...(from ? { from } : {}) }, notice.idempotencyKey, () =>
        client.sms.sendSms(to, text, details),
      );
    },
  };

  const phone: SmsapiVoicePort = {
    channel: "phone",
    idempotentSend: true,
    async send(notice) {
      const to = recipient(notice, "vms");
      if (notice.text.trim() === "") throw new ChannelError("cannot place a voice call with no text", true);
      const details = {
        idx: notice.idempotencyKey,
        checkIdx: true,
        ...(o.notifyUrl ? { notifyUrl: o.notifyUrl } : {}),
        ...(o.test ? { test: true } : {}),
      };
      return sendWith({ kind: "vms", to }, notice.idempotencyKey, () =>
        client.vms.sendVms(to, notice.text, o.ttsLector ?? "ewa", details),
      );
    },
  };

  return { sms, phone };
}

type MaxParts = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/** The part of the client's answer this adapter reads. */
interface MessageResponseLike {
  list?: { id?: string; parts?: number }[];
  parts?: number;
}

class TimeoutSignal extends Error {}

function label(kind: MessageKind): string {
  return kind === "sms" ? "SMS" : "voice message";
}

/**
 * SMSAPI joins several idx values with "|" in one request and several reports with "," in one
 * callback, so a key holding either would be misread; 255 characters is SMSAPI's limit.
 */
function checkKey(key: string): void {
  if (key === "" || key.length > 255 || /[|,]/.test(key)) {
    throw new ChannelError(
      `idempotency key "${key}" cannot be SMSAPI's idx: it must be 1–255 characters without "|" or ","`,
      true,
    );
  }
}

/** Plain words for one of SMSAPI's error codes, and whether sending again can help. */
function describeCode(code: number, providerMessage: string, ctx: SendContext): ChannelError {
  const what = label(ctx.kind);
  const said = providerMessage ? `: ${providerMessage}` : "";
  const c = String(code);
  switch (code) {
    case 13:
      return new ChannelError(
        `SMSAPI refused the number +${ctx.to} for the ${what} (error 13${said}); check the customer's number`,
        true,
        c,
      );
    case 14:
      return new ChannelError(
        `SMSAPI refused the sender name "${ctx.from ?? ""}" (error 14${said}): it is not registered or not yet active on this SMSAPI account; register it in the SMSAPI panel (sender names) or send without one`,
        true,
        c,
      );
    case 101:
    case 102:
      return authError(c);
    case 103:
      // Not permanent: the account runs out of points between top-ups, and failing every reminder
      // for that would lose them; the outbox retries with backoff while someone tops up.
      return new ChannelError(
        `the SMSAPI account has no points left (error 103${said}); top it up in the SMSAPI panel — the ${what} will be retried`,
        false,
        c,
      );
    case 105:
      return new ChannelError(
        `SMSAPI refused this server's IP address (error 105${said}); add it to the API IP filter in the SMSAPI panel`,
        true,
        c,
      );
    case DUPLICATE_IDX:
      return new ChannelError(`SMSAPI already took a ${what} under this idempotency key (error 53)`, true, c);
    default: {
      const transient = TRANSIENT_CODES.has(code) || (code >= 200 && code < 300);
      return new ChannelError(
        `SMSAPI refused the ${what} to +${ctx.to} (error ${code}${said})${transient ? "; it will be retried" : ""}`,
        !transient,
        c,
      );
    }
  }
}

function authError(code?: string): ChannelError {
  return new ChannelError(
    "SMSAPI did not accept the API token; check the token given to smsapiChannels (SMSAPI panel → API tokens: an OAuth token with the sms and vms scopes)",
    true,
    code,
  );
}

interface ClientErrorShape {
  name?: unknown;
  message?: unknown;
  data?: { error?: unknown; message?: unknown };
  status?: unknown;
  responseBody?: unknown;
  cause?: { code?: unknown; message?: unknown };
}

/**
 * The official client exports no error classes: it throws `MessageError` (`data: { error, message }`)
 * for SMSAPI's error answers, `HttpError` (`status`, `responseBody`) for a non-2xx answer, and fetch's
 * `TypeError("fetch failed")` when the connection fails. They are told apart by shape.
 */
function toChannelError(
  e: unknown,
  ctx: SendContext,
  baseUrl: string,
  timeoutMs: number,
  redact: (s: string) => string,
): ChannelError {
  if (e instanceof ChannelError) return e;
  const host = safeHost(baseUrl);
  const maybe = (msg: string) =>
    `${msg}; SMSAPI may or may not have taken the ${label(ctx.kind)} — sending again is safe, it refuses a second one under the same idempotency key`;
  if (e instanceof TimeoutSignal) {
    return new ChannelError(maybe(`SMSAPI at ${host} did not answer within ${timeoutMs} ms`), false);
  }
  const err = (typeof e === "object" && e !== null ? e : {}) as ClientErrorShape;
  if (err.name === "MessageError" && err.data) {
    return fromApiError(err.data, ctx, redact) ?? unexpected(e, ctx, host, redact);
  }
  if (err.name === "HttpError" && typeof err.status === "number") {
    const status = err.status;
    const body = parseJson(err.responseBody);
    if (status === 401 || status === 403) return authError(codeOf(body));
    if (status === 429 || status >= 500) {
      return new ChannelError(maybe(`SMSAPI at ${host} answered HTTP ${status}`), false, String(status));
    }
    const fromBody = body ? fromApiError(body, ctx, redact) : undefined;
    return fromBody ?? new ChannelError(`SMSAPI at ${host} answered HTTP ${status}`, true, String(status));
  }
  if (e instanceof TypeError && e.message === "fetch failed") {
    const why = err.cause?.code ?? err.cause?.message ?? "connection failed";
    return new ChannelError(maybe(`could not talk to SMSAPI at ${host} (${redact(String(why))})`), false);
  }
  return unexpected(e, ctx, host, redact);
}

function fromApiError(
  data: { error?: unknown; message?: unknown },
  ctx: SendContext,
  redact: (s: string) => string,
): ChannelError | undefined {
  const code = Number(data.error);
  if (!Number.isInteger(code)) return undefined;
  return describeCode(code, redact(typeof data.message === "string" ? data.message : ""), ctx);
}

function unexpected(e: unknown, ctx: SendContext, host: string, redact: (s: string) => string): ChannelError {
  const msg = e instanceof Error ? e.message : String(e);
  return new ChannelError(
    `unexpected answer from SMSAPI at ${host} for the ${label(ctx.kind)} (${redact(msg)}); sending again is safe`,
    false,
  );
}

function parseJson(body: unknown): { error?: unknown; message?: unknown } | undefined {
  if (typeof body !== "string" || body === "") return undefined;
  try {
    const v: unknown = JSON.parse(body);
    return typeof v === "object" && v !== null ? (v as { error?: unknown; message?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

function codeOf(body: { error?: unknown } | undefined): string | undefined {
  return body?.error === undefined ? undefined : String(body.error);
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the configured address";
  }
}

// --- Delivery reports ----------------------------------------------------------------------------

/** A delivery report from SMSAPI. */
export interface SmsapiReportStatus extends ChannelStatus {
  /** SMSAPI's idx: the notice's idempotency key, present on every message this adapter sent. */
  idempotencyKey?: string;
  /** The recipient, E.164. */
  to?: string;
  /** SMSAPI's own status name, e.g. "DELIVERED", "EXPIRED". */
  providerStatus: string;
}

const REPORT_STATUSES: Record<number, { name: string; status: ChannelStatus["status"]; reason?: string }> = {
  401: { name: "NOT_FOUND", status: "failed", reason: "SMSAPI has no such message" },
  402: {
    name: "EXPIRED",
    status: "failed",
    reason: "not delivered in time: the phone was off or out of reach",
  },
  403: { name: "SENT", status: "sent" },
  404: { name: "DELIVERED", status: "delivered" },
  405: { name: "UNDELIVERED", status: "failed", reason: "the operator could not deliver it" },
  406: { name: "FAILED", status: "failed", reason: "sending failed" },
  407: { name: "REJECTED", status: "failed", reason: "the operator rejected it" },
  408: { name: "UNKNOWN", status: "sent" },
  409: { name: "QUEUE", status: "sent" },
  410: { name: "ACCEPTED", status: "sent" },
  411: { name: "RENEWAL", status: "sent" },
  412: { name: "STOP", status: "failed", reason: "the recipient opted out of messages from this sender" },
};

const BY_NAME = new Map(Object.entries(REPORT_STATUSES).map(([code, s]) => [s.name, Number(code)]));

/**
 * Reads SMSAPI's delivery-report callback (its GET query: `MsgId`, `status`, `idx`, `donedate`,
 * `to`, …; several reports at once come comma-separated) into statuses, in the order given.
 * Status codes: 404 DELIVERED is delivered; 402 EXPIRED, 405 UNDELIVERED, 406 FAILED, 407 REJECTED,
 * 412 STOP and 401 NOT_FOUND are failed; the rest (403 SENT, 409 QUEUE, 410 ACCEPTED, 411 RENEWAL,
 * 408 UNKNOWN) are not final and read as sent. Entries without a message id are skipped.
 */
export function parseSmsapiReport(
  query: Record<string, string | string[] | undefined>,
): SmsapiReportStatus[] {
  const field = (name: string): string[] => {
    const key = Object.keys(query).find((k) => k.toLowerCase() === name.toLowerCase());
    const v = key === undefined ? undefined : query[key];
    if (v === undefined) return [];
    return (Array.isArray(v) ? v.join(",") : v).split(",").map((s) => s.trim());
  };
  const ids = field("MsgId");
  const statuses = field("status");
  const idxs = field("idx");
  const done = field("donedate");
  const tos = field("to");
  const out: SmsapiReportStatus[] = [];
  ids.forEach((id, i) => {
    if (id === "") return;
    const raw = statuses[i] ?? "";
    const code = /^\d+$/.test(raw) ? Number(raw) : BY_NAME.get(raw.toUpperCase());
    const known = code === undefined ? undefined : REPORT_STATUSES[code];
    const providerStatus = known?.name ?? (raw || "UNKNOWN");
    const entry: SmsapiReportStatus = { providerId: id, status: known?.status ?? "sent", providerStatus };
    if (known?.reason) entry.reason = `${known.reason} (${known.name})`;
    const at = Number(done[i]);
    if (done[i] && Number.isFinite(at) && at > 0) entry.at = new Date(at * 1000);
    if (idxs[i]) entry.idempotencyKey = idxs[i];
    const to = tos[i];
    if (to) entry.to = to.startsWith("+") ? to : `+${to}`;
    out.push(entry);
  });
  return out;
}
