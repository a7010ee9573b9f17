// Customers at scale: 100 000 customers bulk-imported (importCustomers), then search and keyset
// paging timed on PGlite and, when DATABASE_URL is set, on PostgreSQL. Baseline, measured in the
// same run on the same database: a primary-key lookup of one customer. Each figure is the median
// of several runs of the same call. Run: `npx tsx scripts/bench/billing-customers.ts`.
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type CreateCustomerInput,
  importCustomers,
  type SearchCustomersInput,
  searchCustomers,
} from "../../packages/billing/src/customers/index.js";
import type { Db } from "../../packages/billing/src/db/db.js";
import { migrate } from "../../packages/billing/src/db/migrate.js";
import { MIGRATIONS } from "../../packages/billing/src/db/migrations.js";
import { CUSTOMERS_MIGRATIONS } from "../../packages/billing/src/db/migrations-customers.js";
import { openDb } from "../../packages/billing/src/db/open.js";

export interface BillingCustomersBenchOptions {
  /** Customers to import (default 100 000). */
  customers?: number;
  /** Rows per page (default 50). */
  pageSize?: number;
  /** Timed runs of each call; the median is reported (default 15). */
  repeats?: number;
  /** PostgreSQL URL; default DATABASE_URL. PGlite is always measured. */
  url?: string;
}

export interface BillingCustomersBenchRow {
  driver: string;
  operation: string;
  /** Customers the call returned (a page) or handled (the import). */
  rows: number;
  ms: number;
  "ratio to baseline": number;
}

const FIRST = [
  "Anna",
  "Maria",
  "Katarzyna",
  "Małgorzata",
  "Agnieszka",
  "Barbara",
  "Ewa",
  "Krzysztof",
  "Andrzej",
  "Tomasz",
  "Piotr",
  "Paweł",
  "Michał",
  "Marcin",
  "Łukasz",
  "Grzegorz",
  "Józef",
  "Żaneta",
  "Zofia",
  "Stanisław",
];
const LAST = [
  "Nowak",
  "Wiśniewski",
  "Wójcik",
  "Lewandowski",
  "Zieliński",
  "Szymański",
  "Woźniak",
  "Dąbrowski",
  "Kozłowski",
  "Mazur",
  "Krawczyk",
  "Piotrowski",
  "Grabowski",
  "Pawłowski",
  "Michalski",
  "Król",
  "Wieczorek",
  "Jabłoński",
  "Wróbel",
  "Majewski",
  "Olszewski",
  "Stępień",
  "Malinowski",
  "Adamczyk",
  "Dudek",
  "Nowicki",
  "Pawlak",
  "Górski",
  "Witkowski",
  "Walczak",
  "Sikora",
  "Baran",
  "Rutkowski",
  "Michalak",
  "Szewczyk",
  "Ostrowski",
  "Tomaszewski",
  "Pietrzak",
  "Zalewski",
  "Marciniak",
];
const ADJECTIVE = [
  "Zielona",
  "Szybka",
  "Żółta",
  "Mała",
  "Wielka",
  "Nowa",
  "Polska",
  "Śląska",
  "Mazowiecka",
  "Bałtycka",
];
const NOUN = [
  "Dolina",
  "Sieć",
  "Chmura",
  "Domena",
  "Strona",
  "Przystań",
  "Pracownia",
  "Hurtownia",
  "Księgarnia",
  "Piekarnia",
];
const FORM = ["Sp. z o.o.", "S.A.", "sp. j.", "s.c."];
const CITIES = [
  ["Warszawa", "00-950"],
  ["Kraków", "30-001"],
  ["Łódź", "90-001"],
  ["Wrocław", "50-001"],
  ["Poznań", "60-001"],
  ["Gdańsk", "80-001"],
] as const;

const ascii = (s: string) =>
  s
    .toLowerCase()
    .replace(/ł/g, "l")
    .normalize("NFD")
    .replace(/\p{M}+/gu, "");

/** A valid NIP starting with 9 (so tests can use other prefixes without collisions). */
function nipFrom(n: number): string {
  for (let k = n; ; k++) {
    const nine = `9${String(k % 100_000_000).padStart(8, "0")}`;
    const w = [6, 5, 7, 2, 3, 4, 5, 6, 7];
    const check = w.reduce((s, x, i) => s + x * Number(nine[i]), 0) % 11;
    if (check !== 10) return `${nine}${check}`;
  }
}

/** A valid PESEL of someone born in the 1990s. */
function peselFrom(n: number): string {
  const ten = `9${n % 10}${String((n % 12) + 1).padStart(2, "0")}${String((n % 28) + 1).padStart(2, "0")}${String(n % 10_000).padStart(4, "0")}`;
  const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
  const sum = w.reduce((s, x, i) => s + x * Number(ten[i]), 0);
  return `${ten}${(10 - (sum % 10)) % 10}`;
}

/**
 * `n` customers that look like a Polish reseller's: three in ten companies (NIP starting with 9),
 * the rest persons (half with a PESEL from the 1990s), names with Polish letters, e-mails at
 * example.com. No name word starts with "jan", "kowal" or "zolw" (tests use those).
 */
export function syntheticCustomers(n: number): CreateCustomerInput[] {
  const out: CreateCustomerInput[] = [];
  let persons = 0;
  for (let i = 0; i < n; i++) {
    const [city, postcode] = CITIES[i % CITIES.length]!;
    const address = { street: `ul. Testowa ${(i % 200) + 1}`, postcode, city };
    if (i % 10 < 3) {
      const name = `${ADJECTIVE[i % ADJECTIVE.length]} ${NOUN[Math.floor(i / 10) % NOUN.length]} ${i} ${FORM[i % FORM.length]}`;
      out.push({
        name,
        nip: nipFrom(i),
        email: `biuro${i}@example.com`,
        addresses: { correspondence: address },
      });
    } else {
      // Every first name with every surname, evenly.
      const first = FIRST[persons % FIRST.length]!;
      const last = LAST[Math.floor(persons / FIRST.length) % LAST.length]!;
      persons++;
      out.push({
        name: `${first} ${last}`,
        ...(i % 2 === 0 ? { pesel: peselFrom(i) } : {}),
        email: `${ascii(first)}.${ascii(last)}${i}@example.com`,
        ...(i % 3 === 0 ? { mobilePhone: `6${String(i).padStart(8, "0")}` } : {}),
        addresses: { correspondence: address },
      });
    }
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(repeats: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: plans, caches
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** The `afterId` that starts page `page` (1-based), found by walking the pages before it. */
async function cursorOfPage(db: Db, input: SearchCustomersInput, page: number): Promise<number | undefined> {
  let afterId: number | undefined;
  for (let p = 1; p < page; p++) {
    const r = await searchCustomers(db, { ...input, ...(afterId === undefined ? {} : { afterId }) });
    if (r.nextAfterId === null) throw new Error(`only ${p} pages of ${JSON.stringify(input)}`);
    afterId = r.nextAfterId;
  }
  return afterId;
}

async function benchOne(
  driver: string,
  db: Db,
  count: number,
  pageSize: number,
  repeats: number,
): Promise<BillingCustomersBenchRow[]> {
  await migrate(db, [...MIGRATIONS, ...CUSTOMERS_MIGRATIONS]);
  const { rows: group } = await db.query<{ id: number }>(
    "INSERT INTO price_groups (name, is_default) VALUES ('Standard', true) RETURNING id",
  );
  const inputs = syntheticCustomers(count);
  const t0 = performance.now();
  const { ids } = await importCustomers(db, inputs, { batchSize: 2000 });
  const seedMs = performance.now() - t0;
  await db.query("ANALYZE customers");

  const probe = ids[Math.floor(ids.length / 2)]!;
  const baseline = await timed(repeats * 4, () => db.query("SELECT * FROM customers WHERE id = $1", [probe]));
  const rows: BillingCustomersBenchRow[] = [];
  const add = (operation: string, n: number, ms: number) =>
    rows.push({
      driver,
      operation,
      rows: n,
      ms: Number(ms.toFixed(ms < 10 ? 3 : 1)),
      "ratio to baseline": Number((ms / baseline).toFixed(1)),
    });
  add("baseline: primary-key lookup", 1, baseline);
  add(`bulk import (${Math.round((count * 1000) / seedMs)} customers/s)`, count, seedMs);

  const page = async (label: string, input: SearchCustomersInput, pageNo = 1) => {
    const afterId = await cursorOfPage(db, { ...input, limit: pageSize }, pageNo);
    const call = { ...input, limit: pageSize, ...(afterId === undefined ? {} : { afterId }) };
    let n = 0;
    const ms = await timed(repeats, async () => {
      n = (await searchCustomers(db, call)).items.length;
    });
    add(label, n, ms);
  };
  await page("list by id, first page", {});
  await page("list by id, page 500 (keyset)", {}, 500);
  await page("list by name, first page", { order: "name" });
  await page("list by name, page 500 (keyset)", { order: "name" }, 500);
  await page('search "nowak" (1 in 40 persons), first page', { query: "nowak" });
  await page('search "nowak" by name, page 20 (keyset)', { query: "nowak", order: "name" }, 20);
  await page('search "zolta" (folded: finds "Żółta"), first page', { query: "zolta" });
  await page('search "anna now" (two words), first page', { query: "anna now" });
  await page('search NIP prefix "9000012"', { query: "9000012" });
  await page('search e-mail prefix "zofia.mazur1"', { query: "zofia.mazur1" });
  await page('search "a" (a fifth of all), first page', { query: "a" });
  await page('search "a" by name, page 100 (keyset)', { query: "a", order: "name" }, 100);
  await page('search "qqq" (no match)', { query: "qqq" });
  await page(
    "companies in one price group, page 100 (keyset)",
    { type: "company", priceGroupId: group[0]!.id },
    100,
  );
  return rows;
}

/** The rows of every driver: PGlite, and PostgreSQL when a URL is given or DATABASE_URL is set. */
export async function benchBillingCustomers(
  options: BillingCustomersBenchOptions = {},
): Promise<BillingCustomersBenchRow[]> {
  const count = options.customers ?? 100_000;
  const pageSize = options.pageSize ?? 50;
  const repeats = options.repeats ?? 15;
  const out: BillingCustomersBenchRow[] = [];
  const lite = await openDb({ url: "" });
  try {
    out.push(...(await benchOne("pglite", lite, count, pageSize, repeats)));
  } finally {
    await lite.close();
  }
  const url = options.url ?? process.env.DATABASE_URL;
  if (url) {
    const pg = await openDb({ url, schema: `bench_${randomBytes(4).toString("hex")}` });
    try {
      out.push(...(await benchOne("postgresql", pg, count, pageSize, repeats)));
    } finally {
      await pg.query(`DROP SCHEMA "${pg.schema}" CASCADE`);
      await pg.close();
    }
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(
    "== billing: customers at scale — bulk import, search and keyset paging vs a primary-key lookup ==",
  );
  console.table(await benchBillingCustomers());
  if (!process.env.DATABASE_URL) console.log("(PGlite only: set DATABASE_URL to measure PostgreSQL too)");
}
