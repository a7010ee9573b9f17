/**
 * The one decision of EU reverse charge (art. 28b), shared by quotes, every kind of proforma
 * (order, renewal, hand-made, edited) and invoices: a customer never pays on a proforma VAT its
 * invoice does not show.
 */
import type { VatRateCode } from "../money/vat.js";
import type { Party } from "./types.js";

/** What the decision reads of a buyer. */
export type ReverseChargeBuyer = Pick<Party, "nip" | "euVat"> & {
  address: Pick<Party["address"], "country">;
};

/**
 * An EU business outside Poland: it accounts for the VAT itself (art. 28b, reverse charge). A
 * Polish NIP or a Polish address means an establishment in Poland, so Polish VAT applies.
 */
export function isEuReverseCharge(buyer: ReverseChargeBuyer): boolean {
  return (
    buyer.euVat !== undefined &&
    buyer.euVat.country.toUpperCase() !== "PL" &&
    !buyer.nip &&
    buyer.address.country.toUpperCase() !== "PL"
  );
}

/** The rate a line is sold at to this buyer: `np II` under reverse charge, else the line's own. */
export function saleVatRate(reverseCharge: boolean, rate: VatRateCode): VatRateCode {
  return reverseCharge ? "np II" : rate;
}
