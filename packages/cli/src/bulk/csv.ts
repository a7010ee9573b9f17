import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { CliError, EXIT } from "../exit-codes.js";

/** A CSV file as read for a bulk run: its hash (what the journal is tied to) and its rows. */
export interface CsvFile {
  /** sha256 of the bytes as they are on disk (BOM included): any edit makes a new file. */
  sha256: string;
  delimiter: "," | ";";
  /** Header cells, trimmed and lower-cased. */
  header: string[];
  /** Data rows with their 1-based physical line number (the header is line 1 or later). */
  rows: CsvRow[];
  /** Lines that are not valid CSV: reported like bad rows, never guessed at. */
  broken: { line: number; message: string }[];
}

export interface CsvRow {
  line: number;
  cells: string[];
}

/**
 * Reads a bulk CSV: UTF-8 (a BOM is fine), a header row, `,` or `;` between fields (Polish Excel
 * writes `;`), decided from the header line.
 *
 * One record per physical line, parsed line by line with csv-parse: none of the bulk columns
 * (names, numbers, host names, transfer codes) may hold a line break, and parsing the file as one
 * stream lets an unclosed quote swallow every row after it (csv-parse's recovery skips them
 * silently). Line by line, a broken line is reported with its number and the rest still count.
 */
export function readCsv(path: string): CsvFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new CliError(
      `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      EXIT.config,
    );
  }
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new CliError(
      `${path} is not UTF-8 text: save it as "CSV UTF-8" (Excel: Zapisz jako → CSV UTF-8), not as Windows-1250`,
      EXIT.usage,
    );
  }
  const lines = text.split(/\r\n|\n|\r/);
  const headerIndex = lines.findIndex((l) => l.trim() !== "");
  if (headerIndex < 0) throw new CliError(`${path} is empty: it needs a header row and rows`, EXIT.usage);
  const headerLine = lines[headerIndex]!;
  const delimiter = detectDelimiter(headerLine);
  const headerCells = parseLine(headerLine, delimiter);
  if (typeof headerCells === "string") {
    throw new CliError(`${path}, line ${headerIndex + 1} (the header): ${headerCells}`, EXIT.usage);
  }
  const header = headerCells.map((c) => c.trim().toLowerCase());
  const rows: CsvRow[] = [];
  const broken: CsvFile["broken"] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === "") continue;
    const cells = parseLine(raw, delimiter);
    if (typeof cells === "string") broken.push({ line: i + 1, message: cells });
    // Excel leaves rows of bare delimiters (";;;") after the data: empty rows, not bad ones.
    else if (cells.some((c) => c.trim() !== "")) rows.push({ line: i + 1, cells });
  }
  return { sha256, delimiter, header, rows, broken };
}

/** `;` when the header has more semicolons than commas outside quotes, else `,`. */
export function detectDelimiter(headerLine: string): "," | ";" {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ",") commas++;
    else if (!quoted && ch === ";") semicolons++;
  }
  return semicolons > commas ? ";" : ",";
}

/** The cells of one line, or what is wrong with it (never quoting the line: it may hold a code). */
function parseLine(line: string, delimiter: string): string[] | string {
  try {
    const records = parse(line, { delimiter, relax_column_count: true, bom: false }) as string[][];
    return records[0] ?? [];
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "CSV_QUOTE_NOT_CLOSED") return "a quoted field is not closed on this line";
    if (code === "CSV_INVALID_CLOSING_QUOTE")
      return 'text follows a closing quote (write a quote inside a quoted field as "")';
    if (code === "CSV_INVALID_OPENING_QUOTE")
      return "a quote inside an unquoted field (quote the whole field)";
    return "not valid CSV";
  }
}
