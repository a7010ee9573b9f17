import { randomBytes } from "node:crypto";
import { type Db, openDb, setSellerSettings } from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueInvoiceForProforma } from "../src/invoices/index.js";

// Gap-free numbering under real concurrency needs real connections: PostgreSQL only (PGlite is one
// session and serialises every transaction, so it proves nothing here).
const url = process.env.DATABASE_URL;
const WORKERS = 8;
const PER_WORKER = 26; // 208 invoices

const SELLER = {
  name: "Hosting Kowalski sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Prosta 1", postcode: "00-001", city: "Warszawa", country: "PL" },
  bankAccount: "61 1090 1014 0000 0712 1981 2874",
  email: "faktury@kowalski.example",
};

/** `count` paid proformas of one customer (50.00 zł net at 23%), by SQL. */
async function paidProformas(db: Db, worker: number, count: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `WITH c AS (INSERT INTO customers (name) VALUES ($1) RETURNING id),
     p AS (
       INSERT INTO proformas (number, series_id, customer_id, origin, status, issue_date, due_date, seller, buyer,
         bank_account, transfer_title, net, vat, gross, vat_breakdown, paid, paid_at)
       SELECT 'PRO/C/' || $2::int || '/' || n, (SELECT id FROM document_series WHERE kind = 'proforma' AND is_default),
         c.id, 'order', 'paid', '2026-07-01', '2026-07-15', '{}', $3, '611090', 'x', 5000, 1150, 6150,
         '[{"rate":"23","net":5000,"vat":1150,"gross":6150}]', 6150, '2026-07-02T10:00:00Z'
       FROM c, generate_series(1, $4::int) AS n
       RETURNING id)
     SELECT id FROM p ORDER BY id`,
    [
      `Klient ${worker}`,
      worker,
      JSON.stringify({
        name: `Klient ${worker} sp. z o.o.`,
        nip: "7251801126",
        address: { street: "ul. Długa 1", postcode: "00-002", city: "Warszawa", country: "PL" },
      }),
      count,
    ],
  );
  await db.query(
    `INSERT INTO proforma_lines (proforma_id, position, name, quantity, unit_net, net, vat_rate, vat, gross)
     SELECT unnest($1::int[]), 1, 'Domena przyklad.pl', 1, 5000, 5000, '23', 1150, 6150`,
    [rows.map((r) => r.id)],
  );
  return rows.map((r) => r.id);
}

/** The sequence numbers of the month's invoices, sorted. */
async function sequence(db: Db, prefix: string): Promise<number[]> {
  const { rows } = await db.query<{ number: string }>("SELECT number FROM invoices WHERE number LIKE $1", [
    `${prefix}%`,
  ]);
  return rows.map((r) => Number(r.number.slice(prefix.length))).sort((a, b) => a - b);
}

describe.skipIf(!url)("invoice numbering under concurrency on PostgreSQL", () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb({ url: url!, schema: `t_${randomBytes(6).toString("hex")}`, poolSize: WORKERS + 2 });
    await setSellerSettings(db, SELLER);
  });
  afterAll(async () => {
    await db.query(`DROP SCHEMA "${db.schema}" CASCADE`);
    await db.close();
  });

  it(`${WORKERS} concurrent issuers: the month's numbers are exactly 1..N, no gaps, no duplicates`, async () => {
    const work = await Promise.all(
      Array.from({ length: WORKERS }, (_, w) => paidProformas(db, w, PER_WORKER)),
    );
    const at = new Date("2026-07-20T10:00:00Z");
    const issued = await Promise.all(
      work.map(async (proformaIds) => {
        const numbers: string[] = [];
        // each worker issues one after another on its own pool connection; the 8 run at once
        for (const proformaId of proformaIds)
          numbers.push((await issueInvoiceForProforma(db, { proformaId, at })).number);
        return numbers;
      }),
    );
    const n = WORKERS * PER_WORKER;
    expect(issued.flat()).toHaveLength(n);
    expect(new Set(issued.flat()).size).toBe(n);
    expect(await sequence(db, "FV/2026/07/")).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    // within one worker the numbers only grow
    for (const numbers of issued) {
      const seq = numbers.map((x) => Number(x.split("/")[3]));
      expect(seq).toEqual([...seq].sort((a, b) => a - b));
    }
  });

  it("rolled-back issues give their numbers back; racing issuers of one proforma get one invoice", async () => {
    const at = new Date("2026-08-20T10:00:00Z");
    const work = await Promise.all(Array.from({ length: WORKERS }, (_, w) => paidProformas(db, 100 + w, 10)));
    await Promise.all(
      work.map(async (proformaIds) => {
        for (const [i, proformaId] of proformaIds.entries()) {
          // every third issue happens in a caller's transaction that fails after the invoice was issued
          if (i % 3 === 0) {
            await db
              .transaction(async (tx) => {
                await issueInvoiceForProforma(tx, { proformaId, at });
                throw new Error("the caller failed");
              })
              .catch(() => undefined);
          }
          await issueInvoiceForProforma(db, { proformaId, at });
        }
      }),
    );
    // the same proforma issued 8 times at once: one invoice, one number
    const [same] = await paidProformas(db, 999, 1);
    const results = await Promise.all(
      Array.from({ length: WORKERS }, () => issueInvoiceForProforma(db, { proformaId: same!, at })),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const n = WORKERS * 10 + 1;
    expect(await sequence(db, "FV/2026/08/")).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });
});
