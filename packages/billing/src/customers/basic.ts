/**
 * The first customers API (name and price group), kept so existing imports keep working: it is
 * now the full customer of customers.ts. New code imports from ./index.js.
 */
export { assignPriceGroup, type Customer, createCustomer, getCustomer } from "./customers.js";
export type { CreateCustomerInput } from "./input.js";
