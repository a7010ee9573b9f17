/**
 * A real SMTP server (smtp-server) for benchmarks that send tens of thousands of mails: it keeps
 * counts and hashes, never a message (support/smtp*.ts keep every message for tests to read, which
 * for 70 000 mails of ~10 KB would be the memory the benchmark is meant to watch).
 *
 * Per message it reads the Message-ID from the header, looks for a marker (the logo's Content-ID)
 * across chunk boundaries, and counts bytes. Duplicates are found by a 96-bit hash of the
 * Message-ID; `digest` (sum of 64-bit hashes, order-independent) lets the sender prove the set of
 * ids that arrived is exactly the set it sent, without shipping the ids.
 */
import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface SmtpSinkStats {
  messages: number;
  bytes: number;
  /** Messages whose Message-ID arrived before (since the last reset). */
  duplicates: number;
  /** Messages without a Message-ID header. */
  withoutId: number;
  /** Messages containing the marker. */
  withMarker: number;
  /** Sum of idHash64 of every Message-ID, mod 2^64, as a decimal string. */
  digest: string;
}

export interface SmtpSink {
  port: number;
  stats(): SmtpSinkStats;
  /** The first message after a reset, whole (one message, for a sanity check of its MIME). */
  sample(): string | undefined;
  reset(): void;
  close(): Promise<void>;
}

const MASK = (1n << 64n) - 1n;

/** The 64-bit hash summed into a digest (also computed by the sender over what it expects). */
export function idHash64(id: string): bigint {
  return createHash("sha256").update(id).digest().readBigUInt64BE(0);
}

const HEADER_LIMIT = 64 * 1024;

export async function startSmtpSink(options: { marker?: string } = {}): Promise<SmtpSink> {
  const marker = options.marker ? Buffer.from(options.marker, "latin1") : undefined;
  let seen = new Set<string>();
  let stats = { messages: 0, bytes: 0, duplicates: 0, withoutId: 0, withMarker: 0 };
  let digest = 0n;
  let sample: string | undefined;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      let head: Buffer | undefined = Buffer.alloc(0);
      let id: string | null | undefined;
      let tail = Buffer.alloc(0);
      let found = !marker;
      let bytes = 0;
      const keep: Buffer[] | undefined = sample === undefined && stats.messages === 0 ? [] : undefined;
      stream.on("data", (c: Buffer) => {
        bytes += c.length;
        keep?.push(c);
        if (head) {
          head = Buffer.concat([head, c]);
          const end = head.indexOf("\r\n\r\n");
          if (end >= 0 || head.length > HEADER_LIMIT) {
            const text = head.subarray(0, end >= 0 ? end : head.length).toString("latin1");
            id = /^message-id:[ \t]*(.+(?:\r\n[ \t].*)*)/im.exec(text)?.[1]?.replace(/\s+/g, "") ?? null;
            head = undefined;
          }
        }
        if (!found && marker) {
          const window = Buffer.concat([tail, c]);
          if (window.includes(marker)) found = true;
          else tail = window.subarray(Math.max(0, window.length - marker.length + 1));
        }
      });
      stream.on("end", () => {
        stats.messages += 1;
        stats.bytes += bytes;
        if (found) stats.withMarker += 1;
        if (!id) stats.withoutId += 1;
        else {
          const h = createHash("sha256").update(id).digest();
          const key = h.toString("base64", 0, 12);
          if (seen.has(key)) stats.duplicates += 1;
          else seen.add(key);
          digest = (digest + h.readBigUInt64BE(0)) & MASK;
        }
        if (keep && sample === undefined) sample = Buffer.concat(keep).toString("latin1");
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    port: (server.server.address() as AddressInfo).port,
    stats: () => ({ ...stats, digest: digest.toString() }),
    sample: () => sample,
    reset() {
      seen = new Set();
      stats = { messages: 0, bytes: 0, duplicates: 0, withoutId: 0, withMarker: 0 };
      digest = 0n;
      sample = undefined;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
