export { type BridgeContext, buildApp, toBridgeError } from "./app.js";
export { signature, verifyRequest } from "./auth.js";
export { BridgeClient, BridgeClientError, type BridgeClientOptions } from "./client.js";
export { type BridgeConfig, loadConfig } from "./config.js";
export { BridgeError, type ErrorBody } from "./errors.js";
export { withIdempotency } from "./idempotency.js";
export * from "./jobs/index.js";
export { type Bridge, startBridge } from "./server.js";
export { BRIDGE_MIGRATIONS, createKey, migrateBridge, revokeKey } from "./store.js";
