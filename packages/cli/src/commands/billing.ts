import type { Command } from "commander";
import type { App } from "../app.js";

const WHERE =
  "Runs on DATABASE_URL, or the bridge's embedded database (PGlite in HRDKIT_DATA_DIR, default .hrdkit/bridge).";

/**
 * `hrdkit billing …`: the billing chores the bridge runs on its schedule, on demand. The work is
 * in ../billing/ (loaded only when a chore runs: billing and the bridge cost startup time).
 */
export function registerBilling(program: Command, app: App): void {
  const billing = program
    .command("billing")
    .description(
      "billing chores: wholesale prices, renewal proformas, bank statements, KSeF files, reminders",
    )
    .addHelpText(
      "after",
      `
${WHERE}

Examples:
  $ hrdkit billing import-prices --dry-run
  $ hrdkit billing renewal-run
  $ hrdkit billing import-statement wyciag-2026-11-03.sta
  $ hrdkit billing invoices export-ksef --month 2026-11
  $ hrdkit billing send-reminders`,
    );

  billing
    .command("import-prices")
    .description("import HRD's wholesale price list into billing (the costs quotes and price rules use)")
    .option("--dry-run", "show what would change and write nothing")
    .option("-v, --verbose", "the changes per TLD and the prices that could not be mapped")
    .option("--create-missing-services", "create the missing domain services of TLDs in the catalog")
    .addHelpText(
      "after",
      `
Needs HRD credentials (HRD_LOGIN, HRD_PASSWORD, HRD_API_KEY or --profile). ${WHERE}

Examples:
  $ hrdkit billing import-prices
  $ hrdkit billing import-prices --dry-run --verbose
  $ hrdkit billing import-prices --json | jq 'select(.record == "tld" and .changed > 0)'`,
    )
    .action(
      async (
        opts: { dryRun?: boolean; verbose?: boolean; createMissingServices?: boolean },
        cmd: Command,
      ) => {
        const { importPrices } = await import("../billing/import-prices.js");
        await importPrices(app, cmd, app.output(cmd), opts);
      },
    );

  billing
    .command("renewal-run")
    .description(
      "issue renewal proformas for auto-renewed services expiring within the lead days (default 30)",
    )
    .option("--date <YYYY-MM-DD>", "run as of this day (issue date and window start); default today")
    .addHelpText(
      "after",
      `
The bridge's daily renewal run, on demand. Safe to run again: a service and term never get a
second proforma. Publishes proforma.issued and queues each customer's notice. Exit status 1 when
services were skipped (no price, no address: the warnings say which). ${WHERE}

Examples:
  $ hrdkit billing renewal-run
  $ hrdkit billing renewal-run --date 2026-11-02
  $ hrdkit billing renewal-run --json | jq -r 'select(.record == "proforma") | .number'`,
    )
    .action(async (opts: { date?: string }, cmd: Command) => {
      const { renewalRun } = await import("../billing/renewal-run.js");
      await renewalRun(app, app.output(cmd), opts);
    });

  billing
    .command("import-statement")
    .description("import a bank statement (MT940 or a CSV history) and match its payments to proformas")
    .argument("<file>", "the statement as the bank exported it (.sta/.mt940/.txt: MT940; .csv: CSV)")
    .option("--format <format>", "mt940 or csv (default: from the file name)")
    .option(
      "--csv <layout>",
      "for CSV: pko, mbank or a JSON column mapping (default: *.pko.csv / *.mbank.csv)",
    )
    .option("--encoding <encoding>", "auto, utf-8, windows-1250 or cp852", "auto")
    .addHelpText(
      "after",
      `
Each credit is matched to a proforma by the number in its title. The same file again writes
nothing (billing knows it by its hash); an entry on two overlapping statements is one payment.
A malformed file is refused naming its bad lines, and nothing is written. ${WHERE}

Examples:
  $ hrdkit billing import-statement wyciag-2026-11-03.sta
  $ hrdkit billing import-statement historia.csv --csv pko
  $ hrdkit billing import-statement export.mbank.csv --json | jq 'select(.status == "unmatched")'`,
    )
    .action(
      async (file: string, opts: { format?: string; csv?: string; encoding?: string }, cmd: Command) => {
        const { importStatementFile } = await import("../billing/import-statement.js");
        await importStatementFile(app, app.output(cmd), file, opts);
      },
    );

  const invoices = billing
    .command("invoices")
    .description("VAT invoices and corrections")
    .addHelpText(
      "after",
      `
Examples:
  $ hrdkit billing invoices export-ksef --month 2026-11`,
    );

  invoices
    .command("export-ksef")
    .description("write one KSeF FA(3) XML per invoice and correction issued in a month")
    .requiredOption("--month <YYYY-MM>", "the month of the issue dates (required)")
    .option("--out <dir>", "the folder to write to (default ./ksef-YYYY-MM)")
    .addHelpText(
      "after",
      `
Files are named as the bridge names them (faktura-FV-2026-11-3.xml, korekta-KOR-2026-1.xml) and
overwritten on a second run. A document FA(3) cannot express is named and skipped (exit 1). ${WHERE}

Examples:
  $ hrdkit billing invoices export-ksef --month 2026-11
  $ hrdkit billing invoices export-ksef --month 2026-11 --out /srv/ksef/2026-11
  $ hrdkit billing invoices export-ksef --month 2026-11 --json | jq -r 'select(.record == "invoice") | .file'`,
    )
    .action(async (opts: { month: string; out?: string }, cmd: Command) => {
      const { exportKsef } = await import("../billing/export-ksef.js");
      await exportKsef(app, app.output(cmd), opts);
    });

  billing
    .command("send-reminders")
    .description("queue renewal reminders to customers (and send them when e-mail/SMS is configured here)")
    .addHelpText(
      "after",
      `
The bridge's daily reminders run, on demand: renewal.due and domain.expired events, and each
customer's reminder on the reminder days (notification settings), once per step. With
HRDKIT_SMTP_URL or HRDKIT_SMSAPI_TOKEN set, the outbox is run once to send them; otherwise they
stay queued for the bridge to send. ${WHERE}

Examples:
  $ hrdkit billing send-reminders
  $ HRDKIT_SMTP_URL=smtp://user:pass@mail.example.pl:587 hrdkit billing send-reminders
  $ hrdkit billing send-reminders --json`,
    )
    .action(async (_opts, cmd: Command) => {
      const { sendReminders } = await import("../billing/send-reminders.js");
      await sendReminders(app, app.output(cmd));
    });
}
