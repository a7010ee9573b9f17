/**
 * The notification outbox's worker as a background job, and the channels it sends through, built
 * from the bridge's settings. Every few seconds billing's `runOutbox` recovers cut-off sends and
 * sends what is due. Safe on many instances: the job's lease (bridge_jobs) keeps one instance on
 * it at a time, and the outbox's own per-notice leases keep sends exclusive even if two runs ever
 * overlap (a lease that expired under a stalled instance).
 */
import {
  type EmailPort,
  getNotifySettings,
  NOTIFY_CHANNELS,
  type NotifyChannel,
  type NotifyPorts,
  runOutbox,
  SMSAPI_PL_URL,
  type SmtpEmailPort,
  smsapiChannels,
  smtpEmailPort,
} from "@hrdkit/billing";
import type { BridgeConfig } from "../config.js";
import type { BridgeJob } from "./runner.js";

/** Where SMSAPI's delivery reports arrive, followed by the secret token (see routes/notify-reports.ts). */
export const SMSAPI_REPORT_PATH = "/v1/notifications/smsapi/reports";

/**
 * nodemailer waits up to 10 minutes on a silent socket by default; the outbox treats a send that
 * outlives its 5-minute claim as cut off, so the SMTP conversation must give up well before.
 */
const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 120_000 };

export interface NotifySetup {
  ports: NotifyPorts;
  smsapiReportToken?: string;
  /** HRDKIT_PUBLIC_URL: offers' unsubscribe links point at `<publicUrl>/unsubscribe`. */
  publicUrl?: string;
  /** HRDKIT_UNSUBSCRIBE_SECRET: signs and checks the unsubscribe links. */
  unsubscribeSecret?: string;
  /** HRDKIT_OFFER_RATE: messages per second the worker sends at most, on e-mail and on SMS each. */
  offerRatePerSecond?: number;
  /** Releases what the ports hold (the SMTP transporter). */
  close(): void;
}

/**
 * HRDKIT_MAIL_FROM replaces the From address of every notice, as it does for invoices (an SMTP
 * relay sends only from the address it verified); the display name stays the seller's, and
 * replies still reach the address the notice was made with.
 */
function withFrom(port: SmtpEmailPort, from: string): EmailPort {
  return {
    channel: "email",
    send(notice) {
      if (notice.from.address === from) return port.send(notice);
      return port.send({
        ...notice,
        from: { ...notice.from, address: from },
        replyTo: notice.replyTo ?? notice.from.address,
      });
    },
  };
}

/**
 * The outbox's channels for these settings: e-mail when HRDKIT_SMTP_URL is set, SMS and voice
 * when HRDKIT_SMSAPI_TOKEN is. With HRDKIT_PUBLIC_URL and HRDKIT_SMSAPI_REPORT_TOKEN, every SMS
 * and voice message asks SMSAPI to report delivery to the bridge's report route.
 */
export function notifySetup(
  config: Pick<BridgeConfig, "mail" | "smsapi" | "publicUrl" | "offers">,
): NotifySetup {
  const ports: NotifyPorts = {};
  let smtp: SmtpEmailPort | undefined;
  if (config.mail) {
    smtp = smtpEmailPort({ ...SMTP_TIMEOUTS, ...config.mail.smtp });
    ports.email = config.mail.from ? withFrom(smtp, config.mail.from) : smtp;
  }
  const s = config.smsapi;
  if (s) {
    const notifyUrl =
      config.publicUrl && s.reportToken
        ? `${config.publicUrl}${SMSAPI_REPORT_PATH}/${s.reportToken}`
        : undefined;
    const { sms, phone } = smsapiChannels({
      token: s.token,
      baseUrl: s.baseUrl ?? SMSAPI_PL_URL,
      ...(s.senderName ? { senderName: s.senderName } : {}),
      ...(notifyUrl ? { notifyUrl } : {}),
    });
    ports.sms = sms;
    ports.phone = phone;
  }
  const offers = config.offers;
  const setup: NotifySetup = {
    ports,
    ...(s?.reportToken ? { smsapiReportToken: s.reportToken } : {}),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    ...(offers?.unsubscribeSecret ? { unsubscribeSecret: offers.unsubscribeSecret } : {}),
    ...(offers?.ratePerSecond ? { offerRatePerSecond: offers.ratePerSecond } : {}),
    close: () => smtp?.close(),
  };
  // Whatever prints the context (a debug dump) shows that a secret is set, never the secret.
  const shown = () => ({
    ports: Object.keys(ports),
    smsapiReportToken: s?.reportToken ? "[redacted]" : undefined,
    publicUrl: config.publicUrl,
    unsubscribeSecret: offers?.unsubscribeSecret ? "[redacted]" : undefined,
    offerRatePerSecond: offers?.ratePerSecond,
  });
  Object.defineProperty(setup, "toJSON", { value: shown });
  Object.defineProperty(setup, Symbol.for("nodejs.util.inspect.custom"), { value: shown });
  return setup;
}

/**
 * Why a channel has no port, naming the variable that sets it up: a notice of that channel fails at
 * its first attempt with this reason (listed, resendable once the variable is set), instead of
 * being retried for hours by a worker that has nothing to send it with.
 */
export const NOT_SET_UP: Readonly<Record<NotifyChannel, string>> = {
  email: "e-mail is not set up (HRDKIT_SMTP_URL)",
  sms: "SMS is not set up (HRDKIT_SMSAPI_TOKEN)",
  phone: "voice calls are not set up (HRDKIT_SMSAPI_TOKEN)",
};

/**
 * Sends due notices every 5 seconds. Without a context's `notify` nothing is sendable, and the
 * worker fails due notices saying which channel is not set up (NOT_SET_UP).
 *
 * HRDKIT_OFFER_RATE paces e-mail and SMS (the channels offers go by), each on its own. The
 * worker's rate is per channel, not per kind of notice: while an offer to every customer drains,
 * an invoice e-mail waits its turn in the same pace. That is the point: the relay's or SMSAPI's
 * limit is on the channel, whatever the message is.
 */
export const notifyOutboxJob: BridgeJob = {
  name: "notifications",
  intervalMs: 5_000,
  retryMs: 15_000,
  async run(ctx, info) {
    const rate = ctx.notify?.offerRatePerSecond;
    // The partner's quiet hours (notification settings; false: none), read once per run: a change
    // applies from the next run on.
    const { quietHours } = await getNotifySettings(ctx.db);
    const ports = ctx.notify?.ports ?? {};
    const notSetUp = Object.fromEntries(
      NOTIFY_CHANNELS.filter((c) => !ports[c]).map((c) => [c, NOT_SET_UP[c]]),
    );
    return {
      ...(await runOutbox(ctx.db, ports, {
        now: info.now,
        signal: info.signal,
        quietHours,
        notSetUp,
        ...(rate ? { ratePerSecond: { email: rate, sms: rate } } : {}),
      })),
    };
  },
};
