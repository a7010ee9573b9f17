/**
 * Quiet hours: SMS and phone calls wait for the morning instead of waking a customer up at
 * night. Computed in a named time zone (Europe/Warsaw by default), so the window follows the
 * local clock across the daylight-saving changes.
 */

export interface QuietHours {
  /** Local time the quiet starts, `HH:MM` (default 21:00). */
  start: string;
  /** Local time it ends, `HH:MM` (default 08:00); earlier than start = across midnight. */
  end: string;
  /** IANA zone (default Europe/Warsaw). */
  timeZone?: string;
}

export const DEFAULT_QUIET_HOURS: Required<QuietHours> = {
  start: "21:00",
  end: "08:00",
  timeZone: "Europe/Warsaw",
};

export const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(hhmm: string, what: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new RangeError(`quiet hours ${what} must be HH:MM (like 21:00), got ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock fields of `at` in `timeZone`. */
function wallClock(at: number, timeZone: string) {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formats.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
  };
}

/** The instant a local wall-clock time happens in `timeZone` (08:00 is never skipped or repeated by DST). */
function instantOf(year: number, month: number, day: number, minutes: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, Math.floor(minutes / 60), minutes % 60);
  const offsetAt = (t: number) => {
    const w = wallClock(t, timeZone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(t / 1000) * 1000;
  };
  // Two passes settle the offset when the guess lands on the other side of a DST change.
  let t = wall - offsetAt(wall);
  t = wall - offsetAt(t);
  return new Date(t);
}

/**
 * When the quiet hours around `at` end, or null when `at` is not in quiet hours.
 * Throws RangeError for a malformed window or an unknown time zone.
 */
export function quietUntil(at: Date, quiet: QuietHours = DEFAULT_QUIET_HOURS): Date | null {
  const start = minutesOf(quiet.start, "start");
  const end = minutesOf(quiet.end, "end");
  const zone = quiet.timeZone ?? DEFAULT_QUIET_HOURS.timeZone;
  if (start === end) return null;
  const w = wallClock(at.getTime(), zone);
  const now = w.hour * 60 + w.minute;
  const acrossMidnight = start > end;
  const inQuiet = acrossMidnight ? now >= start || now < end : now >= start && now < end;
  if (!inQuiet) return null;
  // Before midnight in a window across it: the quiet ends tomorrow.
  const nextDay = acrossMidnight && now >= start;
  const day = new Date(Date.UTC(w.year, w.month - 1, w.day + (nextDay ? 1 : 0)));
  return instantOf(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), end, zone);
}

/** Whether `zone` is a time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
