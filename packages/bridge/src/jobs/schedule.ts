/**
 * When the scheduled jobs are due. A daily job is due at a wall-clock time in Europe/Warsaw (the
 * time the partner's office and Polish law count in), recomputed for every day, so a 06:00 run
 * stays at 06:00 across the DST changes instead of drifting to 05:00 or 07:00.
 */
import { addDays, warsawDate } from "@hrdkit/billing";

const PARTS = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Warsaw",
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** Warsaw's offset from UTC at a moment, ms (+1 h in winter, +2 h in summer). */
function warsawOffset(at: number): number {
  const p: Record<string, number> = {};
  for (const part of PARTS.formatToParts(new Date(at))) p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return wall - Math.floor(at / 1000) * 1000;
}

/**
 * The moment Warsaw's clock shows `hour:minute` on `day` (YYYY-MM-DD). A time the spring change
 * skips (02:30 on the last Sunday of March) comes out an hour later; a time the autumn change
 * shows twice comes out as its second showing.
 */
export function warsawTime(day: string, hour: number, minute = 0): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hour, minute);
  // Twice: the offset at the first guess can be the other side of a DST change.
  const first = wall - warsawOffset(wall);
  return new Date(wall - warsawOffset(first));
}

/** The first moment strictly after `after` at which Warsaw's clock shows `hour:minute`. */
export function nextDailyAt(after: Date, hour: number, minute = 0): Date {
  let day = warsawDate(after);
  for (;;) {
    const t = warsawTime(day, hour, minute);
    if (t.getTime() > after.getTime()) return t;
    day = addDays(day, 1);
  }
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A job's timing for the dashboard: `daily at 06:00 Europe/Warsaw`. */
export function describeDaily(hour: number, minute = 0): string {
  return `daily at ${pad(hour)}:${pad(minute)} Europe/Warsaw`;
}

/** A job's timing for the dashboard: `every 30 s`, `every 5 min`, `every 6 h`. */
export function describeEvery(ms: number): string {
  if (ms % 3_600_000 === 0) return `every ${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `every ${ms / 60_000} min`;
  if (ms % 1000 === 0) return `every ${ms / 1000} s`;
  return `every ${ms} ms`;
}
