/**
 * Transfer-in (moving a domain from another registrar to HRD with its authInfo code) and trade
 * (cesja: changing the registrant of a domain the partner manages, or an internal transfer between
 * two registrant accounts of the same partner).
 *
 * Secrets: the authInfo code travels as `<pw>` (transfer, transferRegistrantEmail) or `<authInfo>`
 * (authInfoCheck), trade codes as `<pw>`; all three element names are redacted by the SDK.
 * Validation messages never repeat a code.
 */
import { z } from "zod";
import { defineOp } from "./define.js";
import {
  domainName,
  id,
  ipv4,
  obj,
  opt,
  outActionId,
  outBool,
  outDate,
  outDomain,
  outInt,
  outText,
  period,
} from "./fields.js";

// ---------------------------------------------------------------- shared fields

/** A secret code (authInfo or trade code): required, never trimmed, never echoed in a message. */
const code = z
  .string({ error: "must be a string (the code)" })
  .min(1, "is required")
  .max(255, "is longer than 255 characters");

/** `ipv4Type` of api.xsd: the cancellation calls take no IPv6 address. */
const ipv4Only = z.string({ error: "must be an IPv4 address" }).superRefine((v, ctx) => {
  if (ipv4.safeParse(v).success) return;
  ctx.addIssue({
    code: "custom",
    message: v.includes(":")
      ? "must be an IPv4 address (HRD takes no IPv6 address here)"
      : "must be an IPv4 address",
  });
});

/**
 * Statuses of `domain/transferStatus`. apiResponse.xsd types the element as a free string; the 2018
 * XSD enumerated created/started/cancelled/failed/completed and the PHP docs add `authinfo` (wrong
 * code). Unknown values are passed through as strings rather than failing the call.
 */
export const TRANSFER_STATUSES = [
  "created",
  "started",
  "completed",
  "cancelled",
  "failed",
  "authinfo",
] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];

/** Statuses of `domain/tradeStatus`, as apiResponse.xsd enumerates them (anything else passes through). */
export const TRADE_STATUSES = ["pending", "confirmed", "cancelled", "failed", "completed"] as const;
export type TradeStatus = (typeof TRADE_STATUSES)[number];

/** A status string typed by its known set, yet tolerant of values HRD may add. */
const knownOr = <T extends string>() => outText.transform((s) => s as T | (string & {}));

const byId = z.object({ id }).transform((v) => ({ id: v.id }));

const RECONCILE_TRANSFER =
  "Read domain/transferStatus with the action id if you have it, else domain/info (the sandbox shows a running " +
  "transfer as status `ordered`; HRD's behaviour here is not documented) and action/list, before ordering the " +
  "transfer again — or use client.ensureDomainTransferred, which does this.";

const RECONCILE_TRADE =
  "Read domain/tradeStatus with the action id if you have it, else domain/info (its actions list and user) " +
  "and action/list, before starting the trade again: HRD refuses a second trade while one is pending.";

// ---------------------------------------------------------------- transfer-in

export const authInfoCheck = defineOp({
  name: "domain/authInfoCheck",
  effect: "read",
  summary:
    "Whether an authInfo (transfer) code is valid for a domain, before ordering the transfer (.pl and .eu).",
  input: z
    .object({ name: domainName, authInfo: code })
    .transform((v) => ({ name: v.name, authInfo: v.authInfo })),
  output: z.object({ valid: outBool }),
  example: 'await hrd.domain.authInfoCheck({ name: "example.pl", authInfo: "Kod-Od-Rejestratora" })',
});

export const transfer = defineOp({
  name: "domain/transfer",
  effect: "billable",
  summary:
    "Transfer a domain in from another registrar with its authInfo code, to a registrant account " +
    "(spends the TLD's transfer price when it completes; returns the action id, which is also the transfer id).",
  input: z
    .object({ name: domainName, user: id, period: period.optional(), authInfo: code })
    .transform((v) => ({ name: v.name, user: v.user, period: v.period, pw: v.authInfo })),
  output: outActionId,
  subject: (w) => ({ name: String(w.name) }),
  reconcile: RECONCILE_TRANSFER,
  example: 'await hrd.domain.transfer({ name: "example.pl", user: 1234, authInfo: "Kod-Od-Rejestratora" })',
});

export const transferStatus = defineOp({
  name: "domain/transferStatus",
  effect: "read",
  summary:
    "The state of a transfer-in by its action id: created, started, completed, cancelled, failed or authinfo (wrong code).",
  input: byId,
  output: z.object({
    domain: outDomain,
    crDate: outDate,
    assignorId: opt(outInt),
    status: knownOr<TransferStatus>(),
  }),
  example: "await hrd.domain.transferStatus({ id: actionId })",
});

export const transferRegistrantEmail = defineOp({
  name: "domain/transferRegistrantEmail",
  effect: "read",
  summary:
    "The e-mail address of the losing registrant of a domain to be transferred in (needs its authInfo code).",
  input: z.object({ name: domainName, authInfo: code }).transform((v) => ({ name: v.name, pw: v.authInfo })),
  output: z.object({ email: outText }),
  example:
    'await hrd.domain.transferRegistrantEmail({ name: "example.pl", authInfo: "Kod-Od-Rejestratora" })',
});

// ---------------------------------------------------------------- trade (cesja) and internal transfer

export const tradeGetPw = defineOp({
  name: "domain/tradeGetPw",
  effect: "read",
  summary:
    "The trade (cesja) code of a domain: a change of registrant that both sides accept and that costs the TLD's Cesja price " +
    "(as the sandbox reads it; HRD's own docs are ambiguous).",
  input: z.object({ name: domainName }).transform((v) => ({ name: v.name })),
  output: z.object({ pw: outText }),
  example: 'const { pw } = await hrd.domain.tradeGetPw({ name: "example.pl" })',
});

export const tradeInnerGetPw = defineOp({
  name: "domain/tradeInnerGetPw",
  effect: "read",
  summary:
    "The internal-transfer code of a domain: moves it to another registrant account of the same partner, " +
    "free and without acceptance (as the sandbox reads it; HRD's own docs are ambiguous).",
  input: z.object({ name: domainName }).transform((v) => ({ name: v.name })),
  output: z.object({ pw: outText }),
  example: 'const { pw } = await hrd.domain.tradeInnerGetPw({ name: "example.pl" })',
});

export const trade = defineOp({
  name: "domain/trade",
  effect: "billable",
  summary:
    "Start a trade (cesja) or an internal transfer of a domain to another registrant account, with the code " +
    "from tradeGetPw or tradeInnerGetPw (returns the action id, which is also the trade id).",
  input: z
    .object({ name: domainName, user: id, pw: code })
    .transform((v) => ({ name: v.name, user: v.user, pw: v.pw })),
  output: outActionId,
  subject: (w) => ({ name: String(w.name), user: Number(w.user) }),
  reconcile: RECONCILE_TRADE,
  example: 'await hrd.domain.trade({ name: "example.pl", user: 5678, pw })',
});

export const tradeStatus = defineOp({
  name: "domain/tradeStatus",
  effect: "read",
  summary:
    "The state of a trade by its action id: both sides' acceptance, payer confirmation, status and deadline.",
  input: byId,
  output: z
    .object({
      domain: outDomain,
      crDate: outDate,
      assignorId: opt(outInt),
      assignorAccepted: opt(outBool),
      assignorDate: opt(outDate),
      assigneeId: outInt,
      assigneeAccepted: opt(outBool),
      assigneeDate: opt(outDate),
      adminConfirmationRequired: opt(outBool),
      payerConfirmationRequired: opt(outBool),
      status: knownOr<TradeStatus>(),
      exDate: opt(outDate),
      assignorIP: opt(outText),
      assigneeIP: opt(outText),
      assignorEmail: opt(outText),
      assigneeEmail: opt(outText),
    })
    .transform((t) => ({
      domain: t.domain,
      status: t.status,
      crDate: t.crDate,
      exDate: t.exDate,
      assignorId: t.assignorId,
      assignorAccepted: t.assignorAccepted,
      assignorDate: t.assignorDate,
      assignorIP: t.assignorIP,
      assignorEmail: t.assignorEmail,
      assigneeId: t.assigneeId,
      assigneeAccepted: t.assigneeAccepted,
      assigneeDate: t.assigneeDate,
      assigneeIP: t.assigneeIP,
      assigneeEmail: t.assigneeEmail,
      adminConfirmationRequired: t.adminConfirmationRequired,
      payerConfirmationRequired: t.payerConfirmationRequired,
    })),
  example: "await hrd.domain.tradeStatus({ id: actionId })",
});

const cancelInput = z.object({ id, ip: ipv4Only }).transform((v) => ({ id: v.id, ip: v.ip.trim() }));

/** A repeated cancellation after a lost reply would be refused ("already cancelled"): read instead. */
const RECONCILE_CANCEL =
  "Read domain/tradeStatus: status `cancelled` means the cancellation was applied (it is not resent, because " +
  "a second one would be refused).";
export const tradeAssignorCancel = defineOp({
  name: "domain/tradeAssignorCancel",
  effect: "write",
  idempotent: false,
  reconcile: RECONCILE_CANCEL,
  summary:
    "Cancel a trade on behalf of the assignor (the current registrant), with the IPv4 address they acted from.",
  input: cancelInput,
  output: obj({}),
  example: 'await hrd.domain.tradeAssignorCancel({ id: actionId, ip: "192.0.2.10" })',
});

export const tradeAssigneeCancel = defineOp({
  name: "domain/tradeAssigneeCancel",
  effect: "write",
  idempotent: false,
  reconcile: RECONCILE_CANCEL,
  summary:
    "Cancel a trade on behalf of the assignee (the new registrant), with the IPv4 address they acted from.",
  input: cancelInput,
  output: obj({}),
  example: 'await hrd.domain.tradeAssigneeCancel({ id: actionId, ip: "192.0.2.10" })',
});

export const tradeCancel = defineOp({
  name: "domain/tradeCancel",
  effect: "write",
  idempotent: false,
  reconcile: RECONCILE_CANCEL,
  summary: "Cancel a trade as the partner, with the IPv4 address of the request.",
  input: cancelInput,
  output: obj({}),
  example: 'await hrd.domain.tradeCancel({ id: actionId, ip: "192.0.2.10" })',
});

export const tradePayerConfirm = defineOp({
  name: "domain/tradePayerConfirm",
  effect: "billable",
  summary:
    "Confirm, as the payer, a trade both sides accepted: the Cesja price is charged when it completes.",
  input: byId,
  output: obj({}),
  subject: (w) => ({ id: Number(w.id) }),
  reconcile:
    "Read domain/tradeStatus: `completed` (or `confirmed` with the action still running) means the confirmation " +
    "was applied; a second confirmation is refused, never charged twice.",
  example: "await hrd.domain.tradePayerConfirm({ id: actionId })",
});

export const resendTradeMail = defineOp({
  name: "partner/resendTradeMail",
  effect: "write",
  // A repeat after a lost reply would send the e-mails twice: read tradeStatus instead.
  idempotent: false,
  summary:
    "Send the trade acceptance e-mails again, to the assignor and/or the assignee (their account ids; both when omitted).",
  input: z
    .object({ id, assignor: id.optional(), assignee: id.optional() })
    .transform((v) => ({ id: v.id, assignor: v.assignor, assignee: v.assignee })),
  output: obj({}),
  example: "await hrd.partner.resendTradeMail({ id: actionId })",
});

/**
 * Declared operations of this area, by `module/method` (spread into the registry in index.ts).
 */
export const domainTransferOperations = {
  "domain/authInfoCheck": authInfoCheck,
  "domain/transfer": transfer,
  "domain/transferStatus": transferStatus,
  "domain/transferRegistrantEmail": transferRegistrantEmail,
  "domain/tradeGetPw": tradeGetPw,
  "domain/tradeInnerGetPw": tradeInnerGetPw,
  "domain/trade": trade,
  "domain/tradeStatus": tradeStatus,
  "domain/tradeAssignorCancel": tradeAssignorCancel,
  "domain/tradeAssigneeCancel": tradeAssigneeCancel,
  "domain/tradeCancel": tradeCancel,
  "domain/tradePayerConfirm": tradePayerConfirm,
  "partner/resendTradeMail": resendTradeMail,
} as const;
