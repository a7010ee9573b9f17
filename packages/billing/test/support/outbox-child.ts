/**
 * A worker process for the crash test: runs the outbox once against a PostgreSQL schema with an
 * SMS gateway over HTTP or a real SMTP server, both in the parent (which kills this process with
 * SIGKILL the moment its provider has taken the message).
 * `node --import tsx outbox-child.ts <url> <schema> sms <gateway url> | email <smtp port>`
 */
import { openPg } from "../../src/db/pg.js";
import type { NotifyPorts } from "../../src/notify/ports.js";
import { smtpEmailPort } from "../../src/notify/smtp.js";
import { runOutbox } from "../../src/notify/worker.js";
import { httpSmsPort } from "./notify-fakes.js";

const [url, schema, channel, target] = process.argv.slice(2);
if (!url || !schema || !target || (channel !== "sms" && channel !== "email")) {
  throw new Error("usage: outbox-child.ts <url> <schema> sms <gateway url> | email <smtp port>");
}
const db = openPg(url, schema);
const ports: NotifyPorts =
  channel === "sms"
    ? { sms: httpSmsPort(target) }
    : { email: smtpEmailPort({ host: "127.0.0.1", port: Number(target), secure: false, ignoreTLS: true }) };
const result = await runOutbox(db, ports, { leaseMs: 60_000, quietHours: false });
process.stdout.write(`${JSON.stringify(result)}\n`);
await db.close();
