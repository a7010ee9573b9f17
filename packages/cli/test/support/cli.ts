/**
 * Runs the built `hrdkit` command as a subprocess, as a script or a terminal would: through
 * packages/cli/bin/hrdkit.js (the file npm links), with stdin/stdout pipes — or, with
 * `tty: true`, inside a pseudo-terminal made by util-linux `script`, so isatty() is true and the
 * progress bar is drawn.
 *
 * The command runs built code (dist/), as users get it. `npm test` builds first; a targeted
 * `npx vitest run` after editing sources rebuilds the stale packages once (under a lock, since
 * test files run in parallel workers).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readdirSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll } from "vitest";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
export const BIN = join(ROOT, "packages/cli/bin/hrdkit.js");
/** Build order: a package's dist is bundled against its dependencies' dist. */
const PACKAGES = ["sdk", "sandbox", "billing", "bridge", "cli"];

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function stalePackages(): string[] {
  return PACKAGES.filter((p) => {
    const dir = join(ROOT, "packages", p);
    let built: number;
    try {
      built = statSync(join(dir, "dist/index.js")).mtimeMs;
    } catch {
      return true;
    }
    return newest(join(dir, "src")) > built;
  });
}

let checked = false;
/** Builds whatever packages are older than their sources (once per test process). */
export function ensureBuilt(): void {
  if (checked) return;
  const lock = join(ROOT, "node_modules/.hrdkit-cli-build.lock");
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i > 600) throw new Error(`${lock} held for 5 minutes: remove it if no build is running`);
      execFileSync("sleep", ["0.5"]);
    }
  }
  try {
    for (const p of stalePackages()) {
      execFileSync("npm", ["run", "build", "--silent", "-w", `packages/${p}`], {
        cwd: ROOT,
        stdio: "inherit",
      });
    }
  } finally {
    rmdirSync(lock);
  }
  checked = true;
}

/** Call at the top of a CLI test file: builds stale packages before its tests (may take minutes). */
export function useBuiltCli(): void {
  beforeAll(() => ensureBuilt(), 600_000);
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  /** Run inside a pseudo-terminal (stdout and stderr both go to it: `stdout` holds all). */
  tty?: boolean;
  /** Kill after this many ms (default 120 000). */
  timeoutMs?: number;
}

/** A clean environment: no HRD_* or DATABASE_URL leaking from the test runner unless given. */
export function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of ["PATH", "HOME", "LANG", "TMPDIR", "SYSTEMROOT"])
    if (process.env[k]) env[k] = process.env[k];
  // No ~/.config/hrdkit/.env of the developer's: a home of its own unless the test sets one.
  env.XDG_CONFIG_HOME = join(ROOT, "node_modules/.hrdkit-cli-test-config");
  return { ...env, ...extra };
}

/** Starts `hrdkit ARGS`; resolves when it exits. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  ensureBuilt();
  const env = options.env ?? baseEnv();
  const [cmd, argv] = options.tty
    ? ["script", ["-qec", [process.execPath, BIN, ...args].map(shellQuote).join(" "), "/dev/null"]]
    : [process.execPath, [BIN, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: options.cwd ?? ROOT, env: { ...env, COLUMNS: "100" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
