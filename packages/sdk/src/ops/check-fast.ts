/**
 * Shortcuts for the SDK's hottest call, a check of up to 100 names (`domain/check`,
 * `domain/futureCheck`): the request written straight from the validated names, and the plain
 * reply read without the general parser. Each shortcut gives exactly what the general path gives,
 * and the reply reader takes only the one shape it can prove right, leaving every other reply
 * (errors, split replies, foreign or repeated names, comments, entities…) to the general parser
 * and the schema, which judge it and name what is wrong. test/check-fast-path.test.ts holds both
 * paths together.
 */
import { toUnicodeDomain } from "../util/idn.js";
import { replyBodyEnds, replyBodyStart, skipSpace } from "../wire/fast-reply.js";
import type { XmlTree } from "../wire/xml.js";

/** The request body under `<api>` of a check: `<module><method><name>…</name>…</method></module>`. */
export function checkRequestBody(module: string, method: string) {
  const open = `<${module}><${method}>`;
  const close = `</${method}></${module}>`;
  return (wire: XmlTree | null): string => {
    // The names went through checkNamesInput: lowercase LDH or punycode, nothing to escape.
    // One join: a flat string, not hundreds of pieces to flatten when the frame is written.
    const names = wire?.name as readonly string[];
    return names.length === 0 ? open + close : `${open}<name>${names.join("</name><name>")}</name>${close}`;
  };
}

/** Length of `<name status="`. */
const NAME_OPEN_LENGTH = 14;

export interface CheckAnswer<S extends string> {
  name: string;
  status: S;
}

/**
 * Reads the plain, complete reply of a check in one pass:
 * `<api><module><method>` then `<name status="S">N</name>` for every name asked, in the order asked,
 * each N exactly the name as sent and each S an allowed status, then the closing tags and nothing
 * else (white space aside). Such a reply answers every name asked exactly once and nothing more,
 * so it needs no further check. Returns undefined for any other text: the general path reads it.
 */
export function checkReplyReader<const S extends readonly [string, ...string[]]>(
  module: string,
  method: string,
  statuses: S,
) {
  // One sticky expression per name, tested without captures (no match array, no substrings):
  // irregexp checks the tag, the status and the text in one go. The statuses are plain words with
  // distinct first letters, so the letter after `status="` says which one matched.
  const item = new RegExp(`[ \\t\\r\\n]*<name status="(?:${statuses.join("|")})">[^<]*</name>`, "y");
  const byFirst: (S[number] | undefined)[] = [];
  for (const status of statuses) {
    if (byFirst[status.charCodeAt(0)] !== undefined)
      throw new Error("check statuses must differ in their first letter");
    byFirst[status.charCodeAt(0)] = status;
  }
  return (wire: XmlTree | null, xml: string): CheckAnswer<S[number]>[] | undefined => {
    const asked = wire?.name;
    if (!Array.isArray(asked) || asked.length === 0) return undefined;
    let i = replyBodyStart(xml, module, method);
    if (i < 0) return undefined;
    const out: CheckAnswer<S[number]>[] = new Array(asked.length);
    for (let k = 0; k < asked.length; k++) {
      const name = asked[k] as string;
      item.lastIndex = i;
      if (!item.test(xml)) return undefined;
      const end = item.lastIndex;
      const tag = skipSpace(xml, i); // the "<" of <name>
      const status = byFirst[xml.charCodeAt(tag + NAME_OPEN_LENGTH)]!;
      const textStart = tag + NAME_OPEN_LENGTH + status.length + 2;
      // The name is the one asked, as sent (lowercase LDH or punycode): it holds no entity, no
      // markup and no white space to trim, so equal text means the same name.
      const textEnd = end - 7; // before </name>
      if (textEnd - textStart !== name.length || xml.slice(textStart, textEnd) !== name) return undefined;
      i = end;
      out[k] = { name: toUnicodeDomain(name), status };
    }
    return replyBodyEnds(xml, i, module, method) ? out : undefined;
  };
}
