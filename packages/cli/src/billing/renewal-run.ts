/**
 * `hrdkit billing renewal-run`: billing's renewal run (a proforma per auto-renewed service whose
 * term ends within its kind's lead days), then `proforma.issued` and the customer's notice per
 * proforma made: what the bridge's renewal route does. Billing keeps one proforma per service and
 * term, so running it twice (or beside the bridge's daily run) makes nothing the second time.
 */
import { formatAmount } from "@hrdkit/sdk";
import type { App } from "../app.js";
import { EXIT } from "../exit-codes.js";
import type { Output } from "../output.js";
import { openChoreContext } from "./context.js";
import { momentOfDay, parseDay } from "./dates.js";

export interface RenewalRunOptions {
  date?: string;
}

export interface RenewedRow extends Record<string, unknown> {
  record: "proforma";
  number: string;
  customerId: number;
  customer: string;
  /** Gross, in grosze. */
  grossGrosze: number;
  amount: string;
  currency: string;
  dueDate: string;
}

/** "12.34" (a decimal string from the bridge's summary) → grosze, exactly. */
function grosze(decimal: string): number {
  const [whole = "0", frac = ""] = decimal.replace("-", "").split(".");
  const value = Number(whole) * 100 + Number(frac.padEnd(2, "0").slice(0, 2));
  return decimal.startsWith("-") ? -value : value;
}

export async function renewalRun(app: App, out: Output, options: RenewalRunOptions): Promise<void> {
  const at = options.date === undefined ? new Date() : momentOfDay(parseDay(options.date, "--date"));
  const { ctx, db } = await openChoreContext(app, out);
  const { runRenewals, warsawDate } = await import("@hrdkit/billing");
  const { listProformaSummaries, notifyAll, proformaIssued, publishAll } = await import("@hrdkit/bridge");

  const summaries = async (ids: number[]) =>
    ids.length === 0 ? [] : (await listProformaSummaries(db, { ids, order: "id", limit: ids.length })).items;
  const announce = async (items: Awaited<ReturnType<typeof summaries>>) => {
    await publishAll(ctx, items.map(proformaIssued));
    await notifyAll(
      ctx,
      items.map((p) => ({ kind: "proforma.issued" as const, proformaId: p.id })),
      { now: at },
    );
  };

  out.note(`renewal run for ${warsawDate(at)}`);
  // Should the run fail part-way, its stored batches are the renewal proformas after this id
  // stamped with the run's moment: announced before the failure is reported (as the route does).
  const { rows } = await db.query<{ id: number | null }>("SELECT max(id) AS id FROM proformas");
  const before = Number(rows[0]?.id ?? 0);
  let progress: ReturnType<Output["progress"]> | undefined;
  let run: Awaited<ReturnType<typeof runRenewals>>;
  try {
    run = await runRenewals(db, {
      at,
      onProgress: (done, total) => {
        // Only a long run gets a progress display.
        if (total < 200) return;
        progress ??= out.progress("renewals", total);
        progress.update(done);
      },
    });
  } catch (err) {
    progress?.stop();
    const { rows: found } = await db.query<{ id: number }>(
      "SELECT id FROM proformas WHERE id > $1 AND origin = 'renewal' AND created_at = $2 ORDER BY id",
      [before, at],
    );
    await announce(await summaries(found.map((r) => Number(r.id))));
    throw err;
  }
  progress?.stop();
  const made = await summaries(run.proformaIds);
  await announce(made);

  const rowsOut: RenewedRow[] = made.map((p) => {
    const g = grosze(p.gross);
    return {
      record: "proforma",
      number: p.number,
      customerId: p.customerId,
      customer: p.buyerName,
      grossGrosze: g,
      amount: formatAmount(g),
      currency: p.currency,
      dueDate: p.dueDate,
    };
  });
  if (out.json) out.table(rowsOut, ["number"]);
  else if (rowsOut.length > 0) {
    out.table(
      rowsOut.map((r) => ({
        ...r,
        amount: `${r.amount} ${r.currency}`,
        customer: `${r.customer} (#${r.customerId})`,
      })),
      ["number", "customer", "amount", "dueDate"],
    );
  }
  for (const s of run.skipped) out.warn(`service #${s.customerServiceId} skipped (${s.code}): ${s.reason}`);
  const total = rowsOut.reduce((sum, r) => sum + (r.currency === "PLN" ? r.grossGrosze : 0), 0);
  const summary = {
    record: "summary",
    date: warsawDate(at),
    considered: run.considered,
    created: run.created,
    alreadyThere: run.alreadyThere,
    skipped: run.skipped.length,
    totalGrosze: total,
  };
  out.result(
    summary,
    () =>
      `${run.created} renewal proformas made (${formatAmount(total)} PLN), ${run.alreadyThere} services had theirs ` +
      `already, ${run.skipped.length} skipped; ${run.considered} services in the window`,
  );
  // Skipped services wait for the partner (a missing price, an address): not a clean run.
  if (run.skipped.length > 0) app.exitCode = EXIT.partial;
}
