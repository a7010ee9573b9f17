import { XMLParser } from "fast-xml-parser";

/** Namespace of HRD's API root element in requests and responses. */
export const HRD_NS = "http://api.hrd.pl/api/";

/**
 * A tree to serialise. Keys are element names written **in insertion order** (which is how the
 * operation declarations keep XSD sequence order); arrays repeat an element; `undefined` omits
 * it; `null` or `{}` writes an empty element; booleans become `true`/`false`.
 * `$text` and `$attrs` give an element text content and attributes (e.g. `<period unit="y">1</period>`).
 */
export type XmlTree = { [name: string]: XmlValue };
export type XmlScalar = string | number | boolean;
export type XmlValue = XmlScalar | null | undefined | XmlTree | XmlValue[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ESCAPES[c]!);
}

function scalar(v: XmlScalar): string {
  return typeof v === "boolean" ? (v ? "true" : "false") : escapeXml(String(v));
}

function writeElement(name: string, value: XmlValue, out: string[]): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) writeElement(name, item, out);
    return;
  }
  if (value === null) {
    out.push(`<${name}/>`);
    return;
  }
  if (typeof value !== "object") {
    out.push(`<${name}>${scalar(value)}</${name}>`);
    return;
  }
  let open = `<${name}`;
  const attrs = value.$attrs;
  if (attrs && typeof attrs === "object" && !Array.isArray(attrs)) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v !== undefined && v !== null && typeof v !== "object") open += ` ${k}="${scalar(v)}"`;
    }
  }
  const inner: string[] = [];
  const text = value.$text;
  if (text !== undefined && text !== null && typeof text !== "object") inner.push(scalar(text));
  for (const [k, v] of Object.entries(value)) {
    if (k === "$attrs" || k === "$text") continue;
    writeElement(k, v, inner);
  }
  out.push(inner.length === 0 ? `${open}/>` : `${open}>${inner.join("")}</${name}>`);
}

/** Serialises one element (and its subtree) to a string. */
export function toXml(name: string, value: XmlValue): string {
  const out: string[] = [];
  writeElement(name, value, out);
  return out.join("");
}

/**
 * A request document as HRD's official client writes it: XML declaration, the `api` root in
 * HRD's default namespace, children unqualified (api.xsd is `elementFormDefault="unqualified"`).
 */
export function apiDocument(body: XmlTree): string {
  const out: string[] = [];
  for (const [k, v] of Object.entries(body)) writeElement(k, v, out);
  return `<?xml version="1.0" encoding="utf-8"?>\n<api xmlns="${HRD_NS}">${out.join("")}</api>\n`;
}

/** Parsed XML: elements as keys, repeated elements as arrays, text of a bare element as a string. */
export type ParsedNode = string | ParsedObject | ParsedNode[];
export interface ParsedObject {
  [key: string]: ParsedNode | undefined;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  textNodeName: "#text",
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: false,
});

/** Thrown when bytes that should be an HRD document are not well-formed XML with an `api` root. */
export class XmlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XmlSyntaxError";
  }
}

/** Parses an HRD document and returns the content of its `api` root (namespace attributes dropped). */
export function parseApiDocument(xml: string): ParsedObject {
  let doc: ParsedObject;
  try {
    doc = parser.parse(xml, true) as ParsedObject;
  } catch (err) {
    throw new XmlSyntaxError(`not well-formed XML: ${(err as Error).message}`);
  }
  const api = doc.api;
  if (api === undefined) throw new XmlSyntaxError("the document has no <api> root element");
  if (typeof api === "string") return {};
  if (Array.isArray(api)) throw new XmlSyntaxError("the document has more than one <api> root element");
  const out: ParsedObject = {};
  for (const [k, v] of Object.entries(api)) if (!k.startsWith("@")) out[k] = v;
  return out;
}

/** Walks `path` down a parsed tree; returns undefined when any step is missing. */
export function pick(node: ParsedNode | undefined, path: readonly string[]): ParsedNode | undefined {
  let cur: ParsedNode | undefined = node;
  for (const step of path) {
    if (cur === undefined || typeof cur === "string" || Array.isArray(cur)) return undefined;
    cur = cur[step];
  }
  return cur;
}
