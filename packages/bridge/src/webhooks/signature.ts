/**
 * Webhook signatures, both sides: the bridge signs each delivery, a receiver checks it with
 * {@link verifyWebhook}. `v1=` is hex `HMAC-SHA256(secret, timestamp + "." + rawBody)`, the
 * timestamp being Unix seconds sent in its own header: a receiver that checks both knows the body
 * came from the bridge and is not a replay of an old delivery. During a secret rotation the header
 * carries one `v1=` per secret in force (`v1=…,v1=…`), so a receiver still on the old secret keeps
 * accepting deliveries until it switches.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The headers of a delivery (lower-case, as Node hands them over). */
export const WEBHOOK_HEADERS = {
  eventId: "x-hrdkit-event-id",
  eventType: "x-hrdkit-event-type",
  webhookId: "x-hrdkit-webhook-id",
  deliveryId: "x-hrdkit-delivery-id",
  attempt: "x-hrdkit-delivery-attempt",
  timestamp: "x-hrdkit-webhook-timestamp",
  signature: "x-hrdkit-webhook-signature",
} as const;

/** What a delivery's body holds (`type` is `ping` for a test event). */
export interface WebhookEvent<D = Record<string, unknown>> {
  id: string;
  type: string;
  /** ISO 8601. */
  createdAt: string;
  data: D;
}

/** Hex HMAC-SHA256 of `timestamp.body` with `secret` (the whole `whsec_…` string is the key). */
export function webhookSignature(
  secret: string,
  timestamp: number | string,
  body: string | Uint8Array,
): string {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex");
}

/** The signature header's value: one `v1=` per secret, the newest first. */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  return secrets.map((s) => `v1=${webhookSignature(s, timestamp, body)}`).join(",");
}

export type WebhookVerificationCode =
  | "missing_header"
  | "bad_timestamp"
  | "stale"
  | "bad_signature"
  | "bad_body";

export class WebhookVerificationError extends Error {
  constructor(
    readonly code: WebhookVerificationCode,
    message: string,
  ) {
    super(message);
    this.name = "WebhookVerificationError";
  }
}

type HeaderBag =
  | Headers
  | Record<string, string | readonly string[] | undefined>
  | { get(name: string): string | null };

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  }
  const bag = headers as Record<string, string | readonly string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : bag[key];
  return Array.isArray(v) ? v.join(",") : (v as string | undefined);
}

export interface VerifyWebhookInput {
  /** The endpoint's secret (`whsec_…`); several while the receiver itself rotates. */
  secret: string | readonly string[];
  /** The raw request body exactly as received (a Buffer too): parse it only after it verifies. */
  body: string | Uint8Array;
  /** The request headers: a fetch `Headers`, or Node's `req.headers`. */
  headers: HeaderBag;
  /** How far the timestamp may be from `now`, in seconds (default 300). */
  toleranceSec?: number;
  /** The receiver's clock (default the current time). */
  now?: Date | number;
}

/**
 * Checks a delivery as a receiver gets it and returns the parsed event. Throws a
 * {@link WebhookVerificationError} when a header is missing, the timestamp is not within
 * `toleranceSec` of `now` (a replay, or a clock off: check NTP), or no `v1=` signature matches
 * a secret (the body changed, or the wrong secret). Signatures are compared in constant time.
 * Deduplicate on the returned `id`: a delivery may arrive more than once.
 */
export function verifyWebhook(input: VerifyWebhookInput): WebhookEvent {
  const { body, headers } = input;
  const toleranceSec = input.toleranceSec ?? 300;
  const ts = header(headers, WEBHOOK_HEADERS.timestamp);
  const sig = header(headers, WEBHOOK_HEADERS.signature);
  if (!ts || !sig) {
    throw new WebhookVerificationError(
      "missing_header",
      `not a signed hrdkit webhook: the ${!ts ? "X-Hrdkit-Webhook-Timestamp" : "X-Hrdkit-Webhook-Signature"} header is missing`,
    );
  }
  if (!/^\d{1,12}$/.test(ts.trim())) {
    throw new WebhookVerificationError(
      "bad_timestamp",
      "X-Hrdkit-Webhook-Timestamp must be Unix time in seconds",
    );
  }
  const timestamp = Number(ts.trim());
  const nowSec = Math.floor((input.now === undefined ? Date.now() : Number(input.now)) / 1000);
  if (Math.abs(nowSec - timestamp) > toleranceSec) {
    throw new WebhookVerificationError(
      "stale",
      `the webhook's timestamp is ${nowSec - timestamp} s away from this clock (tolerance ${toleranceSec} s): ` +
        "a replayed delivery, or a clock that is off (check NTP on both machines)",
    );
  }
  const secrets = typeof input.secret === "string" ? [input.secret] : input.secret;
  if (secrets.length === 0 || secrets.some((s) => typeof s !== "string" || s === "")) {
    throw new TypeError("verifyWebhook needs the endpoint's secret (whsec_…)");
  }
  const given = sig
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.startsWith("v1="))
    .map((p) => Buffer.from(p.slice(3), "utf8"));
  let match = false;
  for (const secret of secrets) {
    const expected = Buffer.from(webhookSignature(secret, timestamp, body), "utf8");
    for (const g of given) {
      // Lengths are public (64 hex digits); the contents are compared in constant time.
      if (g.length === expected.length && timingSafeEqual(g, expected)) match = true;
    }
  }
  if (!match) {
    throw new WebhookVerificationError(
      "bad_signature",
      "no v1 signature matches: the body was changed on the way, or this is not the endpoint's current secret " +
        "(after a rotation, the new secret from rotate-secret)",
    );
  }
  try {
    const text = typeof body === "string" ? body : Buffer.from(body).toString("utf8");
    const event = JSON.parse(text) as WebhookEvent;
    if (typeof event?.id !== "string" || typeof event.type !== "string") throw new Error("not an event");
    return event;
  } catch {
    throw new WebhookVerificationError("bad_body", "the signed body is not a webhook event");
  }
}
