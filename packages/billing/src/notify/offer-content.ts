/**
 * What an offer says and how it is rendered per customer. The partner writes the subject, HTML,
 * text and SMS as Handlebars with the same safety as notice templates (checkTemplateField: only
 * the offer variables, only our helpers, values always escaped in HTML, no raw `{{{…}}}`), and
 * the way out is never left to the partner: every e-mail gets an unsubscribe footer (HTML and
 * text) and every SMS an opt-out line, whatever the partner wrote.
 */
import type { FieldIssue } from "../errors.js";
import { DEFAULT_ACCENT } from "../render/layout.js";
import { COMMON_VARIABLES, NOTICE_CATALOGUE, type NoticeLanguage, type NoticeVariable } from "./events.js";
import { checkTemplateField, renderField, type TemplateField } from "./template-syntax.js";

/**
 * The variables an offer may name: the customer's name, the seller's name and contact, the
 * panel's address (empty when the sender gives none) and `unsubscribeUrl`.
 */
export const OFFER_VARIABLES: readonly NoticeVariable[] = [
  ...COMMON_VARIABLES.map((v) => (v.name === "panelUrl" ? { ...v, required: false } : v)),
  NOTICE_CATALOGUE.offer.variables.find((v) => v.name === "unsubscribeUrl")!,
];

export interface OfferContent {
  subject: string;
  html: string;
  text: string;
  smsText: string | null;
}

/** Longest sources accepted (as notice templates: past these nobody reads, or pays for, the message). */
export const OFFER_LIMITS = { subject: 500, html: 200_000, text: 50_000, smsText: 1_600 } as const;

const FIELD_OF: Record<keyof OfferContent, TemplateField> = {
  subject: "subject",
  html: "html",
  text: "text",
  smsText: "text",
};

/** Every problem of the offer's sources (syntax, unknown variables or helpers, length), by field. */
export function offerContentIssues(content: Partial<OfferContent>, smsRequired: boolean): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const field of ["subject", "html", "text", "smsText"] as const) {
    const source = content[field];
    if (source === undefined || source === null || source.trim() === "") {
      if (field !== "smsText" || smsRequired) {
        issues.push({
          path: field,
          message: field === "smsText" ? "is required when the offer goes out by SMS" : "is required",
        });
      }
      continue;
    }
    if (source.length > OFFER_LIMITS[field]) {
      issues.push({
        path: field,
        message: `too long: ${source.length} characters (at most ${OFFER_LIMITS[field]})`,
      });
      continue;
    }
    if (field === "subject" && /[\r\n]/.test(source)) {
      issues.push({ path: field, message: "must be one line" });
      continue;
    }
    const problem = checkTemplateField(source, FIELD_OF[field], OFFER_VARIABLES);
    if (problem) issues.push({ path: field, message: problem });
  }
  return issues;
}

/** The values one customer's copy is rendered with. */
export interface OfferValues {
  customerName: string;
  sellerName: string;
  sellerEmail: string;
  sellerPhone?: string | null;
  panelUrl?: string | null;
  unsubscribeUrl: string;
}

export interface RenderedOfferEmail {
  subject: string;
  /** The inner part with the unsubscribe footer (wrap it with layoutEmail). */
  html: string;
  text: string;
}

const WORDS = {
  pl: {
    why: (seller: string) =>
      `Tę wiadomość otrzymują Państwo, ponieważ wyrazili Państwo zgodę na otrzymywanie od ${seller} informacji handlowych.`,
    link: "Rezygnuję z ofert",
    textLink: "Rezygnacja z ofert",
    sms: "Rezygnacja",
  },
  en: {
    why: (seller: string) =>
      `You receive this message because you agreed to receive commercial information from ${seller}.`,
    link: "Unsubscribe from offers",
    textLink: "Unsubscribe from offers",
    sms: "Unsubscribe",
  },
} as const;

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const tidyText = (s: string) =>
  s
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();

function context(values: OfferValues): Record<string, unknown> {
  // Strict mode needs every declared name present; an absent optional one renders empty.
  return {
    customerName: values.customerName,
    sellerName: values.sellerName,
    sellerEmail: values.sellerEmail,
    sellerPhone: values.sellerPhone ?? null,
    panelUrl: values.panelUrl ?? null,
    unsubscribeUrl: values.unsubscribeUrl,
  };
}

/** One customer's e-mail: the partner's content, then the unsubscribe footer (always). */
export function renderOfferEmail(
  content: OfferContent,
  values: OfferValues,
  language: NoticeLanguage,
  accentColor: string = DEFAULT_ACCENT,
): RenderedOfferEmail {
  const ctx = context(values);
  const data = { accentColor };
  const w = WORDS[language];
  const url = values.unsubscribeUrl;
  const footerHtml =
    `<p style="margin:24px 0 0 0;font-size:12px;line-height:1.5;color:#6b7280;">${escapeHtml(w.why(values.sellerName))} ` +
    `<a href="${escapeHtml(url)}" style="color:#6b7280;">${escapeHtml(w.link)}</a></p>`;
  return {
    subject: renderField(content.subject, "subject", ctx, data).replace(/\s+/g, " ").trim(),
    html: `${renderField(content.html, "html", ctx, data).trim()}\n${footerHtml}`,
    text: `${tidyText(renderField(content.text, "text", ctx, data))}\n\n${w.why(values.sellerName)}\n${w.textLink}: ${url}`,
  };
}

/**
 * One customer's SMS: the partner's text and a short opt-out line (left out only when the text
 * already carries this very link: an SMS pays per character).
 */
export function renderOfferSms(smsText: string, values: OfferValues, language: NoticeLanguage): string {
  const rendered = tidyText(
    renderField(smsText, "text", context(values), { accentColor: DEFAULT_ACCENT }).replace(
      /[\u00a0\u202f]/g,
      " ",
    ),
  ).replace(/ {2,}/g, " ");
  if (rendered.includes(values.unsubscribeUrl)) return rendered;
  return `${rendered}\n${WORDS[language].sms}: ${values.unsubscribeUrl}`;
}
