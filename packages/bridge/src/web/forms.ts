/** Form bodies of server-rendered pages, parsed in-house (a few fields, no files but a logo). */

export type Fields = Record<string, string>;

/** An urlencoded form's fields (the first of a repeated name). */
export function formFields(body: string): Fields {
  const out: Fields = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] ??= v;
  return out;
}

/** Every value of each name (checkbox groups, repeated inputs). */
export function formFieldLists(body: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    out[k] ??= [];
    out[k].push(v);
  }
  return out;
}

/**
 * A multipart/form-data body's text fields: RFC 8058 says one-click SHOULD be sent so, and the
 * body holds a field or two. Files are skipped.
 */
export function multipartFields(body: string, contentType: string): Fields {
  const m = /boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  const out: Fields = {};
  if (!boundary) return out;
  for (const part of body.split(`--${boundary}`)) {
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) continue;
    const head = part.slice(0, split);
    const name = /content-disposition:[^\r\n]*;\s*name="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined || /;\s*filename=/i.test(head)) continue;
    out[name] ??= part.slice(split + 4).replace(/\r\n$/, "");
  }
  return out;
}

/** One file of a multipart/form-data body, its bytes as sent. */
export interface FormFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/**
 * A multipart/form-data body with its files (an uploaded bank statement): text fields as UTF-8,
 * files as raw bytes (a statement may be CP852 or Windows-1250: the importer decodes it). Read as
 * latin1 so every byte maps to one character and back unchanged.
 */
export function multipartParts(body: Buffer, contentType: string): { fields: Fields; files: FormFile[] } {
  const m = /boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  const fields: Fields = {};
  const files: FormFile[] = [];
  if (!boundary) return { fields, files };
  const text = body.toString("latin1");
  for (const part of text.split(`--${boundary}`)) {
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) continue;
    const head = part.slice(0, split);
    const name = /content-disposition:[^\r\n]*;\s*name="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined) continue;
    const content = Buffer.from(part.slice(split + 4).replace(/\r\n$/, ""), "latin1");
    const filename = /;\s*filename="([^"]*)"/i.exec(head)?.[1];
    if (filename === undefined) {
      fields[Buffer.from(name, "latin1").toString("utf8")] ??= content.toString("utf8");
      continue;
    }
    files.push({
      field: Buffer.from(name, "latin1").toString("utf8"),
      filename: Buffer.from(filename, "latin1").toString("utf8"),
      contentType: /content-type:\s*([^\r\n]*)/i.exec(head)?.[1]?.trim() ?? "application/octet-stream",
      data: content,
    });
  }
  return { fields, files };
}
