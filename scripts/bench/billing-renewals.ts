// The renewal run over 100 000 services expiring in the window, on PGlite and (when DATABASE_URL is
// set) on PostgreSQL: time, proformas per second, and the time of a second run (which must make
// nothing). Baseline in the same run: storing as many proforma rows and lines with plain
// INSERT … SELECT generate_series statements — the database work no renewal run can avoid.
// `npx tsx scripts/bench/billing-renewals.ts`
import { randomBytes } from "node:crypto";
import type { Db } from "../../packages/billing/src/db/db.js";
import { openDb } from "../../packages/billing/src/db/open.js";
import { setSellerSettings } from "../../packages/billing/src/documents/settings.js";
import { runRenewals } from "../../packages/billing/src/proformas/index.js";

export interface RenewalsBenchRow {
  driver: string;
  services: number;
  "run s": number;
  "proformas/s": number;
  "baseline s": number;
  "baseline rows/s": number;
  "run ÷ baseline (time)": number;
  "second run s": number;
  "second run created": number;
}

export interface RenewalsBenchOptions {
  /** Services expiring in the window; default 100 000. */
  services?: number;
  /** Services per transaction of the run; default 1000 (runRenewals' default). */
  batchSize?: number;
  /** PostgreSQL URL; default DATABASE_URL. PGlite always runs. */
  url?: string;
  /** Progress lines on stderr. */
  verbose?: boolean;
}

const AT = new Date("2026-03-15T10:00:00Z");

async function seed(db: Db, services: number): Promise<void> {
  const customers = Math.max(1, Math.floor(services / 10));
  await db.exec(`
    INSERT INTO tlds (tld, register_periods, renew_periods) VALUES ('pl', '{1,2,3}', '{1,2,3}');
    INSERT INTO services (code, kind, operation, tld, name, periods) VALUES
      ('domain.pl.register', 'domain', 'register', 'pl', 'Rejestracja domeny .pl', '{1,2,3}'),
      ('domain.pl.renew', 'domain', 'renew', 'pl', 'Odnowienie domeny .pl', '{1,2,3}');
    INSERT INTO price_groups (id, name, is_default) VALUES (1, 'Standard', true);
    INSERT INTO prices (group_id, service_id, period, net, source)
      SELECT 1, id, p, 7999 * p, 'manual' FROM services, generate_series(1, 3) AS p WHERE operation = 'renew';
    INSERT INTO customers (id, name, price_group_id)
      SELECT g, 'Klient ' || g, 1 FROM generate_series(1, ${customers}) AS g;
    INSERT INTO customer_addresses (customer_id, kind, name, street, postcode, city)
      SELECT g, 'correspondence', 'Klient ' || g, 'ul. Testowa ' || g, '00-001', 'Warszawa'
      FROM generate_series(1, ${customers}) AS g;
    INSERT INTO customer_services (customer_id, service_id, name, status, period, starts_on, expires_on)
      SELECT 1 + g % ${customers}, s.id, 'domena-' || g || '.pl', 'active', 1 + g % 3, '2025-04-01',
             DATE '2026-03-15' + (g % 31)
      FROM generate_series(1, ${services}) AS g, services s WHERE s.code = 'domain.pl.register';
    ANALYZE;`);
  await setSellerSettings(db, {
    name: "Hosting Wisła sp. z o.o.",
    nip: "1234563218",
    address: { street: "ul. Długa 1", postcode: "00-950", city: "Warszawa", country: "PL" },
    bankAccount: "61109010140000071219812874",
    email: "faktury@wisla.example",
  });
}

/** Plain INSERTs of as many proformas (one line each) as the run makes, rolled back afterwards. */
async function baseline(db: Db, n: number): Promise<number> {
  let elapsed = 0;
  await db
    .transaction(async (tx) => {
      const t0 = performance.now();
      await tx.query(
        `INSERT INTO proformas (number, series_id, customer_id, origin, issue_date, due_date, seller, buyer,
           bank_account, transfer_title, net, vat, gross, vat_breakdown, renewal_key)
         SELECT 'BASE/' || g, (SELECT id FROM document_series WHERE kind = 'proforma' AND is_default),
                1, 'renewal', '2026-03-15', '2026-03-29', '{"name":"Seller"}', '{"name":"Buyer"}',
                '61109010140000071219812874', 'Proforma BASE/' || g, 7999, 1840, 9839,
                '[{"rate":"23","net":7999,"vat":1840,"gross":9839}]', 'base:' || g
         FROM generate_series(1, $1::int) AS g`,
        [n],
      );
      await tx.query(
        `INSERT INTO proforma_lines (proforma_id, position, name, quantity, unit_net, net, vat_rate, vat, gross)
         SELECT id, 1, 'domena.pl', 1, 7999, 7999, '23', 1840, 9839 FROM proformas WHERE number LIKE 'BASE/%'`,
      );
      elapsed = performance.now() - t0;
      throw new Error("rollback");
    })
    .catch((err: unknown) => {
      if (!(err instanceof Error && err.message === "rollback")) throw err;
    });
  return elapsed / 1000;
}

async function benchOn(driver: string, db: Db, options: RenewalsBenchOptions): Promise<RenewalsBenchRow> {
  const services = options.services ?? 100_000;
  await seed(db, services);
  const base = await baseline(db, services);
  let lastReport = 0;
  const t0 = performance.now();
  const first = await runRenewals(db, {
    at: AT,
    batchSize: options.batchSize,
    onProgress: (done, total) => {
      if (options.verbose && performance.now() - lastReport > 2000) {
        lastReport = performance.now();
        process.stderr.write(`${driver}: ${done}/${total}\n`);
      }
    },
  });
  const run = (performance.now() - t0) / 1000;
  if (first.created !== services || first.skipped.length > 0) {
    throw new Error(`expected ${services} proformas, got ${first.created} (${first.skipped.length} skipped)`);
  }
  const t1 = performance.now();
  const second = await runRenewals(db, { at: AT, batchSize: options.batchSize });
  const again = (performance.now() - t1) / 1000;
  const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    driver,
    services,
    "run s": round(run),
    "proformas/s": Math.round(services / run),
    "baseline s": round(base),
    "baseline rows/s": Math.round(services / base),
    "run ÷ baseline (time)": round(run / base, 1),
    "second run s": round(again),
    "second run created": second.created,
  };
}

export async function benchBillingRenewals(options: RenewalsBenchOptions = {}): Promise<RenewalsBenchRow[]> {
  const rows: RenewalsBenchRow[] = [];
  const lite = await openDb({ url: "" });
  try {
    rows.push(await benchOn("pglite", lite, options));
  } finally {
    await lite.close();
  }
  const url = options.url ?? process.env.DATABASE_URL;
  if (url) {
    const pg = await openDb({ url, schema: `bench_${randomBytes(4).toString("hex")}` });
    try {
      rows.push(await benchOn("pg", pg, options));
    } finally {
      await pg.query(`DROP SCHEMA "${pg.schema}" CASCADE`);
      await pg.close();
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.table(await benchBillingRenewals({ verbose: true }));
