/**
 * The PHP side: the WHMCS registrar module (packages/bridge/php/whmcs) run by a real `php` and
 * PHPUnit against a running bridge and its embedded sandbox. The sandbox's admin interface is
 * started here so the PHP tests can move the sandbox clock and read the ledger; afterwards this
 * file checks the ledger itself (a repeated RegisterDomain bought once).
 *
 * Needs `php` (8.1+, ext-curl) and `phpunit` (Debian: php-cli php-xml php-curl phpunit); skipped
 * with a message when they are missing.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { domainToASCII, fileURLToPath } from "node:url";
import { type Bridge, createKey, startBridge } from "@hrdkit/bridge";
import { type AdminServer, startAdmin } from "@hrdkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const phpDir = resolve(dirname(fileURLToPath(import.meta.url)), "../php");
const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8" }).status === 0;
const phpReady = has("php", ["-r", "exit(PHP_VERSION_ID >= 80100 && function_exists('curl_init') ? 0 : 1);"]);
const phpunitReady = phpReady && has("phpunit", ["--version"]);

if (!phpunitReady) {
  console.warn(
    "php.test.ts skipped: php 8.1+ with ext-curl and phpunit are needed " +
      "(Debian: apt-get install -y php-cli php-xml php-curl phpunit)",
  );
}

interface Case {
  name: string;
  outcome: "passed" | "failed" | "skipped";
  message?: string;
}

/** The test cases of a JUnit report (what PHPUnit writes with --log-junit). */
function junitCases(xml: string): Case[] {
  const cases: Case[] = [];
  const re = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const m of xml.matchAll(re)) {
    const name = /\bname="([^"]*)"/.exec(m[1]!)?.[1] ?? "?";
    const inner = m[3] ?? "";
    const failure = /<(failure|error)\b[^>]*>([\s\S]*?)<\/\1>/.exec(inner);
    const skipped = /<skipped\b/.test(inner);
    cases.push({
      name,
      outcome: failure ? "failed" : skipped ? "skipped" : "passed",
      message: failure?.[2]?.slice(0, 600),
    });
  }
  return cases;
}

/** File names in a zip's central directory. */
function zipNames(zip: Buffer): string[] {
  const names: string[] = [];
  for (let i = 0; i < zip.length - 46; i++) {
    if (zip.readUInt32LE(i) !== 0x02014b50) continue;
    const len = zip.readUInt16LE(i + 28);
    const extra = zip.readUInt16LE(i + 30);
    const comment = zip.readUInt16LE(i + 32);
    names.push(zip.subarray(i + 46, i + 46 + len).toString("utf8"));
    i += 45 + len + extra + comment;
  }
  return names;
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
    const junit = join(workDir, "junit.xml");
    const run = await new Promise<{ code: number; out: string }>((done) => {
      execFile(
        "phpunit",
        ["-c", join(phpDir, "phpunit.xml"), "--log-junit", junit],
        {
          cwd: phpDir,
          env: {
            ...process.env,
            BRIDGE_URL: bridge.url,
            BRIDGE_KEY: key,
            SANDBOX_ADMIN_URL: admin.url,
            SANDBOX_ADMIN_TOKEN: admin.token,
          },
          timeout: 240_000,
          maxBuffer: 8 * 1024 * 1024,
        },
        (err, stdout, stderr) =>
          done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
      );
    });
    let cases: Case[] = [];
    try {
      cases = junitCases(readFileSync(junit, "utf8"));
    } catch {
      // no report: PHPUnit did not start; its output below says why
    }
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
