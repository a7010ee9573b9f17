import { spawn } from "node:child_process";
import { HrdClient } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, runCli, useBuiltCli } from "./support/cli.js";
import { type CliSandbox, startCliSandbox } from "./support/sandbox.js";

useBuiltCli();
let sb: CliSandbox;
let client: HrdClient;
let user: number;

beforeAll(async () => {
  sb = await startCliSandbox();
  client = new HrdClient(sb.sandbox.clientOptions());
  user = (
    await client.user.create({
      type: "person",
      idNumber: "44051401359",
      email: "jan.kowalski@example.com",
      landlinePhone: "+48 22 100 32 48",
      name: "Jan Kowalski",
      street: "ul. Marszałkowska 1",
      postcode: "00-001",
      city: "Warszawa",
      country: "PL",
    })
  ).id;
});
afterAll(async () => {
  await client.close();
  await sb.close();
});

/** Registers names through the SDK; their actions complete at once and each leaves a poll event. */
async function events(...names: string[]): Promise<void> {
  for (const name of names)
    await client.domain.create({ name, user, ns: ["ns1.hosting.pl", "ns2.hosting.pl"] });
  await client.partner.getBalance(); // a request after the last create lets its action complete
}

describe("hrdkit poll", () => {
  it("prints every event and acknowledges it: the queue is empty afterwards", async () => {
    await events("zdarzenie-a.pl", "zdarzenie-b.pl");
    expect(sb.sandbox.state.poll.length).toBeGreaterThanOrEqual(2);
    const queued = sb.sandbox.state.poll.map((m) => m.id);
    const run = await runCli(["poll", "--json"], { env: sb.env() });
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(queued);
    expect(lines[0]).toMatchObject({ object: "domain", objectName: "zdarzenie-a.pl", action: "create" });
    expect(sb.sandbox.state.poll).toHaveLength(0);
    const empty = await runCli(["poll"], { env: sb.env() });
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe("");
    expect(empty.stderr).toContain("the poll queue is empty");
  });

  it("--no-ack shows the head of the queue and leaves it there", async () => {
    await events("zostaje.pl");
    const run = await runCli(["poll", "--no-ack"], { env: sb.env() });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\S+ +create domain zostaje\.pl +\(event \d+\)$/m);
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
    expect(sb.sandbox.state.poll.length).toBeGreaterThanOrEqual(1);
    await runCli(["poll"], { env: sb.env() });
    expect(sb.sandbox.state.poll).toHaveLength(0);
  });

  it("--follow waits for new events, prints and acks them, and Ctrl-C ends it with exit 0", async () => {
    const child = spawn(process.execPath, [BIN, "poll", "--follow", "--interval", "0.1"], { env: sb.env() });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const seen = new Promise<void>((resolve) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes("pozniej-b.pl")) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    // Events arriving while it waits.
    await new Promise((r) => setTimeout(r, 800));
    await events("pozniej-a.pl", "pozniej-b.pl");
    await seen;
    // Give it one more round, so the last ack has landed, then Ctrl-C.
    await new Promise((r) => setTimeout(r, 400));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toContain("pozniej-a.pl");
    expect(sb.sandbox.state.poll).toHaveLength(0);
  });

  it("a bad --interval is a usage error", async () => {
    const run = await runCli(["poll", "--follow", "--interval", "soon"], { env: sb.env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--interval: must be a number of seconds");
  });
});
