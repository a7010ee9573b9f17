/**
 * In-memory providers for the outbox tests, shaped like the real ones: an SMS gateway that
 * refuses a second message under the same key and can be asked by key (SMSAPI's idx/check_idx),
 * a voice gateway, an e-mail port that cannot be asked (SMTP). Each can be scripted to fail.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  ChannelError,
  type ChannelReceipt,
  type ChannelStatus,
  type EmailNotice,
  type EmailPort,
  type SmsNotice,
  type SmsPort,
  type VoiceNotice,
  type VoicePort,
} from "../../src/notify/ports.js";

// Provider ids are unique across fakes, as a real provider's are across its messages.
let providerSeq = 0;

/** What a scripted call does: succeed, or throw this error. */
export type Step = "ok" | Error;

abstract class FakeProvider<N extends { idempotencyKey: string }> {
  /** Messages the provider accepted, in order. */
  readonly accepted: { providerId: string; notice: N; at: number }[] = [];
  /** Sends refused because the key was used before (a duplicate the outbox tried to send). */
  duplicates = 0;
  calls = 0;
  /** Outcomes of the next calls to send; then every call succeeds. */
  script: Step[] = [];
  /** How long each send takes (lets concurrent workers overlap). */
  latencyMs = 0;
  constructor(private readonly prefix: string) {}

  protected async take(notice: N): Promise<ChannelReceipt> {
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    this.calls++;
    const step = this.script.shift() ?? "ok";
    if (step !== "ok") throw step;
    if (this.accepted.some((m) => m.notice.idempotencyKey === notice.idempotencyKey)) {
      this.duplicates++;
      throw new ChannelError(`idx ${notice.idempotencyKey} was already used`, true, "54");
    }
    const providerId = `${this.prefix}-${++providerSeq}`;
    this.accepted.push({ providerId, notice, at: performance.now() });
    return { providerId, status: "sent", parts: 1 };
  }

  protected find(key: string): ChannelStatus | undefined {
    const m = this.accepted.find((a) => a.notice.idempotencyKey === key);
    return m ? { providerId: m.providerId, status: "sent" } : undefined;
  }
}

export class FakeSms extends FakeProvider<SmsNotice> implements SmsPort {
  readonly channel = "sms";
  lookups = 0;
  constructor() {
    super("sms");
  }
  async send(notice: SmsNotice): Promise<ChannelReceipt> {
    return this.take(notice);
  }
  async lookup(key: string): Promise<ChannelStatus | undefined> {
    this.lookups++;
    return this.find(key);
  }
}

export class FakeVoice extends FakeProvider<VoiceNotice> implements VoicePort {
  readonly channel = "phone";
  constructor() {
    super("call");
  }
  async send(notice: VoiceNotice): Promise<ChannelReceipt> {
    return this.take(notice);
  }
  async lookup(key: string): Promise<ChannelStatus | undefined> {
    return this.find(key);
  }
}

/** Like SMTP: no lookup, so a send cut off mid-way cannot be settled by asking. */
export class FakeEmail extends FakeProvider<EmailNotice> implements EmailPort {
  readonly channel = "email";
  constructor() {
    super("mail");
  }
  async send(notice: EmailNotice): Promise<ChannelReceipt> {
    return this.take(notice);
  }
}

/**
 * Wraps a port so that the process "dies" right after the provider took the message: the real
 * send happens, then a plain Error (not a ChannelError) comes back, as a crash looks to the outbox.
 */
export function crashAfterSend<P extends SmsPort | EmailPort | VoicePort>(port: P): P {
  const send = port.send.bind(port) as (n: never) => Promise<ChannelReceipt>;
  return {
    ...port,
    channel: port.channel,
    lookup: "lookup" in port ? port.lookup?.bind(port) : undefined,
    async send(notice: never) {
      await send(notice);
      throw new Error("crash: the process died before the outbox recorded the answer");
    },
  } as P;
}

// --- An SMS gateway over HTTP (for the child-process crash test) --------------------------------------

export interface HttpGateway {
  url: string;
  /** Accepted messages by idempotency key (how many times each was accepted). */
  accepted: Map<string, { id: string; to: string; text: string; times: number }>;
  lookups: number;
  /** Called after a message is stored and before the answer is written. */
  onAccepted?: (key: string) => void;
  close(): Promise<void>;
}

/** A tiny SMS gateway: POST /send {key,to,text} → {id}; GET /lookup/:key → {id} or 404. */
export async function startHttpGateway(): Promise<HttpGateway> {
  const gw: HttpGateway = { url: "", accepted: new Map(), lookups: 0, close: async () => {} };
  let seq = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "POST" && req.url === "/send") {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          key: string;
          to: string;
          text: string;
        };
        const seen = gw.accepted.get(body.key);
        if (seen) {
          seen.times++;
          res.writeHead(409, { "content-type": "application/json" }).end('{"error":"idx already used"}');
          return;
        }
        const id = `gw-${++seq}`;
        gw.accepted.set(body.key, { id, to: body.to, text: body.text, times: 1 });
        gw.onAccepted?.(body.key);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id }));
        return;
      }
      const m = /^\/lookup\/([A-Za-z0-9]+)$/.exec(req.url ?? "");
      if (req.method === "GET" && m) {
        gw.lookups++;
        const found = gw.accepted.get(m[1]!);
        if (!found) res.writeHead(404).end();
        else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: found.id }));
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  gw.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  gw.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return gw;
}

/** The SmsPort a worker uses to talk to the gateway above. */
export function httpSmsPort(url: string): SmsPort {
  return {
    channel: "sms",
    async send(notice) {
      const res = await fetch(`${url}/send`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ key: notice.idempotencyKey, to: notice.to, text: notice.text }),
      });
      if (res.status === 409) throw new ChannelError("idx already used", true, "409");
      if (!res.ok) throw new ChannelError(`gateway answered ${res.status}`, res.status < 500);
      const { id } = (await res.json()) as { id: string };
      return { providerId: id, status: "sent" };
    },
    async lookup(key) {
      const res = await fetch(`${url}/lookup/${key}`);
      if (res.status === 404) return undefined;
      const { id } = (await res.json()) as { id: string };
      return { providerId: id, status: "sent" };
    },
  };
}
