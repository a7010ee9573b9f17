/**
 * A bare TLS peer of the sandbox, byte by byte: what a hostile or broken client sends, without
 * the SDK's checks in the way. Loopback only.
 */
import * as tls from "node:tls";
import type { Sandbox } from "@hrdkit/sandbox";
import {
  apiDocument,
  apiKeyBytes,
  encodeRequestFrame,
  FrameReader,
  parseApiDocument,
  type XmlTree,
} from "@hrdkit/sdk";

export interface RawPeer {
  socket: tls.TLSSocket;
  /** Resolves when the sandbox (or we) closed the connection. */
  closed: Promise<void>;
  /** Sends one signed request and resolves with the parsed reply. */
  call(xml: string): Promise<Record<string, unknown>>;
  /** Writes bytes as they are, waiting for the socket to take them; false once it is closed. */
  write(bytes: Buffer): Promise<boolean>;
  close(): void;
}

export async function connectRaw(sandbox: Sandbox): Promise<RawPeer> {
  const socket = tls.connect({
    host: sandbox.host,
    port: sandbox.port,
    ca: sandbox.ca,
    servername: "localhost",
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("secureConnect", resolve);
    socket.once("error", reject);
  });
  socket.on("error", () => undefined);
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const reader = new FrameReader();
  const waiting: ((xml: string) => void)[] = [];
  socket.on("data", (chunk: Buffer) => {
    for (const frame of reader.push(chunk)) waiting.shift()?.(frame.toString("utf8"));
  });
  const key = apiKeyBytes(sandbox.apiKey);
  return {
    socket,
    closed,
    call(xml) {
      return new Promise((resolve, reject) => {
        waiting.push((reply) => resolve(parseApiDocument(reply) as Record<string, unknown>));
        closed.then(() => reject(new Error("the sandbox closed the connection")));
        socket.write(encodeRequestFrame(Buffer.from(xml, "utf8"), key));
      });
    },
    async write(bytes) {
      if (socket.destroyed) return false;
      const flushed = socket.write(bytes);
      if (!flushed) {
        await Promise.race([new Promise((r) => socket.once("drain", r)), closed]);
      }
      return !socket.destroyed;
    },
    close: () => socket.destroy(),
  };
}

/** A request document as the SDK writes it. */
export const doc = (tree: XmlTree) => apiDocument(tree);

/** Logs in with the sandbox's own credentials. */
export async function loggedIn(sandbox: Sandbox): Promise<RawPeer> {
  const peer = await connectRaw(sandbox);
  const reply = await peer.call(
    doc({ login: { login: sandbox.login, pass: sandbox.password, type: "partnerApi" } }),
  );
  if (reply.status !== "ok") throw new Error(`login refused: ${JSON.stringify(reply)}`);
  return peer;
}
