/**
 * Notices of what happens to a service at HRD after it was bought: a domain transfer or trade
 * (cesja) moving on, a certificate issued, a certificate about to expire. HRD names a domain or a
 * certificate, not a customer: the customer is the one whose service in billing it is (the newest
 * one not cancelled, for a name bought again). A domain or certificate no customer's service
 * names tells nobody: the builders then return undefined and no notice is made.
 *
 * Keys follow the outbox's scheme (`<event>:<service>:<what happened>`), so the same fact
 * reported again (a poll message delivered twice, a job run twice) makes no second notice:
 * - `transfer.progress:<service>:<stage>`: one notice per stage of the service's transfer;
 * - `trade.progress:<service>:<trade id>:<stage>`: a domain may be traded more than once;
 * - `certificate.issued:<service>:<valid until>`: a renewal issues the certificate again, with a
 *   new validity, and is told again;
 * - `certificate.expiring:<service>:<expiry>:<days>d`: as `renewal.reminder`.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingConflictError } from "../errors.js";
import type { NoticeSample } from "./events.js";
import {
  amount,
  displayDate,
  linkValues,
  readService,
  renewalProforma,
  SERVICE_COLUMNS,
  SERVICE_FROM,
  type ServiceFacts,
  withOptional,
} from "./fact-parts.js";
import { fillLink, type NotifySettings } from "./settings.js";

export const TRANSFER_STAGES = ["started", "awaiting-confirmation", "completed", "rejected"] as const;
export type TransferStage = (typeof TRANSFER_STAGES)[number];
export const TRADE_STAGES = ["started", "awaiting-acceptance", "completed", "rejected"] as const;
export type TradeStage = (typeof TRADE_STAGES)[number];

/** One notice, as billing-events.ts's BuiltNotice (repeated here to keep the import one way). */
interface Built {
  event: "transfer.progress" | "trade.progress" | "certificate.issued" | "certificate.expiring";
  customerId: number;
  variables: Record<string, NoticeSample>;
  dedupeKey: string;
}

export const dayString = z
  .string("must be a date")
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2027-03-18");
const reasonText = z.string("must be text").trim().min(1).max(500);

export const progressFactSchemas = {
  transfer: z.strictObject({
    kind: z.literal("transfer.progress"),
    domain: z.string("must be a domain name").trim().min(3).max(253),
    stage: z.enum(TRANSFER_STAGES, `must be one of ${TRANSFER_STAGES.join(", ")}`),
    reason: reasonText.optional(),
  }),
  trade: z.strictObject({
    kind: z.literal("trade.progress"),
    domain: z.string("must be a domain name").trim().min(3).max(253),
    stage: z.enum(TRADE_STAGES, `must be one of ${TRADE_STAGES.join(", ")}`),
    tradeId: z.number("must be an id").int().positive().optional(),
    newHolderHrdUserId: z.number("must be an id").int().positive().optional(),
    reason: reasonText.optional(),
  }),
  certificateIssued: z.strictObject({
    kind: z.literal("certificate.issued"),
    certId: z.number("must be an id").int().positive(),
    validUntil: dayString,
    commonName: z.string("must be text").trim().min(1).max(253).optional(),
  }),
};

/** The newest not cancelled service of `kind` matching the condition. */
async function serviceWhere(db: Db, condition: string, value: string): Promise<ServiceFacts | undefined> {
  const { rows } = await db.query<ServiceFacts>(
    `SELECT ${SERVICE_COLUMNS} FROM ${SERVICE_FROM}
      WHERE ${condition} AND cs.status <> 'cancelled' ORDER BY cs.id DESC LIMIT 1`,
    [value],
  );
  return rows[0];
}

/** The customer's service of a domain name (Unicode, as billing stores it; any letter case). */
export const domainService = (db: Db, domain: string) =>
  serviceWhere(db, "s.kind = 'domain' AND lower(cs.name) = lower($1)", domain.trim());

/** The customer's service of a certificate: an ssl service whose HRD reference is the certificate id. */
export const certificateService = (db: Db, certId: number) =>
  serviceWhere(db, "s.kind = 'ssl' AND cs.hrd_ref = $1", String(certId));

/** The service's page in the panel (`links.manage`), when the partner set the pattern. */
const manageUrl = (s: NotifySettings, cs: ServiceFacts) =>
  fillLink(s.links.manage, linkValues(s, { serviceId: cs.id }));

/** `transfer.progress` for the customer whose domain it is; undefined when no customer's service names it. */
export async function buildTransferProgress(
  db: Db,
  fact: z.output<typeof progressFactSchemas.transfer>,
  s: NotifySettings,
): Promise<Built | undefined> {
  const cs = await domainService(db, fact.domain);
  if (!cs) return undefined;
  return {
    event: "transfer.progress",
    customerId: cs.customer_id,
    variables: withOptional(
      { domainName: cs.name, stage: fact.stage },
      { reason: fact.reason, actionUrl: manageUrl(s, cs) },
    ),
    dedupeKey: `transfer.progress:${cs.id}:${fact.stage}`,
  };
}

/**
 * `trade.progress` for the customer whose domain it is (the holder giving it up); the new holder
 * is named when they are a customer too (by their HRD account).
 */
export async function buildTradeProgress(
  db: Db,
  fact: z.output<typeof progressFactSchemas.trade>,
  s: NotifySettings,
): Promise<Built | undefined> {
  const cs = await domainService(db, fact.domain);
  if (!cs) return undefined;
  let newHolder: string | undefined;
  if (fact.newHolderHrdUserId !== undefined) {
    const { rows } = await db.query<{ name: string }>(
      "SELECT name FROM customers WHERE hrd_user_id = $1 ORDER BY id LIMIT 1",
      [fact.newHolderHrdUserId],
    );
    newHolder = rows[0]?.name;
  }
  return {
    event: "trade.progress",
    customerId: cs.customer_id,
    variables: withOptional(
      { domainName: cs.name, stage: fact.stage },
      { newHolder, reason: fact.reason, actionUrl: manageUrl(s, cs) },
    ),
    dedupeKey: `trade.progress:${cs.id}:${fact.tradeId === undefined ? "" : `${fact.tradeId}:`}${fact.stage}`,
  };
}

/** `certificate.issued` for the customer whose ssl service the certificate is; undefined when none is. */
export async function buildCertificateIssued(
  db: Db,
  fact: z.output<typeof progressFactSchemas.certificateIssued>,
  s: NotifySettings,
): Promise<Built | undefined> {
  const cs = await certificateService(db, fact.certId);
  if (!cs) return undefined;
  return {
    event: "certificate.issued",
    customerId: cs.customer_id,
    variables: withOptional(
      {
        commonName: fact.commonName ?? cs.name,
        productName: cs.product ?? cs.name,
        validUntil: displayDate(fact.validUntil),
      },
      { downloadUrl: manageUrl(s, cs) },
    ),
    dedupeKey: `certificate.issued:${cs.id}:${fact.validUntil}`,
  };
}

/**
 * `certificate.expiring` `daysLeft` days before an ssl service's term ends, with the renewal
 * proforma's price when one was issued. Refused (BillingConflictError) for a service that is not a
 * certificate (`not_a_certificate`), not active (`not_active`), or whose renewal is already paid
 * (`already_renewed`).
 */
export async function buildCertificateExpiring(
  db: Db,
  customerServiceId: number,
  daysLeft: number,
  s: NotifySettings,
): Promise<Built> {
  const cs = await readService(db, customerServiceId);
  if (cs.kind !== "ssl") {
    throw new BillingConflictError(
      `service ${cs.id} is a ${cs.kind}, not a certificate: remind it with renewal.reminder`,
      "not_a_certificate",
    );
  }
  if (cs.status !== "active" || cs.expires_on === null) {
    throw new BillingConflictError(
      `certificate ${cs.id} (${cs.name}) is ${cs.status}${cs.expires_on === null ? " without an expiry date" : ""}: nothing to renew`,
      "not_active",
    );
  }
  const proforma = await renewalProforma(db, cs);
  if (proforma?.status === "paid") {
    throw new BillingConflictError(
      `certificate ${cs.id} (${cs.name}): its renewal proforma ${proforma.number} is paid`,
      "already_renewed",
    );
  }
  const links = linkValues(s, {
    serviceId: cs.id,
    ...(proforma ? { proformaId: proforma.id, proformaNumber: proforma.number } : {}),
  });
  return {
    event: "certificate.expiring",
    customerId: cs.customer_id,
    variables: withOptional(
      {
        commonName: cs.name,
        productName: cs.product ?? cs.name,
        expiresOn: displayDate(cs.expires_on),
        daysLeft,
        renewUrl: fillLink(s.links.renew, links) ?? s.panelUrl ?? "",
      },
      { renewalPrice: proforma ? amount(proforma.gross, proforma.currency) : undefined },
    ),
    dedupeKey: `certificate.expiring:${cs.id}:${cs.expires_on}:${daysLeft}d`,
  };
}
