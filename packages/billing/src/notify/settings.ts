/**
 * The partner's notification settings: which notices go out on which channel, when reminders are
 * sent, the quiet hours the outbox worker keeps, and how notices are signed. Stored like the
 * other billing settings, as one JSON value in the `settings` table (key `notify`); only what the
 * partner changed is stored, so improving a default reaches everyone who kept it.
 *
 * Defaults, and why:
 * - e-mail on for every event (each has an e-mail template; it is the channel documents travel on);
 * - SMS on only where the customer must act soon or loses something: `renewal.reminder` and
 *   `certificate.expiring` (on the `reminderChannelDays.sms` days only: 7 and 1 days before),
 *   `domain.expired`, and `payment.partial` (the services wait until the rest is paid). Not for
 *   receipts (`payment.received`, `invoice.*`): an SMS costs money and says nothing the e-mail
 *   does not;
 * - phone calls off everywhere (each costs more than an SMS; a partner switches them on for the
 *   last reminder, `reminderChannelDays.phone` = 1 day before);
 * - reminders 30, 14, 7 and 1 days before expiry; quiet hours 21:00–08:00 Europe/Warsaw;
 * - SMS without Polish letters (GSM-7: 160 characters a part instead of 70);
 * - language pl; no panel address (notices need one: set it before the first notice).
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingValidationError, type FieldIssue } from "../errors.js";
import {
  isNoticeEvent,
  NOTICE_CATALOGUE,
  NOTICE_EVENTS,
  NOTICE_LANGUAGES,
  type NoticeEvent,
  type NoticeLanguage,
} from "./events.js";
import { NOTIFY_CHANNELS, type NotifyChannel } from "./ports.js";
import { DEFAULT_QUIET_HOURS, HHMM, isTimeZone, type QuietHours } from "./quiet-hours.js";

const KEY = "notify";

/** Which channels an event goes out on. */
export type ChannelSwitches = Partial<Record<NotifyChannel, boolean>>;

/**
 * Addresses in the customer panel, as patterns: `{panelUrl}` and the ids of the notice
 * (`{serviceId}`, `{proformaId}`, `{proformaNumber}`, `{invoiceId}`, `{invoiceNumber}`) are
 * filled in. Absent: the notice links to the panel itself (`renewUrl`) or has no such link.
 */
export interface NotifyLinks {
  /** `renewUrl` of reminders and expiry notices, e.g. `{panelUrl}/uslugi/{serviceId}/odnow`. */
  renew?: string;
  /** `manageUrl` of `service.activated`, e.g. `{panelUrl}/uslugi/{serviceId}`. */
  manage?: string;
  /** `paymentUrl` (online payment) of proformas, e.g. `{panelUrl}/platnosci/{proformaId}`. */
  payment?: string;
  /** `documentUrl` of invoices and corrections, e.g. `{panelUrl}/dokumenty/{invoiceId}`. */
  document?: string;
}

export const LINK_PLACEHOLDERS = [
  "panelUrl",
  "serviceId",
  "proformaId",
  "proformaNumber",
  "invoiceId",
  "invoiceNumber",
] as const;
export type LinkPlaceholder = (typeof LINK_PLACEHOLDERS)[number];

export interface NotifySettings {
  /** Per event, per channel: on or off. Every event and each of its channels is listed. */
  channels: Record<NoticeEvent, ChannelSwitches>;
  /** Days before expiry a renewal (and certificate) reminder is sent, descending. */
  renewalReminderDays: number[];
  /**
   * The reminder days on which SMS and phone go too (when switched on for the event); each one
   * of `renewalReminderDays`. E-mail goes on every reminder day.
   */
  reminderChannelDays: { sms: number[]; phone: number[] };
  /** SMS and calls wait for the morning; `false`: none. Passed to the outbox worker (`runOutbox`). */
  quietHours: Required<QuietHours> | false;
  /** The SMS sender name registered at SMSAPI (up to 11 letters and digits); null: the provider's default. */
  smsSender: string | null;
  /** Polish letters replaced in SMS (`zł` → `zl`): GSM-7, 160 characters a part instead of 70. */
  smsWithoutPolishLetters: boolean;
  /** The language new customers get (a customer's own `language` decides their notices). */
  defaultLanguage: NoticeLanguage;
  /** The customer panel's address (`panelUrl` of every template); null until set. */
  panelUrl: string | null;
  /** Sends e-mail from this address instead of the seller's (replies still go to the seller's). */
  mailFrom: { name: string | null; address: string } | null;
  links: NotifyLinks;
  updatedAt: Date | null;
  updatedBy: string | null;
}

/** A change: fields left out stay; `null` clears (smsSender, panelUrl, mailFrom, a link). */
export interface NotifySettingsPatch {
  /** `{ "payment.received": { sms: true } }`: only the named switches change. */
  channels?: Partial<Record<NoticeEvent, ChannelSwitches>>;
  renewalReminderDays?: number[];
  reminderChannelDays?: { sms?: number[]; phone?: number[] };
  quietHours?: QuietHours | false;
  smsSender?: string | null;
  smsWithoutPolishLetters?: boolean;
  defaultLanguage?: NoticeLanguage;
  panelUrl?: string | null;
  mailFrom?: { name?: string | null; address: string } | null;
  links?: { [K in keyof NotifyLinks]?: string | null };
}

const SMS_BY_DEFAULT: readonly NoticeEvent[] = [
  "renewal.reminder",
  "certificate.expiring",
  "domain.expired",
  "payment.partial",
];

/** Reminder events: their SMS and phone notices follow `reminderChannelDays`. */
export const REMINDER_EVENTS: readonly NoticeEvent[] = ["renewal.reminder", "certificate.expiring"];

function defaultChannels(): Record<NoticeEvent, ChannelSwitches> {
  const out = {} as Record<NoticeEvent, ChannelSwitches>;
  for (const event of NOTICE_EVENTS) {
    const switches: ChannelSwitches = {};
    for (const channel of NOTICE_CATALOGUE[event].channels) {
      switches[channel] = channel === "email" || (channel === "sms" && SMS_BY_DEFAULT.includes(event));
    }
    out[event] = switches;
  }
  return out;
}

export const DEFAULT_NOTIFY_SETTINGS: Readonly<Omit<NotifySettings, "updatedAt" | "updatedBy">> = {
  channels: defaultChannels(),
  renewalReminderDays: [30, 14, 7, 1],
  reminderChannelDays: { sms: [7, 1], phone: [1] },
  quietHours: { ...DEFAULT_QUIET_HOURS },
  smsSender: null,
  smsWithoutPolishLetters: true,
  defaultLanguage: "pl",
  panelUrl: null,
  mailFrom: null,
  links: {},
};

/** What is stored: the partner's changes only. */
type Stored = Partial<Omit<NotifySettings, "updatedAt" | "updatedBy">> & { updatedBy?: string };

// --- Validation -------------------------------------------------------------------------------------

const URL_PATTERN = /^https?:\/\/[^\s<>"{}]+$/i;
const httpUrl = z
  .string("must be text")
  .trim()
  .max(500)
  .regex(URL_PATTERN, "must be an http(s) address like https://panel.example.pl")
  .transform((v) => v.replace(/\/+$/, ""));

const linkPattern = z
  .string("must be text")
  .trim()
  .max(500)
  .superRefine((v, ctx) => {
    const names = [...v.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
    const unknown = names.filter((n) => !(LINK_PLACEHOLDERS as readonly string[]).includes(n));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `unknown placeholder ${unknown.map((n) => `{${n}}`).join(", ")} (known: ${LINK_PLACEHOLDERS.map((n) => `{${n}}`).join(", ")})`,
      });
      return;
    }
    const sample = v.replace(/\{panelUrl\}/g, "https://panel.example.pl").replace(/\{[^{}]*\}/g, "1");
    if (!URL_PATTERN.test(sample)) {
      ctx.addIssue({
        code: "custom",
        message: "must be an http(s) address, e.g. {panelUrl}/uslugi/{serviceId}",
      });
    }
  });

const days = z
  .array(
    z
      .number("must be a number of days")
      .int("must be a whole number of days")
      .min(0, "must be 0–365")
      .max(365, "must be 0–365"),
    "must be a list of days",
  )
  .max(12, "at most 12 reminder days")
  .refine((d) => new Set(d).size === d.length, "must not repeat a day");

const hhmm = z.string("must be HH:MM").regex(HHMM, "must be HH:MM, like 21:00");
const quietSchema = z.union([
  z.literal(false),
  z.strictObject({
    start: hhmm,
    end: hhmm,
    timeZone: z
      .string("must be a time zone")
      .refine(isTimeZone, "must be an IANA time zone, like Europe/Warsaw")
      .optional(),
  }),
]);

const patchSchema = z.strictObject({
  // Checked by hand (channelIssues): the event names contain dots, and every bad one is named.
  channels: z.record(z.string(), z.unknown(), "must be an object of events").optional(),
  renewalReminderDays: days.optional(),
  reminderChannelDays: z.strictObject({ sms: days.optional(), phone: days.optional() }).optional(),
  quietHours: quietSchema.optional(),
  smsSender: z
    .string("must be text")
    .trim()
    .regex(/^[A-Za-z0-9]{1,11}$/, "must be 1–11 letters and digits, as registered at SMSAPI (e.g. ZolwHost)")
    .nullable()
    .optional(),
  smsWithoutPolishLetters: z.boolean("must be true or false").optional(),
  defaultLanguage: z.enum(NOTICE_LANGUAGES, `must be one of ${NOTICE_LANGUAGES.join(", ")}`).optional(),
  panelUrl: httpUrl.nullable().optional(),
  mailFrom: z
    .strictObject({
      name: z
        .string("must be text")
        .trim()
        .min(1, "must not be empty")
        .max(200)
        .refine((v) => !/[\r\n]/.test(v), "must be one line")
        .nullable()
        .optional(),
      address: z.email("must be an e-mail address"),
    })
    .nullable()
    .optional(),
  links: z
    .strictObject({
      renew: linkPattern.nullable().optional(),
      manage: linkPattern.nullable().optional(),
      payment: linkPattern.nullable().optional(),
      document: linkPattern.nullable().optional(),
    })
    .optional(),
});

/** Every bad event or channel in `channels`, by name. */
function channelIssues(channels: Record<string, unknown>): {
  issues: FieldIssue[];
  parsed: Partial<Record<NoticeEvent, ChannelSwitches>>;
} {
  const issues: FieldIssue[] = [];
  const parsed: Partial<Record<NoticeEvent, ChannelSwitches>> = {};
  for (const [event, switches] of Object.entries(channels)) {
    const path = `channels.${event}`;
    if (!isNoticeEvent(event)) {
      issues.push({ path, message: `unknown event (known: ${NOTICE_EVENTS.join(", ")})` });
      continue;
    }
    if (typeof switches !== "object" || switches === null || Array.isArray(switches)) {
      issues.push({ path, message: "must be an object like { email: true, sms: false }" });
      continue;
    }
    const allowed = NOTICE_CATALOGUE[event].channels;
    const out: ChannelSwitches = {};
    for (const [channel, on] of Object.entries(switches)) {
      if (!(NOTIFY_CHANNELS as readonly string[]).includes(channel)) {
        issues.push({
          path: `${path}.${channel}`,
          message: `unknown channel (known: ${NOTIFY_CHANNELS.join(", ")})`,
        });
      } else if (!allowed.includes(channel as NotifyChannel)) {
        issues.push({
          path: `${path}.${channel}`,
          message: `${event} has no ${channel} template (its channels: ${allowed.join(", ")})`,
        });
      } else if (typeof on !== "boolean") {
        issues.push({ path: `${path}.${channel}`, message: "must be true or false" });
      } else {
        out[channel as NotifyChannel] = on;
      }
    }
    parsed[event] = out;
  }
  return { issues, parsed };
}

const descending = (d: readonly number[]) => [...d].sort((a, b) => b - a);

// --- Reading and writing ---------------------------------------------------------------------------------

async function readStored(db: Db, lock = ""): Promise<{ value: Stored; updatedAt: Date | null }> {
  const { rows } = await db.query<{ value: Stored | string; updated_at: Date }>(
    `SELECT value, updated_at FROM settings WHERE key = $1 ${lock}`,
    [KEY],
  );
  const r = rows[0];
  if (!r) return { value: {}, updatedAt: null };
  return {
    value: typeof r.value === "string" ? (JSON.parse(r.value) as Stored) : r.value,
    updatedAt: r.updated_at,
  };
}

function resolve(stored: Stored, updatedAt: Date | null): NotifySettings {
  const d = DEFAULT_NOTIFY_SETTINGS;
  const channels = defaultChannels();
  for (const event of NOTICE_EVENTS) {
    // Only channels the event still has: a stored switch for a channel a release removed is ignored.
    for (const channel of NOTICE_CATALOGUE[event].channels) {
      const on = stored.channels?.[event]?.[channel];
      if (typeof on === "boolean") channels[event][channel] = on;
    }
  }
  return {
    channels,
    renewalReminderDays: stored.renewalReminderDays ?? [...d.renewalReminderDays],
    reminderChannelDays: {
      sms: stored.reminderChannelDays?.sms ?? [...d.reminderChannelDays.sms],
      phone: stored.reminderChannelDays?.phone ?? [...d.reminderChannelDays.phone],
    },
    quietHours:
      stored.quietHours === undefined
        ? { ...DEFAULT_QUIET_HOURS }
        : stored.quietHours === false
          ? false
          : { ...DEFAULT_QUIET_HOURS, ...stored.quietHours },
    smsSender: stored.smsSender ?? null,
    smsWithoutPolishLetters: stored.smsWithoutPolishLetters ?? d.smsWithoutPolishLetters,
    defaultLanguage: stored.defaultLanguage ?? d.defaultLanguage,
    panelUrl: stored.panelUrl ?? null,
    mailFrom: stored.mailFrom ?? null,
    links: { ...stored.links },
    updatedAt,
    updatedBy: stored.updatedBy ?? null,
  };
}

/** The notification settings in force: the partner's changes over the defaults. */
export async function getNotifySettings(db: Db): Promise<NotifySettings> {
  const { value, updatedAt } = await readStored(db);
  return resolve(value, updatedAt);
}

/** The language a new customer gets when none is given (the settings' `defaultLanguage`). */
export async function defaultCustomerLanguage(db: Db): Promise<NoticeLanguage> {
  const { value } = await readStored(db);
  return value.defaultLanguage ?? DEFAULT_NOTIFY_SETTINGS.defaultLanguage;
}

/**
 * Changes some settings. Refused (BillingValidationError naming every bad field — an unknown
 * event, a channel the event has no template for, a bad day or hour, an SMS sender SMSAPI would
 * refuse) before anything is written. `actor` is kept as `updatedBy`.
 */
export async function setNotifySettings(
  db: Db,
  patch: NotifySettingsPatch,
  actor: string,
): Promise<NotifySettings> {
  const issues: FieldIssue[] = [];
  const r = patchSchema.safeParse(patch);
  if (!r.success) {
    for (const i of r.error.issues) issues.push({ path: i.path.map(String).join("."), message: i.message });
  }
  const who = z.string("must be text").trim().min(1, "is required").max(200).safeParse(actor);
  if (!who.success) issues.push({ path: "actor", message: who.error.issues[0]!.message });
  const rawChannels = (patch as { channels?: unknown } | null)?.channels;
  const channels =
    typeof rawChannels === "object" && rawChannels !== null && !Array.isArray(rawChannels)
      ? channelIssues(rawChannels as Record<string, unknown>)
      : { issues: [], parsed: {} };
  issues.push(...channels.issues);
  if (issues.length > 0 || !r.success || !who.success)
    throw new BillingValidationError("setNotifySettings", issues);
  const p = r.data;

  return db.transaction(async (tx) => {
    // The row first, so the read below can lock it: two changes at once apply one after the other.
    await tx.query(
      "INSERT INTO settings (key, value, updated_at) VALUES ($1, '{}'::jsonb, now()) ON CONFLICT (key) DO NOTHING",
      [KEY],
    );
    const { value: current } = await readStored(tx, "FOR UPDATE");
    const next: Stored = { ...current };
    if (p.channels !== undefined) {
      const merged: Partial<Record<NoticeEvent, ChannelSwitches>> = { ...current.channels };
      for (const [event, switches] of Object.entries(channels.parsed) as [NoticeEvent, ChannelSwitches][]) {
        merged[event] = { ...merged[event], ...switches };
      }
      next.channels = merged as Record<NoticeEvent, ChannelSwitches>;
    }
    if (p.renewalReminderDays !== undefined) next.renewalReminderDays = descending(p.renewalReminderDays);
    if (p.reminderChannelDays !== undefined) {
      const { sms, phone } = p.reminderChannelDays;
      const before = resolve(current, null).reminderChannelDays;
      next.reminderChannelDays = {
        sms: sms ? descending(sms) : before.sms,
        phone: phone ? descending(phone) : before.phone,
      };
    }
    if (p.quietHours !== undefined) {
      next.quietHours =
        p.quietHours === false
          ? false
          : {
              start: p.quietHours.start,
              end: p.quietHours.end,
              timeZone: p.quietHours.timeZone ?? DEFAULT_QUIET_HOURS.timeZone,
            };
    }
    if (p.smsSender !== undefined) next.smsSender = p.smsSender;
    if (p.smsWithoutPolishLetters !== undefined) next.smsWithoutPolishLetters = p.smsWithoutPolishLetters;
    if (p.defaultLanguage !== undefined) next.defaultLanguage = p.defaultLanguage;
    if (p.panelUrl !== undefined) next.panelUrl = p.panelUrl;
    if (p.mailFrom !== undefined) {
      next.mailFrom =
        p.mailFrom === null ? null : { name: p.mailFrom.name ?? null, address: p.mailFrom.address };
    }
    if (p.links !== undefined) {
      const links: NotifyLinks = { ...current.links };
      for (const [name, pattern] of Object.entries(p.links) as [
        keyof NotifyLinks,
        string | null | undefined,
      ][]) {
        if (pattern === null) delete links[name];
        else if (pattern !== undefined) links[name] = pattern;
      }
      next.links = links;
    }

    // The rule between fields, on the settings as they will be.
    const after = resolve(next, null);
    const reminderDays = new Set(after.renewalReminderDays);
    const ruleIssues: FieldIssue[] = [];
    for (const channel of ["sms", "phone"] as const) {
      const stray = after.reminderChannelDays[channel].filter((d) => !reminderDays.has(d));
      if (stray.length > 0) {
        ruleIssues.push({
          path: `reminderChannelDays.${channel}`,
          message: `${stray.join(", ")} ${stray.length === 1 ? "is not a reminder day" : "are not reminder days"} (renewalReminderDays: ${after.renewalReminderDays.join(", ") || "none"})`,
        });
      }
    }
    if (ruleIssues.length > 0) throw new BillingValidationError("setNotifySettings", ruleIssues);

    next.updatedBy = who.data;
    const { rows } = await tx.query<{ updated_at: Date }>(
      "UPDATE settings SET value = $2, updated_at = now() WHERE key = $1 RETURNING updated_at",
      [KEY, JSON.stringify(next)],
    );
    return resolve(next, rows[0]!.updated_at);
  });
}

/** Whether `channel` is switched on for `event`. */
export function channelOn(settings: NotifySettings, event: NoticeEvent, channel: NotifyChannel): boolean {
  return settings.channels[event]?.[channel] === true;
}

/** A link pattern with its placeholders filled, or undefined when the pattern or a value is missing. */
export function fillLink(
  pattern: string | undefined,
  values: Partial<Record<LinkPlaceholder, string | number>>,
): string | undefined {
  if (pattern === undefined) return undefined;
  let missing = false;
  const url = pattern.replace(/\{([^{}]*)\}/g, (_, name: string) => {
    const v = values[name as LinkPlaceholder];
    if (v === undefined) {
      missing = true;
      return "";
    }
    // The panel address is a URL already; ids and numbers (PRO/2026/03/41) go in as path segments.
    return name === "panelUrl" ? String(v) : encodeURIComponent(String(v));
  });
  return missing ? undefined : url;
}
