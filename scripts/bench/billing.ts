// `npm run bench` (second half): the billing benchmarks, on PGlite and — when DATABASE_URL is
// set — on PostgreSQL, each with its baseline measured in the same run. BENCH_ONLY=quote,pdf
// runs a subset.
import { benchBillingCustomers } from "./billing-customers.js";
import { benchBillingImport } from "./billing-import.js";
import { benchBillingInvoices } from "./billing-invoices.js";
import { benchBillingPdf } from "./billing-pdf.js";
import { benchBillingQuote } from "./billing-quote.js";
import { benchBillingRenewals } from "./billing-renewals.js";

const only = process.env.BENCH_ONLY?.split(",");
const runs: [string, string, () => Promise<unknown>][] = [
  [
    "import",
    "wholesale import (≥ 500 services) + recalculation of a 25% .99 group, vs one-row INSERTs",
    () => benchBillingImport(),
  ],
  [
    "quote",
    "quotes per second, 20-line order with 3 applying promotions, vs plain SELECTs of the prices",
    () => benchBillingQuote(),
  ],
  [
    "customers",
    "search and paging at 100 000 customers, vs a primary-key lookup",
    () => benchBillingCustomers(),
  ],
  [
    "renewals",
    "renewal run over 100 000 services, vs plain INSERTs of the proformas",
    () => benchBillingRenewals(),
  ],
  [
    "invoices",
    "invoices issued per second, 1 and 8 issuers, gaps and duplicates checked",
    () => benchBillingInvoices(),
  ],
  ["pdf", "PDFs rendered per second, vs a one-paragraph pdfmake document", () => benchBillingPdf()],
];
for (const [key, title, run] of runs) {
  if (only && !only.includes(key)) continue;
  console.log(`== billing: ${title} ==`);
  console.table(await run());
}
if (!process.env.DATABASE_URL) console.log("(PGlite only: set DATABASE_URL to measure PostgreSQL too)");
