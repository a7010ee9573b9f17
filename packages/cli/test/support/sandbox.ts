/**
 * A sandbox for CLI tests and the environment that points `hrdkit` at it (the CA in a file, as
 * `hrdkit sandbox` writes it).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Sandbox, type SandboxOptions, startSandbox } from "@hrdkit/sandbox";
import { baseEnv } from "./cli.js";

export interface CliSandbox {
  sandbox: Sandbox;
  /** HRD_* variables for `hrdkit` (plus whatever `extra` adds). */
  env: (extra?: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
  dir: string;
  close: () => Promise<void>;
}

export async function startCliSandbox(options: SandboxOptions = {}): Promise<CliSandbox> {
  const sandbox = await startSandbox({ actionDelayMs: 0, ...options });
  const o = sandbox.clientOptions();
  const dir = mkdtempSync(join(tmpdir(), "hrdkit-cli-"));
  const caFile = join(dir, "sandbox-ca.pem");
  writeFileSync(caFile, o.ca);
  const hrd = {
    HRD_HOST: o.host,
    HRD_PORT: String(o.port),
    HRD_LOGIN: o.login,
    HRD_PASSWORD: o.password,
    HRD_API_KEY: o.apiKey,
    HRD_CA_FILE: caFile,
    HRD_SERVERNAME: o.servername,
  };
  return {
    sandbox,
    dir,
    env: (extra = {}) => baseEnv({ ...hrd, ...extra }),
    close: () => sandbox.close(),
  };
}
