/**
 * Pieces for reading the plain reply of a hot operation in one pass, without the general parser
 * (src/wire/xml.ts). A reader built from them takes only text whose meaning it can prove — the
 * exact shape HRD writes — and returns undefined for anything else, which the general parser and
 * the operation's schema then judge (and name what is wrong). The tests hold every such reader
 * together with the general path on mangled replies (test/fast-reply.test.ts,
 * test/check-fast-path.test.ts).
 */
import { HRD_NS } from "./xml.js";

const API_OPEN = `<api xmlns="${HRD_NS}">`;

/** Index after XML white space (the four characters XML calls space) from `i`. */
export function skipSpace(xml: string, i: number): number {
  for (;;) {
    const c = xml.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
}

/** Index past `tag` (white space before it allowed), or -1; -1 in gives -1 out. */
function pastTag(xml: string, i: number, tag: string): number {
  if (i < 0) return -1;
  const at = skipSpace(xml, i);
  return xml.startsWith(tag, at) ? at + tag.length : -1;
}

/**
 * Index after `<api><module><method>` at the start of a reply (an XML declaration before it, and
 * white space between the tags, allowed), or -1.
 */
export function replyBodyStart(xml: string, module: string, method: string): number {
  let i = 0;
  if (xml.startsWith("<?xml", 0)) {
    const end = xml.indexOf("?>", 5);
    if (end < 0) return -1;
    i = skipSpace(xml, end + 2);
  }
  if (xml.startsWith(API_OPEN, i)) i += API_OPEN.length;
  else if (xml.startsWith("<api>", i)) i += 5;
  else return -1;
  return pastTag(xml, pastTag(xml, i, `<${module}>`), `<${method}>`);
}

/** True when `</method></module></api>` and only white space follow from `i`. */
export function replyBodyEnds(xml: string, i: number, module: string, method: string): boolean {
  const end = pastTag(xml, pastTag(xml, pastTag(xml, i, `</${method}>`), `</${module}>`), "</api>");
  return end >= 0 && skipSpace(xml, end) === xml.length;
}

/**
 * A reply whose result element holds only the given text elements, each once, in any order
 * (`<api><partner><getBalance><balance>10.00</balance>…</getBalance></partner></api>`): their
 * texts, trimmed as the general parser trims them, in the order of `fields`. Undefined for
 * anything else (a field missing, repeated or unknown, attributes, nesting, empty elements,
 * entities, comments, CDATA, prefixes). Fields are matched in place: no names cut out, no keyed
 * stores.
 */
export function readFieldsReply(
  xml: string,
  module: string,
  method: string,
  fields: readonly string[],
): string[] | undefined {
  let i = replyBodyStart(xml, module, method);
  if (i < 0) return undefined;
  const out: string[] = new Array(fields.length);
  let found = 0;
  for (;;) {
    i = skipSpace(xml, i);
    if (xml.charCodeAt(i) !== 60 /* < */) return undefined;
    if (xml.charCodeAt(i + 1) === 47 /* / */) break; // the end of the result element, checked below
    let f = 0;
    for (; f < fields.length; f++) {
      const name = fields[f]!;
      if (xml.charCodeAt(i + 1 + name.length) === 62 /* > */ && xml.startsWith(name, i + 1)) break;
    }
    if (f === fields.length || out[f] !== undefined) return undefined;
    const name = fields[f]!;
    const textStart = i + name.length + 2;
    const textEnd = xml.indexOf("<", textStart);
    if (
      textEnd < 0 ||
      xml.charCodeAt(textEnd + 1) !== 47 /* / */ ||
      xml.charCodeAt(textEnd + 2 + name.length) !== 62 /* > */ ||
      !xml.startsWith(name, textEnd + 2)
    ) {
      return undefined;
    }
    const text = xml.slice(textStart, textEnd);
    if (text.includes("&")) return undefined;
    const value = text.trim();
    if (value === "") return undefined;
    out[f] = value;
    found++;
    i = textEnd + 3 + name.length;
  }
  return found === fields.length && replyBodyEnds(xml, i, module, method) ? out : undefined;
}
