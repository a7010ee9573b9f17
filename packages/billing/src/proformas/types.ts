/**
 * What the proforma functions return. `Proforma` is the documents' `ProformaDocument` (what
 * renderers and senders use) plus what the back office and activation need to see.
 */
import type { DocumentLine, ExemptionBasis, ProformaDocument } from "../documents/types.js";
import type { Money } from "../money/money.js";

export type ProformaOrigin = ProformaDocument["origin"];
export type ProformaStatus = ProformaDocument["status"];
export type ProformaOperation = "register" | "renew" | "transfer" | "trade" | "create";

/** A proforma line: the printed line plus the links provisioning follows. */
export interface ProformaLine extends DocumentLine {
  /** The catalog service (`services.id`), when the line sells one. */
  serviceId: number | null;
  /** The customer's service this line creates (pending until activation) or renews. */
  customerServiceId: number | null;
  /** The service's operation, copied for provisioning. */
  operation: ProformaOperation | null;
  /** Years. */
  period: number | null;
  /** Provisioning specifics: nameservers, authInfo, CSR, approver e-mail… */
  details: Record<string, unknown>;
  /** A zw line's own exemption basis (else its service's is used when invoicing). */
  exemptionBasis?: ExemptionBasis;
}

export interface Proforma extends ProformaDocument {
  lines: ProformaLine[];
  seriesId: number;
  /** The order it was made for (origin `order`). */
  orderRef: string | null;
  /** `<customer_service_id>:<expires_on>` (origin `renewal`). */
  renewalKey: string | null;
  note: string | null;
  paidAt: Date | null;
  activatedAt: Date | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A row of `listProformas`. */
export interface ProformaSummary {
  id: number;
  number: string;
  customerId: number;
  origin: ProformaOrigin;
  status: ProformaStatus;
  issueDate: string;
  dueDate: string;
  currency: "PLN" | "EUR";
  net: Money;
  vat: Money;
  gross: Money;
  paid: Money;
  buyerName: string;
  orderRef: string | null;
  renewalKey: string | null;
}

export interface ProformaPage {
  items: ProformaSummary[];
  /** Pass as `afterId` for the next page; null on the last page. */
  nextAfterId: number | null;
}
