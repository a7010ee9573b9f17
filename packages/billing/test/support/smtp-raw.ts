/**
 * A real SMTP server (smtp-server) that keeps each message's raw MIME and can run a hook between
 * receiving the data and answering 250 (the crash test kills a worker there), plus a reader of
 * nested MIME (multipart/mixed around multipart/alternative: html + text + attachments), which
 * support/smtp.ts's one-level reader does not descend into.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { decodeBody, decodeWords, splitPart } from "./smtp.js";

export interface RawSmtp {
  port: number;
  messages: { to: string[]; raw: string }[];
  /** Runs after a message's data arrived, before the server answers 250. */
  beforeAccept?: () => void;
  close(): Promise<void>;
}

export async function startRawSmtp(): Promise<RawSmtp> {
  const smtp: RawSmtp = { port: 0, messages: [], close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        smtp.messages.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("latin1"),
        });
        smtp.beforeAccept?.();
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  smtp.port = (server.server.address() as AddressInfo).port;
  smtp.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return smtp;
}

export interface MimeLeaf {
  contentType: string;
  filename: string | null;
  /** Content-ID without the angle brackets (an inline image), or null. */
  cid: string | null;
  content: Buffer;
}

export interface MimeMessage {
  headers: Record<string, string>;
  leaves: MimeLeaf[];
}

function leavesOf(headers: Record<string, string>, body: string, out: MimeLeaf[]): void {
  const type = headers["content-type"] ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    for (const part of body.split(`--${boundary}`).slice(1, -1)) {
      const p = splitPart(part.replace(/^\r\n/, ""));
      leavesOf(p.headers, p.body, out);
    }
    return;
  }
  const name = /filename="?([^";]+)"?/i.exec(headers["content-disposition"] ?? "")?.[1];
  out.push({
    contentType: type.split(";")[0]!.trim().toLowerCase(),
    filename: name ? decodeWords(name) : null,
    cid: headers["content-id"]?.replace(/^<|>$/g, "") ?? null,
    content: decodeBody(body.replace(/\r\n$/, ""), headers["content-transfer-encoding"]),
  });
}

/** Every leaf part of a message, depth first, with the top-level headers. */
export function readMime(raw: string): MimeMessage {
  const { headers, body } = splitPart(raw);
  const leaves: MimeLeaf[] = [];
  leavesOf(headers, body, leaves);
  return { headers, leaves };
}
