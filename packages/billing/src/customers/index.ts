export {
  CONSENT_CHANNELS,
  CONSENT_KINDS,
  type ConsentChannel,
  type ConsentedCustomer,
  type ConsentKind,
  type ConsentRecord,
  type CurrentConsents,
  type CustomersWithConsentOptions,
  consentHistory,
  currentConsents,
  customersWithConsent,
  type RecordConsentInput,
  recordConsent,
} from "./consents.js";
export {
  assignPriceGroup,
  type Customer,
  type CustomerAddress,
  type CustomerAddresses,
  createCustomer,
  customerParty,
  getCustomer,
  type ImportCustomersOptions,
  type ImportCustomersResult,
  importCustomers,
  type PartyRole,
  type PayerAddress,
  updateCustomer,
} from "./customers.js";
export {
  EU_VAT_FORMATS,
  normaliseNip,
  normalisePhone,
  peselBirthDate,
  peselChecksumOk,
} from "./identity.js";
export {
  type AddressesInput,
  type AddressInput,
  type CreateCustomerInput,
  CUSTOMER_TYPES,
  type CustomerType,
  type EuVatNumber,
  type PayerInput,
  type UpdateCustomerInput,
} from "./input.js";
export {
  type CustomerPage,
  type CustomerSummary,
  type SearchCustomersInput,
  searchCustomers,
} from "./search.js";
export {
  type AddCustomerServiceInput,
  addCustomerService,
  CUSTOMER_SERVICE_STATUSES,
  type CustomerService,
  type CustomerServiceStatus,
  getCustomerService,
  listCustomerServices,
  type ServicesExpiringInput,
  servicesExpiringBetween,
  type UpdateCustomerServiceInput,
  updateCustomerService,
} from "./services.js";
export { foldText, searchText } from "./terms.js";
