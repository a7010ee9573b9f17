/**
 * The PHP side, second part: the WHMCS SSL server module (hrdkitssl) and the HostBill domain
 * module (hrdkit), run by a real `php` and PHPUnit (suites `whmcs-ssl` and `hostbill` of
 * packages/bridge/php/phpunit.xml) against a running bridge and its embedded sandbox. The sandbox's
 * admin interface is started so the PHP tests can move the clock (the approver's click) and read
 * the ledger; afterwards this file checks the ledger itself: one charge per purchase, however
 * often the panel repeated it.
 *
 * Needs `php` (8.1+, ext-curl, ext-openssl) and `phpunit` (Debian: php-cli php-xml php-curl
 * phpunit); skipped with a message when they are missing.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { domainToASCII, fileURLToPath } from "node:url";
import { type Bridge, createKey, startBridge } from "@hrdkit/bridge";
import { type AdminServer, startAdmin } from "@hrdkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { phpunitReady as phpunitReadyFor, runPhpunit, zipNames } from "./support/php.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const phpunitReady = phpunitReadyFor(["curl_init", "openssl_csr_new"]);

if (!phpunitReady) {
  console.warn(
    "php-ssl-hostbill.test.ts skipped: php 8.1+ with ext-curl and ext-openssl, and phpunit, are needed " +
      "(Debian: apt-get install -y php-cli php-xml php-curl phpunit)",
  );
}

describe("pack-php-modules.mjs (SSL and HostBill zips)", () => {
  it("packs self-contained WHMCS SSL and HostBill zips, and keeps the registrar zip as it was", () => {
    const out = mkdtempSync(join(tmpdir(), "hrdkit-pack-test-"));
    try {
      const r = spawnSync(process.execPath, [join(root, "scripts/pack-php-modules.mjs"), "--out", out], {
        encoding: "utf8",
        env: { ...process.env, HRDKIT_PACK_NO_ZIP: "1" },
      });
      expect(r.status, r.stderr).toBe(0);
      const files = (zip: string) =>
        zipNames(readFileSync(join(out, zip)))
          .filter((n) => !n.endsWith("/"))
          .sort();
      expect(files("hrdkit-whmcs-ssl.zip")).toEqual([
        "modules/servers/hrdkitssl/hrdkitssl.php",
        "modules/servers/hrdkitssl/lib/HrdkitBridgeClient.php",
        "modules/servers/hrdkitssl/templates/overview.tpl",
        "modules/servers/hrdkitssl/whmcs.json",
      ]);
      expect(files("hrdkit-hostbill.zip")).toEqual([
        "includes/modules/Domain/hrdkit/class.hrdkit.php",
        "includes/modules/Domain/hrdkit/lib/HrdkitBridgeClient.php",
      ]);
      expect(files("hrdkit-whmcs.zip").every((n) => n.startsWith("modules/registrars/hrdkit/"))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!phpunitReady)("WHMCS SSL and HostBill modules in PHP against the bridge", () => {
  let bridge: Bridge;
  let admin: AdminServer;
  let key: string;
  let workDir: string;

  beforeAll(async () => {
    bridge = await startBridge({ config: { port: 0, hrd: undefined, databaseUrl: undefined } });
    admin = await startAdmin(bridge.sandbox!, {});
    key = (await createKey(bridge.db, "ssl and hostbill php test")).key;
    workDir = mkdtempSync(join(tmpdir(), "hrdkit-php-ssl-"));
  }, 60_000);
  afterAll(async () => {
    await admin?.close();
    await bridge?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it("passes every PHPUnit test, with one charge per purchase", async () => {
    const run = await runPhpunit({
      workDir,
      env: {
        BRIDGE_URL: bridge.url,
        BRIDGE_KEY: key,
        SANDBOX_ADMIN_URL: admin.url,
        SANDBOX_ADMIN_TOKEN: admin.token,
      },
      suites: ["whmcs-ssl", "hostbill"],
    });
    const cases = run.cases;
    console.info(cases.map((c) => `${c.outcome.padEnd(7)} ${c.name}`).join("\n"));
    expect(
      cases.filter((c) => c.outcome === "failed").map((c) => `${c.name}: ${c.message}`),
      run.out,
    ).toEqual([]);
    expect(run.code, run.out).toBe(0);
    expect(cases.filter((c) => c.name.startsWith("WhmcsSslTest::")).length).toBeGreaterThanOrEqual(7);
    expect(cases.filter((c) => c.name.startsWith("HostbillDomainTest::")).length).toBeGreaterThanOrEqual(10);
    expect(cases.filter((c) => c.outcome === "skipped")).toEqual([]);

    const ledger = bridge.sandbox!.state.ledger;
    // WHMCS: the certificate ordered twice (Create retried) and renewed twice, charged once each;
    // the order with a wrong approver bought nothing.
    const certs = ledger.filter((e) => e.object === "cert");
    expect(certs.filter((e) => e.type === "create")).toHaveLength(1);
    expect(certs.filter((e) => e.type === "renew")).toHaveLength(1);
    expect(new Set(certs.map((e) => e.objectId)).size).toBe(1);
    // HostBill: the Polish domain registered twice and renewed twice, charged once each.
    const polish = domainToASCII("źdźbło-hostbill.pl");
    expect(ledger.filter((e) => e.objectName === polish && e.type === "create")).toHaveLength(1);
    expect(ledger.filter((e) => e.objectName === polish && e.type === "renew")).toHaveLength(1);
    expect(ledger.filter((e) => e.objectName === "bez-peselu-hostbill.pl")).toHaveLength(0);
    // A transfer failed with a wrong code, then re-sent with the right one: one transfer charge.
    expect(
      ledger.filter((e) => e.objectName === "taken-hostbill-zly.pl" && e.type === "transfer"),
    ).toHaveLength(1);
  }, 300_000);
});
