import { createHash, hash } from "node:crypto";

/** Bytes of the length prefix: uint32, big-endian (PROTOCOL.md §1). */
export const LENGTH_BYTES = 4;
/** Bytes of the SHA-512 signature that precedes the XML in every request frame. */
export const SIGNATURE_BYTES = 64;
/** Default cap on an incoming frame (16 MiB): a corrupt length must not make us buffer gigabytes. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Thrown by {@link FrameReader} when the peer sends a frame we refuse to buffer. */
export class FrameTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`incoming frame of ${size} bytes exceeds the limit of ${limit} bytes`);
    this.name = "FrameTooLargeError";
  }
}

/** Decodes the partner's hex API key ("klucz API") to bytes; rejects anything that is not even-length hex. */
export function apiKeyBytes(apiKeyHex: string): Buffer {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(apiKeyHex)) {
    throw new TypeError(
      "the API key must be a non-empty hex string of even length (as shown in HRD's purchase panel)",
    );
  }
  return Buffer.from(apiKeyHex, "hex");
}

/** SHA-512(xml ‖ keyBytes): plain hash of the concatenation, not an HMAC (PROTOCOL.md §1). */
export function signXml(xml: Buffer, key: Buffer): Buffer {
  return createHash("sha512").update(xml).update(key).digest();
}

/**
 * A request frame: uint32 BE length(signature + xml) ‖ signature ‖ xml. A string is written
 * straight into the frame (no buffer of its own), and the key is put after it there only for the
 * time of hashing: one one-shot SHA-512 over `xml ‖ key` in place, then wiped (the frame may come
 * from Node's shared buffer pool).
 */
export function encodeRequestFrame(xml: Buffer | string, key: Buffer): Buffer {
  const size = typeof xml === "string" ? Buffer.byteLength(xml) : xml.length;
  const start = LENGTH_BYTES + SIGNATURE_BYTES;
  const frame = Buffer.allocUnsafe(start + size + key.length);
  frame.writeUInt32BE(SIGNATURE_BYTES + size, 0);
  if (typeof xml === "string") frame.write(xml, start, "utf8");
  else xml.copy(frame, start);
  key.copy(frame, start + size);
  hash("sha512", frame.subarray(start), "buffer").copy(frame, LENGTH_BYTES);
  frame.fill(0, start + size);
  return frame.subarray(0, start + size);
}

/** A response frame: uint32 BE length(xml) ‖ xml, no signature. */
export function encodeResponseFrame(xml: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(LENGTH_BYTES + xml.length);
  frame.writeUInt32BE(xml.length, 0);
  xml.copy(frame, LENGTH_BYTES);
  return frame;
}

/** Splits a signed request frame body into signature and XML, and checks the signature. */
export function openRequestFrame(body: Buffer, key: Buffer): { xml: Buffer; valid: boolean } {
  if (body.length < SIGNATURE_BYTES) return { xml: Buffer.alloc(0), valid: false };
  const signature = body.subarray(0, SIGNATURE_BYTES);
  const xml = body.subarray(SIGNATURE_BYTES);
  return { xml, valid: signXml(xml, key).equals(signature) };
}

/**
 * Reassembles length-prefixed frames from a TCP byte stream: a frame may arrive in many reads,
 * and one read may carry several frames. Returns frame bodies (without the length prefix).
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /**
   * The cap checked against each frame's length prefix. Writable: a server may raise it for a
   * peer once it has logged in (the sandbox reads only login-sized frames from a stranger).
   */
  constructor(public maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  /** Bytes received but not yet returned as a whole frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): Buffer[] {
    // The usual read: nothing buffered, and the chunk is exactly one whole frame.
    if (this.buffered === 0 && chunk.length >= LENGTH_BYTES) {
      const size = chunk.readUInt32BE(0);
      if (size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
      if (chunk.length === LENGTH_BYTES + size) return [chunk.subarray(LENGTH_BYTES)];
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    while (this.buffered >= LENGTH_BYTES) {
      const head = this.peek(LENGTH_BYTES);
      const size = head.readUInt32BE(0);
      if (size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
      if (this.buffered < LENGTH_BYTES + size) break;
      this.take(LENGTH_BYTES);
      frames.push(this.take(size));
    }
    return frames;
  }

  reset(): void {
    this.chunks = [];
    this.buffered = 0;
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) return first;
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const whole = this.peek(n);
    const out = whole.subarray(0, n);
    const rest = whole.subarray(n);
    this.chunks[0] = rest;
    if (rest.length === 0) this.chunks.shift();
    this.buffered -= n;
    return out;
  }
}
