/** What the PHP module tests share: tool checks, the JUnit report of PHPUnit, zip listings. */
import { execFile, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const phpDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../php");

export const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8" }).status === 0;

/** PHP 8.1+ with the extensions named (by one of their functions) and PHPUnit. */
export function phpunitReady(functions: string[]): boolean {
  const check = functions.map((f) => `function_exists('${f}')`).join(" && ");
  return (
    has("php", ["-r", `exit(PHP_VERSION_ID >= 80100 && ${check} ? 0 : 1);`]) && has("phpunit", ["--version"])
  );
}

export interface Case {
  /** `Class::method` when the report names the class. */
  name: string;
  outcome: "passed" | "failed" | "skipped";
  message?: string;
}

/** The test cases of a JUnit report (what PHPUnit writes with --log-junit). */
export function junitCases(xml: string): Case[] {
  const cases: Case[] = [];
  const re = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const m of xml.matchAll(re)) {
    const name = /\bname="([^"]*)"/.exec(m[1]!)?.[1] ?? "?";
    const cls = /\bclass="([^"]*)"/.exec(m[1]!)?.[1] ?? "";
    const inner = m[3] ?? "";
    const failure = /<(failure|error)\b[^>]*>([\s\S]*?)<\/\1>/.exec(inner);
    const skipped = /<skipped\b/.test(inner);
    cases.push({
      name: cls ? `${cls}::${name}` : name,
      outcome: failure ? "failed" : skipped ? "skipped" : "passed",
      message: failure?.[2]?.slice(0, 600),
    });
  }
  return cases;
}

/** File names in a zip's central directory. */
export function zipNames(zip: Buffer): string[] {
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

/**
 * Runs PHPUnit with packages/bridge/php/phpunit.xml (optionally some of its suites) and reads its
 * JUnit report; `cases` is empty when PHPUnit did not start (then `out` says why).
 */
export async function runPhpunit(options: {
  workDir: string;
  env: Record<string, string>;
  suites?: string[];
}): Promise<{ code: number; out: string; cases: Case[] }> {
  const junit = join(options.workDir, "junit.xml");
  const args = ["-c", join(phpDir, "phpunit.xml"), "--log-junit", junit];
  if (options.suites) args.push("--testsuite", options.suites.join(","));
  const run = await new Promise<{ code: number; out: string }>((done) => {
    execFile(
      "phpunit",
      args,
      { cwd: phpDir, env: { ...process.env, ...options.env }, timeout: 240_000, maxBuffer: 8 * 1024 * 1024 },
      (err, stdout, stderr) =>
        done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
  let cases: Case[] = [];
  try {
    cases = junitCases(readFileSync(junit, "utf8"));
  } catch {
    // no report: PHPUnit did not start
  }
  return { ...run, cases };
}
