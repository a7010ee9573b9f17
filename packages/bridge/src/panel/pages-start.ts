/** The start page: balance at HRD, scheduled runs, counts, HRD's notices and the to-do list. */
import type { BridgeContext } from "../app.js";
import { type Dashboard, readDashboard } from "../routes/dashboard.js";
import { html } from "../web/html.js";
import { moment, money, moneyDecimal } from "./format.js";
import type { PanelRouter } from "./index.js";
import { flash, page, sendPage, table } from "./layout.js";
import { panelStats, todoList } from "./state.js";

export function startPage(router: PanelRouter, ctx: BridgeContext): void {
  router.get("/panel", async (_req, reply, p) => {
    const w = p.w;
    // HRD unreachable must not take the whole page down: the rest is the bridge's own state.
    const [dash, stats, todos] = await Promise.all([
      readDashboard(ctx).catch(() => null as Dashboard | null),
      panelStats(ctx),
      todoList(ctx),
    ]);
    const balance = dash
      ? html`<p class="big">${moneyDecimal(dash.balance.balance)}</p><p class="muted">${w.held}: ${moneyDecimal(dash.balance.held)}</p>`
      : html`<p class="notice warn">${w.balanceUnavailable}</p>`;
    const jobs = dash
      ? table(
          p,
          w.jobs,
          [w.job, w.lastRun, w.nextRun, w.failures, w.lastFailure],
          dash.jobs.map((j) => [
            html`<strong>${j.name}</strong><br><span class="muted">${j.schedule ?? w.notRun}</span>`,
            moment(j.lastFinishedAt ?? j.lastStartedAt),
            moment(j.nextRunAt),
            html`<span class="${j.consecutiveFailures > 0 ? "status-failed" : ""}">${j.consecutiveFailures}</span>`,
            j.lastFailure
              ? html`${moment(j.lastFailure.at)}: ${j.lastFailure.code} — ${j.lastFailure.message}`
              : "—",
          ]),
          [3],
        )
      : html`<p class="muted">—</p>`;
    const news = dash?.news.length
      ? html`<ul>${dash.news.map((n) => html`<li>${n.added.replace("T", " ")}: ${n.title}</li>`)}</ul>`
      : html`<p class="muted">${w.noNews}</p>`;
    const body = html`${ctx.backend === "sandbox" ? flash("warn", w.backendSandbox) : ""}
<section aria-labelledby="todo-h"><h2 id="todo-h">${w.todo}</h2>${
      todos.length
        ? html`<ul class="todo">${todos.map((t) => html`<li data-todo="${t}">${w.todos[t]}</li>`)}</ul>`
        : html`<p>${w.todoNone}</p>`
    }</section>
<div class="grid">
<section aria-labelledby="bal-h"><h2 id="bal-h">${w.balance}</h2>${balance}</section>
<section aria-labelledby="st-h"><h2 id="st-h">${w.stats}</h2><dl>
<dt>${w.customersCount}</dt><dd class="big">${stats.customers}</dd>
<dt>${w.openProformas}</dt><dd class="big">${stats.openProformas}</dd>
<dt>${w.invoicedThisMonth}</dt><dd class="big">${money(stats.invoicedThisMonth)}</dd></dl></section>
</div>
<section aria-labelledby="jobs-h"><h2 id="jobs-h">${w.jobs}</h2>${jobs}</section>
<section aria-labelledby="news-h"><h2 id="news-h">${w.news}</h2>${news}</section>`;
    return sendPage(reply, 200, page(p, w.startTitle, body, "start"));
  });
}
