/**
 * Form pieces of the frames: a labelled field with its error next to it (linked by
 * aria-describedby, so a screen reader reads the error with the field), and the list of field
 * errors a refused form is shown with.
 */
import { html, type SafeHtml } from "../web/html.js";

export type FieldErrors = Record<string, string>;

export interface FieldSpec {
  name: string;
  label: string;
  type?: "text" | "email" | "password" | "tel" | "search";
  value?: string;
  autocomplete?: string;
  required?: boolean;
  errors: FieldErrors;
  hint?: string;
}

/** A text field; a password field never gets its value back. */
export function field(f: FieldSpec): SafeHtml {
  const id = `f-${f.name}`;
  const error = f.errors[f.name];
  const type = f.type ?? "text";
  const value = type === "password" ? "" : (f.value ?? "");
  return html`<label for="${id}">${f.label}</label><input id="${id}" name="${f.name}" type="${type}" value="${value}"${f.autocomplete ? html` autocomplete="${f.autocomplete}"` : ""}${f.required ? html` required` : ""}${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ""}>${error ? html`<p class="error" id="${id}-error">${error}</p>` : ""}`;
}

/** A checkbox with its label after it, and its error. */
export function checkbox(f: {
  name: string;
  label: string;
  checked: boolean;
  errors: FieldErrors;
}): SafeHtml {
  const id = `f-${f.name}`;
  const error = f.errors[f.name];
  return html`<div class="check"><input id="${id}" name="${f.name}" type="checkbox" value="1"${f.checked ? html` checked` : ""}${error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ""}> <label for="${id}">${f.label}</label>${error ? html`<p class="error" id="${id}-error">${error}</p>` : ""}</div>`;
}

/** The summary above a refused form (role=alert: read out at once). */
export function errorSummary(errors: FieldErrors, text: string): SafeHtml | "" {
  return Object.keys(errors).length > 0 ? html`<p class="alert" role="alert">${text}</p>` : "";
}

export const hidden = (name: string, value: string): SafeHtml =>
  html`<input type="hidden" name="${name}" value="${value}">`;
