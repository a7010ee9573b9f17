/**
 * A real SMTP server on a random port (smtp-server) that keeps what arrives, and a reader of
 * the MIME nodemailer writes: enough to check subjects, bodies and the attached PDF.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface Arrived {
  envelope: { from: string; to: string[] };
  mail: ParsedMail;
}

export interface Smtp {
  port: number;
  arrived: Arrived[];
  /** While true, every recipient is refused with 550. */
  refuse: boolean;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<Smtp> {
  const smtp: Smtp = { port: 0, arrived: [], refuse: false, close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!smtp.refuse) return callback();
      const err = Object.assign(new Error(`Mailbox ${address.address} unavailable`), { responseCode: 550 });
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const from = session.envelope.mailFrom;
        smtp.arrived.push({
          envelope: {
            from: from ? from.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
          },
          mail: parseMail(Buffer.concat(chunks).toString("latin1")),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  smtp.port = (server.server.address() as AddressInfo).port;
  smtp.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return smtp;
}

export interface ParsedMail {
  headers: Record<string, string>;
  text: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
}

/** Enough MIME for what nodemailer writes: multipart/mixed, quoted-printable or base64, RFC 2047 words. */
export function parseMail(raw: string): ParsedMail {
  const { headers, body } = splitPart(raw);
  const out: ParsedMail = { headers, text: "", attachments: [] };
  const boundary = /boundary="?([^";]+)"?/i.exec(headers["content-type"] ?? "")?.[1];
  const parts = boundary
    ? body
        .split(`--${boundary}`)
        .slice(1, -1)
        .map((p) => splitPart(p.replace(/^\r\n/, "")))
    : [{ headers, body }];
  for (const part of parts) {
    const content = decodeBody(part.body, part.headers["content-transfer-encoding"]);
    const disposition = part.headers["content-disposition"] ?? "";
    if (/attachment/i.test(disposition)) {
      out.attachments.push({
        filename: decodeWords(/filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? ""),
        contentType: (part.headers["content-type"] ?? "").split(";")[0]!.trim(),
        content,
      });
    } else if (/^text\/plain/i.test(part.headers["content-type"] ?? "text/plain")) {
      out.text += content.toString("utf8");
    }
  }
  return out;
}

/** A MIME part's headers (lower-case names, folded lines joined) and its body. */
export function splitPart(raw: string): { headers: Record<string, string>; body: string } {
  const end = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, end).replace(/\r\n[ \t]+/g, " ");
  const headers: Record<string, string> = {};
  for (const line of head.split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, body: raw.slice(end + 4) };
}

/** A part's body bytes, from base64 or quoted-printable. */
export function decodeBody(body: string, encoding = "7bit"): Buffer {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ""), "base64");
  if (/quoted-printable/i.test(encoding)) {
    const bytes = body
      .replace(/=\r\n/g, "")
      .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    return Buffer.from(bytes, "latin1");
  }
  return Buffer.from(body, "latin1");
}

/** `=?UTF-8?Q?Faktura_VAT?= =?UTF-8?B?…?=` → text (raw header bytes are UTF-8 read as latin1). */
export function decodeWords(value: string): string {
  const joined = value.replace(/\?=\s+=\?/g, "?==?");
  const decoded = joined.replace(
    /=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g,
    (_m, _cs, enc: string, data: string) => {
      const buf =
        enc.toUpperCase() === "B"
          ? Buffer.from(data, "base64")
          : decodeBody(data.replace(/_/g, " "), "quoted-printable");
      return buf.toString("latin1");
    },
  );
  return Buffer.from(decoded, "latin1").toString("utf8");
}
