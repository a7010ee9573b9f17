import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, useBuiltCli } from "./support/cli.js";
import { type CliSandbox, startCliSandbox } from "./support/sandbox.js";

useBuiltCli();
let sb: CliSandbox;
beforeAll(async () => {
  sb = await startCliSandbox();
});
afterAll(() => sb.close());

const checks = () => sb.sandbox.counts.get("domain/check") ?? 0;

describe("hrdkit check", () => {
  it("checks names given as arguments and prints a table of statuses", async () => {
    const run = await runCli(["check", "wolna-nazwa.pl", "taken-cos.pl", "hrd.pl", "tylko-nowa.pl"], {
      env: sb.env(),
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const rows = run.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^name\s+status$/);
    expect(rows.slice(1).map((r) => r.split(/\s+/))).toEqual([
      ["wolna-nazwa.pl", "available"],
      ["taken-cos.pl", "taken"],
      ["hrd.pl", "taken"],
      ["tylko-nowa.pl", "createOnly"],
    ]);
  });

  it("a file with bad lines: every bad one named with its line number, nothing sent, exit 2", async () => {
    const file = join(sb.dir, "with-bad.txt");
    writeFileSync(file, "# leads\ndobra.pl\nzla..nazwa.pl\n\nkolejna.pl\n-zle.pl\nostatnia.com.pl\n");
    const before = checks();
    const run = await runCli(["check", "--file", file], { env: sb.env() });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`${file} line 3: "zla..nazwa.pl" is not a valid domain name`);
    expect(run.stderr).toContain(`${file} line 6: "-zle.pl" is not a valid domain name`);
    expect(run.stderr).not.toMatch(/line (2|5|7)\b/);
    expect(checks()).toBe(before);
  });

  it("bad names given as arguments are all named too, and bad flags with them", async () => {
    const run = await runCli(["check", "ok.pl", "nie ok", "x", "--batch-size", "500"], { env: sb.env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('name 2: "nie ok" is not a valid domain name');
    expect(run.stderr).toContain('name 3: "x" is not a valid domain name');
    expect(run.stderr).toContain("--batch-size: must be a whole number from 1 to 100");
  });

  it("reads names from stdin with '-' and when stdin is piped with no names; first column of CSV", async () => {
    const input = "name,note\nalfa-sklep.pl,nowy klient\n\n# skip me\n  beta-sklep.pl  \ngoogle.pl;x\n";
    for (const args of [["check", "-"], ["check"]]) {
      const run = await runCli([...args, "--json"], { env: sb.env(), input });
      expect(run.code).toBe(0);
      expect(
        run.stdout
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l)),
      ).toEqual([
        { name: "alfa-sklep.pl", status: "available" },
        { name: "beta-sklep.pl", status: "available" },
        { name: "google.pl", status: "taken" },
      ]);
    }
  });

  it("1 200 names from a file in several batches over the pool: one JSON line per name, in order", async () => {
    const names = Array.from({ length: 1200 }, (_, i) =>
      i % 3 === 0 ? `taken-n${i}.pl` : `wolna-${i}.com.pl`,
    );
    const file = join(sb.dir, "many.txt");
    writeFileSync(file, `${names.join("\n")}\n`);
    const before = checks();
    const run = await runCli(["check", "--file", file, "--json", "--batch-size", "100", "--pool", "4"], {
      env: sb.env(),
    });
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { name: string; status: string });
    expect(lines.map((l) => l.name)).toEqual(names);
    expect(lines.filter((l) => l.status === "taken")).toHaveLength(400);
    expect(checks() - before).toBe(12);
    // Progress goes to stderr as JSON lines, never into the results.
    const progress = run.stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(progress.at(-1)).toEqual({ event: "progress", label: "check", done: 1200, total: 1200 });
  });

  it("--available prints only the free names, one per line", async () => {
    const run = await runCli(
      ["check", "--available", "wolne-a.pl", "onet.pl", "wolne-b.eu", "unknown-x.pl"],
      {
        env: sb.env(),
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("wolne-a.pl\nwolne-b.eu\n");
  });

  it("on a terminal, a multi-batch check draws a progress bar with a percentage", async () => {
    const file = join(sb.dir, "bar.txt");
    writeFileSync(file, Array.from({ length: 600 }, (_, i) => `bar-${i}.pl`).join("\n"));
    const run = await runCli(["check", "--file", file, "--batch-size", "50", "--available"], {
      env: sb.env(),
      tty: true,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/check \[[^\]]*\] 100% 600\/600/);
    expect(run.stdout).toContain("bar-599.pl");
  });

  it("no names at all is a usage error", async () => {
    const run = await runCli(["check"], { env: sb.env(), input: "\n# nothing\n" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no names to check in stdin");
  });
});
