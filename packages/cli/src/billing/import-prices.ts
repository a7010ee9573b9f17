/**
 * `hrdkit billing import-prices`: HRD's wholesale price list (`partner/getPricings`, through the
 * SDK) imported into billing with billing's importWholesale, the code path of the bridge's
 * `POST /v1/billing/wholesale/import`. Prints what changed: counts, and per TLD with --verbose or
 * --json. `--dry-run` runs the same import inside a transaction that is rolled back.
 */
import type { Command } from "commander";
import type { App } from "../app.js";
import type { Output } from "../output.js";

export interface ImportPricesOptions {
  dryRun?: boolean;
  verbose?: boolean;
  createMissingServices?: boolean;
}

/** Per TLD (domains and their options) or per kind (`ssl`, `hosting`): how its costs moved. */
export interface TldChange extends Record<string, unknown> {
  record: "tld";
  tld: string;
  mapped: number;
  changed: number;
  added: number;
  unchanged: number;
  /** Each changed cost: `domain.pl.renew/1y 45.00 → 47.00` (grosze in the JSON). */
  changes: { serviceCode: string; period: number; beforeGrosze: number | null; afterGrosze: number }[];
}

/** Thrown to roll a dry run back, carrying what the import would have done. */
class DryRun<T> {
  constructor(readonly value: T) {}
}

export async function importPrices(
  app: App,
  cmd: Command,
  out: Output,
  options: ImportPricesOptions,
): Promise<void> {
  const billing = await import("@hrdkit/billing");
  const { formatAmount } = await import("@hrdkit/sdk");
  // Read first, with no transaction open over the network (as billing itself does).
  out.note("reading HRD's price list…");
  const list = await app.hrd(cmd).partner.getPricings();
  const db = await app.db();
  const at = new Date();

  const work = async (tx: typeof db) => {
    // The costs before, for the per-TLD report: billing's current_wholesale, read in the import's
    // transaction (read only: the import itself is billing's).
    const { rows } = await tx.query<{ code: string; period: number; cost: number | string }>(
      "SELECT s.code, w.period, w.cost FROM current_wholesale w JOIN services s ON s.id = w.service_id",
    );
    const before = new Map(rows.map((r) => [`${r.code}:${r.period}`, Number(r.cost)]));
    let progress: ReturnType<Output["progress"]> | undefined;
    const result = await billing.importWholesale(
      tx,
      { getPricings: async () => list },
      {
        at,
        sourceName: "hrd",
        ...(options.createMissingServices ? { createMissingServices: true } : {}),
        onProgress: (done, total) => {
          progress ??= out.progress("prices", total);
          progress.update(done);
        },
      },
    );
    progress?.stop();
    const services = new Map((await billing.listServices(tx)).map((s) => [s.code, s]));
    return { result, before, services };
  };

  const { result, before, services } = options.dryRun
    ? await db
        .transaction(async (tx) => {
          throw new DryRun(await work(tx));
        })
        .catch((err: unknown) => {
          if (err instanceof DryRun) return err.value as Awaited<ReturnType<typeof work>>;
          throw err;
        })
    : await db.transaction(work);

  const byTld = new Map<string, TldChange>();
  for (const m of result.mappings) {
    const svc = services.get(m.serviceCode);
    const tld = svc?.tld ?? svc?.kind ?? m.serviceCode.split(".")[0] ?? "?";
    let row = byTld.get(tld);
    if (!row) {
      row = { record: "tld", tld, mapped: 0, changed: 0, added: 0, unchanged: 0, changes: [] };
      byTld.set(tld, row);
    }
    for (const c of m.costs) {
      const old = before.get(`${m.serviceCode}:${c.period}`);
      row.mapped++;
      if (old === c.cost.amount) {
        row.unchanged++;
        continue;
      }
      row.changed++;
      if (old === undefined) row.added++;
      row.changes.push({
        serviceCode: m.serviceCode,
        period: c.period,
        beforeGrosze: old ?? null,
        afterGrosze: c.cost.amount,
      });
    }
  }
  const tlds = [...byTld.values()].sort((a, b) => a.tld.localeCompare(b.tld));

  if (out.json) out.table(tlds, ["tld"]);
  else if (options.verbose) {
    out.table(
      tlds.map((t) => ({
        ...t,
        changes: t.changes
          .map(
            (c) =>
              `${c.serviceCode}/${c.period}y ${c.beforeGrosze === null ? "new" : formatAmount(c.beforeGrosze)}` +
              ` → ${formatAmount(c.afterGrosze)}`,
          )
          .join(", "),
      })),
      ["tld", "mapped", "changed", "added", "unchanged", "changes"],
    );
    if (result.unmapped.length > 0) {
      out.table(
        result.unmapped.map((u) => ({
          service: u.service,
          label: u.label ?? "",
          value: u.value ?? "",
          reason: u.reason,
        })),
        ["service", "label", "value", "reason"],
      );
    }
  }
  const summary = {
    record: "summary",
    dryRun: options.dryRun === true,
    importId: options.dryRun ? null : result.importId,
    prices: result.prices,
    mapped: result.mapped,
    changed: result.changed,
    added: result.added,
    unchanged: result.unchanged,
    tldsChanged: tlds.filter((t) => t.changed > 0).length,
    unmapped: result.unmapped.length,
    missing: result.missing.length,
    createdServices: result.createdServices,
  };
  out.result(
    summary,
    () =>
      `${options.dryRun ? "dry run, nothing written: would import" : `import #${result.importId}:`} ` +
      `${result.prices} prices, ${result.mapped} costs: ${result.changed} changed (${result.added} new), ` +
      `${result.unchanged} unchanged, in ${summary.tldsChanged} TLDs; ${result.unmapped.length} prices not mapped` +
      `${result.missing.length ? `, ${result.missing.length} costs not in this list (older cost kept)` : ""}` +
      `${result.createdServices.length ? `; services created: ${result.createdServices.join(", ")}` : ""}`,
  );
  if (!options.verbose && !out.json && (result.unmapped.length > 0 || summary.changed > 0)) {
    out.note("run with --verbose for the changes per TLD and the prices not mapped");
  }
}
