import { HrdClient } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, useBuiltCli } from "./support/cli.js";
import { type CliSandbox, startCliSandbox } from "./support/sandbox.js";

useBuiltCli();
let sb: CliSandbox;
let user: number;
const NS = ["--ns", "ns1.hosting.pl", "ns2.hosting.pl"];

beforeAll(async () => {
  // Small pages, so `list` has to follow the cursor over several of them.
  sb = await startCliSandbox({ pageSize: 3, startAt: "2026-02-01T10:00:00Z" });
  const client = new HrdClient(sb.sandbox.clientOptions());
  try {
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
  } finally {
    await client.close();
  }
});
afterAll(() => sb.close());

/** What the sandbox charged for `name` (completed actions of that type), from its ledger. */
const charges = (name: string, type: string) =>
  sb.sandbox.state.ledger.filter((e) => e.objectName === name && e.type === type);
const register = (name: string, ...extra: string[]) =>
  runCli(["register", name, "--user", String(user), ...NS, ...extra], { env: sb.env() });

describe("hrdkit register / renew / transfer", () => {
  it("registers once; a second run finds it and buys nothing", async () => {
    const first = await register("dwa-razy.pl");
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^registered dwa-razy\.pl to account \d+ for 1 year \(action \d+\)$/m);
    const second = await runCli(["register", "dwa-razy.pl", "--user", String(user), ...NS, "--json"], {
      env: sb.env(),
    });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      name: "dwa-razy.pl",
      outcome: "alreadyRegistered",
      bought: false,
      attempts: 0,
    });
    const human = await register("dwa-razy.pl");
    expect(human.stdout).toContain("already registered dwa-razy.pl to account");
    expect(human.stdout).toContain("nothing bought");
    expect(charges("dwa-razy.pl", "create")).toHaveLength(1);
    expect(sb.sandbox.counts.get("domain/create")).toBe(1);
  });

  it("a connection dropped after domain/create left: settled by reading state, bought exactly once", async () => {
    sb.sandbox.faults.add({ kind: "drop-after", operation: "domain/create", times: 1 });
    const run = await register("zerwane.pl", "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ outcome: "registered", bought: true, reconciled: true });
    const again = await register("zerwane.pl");
    expect(again.stdout).toContain("nothing bought");
    expect(charges("zerwane.pl", "create")).toHaveLength(1);
  });

  it("names every bad field at once and sends nothing", async () => {
    const creates = sb.sandbox.counts.get("domain/create");
    const run = await runCli(
      ["register", "zla nazwa.pl", "--user", "abc", "--period", "20", "--ns", "ns1.hosting.pl"],
      { env: sb.env() },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--user: must be a whole number");
    expect(run.stderr).toContain("--period: must be a whole number from 1 to 10");
    expect(run.stderr).toContain("--ns: give 2 to 13 nameservers (got 1)");
    expect(run.stderr).toContain('"zla nazwa.pl" is not a valid domain name');
    expect(sb.sandbox.counts.get("domain/create")).toBe(creates);
  });

  it("renew --expires renews once; a rerun finds it renewed past that day and buys nothing", async () => {
    await register("odnowa.pl");
    const info = JSON.parse((await runCli(["info", "odnowa.pl", "--json"], { env: sb.env() })).stdout);
    const expires = String(info.exDate).slice(0, 10);
    expect(expires).toBe("2027-02-01");
    const first = await runCli(["renew", "odnowa.pl", "--expires", expires, "--period", "2"], {
      env: sb.env(),
    });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^renewed odnowa\.pl for 2 years: expires 2029-02-01 \(action \d+\)$/m);
    const second = await runCli(["renew", "odnowa.pl", "--expires", expires, "--json"], { env: sb.env() });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ outcome: "alreadyRenewed", bought: false });
    expect(charges("odnowa.pl", "renew")).toHaveLength(1);
    // Without --expires, the current expiry is read: one more year from 2029-02-01.
    const plain = await runCli(["renew", "odnowa.pl"], { env: sb.env() });
    expect(plain.stdout).toContain("expires 2030-02-01");
    expect(charges("odnowa.pl", "renew")).toHaveLength(2);
  });

  it("renewing a name outside the account is refused (exit 4), nothing charged", async () => {
    const run = await runCli(["renew", "nie-moja.pl", "--expires", "2027-01-01"], { env: sb.env() });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("nie-moja.pl is not in the partner's account");
  });

  it("transfer orders once, a rerun buys nothing, and the auth code is never printed", async () => {
    const code = "Sekretny-Kod-7731";
    const args = ["transfer", "taken-przenies.pl", "--auth-info", code, "--user", String(user)];
    const first = await runCli(args, { env: sb.env() });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^transfer of taken-przenies\.pl to account \d+ ordered \(action \d+\)/m);
    const second = await runCli([...args, "--json"], { env: sb.env() });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ outcome: "alreadyInAccount", bought: false });
    expect(sb.sandbox.counts.get("domain/transfer")).toBe(1);
    expect(charges("taken-przenies.pl", "transfer")).toHaveLength(1);
    for (const r of [first, second]) expect(r.stdout + r.stderr).not.toContain(code);
  });

  it("the auth code can come from stdin; a refusal does not echo it either", async () => {
    const code = "Inny-Tajny-Kod-99";
    // A free name is not registered elsewhere: HRD refuses the transfer.
    const run = await runCli(["transfer", "wolna-do-transferu.pl", "--auth-info", "-", "-u", String(user)], {
      env: sb.env(),
      input: `${code}\n`,
    });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("HRD refused domain/transfer");
    expect(run.stdout + run.stderr).not.toContain(code);
    const missing = await runCli(["transfer", "x.pl"], { env: sb.env() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--user: is required");
    expect(missing.stderr).toContain("--auth-info: is required");
  });
});

describe("hrdkit info / list / ns set / whois", () => {
  it("list --format csv: every domain over several pages, a header, one row each", async () => {
    for (const n of ["lista-a.pl", "lista-b.pl", "lista-c.com.pl", "lista-d.eu"]) await register(n);
    const run = await runCli(["list", "--format", "csv"], { env: sb.env() });
    expect(run.code).toBe(0);
    const [header, ...rows] = run.stdout.trim().split("\n");
    expect(header).toBe("name,status,created,expires,user");
    const names = rows.map((r) => r.split(",")[0]);
    expect(names).toEqual([...sb.sandbox.state.domains.keys()].sort());
    expect(rows).toContain(`lista-a.pl,registered,2026-02-01,2027-02-01,${user}`);
    const only = await runCli(["list", "--expiring-before", "2028-01-01", "--json"], { env: sb.env() });
    const listed = only.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).name);
    expect(listed).toContain("lista-a.pl");
    expect(listed).not.toContain("odnowa.pl");
  });

  it("ns set replaces the nameservers; a bad list is refused naming the problem", async () => {
    await register("serwery.pl");
    const run = await runCli(
      ["ns", "set", "serwery.pl", "ns1.nowy-hosting.pl", "ns2.serwery.pl=192.0.2.10,2001:db8::10"],
      { env: sb.env() },
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "nameservers of serwery.pl set: ns1.nowy-hosting.pl, ns2.serwery.pl [192.0.2.10, 2001:db8::10]",
    );
    const d = sb.sandbox.state.domains.get("serwery.pl")!;
    expect("hosts" in d.ns && d.ns.hosts.map((h) => h.name)).toEqual([
      "ns1.nowy-hosting.pl",
      "ns2.serwery.pl",
    ]);
    const one = await runCli(["ns", "set", "serwery.pl", "ns1.nowy-hosting.pl"], { env: sb.env() });
    expect(one.code).toBe(2);
    expect(one.stderr).toContain("give 2 to 13 nameservers (got 1)");
    const many = Array.from({ length: 14 }, (_, i) => `ns${i}.hosting.pl`);
    expect((await runCli(["ns", "set", "serwery.pl", ...many], { env: sb.env() })).code).toBe(2);
    const glue = await runCli(["ns", "set", "serwery.pl", "ns1.hosting.pl", "ns2.serwery.pl"], {
      env: sb.env(),
    });
    expect(glue.code).toBe(2);
    expect(glue.stderr).toContain("ns2.serwery.pl is inside serwery.pl: it needs glue addresses");
  });

  it("info and whois print the domain for people", async () => {
    const info = await runCli(["info", "lista-a.pl"], { env: sb.env() });
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/^status: +registered$/m);
    expect(info.stdout).toMatch(/^nameservers: +ns1\.hosting\.pl, ns2\.hosting\.pl$/m);
    const whois = await runCli(["whois", "lista-a.pl"], { env: sb.env() });
    expect(whois.code).toBe(0);
    expect(whois.stdout).toContain("lista-a.pl");
    const missing = await runCli(["info", "nie-ma-takiej.pl"], { env: sb.env() });
    expect(missing.code).toBe(4);
  });
});
