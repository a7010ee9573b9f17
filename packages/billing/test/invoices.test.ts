import { type Db, money, setSellerSettings } from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  findInvoiceForProforma,
  getInvoice,
  getInvoiceKsefState,
  issueCorrection,
  issueDuplicate,
  issueInvoiceForProforma,
  listDuplicates,
  listInvoices,
  setInvoiceKsefState,
} from "../src/invoices/index.js";
import { computeVat, type VatRateCode } from "../src/money/vat.js";
import { drivers } from "./support/db.js";

// ---- fixture: customers, paid proformas and their lines, written by SQL (the proforma code is not ours)

const SELLER = {
  name: "Hosting Kowalski sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Prosta 1", postcode: "00-001", city: "Warszawa", country: "PL" },
  bankAccount: "61 1090 1014 0000 0712 1981 2874",
  email: "faktury@kowalski.example",
  place: "Warszawa",
};
const COMPANY = {
  name: "Firma Testowa S.A.",
  nip: "7251801126",
  address: { street: "ul. Piotrkowska 10", postcode: "90-001", city: "Łódź", country: "PL" },
};
const CONSUMER = {
  name: "Jan Nowak",
  pesel: "44051401359",
  address: { street: "ul. Polna 5/2", postcode: "30-001", city: "Kraków", country: "PL" },
};
const EU_BUSINESS = {
  name: "Beispiel GmbH",
  euVat: { country: "DE", number: "DE123456789" },
  address: { street: "Hauptstraße 5", postcode: "10115", city: "Berlin", country: "DE" },
};

interface LineSpec {
  name: string;
  quantity?: number;
  unitNet: number;
  discount?: number;
  rate?: VatRateCode;
  from?: string;
  to?: string;
}

interface ProformaSpec {
  buyer?: object;
  currency?: "PLN" | "EUR";
  lines: LineSpec[];
  /** Default 2026-05-02T10:00:00Z. */
  paidAt?: string;
  /** Default 'paid' with paid = gross. */
  status?: "issued" | "paid";
  paid?: number;
  /** The gross method (consumer prices, art. 106e ust. 7–8): `unitNet` is then the unit gross price. */
  grossMethod?: boolean;
}

let seq = 0;

async function customer(db: Db, name: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>("INSERT INTO customers (name) VALUES ($1) RETURNING id", [
    name,
  ]);
  return rows[0]!.id;
}

async function proforma(db: Db, customerId: number, spec: ProformaSpec): Promise<number> {
  const currency = spec.currency ?? "PLN";
  const lines = spec.lines.map((l) => {
    const quantity = l.quantity ?? 1;
    return {
      ...l,
      quantity,
      discount: l.discount ?? 0,
      net: quantity * l.unitNet - (l.discount ?? 0),
      rate: l.rate ?? "23",
    };
  });
  const vat = computeVat(
    lines.map((l) => ({ amount: money(l.net, currency), rate: l.rate })),
    spec.grossMethod ? "gross" : "net",
  );
  const { rows: series } = await db.query<{ id: number }>(
    "SELECT id FROM document_series WHERE kind = 'proforma' AND is_default",
  );
  const gross = vat.total.gross.amount;
  const status = spec.status ?? "paid";
  const paid = spec.paid ?? (status === "paid" ? gross : 0);
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO proformas (number, series_id, customer_id, origin, status, issue_date, due_date, currency, seller,
       buyer, bank_account, transfer_title, net, vat, gross, vat_breakdown, paid, paid_at)
     VALUES ($1, $2, $3, 'order', $4, '2026-04-28', '2026-05-12', $5, $6, $7, $8, $1, $9, $10, $11, $12, $13, $14)
     RETURNING id`,
    [
      `PRO/TEST/${++seq}`,
      series[0]!.id,
      customerId,
      status,
      currency,
      JSON.stringify(SELLER),
      JSON.stringify(spec.buyer ?? COMPANY),
      SELLER.bankAccount,
      vat.total.net.amount,
      vat.total.vat.amount,
      gross,
      JSON.stringify(
        vat.byRate.map((g) => ({
          rate: g.rate,
          net: g.net.amount,
          vat: g.vat.amount,
          gross: g.gross.amount,
        })),
      ),
      paid,
      paid > 0 ? (spec.paidAt ?? "2026-05-02T10:00:00Z") : null,
    ],
  );
  const id = rows[0]!.id;
  for (const [i, l] of lines.entries()) {
    const v = vat.lines[i]!;
    await db.query(
      `INSERT INTO proforma_lines (proforma_id, position, name, quantity, unit_net, discount, net, vat_rate, vat, gross,
         service_from, service_to)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        id,
        i + 1,
        l.name,
        l.quantity,
        l.unitNet,
        l.discount,
        l.net,
        l.rate,
        v.vat.amount,
        v.gross.amount,
        l.from ?? null,
        l.to ?? null,
      ],
    );
  }
  return id;
}

async function counts(db: Db): Promise<{ invoices: number; lines: number; counters: number }> {
  const { rows } = await db.query<{ invoices: number; lines: number; counters: number }>(
    `SELECT (SELECT count(*)::int FROM invoices) AS invoices, (SELECT count(*)::int FROM invoice_lines) AS lines,
            (SELECT coalesce(sum(last), 0)::int FROM series_counters) AS counters`,
  );
  return rows[0]!;
}

const AT = new Date("2026-05-04T10:00:00Z");
const DOMAIN = { name: "Rejestracja domeny przyklad.pl na 1 rok", unitNet: 5_000 };

describe.each(drivers())("VAT invoices on $name", (driver) => {
  let db: Db;
  let company: number;
  let consumer: number;
  let eu: number;

  beforeAll(async () => {
    db = await driver.open();
    await setSellerSettings(db, SELLER);
    company = await customer(db, COMPANY.name);
    consumer = await customer(db, CONSUMER.name);
    eu = await customer(db, EU_BUSINESS.name);
  });
  afterAll(() => driver.dispose(db));

  it("issues the invoice of a paid proforma with every element of art. 106e", async () => {
    const pid = await proforma(db, company, {
      // paid 00:30 in Warsaw on 3 May (22:30 UTC on the 2nd): the sale date is the Warsaw day
      paidAt: "2026-05-02T22:30:00Z",
      lines: [
        { name: "Hosting Standard", quantity: 2, unitNet: 501, from: "2026-05-03", to: "2027-05-02" },
        { name: "Certyfikat SSL DV", unitNet: 1_102, discount: 100 },
        { name: "Opcja .pl", unitNet: 1_000, rate: "8" },
      ],
    });
    const inv = await issueInvoiceForProforma(db, { proformaId: pid, at: AT });
    expect(inv.kind).toBe("VAT");
    expect(inv.number).toMatch(/^FV\/2026\/05\/\d+$/);
    expect(inv.issueDate).toBe("2026-05-04"); // pkt 1
    expect(inv.saleDate).toBe("2026-05-03"); // pkt 6: the payment received before the service
    expect(inv.place).toBe("Warszawa");
    expect(inv.seller).toMatchObject({ name: SELLER.name, nip: SELLER.nip, address: SELLER.address }); // pkt 3, 4
    expect(inv.buyer).toEqual(COMPANY); // pkt 3, 5
    expect(inv.lines).toEqual([
      // pkt 7–12: name, unit/quantity, unit net price, discount, line net, rate
      {
        position: 1,
        name: "Hosting Standard",
        quantity: 2,
        unitNet: 501,
        discount: 0,
        net: 1_002,
        vatRate: "23",
        vat: 230,
        gross: 1_232,
        serviceFrom: "2026-05-03",
        serviceTo: "2027-05-02",
      },
      {
        position: 2,
        name: "Certyfikat SSL DV",
        quantity: 1,
        unitNet: 1_102,
        discount: 100,
        net: 1_002,
        vatRate: "23",
        vat: 230,
        gross: 1_232,
      },
      {
        position: 3,
        name: "Opcja .pl",
        quantity: 1,
        unitNet: 1_000,
        discount: 0,
        net: 1_000,
        vatRate: "8",
        vat: 80,
        gross: 1_080,
      },
    ]);
    // pkt 13–14: VAT on the net sum of the rate (20.04 × 23% = 4.6092 → 4.61), not the sum of line VATs (2.30 + 2.30)
    expect(inv.vatBreakdown).toEqual([
      { rate: "23", net: 2_004, vat: 461, gross: 2_465 },
      { rate: "8", net: 1_000, vat: 80, gross: 1_080 },
    ]);
    expect([inv.net, inv.vat, inv.gross]).toEqual([3_004, 541, 3_545]); // pkt 15
    expect(inv.amountInWords).toBe("trzydzieści pięć złotych czterdzieści pięć groszy");
    expect(inv.annotations).toEqual({ reverseCharge: false, splitPayment: false });
    expect(inv.payment).toEqual({ paidAt: "2026-05-03", paid: 3_545 }); // 22:30 UTC is already 3 May in Warsaw
    expect(inv.proformaId).toBe(pid);
    expect(inv.customerId).toBe(company);
    expect(await getInvoice(db, inv.id)).toEqual(inv);
    expect(await findInvoiceForProforma(db, pid)).toEqual(inv);
  });

  it("refuses a proforma that is not (fully) paid, and writes nothing", async () => {
    const unpaid = await proforma(db, company, { status: "issued", lines: [DOMAIN] });
    const partly = await proforma(db, company, { status: "issued", paid: 1_000, lines: [DOMAIN] });
    const before = await counts(db);
    for (const proformaId of [unpaid, partly]) {
      await expect(issueInvoiceForProforma(db, { proformaId, at: AT })).rejects.toMatchObject({
        code: "unpaid",
      });
    }
    await expect(issueInvoiceForProforma(db, { proformaId: 999_999, at: AT })).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await counts(db)).toEqual(before);
    expect(await findInvoiceForProforma(db, unpaid)).toBeNull();
  });

  it("names every bad field of a bad call", async () => {
    const err = await issueInvoiceForProforma(db, {
      proformaId: -1,
      at: new Date("nonsense"),
      exchangeRate: { rate: "4,27", table: "", date: "2026-5-1" },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "validation" });
    const paths = (err as { issues: { path: string }[] }).issues.map((i) => i.path).sort();
    expect(paths).toEqual([
      "at",
      "exchangeRate.date",
      "exchangeRate.rate",
      "exchangeRate.table",
      "proformaId",
    ]);
  });

  it("is idempotent per proforma: a second call returns the same invoice and takes no number", async () => {
    const pid = await proforma(db, company, { lines: [DOMAIN] });
    const first = await issueInvoiceForProforma(db, { proformaId: pid, at: AT });
    const before = await counts(db);
    const again = await issueInvoiceForProforma(db, {
      proformaId: pid,
      at: new Date("2026-05-20T10:00:00Z"),
    });
    expect(again).toEqual(first);
    expect(await counts(db)).toEqual(before);
  });

  it("runs inside the caller's transaction: rolled back with it, number given back", async () => {
    const at = new Date("2031-03-10T10:00:00Z");
    const a = await proforma(db, company, { lines: [DOMAIN] });
    const b = await proforma(db, company, { lines: [DOMAIN] });
    const before = await counts(db);
    await expect(
      db.transaction(async (tx) => {
        const inv = await issueInvoiceForProforma(tx, { proformaId: a, at });
        expect(inv.number).toBe("FV/2031/03/1");
        throw new Error("activation failed later");
      }),
    ).rejects.toThrow("activation failed later");
    expect(await counts(db)).toEqual(before);
    const committed = await db.transaction(async (tx) => {
      await tx.query("UPDATE proformas SET activated_at = $2 WHERE id = $1", [b, at]);
      return issueInvoiceForProforma(tx, { proformaId: b, at });
    });
    expect(committed.number).toBe("FV/2031/03/1");
    expect((await issueInvoiceForProforma(db, { proformaId: a, at })).number).toBe("FV/2031/03/2");
  });

  it("numbers FV/{YYYY}/{MM}/{N} without gaps and starts again each month (Warsaw time)", async () => {
    const numbers: string[] = [];
    for (const at of [
      "2031-01-05T10:00:00Z",
      "2031-01-20T10:00:00Z",
      "2031-01-31T22:59:00Z", // 23:59 in Warsaw: still January
      "2031-01-31T23:01:00Z", // 00:01 on 1 February in Warsaw
      "2031-02-14T10:00:00Z",
    ]) {
      const pid = await proforma(db, company, { lines: [DOMAIN] });
      numbers.push((await issueInvoiceForProforma(db, { proformaId: pid, at: new Date(at) })).number);
    }
    expect(numbers).toEqual(["FV/2031/01/1", "FV/2031/01/2", "FV/2031/01/3", "FV/2031/02/1", "FV/2031/02/2"]);
  });

  it("refuses an issue date before the payment", async () => {
    const pid = await proforma(db, company, { lines: [DOMAIN], paidAt: "2026-05-10T10:00:00Z" });
    await expect(issueInvoiceForProforma(db, { proformaId: pid, at: AT })).rejects.toMatchObject({
      code: "issue_before_payment",
    });
  });

  it("invoices a consumer without NIP and never prints the PESEL", async () => {
    const pid = await proforma(db, consumer, { buyer: CONSUMER, lines: [DOMAIN] });
    const inv = await issueInvoiceForProforma(db, { proformaId: pid, at: AT });
    expect(inv.buyer).toEqual({ name: CONSUMER.name, address: CONSUMER.address });
    expect(inv.vatBreakdown).toEqual([{ rate: "23", net: 5_000, vat: 1_150, gross: 6_150 }]);
  });

  it("keeps the gross method of a proforma made with consumer (gross) prices, so the invoice shows what was paid", async () => {
    // 3 × 1.00 zł gross at 23%: by net sums 3 × 0.81 = 2.43 → 2.99 gross; by the gross method 3.00 → VAT 0.56
    const pid = await proforma(db, consumer, {
      buyer: CONSUMER,
      grossMethod: true,
      lines: [
        { name: "Opcja A", unitNet: 100 },
        { name: "Opcja B", unitNet: 100 },
        { name: "Opcja C", unitNet: 100 },
      ],
    });
    const inv = await issueInvoiceForProforma(db, { proformaId: pid, at: AT });
    expect(inv.vatBreakdown).toEqual([{ rate: "23", net: 244, vat: 56, gross: 300 }]);
    expect(inv.lines.map((l) => [l.net, l.vat, l.gross])).toEqual([
      [81, 19, 100],
      [81, 19, 100],
      [81, 19, 100],
    ]);
    expect(inv.gross).toBe(inv.payment.paid);
    // a proforma whose lines do not add up to its total is refused
    const broken = await proforma(db, consumer, { buyer: CONSUMER, lines: [DOMAIN] });
    await db.query(
      "UPDATE proformas SET net = net + 100, gross = gross + 100, paid = gross + 100 WHERE id = $1",
      [broken],
    );
    await expect(issueInvoiceForProforma(db, { proformaId: broken, at: AT })).rejects.toMatchObject({
      code: "proforma_totals",
    });
  });

  it("EU business: 'np II' on every line and the reverse-charge annotation", async () => {
    const pid = await proforma(db, eu, {
      buyer: EU_BUSINESS,
      currency: "EUR",
      lines: [
        { name: "Domain example.pl, 1 year", unitNet: 1_200, rate: "np II" },
        { name: "SSL certificate", unitNet: 3_000, rate: "np II" },
      ],
    });
    const inv = await issueInvoiceForProforma(db, {
      proformaId: pid,
      at: AT,
      exchangeRate: { rate: "4.2718", table: "083/A/NBP/2026", date: "2026-04-30" },
    });
    expect(inv.lines.map((l) => [l.vatRate, l.vat])).toEqual([
      ["np II", 0],
      ["np II", 0],
    ]);
    expect(inv.annotations.reverseCharge).toBe(true);
    expect(inv.buyer.euVat).toEqual({ country: "DE", number: "DE123456789" });
    expect(inv.vatBreakdown).toEqual([{ rate: "np II", net: 4_200, vat: 0, gross: 4_200, vatPln: 0 }]);
    expect(inv.amountInWords).toBe("czterdzieści dwa euro zero centów");

    // a proforma that charged Polish VAT to an EU business: the invoice still applies the reverse charge
    const taxed = await proforma(db, eu, { buyer: EU_BUSINESS, lines: [DOMAIN] });
    const fixed = await issueInvoiceForProforma(db, { proformaId: taxed, at: AT });
    expect(fixed.vatBreakdown).toEqual([{ rate: "np II", net: 5_000, vat: 0, gross: 5_000 }]);
    expect(fixed.payment.paid).toBe(6_150);
  });

  it("EUR: requires the NBP rate of a day before the payment, stores it, and shows VAT in PLN", async () => {
    const pid = await proforma(db, company, {
      currency: "EUR",
      lines: [
        { name: "Hosting Business", unitNet: 10_001 },
        { name: "Opcja", unitNet: 999, rate: "8" },
      ],
    });
    const before = await counts(db);
    await expect(issueInvoiceForProforma(db, { proformaId: pid, at: AT })).rejects.toMatchObject({
      code: "exchange_rate_required",
    });
    await expect(
      issueInvoiceForProforma(db, {
        proformaId: pid,
        at: AT,
        exchangeRate: { rate: "4.2718", table: "084/A/NBP/2026", date: "2026-05-04" },
      }),
    ).rejects.toMatchObject({ code: "exchange_rate_date" });
    expect(await counts(db)).toEqual(before);

    const rate = { rate: "4.2718", table: "083/A/NBP/2026", date: "2026-04-30" };
    const inv = await issueInvoiceForProforma(db, { proformaId: pid, at: AT, exchangeRate: rate });
    expect(inv.currency).toBe("EUR");
    expect(inv.exchangeRate).toEqual(rate);
    // 100.01 € × 23% = 23.0023 → 23.00 €; × 4.2718 = 98.2514 → 98.25 zł. 9.99 € × 8% = 0.7992 → 0.80 €; → 3.41744 → 3.42 zł
    expect(inv.vatBreakdown).toEqual([
      { rate: "23", net: 10_001, vat: 2_300, gross: 12_301, vatPln: 9_825 },
      { rate: "8", net: 999, vat: 80, gross: 1_079, vatPln: 342 },
    ]);
    expect(inv.amountInWords).toBe("sto trzydzieści trzy euro osiemdziesiąt centów");
    expect(await getInvoice(db, inv.id)).toEqual(inv);
  });

  it("keeps issued invoices immutable: the database refuses changes, only the KSeF data may be written", async () => {
    const pid = await proforma(db, company, { lines: [DOMAIN] });
    const inv = await issueInvoiceForProforma(db, { proformaId: pid, at: AT });
    await expect(
      db.query("UPDATE invoices SET gross = gross + 1, net = net + 1 WHERE id = $1", [inv.id]),
    ).rejects.toThrow(/immutable/);
    await expect(
      db.query("UPDATE invoice_lines SET name = 'x' WHERE invoice_id = $1", [inv.id]),
    ).rejects.toThrow(/immutable/);
    await expect(db.query("DELETE FROM invoices WHERE id = $1", [inv.id])).rejects.toThrow(
      /cannot be deleted/,
    );
    await setInvoiceKsefState(db, inv.id, {
      number: "5260250274-20260504-0A1B2C-3D4E5F-7A",
      status: "accepted",
    });
    expect(await getInvoiceKsefState(db, inv.id)).toEqual({
      number: "5260250274-20260504-0A1B2C-3D4E5F-7A",
      status: "accepted",
    });
    expect(await getInvoice(db, inv.id)).toEqual(inv);
  });

  it("records a duplicate with its own date; refuses one before the invoice or for an invoice in KSeF", async () => {
    const pid = await proforma(db, consumer, { buyer: CONSUMER, lines: [DOMAIN] });
    const inv = await issueInvoiceForProforma(db, { proformaId: pid, at: AT });
    const dup = await issueDuplicate(db, {
      invoiceId: inv.id,
      at: new Date("2026-09-01T08:00:00Z"),
      reason: "utrata oryginału",
    });
    expect(dup).toMatchObject({
      invoiceId: inv.id,
      invoiceNumber: inv.number,
      issuedOn: "2026-09-01",
      reason: "utrata oryginału",
      renderMode: { mode: "duplicate", issuedOn: "2026-09-01" },
    });
    expect(await listDuplicates(db, inv.id)).toEqual([dup]);
    await expect(
      issueDuplicate(db, { invoiceId: inv.id, at: new Date("2026-05-01T08:00:00Z") }),
    ).rejects.toMatchObject({
      code: "duplicate_before_invoice",
    });
    await setInvoiceKsefState(db, inv.id, { number: "5260250274-20260504-0A1B2C-3D4E5F-7A" });
    await expect(
      issueDuplicate(db, { invoiceId: inv.id, at: new Date("2026-09-02T08:00:00Z") }),
    ).rejects.toMatchObject({
      code: "in_ksef",
    });
    expect(await listDuplicates(db, inv.id)).toHaveLength(1);
    expect(await getInvoice(db, inv.id)).toEqual(inv);
  });

  describe("corrections", () => {
    const CORRECTED_AT = new Date("2026-06-10T10:00:00Z");

    it("corrects changed lines: before and after rows, totals and words of the difference", async () => {
      const pid = await proforma(db, company, {
        lines: [
          { name: "Hosting Standard", quantity: 2, unitNet: 10_000 },
          { name: "Certyfikat SSL", unitNet: 5_000 },
        ],
      });
      const inv = await issueInvoiceForProforma(db, { proformaId: pid, at: AT });
      const kor = await issueCorrection(db, {
        invoiceId: inv.id,
        at: CORRECTED_AT,
        reason: "Rezygnacja z jednego pakietu hostingu",
        lines: [{ position: 1, quantity: 1 }],
      });
      expect(kor.kind).toBe("KOR");
      expect(kor.number).toMatch(/^KOR\/2026\/\d+$/);
      expect(kor.issueDate).toBe("2026-06-10");
      expect(kor.saleDate).toBe(inv.saleDate);
      expect(kor.corrected).toEqual({
        id: inv.id,
        number: inv.number,
        issueDate: inv.issueDate,
        reason: "Rezygnacja z jednego pakietu hostingu",
      });
      expect(kor.lines).toEqual([
        {
          position: 1,
          name: "Hosting Standard",
          quantity: 2,
          unitNet: 10_000,
          discount: 0,
          net: 20_000,
          vatRate: "23",
          vat: 4_600,
          gross: 24_600,
          state: "before",
        },
        {
          position: 2,
          name: "Hosting Standard",
          quantity: 1,
          unitNet: 10_000,
          discount: 0,
          net: 10_000,
          vatRate: "23",
          vat: 2_300,
          gross: 12_300,
          state: "after",
        },
      ]);
      // (150.00 net, 34.50 VAT) − (250.00, 57.50)
      expect(kor.vatBreakdown).toEqual([{ rate: "23", net: -10_000, vat: -2_300, gross: -12_300 }]);
      expect([kor.net, kor.vat, kor.gross]).toEqual([-10_000, -2_300, -12_300]);
      expect(kor.amountInWords).toBe("minus sto dwadzieścia trzy złote zero groszy");
      expect(kor.buyer).toEqual(inv.buyer);
      expect(await getInvoice(db, kor.id)).toEqual(kor);
      expect(await getInvoice(db, inv.id)).toEqual(inv); // the original never changes

      // a second correction starts from the state the first left
      const kor2 = await issueCorrection(db, {
        invoiceId: inv.id,
        at: CORRECTED_AT,
        reason: "Obniżka ceny certyfikatu",
        lines: [
          { position: 1, unitNet: 9_000 },
          { position: 2, unitNet: 4_003 },
        ],
      });
      expect(kor2.lines.map((l) => [l.position, l.state, l.quantity, l.unitNet])).toEqual([
        [1, "before", 1, 10_000],
        [2, "after", 1, 9_000],
        [3, "before", 1, 5_000],
        [4, "after", 1, 4_003],
      ]);
      // now 130.03 net → VAT 29.9069 → 29.91; was 150.00 / 34.50
      expect(kor2.vatBreakdown).toEqual([{ rate: "23", net: -1_997, vat: -459, gross: -2_456 }]);
      const all = [inv, kor, kor2];
      expect(all.reduce((s, d) => s + d.gross, 0)).toBe(13_003 + 2_991);
      expect(await listInvoices(db, { correctedInvoiceId: inv.id })).toMatchObject([
        { id: kor2.id },
        { id: kor.id },
      ]);
    });

    it("corrects a whole invoice to zero", async () => {
      const pid = await proforma(db, company, {
        lines: [
          { name: "Domena", unitNet: 5_000, discount: 500 },
          { name: "Opcja", unitNet: 1_234, rate: "8" },
        ],
      });
      const inv = await issueInvoiceForProforma(db, { proformaId: pid, at: AT });
      const kor = await issueCorrection(db, {
        invoiceId: inv.id,
        at: CORRECTED_AT,
        reason: "Anulowanie zamówienia, zwrot całości",
        lines: { full: true },
      });
      expect(
        kor.lines.filter((l) => l.state === "after").map((l) => [l.quantity, l.discount, l.net, l.vat]),
      ).toEqual([
        [0, 0, 0, 0],
        [0, 0, 0, 0],
      ]);
      expect(kor.vatBreakdown).toEqual(
        inv.vatBreakdown.map((g) => ({ rate: g.rate, net: -g.net, vat: -g.vat, gross: -g.gross })),
      );
      expect(kor.gross).toBe(-inv.gross);
    });

    it("corrects an EUR invoice with its VAT difference in PLN", async () => {
      const pid = await proforma(db, company, {
        currency: "EUR",
        lines: [{ name: "Hosting", quantity: 3, unitNet: 3_333 }],
      });
      const rate = { rate: "4.25", table: "083/A/NBP/2026", date: "2026-04-30" };
      const inv = await issueInvoiceForProforma(db, { proformaId: pid, at: AT, exchangeRate: rate });
      const kor = await issueCorrection(db, {
        invoiceId: inv.id,
        at: CORRECTED_AT,
        reason: "Zmiana liczby pakietów",
        lines: [{ position: 1, quantity: 1 }],
      });
      expect(kor.exchangeRate).toEqual(rate);
      expect(await getInvoice(db, kor.id)).toEqual(kor);
      // 33.33 € → VAT 7.67 € → 32.60 zł; was 99.99 € → 22.9977 → 23.00 € → 97.75 zł
      expect(kor.vatBreakdown).toEqual([
        { rate: "23", net: -6_666, vat: -1_533, gross: -8_199, vatPln: 3_260 - 9_775 },
      ]);
      expect(kor.amountInWords).toBe("minus osiemdziesiąt jeden euro dziewięćdziesiąt dziewięć centów");
    });

    it("refuses corrections that change nothing, unknown lines, and corrections of corrections; writes nothing", async () => {
      const pid = await proforma(db, company, { lines: [{ name: "Hosting", quantity: 2, unitNet: 1_000 }] });
      const inv = await issueInvoiceForProforma(db, { proformaId: pid, at: AT });
      const before = await counts(db);
      await expect(
        issueCorrection(db, {
          invoiceId: inv.id,
          at: CORRECTED_AT,
          reason: "Bez zmian",
          lines: [{ position: 1, quantity: 2 }],
        }),
      ).rejects.toMatchObject({ code: "nothing_to_correct" });
      const err = await issueCorrection(db, {
        invoiceId: inv.id,
        at: CORRECTED_AT,
        reason: "Pomyłka",
        lines: [{ position: 7, quantity: 1 }],
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "validation", issues: [{ path: "lines.0.position" }] });
      await expect(
        issueCorrection(db, {
          invoiceId: inv.id,
          at: new Date("2026-05-01T10:00:00Z"),
          reason: "Za wcześnie",
          lines: { full: true },
        }),
      ).rejects.toMatchObject({ code: "correction_before_invoice" });
      const bad = await issueCorrection(db, {
        invoiceId: inv.id,
        at: CORRECTED_AT,
        reason: "",
        lines: [{ position: 1, remove: true, quantity: 1 } as never],
      }).catch((e: unknown) => e);
      expect((bad as { issues: { path: string }[] }).issues.map((i) => i.path).sort()).toEqual([
        "lines.0",
        "reason",
      ]);
      await expect(
        issueCorrection(db, {
          invoiceId: 999_999,
          at: CORRECTED_AT,
          reason: "Brak faktury",
          lines: { full: true },
        }),
      ).rejects.toMatchObject({ code: "not_found" });
      expect(await counts(db)).toEqual(before);

      const kor = await issueCorrection(db, {
        invoiceId: inv.id,
        at: CORRECTED_AT,
        reason: "Zwrot",
        lines: { full: true },
      });
      await expect(
        issueCorrection(db, {
          invoiceId: kor.id,
          at: CORRECTED_AT,
          reason: "Korekta korekty",
          lines: { full: true },
        }),
      ).rejects.toMatchObject({ code: "not_correctable" });
      // everything already withdrawn: a second full correction changes nothing
      await expect(
        issueCorrection(db, {
          invoiceId: inv.id,
          at: CORRECTED_AT,
          reason: "Jeszcze raz",
          lines: { full: true },
        }),
      ).rejects.toMatchObject({ code: "nothing_to_correct" });
    });
  });

  it("lists invoices newest first, by customer and kind, with keyset paging", async () => {
    const mine = await customer(db, "Lista sp. z o.o.");
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const pid = await proforma(db, mine, { lines: [DOMAIN] });
      ids.push((await issueInvoiceForProforma(db, { proformaId: pid, at: AT })).id);
    }
    const page1 = await listInvoices(db, { customerId: mine, limit: 3 });
    expect(page1.map((i) => i.id)).toEqual(ids.slice(2).reverse());
    const page2 = await listInvoices(db, { customerId: mine, limit: 3, beforeId: page1.at(-1)!.id });
    expect(page2.map((i) => i.id)).toEqual(ids.slice(0, 2).reverse());
    expect(page1[0]).toMatchObject({ kind: "VAT", buyerName: COMPANY.name, gross: 6_150, customerId: mine });
    expect(await listInvoices(db, { customerId: mine, kind: "KOR" })).toEqual([]);
    expect(await listInvoices(db, { customerId: mine, from: "2026-05-05" })).toEqual([]);
  });
});
