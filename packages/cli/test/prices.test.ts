import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, useBuiltCli } from "./support/cli.js";
import { type CliSandbox, startCliSandbox } from "./support/sandbox.js";

useBuiltCli();
let sb: CliSandbox;
beforeAll(async () => {
  sb = await startCliSandbox({
    prices: [
      { tld: "pl", register: 3900, renew: 7900, transfer: 7900, trade: 2000, book: 500 },
      // An amount whose float would not survive ×100 exactly (0.29 * 100 = 28.999…).
      { tld: "com.pl", register: 29, renew: 1_234_567, transfer: 1, trade: 2000, book: 500 },
      { tld: "eu", register: 2500, renew: 3900, transfer: 3900, trade: null, book: null },
    ],
  });
});
afterAll(() => sb.close());

describe("hrdkit prices", () => {
  it("prints register / renew / transfer per TLD in PLN, exact to the grosz", async () => {
    const run = await runCli(["prices"], { env: sb.env() });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const rows = run.stdout
      .trim()
      .split("\n")
      .map((l) => l.split(/\s{2,}/));
    expect(rows[0]).toEqual(["TLD", "register PLN", "renew PLN", "transfer PLN"]);
    expect(rows.slice(1)).toEqual([
      ["com.pl", "0.29", "12345.67", "0.01"],
      ["eu", "25.00", "39.00", "39.00"],
      ["pl", "39.00", "79.00", "79.00"],
    ]);
    // Options and certificates are not domains.
    expect(run.stdout).not.toMatch(/o_pl|c_positive/);
  });

  it("--json gives integer grosze per TLD, only the TLDs asked for, in the order asked", async () => {
    const run = await runCli(["prices", ".PL", "com.pl", "--json"], { env: sb.env() });
    expect(run.code).toBe(0);
    expect(
      run.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { tld: "pl", service: "d_pl", registerGrosze: 3900, renewGrosze: 7900, transferGrosze: 7900 },
      { tld: "com.pl", service: "d_com_pl", registerGrosze: 29, renewGrosze: 1_234_567, transferGrosze: 1 },
    ]);
  });

  it("names every TLD that is not in the price list, exit 2", async () => {
    const run = await runCli(["prices", "pl", "xyz", "com"], { env: sb.env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("xyz: not in the partner's price list");
    expect(run.stderr).toContain("com: not in the partner's price list");
    expect(run.stdout).toBe("");
  });
});
