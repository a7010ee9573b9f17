/**
 * The partner's notification settings over HTTP: which notices go out on which channel, the
 * reminder days, quiet hours, the SMS sender, the panel's address and its links. A PATCH changes
 * only what it names; billing checks the result whole and refuses with every bad field at once
 * (an unknown event, a channel the event has no template for, a day that is not a reminder day).
 */
import {
  getNotifySettings,
  NOTICE_LANGUAGES,
  type NotifySettings,
  type NotifySettingsPatch,
  setNotifySettings,
} from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { errorBody } from "./billing-schemas.js";
import { noticeChannel } from "./notify-templates.js";

const TAGS = ["notifications"];

const channelSwitches = z
  .partialRecord(noticeChannel, z.boolean())
  .describe("Per channel (email, sms, phone): on or off");
const days = z.array(z.number().int()).describe("Days before expiry, e.g. [30, 14, 7, 1]");
const quietHours = z.object({
  start: z.string().describe("HH:MM, e.g. 21:00"),
  end: z.string().describe("HH:MM, e.g. 08:00"),
  timeZone: z.string().describe("IANA time zone, e.g. Europe/Warsaw"),
});
const linkFields = {
  renew: "`renewUrl` of reminders and expiry notices, e.g. `{panelUrl}/uslugi/{serviceId}/odnow`",
  manage: "`manageUrl` of `service.activated`, e.g. `{panelUrl}/uslugi/{serviceId}`",
  payment: "`paymentUrl` of proformas, e.g. `{panelUrl}/platnosci/{proformaId}`",
  document: "`documentUrl` of invoices and corrections, e.g. `{panelUrl}/dokumenty/{invoiceId}`",
} as const;

const settingsOut = z
  .object({
    channels: z
      .record(z.string(), channelSwitches)
      .describe("Every event (`renewal.reminder`, …) with each of its channels"),
    renewalReminderDays: days,
    reminderChannelDays: z
      .object({ sms: days, phone: days })
      .describe("The reminder days on which SMS and phone go too (when on for the event)"),
    quietHours: z
      .union([quietHours, z.literal(false)])
      .describe("SMS and calls wait for the morning; false: never"),
    smsSender: z.string().nullable().describe("The sender name registered at SMSAPI; null: its default"),
    smsWithoutPolishLetters: z.boolean().describe("GSM-7: 160 characters a part instead of 70"),
    defaultLanguage: z.enum(NOTICE_LANGUAGES),
    panelUrl: z.string().nullable().describe("The customer panel (`panelUrl` of every template)"),
    mailFrom: z
      .object({ name: z.string().nullable(), address: z.string() })
      .nullable()
      .describe("Sends e-mail from this address instead of the seller's"),
    links: z
      .object({
        renew: z.string().optional().describe(linkFields.renew),
        manage: z.string().optional().describe(linkFields.manage),
        payment: z.string().optional().describe(linkFields.payment),
        document: z.string().optional().describe(linkFields.document),
      })
      .describe("Addresses in the panel, as patterns ({panelUrl}, {serviceId}, {proformaId}, …)"),
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: "NotifySettings", description: "The notification settings in force (defaults included)" });

// Types only, every field optional: billing checks formats and the rules between fields, and
// names every bad one at once. Strict: a misspelt field is a 400, never silently ignored.
const patchBody = z
  .strictObject({
    channels: z
      .record(z.string(), z.record(z.string(), z.boolean()))
      .optional()
      .describe('Only the named switches change: `{ "payment.received": { "sms": true } }`'),
    renewalReminderDays: days.optional(),
    reminderChannelDays: z.strictObject({ sms: days.optional(), phone: days.optional() }).optional(),
    quietHours: z
      .union([
        z.literal(false),
        z.strictObject({ start: z.string(), end: z.string(), timeZone: z.string().optional() }),
      ])
      .optional(),
    smsSender: z.string().nullable().optional().describe("1–11 letters and digits; null: SMSAPI's default"),
    smsWithoutPolishLetters: z.boolean().optional(),
    defaultLanguage: z.enum(NOTICE_LANGUAGES).optional(),
    panelUrl: z.string().nullable().optional(),
    mailFrom: z
      .strictObject({ name: z.string().nullable().optional(), address: z.string() })
      .nullable()
      .optional(),
    links: z
      .strictObject({
        renew: z.string().nullable().optional(),
        manage: z.string().nullable().optional(),
        payment: z.string().nullable().optional(),
        document: z.string().nullable().optional(),
      })
      .optional()
      .describe("null drops a link"),
    actor: z.string().optional().describe("Who changed them (kept as updatedBy); default `api-key:<key id>`"),
  })
  .meta({
    id: "NotifySettingsPatch",
    description: "A change to the notification settings: fields left out stay, null clears",
  });

function settingsJson(s: NotifySettings): z.input<typeof settingsOut> {
  return {
    channels: s.channels,
    renewalReminderDays: s.renewalReminderDays,
    reminderChannelDays: s.reminderChannelDays,
    quietHours: s.quietHours,
    smsSender: s.smsSender,
    smsWithoutPolishLetters: s.smsWithoutPolishLetters,
    defaultLanguage: s.defaultLanguage,
    panelUrl: s.panelUrl,
    mailFrom: s.mailFrom,
    links: s.links,
    updatedAt: s.updatedAt ? new Date(s.updatedAt).toISOString() : null,
    updatedBy: s.updatedBy,
  };
}

export function notifySettingsRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/v1/notifications/settings",
    {
      schema: {
        operationId: "getNotifySettings",
        summary: "The notification settings in force",
        description:
          "Which notices go out on which channel (every event with each of its channels), the reminder days and " +
          "the days SMS and calls go too, quiet hours, the SMS sender, the default language, the customer " +
          "panel's address and its links, the e-mail sender: the partner's changes over the defaults.",
        tags: TAGS,
        response: { 200: settingsOut, 401: errorBody },
      },
    },
    async () => settingsJson(await getNotifySettings(ctx.db)),
  );

  r.patch(
    "/v1/notifications/settings",
    {
      config: { audit: "notify.settings.update" },
      schema: {
        operationId: "updateNotifySettings",
        summary: "Change some notification settings",
        description:
          "Changes only the fields given (`channels`: only the switches named); `null` clears smsSender, " +
          "panelUrl, mailFrom or a link. Checked whole before anything is written: a 400 names every bad field " +
          "(an unknown event or channel, a channel the event has no template for, a bad day or hour, an SMS " +
          "sender SMSAPI would refuse, an SMS or phone day that is not a reminder day). Applying the same " +
          "change twice changes nothing but the time, so no Idempotency-Key.",
        tags: TAGS,
        body: patchBody,
        response: { 200: settingsOut, 400: errorBody, 401: errorBody },
      },
    },
    async (req) => {
      const { actor, ...patch } = req.body;
      // The shapes match billing's; billing checks the values (events, channels, formats).
      const saved = await setNotifySettings(
        ctx.db,
        patch as NotifySettingsPatch,
        actor ?? `api-key:${req.keyId}`,
      );
      return settingsJson(saved);
    },
  );
}
