#!/usr/bin/env node
// `npm start` / `hrdkit-bridge`: starts the bridge from the environment (.env) on embedded
// defaults — an embedded sandbox without HRD credentials, PGlite in .hrdkit/bridge without
// DATABASE_URL — and prints where it listens, the API documentation, and a key for the modules.
// `hrdkit-bridge key create|list|revoke` manages the modules' keys on the same database;
// `hrdkit-bridge staff create|list|disable|enable` the partner panel's logins.
import { openDb } from "@hrdkit/billing";
import { loadConfig } from "./config.js";
import { createKey, startBridge } from "./index.js";
import { migrateJobs } from "./jobs/index.js";
import { KEY_USAGE, runKeyCommand } from "./key-command.js";
import { readStaffPassword, runStaffCommand, STAFF_USAGE } from "./staff-command.js";

const USAGE = `usage: hrdkit-bridge           start the bridge (configuration: environment and .env)\n${KEY_USAGE}\n${STAFF_USAGE}`;
const args = process.argv.slice(2);
const config = loadConfig();
const dataDir = config.databaseUrl ? undefined : config.dataDir || ".hrdkit/bridge";

if (args[0] === "key") {
  // PGlite is one process's database: with PGlite, stop the bridge before managing keys.
  const db = await openDb({ url: config.databaseUrl ?? "", dataDir });
  let code: number;
  try {
    await migrateJobs(db);
    code = await runKeyCommand(db, args.slice(1), console.log, console.error);
  } finally {
    await db.close();
  }
  process.exit(code);
} else if (args[0] === "staff") {
  const db = await openDb({ url: config.databaseUrl ?? "", dataDir });
  let code: number;
  try {
    code = await runStaffCommand(db, args.slice(1), {
      out: console.log,
      err: console.error,
      readPassword: () => readStaffPassword(),
    });
  } finally {
    await db.close();
  }
  process.exit(code);
} else if (args.length > 0) {
  const help = args[0] === "--help" || args[0] === "-h";
  (help ? console.log : console.error)(USAGE);
  process.exit(help ? 0 : 2);
}

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
else console.log("module keys exist already; manage them with `hrdkit-bridge key create|list|revoke`");
if (dataDir) console.log(`state: PGlite in ${dataDir}`);
const stop = async () => {
  await bridge.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
