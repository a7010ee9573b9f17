/**
 * Secrets are redacted by name everywhere the SDK keeps or shows text: errors, debug XML, logs.
 * Element names that carry secrets in HRD's schema: `pass` (API password), `token`, `pw` (authInfo and
 * trade codes) and `authInfo`. The API key never
 * appears in XML at all.
 */
export const SECRET_ELEMENTS = ["pass", "token", "pw", "authInfo"] as const;

const SECRET_XML = new RegExp(`<(${SECRET_ELEMENTS.join("|")})>([^<]*)</\\1>`, "g");

export function redactXml(xml: string): string {
  return xml.replace(SECRET_XML, "<$1>[redacted]</$1>");
}

const SECRET_KEYS = /^(pass|password|apiKey|apiHash|token|pw|authInfo|authCode|secret)$/i;

/** A deep copy of `value` with secret-named keys replaced by "[redacted]" (for logs and dumps). */
export function redactObject<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactObject(v)) as T;
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? "[redacted]" : redactObject(v);
    return out as T;
  }
  return value;
}
