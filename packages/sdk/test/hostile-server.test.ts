/**
 * The SDK against a server that breaks the wire on purpose (raw frames over real TLS): extra
 * reply frames, replies that never end, documents nested beyond reason. The client must never
 * pair a reply with the wrong request, must stay within bounded memory, and must fail with
 * HrdProtocolError (retried or not as the call's effect allows).
 */
import { HrdClient, HrdOutcomeUnknownError, HrdProtocolError } from "@hrdkit/sdk";
import { afterEach, describe, expect, it } from "vitest";
import {
  balanceReply,
  checkReply,
  rawFrame,
  replyFrame,
  startHostileServer,
} from "./support/hostile-server.js";

type Server = Awaited<ReturnType<typeof startHostileServer>>;
let server: Server | undefined;
let client: HrdClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

const namesIn = (xml: string) => [...xml.matchAll(/<name>([^<]*)<\/name>/g)].map((m) => m[1]!);
const tick = () => new Promise((r) => setImmediate(r));

describe("a stray extra reply frame", () => {
  it("sent right behind a reply is never taken as the answer to the next request", async () => {
    server = await startHostileServer((req, socket) => {
      if (req.connection === 1) {
        // The answer, and a second frame nobody asked for, in one TCP write.
        socket.write(Buffer.concat([replyFrame(balanceReply("100.00")), replyFrame(balanceReply("999.99"))]));
      } else {
        socket.write(replyFrame(balanceReply("200.00")));
      }
    });
    client = new HrdClient({ ...server.clientOptions(), poolSize: 1 });
    expect((await client.partner.getBalance()).balance.grosze).toBe(10_000);
    const second = await client.partner.getBalance();
    expect(second.balance.grosze).toBe(20_000); // not 99 999: that frame answered nothing
    expect(server.seen.map((r) => r.connection)).toEqual([1, 2]);
  });

  it("half a frame behind a reply: the connection is dropped, the next request goes over a fresh one", async () => {
    server = await startHostileServer((req, socket) => {
      if (req.connection === 1) {
        const extra = replyFrame(balanceReply("999.99"));
        socket.write(Buffer.concat([replyFrame(balanceReply("100.00")), extra.subarray(0, 20)]));
        setTimeout(() => socket.write(extra.subarray(20)), 30);
      } else {
        socket.write(replyFrame(balanceReply("200.00")));
      }
    });
    client = new HrdClient({ ...server.clientOptions(), poolSize: 1 });
    expect((await client.partner.getBalance()).balance.grosze).toBe(10_000);
    expect((await client.partner.getBalance()).balance.grosze).toBe(20_000);
    expect(server.seen.map((r) => r.connection)).toEqual([1, 2]);
  });

  it("arriving after the next request went out: a check is never answered with other names", async () => {
    server = await startHostileServer(async (req, socket) => {
      const names = namesIn(req.xml);
      if (req.connection === 1 && req.index === 2) {
        // A late duplicate of the first answer reaches the client after its second request left.
        socket.write(replyFrame(checkReply(["pierwsza.pl"], "taken")));
        await tick();
      }
      socket.write(replyFrame(checkReply(names)));
    });
    client = new HrdClient({ ...server.clientOptions(), poolSize: 1 });
    expect(await client.domain.check({ names: ["pierwsza.pl"] })).toEqual([
      { name: "pierwsza.pl", status: "available" },
    ]);
    const second = await client.domain.check({ names: ["druga.pl"] });
    expect(second).toEqual([{ name: "druga.pl", status: "available" }]);
    // The desynchronised connection was dropped; the read went again over a fresh one.
    expect(server.seen.map((r) => [r.connection, r.index])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
    ]);
  });

  it("a reply of the wrong operation drops the connection; a purchase is not resent but reported unknown", async () => {
    server = await startHostileServer((req, socket) => {
      // The purchase is answered with another operation's reply: the stream is out of step.
      socket.write(replyFrame(balanceReply(req.operation === "domain/create" ? "1.00" : "300.00")));
    });
    client = new HrdClient({ ...server.clientOptions(), poolSize: 1 });
    const err = await client.domain
      .create({ name: "kupowana.pl", user: 5, ns: ["ns1.hrd.pl", "ns2.hrd.pl"] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HrdOutcomeUnknownError);
    expect((err as HrdOutcomeUnknownError).cause).toBeInstanceOf(HrdProtocolError);
    expect((await client.partner.getBalance()).balance.grosze).toBe(30_000);
    expect(server.seen.map((r) => [r.operation, r.connection])).toEqual([
      ["domain/create", 1],
      ["partner/getBalance", 2],
    ]);
  });
});

describe("replies that never end", () => {
  it("a check answered by frames without end fails with HrdProtocolError after a bounded number of frames", async () => {
    let written = 0;
    server = await startHostileServer(async (_req, socket) => {
      // Frames that answer no name, for as long as the socket stays open.
      const empty = replyFrame({ domain: { check: {} } });
      while (!socket.destroyed && written < 100_000) {
        socket.write(empty);
        written++;
        if (written % 50 === 0) await tick();
      }
    });
    client = new HrdClient({ ...server.clientOptions(), retries: 0, timeoutMs: 10_000 });
    const err = await client.domain.check({ names: ["a.pl", "b.pl"] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HrdProtocolError);
    expect((err as Error).message).toMatch(/frames/);
    expect(written).toBeLessThan(2_000);
  });

  it("a check answered by big frames fails once the reply passes the byte cap, before the timeout", async () => {
    let written = 0;
    const padding = " ".repeat(512 * 1024);
    server = await startHostileServer(async (_req, socket) => {
      // Every frame is half a megabyte that answers no name: the reply grows, it never completes.
      const big = rawFrame(
        `<api xmlns="http://api.hrd.pl/api/"><domain><check>${padding}</check></domain></api>`,
      );
      while (!socket.destroyed && written < 200) {
        socket.write(big);
        written++;
        await tick();
      }
    });
    client = new HrdClient({ ...server.clientOptions(), retries: 0, timeoutMs: 20_000 });
    const err = await client.domain
      .check({ names: Array.from({ length: 100 }, (_, i) => `n${i}.pl`) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HrdProtocolError);
    expect((err as Error).message).toMatch(/bytes/);
    expect(written).toBeLessThan(60); // 16 MiB of 512 KiB frames, plus what was in flight
  });
});

describe("a deeply nested reply", () => {
  it.each([
    ["inside the expected element", (d: string) => `<partner><getBalance>${d}</getBalance></partner>`],
    ["in an error reply", (d: string) => `<status>error</status><message>zle</message>${d}`],
    ["in place of the expected element", (d: string) => d],
  ])("raises HrdProtocolError, not RangeError (%s)", async (_, wrap) => {
    const depth = 200_000;
    const nested = `${"<a>".repeat(depth)}x${"</a>".repeat(depth)}`;
    server = await startHostileServer((_req, socket) => {
      socket.write(rawFrame(`<api xmlns="http://api.hrd.pl/api/">${wrap(nested)}</api>`));
    });
    client = new HrdClient({ ...server.clientOptions(), retries: 0 });
    const err = await client.partner.getBalance().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HrdProtocolError);
    expect((err as Error).message).toMatch(/nest/);
  });
});
