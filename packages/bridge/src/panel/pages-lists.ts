/**
 * The other pages: services (catalog, services expiring soon), payments (list, statement
 * upload), invoices (list, PDF), notifications (outbox, resend), prices (groups, price list,
 * wholesale import) and the audit log. Each action calls what its JSON route calls.
 */
import {
  addDays,
  CSV_PRESETS,
  type CsvPresetName,
  documentFileName,
  getInvoice,
  listInvoices,
  listNotices,
  listPayments,
  listPriceGroups,
  listServices,
  listWholesaleImports,
  NOTICE_STATUSES,
  type NoticeStatus,
  priceList,
  renderInvoicePdf,
  resendNotice,
  servicesExpiringBetween,
} from "@hrdkit/billing";
import type { BridgeContext } from "../app.js";
import { auditQuery, readAuditPage } from "../routes/billing-audit.js";
import { sendFile } from "../routes/billing-invoices-files.js";
import { importStatementFile } from "../routes/billing-payments-statements.js";
import { importWholesaleFromHrd } from "../routes/billing-prices-wholesale.js";
import { html } from "../web/html.js";
import { auditStaff, bodyOf, conflictMessage, done, fieldErrors } from "./core.js";
import { moment, money, warsawDay, warsawMidnight } from "./format.js";
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
import { messageOf, notFound, pathId, statusBadge } from "./pages-proformas.js";

const afterOf = (q: Record<string, string | undefined>, name = "after") =>
  /^\d{1,10}$/.test(q[name] ?? "") ? Number(q[name]) : undefined;

const nextLink = (
  p: PageContext,
  path: string,
  keep: Record<string, string>,
  next: number | null,
  name = "after",
) =>
  next
    ? html`<p><a href="${path}?${new URLSearchParams({ ...keep, [name]: String(next) }).toString()}">${p.w.next}</a></p>`
    : "";

export function listPages(router: PanelRouter, ctx: BridgeContext): void {
  // --- services ------------------------------------------------------------------------------
  router.get(`${PANEL}/services`, async (_req, reply, p) => {
    const w = p.w;
    const today = warsawDay(ctx.now());
    const [catalog, expiring] = await Promise.all([
      listServices(ctx.db, {}),
      servicesExpiringBetween(ctx.db, { from: today, to: addDays(today, 60), limit: 200 }),
    ]);
    const body = html`<section aria-labelledby="exp-h"><h2 id="exp-h">${w.expiring}</h2>${table(
      p,
      w.expiring,
      [w.name, w.customer, w.code, w.expires],
      expiring.map((s) => [
        s.name,
        html`<a href="${PANEL}/customers/${s.customerId}">#${s.customerId}</a>`,
        s.serviceCode,
        s.expiresOn ?? "—",
      ]),
    )}</section>
<section aria-labelledby="cat-h"><h2 id="cat-h">${w.catalog}</h2>${table(
      p,
      w.catalog,
      [w.code, w.name, w.kind, w.active],
      catalog.map((s) => [s.code, s.name, `${s.kind} ${s.operation}`, s.active ? w.yes : w.no]),
    )}</section>`;
    return sendPage(reply, 200, page(p, w.servicesTitle, body, "services"));
  });

  // --- payments ------------------------------------------------------------------------------
  const paymentsPage = async (
    p: PageContext,
    q: Record<string, string | undefined>,
    errors: FieldErrors = {},
    message?: string,
  ) => {
    const w = p.w;
    const after = afterOf(q);
    const list = await listPayments(ctx.db, {
      order: "-id",
      limit: 26,
      ...(after ? { afterId: after } : {}),
    });
    const items = list.slice(0, 25);
    const presets = Object.keys(CSV_PRESETS) as CsvPresetName[];
    return page(
      p,
      w.paymentsTitle,
      html`${messageOf(w, q.msg)}${message ? flash("bad", `${w.conflict} ${message}`) : ""}
<section aria-labelledby="up-h"><h2 id="up-h">${w.uploadStatement}</h2>
${errorSummary(p, errors, { file: w.statementFile, format: w.format, csv: w.csvLayout, body: w.statementFile })}
<form method="post" action="${PANEL}/payments/statement" enctype="multipart/form-data" class="inline" novalidate>${csrfField(p)}
<div class="field${errors.file || errors.body ? " bad" : ""}"><label for="up-file">${w.statementFile}</label>
<input id="up-file" name="file" type="file" accept=".sta,.mt940,.txt,.csv,text/plain,text/csv"${
        errors.file || errors.body ? html` aria-invalid="true" aria-describedby="up-file-err"` : ""
      }>${errors.file || errors.body ? html`<p class="err" id="up-file-err">${errors.file ?? errors.body}</p>` : ""}</div>
${select(
  "format",
  w.format,
  [
    ["mt940", "MT940"],
    ["csv", "CSV"],
  ],
  { value: q.format ?? "mt940", errors, prefix: "up" },
)}
${select("csv", w.csvLayout, [["", "—"], ...presets.map((x) => [x, x] as const)], { value: "", errors, prefix: "up" })}
<div class="field"><button type="submit">${w.upload}</button></div></form></section>
${table(
  p,
  w.paymentsTitle,
  [w.date, w.customer, w.method, w.title, w.reference, w.amount],
  items.map((x) => [
    moment(x.receivedAt),
    html`<a href="${PANEL}/customers/${x.customerId}">#${x.customerId}</a>${
      x.proformaId ? html` · <a href="${PANEL}/proformas/${x.proformaId}">${w.details}</a>` : ""
    }`,
    x.method,
    x.title ?? "—",
    x.reference ?? "—",
    money(x.amount.amount, x.amount.currency),
  ]),
  [5],
)}${nextLink(p, `${PANEL}/payments`, {}, list.length > 25 ? (items[items.length - 1]?.id ?? null) : null)}`,
      "payments",
    );
  };

  router.get(`${PANEL}/payments`, async (req, reply, p) =>
    sendPage(reply, 200, await paymentsPage(p, req.query as Record<string, string | undefined>)),
  );

  router.post(`${PANEL}/payments/statement`, async (req, reply, p) => {
    const { fields, files } = bodyOf(req);
    const file = files.find((f) => f.field === "file" && f.data.length > 0);
    const errors: FieldErrors = {};
    if (!file) errors.file = p.w.fileRequired;
    const format = fields.format === "csv" ? "csv" : fields.format === "mt940" ? "mt940" : undefined;
    if (!format) errors.format = p.w.required;
    const csv =
      fields.csv && (Object.keys(CSV_PRESETS) as string[]).includes(fields.csv)
        ? (fields.csv as CsvPresetName)
        : undefined;
    if (format === "csv" && !csv) errors.csv = p.w.required;
    const q = { format: fields.format };
    if (Object.keys(errors).length > 0) {
      await auditStaff(ctx, req, "panel.statement.import", file?.filename, 422);
      return sendPage(reply, 422, await paymentsPage(p, q, errors));
    }
    try {
      const r = await importStatementFile(ctx, {
        content: file!.data,
        format: format!,
        csv,
        encoding: "auto",
      });
      await auditStaff(ctx, req, "panel.statement.import", file!.filename, r.alreadyImported ? 200 : 201);
      return done(
        reply,
        `${PANEL}/payments`,
        r.alreadyImported ? "statement-again" : `statement:${r.matched}:${r.unmatched}`,
      );
    } catch (err) {
      const fe = fieldErrors(err);
      await auditStaff(ctx, req, "panel.statement.import", file!.filename, fe ? 422 : 409);
      if (fe) return sendPage(reply, 422, await paymentsPage(p, q, fe));
      const m = conflictMessage(err);
      if (m) return sendPage(reply, 409, await paymentsPage(p, q, {}, m));
      throw err;
    }
  });

  // --- invoices ------------------------------------------------------------------------------
  router.get(`${PANEL}/invoices`, async (req, reply, p) => {
    const w = p.w;
    const q = req.query as Record<string, string | undefined>;
    const before = afterOf(q, "before");
    const list = await listInvoices(ctx.db, { limit: 26, ...(before ? { beforeId: before } : {}) });
    const items = list.slice(0, 25);
    const body = html`${table(
      p,
      w.invoicesTitle,
      [w.number, w.customer, w.issued, w.gross, w.pdf],
      items.map((i) => [
        i.number,
        html`<a href="${PANEL}/customers/${i.customerId}">${i.buyerName}</a>`,
        i.issueDate,
        money(i.gross, i.currency),
        html`<a href="${PANEL}/invoices/${i.id}/pdf" aria-label="${w.pdf} ${i.number}">${w.pdf}</a>`,
      ]),
      [3],
    )}${nextLink(p, `${PANEL}/invoices`, {}, list.length > 25 ? (items[items.length - 1]?.id ?? null) : null, "before")}`;
    return sendPage(reply, 200, page(p, w.invoicesTitle, body, "invoices"));
  });

  router.get(`${PANEL}/invoices/:id/pdf`, async (req, reply, p) => {
    const id = pathId(req);
    if (!id) return notFound(reply, p);
    const doc = await getInvoice(ctx.db, id);
    return sendFile(
      reply,
      "application/pdf",
      documentFileName(doc),
      await renderInvoicePdf(doc, { mode: "original" }),
    );
  });

  // --- notifications -------------------------------------------------------------------------
  router.get(`${PANEL}/notifications`, async (req, reply, p) => {
    const w = p.w;
    const q = req.query as Record<string, string | undefined>;
    const status = NOTICE_STATUSES.includes(q.status as NoticeStatus)
      ? (q.status as NoticeStatus)
      : undefined;
    const after = afterOf(q);
    const list = await listNotices(ctx.db, {
      limit: 25,
      ...(status ? { status } : {}),
      ...(after ? { after } : {}),
    });
    const body = html`${messageOf(w, q.msg)}<section><form method="get" action="${PANEL}/notifications" class="inline">
${select("status", w.status, [["", w.all], ...NOTICE_STATUSES.map((s) => [s, s] as const)], { value: status ?? "" })}
<div class="field"><button type="submit">${w.filter}</button></div></form></section>
${table(
  p,
  w.notificationsTitle,
  [w.date, w.event, w.channel, w.recipient, w.status, w.actions],
  list.notices.map((n) => [
    moment(n.createdAt),
    html`${n.event}${n.subject ? html`<br><span class="muted">${n.subject}</span>` : ""}`,
    n.channel,
    n.recipient ?? "—",
    html`${statusBadge(w, n.status)}${n.reason ? html`<br><span class="muted">${n.reason}</span>` : ""}`,
    html`<form method="post" action="${PANEL}/notifications/${n.id}/resend">${csrfField(p)}<button type="submit" class="secondary" aria-label="${w.resend} #${n.id}">${w.resend}</button></form>`,
  ]),
)}${nextLink(p, `${PANEL}/notifications`, status ? { status } : {}, list.next)}`;
    return sendPage(reply, 200, page(p, w.notificationsTitle, body, "notifications"));
  });

  router.post(`${PANEL}/notifications/:id/resend`, async (req, reply, p) => {
    const id = pathId(req);
    if (!id) return notFound(reply, p);
    const copy = await resendNotice(ctx.db, id, {
      actor: `staff:${p.session?.staffId ?? "?"}`,
      now: ctx.now(),
    });
    await auditStaff(ctx, req, "panel.notice.resend", id, 201);
    return done(reply, `${PANEL}/notifications`, `resent:${copy.id}`);
  });

  // --- prices --------------------------------------------------------------------------------
  const pricesPage = async (p: PageContext, q: Record<string, string | undefined>, message?: string) => {
    const w = p.w;
    const [groups, imports] = await Promise.all([
      listPriceGroups(ctx.db),
      listWholesaleImports(ctx.db, { limit: 5 }),
    ]);
    const chosen =
      groups.find((g) => String(g.id) === q.group) ?? groups.find((g) => g.isDefault) ?? groups[0];
    const prices = chosen ? await priceList(ctx.db, chosen.id) : [];
    return page(
      p,
      w.pricesTitle,
      html`${messageOf(w, q.msg)}${message ? flash("bad", `${w.conflict} ${message}`) : ""}
<section aria-labelledby="imp-h"><h2 id="imp-h">${w.wholesaleImports}</h2>
<form method="post" action="${PANEL}/prices/import">${csrfField(p)}<button type="submit">${w.importWholesale}</button></form>
${table(
  p,
  w.wholesaleImports,
  [w.date, "source", w.prices],
  imports.map((i) => [moment(i.importedAt), i.source, `${i.mapped} / ${i.changed} / ${i.unmapped.length}`]),
)}</section>
<section aria-labelledby="grp-h"><h2 id="grp-h">${w.priceGroups}</h2>${table(
        p,
        w.priceGroups,
        [w.name, w.customersCount, w.prices],
        groups.map((g) => [
          html`<a href="${PANEL}/prices?group=${g.id}"${chosen?.id === g.id ? html` aria-current="true"` : ""}>${g.name}</a>${
            g.isDefault ? html` <span class="muted">(${w.isDefault})</span>` : ""
          }`,
          String(g.customers),
          String(g.prices),
        ]),
      )}</section>
${
  chosen
    ? html`<section aria-labelledby="pl-h"><h2 id="pl-h">${w.prices}: ${chosen.name}</h2>${table(
        p,
        `${w.prices}: ${chosen.name}`,
        [w.code, w.name, w.period, w.gross, "cost"],
        prices.map((x) => [
          x.serviceCode,
          x.serviceName,
          String(x.period),
          money(x.gross.amount, x.gross.currency),
          x.cost ? money(x.cost.amount, x.cost.currency) : "—",
        ]),
        [2, 3, 4],
      )}</section>`
    : ""
}`,
      "prices",
    );
  };

  router.get(`${PANEL}/prices`, async (req, reply, p) =>
    sendPage(reply, 200, await pricesPage(p, req.query as Record<string, string | undefined>)),
  );

  router.post(`${PANEL}/prices/import`, async (req, reply, p) => {
    try {
      const r = await importWholesaleFromHrd(ctx);
      await auditStaff(ctx, req, "panel.wholesale.import", undefined, 201);
      return done(reply, `${PANEL}/prices`, `imported:${r.mapped}:${r.changed}:${r.unmapped.length}`);
    } catch (err) {
      const m =
        conflictMessage(err) ??
        (err instanceof Error && (err as { status?: number }).status === 502 ? err.message : null);
      if (!m) throw err;
      await auditStaff(ctx, req, "panel.wholesale.import", undefined, 502);
      return sendPage(reply, 502, await pricesPage(p, {}, m));
    }
  });

  // --- audit log -----------------------------------------------------------------------------
  router.get(`${PANEL}/logs`, async (req, reply, p) => {
    const w = p.w;
    const raw = req.query as Record<string, string | undefined>;
    // Empty filter fields are absent; the rest go through the JSON route's own schema.
    const given = Object.fromEntries(
      Object.entries({
        action: raw.action,
        outcome: raw.outcome,
        target: raw.target,
        from: raw.from,
        to: raw.to,
        cursor: raw.cursor,
      }).filter(([, v]) => v !== undefined && v !== ""),
    ) as Record<string, string>;
    // Days as staff pick them (Warsaw, both inclusive) → the moments the JSON route's schema takes.
    const errors: FieldErrors = {};
    const isDay = (d: string | undefined) => d === undefined || /^\d{4}-\d{2}-\d{2}$/.test(d);
    if (!isDay(given.from)) errors.from = w.dateInvalid;
    if (!isDay(given.to)) errors.to = w.dateInvalid;
    const { from, to, ...rest } = given;
    const parsed = auditQuery.safeParse({
      ...rest,
      ...(from && !errors.from ? { from: warsawMidnight(from) } : {}),
      ...(to && !errors.to ? { to: warsawMidnight(addDays(to, 1)) } : {}),
      limit: 50,
    });
    if (!parsed.success) for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
    const ok = parsed.success && Object.keys(errors).length === 0;
    const list =
      ok && parsed.success ? await readAuditPage(ctx.db, parsed.data) : { items: [], nextCursor: null };
    const keep = Object.fromEntries(Object.entries(given).filter(([k]) => k !== "cursor")) as Record<
      string,
      string
    >;
    const body = html`${errorSummary(p, errors, { action: w.action, outcome: w.outcome, target: w.name, from: w.from, to: w.to })}
<section><form method="get" action="${PANEL}/logs" class="inline">
${field("action", w.action, { value: raw.action ?? "", errors })}
${select(
  "outcome",
  w.outcome,
  [
    ["", w.all],
    ["ok", "ok"],
    ["error", "error"],
  ],
  { value: raw.outcome ?? "", errors },
)}
${field("target", w.name, { value: raw.target ?? "", errors })}
${field("from", w.from, { type: "date", value: raw.from ?? "", errors })}
${field("to", w.to, { type: "date", value: raw.to ?? "", errors })}
<div class="field"><button type="submit">${w.filter}</button></div></form></section>
${table(
  p,
  w.logsTitle,
  [w.date, w.action, w.who, w.name, w.outcome],
  list.items.map((e) => [
    moment(e.at),
    html`${e.action ?? "—"}<br><span class="muted">${e.method} ${e.route}</span>`,
    e.keyId ? `hk_${e.keyId}${e.keyName ? ` (${e.keyName})` : ""}` : w.panel,
    e.target ?? "—",
    html`<span class="${e.outcome === "ok" ? "status-done" : "status-failed"}">${e.statusCode}</span>`,
  ]),
)}${list.nextCursor ? html`<p><a href="${PANEL}/logs?${new URLSearchParams({ ...keep, cursor: list.nextCursor }).toString()}">${w.next}</a></p>` : ""}`;
    return sendPage(reply, ok ? 200 : 422, page(p, w.logsTitle, body, "logs"));
  });
}
