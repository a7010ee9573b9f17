import { createTransport } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomer } from "../src/customers/basic.js";
import type { Db } from "../src/db/db.js";
import { migrate } from "../src/db/migrate.js";
import { MIGRATIONS } from "../src/db/migrations.js";
import { MAIL_MIGRATIONS } from "../src/db/migrations-mail.js";
import type { InvoiceDocument, ProformaDocument, SellerSettings } from "../src/documents/types.js";
import { BillingConflictError, BillingNotFoundError, BillingValidationError } from "../src/errors.js";
import {
  type MailTransporter,
  type OutgoingMail,
  pendingMessages,
  resendMessage,
  sendDocument,
} from "../src/mail/index.js";
import { renderInvoicePdf, renderProformaPdf } from "../src/render/index.js";
import { drivers } from "./support/db.js";
import { pdfText } from "./support/pdf-text.js";
import { decodeWords, type Smtp, startSmtp } from "./support/smtp.js";

// --- Documents ----------------------------------------------------------------------------------------

const seller: SellerSettings = {
  name: "Żółw Hosting Sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Świętokrzyska 12", postcode: "00-916", city: "Warszawa", country: "PL" },
  bankAccount: "61109010140000071219812874",
  email: "faktury@zolw.example",
};

const line = {
  position: 1,
  name: "Rejestracja domeny łąka.pl",
  quantity: 1,
  unitNet: 99900,
  discount: 0,
  net: 99900,
  vatRate: "23",
  vat: 22977,
  gross: 122877,
};

function invoiceFor(customerId: number, id: number): InvoiceDocument {
  return {
    kind: "VAT",
    id,
    number: `FV/2026/03/${id}`,
    issueDate: "2026-03-16",
    saleDate: "2026-03-15",
    currency: "PLN",
    seller,
    buyer: {
      name: "Łąka Software S.A.",
      nip: "7740001454",
      address: { street: "ul. Długa 5", postcode: "80-827", city: "Gdańsk", country: "PL" },
      email: "ksiegowosc@laka.example",
    },
    lines: [line],
    vatBreakdown: [{ rate: "23", net: 99900, vat: 22977, gross: 122877 }],
    net: 99900,
    vat: 22977,
    gross: 122877,
    amountInWords: "jeden tysiąc dwieście dwadzieścia osiem złotych 77/100",
    payment: { method: "transfer", paid: 122877, paidAt: "2026-03-15" },
    annotations: {},
    customerId,
  };
}

function proformaFor(customerId: number): ProformaDocument {
  const inv = invoiceFor(customerId, 1);
  return {
    kind: "proforma",
    id: 9,
    number: "PRO/2026/03/9",
    origin: "order",
    status: "issued",
    issueDate: "2026-03-14",
    dueDate: "2026-03-28",
    currency: "PLN",
    seller,
    buyer: inv.buyer,
    payer: { ...inv.buyer, name: "Fundacja Źródło", email: "platnosci@zrodlo.example" },
    bankAccount: seller.bankAccount,
    transferTitle: "PRO/2026/03/9",
    lines: [line],
    vatBreakdown: inv.vatBreakdown,
    net: inv.net,
    vat: inv.vat,
    gross: inv.gross,
    paid: 22877,
    customerId,
  };
}

const count = async (db: Db) =>
  Number((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbound_messages")).rows[0]!.n);

describe.each(drivers())("e-mailing documents on $name", (driver) => {
  let db: Db;
  let smtp: Smtp;
  let customerId: number;
  let transport: { host: string; port: number; secure: boolean; ignoreTLS: boolean };

  beforeAll(async () => {
    db = await driver.open();
    const known = new Set(MIGRATIONS.map((m) => m.id));
    await migrate(db, [...MIGRATIONS, ...MAIL_MIGRATIONS.filter((m) => !known.has(m.id))]);
    customerId = (await createCustomer(db, { name: "Łąka Software S.A." })).id;
    smtp = await startSmtp();
    transport = { host: "127.0.0.1", port: smtp.port, secure: false, ignoreTLS: true };
  });
  afterAll(async () => {
    await smtp?.close();
    await driver.dispose(db);
  });

  it("sends an invoice from the seller's address with the PDF attached, and records it as sent", async () => {
    const doc = invoiceFor(customerId, 17);
    const pdf = await renderInvoicePdf(doc);
    const before = smtp.arrived.length;
    const message = await sendDocument(db, {
      kind: "invoice",
      documentId: 17,
      document: doc,
      pdf,
      transport,
    });

    expect(message).toMatchObject({
      status: "sent",
      attempts: 1,
      lastError: null,
      recipient: "ksiegowosc@laka.example",
      sender: "faktury@zolw.example",
      documentKind: "invoice",
      documentId: 17,
      customerId,
      subject: "Faktura VAT nr FV/2026/03/17 na kwotę 1 228,77 zł",
    });
    expect(message.sentAt).toBeInstanceOf(Date);
    expect(smtp.arrived).toHaveLength(before + 1);
    const { envelope, mail } = smtp.arrived.at(-1)!;
    expect(envelope).toEqual({ from: "faktury@zolw.example", to: ["ksiegowosc@laka.example"] });
    expect(decodeWords(mail.headers.subject!)).toBe("Faktura VAT nr FV/2026/03/17 na kwotę 1 228,77 zł");
    expect(decodeWords(mail.headers.from!)).toMatch(
      /^"?Żółw Hosting Sp\. z o\.o\."? <faktury@zolw\.example>$/,
    );
    expect(mail.headers.to).toBe("ksiegowosc@laka.example");
    expect(mail.headers["message-id"]).toBe(message.providerId);
    expect(mail.text).toContain("fakturę VAT nr FV/2026/03/17 z dnia 2026-03-16 na kwotę 1 228,77 zł");
    expect(mail.text).toContain("Żółw Hosting Sp. z o.o.");

    expect(mail.attachments).toHaveLength(1);
    const [attachment] = mail.attachments;
    expect(attachment!.filename).toBe("faktura-FV-2026-03-17.pdf");
    expect(attachment!.contentType).toBe("application/pdf");
    expect(attachment!.content.equals(pdf)).toBe(true);
    const text = await pdfText(attachment!.content);
    expect(text).toContain("FV/2026/03/17");
    expect(text).toContain("1 228,77 zł");

    const { rows } = await db.query(
      "SELECT status, attempts, provider_id FROM outbound_messages WHERE id = $1",
      [message.id],
    );
    expect(rows[0]).toEqual({ status: "sent", attempts: 1, provider_id: message.providerId });
  });

  it("sends a proforma to its payer (or to `to`), with the amount left to pay, the account and the title", async () => {
    const doc = proformaFor(customerId);
    const pdf = await renderProformaPdf(doc);
    const sent = await sendDocument(db, { kind: "proforma", documentId: 9, document: doc, pdf, transport });
    expect(sent).toMatchObject({ status: "sent", recipient: "platnosci@zrodlo.example" });
    const { mail, envelope } = smtp.arrived.at(-1)!;
    expect(envelope.to).toEqual(["platnosci@zrodlo.example"]);
    expect(decodeWords(mail.headers.subject!)).toBe("Proforma nr PRO/2026/03/9 – do zapłaty 1 000,00 zł");
    expect(mail.text).toContain("na rachunek 61 1090 1014 0000 0712 1981 2874, tytułem: PRO/2026/03/9");
    expect(mail.text).toContain("Proforma nie jest fakturą VAT");
    expect(mail.attachments[0]!.filename).toBe("proforma-PRO-2026-03-9.pdf");
    expect(await pdfText(mail.attachments[0]!.content)).toContain("PRO/2026/03/9");

    // A transporter the application keeps (here nodemailer's own) works as well as SMTP options.
    const kept = createTransport(transport);
    const other = await sendDocument(db, {
      kind: "proforma",
      documentId: 9,
      document: { ...doc, payer: undefined },
      pdf,
      transport: kept,
      to: "ktos@inny.example",
    });
    kept.close();
    expect(other.recipient).toBe("ktos@inny.example");
    expect(smtp.arrived.at(-1)!.envelope.to).toEqual(["ktos@inny.example"]);
  });

  it("names the corrected invoice in a correction's subject", async () => {
    const doc: InvoiceDocument = {
      ...invoiceFor(customerId, 30),
      kind: "KOR",
      number: "KOR/2026/03/1",
      lines: [{ ...line, net: -99900, vat: -22977, gross: -122877 }],
      vatBreakdown: [{ rate: "23", net: -99900, vat: -22977, gross: -122877 }],
      net: -99900,
      vat: -22977,
      gross: -122877,
      corrected: { id: 17, number: "FV/2026/03/17", issueDate: "2026-03-16", reason: "Rezygnacja z usługi" },
    };
    const sent = await sendDocument(db, {
      kind: "correction",
      documentId: 30,
      document: doc,
      pdf: await renderInvoicePdf(doc),
      transport,
    });
    expect(sent.subject).toBe("Faktura korygująca nr KOR/2026/03/1 do faktury FV/2026/03/17 – -1 228,77 zł");
    const { mail } = smtp.arrived.at(-1)!;
    expect(mail.text).toContain("Przyczyna korekty: Rezygnacja z usługi");
    expect(mail.text).toContain("do zwrotu: 1 228,77 zł");
    expect(mail.attachments[0]!.filename).toBe("korekta-KOR-2026-03-1.pdf");
  });

  it("records a refused send as failed, lists it as pending, and resends it successfully", async () => {
    const doc = invoiceFor(customerId, 18);
    const pdf = await renderInvoicePdf(doc);
    const before = smtp.arrived.length;
    smtp.refuse = true;
    const failed = await sendDocument(db, { kind: "invoice", documentId: 18, document: doc, pdf, transport });
    smtp.refuse = false;
    expect(failed).toMatchObject({ status: "failed", attempts: 1, providerId: null, sentAt: null });
    expect(failed.lastError).toMatch(/550/);
    expect(failed.lastError).toContain("unavailable");
    expect(smtp.arrived).toHaveLength(before);
    expect((await pendingMessages(db)).map((m) => m.id)).toContain(failed.id);

    const resent = await resendMessage(db, failed.id, { pdf, transport });
    expect(resent).toMatchObject({ id: failed.id, status: "sent", attempts: 2, lastError: null });
    expect(resent.providerId).toBeTruthy();
    expect(smtp.arrived).toHaveLength(before + 1);
    const { mail } = smtp.arrived.at(-1)!;
    expect(decodeWords(mail.headers.subject!)).toBe(failed.subject);
    expect(mail.attachments[0]!.filename).toBe("faktura-FV-2026-03-18.pdf");
    expect(await pdfText(mail.attachments[0]!.content)).toContain("FV/2026/03/18");
    expect((await pendingMessages(db)).map((m) => m.id)).not.toContain(failed.id);

    const again = await resendMessage(db, failed.id, { pdf, transport }).catch((e) => e);
    expect(again).toBeInstanceOf(BillingConflictError);
    expect(again.code).toBe("already_sent");
    expect(smtp.arrived).toHaveLength(before + 1);
  });

  it("sends a failed message once when two processes resend it at the same moment", async () => {
    const doc = invoiceFor(customerId, 23);
    const pdf = await renderInvoicePdf(doc);
    smtp.refuse = true;
    const failed = await sendDocument(db, { kind: "invoice", documentId: 23, document: doc, pdf, transport });
    smtp.refuse = false;
    expect(failed.lastError).toMatch(/^EENVELOPE: .*550/);
    const before = smtp.arrived.length;
    const results = await Promise.allSettled([
      resendMessage(db, failed.id, { pdf, transport }),
      resendMessage(db, failed.id, { pdf, transport }),
    ]);
    const sent = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(sent).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toBeInstanceOf(BillingConflictError);
    expect(["in_flight", "already_sent"]).toContain(refused[0]!.reason.code);
    expect(smtp.arrived).toHaveLength(before + 1);
    const { rows } = await db.query("SELECT status, attempts FROM outbound_messages WHERE id = $1", [
      failed.id,
    ]);
    expect(rows[0]).toEqual({ status: "sent", attempts: 2 });
  });

  it("records a server that cannot be reached as failed, and resends to another address", async () => {
    const doc = invoiceFor(customerId, 19);
    const pdf = await renderInvoicePdf(doc);
    const closed = await startSmtp();
    await closed.close();
    const failed = await sendDocument(db, {
      kind: "invoice",
      documentId: 19,
      document: doc,
      pdf,
      transport: { host: "127.0.0.1", port: closed.port, connectionTimeout: 2000 },
    });
    expect(failed.status).toBe("failed");
    expect(failed.lastError).toMatch(/ECONNREFUSED|ECONNECTION/);
    const resent = await resendMessage(db, failed.id, { pdf, transport, to: "biuro@laka.example" });
    expect(resent).toMatchObject({ status: "sent", attempts: 2, recipient: "biuro@laka.example" });
    expect(smtp.arrived.at(-1)!.envelope.to).toEqual(["biuro@laka.example"]);
  });

  it("refuses to resend a message whose attempt is in flight, but resends one cut off long ago", async () => {
    const doc = invoiceFor(customerId, 20);
    const pdf = await renderInvoicePdf(doc);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: MailTransporter = {
      async sendMail(_mail: OutgoingMail) {
        await gate;
        throw new Error("connection reset by peer");
      },
    };
    const sending = sendDocument(db, {
      kind: "invoice",
      documentId: 20,
      document: doc,
      pdf,
      transport: slow,
    });
    let pending = (await pendingMessages(db)).find((m) => m.documentId === 20);
    for (let i = 0; !pending && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 20));
      pending = (await pendingMessages(db)).find((m) => m.documentId === 20);
    }
    expect(pending).toMatchObject({ status: "pending", attempts: 1 });
    const inFlight = await resendMessage(db, pending!.id, { pdf, transport }).catch((e) => e);
    expect(inFlight).toBeInstanceOf(BillingConflictError);
    expect(inFlight.code).toBe("in_flight");
    release();
    expect(await sending).toMatchObject({ status: "failed", lastError: "connection reset by peer" });

    // A process that died mid-send leaves it pending; after STALE_ATTEMPT_MINUTES it may be resent.
    await db.query(
      "UPDATE outbound_messages SET status = 'pending', attempted_at = now() - interval '1 hour' WHERE id = $1",
      [pending!.id],
    );
    const resent = await resendMessage(db, pending!.id, { pdf, transport });
    expect(resent).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("refuses a bad call naming every bad field, and records nothing", async () => {
    const doc = invoiceFor(customerId, 21);
    const before = await count(db);
    const err = await sendDocument(db, {
      kind: "correction",
      documentId: 22,
      document: doc,
      pdf: Buffer.from("not a pdf"),
      to: "nobody",
      transport,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(BillingValidationError);
    expect(err.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      "document.kind",
      "documentId",
      "pdf",
      "to",
    ]);
    const pdf = await renderInvoicePdf(doc);
    const noAddress = { ...doc, buyer: { ...doc.buyer, email: undefined } };
    await expect(
      sendDocument(db, { kind: "invoice", documentId: 21, document: noAddress, pdf, transport }),
    ).rejects.toThrow(/no recipient/);
    await expect(
      sendDocument(db, {
        kind: "invoice",
        documentId: 21,
        document: { ...doc, customerId: 999_999 },
        pdf,
        transport,
      }),
    ).rejects.toBeInstanceOf(BillingNotFoundError);
    await expect(resendMessage(db, 999_999, { pdf, transport })).rejects.toBeInstanceOf(BillingNotFoundError);
    expect(await count(db)).toBe(before);
  });
});
