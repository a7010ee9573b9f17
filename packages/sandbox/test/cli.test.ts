import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { HrdClient } from "@hrdkit/sdk";
import { describe, expect, it } from "vitest";

// The built command, as `npx hrdkit-sandbox` runs it (`npm test` builds before testing).
const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [cli, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`exited with ${code}`)));
  });
  firstLine.catch(() => undefined); // a test that expects an early exit never reads it
  const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return { child, firstLine, exit, stderr: () => stderr };
}

describe.skipIf(!existsSync(cli))("hrdkit-sandbox command", () => {
  it("prints one JSON line when listening, serves the SDK, and stops on SIGTERM", async () => {
    const p = run(["--port", "0", "--login", "tester", "--balance", "12345"], {
      HRD_SANDBOX_PASSWORD: "from-env",
    });
    const info = JSON.parse(await p.firstLine) as Record<string, string | number>;
    expect(info).toMatchObject({
      event: "listening",
      host: "127.0.0.1",
      login: "tester",
      password: "from-env",
    });
    expect(info.port).toBeGreaterThan(0);
    expect(info.apiKey).toMatch(/^[0-9a-f]{64}$/);
    const client = new HrdClient({
      host: String(info.host),
      port: Number(info.port),
      login: String(info.login),
      password: String(info.password),
      apiKey: String(info.apiKey),
      ca: String(info.ca),
      servername: "localhost",
    });
    expect((await client.partner.getBalance()).balance.value).toBe("123.45");
    await client.close();
    p.child.kill("SIGTERM");
    expect(await p.exit).toBe(0);
  });

  it("refuses a bad option with a message and exit code 2", async () => {
    const p = run(["--port", "abc"]);
    expect(await p.exit).toBe(2);
    expect(p.stderr()).toMatch(/--port must be a whole number/);
    const q = run(["--balance", "-1"]);
    expect(await q.exit).toBe(2);
    expect(q.stderr()).toMatch(/^hrdkit-sandbox: Option '--balance'[\s\S]*\(see --help\)\n$/);
    expect(q.stderr()).not.toMatch(/\n\s+at /); // no stack trace
  });
});
