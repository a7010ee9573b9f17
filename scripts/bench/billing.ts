// `npm run bench` (second half): the billing benchmarks, on PGlite and — when DATABASE_URL is
// set — on PostgreSQL, each with its baseline measured in the same run.
import { benchBillingImport } from "./billing-import.js";
import { benchBillingQuote } from "./billing-quote.js";

console.log(
  "== billing: wholesale import (≥ 500 services) + recalculation of a 25% .99 group, vs one-row INSERTs ==",
);
console.table(await benchBillingImport());
console.log(
  "== billing: quotes per second, 20-line order with 3 applying promotions, vs plain SELECTs of the prices ==",
);
console.table(await benchBillingQuote());
if (!process.env.DATABASE_URL) console.log("(PGlite only: set DATABASE_URL to measure PostgreSQL too)");
