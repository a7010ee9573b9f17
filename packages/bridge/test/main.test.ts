/**
 * `npm start` runs the built bridge command on embedded defaults: it must say where it listens,
 * where the API documentation is, that it runs against a sandbox, and give a working module key.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { BridgeClient } from "@hrdkit/bridge";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));

describe.runIf(existsSync(main))("the bridge command (npm start)", () => {
  it("starts on embedded defaults, prints its URL, docs and a key that works", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hrdkit-bridge-"));
    const child = spawn(process.execPath, [main], {
      // A data folder whose parents do not exist yet, as `.hrdkit/bridge` on a fresh clone.
      env: {
        ...process.env,
        BRIDGE_PORT: "0",
        BRIDGE_DATA_DIR: join(dir, "state", "bridge"),
        DATABASE_URL: "",
        HRD_LOGIN: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const lines: string[] = [];
      const warnings: string[] = [];
      createInterface({ input: child.stderr! }).on("line", (l) => warnings.push(l));
      await new Promise<void>((resolve, reject) => {
        child.once("exit", (code) => reject(new Error(`exited with ${code}: ${warnings.join("\n")}`)));
        createInterface({ input: child.stdout! }).on("line", (l) => {
          lines.push(l);
          if (l.startsWith("state:")) resolve();
        });
      });
      const url = /listening on (\S+)/.exec(lines.join("\n"))![1]!;
      expect(lines.join("\n")).toContain(`API documentation: ${url}/docs`);
      expect(warnings.join("\n")).toMatch(/EMBEDDED SANDBOX/);
      const key = /module key \(shown once, keep it\): (\S+)/.exec(lines.join("\n"))![1]!;
      const r = await new BridgeClient({ url, key }).call<{ results: { status: string }[] }>(
        "POST",
        "/v1/domains/availability",
        { names: ["hrd.pl"] },
      );
      expect(r.body.results[0]!.status).toBe("taken");
      expect(r.headers.get("x-hrdkit-backend")).toBe("sandbox");
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
