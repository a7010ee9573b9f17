import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { App } from "../src/app.js";
import { allCommands, buildProgram } from "../src/program.js";

/** The program as `hrdkit` builds it, writing help into a string. */
function program() {
  let text = "";
  const sink = new PassThrough();
  sink.on("data", (d: Buffer) => {
    text += d.toString();
  });
  const app = new App({
    stdout: sink,
    stderr: sink,
    stdin: new PassThrough(),
    env: {},
    cwd: process.cwd(),
    signal: new AbortController().signal,
  });
  const root = buildProgram(app);
  return {
    root,
    help(cmd: ReturnType<typeof buildProgram>): string {
      text = "";
      cmd.outputHelp();
      return text;
    },
  };
}

const pathOf = (cmd: { name(): string; parent: unknown }): string => {
  const parts: string[] = [];
  let c: { name(): string; parent: unknown } | null = cmd;
  while (c) {
    parts.unshift(c.name());
    c = c.parent as typeof c;
  }
  return parts.join(" ");
};

describe("hrdkit --help", () => {
  const { root, help } = program();
  const commands = allCommands(root).filter((c) => c.name() !== "help");

  it("has the HRD commands", () => {
    const names = commands.map(pathOf);
    for (const n of [
      "prices",
      "check",
      "info",
      "list",
      "whois",
      "ns set",
      "register",
      "renew",
      "transfer",
      "poll",
      "cert order",
      "cert status",
      "cert download",
    ]) {
      expect(names).toContain(`hrdkit ${n}`);
    }
  });

  it.each(["hrdkit", ...commands.map(pathOf)])(
    "%s: a description, documented options, an Examples section",
    (path) => {
      const cmd = path === "hrdkit" ? root : commands.find((c) => pathOf(c) === path)!;
      const text = help(cmd);
      expect(cmd.description().length).toBeGreaterThan(10);
      for (const o of cmd.options) expect(o.description, `${path} ${o.flags}`).not.toBe("");
      const examples = /\nExamples:\n((?: {2}.*\n?)+)/.exec(text)?.[1] ?? "";
      expect(examples, `${path}: no Examples section`).toMatch(/^ {2}\$ /);
      // At least one example runs this very command.
      const runs = examples.split("\n").filter((l) => l.includes(`${path} `) || l.endsWith(path));
      expect(runs.length, `${path}: no example runs it`).toBeGreaterThan(0);
    },
  );
});
