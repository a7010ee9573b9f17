/**
 * `hrdkit-bridge key create|list|revoke`, run as a user runs it: a separate process on the
 * bridge's PGlite folder. The key it prints must sign requests the bridge accepts, and a key it
 * revokes must be refused.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { BridgeClient, BridgeClientError, startBridge } from "@hrdkit/bridge";
import { afterAll, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const tsx = import.meta.resolve("tsx");
const dir = mkdtempSync(join(tmpdir(), "hrdkit-keys-"));
const dataDir = join(dir, "state", "bridge");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `hrdkit-bridge …` from the sources, with the environment a fresh shell would have. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, BRIDGE_DATA_DIR: dataDir, DATABASE_URL: "", HRD_LOGIN: "" };
  try {
    const r = await promisify(execFile)(
      process.execPath,
      ["--conditions=@hrdkit/source", "--import", tsx, main, ...args],
      { env, cwd: dir },
    );
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** One signed request to a bridge started on the same folder (PGlite: one process at a time). */
async function availability(key: string): Promise<number> {
  const bridge = await startBridge({
    config: { dataDir, port: 0, databaseUrl: undefined, hrd: undefined },
    jobs: false,
  });
  try {
    const r = await new BridgeClient({ url: bridge.url, key }).call("POST", "/v1/domains/availability", {
      names: ["hrd.pl"],
    });
    return r.status;
  } catch (e) {
    if (e instanceof BridgeClientError) return e.status;
    throw e;
  } finally {
    await bridge.close();
  }
}

describe("hrdkit-bridge key", () => {
  let key = "";
  let id = "";

  it("create prints a key once, and the bridge accepts requests signed with it", async () => {
    const r = await cli("key", "create", "WHMCS production");
    expect(r.code, r.stderr).toBe(0);
    const m = /^hk_([0-9a-f]+)\.\S+$/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    [key, id] = [m![0], m![1]!];
    expect(await availability(key)).toBe(200);
  }, 120_000);

  it("list shows the key's id, state and name, never its secret", async () => {
    const r = await cli("key", "list");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^hk_${id}\\s+active\\s+made \\S+\\s+WHMCS production$`, "m"));
    expect(r.stdout).not.toContain(key.split(".")[1]!);
  }, 60_000);

  it("revoke takes the key as pasted; the bridge then refuses it", async () => {
    const r = await cli("key", "revoke", key);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`hk_${id} revoked`);
    expect((await cli("key", "list")).stdout).toMatch(new RegExp(`^hk_${id}\\s+revoked `, "m"));
    expect(await availability(key)).toBe(401);
  }, 120_000);

  it("says what is wrong: a key revoked twice, an unknown key, a wrong subcommand", async () => {
    const again = await cli("key", "revoke", `hk_${id}`);
    expect([again.code, again.stderr]).toEqual([
      1,
      `hrdkit-bridge key revoke: key hk_${id} is revoked already\n`,
    ]);
    const unknown = await cli("key", "revoke", "hk_000000000000");
    expect([unknown.code, unknown.stderr]).toEqual([1, "hrdkit-bridge key revoke: no key hk_000000000000\n"]);
    const wrong = await cli("key", "delete", id);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("usage: hrdkit-bridge key create [name]");
  }, 60_000);
});
