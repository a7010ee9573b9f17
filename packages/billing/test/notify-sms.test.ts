/**
 * The SMSAPI channels (official `smsapi` client) against a local fake of SMSAPI over real HTTP.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BillingValidationError } from "../src/errors.js";
import { ChannelError } from "../src/notify/ports.js";
import { parseSmsapiReport, SMSAPI_REPORT_ANSWER, smsapiChannels } from "../src/notify/smsapi.js";
import { type FakeSmsapi, startSmsapiFake } from "./support/smsapi-fake.js";

let fake: FakeSmsapi;

beforeEach(async () => {
  fake = await startSmsapiFake({ senderNames: ["Test", "ZolwHost"], refusedNumbers: ["+48600700800"] });
});

afterEach(async () => {
  await fake.close();
});

function channels(extra: Partial<Parameters<typeof smsapiChannels>[0]> = {}) {
  return smsapiChannels({ token: fake.token, baseUrl: fake.url, ...extra });
}

/** The ChannelError a promise rejects with (fails the test if it resolves or throws something else). */
async function refusal(p: Promise<unknown>): Promise<ChannelError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ChannelError);
  return e as ChannelError;
}

// 90 characters with Polish letters: UCS-2, so two parts of 67.
const reminder =
  "Domena łąka.pl wygaśnie 31.03.2026. Odnów ją w panelu Żółw Hosting, aby nie stracić poczty.";

describe("SMS through SMSAPI", () => {
  it("sends a Polish SMS under a sender name, with idx and check_idx", async () => {
    const { sms } = channels();
    const receipt = await sms.send({
      idempotencyKey: "notice-101",
      to: "+48500100200",
      from: "ZolwHost",
      text: reminder,
    });

    expect(fake.messages).toHaveLength(1);
    const m = fake.messages[0]!;
    expect(m).toMatchObject({
      kind: "sms",
      to: "48500100200",
      from: "ZolwHost",
      text: reminder,
      idx: "notice-101",
      parts: 2,
    });
    expect(receipt).toEqual({ providerId: m.id, status: "sent", parts: 2 });
    // What the official client put on the wire.
    const req = fake.requests[0]!;
    expect(req.path).toBe("/sms.do");
    expect(req.contentType).toContain("application/json");
    expect(req.authorization).toBe(`Bearer ${fake.token}`);
    expect(req.body).toMatchObject({ check_idx: true, idx: "notice-101", format: "json", encoding: "utf-8" });
  });

  it("uses the default sender name and strips diacritics when asked: one GSM-7 part", async () => {
    const { sms } = channels({ senderName: "ZolwHost", normalizeDiacritics: true });
    const receipt = await sms.send({ idempotencyKey: "notice-102", to: "500 100 200", text: reminder });
    expect(fake.messages[0]).toMatchObject({
      from: "ZolwHost",
      text: "Domena laka.pl wygasnie 31.03.2026. Odnow ja w panelu Zolw Hosting, aby nie stracic poczty.",
      parts: 1,
    });
    expect(receipt.parts).toBe(1);
  });

  it("refuses a number it cannot read without asking SMSAPI", async () => {
    const { sms } = channels();
    const e = await refusal(sms.send({ idempotencyKey: "notice-103", to: "+48 500 1", text: "Test" }));
    expect(e.permanent).toBe(true);
    expect(e.message).toMatch(/too short/);
    expect(fake.requests).toHaveLength(0);
  });

  it("reports a number SMSAPI refuses (error 13) as permanent", async () => {
    const { sms } = channels();
    const e = await refusal(sms.send({ idempotencyKey: "notice-104", to: "+48 600 700 800", text: "Test" }));
    expect(e).toMatchObject({ permanent: true, providerCode: "13" });
    expect(e.message).toContain("+48600700800");
    expect(fake.messages).toHaveLength(0);
  });

  it("reports an unregistered sender name (error 14) as permanent, saying where to register it", async () => {
    const { sms } = channels();
    const e = await refusal(
      sms.send({ idempotencyKey: "notice-105", to: "+48500100200", from: "Nieznany", text: "Test" }),
    );
    expect(e).toMatchObject({ permanent: true, providerCode: "14" });
    expect(e.message).toMatch(/"Nieznany".*register it in the SMSAPI panel/);
  });

  it("reports a wrong token as permanent without printing it", async () => {
    const wrong = "wrong-token-0123456789abcdef";
    const { sms } = smsapiChannels({ token: wrong, baseUrl: fake.url });
    const e = await refusal(sms.send({ idempotencyKey: "notice-106", to: "+48500100200", text: "Test" }));
    expect(e.permanent).toBe(true);
    expect(e.message).toMatch(/check the token/);
    expect(e.message).not.toContain(wrong);
    expect(e.message).not.toContain(fake.token);
    expect(fake.requests[0]!.authorization).toBe(`Bearer ${wrong}`);
    expect(fake.messages).toHaveLength(0);
  });

  it("treats HTTP 500 as transient, and the retry sends the message once", async () => {
    const { sms } = channels();
    fake.faults.inject({ kind: "status", status: 500 });
    const notice = { idempotencyKey: "notice-107", to: "+48500100200", text: "Faktura FV/2026/03/7 czeka." };
    const e = await refusal(sms.send(notice));
    expect(e.permanent).toBe(false);
    expect(e.message).toMatch(/HTTP 500/);
    const receipt = await sms.send(notice);
    expect(fake.messages).toHaveLength(1);
    expect(receipt.providerId).toBe(fake.messages[0]!.id);
  });

  it("recognises a message SMSAPI took before the answer was lost: no second SMS", async () => {
    const { sms } = channels();
    fake.faults.inject({ kind: "acceptThenDrop" });
    const notice = { idempotencyKey: "notice-108", to: "+48500100200", text: "Przypomnienie o płatności." };
    const e = await refusal(sms.send(notice));
    expect(e.permanent).toBe(false);
    expect(fake.messages).toHaveLength(1);

    const again = await sms.send(notice);
    expect(again).toEqual({ providerId: "idx:notice-108", status: "sent", alreadySent: true });
    expect(fake.messages).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
  });

  it("gives up on a hanging SMSAPI after timeoutMs as transient", async () => {
    const { sms } = channels({ timeoutMs: 300 });
    fake.faults.inject({ kind: "hang" });
    const notice = { idempotencyKey: "notice-109", to: "+48500100200", text: "Test" };
    const started = Date.now();
    const e = await refusal(sms.send(notice));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(e).toMatchObject({ permanent: false });
    expect(e.message).toMatch(/did not answer within 300 ms/);
    await sms.send(notice);
    expect(fake.messages).toHaveLength(1);
  });

  it("treats a dropped connection as transient", async () => {
    const { sms } = channels();
    fake.faults.inject({ kind: "drop" });
    const e = await refusal(sms.send({ idempotencyKey: "notice-110", to: "+48500100200", text: "Test" }));
    expect(e.permanent).toBe(false);
    expect(e.message).toMatch(/could not talk to SMSAPI/);
    expect(fake.messages).toHaveLength(0);
  });

  it("retries an account without points (103) and SMSAPI overload (202), but not a refused message", async () => {
    const { sms } = channels();
    fake.faults.inject({ kind: "error", code: 103, message: "Insufficient credits on your account" });
    const noPoints = await refusal(sms.send({ idempotencyKey: "notice-111", to: "+48500100200", text: "x" }));
    expect(noPoints).toMatchObject({ permanent: false, providerCode: "103" });
    expect(noPoints.message).toMatch(/top it up/);
    fake.faults.inject({ kind: "error", code: 202, message: "Too many simultaneous requests" });
    const busy = await refusal(sms.send({ idempotencyKey: "notice-111", to: "+48500100200", text: "x" }));
    expect(busy).toMatchObject({ permanent: false, providerCode: "202" });
    fake.faults.inject({ kind: "error", code: 59, message: "Recipient signed out" });
    const stop = await refusal(sms.send({ idempotencyKey: "notice-111", to: "+48500100200", text: "x" }));
    expect(stop).toMatchObject({ permanent: true, providerCode: "59" });
  });

  it("refuses an account that ran out of points at the fake itself (103), then sends after a top-up", async () => {
    await fake.close();
    fake = await startSmsapiFake({ points: 0.2 });
    const { sms } = channels();
    await sms.send({ idempotencyKey: "notice-112", to: "+48500100200", text: "a" });
    const e = await refusal(sms.send({ idempotencyKey: "notice-113", to: "+48500100200", text: "b" }));
    expect(e).toMatchObject({ permanent: false, providerCode: "103" });
    expect(fake.messages).toHaveLength(1);
    fake.addPoints(10);
    await sms.send({ idempotencyKey: "notice-113", to: "+48500100200", text: "b" });
    expect(fake.messages.map((m) => m.idx)).toEqual(["notice-112", "notice-113"]);
  });

  it("refuses an idempotency key SMSAPI would misread", async () => {
    const { sms } = channels();
    const e = await refusal(sms.send({ idempotencyKey: "a,b", to: "+48500100200", text: "x" }));
    expect(e.permanent).toBe(true);
    expect(fake.requests).toHaveLength(0);
  });

  it("checks its options, naming every bad one", () => {
    expect(() => smsapiChannels({ token: " ", baseUrl: "not a url", maxParts: 11 })).toThrow(
      BillingValidationError,
    );
    try {
      smsapiChannels({ token: " ", baseUrl: "not a url", maxParts: 11 });
    } catch (e) {
      expect((e as BillingValidationError).issues.map((i) => i.path).sort()).toEqual([
        "baseUrl",
        "maxParts",
        "token",
      ]);
    }
  });
});

describe("voice messages through SMSAPI VMS", () => {
  it("has the text read out by the chosen Polish voice", async () => {
    const { phone } = channels({ ttsLector: "jacek" });
    const text = "Dzień dobry, tu Żółw Hosting. Domena łąka.pl wygasa jutro.";
    const receipt = await phone.send({ idempotencyKey: "notice-201", to: "+48 22 123 45 67", text });
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]).toMatchObject({
      kind: "vms",
      to: "48221234567",
      text,
      ttsLector: "jacek",
      idx: "notice-201",
    });
    expect(fake.requests[0]!.path).toBe("/vms.do");
    expect(receipt).toMatchObject({ providerId: fake.messages[0]!.id, status: "sent" });
  });

  it("recognises a voice message already taken under the same key", async () => {
    const { phone } = channels();
    fake.faults.inject({ kind: "acceptThenDrop" });
    const notice = { idempotencyKey: "notice-202", to: "+48500100200", text: "Pilna sprawa." };
    await refusal(phone.send(notice));
    expect(await phone.send(notice)).toMatchObject({ alreadySent: true });
    expect(fake.messages).toHaveLength(1);
  });
});

describe("delivery reports", () => {
  let receiver: Server;
  let receiverUrl: string;
  const received: ReturnType<typeof parseSmsapiReport>[] = [];

  beforeEach(async () => {
    received.length = 0;
    receiver = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const query: Record<string, string | string[]> = {};
      for (const key of new Set(url.searchParams.keys())) {
        const all = url.searchParams.getAll(key);
        query[key] = all.length === 1 ? all[0]! : all;
      }
      received.push(parseSmsapiReport(query));
      res.end(SMSAPI_REPORT_ANSWER);
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/smsapi/report?secret=s1`;
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it("reads SMSAPI's callback for the messages sent with notify_url", async () => {
    const { sms } = channels({ notifyUrl: receiverUrl });
    const a = await sms.send({ idempotencyKey: "notice-301", to: "+48500100200", text: "Jeden" });
    const b = await sms.send({ idempotencyKey: "notice-302", to: "+48500100201", text: "Dwa" });
    expect(fake.messages[0]!.notifyUrl).toBe(receiverUrl);

    const doneAt = new Date("2026-03-16T10:15:00Z");
    const answer = await fake.sendReports([
      { message: fake.messages[0]!, status: 404, doneAt },
      { message: fake.messages[1]!, status: 402, doneAt },
    ]);
    expect(answer).toEqual({ status: 200, body: "OK" });

    expect(received).toHaveLength(1);
    expect(received[0]).toEqual([
      {
        providerId: a.providerId,
        status: "delivered",
        providerStatus: "DELIVERED",
        at: doneAt,
        idempotencyKey: "notice-301",
        to: "+48500100200",
      },
      {
        providerId: b.providerId,
        status: "failed",
        providerStatus: "EXPIRED",
        reason: "not delivered in time: the phone was off or out of reach (EXPIRED)",
        at: doneAt,
        idempotencyKey: "notice-302",
        to: "+48500100201",
      },
    ]);
  });
});

describe("parseSmsapiReport", () => {
  it("maps every SMSAPI status code", () => {
    const codes = [401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412];
    const out = parseSmsapiReport({
      MsgId: codes.map((c) => `ID${c}`).join(","),
      status: codes.join(","),
    });
    expect(Object.fromEntries(out.map((s) => [s.providerStatus, s.status]))).toEqual({
      NOT_FOUND: "failed",
      EXPIRED: "failed",
      SENT: "sent",
      DELIVERED: "delivered",
      UNDELIVERED: "failed",
      FAILED: "failed",
      REJECTED: "failed",
      UNKNOWN: "sent",
      QUEUE: "sent",
      ACCEPTED: "sent",
      RENEWAL: "sent",
      STOP: "failed",
    });
  });

  it("accepts repeated parameters as arrays and skips entries without a message id", () => {
    const out = parseSmsapiReport({
      MsgId: ["A1", "", "C3"],
      status: ["404", "404", "405"],
      idx: ["n1", "n2", "n3"],
    });
    expect(out.map((s) => [s.providerId, s.status, s.idempotencyKey])).toEqual([
      ["A1", "delivered", "n1"],
      ["C3", "failed", "n3"],
    ]);
  });

  it("gives nothing for a query that is not a report", () => {
    expect(parseSmsapiReport({})).toEqual([]);
    expect(parseSmsapiReport({ foo: "bar" })).toEqual([]);
  });
});
