import { config as loadDotenv } from "dotenv";

/** What the bridge needs, from the environment (and a `.env` file). Everything has a default. */
export interface BridgeConfig {
  host: string;
  port: number;
  /** HRD credentials; absent → the bridge runs against an embedded sandbox (and says so loudly). */
  hrd?: { login: string; password: string; apiKey: string; host?: string; port?: number };
  /** PostgreSQL URL; absent → PGlite in `dataDir`. */
  databaseUrl?: string;
  /** PGlite's folder when no database URL is given; absent → in memory. */
  dataDir?: string;
  /** Signed requests older or newer than this are refused, ms (default 5 minutes). */
  signatureWindowMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, dotenv = true): BridgeConfig {
  if (dotenv) loadDotenv({ quiet: true });
  const hrd =
    env.HRD_LOGIN && env.HRD_PASSWORD && env.HRD_API_KEY
      ? {
          login: env.HRD_LOGIN,
          password: env.HRD_PASSWORD,
          apiKey: env.HRD_API_KEY,
          host: env.HRD_HOST || undefined,
          port: env.HRD_PORT ? Number(env.HRD_PORT) : undefined,
        }
      : undefined;
  return {
    host: env.BRIDGE_HOST || "127.0.0.1",
    port: env.BRIDGE_PORT ? Number(env.BRIDGE_PORT) : 8080,
    hrd,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.BRIDGE_DATA_DIR || undefined,
    signatureWindowMs: 5 * 60_000,
  };
}
