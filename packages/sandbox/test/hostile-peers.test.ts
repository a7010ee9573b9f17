/**
 * The sandbox against hostile peers on its TLS port (loopback only): strangers sending huge,
 * nested, partial or no frames must not slow a legitimate client down nor grow memory, nothing
 * is parsed for a peer that has not proved it holds the API key, and operation names that exist
 * on every JavaScript object get the ordinary "unknown command" answer.
 */
import { randomBytes } from "node:crypto";
import { MESSAGES, type Sandbox, startSandbox } from "@hrdkit/sandbox";
import { HrdClient } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRaw, doc, loggedIn, type RawPeer } from "./support/raw-peer.js";

const MiB = 1024 * 1024;

/** A frame header and a signature nobody can check: what a stranger sends. */
function strangerHead(declaredXmlBytes: number): Buffer {
  const head = Buffer.alloc(4 + 64);
  head.writeUInt32BE(64 + declaredXmlBytes, 0);
  randomBytes(64).copy(head, 4);
  return head;
}

/** Resolves true when the peer was disconnected within `ms`. */
const closedWithin = (peer: RawPeer, ms: number) =>
  Promise.race([peer.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

/** A request with `inner` as the children of <api>, as raw XML (names a writer would refuse). */
const trick = (inner: string) => doc({}).replace("</api>", `${inner}</api>`);

describe("sandbox against hostile peers", () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ actionDelayMs: 0, loginTimeoutMs: 1500, frameTimeoutMs: 1500 });
  });
  afterAll(() => sandbox.close());

  it("stays responsive with bounded memory while strangers send huge, nested, partial and no frames", async () => {
    const client = new HrdClient(sandbox.clientOptions());
    try {
      await client.partner.getBalance();
      const rssBefore = process.memoryUsage().rss;
      let rssPeak = rssBefore;
      const sampler = setInterval(() => {
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      }, 10);
      const started = Date.now();
      // 4 send a 15 MiB frame of nested elements, 2 start a frame and stop, 2 never send a byte.
      const huge = await Promise.all([0, 1, 2, 3].map(() => connectRaw(sandbox)));
      const partial = await Promise.all([0, 1].map(() => connectRaw(sandbox)));
      const idle = await Promise.all([0, 1].map(() => connectRaw(sandbox)));
      const nested = Buffer.from("<a>".repeat((256 * 1024) / 3));
      const floods = huge.map(async (peer) => {
        const total = 15 * MiB;
        if (!(await peer.write(strangerHead(total)))) return;
        await peer.write(Buffer.from('<?xml version="1.0"?><api>'));
        for (let sent = 0; sent < total; sent += nested.length) {
          if (!(await peer.write(nested))) return;
        }
      });
      for (const peer of partial) {
        await peer.write(Buffer.concat([strangerHead(3000), Buffer.from("<?xml version=")]));
      }
      // Meanwhile the partner's own client goes on working.
      const latencies: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = Date.now();
        await client.partner.getBalance();
        latencies.push(Date.now() - t);
      }
      await Promise.all(floods);
      const hugeClosed = await Promise.all(huge.map((p) => closedWithin(p, 3000)));
      const partialClosed = await Promise.all(partial.map((p) => closedWithin(p, 4000)));
      const idleClosed = await Promise.all(idle.map((p) => closedWithin(p, 4000)));
      clearInterval(sampler);
      expect(Math.max(...latencies)).toBeLessThan(1000);
      // 60 MiB were thrown at it: none of it may be kept (loosely: allocator noise is allowed).
      expect((rssPeak - rssBefore) / MiB).toBeLessThan(40);
      expect({ hugeClosed, partialClosed, idleClosed }).toEqual({
        hugeClosed: [true, true, true, true],
        partialClosed: [true, true],
        idleClosed: [true, true],
      });
      // Closed by the timeouts (1.5 s), not by the end of the test.
      expect(Date.now() - started).toBeLessThan(6000);
      expect((await client.partner.getBalance()).balance.value).toMatch(/^\d+\.\d{2}$/);
    } finally {
      await client.close();
    }
  });

  it("refuses a wrongly signed frame as unauthenticated without reading its XML", async () => {
    const peer = await connectRaw(sandbox);
    try {
      // Not XML at all, and signed with the wrong key: the answer is about the signature.
      const frame = Buffer.concat([strangerHead(12), Buffer.from("<<<not xml>>")]);
      const reply = new Promise<string>((resolve) =>
        peer.socket.once("data", (d: Buffer) => resolve(d.subarray(4).toString())),
      );
      await peer.write(frame);
      const text = await reply;
      expect(text).toContain(MESSAGES.auth);
      expect(text).not.toContain(MESSAGES.invalid);
    } finally {
      peer.close();
    }
  });

  it("drops a frame larger than a login before login, from its length alone", async () => {
    const peer = await connectRaw(sandbox);
    // A 64 KiB "login": nobody's credentials are that long. Only the header is sent.
    await peer.write(strangerHead(64 * 1024));
    expect(await closedWithin(peer, 1000)).toBe(true);
    // A real login on a new connection still works.
    const ok = await loggedIn(sandbox);
    ok.close();
  });

  it("drops a frame over maxFrameBytes after login too", async () => {
    const small = await startSandbox({ actionDelayMs: 0, maxFrameBytes: 64 * 1024 });
    try {
      const peer = await loggedIn(small);
      const names = Array.from({ length: 100 }, (_, i) => `limit-${"x".repeat(50)}-${i}.pl`);
      // ~8 kB: under the limit, answered.
      const fine = await peer.call(doc({ domain: { check: { name: names } } }));
      expect(fine).not.toHaveProperty("status", "error");
      expect(JSON.stringify(fine)).toContain("limit-");
      await peer.write(strangerHead(64 * 1024 + 1));
      expect(await closedWithin(peer, 1000)).toBe(true);
    } finally {
      await small.close();
    }
  });

  describe.each([
    ["<constructor/>"],
    ["<__proto__/>"],
    ["<toString/>"],
    ["<valueOf/>"],
    ["<hasOwnProperty/>"],
    ["<isPrototypeOf/>"],
    ["<propertyIsEnumerable/>"],
    ["<toLocaleString/>"],
    ["<__defineGetter__/>"],
    ["<__lookupGetter__/>"],
    ["<__proto__><constructor/></__proto__>"],
    ["<domain><constructor/></domain>"],
  ])("operation %s", (inner) => {
    it("gets the ordinary unknown-command error, and the session goes on", async () => {
      const peer = await loggedIn(sandbox);
      try {
        const reply = await peer.call(trick(inner));
        expect(reply).toEqual({ status: "error", message: MESSAGES.unknownCommand });
        // Nothing of the sandbox's state leaked, and the connection still answers.
        expect(JSON.stringify(reply)).not.toContain(sandbox.password);
        const again = await peer.call(trick("<token/>"));
        expect(again.status).toBe("error");
      } finally {
        peer.close();
      }
    });
  });
});
