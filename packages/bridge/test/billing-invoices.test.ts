import { inspect } from "node:util";
import { type Db, type InvoiceDocument, setSellerSettings } from "@hrdkit/billing";
import { type Bridge, type BridgeClient, loadConfig } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { xsdErrors } from "../../billing/test/support/fa3-xsd.js";
import { pdfText } from "../../billing/test/support/pdf-text.js";
import { decodeWords } from "../../billing/test/support/smtp.js";
import { bridgeBackends } from "./support/backends.js";
import {
  companyCustomer,
  fetchSigned,
  type Mailbox,
  paidInvoice,
  preparePricing,
  SELLER,
  startMailbox,
} from "./support/billing-documents.js";
import { failure } from "./support/bridge.js";

interface InvoiceJson {
  id: number;
  number: string;
  kind: "invoice" | "correction";
  issueDate: string;
  customerId: number;
  lines: { position: number; quantity: number; unitNet: string; net: string; state: string | null }[];
  vatBreakdown: { rate: string; net: string; vat: string; gross: string }[];
  net: string;
  vat: string;
  gross: string;
  corrected: { id: number; number: string; reason: string } | null;
  ksef: { number: string | null; status: string | null };
  buyer: { name: string; nip: string | null };
  replayed?: boolean;
}
interface Page {
  items: { id: number; number: string; kind: string; gross: string; ksefNumber: string | null }[];
  nextCursor: string | null;
}

const SMTP_USER = "faktury@zolw.example";
const SMTP_PASS = "Tajne-Hasło#2026";
const MAIL_FROM = "noreply@zolw.example";

let bridge: Bridge;
let client: BridgeClient;
let key: string;
let mailbox: Mailbox;
let keys = 0;
const idem = (label: string) => `inv-${label}-${++keys}-${Date.now()}`;

const get = <T>(path: string) => client.call<T>("GET", path);
const file = (path: string) => fetchSigned(bridge.url, key, path);

async function allPages(path: string): Promise<Page["items"]> {
  const items: Page["items"] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 20; i++) {
    const sep = path.includes("?") ? "&" : "?";
    const page: Page = (await get<Page>(cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path))
      .body;
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return items;
  }
  throw new Error("the cursor never ends");
}

const count = async (db: Db, sql: string, params: unknown[] = []) =>
  Number((await db.query<{ n: number }>(sql, params)).rows[0]!.n);

/** The counters of a series' numbers (`KOR/2026/7` → 7), in issue order. */
const counters = (numbers: string[]) => numbers.map((n) => Number(n.split("/").pop()));

const backends = bridgeBackends("billing_invoices", { keyName: "back office" });

describe.each(backends)("billing invoices over HTTP on $name", (backend) => {
  let ania: number;
  let bartek: number;
  let first: InvoiceDocument;
  let second: InvoiceDocument;
  let third: InvoiceDocument;

  beforeAll(async () => {
    mailbox = await startMailbox(SMTP_USER, SMTP_PASS);
    // The mail configuration as an operator writes it in .env, read the way the bridge reads it.
    const env = loadConfig(
      {
        HRDKIT_SMTP_URL: `smtp://${encodeURIComponent(SMTP_USER)}:${encodeURIComponent(SMTP_PASS)}@127.0.0.1:${mailbox.port}`,
        HRDKIT_MAIL_FROM: MAIL_FROM,
      },
      false,
    );
    ({ bridge, client, key } = await backend.start({ mail: env.mail }));
    await preparePricing(bridge.db);
    await setSellerSettings(bridge.db, SELLER);
    ania = (await companyCustomer(bridge.db)).id;
    bartek = (await companyCustomer(bridge.db, "Bartek Kowalczyk IT", "bartek@kowalczyk-it.example")).id;
    first = await paidInvoice(bridge.db, ania, ["sklep-ani.pl", "sklep-ani.com"]);
    second = await paidInvoice(bridge.db, bartek, ["kowalczyk-it.pl"]);
    third = await paidInvoice(bridge.db, ania, ["ania-kwiaty.pl"]);
  }, 60_000);
  afterAll(async () => {
    await bridge?.close();
    await mailbox?.close();
    await backend.dispose();
  });

  it("gets an invoice as issued, money as decimal strings", async () => {
    const got = (await get<InvoiceJson>(`/v1/billing/invoices/${first.id}`)).body;
    expect(got).toMatchObject({
      id: first.id,
      number: first.number,
      kind: "invoice",
      customerId: ania,
      buyer: { name: "Sklep Ani sp. z o.o.", nip: "7251801126" },
      net: "99.89",
      corrected: null,
      ksef: { number: null, status: null },
    });
    expect(got.number).toMatch(/^FV\/\d{4}\/\d{2}\/\d+$/);
    expect(got.lines.map((l) => [l.position, l.unitNet, l.net])).toEqual([
      [1, "39.99", "39.99"],
      [2, "59.90", "59.90"],
    ]);
    expect(got.vatBreakdown).toEqual([
      { rate: "23", net: "99.89", vat: "22.97", gross: "122.86", vatPln: null },
    ]);
    expect(got.gross).toBe("122.86");
    expect(JSON.stringify(got)).not.toContain("logoPath");

    const missing = await failure(get("/v1/billing/invoices/999999"));
    expect([missing.status, missing.code]).toEqual([404, "not_found"]);
    const bad = await failure(get("/v1/billing/invoices/FV-1"));
    expect(bad.body.issues?.map((i) => i.path)).toEqual(["id"]);
  });

  it("lists with the back office's filters and pages by cursor, newest first", async () => {
    const all = await allPages("/v1/billing/invoices?kind=invoice&limit=1");
    expect(all.map((i) => i.id)).toEqual([third.id, second.id, first.id]);
    const byCustomer = (await get<Page>(`/v1/billing/invoices?customerId=${ania}`)).body;
    expect(byCustomer.items.map((i) => i.id)).toEqual([third.id, first.id]);
    expect(byCustomer.nextCursor).toBeNull();
    expect(byCustomer.items[1]).toMatchObject({ number: first.number, kind: "invoice", gross: "122.86" });

    const exact = (await get<Page>(`/v1/billing/invoices?number=${encodeURIComponent(second.number)}`)).body;
    expect(exact.items.map((i) => i.id)).toEqual([second.id]);
    const month = first.number.split("/").slice(0, 3).join("/");
    const prefix = (await get<Page>(`/v1/billing/invoices?number=${encodeURIComponent(`${month}/*`)}`)).body;
    expect(prefix.items.map((i) => i.id)).toEqual(expect.arrayContaining([first.id, second.id, third.id]));
    const none = (await get<Page>(`/v1/billing/invoices?number=${encodeURIComponent("FS/1999/*")}`)).body;
    expect(none.items).toEqual([]);

    const today = first.issueDate;
    const inRange = (await get<Page>(`/v1/billing/invoices?from=${today}&to=${today}&customerId=${bartek}`))
      .body;
    expect(inRange.items.map((i) => i.id)).toEqual([second.id]);
    const before = (await get<Page>("/v1/billing/invoices?to=2020-01-31")).body;
    expect(before.items).toEqual([]);

    const bad = await failure(get("/v1/billing/invoices?limit=0&kind=faktura&from=2026-13-01&inKsef=tak"));
    expect([bad.status, bad.code]).toEqual([400, "invalid"]);
    expect(bad.body.issues?.map((i) => i.path).sort()).toEqual(["from", "inKsef", "kind", "limit"]);
    const forged = await failure(get("/v1/billing/invoices?cursor=abc"));
    expect(forged.body.issues?.map((i) => i.path)).toEqual(["cursor"]);
  });

  it("renders the PDF as the original or a copy, with the document's content", async () => {
    const original = await file(`/v1/billing/invoices/${first.id}/pdf`);
    expect(original.status).toBe(200);
    expect(original.type).toBe("application/pdf");
    expect(original.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(original.headers.get("content-disposition")).toContain(
      `faktura-${first.number.replaceAll("/", "-")}.pdf`,
    );
    const text = await pdfText(original.bytes);
    for (const needle of [
      first.number,
      "ORYGINAŁ",
      "Sklep Ani sp. z o.o.",
      "7251801126",
      "sklep-ani.pl",
      "5260250274",
    ]) {
      expect(text).toContain(needle);
    }
    expect(text).not.toContain("KOPIA");
    const copy = await pdfText((await file(`/v1/billing/invoices/${first.id}/pdf?copy=copy`)).bytes);
    expect(copy).toContain("KOPIA");
    expect(copy).not.toContain("ORYGINAŁ");

    const missing = await file("/v1/billing/invoices/999999/pdf");
    expect([missing.status, missing.type]).toEqual([404, "application/json; charset=utf-8"]);
    const bad = await file(`/v1/billing/invoices/${first.id}/pdf?copy=duplikat`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.bytes.toString()).error.issues.map((i: { path: string }) => i.path)).toEqual([
      "copy",
    ]);
  });

  it("issues a duplicate once per Idempotency-Key, lists it and prints DUPLIKAT with its date", async () => {
    const k = idem("dup");
    const body = { reason: "utrata oryginału na wniosek nabywcy" };
    const path = `/v1/billing/invoices/${second.id}/duplicates`;
    const issued = await client.call<{ id: number; issuedOn: string; replayed: boolean }>(
      "POST",
      path,
      body,
      {
        idempotencyKey: k,
      },
    );
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({
      invoiceId: second.id,
      invoiceNumber: second.number,
      replayed: false,
    });
    const again = await client.call<{ id: number; replayed: boolean }>("POST", path, body, {
      idempotencyKey: k,
    });
    expect(again.body).toMatchObject({ id: issued.body.id, replayed: true });
    const list = (await get<{ items: { id: number; reason: string | null }[] }>(path)).body;
    expect(list.items).toEqual([expect.objectContaining({ id: issued.body.id, reason: body.reason })]);

    const pdf = await file(`${path}/${issued.body.id}/pdf`);
    expect(pdf.type).toBe("application/pdf");
    const text = await pdfText(pdf.bytes);
    expect(text).toContain("DUPLIKAT");
    expect(text).toContain(issued.body.issuedOn);
    expect(text).toContain(second.number);
    expect((await file(`${path}/999999/pdf`)).status).toBe(404);

    const noKey = await failure(client.call("POST", path, body));
    expect(noKey.body.issues?.map((i) => i.path)).toContain("idempotency-key");
    const ghost = await failure(
      client.call("POST", "/v1/billing/invoices/999999/duplicates", {}, { idempotencyKey: idem("dup") }),
    );
    expect(ghost.status).toBe(404);
    expect((await failure(get("/v1/billing/invoices/999999/duplicates"))).status).toBe(404);
    expect(await count(bridge.db, "SELECT count(*)::int AS n FROM invoice_duplicates")).toBe(1);
  });

  it("issues a correction once per Idempotency-Key, gap-free, and publishes invoice.issued", async () => {
    const path = `/v1/billing/invoices/${first.id}/corrections`;
    const k = idem("kor");
    const body = {
      reason: "Obniżka ceny domeny sklep-ani.com zgodnie z promocją",
      lines: [{ position: 2, unitNet: "49.90" }],
    };
    const [a, b] = await Promise.all([
      client.call<InvoiceJson>("POST", path, body, { idempotencyKey: k }),
      client.call<InvoiceJson>("POST", path, body, { idempotencyKey: k }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).toBe(b.body.id);
    expect([a.body.replayed, b.body.replayed].sort()).toEqual([false, true]);
    const kor = a.body;
    expect(kor).toMatchObject({
      kind: "correction",
      corrected: { id: first.id, number: first.number, reason: body.reason },
      net: "-10.00",
      vat: "-2.30",
      gross: "-12.30",
    });
    expect(kor.number).toMatch(/^KOR\/\d{4}\/\d+$/);
    expect(kor.lines.map((l) => [l.position, l.state, l.unitNet])).toEqual([
      [3, "before", "59.90"],
      [4, "after", "49.90"],
    ]);
    expect(
      await count(bridge.db, "SELECT count(*)::int AS n FROM invoices WHERE corrected_invoice_id = $1", [
        first.id,
      ]),
    ).toBe(1);
    const events = await bridge.db.query<{
      data: { invoiceId: number; kind: string; gross: string; correctedInvoiceId: number };
    }>("SELECT data FROM webhook_events WHERE type = 'invoice.issued' AND data->>'invoiceId' = $1", [
      String(kor.id),
    ]);
    expect(events.rows.map((r) => r.data)).toEqual([
      expect.objectContaining({
        invoiceId: kor.id,
        kind: "correction",
        gross: "-12.30",
        correctedInvoiceId: first.id,
      }),
    ]);
    const listed = (await get<Page>(`/v1/billing/invoices?kind=correction&correctedInvoiceId=${first.id}`))
      .body;
    expect(listed.items.map((i) => [i.id, i.kind, i.gross])).toEqual([[kor.id, "correction", "-12.30"]]);

    const other = await failure(
      client.call("POST", path, { ...body, reason: "Inny powód korekty" }, { idempotencyKey: k }),
    );
    expect([other.status, other.code]).toEqual([422, "idempotency_key_reused"]);

    // Refusals write nothing and use up no number.
    const corrections = () => count(bridge.db, "SELECT count(*)::int AS n FROM invoices WHERE kind = 'KOR'");
    const before = await corrections();
    const post = (b: unknown) => failure(client.call("POST", path, b, { idempotencyKey: idem("kor") }));
    const invalid = await post({ reason: "x", lines: [{ position: 1 }] });
    expect([invalid.status, invalid.code]).toEqual([400, "invalid"]);
    expect(invalid.body.issues?.map((i) => i.path).sort()).toEqual(["lines.0", "reason"]);
    const typed = await post({ reason: "Zwrot", lines: [{ position: "1", unitNet: "49,905" }] });
    expect(typed.body.issues?.map((i) => i.path).sort()).toEqual(["lines.0.position", "lines.0.unitNet"]);
    const noLine = await post({
      reason: "Korekta nieistniejącej pozycji",
      lines: [{ position: 7, quantity: 0 }],
    });
    expect([noLine.status, noLine.body.issues?.map((i) => i.path)]).toEqual([400, ["lines.0.position"]]);
    const neither = await post({ reason: "Korekta bez pozycji" });
    expect(neither.body.issues?.map((i) => i.path)).toEqual(["lines"]);
    const same = await post({ reason: "Ta sama cena", lines: [{ position: 2, unitNet: "49.90" }] });
    expect([same.status, same.code]).toEqual([409, "nothing_to_correct"]);
    const ofKor = await failure(
      client.call("POST", `/v1/billing/invoices/${kor.id}/corrections`, body, {
        idempotencyKey: idem("kor"),
      }),
    );
    expect([ofKor.status, ofKor.code]).toEqual([409, "not_correctable"]);
    expect(await corrections()).toBe(before);

    // The next correction takes the next number: no gap left by the refusals.
    const full = await client.call<InvoiceJson>(
      "POST",
      `/v1/billing/invoices/${third.id}/corrections`,
      { reason: "Rezygnacja z usługi przed jej wykonaniem", full: true },
      { idempotencyKey: idem("kor") },
    );
    expect(full.body).toMatchObject({ kind: "correction", net: "-39.99", gross: "-49.19" });
    const numbers = (await allPages("/v1/billing/invoices?kind=correction&limit=1"))
      .map((i) => i.number)
      .reverse();
    const n = counters(numbers);
    expect(n).toEqual(Array.from({ length: n.length }, (_, i) => n[0]! + i));
    expect(numbers.slice(-2)).toEqual([kor.number, full.body.number]);
  });

  it("exports FA(3) XML valid against the official schema, the correction naming the KSeF number", async () => {
    const xml = await file(`/v1/billing/invoices/${second.id}/fa3.xml`);
    expect(xml.status).toBe(200);
    expect(xml.type).toBe("application/xml; charset=utf-8");
    const text = xml.bytes.toString("utf8");
    expect(text).toContain(`<P_2>${second.number}</P_2>`);
    expect(xml.headers.get("content-disposition")).toContain(".xml");

    const ksefNumber = "5260250274-20260504-0A1B2C-3D4E5F-6A";
    await client.call("PUT", `/v1/billing/invoices/${second.id}/ksef`, {
      number: ksefNumber,
      status: "accepted",
    });
    const kor = await client.call<InvoiceJson>(
      "POST",
      `/v1/billing/invoices/${second.id}/corrections`,
      { reason: "Zwrot za niewykorzystany okres usługi", lines: [{ position: 1, quantity: 0 }] },
      { idempotencyKey: idem("kor") },
    );
    const korXml = (await file(`/v1/billing/invoices/${kor.body.id}/fa3.xml`)).bytes.toString("utf8");
    expect(korXml).toContain(`<NrKSeFFaKorygowanej>${ksefNumber}</NrKSeFFaKorygowanej>`);
    expect(korXml).toContain("<RodzajFaktury>KOR</RodzajFaktury>");
    expect(await xsdErrors({ invoice: text, correction: korXml })).toEqual({ invoice: [], correction: [] });
    expect((await file("/v1/billing/invoices/999999/fa3.xml")).status).toBe(404);
  });

  it("records the KSeF number once: the same again is fine, another one is a 409 and changes nothing", async () => {
    const path = `/v1/billing/invoices/${third.id}/ksef`;
    const ksefNumber = "5260250274-20260505-112233-445566-7F";
    const sent = await client.call<{ number: string | null; status: string; mode: string }>("PUT", path, {
      status: "sent",
      sentAt: "2026-05-05T09:15:00+02:00",
      mode: "online",
    });
    expect(sent.body).toEqual({
      number: null,
      status: "sent",
      sentAt: "2026-05-05T09:15:00+02:00",
      mode: "online",
    });
    const accepted = await client.call("PUT", path, { number: ksefNumber, status: "accepted" });
    expect(accepted.body).toMatchObject({ number: ksefNumber, status: "accepted", mode: "online" });
    expect((await client.call("PUT", path, { number: ksefNumber })).status).toBe(200);

    const other = await failure(
      client.call("PUT", path, { number: "5260250274-20260505-AAAAAA-BBBBBB-CC", status: "x" }),
    );
    expect([other.status, other.code]).toEqual([409, "ksef_number_recorded"]);
    const bad = await failure(
      client.call("PUT", path, { number: "KSEF-123", mode: "poczta", sentAt: "wczoraj" }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.issues?.map((i) => i.path).sort()).toEqual(["mode"]);
    const badForm = await failure(client.call("PUT", path, { number: "KSEF-123", sentAt: "wczoraj" }));
    expect(badForm.body.issues?.map((i) => i.path).sort()).toEqual(["number", "sentAt"]);
    const got = (await get<InvoiceJson>(`/v1/billing/invoices/${third.id}`)).body;
    expect(got.ksef).toMatchObject({ number: ksefNumber, status: "accepted" });

    const inKsef = (await get<Page>("/v1/billing/invoices?inKsef=true")).body.items.map((i) => i.id);
    expect(inKsef).toContain(third.id);
    expect(inKsef).not.toContain(first.id);
    const notYet = (await get<Page>("/v1/billing/invoices?inKsef=false&kind=invoice")).body.items.map(
      (i) => i.id,
    );
    expect(notYet).toContain(first.id);
    expect(notYet).not.toContain(third.id);
    const byStatus = (await get<Page>("/v1/billing/invoices?ksefStatus=accepted")).body.items;
    expect(byStatus.find((i) => i.id === third.id)?.ksefNumber).toBe(ksefNumber);

    // An invoice in KSeF gets no duplicate: its visualisation is shared again instead.
    const dup = await failure(
      client.call("POST", `/v1/billing/invoices/${third.id}/duplicates`, {}, { idempotencyKey: idem("dup") }),
    );
    expect([dup.status, dup.code]).toEqual([409, "in_ksef"]);
  });

  it("e-mails the invoice again through the configured SMTP server, once per Idempotency-Key", async () => {
    mailbox.arrived.length = 0;
    const path = `/v1/billing/invoices/${first.id}/resend`;
    const k = idem("mail");
    const sent = await client.call<{ status: string; recipient: string; sender: string; replayed: boolean }>(
      "POST",
      path,
      {},
      { idempotencyKey: k },
    );
    expect(sent.body).toMatchObject({
      status: "sent",
      recipient: "ksiegowosc@sklep-ani.example",
      sender: MAIL_FROM,
      replayed: false,
    });
    expect(mailbox.arrived).toHaveLength(1);
    const got = mailbox.arrived[0]!;
    expect(got.user).toBe(SMTP_USER);
    expect([got.from, got.to]).toEqual([MAIL_FROM, ["ksiegowosc@sklep-ani.example"]]);
    expect(decodeWords(got.mail.headers.subject ?? "")).toContain(first.number);
    expect(decodeWords(got.mail.headers.from ?? "")).toContain(SELLER.name);
    const [pdf] = got.mail.attachments;
    expect(pdf).toMatchObject({
      filename: `faktura-${first.number.replaceAll("/", "-")}.pdf`,
      contentType: "application/pdf",
    });
    const text = await pdfText(pdf!.content);
    expect(text).toContain(first.number);
    expect(text).toContain("ORYGINAŁ");

    const again = await client.call<{ replayed: boolean }>("POST", path, {}, { idempotencyKey: k });
    expect(again.body.replayed).toBe(true);
    expect(mailbox.arrived).toHaveLength(1);

    const elsewhere = await client.call(
      "POST",
      path,
      { to: "ania@sklep-ani.example" },
      { idempotencyKey: idem("mail") },
    );
    expect(elsewhere.body).toMatchObject({ recipient: "ania@sklep-ani.example" });
    expect(mailbox.arrived.map((m) => m.to[0])).toEqual([
      "ksiegowosc@sklep-ani.example",
      "ania@sklep-ani.example",
    ]);
    const bad = await failure(client.call("POST", path, { to: "ania@" }, { idempotencyKey: idem("mail") }));
    expect([bad.status, bad.body.issues?.map((i) => i.path)]).toEqual([400, ["to"]]);

    // The server refuses: recorded as failed, a retryable 502, and the same key sends once it accepts.
    mailbox.refuse = true;
    const k2 = idem("mail");
    const refused = await failure(client.call("POST", path, {}, { idempotencyKey: k2 }));
    expect([refused.status, refused.code, refused.body.retryable]).toEqual([502, "mail_failed", true]);
    mailbox.refuse = false;
    const retried = await client.call<{ status: string; replayed: boolean }>(
      "POST",
      path,
      {},
      { idempotencyKey: k2 },
    );
    expect(retried.body).toMatchObject({ status: "sent", replayed: false });
    expect(mailbox.arrived).toHaveLength(3);
    const statuses = await bridge.db.query<{ status: string }>(
      "SELECT status FROM outbound_messages WHERE document_id = $1 ORDER BY id",
      [first.id],
    );
    expect(statuses.rows.map((r) => r.status)).toEqual(["sent", "sent", "failed", "sent"]);
  });

  it("answers 409 mail_not_configured without an SMTP server, and never shows the SMTP password", async () => {
    const config = loadConfig(
      {
        HRDKIT_SMTP_URL: `smtp://${encodeURIComponent(SMTP_USER)}:${encodeURIComponent(SMTP_PASS)}@mail.example:587`,
      },
      false,
    );
    expect(config.mail?.smtp).toMatchObject({
      host: "mail.example",
      port: 587,
      secure: false,
      auth: { user: SMTP_USER },
    });
    expect(config.mail?.smtp.auth?.pass).toBe(SMTP_PASS);
    const shownBy = [
      JSON.stringify(config),
      inspect(config, { depth: 10 }),
      JSON.stringify(bridge.ctx.mail),
      inspect(bridge.ctx.mail, { depth: 10 }),
    ];
    for (const shown of shownBy) {
      expect(shown).not.toContain(SMTP_PASS);
      expect(shown).not.toContain(encodeURIComponent(SMTP_PASS));
    }
    expect(() => loadConfig({ HRDKIT_SMTP_URL: `http://u:${SMTP_PASS}@x` }, false)).toThrow(/smtp:\/\//);
    const refusal = (() => {
      try {
        loadConfig({ HRDKIT_SMTP_URL: `smtp://u:${SMTP_PASS}@:25` }, false);
        return "";
      } catch (err) {
        return String(err);
      }
    })();
    expect(refusal).toMatch(/HRDKIT_SMTP_URL/);
    expect(refusal).not.toContain(SMTP_PASS);

    // The same bridge as started without HRDKIT_SMTP_URL: no transport on its context.
    const mail = bridge.ctx.mail;
    delete bridge.ctx.mail;
    try {
      const before = mailbox.arrived.length;
      const e = await failure(
        client.call("POST", `/v1/billing/invoices/${first.id}/resend`, {}, { idempotencyKey: idem("mail") }),
      );
      expect([e.status, e.code]).toEqual([409, "mail_not_configured"]);
      expect(mailbox.arrived).toHaveLength(before);
    } finally {
      bridge.ctx.mail = mail;
    }
  });

  it("documents the files as binary and XML in the OpenAPI document", async () => {
    const spec = (await (await fetch(`${bridge.url}/docs/json`)).json()) as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content: Record<string, { schema: unknown }> }> }>
      >;
    };
    const pdf = spec.paths["/v1/billing/invoices/{id}/pdf"]!.get!.responses["200"]!.content;
    expect(Object.keys(pdf)).toEqual(["application/pdf"]);
    expect(pdf["application/pdf"]!.schema).toMatchObject({ type: "string", format: "binary" });
    const xml = spec.paths["/v1/billing/invoices/{id}/fa3.xml"]!.get!.responses["200"]!.content;
    expect(Object.keys(xml)).toEqual(["application/xml"]);
  });
});
