/**
 * CSV bank exports: every bank has its own columns, so the reader takes a column mapping (by
 * header name or by position), a separator, a decimal mark and a header row. Two presets are
 * examples modelled on common Polish history exports; check them against your bank's file and
 * adjust (spread a preset and override what differs).
 */
import { z } from "zod";
import { CURRENCIES, type Currency, money } from "../money/money.js";
import { parseInput } from "../validate.js";
import { decodeStatement, STATEMENT_ENCODINGS } from "./encoding.js";
import { normaliseAccount, type ParsedStatement, parseFailure, type StatementEntry } from "./statement.js";

/** A column by its header text (case, spaces and a leading `#` ignored) or by position from 0. */
export type CsvColumn = string | number;

export interface CsvMapping {
  /** Default `;`. */
  separator?: ";" | ",";
  /** Decimal mark of amounts; default `,` (the other mark, and spaces, group thousands). */
  decimal?: "," | ".";
  /**
   * Default true: the file has a header row. It is found by its names, so lines the bank writes
   * above it (account, period…) are skipped.
   */
  header?: boolean;
  /** Default `PLN`, when no currency column is mapped. */
  currency?: Currency;
  /** Default `auto`. */
  encoding?: (typeof STATEMENT_ENCODINGS)[number] | "auto";
  columns: {
    /** Booking date: YYYY-MM-DD, DD-MM-YYYY, DD.MM.YYYY or DD/MM/YYYY. */
    date: CsvColumn;
    /** Signed amount: money in positive, out negative. */
    amount: CsvColumn;
    /** The transfer title; several columns are joined with a space. */
    title: CsvColumn | CsvColumn[];
    counterparty?: CsvColumn;
    account?: CsvColumn;
    /** The bank's reference of the operation (makes the entry key exact). */
    reference?: CsvColumn;
    currency?: CsvColumn;
    /** Operation type. */
    type?: CsvColumn;
  };
}

export type CsvPresetName = "pko" | "mbank";

/**
 * Example presets (not bank specifications; banks change their exports):
 * - `pko`: comma-separated, quoted, decimal point, a header row of
 *   `"Data operacji","Data waluty","Typ transakcji","Kwota","Waluta","Saldo po transakcji",
 *   "Tytuł","Nazwa kontrahenta","Rachunek kontrahenta","Numer referencyjny"` — modelled on the
 *   history export of PKO BP's web banking;
 * - `mbank`: semicolon-separated, decimal comma with spaces between thousands, a few lines of
 *   account data above a `#`-prefixed header
 *   `#Data księgowania;#Data operacji;#Opis operacji;#Tytuł;#Nadawca/Odbiorca;#Numer konta;#Kwota;#Saldo po operacji;`
 *   — modelled on mBank's operation history.
 */
export const CSV_PRESETS: Readonly<Record<CsvPresetName, CsvMapping>> = {
  pko: {
    separator: ",",
    decimal: ".",
    header: true,
    columns: {
      date: "Data operacji",
      amount: "Kwota",
      currency: "Waluta",
      type: "Typ transakcji",
      title: "Tytuł",
      counterparty: "Nazwa kontrahenta",
      account: "Rachunek kontrahenta",
      reference: "Numer referencyjny",
    },
  },
  mbank: {
    separator: ";",
    decimal: ",",
    header: true,
    columns: {
      date: "Data księgowania",
      amount: "Kwota",
      type: "Opis operacji",
      title: "Tytuł",
      counterparty: "Nadawca/Odbiorca",
      account: "Numer konta",
    },
  },
};

const column = z.union([z.string().trim().min(1), z.number().int().min(0).max(1000)], {
  error: "must be a header name or a column position (0, 1, …)",
});

export const csvMappingSchema = z
  .strictObject({
    separator: z.enum([";", ","]).optional(),
    decimal: z.enum([",", "."]).optional(),
    header: z.boolean().optional(),
    currency: z.enum(CURRENCIES).optional(),
    encoding: z.enum([...STATEMENT_ENCODINGS, "auto"]).optional(),
    columns: z.strictObject({
      date: column,
      amount: column,
      title: z.union([column, z.array(column).min(1)]),
      counterparty: column.optional(),
      account: column.optional(),
      reference: column.optional(),
      currency: column.optional(),
      type: column.optional(),
    }),
  })
  .superRefine(
    (v, ctx) => {
      const names = Object.values(v.columns ?? {})
        .flat()
        .some((c) => typeof c === "string");
      if (v.header === false && names) {
        ctx.addIssue({
          code: "custom",
          path: ["header"],
          message: "columns given by name need a header row (header: true)",
        });
      }
    },
    { when: (p) => typeof p.value === "object" && p.value !== null },
  );

export const csvOptionSchema = z.union([z.enum(["pko", "mbank"]), csvMappingSchema], {
  error: 'must be a preset ("pko", "mbank") or a column mapping {columns: {date, amount, title, …}}',
});

/** RFC 4180 rows: quoted fields may hold the separator, `""` and line breaks. */
function rows(text: string, sep: string): { cells: string[]; line: number }[] {
  const out: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === "\n") line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === "") {
      quoted = true;
      cell = "";
    } else if (ch === sep) {
      cells.push(cell);
      cell = "";
    } else if (ch === "\n") {
      cells.push(cell);
      out.push({ cells, line: rowLine });
      cells = [];
      cell = "";
      line++;
      rowLine = line;
    } else if (ch !== "\r") cell += ch;
  }
  if (cell !== "" || cells.length > 0) {
    cells.push(cell);
    out.push({ cells, line: rowLine });
  }
  return out;
}

const headerKey = (s: string) =>
  s
    .replace(/^\uFEFF/, "")
    .trim()
    .replace(/^#/, "")
    .replace(/\s+/g, " ")
    .toLowerCase();

function parseDate(text: string): string | null {
  const t = text.trim();
  let m = /^(\d{4})[-./](\d{2})[-./](\d{2})/.exec(t);
  let y: string;
  let mo: string;
  let d: string;
  if (m) [, y, mo, d] = m as unknown as [string, string, string, string];
  else {
    m = /^(\d{2})[-./](\d{2})[-./](\d{4})/.exec(t);
    if (!m) return null;
    [, d, mo, y] = m as unknown as [string, string, string, string];
  }
  const days = new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate();
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > days) return null;
  return `${y}-${mo}-${d}`;
}

/** `-1 234,56`, `+1.234,56 PLN`, `1234.5` → signed minor units (with the given decimal mark). */
function parseAmount(text: string, decimal: "," | "."): number | null {
  const group = decimal === "," ? "." : ",";
  const t = text
    .replace(/[\s\u00a0\u202f]/g, "")
    .replace(/[A-Za-z]{3}$/, "")
    .split(group)
    .join("");
  const m = new RegExp(`^([+-]?)(\\d+)(?:\\${decimal}(\\d{1,2}))?$`).exec(t);
  if (!m) return null;
  const minor = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  if (!Number.isSafeInteger(minor)) return null;
  return m[1] === "-" ? -minor : minor;
}

const OPERATION = "parseCsvStatement";

/**
 * Reads a CSV export with a preset or a mapping. Every bad row is reported at once (line and
 * column) as a BillingValidationError on `content`; an unknown column name on `csv.columns.<name>`.
 * The table ends at the first empty line after the header (banks put totals below it).
 */
export function parseCsvStatement(
  content: Uint8Array | string,
  csv: CsvPresetName | CsvMapping,
): ParsedStatement {
  const parsed = parseInput(OPERATION, csvOptionSchema, csv);
  const mapping: CsvMapping = typeof parsed === "string" ? CSV_PRESETS[parsed] : parsed;
  const sep = mapping.separator ?? ";";
  const decimal = mapping.decimal ?? ",";
  const decoded =
    typeof content === "string"
      ? { text: content, encoding: "utf-8" as const }
      : decodeStatement(content, mapping.encoding ?? "auto");
  const all = rows(decoded.text.replace(/^\uFEFF/, ""), sep);
  const cols = mapping.columns;
  const named = Object.entries(cols).flatMap(([field, c]) =>
    (Array.isArray(c) ? c : [c]).map((one) => ({ field, column: one })),
  );

  let start = 0;
  const index = new Map<string, number>();
  if (mapping.header ?? true) {
    const wanted = named.filter((n) => typeof n.column === "string");
    const at = all.findIndex(
      (r) =>
        r.cells.some((c) => c.trim() !== "") &&
        wanted.every((n) => r.cells.some((c) => headerKey(c) === headerKey(n.column as string))),
    );
    if (at < 0) {
      const first = all.find((r) => r.cells.some((c) => c.trim() !== ""));
      const present = new Set((first?.cells ?? []).map(headerKey));
      const missing = wanted.filter((n) => !present.has(headerKey(n.column as string)));
      parseFailure(
        OPERATION,
        (missing.length > 0 ? missing : wanted).map(
          (n) => `no header row with a column "${n.column}" (${n.field}) was found`,
        ),
      );
    }
    all[at]!.cells.forEach((c, i) => {
      if (!index.has(headerKey(c))) index.set(headerKey(c), i);
    });
    start = at + 1;
  }
  const pos = (c: CsvColumn): number => (typeof c === "number" ? c : index.get(headerKey(c))!);
  const cell = (cells: string[], c: CsvColumn | undefined): string =>
    c === undefined ? "" : (cells[pos(c)] ?? "").trim();

  const problems: string[] = [];
  const entries: StatementEntry[] = [];
  for (const r of all.slice(start)) {
    if (r.cells.every((c) => c.trim() === "")) {
      if (entries.length > 0 || problems.length > 0) break;
      continue;
    }
    const date = parseDate(cell(r.cells, cols.date));
    const amount = parseAmount(cell(r.cells, cols.amount), decimal);
    const currency = (cell(r.cells, cols.currency).toUpperCase() || mapping.currency || "PLN") as Currency;
    if (!date)
      problems.push(`line ${r.line}: "${cell(r.cells, cols.date)}" in column ${cols.date} is not a date`);
    if (amount === null) {
      problems.push(
        `line ${r.line}: "${cell(r.cells, cols.amount)}" in column ${cols.amount} is not an amount`,
      );
    }
    if (!CURRENCIES.includes(currency)) {
      problems.push(`line ${r.line}: currency ${currency} is not supported (${CURRENCIES.join(", ")})`);
    }
    // a zero line (a waived fee) moves no money
    if (!date || amount === null || amount === 0 || !CURRENCIES.includes(currency)) continue;
    const titleCells = (Array.isArray(cols.title) ? cols.title : [cols.title]).map((c) => cell(r.cells, c));
    const title = titleCells
      .filter((t) => t !== "")
      .join(" ")
      .replace(/\s+/g, " ");
    entries.push({
      bookedOn: date,
      valueDate: date,
      amount: money(amount, currency),
      mark: amount > 0 ? "C" : "D",
      bankReference: cell(r.cells, cols.reference) || null,
      customerReference: null,
      title,
      titleCompact: titleCells.join(""),
      counterparty: cell(r.cells, cols.counterparty).replace(/\s+/g, " ") || null,
      counterpartyAccount: normaliseAccount(cell(r.cells, cols.account)),
      code: cell(r.cells, cols.type) || null,
      details: {},
      line: r.line,
    });
  }
  if (problems.length > 0) parseFailure(OPERATION, problems);
  return {
    format: "csv",
    encoding: decoded.encoding,
    account: null,
    sections: [
      {
        reference: null,
        account: null,
        number: null,
        currency: entries[0]?.amount.currency ?? mapping.currency ?? "PLN",
        openingBalance: null,
        closingBalance: null,
        entries: entries.length,
      },
    ],
    entries,
  };
}
