/** An exact decimal amount as HRD sends it, with its value in grosze (never a float). */
export interface Amount {
  /** The decimal string as HRD sent it, e.g. `"100.50"`. */
  value: string;
  /** The amount in grosze (1/100 PLN), e.g. `10050`; rounded half-up if HRD sent more than 2 decimals. */
  grosze: number;
}

/** Parses `"100.50"`, `"-3.5"`, `"12"` (and a float-typed `"1.0E2"` is refused) to grosze exactly. */
export function parseAmount(text: string): Amount | undefined {
  const m = /^\s*(-?)(\d+)(?:[.,](\d+))?\s*$/.exec(text);
  if (!m) return undefined;
  const [, sign, whole, frac = ""] = m;
  const cents = (frac + "00").slice(0, 2);
  let grosze = Number(whole) * 100 + Number(cents);
  if (frac.length > 2 && Number(frac[2]) >= 5) grosze += 1;
  return { value: text.trim(), grosze: sign === "-" ? -grosze : grosze };
}

/** Formats grosze back to HRD's decimal form: `10050` → `"100.50"`. */
export function formatAmount(grosze: number): string {
  const sign = grosze < 0 ? "-" : "";
  const abs = Math.abs(grosze);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/**
 * HRD dates are `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS` in Polish local time. We return ISO 8601
 * (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS`, no offset: it is HRD's local time, Europe/Warsaw).
 */
export function toIsoDate(text: string): string {
  const t = text.trim();
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(t) ? t.replace(" ", "T") : t;
}

const warsawDate = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Warsaw",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** A `Date` or an ISO string → `YYYY-MM-DD` (a `Date` is read in Europe/Warsaw, HRD's time zone). */
export function toWireDate(value: string | Date): string | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : warsawDate.format(value);
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$/.exec(value.trim());
  return m ? m[1] : undefined;
}

export function parseBool(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (t === "true" || t === "1") return true;
  if (t === "false" || t === "0") return false;
  return undefined;
}
