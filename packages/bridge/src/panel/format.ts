/**
 * How the panel writes money, dates and amounts typed by staff. Money is always PLN-style Polish
 * formatting ("1 234,56 zł") from integer grosze, whatever the page's language: the staff read
 * Polish invoices, and the same figure must look the same on every page.
 */

const PLN = new Intl.NumberFormat("pl-PL", { style: "currency", currency: "PLN", useGrouping: true });
const EUR = new Intl.NumberFormat("pl-PL", { style: "currency", currency: "EUR", useGrouping: true });

/** Integer minor units → "1 234,56 zł" (no floating point on the way: the grosze are split off). */
export function money(minor: number, currency: "PLN" | "EUR" = "PLN"): string {
  const f = currency === "EUR" ? EUR : PLN;
  // Intl takes a number; minor/100 of an integer below 2^53 prints exactly to 2 places.
  return f.format(minor / 100);
}

/** A decimal string from HRD ("100.50") → "100,50 zł"; non-numbers are shown as given. */
export function moneyDecimal(value: string, currency: "PLN" | "EUR" = "PLN"): string {
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!m) return value;
  const minor = Number(m[2]) * 100 + Number((m[3] ?? "0").padEnd(2, "0"));
  return money(m[1] ? -minor : minor, currency);
}

const WARSAW_TIME = new Intl.DateTimeFormat("pl-PL", {
  timeZone: "Europe/Warsaw",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
});

/** A moment in Warsaw time, "06.12.2026, 01:15"; "—" for none. */
export function moment(d: Date | string | null | undefined): string {
  if (d === null || d === undefined) return "—";
  const date = typeof d === "string" ? new Date(d) : d;
  return Number.isNaN(date.getTime()) ? String(d) : WARSAW_TIME.format(date);
}

/** Today in Warsaw, YYYY-MM-DD (form defaults, "this month"). */
export function warsawDay(d: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Warsaw" }).format(d);
}

/**
 * An amount as staff type it: "49,19", "49.19", "1 234,5", "1234" → "49.19" (the wire's decimal
 * string), or null when it is not an amount with at most 2 decimal places.
 */
export function parseAmount(input: string): string | null {
  const s = input.replace(/[\s\u00a0]/g, "").replace(/(zł|pln)$/i, "");
  const m = /^(\d{1,13})(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) return null;
  return m[2] === undefined ? m[1]! : `${m[1]}.${m[2]}`;
}

/** The start of a Warsaw day as an ISO moment with its offset ("2026-07-01T00:00:00+02:00"). */
export function warsawMidnight(day: string): string {
  const noon = new Date(`${day}T12:00:00Z`);
  const name = new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Warsaw", timeZoneName: "shortOffset" })
    .formatToParts(noon)
    .find((p) => p.type === "timeZoneName")?.value;
  const hours = Number(/GMT([+-]\d+)/.exec(name ?? "")?.[1] ?? "1");
  const sign = hours < 0 ? "-" : "+";
  return `${day}T00:00:00${sign}${String(Math.abs(hours)).padStart(2, "0")}:00`;
}
