// The bridge over real HTTP: requests per second and latency (p50, p99) of signed calls, 16 at a
// time over keep-alive connections (Node's fetch), against the bridge's embedded sandbox and
// PGlite: POST /v1/domains/availability for one name asked at HRD every time (Cache-Control:
// no-cache) and answered from the availability cache, and POST /v1/domains/{domain}/sync.
// Baseline, measured in the same run and process: an unsigned empty GET on a bare Fastify
// instance. Run: `NODE_OPTIONS=--conditions=@hrdkit/source npx tsx scripts/bench/bridge.ts`
// (the condition runs the packages' sources; without it, their built dist).
import { createHash, randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Fastify from "fastify";
import { createKey, signature, startBridge } from "../../packages/bridge/src/index.js";

export interface BridgeBenchOptions {
  /** Requests in flight at once (default 16). */
  concurrency?: number;
  /** Timed requests per scenario (default 4 000). */
  requests?: number;
  /** Untimed requests first (default 400). */
  warmup?: number;
}

export interface BridgeBenchRow {
  scenario: string;
  requests: number;
  rps: number;
  "p50 ms": number;
  "p99 ms": number;
  /** rps of the baseline ÷ rps of this scenario: how many times slower. */
  "× baseline": number;
}

interface Scenario {
  name: string;
  send: () => Promise<void>;
}

/** Signs like BridgeClient: HMAC-SHA256 of `ts \n nonce \n METHOD path \n body`, keyed by the hex SHA-256 of the secret. */
function signer(url: string, key: string) {
  const m = /^hk_([0-9a-f]+)\.(.+)$/.exec(key);
  if (!m) throw new TypeError("bad key");
  const keyId = `hk_${m[1]}`;
  const signingKey = createHash("sha256").update(m[2]!, "utf8").digest("hex");
  return async (
    method: "GET" | "POST",
    path: string,
    body: unknown,
    extra: Record<string, string> = {},
  ): Promise<void> => {
    const text = body === undefined ? "" : JSON.stringify(body);
    const ts = String(Date.now());
    const nonce = randomBytes(16).toString("base64url");
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        "x-hrdkit-key": keyId,
        "x-hrdkit-timestamp": ts,
        "x-hrdkit-nonce": nonce,
        "x-hrdkit-signature": signature(signingKey, ts, nonce, method, path, text),
        ...(text ? { "content-type": "application/json" } : {}),
        ...extra,
      },
      body: text || undefined,
    });
    const answer = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${answer}`);
  };
}

async function measure(
  s: Scenario,
  concurrency: number,
  requests: number,
  warmup: number,
): Promise<Omit<BridgeBenchRow, "× baseline">> {
  const run = async (count: number, latencies?: number[]) => {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next++;
        const t0 = performance.now();
        await s.send();
        latencies?.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  await run(warmup);
  const latencies: number[] = [];
  const t0 = performance.now();
  await run(requests, latencies);
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
  const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
  return {
    scenario: s.name,
    requests: latencies.length,
    rps: Math.round(latencies.length / seconds),
    "p50 ms": round(pct(0.5)),
    "p99 ms": round(pct(0.99)),
  };
}

export async function benchBridge(options: BridgeBenchOptions = {}): Promise<BridgeBenchRow[]> {
  const concurrency = options.concurrency ?? 16;
  const requests = options.requests ?? 4_000;
  const warmup = options.warmup ?? 400;

  const bare = Fastify({ logger: false });
  bare.get("/", async () => ({}));
  const bareUrl = (await bare.listen({ host: "127.0.0.1", port: 0 })).replace("[::1]", "127.0.0.1");

  const bridge = await startBridge({
    config: { port: 0, host: "127.0.0.1", hrd: undefined, databaseUrl: undefined, dataDir: undefined },
    jobs: false,
  });
  try {
    const { key } = await createKey(bridge.db, "bench");
    const send = signer(bridge.url, key);
    const hrd = bridge.ctx.hrd;
    const { id: user } = await hrd.user.create({
      type: "person",
      idNumber: "44051401359",
      email: "jan@example.com",
      landlinePhone: "+48 22 100 32 48",
      name: "Jan Kowalski",
      street: "ul. Długa 1",
      postcode: "00-001",
      city: "Warszawa",
      country: "PL",
    });
    await hrd.ensureDomainRegistered({ name: "bench-sync.pl", user, ns: ["ns1.hrd.pl", "ns2.hrd.pl"] });

    const scenarios: Scenario[] = [
      {
        name: "baseline: bare Fastify GET / (unsigned)",
        send: async () => {
          const res = await fetch(`${bareUrl}/`);
          await res.text();
          if (!res.ok) throw new Error(`GET /: ${res.status}`);
        },
      },
      {
        name: "POST /v1/domains/availability, 1 name, no-cache (HRD asked)",
        send: () =>
          send(
            "POST",
            "/v1/domains/availability",
            { names: ["bench-wolna.pl"] },
            { "cache-control": "no-cache" },
          ),
      },
      {
        name: "POST /v1/domains/availability, 1 name, cached",
        send: () => send("POST", "/v1/domains/availability", { names: ["bench-wolna.pl"] }),
      },
      {
        name: "POST /v1/domains/bench-sync.pl/sync",
        send: () => send("POST", "/v1/domains/bench-sync.pl/sync", undefined),
      },
    ];
    const rows: BridgeBenchRow[] = [];
    let baseline = 0;
    for (const s of scenarios) {
      const r = await measure(s, concurrency, requests, warmup);
      if (baseline === 0) baseline = r.rps;
      rows.push({ ...r, "× baseline": Math.round((baseline / r.rps) * 10) / 10 });
    }
    return rows;
  } finally {
    await bridge.close();
    await bare.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log("== bridge: signed HTTP calls, 16 in flight over keep-alive, vs a bare Fastify route ==");
  console.table(await benchBridge());
}
