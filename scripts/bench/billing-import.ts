// Wholesale import + recalculation of one price group (25%, rounded to .99 gross) over a synthetic
// HRD price list of ≥ 500 services, on PGlite and, when DATABASE_URL is set, on PostgreSQL.
// Baseline, measured in the same run on the same database: the same cost and price rows written
// by plain one-row INSERTs in one transaction. Run: `npx tsx scripts/bench/billing-import.ts`.
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isSslTrial, SSL_PRODUCTS } from "../../packages/billing/src/catalog/products.js";
import type { Db } from "../../packages/billing/src/db/db.js";
import { openDb } from "../../packages/billing/src/db/open.js";
import {
  createPriceGroup,
  importWholesale,
  recalculatePrices,
  setPriceRule,
  type WholesalePricing,
} from "../../packages/billing/src/prices/index.js";

export interface BillingImportBenchOptions {
  /** Synthetic TLDs, 4 domain services each (default 150). */
  tlds?: number;
  /** Timed rounds per driver; the median is reported (default 3). */
  rounds?: number;
  /** PostgreSQL URL; default DATABASE_URL. PGlite is always measured. */
  url?: string;
}

export interface BillingImportBenchRow {
  driver: string;
  services: number;
  "cost rows": number;
  "import ms": number;
  "recalc ms": number;
  "total ms": number;
  "services/s": number;
  "baseline ms": number;
  "ratio total/baseline": number;
}

// The paid certificate products (the free trials have no renewal).
const PRODUCTS = SSL_PRODUCTS.filter((p) => !isSslTrial(p));
const OPTION_TLDS = 20;
const slug = (p: string) => p.toLowerCase().replace(/[^a-z0-9]+/g, "-");
const zl = (grosze: number) => `${Math.floor(grosze / 100)}.${String(grosze % 100).padStart(2, "0")}`;

function tldNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => (i % 3 === 0 ? `b${i}.pl` : `bench${i}`));
}

/** HRD's list shape; `shift` moves every price (so each round changes every cost). */
function priceList(tlds: string[], shift: number): WholesalePricing[] {
  const list: WholesalePricing[] = tlds.map((t, i) => ({
    service: `d_${t.replace(/\./g, "_")}`,
    prices: [
      { name: "Rejestracja", value: zl(2900 + i * 7 + shift) },
      { name: "Odnowienie", value: zl(5900 + i * 11 + shift) },
      { name: "Transfer", value: zl(5900 + i * 11 + shift) },
      { name: "Cesja", value: zl(2000 + shift) },
    ],
  }));
  for (const t of tlds.slice(0, OPTION_TLDS)) {
    list.push({
      service: `o_${t.replace(/\./g, "_")}`,
      prices: [
        { name: "Rejestracja", value: zl(2900 + shift) },
        { name: "Odnowienie", value: zl(2500 + shift) },
      ],
    });
  }
  PRODUCTS.forEach((p, i) => {
    list.push({
      service: `c_${slug(p).replace(/-/g, "_")}`,
      prices: [
        { name: "Rejestracja", value: zl(3500 + i * 1000 + shift) },
        { name: "Odnowienie", value: zl(3200 + i * 1000 + shift) },
      ],
    });
  });
  return list;
}

/** The catalog the list maps onto, by SQL (not measured). Returns the number of services. */
async function seedCatalog(db: Db, tlds: string[]): Promise<number> {
  await db.query(
    `INSERT INTO tlds (tld, register_periods, renew_periods, transfer_periods)
     SELECT t, '{1,2,3,5,10}', '{1,2,3,5,10}', '{1}' FROM unnest($1::text[]) AS t`,
    [tlds],
  );
  const rows: [string, string, string, string | null, string | null, string][] = [];
  for (const t of tlds) {
    rows.push([`domain.${t}.register`, "domain", "register", t, null, "{1,2,3,5,10}"]);
    rows.push([`domain.${t}.renew`, "domain", "renew", t, null, "{1,2,3,5,10}"]);
    rows.push([`domain.${t}.transfer`, "domain", "transfer", t, null, "{1}"]);
    rows.push([`domain.${t}.trade`, "domain", "trade", t, null, "{1}"]);
  }
  for (const t of tlds.slice(0, OPTION_TLDS)) {
    rows.push([`option.${t}.create`, "option", "create", t, null, "{3}"]);
    rows.push([`option.${t}.renew`, "option", "renew", t, null, "{3}"]);
  }
  for (const p of PRODUCTS) {
    rows.push([`ssl.${slug(p)}.create`, "ssl", "create", null, p, "{1,2,3}"]);
    rows.push([`ssl.${slug(p)}.renew`, "ssl", "renew", null, p, "{1,2,3}"]);
  }
  await db.query(
    `INSERT INTO services (code, kind, operation, tld, product, name, periods)
     SELECT c, k, o, t, p, c, ps::int[]
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS x (c, k, o, t, p, ps)`,
    [0, 1, 2, 3, 4, 5].map((i) => rows.map((r) => r[i])),
  );
  return rows.length;
}

class RollbackBaseline extends Error {}

/** The same rows as one round, written one INSERT at a time in one transaction (then rolled back). */
async function baseline(db: Db, groupId: number, shift: number): Promise<void> {
  await db
    .transaction(async (tx) => {
      const { rows: imp } = await tx.query<{ id: number }>(
        "INSERT INTO wholesale_imports (source) VALUES ('baseline') RETURNING id",
      );
      const { rows } = await tx.query<{ service_id: number; period: number; cost: number }>(
        "SELECT service_id, period, cost FROM current_wholesale",
      );
      for (const r of rows) {
        await tx.query(
          "INSERT INTO wholesale_prices (import_id, service_id, period, cost) VALUES ($1, $2, $3, $4)",
          [imp[0]!.id, r.service_id, r.period, r.cost + shift],
        );
      }
      for (const r of rows) {
        await tx.query(
          `INSERT INTO prices (group_id, service_id, period, net, source) VALUES ($1, $2, $3, $4, 'rule')
           ON CONFLICT (group_id, service_id, period) DO UPDATE SET net = EXCLUDED.net`,
          [groupId, r.service_id, r.period, r.cost + shift],
        );
      }
      // Leave the measured tables as they were.
      throw new RollbackBaseline();
    })
    .catch((err: unknown) => {
      if (!(err instanceof RollbackBaseline)) throw err;
    });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function benchOne(
  driver: string,
  db: Db,
  tldCount: number,
  rounds: number,
): Promise<BillingImportBenchRow> {
  const tlds = tldNames(tldCount);
  const services = await seedCatalog(db, tlds);
  const group = await createPriceGroup(db, { name: "Bench" });
  await setPriceRule(db, {
    groupId: group.id,
    margin: { type: "percent", basisPoints: 2500 },
    rounding: "99",
  });
  // Warm-up round (query plans, caches): not measured.
  const first = await importWholesale(
    db,
    { getPricings: async () => priceList(tlds, 0) },
    { at: new Date() },
  );
  if (first.unmapped.length > 0)
    throw new Error(`bench list left unmapped prices: ${first.unmapped[0]!.reason}`);
  await recalculatePrices(db, group.id);
  await baseline(db, group.id, 0);

  const imports: number[] = [];
  const recalcs: number[] = [];
  const baselines: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const list = priceList(tlds, round * 100); // +1 zł a round: (nearly) every price is rewritten
    let t0 = performance.now();
    await importWholesale(db, { getPricings: async () => list }, { at: new Date() });
    imports.push(performance.now() - t0);
    t0 = performance.now();
    const r = await recalculatePrices(db, group.id);
    recalcs.push(performance.now() - t0);
    if (r.priced !== first.mapped) throw new Error(`expected every cost to be priced, got ${r.priced}`);
    t0 = performance.now();
    await baseline(db, group.id, round * 100);
    baselines.push(performance.now() - t0);
  }
  const imp = median(imports);
  const rec = median(recalcs);
  const base = median(baselines);
  return {
    driver,
    services,
    "cost rows": first.mapped,
    "import ms": Math.round(imp),
    "recalc ms": Math.round(rec),
    "total ms": Math.round(imp + rec),
    "services/s": Math.round((services * 1000) / (imp + rec)),
    "baseline ms": Math.round(base),
    "ratio total/baseline": Number(((imp + rec) / base).toFixed(2)),
  };
}

/** One row per driver: PGlite, and PostgreSQL when a URL is given or DATABASE_URL is set. */
export async function benchBillingImport(
  options: BillingImportBenchOptions = {},
): Promise<BillingImportBenchRow[]> {
  const tldCount = options.tlds ?? 150;
  const rounds = options.rounds ?? 3;
  const out: BillingImportBenchRow[] = [];
  const lite = await openDb({ url: "" });
  try {
    out.push(await benchOne("pglite", lite, tldCount, rounds));
  } finally {
    await lite.close();
  }
  const url = options.url ?? process.env.DATABASE_URL;
  if (url) {
    const pg = await openDb({ url, schema: `bench_${randomBytes(4).toString("hex")}` });
    try {
      out.push(await benchOne("postgresql", pg, tldCount, rounds));
    } finally {
      await pg.query(`DROP SCHEMA "${pg.schema}" CASCADE`);
      await pg.close();
    }
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log("== billing: wholesale import + recalculation of one group (25%, .99) vs one-row INSERTs ==");
  console.table(await benchBillingImport());
}
