// Issue 12's outbox bench: N renewal reminders (default 100 000; 70 % rendered Polish e-mail of
// ~3 KB HTML + text with the same 4.6 KB logo inline, 30 % SMS) queued with enqueueNotices and
// then SENT with runOutbox to a real SMTP server and the SMSAPI fake over real sockets, with memory
// watched the whole time. Baselines in the same run: the same rows written with one plain INSERT
// each; the same messages sent straight through the same transports (nodemailer with the same pool
// settings, the official smsapi client) without the outbox. Exits non-zero when a check fails.
//
// NODE_OPTIONS=--conditions=@hrdkit/source npx tsx scripts/bench/notify-outbox.ts [--notices N]
//   [--concurrency C] [--batch B] [--connections K]
//   (or NOTIFY_BENCH_NOTICES / _CONCURRENCY / _BATCH / _CONNECTIONS)
// PGlite in memory by default; PostgreSQL when DATABASE_URL is set (a throw-away schema).
//
// The providers run in a child process (notify-fakes-process.ts) so they do not share the
// sender's event loop; both processes' CPU use is printed, and a note says when the fakes were
// the limit.
//
// Memory: rss and heapUsed every second (memory-watch.ts), and heapUsed after a full GC from the
// end of the first enqueue batch / runOutbox call to the end of the phase; enqueue and send fail
// when the retained heap grows ≥ 1 KB per notice or the sampled heap's last quarter is > 1.5× its
// first (average and floor). NOTIFY_BENCH_LEAK=1 keeps every sent e-mail, to watch that fail.
import { type ChildProcess, fork } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { createTransport } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import { SMSAPI } from "smsapi";
import type { Db } from "../../packages/billing/src/db/db.js";
import { migrate } from "../../packages/billing/src/db/migrate.js";
import { MIGRATIONS } from "../../packages/billing/src/db/migrations.js";
import { openDb } from "../../packages/billing/src/db/open.js";
import {
  type EmailNoticeInput,
  type EmailPort,
  enqueueNotices,
  NOTIFY_OUTBOX_MIGRATIONS,
  NOTIFY_TEMPLATE_MIGRATIONS,
  runOutbox,
  type SmsNoticeInput,
  type SmsPort,
  type SmtpMessage,
  smsapiChannels,
  smtpEmailPort,
} from "../../packages/billing/src/notify/index.js";
import { readMime } from "../../packages/billing/test/support/smtp-raw.js";
import { type MemorySample, type PhaseMemory, retainedHeap, summarize, watchMemory } from "./memory-watch.js";
import type { FakesReady, FakesRequest, FakesSnapshot } from "./notify-fakes-process.js";
import { countEmails, MESSAGE_ID_DOMAIN, type ReminderSource, reminderSource } from "./renewal-reminders.js";
import { idHash64 } from "./smtp-sink.js";

export interface NotifyOutboxBenchOptions {
  /** Reminders; default 100 000. */
  notices?: number;
  /** runOutbox's sends under way at once, and the direct baseline's; default 32. */
  concurrency?: number;
  /**
   * Notices per enqueueNotices call (one transaction, one INSERT per 1000), and per baseline
   * transaction; default 1000. Inputs are made per batch: 100 000 rendered mails held at once would
   * be ~700 MB of strings, and the memory watched would be the bench's own.
   */
  batch?: number;
  /** nodemailer pool, the same for the outbox and the baseline; default 8 connections, 100 mails each. */
  maxConnections?: number;
  maxMessages?: number;
  /** PostgreSQL URL; default DATABASE_URL; "" or unset: PGlite in memory. */
  url?: string;
  /** A progress line this often (ms); default 5000. */
  progressMs?: number;
  log?: (line: string) => void;
}

export interface NotifyOutboxBenchRow {
  step: string;
  count: number;
  "outbox s": number;
  "outbox /s": number;
  "baseline s": number | string;
  "baseline /s": number | string;
  "outbox ÷ baseline (time)": number | string;
}

export interface NotifyOutboxCheck {
  ok: boolean;
  what: string;
}

export interface NotifyOutboxBenchResult {
  driver: "pglite" | "pg";
  notices: number;
  emails: number;
  sms: number;
  rows: NotifyOutboxBenchRow[];
  memory: (PhaseMemory & { process: string })[];
  checks: NotifyOutboxCheck[];
  notes: string[];
  ok: boolean;
}

const MASK = (1n << 64n) - 1n;
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const mb = (b: number) => Math.round(b / 1048576);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US").replaceAll(",", " ");
const LOGO_CID = "logo@hrdkit";

// --- The providers' process -------------------------------------------------------------------------

interface Fakes {
  ready: FakesReady;
  snapshot(opts?: { gc?: boolean; sample?: boolean }): Promise<FakesSnapshot>;
  reset(): void;
  close(): void;
}

async function startFakes(): Promise<Fakes> {
  const file = fileURLToPath(new URL("./notify-fakes-process.ts", import.meta.url));
  const child: ChildProcess = fork(file, [], {
    execArgv: [...process.execArgv, "--expose-gc"],
    env: { ...process.env, SINK_MARKER: `Content-ID: <${LOGO_CID}>` },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<number, (s: FakesSnapshot) => void>();
  let nextId = 0;
  const ready = await new Promise<FakesReady>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the fakes' process exited (${code}) before starting`)));
    child.on("message", (m: FakesReady | FakesSnapshot) => {
      if (m.type === "ready") resolve(m);
      else waiting.get(m.id)?.(m);
    });
  });
  child.removeAllListeners("exit");
  const ask = (r: FakesRequest) => child.send(r);
  return {
    ready,
    snapshot(opts = {}) {
      const id = ++nextId;
      return new Promise((resolve) => {
        waiting.set(id, (s) => {
          waiting.delete(id);
          resolve(s);
        });
        ask({ type: "snapshot", id, ...opts });
      });
    },
    reset: () => ask({ type: "reset" }),
    close() {
      child.disconnect();
    },
  };
}

// --- Enqueue and its baseline -----------------------------------------------------------------------

/** The rows enqueueNotices stores, one INSERT statement per notice (its attachment row in the same statement). */
async function plainInserts(
  db: Db,
  inputs: readonly (EmailNoticeInput | SmsNoticeInput)[],
  logoSha: string,
  at: Date,
  onRow: () => void,
): Promise<void> {
  await db.transaction(async (tx) => {
    for (const n of inputs) {
      onRow();
      const key = `ntc${randomBytes(12).toString("hex")}`;
      if (n.channel === "sms") {
        await tx.query(
          `INSERT INTO notices (idempotency_key, event, channel, customer_id, recipient, language, sender,
             body, dedupe_key, status, next_attempt_at, created_at, updated_at)
           VALUES ($1, $2, 'sms', $3, $4, 'pl', $5, $6, $7, 'queued', $8, $9, $9)`,
          [key, n.event, n.customerId, n.to, n.from, n.text, n.dedupeKey, n.notBefore, at],
        );
        continue;
      }
      const a = n.attachments![0]!;
      await tx.query(
        `WITH n AS (
           INSERT INTO notices (idempotency_key, event, channel, customer_id, recipient, language, sender,
             sender_name, subject, html, body, dedupe_key, status, next_attempt_at, created_at, updated_at)
           VALUES ($1, $2, 'email', $3, $4, 'pl', $5, $6, $7, $8, $9, $10, 'queued', $11, $12, $12)
           RETURNING id)
         INSERT INTO notice_attachments (notice_id, position, filename, content_type, cid, size, sha256)
         SELECT id, 0, $13, $14, $15, $16, $17 FROM n`,
        [
          key,
          n.event,
          n.customerId,
          n.to,
          n.from.address,
          n.from.name,
          n.subject,
          n.html,
          n.text,
          n.dedupeKey,
          n.notBefore,
          at,
          a.filename,
          a.contentType,
          a.cid,
          a.content.length,
          logoSha,
        ],
      );
    }
  });
}

// --- Progress ---------------------------------------------------------------------------------------

interface Progress {
  total: number;
  done: number;
  started: number;
}

// --- The bench --------------------------------------------------------------------------------------

export async function benchNotifyOutbox(
  options: NotifyOutboxBenchOptions = {},
): Promise<NotifyOutboxBenchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const count = options.notices ?? 100_000;
  const concurrency = options.concurrency ?? 32;
  const batch = options.batch ?? 1000;
  const pool = { maxConnections: options.maxConnections ?? 8, maxMessages: options.maxMessages ?? 100 };
  const url = options.url ?? process.env.DATABASE_URL ?? "";
  const driver = url ? "pg" : "pglite";
  const emails = countEmails(count);
  const smsCount = count - emails;
  const checks: NotifyOutboxCheck[] = [];
  const notes: string[] = [];
  const check = (ok: boolean, what: string) => {
    checks.push({ ok, what });
    log(`  ${ok ? "ok  " : "FAIL"} ${what}`);
  };

  const progress: Progress = { total: 0, done: 0, started: performance.now() };
  const childSamples: MemorySample[] = [];
  let fakes: Fakes | undefined;
  let lastLine = performance.now();
  const progressMs = options.progressMs ?? 5000;
  const watch = watchMemory(1000, (s) => {
    // The fakes' memory too (no GC forced: a plain reading, like the sender's).
    void fakes?.snapshot().then((f) => {
      childSamples.push({ at: s.at, phase: s.phase, rss: f.rss, heapUsed: f.heapUsed });
    });
    if (s.at - lastLine < progressMs || progress.total === 0) return;
    lastLine = s.at;
    const secs = (s.at - progress.started) / 1000;
    log(
      `  [${watch.phase}] ${fmt(progress.done)}/${fmt(progress.total)} · ${fmt(progress.done / secs)}/s` +
        ` · rss ${mb(s.rss)} MB · heap ${mb(s.heapUsed)} MB`,
    );
  });
  // Between batches: a memory sample if due, and a turn of the event loop (IPC, timers).
  const breathe = async () => {
    watch.tick();
    await new Promise((resolve) => setImmediate(resolve));
  };
  const phase = (name: string, label: string, total: number) => {
    watch.phase = name;
    Object.assign(progress, { total, done: 0, started: performance.now() });
    lastLine = performance.now();
    log(`${label}: ${fmt(total)}…`);
  };

  fakes = await startFakes();
  const smtpOptions = {
    host: "127.0.0.1",
    port: fakes.ready.smtpPort,
    secure: false,
    ignoreTLS: true,
    pool: true,
    ...pool,
  };
  const db = await openDb(
    url ? { url, schema: `bench_${randomBytes(4).toString("hex")}` } : { url: "" },
  ).catch((err: unknown) => {
    watch.stop();
    fakes?.close();
    throw err;
  });
  let source: ReminderSource | undefined;
  const rows: NotifyOutboxBenchRow[] = [];
  const memory: (PhaseMemory & { process: string })[] = [];
  try {
    const known = new Set(MIGRATIONS.map((m) => m.id));
    const extra = [...NOTIFY_OUTBOX_MIGRATIONS, ...NOTIFY_TEMPLATE_MIGRATIONS].filter(
      (m) => !known.has(m.id),
    );
    await migrate(db, [...MIGRATIONS, ...extra]);
    const customers = Math.max(1, Math.floor(count / 10));
    await db.exec(
      `INSERT INTO customers (id, name) SELECT g, 'Klient ' || g FROM generate_series(1, ${customers}) AS g; ANALYZE;`,
    );
    source = await reminderSource(db, customers);
    const src = source;
    const logoSha = createHash("sha256").update(src.logo.content).digest("hex");
    const at = new Date(Date.now() - 1000);
    log(
      `notify outbox bench on ${driver}: ${fmt(count)} reminders = ${fmt(emails)} e-mails ` +
        `(html+text ~${fmt(src.emailBytes())} B, logo ${fmt(src.logo.content.length)} B) + ${fmt(smsCount)} SMS; ` +
        `enqueue batches of ${fmt(batch)}; send concurrency ${concurrency}; ` +
        `nodemailer pool ${pool.maxConnections} connections × ${pool.maxMessages} mails; ` +
        `${availableParallelism()} CPUs, Node ${process.version}`,
    );
    const inputs = (from: number) =>
      Array.from({ length: Math.min(batch, count - from) }, (_, k) => src.at(from + k, at));

    // 1a. Baseline: plain INSERTs.
    phase("baseline enqueue", `baseline: one plain INSERT per notice (${driver})`, count);
    await db.query("INSERT INTO notice_blobs (sha256, content) VALUES ($1, $2)", [logoSha, src.logo.content]);
    let baseSecs = 0;
    for (let i = 0; i < count; i += batch) {
      const chunk = inputs(i);
      const t = performance.now();
      await plainInserts(db, chunk, logoSha, at, () => {
        progress.done++;
        watch.tick();
      });
      baseSecs += (performance.now() - t) / 1000;
      await breathe();
    }
    await db.exec("TRUNCATE notices, notice_attachments, notice_attempts, notice_blobs CASCADE");
    await db.exec("VACUUM ANALYZE notices");

    // 1b. enqueueNotices.
    // Retained heap (after a full GC, outside the timed calls) from the end of the first batch or
    // call — the first one compiles and caches what every later one reuses — to the end.
    const retained: Record<string, { from: number; to: number; items: number }> = {};
    phase("enqueue", `enqueue: enqueueNotices (${driver})`, count);
    let enqSecs = 0;
    let created = 0;
    for (let i = 0; i < count; i += batch) {
      const chunk = inputs(i);
      const t = performance.now();
      const refs = await enqueueNotices(db, chunk, { now: at });
      enqSecs += (performance.now() - t) / 1000;
      created += refs.filter((r) => r.created).length;
      progress.done += chunk.length;
      if (i === 0) retained["enqueue"] = { from: retainedHeap(), to: 0, items: count - chunk.length };
      await breathe();
    }
    watch.phase = "enqueue checks";
    retained["enqueue"]!.to = retainedHeap();
    const { rows: blobRows } = await db.query<{ blobs: number; bytes: number }>(
      "SELECT count(*)::int AS blobs, COALESCE(sum(octet_length(content)), 0)::int AS bytes FROM notice_blobs",
    );
    const { rows: attRows } = await db.query<{ n: number; distinct: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT sha256)::int AS "distinct" FROM notice_attachments',
    );
    const { rows: tableRows } = await db.query<{ notices: number; blobs: number }>(
      `SELECT pg_total_relation_size('notices')::int AS notices, pg_total_relation_size('notice_blobs')::int AS blobs`,
    );
    log(
      `  stored: notices ${mb(tableRows[0]!.notices)} MB (with TOAST and indexes), notice_blobs ` +
        `${fmt(tableRows[0]!.blobs)} B for ${fmt(attRows[0]!.n)} attachments (per notice it would be ` +
        `${mb(attRows[0]!.n * src.logo.content.length)} MB)`,
    );
    check(created === count, `enqueueNotices created every notice (${fmt(created)}/${fmt(count)})`);
    check(
      blobRows[0]!.blobs === 1 && blobRows[0]!.bytes === src.logo.content.length,
      `the logo is stored once: ${blobRows[0]!.blobs} blob of ${fmt(blobRows[0]!.bytes)} B ` +
        `for ${fmt(attRows[0]!.n)} e-mails (${attRows[0]!.distinct} distinct content)`,
    );
    check(attRows[0]!.n === emails, `one attachment row per e-mail (${fmt(attRows[0]!.n)}/${fmt(emails)})`);

    // 1c. The same again: the dedupe keys make it a no-op.
    phase("again", `enqueue again: same dedupe keys (${driver})`, count);
    let againSecs = 0;
    let againCreated = 0;
    for (let i = 0; i < count; i += batch) {
      const chunk = inputs(i);
      const t = performance.now();
      const refs = await enqueueNotices(db, chunk, { now: at });
      againSecs += (performance.now() - t) / 1000;
      againCreated += refs.filter((r) => r.created).length;
      progress.done += chunk.length;
      await breathe();
    }
    check(againCreated === 0, `enqueueing the same reminders again created ${againCreated} notices`);
    // What autovacuum does within a minute of a bulk insert; PGlite has no autovacuum and the test
    // server runs with it off. Without it the planner still believes the TRUNCATEd table is empty
    // and runOutbox's claim sorts every due notice (~0.4 s per claim at 90 000 queued on pg).
    await db.exec("ANALYZE notices, notice_attachments, notice_blobs");
    rows.push({
      step: "enqueue (vs 1 INSERT/row)",
      count,
      "outbox s": round(enqSecs),
      "outbox /s": Math.round(count / enqSecs),
      "baseline s": round(baseSecs),
      "baseline /s": Math.round(count / baseSecs),
      "outbox ÷ baseline (time)": round(enqSecs / baseSecs),
    });
    rows.push({
      step: "enqueue again (deduped)",
      count,
      "outbox s": round(againSecs),
      "outbox /s": Math.round(count / againSecs),
      "baseline s": "–",
      "baseline /s": "–",
      "outbox ÷ baseline (time)": "–",
    });

    // 2a. Baseline: the same messages straight through the transports, same concurrency.
    const direct = createTransport(smtpOptions as SMTPTransport.Options);
    const smsapi = new SMSAPI(fakes.ready.smsapiToken, fakes.ready.smsapiUrl);
    const directTag = randomBytes(4).toString("hex");
    const directKey = (i: number) => `direct${directTag}${i}`;
    const sendDirect = async (i: number, key: string) => {
      const n = src.at(i, at);
      if (n.channel === "sms") {
        await smsapi.sms.sendSms(n.to!.slice(1), n.text, { idx: key, checkIdx: true, from: n.from! });
        return;
      }
      const message: SmtpMessage = {
        messageId: `<${key}@${MESSAGE_ID_DOMAIN}>`,
        from: n.from,
        to: n.to!,
        subject: n.subject,
        html: n.html,
        text: n.text,
        attachments: n.attachments!.map((a) => ({
          filename: a.filename,
          content: a.content,
          contentType: a.contentType,
          cid: a.cid!,
        })),
      };
      await direct.sendMail(message);
    };
    const runPool = async (total: number, send: (i: number) => Promise<void>) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(concurrency, total) }, async () => {
          while (next < total) {
            const i = next++;
            await send(i);
            progress.done++;
          }
        }),
      );
    };
    // Warm-up (connections, JIT), not counted.
    phase("warm-up", "warm-up: direct sends, not counted", Math.min(500, count));
    await runPool(Math.min(500, count), (i) => sendDirect(i, `warm${directTag}${i}`));
    fakes.reset();
    const fakesBefore = await fakes.snapshot({ gc: true });
    phase("baseline send", `baseline: direct sends, nodemailer + smsapi client (${driver})`, count);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await runPool(count, (i) => sendDirect(i, directKey(i)));
    const directSecs = (performance.now() - t0) / 1000;
    const directCpu = process.cpuUsage(cpu0);
    direct.close();
    const afterDirect = await fakes.snapshot({ gc: true });
    let emailDigest = 0n;
    let smsDigest = 0n;
    for (let i = 0; i < count; i++) {
      if (src.isEmail(i))
        emailDigest = (emailDigest + idHash64(`<${directKey(i)}@${MESSAGE_ID_DOMAIN}>`)) & MASK;
      else smsDigest = (smsDigest + idHash64(directKey(i))) & MASK;
    }
    const directOk =
      afterDirect.smtp.messages === emails &&
      afterDirect.sms.accepted === smsCount &&
      afterDirect.smtp.duplicates === 0 &&
      afterDirect.sms.duplicateIdx === 0 &&
      afterDirect.smtp.digest === emailDigest.toString() &&
      afterDirect.sms.digest === smsDigest.toString();
    check(
      directOk,
      `baseline delivered ${fmt(afterDirect.smtp.messages)}/${fmt(emails)} mails, ` +
        `${fmt(afterDirect.sms.accepted)}/${fmt(smsCount)} SMS, exactly the ids sent`,
    );
    const directFakesCpu = (afterDirect.cpuUs - fakesBefore.cpuUs) / 1e6 / directSecs;

    // 2b. The outbox: runOutbox until nothing is due.
    fakes.reset();
    const beforeOutbox = await fakes.snapshot({ gc: true });
    const channels = smsapiChannels({
      token: fakes.ready.smsapiToken,
      baseUrl: fakes.ready.smsapiUrl,
      senderName: "ZolwHost",
    });
    const email = smtpEmailPort(smtpOptions, { messageIdDomain: MESSAGE_ID_DOMAIN });
    // Counting wrappers, only for the progress lines. NOTIFY_BENCH_LEAK=1 makes them keep every
    // e-mail (as JSON, ~20 KB of heap each), to see the memory check fail.
    const leak: unknown[] | undefined = process.env.NOTIFY_BENCH_LEAK === "1" ? [] : undefined;
    const emailPort: EmailPort = {
      channel: "email",
      send: (n) => {
        leak?.push(JSON.stringify(n));
        return email.send(n).finally(() => progress.done++);
      },
    };
    const smsPort: SmsPort = {
      channel: "sms",
      idempotentSend: true,
      send: (n) => channels.sms.send(n).finally(() => progress.done++),
    };
    phase("send", `send: runOutbox → SMTP + SMSAPI (${driver})`, count);
    const cpu1 = process.cpuUsage();
    const totals = { attempted: 0, sent: 0, retrying: 0, failed: 0, unknown: 0, lost: 0, calls: 0 };
    let sendSecs = 0;
    for (;;) {
      const t = performance.now();
      const r = await runOutbox(
        db,
        { email: emailPort, sms: smsPort },
        { limit: totals.calls === 0 ? 500 : 5000, concurrency, quietHours: false },
      );
      sendSecs += (performance.now() - t) / 1000;
      if (totals.calls === 0) retained["send"] = { from: retainedHeap(), to: 0, items: count - r.attempted };
      totals.calls++;
      for (const k of ["attempted", "sent", "retrying", "failed", "unknown", "lost"] as const)
        totals[k] += r[k];
      if (r.attempted === 0) break;
    }
    const sendCpu = process.cpuUsage(cpu1);
    email.close();
    watch.phase = "checks";
    retained["send"]!.to = retainedHeap();
    const afterOutbox = await fakes.snapshot({ gc: true, sample: true });
    const outboxFakesCpu = (afterOutbox.cpuUs - beforeOutbox.cpuUs) / 1e6 / sendSecs;
    rows.push({
      step: "send (vs direct)",
      count,
      "outbox s": round(sendSecs),
      "outbox /s": Math.round(count / sendSecs),
      "baseline s": round(directSecs),
      "baseline /s": Math.round(count / directSecs),
      "outbox ÷ baseline (time)": round(sendSecs / directSecs),
    });

    // Checks of the outbox's sends.
    const { rows: statusRows } = await db.query<{ status: string; n: number }>(
      "SELECT status, count(*)::int AS n FROM notices GROUP BY status ORDER BY status",
    );
    const statuses = statusRows.map((r) => `${r.status} ${fmt(r.n)}`).join(", ");
    check(
      statusRows.length === 1 && statusRows[0]!.status === "sent" && statusRows[0]!.n === count,
      `every notice ended sent (${statuses}); runOutbox: ${totals.calls} calls, attempted ${fmt(totals.attempted)}, ` +
        `retrying ${totals.retrying}, failed ${totals.failed}, unknown ${totals.unknown}, lost ${totals.lost}`,
    );
    const { rows: attemptRows } = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM notice_attempts WHERE outcome = 'sent'",
    );
    check(attemptRows[0]!.n === count, `one attempt per notice (${fmt(attemptRows[0]!.n)} attempts)`);
    // The ids the outbox handed out, read back page by page (no 100 000-row result at once).
    let wantEmail = 0n;
    let wantSms = 0n;
    for (let last = 0; ; ) {
      const { rows: page } = await db.query<{ id: number; channel: string; idempotency_key: string }>(
        "SELECT id::int AS id, channel, idempotency_key FROM notices WHERE id > $1 ORDER BY id LIMIT 10000",
        [last],
      );
      if (page.length === 0) break;
      for (const r of page) {
        if (r.channel === "email") {
          wantEmail = (wantEmail + idHash64(`<${r.idempotency_key}@${MESSAGE_ID_DOMAIN}>`)) & MASK;
        } else wantSms = (wantSms + idHash64(r.idempotency_key)) & MASK;
      }
      last = page[page.length - 1]!.id;
    }
    const s = afterOutbox.smtp;
    check(
      s.messages === emails && s.duplicates === 0 && s.withoutId === 0 && s.digest === wantEmail.toString(),
      `the SMTP server received ${fmt(s.messages)}/${fmt(emails)} mails, ${s.duplicates} duplicate ` +
        `Message-IDs, and exactly the notices' Message-IDs`,
    );
    check(
      s.withMarker === emails,
      `every mail carried the logo inline (${fmt(s.withMarker)} with Content-ID)`,
    );
    const m = afterOutbox.sms;
    check(
      m.accepted === smsCount &&
        m.duplicateIdx === 0 &&
        m.repeated === 0 &&
        m.withoutIdx === 0 &&
        m.digest === wantSms.toString(),
      `the SMSAPI fake accepted ${fmt(m.accepted)}/${fmt(smsCount)} SMS (${fmt(m.requests)} requests), ` +
        `${m.duplicateIdx} refused as a repeated idx, exactly the notices' idx`,
    );
    if (afterOutbox.sample !== undefined) {
      const mime = readMime(afterOutbox.sample);
      const logo = mime.leaves.find((l) => l.cid === LOGO_CID);
      check(
        logo?.content.equals(src.logo.content) === true &&
          mime.leaves.some((l) => l.contentType === "text/html") &&
          mime.leaves.some((l) => l.contentType === "text/plain"),
        "a received mail read back: html + text + the logo's exact bytes",
      );
    }
    const fakesKept = (afterOutbox.heapUsed - beforeOutbox.heapUsed) / count;
    check(
      fakesKept < 1024,
      `the fakes keep counts and hashes only: ${fmt(fakesKept)} B of heap retained per message ` +
        `(${mb(beforeOutbox.heapUsed)} → ${mb(afterOutbox.heapUsed)} MB after GC)`,
    );

    // Memory of the sender (judged) and of the fakes (shown).
    for (const p of ["baseline enqueue", "enqueue", "again", "baseline send", "send"]) {
      const own = watch.summary(p);
      if (own) memory.push({ process: "bench", ...own });
    }
    for (const p of ["baseline send", "send"]) {
      const theirs = summarize(childSamples, p);
      if (theirs) memory.push({ process: "fakes", ...theirs });
    }
    for (const p of ["enqueue", "send"]) {
      const x = memory.find((m) => m.process === "bench" && m.phase === p);
      const { from: before, to: after, items } = retained[p]!;
      const perNotice = (after - before) / Math.max(1, items);
      const sampled =
        !x || x.growth === null || x.floorGrowth === null
          ? `sampled: too short to judge (${x?.samples ?? 0} samples; needs ~25 s)`
          : `sampled: last ¼ ÷ first ¼ = ${round(x.growth)} average, ${round(x.floorGrowth)} floor ` +
            "(fails when both > 1.5)";
      check(
        x?.verdict !== "GROWING" && perNotice < 1024,
        `heap flat during ${p}: retained after full GC, first ${p === "send" ? "call" : "batch"} → end, ` +
          `${mb(before)} → ${mb(after)} MB ` +
          `(${fmt(perNotice)} B/notice, fails ≥ 1 KB); ${sampled}`,
      );
    }

    const cores = (c: NodeJS.CpuUsage, secs: number) => (c.user + c.system) / 1e6 / secs;
    notes.push(
      `CPU (share of one core): baseline send — bench ${Math.round(cores(directCpu, directSecs) * 100)} %, ` +
        `fakes ${Math.round(directFakesCpu * 100)} %; outbox send — bench ${Math.round(cores(sendCpu, sendSecs) * 100)} %, ` +
        `fakes ${Math.round(outboxFakesCpu * 100)} %.`,
    );
    if (Math.max(directFakesCpu, outboxFakesCpu) >= 0.9) {
      notes.push(
        "The fakes' process was saturated (≥ 90 % of a core) during a send: it is the bottleneck there, and " +
          "that rate is a floor.",
      );
    } else if (cores(directCpu, directSecs) >= 0.9) {
      notes.push(
        "The fakes were not the bottleneck; the direct baseline is limited by the sending process itself " +
          "(nodemailer MIME building and the smsapi client on one event loop).",
      );
    } else {
      notes.push("Neither process used a full core: the fakes were not the bottleneck.");
    }
    if (driver === "pglite") {
      notes.push("PGlite keeps the database in WASM memory, which shows in rss (not in heapUsed).");
    }
  } finally {
    watch.stop();
    fakes.close();
    await source?.close();
    if (driver === "pg") await db.query(`DROP SCHEMA "${db.schema}" CASCADE`);
    await db.close();
  }
  return {
    driver,
    notices: count,
    emails,
    sms: smsCount,
    rows,
    memory,
    checks,
    notes,
    ok: checks.every((c) => c.ok),
  };
}

// --- Command line -----------------------------------------------------------------------------------

function setting(name: string, env: string): number | undefined {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  const raw = i < 0 ? process.env[env] : args[i]!.includes("=") ? args[i]!.split("=")[1] : args[i + 1];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw.replaceAll("_", ""));
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`--${name} (${env}) must be a positive integer, not "${raw}"`);
  return n;
}

export function printNotifyOutboxBench(r: NotifyOutboxBenchResult): void {
  console.log(
    `\n== notify outbox on ${r.driver}: ${fmt(r.notices)} renewal reminders (${fmt(r.emails)} e-mail, ${fmt(r.sms)} SMS) ==`,
  );
  console.table(r.rows);
  console.table(
    r.memory.map((x) => ({
      process: x.process,
      phase: x.phase,
      samples: x.samples,
      "rss MB min/max/last": `${mb(x.rss.min)}/${mb(x.rss.max)}/${mb(x.rss.last)}`,
      "heap MB min/max/last": `${mb(x.heapUsed.min)}/${mb(x.heapUsed.max)}/${mb(x.heapUsed.last)}`,
      "heap last¼÷first¼ avg/floor":
        x.growth === null || x.floorGrowth === null ? "–" : `${round(x.growth)}/${round(x.floorGrowth)}`,
      verdict: x.process === "bench" ? x.verdict : `${x.verdict} (shown)`,
    })),
  );
  for (const c of r.checks) console.log(`${c.ok ? "ok  " : "FAIL"} ${c.what}`);
  for (const n of r.notes) console.log(n);
  console.log(r.ok ? "all checks passed" : "SOME CHECKS FAILED");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const notices = setting("notices", "NOTIFY_BENCH_NOTICES");
  const concurrency = setting("concurrency", "NOTIFY_BENCH_CONCURRENCY");
  const batch = setting("batch", "NOTIFY_BENCH_BATCH");
  const maxConnections = setting("connections", "NOTIFY_BENCH_CONNECTIONS");
  const result = await benchNotifyOutbox({
    ...(notices ? { notices } : {}),
    ...(maxConnections ? { maxConnections } : {}),
    ...(concurrency ? { concurrency } : {}),
    ...(batch ? { batch } : {}),
  });
  printNotifyOutboxBench(result);
  if (!result.ok) process.exitCode = 1;
}
