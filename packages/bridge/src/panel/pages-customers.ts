/** Customers: search with cursor paging, and one customer with services, proformas, invoices and consents. */
import {
  consentHistory,
  getCustomer,
  listCustomerServices,
  listInvoices,
  listProformas,
  searchCustomers,
} from "@hrdkit/billing";
import type { BridgeContext } from "../app.js";
import { html } from "../web/html.js";
import { moment, money } from "./format.js";
import type { PanelRouter } from "./index.js";
import { field, PANEL, page, sendPage, table } from "./layout.js";
import { notFound, pathId, statusBadge } from "./pages-proformas.js";

export function customerPages(router: PanelRouter, ctx: BridgeContext): void {
  router.get(`${PANEL}/customers`, async (req, reply, p) => {
    const w = p.w;
    const q = req.query as Record<string, string | undefined>;
    const query = q.q?.trim().slice(0, 200) || undefined;
    const after = /^\d{1,10}$/.test(q.after ?? "") ? Number(q.after) : undefined;
    const list = await searchCustomers(ctx.db, {
      limit: 25,
      ...(query ? { query } : {}),
      ...(after ? { afterId: after } : {}),
    });
    const keep = new URLSearchParams(query ? { q: query } : {});
    const rows = list.items.map((c) => [
      html`<a href="${PANEL}/customers/${c.id}">${c.name}</a>`,
      c.email ?? "—",
      c.nip ?? "—",
      c.mobilePhone ?? "—",
    ]);
    const body = html`<section><form method="get" action="${PANEL}/customers" class="inline" role="search">
${field("q", `${w.search} (${w.searchHint})`, { value: query ?? "", type: "search" })}
<div class="field"><button type="submit">${w.search}</button></div></form></section>
${table(p, w.customersTitle, [w.name, w.email, w.nip, w.phone], rows)}
<p>${after ? html`<a href="${PANEL}/customers?${keep.toString()}">${w.first}</a> ` : ""}${
      list.nextAfterId
        ? html`<a href="${PANEL}/customers?${new URLSearchParams([...keep, ["after", String(list.nextAfterId)]]).toString()}">${w.next}</a>`
        : ""
    }</p>`;
    return sendPage(reply, 200, page(p, w.customersTitle, body, "customers"));
  });

  router.get(`${PANEL}/customers/:id`, async (req, reply, p) => {
    const w = p.w;
    const id = pathId(req);
    if (!id) return notFound(reply, p);
    const c = await getCustomer(ctx.db, id);
    const [services, proformas, invoices, consents] = await Promise.all([
      listCustomerServices(ctx.db, id),
      listProformas(ctx.db, { customerId: id, limit: 50, order: "-id" }),
      listInvoices(ctx.db, { customerId: id, limit: 50 }),
      consentHistory(ctx.db, id),
    ]);
    const a = c.addresses.invoice ?? c.addresses.correspondence;
    const current = (kind: "newsletter" | "offers") => {
      const r = c.consents[kind];
      return r
        ? html`${r.granted ? w.consentGranted : w.consentWithdrawn} (${moment(r.at)}, ${r.via})`
        : w.consentNone;
    };
    const body = html`<section><dl class="grid">
<div><dt>${w.email}</dt><dd>${c.email ?? "—"}</dd></div>
<div><dt>${w.phone}</dt><dd>${c.mobilePhone ?? c.landlinePhone ?? "—"}</dd></div>
<div><dt>${w.nip}</dt><dd>${c.nip ?? c.pesel ?? "—"}</dd></div>
<div><dt>${w.address}</dt><dd>${a ? html`${a.street}<br>${a.postcode} ${a.city}` : "—"}</dd></div>
</dl></section>
<section aria-labelledby="srv-h"><h2 id="srv-h">${w.services}</h2>${table(
      p,
      w.services,
      [w.name, w.kind, w.status, w.expires],
      services.map((s) => [s.name, s.serviceCode, s.status, s.expiresOn ?? "—"]),
    )}</section>
<section aria-labelledby="pf-h"><h2 id="pf-h">${w.proformasTitle}</h2>${table(
      p,
      w.proformasTitle,
      [w.number, w.status, w.issued, w.gross],
      proformas.items.map((x) => [
        html`<a href="${PANEL}/proformas/${x.id}">${x.number}</a>`,
        statusBadge(w, x.status),
        x.issueDate,
        money(x.gross.amount, x.currency),
      ]),
      [3],
    )}</section>
<section aria-labelledby="inv-h"><h2 id="inv-h">${w.invoicesTitle}</h2>${table(
      p,
      w.invoicesTitle,
      [w.number, w.issued, w.gross],
      invoices.map((i) => [
        html`<a href="${PANEL}/invoices/${i.id}/pdf">${i.number}</a>`,
        i.issueDate,
        money(i.gross, i.currency),
      ]),
      [2],
    )}</section>
<section aria-labelledby="con-h"><h2 id="con-h">${w.consents}</h2>
<p>${w.newsletter}: ${current("newsletter")}<br>${w.offers}: ${current("offers")}</p>
${table(
  p,
  w.consents,
  [w.date, w.kind, w.status, w.who],
  consents.map((r) => [
    moment(r.at),
    r.kind === "offers" ? w.offers : w.newsletter,
    r.granted ? w.consentGranted : w.consentWithdrawn,
    `${r.via}, ${r.actor}`,
  ]),
)}</section>`;
    return sendPage(reply, 200, page(p, c.name, body, "customers"));
  });
}
