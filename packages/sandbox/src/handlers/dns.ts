import { isIPv6 } from "node:net";
import type { ParsedNode, ParsedObject } from "@hrdkit/sdk";
import { addPeriod, hrdDateTime } from "../clock.js";
import { isPlFamily, tldOf } from "../pricing.js";
import type {
  DnssecRecord,
  Rrset,
  SandboxDomain,
  SandboxHost,
  SandboxPartnerContact,
  SandboxState,
} from "../state.js";
import {
  availability,
  domainArg,
  domainOf,
  type Handler,
  MESSAGES,
  many,
  num,
  obj,
  pageAfter,
  SandboxRefusal,
  text,
  userOf,
} from "./common.js";

/** Refusal of a nameserver group id that does not exist (also used by domain/update in core.ts). */
export const NO_NS_GROUP = "Grupa serwerów nazw nie istnieje";

/** The sandbox's own messages for this area (HRD publishes no catalogue). */
const LOCAL = {
  domainState: "Operacja niedostępna dla domeny w tym stanie",
  noGroup: NO_NS_GROUP,
  groupSize: "Grupa serwerów nazw musi mieć od 2 do 16 serwerów",
  groupName: "Nazwa grupy serwerów nazw musi mieć od 1 do 255 znaków",
  groupDuplicate: (ns: string) => `Serwer nazw ${ns} występuje w grupie dwa razy`,
  groupNeedsHost: (ns: string) =>
    `Serwer nazw ${ns} leży w domenie na koncie partnera: najpierw utwórz go jako host (domain/hostCreate)`,
  groupInUse: (names: string[]) =>
    `Grupa serwerów nazw jest używana przez domeny: ${names.join(", ")}. ` +
    "Najpierw zmień serwery nazw tych domen (domain/update), potem usuń grupę",
  hostOutside:
    "Host (serwer nazw z adresami IP) można utworzyć tylko w domenie na koncie partnera, np. ns1.twojadomena.pl",
  hostExists: "Host już istnieje",
  noHost: "Host nie istnieje",
  hostAddresses: "Host może mieć najwyżej 10 adresów IP (IPv4 i IPv6 łącznie)",
  badAddress: (ip: string) => `Nieprawidłowy adres IP: ${ip}`,
  hostInUse: (users: string[]) =>
    `Host jest używany jako serwer nazw przez: ${users.join(", ")}. Najpierw zmień tam serwery nazw`,
  dnssecChoice: "Rekord DS wymaga dokładnie jednego z pól keyTag albo keyType (zsk|ksk)",
  dnssecDigest: "Skrót (digest) rekordu DS musi mieć od 40 do 4096 znaków szesnastkowych",
  dnssecExists: "Domena ma już taki rekord DS",
  dnssecMissing: "Domena nie ma takiego rekordu DS",
  notOnHrdDns:
    "Domena nie jest zaparkowana na serwerach DNS HRD (ns*.hrd.pl), więc HRD nie prowadzi jej strefy DNS",
  rrsetCount: "Zmiana strefy musi zawierać od 1 do 100 zestawów rekordów (rrset)",
  rrsetType: (t: string) => `Nieobsługiwany typ rekordu: ${t}`,
  rrsetOutside: (n: string, zone: string) => `Nazwa ${n} nie należy do strefy ${zone}.`,
  rrsetTwice: (n: string, t: string) => `Zestaw ${n} ${t} występuje w zmianie dwa razy`,
  rrsetContent: (n: string, t: string, c: string) => `Nieprawidłowa zawartość rekordu ${t} dla ${n}: "${c}"`,
  rrsetEmpty: (n: string, t: string) => `Zestaw ${n} ${t} z REPLACE musi mieć co najmniej jeden rekord`,
  soaApex: "Rekord SOA może być tylko w wierzchołku strefy i nie można go usunąć",
  nsApex: "Rekordów NS wierzchołka strefy nie można usunąć",
  single: (n: string, t: string) => `Zestaw ${n} ${t} może mieć tylko jeden rekord`,
  cname: (n: string, t: string) => `Rekord CNAME dla ${n} nie może istnieć obok rekordów ${t}`,
  zoneSize: "Strefa może mieć najwyżej 100 zestawów rekordów",
  privacyNotOffered: (tld: string) => `Ochrona prywatności nie jest dostępna dla domen .${tld}`,
  noContact: "Kontakt nie istnieje",
  contactOtherUser: "Kontakt jest przypisany do innego abonenta niż abonent domeny",
  contactInUse: (names: string[]) =>
    `Kontakt jest kontaktem technicznym domen: ${names.join(", ")}. Najpierw go odłącz (domain/contactSet)`,
  contactType: "Kontakt musi mieć typ personType albo companyType",
} as const;

/** Statuses in which a domain exists at the registry (not a reservation, not an order). */
const LIVE = new Set<SandboxDomain["status"]>(["registered", "awaitingRegistration", "expired", "blocked"]);

function requireLive(d: SandboxDomain): void {
  if (!LIVE.has(d.status)) throw new SandboxRefusal(LOCAL.domainState);
}

const IPV4 = /^((25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$/;

function str(node: ParsedNode | undefined): string {
  return typeof node === "string" ? node : node && !Array.isArray(node) ? String(node["#text"] ?? "") : "";
}

// ------------------------------------------------------------------ glue hosts

const inside = (host: string, domain: string) => host.endsWith(`.${domain}`);

/** The partner's domain a host name lies in (the longest match), if any. */
function parentOf(s: SandboxState, host: string): SandboxDomain | undefined {
  let best: SandboxDomain | undefined;
  for (const d of s.domains.values()) {
    if (inside(host, d.name) && (!best || d.name.length > best.name.length)) best = d;
  }
  return best;
}

/**
 * Glue given with domain/create or update (an in-domain nameserver with addresses) makes a host
 * object, as at a registry: hostInfo, hostList and domain/info then show it.
 */
function syncGlue(s: SandboxState): void {
  for (const d of s.domains.values()) {
    if (!("hosts" in d.ns)) continue;
    for (const h of d.ns.hosts) {
      if (s.hosts.has(h.name) || !inside(h.name, d.name) || h.ipv4.length + h.ipv6.length === 0) continue;
      s.hosts.set(h.name, { name: h.name, ipv4: [...h.ipv4], ipv6: [...h.ipv6] });
    }
  }
}

/** The glue hosts of a domain, by name (for domain/info `host[]`). */
export function glueHostsOf(s: SandboxState, d: SandboxDomain): SandboxHost[] {
  syncGlue(s);
  return [...s.hosts.values()]
    .filter((h) => inside(h.name, d.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function hostOf(s: SandboxState, name: string): SandboxHost {
  syncGlue(s);
  const h = s.hosts.get(name);
  if (!h) throw new SandboxRefusal(LOCAL.noHost);
  return h;
}

function addressesOf(req: ParsedObject): { ipv4: string[]; ipv6: string[] } {
  const ipv4 = many(req.ipv4).map(str);
  const ipv6 = many(req.ipv6).map((a) => str(a).toLowerCase());
  if (ipv4.length + ipv6.length > 10) throw new SandboxRefusal(LOCAL.hostAddresses);
  for (const ip of ipv4) if (!IPV4.test(ip)) throw new SandboxRefusal(LOCAL.badAddress(ip));
  for (const ip of ipv6) if (!isIPv6(ip)) throw new SandboxRefusal(LOCAL.badAddress(ip));
  return { ipv4: [...new Set(ipv4)], ipv6: [...new Set(ipv6)] };
}

/** Who uses a host as a nameserver: domains (explicit lists) and groups. */
function usersOfHost(s: SandboxState, host: string): string[] {
  const users: string[] = [];
  for (const d of s.domains.values()) {
    if ("hosts" in d.ns && d.ns.hosts.some((h) => h.name === host)) users.push(d.name);
  }
  for (const g of s.nsGroups.values()) if (g.ns.includes(host)) users.push(`grupa ${g.id} (${g.name})`);
  return users;
}

const hostCreate: Handler = (s, req) => {
  const name = domainArg(req);
  syncGlue(s);
  const parent = parentOf(s, name);
  if (!parent) throw new SandboxRefusal(LOCAL.hostOutside);
  if (s.hosts.has(name)) throw new SandboxRefusal(LOCAL.hostExists);
  s.hosts.set(name, { name, ...addressesOf(req) });
  const action = s.startAction({ type: "hostCreate", object: "domain", objectName: parent.name, amount: 0 });
  return { domain: { hostCreate: { actionId: action.id } } };
};

const hostUpdate: Handler = (s, req) => {
  const host = hostOf(s, domainArg(req));
  const { ipv4, ipv6 } = addressesOf(req);
  host.ipv4 = ipv4;
  host.ipv6 = ipv6;
  // Domains listing the host explicitly show its new glue.
  for (const d of s.domains.values()) {
    if (!("hosts" in d.ns)) continue;
    for (const h of d.ns.hosts) {
      if (h.name !== host.name) continue;
      h.ipv4 = [...ipv4];
      h.ipv6 = [...ipv6];
    }
  }
  const parent = parentOf(s, host.name);
  const action = s.startAction({ type: "hostUpdate", object: "domain", objectName: parent?.name, amount: 0 });
  return { domain: { hostUpdate: { actionId: action.id } } };
};

const hostDelete: Handler = (s, req) => {
  const host = hostOf(s, domainArg(req));
  const users = usersOfHost(s, host.name);
  if (users.length) throw new SandboxRefusal(LOCAL.hostInUse(users));
  s.hosts.delete(host.name);
  const parent = parentOf(s, host.name);
  const action = s.startAction({ type: "hostDelete", object: "domain", objectName: parent?.name, amount: 0 });
  return { domain: { hostDelete: { actionId: action.id } } };
};

// apiResponse.xsd allows one address of each family in hostInfo (xs:all): the first ones are sent.
const hostInfo: Handler = (s, req) => {
  const h = hostOf(s, domainArg(req));
  return { domain: { hostInfo: { name: h.name, ipv4: h.ipv4[0], ipv6: h.ipv6[0] } } };
};

const hostList: Handler = (s, req) => {
  syncGlue(s);
  const last = text(req, "lastName", false);
  const names = pageAfter([...s.hosts.keys()].sort(), (n) => last === undefined || n > last, s.pageSize);
  return { domain: { hostList: { name: names } } };
};

// ------------------------------------------------------------------ nameserver groups

function groupOf(s: SandboxState, id: number | undefined) {
  const g = id === undefined ? undefined : s.nsGroups.get(id);
  if (!g) throw new SandboxRefusal(LOCAL.noGroup);
  return g;
}

function groupName(req: ParsedObject, required: boolean): string | undefined {
  const name = text(req, "name", required);
  if (name !== undefined && (name.length < 1 || name.length > 255)) throw new SandboxRefusal(LOCAL.groupName);
  return name;
}

function groupServers(s: SandboxState, req: ParsedObject): string[] {
  const ns = many(req.ns).map((n) => str(obj(n).name).toLowerCase());
  if (ns.length < 2 || ns.length > 16) throw new SandboxRefusal(LOCAL.groupSize);
  const seen = new Set<string>();
  syncGlue(s);
  for (const n of ns) {
    domainArg({ name: n });
    if (seen.has(n)) throw new SandboxRefusal(LOCAL.groupDuplicate(n));
    seen.add(n);
    // A group carries names only: a nameserver inside one of the partner's domains needs its host.
    if (parentOf(s, n) && !s.hosts.has(n)) throw new SandboxRefusal(LOCAL.groupNeedsHost(n));
  }
  return ns;
}

const nsGroupCreate: Handler = (s, req) => {
  const name = groupName(req, true)!;
  const ns = groupServers(s, req);
  const id = s.newId();
  s.nsGroups.set(id, { id, name, ns, added: s.clock.now() });
  return { domain: { nsGroupCreate: { id } } };
};

const nsGroupUpdate: Handler = (s, req) => {
  const g = groupOf(s, num(req, "id"));
  const name = groupName(req, false);
  const ns = req.ns === undefined ? undefined : groupServers(s, req);
  if (name !== undefined) g.name = name;
  if (ns) g.ns = ns;
  // Applied at once: domains using the group follow it (no action to wait for).
  return { domain: { nsGroupUpdate: null } };
};

function domainsUsingGroup(s: SandboxState, id: number): string[] {
  return [...s.domains.values()].filter((d) => "group" in d.ns && d.ns.group === id).map((d) => d.name);
}

const nsGroupDelete: Handler = (s, req) => {
  const g = groupOf(s, num(req, "id"));
  const users = domainsUsingGroup(s, g.id);
  if (users.length) throw new SandboxRefusal(LOCAL.groupInUse(users));
  s.nsGroups.delete(g.id);
  return { domain: { nsGroupDelete: null } };
};

const nsGroupInfo: Handler = (s, req) => {
  const g = groupOf(s, num(req, "id"));
  return {
    domain: {
      nsGroupInfo: { name: g.name, added: hrdDateTime(g.added), ns: g.ns.map((name) => ({ name })) },
    },
  };
};

const nsGroupList: Handler = (s, req) => {
  const last = num(req, "lastId", false) ?? 0;
  const ids = pageAfter(
    [...s.nsGroups.keys()].sort((a, b) => a - b),
    (id) => id > last,
    s.pageSize,
  );
  return { domain: { nsGroupList: { id: ids } } };
};

// ------------------------------------------------------------------ DNSSEC

function dsFromRequest(req: ParsedObject): DnssecRecord {
  const alg = num(req, "alg")!;
  const digestType = num(req, "digestType")!;
  const digest = text(req, "digest")!.toUpperCase();
  if (digest.length < 40 || digest.length > 4096 || !/^[0-9A-F]+$/.test(digest))
    throw new SandboxRefusal(LOCAL.dnssecDigest);
  const keyTag = num(req, "keyTag", false);
  const keyType = text(req, "keyType", false);
  if ((keyTag === undefined) === (keyType === undefined)) throw new SandboxRefusal(LOCAL.dnssecChoice);
  if (keyType !== undefined && keyType !== "zsk" && keyType !== "ksk")
    throw new SandboxRefusal(LOCAL.dnssecChoice);
  return { alg, digestType, digest, keyTag, keyType: keyType as DnssecRecord["keyType"] };
}

/** A DS record is identified by its algorithm, digest type and digest. */
const sameDs = (a: DnssecRecord, b: DnssecRecord) =>
  a.alg === b.alg && a.digestType === b.digestType && a.digest.toUpperCase() === b.digest.toUpperCase();

const dnssecAdd: Handler = (s, req) => {
  const d = domainOf(s, domainArg(req));
  requireLive(d);
  const ds = dsFromRequest(req);
  if (d.dnssec?.some((r) => sameDs(r, ds))) throw new SandboxRefusal(LOCAL.dnssecExists);
  const action = s.startAction({
    type: "dnssecAdd",
    object: "domain",
    objectName: d.name,
    amount: 0,
    onDone: () => {
      d.dnssec = d.dnssec ?? [];
      if (!d.dnssec.some((r) => sameDs(r, ds))) d.dnssec.push(ds);
    },
  });
  return { domain: { dnssecAdd: { actionId: action.id } } };
};

const dnssecDelete: Handler = (s, req) => {
  const d = domainOf(s, domainArg(req));
  const ds = dsFromRequest(req);
  if (!d.dnssec?.some((r) => sameDs(r, ds))) throw new SandboxRefusal(LOCAL.dnssecMissing);
  const action = s.startAction({
    type: "dnssecDelete",
    object: "domain",
    objectName: d.name,
    amount: 0,
    onDone: () => {
      d.dnssec = (d.dnssec ?? []).filter((r) => !sameDs(r, ds));
    },
  });
  return { domain: { dnssecDelete: { actionId: action.id } } };
};

// ------------------------------------------------------------------ zones on HRD DNS

/** Sandbox convention: a domain is parked on HRD's DNS when every one of its nameservers ends in `.hrd.pl`. */
export const HRD_DNS_SUFFIX = ".hrd.pl";
const TYPES = new Set(["A", "AAAA", "CNAME", "MX", "PTR", "NS", "SOA", "SRV", "TXT", "NAPTR"]);
const DEFAULT_TTL = 3600;

function nameserversOf(s: SandboxState, d: SandboxDomain): string[] {
  if ("group" in d.ns) return s.nsGroups.get(d.ns.group)?.ns ?? [];
  return d.ns.hosts.map((h) => h.name);
}

export function onHrdDns(s: SandboxState, d: SandboxDomain): boolean {
  const ns = nameserversOf(s, d);
  return ns.length > 0 && ns.every((n) => n.endsWith(HRD_DNS_SUFFIX));
}

function serialFor(now: Date, previous = 0): number {
  const today = Number(now.toISOString().slice(0, 10).replace(/-/g, "")) * 100 + 1;
  return Math.max(today, previous + 1);
}

/** The zone of a domain on HRD's DNS, created (SOA + NS) the first time it is needed. */
function zoneOf(s: SandboxState, d: SandboxDomain): Rrset[] {
  if (!onHrdDns(s, d)) throw new SandboxRefusal(LOCAL.notOnHrdDns);
  if (!d.zone) {
    const apex = `${d.name}.`;
    const ns = nameserversOf(s, d);
    d.zone = [
      {
        name: apex,
        type: "SOA",
        ttl: DEFAULT_TTL,
        records: [
          {
            content: `${ns[0]}. hostmaster.hrd.pl. ${serialFor(s.clock.now())} 10800 3600 604800 3600`,
            disabled: false,
          },
        ],
        comments: [],
      },
      {
        name: apex,
        type: "NS",
        ttl: DEFAULT_TTL,
        records: ns.map((n) => ({ content: `${n}.`, disabled: false })),
        comments: [],
      },
    ];
  }
  return d.zone;
}

const ORDER = ["SOA", "NS"];
function sortZone(zone: Rrset[]): Rrset[] {
  const rank = (t: string) => (ORDER.includes(t) ? ORDER.indexOf(t) : ORDER.length);
  return [...zone].sort(
    (a, b) =>
      a.name.split(".").length - b.name.split(".").length ||
      a.name.localeCompare(b.name) ||
      rank(a.type) - rank(b.type) ||
      a.type.localeCompare(b.type),
  );
}

const HOST = /^([a-z0-9_-]+\.)+$/i;

/** Light content checks (the SDK does the thorough ones): what a raw XML client could get wrong. */
function contentOk(type: string, c: string): boolean {
  const p = c.trim().split(/\s+/);
  switch (type) {
    case "A":
      return IPV4.test(c);
    case "AAAA":
      return isIPv6(c);
    case "CNAME":
    case "NS":
    case "PTR":
      return p.length === 1 && HOST.test(c);
    case "MX":
      return p.length === 2 && /^\d+$/.test(p[0]!) && HOST.test(p[1]!);
    case "SRV":
      return (
        p.length === 4 && p.slice(0, 3).every((x) => /^\d+$/.test(x)) && (p[3] === "." || HOST.test(p[3]!))
      );
    case "SOA":
      return (
        p.length === 7 && HOST.test(p[0]!) && HOST.test(p[1]!) && p.slice(2).every((x) => /^\d+$/.test(x))
      );
    default:
      return c.length > 0;
  }
}

interface Change {
  name: string;
  type: string;
  ttl?: number;
  changetype: "REPLACE" | "DELETE";
  records: Rrset["records"];
  comments: Rrset["comments"];
}

function changeFromRequest(node: ParsedNode, zone: string): Change {
  const r = obj(node);
  const name = text(r, "name")!.toLowerCase();
  const type = text(r, "type")!;
  const changetype = text(r, "changetype")!;
  if (!TYPES.has(type)) throw new SandboxRefusal(LOCAL.rrsetType(type));
  if (changetype !== "REPLACE" && changetype !== "DELETE")
    throw new SandboxRefusal(`${MESSAGES.invalid}: changetype`);
  if (name !== `${zone}.` && !name.endsWith(`.${zone}.`))
    throw new SandboxRefusal(LOCAL.rrsetOutside(name, zone));
  const records = many(r.record).map((x) => {
    const o = obj(x);
    return { content: str(o.content), disabled: str(o.disabled) === "true" };
  });
  const comments = many(r.comment).map((x) => {
    const o = obj(x);
    return { content: str(o.content), account: str(o.account) };
  });
  for (const rec of records)
    if (!contentOk(type, rec.content)) throw new SandboxRefusal(LOCAL.rrsetContent(name, type, rec.content));
  return { name, type, ttl: num(r, "ttl", false), changetype, records, comments };
}

const isRedirect = (r: Rrset) => r.type === "CNAME" && r.comments.some((c) => c.account === "redirect");

/** Zone rules after a change (PowerDNS's, plus HRD's redirect CNAME which may sit at the apex). */
function checkZone(zone: Rrset[], apex: string): void {
  if (zone.length > 100) throw new SandboxRefusal(LOCAL.zoneSize);
  const soa = zone.filter((r) => r.type === "SOA");
  if (soa.length !== 1 || soa[0]!.name !== apex) throw new SandboxRefusal(LOCAL.soaApex);
  if (!zone.some((r) => r.type === "NS" && r.name === apex)) throw new SandboxRefusal(LOCAL.nsApex);
  for (const r of zone) {
    if ((r.type === "SOA" || r.type === "CNAME") && r.records.length > 1)
      throw new SandboxRefusal(LOCAL.single(r.name, r.type));
    if (r.type !== "CNAME") continue;
    const redirect = isRedirect(r);
    const clash = zone.find(
      (o) =>
        o !== r &&
        o.name === r.name &&
        // A redirect CNAME (HRD's URL redirect) only excludes addresses; a plain one excludes everything.
        (!redirect || o.type === "A" || o.type === "AAAA"),
    );
    if (clash) throw new SandboxRefusal(LOCAL.cname(r.name, clash.type));
  }
}

const dnsInfo: Handler = (s, req) => {
  const d = domainOf(s, domainArg(req));
  const zone = sortZone(zoneOf(s, d)).slice(0, 100);
  return {
    domain: {
      dnsInfo: {
        name: d.name,
        rrset: zone.map((r) => ({
          name: r.name,
          type: r.type,
          ttl: r.ttl,
          record: r.records.map((x) => ({ content: x.content, disabled: x.disabled })),
          comment: r.comments.length
            ? r.comments.map((c) => ({ content: c.content, account: c.account }))
            : undefined,
        })),
      },
    },
  };
};

const dnsChange: Handler = (s, req) => {
  const d = domainOf(s, domainArg(req));
  const zone = zoneOf(s, d);
  const apex = `${d.name}.`;
  const changes = many(req.rrset).map((r) => changeFromRequest(r, d.name));
  if (changes.length < 1 || changes.length > 100) throw new SandboxRefusal(LOCAL.rrsetCount);
  const seen = new Set<string>();
  for (const c of changes) {
    const key = `${c.name} ${c.type}`;
    if (seen.has(key)) throw new SandboxRefusal(LOCAL.rrsetTwice(c.name, c.type));
    seen.add(key);
  }
  // Applied to a copy, checked, then swapped in: a refused change leaves the zone as it was.
  let next = zone.map((r) => ({ ...r, records: [...r.records], comments: [...r.comments] }));
  for (const c of changes) {
    const existing = next.find((r) => r.name === c.name && r.type === c.type);
    if (c.changetype === "DELETE") {
      if (c.name === apex && (c.type === "SOA" || c.type === "NS"))
        throw new SandboxRefusal(c.type === "SOA" ? LOCAL.soaApex : LOCAL.nsApex);
      next = next.filter((r) => r !== existing);
      continue;
    }
    if (c.records.length === 0) throw new SandboxRefusal(LOCAL.rrsetEmpty(c.name, c.type));
    const set: Rrset = {
      name: c.name,
      type: c.type,
      ttl: c.ttl ?? existing?.ttl ?? DEFAULT_TTL,
      records: c.records,
      comments: c.comments,
    };
    next = existing ? next.map((r) => (r === existing ? set : r)) : [...next, set];
  }
  checkZone(next, apex);
  // The SOA serial moves on with every change (as PowerDNS does with SOA-EDIT-API).
  const soa = next.find((r) => r.type === "SOA")!;
  const parts = soa.records[0]!.content.split(/\s+/);
  parts[2] = String(serialFor(s.clock.now(), Number(parts[2]) || 0));
  soa.records = [{ content: parts.join(" "), disabled: soa.records[0]!.disabled }];
  d.zone = next;
  // Applied at once on HRD's DNS: no action.
  return { domain: { dnsChange: null } };
};

// ------------------------------------------------------------------ privacy, whois

/**
 * Sandbox decision: privacy protection is offered for the .pl family and for generic TLDs, and
 * refused where the registry's policy has no room for it (.us forbids proxy registrations; .eu,
 * .de, .uk, .fr, .it, .es, .ca and .cz have their own registrant-data rules).
 */
const NO_PRIVACY = new Set(["us", "eu", "de", "uk", "fr", "it", "es", "ca", "cz"]);

const privacySet: Handler = (s, req) => {
  const d = domainOf(s, domainArg(req));
  const value = text(req, "privacy");
  if (value !== "true" && value !== "false") throw new SandboxRefusal(`${MESSAGES.invalid}: privacy`);
  const tld = tldOf(d.name, s.prices)?.tld ?? d.name.split(".").pop()!;
  if (NO_PRIVACY.has(tld)) throw new SandboxRefusal(LOCAL.privacyNotOffered(tld));
  requireLive(d);
  const on = value === "true";
  if (d.privacy === on) return { domain: { privacySet: null } };
  const action = s.startAction({
    type: "privacySet",
    object: "domain",
    objectName: d.name,
    amount: 0,
    onDone: (st) => {
      d.privacy = on;
      d.ppDate = on ? addPeriod(st.clock.now(), 1, "y") : undefined;
    },
  });
  return { domain: { privacySet: { actionId: action.id } } };
};

const pad = (n: number) => String(n).padStart(2, "0");
const naskDate = (d: Date) =>
  `${d.getUTCFullYear()}.${pad(d.getUTCMonth() + 1)}.${pad(d.getUTCDate())} ` +
  `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
const line = (label: string, value: string) => `${`${label}:`.padEnd(24)}${value}`;

const WHOIS_FOOTER = ["", "WHOIS database responses (sandbox hrdkit): a NASK-like text, not the registry's."];

/** A NASK-like whois text. No personal data: only the registrant's type. */
function whoisText(s: SandboxState, name: string): string {
  const d = s.domains.get(name);
  if (d && (d.status === "booked" || d.status === "awaitingBooking")) {
    return [line("DOMAIN NAME", name), "", "The domain name is reserved (booked).", ...WHOIS_FOOTER].join(
      "\n",
    );
  }
  if (d && LIVE.has(d.status) && d.status !== "awaitingRegistration") {
    const registrant = s.users.get(d.user);
    const ns = nameserversOf(s, d);
    const glue = new Map([...s.hosts.values()].map((h) => [h.name, [...h.ipv4, ...h.ipv6]]));
    const nsLines = ns.map((n, i) => {
      const ips = glue.get(n) ?? [];
      const value = ips.length && inside(n, d.name) ? `${n}. [${ips.join(" ")}]` : `${n}.`;
      return i === 0 ? line("nameservers", value) : `${"".padEnd(24)}${value}`;
    });
    return [
      line("DOMAIN NAME", name),
      line("registrant type", registrant?.type === "company" ? "organization" : "individual"),
      ...nsLines,
      line("created", d.crDate ? naskDate(d.crDate) : "-"),
      line("renewal date", d.exDate ? naskDate(d.exDate) : "-"),
      "",
      "no option",
      "",
      line("dnssec", d.dnssec?.length ? "Signed" : "Unsigned"),
      "",
      "REGISTRAR:",
      "Consulting Service Sp. z o.o. (HRD.pl)",
      ...WHOIS_FOOTER,
    ].join("\n");
  }
  // Ordered or still being registered: not in the registry yet.
  const pending = d !== undefined && (d.status === "awaitingRegistration" || d.status === "ordered");
  if (!pending && (availability(s, name) === "taken" || s.foreign.has(name))) {
    return [
      line("DOMAIN NAME", name),
      line("registrant type", "organization"),
      line("dnssec", "Unsigned"),
      "",
      "REGISTRAR:",
      "(another registrar)",
      ...WHOIS_FOOTER,
    ].join("\n");
  }
  return `No information available about domain name ${name} in the Registry NASK database.${
    isPlFamily(name) ? "" : " (sandbox: whois of registered names only)"
  }`;
}

const whois: Handler = (s, req) => ({ domain: { whois: { textResponse: whoisText(s, domainArg(req)) } } });

// ------------------------------------------------------------------ contacts

function contactOf(s: SandboxState, id: number | undefined): SandboxPartnerContact {
  const c = id === undefined ? undefined : s.partnerContacts.get(id);
  if (!c) throw new SandboxRefusal(LOCAL.noContact);
  return c;
}

const CONTACT_FIELDS = [
  "org",
  "name",
  "voice",
  "fax",
  "street",
  "postcode",
  "city",
  "sp",
  "country",
  "email",
];
const OPTIONAL_FIELDS = new Set(["org", "fax"]);

function contactFields(req: ParsedObject): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const f of CONTACT_FIELDS) {
    const v = text(req, f, !OPTIONAL_FIELDS.has(f));
    if (v !== undefined) fields[f] = v;
  }
  return fields;
}

const domainsWithTech = (s: SandboxState, id: number) =>
  [...s.domains.values()].filter((d) => d.techContact === id).map((d) => d.name);

const contactCreate: Handler = (s, req) => {
  const userId = num(req, "userId", false);
  if (userId !== undefined) userOf(s, userId);
  if (req.personType === undefined && req.companyType === undefined)
    throw new SandboxRefusal(LOCAL.contactType);
  const c: SandboxPartnerContact = {
    id: s.newId(),
    userId,
    type: req.companyType !== undefined ? "company" : "person",
    fields: contactFields(req),
  };
  s.partnerContacts.set(c.id, c);
  return { partner: { contactCreate: { contactId: c.id } } };
};

const contactUpdate: Handler = (s, req) => {
  const c = contactOf(s, num(req, "id"));
  // The whole record is replaced: an optional field left out (org, fax) is removed.
  c.fields = contactFields(req);
  return { partner: { contactUpdate: null } };
};

const contactDelete: Handler = (s, req) => {
  const c = contactOf(s, num(req, "id"));
  const users = domainsWithTech(s, c.id);
  if (users.length) throw new SandboxRefusal(LOCAL.contactInUse(users));
  s.partnerContacts.delete(c.id);
  return { partner: { contactDelete: null } };
};

const contactInfo: Handler = (s, req) => {
  const c = contactOf(s, num(req, "id"));
  const f = c.fields;
  return {
    partner: {
      contactInfo: {
        ...(c.type === "company" ? { companyType: null } : { personType: null }),
        org: f.org,
        userId: c.userId,
        name: f.name,
        voice: f.voice,
        fax: f.fax,
        street: f.street,
        postcode: f.postcode,
        city: f.city,
        sp: f.sp,
        country: f.country,
        email: f.email,
        type: "tech",
      },
    },
  };
};

const contactList: Handler = (s, req) => {
  const userId = num(req, "userId", false);
  const last = num(req, "lastId", false) ?? 0;
  const ids = pageAfter(
    [...s.partnerContacts.values()]
      .filter((c) => userId === undefined || c.userId === userId)
      .map((c) => c.id)
      .sort((a, b) => a - b),
    (id) => id > last,
    s.pageSize,
  );
  return { partner: { contactList: { id: ids } } };
};

const domainContactList: Handler = (s, req) => {
  const d = domainOf(s, domainArg(req));
  return { domain: { contactList: { registrant: d.user, tech: d.techContact } } };
};

const domainContactSet: Handler = (s, req) => {
  const d = domainOf(s, domainArg(req));
  if (req.tech === undefined) throw new SandboxRefusal(`${MESSAGES.invalid}: brak pola tech`);
  requireLive(d);
  const id = num(obj(req.tech), "contactId", false);
  if (id !== undefined) {
    const c = contactOf(s, id);
    if (c.userId !== undefined && c.userId !== d.user) throw new SandboxRefusal(LOCAL.contactOtherUser);
  }
  if (d.techContact === id) return { domain: { contactSet: null } };
  d.techContact = id;
  const action = s.startAction({ type: "contactSet", object: "domain", objectName: d.name, amount: 0 });
  return { domain: { contactSet: { actionId: action.id } } };
};

/** Handlers for domain/privacySet, contactList, contactSet, whois, nsGroup*, host*, dnssec*, dnsInfo, dnsChange and partner/contact*, keyed by `module/method`. */
export const dnsHandlers: Record<string, Handler> = {
  "domain/privacySet": privacySet,
  "domain/contactList": domainContactList,
  "domain/contactSet": domainContactSet,
  "domain/whois": whois,
  "domain/nsGroupCreate": nsGroupCreate,
  "domain/nsGroupUpdate": nsGroupUpdate,
  "domain/nsGroupDelete": nsGroupDelete,
  "domain/nsGroupInfo": nsGroupInfo,
  "domain/nsGroupList": nsGroupList,
  "domain/hostCreate": hostCreate,
  "domain/hostUpdate": hostUpdate,
  "domain/hostDelete": hostDelete,
  "domain/hostInfo": hostInfo,
  "domain/hostList": hostList,
  "domain/dnssecAdd": dnssecAdd,
  "domain/dnssecDelete": dnssecDelete,
  "domain/dnsInfo": dnsInfo,
  "domain/dnsChange": dnsChange,
  "partner/contactCreate": contactCreate,
  "partner/contactUpdate": contactUpdate,
  "partner/contactDelete": contactDelete,
  "partner/contactInfo": contactInfo,
  "partner/contactList": contactList,
};
