/**
 * Bank statement import and reconciliation: each credit on the statement is matched to a proforma
 * (by the number in its title, else by amount from a known payer) and recorded as a payment; what
 * cannot be matched waits on the partner's unmatched list.
 *
 * Idempotent twice over: the file's sha256 makes a statement imported again a no-op (the first
 * result comes back), and each entry's key makes an entry shown by two overlapping statements one
 * entry. The whole file is imported in one transaction: a failure leaves nothing half-imported.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingConflictError, BillingError, BillingNotFoundError } from "../errors.js";
import { type Currency, type Money, money, toDecimal } from "../money/money.js";
import { parseInput } from "../validate.js";
import {
  CSV_PRESETS,
  type CsvMapping,
  type CsvPresetName,
  csvOptionSchema,
  parseCsvStatement,
} from "./csv.js";
import { STATEMENT_ENCODINGS, type StatementEncoding } from "./encoding.js";
import { findProformaNumbers } from "./match.js";
import {
  atSchema,
  evenWithIssues,
  idSchema,
  integerSchema,
  type PaymentResult,
  PROFORMA_COLUMNS,
  type ProformaRow,
  progressSchema,
} from "./model.js";
import { parseMt940 } from "./mt940.js";
import { notPayable, recordPaymentTx } from "./record.js";
import { entryKeys, type ParsedStatement, type StatementEntry } from "./statement.js";

export type StatementEntryStatus = "matched" | "unmatched" | "ignored";

/**
 * - `partial`: the transfer paid less than the proforma owed;
 * - `overpaid`: it paid more, the excess is the customer's balance;
 * - `not_payable`: the proforma is cancelled, expired or already paid: the money is balance;
 * - `several_proformas`: the title named several proformas, paid in title order.
 */
export type MatchFlag = "partial" | "overpaid" | "not_payable" | "several_proformas";

export interface ImportedStatementEntry {
  /** The entry's row; for a duplicate, the row made by the import that saw it first. */
  entryId: number;
  entryKey: string;
  /** `duplicate`: an earlier statement had this entry; nothing was done with it this time. */
  status: StatementEntryStatus | "duplicate";
  bookedOn: string;
  /** Signed: debits negative. */
  amount: Money;
  title: string;
  counterparty: string | null;
  counterpartyAccount: string | null;
  matchedBy: "number" | "amount" | null;
  /** The proforma numbers the title named (or the one matched by amount). */
  proformaNumbers: string[];
  paymentIds: number[];
  flags: MatchFlag[];
  note: string | null;
}

export interface StatementImportResult {
  statementId: number;
  /** True when this very file had been imported before: the first import's result, nothing changed. */
  alreadyImported: boolean;
  format: "mt940" | "csv";
  encoding: StatementEncoding;
  fileHash: string;
  account: string | null;
  /** Entries in the file, and how they ended. */
  entries: number;
  matched: number;
  unmatched: number;
  ignored: number;
  duplicates: number;
  items: ImportedStatementEntry[];
}

export interface ImportStatementInput {
  content: Uint8Array;
  format: "mt940" | "csv";
  /** For `csv`: a preset name or a column mapping. */
  csv?: CsvPresetName | CsvMapping;
  /** Default `auto` (MT940; a CSV mapping has its own). */
  encoding?: StatementEncoding | "auto";
  /** The import's moment (`bank_statements.imported_at`). */
  at: Date;
}

export interface StatementImportOptions {
  /** Called after each entry with (entries done, entries in the file). */
  onProgress?: (done: number, total: number) => void;
}

const importSchema = z
  .strictObject({
    content: z
      .custom<Uint8Array>((v) => v instanceof Uint8Array, "must be the file's bytes (a Buffer)")
      .refine((v) => v.length > 0, "must not be empty"),
    format: z.enum(["mt940", "csv"], 'must be "mt940" or "csv"'),
    csv: csvOptionSchema.optional(),
    encoding: z.enum([...STATEMENT_ENCODINGS, "auto"]).optional(),
    at: atSchema,
  })
  .superRefine((v, ctx) => {
    if (v.format === "csv" && v.csv === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["csv"],
        message: 'required for format "csv": a preset or a mapping',
      });
    }
    if (v.format === "mt940" && v.csv !== undefined) {
      ctx.addIssue({ code: "custom", path: ["csv"], message: 'only for format "csv"' });
    }
  }, evenWithIssues);

const optionsSchema = z.strictObject({ onProgress: progressSchema.optional() });

/** A booking day as a moment: noon UTC is the same calendar day in Warsaw all year. */
const dayMoment = (day: string) => new Date(`${day}T12:00:00Z`);

const fmt = (m: Money) => `${toDecimal(m)} ${m.currency}`;

interface Outcome {
  status: StatementEntryStatus;
  matchedBy: ImportedStatementEntry["matchedBy"];
  proformaNumbers: string[];
  paymentIds: number[];
  flags: MatchFlag[];
  note: string | null;
}

/** Pays the proformas in title order, each up to what it owes; the last one takes the rest. */
async function payProformas(
  tx: Db,
  e: StatementEntry,
  key: string,
  entryId: number,
  proformas: ProformaRow[],
  by: "number" | "amount",
): Promise<Outcome> {
  const currency = e.amount.currency;
  const receivedAt = dayMoment(e.bookedOn);
  let left = e.amount.amount;
  const paymentIds: number[] = [];
  const flags = new Set<MatchFlag>(proformas.length > 1 ? ["several_proformas"] : []);
  const notes: string[] = [];
  for (const [i, p] of proformas.entries()) {
    const last = i === proformas.length - 1;
    const owed = notPayable(p, e.bookedOn) ? 0 : p.gross - p.paid;
    const share = last ? left : Math.min(left, owed);
    if (share <= 0) continue;
    const r: PaymentResult = await recordPaymentTx(
      tx,
      {
        proformaId: p.id,
        method: "transfer",
        amount: money(share, currency),
        receivedAt,
        reference: i === 0 ? key : `${key}#p${i + 1}`,
        title: e.title.slice(0, 1000) || undefined,
      },
      entryId,
    );
    left -= share;
    paymentIds.push(r.payment.id);
    if (r.outcome === "partial") {
      flags.add("partial");
      notes.push(`partial payment of ${p.number}: ${fmt(r.proforma!.outstanding)} still to pay`);
    } else if (r.outcome === "overpaid") flags.add("overpaid");
    else if (r.outcome === "balance") flags.add("not_payable");
    if (r.note) notes.push(r.note);
  }
  return {
    status: "matched",
    matchedBy: by,
    proformaNumbers: proformas.map((p) => p.number),
    paymentIds,
    flags: [...flags],
    note: notes.length > 0 ? notes.join("; ") : null,
  };
}

async function matchCredit(
  tx: Db,
  e: StatementEntry,
  key: string,
  entryId: number,
  patterns: string[],
): Promise<Outcome> {
  const currency = e.amount.currency;
  const unmatched = (note: string, numbers: string[] = []): Outcome => ({
    status: "unmatched",
    matchedBy: null,
    proformaNumbers: numbers,
    paymentIds: [],
    flags: [],
    note,
  });
  const notes: string[] = [];
  const numbers = findProformaNumbers([e.title, e.titleCompact], patterns);
  if (numbers.length > 0) {
    const { rows } = await tx.query<ProformaRow>(
      `SELECT ${PROFORMA_COLUMNS} FROM proformas WHERE number = ANY($1::text[])`,
      [numbers],
    );
    const found = numbers.flatMap((n) => rows.filter((r) => r.number === n));
    const foreign = found.find((p) => p.currency !== currency);
    if (foreign) {
      return unmatched(
        `proforma ${foreign.number} is in ${foreign.currency}, the transfer in ${currency}`,
        numbers,
      );
    }
    if (found.length > 0) return payProformas(tx, e, key, entryId, found, "number");
    notes.push(`the title names ${numbers.join(", ")}, which no proforma has`);
  } else {
    notes.push("no proforma number in the title");
  }

  // By amount: only from an account that paid for exactly one customer before, and only when that
  // customer has exactly one open proforma of exactly this amount.
  if (e.counterpartyAccount) {
    const customers = await tx.query<{ customer_id: number }>(
      `SELECT DISTINCT p.customer_id FROM statement_entries se JOIN payments p ON p.id = se.payment_id
       WHERE se.counterparty_account = $1 AND se.payment_id IS NOT NULL AND se.id <> $2 LIMIT 2`,
      [e.counterpartyAccount, entryId],
    );
    if (customers.rows.length === 1) {
      const customerId = customers.rows[0]!.customer_id;
      const open = await tx.query<ProformaRow>(
        `SELECT ${PROFORMA_COLUMNS} FROM proformas
         WHERE customer_id = $1 AND status = 'issued' AND currency = $2 AND gross - paid = $3
           AND (paid > 0 OR due_date >= $4)
         ORDER BY id LIMIT 2`,
        [customerId, currency, e.amount.amount, e.bookedOn],
      );
      if (open.rows.length === 1) {
        return payProformas(tx, e, key, entryId, open.rows, "amount");
      }
      notes.push(
        open.rows.length === 0
          ? `the account paid for customer ${customerId} before, who has no open proforma of ${fmt(e.amount)}`
          : `the account paid for customer ${customerId} before, who has several open proformas of ${fmt(e.amount)}`,
      );
    } else if (customers.rows.length > 1) {
      notes.push("the account paid for several customers before");
    }
  }
  return unmatched(notes.join("; "), numbers);
}

function ignoredNote(e: StatementEntry): string {
  if (e.mark === "RC")
    return "reversal of a credit: if it takes back a recorded payment, correct that by hand";
  if (e.mark === "RD") return "reversal of a debit (money of ours returned)";
  return e.amount.amount === 0 ? "zero amount" : "debit";
}

interface StoredResult extends Omit<StatementImportResult, "alreadyImported"> {}

async function firstResult(db: Db, hash: string): Promise<StatementImportResult | null> {
  const { rows } = await db.query<{ result: StoredResult | null }>(
    "SELECT result FROM bank_statements WHERE file_hash = $1",
    [hash],
  );
  const stored = rows[0]?.result;
  return stored ? { ...stored, alreadyImported: true } : null;
}

/**
 * Imports a bank statement (MT940 or CSV) and matches its credits to proformas:
 * - the proforma number in the title (any case, spaces/dashes/slashes, leading zeros) → a
 *   `transfer` payment with `reference` = the entry key: full, partial (`partial`) or over
 *   (`overpaid`, the excess to the balance); a cancelled or expired proforma's money goes to the
 *   balance (`not_payable`). Several numbers in one title are paid in title order;
 * - no (known) number: the one open proforma of exactly that amount of the one customer who paid
 *   from the same account before;
 * - else `unmatched`, with a note, for unmatchedEntries/assignEntry. Debits and reversals are
 *   `ignored`.
 * The same file again returns the first result with `alreadyImported: true` and writes nothing.
 * A malformed file is a BillingValidationError on `content` naming every bad line.
 */
export async function importStatement(
  db: Db,
  input: ImportStatementInput,
  options: StatementImportOptions = {},
): Promise<StatementImportResult> {
  const v = parseInput("importStatement", importSchema, input);
  const { onProgress } = parseInput("importStatement", optionsSchema, options);
  const hash = createHash("sha256").update(v.content).digest("hex");
  const before = await firstResult(db, hash);
  if (before) return before;

  let parsed: ParsedStatement;
  if (v.format === "mt940") parsed = parseMt940(v.content, { encoding: v.encoding ?? "auto" });
  else {
    const mapping: CsvMapping = typeof v.csv === "string" ? CSV_PRESETS[v.csv] : v.csv!;
    parsed = parseCsvStatement(v.content, v.encoding ? { ...mapping, encoding: v.encoding } : mapping);
  }
  const keys = entryKeys(parsed.entries);
  const total = parsed.entries.length;

  const result = await db.transaction(async (tx): Promise<StatementImportResult | null> => {
    const created = await tx.query<{ id: number }>(
      `INSERT INTO bank_statements (format, file_hash, account, imported_at, encoding, entries)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (file_hash) DO NOTHING RETURNING id`,
      [parsed.format, hash, parsed.account, v.at, parsed.encoding, total],
    );
    // Another process imported the same file in the meantime: its result stands.
    if (!created.rows[0]) return null;
    const statementId = created.rows[0].id;
    const patterns = (
      await tx.query<{ pattern: string }>("SELECT pattern FROM document_series WHERE kind = 'proforma'")
    ).rows.map((r) => r.pattern);

    const items: ImportedStatementEntry[] = [];
    for (const [i, e] of parsed.entries.entries()) {
      const key = keys[i]!;
      const base = {
        entryKey: key,
        bookedOn: e.bookedOn,
        amount: e.amount,
        title: e.title,
        counterparty: e.counterparty,
        counterpartyAccount: e.counterpartyAccount,
      };
      const credit = e.mark === "C" && e.amount.amount > 0;
      const inserted = await tx.query<{ id: number }>(
        `INSERT INTO statement_entries
           (statement_id, entry_key, booked_on, amount, currency, title, counterparty, counterparty_account, status, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (entry_key) DO NOTHING RETURNING id`,
        [
          statementId,
          key,
          e.bookedOn,
          e.amount.amount,
          e.amount.currency,
          e.title,
          e.counterparty,
          e.counterpartyAccount,
          credit ? "unmatched" : "ignored",
          credit ? null : ignoredNote(e),
        ],
      );
      const entryId = inserted.rows[0]?.id;
      let outcome: Outcome;
      if (entryId === undefined) {
        const { rows } = await tx.query<{ id: number; statement_id: number }>(
          "SELECT id, statement_id FROM statement_entries WHERE entry_key = $1",
          [key],
        );
        items.push({
          ...base,
          entryId: rows[0]!.id,
          status: "duplicate",
          matchedBy: null,
          proformaNumbers: [],
          paymentIds: [],
          flags: [],
          note: `already imported with statement ${rows[0]!.statement_id}`,
        });
        onProgress?.(i + 1, total);
        continue;
      }
      if (!credit) {
        outcome = {
          status: "ignored",
          matchedBy: null,
          proformaNumbers: [],
          paymentIds: [],
          flags: [],
          note: ignoredNote(e),
        };
      } else {
        try {
          // a savepoint: a refused payment leaves the entry unmatched and the import going
          outcome = await tx.transaction((sp) => matchCredit(sp, e, key, entryId, patterns));
        } catch (err) {
          if (!(err instanceof BillingError)) throw err;
          outcome = {
            status: "unmatched",
            matchedBy: null,
            proformaNumbers: [],
            paymentIds: [],
            flags: [],
            note: err.message,
          };
        }
        await tx.query("UPDATE statement_entries SET status = $2, note = $3, payment_id = $4 WHERE id = $1", [
          entryId,
          outcome.status,
          outcome.note,
          outcome.paymentIds[0] ?? null,
        ]);
      }
      items.push({ ...base, entryId, ...outcome });
      onProgress?.(i + 1, total);
    }

    const count = (s: ImportedStatementEntry["status"]) => items.filter((it) => it.status === s).length;
    const stored: StoredResult = {
      statementId,
      format: parsed.format,
      encoding: parsed.encoding,
      fileHash: hash,
      account: parsed.account,
      entries: total,
      matched: count("matched"),
      unmatched: count("unmatched"),
      ignored: count("ignored"),
      duplicates: count("duplicate"),
      items,
    };
    await tx.query("UPDATE bank_statements SET matched = $2, result = $3::jsonb WHERE id = $1", [
      statementId,
      stored.matched,
      JSON.stringify(stored),
    ]);
    return { ...stored, alreadyImported: false };
  });
  if (total === 0) onProgress?.(0, 0);
  return result ?? (await firstResult(db, hash))!;
}

// ------------------------------------------------------------------------------------ the unmatched list

export interface StatementEntryRecord {
  id: number;
  statementId: number;
  entryKey: string;
  bookedOn: string;
  amount: Money;
  title: string;
  counterparty: string | null;
  counterpartyAccount: string | null;
  status: StatementEntryStatus;
  note: string | null;
  paymentId: number | null;
}

interface EntryRow {
  id: number;
  statement_id: number;
  entry_key: string;
  booked_on: string;
  amount: number;
  currency: Currency;
  title: string;
  counterparty: string | null;
  counterparty_account: string | null;
  status: StatementEntryStatus;
  note: string | null;
  payment_id: number | null;
}

const ENTRY_COLUMNS =
  "id, statement_id, entry_key, booked_on, amount, currency, title, counterparty, counterparty_account, status, note, payment_id";

const toEntry = (r: EntryRow): StatementEntryRecord => ({
  id: r.id,
  statementId: r.statement_id,
  entryKey: r.entry_key,
  bookedOn: r.booked_on,
  amount: money(r.amount, r.currency),
  title: r.title,
  counterparty: r.counterparty,
  counterpartyAccount: r.counterparty_account,
  status: r.status,
  note: r.note,
  paymentId: r.payment_id,
});

export interface UnmatchedEntriesInput {
  /** Entries after this id (the previous page's `nextAfterId`); default 0, the start. */
  afterId?: number;
  /** Default 50, at most 500. */
  limit?: number;
}

export interface UnmatchedPage {
  entries: StatementEntryRecord[];
  /** Pass as `afterId` for the next page; null on the last page. */
  nextAfterId: number | null;
  /** Unmatched entries in all. */
  total: number;
}

const unmatchedSchema = z.strictObject({
  afterId: integerSchema(0, 2_147_483_647).optional(),
  limit: integerSchema(1, 500).optional(),
});

/** The partner's list of credits no proforma was found for, oldest first, paged by id. */
export async function unmatchedEntries(db: Db, input: UnmatchedEntriesInput = {}): Promise<UnmatchedPage> {
  const v = parseInput("unmatchedEntries", unmatchedSchema, input);
  const limit = v.limit ?? 50;
  const { rows } = await db.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM statement_entries WHERE status = 'unmatched' AND id > $1 ORDER BY id LIMIT $2`,
    [v.afterId ?? 0, limit + 1],
  );
  const count = await db.query<{ n: number }>(
    "SELECT count(*)::int8 AS n FROM statement_entries WHERE status = 'unmatched'",
  );
  const page = rows.slice(0, limit);
  return {
    entries: page.map(toEntry),
    nextAfterId: rows.length > limit ? page[page.length - 1]!.id : null,
    total: count.rows[0]!.n,
  };
}

export interface AssignEntryInput {
  entryId: number;
  /** The proforma the transfer pays… */
  proformaId?: number;
  /** …or the customer whose balance it becomes. */
  customerId?: number;
  /** When the partner assigned it (kept in the entry's note). */
  at: Date;
}

export interface AssignEntryResult {
  entry: StatementEntryRecord;
  payment: PaymentResult;
}

const assignSchema = z
  .strictObject({
    entryId: idSchema,
    proformaId: idSchema.optional(),
    customerId: idSchema.optional(),
    at: atSchema,
  })
  .superRefine((v, ctx) => {
    if ((v.proformaId === undefined) === (v.customerId === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [v.proformaId === undefined ? "proformaId" : "customerId"],
        message: "give proformaId or customerId (exactly one)",
      });
    }
  }, evenWithIssues);

async function lockUnmatched(tx: Db, entryId: number): Promise<EntryRow> {
  const { rows } = await tx.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM statement_entries WHERE id = $1 FOR UPDATE`,
    [entryId],
  );
  const row = rows[0];
  if (!row) throw new BillingNotFoundError(`statement entry ${entryId}`);
  if (row.status !== "unmatched") {
    throw new BillingConflictError(
      `statement entry ${entryId} is ${row.status}, not unmatched`,
      "not_unmatched",
    );
  }
  return row;
}

/**
 * Matches an unmatched entry by hand: records it as a transfer for the proforma (the same rules
 * as recordPayment: partial, overpaid, a cancelled or expired proforma's money to the balance) or
 * for the customer's balance. Refused when the entry is not `unmatched` (`not_unmatched`), and as
 * recordPayment refuses (another currency, unknown proforma or customer); nothing is written then.
 */
export async function assignEntry(db: Db, input: AssignEntryInput): Promise<AssignEntryResult> {
  const v = parseInput("assignEntry", assignSchema, input);
  return db.transaction(async (tx) => {
    const row = await lockUnmatched(tx, v.entryId);
    const payment = await recordPaymentTx(
      tx,
      {
        ...(v.proformaId !== undefined ? { proformaId: v.proformaId } : { customerId: v.customerId }),
        method: "transfer",
        amount: money(row.amount, row.currency),
        receivedAt: dayMoment(row.booked_on),
        reference: row.entry_key,
        title: row.title.slice(0, 1000) || undefined,
      },
      row.id,
    );
    const note = [`assigned by hand on ${v.at.toISOString()}`, payment.note].filter(Boolean).join("; ");
    const updated = await tx.query<EntryRow>(
      `UPDATE statement_entries SET status = 'matched', payment_id = $2, note = $3 WHERE id = $1
       RETURNING ${ENTRY_COLUMNS}`,
      [row.id, payment.payment.id, note],
    );
    await tx.query("UPDATE bank_statements SET matched = matched + 1 WHERE id = $1", [row.statement_id]);
    return { entry: toEntry(updated.rows[0]!), payment };
  });
}

export interface IgnoreEntryInput {
  entryId: number;
  /** Why (a transfer that is not a customer's payment, a return…). */
  reason: string;
  at: Date;
}

const ignoreSchema = z.strictObject({
  entryId: idSchema,
  reason: z.string().trim().min(1, "must not be empty").max(500),
  at: atSchema,
});

/** Takes an unmatched entry off the list without recording a payment (status `ignored`). */
export async function ignoreEntry(db: Db, input: IgnoreEntryInput): Promise<StatementEntryRecord> {
  const v = parseInput("ignoreEntry", ignoreSchema, input);
  return db.transaction(async (tx) => {
    const row = await lockUnmatched(tx, v.entryId);
    const { rows } = await tx.query<EntryRow>(
      `UPDATE statement_entries SET status = 'ignored', note = $2 WHERE id = $1 RETURNING ${ENTRY_COLUMNS}`,
      [row.id, `ignored by hand on ${v.at.toISOString()}: ${v.reason}`],
    );
    return toEntry(rows[0]!);
  });
}
