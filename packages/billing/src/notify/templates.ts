/**
 * Notice templates: one per (event, channel, language). Built-in defaults cover every event on
 * every channel it is sent on, in Polish and English; a partner's edit is stored in
 * `notification_templates` and wins over the default until reset.
 *
 * A template is checked when it is saved (unknown variables or helpers, syntax errors: refused,
 * with the field and the names), so a mistake shows in the editor instead of in a notice that
 * never went out. `renderNotice` checks the variables the caller gives against the event.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingConflictError, BillingError, BillingValidationError, type FieldIssue } from "../errors.js";
import { DEFAULT_ACCENT } from "../render/layout.js";
import { DEFAULT_TEMPLATES_EN } from "./default-templates-en.js";
import { DEFAULT_TEMPLATES_PL, type DefaultTemplate } from "./default-templates-pl.js";
import type { NoticeBranding } from "./email-layout.js";
import {
  NOTICE_CATALOGUE,
  NOTICE_EVENTS,
  NOTICE_LANGUAGES,
  type NoticeEvent,
  type NoticeEventSpec,
  type NoticeLanguage,
  type NoticeVariable,
  sampleVariables,
} from "./events.js";
import { NOTIFY_CHANNELS, type NotifyChannel } from "./ports.js";
import { type SmsLength, smsLength } from "./sms-text.js";
import { checkTemplateField, renderField, type TemplateField } from "./template-syntax.js";

export interface NoticeTemplateKey {
  event: NoticeEvent;
  channel: NotifyChannel;
  language: NoticeLanguage;
}

/** What a partner saves. E-mail: `subject`, `html` and `text`; SMS and voice: `text` only. */
export interface NoticeTemplateInput extends NoticeTemplateKey {
  subject?: string;
  html?: string;
  text: string;
}

export interface NoticeTemplate extends NoticeTemplateInput {
  /** `custom`: the partner's stored version; `default`: the built-in one. */
  source: "custom" | "default";
  updatedAt?: Date;
  updatedBy?: string;
}

export interface TemplateFilter {
  event?: NoticeEvent;
  channel?: NotifyChannel;
  language?: NoticeLanguage;
  source?: "custom" | "default";
}

export interface RenderNoticeInput extends NoticeTemplateKey {
  /**
   * The event's variables (see NOTICE_CATALOGUE). Money and dates preformatted (`"49,19 zł"`).
   * `sellerName`, `sellerEmail`, `sellerPhone` and `panelUrl` default to the branding's.
   */
  variables: Record<string, unknown>;
  branding: NoticeBranding;
}

/**
 * A rendered notice. E-mail: `subject`, `html` (the inner part: wrap it with `layoutEmail`) and
 * `text`; SMS and voice: `text`.
 */
export interface RenderedNotice {
  subject?: string;
  html?: string;
  text: string;
}

/** A template not saved yet (as typed in the editor), or the stored/default one of a key. */
export type PreviewTarget = { template: NoticeTemplateInput } | NoticeTemplateKey;

export interface NoticePreview extends RenderedNotice {
  source: "custom" | "default" | "unsaved";
  /** SMS: how operators will count it. */
  sms?: SmsLength;
}

// --- Input --------------------------------------------------------------------------------------------------

const FIELDS_OF: Record<NotifyChannel, readonly TemplateField[]> = {
  email: ["subject", "html", "text"],
  sms: ["text"],
  phone: ["text"],
};
const MAX_LENGTH: Record<NotifyChannel, Record<TemplateField, number>> = {
  email: { subject: 500, html: 200_000, text: 50_000 },
  // 10 concatenated parts are already a lot to pay for; a voice message past 2000 characters nobody hears out.
  sms: { subject: 0, html: 0, text: 1_600 },
  phone: { subject: 0, html: 0, text: 2_000 },
};

const keySchema = z.object({
  event: z.enum(NOTICE_EVENTS),
  channel: z.enum(NOTIFY_CHANNELS as [NotifyChannel, ...NotifyChannel[]]),
  language: z.enum(NOTICE_LANGUAGES),
});

const inputSchema = keySchema.extend({
  subject: z.string().optional().nullable(),
  html: z.string().optional().nullable(),
  text: z.string(),
});

const actorSchema = z.string().trim().min(1).max(200);

const zodIssues = (error: z.ZodError, prefix = ""): FieldIssue[] =>
  error.issues.map((i) => ({ path: prefix + i.path.map(String).join("."), message: i.message }));

function channelIssue(key: NoticeTemplateKey): FieldIssue | undefined {
  const spec = NOTICE_CATALOGUE[key.event];
  if (spec.channels.includes(key.channel)) return undefined;
  return {
    path: "channel",
    message: `${key.event} is not sent by ${key.channel} (its channels: ${spec.channels.join(", ")})`,
  };
}

function parseKey(operation: string, input: unknown): NoticeTemplateKey {
  const r = keySchema.safeParse(input);
  if (!r.success) throw new BillingValidationError(operation, zodIssues(r.error));
  const issue = channelIssue(r.data);
  if (issue) throw new BillingValidationError(operation, [issue]);
  return r.data;
}

/** Problems of a template's fields against its event (syntax, unknown names, lengths, fields of the channel). */
function templateIssues(t: NoticeTemplateInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const spec = NOTICE_CATALOGUE[t.event];
  const fields = FIELDS_OF[t.channel];
  for (const field of ["subject", "html", "text"] as const) {
    const source = t[field];
    if (!fields.includes(field)) {
      if (source !== undefined && source !== null) {
        issues.push({ path: field, message: `a ${t.channel} template has only text` });
      }
      continue;
    }
    if (source === undefined || source === null || source.trim() === "") {
      issues.push({ path: field, message: "required" });
      continue;
    }
    const max = MAX_LENGTH[t.channel][field];
    if (source.length > max) {
      issues.push({ path: field, message: `too long: ${source.length} characters (at most ${max})` });
      continue;
    }
    const problem = checkTemplateField(source, field, spec.variables);
    if (problem) issues.push({ path: field, message: problem });
  }
  return issues;
}

/** Validates a template as typed: every problem of every field, in one error. */
function parseTemplate(operation: string, input: unknown): NoticeTemplateInput {
  const r = inputSchema.safeParse(input);
  if (!r.success) throw new BillingValidationError(operation, zodIssues(r.error));
  const t: NoticeTemplateInput = {
    event: r.data.event,
    channel: r.data.channel,
    language: r.data.language,
    text: r.data.text,
    ...(r.data.subject !== undefined && r.data.subject !== null ? { subject: r.data.subject } : {}),
    ...(r.data.html !== undefined && r.data.html !== null ? { html: r.data.html } : {}),
  };
  const issues = [channelIssue(t), ...templateIssues(t)].filter((i): i is FieldIssue => i !== undefined);
  if (issues.length > 0) throw new BillingValidationError(operation, issues);
  return t;
}

// --- Storage ------------------------------------------------------------------------------------------------

const DEFAULTS: Record<NoticeLanguage, typeof DEFAULT_TEMPLATES_PL> = {
  pl: DEFAULT_TEMPLATES_PL,
  en: DEFAULT_TEMPLATES_EN,
};

function defaultTemplate(key: NoticeTemplateKey): NoticeTemplate {
  const body: DefaultTemplate | undefined = DEFAULTS[key.language][key.event][key.channel];
  if (!body) {
    // Only reachable if the catalogue names a channel the defaults forgot (a test guards this).
    throw new BillingError(
      `no built-in ${key.language} ${key.channel} template for ${key.event}`,
      "template_missing",
    );
  }
  return { ...key, ...body, source: "default" };
}

interface TemplateRow {
  event: string;
  channel: NotifyChannel;
  language: NoticeLanguage;
  subject: string | null;
  html: string | null;
  text: string;
  updated_at: Date;
  updated_by: string;
}

function fromRow(r: TemplateRow): NoticeTemplate {
  return {
    event: r.event as NoticeEvent,
    channel: r.channel,
    language: r.language,
    ...(r.subject !== null ? { subject: r.subject } : {}),
    ...(r.html !== null ? { html: r.html } : {}),
    text: r.text,
    source: "custom",
    updatedAt: new Date(r.updated_at),
    updatedBy: r.updated_by,
  };
}

const COLUMNS = "event, channel, language, subject, html, text, updated_at, updated_by";

/**
 * Every template a partner can edit (each event × its channels × language), the stored version
 * where there is one and the built-in one elsewhere, in catalogue order.
 */
export async function listTemplates(db: Db, filter: TemplateFilter = {}): Promise<NoticeTemplate[]> {
  const f = parseInputFilter(filter);
  const { rows } = await db.query<TemplateRow>(`SELECT ${COLUMNS} FROM notification_templates`);
  const stored = new Map(rows.map((r) => [`${r.event}|${r.channel}|${r.language}`, r]));
  const out: NoticeTemplate[] = [];
  for (const event of NOTICE_EVENTS) {
    if (f.event && f.event !== event) continue;
    for (const channel of NOTICE_CATALOGUE[event].channels) {
      if (f.channel && f.channel !== channel) continue;
      for (const language of NOTICE_LANGUAGES) {
        if (f.language && f.language !== language) continue;
        const row = stored.get(`${event}|${channel}|${language}`);
        const t = row ? fromRow(row) : defaultTemplate({ event, channel, language });
        if (!f.source || f.source === t.source) out.push(t);
      }
    }
  }
  return out;
}

function parseInputFilter(filter: TemplateFilter): TemplateFilter {
  const schema = keySchema.partial().extend({ source: z.enum(["custom", "default"]).optional() });
  const r = schema.safeParse(filter);
  if (!r.success) throw new BillingValidationError("listTemplates", zodIssues(r.error, "filter."));
  return r.data;
}

/** The template in force for a key: the partner's, or the built-in default. */
export async function getTemplate(
  db: Db,
  event: NoticeEvent,
  channel: NotifyChannel,
  language: NoticeLanguage,
): Promise<NoticeTemplate> {
  const key = parseKey("getTemplate", { event, channel, language });
  return loadTemplate(db, key);
}

async function loadTemplate(db: Db, key: NoticeTemplateKey): Promise<NoticeTemplate> {
  const { rows } = await db.query<TemplateRow>(
    `SELECT ${COLUMNS} FROM notification_templates WHERE event = $1 AND channel = $2 AND language = $3`,
    [key.event, key.channel, key.language],
  );
  return rows[0] ? fromRow(rows[0]) : defaultTemplate(key);
}

/**
 * Stores the partner's version of a template. Refused (BillingValidationError naming each field,
 * and in it the unknown variables and helpers or the syntax error's line) unless every field
 * renders with the event's variables alone.
 */
export async function saveTemplate(
  db: Db,
  input: NoticeTemplateInput,
  actor: string,
): Promise<NoticeTemplate> {
  let t: NoticeTemplateInput | undefined;
  const issues: FieldIssue[] = [];
  try {
    t = parseTemplate("saveTemplate", input);
  } catch (err) {
    if (!(err instanceof BillingValidationError)) throw err;
    issues.push(...err.issues);
  }
  const who = actorSchema.safeParse(actor);
  if (!who.success) issues.push(...zodIssues(who.error, "actor"));
  if (issues.length > 0 || !t || !who.success) throw new BillingValidationError("saveTemplate", issues);
  const { rows } = await db.query<TemplateRow>(
    `INSERT INTO notification_templates (event, channel, language, subject, html, text, updated_at, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, now(), $7)
     ON CONFLICT (event, channel, language) DO UPDATE
       SET subject = EXCLUDED.subject, html = EXCLUDED.html, text = EXCLUDED.text,
           updated_at = now(), updated_by = EXCLUDED.updated_by
     RETURNING ${COLUMNS}`,
    [t.event, t.channel, t.language, t.subject ?? null, t.html ?? null, t.text, who.data],
  );
  return fromRow(rows[0]!);
}

/** Drops the partner's version: the built-in default applies again (and is returned). */
export async function resetTemplate(
  db: Db,
  event: NoticeEvent,
  channel: NotifyChannel,
  language: NoticeLanguage,
): Promise<NoticeTemplate> {
  const key = parseKey("resetTemplate", { event, channel, language });
  await db.query("DELETE FROM notification_templates WHERE event = $1 AND channel = $2 AND language = $3", [
    key.event,
    key.channel,
    key.language,
  ]);
  return defaultTemplate(key);
}

// --- Rendering ----------------------------------------------------------------------------------------------

function brandingValue(v: NoticeVariable, branding: NoticeBranding | undefined): unknown {
  if (!branding || !v.fromBranding) return undefined;
  switch (v.fromBranding) {
    case "sellerName":
      return branding.seller?.name;
    case "sellerEmail":
      return branding.seller?.email;
    case "sellerPhone":
      return branding.seller?.phone;
    case "panelUrl":
      return branding.panelUrl;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const URL_PATTERN = /^https?:\/\/[^\s<>"]+$/i;

function typeProblem(v: NoticeVariable, value: unknown): string | undefined {
  switch (v.type) {
    case "text":
    case "money":
    case "date":
      if (typeof value !== "string")
        return `must be text${v.type === "money" ? ' (a formatted amount like "49,19 zł")' : ""}`;
      if (v.required && value.trim() === "") return "required (empty)";
      if (v.values && !v.values.includes(value)) return `must be one of ${v.values.join(", ")}`;
      return undefined;
    case "url":
      return typeof value === "string" && URL_PATTERN.test(value) ? undefined : "must be an http(s) address";
    case "integer":
      return Number.isSafeInteger(value) ? undefined : "must be a whole number";
    case "boolean":
      return typeof value === "boolean" ? undefined : "must be true or false";
    case "list":
      return Array.isArray(value) ? undefined : "must be a list";
  }
}

/**
 * The template context: every declared variable present (absent optional ones as null, which
 * strict mode needs), values checked against their types. Collects every problem under `path`.
 */
function variablesContext(
  event: NoticeEvent,
  vars: readonly NoticeVariable[],
  given: unknown,
  path: string,
  issues: FieldIssue[],
  branding?: NoticeBranding,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(given)) {
    issues.push({ path, message: "must be an object of the event's variables" });
    return out;
  }
  const declared = new Set(vars.map((v) => v.name));
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) issues.push({ path: `${path}.${name}`, message: `not a variable of ${event}` });
  }
  for (const v of vars) {
    const value = Object.hasOwn(given, v.name) ? given[v.name] : brandingValue(v, branding);
    if (value === undefined || value === null) {
      if (v.required) issues.push({ path: `${path}.${v.name}`, message: "required" });
      out[v.name] = null;
      continue;
    }
    const problem = typeProblem(v, value);
    if (problem) {
      issues.push({ path: `${path}.${v.name}`, message: problem });
      continue;
    }
    if (v.type === "list") {
      out[v.name] = (value as unknown[]).map((item, i) =>
        variablesContext(event, v.fields ?? [], item, `${path}.${v.name}.${i}`, issues),
      );
    } else {
      out[v.name] = value;
    }
  }
  return out;
}

const tidyText = (s: string) =>
  s
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

function render(
  t: NoticeTemplateInput,
  context: Record<string, unknown>,
  branding: NoticeBranding | undefined,
): RenderedNotice {
  const accent = branding?.seller?.accentColor ?? DEFAULT_ACCENT;
  const field = (name: TemplateField) => {
    try {
      return renderField(t[name] ?? "", name, context, { accentColor: accent });
    } catch (err) {
      throw new BillingError(
        `the ${t.language} ${t.channel} template of ${t.event} failed to render its ${name}: ${String((err as Error).message ?? err)}`,
        "template_render",
        { cause: err },
      );
    }
  };
  if (t.channel === "email") {
    return { subject: oneLine(field("subject")), html: field("html").trim(), text: tidyText(field("text")) };
  }
  if (t.channel === "sms") {
    // Non-breaking spaces of formatted amounts exist in no SMS alphabet.
    return { text: tidyText(field("text").replace(/[\u00a0\u202f]/g, " ")).replace(/ {2,}/g, " ") };
  }
  return { text: oneLine(field("text")) };
}

/**
 * Renders a notice with the template in force for its key. Refused (BillingValidationError) when
 * a required variable is missing or a value has the wrong type, naming each
 * (`variables.proformaNumber`). A stored template that no longer fits the catalogue (a variable
 * removed by an upgrade) fails with BillingConflictError `template_invalid`: edit or reset it.
 */
export async function renderNotice(db: Db, input: RenderNoticeInput): Promise<RenderedNotice> {
  const key = parseKey("renderNotice", input);
  const spec: NoticeEventSpec = NOTICE_CATALOGUE[key.event];
  const issues: FieldIssue[] = [];
  if (!isRecord(input.branding) || !isRecord(input.branding.seller)) {
    issues.push({ path: "branding.seller", message: "required" });
  }
  const context = variablesContext(
    key.event,
    spec.variables,
    input.variables,
    "variables",
    issues,
    input.branding,
  );
  if (issues.length > 0) throw new BillingValidationError("renderNotice", issues);
  const template = await loadTemplate(db, key);
  if (template.source === "custom") {
    const problems = templateIssues(template);
    if (problems.length > 0) {
      throw new BillingConflictError(
        `the stored ${key.language} ${key.channel} template of ${key.event} no longer fits the event ` +
          `(${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}); edit it or reset it to the default`,
        "template_invalid",
      );
    }
  }
  return render(template, context, input.branding);
}

/**
 * Renders a template with its event's sample values: an unsaved one (validated as `saveTemplate`
 * would, so the editor shows the same refusals) or the one in force for a key. With `branding`,
 * the seller's own name and contact replace the samples, and the button takes the accent colour.
 */
export async function previewTemplate(
  db: Db,
  target: PreviewTarget,
  options: { branding?: NoticeBranding } = {},
): Promise<NoticePreview> {
  let template: NoticeTemplateInput;
  let source: NoticePreview["source"];
  if (isRecord(target) && "template" in target) {
    template = parseTemplate("previewTemplate", target.template);
    source = "unsaved";
  } else {
    const key = parseKey("previewTemplate", target);
    const t = await loadTemplate(db, key);
    template = t;
    source = t.source;
  }
  const spec = NOTICE_CATALOGUE[template.event];
  const samples: Record<string, unknown> = sampleVariables(template.event);
  for (const v of spec.variables) {
    const own = brandingValue(v, options.branding);
    if (own !== undefined && own !== null) samples[v.name] = own;
  }
  const issues: FieldIssue[] = [];
  const context = variablesContext(template.event, spec.variables, samples, "variables", issues);
  if (issues.length > 0) throw new BillingValidationError("previewTemplate", issues);
  const rendered = render(template, context, options.branding);
  return { ...rendered, source, ...(template.channel === "sms" ? { sms: smsLength(rendered.text) } : {}) };
}
