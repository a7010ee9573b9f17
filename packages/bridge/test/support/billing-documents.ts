/**
 * What the invoice, settings and audit tests share: signed requests whose answer is not JSON (PDF, XML, images),
 * a real SMTP server that wants a password, and paid invoices made the way an installation makes
 * them — customer, catalog price, order quote, proforma, payment, invoice — through billing's own
 * functions on the bridge's database (the HTTP routes for those are tested elsewhere).
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import {
  createCustomer,
  createPriceGroup,
  createProformaForOrder,
  type Db,
  type InvoiceDocument,
  issueInvoiceForProforma,
  quote,
  recordPayment,
  seedDefaultCatalog,
  setPrice,
} from "@hrdkit/billing";
import { SMTPServer } from "smtp-server";
import { type ParsedMail, parseMail } from "../../../billing/test/support/smtp.js";
import { signedFetch } from "./bridge.js";

/** A signed request whose answer is a file: status, content type, headers and the raw bytes. */
export async function fetchSigned(
  bridgeUrl: string,
  key: string,
  path: string,
): Promise<{ status: number; type: string; headers: Headers; bytes: Buffer }> {
  const res = await signedFetch(bridgeUrl, key, "GET", path);
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    headers: res.headers,
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

/** The partner, as the tests set it (a real Warsaw address, a NIP and an account with valid check digits). */
export const SELLER = {
  name: "Żółw Hosting Sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Świętokrzyska 12", postcode: "00-916", city: "Warszawa", country: "PL" },
  bankAccount: "PL61 1090 1014 0000 0712 1981 2874",
  email: "faktury@zolw.example",
  place: "Warszawa",
};

/** Catalog and a default price group with a .pl registration at 39.99 net. */
export async function preparePricing(db: Db): Promise<void> {
  await seedDefaultCatalog(db);
  const group = await createPriceGroup(db, { name: "Detal", isDefault: true });
  await setPrice(db, { groupId: group.id, serviceCode: "domain.pl.register", period: 1, net: "39.99" });
  await setPrice(db, { groupId: group.id, serviceCode: "domain.com.register", period: 1, net: "59.90" });
}

/** A company customer of the partner (a NIP with a valid checksum, an address in Łódź). */
export async function companyCustomer(
  db: Db,
  name = "Sklep Ani sp. z o.o.",
  email = "ksiegowosc@sklep-ani.example",
) {
  return createCustomer(db, {
    name,
    nip: "7251801126",
    email,
    addresses: { correspondence: { street: "ul. Piotrkowska 10", postcode: "90-001", city: "Łódź" } },
  });
}

let orders = 0;

/** An order of domains, its proforma paid in full by transfer, and the VAT invoice issued for it. */
export async function paidInvoice(db: Db, customerId: number, domains: string[]): Promise<InvoiceDocument> {
  const at = new Date();
  const q = await quote(db, {
    customerId,
    items: domains.map((name) => ({
      serviceCode: name.endsWith(".pl") ? "domain.pl.register" : "domain.com.register",
      name,
      period: 1,
    })),
    at,
  });
  const ref = `order-${++orders}-${randomBytes(4).toString("hex")}`;
  const { proforma } = await createProformaForOrder(db, { customerId, quote: q, orderRef: ref, at });
  await recordPayment(db, {
    proformaId: proforma.id,
    method: "transfer",
    amount: { amount: proforma.gross, currency: "PLN" },
    receivedAt: at,
    reference: `MT940-${ref}`,
    title: `Zapłata za ${proforma.number}`,
  });
  return issueInvoiceForProforma(db, { proformaId: proforma.id, at });
}

export interface Mailbox {
  port: number;
  arrived: { from: string; to: string[]; user: string | undefined; mail: ParsedMail }[];
  /** While true, every recipient is refused with 550. */
  refuse: boolean;
  close(): Promise<void>;
}

/**
 * A real SMTP server on a random port that, like a provider's, wants a login (PLAIN/LOGIN over
 * the loopback) and keeps what arrives.
 */
export async function startMailbox(user: string, pass: string): Promise<Mailbox> {
  const box: Mailbox = { port: 0, arrived: [], refuse: false, close: async () => {} };
  const server = new SMTPServer({
    authMethods: ["PLAIN", "LOGIN"],
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === pass) return callback(null, { user });
      callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (!box.refuse) return callback();
      callback(Object.assign(new Error(`Mailbox ${address.address} unavailable`), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const from = session.envelope.mailFrom;
        box.arrived.push({
          from: from ? from.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === "string" ? session.user : undefined,
          mail: parseMail(Buffer.concat(chunks).toString("latin1")),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  box.port = (server.server.address() as AddressInfo).port;
  box.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return box;
}
