export { type HostingCostInput, type HostingCostResult, setHostingCost } from "./hosting.js";
export { isPlFamily, POLISH_LETTERS, slugOf, tldProblem, toLabel } from "./names.js";
export { assertSellable, offeredKinds, setServiceKindOffered } from "./offered.js";
export { AVAILABILITY_BATCH, type AvailabilityPort, type AvailabilityStatus } from "./ports.js";
export { isSslTrial, SSL_PRODUCTS, SSL_TRIAL_PRODUCTS, type SslProduct } from "./products.js";
export {
  DEFAULT_TLD_GROUPS,
  DEFAULT_TLDS,
  type SeedResult,
  type SeedTld,
  seedDefaultCatalog,
} from "./seed.js";
export {
  DOMAIN_OPERATIONS,
  type DomainOperation,
  deactivateService,
  defaultServiceName,
  type EnsureCatalogResult,
  ensureCatalogForTld,
  getService,
  listServices,
  OPTION_PERIODS,
  SERVICE_KINDS,
  SERVICE_OPERATIONS,
  type Service,
  type ServiceFilter,
  type ServiceInput,
  type ServiceKind,
  type ServiceOperation,
  SSL_MAX_PERIOD,
  serviceCodeOf,
  upsertService,
} from "./services.js";
export {
  MAX_SUGGESTIONS,
  type NameSuggestion,
  queryBase,
  type SuggestInput,
  type SuggestOptions,
  suggestNames,
} from "./suggest.js";
export {
  deleteTldGroup,
  getTldGroup,
  listTldGroups,
  type TldGroup,
  type TldGroupInput,
  upsertTldGroup,
} from "./tld-groups.js";
export {
  ADDITIONAL_DATA,
  type AdditionalData,
  deleteTld,
  getTld,
  listTlds,
  type Tld,
  type TldFilter,
  type TldGrace,
  type TldInput,
  tldPeriods,
  upsertTld,
} from "./tlds.js";
export { foldWords, matchesWords } from "./words.js";
