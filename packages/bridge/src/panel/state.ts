/**
 * What the start page computes from the bridge's state: the to-do list of set-up steps still
 * missing, and a few counts. Read-only; each item is derived from the same settings billing
 * itself checks (a proforma needs the seller, notices need SMTP, quotes need wholesale costs).
 */
import {
  BillingConflictError,
  getSellerSettings,
  listPriceGroups,
  listWholesaleImports,
} from "@hrdkit/billing";
import type { BridgeContext } from "../app.js";
import { warsawDay } from "./format.js";

export type TodoKey = "hrd" | "seller" | "bank" | "logo" | "smtp" | "prices" | "priceGroup";

/** The set-up steps still to do, in the order a partner does them. */
export async function todoList(ctx: BridgeContext): Promise<TodoKey[]> {
  const out: TodoKey[] = [];
  if (ctx.backend === "sandbox") out.push("hrd");
  const seller = await getSellerSettings(ctx.db).catch((err) => {
    if (err instanceof BillingConflictError && err.code === "no_seller") return null;
    throw err;
  });
  if (!seller) out.push("seller");
  else {
    if (!seller.bankAccount?.trim()) out.push("bank");
    if (!seller.logoPath) out.push("logo");
  }
  if (!ctx.mail) out.push("smtp");
  if ((await listWholesaleImports(ctx.db, { limit: 1 })).length === 0) out.push("prices");
  if ((await listPriceGroups(ctx.db)).length === 0) out.push("priceGroup");
  return out;
}

export interface PanelStats {
  customers: number;
  openProformas: number;
  /** Gross of this Warsaw month's PLN invoices and corrections, grosze. */
  invoicedThisMonth: number;
}

export async function panelStats(ctx: BridgeContext): Promise<PanelStats> {
  const today = warsawDay(ctx.now());
  const monthStart = `${today.slice(0, 7)}-01`;
  const { rows } = await ctx.db.query<{ customers: string; open: string; invoiced: string | null }>(
    `SELECT (SELECT count(*) FROM customers) AS customers,
            (SELECT count(*) FROM proformas WHERE status = 'issued') AS open,
            (SELECT coalesce(sum(gross), 0) FROM invoices
              WHERE currency = 'PLN' AND issue_date >= $1::date AND issue_date <= $2::date) AS invoiced`,
    [monthStart, today],
  );
  const r = rows[0]!;
  return {
    customers: Number(r.customers),
    openProformas: Number(r.open),
    invoicedThisMonth: Number(r.invoiced ?? 0),
  };
}
