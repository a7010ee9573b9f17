/**
 * Request signing: a module signs each request with its key; the bridge refuses anything
 * unsigned, stale, replayed or wrongly signed before it does anything else.
 *
 * Headers, each exactly once: `X-Hrdkit-Key: <key id>`, `X-Hrdkit-Timestamp: <unix ms>`,
 * `X-Hrdkit-Nonce: <random, 16–64 chars>`, `X-Hrdkit-Signature: <64 hex digits, HMAC-SHA256>`
 * over `timestamp + "\n" + nonce + "\n" + METHOD + " " + path + "\n"` followed by the body's raw
 * bytes (whatever its content type), keyed with SHA-256(secret) in hex — the signing key both
 * sides derive from the key's secret part.
 *
 * The check runs in two steps so that nothing is read or parsed for a stranger: the headers
 * (and the key) before the body is read, the signature once its bytes are in.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Db } from "@hrdkit/billing";
import { BridgeError } from "./errors.js";
import { SigningState } from "./signing-state.js";

export interface SignedRequest {
  method: string;
  /** Path with query string, as sent. */
  path: string;
  /** The body as sent: its bytes (a string stands for its UTF-8 bytes). */
  body: string | Buffer;
  headers: Record<string, string | string[] | undefined>;
  /** Node's `rawHeaders` (name, value, name, value…): shows a header sent twice. */
  rawHeaders?: string[];
}

/** The four signature headers, read and checked for form. */
export interface SignatureHeaders {
  keyId: string;
  timestamp: string;
  nonce: string;
  /** The 32 bytes of the HMAC. */
  signature: Buffer;
}

export function signature(
  signingKeyHex: string,
  timestamp: string,
  nonce: string,
  method: string,
  path: string,
  body: string | Buffer,
): string {
  return createHmac("sha256", signingKeyHex)
    .update(`${timestamp}\n${nonce}\n${method.toUpperCase()} ${path}\n`)
    .update(body)
    .digest("hex");
}

const SIGNATURE_HEADERS = ["x-hrdkit-key", "x-hrdkit-timestamp", "x-hrdkit-nonce", "x-hrdkit-signature"];
const DISPLAY: Record<string, string> = {
  "x-hrdkit-key": "X-Hrdkit-Key",
  "x-hrdkit-timestamp": "X-Hrdkit-Timestamp",
  "x-hrdkit-nonce": "X-Hrdkit-Nonce",
  "x-hrdkit-signature": "X-Hrdkit-Signature",
};

const badSignature = (why = "the signature does not match (unknown or revoked key, or a wrong secret)") =>
  new BridgeError(401, "bad_signature", why);

/** How often each header was sent: Node joins a repeated unknown header into one value with ", ". */
function timesSent(req: Pick<SignedRequest, "headers" | "rawHeaders">, name: string): number {
  if (req.rawHeaders) {
    let n = 0;
    for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === name) n++;
    return n;
  }
  const v = req.headers[name];
  return Array.isArray(v) ? v.length : v === undefined ? 0 : 1;
}

/**
 * Step 1, before the body is read: the four headers, each sent once and well formed, and a
 * timestamp inside the window. Throws a 401 BridgeError saying why.
 */
export function readSignatureHeaders(
  req: Pick<SignedRequest, "headers" | "rawHeaders">,
  now: Date,
  windowMs: number,
): SignatureHeaders {
  const counts = SIGNATURE_HEADERS.map((h) => timesSent(req, h));
  if (counts.some((n) => n === 0)) {
    throw new BridgeError(
      401,
      "unsigned",
      "the request is not signed (X-Hrdkit-Key, -Timestamp, -Nonce, -Signature)",
    );
  }
  const twice = SIGNATURE_HEADERS.filter((_, i) => counts[i]! > 1);
  if (twice.length > 0) {
    // Two values leave it open which one was checked: a proxy and the bridge could disagree.
    throw badSignature(`${twice.map((h) => DISPLAY[h]).join(", ")} sent more than once: send each once`);
  }
  const value = (name: string) => String(req.headers[name]);
  const ts = value("x-hrdkit-timestamp");
  if (!/^\d{10,16}$/.test(ts) || Math.abs(now.getTime() - Number(ts)) > windowMs) {
    throw new BridgeError(
      401,
      "stale",
      `the signature's timestamp is outside the ${windowMs / 60_000}-minute window: check the clock`,
    );
  }
  const nonce = value("x-hrdkit-nonce");
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce))
    throw new BridgeError(401, "bad_nonce", "the nonce must be 16–64 URL-safe characters");
  const sig = value("x-hrdkit-signature");
  // Buffer.from(hex) stops at the first non-hex character: check the form first, exactly.
  if (!/^[0-9a-fA-F]{64}$/.test(sig)) throw badSignature("the signature must be 64 hex digits (HMAC-SHA256)");
  return {
    keyId: value("x-hrdkit-key").replace(/^hk_/, ""),
    timestamp: ts,
    nonce,
    signature: Buffer.from(sig, "hex"),
  };
}

/** Step 2: the key's signing key; an unknown or revoked key gets the same answer as a wrong signature. */
export async function signingKeyFor(state: SigningState, h: SignatureHeaders, now: Date): Promise<string> {
  const key = /^[0-9a-f]{1,64}$/.test(h.keyId) ? await state.signingKey(h.keyId, now.getTime()) : undefined;
  if (!key) throw badSignature();
  return key;
}

/** Step 3, once the body's bytes are in: the signature over them, then the nonce (used once). */
export async function checkSignature(
  state: SigningState,
  h: SignatureHeaders,
  key: string,
  req: Pick<SignedRequest, "method" | "path" | "body">,
  now: Date,
): Promise<string> {
  const expected = Buffer.from(signature(key, h.timestamp, h.nonce, req.method, req.path, req.body), "hex");
  // One answer for an unknown key, a revoked key and a wrong signature: nothing to probe.
  if (!timingSafeEqual(h.signature, expected)) throw badSignature();
  if (!(await state.useNonce(h.keyId, h.nonce, now, req.method.toUpperCase()))) {
    throw new BridgeError(401, "replayed", "this nonce was used already: every request needs a new one");
  }
  return h.keyId;
}

/** Checks a whole request's signature; returns the key id, or throws a 401 BridgeError saying why. */
export async function verifyRequest(
  db: Db,
  req: SignedRequest,
  now: Date,
  windowMs: number,
): Promise<string> {
  const h = readSignatureHeaders(req, now, windowMs);
  // A state of its own: nothing cached between calls of this one-shot check.
  const state = new SigningState(db, { windowMs, keyTtlMs: 0 });
  try {
    const key = await signingKeyFor(state, h, now);
    return await checkSignature(state, h, key, req, now);
  } finally {
    await state.close();
  }
}

/**
 * Requests refused before anyone was authenticated: counted, never audited (a stranger could
 * otherwise fill the audit log). Shown on `/health`.
 */
export class RefusedCounter {
  total = 0;
  readonly byCode: Record<string, number> = Object.create(null);

  add(code: string): void {
    this.total++;
    this.byCode[code] = (this.byCode[code] ?? 0) + 1;
  }

  snapshot(): { total: number; byCode: Record<string, number> } {
    return { total: this.total, byCode: { ...this.byCode } };
  }
}
