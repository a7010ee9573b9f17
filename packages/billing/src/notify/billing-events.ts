/**
 * Billing facts as notices: each builder reads one record (a proforma, a payment, an invoice, a
 * customer's service) and returns the event, its variables formatted as the customer reads them
 * (`49,19 zł`, `30.03.2026`), the PDF where the document travels with the notice, and a dedupe
 * key made from the record, so the same fact reported twice (a retried webhook, a re-run
 * activation) makes no second notice. `notifyFact` builds and hands the result to notifyCustomer.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { addDays, warsawDate } from "../documents/dates.js";
import type { InvoiceDocument } from "../documents/types.js";
import { BillingConflictError, BillingNotFoundError } from "../errors.js";
import { loadInvoice } from "../invoices/read.js";
import type { Currency } from "../money/money.js";
import { getProforma } from "../proformas/queries.js";
import { transferTitleOf } from "../proformas/store.js";
import type { Proforma } from "../proformas/types.js";
import { bankAccount } from "../render/format.js";
import { renderInvoicePdf } from "../render/invoice.js";
import { documentFileName } from "../render/names.js";
import { renderProformaPdf } from "../render/proforma.js";
import { parseInput } from "../validate.js";
import { type NotifyCustomerOptions, type NotifyResult, notifyCustomer } from "./dispatch.js";
import type { NoticeEvent, NoticeSample } from "./events.js";
import {
  amount,
  displayDate,
  linkValues,
  readService,
  renewalProforma,
  type ServiceFacts,
  withOptional,
} from "./fact-parts.js";
import type { EmailAttachment } from "./ports.js";
import {
  buildCertificateExpiring,
  buildCertificateIssued,
  buildTradeProgress,
  buildTransferProgress,
  progressFactSchemas,
  type TradeStage,
  type TransferStage,
} from "./service-progress.js";
import { channelOn, fillLink, getNotifySettings, type NotifySettings } from "./settings.js";

/** One notice to make: what notifyCustomer takes. */
export interface BuiltNotice {
  event: NoticeEvent;
  customerId: number;
  variables: Record<string, NoticeSample>;
  dedupeKey: string;
  attachments?: EmailAttachment[];
}

/** The billing facts a customer is told about. */
export type BillingFact =
  | { kind: "proforma.issued"; proformaId: number }
  /** Received, partial or overpaid: decided from what the proforma still owed. */
  | { kind: "payment"; paymentId: number }
  /** One notice per service the proforma's activation made active. */
  | { kind: "service.activated"; proformaId: number }
  | { kind: "service.activated"; customerServiceId: number }
  | { kind: "invoice.issued"; invoiceId: number }
  | { kind: "invoice.corrected"; correctionId: number }
  | { kind: "renewal.reminder"; customerServiceId: number; daysLeft: number }
  | { kind: "domain.expired"; customerServiceId: number }
  /** To the customer whose service the domain is (none: no notice); from HRD's poll messages. */
  | { kind: "transfer.progress"; domain: string; stage: TransferStage; reason?: string }
  | {
      kind: "trade.progress";
      domain: string;
      stage: TradeStage;
      /** HRD's trade (action) id: a domain traded twice is told twice. */
      tradeId?: number;
      /** The new holder's HRD account: named in the notice when they are a customer too. */
      newHolderHrdUserId?: number;
      reason?: string;
    }
  /** To the customer whose ssl service has this HRD certificate id (none: no notice). */
  | { kind: "certificate.issued"; certId: number; validUntil: string; commonName?: string }
  | { kind: "certificate.expiring"; customerServiceId: number; daysLeft: number };

const id = z.number("must be an id").int().positive();
const daysLeftSchema = z
  .number("must be a number of days")
  .int("must be a whole number of days")
  .min(0)
  .max(365);

const factSchema = z.union([
  z.strictObject({ kind: z.literal("proforma.issued"), proformaId: id }),
  z.strictObject({ kind: z.literal("payment"), paymentId: id }),
  z.strictObject({ kind: z.literal("service.activated"), proformaId: id }),
  z.strictObject({ kind: z.literal("service.activated"), customerServiceId: id }),
  z.strictObject({ kind: z.literal("invoice.issued"), invoiceId: id }),
  z.strictObject({ kind: z.literal("invoice.corrected"), correctionId: id }),
  z.strictObject({
    kind: z.literal("renewal.reminder"),
    customerServiceId: id,
    daysLeft: daysLeftSchema,
  }),
  z.strictObject({ kind: z.literal("domain.expired"), customerServiceId: id }),
  progressFactSchemas.transfer,
  progressFactSchemas.trade,
  progressFactSchemas.certificateIssued,
  z.strictObject({
    kind: z.literal("certificate.expiring"),
    customerServiceId: id,
    daysLeft: daysLeftSchema,
  }),
]);

// --- Formatting ------------------------------------------------------------------------------------------

export { displayDate };

/** Documents are rendered only when the e-mail that carries them is switched on. */
const mailsDocuments = (s: NotifySettings, event: NoticeEvent) => channelOn(s, event, "email");

// --- Proformas -------------------------------------------------------------------------------------------

function payable(p: Proforma): void {
  if (p.status === "cancelled" || p.status === "expired") {
    throw new BillingConflictError(
      `proforma ${p.number} is ${p.status}: there is nothing to tell the customer to pay`,
      p.status,
    );
  }
}

/** `proforma.issued`: number, amounts, due date, where and how to pay, its lines and the PDF. */
export async function buildProformaIssued(
  db: Db,
  proformaId: number,
  settings?: NotifySettings,
): Promise<BuiltNotice> {
  const s = settings ?? (await getNotifySettings(db));
  const p = await getProforma(db, proformaId);
  payable(p);
  const pdf = mailsDocuments(s, "proforma.issued") ? await renderProformaPdf(p) : undefined;
  return {
    event: "proforma.issued",
    customerId: p.customerId,
    variables: withOptional(
      {
        variant: p.origin,
        proformaNumber: p.number,
        issueDate: displayDate(p.issueDate),
        dueDate: displayDate(p.dueDate),
        amountGross: amount(p.gross, p.currency),
        amountToPay: amount(Math.max(0, p.gross - p.paid), p.currency),
        bankAccount: bankAccount(p.bankAccount),
        transferTitle: p.transferTitle || transferTitleOf(p.number),
        items: p.lines.map((l) => ({ name: l.name, amountGross: amount(l.gross, p.currency) })),
      },
      {
        paymentUrl: fillLink(s.links.payment, linkValues(s, { proformaId: p.id, proformaNumber: p.number })),
      },
    ),
    dedupeKey: `proforma.issued:${p.id}`,
    ...(pdf
      ? { attachments: [{ filename: documentFileName(p), content: pdf, contentType: "application/pdf" }] }
      : {}),
  };
}

// --- Payments --------------------------------------------------------------------------------------------

interface PaymentFacts {
  id: number;
  customer_id: number;
  proforma_id: number | null;
  method: string;
  amount: number;
  currency: Currency;
  received_at: Date;
  to_balance: number;
  /** The proforma's `paid` right after this payment: its payments up to this one, less their overpayments. */
  paid_through: number;
  /** The customer's balance right after this payment's overpayment (null: it made none). */
  balance_after: number | null;
}

/**
 * `payment.received`, `payment.partial` or `payment.overpaid`, as the payment left things when it
 * was booked (a later payment does not change which one this was): part of it went to the
 * balance → overpaid; the proforma still owed something after it → partial; else received. A
 * payment without a proforma went wholly to the balance: overpaid. A refund is not a payment
 * received (BillingConflictError `refund`).
 */
export async function buildPaymentNotice(
  db: Db,
  paymentId: number,
  settings?: NotifySettings,
): Promise<BuiltNotice> {
  const s = settings ?? (await getNotifySettings(db));
  const { rows } = await db.query<PaymentFacts>(
    `WITH over AS (
       SELECT payment_id, sum(amount)::int8 AS s, max(id) AS last_entry
         FROM customer_balance_entries WHERE reason = 'overpayment' GROUP BY payment_id
     )
     SELECT p.id, p.customer_id, p.proforma_id, p.method, p.amount, p.currency, p.received_at,
            coalesce(o.s, 0)::int8 AS to_balance,
            (SELECT coalesce(sum(q.amount - coalesce(qo.s, 0)), 0)::int8
               FROM payments q LEFT JOIN over qo ON qo.payment_id = q.id
              WHERE q.proforma_id = p.proforma_id AND q.id <= p.id) AS paid_through,
            CASE WHEN o.last_entry IS NULL THEN NULL ELSE
              (SELECT sum(b.amount)::int8 FROM customer_balance_entries b
                WHERE b.customer_id = p.customer_id AND b.currency = p.currency AND b.id <= o.last_entry)
            END AS balance_after
       FROM payments p LEFT JOIN over o ON o.payment_id = p.id
      WHERE p.id = $1`,
    [parseInput("buildPaymentNotice", id, paymentId)],
  );
  const pay = rows[0];
  if (!pay) throw new BillingNotFoundError(`payment ${paymentId}`);
  if (pay.method === "refund" || pay.amount <= 0) {
    throw new BillingConflictError(`payment ${paymentId} is a refund, not money received`, "refund");
  }
  const proforma = pay.proforma_id === null ? null : await getProforma(db, pay.proforma_id);
  const common = {
    amount: amount(pay.amount, pay.currency),
    receivedOn: displayDate(warsawDate(pay.received_at)),
  };
  const dedupeKey = `payment:${pay.id}`;
  if (pay.to_balance > 0 || proforma === null) {
    return {
      event: "payment.overpaid",
      customerId: pay.customer_id,
      variables: withOptional(
        { ...common, overpaidAmount: amount(pay.to_balance || pay.amount, pay.currency) },
        {
          proformaNumber: proforma?.number,
          balance: pay.balance_after === null ? undefined : amount(pay.balance_after, pay.currency),
        },
      ),
      dedupeKey,
    };
  }
  const remaining = proforma.gross - pay.paid_through;
  if (remaining > 0) {
    return {
      event: "payment.partial",
      customerId: pay.customer_id,
      variables: withOptional(
        {
          ...common,
          proformaNumber: proforma.number,
          amountRemaining: amount(remaining, pay.currency),
          dueDate: displayDate(proforma.dueDate),
          bankAccount: bankAccount(proforma.bankAccount),
          transferTitle: proforma.transferTitle || transferTitleOf(proforma.number),
        },
        {
          paymentUrl: fillLink(
            s.links.payment,
            linkValues(s, { proformaId: proforma.id, proformaNumber: proforma.number }),
          ),
        },
      ),
      dedupeKey,
    };
  }
  return {
    event: "payment.received",
    customerId: pay.customer_id,
    variables: { ...common, proformaNumber: proforma.number },
    dedupeKey,
  };
}

// --- Services --------------------------------------------------------------------------------------------

function activated(cs: ServiceFacts, periodYears: number, s: NotifySettings): BuiltNotice {
  if (cs.status !== "active" || cs.expires_on === null) {
    throw new BillingConflictError(
      `service ${cs.id} (${cs.name}) is ${cs.status}${cs.expires_on === null ? " without an expiry date" : ""}: it has not been activated`,
      "not_active",
    );
  }
  return {
    event: "service.activated",
    customerId: cs.customer_id,
    variables: withOptional(
      {
        serviceKind: cs.kind,
        serviceName: cs.name,
        periodYears,
        expiresOn: displayDate(cs.expires_on),
      },
      { manageUrl: fillLink(s.links.manage, linkValues(s, { serviceId: cs.id })) },
    ),
    // Per term: the same service renewed next year is told again.
    dedupeKey: `service.activated:${cs.id}:${cs.expires_on}`,
  };
}

/**
 * `service.activated` for one customer's service (now active), or for each service a proforma's
 * activation made active (its done provisioning tasks; BillingConflictError `not_activated` when
 * none is done yet). Both key a notice by service and term, so the two never tell it twice.
 */
export async function buildServiceActivated(
  db: Db,
  target: { customerServiceId: number } | { proformaId: number },
  settings?: NotifySettings,
): Promise<BuiltNotice[]> {
  const s = settings ?? (await getNotifySettings(db));
  if ("customerServiceId" in target) {
    const cs = await readService(db, target.customerServiceId);
    return [activated(cs, cs.period, s)];
  }
  parseInput("buildServiceActivated", id, target.proformaId);
  const { rows: exists } = await db.query("SELECT 1 FROM proformas WHERE id = $1", [target.proformaId]);
  if (exists.length === 0) throw new BillingNotFoundError(`proforma ${target.proformaId}`);
  const { rows } = await db.query<{ customer_service_id: number; period: number | null }>(
    `SELECT customer_service_id, period FROM provisioning_tasks
      WHERE proforma_id = $1 AND status = 'done' AND customer_service_id IS NOT NULL ORDER BY position`,
    [target.proformaId],
  );
  if (rows.length === 0) {
    throw new BillingConflictError(
      `proforma ${target.proformaId} has no activated service yet (activateProforma first)`,
      "not_activated",
    );
  }
  const out: BuiltNotice[] = [];
  for (const r of rows) {
    const cs = await readService(db, r.customer_service_id);
    // The task's period: a renewal adds its years, the service keeps its first term's.
    out.push(activated(cs, r.period ?? cs.period, s));
  }
  return out;
}

/**
 * `renewal.reminder` `daysLeft` days before the service's term ends, with the renewal proforma's
 * number and price when one was issued. Refused (BillingConflictError) for a service that is not
 * active (`not_active`) or whose renewal is already paid (`already_renewed`).
 */
export async function buildRenewalReminder(
  db: Db,
  customerServiceId: number,
  daysLeft: number,
  settings?: NotifySettings,
): Promise<BuiltNotice> {
  parseInput("buildRenewalReminder", daysLeftSchema, daysLeft);
  const s = settings ?? (await getNotifySettings(db));
  const cs = await readService(db, customerServiceId);
  if (cs.status !== "active" || cs.expires_on === null) {
    throw new BillingConflictError(
      `service ${cs.id} (${cs.name}) is ${cs.status}: nothing to renew`,
      "not_active",
    );
  }
  const proforma = await renewalProforma(db, cs);
  if (proforma?.status === "paid") {
    throw new BillingConflictError(
      `service ${cs.id} (${cs.name}): its renewal proforma ${proforma.number} is paid`,
      "already_renewed",
    );
  }
  const links = linkValues(s, {
    serviceId: cs.id,
    ...(proforma ? { proformaId: proforma.id, proformaNumber: proforma.number } : {}),
  });
  return {
    event: "renewal.reminder",
    customerId: cs.customer_id,
    variables: withOptional(
      {
        serviceKind: cs.kind,
        serviceName: cs.name,
        expiresOn: displayDate(cs.expires_on),
        daysLeft,
        renewUrl: fillLink(s.links.renew, links) ?? s.panelUrl ?? "",
      },
      {
        renewalPrice: proforma ? amount(proforma.gross, proforma.currency) : undefined,
        proformaNumber: proforma?.number,
      },
    ),
    dedupeKey: `renewal.reminder:${cs.id}:${cs.expires_on}:${daysLeft}d`,
  };
}

/**
 * `domain.expired` for a domain whose term ended unrenewed: until when it can still be renewed
 * (the TLD's `grace.renewAfterExpiryDays`), and the open renewal proforma's price.
 */
export async function buildDomainExpired(
  db: Db,
  customerServiceId: number,
  settings?: NotifySettings,
): Promise<BuiltNotice> {
  const s = settings ?? (await getNotifySettings(db));
  const cs = await readService(db, customerServiceId);
  if (cs.kind !== "domain") {
    throw new BillingConflictError(`service ${cs.id} is a ${cs.kind}, not a domain`, "not_a_domain");
  }
  if ((cs.status !== "active" && cs.status !== "expired") || cs.expires_on === null) {
    throw new BillingConflictError(`domain ${cs.name} is ${cs.status}: it did not expire`, "not_active");
  }
  const proforma = await renewalProforma(db, cs);
  if (proforma?.status === "paid") {
    throw new BillingConflictError(
      `domain ${cs.name}: its renewal proforma ${proforma.number} is paid`,
      "already_renewed",
    );
  }
  const graceDays = cs.grace?.renewAfterExpiryDays;
  const links = linkValues(s, {
    serviceId: cs.id,
    ...(proforma ? { proformaId: proforma.id, proformaNumber: proforma.number } : {}),
  });
  return {
    event: "domain.expired",
    customerId: cs.customer_id,
    variables: withOptional(
      {
        domainName: cs.name,
        expiredOn: displayDate(cs.expires_on),
        renewUrl: fillLink(s.links.renew, links) ?? s.panelUrl ?? "",
      },
      {
        renewableUntil: graceDays ? displayDate(addDays(cs.expires_on, graceDays)) : undefined,
        renewalPrice: proforma ? amount(proforma.gross, proforma.currency) : undefined,
      },
    ),
    dedupeKey: `domain.expired:${cs.id}:${cs.expires_on}`,
  };
}

// --- Invoices --------------------------------------------------------------------------------------------

async function invoiceOfKind(
  db: Db,
  invoiceId: number,
  kind: InvoiceDocument["kind"],
): Promise<InvoiceDocument> {
  const doc = await loadInvoice(db, invoiceId);
  if (doc.kind !== kind) {
    throw new BillingConflictError(
      kind === "VAT"
        ? `invoice ${doc.number} is a correction: notify it as invoice.corrected`
        : `invoice ${doc.number} is not a correction: notify it as invoice.issued`,
      "wrong_kind",
    );
  }
  return doc;
}

async function pdfOf(
  doc: InvoiceDocument,
  s: NotifySettings,
  event: NoticeEvent,
): Promise<{ attachments?: EmailAttachment[] }> {
  if (!mailsDocuments(s, event)) return {};
  const content = await renderInvoicePdf(doc);
  return { attachments: [{ filename: documentFileName(doc), content, contentType: "application/pdf" }] };
}

/** `invoice.issued` with the invoice's PDF. */
export async function buildInvoiceIssued(
  db: Db,
  invoiceId: number,
  settings?: NotifySettings,
): Promise<BuiltNotice> {
  const s = settings ?? (await getNotifySettings(db));
  const doc = await invoiceOfKind(db, parseInput("buildInvoiceIssued", id, invoiceId), "VAT");
  return {
    event: "invoice.issued",
    customerId: doc.customerId,
    variables: withOptional(
      {
        invoiceNumber: doc.number,
        issueDate: displayDate(doc.issueDate),
        amountGross: amount(doc.gross, doc.currency),
        paid: doc.payment.paid !== undefined && doc.payment.paid >= doc.gross,
      },
      {
        documentUrl: fillLink(
          s.links.document,
          linkValues(s, { invoiceId: doc.id, invoiceNumber: doc.number }),
        ),
      },
    ),
    dedupeKey: `invoice.issued:${doc.id}`,
    ...(await pdfOf(doc, s, "invoice.issued")),
  };
}

/** `invoice.corrected` with the correction's PDF: the difference, and the refund when it lowers the amount. */
export async function buildInvoiceCorrected(
  db: Db,
  correctionId: number,
  settings?: NotifySettings,
): Promise<BuiltNotice> {
  const s = settings ?? (await getNotifySettings(db));
  const doc = await invoiceOfKind(db, parseInput("buildInvoiceCorrected", id, correctionId), "KOR");
  const corrected = doc.corrected;
  if (!corrected)
    throw new BillingConflictError(`correction ${doc.number} names no corrected invoice`, "wrong_kind");
  return {
    event: "invoice.corrected",
    customerId: doc.customerId,
    variables: withOptional(
      {
        correctionNumber: doc.number,
        correctedNumber: corrected.number,
        issueDate: displayDate(doc.issueDate),
        reason: corrected.reason,
        amountDifference: amount(doc.gross, doc.currency),
      },
      {
        refundAmount: doc.gross < 0 ? amount(-doc.gross, doc.currency) : undefined,
        documentUrl: fillLink(
          s.links.document,
          linkValues(s, { invoiceId: doc.id, invoiceNumber: doc.number }),
        ),
      },
    ),
    dedupeKey: `invoice.corrected:${doc.id}`,
    ...(await pdfOf(doc, s, "invoice.corrected")),
  };
}

// --- Facts -----------------------------------------------------------------------------------------------

const some = <T>(built: T | undefined): T[] => (built === undefined ? [] : [built]);

/**
 * The notices a fact makes: one, one per activated service, or none for a domain or certificate
 * that is no customer's service in billing.
 */
export async function buildFact(
  db: Db,
  fact: BillingFact,
  settings?: NotifySettings,
): Promise<BuiltNotice[]> {
  const f = parseInput("buildFact", factSchema, fact) as BillingFact;
  const s = settings ?? (await getNotifySettings(db));
  switch (f.kind) {
    case "proforma.issued":
      return [await buildProformaIssued(db, f.proformaId, s)];
    case "payment":
      return [await buildPaymentNotice(db, f.paymentId, s)];
    case "service.activated":
      return buildServiceActivated(db, f, s);
    case "invoice.issued":
      return [await buildInvoiceIssued(db, f.invoiceId, s)];
    case "invoice.corrected":
      return [await buildInvoiceCorrected(db, f.correctionId, s)];
    case "renewal.reminder":
      return [await buildRenewalReminder(db, f.customerServiceId, f.daysLeft, s)];
    case "domain.expired":
      return [await buildDomainExpired(db, f.customerServiceId, s)];
    case "transfer.progress":
      return some(await buildTransferProgress(db, f, s));
    case "trade.progress":
      return some(await buildTradeProgress(db, f, s));
    case "certificate.issued":
      return some(await buildCertificateIssued(db, f, s));
    case "certificate.expiring":
      return [await buildCertificateExpiring(db, f.customerServiceId, f.daysLeft, s)];
  }
}

export interface NotifyFactOptions extends NotifyCustomerOptions {
  /** Not sent before this moment (default: now). */
  at?: Date;
}

/** Builds the fact's notices and stores them on the channels switched on (notifyCustomer). */
export async function notifyFact(
  db: Db,
  fact: BillingFact,
  options: NotifyFactOptions = {},
): Promise<NotifyResult[]> {
  const settings = options.settings ?? (await getNotifySettings(db));
  const built = await buildFact(db, fact, settings);
  const out: NotifyResult[] = [];
  for (const b of built) {
    out.push(
      await notifyCustomer(db, { ...b, ...(options.at ? { at: options.at } : {}) }, { ...options, settings }),
    );
  }
  return out;
}
