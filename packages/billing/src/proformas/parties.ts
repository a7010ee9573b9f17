/**
 * The buyer and payer printed on a proforma, read from `customers` and `customer_addresses` by
 * SQL (the customers module is not a dependency). Buyer: the customer's name, NIP and EU VAT
 * number at its invoice address, else its correspondence address. Payer: the `payer` address, when
 * someone else pays.
 */
import type { Db } from "../db/db.js";
import type { Address, Party } from "../documents/types.js";

export interface CustomerParties {
  customerId: number;
  buyer: Party | null;
  payer: Party | null;
}

interface Row {
  id: number;
  name: string;
  nip: string | null;
  eu_vat_country: string | null;
  eu_vat_number: string | null;
  email: string | null;
  kind: "correspondence" | "invoice" | "payer" | null;
  a_name: string | null;
  street: string | null;
  postcode: string | null;
  city: string | null;
  country: string | null;
  a_nip: string | null;
}

const addressOf = (r: Row): Address => ({
  street: r.street!,
  postcode: r.postcode!,
  city: r.city!,
  country: r.country!,
});

/** Parties of several customers in one query; customers that do not exist are absent. */
export async function loadParties(
  db: Db,
  customerIds: readonly number[],
): Promise<Map<number, CustomerParties>> {
  const out = new Map<number, CustomerParties>();
  if (customerIds.length === 0) return out;
  const { rows } = await db.query<Row>(
    `SELECT c.id, c.name, c.nip, c.eu_vat_country, c.eu_vat_number, c.email,
            a.kind, a.name AS a_name, a.street, a.postcode, a.city, a.country, a.nip AS a_nip
     FROM customers c LEFT JOIN customer_addresses a ON a.customer_id = c.id
     WHERE c.id = ANY($1::int[])`,
    [[...new Set(customerIds)]],
  );
  const byCustomer = new Map<number, Row[]>();
  for (const r of rows) byCustomer.set(r.id, [...(byCustomer.get(r.id) ?? []), r]);
  for (const [id, list] of byCustomer) {
    const c = list[0]!;
    const home = list.find((r) => r.kind === "invoice") ?? list.find((r) => r.kind === "correspondence");
    let buyer: Party | null = null;
    if (home) {
      buyer = { name: c.name, address: addressOf(home) };
      const nip = c.nip ?? home.a_nip;
      if (nip) buyer.nip = nip;
      if (c.eu_vat_country && c.eu_vat_number) {
        buyer.euVat = { country: c.eu_vat_country, number: c.eu_vat_number };
      }
      if (c.email) buyer.email = c.email;
    }
    const p = list.find((r) => r.kind === "payer");
    let payer: Party | null = null;
    if (p) {
      payer = { name: p.a_name!, address: addressOf(p) };
      if (p.a_nip) payer.nip = p.a_nip;
    }
    out.set(id, { customerId: id, buyer, payer });
  }
  return out;
}
