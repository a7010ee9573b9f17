/**
 * From "this customer should hear about this" to stored notices: the settings decide the
 * channels, the customer's language the templates, the seller's data the signature and frame.
 * Each notice is rendered completely (layout, logo, attachments, SMS alphabet) and stored in the
 * outbox; the worker sends it later. A customer without an e-mail address or a usable phone still
 * gets a notice on that channel, stored `unsendable` with the reason, so the partner sees who
 * missed what instead of nobody noticing.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { getSellerSettings } from "../documents/settings.js";
import { BillingConflictError, BillingNotFoundError } from "../errors.js";
import { parseInput } from "../validate.js";
import { layoutEmail, type NoticeBranding } from "./email-layout.js";
import { NOTICE_CATALOGUE, NOTICE_EVENTS, type NoticeEvent, type NoticeLanguage } from "./events.js";
import type { Notice } from "./notice.js";
import { type EnqueueNoticeInput, enqueueNotice } from "./outbox.js";
import { normalizePhone } from "./phone.js";
import type { EmailAttachment, NotifyChannel } from "./ports.js";
import { channelOn, getNotifySettings, type NotifySettings, REMINDER_EVENTS } from "./settings.js";
import { toGsm7 } from "./sms-text.js";
import { renderNotice } from "./templates.js";

export interface NotifyCustomerInput {
  event: NoticeEvent;
  customerId: number;
  /**
   * The event's own variables (see NOTICE_CATALOGUE), preformatted. `customerName` comes from
   * the customer, `sellerName`/`sellerEmail`/`sellerPhone` from the seller's settings and
   * `panelUrl` from the notification settings, unless given here.
   */
  variables: Record<string, unknown>;
  /** The same key again (on the same channel) finds the notice stored before: no second notice. */
  dedupeKey: string;
  /** E-mail only (a proforma's PDF, …). */
  attachments?: EmailAttachment[];
  /** Not sent before this moment (default: now). */
  at?: Date;
}

export interface NotifyCustomerOptions {
  /** The clock for the stored notices (default: the system clock). */
  now?: Date;
  /** Overrides of the frame: a banner, another seller view, another panel address. */
  branding?: Partial<NoticeBranding>;
  /** Settings already read (getNotifySettings), to save a read per notice in a run. */
  settings?: NotifySettings;
}

export interface DispatchedNotice {
  channel: NotifyChannel;
  notice: Notice;
  /** False: the dedupe key found this notice stored before, nothing new was stored. */
  created: boolean;
}

export interface SkippedChannel {
  channel: NotifyChannel;
  reason: string;
}

export interface NotifyResult {
  event: NoticeEvent;
  customerId: number;
  /** One per channel switched on for the event, in the order e-mail, SMS, phone; empty when none is. */
  notices: DispatchedNotice[];
  /** The event's channels that got no notice, and why (switched off, not on this reminder day). */
  skipped: SkippedChannel[];
}

const attachmentSchema = z.object({
  filename: z.string().min(1).max(255),
  content: z.instanceof(Buffer, { message: "must be a Buffer" }),
  contentType: z.string().min(3),
  cid: z.string().min(1).optional(),
});

const inputSchema = z.object({
  event: z.enum(NOTICE_EVENTS, "must be a notice event"),
  customerId: z.number("must be an id").int().positive(),
  variables: z.record(z.string(), z.unknown(), "must be an object of the event's variables"),
  dedupeKey: z.string("must be text").min(1, "is required").max(400),
  attachments: z.array(attachmentSchema).max(20).optional(),
  at: z.date("must be a Date").optional(),
});

interface CustomerContact {
  name: string;
  email: string | null;
  mobile_phone: string | null;
  landline_phone: string | null;
  language: NoticeLanguage;
}

async function readContact(db: Db, customerId: number): Promise<CustomerContact> {
  const { rows } = await db.query<CustomerContact>(
    "SELECT name, email, mobile_phone, landline_phone, language FROM customers WHERE id = $1",
    [customerId],
  );
  if (!rows[0]) throw new BillingNotFoundError(`customer ${customerId}`);
  return rows[0];
}

/**
 * A phone the outbox can send to: E.164 when the number normalises, else the number as stored
 * (or null), which the outbox records as `unsendable` with the reason.
 */
function phoneRecipient(raw: string | null): string | null {
  if (raw === null || raw.trim() === "") return null;
  const n = normalizePhone(raw);
  return "e164" in n ? n.e164 : raw;
}

const CHANNEL_WORD: Record<NotifyChannel, string> = { email: "e-mail", sms: "SMS", phone: "a phone call" };

/** Why `channel` gets no notice of this event now, or null when it does. */
function skipReason(
  settings: NotifySettings,
  event: NoticeEvent,
  channel: NotifyChannel,
  variables: Record<string, unknown>,
): string | null {
  if (!channelOn(settings, event, channel)) return `${CHANNEL_WORD[channel]} is switched off for ${event}`;
  if (channel !== "email" && REMINDER_EVENTS.includes(event)) {
    const days = settings.reminderChannelDays[channel];
    const left = variables.daysLeft;
    if (typeof left === "number" && !days.includes(left)) {
      return `${CHANNEL_WORD[channel]} goes only ${days.length > 0 ? `${days.join(", ")} days before expiry` : "on no reminder day"} (reminderChannelDays.${channel}), not ${left}`;
    }
  }
  return null;
}

/**
 * Renders and stores the notices of one event for one customer, on each channel the settings
 * switch on for it (SMS and calls of reminders only on their `reminderChannelDays`). Nothing is
 * sent here: `runOutbox` sends. Safe to call again with the same `dedupeKey`: the notices stored
 * the first time are returned (`created: false`).
 *
 * Refused: a bad call (BillingValidationError, also for variables the event does not have or
 * lacks), an unknown customer (BillingNotFoundError), a channel switched on while the seller's
 * data (`no_seller`) or the panel address (`no_panel_url`) is not set (BillingConflictError).
 */
export async function notifyCustomer(
  db: Db,
  input: NotifyCustomerInput,
  options: NotifyCustomerOptions = {},
): Promise<NotifyResult> {
  const v = parseInput("notifyCustomer", inputSchema, input);
  const settings = options.settings ?? (await getNotifySettings(db));
  const customer = await readContact(db, v.customerId);
  const result: NotifyResult = { event: v.event, customerId: v.customerId, notices: [], skipped: [] };

  const channels: NotifyChannel[] = [];
  for (const channel of NOTICE_CATALOGUE[v.event].channels) {
    const reason = skipReason(settings, v.event, channel, v.variables);
    if (reason) result.skipped.push({ channel, reason });
    else channels.push(channel);
  }
  if (channels.length === 0) return result;

  const seller = options.branding?.seller ?? (await getSellerSettings(db));
  const panelUrl = options.branding?.panelUrl ?? settings.panelUrl ?? undefined;
  if (!panelUrl) {
    throw new BillingConflictError(
      "the customer panel's address is not set (every notice links to it): setNotifySettings(db, { panelUrl: 'https://…' }, actor) first",
      "no_panel_url",
    );
  }
  const branding: NoticeBranding = {
    seller,
    panelUrl,
    ...(options.branding?.banner ? { banner: options.branding.banner } : {}),
  };
  const language = customer.language;
  const variables = { customerName: customer.name, ...v.variables };
  const base = {
    event: v.event,
    customerId: v.customerId,
    language,
    dedupeKey: v.dedupeKey,
    ...(v.at ? { notBefore: v.at } : {}),
  };

  // Everything rendered before anything is stored: a template that fails stores no half of the notices.
  const inputs: EnqueueNoticeInput[] = [];
  for (const channel of channels) {
    const rendered = await renderNotice(db, { event: v.event, channel, language, variables, branding });
    if (channel === "email") {
      const laid = await layoutEmail({
        subject: rendered.subject ?? "",
        html: rendered.html ?? "",
        text: rendered.text,
        language,
        branding,
      });
      const from = settings.mailFrom
        ? { name: settings.mailFrom.name ?? seller.name, address: settings.mailFrom.address }
        : { name: seller.name, address: seller.email };
      inputs.push({
        ...base,
        channel,
        to: customer.email,
        from,
        // A notice sent from another address (noreply@…) is answered to the seller.
        ...(from.address !== seller.email ? { replyTo: seller.email } : {}),
        subject: rendered.subject ?? "",
        html: laid.html,
        text: laid.text,
        attachments: [...(v.attachments ?? []), ...laid.attachments],
      });
    } else if (channel === "sms") {
      inputs.push({
        ...base,
        channel,
        to: phoneRecipient(customer.mobile_phone),
        ...(settings.smsSender ? { from: settings.smsSender } : {}),
        text: settings.smsWithoutPolishLetters ? toGsm7(rendered.text) : rendered.text,
      });
    } else {
      // A call can reach a landline too; text-to-speech needs the Polish letters, so they stay.
      inputs.push({
        ...base,
        channel,
        to: phoneRecipient(customer.mobile_phone ?? customer.landline_phone),
        text: rendered.text,
      });
    }
  }

  const now = options.now ?? new Date();
  result.notices = await db.transaction(async (tx) => {
    const out: DispatchedNotice[] = [];
    for (const notice of inputs) {
      const { notice: stored, created } = await enqueueNotice(tx, notice, { now });
      out.push({ channel: notice.channel, notice: stored, created });
    }
    return out;
  });
  return result;
}
