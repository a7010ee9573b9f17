import type { AddressInfo } from "node:net";
import { listNotices } from "@hrdkit/billing";
import { SMTPServer } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { company, domain, seedShop } from "./support/billing-seed.js";
import { baseEnv, runCli, useBuiltCli } from "./support/cli.js";
import { databaseKinds, type TestDatabase, withDb } from "./support/databases.js";

useBuiltCli();

/** Today + n days (UTC calendar; the reminder steps are wide enough for the Warsaw day to differ). */
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** A mail server on a random port that keeps the recipients of what arrives. */
async function startSmtp(): Promise<{ port: number; to: string[]; close: () => Promise<void> }> {
  const to: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      stream.on("data", () => undefined);
      stream.on("end", () => {
        to.push(...session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    port: (server.server.address() as AddressInfo).port,
    to,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(databaseKinds("remind"))("hrdkit billing send-reminders on $name", (kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.dispose();
    database = undefined;
  });

  async function seed(db: TestDatabase): Promise<void> {
    await withDb(db, async (conn) => {
      await seedShop(conn);
      const ania = await company(conn, "Sklep Ani sp. z o.o.", "ania@sklep.example");
      await domain(conn, ania, "sklep-ani.pl", inDays(20)); // inside the 30-day step: an e-mail reminder
      await domain(conn, ania, "daleko.pl", inDays(90)); // no reminder yet
    });
  }

  it("queues each reminder once and, with no channel here, leaves them for the bridge to send", async () => {
    database = await kind.make();
    await seed(database);
    const env = baseEnv(database.env);

    const first = await runCli(["billing", "send-reminders"], { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("1 reminder notices queued (0 sent on an earlier run");
    expect(first.stdout).toContain("the notices are queued for the bridge to send");

    const second = await runCli(["billing", "send-reminders", "--json"], { env });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout.trim())).toMatchObject({
      record: "summary",
      remindersQueued: 0,
      remindedBefore: 1,
      channels: [],
    });

    await withDb(database, async (db) => {
      const { notices } = await listNotices(db, { event: "renewal.reminder" });
      expect(notices.map((n) => [n.channel, n.recipient, n.status])).toEqual([
        ["email", "ania@sklep.example", "queued"],
      ]);
    });
  }, 120_000);

  it("with HRDKIT_SMTP_URL set, runs the outbox once and the reminder is sent", async () => {
    database = await kind.make();
    await seed(database);
    const smtp = await startSmtp();
    try {
      const run = await runCli(["billing", "send-reminders"], {
        env: baseEnv({ ...database.env, HRDKIT_SMTP_URL: `smtp://127.0.0.1:${smtp.port}?ignoreTLS=true` }),
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("1 reminder notices queued");
      expect(run.stdout).toMatch(/outbox run \(email\): 1 sent/);
      expect(smtp.to).toEqual(["ania@sklep.example"]);
    } finally {
      await smtp.close();
    }
    await withDb(database, async (db) => {
      const { notices } = await listNotices(db, { event: "renewal.reminder" });
      expect(notices.map((n) => n.status)).toEqual(["sent"]);
    });
  }, 120_000);
});
