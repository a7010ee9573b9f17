/**
 * MT940 as Polish banks write it. The SWIFT frame is common to all (`:20:` reference, `:25:`
 * account, `:28C:` number, `:60F:` opening balance, `:61:` entry, `:86:` its details, `:62F:`
 * closing balance); banks differ in the `:86:` field, which they split into numbered sub-fields:
 *
 * - `~NN` (PKO BP iPKO biznes): `~00` operation code, `~20`–`~25` title, `~30` counterparty's
 *   bank, `~31` its account, `~32`/`~33` its name, `~38` its IBAN;
 * - `<NN` (another bank's `.STA` files, usually CP852): the same numbering with `<`;
 * - `?NN` (the SWIFT/German habit): read the same way;
 * - no sub-fields: the whole `:86:` is the title.
 *
 * A sub-field or a line may be cut anywhere by the bank's width limit, so the parts are joined
 * back (see joinWrapped). No dependency: mt940js does not split `~`/`<` sub-fields.
 */
import { CURRENCIES, type Currency, type Money, money } from "../money/money.js";
import { decodeStatement, type StatementEncoding } from "./encoding.js";
import {
  type EntryMark,
  joinWrapped,
  normaliseAccount,
  nrbFromParts,
  type ParsedStatement,
  parseFailure,
  type StatementEntry,
  type StatementSection,
} from "./statement.js";

export interface Mt940Options {
  /** Default `auto` (see decodeStatement); a string `content` is taken as already decoded. */
  encoding?: StatementEncoding | "auto";
}

interface Tag {
  tag: string;
  value: string;
  line: number;
}

const OPERATION = "parseMt940";
const FRAME_CHARACTERS = new Set([String.fromCharCode(1), String.fromCharCode(3), String.fromCharCode(0x1a)]);

function tags(text: string): Tag[] {
  const out: Tag[] = [];
  let current: Tag | null = null;
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\s+$/, "");
    const m = /^:(\d{2}[A-Z]?):(.*)$/.exec(line);
    if (m) {
      current = { tag: m[1]!, value: m[2]!, line: i + 1 };
      out.push(current);
    } else if (line.trim() === "-") {
      current = null; // end of one message; the next starts with :20:
    } else if (line.trim() !== "" && current) {
      current.value += `\n${line}`;
    }
    // other lines before the first tag (a bank's header block) are not part of the statement
  });
  return out;
}

/** `123,45` / `123,` / `0,5` → minor units. */
function parseAmount(text: string): number | null {
  const m = /^(\d{1,15}),(\d{0,2})$/.exec(text);
  if (!m) return null;
  const minor = Number(m[1]) * 100 + Number(m[2]!.padEnd(2, "0"));
  return Number.isSafeInteger(minor) ? minor : null;
}

function ymd(yy: string, mm: string, dd: string): string | null {
  const y = 2000 + Number(yy);
  const m = Number(mm);
  const d = Number(dd);
  if (m < 1 || m > 12 || d < 1 || d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return null;
  return `${y}-${mm}-${dd}`;
}

interface Balance {
  amount: Money;
  day: string;
}

function parseBalance(value: string): { balance: Balance } | { problem: string } {
  const m = /^(C|D)(\d{2})(\d{2})(\d{2})([A-Z]{3})(\d{1,15},\d{0,2})$/.exec(value.replace(/\s+/g, ""));
  if (!m) return { problem: `"${value}" is not a balance like C260301PLN1234,56` };
  const currency = m[5]!;
  if (!CURRENCIES.includes(currency as Currency)) {
    return { problem: `currency ${currency} is not supported (${CURRENCIES.join(", ")})` };
  }
  const day = ymd(m[2]!, m[3]!, m[4]!);
  const minor = parseAmount(m[6]!);
  if (!day || minor === null) return { problem: `"${value}" has an invalid date or amount` };
  return { balance: { amount: money(m[1] === "D" ? -minor : minor, currency as Currency), day } };
}

const SUBFIELD_SEPARATORS = ["~", "<", "?"] as const;

interface Details {
  title: string;
  titleCompact: string;
  counterparty: string | null;
  counterpartyAccount: string | null;
  code: string | null;
  details: Record<string, string>;
}

/** Splits `:86:` into its sub-fields (if it has them) and reads title, counterparty and account. */
export function parseDetails(value: string): Details {
  const compact = value.replace(/\n/g, "");
  const structured = /^(\d{3})?([~<?])(\d{2})/.exec(compact);
  if (!structured) {
    // free text in lines of 65 characters (61 after the `:86:` tag): a full line was cut where
    // it is full, a shorter one ended where its writer ended it
    const lines = value.split("\n");
    const full = (i: number) => lines[i]!.length >= (i === 0 ? 61 : 65);
    const title = lines
      .map((l, i) => (i > 0 && !full(i - 1) ? ` ${l}` : l))
      .join("")
      .replace(/\s+/g, " ")
      .trim();
    return {
      title,
      titleCompact: lines.join(""),
      counterparty: null,
      counterpartyAccount: null,
      code: null,
      details: {},
    };
  }
  const sep = structured[2] as (typeof SUBFIELD_SEPARATORS)[number];
  const marker = new RegExp(`\\${sep}(\\d{2})`, "g");
  const details: Record<string, string> = {};
  const found = [...compact.matchAll(marker)];
  found.forEach((m, i) => {
    const start = m.index + m[0].length;
    const end = i + 1 < found.length ? found[i + 1]!.index : compact.length;
    const key = m[1]!;
    details[key] = (details[key] ?? "") + compact.slice(start, end);
  });
  const titleParts = ["20", "21", "22", "23", "24", "25"].map((k) => details[k] ?? "");
  const name = joinWrapped([details["32"] ?? "", details["33"] ?? ""]);
  const account =
    normaliseAccount(details["38"]) ??
    nrbFromParts((details["30"] ?? "").trim(), (details["31"] ?? "").trim()) ??
    normaliseAccount(details["31"]);
  return {
    title: joinWrapped(titleParts),
    titleCompact: titleParts.join(""),
    counterparty: name === "" ? null : name,
    counterpartyAccount: account,
    code: details["00"]?.trim() || structured[1] || null,
    details,
  };
}

/** `:25:` → normalised own account: `/PL61…`, `PL61…PLN`, `10901014/0000071219812874`. */
function parseAccount(value: string): string | null {
  const t = value.replace(/[\s\n]/g, "").replace(/^\/+/, "");
  const parts = /^(\d{8})\/(\d{16})$/.exec(t);
  if (parts) return nrbFromParts(parts[1]!, parts[2]!);
  const iban = /^(PL)?(\d{26})(?:[A-Z]{3})?$/.exec(t);
  if (iban) return `PL${iban[2]}`;
  return normaliseAccount(t);
}

interface SectionDraft extends StatementSection {
  line: number;
  sum: number;
}

/**
 * Parses an MT940 file (one or more statements) into entries. Every problem found is reported at
 * once as a BillingValidationError on `content`, naming the line; nothing is guessed.
 */
export function parseMt940(content: Uint8Array | string, options: Mt940Options = {}): ParsedStatement {
  const decoded =
    typeof content === "string"
      ? { text: content, encoding: "utf-8" as const }
      : decodeStatement(content, options.encoding ?? "auto");
  // SOH/ETX frame the messages in some banks' files (mBank) and SUB ends DOS files: line breaks.
  // Of the SWIFT envelope ({1:…}{2:…}{3:…}{4: … -}{5:…}) only block 4, the statement, is kept.
  const text = [...decoded.text.replace(/\r\n?/g, "\n")]
    .map((ch) => (FRAME_CHARACTERS.has(ch) ? "\n" : ch))
    .join("")
    .replace(/\{[1-3]:(?:[^{}]|\{[^{}]*\})*\}/g, "")
    .replace(/\{5:(?:[^{}]|\{[^{}]*\})*\}/g, "")
    .replace(/\{4:/g, "\n")
    .replace(/\n-\}/g, "\n-\n");
  const problems: string[] = [];
  const sections: SectionDraft[] = [];
  const entries: StatementEntry[] = [];
  let section: SectionDraft | null = null;
  let last: StatementEntry | null = null;
  let lastHasDetails = false;

  const open = (line: number, reference: string | null): SectionDraft => {
    const s: SectionDraft = {
      reference,
      account: null,
      number: null,
      currency: "PLN",
      openingBalance: null,
      closingBalance: null,
      entries: 0,
      line,
      sum: 0,
    };
    sections.push(s);
    return s;
  };

  for (const t of tags(text)) {
    const at = `line ${t.line} (:${t.tag}:)`;
    if (t.tag === "20") {
      section = open(t.line, t.value.trim() || null);
      last = null;
      continue;
    }
    section ??= open(t.line, null);
    switch (t.tag) {
      case "25":
        section.account = parseAccount(t.value);
        break;
      case "28":
      case "28C":
        section.number = t.value.trim() || null;
        break;
      case "60F":
      case "60M": {
        const b = parseBalance(t.value);
        if ("problem" in b) problems.push(`${at}: ${b.problem}`);
        else {
          section.openingBalance = b.balance.amount;
          section.currency = b.balance.amount.currency;
        }
        break;
      }
      case "62F":
      case "62M": {
        const b = parseBalance(t.value);
        if ("problem" in b) problems.push(`${at}: ${b.problem}`);
        else section.closingBalance = b.balance.amount;
        last = null;
        break;
      }
      case "61": {
        const [first = "", ...more] = t.value.split("\n");
        const m =
          /^(\d{2})(\d{2})(\d{2})(\d{4})?(RC|RD|C|D)([A-Z])?(\d{1,15},\d{0,2})([A-Z][A-Z0-9]{3})?(.*)$/.exec(
            first.trim(),
          );
        if (!m) {
          problems.push(`${at}: "${first}" is not an entry like 260301C123,45NTRFNONREF`);
          last = null;
          break;
        }
        const valueDate = ymd(m[1]!, m[2]!, m[3]!);
        let bookedOn = valueDate;
        if (valueDate && m[4]) {
          // the booking day has no year: the value day's, or the next/previous one across New Year
          const mm = Number(m[4].slice(0, 2));
          const diff = mm - Number(m[2]);
          const yy = Number(m[1]) + (diff < -6 ? 1 : diff > 6 ? -1 : 0);
          bookedOn = ymd(String(yy).padStart(2, "0"), m[4].slice(0, 2), m[4].slice(2, 4));
        }
        const minor = parseAmount(m[7]!);
        if (!valueDate || !bookedOn || minor === null) {
          problems.push(`${at}: invalid date or amount in "${first}"`);
          last = null;
          break;
        }
        const mark = m[5] as EntryMark;
        const positive = mark === "C" || mark === "RD";
        const [customer = "", bank = ""] = m[9]!.split("//");
        const supplementary = more.join(" ").trim();
        last = {
          bookedOn,
          valueDate,
          amount: money(positive ? minor : -minor, section.currency),
          mark,
          bankReference: bank.trim() || null,
          customerReference: /^(NONREF)?$/i.test(customer.trim()) ? null : customer.trim(),
          title: supplementary,
          titleCompact: supplementary,
          counterparty: null,
          counterpartyAccount: null,
          code: m[8] ?? null,
          details: {},
          line: t.line,
        };
        lastHasDetails = false;
        entries.push(last);
        section.entries += 1;
        section.sum += last.amount.amount;
        break;
      }
      case "86":
        // :86: after an entry describes it; after the closing balance it describes the statement
        if (last && !lastHasDetails) {
          const d = parseDetails(t.value);
          Object.assign(last, {
            ...d,
            title: d.title || last.title,
            titleCompact: d.titleCompact || last.titleCompact,
            code: d.code ?? last.code,
          });
          lastHasDetails = true;
        }
        break;
      default:
        // :21:, :13D:, :34F:, :64:, :65: … carry nothing needed for matching payments
        break;
    }
  }

  if (sections.length === 0) problems.push("not an MT940 statement: no :20: or :61: tag found");
  for (const s of sections) {
    if (s.openingBalance && s.closingBalance && s.openingBalance.amount + s.sum !== s.closingBalance.amount) {
      problems.push(
        `statement ${s.reference ?? ""} (line ${s.line}): opening balance ${s.openingBalance.amount} + entries ${s.sum} ≠ closing balance ${s.closingBalance.amount} (grosze); is the file complete?`,
      );
    }
  }
  if (problems.length > 0) parseFailure(OPERATION, problems);
  return {
    format: "mt940",
    encoding: decoded.encoding,
    account: sections[0]?.account ?? null,
    sections: sections.map(({ line: _line, sum: _sum, ...s }) => s),
    entries,
  };
}
