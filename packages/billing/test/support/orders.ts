/**
 * An order placed the way a shop's checkout places it: the customer's quote for the items, then
 * the order's proforma made from that quote. Shared by the tests that only need an ordered
 * proforma to exist, not the quote itself.
 */
import { createProformaForOrder, type Db, type Proforma, type QuoteItem, quote } from "@hrdkit/billing";

export async function orderProforma(
  db: Db,
  order: { customerId: number; items: QuoteItem[]; orderRef: string; at: Date },
): Promise<Proforma> {
  const { customerId, items, orderRef, at } = order;
  const q = await quote(db, { customerId, items, at });
  const { proforma } = await createProformaForOrder(db, { customerId, quote: q, orderRef, at });
  return proforma;
}
