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
  /** Accent colour of PDFs, `#rrggbb` (and of the customer frames' buttons and links). */
  accentColor?: string;
  /** An advertising banner the customer frames show: an image, where it leads, its text for screen readers. */
  banner?: FramesBanner;
}

/** The frames' banner: an https image (or the bridge's stored upload), a link, alt text. */
export interface FramesBanner {
  /** `https://…` (or a path on the bridge, `/frames/banner/<file>`, for an uploaded image). */
  imageUrl: string;
  /** Where a click leads (`https://…`); absent: the banner is not a link. */
  link?: string;
  /** What the image says, for screen readers and when it does not load. */
  alt: string;
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

/**
 * The unit of measure (art. 106e ust. 1 pkt 8) of every line: what the PDF prints next to the
 * quantity and FA(3) carries in P_8A. One constant, so the two can never disagree; services are
 * counted as "usł." (usługa), which is also the invoice_lines.unit default.
 */
export const UNIT_OF_MEASURE = "usł.";

/**
 * The legal basis of a VAT exemption (art. 106e ust. 1 pkt 19), required on an invoice with
 * exempt (`zw`) lines. FA(3) carries it in one of P_19A/P_19B/P_19C, chosen by `source`.
 */
export interface ExemptionBasis {
  /** Where the exemption comes from: the VAT Act or a regulation under it (P_19A), Directive 2006/112/EC (P_19B), another basis (P_19C). */
  source: "act" | "directive" | "other";
  /** The provision, e.g. "art. 113 ust. 1 ustawy o VAT" or "art. 43 ust. 1 pkt 37 ustawy o VAT". */
  provision: string;
}

/** A line as documents store and print it; amounts in minor units. */
export interface DocumentLine {
  position: number;
  name: string;
  description?: string;
  quantity: number;
  unitNet: number;
  /**
   * Gross-price documents only (art. 106e ust. 7–8, FA(3) P_9B): the unit price with VAT. Such a
   * line is quantity × unitGross − discount = gross exactly, its discount is gross, and the VAT
   * of the document is computed per rate on the gross sums. `net` and `vat` of such a line are
   * for information only (the invoice shows net and VAT per rate, not per line).
   */
  unitGross?: number;
  discount: number;
  net: number;
  vatRate: string;
  vat: number;
  gross: number;
  serviceFrom?: string;
  serviceTo?: string;
}

/** A VAT-rate group of a document's totals. */
export interface VatGroup {
  rate: string;
  net: number;
  vat: number;
  gross: number;
  /** For EUR documents: the VAT in PLN at the document's exchange rate. */
  vatPln?: number;
}

/** A proforma as renderers and senders see it (what `getProforma` returns). */
export interface ProformaDocument {
  kind: "proforma";
  id: number;
  number: string;
  origin: "order" | "renewal" | "manual";
  status: "issued" | "paid" | "cancelled" | "expired";
  issueDate: string;
  dueDate: string;
  currency: "PLN" | "EUR";
  seller: SellerSettings;
  buyer: Party;
  payer?: Party;
  bankAccount: string;
  transferTitle: string;
  lines: DocumentLine[];
  vatBreakdown: VatGroup[];
  net: number;
  vat: number;
  gross: number;
  paid: number;
  customerId: number;
}

/** A VAT invoice or a correction as renderers, KSeF export and senders see it (`getInvoice`). */
export interface InvoiceDocument {
  kind: "VAT" | "KOR";
  id: number;
  number: string;
  issueDate: string;
  /** P_6: the date of the service or of the payment received before it. */
  saleDate: string;
  place?: string;
  currency: "PLN" | "EUR";
  /** EUR invoices: the NBP rate (text, up to 6 decimals), its table number and date. */
  exchangeRate?: { rate: string; table: string; date: string };
  seller: SellerSettings;
  buyer: Party;
  lines: (DocumentLine & { state?: "before" | "after" })[];
  vatBreakdown: VatGroup[];
  net: number;
  vat: number;
  gross: number;
  amountInWords: string;
  payment: { method?: string; paidAt?: string; paid?: number };
  annotations: { reverseCharge?: boolean; exemptionBasis?: ExemptionBasis; splitPayment?: boolean };
  /** Corrections: the corrected invoice and why. */
  corrected?: { id: number; number: string; issueDate: string; reason: string };
  customerId: number;
  proformaId?: number;
}

/** How a document is printed: the original, a copy, or a duplicate (art. 106l) with its own date. */
export type RenderMode = { mode: "original" } | { mode: "copy" } | { mode: "duplicate"; issuedOn: string };
