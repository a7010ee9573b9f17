import { type Bridge, BridgeClient, BridgeClientError, createKey, startBridge } from "@hrdkit/bridge";
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
 * environment says), a random port, and — unless `jobs: true` — no background jobs, so tests
 * decide when a job runs.
 */
export async function startTestBridge(
  options: { jobs?: boolean; keyName?: string } = {},
): Promise<{ bridge: Bridge; client: BridgeClient; key: { id: string; key: string } }> {
  const bridge = await startBridge({
    config: { port: 0, hrd: undefined, databaseUrl: undefined, dataDir: undefined },
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
