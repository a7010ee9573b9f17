/**
 * kill -9 at random points, against a sandbox that drops connections around the billable call:
 * restarted until it finishes, `hrdkit bulk` must have bought every row exactly once (the
 * sandbox's ledger of charges is the proof).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addPeriod, hrdDate, type SandboxState, seededRandom } from "@hrdkit/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BIN, useBuiltCli } from "./support/cli.js";
import { type CliSandbox, startCliSandbox } from "./support/sandbox.js";

useBuiltCli();
let sb: CliSandbox;
const ROWS = 40;

beforeEach(async () => {
  sb = await startCliSandbox({ balance: 100_000_000, seed: 14 });
});
afterEach(() => sb.close());

function addUser(state: SandboxState): number {
  const id = state.newUserId();
  state.users.set(id, {
    id,
    type: "company",
    representative: "Anna Nowak",
    idNumber: "PL 123-456-32-18",
    email: "biuro@example.com",
    landlinePhone: "+48.221003248",
    name: "Hosting Nowak sp. z o.o.",
    street: "ul. Długa 5",
    postcode: "80-001",
    city: "Gdańsk",
    country: "PL",
    crDate: new Date(),
  });
  return id;
}

/** Charges per domain of one type, from the ledger (pending actions finished first). */
function charges(type: string): Map<string, number> {
  sb.sandbox.state.tick();
  const m = new Map<string, number>();
  for (const e of sb.sandbox.state.ledger) {
    if (e.type === type && e.objectName) m.set(e.objectName, (m.get(e.objectName) ?? 0) + 1);
  }
  return m;
}

const journalLines = (path: string) =>
  existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean).length : 0;

interface Attempt {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `hrdkit ARGS` over and over, killing it (SIGKILL) at seeded random points — after it has
 * written k more journal lines, or after a random time — until a run ends on its own with 0.
 */
async function runUntilDone(args: string[], journal: string, seed: number) {
  const random = seededRandom(seed);
  const attempts: Attempt[] = [];
  for (let round = 0; round < 25; round++) {
    const killing = round < 12;
    const child = spawn(process.execPath, [BIN, ...args], { env: sb.env(), cwd: sb.dir });
    const run: Attempt = { code: null, signal: null, stdout: "", stderr: "" };
    child.stdout.on("data", (d: Buffer) => {
      run.stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      run.stderr += d.toString();
    });
    const closed = new Promise<void>((resolve) =>
      child.on("close", (code, signal) => {
        run.code = code;
        run.signal = signal;
        resolve();
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    let clock: NodeJS.Timeout | undefined;
    if (killing) {
      // Right after a journal line: often a `started` whose request is on the wire. Always armed,
      // so a killing round kills however fast or slow the machine is.
      const target = journalLines(journal) + 1 + Math.floor(random() * 10);
      timer = setInterval(() => {
        if (journalLines(journal) >= target) child.kill("SIGKILL");
      }, 2);
      // And sometimes earlier, at a random moment: during start-up, reading the file, the journal.
      if (random() < 0.3) clock = setTimeout(() => child.kill("SIGKILL"), 50 + Math.floor(random() * 600));
    }
    await closed;
    clearInterval(timer);
    clearTimeout(clock);
    attempts.push(run);
    if (run.code === 0) return attempts;
  }
  throw new Error(`did not finish: last run ${JSON.stringify(attempts.at(-1))}`);
}

/** Faults around a billable operation: the reply lost after it was applied, the request lost before, and a delay that leaves requests on the wire when the process dies. */
function faultsOn(operation: string): void {
  sb.sandbox.faults.add({ kind: "delay", operation, delayMs: 40 });
  sb.sandbox.faults.add({ kind: "drop-after", operation, probability: 0.2 });
  sb.sandbox.faults.add({ kind: "drop-before", operation, probability: 0.1 });
}

const kills = (attempts: Attempt[]) => attempts.filter((a) => a.signal === "SIGKILL").length;

/**
 * Rows a killed run left `started` (its request possibly sent) that a later run found already
 * bought, and settled without buying: the case this whole journal exists for.
 */
function settledAfterKill(journal: string): number {
  // A record torn by kill -9 mid-write (the next run starts on a fresh line after it) is
  // skipped, as the CLI's own reader skips it.
  const records = readFileSync(journal, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as { type: string; domain?: string; reconciled?: boolean }];
      } catch {
        return [];
      }
    });
  const runOf = new Map<string, number>();
  let run = 0;
  let found = 0;
  for (const r of records) {
    if (r.type === "run") run++;
    if (r.type === "started" && !runOf.has(r.domain!)) runOf.set(r.domain!, run);
    if (r.type === "done" && r.reconciled && (runOf.get(r.domain!) ?? run) < run) found++;
  }
  return found;
}

describe("hrdkit bulk, killed with SIGKILL at random points and restarted", () => {
  it("register: every domain registered, and charged, exactly once", async () => {
    const user = addUser(sb.sandbox.state);
    const names = Array.from({ length: ROWS }, (_, i) => `awaria-${i}.pl`);
    const csv = join(sb.dir, "register.csv");
    writeFileSync(
      csv,
      `domain;user;period;ns1;ns2\n${names.map((n, i) => `${n};${user};${1 + (i % 2)};ns1.hrd.pl;ns2.hrd.pl`).join("\n")}\n`,
    );
    faultsOn("domain/create");
    const attempts = await runUntilDone(["bulk", "register", csv, "--json"], `${csv}.hrdkit-journal`, 1);
    expect(kills(attempts)).toBeGreaterThanOrEqual(3);
    expect(sb.sandbox.faults.fired["drop-after"]).toBeGreaterThan(0);
    expect(settledAfterKill(`${csv}.hrdkit-journal`)).toBeGreaterThanOrEqual(1);

    const bought = charges("create");
    for (const n of names) expect(bought.get(n), n).toBe(1);
    for (const n of names)
      expect(sb.sandbox.state.domains.get(n)).toMatchObject({ status: "registered", user });
    // What HRD was paid is exactly one registration per row at the row's period (.pl: 39 zł a year).
    const paid = sb.sandbox.state.ledger.filter((e) => e.type === "create").reduce((s, e) => s + e.amount, 0);
    expect(paid).toBe(names.reduce((s, _, i) => s + 3900 * (1 + (i % 2)), 0));
    const last = attempts
      .at(-1)!
      .stdout.split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(last.at(-1)).toMatchObject({ summary: { registered: ROWS }, exitCode: 0 });
  }, 120_000);

  it("renew: every domain renewed exactly once, its expiry moved by exactly its period", async () => {
    const user = addUser(sb.sandbox.state);
    const state = sb.sandbox.state;
    const names = Array.from({ length: ROWS }, (_, i) => `odnowa-${i}.pl`);
    const before = new Map<string, Date>();
    names.forEach((name, i) => {
      const exDate = new Date(Date.UTC(2026, 6, 1 + (i % 28), 12));
      before.set(name, exDate);
      state.domains.set(name, {
        name,
        status: "registered",
        user,
        crDate: new Date(Date.UTC(2025, 6, 1 + (i % 28), 12)),
        exDate,
        privacy: false,
        ns: {
          hosts: [
            { name: "ns1.hrd.pl", ipv4: [], ipv6: [] },
            { name: "ns2.hrd.pl", ipv4: [], ipv6: [] },
          ],
        },
        actions: [],
        period: { value: 1, unit: "y" },
      });
    });
    const period = (i: number) => 1 + (i % 3);
    const csv = join(sb.dir, "renew.csv");
    writeFileSync(csv, `domain,period\n${names.map((n, i) => `${n},${period(i)}`).join("\n")}\n`);
    faultsOn("domain/renew");
    const attempts = await runUntilDone(["bulk", "renew", csv, "--json"], `${csv}.hrdkit-journal`, 2);
    expect(kills(attempts)).toBeGreaterThanOrEqual(3);
    expect(settledAfterKill(`${csv}.hrdkit-journal`)).toBeGreaterThanOrEqual(1);

    const renewed = charges("renew");
    names.forEach((n, i) => {
      expect(renewed.get(n), n).toBe(1);
      expect(hrdDate(state.domains.get(n)!.exDate!), n).toBe(
        hrdDate(addPeriod(before.get(n)!, period(i), "y")),
      );
    });
  }, 120_000);

  it("transfer: every transfer ordered and charged exactly once; no auth code printed or journaled", async () => {
    const user = addUser(sb.sandbox.state);
    const names = Array.from({ length: ROWS }, (_, i) => `przenosiny-${i}.pl`);
    const codes = names.map((_, i) => `Kod#${i}-Tajny;X"${(i * 7919).toString(36)}`);
    names.forEach((n, i) => {
      sb.sandbox.state.foreign.set(n, { authInfo: codes[i]!, registrantEmail: `abonent@${n}` });
    });
    const csv = join(sb.dir, "transfer.csv");
    // A code may hold the delimiter or a quote: quoted as CSV does it.
    const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
    writeFileSync(
      csv,
      `domain;auth_info;user\n${names.map((n, i) => `${n};${quote(codes[i]!)};${user}`).join("\n")}\n`,
    );
    faultsOn("domain/transfer");
    const attempts = await runUntilDone(["bulk", "transfer", csv, "--json"], `${csv}.hrdkit-journal`, 3);
    expect(kills(attempts)).toBeGreaterThanOrEqual(3);
    expect(settledAfterKill(`${csv}.hrdkit-journal`)).toBeGreaterThanOrEqual(1);

    const moved = charges("transfer");
    for (const n of names) expect(moved.get(n), n).toBe(1);
    for (const n of names)
      expect(sb.sandbox.state.domains.get(n)).toMatchObject({ status: "registered", user });
    const journal = readFileSync(`${csv}.hrdkit-journal`, "utf8");
    const printed = attempts.map((a) => a.stdout + a.stderr).join("\n");
    for (const code of codes) {
      expect(journal).not.toContain(code);
      expect(printed).not.toContain(code);
    }
  }, 120_000);
});
