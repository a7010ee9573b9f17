/**
 * What one API connection may cost the sandbox. A stranger (no login yet) gets tiny frames and a
 * deadline; everybody gets a frame cap and a deadline to finish a frame once started, so that
 * neither a 15 MB "login" nor a frame that never ends can hold memory or a socket.
 */
import { FrameTooLargeError } from "@hrdkit/sdk";

export interface ConnectionLimits {
  /** Largest request frame after login, bytes (signature + XML). */
  maxFrameBytes: number;
  /** Largest request frame before login: a login or token request is a few hundred bytes. */
  maxFrameBytesBeforeLogin: number;
  /** A connection that has not logged in (or resumed a token) by then is closed, ms. */
  loginTimeoutMs: number;
  /** A frame started but not finished within this is dropped with its connection, ms. */
  frameTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxFrameBytes: 1024 * 1024,
  maxFrameBytesBeforeLogin: 4096,
  loginTimeoutMs: 30_000,
  frameTimeoutMs: 30_000,
};

/**
 * Reassembles length-prefixed request frames, refusing a frame from its length prefix alone
 * (before buffering any of it) when it is over `limit()`, asked per frame: the limit changes
 * with login. (The SDK's FrameReader has one fixed limit, hence this reader; the refusal is the
 * SDK's FrameTooLargeError.)
 */
export class BoundedFrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly limit: () => number) {}

  /** Bytes of an unfinished frame held now. */
  get pendingBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    while (this.buffered >= 4) {
      if (this.chunks[0]!.length < 4) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
      const size = this.chunks[0]!.readUInt32BE(0);
      const limit = this.limit();
      if (size > limit) throw new FrameTooLargeError(size, limit);
      if (this.buffered < 4 + size) break;
      // Joined once, when the frame is complete (not on every read of a large frame).
      const whole = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      frames.push(whole.subarray(4, 4 + size));
      const rest = whole.subarray(4 + size);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
    }
    return frames;
  }
}
