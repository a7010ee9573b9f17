/**
 * The bridge's request signature (its auth.ts), reimplemented so the client needs nothing of the
 * bridge: `X-Hrdkit-Signature = HMAC-SHA256(signingKey, ts + "\n" + nonce + "\n" + METHOD + " " +
 * pathWithQuery + "\n" + rawBody)`, keyed with `signingKey = hex(SHA-256(secret))` — the hex
 * string itself is the HMAC key.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";

/** Signs one request: the four headers, with a new nonce and the current time. */
export type Signer = (
  method: string,
  pathWithQuery: string,
  body: string | Uint8Array,
) => Record<string, string>;

/**
 * A signer for a module key `hk_<id>.<secret>`. The secret and the signing key live only in this
 * closure: on no object, so no dump of the client, a request or an error can show them.
 */
export function signerFor(key: string, now: () => number = Date.now): Signer {
  const m = /^hk_([0-9a-f]+)\.(.+)$/.exec(typeof key === "string" ? key : "");
  // The value is never repeated in the message: it is a secret.
  if (!m)
    throw new TypeError("the key must look like hk_<id>.<secret> (made with `hrdkit-bridge key create`)");
  const keyId = `hk_${m[1]}`;
  const signingKey = createHash("sha256").update(m[2]!, "utf8").digest("hex");
  return (method, pathWithQuery, body) => {
    const timestamp = String(now());
    const nonce = randomBytes(16).toString("base64url");
    const signature = createHmac("sha256", signingKey)
      .update(`${timestamp}\n${nonce}\n${method.toUpperCase()} ${pathWithQuery}\n`)
      .update(body)
      .digest("hex");
    return {
      "x-hrdkit-key": keyId,
      "x-hrdkit-timestamp": timestamp,
      "x-hrdkit-nonce": nonce,
      "x-hrdkit-signature": signature,
    };
  };
}
