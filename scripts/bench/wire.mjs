// Round trips per second of domain/check (1 and 100 names) over TLS to the sandbox (in a child
// process): the SDK against the raw frame client, with 1, 2 and 4 connections, in the same run.
// Each cell is the median of interleaved rounds, so drift of the machine hits both sides alike.
import { HrdClient } from "@hrdkit/sdk";
import { rawConnect } from "./raw-client.mjs";
import { startSandboxProcess } from "./sandbox-process.mjs";

const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 1500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function measure(workers, fn) {
  let done = 0;
  const end = performance.now() + ROUND_MS;
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

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
    for (const size of [1, 100]) {
      const names = Array.from({ length: size }, (_, i) => `bench-${i}.pl`);
      for (const conns of [1, 2, 4]) {
        const raws = await Promise.all(Array.from({ length: conns }, () => rawConnect(opts)));
        const sdk = new HrdClient({ ...opts, poolSize: conns });
        await Promise.all(Array.from({ length: conns }, () => sdk.domain.check({ names }))); // open the pool
        const raw = [];
        const ours = [];
        await measure(conns, (w) => raws[w].check(names)); // warm-up
        await measure(conns, () => sdk.domain.check({ names }));
        for (let r = 0; r < ROUNDS; r++) {
          raw.push(await measure(conns, (w) => raws[w].check(names)));
          ours.push(await measure(conns, () => sdk.domain.check({ names })));
        }
        for (const c of raws) c.close();
        await sdk.close();
        const rawMed = median(raw);
        const sdkMed = median(ours);
        rows.push({
          names: size,
          connections: conns,
          "raw rt/s": Math.round(rawMed),
          "sdk rt/s": Math.round(sdkMed),
          "sdk/raw": (sdkMed / rawMed).toFixed(3),
          "overhead %": ((1 - sdkMed / rawMed) * 100).toFixed(1),
        });
      }
    }
  } finally {
    await sb.stop();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log("domain/check round trips per second over TLS, sandbox in a child process");
  console.table(await benchWire());
}
