#!/usr/bin/env node
// `npm start` / `hrdkit-bridge`: starts the bridge from the environment (.env) on embedded
// defaults — an embedded sandbox without HRD credentials, PGlite in .hrdkit/bridge without
// DATABASE_URL — and prints where it listens, the API documentation, and a key for the modules.
import { createKey, startBridge } from "./index.js";

const dataDir = process.env.DATABASE_URL ? undefined : process.env.BRIDGE_DATA_DIR || ".hrdkit/bridge";
const bridge = await startBridge({ config: { dataDir } });
const { rows } = await bridge.db.query<{ n: number }>(
  "SELECT count(*)::int8 AS n FROM bridge_keys WHERE revoked_at IS NULL",
);
const key = rows[0]!.n === 0 ? (await createKey(bridge.db, "first key")).key : undefined;
if (bridge.sandbox) {
  console.warn(
    "WARNING: no HRD credentials (HRD_LOGIN, HRD_PASSWORD, HRD_API_KEY): running against an EMBEDDED SANDBOX.",
  );
  console.warn("         Nothing is registered for real. Every response carries X-Hrdkit-Backend: sandbox.");
}
console.log(`hrdkit bridge listening on ${bridge.url}`);
console.log(`API documentation: ${bridge.docsUrl}`);
if (key) console.log(`module key (shown once, keep it): ${key}`);
else
  console.log(
    "module keys exist already (stored in the database); revoke or add keys with createKey/revokeKey",
  );
if (dataDir) console.log(`state: PGlite in ${dataDir}`);
const stop = async () => {
  await bridge.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
