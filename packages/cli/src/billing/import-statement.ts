/**
 * `hrdkit billing import-statement FILE`: billing's statement import (MT940, or a bank's CSV
 * history) matching each credit to a proforma, then `payment.matched` and the customer's notice
 * per payment: what the bridge's upload route does. Billing knows a file by its SHA-256 and an
 * entry by its bank reference, so the same file again (or an entry on two statements) pays once.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { CsvMapping, CsvPresetName, StatementEncoding } from "@hrdkit/billing";
import { formatAmount } from "@hrdkit/sdk";
import type { App } from "../app.js";
import { CliError, EXIT } from "../exit-codes.js";
import type { Output } from "../output.js";
import { openChoreContext } from "./context.js";

export interface ImportStatementOptions {
  format?: string;
  csv?: string;
  encoding?: string;
}

const ENCODINGS = ["auto", "utf-8", "windows-1250", "cp852"] as const;
/** Longest title shown in the table (the JSON lines carry it whole). */
const TITLE_WIDTH = 48;

type Format = "mt940" | "csv";

function chooseFormat(
  file: string,
  given: string | undefined,
  byName: (n: string) => Format | undefined,
): Format {
  if (given !== undefined) {
    if (given === "mt940" || given === "csv") return given;
    throw new CliError(`--format must be mt940 or csv, not "${given}"`, EXIT.usage);
  }
  const found = byName(file);
  if (found) return found;
  throw new CliError(
    `cannot tell the format of ${file} from its name (.sta, .mt940, .txt are MT940; .csv is CSV): give --format`,
    EXIT.usage,
  );
}

/** `--csv pko|mbank|{json}`, else the file name's hint (`*.pko.csv`), as the bridge's folder import reads it. */
function chooseCsv(
  file: string,
  given: string | undefined,
  presets: readonly string[],
): CsvPresetName | CsvMapping {
  if (given !== undefined) {
    const g = given.trim();
    if (presets.includes(g)) return g as CsvPresetName;
    if (g.startsWith("{")) {
      try {
        // Billing checks the mapping and names every bad field.
        return JSON.parse(g) as CsvMapping;
      } catch {
        throw new CliError("--csv is not valid JSON: give pko, mbank or a JSON column mapping", EXIT.usage);
      }
    }
    throw new CliError(
      `--csv must be ${presets.join(", ")} or a JSON column mapping, not "${given}"`,
      EXIT.usage,
    );
  }
  const hint = /\.([a-z0-9]+)\.csv$/i.exec(file)?.[1]?.toLowerCase();
  if (hint && presets.includes(hint)) return hint as CsvPresetName;
  throw new CliError(
    `a CSV statement needs the bank's columns: give --csv ${presets.join("|")} (or a JSON column mapping), ` +
      "or name the file *.pko.csv / *.mbank.csv",
    EXIT.usage,
  );
}

/** What a person reads in the status column: a partial payment is not the same as a full one. */
function statusOf(item: { status: string; flags: readonly string[] }): string {
  if (item.status !== "matched") return item.status;
  if (item.flags.includes("partial")) return "partial";
  if (item.flags.includes("overpaid")) return "overpaid";
  return "matched";
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export async function importStatementFile(
  app: App,
  out: Output,
  file: string,
  options: ImportStatementOptions,
): Promise<void> {
  const billing = await import("@hrdkit/billing");
  const bridge = await import("@hrdkit/bridge");
  const format = chooseFormat(file, options.format, bridge.statementFormat);
  const csv = format === "csv" ? chooseCsv(file, options.csv, Object.keys(billing.CSV_PRESETS)) : undefined;
  const encoding = options.encoding ?? "auto";
  if (!(ENCODINGS as readonly string[]).includes(encoding)) {
    throw new CliError(`--encoding must be one of ${ENCODINGS.join(", ")}, not "${encoding}"`, EXIT.usage);
  }
  let content: Buffer;
  try {
    content = await readFile(resolve(app.io.cwd, file));
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, EXIT.config);
  }

  const { ctx, db } = await openChoreContext(app, out);
  const at = new Date();
  let progress: ReturnType<Output["progress"]> | undefined;
  let result: Awaited<ReturnType<typeof billing.importStatement>>;
  try {
    result = await billing.importStatement(
      db,
      {
        content,
        format,
        ...(csv === undefined ? {} : { csv }),
        encoding: encoding as StatementEncoding | "auto",
        at,
      },
      {
        onProgress: (done, total) => {
          // Only long files get a progress display.
          if (total < 200) return;
          progress ??= out.progress("entries", total);
          progress.update(done);
        },
      },
    );
  } catch (err) {
    progress?.stop();
    if (err instanceof billing.BillingValidationError) {
      const lines = err.issues.map((i) => `  ${i.path === "content" ? file : i.path}: ${i.message}`);
      throw new CliError(`${file} was not imported (nothing written):\n${lines.join("\n")}`, EXIT.usage);
    }
    throw err;
  }
  progress?.stop();

  if (!result.alreadyImported) {
    // The events and notices the bridge's upload route gives: once, for a file imported now.
    const paymentIds = result.items.filter((i) => i.status === "matched").flatMap((i) => i.paymentIds);
    await bridge.publishAll(ctx, await bridge.paymentsMatched(db, paymentIds));
    await bridge.notifyAll(
      ctx,
      paymentIds.map((paymentId) => ({ kind: "payment" as const, paymentId })),
      { now: at },
    );
  }

  const rows = result.items.map((i) => ({
    record: "entry" as const,
    status: statusOf(i),
    bookedOn: i.bookedOn,
    amountGrosze: i.amount.amount,
    amount: `${formatAmount(i.amount.amount)} ${i.amount.currency}`,
    proformas: i.proformaNumbers.join(" "),
    title: i.title,
    counterparty: i.counterparty,
    flags: i.flags,
    note: i.note,
  }));
  const partial = rows.filter((r) => r.status === "partial").length;
  if (result.alreadyImported) {
    out.note(
      `${file} was imported before (statement #${result.statementId}): nothing written, its first result:`,
    );
  }
  if (out.json) out.table(rows, ["status"]);
  else if (rows.length > 0) {
    out.table(
      rows.map((r) => ({ ...r, title: clip(r.title.replace(/\s+/g, " "), TITLE_WIDTH), note: r.note ?? "" })),
      ["status", "bookedOn", "amount", "proformas", "title", "note"],
    );
  }
  out.result(
    {
      record: "summary",
      file,
      statementId: result.statementId,
      alreadyImported: result.alreadyImported,
      format: result.format,
      encoding: result.encoding,
      entries: result.entries,
      matched: result.matched,
      partial,
      unmatched: result.unmatched,
      ignored: result.ignored,
      duplicates: result.duplicates,
    },
    () =>
      `${result.alreadyImported ? "already imported: " : ""}${result.entries} entries: ${result.matched} matched ` +
      `(${partial} partial), ${result.unmatched} unmatched, ${result.ignored} ignored, ${result.duplicates} seen before`,
  );
  if (result.unmatched > 0 && !result.alreadyImported) {
    out.note(
      "unmatched credits wait on the bridge's list (GET /v1/billing/statements/unmatched) to be assigned by hand",
    );
  }
}
