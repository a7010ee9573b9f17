// Quotes per second for a 20-line order with 3 promotions that apply and 5 that do not, on PGlite
// and (when DATABASE_URL is set) on PostgreSQL. Baseline in the same run: as many plain SELECTs
// of the same 20 prices — the database work no quote can avoid. `npx tsx scripts/bench/billing-quote.ts`
import { randomBytes } from "node:crypto";
import type { Db } from "../../packages/billing/src/db/db.js";
import { openDb } from "../../packages/billing/src/db/open.js";
import { createPromotion } from "../../packages/billing/src/promotions/index.js";
import { type QuoteItem, quote } from "../../packages/billing/src/quote/index.js";

export interface QuoteBenchRow {
  driver: string;
  lines: number;
  quotes: number;
  "quotes/s": number;
  "baseline SELECTs/s": number;
  "quote ÷ baseline (time)": number;
  "promotions applied": number;
  "promotions not applied": number;
}

export interface QuoteBenchOptions {
  /** Quotes (and baseline SELECTs) timed per driver; default 300. */
  iterations?: number;
  /** PostgreSQL URL; default DATABASE_URL. PGlite always runs. */
  url?: string;
}

const TLDS = ["pl", "com", "net", "org", "eu", "info", "biz", "com.pl", "net.pl", "waw.pl"];
const AT = new Date("2026-03-15T12:00:00Z");

async function seed(db: Db): Promise<{ items: QuoteItem[]; codes: string[] }> {
  const values = TLDS.map((t) => `('${t}', '{1,2,3}', '{1,2,3}')`).join(", ");
  await db.exec(`INSERT INTO tlds (tld, register_periods, renew_periods) VALUES ${values};`);
  const codes: string[] = [];
  for (const t of TLDS) {
    for (const op of ["register", "renew"]) {
      codes.push(`domain.${t}.${op}`);
      await db.query(
        "INSERT INTO services (code, kind, operation, tld, name, periods) VALUES ($1, 'domain', $2, $3, $1, '{1,2,3}')",
        [`domain.${t}.${op}`, op, t],
      );
    }
  }
  await db.exec(`
    INSERT INTO wholesale_imports (id, source) VALUES (1, 'bench');
    INSERT INTO wholesale_prices (import_id, service_id, period, cost)
      SELECT 1, s.id, p, 4000 * p + s.id * 10 FROM services s, generate_series(1, 3) AS p;
    INSERT INTO price_groups (id, name, is_default) VALUES (1, 'Standard', true);
    INSERT INTO prices (group_id, service_id, period, net, source)
      SELECT 1, service_id, period, cost * 125 / 100, 'rule' FROM wholesale_prices;
    INSERT INTO customers (id, name, first_order_at) VALUES (1, 'Bench', '2025-01-01T00:00:00Z');`);
  // 3 that apply …
  await createPromotion(db, {
    name: "First year .pl for 9.99",
    conditions: { tlds: ["pl"], operations: ["register"], firstYearOnly: true },
    effect: { type: "price", grosze: 999, basis: "gross" },
    priority: 10,
  });
  await createPromotion(db, {
    name: "Renewals −10%",
    conditions: { operations: ["renew"] },
    effect: { type: "percent", basisPoints: 1000 },
    combinable: true,
  });
  await createPromotion(db, {
    name: "50 zł off orders from 500 zł",
    conditions: { minOrderNet: 50_000 },
    effect: { type: "amount", grosze: 5000, basis: "gross", per: "order" },
    combinable: true,
  });
  // … and 5 that do not
  await createPromotion(db, {
    name: "Easter",
    startsAt: new Date("2026-04-01T00:00:00Z"),
    endsAt: new Date("2026-04-10T00:00:00Z"),
    effect: { type: "percent", basisPoints: 1500 },
  });
  await createPromotion(db, {
    name: "With a code",
    requiresCode: true,
    effect: { type: "percent", basisPoints: 2000 },
  });
  await createPromotion(db, {
    name: "SSL",
    conditions: { kinds: ["ssl"] },
    effect: { type: "percent", basisPoints: 500 },
  });
  await createPromotion(db, {
    name: "New customers",
    conditions: { customers: "new" },
    effect: { type: "amount", grosze: 1000, basis: "net" },
  });
  await createPromotion(db, {
    name: "Huge orders",
    conditions: { minOrderNet: 100_000_000 },
    effect: { type: "percent", basisPoints: 3000 },
  });
  const items = codes.map((serviceCode, i) => ({ serviceCode, name: `bench-${i}`, period: (i % 3) + 1 }));
  return { items, codes };
}

async function time(n: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(20, n); i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - t0) / n;
}

async function benchOn(driver: string, db: Db, iterations: number): Promise<QuoteBenchRow> {
  const { items } = await seed(db);
  const input = { customerId: 1, items, at: AT };
  const sample = await quote(db, input);
  const codes = items.map((i) => i.serviceCode);
  const periods = items.map((i) => i.period);
  const baselineSql = `SELECT s.code, p.period, p.net FROM unnest($2::text[], $3::int[]) AS i (code, period)
    JOIN services s ON s.code = i.code
    JOIN prices p ON p.group_id = $1 AND p.service_id = s.id AND p.period = i.period`;
  const baseline = await time(iterations, () => db.query(baselineSql, [1, codes, periods]));
  const perQuote = await time(iterations, () => quote(db, input));
  const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    driver,
    lines: items.length,
    quotes: iterations,
    "quotes/s": round(1000 / perQuote, 0),
    "baseline SELECTs/s": round(1000 / baseline, 0),
    "quote ÷ baseline (time)": round(perQuote / baseline, 2),
    "promotions applied": sample.promotionsApplied.length,
    "promotions not applied": sample.promotionsNotApplied.length,
  };
}

export async function benchBillingQuote(options: QuoteBenchOptions = {}): Promise<QuoteBenchRow[]> {
  const iterations = options.iterations ?? 300;
  const rows: QuoteBenchRow[] = [];
  const lite = await openDb({ url: "" });
  try {
    rows.push(await benchOn("pglite", lite, iterations));
  } finally {
    await lite.close();
  }
  const url = options.url ?? process.env.DATABASE_URL;
  if (url) {
    const pg = await openDb({ url, schema: `bench_${randomBytes(4).toString("hex")}` });
    try {
      rows.push(await benchOn("pg", pg, iterations));
    } finally {
      await pg.query(`DROP SCHEMA "${pg.schema}" CASCADE`);
      await pg.close();
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await benchBillingQuote());
