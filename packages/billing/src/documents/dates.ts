/**
 * Calendar days as Polish law counts them: in Europe/Warsaw, as `YYYY-MM-DD` text (the same shape
 * the database returns for `date` columns). Moments stay `Date`; days never go through a UTC offset.
 */
const FORMAT = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Warsaw",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** The Warsaw calendar day of a moment. */
export function warsawDate(at: Date): string {
  return FORMAT.format(at);
}

/** `YYYY-MM-DD` + n days (n may be negative). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` + n months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + n, 1, 12));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0, 12)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}

export const addYears = (day: string, n: number): string => addMonths(day, 12 * n);
