/** The text of a PDF as a reader sees it (unpdf / pdf.js), for checking what a document prints. */
import { extractText, getDocumentProxy } from "unpdf";

// pdf.js calls ArrayBuffer#transferToFixedLength (Node ≥ 21) while reading fonts; on Node 20 it
// would skip part of each page's operators. A copying stand-in is enough for reading.
const abProto = ArrayBuffer.prototype as ArrayBuffer & {
  transferToFixedLength?: (n?: number) => ArrayBuffer;
};
if (!abProto.transferToFixedLength) {
  Object.defineProperty(ArrayBuffer.prototype, "transferToFixedLength", {
    value(this: ArrayBuffer, n = this.byteLength) {
      const out = new ArrayBuffer(n);
      new Uint8Array(out).set(new Uint8Array(this, 0, Math.min(n, this.byteLength)));
      return out;
    },
  });
}

/** The text of every page, with non-breaking spaces and runs of whitespace as one space. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(doc, { mergePages: true });
  return text.replace(/[\s\u00a0\u202f]+/g, " ");
}
