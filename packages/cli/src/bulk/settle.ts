import { findDomain, HrdApiError, type HrdClient, HrdError } from "@hrdkit/sdk";
import type { DoneStatus, RowHistory } from "./journal.js";
import type { BulkRow } from "./rows.js";

/** How one row ended in this run. */
export type RowOutcome =
  | { kind: "done"; status: DoneStatus; actionId?: number; expiration?: string; reconciled: boolean }
  | { kind: "failed"; error: string; code?: string }
  | { kind: "unknown"; error: string }
  /** The run must stop (credentials refused…): the row is left as `started`, settled next time. */
  | { kind: "fatal"; error: unknown };

/**
 * Writes the `started` record (synced) and then makes sure of the row through the SDK's make-sure
 * calls, which read HRD's state before buying and settle a lost reply by reading again.
 *
 * `earlier` is the journal's history of the row from previous runs. A row `started` there but
 * never finished may have been bought by the run that died: the make-sure call finds it in the
 * account and buys nothing. For a renewal the expiry read before that run's renew is what tells
 * "renewed by us" from "not yet": it is passed as `currentExpirationDate`, so a renewal that was
 * applied but never journaled is found (expiry moved past it) and not made again.
 */
export async function settleRow(
  hrd: HrdClient,
  row: BulkRow,
  earlier: RowHistory | undefined,
  start: (expiration?: string) => void,
): Promise<RowOutcome> {
  // Unsettled from an earlier run (started with no end, or unknown): its purchase may have happened.
  const inDoubt =
    earlier !== undefined && (earlier.last.type === "started" || earlier.last.type === "unknown");
  try {
    if (row.op === "register") {
      start();
      const r = await hrd.ensureDomainRegistered(row.input);
      const bought = r.outcome === "registered" || inDoubt;
      return {
        kind: "done",
        status: bought ? "registered" : "already",
        ...(r.actionId !== undefined ? { actionId: r.actionId } : {}),
        ...(r.domain?.exDate ? { expiration: day(r.domain.exDate) } : {}),
        reconciled: r.reconciled || (inDoubt && r.outcome !== "registered"),
      };
    }
    if (row.op === "renew") {
      let expiration = inDoubt ? earlier.started?.expiration : undefined;
      if (expiration === undefined) {
        const found = await findDomain(hrd, row.domain);
        if (!found) return { kind: "failed", error: `${row.display} is not in the partner's account` };
        if (!found.exDate)
          return { kind: "failed", error: `${row.display} has no expiry date (status ${found.status})` };
        expiration = day(found.exDate);
      }
      start(expiration);
      const r = await hrd.ensureDomainRenewed({
        name: row.input.name,
        period: row.input.period,
        currentExpirationDate: expiration,
      });
      const renewed = r.outcome === "renewed" || inDoubt;
      return {
        kind: "done",
        status: renewed ? "renewed" : "already",
        ...(r.actionId !== undefined ? { actionId: r.actionId } : {}),
        ...(r.domain?.exDate ? { expiration: day(r.domain.exDate) } : {}),
        reconciled: r.reconciled || (inDoubt && r.outcome !== "renewed"),
      };
    }
    start();
    const r = await hrd.ensureDomainTransferred(row.input);
    const ordered = r.outcome === "transferOrdered" || inDoubt;
    return {
      kind: "done",
      status: ordered ? "ordered" : "already",
      ...(r.actionId !== undefined ? { actionId: r.actionId } : {}),
      reconciled: r.reconciled || (inDoubt && r.outcome !== "transferOrdered"),
    };
  } catch (err) {
    return classify(err);
  }
}

/**
 * A refusal by HRD (or a conflict the make-sure call found by reading) bought nothing: `failed`.
 * Credentials refused stop the run. Anything else — a broken connection, a timeout, an outcome
 * still unknown after the SDK's reconciliation — may hide a purchase: `unknown`, settled by
 * reading again on the next run, never by buying blindly.
 */
function classify(err: unknown): RowOutcome {
  if (err instanceof HrdError) {
    if (err.code === "credentials_rejected" || err.code === "config") return { kind: "fatal", error: err };
    if (err instanceof HrdApiError || err.code === "conflict" || err.code === "invalid_input") {
      return { kind: "failed", error: err.message, code: err.code };
    }
    return { kind: "unknown", error: err.message };
  }
  return { kind: "unknown", error: err instanceof Error ? err.message : String(err) };
}

function day(d: string): string {
  return d.slice(0, 10);
}
