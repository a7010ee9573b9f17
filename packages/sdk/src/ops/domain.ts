import { z } from "zod";
import { toAsciiDomain, toUnicodeDomain } from "../util/idn.js";
import type { ParsedNode, ParsedObject, XmlTree } from "../wire/xml.js";
import { checkReplyReader, checkRequestBody } from "./check-fast.js";
import { defineOp } from "./define.js";
import {
  bool,
  domainName,
  id,
  list,
  obj,
  opt,
  outActionId,
  outActionIdOrEmpty,
  outBool,
  outDate,
  outDomain,
  outInt,
  outText,
  period,
  wireDate,
} from "./fields.js";
import { nsInput, nsToWire } from "./ns.js";

const RECONCILE_DOMAIN =
  "Read domain/info for this name (and action/list for recent actions) to see whether it was applied " +
  "before ordering it again.";

// ---------------------------------------------------------------- check (multi-frame)

const CHECK_STATUSES = ["available", "taken", "createOnly", "unknown"] as const;

/** Names asked for, as sent (punycode). */
function namesOf(wire: XmlTree | null): string[] {
  const n = wire?.name;
  return Array.isArray(n) ? (n as string[]) : typeof n === "string" ? [n] : [];
}

function answeredNames(node: ParsedNode | undefined): number {
  if (!node || typeof node !== "object" || Array.isArray(node)) return 0;
  const n = (node as ParsedObject).name;
  return n === undefined ? 0 : Array.isArray(n) ? n.length : 1;
}

/**
 * HRD may answer a check over several frames; the reply is complete when every name is answered
 * (checkVerify makes sure each answered name was asked, once; the names asked are distinct).
 */
export const checkPartial = (wire: XmlTree | null, node: ParsedNode | undefined) =>
  answeredNames(node) < namesOf(wire).length;

/** The text of one `<name>` of a check reply (it carries a `status` attribute, so it is an object). */
function nameText(n: ParsedNode): string {
  if (typeof n === "string") return n;
  if (!Array.isArray(n)) {
    const t = (n as ParsedObject)["#text"];
    if (typeof t === "string") return t;
  }
  return "";
}

/**
 * A check reply must name only names that were asked, each once. HRD's replies carry nothing that
 * ties them to a request, so a reply naming other names is a late or extra frame meant for
 * another request — never an answer to this one.
 */
export const checkVerify = (wire: XmlTree | null, node: ParsedNode | undefined): string | undefined => {
  if (!node || typeof node !== "object" || Array.isArray(node)) return undefined;
  const n = (node as ParsedObject).name;
  if (n === undefined) return undefined;
  const items = Array.isArray(n) ? n : [n];
  const askedList = namesOf(wire);
  // The usual reply names the names in the order asked: then, the names asked being distinct,
  // every answer is to a name asked, once — no set needed.
  if (items.length <= askedList.length) {
    let k = 0;
    while (k < items.length && nameText(items[k]!) === askedList[k]) k++;
    if (k === items.length) return undefined;
  }
  const asked = new Set(askedList);
  const seen = new Set<string>();
  for (const item of items) {
    const text = nameText(item);
    let key = text;
    if (!asked.has(key)) key = text.toLowerCase();
    if (!asked.has(key)) {
      // HRD might answer an IDN in Unicode; compare its ASCII form before calling it foreign.
      try {
        key = toAsciiDomain(text);
      } catch {
        // Not a name at all: it stays foreign, reported below.
      }
      if (!asked.has(key)) return `it answers "${text}", which this request did not ask about`;
    }
    if (seen.has(key)) return `it answers "${text}" twice`;
    seen.add(key);
  }
  return undefined;
};

export const checkMerge = (nodes: (ParsedNode | undefined)[]): ParsedNode | undefined => {
  if (nodes.length === 1) return nodes[0]; // the usual reply: one frame, nothing to merge
  const names: ParsedNode[] = [];
  for (const node of nodes) {
    if (!node || typeof node !== "object" || Array.isArray(node)) continue;
    const n = (node as ParsedObject).name;
    if (n !== undefined) names.push(...(Array.isArray(n) ? n : [n]));
  }
  return { name: names };
};

/**
 * A plain LDH name under a letters-only TLD, without punycode: such a name is its own wire form
 * (domainName returns it unchanged — test/check-fast-path.test.ts holds the two together). Bulk
 * checks are mostly such names, so they skip the per-name schema and IDN work. Scanned by
 * character codes, one pass: what `/^(?:[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/`
 * and "no `xn--`" say, at half the cost of the expression on a 100-name check.
 */
export function isPlainAsciiName(value: string): boolean {
  const n = value.length;
  if (n > 253) return false;
  let start = 0; // first character of the current label
  let letters = true; // the current label is letters only (a TLD must be)
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c === 46 /* . */) {
      const len = i - start;
      if (len < 1 || len > 63 || !isAlnum(value.charCodeAt(start)) || !isAlnum(value.charCodeAt(i - 1))) {
        return false;
      }
      start = i + 1;
      letters = true;
    } else if (c >= 97 && c <= 122) {
      // "xn--" anywhere is punycode: the IDN path checks it decodes.
      if (c === 120 && value.charCodeAt(i + 1) === 110 && value.charCodeAt(i + 2) === 45) {
        if (value.charCodeAt(i + 3) === 45) return false;
      }
    } else if ((c >= 48 && c <= 57) || c === 45 || c === 95) {
      letters = false;
    } else return false;
  }
  const tld = n - start;
  return start > 0 && letters && tld >= 2 && tld <= 63;
}

function isAlnum(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

function wireName(value: string): string | undefined {
  if (isPlainAsciiName(value)) return value;
  const r = domainName.safeParse(value);
  return r.success ? r.data : undefined;
}

/**
 * The usual bulk list: every name plain ASCII (its own wire form) and none twice. Then the loop
 * below would return the list as it is, with no issue; this says so in two quick passes (the set
 * built in one call, not name by name).
 */
function allPlainAndDistinct(names: readonly unknown[]): names is string[] {
  for (let i = 0; i < names.length; i++) {
    const value = names[i];
    if (typeof value !== "string" || !isPlainAsciiName(value)) return false;
  }
  return new Set(names).size === names.length;
}

/**
 * `{ names }` of a check: 1–100 valid, distinct names → `{ name: [...] }` in punycode. One loop
 * rather than a schema per name (a 100-name check is the SDK's hottest path); every bad name is
 * still named, with its index.
 */
export const checkNamesInput = z
  .object({ names: z.custom<string[]>((v) => Array.isArray(v), "must be a list of domain names") })
  .transform((v, ctx) => {
    const names: unknown[] = v.names;
    if (names.length >= 1 && names.length <= 100 && allPlainAndDistinct(names))
      return { name: names.slice() };
    if (names.length < 1) ctx.addIssue({ code: "custom", path: ["names"], message: "needs at least 1 name" });
    if (names.length > 100) {
      ctx.addIssue({ code: "custom", path: ["names"], message: "takes at most 100 names per call" });
    }
    const out: string[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < names.length; i++) {
      const value = names[i];
      if (typeof value !== "string") {
        ctx.addIssue({ code: "custom", path: ["names", i], message: "must be a domain name (a string)" });
        continue;
      }
      const ascii = wireName(value);
      if (ascii === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["names", i],
          message: `"${value}" is not a valid domain name`,
        });
      } else if (seen.has(ascii)) {
        ctx.addIssue({ code: "custom", path: ["names", i], message: `${ascii} is listed twice` });
      } else {
        seen.add(ascii);
        out.push(ascii);
      }
    }
    return { name: out };
  });

/**
 * The reply of a check (`<name status="…">…</name>` repeated) → `[{ name, status }]`, names back
 * in Unicode. Hand-written for the same reason as the input; checks what the schema did.
 */
export function checkOutput<const S extends readonly [string, ...string[]]>(statuses: S) {
  const allowed = new Set<string>(statuses);
  return z.unknown().transform((node, ctx) => {
    const results: { name: string; status: S[number] }[] = [];
    if (node === undefined || node === "") return results;
    if (typeof node !== "object" || node === null || Array.isArray(node)) {
      ctx.addIssue({ code: "custom", message: "expected the check's element" });
      return z.NEVER;
    }
    const n = (node as ParsedObject).name;
    const items = n === undefined || n === "" ? [] : Array.isArray(n) ? n : [n];
    let ok = true;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const obj = typeof item === "object" && !Array.isArray(item) ? item : undefined;
      const text = obj?.["#text"];
      const status = obj?.["@status"];
      if (typeof text !== "string" || text === "") {
        ctx.addIssue({ code: "custom", path: ["name", i, "#text"], message: "expected a domain name" });
        ok = false;
      }
      if (typeof status !== "string" || !allowed.has(status)) {
        ctx.addIssue({
          code: "custom",
          path: ["name", i, "@status"],
          message: `expected status ${statuses.join(" | ")}`,
        });
        ok = false;
      }
      if (ok) results.push({ name: toUnicodeDomain(text as string), status: status as S[number] });
    }
    return ok ? results : z.NEVER;
  });
}

export const domainCheck = defineOp({
  name: "domain/check",
  example: 'await hrd.domain.check({ names: ["sklep.pl", "żółw.com.pl"] })',
  effect: "read",
  summary:
    "Availability of 1–100 names: available, taken, createOnly (.pl: can be registered at once but not reserved first) or unknown.",
  input: checkNamesInput,
  output: checkOutput(CHECK_STATUSES),
  partial: checkPartial,
  merge: checkMerge,
  verify: checkVerify,
  body: checkRequestBody("domain", "check"),
  fastReply: checkReplyReader("domain", "check", CHECK_STATUSES),
});

// ---------------------------------------------------------------- info

const nsOut = z.union([
  z.object({ group: outInt }).transform((g) => ({ group: g.group })),
  z
    .object({
      ns: obj({
        ns: list(z.object({ name: outDomain, ipv4: list(outText), ipv6: list(outText) })),
      }),
    })
    .transform((n) => ({ hosts: n.ns.ns })),
]);

export const domainStatus = z.enum([
  "awaitingBooking",
  "booked",
  "bookedExpired",
  "awaitingRegistration",
  "registered",
  "expired",
  "blocked",
  "ordered",
]);

export const domainInfo = defineOp({
  name: "domain/info",
  example: 'await hrd.domain.info({ name: "sklep.pl" })',
  effect: "read",
  summary: "A domain's status, dates, account, nameservers, privacy, DNSSEC and glue hosts.",
  input: z.object({ name: domainName }).transform((v) => ({ name: v.name })),
  output: z
    .object({
      ns: opt(nsOut),
      actions: opt(obj({ id: list(outInt) })),
      name: outDomain,
      status: domainStatus,
      crDate: opt(outDate),
      exDate: opt(outDate),
      user: opt(outInt),
      contact: opt(outText),
      ppDate: opt(outDate),
      privacy: opt(outBool),
      dnssec: opt(
        obj({
          record: list(
            z.object({
              alg: outInt,
              digestType: outInt,
              digest: outText,
              keyTag: opt(outInt),
              keyType: opt(z.enum(["zsk", "ksk"])),
            }),
          ),
        }),
      ),
      host: list(z.object({ name: outDomain, ipv4: list(outText), ipv6: list(outText) })),
    })
    .transform((d) => ({
      name: d.name,
      status: d.status,
      crDate: d.crDate,
      exDate: d.exDate,
      user: d.user,
      contact: d.contact,
      ppDate: d.ppDate,
      privacy: d.privacy,
      ns: d.ns,
      actions: d.actions?.id ?? [],
      dnssec: d.dnssec?.record ?? [],
      hosts: d.host,
    })),
});

// ---------------------------------------------------------------- create, book, renew, update, list

const additionalData = z.union([
  z.object({ fr: z.object({ registrantType: z.enum(["individual", "organization"]) }) }).strict(),
  z
    .object({
      it: z.object({ entityType: z.enum(["1", "2", "3", "4", "5", "6", "7"]), regCode: z.string().min(1) }),
    })
    .strict(),
  z
    .object({
      us: z.object({
        category: z.enum(["C11", "C12", "C21", "C31", "C32"]),
        purpose: z.enum(["P1", "P2", "P3", "P4", "P5"]),
      }),
    })
    .strict(),
  z
    .object({
      ca: z.object({
        type: z.enum([
          "CCT",
          "RES",
          "ABO",
          "LGR",
          "CCO",
          "GOV",
          "EDU",
          "ASS",
          "HOP",
          "PRT",
          "TDM",
          "TRD",
          "PLT",
          "LAM",
          "TRS",
          "INB",
          "OMK",
          "MAJ",
        ]),
      }),
    })
    .strict(),
  z
    .object({ es: z.object({ legalForm: z.string().regex(/^\d+$/), documentId: z.string().min(1) }) })
    .strict(),
]);

export const domainCreate = defineOp({
  name: "domain/create",
  example:
    'await hrd.domain.create({ name: "sklep.pl", user: 1234, period: 1, ns: ["ns1.hrd.pl", "ns2.hrd.pl"] })',
  effect: "billable",
  summary: "Register a domain to a registrant account (spends balance; returns an action id).",
  input: z
    .object({
      name: domainName,
      user: id,
      period: period.prefault(1),
      privacy: bool.default(false),
      ns: nsInput,
      additionalData: additionalData.optional(),
    })
    .transform((v, ctx) => ({
      name: v.name,
      user: v.user,
      period: v.period,
      privacyProtect: v.privacy,
      ns: nsToWire(v.name, v.ns, ctx, ["ns"]),
      additionalData: v.additionalData as XmlTree | undefined,
    })),
  output: outActionId,
  subject: (w) => ({ name: String(w.name) }),
  reconcile: RECONCILE_DOMAIN,
});

export const domainBook = defineOp({
  name: "domain/book",
  example: 'await hrd.domain.book({ name: "sklep.pl", user: 1234 })',
  effect: "billable",
  summary:
    "Reserve (book) an available .pl name before registering it (NASK reservation); not for createOnly names.",
  input: z.object({ name: domainName, user: id }).transform((v) => ({ user: v.user, name: v.name })),
  output: outActionId,
  subject: (w) => ({ name: String(w.name) }),
  reconcile: RECONCILE_DOMAIN,
});

export const domainRenew = defineOp({
  name: "domain/renew",
  example: 'await hrd.domain.renew({ name: "sklep.pl", currentExpirationDate: "2027-03-01", period: 1 })',
  effect: "billable",
  summary: "Renew a domain; `currentExpirationDate` must match HRD's, so a repeated renew is refused.",
  input: z
    .object({ name: domainName, currentExpirationDate: wireDate, period: period.prefault(1) })
    .transform((v) => ({ name: v.name, currentExpirationDate: v.currentExpirationDate, period: v.period })),
  output: outActionId,
  subject: (w) => ({ name: String(w.name), currentExpirationDate: String(w.currentExpirationDate) }),
  reconcile:
    "Read domain/info: if exDate moved past currentExpirationDate the renewal was applied. Because HRD checks " +
    "currentExpirationDate, resending the same renew after it was applied is refused, never charged twice.",
});

export const domainUpdate = defineOp({
  name: "domain/update",
  example: 'await hrd.domain.update({ name: "sklep.pl", ns: { group: 12 } })',
  effect: "write",
  summary: "Change a domain's nameservers (explicit hosts with glue where needed, or a saved group).",
  input: z.object({ name: domainName, ns: nsInput.optional() }).transform((v, ctx) => ({
    name: v.name,
    ns: v.ns === undefined ? undefined : nsToWire(v.name, v.ns, ctx, ["ns"]),
  })),
  output: outActionIdOrEmpty,
});

export const domainList = defineOp({
  name: "domain/list",
  example: 'for await (const name of hrd.iterate("domain/list")) console.log(name)',
  cursor: "lastName",
  effect: "read",
  summary: "One page of domain names after `lastName` (use `client.iterate` for all).",
  input: z
    .object({ lastName: domainName.optional() })
    .optional()
    .transform((v) => ({ lastName: v?.lastName })),
  output: obj({ name: list(outDomain) }).transform((r) => r.name),
});
