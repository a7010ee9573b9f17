/**
 * The PHP side: the WHMCS registrar module (packages/bridge/php/whmcs) run by a real `php` and
 * PHPUnit against a running bridge and its embedded sandbox. The sandbox's admin interface is
 * started here so the PHP tests can move the sandbox clock and read the ledger; afterwards this
 * file checks the ledger itself (a repeated RegisterDomain bought once).
 *
 * Needs `php` (8.1+, ext-curl) and `phpunit` (Debian: php-cli php-xml php-curl phpunit); skipped
 * with a message when they are missing.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { domainToASCII } from "node:url";
import { type Bridge, createKey, startBridge } from "@hrdkit/bridge";
import { type AdminServer, startAdmin } from "@hrdkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { has, phpDir, phpunitReady as phpunitReadyFor, runPhpunit, zipNames } from "./support/php.js";

const phpunitReady = phpunitReadyFor(["curl_init"]);

if (!phpunitReady) {
  console.warn(
    "php.test.ts skipped: php 8.1+ with ext-curl and phpunit are needed " +
      "(Debian: apt-get install -y php-cli php-xml php-curl phpunit)",
  );
}

describe("pack-php-modules.mjs", () => {
  it.each(["node:zlib", "zip"])("packs a self-contained WHMCS zip (%s)", (how) => {
    if (how === "zip" && !has("zip", ["-v"])) return;
    const out = mkdtempSync(join(tmpdir(), "hrdkit-pack-test-"));
    try {
      const r = spawnSync(
        process.execPath,
        [resolve(phpDir, "../../../scripts/pack-php-modules.mjs"), "--out", out],
        {
          encoding: "utf8",
          env: { ...process.env, HRDKIT_PACK_NO_ZIP: how === "zip" ? "" : "1" },
        },
      );
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`(${how})`);
      const names = zipNames(readFileSync(join(out, "hrdkit-whmcs.zip"))).filter((n) => !n.endsWith("/"));
      expect(names.sort()).toEqual([
        "modules/registrars/hrdkit/hrdkit.php",
        "modules/registrars/hrdkit/lib/HrdkitBridgeClient.php",
        "modules/registrars/hrdkit/templates/tradestatus.tpl",
        "modules/registrars/hrdkit/whmcs.json",
      ]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!phpunitReady)("WHMCS registrar module in PHP against the bridge", () => {
  let bridge: Bridge;
  let admin: AdminServer;
  let key: string;
  let workDir: string;

  beforeAll(async () => {
    bridge = await startBridge({ config: { port: 0, hrd: undefined, databaseUrl: undefined } });
    admin = await startAdmin(bridge.sandbox!, {});
    key = (await createKey(bridge.db, "whmcs php test")).key;
    workDir = mkdtempSync(join(tmpdir(), "hrdkit-php-"));
  }, 60_000);
  afterAll(async () => {
    await admin?.close();
    await bridge?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("passes every PHPUnit test, and the repeated RegisterDomain bought once", async () => {
    const run = await runPhpunit({
      workDir,
      env: {
        BRIDGE_URL: bridge.url,
        BRIDGE_KEY: key,
        SANDBOX_ADMIN_URL: admin.url,
        SANDBOX_ADMIN_TOKEN: admin.token,
      },
    });
    const cases = run.cases;
    const failed = cases.filter((c) => c.outcome === "failed");
    // One line per test, so a failing run says which module functions work.
    console.info(cases.map((c) => `${c.outcome.padEnd(7)} ${c.name}`).join("\n"));
    expect(
      failed.map((c) => `${c.name}: ${c.message}`),
      run.out,
    ).toEqual([]);
    expect(run.code, run.out).toBe(0);
    expect(cases.length).toBeGreaterThanOrEqual(15);
    expect(cases.filter((c) => c.outcome === "skipped")).toEqual([]);

    // The ledger, from this side: one registration charge for the domain WHMCS registered twice.
    const ledger = bridge.sandbox!.state.ledger;
    const polish = domainToASCII("żółw-whmcs.pl");
    expect(ledger.filter((e) => e.objectName === polish && e.type === "create")).toHaveLength(1);
    // The renewal was also asked for twice, and made once.
    expect(ledger.filter((e) => e.objectName === polish && e.type === "renew")).toHaveLength(1);
    // The wrong key bought nothing.
    expect(ledger.filter((e) => e.objectName === "nie-kupuj-whmcs.pl")).toHaveLength(0);
  }, 300_000);
});
