/**
 * Billing data for the chores' tests, made through billing's own functions the way an
 * installation makes it: the default catalog, the seller, a price group with a .pl renewal price,
 * customers with addresses and e-mail, services, proformas, invoices.
 */
import {
  addCustomerService,
  createCustomer,
  createManualProforma,
  createPriceGroup,
  type Db,
  issueInvoiceForProforma,
  money,
  type Proforma,
  recordPayment,
  seedDefaultCatalog,
  setNotifySettings,
  setPrice,
  setSellerSettings,
} from "@hrdkit/billing";

export const SELLER = {
  name: "Hosting Wisła sp. z o.o.",
  nip: "5260250274",
  address: { street: "ul. Prosta 20", postcode: "00-850", city: "Warszawa", country: "PL" },
  bankAccount: "PL61 1090 1014 0000 0712 1981 2874",
  email: "faktury@wisla.example",
  place: "Warszawa",
};

/** The catalog, the seller and a default price group selling .pl renewals at 80.00 net (98.40 gross). */
export async function seedShop(db: Db): Promise<{ groupId: number }> {
  await seedDefaultCatalog(db);
  await setSellerSettings(db, SELLER);
  // Every customer notice links to the panel: without it no notice can be queued.
  await setNotifySettings(db, { panelUrl: "https://panel.wisla.example" }, "test");
  const group = await createPriceGroup(db, { name: "Detal", isDefault: true });
  await setPrice(db, { groupId: group.id, serviceCode: "domain.pl.renew", period: 1, net: money(8000) });
  await setPrice(db, { groupId: group.id, serviceCode: "domain.pl.register", period: 1, net: money(4000) });
  return { groupId: group.id };
}

/** A Polish company with an invoice address and an e-mail for notices. */
export async function company(db: Db, name: string, email: string): Promise<number> {
  const c = await createCustomer(db, {
    name,
    nip: "7251801126",
    email,
    addresses: { correspondence: { street: "ul. Piotrkowska 10", postcode: "90-001", city: "Łódź" } },
  });
  return c.id;
}

/** An active .pl domain the customer holds, renewed automatically, expiring on `expiresOn`. */
export async function domain(db: Db, customerId: number, name: string, expiresOn: string): Promise<number> {
  const s = await addCustomerService(db, {
    customerId,
    serviceCode: "domain.pl.register",
    name,
    period: 1,
    startsOn: `${Number(expiresOn.slice(0, 4)) - 1}${expiresOn.slice(4)}`,
    expiresOn,
    status: "active",
    autoRenew: true,
  });
  return s.id;
}

/** A hand-made proforma for one line at `net` grosze net. */
export async function proforma(
  db: Db,
  customerId: number,
  name: string,
  net: number,
  at: Date,
): Promise<Proforma> {
  return createManualProforma(db, {
    customerId,
    lines: [{ name, unitNet: money(net), vatRate: "23" }],
    at,
  });
}

let refs = 0;

/** The proforma paid in full and its VAT invoice issued at `at`. */
export async function invoiced(db: Db, p: Proforma, at: Date): Promise<number> {
  await recordPayment(db, {
    proformaId: p.id,
    method: "transfer",
    amount: money(p.gross - p.paid, p.currency),
    receivedAt: at,
    reference: `cli-test-ref-${++refs}`,
  });
  const invoice = await issueInvoiceForProforma(db, { proformaId: p.id, at });
  return invoice.id;
}
