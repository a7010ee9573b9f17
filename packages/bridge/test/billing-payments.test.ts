/**
 * Payments over real HTTP, on PGlite and (with DATABASE_URL) PostgreSQL: money recorded by hand,
 * online payments forwarded by a shop (one payment per gateway transaction, whatever the
 * Idempotency-Keys), bank statements uploaded as the banks export them (MT940 in CP852 with `<NN`
 * sub-fields, mBank's CSV history in Windows-1250) — uploaded twice, or overlapping, they never
 * pay twice — the unmatched list settled by hand, the payment list and a customer's balance.
 */
import { type Db, seedDefaultCatalog, setSellerSettings } from "@hrdkit/billing";
import type { Bridge, BridgeClient } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridgeBackends } from "./support/backends.js";
import { failure, signedFetch } from "./support/bridge.js";

const SELLER = {
  name: "Hosting Polska Sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Prosta 20", postcode: "00-850", city: "Warszawa", country: "PL" },
  bankAccount: "PL61 1090 1014 0000 0712 1981 2874",
  email: "faktury@hosting.example",
  place: "Warszawa",
};

interface ProformaJson {
  id: number;
  number: string;
  gross: string;
  status: string;
  paid: string;
  outstanding: string;
}
interface PaymentJson {
  id: number;
  customerId: number;
  proformaId: number | null;
  method: string;
  amount: string;
  currency: string;
  reference: string | null;
  receivedAt: string;
}
interface RecordedJson {
  payment: PaymentJson;
  duplicate: boolean;
  outcome: string;
  applied: string;
  toBalance: string;
  proforma: { status: string; outstanding: string; paid: string } | null;
  note: string | null;
  replayed: boolean;
}
interface ImportJson {
  statementId: number;
  alreadyImported: boolean;
  encoding: string;
  account: string | null;
  entries: number;
  matched: number;
  unmatched: number;
  ignored: number;
  duplicates: number;
  items: {
    entryId: number;
    status: string;
    amount: string;
    title: string;
    counterparty: string | null;
    counterpartyAccount: string | null;
    proformaNumbers: string[];
    paymentIds: number[];
    flags: string[];
    note: string | null;
  }[];
  replayed: boolean;
}
interface EntryJson {
  id: number;
  status: string;
  amount: string;
  title: string;
  note: string | null;
  paymentId: number | null;
}

let bridge: Bridge;
let client: BridgeClient;
let moduleKey: string;
let db: Db;
let keys = 0;
const key = (label: string) => `test-${label}-${++keys}-${Date.now()}`;

const warsawDay = (d = new Date()) =>
  new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Warsaw" }).format(d);

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(sql, params);
  return Number(rows[0]!.n);
}
const matchedEvents = async (proformaId: number) =>
  (
    await db.query<{ data: { paymentId: number; amount: string; applied: string; paid: boolean } }>(
      "SELECT data FROM webhook_events WHERE type = 'payment.matched' AND data->>'proformaId' = $1 ORDER BY seq",
      [String(proformaId)],
    )
  ).rows.map((r) => r.data);

/** A signed request with a raw body, as the partner's software uploads a bank file. */
async function raw(method: string, path: string, body?: Buffer, headers: Record<string, string> = {}) {
  const res = await signedFetch(bridge.url, moduleKey, method, path, body, headers);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

// ---------------------------------------------------------------------------------- bank files

// The Polish letters in the two single-byte code pages Polish banks still export in.
const POLISH = "ĄąĆćĘęŁłŃńÓóŚśŹźŻż";
// biome-ignore format: a table
const CP852 = [0xa4, 0xa5, 0x8f, 0x86, 0xa8, 0xa9, 0x9d, 0x88, 0xe3, 0xe4, 0xe0, 0xa2, 0x97, 0x98, 0x8d, 0xab, 0xbd, 0xbe];
// biome-ignore format: a table
const CP1250 = [0xa5, 0xb9, 0xc6, 0xe6, 0xca, 0xea, 0xa3, 0xb3, 0xd1, 0xf1, 0xd3, 0xf3, 0x8c, 0x9c, 0x8f, 0x9f, 0xaf, 0xbf];
function encode(text: string, table: number[]): Buffer {
  return Buffer.from(
    [...text].map((ch) => {
      if (ch.charCodeAt(0) < 0x80) return ch.charCodeAt(0);
      const i = POLISH.indexOf(ch);
      if (i < 0) throw new Error(`no byte for ${ch}`);
      return table[i]!;
    }),
  );
}

interface Entry {
  bankRef: string;
  /** Grosze; negative for a debit. */
  amount: number;
  title: string[];
  name?: string;
  /** bank (8 digits) and account (16 digits) of the counterparty. */
  account?: [string, string];
}

const mtAmount = (g: number) =>
  `${Math.floor(Math.abs(g) / 100)},${String(Math.abs(g) % 100).padStart(2, "0")}`;

/**
 * A `.STA` MT940 file as some Polish banks still write it: CP852, `:86:` with `<NN` sub-fields
 * (operation code first, title in <20–<25, the counterparty's bank and account in <30/<31, the
 * name in <32), the own account as `bank/account`, lines cut at 65 characters.
 */
function staFile(day: string, entries: Entry[], number: string): Buffer {
  const yymmdd = day.slice(2).replaceAll("-", "");
  const closing = entries.reduce((s, e) => s + e.amount, 0);
  const lines = [":20:MT940", ":25:10901014/0000071219812874", `:28C:${number}`, `:60F:C${yymmdd}PLN0,00`];
  for (const e of entries) {
    const credit = e.amount > 0;
    const code = credit ? "051" : "073";
    lines.push(
      `:61:${yymmdd}${yymmdd.slice(2)}${credit ? "C" : "D"}${mtAmount(e.amount)}S${code}${day.replaceAll("-", "")}//${e.bankRef}`,
    );
    const fields =
      `${code}<00${credit ? "Przelew przychodzący" : "Opłata"}` +
      e.title.map((t, i) => `<${20 + i}${t}`).join("") +
      (e.account ? `<30${e.account[0]}<31${e.account[1]}` : "") +
      (e.name ? `<32${e.name}` : "");
    lines.push(...`:86:${fields}`.match(/.{1,65}/g)!);
  }
  lines.push(`:62F:${closing < 0 ? "D" : "C"}${yymmdd}PLN${mtAmount(closing)}`, "");
  return encode(lines.join("\r\n"), CP852);
}

/** mBank's operation history CSV: account data above a `#`-header, `;`, decimal comma, Windows-1250. */
function mbankCsv(
  rows: { day: string; type: string; title: string; who: string; account: string; amount: string }[],
): Buffer {
  const lines = [
    "mBank S.A. Bankowość Detaliczna;",
    "Skrytka Pocztowa 2108;",
    "90-959 Łódź 2;",
    ";",
    "#Klient;",
    "HOSTING POLSKA SP. Z O.O.;",
    ";",
    "#Data księgowania;#Data operacji;#Opis operacji;#Tytuł;#Nadawca/Odbiorca;#Numer konta;#Kwota;#Saldo po operacji;",
    ...rows.map(
      (r) => `${r.day};${r.day};${r.type};"${r.title}";"${r.who}";'${r.account}';${r.amount};10 000,00;`,
    ),
    ";",
    "#Saldo końcowe;10 000,00;",
    "",
  ];
  return encode(lines.join("\r\n"), CP1250);
}

const backends = bridgeBackends("payments_http");

describe.each(backends)("payments and bank statements over HTTP on $name", (backend) => {
  let person: number;
  let company: number;

  const proforma = async (customerId: number, unitGross: string, name = "Hosting WWW Standard (12 mies.)") =>
    (
      await client.call<ProformaJson>(
        "POST",
        "/v1/billing/proformas",
        { customerId, lines: [{ name, unitGross }] },
        { idempotencyKey: key("proforma") },
      )
    ).body;
  const pay = (body: unknown, idempotencyKey = key("pay")) =>
    client.call<RecordedJson>("POST", "/v1/billing/payments", body, { idempotencyKey });
  const online = (body: unknown, idempotencyKey = key("online")) =>
    client.call<RecordedJson>("POST", "/v1/billing/payments/online", body, { idempotencyKey });
  const upload = (
    file: Buffer,
    query: string,
    contentType = "text/plain",
    idempotencyKey = key("statement"),
  ) =>
    raw("POST", `/v1/billing/statements?${query}`, file, {
      "content-type": contentType,
      "idempotency-key": idempotencyKey,
    });
  const get = (id: number) => client.call<ProformaJson>("GET", `/v1/billing/proformas/${id}`);
  const payments = () => count("SELECT count(*) AS n FROM payments");

  beforeAll(async () => {
    const started = await backend.start();
    ({ bridge, client } = started);
    moduleKey = started.key;
    db = bridge.db;
    await seedDefaultCatalog(db);
    await setSellerSettings(db, SELLER);
    const customer = async (body: unknown) =>
      (await client.call<{ id: number }>("POST", "/v1/billing/customers", body, { idempotencyKey: key("c") }))
        .body.id;
    person = await customer({
      name: "Agnieszka Wiśniewska",
      pesel: "44051401359",
      email: "agnieszka@example.com",
      addresses: { correspondence: { street: "ul. Polna 1", postcode: "00-635", city: "Warszawa" } },
    });
    company = await customer({
      name: "Kwiaciarnia Różana sp. z o.o.",
      nip: "7251801126",
      email: "biuro@rozana.example",
      addresses: { correspondence: { street: "ul. Piotrkowska 10", postcode: "90-001", city: "Łódź" } },
    });
  }, 120_000);
  afterAll(async () => {
    await bridge?.close();
    await backend.dispose();
  });

  it("records one online payment per gateway transaction, however often the shop forwards it", async () => {
    const p = await proforma(person, "123.00");
    const body = {
      gateway: "Przelewy24",
      transactionId: "4217381942",
      proformaId: p.id,
      amount: "123.00",
      paidAt: new Date().toISOString(),
    };
    const k = key("online");
    const first = await online(body, k);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      duplicate: false,
      outcome: "paid",
      applied: "123.00",
      toBalance: "0.00",
      replayed: false,
      proforma: { status: "paid", outstanding: "0.00" },
      payment: { method: "online", amount: "123.00", currency: "PLN", reference: "przelewy24:4217381942" },
    });
    // The same notification again: under the same key the journaled answer; under other keys
    // (a shop's retry, the gateway's second notification, the name in other case) one payment.
    expect((await online(body, k)).body).toMatchObject({
      replayed: true,
      payment: { id: first.body.payment.id },
    });
    const again = await online(body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      duplicate: true,
      replayed: false,
      payment: { id: first.body.payment.id },
    });
    const shouted = await online({ ...body, gateway: "PRZELEWY24" });
    expect(shouted.body).toMatchObject({ duplicate: true, payment: { id: first.body.payment.id } });
    // The same transaction id with another amount is not the same payment: refused.
    const other = await failure(online({ ...body, amount: "120.00" }));
    expect([other.status, other.code]).toEqual([409, "reference_reused"]);
    expect(await count("SELECT count(*) AS n FROM payments WHERE proforma_id = $1", [p.id])).toBe(1);
    expect((await get(p.id)).body).toMatchObject({ status: "paid", paid: "123.00" });
    expect(await matchedEvents(p.id)).toEqual([
      expect.objectContaining({
        paymentId: first.body.payment.id,
        amount: "123.00",
        applied: "123.00",
        paid: true,
      }),
    ]);
    // Another gateway's transaction with the same id is another payment (the proforma is paid,
    // so the money is the customer's balance).
    const payu = await online({ ...body, gateway: "payu" });
    expect(payu.body).toMatchObject({ duplicate: false, outcome: "balance", toBalance: "123.00" });
    expect(payu.body.note).toContain("already paid");
  });

  it("records partial and over-payments by hand, keeps the excess as balance, and refuses bad input writing nothing", async () => {
    const p = await proforma(company, "553.50", "Serwer VPS 4 GB (12 mies.)");
    const today = warsawDay();
    const k = key("pay");
    const part = await pay(
      {
        proformaNumber: p.number,
        amount: "200.00",
        receivedAt: today,
        method: "transfer",
        reference: "PKO-7781-2201",
      },
      k,
    );
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({
      outcome: "partial",
      applied: "200.00",
      proforma: { status: "issued", paid: "200.00", outstanding: "353.50" },
    });
    expect(part.body.payment.receivedAt.slice(0, 10)).toBe(today);
    const replay = await pay(
      {
        proformaNumber: p.number,
        amount: "200.00",
        receivedAt: today,
        method: "transfer",
        reference: "PKO-7781-2201",
      },
      k,
    );
    expect(replay.body).toMatchObject({ replayed: true, payment: { id: part.body.payment.id } });
    const rest = await pay({
      proformaId: p.id,
      amount: "400.00",
      receivedAt: `${today}T09:30:00+02:00`,
      method: "cash",
    });
    expect(rest.body).toMatchObject({
      outcome: "overpaid",
      applied: "353.50",
      toBalance: "46.50",
      proforma: { status: "paid", outstanding: "0.00" },
    });
    const onAccount = await pay({ customerId: company, amount: "10.00", receivedAt: today, method: "cash" });
    expect(onAccount.body).toMatchObject({ outcome: "balance", proforma: null, toBalance: "10.00" });
    const balance = await client.call<{ balances: { currency: string; amount: string }[] }>(
      "GET",
      `/v1/billing/customers/${company}/balance`,
    );
    expect(balance.body.balances).toEqual([
      { currency: "PLN", amount: "56.50" },
      { currency: "EUR", amount: "0.00" },
    ]);
    const nobody = await failure(client.call("GET", "/v1/billing/customers/999999/balance"));
    expect([nobody.status, nobody.code]).toEqual([404, "not_found"]);
    expect((await matchedEvents(p.id)).map((e) => [e.amount, e.applied, e.paid])).toEqual([
      ["200.00", "200.00", false],
      ["400.00", "353.50", true],
    ]);
    expect(
      await count("SELECT count(*) AS n FROM webhook_events WHERE data->>'paymentId' = $1", [
        String(onAccount.body.payment.id),
      ]),
    ).toBe(0);

    // Refused: nothing is written, and the key stays free for the corrected request.
    const before = await payments();
    const bk = key("pay");
    const typed = await failure(pay({ amount: "12,50", receivedAt: "wczoraj", method: "przelew" }, bk));
    expect(typed.body.issues?.map((i) => i.path).sort()).toEqual(["amount", "method", "receivedAt"]);
    const billingSays = await failure(pay({ amount: "0", receivedAt: today, method: "cash" }, bk));
    expect(billingSays.status).toBe(400);
    expect(billingSays.body.issues?.map((i) => i.path).sort()).toEqual(["amount", "customerId"]);
    const ghost = await failure(
      pay({ proformaId: 999_999, amount: "1.00", receivedAt: today, method: "cash" }, bk),
    );
    expect(ghost.status).toBe(404);
    const euro = await failure(
      pay({ proformaId: p.id, amount: "10.00", currency: "EUR", receivedAt: today, method: "transfer" }, bk),
    );
    expect([euro.status, euro.code]).toEqual([409, "currency_mismatch"]);
    const stranger = await failure(
      pay({ proformaId: p.id, customerId: person, amount: "10.00", receivedAt: today, method: "cash" }, bk),
    );
    expect([stranger.status, stranger.code]).toEqual([409, "customer_mismatch"]);
    const noKey = await failure(
      client.call("POST", "/v1/billing/payments", {
        customerId: company,
        amount: "1.00",
        receivedAt: today,
        method: "cash",
      }),
    );
    expect(noKey.body.issues?.map((i) => i.path)).toContain("idempotency-key");
    expect(await payments()).toBe(before);
    const fixed = await pay({ customerId: company, amount: "12.50", receivedAt: today, method: "cash" }, bk);
    expect(fixed.body).toMatchObject({ replayed: false, outcome: "balance" });
  });

  it("imports MT940 and CSV statements: matches by number, never pays twice, leaves the rest to settle by hand", async () => {
    const today = warsawDay();
    const p1 = await proforma(company, "615.00", "Certyfikat SSL Positive (12 mies.)");
    const p2 = await proforma(company, "369.00");
    const p3 = await proforma(person, "1230.00", "Sklep internetowy – wdrożenie");
    const statementsBefore = await count("SELECT count(*) AS n FROM bank_statements");

    // A CP852 .STA file: the number typed in lower case, a donation with no number, a bank fee.
    const [, y, m, n1] = /^PRO\/(\d{4})\/(\d{2})\/(\d+)$/.exec(p1.number)!;
    const rozana: [string, string] = ["10201026", "0000999988887777"];
    const donation: Entry = {
      bankRef: "BNK0002",
      amount: 5_000,
      title: ["Darowizna dla fundacji"],
      name: "Anna Żółkiewska",
    };
    const sta = staFile(
      today,
      [
        {
          bankRef: "BNK0001",
          amount: 61_500,
          title: [`Płatność za pro/${y}/${m}/${n1}`, "certyfikat SSL"],
          name: "Kwiaciarnia Różana Sp. z o.o.",
          account: rozana,
        },
        donation,
        { bankRef: "BNK0003", amount: -1_230, title: ["Prowizja za przelew"] },
      ],
      "00061",
    );
    // No encoding parameter: the Content-Type's charset says CP852.
    const first = await upload(sta, "format=mt940", "text/plain; charset=IBM852");
    expect(first.status).toBe(201);
    const r1 = first.body as unknown as ImportJson;
    expect(r1).toMatchObject({
      alreadyImported: false,
      encoding: "cp852",
      entries: 3,
      matched: 1,
      unmatched: 1,
      ignored: 1,
    });
    expect(r1.account).toBe("PL61109010140000071219812874");
    expect(r1.items[0]).toMatchObject({
      status: "matched",
      counterparty: "Kwiaciarnia Różana Sp. z o.o.",
      proformaNumbers: [p1.number],
      flags: [],
    });
    expect(r1.items[0]!.counterpartyAccount).toMatch(/^PL\d{2}102010260000999988887777$/);
    expect(r1.items[1]).toMatchObject({ status: "unmatched", title: "Darowizna dla fundacji" });
    expect((await get(p1.id)).body).toMatchObject({ status: "paid", paid: "615.00" });
    expect(await matchedEvents(p1.id)).toEqual([
      expect.objectContaining({ paymentId: r1.items[0]!.paymentIds[0], amount: "615.00", paid: true }),
    ]);

    // The same file again: the first result, nothing recorded.
    const again = await upload(sta, "format=mt940&encoding=cp852", "application/octet-stream");
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ alreadyImported: true, statementId: r1.statementId, matched: 1 });
    // The next day's file overlaps: the donation is on it again, with a transfer for P2 (part of it).
    const [, , , n2] = /^PRO\/(\d{4})\/(\d{2})\/(\d+)$/.exec(p2.number)!;
    const next = staFile(
      today,
      [
        donation,
        {
          bankRef: "BNK0004",
          amount: 30_000,
          title: [`PRO ${y} ${m} ${n2} zaliczka`],
          name: "Kwiaciarnia Różana Sp. z o.o.",
          account: rozana,
        },
      ],
      "00062",
    );
    const r2 = (await upload(next, "format=mt940&encoding=cp852")).body as unknown as ImportJson;
    expect(r2.items.map((i) => i.status)).toEqual(["duplicate", "matched"]);
    expect(r2.items[0]!.entryId).toBe(r1.items[1]!.entryId);
    expect(r2.items[1]!.flags).toEqual(["partial"]);
    expect((await get(p2.id)).body).toMatchObject({ status: "issued", paid: "300.00", outstanding: "69.00" });
    expect(
      await count("SELECT count(*) AS n FROM payments WHERE proforma_id = ANY($1::int[])", [[p1.id, p2.id]]),
    ).toBe(2);
    expect(await matchedEvents(p1.id)).toHaveLength(1);

    // mBank's CSV history: the number with spaces instead of slashes; a loan repaid; a supplier paid.
    const [, , , n3] = /^PRO\/(\d{4})\/(\d{2})\/(\d+)$/.exec(p3.number)!;
    const csv = mbankCsv([
      {
        day: today,
        type: "PRZELEW ZEWNĘTRZNY PRZYCHODZĄCY",
        title: `PRO ${y} ${m} ${n3} opłata za wdrożenie`,
        who: "AGNIESZKA WIŚNIEWSKA  UL. POLNA 1",
        account: "11105010121000009012345678",
        amount: "1 230,00",
      },
      {
        day: today,
        type: "PRZELEW ZEWNĘTRZNY PRZYCHODZĄCY",
        title: "zwrot pożyczki",
        who: "JAN NOWAK",
        account: "60102010260000123456789012",
        amount: "500,00",
      },
      {
        day: today,
        type: "PRZELEW WYCHODZĄCY",
        title: "Faktura 12/2026",
        who: "DOSTAWCA SP. Z O.O.",
        account: "60102010260000123456789012",
        amount: "-100,00",
      },
    ]);
    const missingPreset = await upload(csv, "format=csv", "text/csv");
    expect(missingPreset.status).toBe(400);
    expect((missingPreset.body.error as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
      "csv",
    ]);
    const r3 = (await upload(csv, "format=csv&csv=mbank", "text/csv")).body as unknown as ImportJson;
    expect(r3).toMatchObject({ encoding: "windows-1250", matched: 1, unmatched: 1, ignored: 1 });
    expect(r3.items[0]).toMatchObject({
      counterparty: "AGNIESZKA WIŚNIEWSKA UL. POLNA 1",
      proformaNumbers: [p3.number],
    });
    expect((await get(p3.id)).body.status).toBe("paid");

    // The unmatched list, a page at a time.
    const seen: EntryJson[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: EntryJson[]; total: number; nextCursor: string | null } = (
        await client.call<{ items: EntryJson[]; total: number; nextCursor: string | null }>(
          "GET",
          `/v1/billing/statements/unmatched?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        )
      ).body;
      expect(page.total).toBe(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((e) => [e.title, e.amount])).toEqual([
      ["Darowizna dla fundacji", "50.00"],
      ["zwrot pożyczki", "500.00"],
    ]);
    const [gift, loan] = seen as [EntryJson, EntryJson];

    // The donation was in fact the rest of P2 (paid by a friend): assigned by hand, once.
    const ak = key("assign");
    const assign = (id: number, body: unknown, k = key("assign")) =>
      client.call<{ entry: EntryJson; payment: RecordedJson; replayed: boolean }>(
        "POST",
        `/v1/billing/statements/entries/${id}/assign`,
        body,
        { idempotencyKey: k },
      );
    const assigned = await assign(gift.id, { proformaId: p2.id }, ak);
    expect(assigned.body).toMatchObject({
      entry: { status: "matched" },
      payment: { outcome: "partial", applied: "50.00", proforma: { outstanding: "19.00" } },
      replayed: false,
    });
    expect((await assign(gift.id, { proformaId: p2.id }, ak)).body.replayed).toBe(true);
    const twice = await failure(assign(gift.id, { proformaId: p2.id }));
    expect([twice.status, twice.code]).toEqual([409, "not_unmatched"]);
    const both = await failure(assign(loan.id, { proformaId: p2.id, customerId: company }));
    expect(both.body.issues?.map((i) => i.path)).toEqual(["customerId"]);
    expect(await count("SELECT count(*) AS n FROM payments WHERE statement_entry_id = $1", [gift.id])).toBe(
      1,
    );
    expect((await matchedEvents(p2.id)).map((e) => e.amount)).toEqual(["300.00", "50.00"]);

    // The loan repaid is not a customer's payment: off the list, with the reason.
    const ignored = await client.call<EntryJson>("POST", `/v1/billing/statements/entries/${loan.id}/ignore`, {
      reason: "zwrot pożyczki prywatnej, nie płatność klienta",
    });
    expect(ignored.body).toMatchObject({ status: "ignored", paymentId: null });
    expect(ignored.body.note).toContain("zwrot pożyczki prywatnej");
    const ignoredTwice = await failure(
      client.call("POST", `/v1/billing/statements/entries/${loan.id}/ignore`, { reason: "znowu" }),
    );
    expect([ignoredTwice.status, ignoredTwice.code]).toEqual([409, "not_unmatched"]);
    const empty = (await client.call<{ total: number }>("GET", "/v1/billing/statements/unmatched")).body;
    expect(empty.total).toBe(0);

    // A damaged file: every problem named under `body`, nothing written, the key free again.
    const statements = await count("SELECT count(*) AS n FROM bank_statements");
    expect(statements).toBe(statementsBefore + 3);
    const bk = key("statement");
    const broken = Buffer.from(
      [
        ":20:MT940",
        ":25:/PL61109010140000071219812874",
        ":60F:C260301PLN100,00",
        ":61:26XX01C10,00NTRFNONREF",
        ":62F:C260301PLN999,00",
        "",
      ].join("\r\n"),
    );
    const bad = await upload(broken, "format=mt940", "text/plain", bk);
    expect(bad.status).toBe(400);
    const issues = bad.body.error as { code: string; issues: { path: string; message: string }[] };
    expect(issues.code).toBe("invalid");
    expect(issues.issues.map((i) => i.path)).toEqual(["body", "body"]);
    expect(issues.issues.map((i) => i.message).join(" ")).toMatch(/line 4[\s\S]*closing balance/);
    const emptyBody = await upload(Buffer.alloc(0), "format=mt940", "text/plain", bk);
    expect(emptyBody.status).toBe(400);
    expect(await count("SELECT count(*) AS n FROM bank_statements")).toBe(statements);

    // JSON is not a statement; and the upload route's content types did not leak to other routes.
    const json = await raw("POST", "/v1/billing/statements?format=mt940", Buffer.from("{}"), {
      "content-type": "application/json",
      "idempotency-key": key("statement"),
    });
    expect(json.status).toBe(415);
    expect(json.body.error).toMatchObject({ code: "unsupported_media_type" });
    const plainPayment = await raw("POST", "/v1/billing/payments", Buffer.from("amount=1"), {
      "content-type": "text/plain",
      "idempotency-key": key("pay"),
    });
    expect(plainPayment.status).toBe(415);
  });

  it("lists payments with back-office filters and a cursor", async () => {
    const all = await count("SELECT count(*) AS n FROM payments");
    type Page = { items: PaymentJson[]; nextCursor: string | null };
    const list = (q: string) => client.call<Page>("GET", `/v1/billing/payments?${q}`);
    const seen: PaymentJson[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = (await list(`limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)).body;
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(all);
    const ids = seen.map((p) => p.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a)); // newest first
    const oldest = (await list("order=id&limit=1")).body.items[0]!;
    expect(oldest.id).toBe(Math.min(...ids));

    const online = (await list("method=online&limit=200")).body.items;
    expect(online.length).toBe(seen.filter((p) => p.method === "online").length);
    expect(online.every((p) => p.method === "online")).toBe(true);
    const mine = (await list(`customerId=${person}&limit=200`)).body.items;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((p) => p.customerId === person)).toBe(true);
    const byRef = (await list("reference=przelewy24%3A4217381942")).body.items;
    expect(byRef.map((p) => p.reference)).toEqual(["przelewy24:4217381942"]);
    const today = warsawDay();
    expect((await list(`receivedFrom=${today}&receivedTo=${today}&limit=200`)).body.items.length).toBe(all);
    expect((await list("receivedTo=2020-12-31")).body.items).toEqual([]);
    const withProforma = seen.find((p) => p.proformaId !== null)!;
    const ofProforma = (await list(`proformaId=${withProforma.proformaId}`)).body.items;
    expect(ofProforma.every((p) => p.proformaId === withProforma.proformaId)).toBe(true);
    const bad = await failure(list("method=przelew&limit=0&receivedFrom=jutro"));
    expect(bad.body.issues?.map((i) => i.path).sort()).toEqual(["limit", "method", "receivedFrom"]);
    const cursorOfOther = (await list("limit=1")).body.nextCursor!;
    const wrong = await failure(list(`order=id&cursor=${encodeURIComponent(cursorOfOther)}`));
    expect(wrong.body.issues?.map((i) => i.path)).toEqual(["cursor"]);
  });
});
