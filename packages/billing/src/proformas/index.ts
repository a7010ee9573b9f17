export {
  cancelProforma,
  type EditLineInput,
  type ExpireResult,
  expireProformas,
  type UpdateProformaInput,
  updateProforma,
} from "./lifecycle.js";
export type { AmountInput as ProformaAmountInput, ManualLineInput } from "./lines.js";
export { type CreateManualProformaInput, createManualProforma } from "./manual.js";
export {
  type CreateProformaForOrderInput,
  createProformaForOrder,
  type ProformaForOrderResult,
} from "./order.js";
export { findProformaByNumber, getProforma, type ListProformasInput, listProformas } from "./queries.js";
export {
  type RenewalRunResult,
  type RenewalSkip,
  type RenewalSkipCode,
  type RunRenewalsInput,
  runRenewals,
} from "./renewals.js";
export { transferTitleOf } from "./store.js";
export type {
  Proforma,
  ProformaLine,
  ProformaOperation,
  ProformaOrigin,
  ProformaPage,
  ProformaStatus,
  ProformaSummary,
} from "./types.js";
