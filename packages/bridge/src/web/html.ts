/**
 * Server-rendered pages (frames for customers, the partner panel, the unsubscribe page): HTML
 * built with a tagged template that escapes every interpolated value unless it is already
 * `SafeHtml`. A page cannot forget to escape a customer's name: only `html\`…\`` and `raw()`
 * make SafeHtml, and `raw()` is for constants.
 */

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text made safe for HTML text and double- or single-quoted attribute values. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** HTML that is safe to put in a page as it is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Interpolated values: text (escaped), SafeHtml (as is), arrays of either, nothing for null/undefined/false. */
export type HtmlValue =
  | SafeHtml
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | readonly HtmlValue[];

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join("");
  return escapeHtml(String(v));
}

/** `html\`<p>${name}</p>\`` → SafeHtml with `name` escaped. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i] as HtmlValue) + (strings[i + 1] ?? "");
  return new SafeHtml(out);
}

/** Markup the code itself wrote (constants, already-rendered pieces): never customer input. */
export const raw = (s: string): SafeHtml => new SafeHtml(s);
