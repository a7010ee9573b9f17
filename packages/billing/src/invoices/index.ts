export { isEuReverseCharge, type ReverseChargeBuyer } from "../documents/reverse-charge.js";
export {
  type AmountInWordsOptions,
  amountInWords,
  integerToWordsPl,
  type NumberInWordsOptions,
  pluralPl,
} from "./amount-in-words.js";
export { type CorrectionLineChange, type IssueCorrectionInput, issueCorrection } from "./corrections.js";
export {
  type InvoiceDuplicate,
  type IssueDuplicateInput,
  issueDuplicate,
  listDuplicates,
} from "./duplicates.js";
export { type IssueInvoiceInput, issueInvoiceForProforma } from "./issue.js";
export {
  getInvoiceKsefState,
  type InvoiceKsefState,
  KSEF_NUMBER,
  setInvoiceKsefState,
} from "./ksef-state.js";
export {
  findInvoiceForProforma,
  getInvoice,
  type InvoiceSummary,
  type ListInvoicesInput,
  listInvoices,
} from "./read.js";
export type { ExchangeRate } from "./shared.js";
