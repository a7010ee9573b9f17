import { type AnyOperation, type ParsedObject, parseApiDocument, pick, type XmlTree } from "@hrdkit/sdk";

export type Judged = { ok: unknown } | "refused" | "more";

/**
 * What the client's general path makes of one reply frame: the parser, the error check, `verify`,
 * `partial` and the output schema (src/client.ts). A shortcut must agree with it.
 */
export function generalPath(op: AnyOperation, wire: XmlTree | null, xml: string): Judged {
  let api: ParsedObject;
  try {
    api = parseApiDocument(xml);
  } catch {
    return "refused";
  }
  if (api.status === "error" || api.error !== undefined) return "refused";
  const node = op.responsePath.length === 0 ? api : pick(api, op.responsePath);
  if (op.verify?.(wire, node)) return "refused";
  if (op.partial?.(wire, node)) return "more";
  if (op.responsePath.length > 0 && node === undefined) return "refused";
  const r = op.output.safeParse(node);
  return r.success ? { ok: r.data } : "refused";
}

/** `plain` with a few random cuts and insertions of the given pieces (for fast-check). */
export function mangle(plain: string, edits: readonly (readonly [number, number, string])[]): string {
  let xml = plain;
  for (const [at, cut, piece] of edits) {
    const i = at % (xml.length + 1);
    xml = xml.slice(0, i) + piece + xml.slice(i + cut);
  }
  return xml;
}
