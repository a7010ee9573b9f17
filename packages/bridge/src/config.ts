import { config as loadDotenv } from "dotenv";
import { type JobsConfig, loadJobsConfig } from "./jobs/config.js";

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
  /**
   * E-mail (invoices sent to customers): HRDKIT_SMTP_URL `smtp://user:pass@host:587` (`smtps://` for
   * TLS from the start, `?ignoreTLS=true` / `?requireTLS=true`) and HRDKIT_MAIL_FROM, an address
   * that replaces the seller's e-mail as the sender. Absent → no e-mail (routes answer 409).
   */
  mail?: { smtp: SmtpConfig; from?: string };
  /** Where uploaded logos are kept (HRDKIT_BRANDING_DIR); default `<dataDir>/branding`. */
  brandingDir?: string;
  /** The background jobs: renewal and reminder hours, the statements folder (HRDKIT_RENEWAL_HOUR, …). */
  jobs?: JobsConfig;
}

/** nodemailer's SMTP options, as far as a URL sets them. The password never prints (toJSON, inspect). */
export type SmtpConfig = {
  host: string;
  port: number;
  secure: boolean;
  auth?: { user: string; pass: string };
  ignoreTLS?: boolean;
  requireTLS?: boolean;
};

/** HRDKIT_MAIL_FROM: a bare address (the display name stays the seller's). */
function mailFrom(text: string): string {
  const address = text.trim();
  if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address)) {
    throw new Error(`HRDKIT_MAIL_FROM must be an e-mail address like faktury@example.pl, got "${address}"`);
  }
  return address;
}

/** HRDKIT_SMTP_URL → SMTP options; an error that does not repeat the URL (it holds a password). */
export function parseSmtpUrl(text: string): SmtpConfig {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error("HRDKIT_SMTP_URL is not a URL: expected smtp://user:password@host:587");
  }
  if ((url.protocol !== "smtp:" && url.protocol !== "smtps:") || !url.hostname) {
    throw new Error(
      "HRDKIT_SMTP_URL must be smtp://… or smtps://… with a host, e.g. smtp://user:password@host:587",
    );
  }
  const secure = url.protocol === "smtps:";
  const flag = (name: string) => {
    const v = url.searchParams.get(name);
    return v === null ? undefined : v === "true" || v === "1";
  };
  const config: SmtpConfig = {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
  };
  const ignoreTLS = flag("ignoreTLS");
  const requireTLS = flag("requireTLS");
  if (ignoreTLS !== undefined) config.ignoreTLS = ignoreTLS;
  if (requireTLS !== undefined) config.requireTLS = requireTLS;
  if (url.username) {
    const auth = { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) };
    // Whatever prints the config (a debug dump, an error) shows the user, never the password.
    const shown = () => ({ user: auth.user, pass: "[redacted]" });
    Object.defineProperty(auth, "toJSON", { value: shown });
    Object.defineProperty(auth, Symbol.for("nodejs.util.inspect.custom"), { value: shown });
    config.auth = auth;
  }
  return config;
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
    mail: env.HRDKIT_SMTP_URL
      ? {
          smtp: parseSmtpUrl(env.HRDKIT_SMTP_URL),
          ...(env.HRDKIT_MAIL_FROM ? { from: mailFrom(env.HRDKIT_MAIL_FROM) } : {}),
        }
      : undefined,
    brandingDir: env.HRDKIT_BRANDING_DIR || undefined,
    jobs: loadJobsConfig(env),
  };
}
