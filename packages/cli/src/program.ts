import { Command, CommanderError } from "commander";
import { App } from "./app.js";
import { COMMANDS } from "./commands/index.js";
import { describeError } from "./errors.js";
import { EXIT } from "./exit-codes.js";
import type { Io } from "./io.js";

export const VERSION = "0.1.0";

/** The `hrdkit` program with every command, writing to `io` (tests pass their own streams). */
export function buildProgram(app: App): Command {
  const program = new Command("hrdkit")
    .description("HRD.pl domains, certificates and the billing chores from the command line")
    .version(VERSION, "-V, --version")
    .option("-p, --profile <name>", "HRD account to use: reads HRD_<NAME>_LOGIN, … instead of HRD_LOGIN, …")
    .option("--json", "one JSON object per line: results on stdout, progress and notes on stderr")
    .option("-q, --quiet", "no progress and no notes; results and errors only")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (s) => app.io.stdout.write(s),
      writeErr: (s) => app.io.stderr.write(s),
    })
    .exitOverride();
  program.addHelpText(
    "after",
    `
Settings come from the environment, ./.env and ~/.config/hrdkit/.env (HRD_LOGIN, HRD_PASSWORD,
HRD_API_KEY; DATABASE_URL for the billing commands). Secrets are never printed.

Exit status: 0 done · 1 some items failed · 2 bad usage or input · 3 configuration · 4 refused by
HRD · 5 outcome unknown (check before retrying) · 6 HRD unreachable · 130 interrupted

Examples:
  $ hrdkit check example.pl przyklad.com.pl
  $ hrdkit bulk register orders.csv
  $ hrdkit sandbox --write-env .env   # a local sandbox for trying everything (Ctrl-C stops it)`,
  );
  for (const register of COMMANDS) register(program, app);
  // Subcommands inherit the output settings and throw instead of exiting.
  for (const cmd of allCommands(program)) {
    cmd.exitOverride().configureOutput(program.configureOutput());
  }
  return program;
}

/** Every command under `root`, depth first, root excluded. */
export function allCommands(root: Command): Command[] {
  const out: Command[] = [];
  for (const c of root.commands) out.push(c, ...allCommands(c));
  return out;
}

/** Runs `hrdkit` with `argv` (without node and script) and returns the exit status. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const app = new App(io);
  const program = buildProgram(app);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return app.exitCode ?? EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end with exitCode 0; usage errors were printed by commander.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { exitCode, message } = describeError(err);
    const json = program.opts<{ json?: boolean }>().json === true;
    io.stderr.write(
      json
        ? `${JSON.stringify({ event: "error", exitCode, message })}\n`
        : // Messages that already name their command ("hrdkit check: 2 bad names") keep one prefix.
          `${message.startsWith("hrdkit ") ? "" : "hrdkit: "}${message}\n`,
    );
    return exitCode;
  } finally {
    await app.close();
  }
}
