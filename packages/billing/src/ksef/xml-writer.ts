/**
 * A small XML writer: elements in the order they are written, text and attribute values escaped,
 * characters XML 1.0 forbids removed, two-space indentation. Enough for FA(3); no dependency.
 */

// Control characters other than tab, LF and CR, lone surrogates and U+FFFE/U+FFFF are not XML 1.0 characters.
const FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters XML forbids
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for element content (`attribute: true` also escapes quotes). */
export function escapeXml(text: string, attribute = false): string {
  const clean = text
    .replace(FORBIDDEN, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
  return attribute ? clean.replace(/"/g, "&quot;").replace(/'/g, "&apos;") : clean;
}

/** `xsd:token` text as a reader will see it: whitespace runs as one space, no leading or trailing space. */
export function token(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

type Attributes = Readonly<Record<string, string>>;

function attrs(a?: Attributes): string {
  if (!a) return "";
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${escapeXml(v, true)}"`)
    .join("");
}

export class XmlWriter {
  private readonly out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  private readonly open: string[] = [];

  private pad(): string {
    return "  ".repeat(this.open.length);
  }

  /** Opens an element; close it with `end()`. */
  start(name: string, attributes?: Attributes): this {
    this.out.push(`${this.pad()}<${name}${attrs(attributes)}>`);
    this.open.push(name);
    return this;
  }

  end(): this {
    const name = this.open.pop();
    if (name === undefined) throw new Error("XmlWriter: end() without an open element");
    this.out.push(`${this.pad()}</${name}>`);
    return this;
  }

  /** An element holding text; skipped when `value` is undefined. */
  leaf(name: string, value: string | number | undefined, attributes?: Attributes): this {
    if (value === undefined) return this;
    this.out.push(`${this.pad()}<${name}${attrs(attributes)}>${escapeXml(String(value))}</${name}>`);
    return this;
  }

  /** `start(name)`, `body()`, `end()`. */
  element(name: string, body: () => void, attributes?: Attributes): this {
    this.start(name, attributes);
    body();
    return this.end();
  }

  toString(): string {
    if (this.open.length > 0) throw new Error(`XmlWriter: unclosed elements ${this.open.join(" > ")}`);
    return `${this.out.join("\n")}\n`;
  }
}
