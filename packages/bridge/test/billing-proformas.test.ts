/**
 * Orders, proformas, activation and the renewal run over real HTTP, on PGlite and (with
 * DATABASE_URL) PostgreSQL: a customer's order becomes a proforma, is paid by a transfer found on
 * an uploaded MT940 statement, and its activation registers the domain in the bridge's embedded
 * HRD sandbox and issues the VAT invoice — each step exactly once, however often it is sent.
 */
import { randomBytes } from "node:crypto";
import {
  addCustomerService,
  createPriceGroup,
  type Db,
  importWholesale,
  recalculatePrices,
  seedDefaultCatalog,
  setPriceRule,
  setSellerSettings,
} from "@hrdkit/billing";
import type { Bridge, BridgeClient } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pdfText } from "../../billing/test/support/pdf-text.js";
import { bridgeBackends } from "./support/backends.js";
import { failure, hrdPerson, signedFetch } from "./support/bridge.js";

const SELLER = {
  name: "Hosting Polska Sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Prosta 20", postcode: "00-850", city: "Warszawa", country: "PL" },
  bankAccount: "PL61 1090 1014 0000 0712 1981 2874",
  bankName: "Santander Bank Polska",
  email: "faktury@hosting.example",
  place: "Warszawa",
};

interface ProformaJson {
  id: number;
  number: string;
  origin: string;
  status: string;
  customerId: number;
  issueDate: string;
  dueDate: string;
  gross: string;
  net: string;
  vat: string;
  paid: string;
  outstanding: string;
  note: string | null;
  transferTitle: string;
  lines: {
    name: string;
    net: string;
    gross: string;
    customerServiceId: number | null;
    operation: string | null;
    details: Record<string, unknown>;
  }[];
  replayed?: boolean;
}
interface OrderJson {
  created: boolean;
  proforma: ProformaJson;
  replayed: boolean;
}
interface ActivationJson {
  proformaId: number;
  invoice: { id: number; number: string; issuedNow: boolean };
  complete: boolean;
  summary: { done: number; failed: number; pending: number; running: number };
  tasks: { taskId: number; name: string; status: string; error: string | null; retryable: boolean | null }[];
  activatedServices: number[];
  replayed: boolean;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

let bridge: Bridge;
let client: BridgeClient;
let moduleKey: string;
let db: Db;
let keys = 0;
const key = (label: string) => `test-${label}-${++keys}-${Date.now()}`;
/** Unique per run and backend: the sandbox is new per bridge, but names read better unique. */
const tag = randomBytes(3).toString("hex");

/** Today in Warsaw, as billing dates documents. */
const warsawDay = (d = new Date()) =>
  new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Warsaw" }).format(d);

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(sql, params);
  return Number(rows[0]!.n);
}
const events = (type: string, field: string, value: unknown) =>
  count(`SELECT count(*) AS n FROM webhook_events WHERE type = $1 AND data->>'${field}' = $2`, [
    type,
    String(value),
  ]);

/** A signed request with a raw body (the statement upload) or a non-JSON answer (the PDF). */
const raw = (method: string, path: string, body?: Buffer, headers: Record<string, string> = {}) =>
  signedFetch(bridge.url, moduleKey, method, path, body, headers);

// ---------------------------------------------------------------------------------- bank files

// Windows-1250 bytes of the Polish letters (the rest of what the statements hold is ASCII).
const CP1250: Record<string, number> = {
  Ą: 0xa5,
  ą: 0xb9,
  Ć: 0xc6,
  ć: 0xe6,
  Ę: 0xca,
  ę: 0xea,
  Ł: 0xa3,
  ł: 0xb3,
  Ń: 0xd1,
  ń: 0xf1,
  Ó: 0xd3,
  ó: 0xf3,
  Ś: 0x8c,
  ś: 0x9c,
  Ź: 0x8f,
  ź: 0x9f,
  Ż: 0xaf,
  ż: 0xbf,
};
function windows1250(text: string): Buffer {
  return Buffer.from(
    [...text].map((ch) => {
      const code = ch.charCodeAt(0);
      if (code < 0x80) return code;
      const b = CP1250[ch];
      if (b === undefined) throw new Error(`no Windows-1250 byte for ${ch}`);
      return b;
    }),
  );
}

/** `PL` + check digits + bank + account: a valid IBAN of a Polish account. */
function iban(bank: string, account: string): string {
  let r = 0;
  for (const d of `${bank}${account}252100`) r = (r * 10 + Number(d)) % 97;
  return `PL${String(98 - r).padStart(2, "0")}${bank}${account}`;
}

interface Entry {
  ref: string;
  /** Grosze; negative for a debit. */
  amount: number;
  title: string;
  name: string;
  address?: string;
  account?: string;
}

const mtAmount = (grosze: number) =>
  `${Math.floor(Math.abs(grosze) / 100)},${String(Math.abs(grosze) % 100).padStart(2, "0")}`;

/**
 * An MT940 statement as PKO BP's iPKO biznes exports it: `:86:` split into `~NN` sub-fields of at
 * most 27 characters (the title in ~20–~25, so a proforma number may be cut between two), the
 * counterparty in ~32/~33 and ~38, lines wrapped at 65 characters, Windows-1250.
 */
function pkoMt940(day: string, entries: Entry[], statementNo = "00042/1"): Buffer {
  const yymmdd = day.slice(2).replaceAll("-", "");
  const opening = 1_250_000;
  const closing = opening + entries.reduce((s, e) => s + e.amount, 0);
  const lines = [
    `:20:ST${yymmdd}/1`,
    ":25:/PL61109010140000071219812874",
    `:28C:${statementNo}`,
    `:60F:C${yymmdd}PLN${mtAmount(opening)}`,
  ];
  for (const e of entries) {
    const credit = e.amount > 0;
    lines.push(
      `:61:${yymmdd}${yymmdd.slice(2)}${credit ? "C" : "D"}${mtAmount(e.amount)}N${credit ? "240" : "641"}NONREF//${e.ref}`,
    );
    const title = e.title.match(/.{1,27}/g) ?? [""];
    const fields = [
      `${credit ? "240" : "641"}~00${credit ? "PRZELEW PRZYCHODZĄCY" : "PRZELEW WYCHODZĄCY"}`,
      ...title.slice(0, 6).map((t, i) => `~${20 + i}${t}`),
      ...(e.account ? [`~30${e.account.slice(4, 12)}`, `~31${e.account.slice(12)}`] : []),
      `~32${e.name.slice(0, 27)}`,
      ...(e.address ? [`~33${e.address.slice(0, 27)}`] : []),
      ...(e.account ? [`~38${e.account}`] : []),
    ].join("");
    const wrapped = `:86:${fields}`.match(/.{1,65}/g)!;
    lines.push(...wrapped);
  }
  lines.push(`:62F:C${yymmdd}PLN${mtAmount(closing)}`, `:64:C${yymmdd}PLN${mtAmount(closing)}`, "-", "");
  return windows1250(lines.join("\r\n"));
}

const backends = bridgeBackends("proformas_http");

describe.each(backends)("orders, proformas and activation over HTTP on $name", (backend) => {
  let customerId: number;
  let companyId: number;

  const order = (body: unknown, idempotencyKey = key("order")) =>
    client.call<OrderJson>("POST", "/v1/billing/orders", body, { idempotencyKey });
  // No body by default: an activation needs no options.
  const activate = (id: number, body?: unknown, idempotencyKey = key("activate")) =>
    client.call<ActivationJson>("POST", `/v1/billing/proformas/${id}/activate`, body, { idempotencyKey });
  const upload = (file: Buffer, query: string, idempotencyKey = key("statement")) =>
    raw("POST", `/v1/billing/statements?${query}`, file, {
      "content-type": "application/octet-stream",
      "idempotency-key": idempotencyKey,
    });
  const grosze = (decimal: string) => Math.round(Number(decimal) * 100);
  const ledger = (name: string) => bridge.sandbox!.state.ledger.filter((e) => e.objectName === name);

  /** An order for one .pl domain, priced by a quote first (as a shop shows the price). */
  async function orderDomain(domain: string, orderRef = `sklep-${tag}-${domain}`) {
    const q = await client.call<{ totals: { gross: string } }>("POST", "/v1/billing/quotes", {
      customerId,
      items: [{ serviceCode: "domain.pl.register", name: domain, period: 1 }],
    });
    return order({
      customerId,
      orderRef,
      items: [
        {
          serviceCode: "domain.pl.register",
          name: domain,
          period: 1,
          details: { ns: ["ns1.hrd.pl", "ns2.hrd.pl"] },
        },
      ],
      expectedGross: q.body.totals.gross,
    });
  }

  /** Pays a proforma by an online payment (the payments' own tests cover every path). */
  const payOnline = (p: ProformaJson) =>
    client.call(
      "POST",
      "/v1/billing/payments/online",
      {
        gateway: "przelewy24",
        transactionId: `P24-${p.id}-${tag}`,
        proformaId: p.id,
        amount: p.gross,
        paidAt: new Date().toISOString(),
      },
      { idempotencyKey: key("pay") },
    );

  beforeAll(async () => {
    const started = await backend.start();
    ({ bridge, client } = started);
    moduleKey = started.key;
    db = bridge.db;
    const now = new Date();
    await seedDefaultCatalog(db);
    await setSellerSettings(db, SELLER);
    await importWholesale(db, { getPricings: () => bridge.ctx.hrd.partner.getPricings() }, { at: now });
    const group = await createPriceGroup(db, { name: "Detal", isDefault: true });
    await setPriceRule(db, {
      groupId: group.id,
      margin: { type: "percent", basisPoints: 2500 },
      rounding: "99",
      roundOn: "gross",
    });
    await recalculatePrices(db, group.id, { at: now });
    const hrdUserId = await hrdPerson(bridge);
    const person = await client.call<{ id: number }>(
      "POST",
      "/v1/billing/customers",
      {
        name: "Łukasz Wójcik",
        pesel: "44051401359",
        email: "lukasz.wojcik@example.com",
        hrdUserId,
        addresses: { correspondence: { street: "ul. Łąkowa 5", postcode: "90-562", city: "Łódź" } },
      },
      { idempotencyKey: key("customer") },
    );
    customerId = person.body.id;
    const company = await client.call<{ id: number }>(
      "POST",
      "/v1/billing/customers",
      {
        name: "Kwiaciarnia Różana sp. z o.o.",
        nip: "725-180-11-26",
        email: "biuro@rozana.example",
        addresses: { correspondence: { street: "ul. Piotrkowska 10", postcode: "90-001", city: "Łódź" } },
      },
      { idempotencyKey: key("customer") },
    );
    companyId = company.body.id;
  }, 120_000);
  afterAll(async () => {
    await bridge?.close();
    await backend.dispose();
  });

  it("order → proforma → statement → activation: the domain is registered in the sandbox and invoiced, each once", async () => {
    const domain = `kwiaty-${tag}.pl`;
    const k = key("order");
    const first = await orderDomain(domain);
    expect(first.status).toBe(201);
    const p = first.body.proforma;
    expect(first.body).toMatchObject({ created: true, replayed: false });
    expect(p).toMatchObject({ origin: "order", status: "issued", customerId, paid: "0.00" });
    expect(p.number).toMatch(/^PRO\/\d{4}\/\d{2}\/\d+$/);
    expect(p.transferTitle).toBe(`Proforma ${p.number}`);
    expect(p.lines).toHaveLength(1);
    expect(p.lines[0]).toMatchObject({ name: domain, operation: "register" });
    expect(p.lines[0]!.customerServiceId).not.toBeNull();
    expect(grosze(p.gross)).toBe(grosze(p.net) + grosze(p.vat));
    expect(await events("order.placed", "proformaId", p.id)).toBe(1);
    expect(await events("proforma.issued", "proformaId", p.id)).toBe(1);

    // The same order sent again under the same key: the first answer; under a new key: the same
    // proforma (one per orderRef), nothing written, no event published again.
    const body = {
      customerId,
      orderRef: `sklep-${tag}-${domain}`,
      items: [
        {
          serviceCode: "domain.pl.register",
          name: domain,
          period: 1,
          details: { ns: ["ns1.hrd.pl", "ns2.hrd.pl"] },
        },
      ],
    };
    const viaKey = await order(body, k);
    const replay = await order(body, k);
    expect(replay.body).toMatchObject({ replayed: true, created: false });
    expect(replay.body.proforma.id).toBe(p.id);
    expect(viaKey.status).toBe(200);
    expect(viaKey.body).toMatchObject({ created: false, replayed: false });
    expect(await count("SELECT count(*) AS n FROM proformas WHERE order_ref = $1", [body.orderRef])).toBe(1);
    expect(await count("SELECT count(*) AS n FROM customer_services WHERE name = $1", [domain])).toBe(1);
    expect(await events("order.placed", "proformaId", p.id)).toBe(1);
    expect(await events("proforma.issued", "proformaId", p.id)).toBe(1);

    // Jan pays by transfer; the bank cut the number between ~20 and ~21 of the title.
    const today = warsawDay();
    const sender = iban("10202629", "0000960200812345");
    const statement = pkoMt940(today, [
      {
        ref: `PKO${tag}01`,
        amount: grosze(p.gross),
        title: `Opłata za domenę ${domain} proforma ${p.number}`,
        name: "ŁUKASZ WÓJCIK",
        address: "UL. ŁĄKOWA 5 90-562 ŁÓDŹ",
        account: sender,
      },
      { ref: `PKO${tag}02`, amount: -12_300, title: "Opłata za serwer dedykowany", name: "DATACENTER SA" },
    ]);
    const imported = await upload(statement, "format=mt940&encoding=windows-1250");
    expect(imported.status).toBe(201);
    const result = (await imported.json()) as {
      alreadyImported: boolean;
      matched: number;
      ignored: number;
      encoding: string;
      items: { status: string; counterparty: string; proformaNumbers: string[]; paymentIds: number[] }[];
    };
    expect(result).toMatchObject({
      alreadyImported: false,
      matched: 1,
      ignored: 1,
      encoding: "windows-1250",
    });
    expect(result.items[0]).toMatchObject({
      status: "matched",
      counterparty: "ŁUKASZ WÓJCIK UL. ŁĄKOWA 5 90-562 ŁÓDŹ",
      proformaNumbers: [p.number],
    });
    const paid = await client.call<ProformaJson>("GET", `/v1/billing/proformas/${p.id}`);
    expect(paid.body).toMatchObject({ status: "paid", paid: p.gross, outstanding: "0.00" });
    expect(await events("payment.matched", "proformaId", p.id)).toBe(1);
    const { rows: matchedEvent } = await db.query<{ data: { paid: boolean; amount: string } }>(
      "SELECT data FROM webhook_events WHERE type = 'payment.matched' AND data->>'proformaId' = $1",
      [String(p.id)],
    );
    expect(matchedEvent[0]!.data).toMatchObject({ paid: true, amount: p.gross });

    // The same file uploaded again (another click, another key): nothing is paid twice.
    const again = await upload(statement, "format=mt940&encoding=windows-1250");
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ alreadyImported: true, matched: 1 });
    expect(await count("SELECT count(*) AS n FROM payments WHERE proforma_id = $1", [p.id])).toBe(1);
    expect(await events("payment.matched", "proformaId", p.id)).toBe(1);

    // The paid proforma's PDF says so.
    const pdf = await raw("GET", `/v1/billing/proformas/${p.id}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("content-disposition")).toContain(".pdf");
    const text = await pdfText(Buffer.from(await pdf.arrayBuffer()));
    for (const needle of [
      p.number,
      "OPŁACONA",
      "Łukasz Wójcik",
      domain,
      SELLER.name,
      "Proforma nie jest fakturą VAT",
    ]) {
      expect(text).toContain(needle);
    }

    // Activation: the domain is registered at the sandbox, the VAT invoice issued.
    const ak = key("activate");
    const activated = await activate(p.id, {}, ak);
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({
      complete: true,
      replayed: false,
      summary: { done: 1, failed: 0, pending: 0, running: 0 },
    });
    expect(activated.body.invoice.number).toMatch(/^FV\/\d{4}\/\d{2}\/\d+$/);
    expect(activated.body.invoice.issuedNow).toBe(true);
    expect(activated.body.tasks).toMatchObject([{ name: domain, status: "done", error: null }]);
    expect(bridge.sandbox!.state.domains.get(domain)?.status).toBe("registered");
    expect(ledger(domain)).toHaveLength(1);
    expect(await count("SELECT count(*) AS n FROM invoices WHERE proforma_id = $1", [p.id])).toBe(1);
    expect(await events("invoice.issued", "proformaId", p.id)).toBe(1);
    expect(await events("service.activated", "proformaId", p.id)).toBe(1);
    const service = await db.query<{ status: string; expires_on: string }>(
      "SELECT status, expires_on FROM customer_services WHERE id = $1",
      [p.lines[0]!.customerServiceId],
    );
    expect(service.rows[0]!.status).toBe("active");
    expect(service.rows[0]!.expires_on).toBe(
      bridge.sandbox!.state.domains.get(domain)!.exDate!.toISOString().slice(0, 10),
    );

    // Resent with the same key: the journaled answer; with a new key: nothing bought or issued again.
    const replayed = await activate(p.id, {}, ak);
    expect(replayed.body).toMatchObject({ replayed: true, complete: true });
    expect(replayed.body.invoice.id).toBe(activated.body.invoice.id);
    const clickedAgain = await activate(p.id);
    expect(clickedAgain.body).toMatchObject({ replayed: false, complete: true, activatedServices: [] });
    expect(clickedAgain.body.invoice).toEqual({ ...activated.body.invoice, issuedNow: false });
    expect(ledger(domain)).toHaveLength(1);
    expect(await count("SELECT count(*) AS n FROM invoices WHERE proforma_id = $1", [p.id])).toBe(1);
    expect(await count("SELECT count(*) AS n FROM provisioning_tasks WHERE proforma_id = $1", [p.id])).toBe(
      1,
    );
    expect(await events("invoice.issued", "proformaId", p.id)).toBe(1);
    expect(await events("service.activated", "proformaId", p.id)).toBe(1);

    const status = await client.call<{ complete: boolean; tasks: { status: string }[] }>(
      "GET",
      `/v1/billing/proformas/${p.id}/activation`,
    );
    expect(status.body).toMatchObject({ complete: true, tasks: [{ status: "done" }] });
  });

  it("refuses bad orders and activations naming every bad field, and writes nothing", async () => {
    const proformas = () => count("SELECT count(*) AS n FROM proformas");
    const services = () => count("SELECT count(*) AS n FROM customer_services");
    const before = [await proformas(), await services()];
    const k = key("order");
    // A domain line without the domain, a period HRD does not sell, a type error: named together.
    const bad = await failure(
      order(
        {
          customerId,
          orderRef: `bad-${tag}`,
          items: [
            { serviceCode: "domain.pl.register", period: 1 },
            { serviceCode: "domain.pl.register", name: "dobra-nazwa.pl", period: "dwa" },
          ],
        },
        k,
      ),
    );
    expect([bad.status, bad.code]).toEqual([400, "invalid"]);
    expect(bad.body.issues?.map((i) => i.path)).toEqual(["items.1.period"]);
    const noName = await failure(
      order(
        { customerId, orderRef: `bad-${tag}`, items: [{ serviceCode: "domain.pl.register", period: 1 }] },
        k,
      ),
    );
    expect(noName.status).toBe(400);
    expect(noName.body.issues?.map((i) => i.path)).toEqual(["items.0.name"]);
    // A price other than the one the customer was shown: refused before anything is written.
    const changed = await failure(
      order(
        {
          customerId,
          orderRef: `bad-${tag}`,
          items: [{ serviceCode: "domain.pl.register", name: `drozej-${tag}.pl`, period: 1 }],
          expectedGross: "1.00",
        },
        k,
      ),
    );
    expect([changed.status, changed.code]).toEqual([409, "price_changed"]);
    const typo = await failure(
      order({ customerId, orderRef: `bad-${tag}`, items: [], expectedGross: "12,30" }, k),
    );
    expect(typo.body.issues?.map((i) => i.path)).toContain("expectedGross");
    const ghost = await failure(
      order(
        {
          customerId: 999_999,
          orderRef: `bad-${tag}`,
          items: [{ serviceCode: "domain.pl.register", name: "x-y.pl", period: 1 }],
        },
        k,
      ),
    );
    expect(ghost.status).toBe(404);
    expect([await proformas(), await services()]).toEqual(before);
    // The key was freed by every refusal: the corrected order runs under it.
    const fixed = await orderDomain(`poprawiona-${tag}.pl`);
    expect(fixed.body.created).toBe(true);

    // An unpaid proforma does not activate: no invoice, no task, nothing at HRD.
    const unpaid = fixed.body.proforma;
    const refused = await failure(activate(unpaid.id));
    expect([refused.status, refused.code]).toEqual([409, "unpaid"]);
    expect(await count("SELECT count(*) AS n FROM invoices WHERE proforma_id = $1", [unpaid.id])).toBe(0);
    expect(
      await count("SELECT count(*) AS n FROM provisioning_tasks WHERE proforma_id = $1", [unpaid.id]),
    ).toBe(0);
    expect(bridge.sandbox!.state.domains.has(`poprawiona-${tag}.pl`)).toBe(false);
    const missing = await failure(activate(999_999));
    expect(missing.status).toBe(404);
    const noKey = await failure(client.call("POST", `/v1/billing/proformas/${unpaid.id}/activate`, {}));
    expect(noKey.body.issues?.map((i) => i.path)).toEqual(["idempotency-key"]);
  });

  it("a hand-made proforma: issued once, listed, edited, printed with the amount in words, cancelled; never activated", async () => {
    const k = key("manual");
    const body = {
      customerId: companyId,
      lines: [
        { name: "Konfiguracja serwera VPS", unitNet: "250.00", vatRate: "23" },
        { name: "Wsparcie techniczne (godzina)", unitNet: "99.99", quantity: 2 },
      ],
      note: "Płatne przelewem w terminie 14 dni.",
    };
    const created = await client.call<ProformaJson>("POST", "/v1/billing/proformas", body, {
      idempotencyKey: k,
    });
    expect(created.status).toBe(201);
    const p = created.body;
    // 250.00 + 2 × 99.99 = 449.98 net; 23% on the sum: 103.4954 → 103.50; gross 553.48.
    expect(p).toMatchObject({
      origin: "manual",
      net: "449.98",
      vat: "103.50",
      gross: "553.48",
      replayed: false,
    });
    const replay = await client.call<ProformaJson>("POST", "/v1/billing/proformas", body, {
      idempotencyKey: k,
    });
    expect(replay.body).toMatchObject({ id: p.id, replayed: true });
    expect(await count("SELECT count(*) AS n FROM proformas WHERE customer_id = $1", [companyId])).toBe(1);
    expect(await events("proforma.issued", "proformaId", p.id)).toBe(1);

    // Bad lines: every bad field at once, nothing written.
    const bad = await failure(
      client.call(
        "POST",
        "/v1/billing/proformas",
        {
          customerId: companyId,
          lines: [{ name: "Bez ceny" }, { name: "Dwie ceny", unitNet: "1.00", unitGross: "1.23" }],
        },
        { idempotencyKey: key("manual") },
      ),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.issues?.map((i) => i.path)).toEqual(["lines.0.unitNet", "lines.1.unitNet"]);
    expect(await count("SELECT count(*) AS n FROM proformas WHERE customer_id = $1", [companyId])).toBe(1);

    // Edited: a new due date and lines; a due date before the issue date is refused.
    const patch = (b: unknown) =>
      client.call<ProformaJson>("PATCH" as "PUT", `/v1/billing/proformas/${p.id}`, b);
    const early = await failure(patch({ dueDate: "2020-01-01" }));
    expect(early.body.issues?.map((i) => i.path)).toEqual(["dueDate"]);
    const edited = await patch({
      lines: [{ name: "Konfiguracja serwera VPS", unitNet: "300.00" }],
      note: null,
    });
    expect(edited.body).toMatchObject({ net: "300.00", vat: "69.00", gross: "369.00", note: null });

    // The PDF of the unpaid proforma: what is due, in figures and in words.
    const pdf = await raw("GET", `/v1/billing/proformas/${p.id}/pdf`);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const text = await pdfText(Buffer.from(await pdf.arrayBuffer()));
    for (const needle of [
      p.number,
      "Kwiaciarnia Różana sp. z o.o.",
      "7251801126",
      "Konfiguracja serwera VPS",
      "369,00",
      "trzysta sześćdziesiąt dziewięć złotych",
      `Proforma ${p.number}`,
    ]) {
      expect(text).toContain(needle);
    }
    expect(text).not.toContain("OPŁACONA");

    // A hand-made proforma never activates a service, even paid.
    await payOnline(edited.body);
    const manual = await failure(activate(p.id));
    expect([manual.status, manual.code]).toEqual([409, "manual_proforma"]);
    expect(await count("SELECT count(*) AS n FROM invoices WHERE proforma_id = $1", [p.id])).toBe(0);

    // A second one, cancelled; cancelled again or edited afterwards: refused, nothing changes.
    const other = (
      await client.call<ProformaJson>(
        "POST",
        "/v1/billing/proformas",
        { customerId: companyId, lines: [{ name: "Migracja poczty", unitGross: "123.00" }] },
        { idempotencyKey: key("manual") },
      )
    ).body;
    const cancelled = await client.call<ProformaJson & { cancelReason: string }>(
      "POST",
      `/v1/billing/proformas/${other.id}/cancel`,
      { reason: "Klient zrezygnował" },
    );
    expect(cancelled.body).toMatchObject({ status: "cancelled", cancelReason: "Klient zrezygnował" });
    const twice = await failure(
      client.call("POST", `/v1/billing/proformas/${other.id}/cancel`, { reason: "znowu" }),
    );
    expect([twice.status, twice.code]).toEqual([409, "cancelled"]);
    const late = await failure(
      client.call("PATCH" as "PUT", `/v1/billing/proformas/${other.id}`, { note: "po anulowaniu" }),
    );
    expect([late.status, late.code]).toEqual([409, "cancelled"]);
    const paidEdit = await failure(patch({ note: "po zapłacie" }));
    expect([paidEdit.status, paidEdit.code]).toEqual([409, "paid"]);

    // The list: every filter a back office uses, and the cursor across pages.
    const list = (q: string) =>
      client.call<Page<{ id: number; status: string; origin: string }>>("GET", `/v1/billing/proformas?${q}`);
    const mine = await list(`customerId=${companyId}`);
    expect(mine.body.items.map((x) => x.id)).toEqual([other.id, p.id]); // newest first
    expect((await list(`customerId=${companyId}&status=cancelled`)).body.items.map((x) => x.id)).toEqual([
      other.id,
    ]);
    expect((await list(`customerId=${companyId}&origin=order`)).body.items).toEqual([]);
    expect((await list(`number=${encodeURIComponent(p.number)}`)).body.items.map((x) => x.id)).toEqual([
      p.id,
    ]);
    const month = p.number.replace(/\d+$/, "");
    const ofMonth = (await list(`numberPrefix=${encodeURIComponent(month)}&limit=200`)).body.items;
    expect(ofMonth.map((x) => x.id)).toEqual(expect.arrayContaining([p.id, other.id]));
    expect(ofMonth.length).toBe(
      await count("SELECT count(*) AS n FROM proformas WHERE number LIKE $1", [`${month}%`]),
    );
    expect((await list("numberPrefix=PRO%2F1999%2F")).body.items).toEqual([]);
    const day = p.issueDate;
    expect((await list(`customerId=${companyId}&issuedFrom=${day}&issuedTo=${day}`)).body.items).toHaveLength(
      2,
    );
    expect((await list(`customerId=${companyId}&issuedTo=2020-12-31`)).body.items).toEqual([]);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<{ id: number }> = (
        await list(`order=id&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)
      ).body;
      seen.push(...page.items.map((x) => x.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen).toEqual(expect.arrayContaining([p.id, other.id]));
    expect(seen.length).toBe(await count("SELECT count(*) AS n FROM proformas"));
    const wrong = await failure(list("status=zapłacona&limit=500&issuedFrom=2026-13-01"));
    expect(wrong.body.issues?.map((i) => i.path).sort()).toEqual(["issuedFrom", "limit", "status"]);
  });

  it("an activation that cannot finish says what is done and what failed, and finishes when called again", async () => {
    // HRD's balance is short: the invoice is issued (the customer paid), nothing is bought.
    const domain = `saldo-${tag}.pl`;
    const p = (await orderDomain(domain)).body.proforma;
    await payOnline(p);
    const state = bridge.sandbox!.state;
    const balance = state.balance;
    state.balance = 0;
    const k = key("activate");
    const short = await failure(activate(p.id, {}, k));
    state.balance = balance;
    expect([short.status, short.code]).toEqual([409, "insufficient_hrd_balance"]);
    const invoice = await db.query<{ number: string }>("SELECT number FROM invoices WHERE proforma_id = $1", [
      p.id,
    ]);
    expect(invoice.rows).toHaveLength(1);
    expect(short.message).toContain(invoice.rows[0]!.number);
    expect(state.domains.has(domain)).toBe(false);
    expect(await events("invoice.issued", "proformaId", p.id)).toBe(1);
    // Topped up: the same request (same key, freed by the refusal) finishes the job.
    const done = await activate(p.id, {}, k);
    expect(done.body).toMatchObject({
      complete: true,
      invoice: { number: invoice.rows[0]!.number, issuedNow: false },
    });
    expect(state.domains.get(domain)?.status).toBe("registered");
    expect(await events("invoice.issued", "proformaId", p.id)).toBe(1);
    expect(await events("service.activated", "proformaId", p.id)).toBe(1);

    // HRD refuses the registration (the name is taken): the task is failed, for good until asked.
    const taken = `zajeta-${tag}.pl`;
    const q = (await orderDomain(taken)).body.proforma;
    await payOnline(q);
    state.taken.add(taken);
    const tk = key("activate");
    const refused = await activate(q.id, {}, tk);
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({
      complete: false,
      replayed: false,
      summary: { done: 0, failed: 1 },
      activatedServices: [],
      invoice: { issuedNow: true },
    });
    expect(refused.body.tasks[0]).toMatchObject({ status: "failed", retryable: false });
    expect(refused.body.tasks[0]!.error).toBeTruthy();
    expect(ledger(taken)).toHaveLength(0);
    // Not journaled: the same request runs again — and, without retryFailed, leaves HRD's refusal be.
    const clicked = await activate(q.id, {}, tk);
    expect(clicked.body).toMatchObject({ replayed: false, complete: false });
    expect(await count("SELECT attempts AS n FROM provisioning_tasks WHERE proforma_id = $1", [q.id])).toBe(
      1,
    );
    // The name is freed at HRD; the partner retries the refused task.
    state.taken.delete(taken);
    const retried = await activate(q.id, { retryFailed: true }, tk);
    expect(retried.body).toMatchObject({
      complete: true,
      invoice: { issuedNow: false },
      summary: { done: 1 },
    });
    expect(state.domains.get(taken)?.status).toBe("registered");
    expect(ledger(taken)).toHaveLength(1);
    expect(await events("service.activated", "proformaId", q.id)).toBe(1);
    expect(await events("invoice.issued", "proformaId", q.id)).toBe(1);
  });

  it("runs renewals once per service and term, and says which services it skipped and why", async () => {
    const inTenDays = warsawDay(new Date(Date.now() + 10 * 86_400_000));
    const renewed = await addCustomerService(db, {
      customerId,
      serviceCode: "domain.pl.register",
      name: `odnowienie-${tag}.pl`,
      period: 1,
      status: "active",
      startsOn: warsawDay(new Date(Date.now() - 355 * 86_400_000)),
      expiresOn: inTenDays,
    });
    // A customer with no address: no proforma can be made for it.
    const { rows } = await db.query<{ id: number }>(
      "INSERT INTO customers (name, type) VALUES ('Bez Adresu', 'person') RETURNING id",
    );
    const orphan = await addCustomerService(db, {
      customerId: rows[0]!.id,
      serviceCode: "domain.pl.register",
      name: `bez-adresu-${tag}.pl`,
      period: 1,
      status: "active",
      expiresOn: inTenDays,
    });
    const k = key("renewals");
    type Run = {
      created: number;
      alreadyThere: number;
      proformas: { id: number; origin: string; renewalKey: string; customerId: number; gross: string }[];
      skipped: { customerServiceId: number; code: string; reason: string }[];
      replayed: boolean;
    };
    const run = await client.call<Run>("POST", "/v1/billing/renewals/run", {}, { idempotencyKey: k });
    expect(run.status).toBe(200);
    expect(run.body.created).toBe(1);
    expect(run.body.proformas).toMatchObject([
      { origin: "renewal", customerId, renewalKey: `${renewed.id}:${inTenDays}` },
    ]);
    expect(run.body.skipped).toEqual([
      { customerServiceId: orphan.id, code: "no_address", reason: expect.stringContaining("address") },
    ]);
    const made = run.body.proformas[0]!;
    expect(await events("proforma.issued", "proformaId", made.id)).toBe(1);

    const replay = await client.call<Run>("POST", "/v1/billing/renewals/run", {}, { idempotencyKey: k });
    expect(replay.body).toMatchObject({ replayed: true, created: 1 });
    // A cron's call, with no body at all.
    const second = await client.call<Run>("POST", "/v1/billing/renewals/run", undefined, {
      idempotencyKey: key("renewals"),
    });
    expect(second.body).toMatchObject({ replayed: false, created: 0, alreadyThere: 1, proformas: [] });
    expect(await count("SELECT count(*) AS n FROM proformas WHERE renewal_key = $1", [made.renewalKey])).toBe(
      1,
    );
    expect(await events("proforma.issued", "proformaId", made.id)).toBe(1);
  });
});
