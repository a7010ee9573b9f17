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
const NEEDS_ESCAPE = /[&<>"]/;

export function escapeXml(text: string): string {
  // Most values (names, ids, dates) need no escaping: testing first spares a replace per value.
  return NEEDS_ESCAPE.test(text) ? text.replace(/[&<>"]/g, (c) => ESCAPES[c]!) : text;
}

function scalar(v: XmlScalar): string {
  return typeof v === "string"
    ? escapeXml(v)
    : typeof v === "boolean"
      ? v
        ? "true"
        : "false"
      : escapeXml(String(v));
}

// Written by string concatenation (no intermediate arrays): the writer runs on every request.
function writeElement(name: string, value: XmlValue): string {
  if (value === undefined) return "";
  if (Array.isArray(value)) {
    let out = "";
    for (const item of value) out += writeElement(name, item);
    return out;
  }
  if (value === null) return `<${name}/>`;
  if (typeof value !== "object") return `<${name}>${scalar(value)}</${name}>`;
  let open = `<${name}`;
  let inner = "";
  for (const k in value) {
    const v = value[k];
    if (k === "$attrs") {
      if (v && typeof v === "object" && !Array.isArray(v)) {
        for (const a in v) {
          const av = v[a];
          if (av !== undefined && av !== null && typeof av !== "object") open += ` ${a}="${scalar(av)}"`;
        }
      }
    } else if (k !== "$text") {
      inner += writeElement(k, v);
    }
  }
  const text = value.$text;
  if (text !== undefined && text !== null && typeof text !== "object") inner = scalar(text) + inner;
  return inner === "" ? `${open}/>` : `${open}>${inner}</${name}>`;
}

/** Serialises one element (and its subtree) to a string. */
export function toXml(name: string, value: XmlValue): string {
  return writeElement(name, value);
}

/**
 * The document around a request body already written (an operation's hand-written `body`):
 * what {@link apiDocument} writes around the same body.
 */
export function apiDocumentAround(body: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<api xmlns="${HRD_NS}">${body}</api>\n`;
}

/**
 * A request document as HRD's official client writes it: XML declaration, the `api` root in
 * HRD's default namespace, children unqualified (api.xsd is `elementFormDefault="unqualified"`).
 */
export function apiDocument(body: XmlTree): string {
  let out = "";
  for (const k in body) out += writeElement(k, body[k]);
  return `<?xml version="1.0" encoding="utf-8"?>\n<api xmlns="${HRD_NS}">${out}</api>\n`;
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

/**
 * Deepest element nesting accepted. HRD's documents go about 6 levels down (api/domain/info/dnssec/
 * record/alg); a hostile peer nesting 100 000 levels must get a syntax error, not a stack overflow
 * in whatever walks the tree later (writers, redaction, schema checks all recurse).
 */
export const MAX_XML_DEPTH = 64;

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
  /** Local name (the key in the parent). */
  name: string;
  /** Name as written in the tag (with any prefix), to match the closing tag. */
  qname: string;
  obj: ParsedObject;
  text: string;
  /** The element has attributes or children (so it becomes an object, not a string). */
  hasKeys: boolean;
}

function addChild(parent: ParsedObject, name: string, value: ParsedNode): void {
  const prev = parent[name];
  if (prev === undefined || !Object.hasOwn(parent, name)) {
    // `<__proto__>` must become a key like any other, never the object's prototype.
    if (name === "__proto__")
      Object.defineProperty(parent, name, { value, enumerable: true, writable: true });
    else parent[name] = value;
  } else if (Array.isArray(prev)) prev.push(value);
  else parent[name] = [prev, value];
}

/** Name characters after the first: letters, digits, `_`, `.`, `:`, `-` (ASCII, as HRD's names are). */
function isNameChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 58) || // digits and ":"
    c === 95 ||
    c === 46 ||
    c === 45
  );
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

/**
 * Names seen in one document, reused instead of cut out again: a check reply repeats `name` and
 * `status` a hundred times, and a reused string is a fast object key (no slice, no re-hashing).
 */
class NameCache {
  private readonly qnames: string[] = [];
  private readonly keys: string[] = [];

  /** @param prefix put before every local name (`@` for attributes). */
  constructor(private readonly prefix: string) {}

  /** The name as written, of the last `get`. */
  qname = "";

  /** The key for the name at `xml[from, to)`: its local name, prefixed. */
  get(xml: string, from: number, to: number): string {
    const len = to - from;
    const q = this.qnames;
    for (let k = 0; k < q.length; k++) {
      const s = q[k]!;
      if (s.length === len && xml.startsWith(s, from)) {
        this.qname = s;
        return this.keys[k]!;
      }
    }
    const qname = xml.slice(from, to);
    this.qname = qname;
    const key = this.prefix + localName(qname);
    if (q.length < 64) {
      q.push(qname);
      this.keys.push(key);
    }
    return key;
  }
}

/** Reads `name="value"` pairs of one tag into `obj` as `@name` (true if any); throws on anything else. */
function readAttributes(
  xml: string,
  from: number,
  to: number,
  obj: ParsedObject,
  at: number,
  names: NameCache,
): boolean {
  let i = from;
  let any = false;
  for (;;) {
    let sawSpace = false;
    while (i < to && isSpace(xml.charCodeAt(i))) {
      i++;
      sawSpace = true;
    }
    if (i >= to) return any;
    if (!sawSpace) throw new XmlSyntaxError(`malformed attributes at offset ${at}`);
    const nameStart = i;
    while (i < to) {
      const c = xml.charCodeAt(i);
      if (isSpace(c) || c === 61 /* = */ || c === 47 /* / */ || c === 34 || c === 39) break;
      i++;
    }
    const nameEnd = i;
    while (i < to && isSpace(xml.charCodeAt(i))) i++;
    if (nameEnd === nameStart || xml.charCodeAt(i) !== 61) {
      throw new XmlSyntaxError(`malformed attributes at offset ${at}`);
    }
    i++;
    while (i < to && isSpace(xml.charCodeAt(i))) i++;
    const quote = xml.charCodeAt(i);
    if (quote !== 34 && quote !== 39) throw new XmlSyntaxError(`malformed attributes at offset ${at}`);
    const end = xml.indexOf(quote === 34 ? '"' : "'", i + 1);
    if (end < 0 || end >= to) throw new XmlSyntaxError(`malformed attributes at offset ${at}`);
    // Namespace declarations (`xmlns`, `xmlns:h`) are not data: prefixes are dropped anyway.
    if (
      !xml.startsWith("xmlns", nameStart) ||
      (nameEnd !== nameStart + 5 && xml.charCodeAt(nameStart + 5) !== 58)
    ) {
      obj[names.get(xml, nameStart, nameEnd)] = decodeEntities(xml.slice(i + 1, end));
      any = true;
    }
    i = end + 1;
  }
}

/**
 * A small, strict XML reader for HRD's documents (elements, attributes, text, CDATA, the five
 * entities and character references; no DTDs — a DOCTYPE is refused, so no entity expansion).
 * It is several times faster than a general parser on check replies of 100 names, which matters
 * for bulk availability jobs. Shape: elements become keys (namespace prefixes dropped), a repeated
 * element an array, a text-only element its trimmed text, attributes `@name`, text beside
 * attributes or children `#text`. Tags are scanned by character codes, not regular expressions:
 * the parser runs on every reply (and, in the sandbox, on every request).
 */
function parseXml(xml: string): ParsedObject {
  const root: Frame = { name: "", qname: "", obj: {}, text: "", hasKeys: true };
  const names = new NameCache("");
  const attrNames = new NameCache("@");
  const stack: Frame[] = [root];
  let top = root;
  let rootSeen = false;
  let i = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf("<", i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) {
      if (top === root) {
        if (xml.slice(i, textEnd).trim() !== "") throw new XmlSyntaxError("text outside the root element");
      } else top.text += decodeEntities(xml.slice(i, textEnd));
    }
    if (lt < 0) break;
    const c1 = xml.charCodeAt(lt + 1);
    if (c1 === 63 /* ? */) {
      const end = xml.indexOf("?>", lt + 2);
      if (end < 0) throw new XmlSyntaxError("unterminated processing instruction");
      i = end + 2;
      continue;
    }
    if (c1 === 33 /* ! */) {
      if (xml.startsWith("<!--", lt)) {
        const end = xml.indexOf("-->", lt + 4);
        if (end < 0) throw new XmlSyntaxError("unterminated comment");
        i = end + 3;
        continue;
      }
      if (xml.startsWith("<![CDATA[", lt)) {
        const end = xml.indexOf("]]>", lt + 9);
        if (end < 0 || top === root) throw new XmlSyntaxError("bad CDATA section");
        top.text += xml.slice(lt + 9, end);
        i = end + 3;
        continue;
      }
      throw new XmlSyntaxError("DTDs and entity declarations are not accepted");
    }
    // Attribute values in HRD's documents never contain ">", so a tag ends at the first one.
    const gt = xml.indexOf(">", lt + 1);
    if (gt < 0) throw new XmlSyntaxError(`malformed tag at offset ${lt}`);
    const closing = c1 === 47; /* / */
    const nameStart = closing ? lt + 2 : lt + 1;
    if (!isNameStart(xml.charCodeAt(nameStart))) throw new XmlSyntaxError(`malformed tag at offset ${lt}`);
    let nameEnd = nameStart + 1;
    while (nameEnd < gt && isNameChar(xml.charCodeAt(nameEnd))) nameEnd++;
    const selfClosing = !closing && xml.charCodeAt(gt - 1) === 47 && gt - 1 >= nameEnd;
    const attrEnd = selfClosing ? gt - 1 : gt;
    i = gt + 1;
    if (closing) {
      let k = nameEnd;
      while (k < gt && isSpace(xml.charCodeAt(k))) k++;
      const q = top.qname;
      if (top === root || nameEnd - nameStart !== q.length || !xml.startsWith(q, nameStart) || k !== gt) {
        throw new XmlSyntaxError(`unexpected </${xml.slice(nameStart, nameEnd)}> at offset ${lt}`);
      }
      const done = stack.pop()!;
      top = stack[stack.length - 1]!;
      top.hasKeys = true;
      addChild(top.obj, done.name, finish(done));
      continue;
    }
    const name = names.get(xml, nameStart, nameEnd);
    if (top === root) {
      if (rootSeen) throw new XmlSyntaxError("more than one root element");
      rootSeen = true;
    }
    const qname = names.qname;
    let attrs: ParsedObject | undefined;
    if (attrEnd > nameEnd) {
      const obj: ParsedObject = {};
      if (readAttributes(xml, nameEnd, attrEnd, obj, lt, attrNames)) attrs = obj;
    }
    if (selfClosing) {
      top.hasKeys = true;
      addChild(top.obj, name, attrs ?? "");
      continue;
    }
    if (stack.length > MAX_XML_DEPTH) {
      throw new XmlSyntaxError(`elements nested more than ${MAX_XML_DEPTH} levels deep`);
    }
    // A leaf (`<name status="taken">a.pl</name>`, most of any reply): text then its own closing
    // tag. Read here, without a frame on the stack.
    const next = xml.indexOf("<", i);
    const close = next + 2 + qname.length;
    if (
      next >= 0 &&
      xml.charCodeAt(next + 1) === 47 &&
      xml.charCodeAt(close) === 62 &&
      xml.startsWith(qname, next + 2)
    ) {
      const text = next > i ? decodeEntities(xml.slice(i, next)).trim() : "";
      let value: ParsedNode = text;
      if (attrs) {
        if (text !== "") attrs["#text"] = text;
        value = attrs;
      }
      top.hasKeys = true;
      addChild(top.obj, name, value);
      i = close + 1;
      continue;
    }
    const frame: Frame = { name, qname, obj: attrs ?? {}, text: "", hasKeys: attrs !== undefined };
    stack.push(frame);
    top = frame;
  }
  if (stack.length !== 1) throw new XmlSyntaxError(`<${stack[stack.length - 1]!.name}> is not closed`);
  return root.obj;
}

function finish(frame: Frame): ParsedNode {
  const text = frame.text.trim();
  if (!frame.hasKeys) return text;
  if (text !== "") frame.obj["#text"] = text;
  return frame.obj;
}

/** Parses an HRD document and returns the content of its `api` root (its attributes, and namespace declarations anywhere, dropped). */
export function parseApiDocument(xml: string): ParsedObject {
  const doc = parseXml(xml);
  const api = doc.api;
  if (api === undefined) throw new XmlSyntaxError("the document has no <api> root element");
  if (typeof api === "string") return {};
  if (Array.isArray(api)) throw new XmlSyntaxError("the document has more than one <api> root element");
  for (const k in api) {
    if (k.charCodeAt(0) !== 64 /* @ */) continue;
    // Attributes on the root are not part of the reply: copy without them (rare; xmlns is
    // already left out by the parser).
    const out: ParsedObject = {};
    for (const [key, v] of Object.entries(api)) if (!key.startsWith("@")) out[key] = v;
    return out;
  }
  return api;
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
