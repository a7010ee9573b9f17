/**
 * Nothing is sent twice after a crash between the provider taking a message and the outbox
 * recording it. On PostgreSQL the worker runs in a child process that is killed with SIGKILL the
 * moment the provider (a gateway or SMTP server in this process) has the message; on PGlite (one
 * process only) the crash is simulated by a port that throws after the real send.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCustomer } from "../src/customers/basic.js";
import type { Db } from "../src/db/db.js";
import { migrate } from "../src/db/migrate.js";
import { MIGRATIONS } from "../src/db/migrations.js";
import { NOTIFY_OUTBOX_MIGRATIONS } from "../src/db/migrations-notify-outbox.js";
import {
  type EmailNoticeInput,
  enqueueNotice,
  getNotice,
  listNotices,
  resendNotice,
  runOutbox,
  type SmsNoticeInput,
  smtpEmailPort,
} from "../src/notify/index.js";
import { drivers } from "./support/db.js";
import { crashAfterSend, FakeEmail, FakeSms, httpSmsPort, startHttpGateway } from "./support/notify-fakes.js";
import { startRawSmtp } from "./support/smtp-raw.js";

const T0 = new Date("2030-01-15T10:00:00Z");
const MIN = 60_000;
const at = (ms: number) => () => new Date(T0.getTime() + ms);

describe.each(drivers())("outbox crash recovery on $name", (driver) => {
  let db: Db;
  let customerId: number;

  const sms = (): SmsNoticeInput => ({
    channel: "sms",
    event: "payment.overdue",
    customerId,
    to: "+48500100200",
    text: "Zolw Hosting: proforma PRO/2030/01/7 czeka na zaplate 123,00 zl do 22.01.2030.",
  });
  const email = (): EmailNoticeInput => ({
    channel: "email",
    event: "payment.overdue",
    customerId,
    to: "ksiegowosc@laka.example",
    from: { name: "Żółw Hosting", address: "powiadomienia@zolw.example" },
    subject: "Przypomnienie o płatności: PRO/2030/01/7",
    html: "<p>Proforma <b>PRO/2030/01/7</b> czeka na zapłatę 123,00&nbsp;zł.</p>",
    text: "Proforma PRO/2030/01/7 czeka na zapłatę 123,00 zł.",
  });

  beforeAll(async () => {
    db = await driver.open();
    const known = new Set(MIGRATIONS.map((m) => m.id));
    await migrate(db, [...MIGRATIONS, ...NOTIFY_OUTBOX_MIGRATIONS.filter((m) => !known.has(m.id))]);
    customerId = (await createCustomer(db, { name: "Łąka Software S.A." })).id;
  });
  afterEach(async () => {
    await db.query(
      "UPDATE notices SET status = 'cancelled', lease_token = NULL WHERE status IN ('queued', 'sending')",
    );
  });
  afterAll(async () => {
    await driver.dispose(db);
  });

  it("SMS: a send cut off after the gateway took it ends `sent` after the lease, found by lookup, never resent", async () => {
    const { notice } = await enqueueNotice(db, sms(), { now: T0 });
    const gateway = new FakeSms();
    const crashed = await runOutbox(db, { sms: crashAfterSend(gateway) }, { now: at(0), leaseMs: 5 * MIN });
    expect(crashed).toMatchObject({ attempted: 1, sent: 0, unknown: 1 });
    expect(gateway.accepted).toHaveLength(1);
    const cut = await getNotice(db, notice.id);
    expect(cut.status).toBe("sending");
    expect(cut.attempts[0]).toMatchObject({ outcome: "unknown", error: expect.stringContaining("crash") });

    // While the lease holds, another worker leaves it alone.
    const early = await runOutbox(db, { sms: gateway }, { now: at(4 * MIN) });
    expect(early).toMatchObject({ attempted: 0, recovered: { confirmed: 0 } });
    expect(gateway.lookups).toBe(0);

    const fresh = await runOutbox(db, { sms: gateway }, { now: at(6 * MIN) });
    expect(fresh).toMatchObject({ attempted: 0, recovered: { confirmed: 1, requeued: 0, uncertain: 0 } });
    const settled = await getNotice(db, notice.id);
    expect(settled).toMatchObject({
      status: "sent",
      providerId: gateway.accepted[0]!.providerId,
      reason: null,
    });
    expect(settled.attempts).toHaveLength(1);
    expect(settled.attempts[0]).toMatchObject({
      outcome: "sent",
      providerId: gateway.accepted[0]!.providerId,
      detail: expect.stringContaining("lookup by key found it"),
    });
    expect(gateway.accepted).toHaveLength(1);
    expect(gateway.duplicates).toBe(0);
    expect(gateway.lookups).toBe(1);
  });

  it("SMS: a send cut off before the gateway had it is sent again under the same key, once", async () => {
    const { notice } = await enqueueNotice(db, sms(), { now: T0 });
    const gateway = new FakeSms();
    gateway.script = [new Error("socket hang up")];
    expect((await runOutbox(db, { sms: gateway }, { now: at(0), leaseMs: 5 * MIN })).unknown).toBe(1);
    expect(gateway.accepted).toHaveLength(0);

    const fresh = await runOutbox(db, { sms: gateway }, { now: at(6 * MIN) });
    expect(fresh).toMatchObject({ attempted: 1, sent: 1, recovered: { requeued: 1 } });
    expect(gateway.accepted.map((m) => m.notice.idempotencyKey)).toEqual([notice.idempotencyKey]);
    const settled = await getNotice(db, notice.id);
    expect(settled.status).toBe("sent");
    expect(settled.attempts.map((a) => a.outcome)).toEqual(["unknown", "sent"]);
    expect(settled.attempts[0]!.detail).toContain("did not find it");
  });

  it("e-mail: a send cut off after the server took it becomes `uncertain`, visible, and is not resent", async () => {
    const { notice } = await enqueueNotice(db, email(), { now: T0 });
    const mail = new FakeEmail();
    await runOutbox(db, { email: crashAfterSend(mail) }, { now: at(0), leaseMs: 5 * MIN });
    const fresh = await runOutbox(db, { email: mail }, { now: at(6 * MIN) });
    expect(fresh).toMatchObject({ attempted: 0, recovered: { uncertain: 1 } });
    const uncertain = await getNotice(db, notice.id);
    expect(uncertain.status).toBe("uncertain");
    expect(uncertain.reason).toMatch(/cannot be asked.*Not resent automatically/);
    expect((await listNotices(db, { status: "uncertain" })).notices.map((n) => n.id)).toContain(notice.id);
    // Later runs leave it alone: one e-mail.
    await runOutbox(db, { email: mail }, { now: at(60 * MIN) });
    expect(mail.accepted).toHaveLength(1);
    // A person who finds it did not arrive resends it: a new notice, the uncertain one kept.
    const again = await resendNotice(db, notice.id, {
      actor: "anna@zolw.example",
      now: new Date(T0.getTime() + 61 * MIN),
    });
    await runOutbox(db, { email: mail }, { now: at(61 * MIN) });
    expect((await getNotice(db, again.id)).status).toBe("sent");
    expect((await getNotice(db, notice.id)).status).toBe("uncertain");
    expect(mail.accepted).toHaveLength(2);
  });

  it.runIf(driver.name === "pg")(
    "SMS: a worker process killed (SIGKILL) right after the gateway accepted leaves one message, settled as sent",
    async () => {
      const gateway = await startHttpGateway();
      try {
        const { notice } = await enqueueNotice(db, sms());
        const child = startChild(db, "sms", gateway.url);
        // The gateway has stored the message; the kill lands before its answer can be read.
        gateway.onAccepted = () => child.process.kill("SIGKILL");
        expect(await child.exit).toMatchObject({ signal: "SIGKILL" });
        expect(gateway.accepted.get(notice.idempotencyKey)?.times).toBe(1);
        const cut = await getNotice(db, notice.id);
        expect(cut.status).toBe("sending");
        expect(cut.attempts).toMatchObject([{ outcome: "sending", finishedAt: null }]);

        const fresh = await runOutbox(
          db,
          { sms: httpSmsPort(gateway.url) },
          { now: () => new Date(Date.now() + 61_000), quietHours: false },
        );
        expect(fresh).toMatchObject({ attempted: 0, recovered: { confirmed: 1 } });
        const settled = await getNotice(db, notice.id);
        expect(settled).toMatchObject({
          status: "sent",
          providerId: gateway.accepted.get(notice.idempotencyKey)!.id,
        });
        expect(settled.attempts[0]).toMatchObject({
          outcome: "sent",
          error: expect.stringContaining("the worker stopped before recording the outcome"),
        });
        expect(gateway.lookups).toBe(1);
        expect(gateway.accepted.size).toBe(1);
        expect(gateway.accepted.get(notice.idempotencyKey)!.times).toBe(1);
      } finally {
        await gateway.close();
      }
    },
  );

  it.runIf(driver.name === "pg")(
    "e-mail: a worker process killed (SIGKILL) while the SMTP server accepts leaves one e-mail, `uncertain`",
    async () => {
      const smtp = await startRawSmtp();
      const port = smtpEmailPort({ host: "127.0.0.1", port: smtp.port, secure: false, ignoreTLS: true });
      try {
        const { notice } = await enqueueNotice(db, email());
        const child = startChild(db, "email", String(smtp.port));
        smtp.beforeAccept = () => child.process.kill("SIGKILL");
        expect(await child.exit).toMatchObject({ signal: "SIGKILL" });
        expect(smtp.messages).toHaveLength(1);
        expect((await getNotice(db, notice.id)).status).toBe("sending");

        const later = () => new Date(Date.now() + 61_000);
        const fresh = await runOutbox(db, { email: port }, { now: later, quietHours: false });
        expect(fresh).toMatchObject({ attempted: 0, recovered: { uncertain: 1 } });
        expect((await getNotice(db, notice.id)).status).toBe("uncertain");
        await runOutbox(
          db,
          { email: port },
          { now: () => new Date(Date.now() + 3_600_000), quietHours: false },
        );
        expect(smtp.messages).toHaveLength(1);
        expect(smtp.messages[0]!.raw).toContain(`Message-ID: <${notice.idempotencyKey}@zolw.example>`);
      } finally {
        port.close();
        await smtp.close();
      }
    },
  );
});

const CHILD = fileURLToPath(new URL("./support/outbox-child.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** Starts the worker process against this test's schema. */
function startChild(db: Db, channel: "sms" | "email", target: string) {
  const url = process.env.DATABASE_URL!;
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", CHILD, url, db.schema, channel, target],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    output += c.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>(
    (resolve) => child.on("exit", (code, signal) => resolve({ code, signal, output })),
  );
  return { process: child, exit };
}
