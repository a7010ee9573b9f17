import { UNSUBSCRIBE_SECRET_MIN } from "@hrdkit/billing";
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
  /** HRDKIT_KEY_CACHE_SECONDS: how long a key's signing key is cached (default 10; 0: read every call). */
  keyCacheMs?: number;
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
  /**
   * SMS and voice notices through SMSAPI: HRDKIT_SMSAPI_TOKEN (required for SMS), HRDKIT_SMSAPI_URL,
   * HRDKIT_SMS_SENDER, HRDKIT_SMSAPI_REPORT_TOKEN. Absent → no SMS or voice channel (the outbox
   * fails such notices with that reason). The tokens never print (toJSON, inspect).
   */
  smsapi?: SmsapiConfig;
  /**
   * HRDKIT_PUBLIC_URL: the address the bridge is reached at from outside (e.g.
   * `https://bridge.zolwhosting.pl`), for callbacks such as SMSAPI's delivery reports.
   */
  publicUrl?: string;
  /**
   * Offers (marketing messages): HRDKIT_UNSUBSCRIBE_SECRET signs every copy's unsubscribe link and
   * HRDKIT_OFFER_RATE paces the outbox. Sending an offer needs the secret and HRDKIT_PUBLIC_URL
   * (the links point at `<HRDKIT_PUBLIC_URL>/unsubscribe`); absent → the send route answers 409.
   * The secret never prints (toJSON, inspect).
   */
  offers?: OffersConfig;
  /**
   * The customer frames (`/frames/{pl|en}/…`): BRIDGE_FRAME_ANCESTORS, the partner's origins that may
   * embed them in an iframe; HRDKIT_PAYMENT_URL, an online-payment link template; HRDKIT_FRAMES_SECRET,
   * the key of form tokens and cart cookies.
   */
  frames?: FramesConfig;
}

/** Settings of the customer frames. */
export interface FramesConfig {
  /**
   * BRIDGE_FRAME_ANCESTORS: space-separated origins (`https://www.zolwhosting.pl https://zolw.pl`)
   * allowed to show the frames in an iframe (CSP `frame-ancestors`). Empty: `'self'` only, and the
   * cookies are SameSite=Lax (first-party); set: SameSite=None; Secure, as a third-party iframe needs.
   */
  ancestors: string[];
  /**
   * HRDKIT_PAYMENT_URL: a payment gateway's address with `{proforma}` (the proforma number) and
   * `{amount}` (gross, e.g. 49.19) in it; set → the order page shows a "Pay online" link.
   */
  paymentUrl?: string;
  /**
   * HRDKIT_FRAMES_SECRET (at least 32 characters): signs form tokens and the cart cookie. Absent: a
   * random one per start (forms open during a restart must be sent again). Never printed.
   */
  secret?: string;
}

/** Offer settings, from HRDKIT_UNSUBSCRIBE_SECRET and HRDKIT_OFFER_RATE. */
export interface OffersConfig {
  /**
   * HRDKIT_UNSUBSCRIBE_SECRET: the HMAC key of unsubscribe links, at least 32 characters (e.g.
   * `openssl rand -base64 32`). Changing it breaks the links in every offer already sent: keep it.
   */
  unsubscribeSecret?: string;
  /**
   * HRDKIT_OFFER_RATE: messages per second the outbox sends at most, per channel (e-mail and SMS
   * each; the outbox paces a channel as a whole, so other notices on it share the rate). Absent:
   * no pacing.
   */
  ratePerSecond?: number;
}

/** SMSAPI settings, from HRDKIT_SMSAPI_*. */
export interface SmsapiConfig {
  /** HRDKIT_SMSAPI_TOKEN: an OAuth token from the SMSAPI panel with the sms and vms scopes. */
  token: string;
  /** HRDKIT_SMSAPI_URL, default https://api.smsapi.pl (https://api.smsapi.com for SMSAPI.com accounts). */
  baseUrl?: string;
  /** HRDKIT_SMS_SENDER: the sender name registered at SMSAPI, used when a notice names none. */
  senderName?: string;
  /**
   * HRDKIT_SMSAPI_REPORT_TOKEN: the secret in the delivery-report address
   * (`/v1/notifications/smsapi/reports/<token>`): SMSAPI cannot sign its calls, so knowing the
   * address is what lets a report in.
   */
  reportToken?: string;
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

/** Gives `secrets` of `target` as "[redacted]" to whatever prints it (JSON, util.inspect). */
function redactWhenPrinted<T extends object>(target: T, secrets: readonly (keyof T)[]): T {
  const shown = () =>
    Object.fromEntries(
      Object.entries(target).map(([k, v]) => [k, secrets.includes(k as keyof T) ? "[redacted]" : v]),
    );
  Object.defineProperty(target, "toJSON", { value: shown });
  Object.defineProperty(target, Symbol.for("nodejs.util.inspect.custom"), { value: shown });
  return target;
}

/** An http(s) URL without a trailing slash, or a problem naming the variable (not the value when secret). */
function httpUrl(name: string, text: string, problems: string[]): string | undefined {
  try {
    const url = new URL(text.trim());
    if ((url.protocol === "http:" || url.protocol === "https:") && url.hostname) {
      return url.toString().replace(/\/+$/, "");
    }
  } catch {
    // Reported below.
  }
  problems.push(`${name} must be an http(s) address like https://bridge.example.pl, got "${text}"`);
  return undefined;
}

/**
 * HRDKIT_SMSAPI_* and HRDKIT_PUBLIC_URL. Every bad variable is named at once; a token's value is
 * never repeated in an error (only what is wrong with it).
 */
export function loadSmsapiConfig(env: NodeJS.ProcessEnv): { smsapi?: SmsapiConfig; publicUrl?: string } {
  const problems: string[] = [];
  const value = (name: string) => env[name]?.trim() || undefined;
  const token = value("HRDKIT_SMSAPI_TOKEN");
  const rawUrl = value("HRDKIT_SMSAPI_URL");
  const sender = value("HRDKIT_SMS_SENDER");
  const reportToken = value("HRDKIT_SMSAPI_REPORT_TOKEN");
  const rawPublic = value("HRDKIT_PUBLIC_URL");

  const publicUrl = rawPublic === undefined ? undefined : httpUrl("HRDKIT_PUBLIC_URL", rawPublic, problems);
  const baseUrl = rawUrl === undefined ? undefined : httpUrl("HRDKIT_SMSAPI_URL", rawUrl, problems);
  if (token !== undefined && /\s/.test(token)) {
    problems.push("HRDKIT_SMSAPI_TOKEN contains white space: paste the token from the SMSAPI panel as it is");
  }
  // SMSAPI itself refuses a name not registered on the account (the notice fails with its reason).
  // The same rule as the partner's smsSender setting (an alphanumeric sender: at most 11).
  if (sender !== undefined && !/^[A-Za-z0-9]{1,11}$/.test(sender)) {
    problems.push(
      `HRDKIT_SMS_SENDER must be the sender name registered at SMSAPI (1–11 letters and digits), got "${sender}"`,
    );
  }
  // In a URL path, and the only thing keeping strangers from reporting: long and URL-safe.
  if (reportToken !== undefined && !/^[A-Za-z0-9_-]{24,200}$/.test(reportToken)) {
    problems.push(
      "HRDKIT_SMSAPI_REPORT_TOKEN must be 24–200 characters of A-Z a-z 0-9 _ - (e.g. `openssl rand -hex 24`)",
    );
  }
  const orphans = ["HRDKIT_SMSAPI_URL", "HRDKIT_SMS_SENDER", "HRDKIT_SMSAPI_REPORT_TOKEN"].filter(
    (name) => value(name) !== undefined,
  );
  if (token === undefined && orphans.length > 0) {
    problems.push(
      `${orphans.join(", ")} ${orphans.length === 1 ? "is" : "are"} set but HRDKIT_SMSAPI_TOKEN is not: SMS and ` +
        "voice notices need an SMSAPI token (SMSAPI panel → API tokens, scopes sms and vms)",
    );
  }
  if (problems.length > 0) throw new Error(`bad SMS settings: ${problems.join("; ")}`);
  const smsapi: SmsapiConfig | undefined =
    token === undefined
      ? undefined
      : redactWhenPrinted<SmsapiConfig>(
          {
            token,
            ...(baseUrl ? { baseUrl } : {}),
            ...(sender ? { senderName: sender } : {}),
            ...(reportToken ? { reportToken } : {}),
          },
          ["token", "reportToken"],
        );
  return { ...(smsapi ? { smsapi } : {}), ...(publicUrl ? { publicUrl } : {}) };
}

/**
 * BRIDGE_FRAME_ANCESTORS, HRDKIT_PAYMENT_URL and HRDKIT_FRAMES_SECRET, every bad one named at once
 * (the secret's value never repeated).
 */
export function loadFramesConfig(env: NodeJS.ProcessEnv): { frames: FramesConfig } {
  const problems: string[] = [];
  const ancestors = (env.BRIDGE_FRAME_ANCESTORS ?? "").split(/\s+/).filter(Boolean);
  for (const a of ancestors) {
    // Origins only: a path or a quote would break out of the CSP header's source list.
    if (a !== "'self'" && !/^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/i.test(a)) {
      problems.push(`BRIDGE_FRAME_ANCESTORS: "${a}" is not an origin like https://www.example.pl`);
    }
  }
  const paymentUrl = env.HRDKIT_PAYMENT_URL?.trim() || undefined;
  if (
    paymentUrl !== undefined &&
    (!/^https?:\/\/\S+$/.test(paymentUrl) || !paymentUrl.includes("{proforma}"))
  ) {
    problems.push(
      "HRDKIT_PAYMENT_URL must be an http(s) address with {proforma} (and optionally {amount}) in it, e.g. " +
        "https://pay.example.pl/?p={proforma}&a={amount}",
    );
  }
  const secret = env.HRDKIT_FRAMES_SECRET?.trim() || undefined;
  if (secret !== undefined && secret.length < 32) {
    problems.push(`HRDKIT_FRAMES_SECRET must be at least 32 characters (it has ${secret.length})`);
  }
  if (problems.length > 0) throw new Error(`bad frames settings: ${problems.join("; ")}`);
  const frames = redactWhenPrinted<FramesConfig>(
    { ancestors, ...(paymentUrl ? { paymentUrl } : {}), ...(secret ? { secret } : {}) },
    ["secret"],
  );
  return { frames };
}

/** The slowest HRDKIT_OFFER_RATE: the outbox's 8 claimed sends must go out well within its 5-minute claim. */
const MIN_OFFER_RATE = 0.1;
const MAX_OFFER_RATE = 1000;

/**
 * HRDKIT_UNSUBSCRIBE_SECRET and HRDKIT_OFFER_RATE, every bad one named at once; the secret's value
 * is never repeated in an error (only its length).
 */
export function loadOffersConfig(env: NodeJS.ProcessEnv): { offers?: OffersConfig } {
  const problems: string[] = [];
  const secret = env.HRDKIT_UNSUBSCRIBE_SECRET?.trim() || undefined;
  const rawRate = env.HRDKIT_OFFER_RATE?.trim() || undefined;
  if (secret !== undefined && secret.length < UNSUBSCRIBE_SECRET_MIN) {
    problems.push(
      `HRDKIT_UNSUBSCRIBE_SECRET must be at least ${UNSUBSCRIBE_SECRET_MIN} characters (it has ${secret.length}; ` +
        "e.g. `openssl rand -base64 32`)",
    );
  }
  let rate: number | undefined;
  if (rawRate !== undefined) {
    const n = /^\d+(\.\d+)?$/.test(rawRate) ? Number(rawRate) : Number.NaN;
    if (n >= MIN_OFFER_RATE && n <= MAX_OFFER_RATE) rate = n;
    else {
      problems.push(
        `HRDKIT_OFFER_RATE must be messages per second, ${MIN_OFFER_RATE} to ${MAX_OFFER_RATE} (e.g. 5), got "${rawRate}"`,
      );
    }
  }
  if (problems.length > 0) throw new Error(`bad offer settings: ${problems.join("; ")}`);
  if (secret === undefined && rate === undefined) return {};
  const offers = redactWhenPrinted<OffersConfig>(
    { ...(secret ? { unsubscribeSecret: secret } : {}), ...(rate ? { ratePerSecond: rate } : {}) },
    ["unsubscribeSecret"],
  );
  return { offers };
}

/** HRDKIT_KEY_CACHE_SECONDS → ms; a clear error for anything but a whole number of seconds. */
function keyCacheMs(text: string): number {
  if (!/^\d{1,6}$/.test(text.trim())) {
    throw new Error(
      `HRDKIT_KEY_CACHE_SECONDS must be a whole number of seconds (0 to turn the cache off), got "${text}"`,
    );
  }
  return Number(text.trim()) * 1000;
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
    keyCacheMs: env.HRDKIT_KEY_CACHE_SECONDS ? keyCacheMs(env.HRDKIT_KEY_CACHE_SECONDS) : undefined,
    mail: env.HRDKIT_SMTP_URL
      ? {
          smtp: parseSmtpUrl(env.HRDKIT_SMTP_URL),
          ...(env.HRDKIT_MAIL_FROM ? { from: mailFrom(env.HRDKIT_MAIL_FROM) } : {}),
        }
      : undefined,
    brandingDir: env.HRDKIT_BRANDING_DIR || undefined,
    jobs: loadJobsConfig(env),
    ...loadSmsapiConfig(env),
    ...loadOffersConfig(env),
    ...loadFramesConfig(env),
  };
}
