import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { HrdClientOptions } from "@hrdkit/sdk";
import { parse as parseDotenv } from "dotenv";
import { CliError, EXIT } from "./exit-codes.js";

/**
 * Where `hrdkit` reads its settings, first found wins per variable:
 * 1. the process environment;
 * 2. `.env` in the current folder;
 * 3. `$XDG_CONFIG_HOME/hrdkit/.env` (default `~/.config/hrdkit/.env`) — the place for profiles
 *    one keeps for every project.
 * Files are parsed, never executed, and nothing read here is ever printed.
 */
export function loadSettings(env: NodeJS.ProcessEnv, cwd: string): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = {};
  const configHome = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  for (const file of [join(configHome, "hrdkit", ".env"), resolve(cwd, ".env")]) {
    Object.assign(merged, readEnvFile(file));
  }
  for (const [k, v] of Object.entries(env)) if (v !== undefined) merged[k] = v;
  return merged;
}

function readEnvFile(file: string): Record<string, string> {
  try {
    return parseDotenv(readFileSync(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, EXIT.config);
  }
}

/** `shop-2` → `SHOP_2`: the part a profile adds to every variable name (`HRD_SHOP_2_LOGIN`). */
export function profilePrefix(profile: string | undefined): string {
  if (profile === undefined || profile === "") return "HRD_";
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/.test(profile)) {
    throw new CliError(
      `--profile must be letters, digits, "-" or "_" (at most 40), not "${profile}"`,
      EXIT.usage,
    );
  }
  return `HRD_${profile.toUpperCase().replace(/-/g, "_")}_`;
}

/**
 * HRD credentials for the default account (`HRD_LOGIN`, `HRD_PASSWORD`, `HRD_API_KEY`,
 * optional `HRD_HOST`, `HRD_PORT`, `HRD_CA_FILE`) or for a profile (`--profile shop2` reads
 * `HRD_SHOP2_LOGIN`, … — one profile per HRD account). Every missing variable is named at once.
 */
export function hrdCredentials(
  settings: Record<string, string | undefined>,
  profile?: string,
): HrdClientOptions {
  const p = profilePrefix(profile);
  const name = (k: string) => `${p}${k}`;
  const missing = ["LOGIN", "PASSWORD", "API_KEY"].filter((k) => !settings[name(k)]);
  if (missing.length) {
    const where = profile ? `profile "${profile}"` : "the default account";
    throw new CliError(
      `missing ${missing.map(name).join(", ")} for ${where}: set them in the environment, in .env, or in ` +
        "~/.config/hrdkit/.env (the API login, API password and API key from HRD's purchase panel → " +
        "Ustawienia → API). `hrdkit sandbox` prints settings for a local sandbox.",
      EXIT.config,
    );
  }
  const bad: string[] = [];
  const portRaw = settings[name("PORT")];
  const port = portRaw ? Number(portRaw) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    bad.push(`${name("PORT")} must be a TCP port number, not "${portRaw}"`);
  }
  const apiKey = settings[name("API_KEY")]!;
  if (!/^[0-9a-fA-F]+$/.test(apiKey) || apiKey.length % 2) {
    bad.push(`${name("API_KEY")} must be hex digits (as HRD's panel shows the key)`);
  }
  let ca: string | undefined;
  const caFile = settings[name("CA_FILE")];
  if (caFile) {
    try {
      ca = readFileSync(caFile, "utf8");
    } catch (err) {
      bad.push(
        `${name("CA_FILE")}: cannot read ${caFile} (${(err as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
  }
  if (bad.length) throw new CliError(bad.join("\n"), EXIT.config);
  return {
    login: settings[name("LOGIN")]!,
    password: settings[name("PASSWORD")]!,
    apiKey,
    ...(settings[name("HOST")] ? { host: settings[name("HOST")]! } : {}),
    ...(port ? { port } : {}),
    ...(ca ? { ca } : {}),
    ...(settings[name("SERVERNAME")] ? { servername: settings[name("SERVERNAME")]! } : {}),
  };
}

/** The billing database: `DATABASE_URL`, or PGlite in `HRDKIT_DATA_DIR` (default `.hrdkit/bridge`, the bridge's own). */
export function databaseSettings(settings: Record<string, string | undefined>): {
  url: string;
  dataDir?: string;
} {
  const url = settings.DATABASE_URL ?? "";
  if (url) return { url };
  return { url: "", dataDir: settings.HRDKIT_DATA_DIR || settings.BRIDGE_DATA_DIR || ".hrdkit/bridge" };
}
