// Webhooks at volume: 10 000 events published into the durable queue and delivered by
// deliverWebhooks to a local receiver (127.0.0.1) that verifies every signature and fails 10 % of
// attempts at random (seeded). Reports that every event arrived (distinct event ids accepted =
// events published), the duplicates seen, the attempts, and deliveries per second; the baseline,
// measured in the same run against the same receiver, is plain signed fetch POSTs of the same
// bodies at the same concurrency, retried at once on failure, with no queue and no database. The
// retry schedule is compressed (1 ms … 20 ms) so the run takes seconds, not days.
// Run: `npx tsx scripts/bench/webhooks.ts` (PGlite; with DATABASE_URL also PostgreSQL).
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "../../packages/billing/src/db/db.js";
import { migrate } from "../../packages/billing/src/db/migrate.js";
import { openDb } from "../../packages/billing/src/db/open.js";
import {
  createEndpoint,
  deliverWebhooks,
  eventBody,
  publishEvent,
  signatureHeader,
  verifyWebhook,
  WEBHOOK_MIGRATIONS,
} from "../../packages/bridge/src/webhooks/index.js";

export interface WebhooksBenchOptions {
  /** Events published and delivered (default 10 000). */
  events?: number;
  /** Share of attempts the receiver fails with a 500 (default 0.1). */
  failureRate?: number;
  /** Sends at once, queue and baseline alike (default 32). */
  concurrency?: number;
  /** PostgreSQL URL; default DATABASE_URL. PGlite is always measured. */
  url?: string;
}

export interface WebhooksBenchRow {
  driver: string;
  sender: string;
  events: number;
  "distinct received": number;
  lost: number;
  duplicates: number;
  attempts: number;
  "failed attempts": number;
  seconds: number;
  "deliveries/s": number;
  "ratio to baseline": number;
}

/** A small seeded PRNG (mulberry32): the same failures on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The receiver a partner would write: verify, then (here) fail a share of attempts at random. */
async function startReceiver(failureRate: number) {
  const random = seeded(42);
  const state = { secret: "", attempts: 0, failed: 0, refused: 0, accepted: new Map<string, number>() };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      state.attempts++;
      let id: string;
      try {
        id = verifyWebhook({ secret: state.secret, body: Buffer.concat(chunks), headers: req.headers }).id;
      } catch {
        state.refused++;
        res.writeHead(400).end();
        return;
      }
      if (random() < failureRate) {
        state.failed++;
        res.writeHead(500).end("try later");
        return;
      }
      state.accepted.set(id, (state.accepted.get(id) ?? 0) + 1);
      res.writeHead(200).end("ok");
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    state,
    reset() {
      state.attempts = 0;
      state.failed = 0;
      state.refused = 0;
      state.accepted.clear();
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

function row(
  driver: string,
  sender: string,
  events: number,
  r: Receiver,
  ms: number,
  baselinePerSec?: number,
): WebhooksBenchRow {
  const distinct = r.state.accepted.size;
  const accepted = [...r.state.accepted.values()].reduce((a, b) => a + b, 0);
  const perSec = Math.round((distinct / ms) * 1000);
  return {
    driver,
    sender,
    events,
    "distinct received": distinct,
    lost: events - distinct,
    duplicates: accepted - distinct,
    attempts: r.state.attempts,
    "failed attempts": r.state.failed + r.state.refused,
    seconds: Math.round(ms) / 1000,
    "deliveries/s": perSec,
    "ratio to baseline": baselinePerSec ? Math.round((perSec / baselinePerSec) * 100) / 100 : 1,
  };
}

/** The same bodies POSTed straight at the receiver, signed, retried at once until a 2xx. */
async function baseline(bodies: string[], secret: string, url: string, concurrency: number): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      for (let tries = 0; tries < 50; tries++) {
        const ts = Math.floor(Date.now() / 1000);
        const res = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-hrdkit-webhook-timestamp": String(ts),
            "x-hrdkit-webhook-signature": signatureHeader([secret], ts, body),
          },
          body,
        });
        await res.arrayBuffer();
        if (res.ok) break;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - t0;
}

async function benchOne(driver: string, db: Db, o: Required<Omit<WebhooksBenchOptions, "url">>) {
  await migrate(db, WEBHOOK_MIGRATIONS);
  const receiver = await startReceiver(o.failureRate);
  try {
    const { secret } = await createEndpoint(db, { url: receiver.url, events: ["*"] }, new Date());
    receiver.state.secret = secret;
    const ctx = { db, now: () => new Date() };

    const tp = performance.now();
    for (let i = 0; i < o.events; i++) {
      await publishEvent(db, i % 2 ? "payment.matched" : "invoice.issued", {
        invoiceId: 10_000 + i,
        number: `FV/2026/03/${String(i + 1).padStart(5, "0")}`,
        customerId: 1 + (i % 997),
        currency: "PLN",
        gross: `${100 + (i % 50)}.${String(i % 100).padStart(2, "0")}`,
      });
    }
    const publishMs = performance.now() - tp;

    const t0 = performance.now();
    const deadline = t0 + 120_000;
    let runs = 0;
    for (;;) {
      runs++;
      await deliverWebhooks(ctx, {
        concurrency: o.concurrency,
        limit: 1_000_000,
        retry: { initialDelayMs: 1, factor: 2, maxDelayMs: 20 },
      });
      const { rows } = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM webhook_deliveries WHERE status <> 'delivered'",
      );
      if (rows[0]!.n === 0 || performance.now() > deadline) break;
      // Only retries not yet due are left: let their (compressed) backoff pass.
      await new Promise((r) => setTimeout(r, 5));
    }
    const queueMs = performance.now() - t0;
    const queue = { ...receiver.state, accepted: new Map(receiver.state.accepted) };
    const queueReceiver = { ...receiver, state: queue } as Receiver;

    // The baseline: the very bodies the queue sent, straight at the receiver.
    const { rows: events } = await db.query<{ id: string; type: string; data: unknown; created_at: Date }>(
      "SELECT id, type, data, created_at FROM webhook_events ORDER BY seq",
    );
    const bodies = events.map((e) => eventBody({ ...e, createdAt: e.created_at }));
    receiver.reset();
    const baseMs = await baseline(bodies, secret, receiver.url, o.concurrency);
    const base = row(driver, "baseline: plain fetch POSTs", o.events, receiver, baseMs);
    const queued = row(
      driver,
      "queue: deliverWebhooks",
      o.events,
      queueReceiver,
      queueMs,
      base["deliveries/s"],
    );
    return {
      rows: [queued, base],
      note: `${driver}: publishing ${o.events} events took ${(publishMs / 1000).toFixed(2)} s (${Math.round((o.events / publishMs) * 1000)} events/s); delivery took ${runs} deliverWebhooks calls`,
    };
  } finally {
    await receiver.close();
  }
}

/** The rows of every driver: PGlite, and PostgreSQL when a URL is given or DATABASE_URL is set. */
export async function benchWebhooks(
  options: WebhooksBenchOptions = {},
): Promise<{ rows: WebhooksBenchRow[]; notes: string[] }> {
  const o = {
    events: options.events ?? 10_000,
    failureRate: options.failureRate ?? 0.1,
    concurrency: options.concurrency ?? 32,
  };
  const rows: WebhooksBenchRow[] = [];
  const notes: string[] = [];
  const lite = await openDb({ url: "" });
  try {
    const r = await benchOne("pglite", lite, o);
    rows.push(...r.rows);
    notes.push(r.note);
  } finally {
    await lite.close();
  }
  const url = options.url ?? process.env.DATABASE_URL;
  if (url) {
    const pg = await openDb({ url, schema: `bench_${randomBytes(4).toString("hex")}` });
    try {
      const r = await benchOne("postgresql", pg, o);
      rows.push(...r.rows);
      notes.push(r.note);
    } finally {
      await pg.query(`DROP SCHEMA "${pg.schema}" CASCADE`);
      await pg.close();
    }
  }
  return { rows, notes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log("== webhooks: 10 000 events through the queue to a receiver failing 10 % vs plain POSTs ==");
  const { rows, notes } = await benchWebhooks();
  console.table(rows);
  for (const n of notes) console.log(n);
  if (!process.env.DATABASE_URL) console.log("(PGlite only: set DATABASE_URL to measure PostgreSQL too)");
  const lost = rows.reduce((a, r) => a + r.lost, 0);
  if (lost > 0) {
    console.error(`LOST ${lost} events`);
    process.exitCode = 1;
  }
}
