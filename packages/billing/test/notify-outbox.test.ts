import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createCustomer } from "../src/customers/basic.js";
import type { Db } from "../src/db/db.js";
import { migrate } from "../src/db/migrate.js";
import { MIGRATIONS } from "../src/db/migrations.js";
import { NOTIFY_OUTBOX_MIGRATIONS } from "../src/db/migrations-notify-outbox.js";
import { openDb } from "../src/db/open.js";
import { BillingConflictError, BillingNotFoundError, BillingValidationError } from "../src/errors.js";
import {
  backoffDelay,
  cancelNotice,
  classifySmtpError,
  DEFAULT_OUTBOX_RETRY,
  type EmailNoticeInput,
  enqueueNotice,
  enqueueNotices,
  getNotice,
  listNotices,
  quietUntil,
  recordDeliveryReports,
  resendNotice,
  runOutbox,
  type SmsNoticeInput,
  smtpEmailPort,
} from "../src/notify/index.js";
import { ChannelError } from "../src/notify/ports.js";
import { drivers } from "./support/db.js";
import { FakeEmail, FakeSms, FakeVoice } from "./support/notify-fakes.js";
import { decodeWords, startSmtp } from "./support/smtp.js";
import { readMime, startRawSmtp } from "./support/smtp-raw.js";

// 11:00 in Warsaw (CET): outside the quiet hours.
const T0 = new Date("2030-01-15T10:00:00Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const fixed = (d: Date) => () => d;
const MIN = 60_000;

// A proforma-like attachment: the bytes must arrive exactly as stored.
/** A PNG's signature and a few bytes: what the outbox stores and the SMTP part must carry unchanged. */
const LOGO = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.from("logo bytes Żółw")]);
const PDF = Buffer.concat([
  Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1"),
  Buffer.from([0, 1, 2, 255, 254]),
]);

describe.each(drivers())("notification outbox on $name", (driver) => {
  let db: Db;
  let customerId: number;

  const email = (over: Partial<EmailNoticeInput> = {}): EmailNoticeInput => ({
    channel: "email",
    event: "renewal.reminder",
    customerId,
    to: "ksiegowosc@laka.example",
    from: { name: "Żółw Hosting", address: "powiadomienia@zolw.example" },
    replyTo: "bok@zolw.example",
    subject: "Domena łąka.pl wygasa 14 lutego 2030",
    html: "<p>Dzień dobry,</p><p>domena <b>łąka.pl</b> wygasa 14.02.2030. Odnów ją za 99,90&nbsp;zł.</p>",
    text: "Dzień dobry,\ndomena łąka.pl wygasa 14.02.2030. Odnów ją za 99,90 zł.",
    ...over,
  });
  const sms = (over: Partial<SmsNoticeInput> = {}): SmsNoticeInput => ({
    channel: "sms",
    event: "renewal.reminder",
    customerId,
    to: "+48500100200",
    from: "ZolwHost",
    text: "Zolw Hosting: domena laka.pl wygasa 14.02.2030. Odnow ja: https://zolw.example/o/123",
    ...over,
  });

  beforeAll(async () => {
    db = await driver.open();
    const known = new Set(MIGRATIONS.map((m) => m.id));
    await migrate(db, [...MIGRATIONS, ...NOTIFY_OUTBOX_MIGRATIONS.filter((m) => !known.has(m.id))]);
    customerId = (await createCustomer(db, { name: "Łąka Software S.A." })).id;
  });
  // Each test's leftovers must not be sent by the next test's worker.
  afterEach(async () => {
    await db.query(
      "UPDATE notices SET status = 'cancelled', lease_token = NULL WHERE status IN ('queued', 'sending')",
    );
  });
  afterAll(async () => {
    await driver.dispose(db);
  });

  it("stores a notice before sending, then the worker sends it with its content and records the attempt", async () => {
    const { notice, created } = await enqueueNotice(
      db,
      email({
        attachments: [
          { filename: "proforma-PRO-2030-01-7.pdf", content: PDF, contentType: "application/pdf" },
        ],
        headers: { "List-Unsubscribe": "<https://zolw.example/u/7f3a>" },
      }),
      { now: T0 },
    );
    expect(created).toBe(true);
    expect(notice).toMatchObject({
      status: "queued",
      channel: "email",
      recipient: "ksiegowosc@laka.example",
      sender: "powiadomienia@zolw.example",
      senderName: "Żółw Hosting",
      language: "pl",
      attemptCount: 0,
      nextAttemptAt: T0,
      attachments: [
        { filename: "proforma-PRO-2030-01-7.pdf", contentType: "application/pdf", size: PDF.length },
      ],
    });
    expect(notice.idempotencyKey).toMatch(/^[A-Za-z0-9]+$/);
    const text = await enqueueNotice(db, sms(), { now: T0 });
    const call = await enqueueNotice(
      db,
      {
        channel: "phone",
        event: "domain.expired",
        customerId,
        to: "+48221234567",
        text: "Domena łąka.pl wygasła.",
      },
      { now: T0 },
    );

    const mail = new FakeEmail();
    const gateway = new FakeSms();
    const voice = new FakeVoice();
    const result = await runOutbox(db, { email: mail, sms: gateway, phone: voice }, { now: fixed(at(1000)) });
    expect(result).toMatchObject({ attempted: 3, sent: 3, retrying: 0, failed: 0, unknown: 0 });

    expect(mail.accepted).toHaveLength(1);
    expect(mail.accepted[0]!.notice).toEqual({
      idempotencyKey: notice.idempotencyKey,
      from: { name: "Żółw Hosting", address: "powiadomienia@zolw.example" },
      to: "ksiegowosc@laka.example",
      replyTo: "bok@zolw.example",
      subject: "Domena łąka.pl wygasa 14 lutego 2030",
      html: email().html,
      text: email().text,
      attachments: [{ filename: "proforma-PRO-2030-01-7.pdf", contentType: "application/pdf", content: PDF }],
      headers: { "List-Unsubscribe": "<https://zolw.example/u/7f3a>" },
    });
    expect(gateway.accepted.map((m) => m.notice)).toEqual([
      { idempotencyKey: text.notice.idempotencyKey, to: "+48500100200", from: "ZolwHost", text: sms().text },
    ]);
    expect(voice.accepted.map((m) => m.notice)).toEqual([
      { idempotencyKey: call.notice.idempotencyKey, to: "+48221234567", text: "Domena łąka.pl wygasła." },
    ]);

    const sent = await getNotice(db, notice.id);
    const providerId = mail.accepted[0]!.providerId;
    expect(sent).toMatchObject({ status: "sent", providerId, sentAt: at(1000), attemptCount: 1 });
    expect(sent.attachments[0]!.content.equals(PDF)).toBe(true);
    expect(sent.attempts).toEqual([
      {
        number: 1,
        startedAt: at(1000),
        finishedAt: at(1000),
        outcome: "sent",
        error: null,
        providerId,
        detail: null,
      },
    ]);
    expect((await getNotice(db, text.notice.id)).parts).toBe(1);
    // Nothing is sent twice: a second run finds nothing due.
    expect(
      (await runOutbox(db, { email: mail, sms: gateway, phone: voice }, { now: fixed(at(MIN)) })).attempted,
    ).toBe(0);
  });

  it("marks the attempt `sending` with a lease, committed before the provider is called", async () => {
    const { notice } = await enqueueNotice(db, sms(), { now: T0 });
    const gateway = new FakeSms();
    let seen: unknown;
    const peeking = {
      channel: "sms" as const,
      async send(n: Parameters<FakeSms["send"]>[0]) {
        // Another connection's view while the provider is being called.
        const { rows } = await db.query(
          "SELECT n.status, n.lease_until, a.outcome FROM notices n JOIN notice_attempts a ON a.notice_id = n.id WHERE n.id = $1",
          [notice.id],
        );
        seen = rows[0];
        return gateway.send(n);
      },
    };
    await runOutbox(db, { sms: peeking }, { now: fixed(T0), leaseMs: 2 * MIN });
    expect(seen).toEqual({ status: "sending", lease_until: at(2 * MIN), outcome: "sending" });
    expect((await getNotice(db, notice.id)).status).toBe("sent");
  });

  it("retries transient failures with growing, jittered backoff, then sends", async () => {
    const { notice } = await enqueueNotice(db, sms(), { now: T0 });
    const gateway = new FakeSms();
    gateway.script = [
      new ChannelError("Service temporarily unavailable", false, "8"),
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" }),
    ];
    const retry = { baseDelayMs: MIN, maxDelayMs: 60 * MIN, maxAttempts: 5 };
    const first = await runOutbox(db, { sms: gateway }, { now: fixed(T0), retry, random: () => 1 });
    expect(first).toMatchObject({ attempted: 1, retrying: 1, sent: 0 });
    let n = await getNotice(db, notice.id);
    expect(n.status).toBe("queued");
    expect(n.nextAttemptAt).toEqual(at(MIN));
    expect(n.reason).toContain("Service temporarily unavailable (provider code 8)");

    // Not due yet: nothing is sent before the backoff has passed.
    expect((await runOutbox(db, { sms: gateway }, { now: fixed(at(MIN - 1)), retry })).attempted).toBe(0);
    // Second failure: the delay doubles (random 0 → half of 2 min).
    await runOutbox(db, { sms: gateway }, { now: fixed(at(MIN)), retry, random: () => 0 });
    n = await getNotice(db, notice.id);
    expect(n.nextAttemptAt).toEqual(at(2 * MIN));
    expect(n.reason).toContain("ECONNREFUSED");

    const third = await runOutbox(db, { sms: gateway }, { now: fixed(at(2 * MIN)), retry });
    expect(third).toMatchObject({ attempted: 1, sent: 1 });
    n = await getNotice(db, notice.id);
    expect(n).toMatchObject({ status: "sent", reason: null, attemptCount: 3 });
    expect(n.attempts.map((a) => a.outcome)).toEqual(["retry", "retry", "sent"]);
    expect(gateway.accepted).toHaveLength(1);
    expect(gateway.calls).toBe(3);

    // The backoff itself: doubling, capped, never below half.
    const policy = { ...DEFAULT_OUTBOX_RETRY, baseDelayMs: 1000, maxDelayMs: 5000 };
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, policy, () => 1))).toEqual([1000, 2000, 4000, 5000]);
    expect(backoffDelay(3, policy, () => 0)).toBe(2000);
  });

  it("gives up after maxAttempts transient failures, and fails at once on a permanent refusal", async () => {
    const flaky = await enqueueNotice(db, sms(), { now: T0 });
    const gateway = new FakeSms();
    const down = new ChannelError("Gateway timeout", false);
    gateway.script = [down, down, down];
    const retry = { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 1000 };
    for (let i = 0; i < 3; i++) await runOutbox(db, { sms: gateway }, { now: fixed(at(i * MIN)), retry });
    expect(await getNotice(db, flaky.notice.id)).toMatchObject({
      status: "failed",
      attemptCount: 3,
      reason: "gave up after 3 attempts: Gateway timeout",
    });

    const bad = await enqueueNotice(db, sms({ to: "+48999000111" }), { now: T0 });
    gateway.script = [new ChannelError("Invalid phone number", true, "13")];
    const result = await runOutbox(db, { sms: gateway }, { now: fixed(at(MIN)) });
    expect(result).toMatchObject({ attempted: 1, failed: 1 });
    const failed = await getNotice(db, bad.notice.id);
    expect(failed).toMatchObject({ status: "failed", reason: "Invalid phone number (provider code 13)" });
    expect(failed.attempts).toHaveLength(1);
    expect(failed.attempts[0]).toMatchObject({
      outcome: "failed",
      error: "Invalid phone number (provider code 13)",
    });
    expect(gateway.accepted).toHaveLength(0);
  });

  it("stores a notice with a bad or missing recipient as unsendable, with the reason, and never sends it", async () => {
    const badMail = await enqueueNotice(db, email({ to: "jan.kowalski@" }), { now: T0 });
    const local = await enqueueNotice(db, sms({ to: "500 100 200" }), { now: T0 });
    const none = await enqueueNotice(db, sms({ to: null }), { now: T0 });
    expect(badMail.notice).toMatchObject({
      status: "unsendable",
      recipient: "jan.kowalski@",
      reason: '"jan.kowalski@" is not a valid e-mail address',
    });
    expect(local.notice.status).toBe("unsendable");
    expect(local.notice.reason).toMatch(/"500 100 200" is not an E\.164 phone number/);
    expect(none.notice).toMatchObject({
      status: "unsendable",
      recipient: null,
      reason: "no phone number for the SMS",
    });

    const mail = new FakeEmail();
    const gateway = new FakeSms();
    expect((await runOutbox(db, { email: mail, sms: gateway }, { now: fixed(at(MIN)) })).attempted).toBe(0);
    expect(mail.calls + gateway.calls).toBe(0);
    const listed = await listNotices(db, { status: "unsendable", customerId });
    expect(listed.notices.map((n) => n.id)).toEqual(
      expect.arrayContaining([badMail.notice.id, local.notice.id, none.notice.id]),
    );
  });

  it("fails a notice whose channel has no provider configured, saying so", async () => {
    const { notice } = await enqueueNotice(db, sms(), { now: T0 });
    const mailed = await enqueueNotice(db, email(), { now: T0 });
    const mail = new FakeEmail();
    const result = await runOutbox(db, { email: mail }, { now: fixed(T0) });
    expect(result).toMatchObject({ attempted: 2, sent: 1, failed: 1 });
    expect(await getNotice(db, notice.id)).toMatchObject({
      status: "failed",
      reason: "no SMS provider configured",
    });
    expect((await getNotice(db, mailed.notice.id)).status).toBe("sent");
  });

  it("ends a notice of a channel that is not set up at its first attempt, with the caller's reason", async () => {
    const { notice } = await enqueueNotice(db, sms(), { now: T0 });
    const result = await runOutbox(
      db,
      { email: new FakeEmail() },
      { now: fixed(T0), notSetUp: { sms: "SMS is not set up (HRDKIT_SMSAPI_TOKEN)" } },
    );
    expect(result).toMatchObject({ attempted: 1, failed: 1, retrying: 0 });
    const failed = await getNotice(db, notice.id);
    expect(failed).toMatchObject({
      status: "failed",
      reason: "SMS is not set up (HRDKIT_SMSAPI_TOKEN)",
      attemptCount: 1,
    });
    expect(failed.attempts.map((a) => a.outcome)).toEqual(["failed"]);
    // Hours later nothing is tried again: the notice waits for a person (resend once set up).
    const later = await runOutbox(db, {}, { now: fixed(new Date(T0.getTime() + 6 * 3_600_000)) });
    expect(later.attempted).toBe(0);
    expect((await getNotice(db, notice.id)).attemptCount).toBe(1);
  });

  it("keeps SMS and calls for the morning during quiet hours in Warsaw, while e-mail goes at once", async () => {
    const evening = new Date("2030-01-15T20:30:00Z"); // 21:30 CET
    const text = await enqueueNotice(db, sms(), { now: evening });
    const call = await enqueueNotice(
      db,
      { channel: "phone", event: "domain.expired", customerId, to: "+48221234567", text: "Domena wygasła." },
      { now: evening },
    );
    const mailed = await enqueueNotice(db, email(), { now: evening });
    const ports = { email: new FakeEmail(), sms: new FakeSms(), phone: new FakeVoice() };

    const night = await runOutbox(db, ports, { now: fixed(evening) });
    expect(night).toMatchObject({ attempted: 1, sent: 1, deferred: 2 });
    expect((await getNotice(db, mailed.notice.id)).status).toBe("sent");
    const waiting = await getNotice(db, text.notice.id);
    expect(waiting).toMatchObject({ status: "queued", nextAttemptAt: new Date("2030-01-16T07:00:00Z") });
    expect(waiting.reason).toBe(
      "quiet hours (21:00–08:00 Europe/Warsaw): not before 2030-01-16T07:00:00.000Z",
    );

    expect((await runOutbox(db, ports, { now: fixed(new Date("2030-01-16T06:59:00Z")) })).attempted).toBe(0);
    expect(ports.sms.calls + ports.phone.calls).toBe(0);
    const morning = await runOutbox(db, ports, { now: fixed(new Date("2030-01-16T07:00:00Z")) });
    expect(morning).toMatchObject({ attempted: 2, sent: 2 });
    expect(await getNotice(db, call.notice.id)).toMatchObject({ status: "sent", reason: null });

    // Configurable, or off.
    const late = await enqueueNotice(db, sms(), { now: evening });
    const custom = await runOutbox(db, ports, {
      now: fixed(evening),
      quietHours: { start: "22:00", end: "07:00", timeZone: "Europe/Warsaw" },
    });
    expect(custom).toMatchObject({ sent: 1, deferred: 0 });
    expect((await getNotice(db, late.notice.id)).status).toBe("sent");
  });

  it("computes the end of quiet hours in Warsaw time across DST", () => {
    // Winter (CET, UTC+1) and summer (CEST, UTC+2) evenings, after midnight, and daytime.
    expect(quietUntil(new Date("2030-01-15T20:30:00Z"))).toEqual(new Date("2030-01-16T07:00:00Z"));
    expect(quietUntil(new Date("2030-07-15T19:30:00Z"))).toEqual(new Date("2030-07-16T06:00:00Z"));
    expect(quietUntil(new Date("2030-01-16T02:00:00Z"))).toEqual(new Date("2030-01-16T07:00:00Z"));
    expect(quietUntil(new Date("2030-01-16T07:00:00Z"))).toBeNull();
    expect(quietUntil(new Date("2030-01-16T19:59:00Z"))).toBeNull();
    // The night the clocks go forward (31 March 2030): 23:00 CET → 08:00 CEST.
    expect(quietUntil(new Date("2030-03-30T22:00:00Z"))).toEqual(new Date("2030-03-31T06:00:00Z"));
    // A daytime window and a bad one.
    const lunch = { start: "12:00", end: "13:30", timeZone: "Europe/Warsaw" };
    expect(quietUntil(new Date("2030-01-16T11:15:00Z"), lunch)).toEqual(new Date("2030-01-16T12:30:00Z"));
    expect(() => quietUntil(T0, { start: "21", end: "08:00" })).toThrow(/HH:MM/);
  });

  it("paces sends of a channel to the rate given", async () => {
    for (let i = 0; i < 5; i++) await enqueueNotice(db, sms({ to: `+4850010020${i}` }), { now: T0 });
    const gateway = new FakeSms();
    const result = await runOutbox(db, { sms: gateway }, { now: fixed(T0), ratePerSecond: { sms: 20 } });
    expect(result.sent).toBe(5);
    const times = gateway.accepted.map((m) => m.at);
    // 20 a second: 50 ms apart. The pacer spaces the moments sends start; what reaches the fake
    // is a little later, by a varying amount on a loaded machine, so one gap alone may look
    // short. The whole run cannot: 4 gaps take at least 200 ms, less that jitter.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(4 * 50 - 25);
    const bad = await runOutbox(
      db,
      { sms: gateway },
      {
        ratePerSecond: { sms: 0 },
        quietHours: { start: "21", end: "08:00", timeZone: "Europe/Warszawa" },
      },
    ).catch((e) => e);
    expect(bad).toBeInstanceOf(BillingValidationError);
    expect(bad.issues.map((i: { path: string }) => i.path)).toEqual([
      "quietHours.start",
      "quietHours.timeZone",
      "ratePerSecond.sms",
    ]);
  });

  it("returns the stored notice for a repeated dedupe key, per channel, in single and bulk enqueues", async () => {
    const key = "renewal.reminder:domain 123:30d";
    const first = await enqueueNotice(db, sms({ dedupeKey: key }), { now: T0 });
    const again = await enqueueNotice(db, sms({ dedupeKey: key, text: "inna treść" }), { now: T0 });
    expect(again).toMatchObject({ created: false, notice: { id: first.notice.id, text: sms().text } });
    const byMail = await enqueueNotice(db, email({ dedupeKey: key }), { now: T0 });
    expect(byMail.created).toBe(true);

    const bulk = await enqueueNotices(
      db,
      [
        sms({ dedupeKey: key }),
        sms({ dedupeKey: "renewal.reminder:domain 124:30d" }),
        sms({ dedupeKey: "renewal.reminder:domain 124:30d" }),
        sms(),
      ],
      { now: T0 },
    );
    expect(bulk.map((b) => b.created)).toEqual([false, true, false, true]);
    expect(bulk[0]!.id).toBe(first.notice.id);
    expect(bulk[2]!.id).toBe(bulk[1]!.id);
    const { rows } = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM notices WHERE dedupe_key LIKE 'renewal.reminder:domain 12%'",
    );
    expect(rows[0]!.n).toBe(3);
  });

  it("enqueues in bulk in input order, chunked, and refuses a bad batch naming every bad field, storing nothing", async () => {
    const inputs = Array.from({ length: 2500 }, (_, i) =>
      i % 2
        ? sms({ to: `+48500${String(i).padStart(6, "0")}`, dedupeKey: `bulk:${i}` })
        : email({ to: `klient${i}@laka.example`, dedupeKey: `bulk:${i}` }),
    );
    inputs[7] = sms({ to: "0048 500", dedupeKey: "bulk:7" });
    const refs = await enqueueNotices(db, inputs, { now: T0, chunkSize: 1000 });
    expect(refs).toHaveLength(2500);
    expect(refs.every((r) => r.created)).toBe(true);
    expect(refs[7]!.status).toBe("unsendable");
    const { rows } = await db.query<{ id: number; recipient: string }>(
      "SELECT id, recipient FROM notices WHERE id = ANY ($1::bigint[])",
      [[refs[0]!.id, refs[1]!.id, refs[2499]!.id]],
    );
    const byId = new Map(rows.map((r) => [r.id, r.recipient]));
    expect(byId.get(refs[0]!.id)).toBe("klient0@laka.example");
    expect(byId.get(refs[1]!.id)).toBe("+48500000001");
    expect(byId.get(refs[2499]!.id)).toBe("+48500002499");

    const before = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM notices");
    const err = await enqueueNotices(db, [
      sms(),
      { ...email(), subject: "" },
      { ...sms(), channel: "fax" } as never,
      email({ from: { name: "Żółw", address: "nie-adres" } }),
    ]).catch((e) => e);
    expect(err).toBeInstanceOf(BillingValidationError);
    expect(err.issues.map((i: { path: string }) => i.path)).toEqual([
      "1.subject",
      "2.channel",
      "3.from.address",
    ]);
    const missing = await enqueueNotices(db, [sms({ customerId: 987_654 })]).catch((e) => e);
    expect(missing).toBeInstanceOf(BillingNotFoundError);
    expect(missing.message).toContain("987654");
    const after = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM notices");
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it("resends any notice as a new one with the same content, keeping the original in the history", async () => {
    const gateway = new FakeSms();
    const mail = new FakeEmail();
    const { notice } = await enqueueNotice(
      db,
      email({
        attachments: [{ filename: "faktura-FV-2030-01-3.pdf", content: PDF, contentType: "application/pdf" }],
      }),
      { now: T0 },
    );
    await runOutbox(db, { email: mail }, { now: fixed(T0) });
    const copy = await resendNotice(db, notice.id, {
      actor: "anna@zolw.example",
      to: "biuro@laka.example",
      now: at(MIN),
    });
    expect(copy).toMatchObject({
      status: "queued",
      resentFrom: notice.id,
      createdBy: "anna@zolw.example",
      recipient: "biuro@laka.example",
      subject: notice.subject,
      html: notice.html,
      text: notice.text,
      attachments: [{ filename: "faktura-FV-2030-01-3.pdf", size: PDF.length }],
    });
    expect(copy.id).not.toBe(notice.id);
    expect(copy.idempotencyKey).not.toBe(notice.idempotencyKey);
    await runOutbox(db, { email: mail }, { now: fixed(at(MIN)) });
    expect(mail.accepted.map((m) => m.notice.to)).toEqual(["ksiegowosc@laka.example", "biuro@laka.example"]);
    expect(mail.accepted[1]!.notice.attachments![0]!.content.equals(PDF)).toBe(true);
    expect((await getNotice(db, notice.id)).status).toBe("sent");

    // A failed SMS to a wrong number, resent to the corrected one; and a bad `to` is stored unsendable.
    const bad = await enqueueNotice(db, sms({ to: "+48999000111" }), { now: T0 });
    gateway.script = [new ChannelError("Invalid phone number", true, "13")];
    await runOutbox(db, { sms: gateway }, { now: fixed(T0) });
    const fixedNumber = await resendNotice(db, bad.notice.id, { actor: "anna", to: "+48500100201" });
    expect(fixedNumber.status).toBe("queued");
    expect((await resendNotice(db, bad.notice.id, { actor: "anna", to: "500100201" })).status).toBe(
      "unsendable",
    );
    await expect(resendNotice(db, 987_654, { actor: "anna" })).rejects.toBeInstanceOf(BillingNotFoundError);
    await expect(resendNotice(db, bad.notice.id, { actor: "" })).rejects.toBeInstanceOf(
      BillingValidationError,
    );
  });

  it("cancels a queued notice but not a sent one", async () => {
    const { notice } = await enqueueNotice(db, sms(), { now: T0 });
    const cancelled = await cancelNotice(db, notice.id, { actor: "anna", reason: "klient zapłacił" });
    expect(cancelled).toMatchObject({ status: "cancelled", reason: "cancelled by anna: klient zapłacił" });
    const gateway = new FakeSms();
    expect((await runOutbox(db, { sms: gateway }, { now: fixed(at(MIN)) })).attempted).toBe(0);
    const sent = await enqueueNotice(db, sms(), { now: T0 });
    await runOutbox(db, { sms: gateway }, { now: fixed(T0) });
    const err = await cancelNotice(db, sent.notice.id, { actor: "anna" }).catch((e) => e);
    expect(err).toBeInstanceOf(BillingConflictError);
    expect(err.code).toBe("not_cancellable");
  });

  it("applies delivery reports by provider id: delivered, or failed with the provider's reason", async () => {
    const gateway = new FakeSms();
    const a = await enqueueNotice(db, sms({ to: "+48500100301" }), { now: T0 });
    const b = await enqueueNotice(db, sms({ to: "+48500100302" }), { now: T0 });
    await runOutbox(db, { sms: gateway }, { now: fixed(T0) });
    const idA = (await getNotice(db, a.notice.id)).providerId!;
    const idB = (await getNotice(db, b.notice.id)).providerId!;
    const report = await recordDeliveryReports(
      db,
      [
        { providerId: idA, status: "sent" },
        { providerId: idA, status: "delivered", at: at(30_000) },
        { providerId: idB, status: "failed", reason: "ABSENT_SUBSCRIBER" },
        { providerId: "sms-from-another-system", status: "delivered" },
      ],
      { now: at(MIN) },
    );
    expect(report).toEqual({ updated: 2, unknown: ["sms-from-another-system"] });
    expect(await getNotice(db, a.notice.id)).toMatchObject({ status: "delivered", deliveredAt: at(30_000) });
    expect(await getNotice(db, b.notice.id)).toMatchObject({
      status: "failed",
      reason: "the provider reported it undelivered: ABSENT_SUBSCRIBER",
    });
    // A late "sent" report does not move a delivered notice back; a repeated report changes nothing.
    expect(await recordDeliveryReports(db, [{ providerId: idA, status: "sent" }])).toEqual({
      updated: 0,
      unknown: [],
    });
    expect((await recordDeliveryReports(db, [{ providerId: idA, status: "delivered" }])).updated).toBe(0);
    expect((await getNotice(db, a.notice.id)).status).toBe("delivered");
  });

  it("lists notices newest first with filters, a page at a time", async () => {
    const other = (await createCustomer(db, { name: "Fundacja Źródło" })).id;
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await enqueueNotice(db, sms({ customerId: other, event: "offer.autumn" }), { now: T0 })).notice.id,
      );
    }
    ids.push(
      (await enqueueNotice(db, email({ customerId: other, event: "invoice.issued" }), { now: T0 })).notice.id,
    );
    const page1 = await listNotices(db, { customerId: other, channel: "sms", limit: 2 });
    expect(page1.notices.map((n) => n.id)).toEqual([ids[4], ids[3]]);
    const page2 = await listNotices(db, { customerId: other, channel: "sms", limit: 2, after: page1.next! });
    expect(page2.notices.map((n) => n.id)).toEqual([ids[2], ids[1]]);
    const page3 = await listNotices(db, { customerId: other, channel: "sms", limit: 2, after: page2.next! });
    expect(page3).toEqual({ notices: [expect.objectContaining({ id: ids[0] })], next: null });
    expect(
      (await listNotices(db, { customerId: other, event: "invoice.issued" })).notices.map((n) => n.id),
    ).toEqual([ids[5]]);
    expect((await listNotices(db, { customerId: other, status: "queued" })).notices).toHaveLength(6);
    await expect(listNotices(db, { limit: 0 })).rejects.toBeInstanceOf(BillingValidationError);
    await expect(getNotice(db, 987_654)).rejects.toBeInstanceOf(BillingNotFoundError);
  });

  it("sends each notice once when two workers run at the same time", async () => {
    const second =
      driver.name === "pg" ? await openDb({ url: process.env.DATABASE_URL, schema: db.schema }) : db;
    try {
      const refs = await enqueueNotices(
        db,
        Array.from({ length: 60 }, (_, i) => sms({ to: `+48501${String(i).padStart(6, "0")}` })),
        { now: T0 },
      );
      const gateway = new FakeSms();
      gateway.latencyMs = 3;
      const options = { now: fixed(T0), concurrency: 6 };
      const [a, b] = await Promise.all([
        runOutbox(db, { sms: gateway }, options),
        runOutbox(second, { sms: gateway }, options),
      ]);
      expect(a.attempted + b.attempted).toBe(60);
      if (driver.name === "pg") expect(Math.min(a.attempted, b.attempted)).toBeGreaterThan(0);
      expect(gateway.duplicates).toBe(0);
      expect(gateway.accepted).toHaveLength(60);
      expect(new Set(gateway.accepted.map((m) => m.notice.to)).size).toBe(60);
      const { rows } = await db.query<{ status: string; n: number }>(
        "SELECT status, count(*)::int AS n FROM notices WHERE id = ANY ($1::bigint[]) GROUP BY status",
        [refs.map((r) => r.id)],
      );
      expect(rows).toEqual([{ status: "sent", n: 60 }]);
    } finally {
      if (second !== db) await second.close();
    }
  });

  it("sends e-mail through a real SMTP server: html + text + attachment + headers, Message-ID from the key", async () => {
    const raw = await startRawSmtp();
    const port = smtpEmailPort({ host: "127.0.0.1", port: raw.port, secure: false, ignoreTLS: true });
    try {
      const { notice } = await enqueueNotice(
        db,
        email({
          html: '<p><img src="cid:logo@zolw.example" alt="Żółw"></p>',
          attachments: [
            { filename: "proforma-PRO-2030-01-7.pdf", content: PDF, contentType: "application/pdf" },
            { filename: "logo.png", content: LOGO, contentType: "image/png", cid: "logo@zolw.example" },
          ],
          headers: { "List-Unsubscribe": "<https://zolw.example/u/7f3a>" },
        }),
        { now: T0 },
      );
      // The same logo on a second notice: its bytes are stored once.
      await enqueueNotice(
        db,
        email({
          to: "inny@laka.example",
          attachments: [
            { filename: "logo.png", content: LOGO, contentType: "image/png", cid: "logo@zolw.example" },
          ],
        }),
        { now: T0 },
      );
      const stored = await db.query<{ rows: number; contents: number; blobs: number }>(
        `SELECT count(*)::int AS rows, count(DISTINCT a.sha256)::int AS contents,
                (SELECT count(*)::int FROM notice_blobs b WHERE b.sha256 IN (SELECT sha256 FROM notice_attachments
                   WHERE filename = 'logo.png')) AS blobs
           FROM notice_attachments a WHERE a.filename = 'logo.png'`,
      );
      expect(stored.rows[0]).toEqual({ rows: 2, contents: 1, blobs: 1 });
      expect((await runOutbox(db, { email: port }, { now: fixed(T0) })).sent).toBe(2);
      const sent = await getNotice(db, notice.id);
      expect(sent.providerId).toBe(`<${notice.idempotencyKey}@zolw.example>`);
      expect(raw.messages.map((m) => m.to).sort()).toEqual([
        ["inny@laka.example"],
        ["ksiegowosc@laka.example"],
      ]);
      const first = raw.messages.find((m) => m.to[0] === "ksiegowosc@laka.example")!;
      const mime = readMime(first.raw);
      expect(mime.headers["message-id"]).toBe(sent.providerId);
      expect(mime.headers["message-id"]).toContain(notice.idempotencyKey);
      expect(decodeWords(mime.headers.subject!)).toBe("Domena łąka.pl wygasa 14 lutego 2030");
      expect(decodeWords(mime.headers.from!)).toMatch(/Żółw Hosting"? <powiadomienia@zolw\.example>$/);
      expect(mime.headers["reply-to"]).toBe("bok@zolw.example");
      expect(mime.headers["list-unsubscribe"]).toBe("<https://zolw.example/u/7f3a>");
      const part = (type: string) => mime.leaves.find((l) => l.contentType === type && !l.filename);
      expect(part("text/plain")!.content.toString("utf8")).toBe(email().text.replace(/\n/g, "\r\n"));
      expect(part("text/html")!.content.toString("utf8")).toBe(
        '<p><img src="cid:logo@zolw.example" alt="Żółw"></p>',
      );
      // The logo travels as an inline part the HTML's cid: reference finds.
      const logo = mime.leaves.find((l) => l.cid === "logo@zolw.example");
      expect(logo?.contentType).toBe("image/png");
      expect(logo?.content.equals(LOGO)).toBe(true);
      const pdf = mime.leaves.find((l) => l.filename === "proforma-PRO-2030-01-7.pdf");
      expect(pdf?.contentType).toBe("application/pdf");
      expect(pdf?.content.equals(PDF)).toBe(true);
    } finally {
      port.close();
      await raw.close();
    }
  });

  it("records an SMTP refusal as a permanent failure and an unreachable server as a retry", async () => {
    const smtp = await startSmtp();
    const port = smtpEmailPort({ host: "127.0.0.1", port: smtp.port, secure: false, ignoreTLS: true });
    const closed = await startSmtp();
    await closed.close();
    const down = smtpEmailPort({
      host: "127.0.0.1",
      port: closed.port,
      secure: false,
      connectionTimeout: 2000,
    });
    try {
      const refused = await enqueueNotice(db, email({ to: "nie-ma@laka.example" }), { now: T0 });
      smtp.refuse = true;
      expect(await runOutbox(db, { email: port }, { now: fixed(T0) })).toMatchObject({ failed: 1 });
      smtp.refuse = false;
      const failed = await getNotice(db, refused.notice.id);
      expect(failed.status).toBe("failed");
      expect(failed.reason).toMatch(/Mailbox nie-ma@laka\.example unavailable.*\(provider code 550\)/);
      expect(smtp.arrived).toHaveLength(0);

      const later = await enqueueNotice(db, email(), { now: T0 });
      expect(await runOutbox(db, { email: down }, { now: fixed(T0) })).toMatchObject({ retrying: 1 });
      const queued = await getNotice(db, later.notice.id);
      expect(queued.status).toBe("queued");
      expect(queued.reason).toMatch(/ECONNREFUSED/);
      // …and goes out once the server is back.
      await runOutbox(db, { email: port }, { now: fixed(at(10 * MIN)) });
      expect((await getNotice(db, later.notice.id)).status).toBe("sent");
      expect(smtp.arrived).toHaveLength(1);
      expect(smtp.arrived[0]!.mail.headers["message-id"]).toContain(later.notice.idempotencyKey);
    } finally {
      port.close();
      down.close();
      await smtp.close();
    }
  });
});

describe("SMTP error classification", () => {
  it("treats a lost connection mid-conversation as an unknown outcome, not as a failure to retry", () => {
    const midway = Object.assign(new Error("Timeout"), { code: "ETIMEDOUT", timeoutType: "SOCKET_TIMEOUT" });
    expect(classifySmtpError(midway)).toBe(midway);
    const reset = Object.assign(new Error("read ECONNRESET"), {
      code: "ESOCKET",
      originalCode: "ECONNRESET",
    });
    expect(classifySmtpError(reset)).toBe(reset);
    const greeting = Object.assign(new Error("Greeting never received"), {
      code: "ETIMEDOUT",
      timeoutType: "GREETING_TIMEOUT",
    });
    expect(classifySmtpError(greeting)).toMatchObject({ name: "ChannelError", permanent: false });
    const busy = Object.assign(new Error("Message failed: 451 try later"), {
      code: "EMESSAGE",
      responseCode: 451,
    });
    expect(classifySmtpError(busy)).toMatchObject({ permanent: false, providerCode: "451" });
  });
});
