// Round trips per second over TLS to the sandbox (in a child process): the SDK (input validated,
// reply parsed and checked, typed result) against the raw frame client, side by side in the same
// run — partner/getBalance, domain/check of 1 and of 100 names over one connection, and a
// 100-name check over 4 connections. Target (issue 10): sdk/raw >= 0.9 on every row.
//
// Made to give the same ratio run after run on a shared machine: both sides are warmed up first,
// then measured in many short rounds, SDK and raw back to back (which goes first alternates), and
// the ratio reported is the median of the per-pair ratios — drift of the machine (another
// process, a CPU frequency change) hits both halves of a pair alike and cancels out.
import { HrdClient } from "@hrdkit/sdk";
import { rawConnect } from "./raw-client.mjs";
import { startSandboxProcess } from "./sandbox-process.mjs";

const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 250);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const WARMUP_ROUNDS = 3;

async function measure(workers, fn, ms = ROUND_MS) {
  let done = 0;
  const end = performance.now() + ms;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (performance.now() < end) {
        await fn(w);
        done++;
      }
    }),
  );
  return done / ((performance.now() - t0) / 1000);
}

/** The q-quantile (0–1) of xs, nearest rank. */
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const median = (xs) => quantile(xs, 0.5);

const names = (n) => Array.from({ length: n }, (_, i) => `bench-${i}.pl`);
const CASES = [
  { call: "partner/getBalance", conns: 1, raw: (c) => c.getBalance(), sdk: (s) => s.partner.getBalance() },
  ...[
    [1, 1],
    [100, 1],
    [100, 4],
  ].map(([size, conns]) => {
    const list = names(size);
    return {
      call: `domain/check ×${size}`,
      conns,
      raw: (c) => c.check(list),
      sdk: (s) => s.domain.check({ names: list }),
    };
  }),
];

export async function benchWire() {
  const sb = await startSandboxProcess(["--action-delay", "0"]);
  const opts = {
    host: sb.host,
    port: sb.port,
    login: sb.login,
    password: sb.password,
    apiKey: sb.apiKey,
    ca: sb.ca,
    servername: "localhost",
  };
  const rows = [];
  try {
    for (const c of CASES) {
      const raws = await Promise.all(Array.from({ length: c.conns }, () => rawConnect(opts)));
      const sdk = new HrdClient({ ...opts, poolSize: c.conns });
      await Promise.all(Array.from({ length: c.conns }, () => c.sdk(sdk))); // open the pool
      const raw = [];
      const ours = [];
      const ratios = [];
      const rawRound = () => measure(c.conns, (w) => c.raw(raws[w]));
      const sdkRound = () => measure(c.conns, () => c.sdk(sdk));
      for (let r = 0; r < WARMUP_ROUNDS; r++) {
        await rawRound();
        await sdkRound();
      }
      for (let r = 0; r < ROUNDS; r++) {
        let a;
        let b;
        if (r % 2 === 0) {
          a = await rawRound();
          b = await sdkRound();
        } else {
          b = await sdkRound();
          a = await rawRound();
        }
        raw.push(a);
        ours.push(b);
        ratios.push(b / a);
      }
      for (const r of raws) r.close();
      await sdk.close();
      rows.push({
        call: c.call,
        connections: c.conns,
        "raw rt/s": Math.round(median(raw)),
        "sdk rt/s": Math.round(median(ours)),
        "sdk/raw": median(ratios).toFixed(3),
        "middle half": `${quantile(ratios, 0.25).toFixed(2)}–${quantile(ratios, 0.75).toFixed(2)}`,
      });
    }
  } finally {
    await sb.stop();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log("round trips per second over TLS, sandbox in a child process (target: sdk/raw >= 0.9)");
  console.table(await benchWire());
}
