export * from "./accounts/index.js";
export * from "./activation/index.js";
export * from "./catalog/index.js";
export * from "./customers/index.js";
export type { Db, OpenDbOptions, QueryResult, Row, TransactionOptions } from "./db/db.js";
export { type MigrationReport, migrate } from "./db/migrate.js";
export { MIGRATIONS, type Migration } from "./db/migrations.js";
export { openDb } from "./db/open.js";
export * from "./documents/index.js";
export {
  BillingConflictError,
  BillingError,
  BillingNotFoundError,
  BillingValidationError,
  type FieldIssue,
} from "./errors.js";
export * from "./invoices/index.js";
export * from "./ksef/index.js";
export * from "./mail/index.js";
export {
  add,
  allocate,
  CURRENCIES,
  type Currency,
  compare,
  divideRoundHalfUp,
  formatMoney,
  type Money,
  MoneyError,
  money,
  negate,
  parseDecimal,
  scale,
  subtract,
  sum,
  times,
  toDecimal,
  zero,
} from "./money/money.js";
export {
  computeVat,
  grossOf,
  netOf,
  VAT_RATE_CODES,
  VAT_RATES,
  type VatBreakdown,
  type VatLine,
  type VatLineInput,
  type VatRate,
  type VatRateCode,
  vatRate,
} from "./money/vat.js";
export * from "./notify/index.js";
export * from "./payments/index.js";
export * from "./prices/index.js";
export * from "./proformas/index.js";
export * from "./promotions/index.js";
export * from "./quote/index.js";
export * from "./render/index.js";
export { parseInput } from "./validate.js";
