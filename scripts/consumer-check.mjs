#!/usr/bin/env node
// The packages as a consumer installs them (`npm test` runs this after the build): every workspace
// package is packed with `npm pack`, the tarballs are installed into a throw-away project outside
// the repository (under the OS temp folder), and that project
//  - imports (ESM) and requires (CJS) the libraries and makes real calls against a sandbox started
//    from the installed @hrdkit/sandbox, and loads billing from `node -e`;
//  - runs every bin through `npx --no-install` (never the public registry);
//  - type-checks code that uses the packages, and the SDK README's samples, with `tsc --noEmit`
//    under `module: node16` and under `moduleResolution: bundler`, both with `skipLibCheck: false`;
//  - installs with `--engine-strict`, so no package of the tree may need a newer Node than ours.
// @hrdkit/client is also installed alone into a project of its own: its dependency tree must hold
// no server-side package (fastify, PGlite, pg); it is imported (ESM) and required (CJS) there for
// real signed calls to the bridge started from the installed @hrdkit/bridge, and type-checked with
// its README's samples.
// The tarballs themselves must hold a LICENSE and a README, no test files, and say where the
// project lives. Tests inside the repository run on the TypeScript sources and see none of this.
//
// Usage: node scripts/consumer-check.mjs [--keep]   (--keep leaves the temporary project in place)
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const rootPkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const keep = process.argv.includes("--keep");
const failures = [];
const fail = (what) => {
  failures.push(what);
  console.error(`  FAIL ${what}`);
};
const ok = (what) => console.log(`  ok   ${what}`);
const check = (cond, what) => (cond ? ok(what) : fail(what));
const started = Date.now();

/** Runs a command; returns { code, out } (stdout and stderr together) and never throws. */
function run(cmd, args, options = {}) {
  try {
    const out = execFileSync(cmd, args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: options.timeout ?? 120_000,
      ...options,
    });
    return { code: 0, out };
  } catch (e) {
    return {
      code: e.status ?? 1,
      out: `${e.stdout ?? ""}${e.stderr ?? ""}${e.stdout || e.stderr ? "" : e.message}`,
    };
  }
}

/**
 * Starts a long-running command and resolves with its first stdout line matching `ready`;
 * `lines` holds every stdout line so far.
 */
function startUntil(cmd, args, options, ready, timeoutMs = 60_000) {
  const child = spawn(cmd, args, { ...options, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const lines = [];
  let err = "";
  child.stderr.on("data", (d) => {
    err += d;
  });
  const line = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "${ready}" within ${timeoutMs} ms: ${err}`)),
      timeoutMs,
    );
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}: ${err}`));
    });
    createInterface({ input: child.stdout }).on("line", (l) => {
      lines.push(l);
      if (ready.test(l)) {
        clearTimeout(timer);
        resolve(l);
      }
    });
  });
  // npx starts the bin in a process of its own: signal the whole group.
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
    await exited;
  };
  return { line, lines, stop };
}

/**
 * A README's samples, each in a module of its own in `dir`, with the names they take from the text
 * around them declared by `prelude` ([name, declaration]; a sample that declares a name itself
 * keeps its own). Returns the file names.
 */
function writeSamples(readme, prelude, dir) {
  const text = readFileSync(join(root, readme), "utf8");
  const files = [];
  let n = 0;
  for (const m of text.matchAll(/^```(?:js|ts)\n([\s\S]*?)^```/gm)) {
    const code = m[1];
    const line = text.slice(0, m.index).split("\n").length + 1;
    const declares = (name) =>
      new RegExp(
        `import\\s[^;]*\\b${name}\\b[^;]*from|(const|let)\\s+(${name}\\b|\\{[^}]*\\b${name}\\b[^}]*\\}\\s*=)`,
      ).test(code);
    const head = prelude.filter(([name]) => !declares(name)).map(([, decl]) => decl);
    const file = `sample-${readme.split("/")[1]}-${++n}.mts`;
    writeFileSync(join(dir, file), `${head.join("\n")}\n// ${readme}:${line}\n${code}\nexport {};\n`);
    files.push(file);
  }
  return files;
}

const workspaces = rootPkg.workspaces.map((w) => ({
  dir: join(root, w),
  pkg: JSON.parse(readFileSync(join(root, w, "package.json"), "utf8")),
}));

console.log("consumer check: packages as a consumer installs them");

// 1. The repository: a bin's target must exist before any build. npm links bins while `npm ci`
// installs, before `dist/` exists; a bin that points into dist/ gets no link, and `npx` then asks
// the public registry for the name.
for (const { dir, pkg } of workspaces) {
  for (const [name, target] of Object.entries(pkg.bin ?? {})) {
    const ignored = run("git", ["check-ignore", "-q", join(dir, target)], { cwd: root }).code === 0;
    check(
      !ignored && existsSync(join(dir, target)),
      `${pkg.name}: bin ${name} -> ${target} exists without a build`,
    );
    check(
      existsSync(join(root, "node_modules", ".bin", name)),
      `${pkg.name}: bin ${name} is linked in the repository`,
    );
  }
}

for (const { pkg, dir } of workspaces) {
  if (!existsSync(join(dir, "dist"))) {
    console.error(`consumer check: ${pkg.name} is not built (run npm run build first)`);
    process.exit(1);
  }
}

const work = mkdtempSync(join(tmpdir(), "hrdkit-consumer-"));
try {
  // 2. The tarballs.
  const tarballs = [];
  const tarballOf = {};
  for (const { dir, pkg } of workspaces) {
    const r = run("npm", ["pack", "--json", "--pack-destination", work], { cwd: dir });
    if (r.code !== 0) {
      fail(`${pkg.name}: npm pack: ${r.out}`);
      continue;
    }
    const [packed] = JSON.parse(r.out.slice(r.out.indexOf("[")));
    tarballs.push(join(work, packed.filename));
    tarballOf[pkg.name] = join(work, packed.filename);
    const files = packed.files.map((f) => f.path);
    check(files.includes("LICENSE"), `${pkg.name}: the tarball holds LICENSE`);
    check(files.includes("README.md"), `${pkg.name}: the tarball holds README.md`);
    const tests = files.filter((f) => /(^|\/)tests?\/|phpunit|\.test\.[cm]?[jt]s$/i.test(f));
    check(
      tests.length === 0,
      `${pkg.name}: the tarball holds no tests${tests.length ? ` (${tests.join(", ")})` : ""}`,
    );
    for (const bin of Object.values(pkg.bin ?? {}))
      check(files.includes(bin.replace(/^\.\//, "")), `${pkg.name}: the tarball holds its bin ${bin}`);
    const repo = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
    check(
      Boolean(repo) &&
        !/<|example|todo/i.test(repo) &&
        Boolean(pkg.homepage) &&
        (pkg.keywords ?? []).length > 0,
      `${pkg.name}: package.json has repository, homepage and keywords`,
    );
  }

  // 3. The consumer project: the tarballs, and TypeScript for the type checks (same versions as
  // the repository's, from the npm cache when it has them).
  writeFileSync(join(work, "package.json"), JSON.stringify({ name: "hrdkit-consumer-check", private: true }));
  const devTools = [
    `typescript@${rootPkg.devDependencies.typescript}`,
    `@types/node@${rootPkg.devDependencies["@types/node"]}`,
  ];
  const npmInstall = (...flags) =>
    run(
      "npm",
      [
        "install",
        ...flags,
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        ...tarballs,
        ...devTools,
      ],
      { cwd: work, timeout: 600_000 },
    );
  const t0 = Date.now();
  const install = npmInstall("--engine-strict");
  check(
    install.code === 0,
    `npm install --engine-strict of the tarballs (${Date.now() - t0} ms)${install.code ? `\n${install.out}` : ""}`,
  );
  if (install.code !== 0) {
    // Without --engine-strict, to go on checking the rest.
    const again = npmInstall();
    if (again.code !== 0) throw new Error(`npm install failed: ${again.out}`);
  }

  // 3b. @hrdkit/client alone, as a consumer of the bridge's HTTP API installs it: nothing of the
  // server (fastify, PGlite, pg) may come with it.
  const clientDir = join(work, "client-only");
  mkdirSync(clientDir);
  writeFileSync(
    join(clientDir, "package.json"),
    JSON.stringify({ name: "hrdkit-client-check", private: true }),
  );
  let clientInstalled = false;
  if (!tarballOf["@hrdkit/client"]) {
    fail("@hrdkit/client: no tarball");
  } else {
    const r = run(
      "npm",
      [
        "install",
        "--engine-strict",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        tarballOf["@hrdkit/client"],
        ...devTools,
      ],
      { cwd: clientDir, timeout: 600_000 },
    );
    clientInstalled = r.code === 0;
    check(clientInstalled, `@hrdkit/client alone: npm install --engine-strict${r.code ? `\n${r.out}` : ""}`);
  }
  if (clientInstalled) {
    // Not `npm ls @hrdkit/client`: naming a package prunes its subtree from the JSON.
    const ls = run("npm", ["ls", "--all", "--json"], { cwd: clientDir });
    const names = new Set();
    const walk = (deps) => {
      for (const [name, node] of Object.entries(deps ?? {})) {
        names.add(name);
        walk(node.dependencies);
      }
    };
    try {
      walk(JSON.parse(ls.out).dependencies?.["@hrdkit/client"]?.dependencies);
    } catch {
      fail(`@hrdkit/client alone: npm ls --all --json\n${ls.out}`);
    }
    const server = ["fastify", "@electric-sql/pglite", "pg"].filter(
      (name) => names.has(name) || existsSync(join(clientDir, "node_modules", name)),
    );
    check(
      names.has("axios") && server.length === 0,
      `@hrdkit/client's installed tree (${names.size} packages) holds axios and none of fastify, @electric-sql/pglite, pg${server.length ? ` (found: ${server.join(", ")})` : ""}`,
    );
    writeFileSync(
      join(clientDir, "esm.mjs"),
      `import { createClient, HrdkitApiError } from "@hrdkit/client";
const client = createClient({ baseURL: process.env.BRIDGE_URL, key: process.env.HRDKIT_KEY, retry: false });
const created = await client.post("/v1/billing/customers", { body: { name: "Jan Kowalski (ESM)" } });
const got = await client.get("/v1/billing/customers/{id}", { params: { path: { id: created.data.id } } });
let refused = "not refused";
try {
  await client.post("/v1/billing/customers", { body: { name: "Jan Kowalski", email: "jan(at)example.com" } });
} catch (e) {
  refused = e instanceof HrdkitApiError ? \`\${e.status} \${e.errors.map((i) => i.path).join(",")}\` : String(e);
}
console.log(JSON.stringify({ name: got.data.name, key: Boolean(created.idempotencyKey), refused }));
`,
    );
    writeFileSync(
      join(clientDir, "cjs.cjs"),
      `const { createClient, HrdkitApiError } = require("@hrdkit/client");
(async () => {
  const client = createClient({ baseURL: process.env.BRIDGE_URL, key: process.env.HRDKIT_KEY, retry: false });
  const created = await client.post("/v1/billing/customers", { body: { name: "Jan Kowalski (CJS)" } });
  const got = await client.get("/v1/billing/customers/{id}", { params: { path: { id: created.data.id } } });
  let refused = "not refused";
  try {
    await client.post("/v1/billing/customers", { body: { name: "Jan Kowalski", email: "jan(at)example.com" } });
  } catch (e) {
    refused = e instanceof HrdkitApiError ? \`\${e.status} \${e.errors.map((i) => i.path).join(",")}\` : String(e);
  }
  console.log(JSON.stringify({ name: got.data.name, key: Boolean(created.idempotencyKey), refused }));
})().catch((e) => { console.error(e.message); process.exitCode = 1; });
`,
    );
  }

  // 4. Real calls: ESM and CJS, against a sandbox started from the installed package.
  writeFileSync(
    join(work, "esm.mjs"),
    `import { startSandbox } from "@hrdkit/sandbox";
import { HrdClient } from "@hrdkit/sdk";
import * as billing from "@hrdkit/billing";
import * as bridge from "@hrdkit/bridge";
const sandbox = await startSandbox({ actionDelayMs: 0 });
const hrd = new HrdClient(sandbox.clientOptions());
try {
  const [r] = await hrd.domain.check({ names: ["hrd.pl"] });
  const { balance } = await hrd.partner.getBalance();
  if (typeof billing.openDb !== "function" || typeof bridge.startBridge !== "function") throw new Error("exports missing");
  console.log(JSON.stringify({ status: r.status, balance: balance.value }));
} finally {
  await hrd.close();
  await sandbox.close();
}
`,
  );
  writeFileSync(
    join(work, "cjs.cjs"),
    `const { startSandbox } = require("@hrdkit/sandbox");
const { HrdClient } = require("@hrdkit/sdk");
const billing = require("@hrdkit/billing");
(async () => {
  const sandbox = await startSandbox({ actionDelayMs: 0 });
  const hrd = new HrdClient(sandbox.clientOptions());
  try {
    const [r] = await hrd.domain.check({ names: ["hrd.pl"] });
    const { balance } = await hrd.partner.getBalance();
    if (typeof billing.openDb !== "function") throw new Error("exports missing");
    console.log(JSON.stringify({ status: r.status, balance: balance.value }));
  } finally {
    await hrd.close();
    await sandbox.close();
  }
})().catch((e) => { console.error(e.message); process.exitCode = 1; });
`,
  );
  for (const [file, kind] of [
    ["esm.mjs", "ESM import"],
    ["cjs.cjs", "CJS require"],
  ]) {
    const r = run(process.execPath, [file], { cwd: work, timeout: 60_000 });
    check(
      r.code === 0 && /"status":"taken"/.test(r.out),
      `${kind}: domain/check and getBalance against the sandbox${r.code || !/"status":"taken"/.test(r.out) ? `\n${r.out}` : ""}`,
    );
  }
  for (const [args, what] of [
    [
      ["-e", 'import("@hrdkit/billing").then((m) => { if (!m.openDb) process.exit(2); })'],
      "node -e 'import(\"@hrdkit/billing\")'",
    ],
    [
      ["-e", 'if (!require("@hrdkit/billing").openDb) process.exit(2)'],
      "node -e 'require(\"@hrdkit/billing\")'",
    ],
    [
      [
        "--input-type=module",
        "-e",
        'import { openDb } from "@hrdkit/billing"; if (!openDb) process.exit(2);',
      ],
      "node --input-type=module -e (billing)",
    ],
  ]) {
    const r = run(process.execPath, args, { cwd: work, timeout: 60_000 });
    check(r.code === 0, `${what}${r.code ? `\n${r.out}` : ""}`);
  }

  // 5. Bins, offline: npx must find them in the project and never ask the registry.
  const env = { ...process.env, npm_config_offline: "true", HRD_LOGIN: "", DATABASE_URL: "" };
  {
    const sb = startUntil(
      "npx",
      ["--no-install", "hrdkit-sandbox", "--port", "0"],
      { cwd: work, env },
      /"event":"listening"/,
    );
    try {
      const l = await sb.line;
      check(JSON.parse(l).port > 0, "npx --no-install hrdkit-sandbox --port 0 listens");
    } catch (e) {
      fail(`npx --no-install hrdkit-sandbox: ${e.message}`);
    } finally {
      await sb.stop();
    }
  }
  {
    // The README's quick start for the command line: `hrdkit sandbox` writes a .env, and
    // `hrdkit check` (another process, as in another terminal) reads it.
    const cenv = { ...env };
    for (const k of Object.keys(cenv)) if (k.startsWith("HRD_")) delete cenv[k];
    const cliDir = join(work, "cli-quickstart");
    mkdirSync(cliDir);
    const sb = startUntil(
      "npx",
      ["--no-install", "hrdkit", "sandbox", "--json", "--write-env", ".env"],
      { cwd: cliDir, env: cenv },
      /"event":"listening"/,
    );
    try {
      await sb.line;
      const r = run("npx", ["--no-install", "hrdkit", "check", "example.pl", "przyklad-wolny.pl", "--json"], {
        cwd: cliDir,
        env: cenv,
      });
      const lines =
        r.code === 0
          ? r.out
              .trim()
              .split("\n")
              .map((l) => JSON.parse(l))
          : [];
      check(
        lines.length === 2 && lines[0].name === "example.pl" && typeof lines[0].status === "string",
        `npx --no-install hrdkit sandbox, then hrdkit check: one JSON line per name${lines.length === 2 ? "" : `\n${r.out}`}`,
      );
    } catch (e) {
      fail(`npx --no-install hrdkit sandbox: ${e.message}`);
    } finally {
      await sb.stop();
    }
  }
  {
    const benv = { ...env, BRIDGE_PORT: "0", BRIDGE_DATA_DIR: join(work, "bridge-state") };
    const created = run("npx", ["--no-install", "hrdkit-bridge", "key", "create", "consumer check"], {
      cwd: work,
      env: benv,
    });
    const key = /hk_([0-9a-f]+)\.\S+/.exec(created.out);
    check(
      created.code === 0 && key,
      `npx --no-install hrdkit-bridge key create${created.code || !key ? `\n${created.out}` : ""}`,
    );
    const listed = run("npx", ["--no-install", "hrdkit-bridge", "key", "list"], { cwd: work, env: benv });
    check(
      listed.code === 0 && key && listed.out.includes(key[1]) && listed.out.includes("consumer check"),
      `hrdkit-bridge key list shows it${listed.code ? `\n${listed.out}` : ""}`,
    );
    const bridge = startUntil("npx", ["--no-install", "hrdkit-bridge"], { cwd: work, env: benv }, /^state:/);
    try {
      await bridge.line;
      ok("npx --no-install hrdkit-bridge starts (embedded sandbox, PGlite)");
      // @hrdkit/client, installed alone, against that bridge with the key made above.
      const url = bridge.lines.map((l) => /listening on (\S+)/.exec(l)?.[1]).find(Boolean);
      if (clientInstalled && url && key) {
        for (const [file, kind] of [
          ["esm.mjs", "ESM import"],
          ["cjs.cjs", "CJS require"],
        ]) {
          const r = run(process.execPath, [file], {
            cwd: clientDir,
            env: { ...process.env, BRIDGE_URL: url, HRDKIT_KEY: key[0] },
            timeout: 60_000,
          });
          // The 400 names the bad e-mail (and whatever else billing asks of a customer with one).
          const want = new RegExp(
            `^\\{"name":"Jan Kowalski \\(${kind.slice(0, 3)}\\)","key":true,"refused":"400 [^"]*\\bemail\\b`,
            "m",
          );
          check(
            r.code === 0 && want.test(r.out),
            `@hrdkit/client ${kind}: signed create, get and a typed 400 against the bridge${want.test(r.out) ? "" : `\n${r.out}`}`,
          );
        }
      } else {
        fail(`@hrdkit/client calls: no bridge URL, key or client install (${url})`);
      }
    } catch (e) {
      fail(`npx --no-install hrdkit-bridge: ${e.message}`);
    } finally {
      await bridge.stop();
    }
  }

  // 6. Types, as a TypeScript consumer sees them, with skipLibCheck off.
  writeFileSync(
    join(work, "types-esm.mts"),
    `import { HrdClient, type InputOf, type OutputOf, type HrdClientOptions } from "@hrdkit/sdk";
import { startSandbox, type Sandbox } from "@hrdkit/sandbox";
import { openDb, type Db } from "@hrdkit/billing";
import { BridgeClient, startBridge, type Bridge } from "@hrdkit/bridge";

// A documented type helper must take an operation name and give its input, not \`never\`.
const check: InputOf<"domain/check"> = { names: ["moja-firma.pl"] };
// @ts-expect-error names must be a list
const wrong: InputOf<"domain/check"> = { names: 1 };
// @ts-expect-error no such operation
type Typo = InputOf<"domain/chek">;
const sandbox: Sandbox = await startSandbox();
const options: HrdClientOptions = sandbox.clientOptions();
const hrd = new HrdClient(options);
const results: OutputOf<"domain/check"> = await hrd.domain.check(check);
const status: "available" | "taken" | string = results[0]!.status;
const db: Db = await openDb({ url: "" });
const bridge: Bridge = await startBridge({ config: { port: 0 }, jobs: false });
const client = new BridgeClient({ url: bridge.url, key: "hk_0.x" });
export { wrong, status, db, client };
`,
  );
  writeFileSync(
    join(work, "types-cjs.cts"),
    `import { HrdClient, type InputOf } from "@hrdkit/sdk";
import { startSandbox } from "@hrdkit/sandbox";
import { openDb } from "@hrdkit/billing";
const check: InputOf<"domain/check"> = { names: ["moja-firma.pl"] };
async function main(): Promise<string> {
  const sandbox = await startSandbox();
  const hrd = new HrdClient(sandbox.clientOptions());
  await openDb({ url: "" });
  return (await hrd.domain.check(check))[0]!.status;
}
export = main;
`,
  );
  // The README samples, each in a module of its own, with the names they take from the text
  // around them declared (a sample that declares a name itself keeps its own).
  const prelude = [
    ["HrdClient", 'import { HrdClient } from "@hrdkit/sdk";'],
    ["HrdValidationError", 'import { HrdValidationError } from "@hrdkit/sdk";'],
    ["InputOf", 'import type { InputOf } from "@hrdkit/sdk";'],
    ["Sandbox", 'import type { Sandbox } from "@hrdkit/sandbox";'],
    ["hrd", "declare const hrd: HrdClient;"],
    ["sandbox", "declare const sandbox: Sandbox;"],
    ["user", "declare const user: number;"],
    ["company", 'declare const company: InputOf<"user/create">;'],
    ["order", 'declare const order: InputOf<"domain/create">;'],
    ["names", "declare const names: string[];"],
  ];
  const sampleFiles = [
    "packages/sdk/README.md",
    "packages/sandbox/README.md",
    "packages/billing/README.md",
  ].flatMap((readme) => writeSamples(readme, prelude, work));
  const common = {
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    target: "ES2022",
    lib: ["ES2022"],
    types: ["node"],
    noUnusedLocals: false,
  };
  const configs = {
    node16: {
      compilerOptions: { ...common, module: "node16", moduleResolution: "node16" },
      files: ["types-esm.mts", "types-cjs.cts", ...sampleFiles],
    },
    bundler: {
      compilerOptions: { ...common, module: "esnext", moduleResolution: "bundler" },
      files: ["types-esm.mts"],
    },
  };
  const tsc = join(work, "node_modules", "typescript", "bin", "tsc");
  for (const [name, config] of Object.entries(configs)) {
    writeFileSync(join(work, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));
    const r = run(process.execPath, [tsc, "-p", `tsconfig.${name}.json`], { cwd: work });
    const what =
      name === "node16"
        ? "tsc --noEmit, module node16 (ESM, CJS and the README samples)"
        : "tsc --noEmit, moduleResolution bundler";
    check(r.code === 0, `${what}, skipLibCheck false${r.code ? `\n${r.out}` : ""}`);
  }

  // 7. @hrdkit/client's types, as its own consumer sees them (installed alone), with its README samples.
  if (clientInstalled) {
    writeFileSync(
      join(clientDir, "types-esm.mts"),
      `import { createClient, HrdkitApiError, type HrdkitClient, type Schemas } from "@hrdkit/client";
const client: HrdkitClient = createClient({ baseURL: "http://127.0.0.1:8080", key: "hk_0.x" });
const body: Schemas["CreateCustomerInput"] = { name: "Jan Kowalski" };
const created = await client.post("/v1/billing/customers", { body });
const id: number = created.data.id;
const got = await client.get("/v1/billing/customers/{id}", { params: { path: { id } } });
const name: string = got.data.name;
// @ts-expect-error the path parameter is required
await client.get("/v1/billing/customers/{id}");
// @ts-expect-error no such route
await client.get("/v1/no-such-route");
const e: unknown = null;
const fields = e instanceof HrdkitApiError ? e.errors.map((i) => i.path) : [];
export { name, fields };
`,
    );
    writeFileSync(
      join(clientDir, "types-cjs.cts"),
      `import { createClient, HrdkitNetworkError } from "@hrdkit/client";
async function main(): Promise<string> {
  const client = createClient({ baseURL: "http://127.0.0.1:8080", key: "hk_0.x" });
  try {
    return (await client.get("/v1/billing/customers", { params: { query: { limit: 5 } } })).data.items[0]?.name ?? "";
  } catch (e) {
    return e instanceof HrdkitNetworkError ? e.code : "";
  }
}
export = main;
`,
    );
    const clientSamples = writeSamples(
      "packages/client/README.md",
      [
        ["createClient", 'import { createClient } from "@hrdkit/client";'],
        ["HrdkitApiError", 'import { HrdkitApiError } from "@hrdkit/client";'],
        ["HrdkitClient", 'import type { HrdkitClient } from "@hrdkit/client";'],
        ["bridge", "declare const bridge: HrdkitClient;"],
      ],
      clientDir,
    );
    const clientConfigs = {
      node16: {
        compilerOptions: { ...common, module: "node16", moduleResolution: "node16" },
        files: ["types-esm.mts", "types-cjs.cts", ...clientSamples],
      },
      bundler: {
        compilerOptions: { ...common, module: "esnext", moduleResolution: "bundler" },
        files: ["types-esm.mts"],
      },
    };
    const clientTsc = join(clientDir, "node_modules", "typescript", "bin", "tsc");
    for (const [name, config] of Object.entries(clientConfigs)) {
      writeFileSync(join(clientDir, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));
      const r = run(process.execPath, [clientTsc, "-p", `tsconfig.${name}.json`], { cwd: clientDir });
      check(
        r.code === 0,
        `@hrdkit/client: tsc --noEmit, ${name === "node16" ? "module node16 (ESM, CJS and the README samples)" : "moduleResolution bundler"}, skipLibCheck false${r.code ? `\n${r.out}` : ""}`,
      );
    }
  }
} finally {
  if (keep) console.log(`consumer check: project kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

console.log(
  `consumer check: ${failures.length ? `${failures.length} failed` : "all passed"} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
process.exitCode = failures.length ? 1 : 0;
