/**
 * Notice templates over HTTP, for the partner's template editor: the catalogue of events with the
 * variables each may use, every template in force (built-in or the partner's), save, reset to the
 * default, and a preview with sample values. Billing checks a template when it is saved (syntax,
 * unknown variables and helpers, lengths, the fields of the channel) and names every bad field.
 */
import {
  BillingConflictError,
  BillingValidationError,
  getSellerSettings,
  getTemplate,
  listTemplates,
  NOTICE_CATALOGUE,
  NOTICE_EVENTS,
  NOTICE_LANGUAGES,
  type NoticeBranding,
  type NoticePreview,
  type NoticeTemplate,
  type NoticeVariable,
  type PreviewTarget,
  previewTemplate,
  resetTemplate,
  saveTemplate,
  TEMPLATE_HELPERS,
} from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { BridgeError } from "../errors.js";
import { errorBody } from "./billing-schemas.js";

const TAGS = ["notifications"];

export const noticeEvent = z.enum(NOTICE_EVENTS).describe("The kind of notice, e.g. `renewal.reminder`");
export const noticeChannel = z.enum(["email", "sms", "phone"]).describe("phone: a voice call read out");
const noticeLanguage = z.enum(NOTICE_LANGUAGES);
const templateSource = z.enum(["custom", "default"]);

const keyParams = z.object({ event: noticeEvent, channel: noticeChannel, language: noticeLanguage });

const templateOut = z
  .object({
    event: noticeEvent,
    channel: noticeChannel,
    language: noticeLanguage,
    subject: z.string().nullable().describe("E-mail only"),
    html: z.string().nullable().describe("E-mail only: the message's inner HTML (the layout adds the frame)"),
    text: z.string().describe("The plain-text e-mail, the SMS, or what a voice call reads out"),
    source: templateSource.describe("custom: the partner's version; default: the built-in one"),
    updatedAt: z.string().nullable().describe("When the partner's version was saved (null for a default)"),
    updatedBy: z.string().nullable(),
  })
  .meta({
    id: "NoticeTemplate",
    description: "The template in force for an event, channel and language (Handlebars syntax)",
  });

const saveBody = z
  .object({
    subject: z.string().nullable().optional().describe("E-mail: required; SMS and voice: leave out"),
    html: z.string().nullable().optional().describe("E-mail: required; SMS and voice: leave out"),
    text: z.string(),
    actor: z.string().optional().describe("Who edited it (kept as updatedBy); default `api-key:<key id>`"),
  })
  .meta({
    id: "SaveNoticeTemplate",
    description: "The partner's version of a template; every field may name only the event's variables",
  });

const previewBody = z
  .object({
    event: noticeEvent,
    channel: noticeChannel,
    language: noticeLanguage,
    template: z
      .object({
        subject: z.string().nullable().optional(),
        html: z.string().nullable().optional(),
        text: z.string(),
      })
      .optional()
      .describe("A template as typed in the editor (not saved); absent: the template in force is previewed"),
  })
  .meta({
    id: "PreviewNoticeTemplate",
    description: "What to preview: a key, and optionally an unsaved template",
  });

const previewOut = z
  .object({
    source: z.enum(["custom", "default", "unsaved"]),
    subject: z.string().nullable(),
    html: z.string().nullable().describe("E-mail: the inner HTML as rendered"),
    text: z.string(),
    sms: z
      .object({
        encoding: z.enum(["gsm-7", "ucs-2"]).describe("ucs-2 once any character (ą, ł, …) is outside GSM-7"),
        units: z.number().int().describe("Length as the encoding counts it"),
        parts: z.number().int().describe("Parts the SMS is split into and billed as"),
      })
      .nullable()
      .describe("SMS only: how operators will count it"),
  })
  .meta({ id: "NoticePreview", description: "A template rendered with the event's sample values" });

const sampleOut = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
]);
const words = z.object({ pl: z.string(), en: z.string() });
const variableFields = {
  name: z.string().describe("As templates write it: `{{customerName}}`"),
  type: z.enum(["text", "money", "date", "url", "integer", "boolean", "list"]),
  required: z.boolean().describe("False: may be absent (renders empty; test it with {{#if}})"),
  description: words,
  sample: sampleOut.describe("A realistic value; previews use it"),
  values: z.array(z.string()).optional().describe("text only: the values it can take"),
  fromBranding: z
    .enum(["sellerName", "sellerEmail", "sellerPhone", "panelUrl"])
    .optional()
    .describe("Filled from the seller's settings when the caller gives none"),
};
const variableOut = z
  .object({
    ...variableFields,
    fields: z
      .array(z.object(variableFields))
      .optional()
      .describe("list only: the fields of each item, for {{#each}}"),
  })
  .meta({ id: "NoticeVariable", description: "A variable templates of an event may name" });
const eventOut = z
  .object({
    event: noticeEvent,
    description: words,
    channels: z.array(noticeChannel).describe("The channels it is sent on: templates exist for these only"),
    marketing: z.boolean().describe("Sent only to customers who consented, with a way to unsubscribe"),
    variables: z.array(variableOut).describe("Common variables first, then the event's own"),
  })
  .meta({ id: "NoticeEventSpec", description: "A kind of notice, its channels and its variables" });

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

const templateJson = (t: NoticeTemplate): z.input<typeof templateOut> => ({
  event: t.event,
  channel: t.channel,
  language: t.language,
  subject: t.subject ?? null,
  html: t.html ?? null,
  text: t.text,
  source: t.source,
  updatedAt: iso(t.updatedAt),
  updatedBy: t.updatedBy ?? null,
});

const previewJson = (p: NoticePreview): z.input<typeof previewOut> => ({
  source: p.source,
  subject: p.subject ?? null,
  html: p.html ?? null,
  text: p.text,
  sms: p.sms ?? null,
});

function variableJson(v: NoticeVariable): z.input<typeof variableOut> {
  return {
    name: v.name,
    type: v.type,
    required: v.required,
    description: v.description,
    sample: v.sample as z.input<typeof sampleOut>,
    ...(v.values ? { values: [...v.values] } : {}),
    ...(v.fromBranding ? { fromBranding: v.fromBranding } : {}),
    ...(v.fields ? { fields: v.fields.map(variableJson) } : {}),
  };
}

/** The seller's own name, contact and colour for previews; the samples when none is set yet. */
async function previewBranding(ctx: BridgeContext): Promise<NoticeBranding | undefined> {
  try {
    return { seller: await getSellerSettings(ctx.db) };
  } catch (err) {
    if (err instanceof BillingConflictError && err.code === "no_seller") return undefined;
    throw err;
  }
}

/**
 * Billing names a template's fields as `text`, `html`, `subject`; in the preview body they sit
 * under `template`, and the editor highlights what the path says.
 */
function underTemplate(err: unknown): never {
  if (err instanceof BillingValidationError) {
    const issues = err.issues.map((i) =>
      /^(subject|html|text)\b/.test(i.path) ? { ...i, path: `template.${i.path}` } : i,
    );
    throw new BridgeError(
      400,
      "invalid",
      `invalid template: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      false,
      issues,
    );
  }
  throw err;
}

export function notifyTemplateRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/v1/notifications/events",
    {
      schema: {
        operationId: "listNoticeEvents",
        summary: "The kinds of notice, with their channels and variables",
        description:
          "The catalogue a template editor is built from: every kind of notice (event), the channels it is sent " +
          "on, whether it is marketing, and the variables its templates may name (type, required, a description " +
          "in Polish and English, a sample value), plus the helpers templates may use (`{{#if}}`, `{{plural}}`, …).",
        tags: TAGS,
        response: {
          200: z
            .object({
              events: z.array(eventOut),
              languages: z.array(noticeLanguage),
              helpers: z.array(
                z.object({
                  name: z.string(),
                  block: z.boolean().describe("Used as {{#name}}…{{/name}}"),
                  description: z.string(),
                }),
              ),
            })
            .meta({
              id: "NoticeEventCatalogue",
              description: "Every kind of notice and what templates may use",
            }),
          401: errorBody,
        },
      },
    },
    async () => ({
      events: NOTICE_EVENTS.map((event) => {
        const spec = NOTICE_CATALOGUE[event];
        return {
          event,
          description: spec.description,
          channels: [...spec.channels],
          marketing: spec.marketing,
          variables: spec.variables.map(variableJson),
        };
      }),
      languages: [...NOTICE_LANGUAGES],
      helpers: Object.entries(TEMPLATE_HELPERS).map(([name, h]) => ({
        name,
        block: h.block,
        description: h.description,
      })),
    }),
  );

  r.get(
    "/v1/notifications/templates",
    {
      schema: {
        operationId: "listNoticeTemplates",
        summary: "Every notice template in force",
        description:
          "Each event × its channels × language: the partner's version where one is saved (`source: custom`), " +
          "else the built-in one (`default`), in catalogue order. Filters combine. The whole set is a few dozen " +
          "templates, so it comes as one list.",
        tags: TAGS,
        querystring: z.object({
          event: noticeEvent.optional(),
          channel: noticeChannel.optional(),
          language: noticeLanguage.optional(),
          source: templateSource.optional(),
        }),
        response: {
          200: z
            .object({ items: z.array(templateOut) })
            .meta({ id: "NoticeTemplateList", description: "The templates in force, in catalogue order" }),
          400: errorBody,
          401: errorBody,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const items = await listTemplates(ctx.db, {
        ...(q.event ? { event: q.event } : {}),
        ...(q.channel ? { channel: q.channel } : {}),
        ...(q.language ? { language: q.language } : {}),
        ...(q.source ? { source: q.source } : {}),
      });
      return { items: items.map(templateJson) };
    },
  );

  r.get(
    "/v1/notifications/templates/:event/:channel/:language",
    {
      schema: {
        operationId: "getNoticeTemplate",
        summary: "The template in force for an event, channel and language",
        description:
          "The partner's version, or the built-in default. A channel the event is not sent on is a 400 naming " +
          "`channel` (GET /v1/notifications/events lists each event's channels).",
        tags: TAGS,
        params: keyParams,
        response: { 200: templateOut, 400: errorBody, 401: errorBody },
      },
    },
    async (req) => {
      const p = req.params;
      return templateJson(await getTemplate(ctx.db, p.event, p.channel, p.language));
    },
  );

  r.put(
    "/v1/notifications/templates/:event/:channel/:language",
    {
      config: { audit: "notify.template.save" },
      schema: {
        operationId: "saveNoticeTemplate",
        summary: "Save the partner's version of a template",
        description:
          "Stores the template; it is used for every notice of this kind from now on. E-mail needs `subject`, " +
          "`html` and `text`; SMS and voice `text` only. Refused with a 400 naming each bad field and, in its " +
          "message, the unknown variables or helpers, or the line of a syntax error: every field must render " +
          "with the event's variables alone (GET /v1/notifications/events). Saving the same template again " +
          "changes nothing but the time, so no Idempotency-Key.",
        tags: TAGS,
        params: keyParams,
        body: saveBody,
        response: { 200: templateOut, 400: errorBody, 401: errorBody },
      },
    },
    async (req) => {
      const b = req.body;
      const saved = await saveTemplate(
        ctx.db,
        {
          ...req.params,
          text: b.text,
          ...(b.subject == null ? {} : { subject: b.subject }),
          ...(b.html == null ? {} : { html: b.html }),
        },
        b.actor ?? `api-key:${req.keyId}`,
      );
      return templateJson(saved);
    },
  );

  r.delete(
    "/v1/notifications/templates/:event/:channel/:language",
    {
      config: { audit: "notify.template.reset" },
      schema: {
        operationId: "resetNoticeTemplate",
        summary: "Reset a template to the built-in default",
        description:
          "Drops the partner's version; the built-in template applies again and is returned. Resetting a " +
          "template that is already the default changes nothing.",
        tags: TAGS,
        params: keyParams,
        response: { 200: templateOut, 400: errorBody, 401: errorBody },
      },
    },
    async (req) => {
      const p = req.params;
      return templateJson(await resetTemplate(ctx.db, p.event, p.channel, p.language));
    },
  );

  r.post(
    "/v1/notifications/templates/preview",
    {
      schema: {
        operationId: "previewNoticeTemplate",
        summary: "Render a template with sample values",
        description:
          "Renders an unsaved template (`template`, checked as saving would check it: the same 400s, under " +
          "`template.`) or, without `template`, the one in force for the key, with the event's sample values. " +
          "Once the seller's data is set (PUT /v1/billing/settings/seller), its name, e-mail, phone and accent " +
          "colour replace the samples. An SMS preview says how many parts it takes and in which encoding. " +
          "Nothing is stored or sent.",
        tags: TAGS,
        body: previewBody,
        response: { 200: previewOut, 400: errorBody, 401: errorBody },
      },
    },
    async (req) => {
      const { template, ...key } = req.body;
      const target: PreviewTarget = template
        ? {
            template: {
              ...key,
              text: template.text,
              ...(template.subject == null ? {} : { subject: template.subject }),
              ...(template.html == null ? {} : { html: template.html }),
            },
          }
        : key;
      const branding = await previewBranding(ctx);
      try {
        return previewJson(await previewTemplate(ctx.db, target, branding ? { branding } : {}));
      } catch (err) {
        if (template) underTemplate(err);
        throw err;
      }
    },
  );
}
