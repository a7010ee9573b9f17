import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SandboxState } from "@hrdkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, runCli, useBuiltCli } from "./support/cli.js";
import { type CliSandbox, startCliSandbox } from "./support/sandbox.js";

useBuiltCli();
let sb: CliSandbox;
let user: number;
beforeAll(async () => {
  sb = await startCliSandbox({ balance: 50_000_000 });
  user = addUser(sb.sandbox.state);
});
afterAll(() => sb.close());

/** A registrant account, as `user/create` would leave it. */
function addUser(state: SandboxState): number {
  const id = state.newUserId();
  state.users.set(id, {
    id,
    type: "person",
    idNumber: "44051401359",
    email: "jan.kowalski@example.com",
    landlinePhone: "+48.221003248",
    name: "Jan Kowalski",
    street: "ul. Marszałkowska 1",
    postcode: "00-001",
    city: "Warszawa",
    country: "PL",
    crDate: new Date(),
  });
  return id;
}

/** Charges per domain of one type, from the sandbox's ledger (actions finished first). */
function charges(type: string): Map<string, number> {
  sb.sandbox.state.tick();
  const m = new Map<string, number>();
  for (const e of sb.sandbox.state.ledger) {
    if (e.type === type && e.objectName) m.set(e.objectName, (m.get(e.objectName) ?? 0) + 1);
  }
  return m;
}

function write(name: string, text: string): string {
  const path = join(sb.dir, name);
  writeFileSync(path, text);
  return path;
}

const jsonLines = (s: string) =>
  s
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const journalOf = (csv: string) =>
  jsonLines(readFileSync(`${csv}.hrdkit-journal`, "utf8")) as {
    type: string;
    domain?: string;
    line?: number;
  }[];

describe("hrdkit bulk register", () => {
  it("registers 28 of 30 rows, reports the 2 bad ones by line and field, exits 1; a rerun buys nothing", async () => {
    const rows = ["domain,user,period,ns1,ns2"];
    for (let i = 1; i <= 30; i++) {
      if (i === 6) rows.push(`zly-okres.pl,${user},12,ns1.hrd.pl,ns2.hrd.pl`);
      else if (i === 19) rows.push(`bez konta.pl,,1,ns1.hrd.pl,ns2.hrd.pl`);
      else rows.push(`hurt-${String(i).padStart(2, "0")}.pl,${user},${1 + (i % 3)},ns1.hrd.pl,ns2.hrd.pl`);
    }
    const csv = write("hurt.csv", `${rows.join("\r\n")}\r\n`);
    const run = await runCli(["bulk", "register", csv], { env: sb.env() });
    expect(run.code).toBe(1);
    // Line numbers count the header as line 1: row i is on line i + 1.
    expect(run.stderr).toContain('line 7 (zly-okres.pl): period: must be 1–10 (years), not "12"');
    expect(run.stderr).toMatch(
      /line 20 \(bez konta\.pl\): domain: "bez konta\.pl" is not a valid domain name/,
    );
    expect(run.stderr).toMatch(/line 20 \(bez konta\.pl\): user: is required/);
    // Not a TTY: plain progress lines.
    expect(run.stderr).toMatch(/bulk register: 28\/28 \(100%\)/);
    expect(run.stdout).toMatch(/^registered +28$/m);
    expect(run.stdout).toMatch(/^invalid +2$/m);
    expect(run.stdout).toMatch(/^total +30$/m);
    const bought = charges("create");
    expect([...bought.keys()].filter((n) => n.startsWith("hurt-")).length).toBe(28);
    expect([...bought.values()].every((n) => n === 1)).toBe(true);
    expect(sb.sandbox.state.domains.get("hurt-05.pl")).toMatchObject({ status: "registered", user });
    expect(sb.sandbox.state.domains.has("zly-okres.pl")).toBe(false);

    // The same command again: every row comes from the journal, nothing is sent to buy.
    const creates = sb.sandbox.counts.get("domain/create") ?? 0;
    const again = await runCli(["bulk", "register", csv, "--json"], { env: sb.env() });
    expect(again.code).toBe(1);
    const lines = jsonLines(again.stdout);
    const perRow = lines.filter((l) => "line" in l);
    expect(perRow).toHaveLength(30);
    expect(perRow.filter((l) => l.status === "registered" && l.earlier === true)).toHaveLength(28);
    expect(perRow.find((l) => l.line === 7)).toMatchObject({ status: "invalid", domain: "zly-okres.pl" });
    expect(lines.at(-1)).toMatchObject({ summary: { registered: 28, invalid: 2 }, rows: 30, exitCode: 1 });
    expect(sb.sandbox.counts.get("domain/create") ?? 0).toBe(creates);
    for (const l of jsonLines(again.stderr)) expect(l.event).toBeDefined();
  });

  it('reads a ";" file with a BOM and Unicode (IDN) names, as Polish Excel saves it', async () => {
    const csv = write(
      "excel.csv",
      `\uFEFFdomain;user;period;ns1;ns2\r\nżółta-łódź.pl;${user};1;ns1.hrd.pl;ns2.hrd.pl\r\nsklep-średni.com.pl;${user};;ns1.hrd.pl;ns2.hrd.pl\r\n;;;;\r\n`,
    );
    const run = await runCli(["bulk", "register", csv, "--json"], { env: sb.env() });
    expect(run.stderr).not.toMatch(/"event":"(warning|error)"/);
    expect(run.code).toBe(0);
    const perRow = jsonLines(run.stdout).filter((l) => "line" in l);
    expect(perRow.map((l) => [l.line, l.domain, l.status])).toEqual([
      [2, "żółta-łódź.pl", "registered"],
      [3, "sklep-średni.com.pl", "registered"],
    ]);
    const ascii = [...sb.sandbox.state.domains.keys()].filter((n) => n.startsWith("xn--"));
    expect(ascii.length).toBeGreaterThanOrEqual(2);
  });

  it("--strict refuses a file with a bad row: exit 2, every bad row named, no journal, nothing sent", async () => {
    const csv = write(
      "strict.csv",
      `domain,user,period,ns1,ns2\nrygor-1.pl,${user},1,ns1.hrd.pl,ns2.hrd.pl\nrygor-2.pl,${user},0,ns1.hrd.pl,ns2.hrd.pl\nrygor-1.pl,${user},1,ns1.hrd.pl,ns2.hrd.pl\n`,
    );
    const connections = sb.sandbox.connections();
    const run = await runCli(["bulk", "register", csv, "--strict"], { env: sb.env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("nothing was sent (--strict)");
    expect(run.stderr).toContain('line 3: period: must be 1–10 (years), not "0"');
    expect(run.stderr).toContain("line 2: domain: rygor-1.pl is also on line 4");
    expect(run.stderr).toContain("line 4: domain: rygor-1.pl is also on line 2");
    expect(existsSync(`${csv}.hrdkit-journal`)).toBe(false);
    expect(sb.sandbox.connections()).toBe(connections);
    expect(sb.sandbox.state.domains.has("rygor-1.pl")).toBe(false);
  });

  it("a header this operation does not know is refused before any row (a misspelt column is not ignored)", async () => {
    const csv = write("typo.csv", `domain,user,perod\nliterowka.pl,${user},2\n`);
    const run = await runCli(["bulk", "register", csv, "--ns", "ns1.hrd.pl,ns2.hrd.pl"], { env: sb.env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown column: perod");
    expect(existsSync(`${csv}.hrdkit-journal`)).toBe(false);
  });

  it("refuses a file changed since its journal began, unless --new-journal (which buys nothing twice)", async () => {
    const first = `domain,user\nzmiana-1.pl,${user}\nzmiana-2.pl,${user}\n`;
    const csv = write("zmiana.csv", first);
    const ns = ["--ns", "ns1.hrd.pl,ns2.hrd.pl"];
    expect((await runCli(["bulk", "register", csv, ...ns], { env: sb.env() })).code).toBe(0);
    writeFileSync(csv, `${first}zmiana-3.pl,${user}\n`);
    const refused = await runCli(["bulk", "register", csv, ...ns], { env: sb.env() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("the file changed since that run began");
    expect(refused.stderr).toContain("--new-journal");

    const dry = await runCli(["bulk", "register", csv, ...ns, "--new-journal", "--dry-run"], {
      env: sb.env(),
    });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/zmiana-3\.pl +register/);

    const run = await runCli(["bulk", "register", csv, ...ns, "--new-journal", "--json"], { env: sb.env() });
    expect(run.code).toBe(0);
    const perRow = jsonLines(run.stdout).filter((l) => "line" in l);
    expect(perRow.map((l) => l.status)).toEqual(["already", "already", "registered"]);
    expect(charges("create").get("zmiana-1.pl")).toBe(1);
    const aside = readdirSync(sb.dir).filter((f) => f.startsWith("zmiana.csv.hrdkit-journal."));
    expect(aside).toHaveLength(1);
  });

  it("--dry-run shows what the journal settled and what would run, and sends nothing", async () => {
    const csv = write("plan.csv", `domain,user,ns1,ns2\nplan-1.pl,${user},ns1.hrd.pl,ns2.hrd.pl\n`);
    expect((await runCli(["bulk", "register", csv], { env: sb.env() })).code).toBe(0);
    const connections = sb.sandbox.connections();
    const dry = await runCli(["bulk", "register", csv, "--dry-run", "--json"], { env: sb.env() });
    expect(dry.code).toBe(0);
    const lines = jsonLines(dry.stdout);
    expect(lines[0]).toMatchObject({ line: 2, domain: "plan-1.pl", plan: "skip-earlier", dryRun: true });
    expect(sb.sandbox.connections()).toBe(connections);
  });

  it("on a terminal: a progress bar with percentage and ETA, then the summary table", async () => {
    sb.sandbox.faults.add({ kind: "delay", operation: "domain/create", delayMs: 40 });
    try {
      const rows = Array.from({ length: 16 }, (_, i) => `ekran-${i}.pl,${user},1,ns1.hrd.pl,ns2.hrd.pl`);
      const csv = write("tty.csv", `domain,user,period,ns1,ns2\n${rows.join("\n")}\n`);
      const run = await runCli(["bulk", "register", csv, "--concurrency", "2"], { env: sb.env(), tty: true });
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/bulk register \[[^\]]*\] 100% 16\/16 · \d+\/s · ETA/);
      expect(run.stdout).toMatch(/status +rows/);
      expect(run.stdout).toMatch(/registered +16/);
    } finally {
      sb.sandbox.faults.clear();
    }
  });

  it("Ctrl-C finishes the rows in flight, journals them, prints the summary and exits 130; a rerun completes", async () => {
    sb.sandbox.faults.add({ kind: "delay", operation: "domain/create", delayMs: 150 });
    const rows = Array.from({ length: 20 }, (_, i) => `przerwa-${i}.pl,${user},1,ns1.hrd.pl,ns2.hrd.pl`);
    const csv = write("ctrlc.csv", `domain,user,period,ns1,ns2\n${rows.join("\n")}\n`);
    try {
      const child = spawn(process.execPath, [BIN, "bulk", "register", csv, "--concurrency", "2"], {
        env: sb.env(),
        cwd: sb.dir,
      });
      let stdout = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
      });
      child.stderr.resume();
      const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
      // Interrupt once a few rows are done and others are in flight.
      for (let i = 0; i < 400; i++) {
        const j = existsSync(`${csv}.hrdkit-journal`) ? journalOf(csv) : [];
        if (j.filter((r) => r.type === "done").length >= 3) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(stdout).toMatch(/^pending +\d+$/m);
      const journal = journalOf(csv);
      const started = journal.filter((r) => r.type === "started").map((r) => r.domain);
      const ended = journal.filter((r) => r.type === "done").map((r) => r.domain);
      expect(started.length).toBeLessThan(20);
      expect(ended.sort()).toEqual(started.sort()); // nothing left in flight
    } finally {
      sb.sandbox.faults.clear();
    }
    const rerun = await runCli(["bulk", "register", csv], { env: sb.env() });
    expect(rerun.code).toBe(0);
    const bought = charges("create");
    for (let i = 0; i < 20; i++) expect(bought.get(`przerwa-${i}.pl`)).toBe(1);
  });

  it("a row HRD refuses is failed (exit 1) and skipped by the next run unless --retry-failed", async () => {
    const csv = write(
      "odmowa.csv",
      `domain,user,ns1,ns2\nonet.pl,${user},ns1.hrd.pl,ns2.hrd.pl\nodmowa-ok.pl,${user},ns1.hrd.pl,ns2.hrd.pl\n`,
    );
    const run = await runCli(["bulk", "register", csv], { env: sb.env() });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^line 2 {2}onet\.pl {2}failed: /m);
    expect(run.stdout).toMatch(/^failed +1$/m);
    const creates = () => sb.sandbox.counts.get("domain/create") ?? 0;
    const before = creates();
    const again = await runCli(["bulk", "register", csv], { env: sb.env() });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("--retry-failed");
    expect(again.stdout).toMatch(/onet\.pl {2}failed \(earlier run\)/);
    expect(creates()).toBe(before);
    const retry = await runCli(["bulk", "register", csv, "--retry-failed"], { env: sb.env() });
    expect(retry.code).toBe(1);
    expect(creates()).toBe(before + 1); // onet.pl asked again; odmowa-ok.pl left alone
    expect(charges("create").get("odmowa-ok.pl")).toBe(1);
  });

  it("has help with examples and the options documented", async () => {
    const run = await runCli(["bulk", "register", "--help"]);
    expect(run.code).toBe(0);
    for (const s of [
      "Examples:",
      "--strict",
      "--dry-run",
      "--concurrency",
      "--retry-failed",
      "--new-journal",
    ]) {
      expect(run.stdout).toContain(s);
    }
  });
});
