/**
 * Proformas: the list with filters, one proforma with its lines, payments, invoice and
 * activation, and its actions — record a manual payment, activate a paid one (VAT invoice, then
 * provisioning at HRD), cancel an unpaid one. The actions call recordManualPayment, activate and
 * cancelProforma: what POST /v1/billing/payments, …/activate and …/cancel call.
 */
import {
  activationStatus,
  cancelProforma,
  findInvoiceForProforma,
  getProforma,
  listPayments,
  listProformas,
  type ProformaStatus,
} from "@hrdkit/billing";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { BridgeContext } from "../app.js";
import { recordManualPayment } from "../routes/billing-payments.js";
import { activate } from "../routes/billing-proformas-activate.js";
import { html, type SafeHtml } from "../web/html.js";
import { auditStaff, bodyOf, conflictMessage, done, fieldErrors } from "./core.js";
import { moment, money, parseAmount, warsawDay } from "./format.js";
import type { PanelRouter } from "./index.js";
import {
  csrfField,
  errorSummary,
  type FieldErrors,
  field,
  flash,
  PANEL,
  type PageContext,
  page,
  select,
  sendPage,
  table,
} from "./layout.js";
import type { PanelWords } from "./words.js";

const STATUSES: ProformaStatus[] = ["issued", "paid", "cancelled", "expired"];

/** The id in the path, or null (→ 404) when it is not one. */
export function pathId(req: FastifyRequest): number | null {
  const raw = (req.params as { id?: string }).id ?? "";
  const id = /^\d{1,10}$/.test(raw) ? Number(raw) : 0;
  return id > 0 && id <= 2_147_483_647 ? id : null;
}

export const notFound = (reply: FastifyReply, p: PageContext) =>
  sendPage(reply, 404, page(p, p.w.notFoundTitle, html`<p>${p.w.notFound}</p>`));

export const statusBadge = (w: PanelWords, status: string): SafeHtml =>
  html`<span class="status-${status}">${w.statuses[status] ?? w.taskStatuses[status] ?? status}</span>`;

/** The message a redirect carries (`?msg=payment:paid`), in the page's language. */
export function messageOf(w: PanelWords, msg: unknown): SafeHtml {
  if (typeof msg !== "string") return html``;
  const [key, ...args] = msg.split(":");
  const n = (i: number) => Number(args[i]) || 0;
  switch (key) {
    case "payment":
      return flash("ok", w.paymentSaved(w.outcomes[args[0] ?? ""] ?? ""));
    case "duplicate":
      return flash("warn", w.duplicatePayment);
    case "activated":
      return flash("ok", w.activationComplete);
    case "incomplete":
      return flash("warn", w.activationIncomplete);
    case "cancelled":
      return flash("ok", w.cancelled);
    case "resent":
      return flash("ok", w.resent(n(0)));
    case "statement":
      return flash("ok", w.statementImported(n(0), n(1)));
    case "statement-again":
      return flash("warn", w.statementAgain);
    case "imported":
      return flash("ok", w.imported(n(0), n(1), n(2)));
    default:
      return html``;
  }
}

interface FormState {
  form?: "payment" | "cancel" | "activate";
  values?: Record<string, string>;
  errors?: FieldErrors;
  /** A refusal not about a field. */
  message?: string;
}

async function proformaPage(ctx: BridgeContext, p: PageContext, id: number, msg: unknown, s: FormState = {}) {
  const w = p.w;
  const pf = await getProforma(ctx.db, id);
  const [activation, payments, invoice] = await Promise.all([
    activationStatus(ctx.db, id),
    listPayments(ctx.db, { proformaId: id }),
    findInvoiceForProforma(ctx.db, id),
  ]);
  const cur = pf.currency;
  const errors = s.errors ?? {};
  const v = s.values ?? {};
  const labels = {
    amount: w.amount,
    receivedAt: w.receivedAt,
    title: w.title,
    method: w.method,
    reason: w.cancelReason,
    form: w.details,
  };
  const summary = html`<section><dl class="grid">
<div><dt>${w.customer}</dt><dd><a href="${PANEL}/customers/${pf.customerId}">${pf.buyer.name}</a></dd></div>
<div><dt>${w.status}</dt><dd>${statusBadge(w, pf.status)}</dd></div>
<div><dt>${w.issued}</dt><dd>${pf.issueDate}</dd></div>
<div><dt>${w.due}</dt><dd>${pf.dueDate}</dd></div>
<div><dt>${w.gross}</dt><dd class="big">${money(pf.gross, cur)}</dd></div>
<div><dt>${w.paid}</dt><dd>${money(pf.paid, cur)}</dd></div>
<div><dt>${w.outstanding}</dt><dd>${money(Math.max(0, pf.gross - pf.paid), cur)}</dd></div>
<div><dt>${w.invoice}</dt><dd>${
    invoice ? html`<a href="${PANEL}/invoices/${invoice.id}/pdf">${invoice.number}</a>` : "—"
  }</dd></div>
</dl></section>`;
  const lines = table(
    p,
    w.lines,
    ["#", w.name, w.gross],
    pf.lines.map((l) => [String(l.position), l.name, money(l.gross, cur)]),
    [2],
  );
  const paymentRows = table(
    p,
    w.payments,
    [w.date, w.method, w.title, w.amount],
    payments.map((x) => [
      moment(x.receivedAt),
      x.method,
      x.title ?? "—",
      money(x.amount.amount, x.amount.currency),
    ]),
    [3],
  );
  const paymentForm =
    pf.status === "issued"
      ? html`<section aria-labelledby="pay-h"><h2 id="pay-h">${w.recordPayment}</h2>
${s.form === "payment" ? errorSummary(p, errors, labels) : ""}
<form method="post" action="${PANEL}/proformas/${id}/payments" class="inline" novalidate>${csrfField(p)}
${field("amount", `${w.amount} (${cur})`, {
  value: v.amount ?? ((pf.gross - pf.paid) / 100).toFixed(2).replace(".", ","),
  errors: s.form === "payment" ? errors : {},
  inputmode: "decimal",
  required: true,
  prefix: "pay",
})}
${field("receivedAt", w.receivedAt, {
  type: "date",
  value: v.receivedAt ?? warsawDay(ctx.now()),
  errors: s.form === "payment" ? errors : {},
  required: true,
  prefix: "pay",
})}
${field("title", w.title, { value: v.title ?? pf.transferTitle, errors: s.form === "payment" ? errors : {}, prefix: "pay" })}
${select(
  "method",
  w.method,
  [
    ["transfer", w.methodTransfer],
    ["cash", w.methodCash],
  ],
  { value: v.method ?? "transfer", errors: s.form === "payment" ? errors : {}, prefix: "pay" },
)}
<div class="field"><button type="submit">${w.recordPayment}</button></div></form></section>`
      : "";
  const tasks = table(
    p,
    w.activation,
    [w.task, w.name, w.status, w.attempts, w.reason],
    activation.tasks.map((t) => [
      `${t.kind} ${t.operation}`,
      t.name,
      statusBadge(w, t.status),
      String(t.attempts),
      t.error ?? "—",
    ]),
    [3],
  );
  const canActivate = pf.status === "paid" && pf.origin !== "manual" && !activation.complete;
  const activationSection = html`<section aria-labelledby="act-h"><h2 id="act-h">${w.activation}</h2>
${activation.tasks.length === 0 ? html`<p class="muted">${w.notActivated}</p>` : tasks}
${activation.complete && activation.tasks.length > 0 ? html`<p class="status-done">${w.activationComplete}</p>` : ""}
${
  canActivate
    ? html`<form method="post" action="${PANEL}/proformas/${id}/activate">${csrfField(p)}
<div class="field"><label><input type="checkbox" name="retryFailed" value="1"> ${w.retryFailed}</label></div>
<button type="submit">${w.activate}</button></form>`
    : ""
}</section>`;
  const cancelForm =
    pf.status === "issued" && pf.paid === 0
      ? html`<section aria-labelledby="cancel-h"><h2 id="cancel-h">${w.cancel}</h2>
${s.form === "cancel" ? errorSummary(p, errors, labels) : ""}
<form method="post" action="${PANEL}/proformas/${id}/cancel" class="inline" novalidate>${csrfField(p)}
${field("reason", w.cancelReason, { value: v.reason ?? "", errors: s.form === "cancel" ? errors : {}, required: true, prefix: "cancel" })}
<div class="field"><button type="submit" class="danger">${w.cancel}</button></div></form></section>`
      : "";
  return page(
    p,
    w.proformaTitle(pf.number),
    html`${messageOf(w, msg)}${s.message ? flash("bad", `${w.conflict} ${s.message}`) : ""}${summary}
<section aria-labelledby="lines-h"><h2 id="lines-h">${w.lines}</h2>${lines}</section>
<section aria-labelledby="pays-h"><h2 id="pays-h">${w.payments}</h2>${paymentRows}</section>
${paymentForm}${activationSection}${cancelForm}`,
    "proformas",
  );
}

export function proformaPages(router: PanelRouter, ctx: BridgeContext): void {
  router.get(`${PANEL}/proformas`, async (req, reply, p) => {
    const w = p.w;
    const q = req.query as Record<string, string | undefined>;
    const status = STATUSES.includes(q.status as ProformaStatus) ? (q.status as ProformaStatus) : undefined;
    const number = q.number?.trim().slice(0, 100) || undefined;
    const after = /^\d{1,10}$/.test(q.after ?? "") ? Number(q.after) : undefined;
    const list = await listProformas(ctx.db, {
      limit: 25,
      order: "-id",
      ...(status ? { status } : {}),
      ...(number ? { numberPrefix: number } : {}),
      ...(after ? { afterId: after } : {}),
    });
    const keep = new URLSearchParams({ ...(status ? { status } : {}), ...(number ? { number } : {}) });
    const filters = html`<section><form method="get" action="${PANEL}/proformas" class="inline">
${select("status", w.status, [["", w.all], ...STATUSES.map((s) => [s, w.statuses[s] ?? s] as const)], {
  value: status ?? "",
})}
${field("number", w.number, { value: number ?? "" })}
<div class="field"><button type="submit">${w.filter}</button></div></form></section>`;
    const rows = list.items.map((x) => [
      html`<a href="${PANEL}/proformas/${x.id}">${x.number}</a>`,
      html`<a href="${PANEL}/customers/${x.customerId}">${x.buyerName}</a>`,
      statusBadge(w, x.status),
      x.issueDate,
      x.dueDate,
      money(x.gross.amount, x.currency),
      money(x.paid.amount, x.currency),
    ]);
    const pager = html`<p>${after ? html`<a href="${PANEL}/proformas?${keep.toString()}">${w.first}</a> ` : ""}${
      list.nextAfterId
        ? html`<a href="${PANEL}/proformas?${new URLSearchParams([...keep, ["after", String(list.nextAfterId)]]).toString()}">${w.next}</a>`
        : ""
    }</p>`;
    return sendPage(
      reply,
      200,
      page(
        p,
        w.proformasTitle,
        html`${filters}${table(p, w.proformasTitle, [w.number, w.customer, w.status, w.issued, w.due, w.gross, w.paid], rows, [5, 6])}${pager}`,
        "proformas",
      ),
    );
  });

  router.get(`${PANEL}/proformas/:id`, async (req, reply, p) => {
    const id = pathId(req);
    if (!id) return notFound(reply, p);
    return sendPage(reply, 200, await proformaPage(ctx, p, id, (req.query as { msg?: string }).msg));
  });

  router.post(`${PANEL}/proformas/:id/payments`, async (req, reply, p) => {
    const id = pathId(req);
    if (!id) return notFound(reply, p);
    await getProforma(ctx.db, id); // unknown → 404 page before anything else
    const f = bodyOf(req).fields;
    const values = {
      amount: f.amount ?? "",
      receivedAt: f.receivedAt ?? "",
      title: f.title ?? "",
      method: f.method ?? "",
    };
    const errors: FieldErrors = {};
    const amount = parseAmount(values.amount);
    if (!amount || amount === "0" || /^0+(\.0+)?$/.test(amount)) errors.amount = p.w.amountInvalid;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.receivedAt) || Number.isNaN(Date.parse(values.receivedAt))) {
      errors.receivedAt = p.w.dateInvalid;
    }
    if (values.method !== "transfer" && values.method !== "cash") errors.method = p.w.required;
    const refuse = async (status: number, s: FormState) => {
      await auditStaff(ctx, req, "panel.payment.record", id, status);
      return sendPage(
        reply,
        status,
        await proformaPage(ctx, p, id, undefined, { form: "payment", values, ...s }),
      );
    };
    if (Object.keys(errors).length > 0) return refuse(422, { errors });
    try {
      const r = await recordManualPayment(ctx, {
        proformaId: id,
        amount: amount!,
        receivedAt: values.receivedAt,
        method: values.method as "transfer" | "cash",
        ...(values.title.trim() ? { title: values.title.trim() } : {}),
      });
      await auditStaff(ctx, req, "panel.payment.record", id, r.statusCode);
      const outcome = r.body as { outcome: string; duplicate: boolean };
      return done(
        reply,
        `${PANEL}/proformas/${id}`,
        outcome.duplicate ? "duplicate" : `payment:${outcome.outcome}`,
      );
    } catch (err) {
      const fe = fieldErrors(err);
      if (fe) return refuse(422, { errors: fe });
      const m = conflictMessage(err);
      if (m) return refuse(409, { message: m });
      throw err;
    }
  });

  router.post(`${PANEL}/proformas/:id/activate`, async (req, reply, p) => {
    const id = pathId(req);
    if (!id) return notFound(reply, p);
    await getProforma(ctx.db, id);
    const retryFailed = bodyOf(req).fields.retryFailed === "1";
    try {
      const r = await activate(ctx, id, retryFailed ? { retryFailed } : {});
      await auditStaff(ctx, req, "panel.proforma.activate", id, 200);
      return done(reply, `${PANEL}/proformas/${id}`, r.complete ? "activated" : "incomplete");
    } catch (err) {
      const m = conflictMessage(err);
      if (!m) throw err;
      await auditStaff(ctx, req, "panel.proforma.activate", id, 409);
      return sendPage(
        reply,
        409,
        await proformaPage(ctx, p, id, undefined, { form: "activate", message: m }),
      );
    }
  });

  router.post(`${PANEL}/proformas/:id/cancel`, async (req, reply, p) => {
    const id = pathId(req);
    if (!id) return notFound(reply, p);
    await getProforma(ctx.db, id);
    const reason = (bodyOf(req).fields.reason ?? "").trim();
    const refuse = async (status: number, s: FormState) => {
      await auditStaff(ctx, req, "panel.proforma.cancel", id, status);
      return sendPage(
        reply,
        status,
        await proformaPage(ctx, p, id, undefined, { form: "cancel", values: { reason }, ...s }),
      );
    };
    if (!reason) return refuse(422, { errors: { reason: p.w.required } });
    try {
      await cancelProforma(ctx.db, id, { at: ctx.now(), reason });
      await auditStaff(ctx, req, "panel.proforma.cancel", id, 200);
      return done(reply, `${PANEL}/proformas/${id}`, "cancelled");
    } catch (err) {
      const fe = fieldErrors(err);
      if (fe) return refuse(422, { errors: fe });
      const m = conflictMessage(err);
      if (m) return refuse(409, { message: m });
      throw err;
    }
  });
}
