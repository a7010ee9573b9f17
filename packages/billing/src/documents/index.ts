export { addDays, addMonths, addYears, warsawDate } from "./dates.js";
export {
  allocateNumber,
  allocateNumbers,
  formatNumber,
  getSeries,
  listSeries,
  periodKey,
  type Series,
  type SeriesKind,
  upsertSeries,
} from "./numbering.js";
export {
  addressSchema,
  getBillingSettings,
  getSellerSettings,
  nipChecksumOk,
  setBillingSettings,
  setSellerSettings,
} from "./settings.js";
export {
  type Address,
  type BillingSettings,
  DEFAULT_BILLING_SETTINGS,
  type DocumentLine,
  type ExemptionBasis,
  type FramesBanner,
  type InvoiceDocument,
  type Party,
  type ProformaDocument,
  type RenderMode,
  type SellerSettings,
  UNIT_OF_MEASURE,
  type VatGroup,
} from "./types.js";
