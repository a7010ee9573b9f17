/**
 * Invoices made the way an installation makes them: a seller, customers with addresses, a
 * hand-made proforma, its payment recorded, the VAT invoice issued. Used by the fiscal tests
 * (corrections, exemptions, gross prices, reverse charge) so they exercise the real path.
 */
import {
  createCustomer,
  createManualProforma,
  type Db,
  type InvoiceDocument,
  issueInvoiceForProforma,
  type ManualLineInput,
  money,
  type Proforma,
  recordPayment,
  setSellerSettings,
} from "@hrdkit/billing";

export const SELLER = {
  name: "Hosting Polska Sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Prosta 20", postcode: "00-850", city: "Warszawa", country: "PL" },
  bankAccount: "PL61 1090 1014 0000 0712 1981 2874",
  email: "faktury@hosting.example",
  place: "Warszawa",
};

export const ISSUED = new Date("2026-05-04T10:00:00Z");
export const PAID = new Date("2026-05-03T09:00:00Z");

let refs = 0;

export async function setUpSeller(db: Db): Promise<void> {
  await setSellerSettings(db, SELLER);
}

/** A Polish company (NIP), as the partner's customer form makes it. */
export async function polishCompany(db: Db, name = "Sklep Ani sp. z o.o."): Promise<number> {
  const c = await createCustomer(db, {
    name,
    nip: "7251801126",
    email: "ksiegowosc@sklep-ani.example",
    addresses: { correspondence: { street: "ul. Piotrkowska 10", postcode: "90-001", city: "Łódź" } },
  });
  return c.id;
}

/** A consumer (PESEL), who sees gross prices. */
export async function consumer(db: Db, name = "Jan Kowalski"): Promise<number> {
  const c = await createCustomer(db, {
    name,
    pesel: "44051401359",
    email: "jan.kowalski@example.com",
    addresses: { correspondence: { street: "ul. Marszałkowska 1", postcode: "00-001", city: "Warszawa" } },
  });
  return c.id;
}

/** A business in Germany with its EU VAT number: reverse charge (art. 28b). */
export async function euBusiness(db: Db, name = "Beispiel GmbH"): Promise<number> {
  const c = await createCustomer(db, {
    name,
    euVat: { country: "DE", number: "123456789" },
    email: "buchhaltung@beispiel.example",
    addresses: {
      correspondence: { street: "Hauptstraße 5", postcode: "10115", city: "Berlin", country: "DE" },
    },
  });
  return c.id;
}

/** Pays a proforma in full by transfer. */
export async function pay(db: Db, p: Proforma, at = PAID): Promise<void> {
  await recordPayment(db, {
    proformaId: p.id,
    method: "transfer",
    amount: money(p.gross - p.paid, p.currency),
    receivedAt: at,
    reference: `bank-ref-${++refs}`,
  });
}

/** A hand-made proforma for these lines, paid, and its VAT invoice. */
export async function paidInvoice(
  db: Db,
  customerId: number,
  lines: ManualLineInput[],
): Promise<{ proforma: Proforma; invoice: InvoiceDocument }> {
  const proforma = await createManualProforma(db, {
    customerId,
    lines,
    at: new Date("2026-05-02T08:00:00Z"),
  });
  await pay(db, proforma);
  const invoice = await issueInvoiceForProforma(db, { proformaId: proforma.id, at: ISSUED });
  return { proforma, invoice };
}
