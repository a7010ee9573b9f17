import { createHash } from "node:crypto";
import {
  apiKeyBytes,
  DEFAULT_MAX_FRAME_BYTES,
  encodeRequestFrame,
  encodeResponseFrame,
  FrameReader,
  FrameTooLargeError,
  openRequestFrame,
} from "@hrdkit/sdk";
import { describe, expect, it } from "vitest";

const KEY_HEX = "00ff10aB7c9e4d21";
const KEY = Buffer.from([0x00, 0xff, 0x10, 0xab, 0x7c, 0x9e, 0x4d, 0x21]);
const XML = Buffer.from(
  '<?xml version="1.0" encoding="utf-8"?>\n<api xmlns="http://api.hrd.pl/api/"><partner><getBalance/></partner></api>\n',
);

/** SHA-512 of the XML bytes followed by the raw key bytes, computed here without the SDK. */
function expectedSignature(xml: Buffer, key: Buffer): Buffer {
  return createHash("sha512")
    .update(Buffer.concat([xml, key]))
    .digest();
}

/** Splits a buffer into pieces of the given sizes (the last piece takes the rest). */
function splitAt(buf: Buffer, ...sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    out.push(buf.subarray(at, at + size));
    at += size;
  }
  out.push(buf.subarray(at));
  return out;
}

function feed(reader: FrameReader, chunks: Buffer[]): Buffer[] {
  return chunks.flatMap((chunk) => reader.push(chunk));
}

describe("apiKeyBytes", () => {
  it("decodes an even-length hex key, upper or lower case", () => {
    expect(apiKeyBytes(KEY_HEX).equals(KEY)).toBe(true);
    expect(apiKeyBytes("ABCDEF").equals(apiKeyBytes("abcdef"))).toBe(true);
  });

  it.each([
    ["odd length", "abc"],
    ["non-hex characters", "zz11"],
    ["a hex prefix", "0x00ff"],
    ["spaces", "00 ff"],
    ["an empty key", ""],
  ])("rejects %s with a TypeError that says where the key comes from", (_, key) => {
    expect(() => apiKeyBytes(key)).toThrow(TypeError);
    expect(() => apiKeyBytes(key)).toThrow(/hex/);
  });
});

describe("encodeRequestFrame", () => {
  it("writes uint32 BE length (64 + xml bytes), then SHA-512(xml ‖ key bytes), then the xml", () => {
    const frame = encodeRequestFrame(XML, KEY);
    expect(frame.length).toBe(4 + 64 + XML.length);
    expect(frame.readUInt32BE(0)).toBe(64 + XML.length);
    expect(frame.subarray(4, 68).equals(expectedSignature(XML, KEY))).toBe(true);
    expect(frame.subarray(68).equals(XML)).toBe(true);
  });

  it("counts bytes, not characters, for non-ASCII XML", () => {
    const xml = Buffer.from('<api xmlns="http://api.hrd.pl/api/"><x>żółw</x></api>', "utf8");
    const frame = encodeRequestFrame(xml, KEY);
    expect(frame.readUInt32BE(0)).toBe(64 + xml.length);
    expect(xml.length).toBeGreaterThan(xml.toString("utf8").length);
  });

  it("signs with the key: a different key gives a different signature", () => {
    const other = apiKeyBytes("00ff10ab7c9e4d22");
    expect(
      encodeRequestFrame(XML, KEY).subarray(4, 68).equals(encodeRequestFrame(XML, other).subarray(4, 68)),
    ).toBe(false);
  });
});

describe("encodeRequestFrame from a string (written straight into the frame)", () => {
  it("gives the same bytes as from the string's UTF-8 buffer, non-ASCII included", () => {
    for (const text of [
      XML.toString("utf8"),
      '<api xmlns="http://api.hrd.pl/api/"><x>żółw &amp; ß</x></api>',
    ]) {
      expect(encodeRequestFrame(text, KEY).equals(encodeRequestFrame(Buffer.from(text, "utf8"), KEY))).toBe(
        true,
      );
      const frame = encodeRequestFrame(text, KEY);
      expect(frame.readUInt32BE(0)).toBe(64 + Buffer.byteLength(text));
      expect(frame.subarray(4, 68).equals(expectedSignature(Buffer.from(text), KEY))).toBe(true);
    }
  });

  it("leaves no key bytes behind in the memory around the frame (it may be a shared pool slab)", () => {
    const frame = encodeRequestFrame(XML.toString("utf8"), KEY);
    const after = Buffer.from(frame.buffer, frame.byteOffset + frame.length, KEY.length);
    expect(after.equals(KEY)).toBe(false);
    expect([...after].every((b) => b === 0)).toBe(true);
  });
});

describe("encodeResponseFrame", () => {
  it("writes uint32 BE length of the xml, then the xml, with no signature", () => {
    const frame = encodeResponseFrame(XML);
    expect(frame.readUInt32BE(0)).toBe(XML.length);
    expect(frame.subarray(4).equals(XML)).toBe(true);
  });
});

describe("openRequestFrame", () => {
  it("accepts a frame signed with the same key and returns its xml", () => {
    const body = encodeRequestFrame(XML, KEY).subarray(4);
    const opened = openRequestFrame(body, KEY);
    expect(opened.valid).toBe(true);
    expect(opened.xml.equals(XML)).toBe(true);
  });

  it("detects a signature made with another key", () => {
    const body = encodeRequestFrame(XML, apiKeyBytes("deadbeef")).subarray(4);
    expect(openRequestFrame(body, KEY).valid).toBe(false);
  });

  it("detects xml changed after signing", () => {
    const body = Buffer.from(encodeRequestFrame(XML, KEY).subarray(4));
    body.writeUInt8(body.readUInt8(body.length - 5) ^ 0x01, body.length - 5);
    expect(openRequestFrame(body, KEY).valid).toBe(false);
  });

  it("detects a flipped signature byte", () => {
    const body = Buffer.from(encodeRequestFrame(XML, KEY).subarray(4));
    body.writeUInt8(body.readUInt8(0) ^ 0x80, 0);
    expect(openRequestFrame(body, KEY).valid).toBe(false);
  });

  it("refuses a body shorter than a signature", () => {
    expect(openRequestFrame(Buffer.alloc(10), KEY)).toEqual({ xml: Buffer.alloc(0), valid: false });
  });
});

describe("FrameReader", () => {
  const a = Buffer.from("<api>first</api>");
  const b = Buffer.from("<api>second, a bit longer</api>");
  const c = Buffer.from("<api>third</api>");

  it("reassembles one frame delivered one byte at a time", () => {
    const frame = encodeRequestFrame(XML, KEY);
    const reader = new FrameReader();
    const out: Buffer[] = [];
    for (let i = 0; i < frame.length; i++) {
      const got = reader.push(frame.subarray(i, i + 1));
      if (i < frame.length - 1) expect(got).toEqual([]);
      out.push(...got);
    }
    expect(out).toHaveLength(1);
    expect(openRequestFrame(out[0]!, KEY)).toEqual({ xml: XML, valid: true });
    expect(reader.pendingBytes).toBe(0);
  });

  it("returns every frame of a chunk that carries several, in order", () => {
    const reader = new FrameReader();
    const frames = reader.push(
      Buffer.concat([encodeResponseFrame(a), encodeResponseFrame(b), encodeResponseFrame(c)]),
    );
    expect(frames.map((f) => f.toString())).toEqual([a.toString(), b.toString(), c.toString()]);
    expect(reader.pendingBytes).toBe(0);
  });

  it("keeps a partial frame after complete ones and finishes it with the next chunk", () => {
    const stream = Buffer.concat([encodeResponseFrame(a), encodeResponseFrame(b)]);
    const reader = new FrameReader();
    const [first, second] = splitAt(stream, 4 + a.length + 10);
    expect(reader.push(first!).map(String)).toEqual([a.toString()]);
    expect(reader.pendingBytes).toBe(10);
    expect(reader.push(second!).map(String)).toEqual([b.toString()]);
  });

  it("handles a chunk boundary inside the length prefix", () => {
    const stream = Buffer.concat([encodeResponseFrame(a), encodeResponseFrame(b), encodeResponseFrame(c)]);
    // 1st chunk: frame a and the first 2 bytes of b's prefix; 2nd: 1 more prefix byte; 3rd: the rest.
    const chunks = splitAt(stream, 4 + a.length + 2, 1);
    const reader = new FrameReader();
    expect(reader.push(chunks[0]!).map(String)).toEqual([a.toString()]);
    expect(reader.push(chunks[1]!)).toEqual([]);
    expect(reader.push(chunks[2]!).map(String)).toEqual([b.toString(), c.toString()]);
  });

  it("reassembles any split of a three-frame stream identically", () => {
    const stream = Buffer.concat([
      encodeRequestFrame(a, KEY),
      encodeRequestFrame(b, KEY),
      encodeRequestFrame(c, KEY),
    ]);
    for (let cut1 = 0; cut1 <= stream.length; cut1 += 3) {
      for (let cut2 = cut1; cut2 <= stream.length; cut2 += 7) {
        const frames = feed(new FrameReader(), splitAt(stream, cut1, cut2 - cut1));
        expect(frames.map((f) => openRequestFrame(f, KEY).xml.toString())).toEqual([
          String(a),
          String(b),
          String(c),
        ]);
      }
    }
  });

  it("throws FrameTooLargeError as soon as a prefix announces more than the limit, before the body arrives", () => {
    const reader = new FrameReader(100);
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(101, 0);
    let caught: unknown;
    try {
      reader.push(prefix);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(FrameTooLargeError);
    expect(caught).toMatchObject({ size: 101, limit: 100 });
  });

  it("accepts a frame exactly at the limit", () => {
    const reader = new FrameReader(a.length);
    expect(reader.push(encodeResponseFrame(a)).map(String)).toEqual([a.toString()]);
  });

  it("applies a changed maxFrameBytes to the next frame (a server raises it after login)", () => {
    const reader = new FrameReader(a.length - 1);
    expect(() => reader.push(encodeResponseFrame(a))).toThrow(FrameTooLargeError);
    reader.reset();
    reader.maxFrameBytes = a.length;
    expect(reader.push(encodeResponseFrame(a)).map(String)).toEqual([a.toString()]);
  });

  it("defaults to a 16 MiB limit that a corrupt length prefix exceeds", () => {
    expect(DEFAULT_MAX_FRAME_BYTES).toBe(16 * 1024 * 1024);
    expect(() => new FrameReader().push(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrow(FrameTooLargeError);
  });

  it("reset() drops a partial frame", () => {
    const reader = new FrameReader();
    reader.push(encodeResponseFrame(a).subarray(0, 6));
    expect(reader.pendingBytes).toBe(6);
    reader.reset();
    expect(reader.pendingBytes).toBe(0);
    expect(reader.push(encodeResponseFrame(b)).map(String)).toEqual([b.toString()]);
  });

  it("returns an empty frame for a zero length prefix followed by more data", () => {
    const frames = new FrameReader().push(Buffer.concat([Buffer.alloc(4), encodeResponseFrame(a)]));
    expect(frames.map(String)).toEqual(["", a.toString()]);
  });

  // Regression: take(0) on an empty chunk list used to throw.
  it("returns an empty frame for a zero length prefix at the end of a chunk", () => {
    expect(new FrameReader().push(Buffer.alloc(4))).toEqual([Buffer.alloc(0)]);
  });
});
