import type { AddressInfo } from "node:net";
import * as tls from "node:tls";
import { makeSelfSignedCert } from "@hrdkit/sandbox";
import {
  apiDocument,
  encodeResponseFrame,
  FrameReader,
  openRequestFrame,
  parseApiDocument,
  type XmlTree,
} from "@hrdkit/sdk";

const API_KEY = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

/** One request as the hostile server saw it (signature checked, like HRD does). */
export interface SeenRequest {
  /** `module/method`, or `login`. */
  operation: string;
  xml: string;
  /** Which TCP connection carried it (1, 2, …). */
  connection: number;
  /** Requests after login on that connection (1, 2, …). */
  index: number;
}

/** What the script does with one request: write raw bytes to the socket, as it likes. */
export type Script = (req: SeenRequest, socket: tls.TLSSocket) => void | Promise<void>;

/** A reply frame as HRD sends it: uint32 BE length ‖ XML (no signature on replies). */
export const replyFrame = (body: XmlTree): Buffer =>
  encodeResponseFrame(Buffer.from(apiDocument(body), "utf8"));

/** A raw reply frame around any text (for documents our writer would never produce). */
export const rawFrame = (xml: string): Buffer => encodeResponseFrame(Buffer.from(xml, "utf8"));

/**
 * A TLS server that speaks HRD's framing but answers what the test scripts: extra frames, frames
 * without end, documents nested without end. It logs in anyone whose request is signed with the
 * key (a real login reply), then hands every other request to `script`.
 */
export async function startHostileServer(script: Script) {
  const material = await makeSelfSignedCert();
  const seen: SeenRequest[] = [];
  const sockets = new Set<tls.TLSSocket>();
  let connections = 0;
  const server = tls.createServer({ key: material.key, cert: material.cert }, (socket) => {
    const connection = ++connections;
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    const reader = new FrameReader();
    let index = 0;
    socket.on("data", (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) {
        const { xml, valid } = openRequestFrame(frame, Buffer.from(API_KEY, "hex"));
        if (!valid) {
          socket.destroy();
          return;
        }
        const text = xml.toString("utf8");
        const api = parseApiDocument(text);
        const root = Object.keys(api)[0] ?? "";
        if (root === "login" || root === "token") {
          socket.write(
            replyFrame(root === "login" ? { status: "ok", token: `t${connection}` } : { status: "error" }),
          );
          continue;
        }
        const body = api[root];
        const method = body && typeof body === "object" && !Array.isArray(body) ? Object.keys(body)[0] : "";
        const req = { operation: `${root}/${method}`, xml: text, connection, index: ++index };
        seen.push(req);
        void script(req, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    seen,
    connections: () => connections,
    clientOptions: () => ({
      host: "127.0.0.1",
      port,
      login: "wrogi",
      password: "haslo-api",
      apiKey: API_KEY,
      ca: material.cert,
      servername: "localhost",
      retryMinDelayMs: 5,
    }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** HRD's reply to partner/getBalance. */
export const balanceReply = (balance: string): XmlTree => ({
  partner: { getBalance: { balance, restrictedBalance: "0.00" } },
});

/** HRD's reply to domain/check for the given names. */
export const checkReply = (names: string[], status = "available"): XmlTree => ({
  domain: { check: { name: names.map((n) => ({ $attrs: { status }, $text: n })) } },
});
