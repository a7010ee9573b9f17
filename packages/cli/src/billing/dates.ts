/** Dates given on the command line: checked here, so a typo stops the chore before it writes. */
import { CliError, EXIT } from "../exit-codes.js";

/** A real calendar day `YYYY-MM-DD` (not 2026-02-30). */
export function parseDay(text: string, option: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !day || day.toISOString().slice(0, 10) !== text.trim()) {
    throw new CliError(`${option} must be a day YYYY-MM-DD, e.g. 2026-11-02, not "${text}"`, EXIT.usage);
  }
  return text.trim();
}

/**
 * The moment a chore runs "as of" a day: 10:00 UTC, which is that same day in Warsaw (11:00 or
 * 12:00 local), so billing's Warsaw day is the day given.
 */
export function momentOfDay(day: string): Date {
  return new Date(`${day}T10:00:00Z`);
}

/** `YYYY-MM` → its first and last day. */
export function parseMonth(text: string, option: string): { month: string; from: string; to: string } {
  const m = /^(\d{4})-(\d{2})$/.exec(text.trim());
  const month = m ? Number(m[2]) : 0;
  if (!m || month < 1 || month > 12) {
    throw new CliError(`${option} must be a month YYYY-MM, e.g. 2026-11, not "${text}"`, EXIT.usage);
  }
  const year = Number(m[1]);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return {
    month: text.trim(),
    from: `${m[1]}-${m[2]}-01`,
    to: `${m[1]}-${m[2]}-${String(last).padStart(2, "0")}`,
  };
}
