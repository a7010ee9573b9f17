import { DOMAIN_NAME_PATTERN, toAsciiDomain } from "@hrdkit/sdk";

/** Names read from a list, each with the line it came from (for error messages). */
export interface NameList {
  names: string[];
  /** `lines[i]` is the 1-based line of `names[i]`. */
  lines: number[];
}

/**
 * One name per line: blank lines and `#` comments are skipped, and only the first token counts
 * (split at whitespace, `,` or `;`), so the first column of a CSV or a `name status` listing
 * works too. A first line whose token has no dot is taken as a header (`name,price`).
 */
export function parseNameList(text: string): NameList {
  const names: string[] = [];
  const lines: number[] = [];
  let start = 0;
  let line = 0;
  const n = text.length;
  while (start <= n) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = n;
    line++;
    const token = firstToken(text.slice(start, end));
    if (token !== "" && !(line === 1 && !token.includes(".") && /^[a-z_ ]+$/i.test(token))) {
      names.push(token);
      lines.push(line);
    }
    start = end + 1;
  }
  return { names, lines };
}

function firstToken(raw: string): string {
  const s = raw.trim();
  if (s === "" || s.startsWith("#")) return "";
  const m = /^[^\s,;]+/.exec(s);
  const token = m ? m[0] : "";
  // A CSV cell may be quoted.
  return token.length >= 2 && token.startsWith('"') && token.endsWith('"') ? token.slice(1, -1) : token;
}

/**
 * Why `name` cannot be sent as a domain name, or undefined when it can. The same test as the
 * SDK's `domainName` field (punycode conversion, then api.xsd's pattern and length), so a name
 * passing here passes there: every bad one is found before anything is sent.
 */
export function domainNameProblem(name: string): string | undefined {
  const ascii = toAsciiDomain(name);
  if (ascii === "" || ascii.length < 3 || ascii.length > 255 || !DOMAIN_NAME_PATTERN.test(ascii)) {
    return `"${name}" is not a valid domain name`;
  }
  return undefined;
}
