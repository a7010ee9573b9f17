/**
 * Request signing: a module signs each request with its key; the bridge refuses anything
 * unsigned, stale, replayed or wrongly signed before it does anything else.
 *
 * Headers: `X-Hrdkit-Key: <key id>`, `X-Hrdkit-Timestamp: <unix ms>`, `X-Hrdkit-Nonce: <random,
 * 16–64 chars>`, `X-Hrdkit-Signature: <hex HMAC-SHA256>` over
 * `timestamp + "\n" + nonce + "\n" + METHOD + " " + path + "\n" + body`, keyed with
 * SHA-256(secret) in hex — the signing key both sides derive from the key's secret part.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Db } from "@hrdkit/billing";
import { BridgeError } from "./errors.js";
import { signingKey, useNonce } from "./store.js";

export interface SignedRequest {
  method: string;
  /** Path with query string, as sent. */
  path: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export function signature(
  signingKeyHex: string,
  timestamp: string,
  nonce: string,
  method: string,
  path: string,
  body: string,
): string {
  return createHmac("sha256", signingKeyHex)
    .update(`${timestamp}\n${nonce}\n${method.toUpperCase()} ${path}\n${body}`)
    .digest("hex");
}

const header = (h: SignedRequest["headers"], name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Checks a request's signature; returns the key id, or throws a 401 BridgeError saying why. */
export async function verifyRequest(
  db: Db,
  req: SignedRequest,
  now: Date,
  windowMs: number,
): Promise<string> {
  const keyId = header(req.headers, "x-hrdkit-key");
  const ts = header(req.headers, "x-hrdkit-timestamp");
  const nonce = header(req.headers, "x-hrdkit-nonce");
  const sig = header(req.headers, "x-hrdkit-signature");
  if (!keyId || !ts || !nonce || !sig) {
    throw new BridgeError(
      401,
      "unsigned",
      "the request is not signed (X-Hrdkit-Key, -Timestamp, -Nonce, -Signature)",
    );
  }
  if (!/^\d{10,16}$/.test(ts) || Math.abs(now.getTime() - Number(ts)) > windowMs) {
    throw new BridgeError(
      401,
      "stale",
      `the signature's timestamp is outside the ${windowMs / 60_000}-minute window: check the clock`,
    );
  }
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(nonce))
    throw new BridgeError(401, "bad_nonce", "the nonce must be 16–64 URL-safe characters");
  const key = await signingKey(db, keyId.replace(/^hk_/, ""));
  const expected = key ? signature(key, ts, nonce, req.method, req.path, req.body) : undefined;
  const given = Buffer.from(sig, "hex");
  if (!expected || given.length !== 32 || !timingSafeEqual(given, Buffer.from(expected, "hex"))) {
    // One answer for an unknown key, a revoked key and a wrong signature: nothing to probe.
    throw new BridgeError(
      401,
      "bad_signature",
      "the signature does not match (unknown or revoked key, or a wrong secret)",
    );
  }
  if (!(await useNonce(db, keyId.replace(/^hk_/, ""), nonce, now, windowMs))) {
    throw new BridgeError(401, "replayed", "this nonce was used already: every request needs a new one");
  }
  return keyId.replace(/^hk_/, "");
}
