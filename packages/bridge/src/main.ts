#!/usr/bin/env node
// `hrdkit-bridge`: starts the bridge from the environment (.env), prints where it listens, the
// API documentation, and — on first start — a key for the panel modules.
import { createKey, startBridge } from "./index.js";

const bridge = await startBridge();
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
const stop = async () => {
  await bridge.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
