// Starts the sandbox command in a child process (so that its CPU is not the client's) and
// resolves with the JSON line it prints when listening.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../../packages/sandbox/dist/cli.js", import.meta.url));

export function startSandboxProcess(args = []) {
  const child = spawn(process.execPath, [cli, "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`hrdkit-sandbox exited with ${code}`)));
    lines.once("line", (line) => {
      const info = JSON.parse(line);
      resolve({
        ...info,
        stop: () =>
          new Promise((r) => {
            child.once("exit", r);
            child.kill("SIGTERM");
          }),
      });
    });
  });
}
