#!/usr/bin/env node
// The file npm links as `hrdkit`. It is committed, not built: npm links bins while
// `npm ci` installs, before any build has made dist/, and a bin whose target is missing gets no
// link at all — `npx hrdkit` would then ask the public registry for the name.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const built = new URL("../dist/main.js", import.meta.url);
const source = fileURLToPath(new URL("../src/main.ts", import.meta.url));

if (existsSync(built)) {
  await import(built.href);
} else if (existsSync(source)) {
  // A clone of the repository that is not built yet: run the TypeScript sources through tsx
  // (a devDependency of the repository), workspace packages by their "@hrdkit/source" condition.
  let tsx;
  try {
    tsx = import.meta.resolve("tsx");
  } catch {
    console.error("hrdkit: not built yet; run `npm run build` in the repository first");
    process.exit(1);
  }
  const child = spawn(
    process.execPath,
    ["--conditions=@hrdkit/source", "--import", tsx, source, ...process.argv.slice(2)],
    { stdio: "inherit" },
  );
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  console.error("hrdkit: dist/main.js is missing; reinstall @hrdkit/cli");
  process.exit(1);
}
