/**
 * `hrdkit-bridge staff create|list|disable|enable`, run as a user runs it: a separate process on
 * the bridge's PGlite folder, the password from HRDKIT_STAFF_PASSWORD or standard input (never an
 * argument). The login it makes must open the panel; a disabled one must not.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startBridge } from "@hrdkit/bridge";
import { afterAll, describe, expect, it } from "vitest";
import { PanelClient, STAFF_PASSWORD } from "./support/panel.js";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const tsx = import.meta.resolve("tsx");
const dir = mkdtempSync(join(tmpdir(), "hrdkit-staff-"));
const dataDir = join(dir, "state", "bridge");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `hrdkit-bridge …` from the sources; `stdin` is piped in. */
function cli(args: string[], o: { env?: Record<string, string>; stdin?: string } = {}) {
  const env = {
    ...process.env,
    BRIDGE_DATA_DIR: dataDir,
    DATABASE_URL: "",
    HRD_LOGIN: "",
    HRDKIT_STAFF_PASSWORD: "",
    ...o.env,
  };
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ["--conditions=@hrdkit/source", "--import", tsx, main, ...args],
      { env, cwd: dir },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(o.stdin ?? "");
  });
}

/** Logs in through the panel of a bridge started on the same folder; the POST's status. */
async function panelLogin(email: string, password: string): Promise<number> {
  const bridge = await startBridge({
    config: { dataDir, port: 0, databaseUrl: undefined, hrd: undefined },
    jobs: false,
  });
  try {
    const browser = new PanelClient(bridge);
    return (await browser.logIn(email, password)).status;
  } finally {
    await bridge.close();
  }
}

describe("hrdkit-bridge staff", () => {
  it("create takes the password from the environment, and the login opens the panel", async () => {
    const r = await cli(["staff", "create", "--email", "szef@zolw.example", "--name", "Jan Szef"], {
      env: { HRDKIT_STAFF_PASSWORD: STAFF_PASSWORD },
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("szef@zolw.example (Jan Szef)");
    expect(r.stdout).not.toContain(STAFF_PASSWORD);
    expect(await panelLogin("szef@zolw.example", STAFF_PASSWORD)).toBe(303);
  }, 60_000);

  it("create reads the password from standard input; list shows both", async () => {
    const r = await cli(["staff", "create", "--email=ania@zolw.example", "--name=Ania"], {
      stdin: "Inne-Haslo-Ani-2026\n",
    });
    expect(r.code).toBe(0);
    expect(await panelLogin("ania@zolw.example", "Inne-Haslo-Ani-2026")).toBe(303);
    const list = await cli(["staff", "list"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/active\s+szef@zolw\.example\s+Jan Szef/);
    expect(list.stdout).toMatch(/active\s+ania@zolw\.example\s+Ania/);
  }, 60_000);

  it("refuses a bad or duplicate login naming the fields, and wrong usage", async () => {
    const bad = await cli(["staff", "create", "--email", "nie-email", "--name", "X"], {
      env: { HRDKIT_STAFF_PASSWORD: "krótkie" },
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/email/);
    expect(bad.stderr).toMatch(/password/);
    expect(bad.stderr).not.toContain("krótkie");
    const dup = await cli(["staff", "create", "--email", "szef@zolw.example", "--name", "Ktoś"], {
      env: { HRDKIT_STAFF_PASSWORD: STAFF_PASSWORD },
    });
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("has a login already");
    const usage = await cli(["staff", "create", "--email", "a@b.example"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: hrdkit-bridge staff create");
  }, 60_000);

  it("disable blocks the login; enable lets it in again", async () => {
    const off = await cli(["staff", "disable", "ania@zolw.example"]);
    expect(off.code).toBe(0);
    expect((await cli(["staff", "list"])).stdout).toMatch(/disabled\s+ania@zolw\.example/);
    expect(await panelLogin("ania@zolw.example", "Inne-Haslo-Ani-2026")).toBe(401);
    expect((await cli(["staff", "enable", "ania@zolw.example"])).code).toBe(0);
    expect(await panelLogin("ania@zolw.example", "Inne-Haslo-Ani-2026")).toBe(303);
    expect((await cli(["staff", "disable", "nikt@zolw.example"])).code).toBe(1);
  }, 60_000);
});
