import { operations } from "@hrdkit/sdk";
import type { Command } from "commander";
import type { App } from "../app.js";
import type { BulkOperation } from "../bulk/rows.js";
import { CliError, EXIT } from "../exit-codes.js";

interface BulkCliOptions {
  strict?: boolean;
  dryRun?: boolean;
  concurrency: string;
  retryFailed?: boolean;
  newJournal?: boolean;
  ns?: string;
  nsGroup?: string;
}

const COMMON_HELP = `
The file needs a header row; fields separated by , or ; (as Polish Excel saves), UTF-8 (a BOM
is fine). IDN names may be written in Unicode (żółw.pl). Every row is checked before anything is
sent: bad rows are reported with their line and fields and skipped (exit 1 at the end), or stop
the run with --strict (exit 2, nothing sent). A name on two rows makes both rows bad.

A journal is kept next to the file (FILE.hrdkit-journal, one synced JSON line per step). Run the
same command again after a crash, kill or Ctrl-C and it continues: finished rows are skipped, rows
left unfinished are settled by reading HRD's state first — nothing is bought twice. Rows HRD
refused are skipped unless --retry-failed. If the file changed, the run is refused unless
--new-journal. Transfer codes are never printed nor journaled.

Statuses (--json "status"): registered · renewed · ordered (transfer) · already (nothing bought)
· failed (HRD refused) · unknown (not settled: the next run reads again) · invalid · pending.
Exit status: 0 all done · 1 some rows failed or invalid · 2 bad file or --strict refusal · 5 some
outcome unknown · 130 interrupted (run again to continue).`;

/** `hrdkit bulk register|renew|transfer FILE.csv`: many rows, a journal, resume after any crash. */
export function registerBulk(program: Command, app: App): void {
  const bulk = program
    .command("bulk")
    .description(
      "register, renew or transfer many domains from a CSV file, with a journal that resumes after a crash",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ hrdkit bulk register orders.csv
  $ hrdkit bulk renew renewals.csv --dry-run
  $ hrdkit bulk transfer incoming.csv --json > results.jsonl`,
    );

  withCommonOptions(
    bulk
      .command("register")
      .description("register every domain in FILE to its registrant account (never twice)")
      .argument("<file>", "CSV with columns domain,user[,period][,ns1,ns2,…]")
      .option("--ns <hosts>", "nameservers for rows with no ns columns, comma-separated (at least 2)")
      .option("--ns-group <id>", "a saved nameserver group for rows with no ns columns"),
  )
    .addHelpText(
      "after",
      `
Columns: domain, user (registrant account id), period (years 1–10, default 1), ns1, ns2, … (a
host inside the domain takes its glue as ns1.sklep.pl/192.0.2.1/2001:db8::1).
${COMMON_HELP}

Examples:
  $ cat orders.csv
  domain;user;period;ns1;ns2
  sklep.pl;1234;1;ns1.hrd.pl;ns2.hrd.pl
  żółw.pl;1234;2;ns1.hrd.pl;ns2.hrd.pl
  $ hrdkit bulk register orders.csv --dry-run
  $ hrdkit bulk register orders.csv --concurrency 8
  $ hrdkit bulk register leads.csv --ns ns1.hrd.pl,ns2.hrd.pl --strict`,
    )
    .action((file: string, opts: BulkCliOptions, cmd: Command) => run(app, cmd, "register", file, opts));

  withCommonOptions(
    bulk
      .command("renew")
      .description("renew every domain in FILE by its period, from the expiry HRD shows (never twice)")
      .argument("<file>", "CSV with columns domain[,period]"),
  )
    .addHelpText(
      "after",
      `
Columns: domain, period (years 1–10, default 1). The current expiry is read from HRD before each
renewal and kept in the journal, so a renewal that happened but was not journaled is recognised
(the expiry moved past it) and not paid again. Note that a new journal (--new-journal) renews
again: that is what running a renewal file twice means.
${COMMON_HELP}

Examples:
  $ printf 'domain,period\\nsklep.pl,1\\nżółw.pl,2\\n' > renewals.csv
  $ hrdkit bulk renew renewals.csv
  $ hrdkit bulk renew renewals.csv --json | jq -c 'select(.status=="failed")'`,
    )
    .action((file: string, opts: BulkCliOptions, cmd: Command) => run(app, cmd, "renew", file, opts));

  withCommonOptions(
    bulk
      .command("transfer")
      .description("order a transfer-in of every domain in FILE with its auth code (never twice)")
      .argument("<file>", "CSV with columns domain,auth_info,user[,period]"),
  )
    .addHelpText(
      "after",
      `
Columns: domain, auth_info (the code from the current registrar; never printed, never
journaled), user (registrant account id), period (optional). "ordered" means HRD accepted the
order; the transfer itself completes later (hrdkit poll, hrdkit info).
${COMMON_HELP}

Examples:
  $ hrdkit bulk transfer incoming.csv --dry-run
  $ hrdkit bulk transfer incoming.csv --retry-failed
  $ hrdkit bulk transfer incoming.csv --new-journal   # after fixing codes in the file`,
    )
    .action((file: string, opts: BulkCliOptions, cmd: Command) => run(app, cmd, "transfer", file, opts));
}

function withCommonOptions(cmd: Command): Command {
  return cmd
    .option("--strict", "any bad row stops the run before anything is sent (exit 2)")
    .option(
      "--dry-run",
      "check the file and show what would be done (and what the journal says is done); send nothing",
    )
    .option("-c, --concurrency <n>", "rows in flight at once, and connections to HRD (1–16)", "4")
    .option("--retry-failed", "try again the rows HRD refused in an earlier run")
    .option("--new-journal", "start a new journal (the old one is kept, renamed): for a file that changed");
}

async function run(
  app: App,
  cmd: Command,
  op: BulkOperation,
  file: string,
  opts: BulkCliOptions,
): Promise<void> {
  const problems: string[] = [];
  const concurrency = /^\d{1,2}$/.test(opts.concurrency) ? Number(opts.concurrency) : Number.NaN;
  if (!(concurrency >= 1 && concurrency <= 16))
    problems.push(`--concurrency must be 1–16, not "${opts.concurrency}"`);
  const ns = opts.ns
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (ns !== undefined && ns.length < 2) problems.push("--ns needs at least 2 nameservers, comma-separated");
  for (const host of ns ?? []) {
    if (!operations["domain/info"].input.safeParse({ name: host }).success) {
      problems.push(`--ns: "${host}" is not a valid host name`);
    }
  }
  const nsGroup =
    opts.nsGroup === undefined
      ? undefined
      : /^\d{1,9}$/.test(opts.nsGroup)
        ? Number(opts.nsGroup)
        : Number.NaN;
  if (nsGroup !== undefined && Number.isNaN(nsGroup))
    problems.push(`--ns-group must be a group id (a number), not "${opts.nsGroup}"`);
  if (ns && nsGroup !== undefined) problems.push("give --ns or --ns-group, not both");
  if (problems.length) throw new CliError(problems.join("\n"), EXIT.usage);
  // Loaded here: the bulk machinery is not paid for by every `hrdkit` start.
  const { runBulk } = await import("../bulk/run.js");
  await runBulk(app, cmd, op, file, {
    strict: opts.strict === true,
    dryRun: opts.dryRun === true,
    concurrency,
    retryFailed: opts.retryFailed === true,
    newJournal: opts.newJournal === true,
    ...(ns ? { ns } : {}),
    ...(nsGroup !== undefined ? { nsGroup } : {}),
  });
}
