import { type CheckResult, HrdValidationError } from "@hrdkit/sdk";
import type { Command } from "commander";
import type { App } from "../app.js";
import { CliError, EXIT } from "../exit-codes.js";
import { InputIssues } from "../hrd/issues.js";
import { domainNameProblem, type NameList, parseNameList } from "../hrd/names.js";
import { readStream, readTextFile } from "../hrd/read-input.js";
import { type Progress, renderTable } from "../output.js";

interface CheckOptions {
  file?: string;
  batchSize: string;
  pool: string;
  available?: boolean;
}

/** At most this many bad names are listed one by one; the rest are counted. */
const MAX_LISTED = 50;

/** `hrdkit check`: availability of any number of names, in batches of up to 100 over the pool. */
export function registerCheck(program: Command, app: App): void {
  program
    .command("check")
    .description(
      "check whether domain names are free: from the arguments, a file (--file) or stdin, in batches of up to 100 over several connections",
    )
    .argument("[names...]", 'domain names; "-" reads them from stdin (one per line)')
    .option("-f, --file <file>", "read names from a file: one per line, blank lines and # comments skipped")
    .option("--batch-size <n>", "names per domain/check call (1–100)", "100")
    .option("--pool <n>", "connections to HRD used at once (1–32)", "4")
    .option("-a, --available", "print only the available names, one per line (for pipes)")
    .addHelpText(
      "after",
      `
Statuses: available · taken · createOnly (.pl: register at once, cannot be reserved) · unknown.
A name list takes the first word of each line, so the first column of a CSV works too; every bad
name is reported with its line number and nothing is sent (exit 2).

Examples:
  $ hrdkit check example.pl przyklad.com.pl żółw.pl
  $ hrdkit check --file names.txt --available > free.txt
  $ cut -d, -f1 leads.csv | hrdkit check - --json | jq -r 'select(.status=="available").name'
  $ hrdkit check --file 10k.txt --pool 8 --batch-size 100`,
    )
    .action(async (args: string[], opts: CheckOptions, cmd: Command) => {
      const out = app.output(cmd);
      const issues = new InputIssues();
      const batchSize = issues.int("--batch-size", opts.batchSize, 1, 100) ?? 100;
      const poolSize = issues.int("--pool", opts.pool, 1, 32) ?? 4;
      const { list, source } = await collectNames(app, args, opts, issues);
      // Bad flags: report the bad names along with them (all at once), then stop.
      if (issues.count > 0) addNameIssues(issues, list, source);
      issues.throwIfAny("hrdkit check");
      if (list.names.length === 0) throw new CliError(`no names to check in ${source}`, EXIT.usage);

      const client = app.hrd(cmd, { poolSize });
      // A bar only when there is something to wait for (one batch answers at once). It starts at
      // the first answer, with checkMany's own count of distinct names as its total.
      let progress: Progress | undefined;
      const onProgress =
        list.names.length > batchSize
          ? (done: number, total: number) => {
              progress ??= out.progress("check", total);
              progress.update(done);
            }
          : undefined;
      let results: CheckResult[];
      try {
        // checkMany validates every name before sending anything; the names are not checked here
        // first, because on 10 000 names that second pass would cost more than the rest of the
        // command's own work. Its refusal is turned into line numbers below.
        results = await client.checkMany(list.names, {
          batchSize,
          concurrency: poolSize,
          signal: app.io.signal,
          onProgress,
        });
      } catch (err) {
        if (err instanceof HrdValidationError) throw badNamesError(list, source);
        throw err;
      } finally {
        progress?.stop();
      }
      // One write at the end: per-name writes would cost more than the checks on big lists.
      app.io.stdout.write(render(results, out.json, opts.available === true));
    });
}

/** Adds every bad name with where it came from (argument number, or file/stdin line); returns how many. */
function addNameIssues(issues: InputIssues, list: NameList, source: string): number {
  let bad = 0;
  for (let i = 0; i < list.names.length; i++) {
    const problem = domainNameProblem(list.names[i]!);
    if (problem === undefined) continue;
    if (++bad <= MAX_LISTED) {
      issues.add(source === "args" ? `name ${i + 1}` : `${source} line ${list.lines[i]}`, problem);
    }
  }
  if (bad > MAX_LISTED) issues.add("…", `and ${bad - MAX_LISTED} more bad names`);
  return bad;
}

function badNamesError(list: NameList, source: string): CliError {
  const issues = new InputIssues();
  const bad = addNameIssues(issues, list, source);
  try {
    issues.throwIfAny(`hrdkit check: ${bad} bad ${bad === 1 ? "name" : "names"}`);
  } catch (err) {
    return err as CliError;
  }
  // The SDK refused a name this check accepts: should not happen (same rules); say so plainly.
  return new CliError("hrdkit check: HRD's client refused the name list, nothing was sent", EXIT.usage);
}

async function collectNames(
  app: App,
  args: string[],
  opts: CheckOptions,
  issues: InputIssues,
): Promise<{ list: NameList; source: string }> {
  const fromStdin = args.length === 1 && args[0] === "-";
  if (opts.file !== undefined) {
    if (args.length > 0) issues.add("--file", "give names either as arguments or in a file, not both");
    return {
      list: parseNameList(await readTextFile(opts.file, "the name list", app.io.cwd)),
      source: opts.file,
    };
  }
  if (fromStdin || (args.length === 0 && !app.io.stdin.isTTY)) {
    return { list: parseNameList(await readStream(app.io.stdin)), source: "stdin" };
  }
  if (args.length === 0) {
    throw new CliError(
      "no names given: pass them as arguments, with --file FILE, or on stdin (hrdkit check - < names.txt)",
      EXIT.usage,
    );
  }
  if (args.includes("-")) issues.add("names", '"-" (stdin) cannot be mixed with names');
  return { list: { names: args, lines: args.map((_, i) => i + 1) }, source: "args" };
}

function render(results: readonly CheckResult[], json: boolean, onlyAvailable: boolean): string {
  const rows = onlyAvailable ? results.filter((r) => r.status === "available") : results;
  if (json) {
    let s = "";
    for (const r of rows) s += `{"name":${JSON.stringify(r.name)},"status":"${r.status}"}\n`;
    return s;
  }
  if (onlyAvailable) {
    let s = "";
    for (const r of rows) s += `${r.name}\n`;
    return s;
  }
  return renderTable(rows as unknown as Record<string, unknown>[], ["name", "status"]);
}
