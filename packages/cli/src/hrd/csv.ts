/** One CSV field (RFC 4180): quoted only when it has to be. */
export function csvField(value: unknown): string {
  const s = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A header line and one line per row, `\n`-terminated. */
export function toCsv<T extends Record<string, unknown>>(
  rows: readonly T[],
  columns: readonly (keyof T & string)[],
): string {
  let s = `${columns.map(csvField).join(",")}\n`;
  for (const r of rows) s += `${columns.map((c) => csvField(r[c])).join(",")}\n`;
  return s;
}
