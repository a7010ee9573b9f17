export {
  type CreatePriceGroupInput,
  createPriceGroup,
  deletePriceGroup,
  getDefaultPriceGroup,
  getPriceGroup,
  type ListPriceGroupsInput,
  listPriceGroups,
  type PriceGroup,
  setDefaultPriceGroup,
} from "./groups.js";
export {
  currentCost,
  type ImportWholesaleOptions,
  importWholesale,
  listWholesaleImports,
  type MappedPrice,
  type UnmappedPrice,
  type WholesaleHistoryEntry,
  type WholesaleImportResult,
  type WholesaleImportSummary,
  wholesaleHistory,
} from "./import.js";
export {
  type Price,
  type PriceForInput,
  type PriceListEntry,
  type PriceListFilter,
  priceFor,
  priceList,
  removePrice,
  type SetPriceInput,
  setPrice,
} from "./lookup.js";
export { hrdCertCode, hrdDomainCode, productSlug, RESERVATION_REASON } from "./mapping.js";
export type { WholesalePriceSource, WholesalePricing } from "./ports.js";
export {
  type RecalculateOptions,
  type RecalculateResult,
  recalculatePrices,
  type ServicePeriod,
} from "./recalculate.js";
export {
  exactNetFor,
  type Margin,
  type PricingFormula,
  priceFromCost,
  type Rounding,
  type RoundOn,
  roundUp,
} from "./rounding.js";
export {
  compareRules,
  deletePriceRule,
  type ListPriceRulesInput,
  listPriceRules,
  type PriceRule,
  type PriceRuleMatch,
  type RuleSpecificity,
  type RuleTarget,
  type SetPriceRuleInput,
  selectRule,
  setPriceRule,
} from "./rules.js";
