// `hrdkit check --file names.txt --json` (10 000 names) against the SDK's checkMany doing the same
// job, in one run, against one sandbox in a child process of its own.
//
// Two comparisons, because a command has a cost a library call does not — starting a process:
//  - command vs script: the built `hrdkit` command as a subprocess against the smallest script a
//    user would otherwise write with the SDK (read the file, checkMany over 4 connections, print
//    one JSON line per name), also a subprocess. Both pay Node's start-up and TLS handshakes;
//    the ratio is the one a shell script sees. (Target ≥ 0.9.)
//  - in process: checkMany on a client already connected (no start-up, no file, no output), as
//    a floor — how much of the command's time is HRD's round trips at all.
// Rounds are interleaved (command, script, floor, command, …); medians are reported.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HrdClient } from "@hrdkit/sdk";
import { startSandboxProcess } from "./sandbox-process.mjs";

const NAMES = Number(process.env.BENCH_CLI_NAMES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const POOL = 4; // hrdkit check's default --pool
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const BIN = fileURLToPath(new URL("../../packages/cli/bin/hrdkit.js", import.meta.url));
const SDK = fileURLToPath(new URL("../../packages/sdk/dist/index.js", import.meta.url));

/** What a user would write without the command: the same input and the same output. */
const SCRIPT = `
import { readFileSync } from "node:fs";
import { HrdClient } from ${JSON.stringify(SDK)};
const names = readFileSync(process.argv[2], "utf8").split("\\n").map((l) => l.trim()).filter(Boolean);
const e = process.env;
const client = new HrdClient({ host: e.HRD_HOST, port: Number(e.HRD_PORT), login: e.HRD_LOGIN,
  password: e.HRD_PASSWORD, apiKey: e.HRD_API_KEY, ca: readFileSync(e.HRD_CA_FILE), servername: "localhost",
  poolSize: ${POOL} });
const results = await client.checkMany(names, { concurrency: ${POOL} });
let s = "";
for (const r of results) s += JSON.stringify({ name: r.name, status: r.status }) + "\\n";
process.stdout.write(s);
await client.close();
`;

function timed(args, env) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env, encoding: "utf8", maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  const lines = r.stdout.trim().split("\n");
  if (lines.length !== NAMES) throw new Error(`${args[0]}: ${lines.length} lines, not ${NAMES}`);
  return ms;
}

export async function benchCliCheck() {
  const sb = await startSandboxProcess(["--action-delay", "0"]);
  const dir = mkdtempSync(join(tmpdir(), "hrdkit-bench-cli-"));
  const file = join(dir, "names.txt");
  const names = Array.from(
    { length: NAMES },
    (_, i) => `lista-z-pliku-${i}.${["pl", "com.pl", "eu", "com"][i % 4]}`,
  );
  writeFileSync(file, `${names.join("\n")}\n`);
  writeFileSync(join(dir, "ca.pem"), sb.ca);
  writeFileSync(join(dir, "script.mjs"), SCRIPT);
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_CONFIG_HOME: dir,
    HRD_HOST: sb.host,
    HRD_PORT: String(sb.port),
    HRD_LOGIN: sb.login,
    HRD_PASSWORD: sb.password,
    HRD_API_KEY: sb.apiKey,
    HRD_CA_FILE: join(dir, "ca.pem"),
    HRD_SERVERNAME: "localhost",
  };
  const sdk = new HrdClient({
    host: sb.host,
    port: sb.port,
    login: sb.login,
    password: sb.password,
    apiKey: sb.apiKey,
    ca: sb.ca,
    servername: "localhost",
    poolSize: POOL,
  });
  const command = () => timed([BIN, "check", "--file", file, "--json"], env);
  const script = () => timed([join(dir, "script.mjs"), file], env);
  const floor = async () => {
    const t0 = performance.now();
    const r = await sdk.checkMany(names, { concurrency: POOL });
    if (r.length !== NAMES) throw new Error("short result");
    return performance.now() - t0;
  };
  try {
    command(); // warm-up: the OS file cache, the sandbox's JIT
    script();
    await floor();
    const c = [];
    const s = [];
    const f = [];
    for (let r = 0; r < ROUNDS; r++) {
      c.push(command());
      s.push(script());
      f.push(await floor());
    }
    const cMs = median(c);
    const sMs = median(s);
    const fMs = median(f);
    return [
      {
        names: NAMES,
        rounds: ROUNDS,
        "hrdkit check ms": Math.round(cMs),
        "SDK script ms": Math.round(sMs),
        "checkMany in process ms": Math.round(fMs),
        "script time / command time (≥ 0.9)": (sMs / cMs).toFixed(3),
        "floor / command": (fMs / cMs).toFixed(3),
      },
    ];
  } finally {
    await sdk.close();
    await sb.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(
    `hrdkit check of ${NAMES} names from a file vs the SDK's checkMany, sandbox in a child process`,
  );
  console.table(await benchCliCheck());
}
