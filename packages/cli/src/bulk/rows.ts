import { isIPv4, isIPv6 } from "node:net";
import { type InputOf, type Operations, operations, toUnicodeDomain } from "@hrdkit/sdk";
import { CliError, EXIT } from "../exit-codes.js";
import type { CsvFile } from "./csv.js";

export type BulkOperation = "register" | "renew" | "transfer";

export type RegisterInput = InputOf<Operations["domain/create"]>;
export type RenewRowInput = { name: string; period: number };
export type TransferInput = InputOf<Operations["domain/transfer"]>;
type NsInput = RegisterInput["ns"];

/** A row that passed validation: what the make-sure call gets, and how to name it. */
export type BulkRow =
  | { op: "register"; line: number; domain: string; display: string; input: RegisterInput }
  | { op: "renew"; line: number; domain: string; display: string; input: RenewRowInput }
  | { op: "transfer"; line: number; domain: string; display: string; input: TransferInput };

export interface InvalidRow {
  line: number;
  /** The domain as written, when the row has one. */
  domain?: string;
  /** `field: what is wrong`, every bad field of the row. */
  problems: string[];
}

export interface RowDefaults {
  /** Nameservers for register rows that name none (`--ns`). */
  ns?: string[];
  /** A saved nameserver group for register rows that name none (`--ns-group`). */
  nsGroup?: number;
}

/** The columns each operation reads (header names, case-insensitive). `ns1`…`ns16` are register's. */
export const COLUMNS: Record<BulkOperation, { required: string[]; optional: string[] }> = {
  register: { required: ["domain", "user"], optional: ["period"] },
  renew: { required: ["domain"], optional: ["period"] },
  transfer: { required: ["domain", "auth_info", "user"], optional: ["period"] },
};

const NS_COLUMN = /^ns([1-9]|1[0-6])$/;
const MAX_PERIOD = 10;

/**
 * Checks the header: every required column present, no column this operation does not know (a
 * misspelt `perod` must not silently become the default period), none twice.
 */
export function checkHeader(op: BulkOperation, header: string[], file: string): void {
  const { required, optional } = COLUMNS[op];
  const known = (c: string) =>
    required.includes(c) || optional.includes(c) || (op === "register" && NS_COLUMN.test(c));
  const problems: string[] = [];
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length) problems.push(`missing column${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`);
  const unknown = header.filter((c) => c !== "" && !known(c));
  if (unknown.length) problems.push(`unknown column${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`);
  if (header.some((c) => c === "")) problems.push("a column has no name");
  const twice = header.filter((c, i) => c !== "" && header.indexOf(c) !== i);
  if (twice.length) problems.push(`column listed twice: ${[...new Set(twice)].join(", ")}`);
  if (problems.length) {
    const expected = [...required, ...optional, ...(op === "register" ? ["ns1", "ns2", "…"] : [])].join(",");
    throw new CliError(
      `${file}: the header row is not one for bulk ${op}: ${problems.join("; ")}.\n` +
        `Expected columns: ${expected} (separated by , or ;)`,
      EXIT.usage,
    );
  }
}

/**
 * Validates every row before anything is sent: each bad row with every bad field, and names that
 * appear on more than one row (all of those rows are bad: which one was meant is not ours to guess).
 */
export function validateRows(
  op: BulkOperation,
  csv: CsvFile,
  defaults: RowDefaults = {},
): { valid: BulkRow[]; invalid: InvalidRow[] } {
  const col = (name: string) => csv.header.indexOf(name);
  const valid: BulkRow[] = [];
  const invalid: InvalidRow[] = csv.broken.map((b) => ({ line: b.line, problems: [b.message] }));
  for (const { line, cells } of csv.rows) {
    const cell = (name: string) => {
      const i = col(name);
      return i < 0 ? "" : (cells[i] ?? "");
    };
    const problems: string[] = [];
    if (cells.length > csv.header.length) {
      problems.push(`has ${cells.length} fields, the header has ${csv.header.length}`);
    }
    const written = cell("domain").trim();
    const name = domainOf(written, problems);
    const period = periodOf(cell("period").trim(), problems);
    let row: BulkRow | undefined;
    if (op === "register") {
      const user = userOf(cell("user").trim(), problems);
      const ns = nsOf(csv.header, cells, defaults, problems);
      if (name && user && period && ns) {
        const input: RegisterInput = { name, user, period, ns: ns.value };
        const issues = schemaIssues("domain/create", input, (path) =>
          path[0] === "ns" && typeof path[1] === "number" ? (ns.columns[path[1]] ?? "ns") : String(path[0]),
        );
        problems.push(...issues);
        if (!issues.length) row = { op, line, domain: name, display: toUnicodeDomain(name), input };
      }
    } else if (op === "renew") {
      if (name && period)
        row = { op, line, domain: name, display: toUnicodeDomain(name), input: { name, period } };
    } else {
      const user = userOf(cell("user").trim(), problems);
      // Codes are taken as written (not trimmed): a code is whatever the old registrar issued.
      const authInfo = cell("auth_info");
      if (authInfo.trim() === "") problems.push("auth_info: is required");
      else if (authInfo.length > 255) problems.push("auth_info: is longer than 255 characters");
      if (name && user && period && authInfo.trim() !== "" && authInfo.length <= 255) {
        const input: TransferInput = { name, user, authInfo, period };
        const issues = schemaIssues("domain/transfer", input, (path) =>
          path[0] === "authInfo" ? "auth_info" : String(path[0]),
        );
        problems.push(...issues);
        if (!issues.length) row = { op, line, domain: name, display: toUnicodeDomain(name), input };
      }
    }
    if (problems.length || !row) {
      invalid.push({ line, ...(written ? { domain: written } : {}), problems });
    } else valid.push(row);
  }
  // The same name twice: both rows are bad (two users, two periods — which one was meant?).
  const byName = new Map<string, BulkRow[]>();
  for (const r of valid) byName.set(r.domain, [...(byName.get(r.domain) ?? []), r]);
  const dupLines = new Set<number>();
  for (const [, rows] of byName) {
    if (rows.length < 2) continue;
    const lines = rows.map((r) => r.line);
    for (const r of rows) {
      dupLines.add(r.line);
      const others = lines.filter((l) => l !== r.line).join(", ");
      invalid.push({
        line: r.line,
        domain: r.display,
        problems: [
          `domain: ${r.display} is also on line${lines.length > 2 ? "s" : ""} ${others}: keep one row`,
        ],
      });
    }
  }
  invalid.sort((a, b) => a.line - b.line);
  return { valid: valid.filter((r) => !dupLines.has(r.line)), invalid };
}

/** The name in its wire (ASCII) form, or undefined with the problem noted. IDN names are welcome. */
function domainOf(written: string, problems: string[]): string | undefined {
  if (written === "") {
    problems.push("domain: is required");
    return undefined;
  }
  const r = operations["domain/info"].input.safeParse({ name: written });
  if (!r.success || !r.data) {
    problems.push(`domain: "${written}" is not a valid domain name`);
    return undefined;
  }
  return String((r.data as { name: string }).name);
}

function userOf(written: string, problems: string[]): number | undefined {
  if (written === "") {
    problems.push("user: is required (the registrant account id)");
    return undefined;
  }
  const n = /^\d{1,10}$/.test(written) ? Number(written) : Number.NaN;
  if (!(n >= 1 && n <= 4294967295)) {
    problems.push(`user: must be a registrant account id (a whole number from 1), not "${written}"`);
    return undefined;
  }
  return n;
}

function periodOf(written: string, problems: string[]): number | undefined {
  if (written === "") return 1;
  const n = /^\d{1,2}$/.test(written) ? Number(written) : Number.NaN;
  if (!(n >= 1 && n <= MAX_PERIOD)) {
    problems.push(`period: must be 1–${MAX_PERIOD} (years), not "${written}"`);
    return undefined;
  }
  return n;
}

/**
 * Nameservers of a register row: the `ns1`, `ns2`… cells in order (empty ones skipped), a host
 * with glue written `ns1.sklep.pl/192.0.2.1/2001:db8::1`; else `--ns` / `--ns-group`.
 * `columns[i]` names the column of host i, for messages.
 */
function nsOf(
  header: string[],
  cells: string[],
  defaults: RowDefaults,
  problems: string[],
): { value: NsInput; columns: string[] } | undefined {
  const hosts: Exclude<NsInput, { group: number }> = [];
  const columns: string[] = [];
  let bad = false;
  header.forEach((c, i) => {
    if (!NS_COLUMN.test(c)) return;
    const written = (cells[i] ?? "").trim();
    if (written === "") return;
    const [host = "", ...addresses] = written.split("/").map((s) => s.trim());
    const r = operations["domain/info"].input.safeParse({ name: host });
    if (!r.success) {
      problems.push(`${c}: "${host}" is not a valid host name`);
      bad = true;
      return;
    }
    const ipv4 = addresses.filter((a) => isIPv4(a));
    const ipv6 = addresses.filter((a) => isIPv6(a));
    const notIp = addresses.filter((a) => !isIPv4(a) && !isIPv6(a));
    if (notIp.length) {
      problems.push(`${c}: "${notIp.join('", "')}" is not an IP address (write host/ip/ip for glue)`);
      bad = true;
      return;
    }
    hosts.push(
      addresses.length
        ? { name: host, ...(ipv4.length ? { ipv4 } : {}), ...(ipv6.length ? { ipv6 } : {}) }
        : host,
    );
    columns.push(c);
  });
  if (bad) return undefined;
  if (hosts.length === 0) {
    if (defaults.nsGroup !== undefined) return { value: { group: defaults.nsGroup }, columns: [] };
    if (defaults.ns?.length) return { value: defaults.ns, columns: defaults.ns.map(() => "--ns") };
    problems.push("ns1, ns2: at least 2 nameservers are needed (columns ns1, ns2… or --ns / --ns-group)");
    return undefined;
  }
  if (hosts.length === 1) {
    problems.push(`${columns[0]}: at least 2 nameservers are needed, the row has 1`);
    return undefined;
  }
  return { value: hosts, columns };
}

/** What the SDK's own schema says about a row, each issue as `column: message`. */
function schemaIssues(
  name: "domain/create" | "domain/transfer",
  input: unknown,
  column: (path: PropertyKey[]) => string,
): string[] {
  const r = operations[name].input.safeParse(input);
  if (r.success) return [];
  return r.error.issues.map((i) => `${i.path.length ? column(i.path) : "row"}: ${i.message}`);
}
