/**
 * The billing chores run the bridge's own code on the bridge's database, so what `hrdkit billing …`
 * does is what the bridge's scheduled runs and routes do: the same webhook events, the same
 * customer notices, the same job records on the dashboard. This builds the context that code
 * expects, without an HTTP server and without HRD (no chore here talks to HRD through it).
 */
import type { Db } from "@hrdkit/billing";
import type { BridgeConfig, BridgeContext, NotifySetup } from "@hrdkit/bridge";
import type { HrdClient } from "@hrdkit/sdk";
import type { App } from "../app.js";
import { CliError, EXIT } from "../exit-codes.js";
import type { Output } from "../output.js";

export interface ChoreContext {
  ctx: BridgeContext;
  db: Db;
  config: BridgeConfig;
  /** The outbox's channels from the bridge's settings (HRDKIT_SMTP_URL, HRDKIT_SMSAPI_TOKEN). */
  notify: NotifySetup;
}

/**
 * Stands in for the HRD client the bridge context carries: the chores never call HRD through the
 * context, and none of them should need HRD credentials to run.
 */
function noHrd(): HrdClient {
  return new Proxy({} as HrdClient, {
    get(_target, key) {
      if (typeof key === "symbol" || key === "then" || key === "toJSON") return undefined;
      throw new CliError(
        `internal: this billing chore has no HRD connection (asked for ${key})`,
        EXIT.config,
      );
    },
  });
}

/** The bridge's settings from hrdkit's (environment, ./.env, ~/.config/hrdkit/.env). */
async function bridgeConfig(app: App): Promise<BridgeConfig> {
  const { loadConfig } = await import("@hrdkit/bridge");
  try {
    // `false`: hrdkit read the .env files itself; the bridge must not load them into process.env.
    return loadConfig(app.settings() as NodeJS.ProcessEnv, false);
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), EXIT.config);
  }
}

/**
 * Opens the database (DATABASE_URL or the bridge's PGlite folder), brings its tables up to date as
 * the bridge does at start (billing's, then the bridge's: events, job records), and gives the
 * context. Closed with the command.
 */
export async function openChoreContext(app: App, out: Output): Promise<ChoreContext> {
  const config = await bridgeConfig(app);
  const { migrateJobs, notifySetup } = await import("@hrdkit/bridge");
  const db = await app.db();
  await migrateJobs(db);
  const notify = notifySetup(config);
  app.onClose(async () => notify.close());
  const ctx: BridgeContext = {
    db,
    hrd: noHrd(),
    backend: "hrd",
    signatureWindowMs: 5 * 60_000,
    now: () => new Date(),
    notify,
    // A notice or event that could not be stored is said on stderr (the result still printed).
    logError: (err, what) => {
      const message = err instanceof Error ? err.message : String(err);
      out.warn(`${what.url} not ${what.method === "NOTICE" ? "queued" : "stored"}: ${message}`);
    },
  };
  return { ctx, db, config, notify };
}
