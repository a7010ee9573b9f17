/**
 * What a poll message says: about a domain transfer, for `domain.transferred`; and, for the
 * customers, transfer and trade progress and issued certificates (readPollMessage, below).
 *
 * HRD does not publish the words its poll messages use (../shared/hrd-api PROTOCOL.md, open
 * question 7: `object` and `action` are free strings). What is known: a message names the object
 * (`domain`, `cert`, …) and the action's type, and HRD's sandbox sends `domain` + `transfer` when a
 * transfer-in ends, whether it completed or failed. So:
 * - a `domain` message whose action names a transfer going out (`transferOut`, `transfer_away`,
 *   `outgoingTransfer`…) is a domain transferred away;
 * - any other `domain` message naming a transfer is a transfer-in that ended, and `domain/info`
 *   tells how: the name in the account, no longer `ordered`, is a completed transfer; a name HRD no
 *   longer answers for (or still `ordered`) is a failed one, and no event is published.
 */
import type { BillingFact } from "@hrdkit/billing";
import { findDomain, HrdApiError } from "@hrdkit/sdk";
import type { BridgeContext } from "../app.js";

export interface PollMessageLike {
  id: number;
  object: string;
  objectName?: string;
  action: string;
  added: string;
}

const OUTGOING = /out|away|outgoing|leave|left|lost/i;

/** `in` or `out` for a message about a domain transfer; undefined for any other message. */
export function transferDirection(m: Pick<PollMessageLike, "object" | "action">): "in" | "out" | undefined {
  if (m.object.toLowerCase() !== "domain" || !/transfer/i.test(m.action)) return undefined;
  return OUTGOING.test(m.action.replace(/transfer/i, "")) ? "out" : "in";
}

/**
 * The `domain.transferred` event's data for a message, or undefined when the message is not about
 * a transfer or the transfer-in failed. Reads `domain/info` for transfers in (HRD faults propagate:
 * the message is then not acknowledged and is handled again on the next run).
 */
export async function transferredEvent(
  ctx: Pick<BridgeContext, "hrd">,
  m: PollMessageLike,
): Promise<Record<string, unknown> | undefined> {
  const direction = transferDirection(m);
  if (!direction || !m.objectName) return undefined;
  if (direction === "out") return transferredOut(m);
  return transferredIn(m, await findDomain(ctx.hrd, m.objectName));
}

type DomainInfo = Awaited<ReturnType<typeof findDomain>>;

function base(m: PollMessageLike, direction: "in" | "out") {
  return { domain: m.objectName, direction, messageId: m.id, action: m.action, added: m.added };
}

const transferredOut = (m: PollMessageLike) => ({
  ...base(m, "out"),
  status: null,
  expiresOn: null,
  hrdUserId: null,
});

/** The event of a transfer in, from the name's `domain/info` (undefined: it failed or still moves). */
function transferredIn(m: PollMessageLike, info: DomainInfo) {
  if (!info || info.status === "ordered") return undefined;
  return {
    ...base(m, "in"),
    status: info.status,
    expiresOn: info.exDate ? info.exDate.slice(0, 10) : null,
    hrdUserId: info.user ?? null,
  };
}

// --- Customer notices ------------------------------------------------------------------------------------

/**
 * What HRD calls an issued certificate (the sandbox: `issued`; HRD's words are not documented, the
 * others are guesses in the spirit of actions.ts). Anything else (`awaitingApproval`) is not issued yet.
 */
const ISSUED = new Set(["issued", "active", "valid"]);

/** Whether a `cert/info` status word says the certificate is issued. */
export function certificateIssued(status: string): boolean {
  return ISSUED.has(status.toLowerCase());
}

/**
 * The `certificate.issued` fact of a certificate HRD reports issued, or undefined while it is not
 * (awaiting the approver) or HRD gives no validity. HRD faults propagate.
 */
export async function certificateIssuedFact(
  ctx: Pick<BridgeContext, "hrd">,
  certId: number,
): Promise<BillingFact | undefined> {
  const info = await ctx.hrd.cert.info({ id: certId });
  if (!certificateIssued(info.status) || !info.exDate) return undefined;
  return {
    kind: "certificate.issued",
    certId,
    validUntil: info.exDate.slice(0, 10),
    ...(info.domain ? { commonName: info.domain } : {}),
  };
}

/** A `domain` message about a trade (cesja, internal transfer): HRD's sandbox says `trade`. */
export function isTradeMessage(m: Pick<PollMessageLike, "object" | "action">): boolean {
  return m.object.toLowerCase() === "domain" && /trade/i.test(m.action);
}

/** How far back in a domain's actions the trade a message is about is looked for. */
const TRADE_LOOKBACK = 20;

/**
 * The `trade.progress` fact of a trade message: the domain's newest trade (domain/info's actions,
 * action/info's type, domain/tradeStatus) and where it stands. Undefined when HRD no longer answers
 * for the domain, it has no trade, or the trade is at a step customers are not told of.
 */
async function tradeFact(ctx: Pick<BridgeContext, "hrd">, domain: string): Promise<BillingFact | undefined> {
  const info = await findDomain(ctx.hrd, domain);
  if (!info) return undefined;
  for (const id of [...info.actions].reverse().slice(0, TRADE_LOOKBACK)) {
    const action = await ctx.hrd.action.info({ id });
    if (!/trade/i.test(action.type)) continue;
    const t = await ctx.hrd.domain.tradeStatus({ id });
    const stage =
      t.status === "completed"
        ? "completed"
        : t.status === "failed" || t.status === "cancelled"
          ? "rejected"
          : t.status === "pending"
            ? "awaiting-acceptance"
            : undefined;
    if (!stage) return undefined;
    return {
      kind: "trade.progress",
      domain: info.name,
      stage,
      tradeId: id,
      ...(t.assigneeId ? { newHolderHrdUserId: t.assigneeId } : {}),
    };
  }
  return undefined;
}

export interface PollOutcome {
  /** The `domain.transferred` event's data, for a transfer that moved the domain. */
  transferred?: Record<string, unknown>;
  /** The customer notices the message makes (billing's notifyFact; none for a name no customer has). */
  notices: BillingFact[];
}

/**
 * Everything a poll message means for webhooks and customers, read from HRD before anything is
 * stored (HRD faults propagate: the message is then not acknowledged and is handled again):
 * - a transfer in that ended: `domain.transferred` and `transfer.progress` `completed`, or, when
 *   HRD no longer answers for the name, `transfer.progress` `rejected` (and no event);
 * - a transfer out: `domain.transferred` only (customers hear of transfers to the partner);
 * - a trade: `trade.progress` at the trade's stage;
 * - a certificate's action (`cert` + its id): `certificate.issued` once HRD says it is issued.
 */
export async function readPollMessage(
  ctx: Pick<BridgeContext, "hrd">,
  m: PollMessageLike & { objectId?: number },
): Promise<PollOutcome> {
  const direction = transferDirection(m);
  if (direction && m.objectName) {
    if (direction === "out") return { transferred: transferredOut(m), notices: [] };
    const info = await findDomain(ctx.hrd, m.objectName);
    const transferred = transferredIn(m, info);
    if (transferred) {
      return {
        transferred,
        notices: [{ kind: "transfer.progress", domain: m.objectName, stage: "completed" }],
      };
    }
    // Still `ordered`: a message before the end, nothing to tell. Gone: the transfer failed.
    return info
      ? { notices: [] }
      : { notices: [{ kind: "transfer.progress", domain: m.objectName, stage: "rejected" }] };
  }
  if (isTradeMessage(m) && m.objectName) {
    const fact = await tradeFact(ctx, m.objectName).catch(refusedIsNone);
    return { notices: fact ? [fact] : [] };
  }
  if (m.object.toLowerCase() === "cert" && m.objectId) {
    const fact = await certificateIssuedFact(ctx, m.objectId).catch(refusedIsNone);
    return { notices: fact ? [fact] : [] };
  }
  return { notices: [] };
}

/**
 * HRD refusing to answer (a trade or certificate it no longer knows) tells nobody, and must not
 * hold the queue: the message is acknowledged. A fault (no connection) is thrown: the message is
 * handled again on the next run.
 */
function refusedIsNone(err: unknown): undefined {
  if (err instanceof HrdApiError) return undefined;
  throw err;
}
