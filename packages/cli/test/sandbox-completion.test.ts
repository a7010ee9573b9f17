import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { BIN, baseEnv, runCli, useBuiltCli } from "./support/cli.js";

useBuiltCli();

/** Starts `hrdkit sandbox …` and resolves with its first stdout line once it listens. */
function startSandboxCommand(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((done) => child.on("close", (code) => done(code)));
  const first = new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout }).once("line", done);
    child.on("close", () => fail(new Error(`hrdkit sandbox exited: ${stderr}`)));
  });
  return { child, first, exited, stderr: () => stderr };
}

describe("hrdkit sandbox", () => {
  it("prints settings, writes a private .env that hrdkit then uses, and stops cleanly on Ctrl-C", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "hrdkit-sbx-"));
    writeFileSync(join(cwd, ".env"), "DATABASE_URL=postgres://keep-me\nHRD_LOGIN=stale\n");
    const env = baseEnv();
    const s = startSandboxCommand(
      ["sandbox", "--write-env", ".env", "--json", "--balance", "4321"],
      env,
      cwd,
    );
    const listening = JSON.parse(await s.first);
    expect(listening.event).toBe("listening");
    expect(listening.settings.HRD_CA_FILE).toMatch(/sandbox-ca\.pem$/);
    const dotenv = readFileSync(join(cwd, ".env"), "utf8");
    expect(dotenv).toContain("DATABASE_URL=postgres://keep-me");
    expect(dotenv).not.toContain("HRD_LOGIN=stale");
    expect(dotenv).toContain(`HRD_API_KEY=${listening.settings.HRD_API_KEY}`);
    expect(statSync(join(cwd, ".env")).mode & 0o777).toBe(0o600);

    const balance = await runCli(["balance", "--json"], { cwd, env });
    expect(balance.stderr).toBe("");
    expect(JSON.parse(balance.stdout).balanceGrosze).toBe(4321);

    s.child.kill("SIGINT");
    expect(await s.exited).toBe(0);
  });

  it("with --profile writes HRD_<NAME>_* settings that only that profile reads", async () => {
    const home = mkdtempSync(join(tmpdir(), "hrdkit-home-"));
    const env = baseEnv({ XDG_CONFIG_HOME: home });
    const envFile = join(home, "hrdkit", ".env");
    const s = startSandboxCommand(["--profile", "shop-2", "sandbox", "--write-env", envFile], env, home);
    const firstLine = await s.first;
    expect(firstLine).toMatch(/^HRD_SHOP_2_HOST=127\.0\.0\.1$/);
    const ok = await runCli(["--profile", "shop-2", "balance"], { cwd: home, env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/balance: +10000\.00 PLN/);
    const noDefault = await runCli(["balance"], { cwd: home, env });
    expect(noDefault.code).toBe(3);
    expect(noDefault.stderr).toContain("HRD_LOGIN, HRD_PASSWORD, HRD_API_KEY");
    const unknown = await runCli(["--profile", "shop-3", "balance"], { cwd: home, env });
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain("HRD_SHOP_3_LOGIN");
    expect(unknown.stderr).toContain('profile "shop-3"');
    s.child.kill("SIGTERM");
    expect(await s.exited).toBe(0);
  });
});

describe("hrdkit completion", () => {
  /** What bash offers after typing `line` and pressing Tab, with the generated script loaded. */
  async function complete(line: string): Promise<string[]> {
    const script = (await runCli(["completion", "bash"])).stdout;
    const dir = mkdtempSync(join(tmpdir(), "hrdkit-compl-"));
    writeFileSync(join(dir, "c.bash"), script);
    const words = line.split(" ");
    const out = execFileSync(
      "bash",
      [
        "-c",
        `source "$0/c.bash"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _hrdkit; printf '%s\\n' "\${COMPREPLY[@]}"`,
        dir,
      ],
      { encoding: "utf8" },
    );
    return out.split("\n").filter(Boolean);
  }

  it("completes commands, options and nested subcommands in bash", async () => {
    expect(await complete("hrdkit ba")).toEqual(["balance"]);
    expect(await complete("hrdkit --pro")).toEqual(["--profile"]);
    expect(await complete("hrdkit sandbox --wri")).toEqual(["--write-env"]);
    expect(await complete("hrdkit --json completion ")).toEqual(["bash", "zsh", "fish"]);
    expect(await complete("hrdkit bulk re")).toEqual(["register", "renew"]);
    expect(await complete("hrdkit billing invoices ")).toEqual(["export-ksef"]);
    expect(await complete("hrdkit --profile shop bulk register --con")).toEqual(["--concurrency"]);
  });

  it("prints zsh and fish scripts that name every command", async () => {
    const zsh = await runCli(["completion", "zsh"]);
    expect(zsh.stdout).toContain("#compdef hrdkit");
    const fish = await runCli(["completion", "fish"]);
    expect(fish.stdout).toContain("complete -c hrdkit -n '__fish_use_subcommand' -a 'balance");
    const bad = await runCli(["completion", "powershell"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("bash, zsh, fish");
  });
});
