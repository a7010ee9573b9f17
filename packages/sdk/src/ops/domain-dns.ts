/**
 * Nameserver groups, glue hosts, DNSSEC (DS records), zones on HRD's DNS, privacy, a domain's
 * contacts, whois, and the partner's own (tech) contacts.
 */
import { isIPv6 } from "node:net";
import { z } from "zod";
import { toAsciiDomain } from "../util/idn.js";
import type { XmlTree } from "../wire/xml.js";
import { defineOp } from "./define.js";
import {
  bool,
  country,
  DOMAIN_NAME_PATTERN,
  domainName,
  email,
  fax,
  id,
  ipv4,
  ipv6,
  list,
  obj,
  opt,
  outActionId,
  outActionIdOrEmpty,
  outBool,
  outDate,
  outDomain,
  outEmpty,
  outInt,
  outText,
  phone,
  str,
  whenObject,
} from "./fields.js";

type Issue = (path: (string | number)[], message: string) => void;
const always = whenObject;

const byName = z.object({ name: domainName }).transform((v) => ({ name: v.name }));
const byId = z.object({ id }).transform((v) => ({ id: v.id }));

/** Adds an issue for every name listed twice (`values` may hold failed items: only strings count). */
function noDuplicates(values: unknown, issue: Issue, path: (string | number)[], what = "is listed twice") {
  if (!Array.isArray(values)) return;
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (typeof v !== "string") return;
    const key = v.toLowerCase();
    if (seen.has(key)) issue([...path, i], `${v} ${what}`);
    seen.add(key);
  });
}

const issuer =
  (ctx: z.RefinementCtx): Issue =>
  (path, message) =>
    ctx.addIssue({ code: "custom", path, message });

// ---------------------------------------------------------------- privacy, contacts, whois

export const domainPrivacySet = defineOp({
  name: "domain/privacySet",
  effect: "write",
  summary: "Turn a domain's privacy protection on or off (the registrant's data hidden in whois).",
  input: z
    .object({ name: domainName, privacy: bool })
    .transform((v) => ({ name: v.name, privacy: v.privacy })),
  output: outActionIdOrEmpty,
  example: 'await hrd.domain.privacySet({ name: "example.com", privacy: true })',
});

export const domainContactList = defineOp({
  name: "domain/contactList",
  effect: "read",
  summary: "A domain's registrant (account id) and tech contact (partner contact id).",
  input: byName,
  output: obj({ registrant: opt(outInt), tech: opt(outInt) }),
  example: 'await hrd.domain.contactList({ name: "example.pl" })',
});

export const domainContactSet = defineOp({
  name: "domain/contactSet",
  effect: "write",
  summary: "Set a domain's tech contact to one of the partner's contacts, or clear it with `tech: null`.",
  input: z
    .object({ name: domainName, tech: id.nullable() })
    .transform((v) => ({ name: v.name, tech: v.tech === null ? null : { contactId: v.tech } })),
  output: outActionIdOrEmpty,
  example: 'await hrd.domain.contactSet({ name: "example.pl", tech: 123 })',
});

export const domainWhois = defineOp({
  name: "domain/whois",
  effect: "read",
  summary: "The registry's whois text for a name (what the public sees).",
  input: byName,
  output: z.object({ textResponse: outText }).transform((r) => r.textResponse),
  example: 'console.log(await hrd.domain.whois({ name: "example.pl" }))',
});

// ---------------------------------------------------------------- nameserver groups

const groupServers = z
  .array(domainName)
  .min(2, "needs at least 2 nameservers")
  .max(16, "takes at most 16 nameservers");

export const domainNsGroupCreate = defineOp({
  name: "domain/nsGroupCreate",
  effect: "write",
  summary: "Save a named set of 2–16 nameservers, to use as `ns: { group: id }` in domain/create and update.",
  input: z
    .object({ name: str(1, 255), ns: groupServers })
    .superRefine((v, ctx) => noDuplicates(v.ns, issuer(ctx), ["ns"]), always)
    .transform((v) => ({ name: v.name, ns: v.ns.map((n) => ({ name: n })) })),
  output: z.object({ id: outInt }),
  // A second create would save a second group.
  idempotent: false,
  reconcile:
    'List the groups (client.iterate("domain/nsGroupList") and domain/nsGroupInfo) to see whether it was saved before saving it again.',
  example: 'await hrd.domain.nsGroupCreate({ name: "hosting", ns: ["ns1.hrd.pl", "ns2.hrd.pl"] })',
});

export const domainNsGroupUpdate = defineOp({
  name: "domain/nsGroupUpdate",
  effect: "write",
  summary: "Rename a nameserver group and/or replace its nameservers (domains using it follow).",
  input: z
    .object({ id, name: str(1, 255).optional(), ns: groupServers.optional() })
    .superRefine((v, ctx) => {
      noDuplicates(v.ns, issuer(ctx), ["ns"]);
      if (v.name === undefined && v.ns === undefined)
        ctx.addIssue({ code: "custom", path: ["ns"], message: "give a new name, new nameservers or both" });
    }, always)
    .transform((v) => ({ id: v.id, name: v.name, ns: v.ns?.map((n) => ({ name: n })) })),
  output: outActionIdOrEmpty,
  example: 'await hrd.domain.nsGroupUpdate({ id: 12, ns: ["ns1.hrd.pl", "ns2.hrd.pl", "ns3.hrd.pl"] })',
});

export const domainNsGroupDelete = defineOp({
  name: "domain/nsGroupDelete",
  example: "await hrd.domain.nsGroupDelete({ id: 12 })",
  effect: "write",
  summary: "Delete a nameserver group (refused while a domain uses it).",
  input: byId,
  output: outEmpty,
  // Repeated after a lost reply, it would be refused (the group is gone).
  idempotent: false,
  reconcile: "Read domain/nsGroupInfo: a refusal there means the group was deleted.",
});

export const domainNsGroupInfo = defineOp({
  name: "domain/nsGroupInfo",
  example: "await hrd.domain.nsGroupInfo({ id: 12 })",
  effect: "read",
  summary: "A nameserver group's name, creation date and nameservers.",
  input: byId,
  output: z
    .object({ name: outText, added: outDate, ns: list(z.object({ name: outDomain })) })
    .transform((g) => ({ name: g.name, added: g.added, ns: g.ns.map((n) => n.name) })),
});

export const domainNsGroupList = defineOp({
  name: "domain/nsGroupList",
  example: 'for await (const id of hrd.iterate("domain/nsGroupList")) console.log(id)',
  cursor: "lastId",
  effect: "read",
  summary: "One page of nameserver group ids after `lastId` (use `client.iterate` for all).",
  input: z
    .object({ lastId: id.optional() })
    .optional()
    .transform((v) => ({ lastId: v?.lastId })),
  output: obj({ id: list(outInt) }).transform((r) => r.id),
});

// ---------------------------------------------------------------- glue hosts

const ipv6Address = ipv6.refine((v) => isIPv6(v) && !v.includes("%"), "must be an IPv6 address");

const hostInput = z
  .object({
    name: domainName,
    ipv4: z.array(ipv4).max(10, "takes at most 10 addresses").default([]),
    ipv6: z.array(ipv6Address).max(10, "takes at most 10 addresses").default([]),
  })
  .superRefine((v, ctx) => {
    const issue = issuer(ctx);
    const v4 = Array.isArray(v.ipv4) ? v.ipv4 : [];
    const v6 = Array.isArray(v.ipv6) ? v.ipv6 : [];
    if (v4.length + v6.length > 10)
      issue(["ipv6"], "a host takes at most 10 addresses in all (ipv4 and ipv6 together)");
    noDuplicates(v4, issue, ["ipv4"]);
    noDuplicates(v6, issue, ["ipv6"]);
  }, always)
  .transform((v) => ({
    name: v.name,
    ipv4: v.ipv4.length ? v.ipv4 : undefined,
    ipv6: v.ipv6.length ? v.ipv6 : undefined,
  }));

export const domainHostCreate = defineOp({
  name: "domain/hostCreate",
  effect: "write",
  summary: "Create a glue host (a nameserver inside one of your domains) with its IPv4/IPv6 addresses.",
  input: hostInput,
  output: outActionIdOrEmpty,
  // Repeated after a lost reply, it would be refused (the host exists).
  idempotent: false,
  reconcile: "Read domain/hostInfo for this name to see whether it was created.",
  example: 'await hrd.domain.hostCreate({ name: "ns1.example.pl", ipv4: ["192.0.2.1"] })',
});

export const domainHostUpdate = defineOp({
  name: "domain/hostUpdate",
  effect: "write",
  summary: "Replace a glue host's addresses.",
  input: hostInput,
  output: outActionIdOrEmpty,
  example: 'await hrd.domain.hostUpdate({ name: "ns1.example.pl", ipv4: ["192.0.2.2"] })',
});

export const domainHostDelete = defineOp({
  name: "domain/hostDelete",
  example: 'await hrd.domain.hostDelete({ name: "ns1.sklep.pl" })',
  effect: "write",
  summary: "Delete a glue host (refused while a domain or a group uses it as a nameserver).",
  input: byName,
  output: outActionIdOrEmpty,
  idempotent: false,
  reconcile: "Read domain/hostInfo: a refusal there means the host was deleted.",
});

export const domainHostInfo = defineOp({
  name: "domain/hostInfo",
  example: 'await hrd.domain.hostInfo({ name: "ns1.sklep.pl" })',
  effect: "read",
  summary: "A glue host's addresses.",
  input: byName,
  output: z.object({ name: outDomain, ipv4: list(outText), ipv6: list(outText) }),
});

export const domainHostList = defineOp({
  name: "domain/hostList",
  example: 'for await (const name of hrd.iterate("domain/hostList")) console.log(name)',
  cursor: "lastName",
  effect: "read",
  summary: "One page of glue host names after `lastName` (use `client.iterate` for all).",
  input: z
    .object({ lastName: domainName.optional() })
    .optional()
    .transform((v) => ({ lastName: v?.lastName })),
  output: obj({ name: list(outDomain) }).transform((r) => r.name),
});

// ---------------------------------------------------------------- DNSSEC

/** Hex length of a DS digest by digest type (RFC 4034, 4509, 5933, 6605). */
const DIGEST_LENGTH: Record<number, [number, string]> = {
  1: [40, "SHA-1"],
  2: [64, "SHA-256"],
  3: [64, "GOST R 34.11-94"],
  4: [96, "SHA-384"],
};

const dnssecInput = z
  .object({
    name: domainName,
    /** DNSKEY algorithm number (8 = RSASHA256, 13 = ECDSAP256SHA256, 15 = ED25519, …). */
    alg: z.number().int().min(0).max(255),
    /** Digest type: 1 = SHA-1, 2 = SHA-256, 4 = SHA-384. */
    digestType: z.number().int().min(0).max(255),
    /** The DS digest in hex (spaces allowed, case ignored): 40–4096 characters. */
    digest: z
      .string()
      .transform((s) => s.replace(/\s+/g, "").toUpperCase())
      .pipe(
        z
          .string()
          .min(40, "must be at least 40 hex characters")
          .max(4096, "must be at most 4096 hex characters")
          .regex(/^[0-9A-F]*$/, "must be hexadecimal"),
      ),
    keyTag: z.number().int().min(0).max(65535).optional(),
    keyType: z.enum(["zsk", "ksk"]).optional(),
  })
  .superRefine((v, ctx) => {
    const issue = issuer(ctx);
    if (v.keyTag === undefined && v.keyType === undefined) {
      issue(["keyTag"], "give keyTag (the key's tag) or keyType (zsk or ksk)");
    }
    if (v.keyTag !== undefined && v.keyType !== undefined) {
      issue(["keyType"], "give either keyTag or keyType, not both");
    }
    const expected = typeof v.digestType === "number" ? DIGEST_LENGTH[v.digestType] : undefined;
    if (
      expected &&
      typeof v.digest === "string" &&
      /^[0-9A-F]+$/.test(v.digest) &&
      v.digest.length !== expected[0]
    ) {
      issue(
        ["digest"],
        `a ${expected[1]} digest (digestType ${v.digestType}) has ${expected[0]} hex characters`,
      );
    }
  }, always)
  .transform((v) => ({
    name: v.name,
    alg: v.alg,
    digestType: v.digestType,
    digest: v.digest,
    keyTag: v.keyTag,
    keyType: v.keyType,
  }));

export const domainDnssecAdd = defineOp({
  name: "domain/dnssecAdd",
  effect: "write",
  summary: "Add a DS record to a domain (it shows in domain/info when the action completes).",
  input: dnssecInput,
  output: outActionId,
  idempotent: false,
  reconcile: "Read domain/info: `dnssec` lists the records in place once their action is done.",
  example:
    'await hrd.domain.dnssecAdd({ name: "example.pl", alg: 13, digestType: 2, digest: "2BB183AF5F22588179A53B0A98631FAD1A292118D5A0E4F3A5E4A5A3B2A5D6C7", keyTag: 2371 })',
});

export const domainDnssecDelete = defineOp({
  name: "domain/dnssecDelete",
  example:
    'await hrd.domain.dnssecDelete({ name: "sklep.pl", alg: 13, digestType: 2, digest: "2BB183AF5F22588179A53B0A98631FAD1A292118D5A0E4F3A5E4A5A3B2A5D6C7", keyTag: 2371 })',
  effect: "write",
  summary: "Remove a DS record from a domain (the same fields as it was added with).",
  input: dnssecInput,
  output: outActionId,
  idempotent: false,
  reconcile: "Read domain/info: `dnssec` no longer lists the record once the action is done.",
});

// ---------------------------------------------------------------- zones on HRD DNS

export const DNS_RECORD_TYPES = [
  "A",
  "AAAA",
  "CNAME",
  "MX",
  "PTR",
  "NS",
  "SOA",
  "SRV",
  "TXT",
  "NAPTR",
] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

/**
 * The CNAME target of HRD's URL redirect (the comment `account=redirect`, `content=<url>` says
 * where to). ASSUMPTION: this is the only value found in HRD's own code (the official PHP client's
 * `domainDnsSetIframe`); it may be a leftover of HRD's test setup. Pass `target` to
 * {@link urlRedirect} to use another host.
 */
export const REDIRECT_HOST = "dns.test.hrd.pl.";
/** The comment `account` that marks a CNAME as a URL redirect. */
export const REDIRECT_ACCOUNT = "redirect";

const record = z.union([z.string(), z.object({ content: z.string(), disabled: z.boolean().optional() })]);
const comment = z.object({ content: str(1, 255), account: str(1, 255) });

/**
 * One change of a zone, PowerDNS-style. `name` is relative to the zone (`"www"`, `"@"` for the
 * zone itself) or absolute with a trailing dot (`"www.example.pl."`); `records` are contents
 * (`"192.0.2.1"`, `"10 mail.example.pl."`) or `{ content, disabled }`. REPLACE sets the whole set
 * (records and comments); DELETE removes it.
 */
export const rrsetChange = z.object({
  name: z.string(),
  type: z.enum(DNS_RECORD_TYPES),
  ttl: z.number().int().min(0).max(2147483647).optional(),
  changetype: z.enum(["REPLACE", "DELETE"]).default("REPLACE"),
  records: z.array(record).max(100, "takes at most 100 records").default([]),
  comments: z.array(comment).max(100, "takes at most 100 comments").default([]),
});
export type RrsetChange = z.input<typeof rrsetChange>;

/** domainDnsNameSimpleType of api.xsd: LDH labels (a label may hold `_` inside, not first), trailing dot. */
const DNS_NAME =
  /^(([a-z0-9]{1,63})|([a-z0-9][a-z0-9_-]{0,61}[a-z0-9]))(\.(([a-z0-9]{1,63})|([a-z0-9][a-z0-9_-]{0,61}[a-z0-9])))*\.(([a-z0-9]{1,63})|([a-z0-9][a-z0-9_-]{0,61}[a-z0-9]))\.$/;
const IPV4 = /^((25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$/;
const U16 = (s: string) => /^\d{1,5}$/.test(s) && Number(s) <= 65535;
const U32 = (s: string) => /^\d{1,10}$/.test(s) && Number(s) <= 4294967295;

type Result = { ok: string } | { error: string };

/** An owner name → FQDN with a trailing dot, inside `zone` (punycode, no dot). */
export function rrsetName(name: string, zone: string): Result {
  const n = name.trim().toLowerCase();
  let abs: string;
  if (n === "" || n === "@") abs = zone;
  else if (n.endsWith(".")) abs = n.slice(0, -1);
  else if (n === zone || n.endsWith(`.${zone}`)) abs = n;
  else abs = `${n}.${zone}`;
  const ascii = /^[a-z0-9._-]+$/.test(abs) ? abs : toAsciiDomain(abs);
  const fqdn = `${ascii}.`;
  if (!ascii || fqdn.length > 255 || !DNS_NAME.test(fqdn)) {
    return {
      error: `"${name}" is not a name HRD takes (letters, digits and "-" in each label, "_" only inside a label; no "*")`,
    };
  }
  if (ascii !== zone && !ascii.endsWith(`.${zone}`)) return { error: `${fqdn} is outside the zone ${zone}.` };
  return { ok: fqdn };
}

/** A host name inside record content → absolute, punycode, trailing dot. */
function hostName(value: string): Result {
  // toAsciiDomain refuses IP literals (`127.0.0.1` as an MX or CNAME target) and percent-escapes.
  const ascii = toAsciiDomain(value);
  if (!ascii || !DOMAIN_NAME_PATTERN.test(ascii)) return { error: `"${value}" is not a host name` };
  return { ok: `${ascii}.` };
}

function quoteTxt(value: string): Result {
  if (value.startsWith('"')) {
    return /^"(?:[^"\\]|\\.)*"(?:\s+"(?:[^"\\]|\\.)*")*$/.test(value)
      ? { ok: value }
      : { error: 'is not properly quoted: give plain text, or "…" strings with \\" for quotes inside' };
  }
  return { ok: `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"` };
}

/** Checks and normalises one record's content for its type. */
export function recordContent(type: DnsRecordType, raw: string): Result {
  const value = type === "TXT" ? raw : raw.trim().replace(/\s+/g, " ");
  if (value === "") return { error: "is empty" };
  const parts = value.split(" ");
  let out: Result;
  switch (type) {
    case "A":
      out = IPV4.test(value) ? { ok: value } : { error: `"${value}" is not an IPv4 address` };
      break;
    case "AAAA":
      out =
        isIPv6(value) && !value.includes("%")
          ? { ok: value.toLowerCase() }
          : { error: `"${value}" is not an IPv6 address` };
      break;
    case "CNAME":
    case "NS":
    case "PTR":
      out = parts.length === 1 ? hostName(value) : { error: `"${value}" must be one host name` };
      break;
    case "MX": {
      const [prio, host] = parts;
      if (parts.length !== 2 || !U16(prio!)) {
        out = { error: `"${value}" must be "priority host." (e.g. "10 mail.example.pl.")` };
        break;
      }
      const h = hostName(host!);
      out = "ok" in h ? { ok: `${Number(prio)} ${h.ok}` } : h;
      break;
    }
    case "SRV": {
      const [prio, weight, port, target] = parts;
      if (parts.length !== 4 || !U16(prio!) || !U16(weight!) || !U16(port!)) {
        out = {
          error: `"${value}" must be "priority weight port target." (e.g. "10 5 5060 sip.example.pl.")`,
        };
        break;
      }
      const h = target === "." ? { ok: "." } : hostName(target!);
      out = "ok" in h ? { ok: `${Number(prio)} ${Number(weight)} ${Number(port)} ${h.ok}` } : h;
      break;
    }
    case "SOA": {
      const [mname, rname, ...nums] = parts;
      const m = hostName(mname ?? "");
      const r = hostName(rname ?? "");
      if (parts.length !== 7 || !nums.every(U32) || "error" in m || "error" in r) {
        out = { error: `"${value}" must be "primary. hostmaster. serial refresh retry expire minimum"` };
        break;
      }
      out = { ok: [m.ok, r.ok, ...nums.map(Number)].join(" ") };
      break;
    }
    case "TXT":
      out = quoteTxt(value);
      break;
    case "NAPTR":
      out = /^\d{1,5} \d{1,5} "[^"]*" "[^"]*" "[^"]*" \S+$/.test(value)
        ? { ok: value }
        : { error: `"${value}" must be 'order preference "flags" "service" "regexp" replacement.'` };
      break;
  }
  if ("ok" in out && out.ok.length > 255)
    return { error: `is ${out.ok.length} characters long; HRD takes at most 255 per record` };
  return out;
}

function isRedirect(comments: unknown): boolean {
  return (
    Array.isArray(comments) &&
    comments.some((c) => c && typeof c === "object" && c.account === REDIRECT_ACCOUNT)
  );
}

type WireRrset = {
  name: string;
  type: DnsRecordType;
  ttl?: number;
  changetype: "REPLACE" | "DELETE";
  record?: { content: string; disabled: boolean }[];
  comment?: { content: string; account: string }[];
};

/**
 * Checks a whole change set against the zone (every bad field is reported) and builds the wire
 * rrsets. Works on partly invalid input (it runs even when other fields failed).
 */
function rrsetsToWire(zone: unknown, rrsets: unknown, issue: Issue): WireRrset[] {
  if (!Array.isArray(rrsets)) return [];
  const zoneName = typeof zone === "string" ? zone : undefined;
  const out: WireRrset[] = [];
  const seen = new Map<string, number>();
  const setsByName = new Map<string, { i: number; type: string; redirect: boolean }[]>();
  rrsets.forEach((raw, i) => {
    if (!raw || typeof raw !== "object") return;
    const r = raw as Partial<z.output<typeof rrsetChange>>;
    const at = (...p: (string | number)[]) => ["rrsets", i, ...p];
    const type = DNS_RECORD_TYPES.includes(r.type as DnsRecordType) ? (r.type as DnsRecordType) : undefined;
    const changetype = r.changetype === "DELETE" ? "DELETE" : "REPLACE";
    const records = Array.isArray(r.records) ? r.records : [];
    // Partly invalid input reaches here too: keep only comments that are objects.
    const comments = (Array.isArray(r.comments) ? r.comments : []).filter((c) => c && typeof c === "object");
    let fqdn: string | undefined;
    if (zoneName && typeof r.name === "string") {
      const n = rrsetName(r.name, zoneName);
      if ("error" in n) issue(at("name"), n.error);
      else fqdn = n.ok;
    }
    const apex = fqdn !== undefined && fqdn === `${zoneName}.`;
    const redirect = isRedirect(comments);
    if (changetype === "REPLACE" && records.length === 0)
      issue(at("records"), "REPLACE needs at least one record (use changetype DELETE to remove the set)");
    if (changetype === "DELETE" && records.length > 0)
      issue(at("records"), "DELETE takes no records: it removes the whole set");
    if (type === "SOA" && fqdn !== undefined && !apex)
      issue(at("name"), "an SOA record belongs at the zone apex (@)");
    if (type === "SOA" && changetype === "DELETE")
      issue(at("changetype"), "the zone's SOA cannot be deleted");
    if ((type === "SOA" || type === "CNAME") && changetype === "REPLACE" && records.length > 1)
      issue(at("records"), `a ${type} set holds exactly one record`);
    if (type === "CNAME" && apex && changetype === "REPLACE" && !redirect) {
      issue(
        at("type"),
        "a CNAME cannot be at the zone apex (it would sit beside SOA and NS); only HRD's URL redirect may",
      );
    }
    const wireRecords: { content: string; disabled: boolean }[] = [];
    records.forEach((rec, j) => {
      const content =
        typeof rec === "string" ? rec : rec && typeof rec === "object" ? rec.content : undefined;
      if (typeof content !== "string" || !type) return;
      const c = recordContent(type, content);
      const path = typeof rec === "string" ? at("records", j) : at("records", j, "content");
      if ("error" in c) issue(path, c.error);
      else wireRecords.push({ content: c.ok, disabled: typeof rec === "object" && rec.disabled === true });
    });
    comments.forEach((c, j) => {
      if (
        c?.account === REDIRECT_ACCOUNT &&
        typeof c.content === "string" &&
        !/^https?:\/\/[^\s/]+\S*$/i.test(c.content)
      )
        issue(
          at("comments", j, "content"),
          `a redirect comment holds the target URL (http:// or https://), not "${c.content}"`,
        );
    });
    if (fqdn !== undefined && type) {
      const key = `${fqdn} ${type}`;
      const first = seen.get(key);
      if (first !== undefined) issue(at("name"), `${fqdn} ${type} is already changed by rrsets.${first}`);
      else seen.set(key, i);
      if (changetype === "REPLACE") {
        const sets = setsByName.get(fqdn) ?? [];
        sets.push({ i, type, redirect });
        setsByName.set(fqdn, sets);
      }
    }
    if (fqdn !== undefined && type) {
      out.push({
        name: fqdn,
        type,
        ttl: changetype === "REPLACE" ? r.ttl : undefined,
        changetype,
        record: changetype === "REPLACE" && wireRecords.length ? wireRecords : undefined,
        comment:
          changetype === "REPLACE" && comments.length
            ? comments.map((c) => ({ content: c.content, account: c.account }))
            : undefined,
      });
    }
  });
  // A CNAME owns its name: no other set beside it (a redirect CNAME only excludes A and AAAA).
  for (const [name, sets] of setsByName) {
    for (const c of sets.filter((s) => s.type === "CNAME")) {
      const clash = sets.find(
        (s) => s.i !== c.i && (!c.redirect || s.type === "A" || s.type === "AAAA" || s.type === "CNAME"),
      );
      if (clash)
        issue(
          ["rrsets", c.i, "type"],
          `a CNAME cannot sit beside other records at ${name} (rrsets.${clash.i} is ${clash.type})`,
        );
    }
  }
  return out;
}

export const domainDnsInfo = defineOp({
  name: "domain/dnsInfo",
  effect: "read",
  summary: "The zone HRD's DNS serves for a domain parked on HRD's nameservers: every rrset.",
  input: byName,
  output: z
    .object({
      name: outDomain,
      rrset: list(
        z.object({
          name: outText,
          type: outText,
          ttl: outInt,
          record: list(z.object({ content: outText, disabled: outBool })),
          comment: list(z.object({ content: outText, account: outText })),
        }),
      ),
    })
    .transform((zone) => ({
      name: zone.name,
      rrsets: zone.rrset.map((r) => ({
        name: r.name,
        type: r.type,
        ttl: r.ttl,
        records: r.record,
        comments: r.comment,
      })),
    })),
  example: 'const { rrsets } = await hrd.domain.dnsInfo({ name: "example.pl" })',
});

export const domainDnsChange = defineOp({
  name: "domain/dnsChange",
  effect: "write",
  summary:
    "Change rrsets of a zone on HRD's DNS (1–100 at once, PowerDNS-style REPLACE/DELETE); names and contents are checked per type.",
  input: z
    .object({
      name: domainName,
      rrsets: z
        .array(rrsetChange)
        .min(1, "needs at least 1 rrset")
        .max(100, "takes at most 100 rrsets per call"),
    })
    .superRefine((v, ctx) => {
      rrsetsToWire(v.name, v.rrsets, issuer(ctx));
    }, always)
    .transform((v) => ({
      name: v.name,
      rrset: rrsetsToWire(v.name, v.rrsets, () => undefined) as unknown as XmlTree[],
    })),
  output: outActionIdOrEmpty,
  example:
    'await hrd.domain.dnsChange({ name: "example.pl", rrsets: [{ name: "www", type: "A", ttl: 3600, records: ["192.0.2.1"] }] })',
});

/**
 * HRD's URL redirect as an rrset change (PROTOCOL.md §4.3): a CNAME at `name` to HRD's redirect
 * host, with a comment `account=redirect` holding the URL. Delete A/AAAA sets at the same name in
 * the same call, as HRD's own client does:
 * ```ts
 * await hrd.domain.dnsChange({ name: "example.pl", rrsets: [
 *   { name: "www", type: "A", changetype: "DELETE" },
 *   urlRedirect("www", "https://example.com/"),
 * ] });
 * ```
 */
export function urlRedirect(
  name: string,
  url: string,
  options: { ttl?: number; target?: string } = {},
): RrsetChange {
  return {
    name,
    type: "CNAME",
    ttl: options.ttl ?? 3600,
    changetype: "REPLACE",
    records: [options.target ?? REDIRECT_HOST],
    comments: [{ account: REDIRECT_ACCOUNT, content: url }],
  };
}

/** The URL an rrset from domain/dnsInfo redirects to, if it is HRD's URL redirect. */
export function redirectOf(rrset: {
  type: string;
  comments: readonly { content: string; account: string }[];
}): string | undefined {
  if (rrset.type !== "CNAME") return undefined;
  return rrset.comments.find((c) => c.account === REDIRECT_ACCOUNT)?.content;
}

// ---------------------------------------------------------------- partner contacts (tech)

const contactFields = {
  org: str(1, 255).optional(),
  name: str(1, 255),
  voice: phone,
  fax: fax.optional(),
  street: str(1, 255),
  postcode: str(3, 16),
  city: str(1, 128),
  /** State or province ("mazowieckie"). */
  sp: str(1, 128),
  country,
  email,
};

const contactWire = (v: z.output<z.ZodObject<typeof contactFields>>) => ({
  org: v.org,
  name: v.name,
  voice: v.voice,
  fax: v.fax,
  street: v.street,
  postcode: v.postcode,
  city: v.city,
  sp: v.sp,
  country: v.country,
  email: v.email,
});

export const partnerContactCreate = defineOp({
  name: "partner/contactCreate",
  effect: "write",
  summary: "Create a partner contact (used as a domain's tech contact), optionally tied to an account.",
  input: z
    .object({ userId: id.optional(), type: z.enum(["person", "company"]), ...contactFields })
    .superRefine((v, ctx) => {
      if (v.type === "company" && !v.org)
        ctx.addIssue({ code: "custom", path: ["org"], message: "is required for a company contact" });
    }, always)
    .transform((v) => ({
      userId: v.userId,
      ...(v.type === "person" ? { personType: null } : { companyType: null }),
      ...contactWire(v),
    })),
  output: z.object({ contactId: outInt }),
  // A second create would make a second contact.
  idempotent: false,
  reconcile:
    'List the contacts (client.iterate("partner/contactList") and partner/contactInfo) to see whether it was created.',
  example:
    'await hrd.partner.contactCreate({ type: "company", org: "Hosting Sp. z o.o.", name: "Dział techniczny", voice: "+48 22 100 32 48", street: "ul. Prosta 1", postcode: "00-001", city: "Warszawa", sp: "mazowieckie", country: "PL", email: "tech@example.pl" })',
});

export const partnerContactUpdate = defineOp({
  name: "partner/contactUpdate",
  example:
    'await hrd.partner.contactUpdate({ id: 77, name: "Jan Kowalski", voice: "+48 22 100 32 48", street: "ul. Długa 1", postcode: "00-001", city: "Warszawa", sp: "mazowieckie", country: "PL", email: "tech@example.com" })',
  effect: "write",
  summary: "Replace a partner contact's data (a field left out, like fax or org, is removed).",
  input: z.object({ id, ...contactFields }).transform((v) => ({ id: v.id, ...contactWire(v) })),
  output: outActionIdOrEmpty,
});

export const partnerContactDelete = defineOp({
  name: "partner/contactDelete",
  example: "await hrd.partner.contactDelete({ id: 77 })",
  effect: "write",
  summary: "Delete a partner contact (refused while it is a domain's tech contact).",
  input: byId,
  output: outActionIdOrEmpty,
  idempotent: false,
  reconcile: "Read partner/contactInfo: a refusal there means the contact was deleted.",
});

export const partnerContactInfo = defineOp({
  name: "partner/contactInfo",
  example: "await hrd.partner.contactInfo({ id: 77 })",
  effect: "read",
  summary: "A partner contact's data.",
  input: byId,
  output: z
    .object({
      personType: z.unknown().optional(),
      companyType: z.unknown().optional(),
      org: opt(outText),
      userId: opt(outInt),
      name: outText,
      voice: opt(outText),
      fax: opt(outText),
      street: outText,
      postcode: outText,
      city: outText,
      sp: outText,
      country: outText,
      email: outText,
      type: outText,
    })
    .transform(({ personType: _p, companyType, type, ...c }) => ({
      type: companyType !== undefined ? ("company" as const) : ("person" as const),
      ...c,
      /** HRD's `<type>` element (the contact's role, e.g. "tech"). */
      contactType: type,
    })),
});

export const partnerContactList = defineOp({
  name: "partner/contactList",
  example: 'for await (const id of hrd.iterate("partner/contactList", { userId: 1234 })) console.log(id)',
  cursor: "lastId",
  effect: "read",
  summary: "One page of partner contact ids after `lastId`, optionally of one account (`userId`).",
  input: z
    .object({ userId: id.optional(), lastId: id.optional() })
    .optional()
    .transform((v) => ({ userId: v?.userId, lastId: v?.lastId })),
  output: obj({ id: list(outInt) }).transform((r) => r.id),
});

/**
 * Declared operations of this area, by `module/method` (spread into the registry in index.ts).
 */
export const domainDnsOperations = {
  "domain/privacySet": domainPrivacySet,
  "domain/contactList": domainContactList,
  "domain/contactSet": domainContactSet,
  "domain/whois": domainWhois,
  "domain/nsGroupCreate": domainNsGroupCreate,
  "domain/nsGroupUpdate": domainNsGroupUpdate,
  "domain/nsGroupDelete": domainNsGroupDelete,
  "domain/nsGroupInfo": domainNsGroupInfo,
  "domain/nsGroupList": domainNsGroupList,
  "domain/hostCreate": domainHostCreate,
  "domain/hostUpdate": domainHostUpdate,
  "domain/hostDelete": domainHostDelete,
  "domain/hostInfo": domainHostInfo,
  "domain/hostList": domainHostList,
  "domain/dnssecAdd": domainDnssecAdd,
  "domain/dnssecDelete": domainDnssecDelete,
  "domain/dnsInfo": domainDnsInfo,
  "domain/dnsChange": domainDnsChange,
  "partner/contactCreate": partnerContactCreate,
  "partner/contactUpdate": partnerContactUpdate,
  "partner/contactDelete": partnerContactDelete,
  "partner/contactInfo": partnerContactInfo,
  "partner/contactList": partnerContactList,
} as const;
