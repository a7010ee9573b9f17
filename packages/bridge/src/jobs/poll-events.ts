/**
 * What a poll message says about a domain transfer, for `domain.transferred`.
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
import { findDomain } from "@hrdkit/sdk";
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
  const base = { domain: m.objectName, direction, messageId: m.id, action: m.action, added: m.added };
  if (direction === "out") return { ...base, status: null, expiresOn: null, hrdUserId: null };
  const info = await findDomain(ctx.hrd, m.objectName);
  if (!info || info.status === "ordered") return undefined;
  return {
    ...base,
    status: info.status,
    expiresOn: info.exDate ? info.exDate.slice(0, 10) : null,
    hrdUserId: info.user ?? null,
  };
}
