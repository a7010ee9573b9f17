/**
 * `hrdkit billing invoices export-ksef --month YYYY-MM`: one KSeF FA(3) XML per VAT invoice and
 * correction issued that month, made by billing's FA(3) builder from the stored document (as the
 * bridge's `GET /v1/billing/invoices/:id/ksef` gives it), written under the names the bridge gives
 * the files (`faktura-FV-2026-11-3.xml`, `korekta-KOR-2026-1.xml`).
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { InvoiceSummary } from "@hrdkit/billing";
import { formatAmount } from "@hrdkit/sdk";
import type { App } from "../app.js";
import { CliError, EXIT } from "../exit-codes.js";
import type { Output } from "../output.js";
import { parseMonth } from "./dates.js";

export interface ExportKsefOptions {
  month: string;
  out?: string;
}

export interface ExportedRow extends Record<string, unknown> {
  record: "invoice";
  number: string;
  kind: "VAT" | "KOR";
  issueDate: string;
  buyer: string;
  grossGrosze: number;
  gross: string;
  /** The file's name in the folder; null when the document could not be exported. */
  file: string | null;
  error: string | null;
}

/** Billing lists at most this many per call (newest first). */
const PAGE = 500;

export async function exportKsef(app: App, out: Output, options: ExportKsefOptions): Promise<void> {
  const { month, from, to } = parseMonth(options.month, "--month");
  const dir = resolve(app.io.cwd, options.out ?? `ksef-${month}`);
  const billing = await import("@hrdkit/billing");
  const db = await app.db();

  const invoices: InvoiceSummary[] = [];
  for (let beforeId: number | undefined; ; ) {
    const page = await billing.listInvoices(db, {
      from,
      to,
      limit: PAGE,
      ...(beforeId === undefined ? {} : { beforeId }),
    });
    invoices.push(...page);
    if (page.length < PAGE) break;
    beforeId = page[page.length - 1]!.id;
  }
  invoices.sort((a, b) => a.id - b.id);
  if (invoices.length === 0) {
    out.note(`no invoices or corrections issued in ${month}: nothing written`);
    out.result({ record: "summary", month, dir, written: 0, failed: 0 }, () => `0 files written`);
    return;
  }
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new CliError(`cannot make ${dir}: ${(err as Error).message}`, EXIT.config);
  }

  const generatedAt = new Date();
  const progress = invoices.length >= 20 ? out.progress("FA(3)", invoices.length) : undefined;
  const rows: ExportedRow[] = [];
  let failed = 0;
  for (const [i, inv] of invoices.entries()) {
    if (app.io.signal.aborted) break;
    const name = billing.documentFileName(inv).replace(/\.pdf$/, ".xml");
    const base = {
      record: "invoice" as const,
      number: inv.number,
      kind: inv.kind,
      issueDate: inv.issueDate,
      buyer: inv.buyerName,
      grossGrosze: inv.gross,
      gross: `${formatAmount(inv.gross)} ${inv.currency}`,
    };
    try {
      const xml = await billing.exportInvoiceFa3(db, inv.id, { generatedAt });
      const path = join(dir, name);
      // Written whole or not at all: a half-written file must never be sent to KSeF.
      await writeFile(`${path}.part`, xml, "utf8");
      await rename(`${path}.part`, path);
      rows.push({ ...base, file: name, error: null });
    } catch (err) {
      // The builder refuses a document FA(3) cannot express: named, the others still written.
      if (!(err instanceof billing.BillingError)) throw err;
      failed++;
      rows.push({ ...base, file: null, error: err.message });
      out.warn(`${inv.number}: not exported: ${err.message}`);
    }
    progress?.update(i + 1);
  }
  progress?.stop();

  out.table(out.json ? rows : rows.map((r) => ({ ...r, file: r.file ?? `(not exported: ${r.error})` })), [
    "number",
    "kind",
    "issueDate",
    "buyer",
    "gross",
    "file",
  ]);
  const written = rows.length - failed;
  out.result(
    { record: "summary", month, dir, written, failed },
    () => `${written} FA(3) files written to ${dir}${failed ? `, ${failed} not exported` : ""}`,
  );
  if (failed > 0) app.exitCode = EXIT.partial;
  if (app.io.signal.aborted) throw new CliError("interrupted: run again to write the rest", EXIT.interrupted);
}
