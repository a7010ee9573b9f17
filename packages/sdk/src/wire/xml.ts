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

/** Thrown when bytes that should be an HRD document are not well-formed XML with an `api` root. */
export class XmlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XmlSyntaxError";
  }
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, ent: string) => {
    if (ent[0] === "#") {
      const code = ent[1] === "x" ? Number.parseInt(ent.slice(2), 16) : Number.parseInt(ent.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    const v = ENTITIES[ent];
    if (v === undefined) throw new XmlSyntaxError(`unknown entity &${ent};`);
    return v;
  });
}

const localName = (qname: string) => {
  const i = qname.indexOf(":");
  return i < 0 ? qname : qname.slice(i + 1);
};

interface Frame {
  name: string;
  obj: ParsedObject;
  text: string;
  hasChildren: boolean;
}

function addChild(parent: ParsedObject, name: string, value: ParsedNode): void {
  const prev = parent[name];
  if (prev === undefined) parent[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else parent[name] = [prev, value];
}

// Attribute values in HRD's documents never contain ">", so a tag ends at the first one.
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)([^>]*?)(\/?)>/y;
const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/**
 * A small, strict XML reader for HRD's documents (elements, attributes, text, CDATA, the five
 * entities and character references; no DTDs — a DOCTYPE is refused, so no entity expansion).
 * It is several times faster than a general parser on check replies of 100 names, which matters
 * for bulk availability jobs. Shape: elements become keys (namespace prefixes dropped), a repeated
 * element an array, a text-only element its trimmed text, attributes `@name`, text beside
 * attributes or children `#text`.
 */
function parseXml(xml: string): ParsedObject {
  const root: Frame = { name: "", obj: {}, text: "", hasChildren: true };
  const stack: Frame[] = [root];
  let i = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf("<", i);
    const top = stack[stack.length - 1]!;
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) {
      const chunk = xml.slice(i, textEnd);
      if (stack.length === 1) {
        if (chunk.trim() !== "") throw new XmlSyntaxError("text outside the root element");
      } else top.text += decodeEntities(chunk);
    }
    if (lt < 0) break;
    if (xml.startsWith("<?", lt)) {
      const end = xml.indexOf("?>", lt + 2);
      if (end < 0) throw new XmlSyntaxError("unterminated processing instruction");
      i = end + 2;
      continue;
    }
    if (xml.startsWith("<!--", lt)) {
      const end = xml.indexOf("-->", lt + 4);
      if (end < 0) throw new XmlSyntaxError("unterminated comment");
      i = end + 3;
      continue;
    }
    if (xml.startsWith("<![CDATA[", lt)) {
      const end = xml.indexOf("]]>", lt + 9);
      if (end < 0 || stack.length === 1) throw new XmlSyntaxError("bad CDATA section");
      top.text += xml.slice(lt + 9, end);
      i = end + 3;
      continue;
    }
    if (xml.startsWith("<!", lt)) throw new XmlSyntaxError("DTDs and entity declarations are not accepted");
    TAG.lastIndex = lt;
    const m = TAG.exec(xml);
    if (!m) throw new XmlSyntaxError(`malformed tag at offset ${lt}`);
    const [, closing, qname, attrText, selfClosing] = m;
    const name = localName(qname!);
    i = TAG.lastIndex;
    if (closing) {
      if (stack.length === 1 || top.name !== name || attrText)
        throw new XmlSyntaxError(`unexpected </${qname}> at offset ${lt}`);
      stack.pop();
      addChild(stack[stack.length - 1]!.obj, name, finish(top));
      continue;
    }
    if (stack.length === 1 && Object.keys(root.obj).length > 0)
      throw new XmlSyntaxError("more than one root element");
    const frame: Frame = { name, obj: {}, text: "", hasChildren: false };
    if (attrText && attrText.trim() !== "") {
      if (!/^(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*$/.test(attrText)) {
        throw new XmlSyntaxError(`malformed attributes at offset ${lt}`);
      }
      ATTR.lastIndex = 0;
      for (let a = ATTR.exec(attrText); a; a = ATTR.exec(attrText)) {
        frame.obj[`@${localName(a[1]!)}`] = decodeEntities(a[2] ?? a[3] ?? "");
      }
    }
    top.hasChildren = true;
    if (selfClosing) addChild(top.obj, name, finish(frame));
    else stack.push(frame);
  }
  if (stack.length !== 1) throw new XmlSyntaxError(`<${stack[stack.length - 1]!.name}> is not closed`);
  return root.obj;
}

function finish(frame: Frame): ParsedNode {
  const text = frame.text.trim();
  const keys = Object.keys(frame.obj);
  if (keys.length === 0) return text;
  if (text !== "") frame.obj["#text"] = text;
  return frame.obj;
}

/** Parses an HRD document and returns the content of its `api` root (namespace attributes dropped). */
export function parseApiDocument(xml: string): ParsedObject {
  const doc = parseXml(xml);
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
