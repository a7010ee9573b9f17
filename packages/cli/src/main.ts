#!/usr/bin/env node
// `hrdkit`: the command line. Ctrl-C (or SIGTERM) aborts the running command between items —
// bulk runs leave their journal whole — and a second Ctrl-C exits at once.
import { EXIT } from "./exit-codes.js";
import { run } from "./program.js";

const controller = new AbortController();
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
    controller.abort(new Error(`interrupted by ${signal}`));
  });
}
// A closed pipe (`hrdkit list | head`) is not an error worth a stack trace.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(EXIT.ok);
});

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
// A command decides what an interruption means (bulk: 130; `sandbox`, `poll --follow`: a normal stop).
process.exitCode = code;
