/**
 * What every document (proforma, VAT invoice, correction) carries about its parties and lines.
 * Stored as JSON on the document, so a document shows the data as it was when it was issued.
 */
export interface Address {
  street: string;
  postcode: string;
  city: string;
  /** ISO 3166-1 alpha-2, e.g. PL. */
  country: string;
}

export interface Party {
  name: string;
  /** Polish NIP, 10 digits (companies; a consumer has none). */
  nip?: string;
  /** PESEL of a person, when the customer gave it (never printed on invoices). */
  pesel?: string;
  /** EU VAT number of a business outside Poland (reverse charge). */
  euVat?: { country: string; number: string };
  address: Address;
  email?: string;
}

/** The partner's own data, printed on every document (stored in `settings`, key `seller`). */
export interface SellerSettings {
  name: string;
  nip: string;
  address: Address;
  /** The account customers pay to (NRB/IBAN, digits with optional spaces). */
  bankAccount: string;
  bankName?: string;
  /** The address documents are e-mailed from. */
  email: string;
  phone?: string;
  /** Place of issue printed on invoices (P_1M), e.g. "Warszawa". */
  place?: string;
  /** Path to a PNG or JPEG logo for PDFs. */
  logoPath?: string;
  /** Accent colour of PDFs, `#rrggbb`. */
  accentColor?: string;
}

/** How billing behaves where the law leaves a choice (stored in `settings`, key `billing`). */
export interface BillingSettings {
  /** Days before expiry a renewal proforma is made, per kind of service. Default 30 for each. */
  renewalLeadDays: { domain: number; option: number; ssl: number; hosting: number };
  /** Days a proforma can be paid. Default 14. */
  proformaValidDays: number;
}

export const DEFAULT_BILLING_SETTINGS: BillingSettings = {
  renewalLeadDays: { domain: 30, option: 30, ssl: 30, hosting: 30 },
  proformaValidDays: 14,
};

/** A line as documents store and print it; amounts in minor units. */
export interface DocumentLine {
  position: number;
  name: string;
  description?: string;
  quantity: number;
  unitNet: number;
  discount: number;
  net: number;
  vatRate: string;
  vat: number;
  gross: number;
  serviceFrom?: string;
  serviceTo?: string;
}
