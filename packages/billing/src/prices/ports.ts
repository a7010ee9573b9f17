/**
 * Where wholesale prices come from. Billing never imports the SDK: the caller hands in anything
 * with this shape, typically `{ getPricings: () => hrd.partner.getPricings() }`, whose result
 * this mirrors exactly (HRD's `partner/getPricings`).
 */
export interface WholesalePriceSource {
  /**
   * The whole price list: one entry per HRD service code (`d_pl`, `d_com_pl`, `o_pl`,
   * `c_positive_ssl`), each with prices named by Polish labels (`Rejestracja`, `Odnowienie`,
   * `Transfer`, `Cesja`, `Rezerwacja`). `value` is decimal text (`"39.00"`), `null` for `(brak)`.
   */
  getPricings(): Promise<WholesalePricing[]>;
}

export interface WholesalePricing {
  service: string;
  prices: { name: string; value: string | null }[];
}
