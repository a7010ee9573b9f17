import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, useBuiltCli } from "./support/cli.js";
import { type CliSandbox, startCliSandbox } from "./support/sandbox.js";

useBuiltCli();
let sb: CliSandbox;
beforeAll(async () => {
  sb = await startCliSandbox({ balance: 123_456 });
});
afterAll(() => sb.close());

describe("hrdkit balance", () => {
  it("prints the balance for people and as JSON for scripts", async () => {
    const human = await runCli(["balance"], { env: sb.env() });
    expect(human.stderr).toBe("");
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^balance: +\d+\.\d\d PLN$/m);
    const json = await runCli(["balance", "--json"], { env: sb.env() });
    const parsed = JSON.parse(json.stdout.trim());
    expect(parsed.balanceGrosze).toBe(sb.sandbox.state.balance);
  });

  it("names every missing credential, prints no secret, exits 3", async () => {
    const run = await runCli(["balance"], { env: sb.env({ HRD_LOGIN: "", HRD_API_KEY: "" }) });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("HRD_LOGIN");
    expect(run.stderr).toContain("HRD_API_KEY");
    expect(run.stderr).not.toContain(sb.sandbox.clientOptions().password);
  });

  it("a wrong API password is a configuration error, and the password is not echoed", async () => {
    const run = await runCli(["balance"], { env: sb.env({ HRD_PASSWORD: "zle-haslo-123" }) });
    expect(run.code).toBe(3);
    expect(run.stderr).not.toContain("zle-haslo-123");
  });
});
