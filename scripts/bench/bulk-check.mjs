// Bulk availability: 10 000 names checked in calls of 100 (HRD's limit) through 4 connections to
// the sandbox (in a child process). The SDK's checkMany (validation, IDN, pooling, typed results)
// against the raw frame client splitting the same batches over 4 sockets, interleaved, same run.
import { HrdClient } from "@hrdkit/sdk";
import { rawConnect } from "./raw-client.mjs";
import { startSandboxProcess } from "./sandbox-process.mjs";

const NAMES = Number(process.env.BENCH_BULK_NAMES ?? 10_000);
const CONNS = 4;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchBulkCheck() {
  const sb = await startSandboxProcess(["--action-delay", "0"]);
  const opts = { ...sb, servername: "localhost" };
  const names = Array.from(
    { length: NAMES },
    (_, i) => `masowe-sprawdzenie-${i}.${["pl", "com.pl", "eu", "com"][i % 4]}`,
  );
  const batches = [];
  for (let i = 0; i < names.length; i += 100) batches.push(names.slice(i, i + 100));
  const raws = await Promise.all(Array.from({ length: CONNS }, () => rawConnect(opts)));
  const sdk = new HrdClient({
    host: sb.host,
    port: sb.port,
    login: sb.login,
    password: sb.password,
    apiKey: sb.apiKey,
    ca: sb.ca,
    servername: "localhost",
    poolSize: CONNS,
  });
  const rawRun = async () => {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      raws.map(async (c) => {
        while (next < batches.length) await c.check(batches[next++]);
      }),
    );
    return performance.now() - t0;
  };
  const sdkRun = async () => {
    const t0 = performance.now();
    const r = await sdk.checkMany(names);
    if (r.length !== NAMES) throw new Error("short result");
    return performance.now() - t0;
  };
  try {
    await rawRun(); // warm-up, opens the pool too
    await sdkRun();
    const raw = [];
    const ours = [];
    for (let r = 0; r < ROUNDS; r++) {
      raw.push(await rawRun());
      ours.push(await sdkRun());
    }
    const rawMs = median(raw);
    const sdkMs = median(ours);
    return [
      {
        names: NAMES,
        "calls of 100": batches.length,
        connections: CONNS,
        "raw ms": Math.round(rawMs),
        "sdk ms": Math.round(sdkMs),
        "raw names/s": Math.round(NAMES / (rawMs / 1000)),
        "sdk names/s": Math.round(NAMES / (sdkMs / 1000)),
        "sdk time / raw time": (sdkMs / rawMs).toFixed(3),
      },
    ];
  } finally {
    for (const c of raws) c.close();
    await sdk.close();
    await sb.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`bulk availability: ${NAMES} names in calls of 100 over ${CONNS} connections`);
  console.table(await benchBulkCheck());
}
