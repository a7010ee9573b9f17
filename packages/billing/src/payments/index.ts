export {
  CSV_PRESETS,
  type CsvColumn,
  type CsvMapping,
  type CsvPresetName,
  parseCsvStatement,
} from "./csv.js";
export { decodeCp852, decodeStatement, STATEMENT_ENCODINGS, type StatementEncoding } from "./encoding.js";
export {
  type AssignEntryInput,
  type AssignEntryResult,
  assignEntry,
  type IgnoreEntryInput,
  type ImportedStatementEntry,
  type ImportStatementInput,
  ignoreEntry,
  importStatement,
  type MatchFlag,
  type StatementEntryRecord,
  type StatementEntryStatus,
  type StatementImportOptions,
  type StatementImportResult,
  type UnmatchedEntriesInput,
  type UnmatchedPage,
  unmatchedEntries,
} from "./import.js";
export { findProformaNumbers } from "./match.js";
export type {
  Payment,
  PaymentMethod,
  PaymentOutcome,
  PaymentResult,
  ProformaPaymentState,
} from "./model.js";
export { type Mt940Options, parseMt940 } from "./mt940.js";
export {
  type ApplyBalanceInput,
  applyBalance,
  customerBalance,
  isPaid,
  type ListPaymentsInput,
  listPayments,
  type RecordPaymentInput,
  type RefundInput,
  type RefundResult,
  recordPayment,
  refund,
} from "./record.js";
export type { EntryMark, ParsedStatement, StatementEntry, StatementSection } from "./statement.js";
