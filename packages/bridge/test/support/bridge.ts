import { createHash, randomBytes } from "node:crypto";
import {
  type Bridge,
  BridgeClient,
  BridgeClientError,
  type BridgeConfig,
  createKey,
  signature,
  startBridge,
} from "@hrdkit/bridge";
import { expect } from "vitest";

/** The HRD registrant account data the bridge tests use. */
export const PERSON = {
  type: "person" as const,
  idNumber: "44051401359",
  email: "jan@example.com",
  landlinePhone: "+48 22 100 32 48",
  name: "Jan Kowalski",
  street: "ul. Długa 1",
  postcode: "00-001",
  city: "Warszawa",
  country: "PL",
};

/**
 * A bridge on embedded defaults for a test: its own sandbox and in-memory PGlite (whatever the
 * environment says; `config` may name a database instead), a random port, and — unless
 * `jobs: true` — no background jobs, so tests decide when a job runs.
 */
export async function startTestBridge(
  options: { jobs?: boolean; keyName?: string; config?: Partial<BridgeConfig> } = {},
): Promise<{ bridge: Bridge; client: BridgeClient; key: { id: string; key: string } }> {
  const bridge = await startBridge({
    config: { port: 0, hrd: undefined, databaseUrl: undefined, dataDir: undefined, ...options.config },
    ...(options.jobs ? {} : { jobs: false as const }),
  });
  const key = await createKey(bridge.db, options.keyName ?? "test");
  return { bridge, client: new BridgeClient({ url: bridge.url, key: key.key }), key };
}

/** A registrant account at the bridge's sandbox. */
export async function hrdPerson(bridge: Bridge): Promise<number> {
  return (await bridge.ctx.hrd.user.create(PERSON)).id;
}

/** The error a bridge call was refused with; fails the test if the call went through or threw something else. */
export async function failure(p: Promise<unknown>): Promise<BridgeClientError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BridgeClientError);
  return e as BridgeClientError;
}

/**
 * A request signed with a module key (`hk_<id>.<secret>`) the way BridgeClient signs, for what
 * the client cannot send or read: a raw body (a bank file) or an answer that is not JSON (a PDF).
 */
export async function signedFetch(
  bridgeUrl: string,
  key: string,
  method: string,
  path: string,
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<Response> {
  const m = /^hk_([0-9a-f]+)\.(.+)$/.exec(key)!;
  const signingKey = createHash("sha256").update(m[2]!, "utf8").digest("hex");
  const ts = String(Date.now());
  const nonce = randomBytes(16).toString("base64url");
  return fetch(`${bridgeUrl}${path}`, {
    method,
    headers: {
      "x-hrdkit-key": `hk_${m[1]}`,
      "x-hrdkit-timestamp": ts,
      "x-hrdkit-nonce": nonce,
      "x-hrdkit-signature": signature(signingKey, ts, nonce, method, path, body ?? ""),
      ...headers,
    },
    ...(body ? { body: new Uint8Array(body) } : {}),
  });
}

/** One page of a listing, as every list route answers. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Every page of a listing, following nextCursor; more than `maxPages` means the cursor never ends. */
export async function everyPage<T>(client: BridgeClient, path: string, maxPages = 100): Promise<Page<T>[]> {
  const pages: Page<T>[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const url: string = cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path;
    const page: Page<T> = (await client.call<Page<T>>("GET", url)).body;
    pages.push(page);
    cursor = page.nextCursor;
    if (pages.length > maxPages) throw new Error("the cursor never ends");
  } while (cursor);
  return pages;
}
