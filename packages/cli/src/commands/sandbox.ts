import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import type { App } from "../app.js";
import { profilePrefix } from "../config.js";

function wholeNumber(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a whole number ≥ 0");
  return n;
}

interface SandboxOptions {
  port: number;
  balance?: number;
  actionDelay: number;
  login?: string;
  password?: string;
  apiKey?: string;
  caFile: string;
  writeEnv?: string;
  admin?: boolean;
}

/**
 * `hrdkit sandbox`: a local HRD sandbox (the same wire, stateful, nothing real) and the settings
 * that point `hrdkit` — or the SDK, or the bridge — at it. The sandbox's credentials are its own
 * throwaway ones, so printing them is the point; real HRD credentials are never printed.
 */
export function registerSandbox(program: Command, app: App): void {
  program
    .command("sandbox")
    .description("start a local HRD sandbox and print the settings that point hrdkit at it (until Ctrl-C)")
    .option("--port <n>", "TCP port; 0 picks any free port", wholeNumber, 0)
    .option(
      "--balance <grosze>",
      "the partner's starting balance in grosze (default 1000000 = 10 000 zł)",
      wholeNumber,
    )
    .option("--action-delay <ms>", "how long HRD actions take in the sandbox", wholeNumber, 0)
    .option("--login <login>", "a fixed login (default: hrdkit)")
    .option("--password <password>", "a fixed API password (default: random each start)")
    .option("--api-key <hex>", "a fixed API key (default: random each start)")
    .option("--ca-file <path>", "where to write the sandbox's CA certificate", ".hrdkit/sandbox-ca.pem")
    // Not "--env-file": Node 20 reads `--env-file X` anywhere on its command line, even after the
    // script's name, and stops with "X: not found" before hrdkit runs when X does not exist yet.
    .option("--write-env <path>", "also write the settings to this file (mode 600), e.g. .env")
    .option("--admin", "start the sandbox's admin HTTP interface too (clock, faults, state)")
    .addHelpText(
      "after",
      `
The settings are printed as KEY=value lines (with --profile NAME: HRD_NAME_LOGIN, …), ready for a
.env file; with --json as one JSON line. Stop the sandbox with Ctrl-C: its state is in memory.

Examples:
  $ hrdkit sandbox --write-env .env          # then, in another terminal: hrdkit balance
  $ hrdkit sandbox --profile test --write-env ~/.config/hrdkit/.env
  $ hrdkit sandbox --port 9999 --password s3cret --api-key 00ff00ff --balance 500000`,
    )
    .action(async (opts: SandboxOptions, cmd: Command) => {
      const out = app.output(cmd);
      const prefix = profilePrefix(app.globals(cmd).profile);
      const { startSandbox } = await import("@hrdkit/sandbox");
      const sandbox = await startSandbox({
        port: opts.port,
        actionDelayMs: opts.actionDelay,
        ...(opts.balance !== undefined ? { balance: opts.balance } : {}),
        ...(opts.login ? { login: opts.login } : {}),
        ...(opts.password ? { password: opts.password } : {}),
        ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
        admin: opts.admin === true,
      });
      const closed = new Promise<void>((done) => {
        if (app.io.signal.aborted) done();
        app.io.signal.addEventListener("abort", () => done(), { once: true });
      });
      try {
        const o = sandbox.clientOptions();
        const caFile = resolve(app.io.cwd, opts.caFile);
        mkdirSync(dirname(caFile), { recursive: true });
        writeFileSync(caFile, o.ca);
        const settings: Record<string, string> = {
          [`${prefix}HOST`]: o.host,
          [`${prefix}PORT`]: String(o.port),
          [`${prefix}LOGIN`]: o.login,
          [`${prefix}PASSWORD`]: o.password,
          [`${prefix}API_KEY`]: o.apiKey,
          [`${prefix}CA_FILE`]: caFile,
          [`${prefix}SERVERNAME`]: o.servername,
        };
        const lines = Object.entries(settings).map(([k, v]) => `${k}=${v}`);
        if (opts.writeEnv) writeEnvFile(resolve(app.io.cwd, opts.writeEnv), settings);
        out.result(
          {
            event: "listening",
            settings,
            ...(sandbox.adminUrl ? { adminUrl: sandbox.adminUrl, adminToken: sandbox.adminToken } : {}),
          },
          () => lines.join("\n"),
        );
        out.note(
          `sandbox listening on ${o.host}:${o.port} — nothing here is real${opts.writeEnv ? `; its settings written to ${opts.writeEnv} (other lines kept)` : ""}` +
            `${sandbox.adminUrl ? `\nadmin interface: ${sandbox.adminUrl} (token ${sandbox.adminToken})` : ""}\nCtrl-C stops it.`,
        );
        await closed;
      } finally {
        await sandbox.close();
      }
    });
}

/** Puts `settings` into a .env file: the same keys from an earlier start are replaced, others kept. */
function writeEnvFile(file: string, settings: Record<string, string>): void {
  const kept = existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => {
          const key = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
          return line !== "" && !line.startsWith("# hrdkit sandbox") && !(key && key in settings);
        })
    : [];
  const lines = [
    ...kept,
    "# hrdkit sandbox (local, nothing real)",
    ...Object.entries(settings).map(([k, v]) => `${k}=${v}`),
  ];
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${lines.join("\n")}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}
