import { join, resolve } from "node:path";
import { type Db, openDb } from "@hrdkit/billing";
import { type Sandbox, startSandbox } from "@hrdkit/sandbox";
import { HrdClient } from "@hrdkit/sdk";
import type { FastifyInstance } from "fastify";
import { type BridgeContext, buildApp } from "./app.js";
import { type BridgeConfig, loadConfig } from "./config.js";
import { bridgeJobs, migrateJobs, notifySetup, startJobs } from "./jobs/index.js";
import { ROUTES } from "./routes/index.js";
import { createKey } from "./store.js";
import { randomToken } from "./web/csrf.js";

export interface Bridge {
  url: string;
  docsUrl: string;
  app: FastifyInstance;
  ctx: BridgeContext;
  db: Db;
  /** The embedded sandbox, when no HRD credentials were given. */
  sandbox?: Sandbox;
  close(): Promise<void>;
}

/**
 * Starts the bridge: HRD (or, without credentials, an embedded sandbox), the database
 * (`DATABASE_URL`, or PGlite), migrations, the HTTP server.
 */
export async function startBridge(
  options: {
    config?: Partial<BridgeConfig>;
    now?: () => Date;
    /** `false`: do not start the background jobs (tests run them one at a time with runJobOnce). */
    jobs?: false;
  } = {},
): Promise<Bridge> {
  const config = { ...loadConfig(), ...options.config };
  let sandbox: Sandbox | undefined;
  let hrd: HrdClient;
  if (config.hrd) {
    hrd = new HrdClient(config.hrd);
  } else {
    sandbox = await startSandbox({ actionDelayMs: 0 });
    hrd = new HrdClient(sandbox.clientOptions());
  }
  const db = await openDb({ url: config.databaseUrl ?? "", dataDir: config.dataDir });
  // The bridge's tables and its jobs' tables, after billing's.
  await migrateJobs(db);
  // The outbox's channels (e-mail, SMS, voice) from the same settings; the worker is a job below.
  const notify = notifySetup(config);
  const ctx: BridgeContext = {
    db,
    hrd,
    backend: sandbox ? "sandbox" : "hrd",
    signatureWindowMs: config.signatureWindowMs,
    keyCacheMs: config.keyCacheMs,
    now: options.now ?? (() => new Date()),
    // SMTP options, not a connection: billing opens one per message and closes it.
    ...(config.mail
      ? { mail: { transport: config.mail.smtp, ...(config.mail.from ? { from: config.mail.from } : {}) } }
      : {}),
    notify,
    ...(config.brandingDir || config.dataDir
      ? { brandingDir: resolve(config.brandingDir ?? join(config.dataDir!, "branding")) }
      : {}),
    frames: {
      ancestors: config.frames?.ancestors ?? [],
      ...(config.frames?.paymentUrl ? { paymentUrl: config.frames.paymentUrl } : {}),
      secret: config.frames?.secret ?? randomToken(),
    },
  };
  const app = await buildApp(ctx, ROUTES);
  const address = await app.listen({ host: config.host, port: config.port });
  const jobs =
    options.jobs === false
      ? undefined
      : startJobs(ctx, {
          jobs: bridgeJobs(config.jobs),
          tickMs: config.jobs?.tickMs,
          leaseMs: config.jobs?.leaseMs,
          log: config.jobs?.log,
        });
  const url = address.replace("[::1]", "127.0.0.1");
  return {
    url,
    docsUrl: `${url}/docs`,
    app,
    ctx,
    db,
    sandbox,
    async close() {
      await jobs?.close();
      await app.close();
      notify.close();
      await hrd.close();
      await db.close();
      await sandbox?.close();
    },
  };
}

export { createKey };
