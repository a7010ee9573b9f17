/**
 * A small client for the bridge, for custom software and tests: signs each request (see auth.ts)
 * and turns the error shape back into an exception.
 */
import { randomBytes } from "node:crypto";
import { signature } from "./auth.js";
import type { ErrorBody } from "./errors.js";
import { signingKeyOf } from "./store.js";

export class BridgeClientError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody["error"],
  ) {
    super(body.message);
    this.name = "BridgeClientError";
  }
  get code(): string {
    return this.body.code;
  }
}

export interface BridgeClientOptions {
  /** e.g. `http://127.0.0.1:8080` */
  url: string;
  /** The module key, `hk_<id>.<secret>`. */
  key: string;
}

export class BridgeClient {
  private readonly keyId: string;
  private readonly signingKey: string;

  constructor(private readonly options: BridgeClientOptions) {
    const m = /^hk_([0-9a-f]+)\.(.+)$/.exec(options.key);
    if (!m) throw new TypeError("the key must look like hk_<id>.<secret>");
    this.keyId = m[1]!;
    this.signingKey = signingKeyOf(m[2]!);
  }

  /** Sends one signed request; resolves with the JSON body, rejects with BridgeClientError. */
  async call<T = unknown>(
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    path: string,
    body?: unknown,
    options: { idempotencyKey?: string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: T; headers: Headers }> {
    // Sign the path as it travels: a Unicode domain in it is percent-encoded by fetch.
    const url = new URL(path, this.options.url);
    path = url.pathname + url.search;
    const text = body === undefined ? "" : JSON.stringify(body);
    const ts = String(Date.now());
    const nonce = randomBytes(16).toString("base64url");
    const headers: Record<string, string> = {
      "x-hrdkit-key": `hk_${this.keyId}`,
      "x-hrdkit-timestamp": ts,
      "x-hrdkit-nonce": nonce,
      "x-hrdkit-signature": signature(this.signingKey, ts, nonce, method, path, text),
      ...(text ? { "content-type": "application/json" } : {}),
      ...(options.idempotencyKey ? { "idempotency-key": options.idempotencyKey } : {}),
      ...options.headers,
    };
    const res = await fetch(`${this.options.url}${path}`, { method, headers, body: text || undefined });
    const json = (await res.json()) as T & Partial<ErrorBody>;
    if (!res.ok) throw new BridgeClientError(res.status, (json as ErrorBody).error);
    return { status: res.status, body: json, headers: res.headers };
  }
}
