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
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

/** Every .php file under packages/bridge/php (relative paths). */
function phpFiles(dir = phpDir, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? phpFiles(join(dir, e.name), `${prefix}${e.name}/`)
      : e.name.endsWith(".php")
        ? [`${prefix}${e.name}`]
        : [],
  );
}

/** The PHP the modules claim (README, docs/bridge, the module headers): keep in step with them. */
const CLAIMED_PHP = "8.1";

describe.skipIf(!has("php", ["-v"]))("PHP version support of the module files", () => {
  const shipped = phpFiles().filter((f) => !f.startsWith("tests/"));
  const features = (files: string[], cwd = phpDir) => {
    const r = spawnSync("php", [join(phpDir, "tests/php-features.php"), ...files], { cwd, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { file: string; min: string; features: [string, string, number][] });
  };
  const newer = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true }) > 0;

  it("lints every PHP file with php -l", () => {
    expect(shipped.length).toBeGreaterThanOrEqual(4);
    for (const f of phpFiles()) {
      const r = spawnSync("php", ["-l", f], { cwd: phpDir, encoding: "utf8" });
      expect(r.status, `${f}: ${r.stdout}${r.stderr}`).toBe(0);
    }
  });

  it(`uses no syntax newer than PHP ${CLAIMED_PHP} in the shipped modules, and needs ${CLAIMED_PHP} (the claim is the true minimum)`, () => {
    const found = features(shipped);
    const tooNew = found.flatMap((f) =>
      f.features
        .filter(([v]) => newer(v, CLAIMED_PHP))
        .map(([v, what, line]) => `${f.file}:${line} ${what} (PHP ${v})`),
    );
    expect(tooNew).toEqual([]);
    expect(found.map((f) => f.min).reduce((a, b) => (newer(b, a) ? b : a))).toBe(CLAIMED_PHP);
  });

  it(`states that minimum (PHP ${CLAIMED_PHP}, WHMCS 8.6) wherever the modules' requirements are written`, () => {
    const repo = resolve(phpDir, "../../..");
    const read = (f: string) => readFileSync(join(repo, f), "utf8");
    for (const f of [
      "docs/bridge/whmcs.en.md",
      "docs/bridge/whmcs-ssl.en.md",
      "docs/bridge/hostbill.en.md",
    ]) {
      expect(read(f), f).toContain(`PHP ${CLAIMED_PHP} or newer`);
      // WHMCS before 8.6 cannot run PHP 8.1: no "7.x works" claims.
      expect(read(f), f).not.toMatch(/7\.10\+ works|WHMCS 8\.x \(7/);
    }
    expect(read("docs/bridge/whmcs.en.md")).toContain("WHMCS 8.6 or newer");
    for (const m of ["registrars/hrdkit", "servers/hrdkitssl"]) {
      const json = JSON.parse(read(`packages/bridge/php/whmcs/modules/${m}/whmcs.json`));
      expect(json.description.short).toContain(`WHMCS 8.6 or newer on PHP ${CLAIMED_PHP} or newer`);
    }
    expect(read("packages/bridge/php/shared/HrdkitBridgeClient.php")).toContain(`PHP ${CLAIMED_PHP}+`);
  });

  it("the feature scanner sees syntax of 8.1–8.4 (so the check above can fail)", () => {
    const dir = mkdtempSync(join(tmpdir(), "hrdkit-php-features-"));
    try {
      const sample = join(dir, "sample.php");
      writeFileSync(
        sample,
        "<?php\nenum A { case X; }\nfunction f(): never { exit; }\n$c = strlen(...);\n" +
          "readonly class B {}\nclass C { const int X = 1; public private(set) int $p = 1; }\n",
      );
      const [r] = features([sample]);
      expect(r!.features.map(([v, what]) => `${v} ${what}`)).toEqual([
        "8.1 enum",
        "8.1 never return type",
        "8.1 first-class callable syntax",
        "8.2 readonly class",
        "8.3 typed class constant",
        "8.4 asymmetric visibility",
      ]);
      expect(r!.min).toBe("8.4");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

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
    // Refused twice (invalid PESEL, bad phone), then corrected and repeated: bought once.
    expect(ledger.filter((e) => e.objectName === "poprawka-whmcs.pl" && e.type === "create")).toHaveLength(1);
    // The PESEL kept only in a WHMCS client custom field (sent as an id/value pair) is the registrant's at HRD.
    const { domains, users } = bridge.sandbox!.state;
    expect(users.get(domains.get("pesel-klienta-whmcs.pl")!.user)?.idNumber).toBe("44051401359");
    // A transfer failed with a wrong code, then re-sent (twice) with the right one: charged once.
    expect(ledger.filter((e) => e.objectName === "taken-whmcs-zly.pl" && e.type === "transfer")).toHaveLength(
      1,
    );
  }, 300_000);
});
