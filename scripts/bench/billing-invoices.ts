// VAT invoices issued per second from paid proformas, with 1 and 8 concurrent issuers on PostgreSQL
// (when DATABASE_URL is set) and 1 on PGlite; at the end the month's numbers are checked: zero gaps,
// zero duplicates. Baseline in the same run: the same issue (same reads, same inserts) with a number
// that needs no counter — what gap-free numbering costs. `npx tsx scripts/bench/billing-invoices.ts`
import { randomBytes, randomUUID } from "node:crypto";
import type { Db } from "../../packages/billing/src/db/db.js";
import { openDb } from "../../packages/billing/src/db/open.js";
import { getSeries } from "../../packages/billing/src/documents/numbering.js";
import { setSellerSettings } from "../../packages/billing/src/documents/settings.js";
import { issueInvoiceForProforma } from "../../packages/billing/src/invoices/index.js";
import { issueInvoiceWith, type NumberAllocator } from "../../packages/billing/src/invoices/issue.js";

export interface InvoiceBenchRow {
  driver: string;
  issuers: number;
  invoices: number;
  "invoices/s": number;
  "baseline/s (no numbering)": number;
  "numbered ÷ baseline (time)": number;
  gaps: number;
  duplicates: number;
}

export interface InvoiceBenchOptions {
  /** Invoices per timed run; default 400. */
  invoices?: number;
  /** PostgreSQL URL; default DATABASE_URL. PGlite always runs. */
  url?: string;
  onProgress?: (done: number, total: number) => void;
}

const SELLER = {
  name: "Hosting Kowalski sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Prosta 1", postcode: "00-001", city: "Warszawa", country: "PL" },
  bankAccount: "61 1090 1014 0000 0712 1981 2874",
  email: "faktury@kowalski.example",
};
const BUYER = JSON.stringify({
  name: "Firma Testowa S.A.",
  nip: "7251801126",
  address: { street: "ul. Piotrkowska 10", postcode: "90-001", city: "Łódź", country: "PL" },
});

/** `count` paid proformas with 2 lines each, written by SQL (as the proforma code would leave them). */
async function paidProformas(db: Db, tag: string, count: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `WITH c AS (INSERT INTO customers (name) VALUES ($1) RETURNING id),
     p AS (
       INSERT INTO proformas (number, series_id, customer_id, origin, status, issue_date, due_date, seller, buyer,
         bank_account, transfer_title, net, vat, gross, vat_breakdown, paid, paid_at)
       SELECT 'PRO/B/' || $1 || '/' || n, (SELECT id FROM document_series WHERE kind = 'proforma' AND is_default),
         c.id, 'order', 'paid', '2026-07-01', '2026-07-15', '{}', $2, '611090', 'x', 15000, 3450, 18450,
         '[{"rate":"23","net":15000,"vat":3450,"gross":18450}]', 18450, '2026-07-02T10:00:00Z'
       FROM c, generate_series(1, $3::int) AS n
       RETURNING id)
     SELECT id FROM p ORDER BY id`,
    [tag, BUYER, count],
  );
  const ids = rows.map((r) => r.id);
  await db.query(
    `INSERT INTO proforma_lines (proforma_id, position, name, quantity, unit_net, net, vat_rate, vat, gross, service_from, service_to)
     SELECT id, pos, CASE pos WHEN 1 THEN 'Domena przyklad.pl' ELSE 'Hosting Standard' END, 1,
       CASE pos WHEN 1 THEN 5000 ELSE 10000 END, CASE pos WHEN 1 THEN 5000 ELSE 10000 END, '23',
       CASE pos WHEN 1 THEN 1150 ELSE 2300 END, CASE pos WHEN 1 THEN 6150 ELSE 12300 END, '2026-07-02', '2027-07-01'
     FROM unnest($1::int[]) AS id, generate_series(1, 2) AS pos`,
    [ids],
  );
  return ids;
}

function split<T>(items: T[], parts: number): T[][] {
  return Array.from({ length: parts }, (_, p) => items.filter((_, i) => i % parts === p));
}

/** Issues every proforma, `issuers` at a time (each issuer on its own connection); returns seconds. */
async function run(
  issuers: number,
  ids: number[],
  issue: (proformaId: number) => Promise<unknown>,
): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    split(ids, issuers).map(async (mine) => {
      for (const id of mine) await issue(id);
    }),
  );
  return (performance.now() - t0) / 1000;
}

async function check(db: Db, prefix: string): Promise<{ count: number; gaps: number; duplicates: number }> {
  const { rows } = await db.query<{ count: number; distinct: number; max: number }>(
    `SELECT count(*)::int AS count, count(DISTINCT number)::int AS distinct,
            coalesce(max(substr(number, length($1) + 1)::int), 0) AS max
     FROM invoices WHERE number LIKE $1 || '%'`,
    [prefix],
  );
  const r = rows[0]!;
  return { count: r.count, gaps: r.max - r.distinct, duplicates: r.count - r.distinct };
}

async function benchOn(driver: string, db: Db, issuers: number, n: number): Promise<InvoiceBenchRow> {
  await setSellerSettings(db, SELLER);
  const at = new Date("2026-07-20T10:00:00Z");
  const warm = await paidProformas(db, `warm-${issuers}`, 20);
  const numbered = await paidProformas(db, `fv-${issuers}`, n);
  const baseline = await paidProformas(db, `base-${issuers}`, n);
  const { id: seriesId } = await getSeries(db, "invoice");
  const noCounter: NumberAllocator = async () => ({ number: `B/${randomUUID()}`, seriesId });
  await db.exec("ANALYZE");
  // warm-up: plans, pool connections, JIT (numbered in another month, so the checked month stays clean)
  await run(issuers, warm, (proformaId) =>
    issueInvoiceForProforma(db, { proformaId, at: new Date("2026-08-05T10:00:00Z") }),
  );
  // interleaved rounds, alternating which goes first, so drift (WAL growth, caches) hits both alike
  let baseSeconds = 0;
  let seconds = 0;
  const rounds = 4;
  for (let r = 0; r < rounds; r++) {
    const part = (ids: number[]) => ids.slice((r * ids.length) / rounds, ((r + 1) * ids.length) / rounds);
    const base = () =>
      run(issuers, part(baseline), (proformaId) => issueInvoiceWith(db, { proformaId, at }, noCounter));
    const numberedRun = () =>
      run(issuers, part(numbered), (proformaId) => issueInvoiceForProforma(db, { proformaId, at }));
    if (r % 2 === 0) {
      baseSeconds += await base();
      seconds += await numberedRun();
    } else {
      seconds += await numberedRun();
      baseSeconds += await base();
    }
  }
  const c = await check(db, "FV/2026/07/");
  if (c.count !== n) throw new Error(`expected ${n} invoices in July, found ${c.count}`);
  const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    driver,
    issuers,
    invoices: n,
    "invoices/s": round(n / seconds),
    "baseline/s (no numbering)": round(n / baseSeconds),
    "numbered ÷ baseline (time)": round(seconds / baseSeconds, 2),
    gaps: c.gaps,
    duplicates: c.duplicates,
  };
}

export async function benchBillingInvoices(options: InvoiceBenchOptions = {}): Promise<InvoiceBenchRow[]> {
  const n = options.invoices ?? 400;
  const url = options.url ?? process.env.DATABASE_URL;
  const plan: { driver: "pglite" | "pg"; issuers: number }[] = [{ driver: "pglite", issuers: 1 }];
  if (url) plan.push({ driver: "pg", issuers: 1 }, { driver: "pg", issuers: 8 });
  const rows: InvoiceBenchRow[] = [];
  for (const [i, p] of plan.entries()) {
    const db =
      p.driver === "pglite"
        ? await openDb({ url: "" })
        : await openDb({ url, schema: `bench_${randomBytes(4).toString("hex")}`, poolSize: p.issuers + 2 });
    try {
      rows.push(await benchOn(p.driver, db, p.issuers, n));
    } finally {
      if (p.driver === "pg") await db.query(`DROP SCHEMA "${db.schema}" CASCADE`);
      await db.close();
    }
    options.onProgress?.(i + 1, plan.length);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await benchBillingInvoices());
