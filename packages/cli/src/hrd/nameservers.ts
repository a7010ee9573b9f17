import type { InputIssues } from "./issues.js";

/** A nameserver as the SDK takes it: a name, or a name with glue addresses. */
export type NsHostInput = string | { name: string; ipv4?: string[]; ipv6?: string[] };

/** Most nameservers accepted on the command line (what registries take in practice). */
export const MAX_NS = 13;

/**
 * Nameservers from the command line: `ns1.host.pl`, or `ns1.example.pl=192.0.2.1,2001:db8::1`
 * for a host inside the domain itself (glue). Arguments may also be comma-separated lists of plain
 * names (`--ns ns1.host.pl,ns2.host.pl`). Addresses go to ipv4 or ipv6 by their form; the SDK
 * checks them and the in-domain rules.
 */
export function parseNameservers(args: readonly string[], field: string, issues: InputIssues): NsHostInput[] {
  const hosts: NsHostInput[] = [];
  for (const arg of args) {
    if (arg.includes("=")) {
      const [name, addrs = ""] = arg.split("=", 2) as [string, string?];
      const ips = addrs
        .split(",")
        .map((a) => a.trim())
        .filter(Boolean);
      if (ips.length === 0) issues.add(field, `${name}: give addresses after "=" (e.g. ${name}=192.0.2.1)`);
      const ipv4 = ips.filter((ip) => !ip.includes(":"));
      const ipv6 = ips.filter((ip) => ip.includes(":"));
      hosts.push({
        name: name.trim(),
        ...(ipv4.length ? { ipv4 } : {}),
        ...(ipv6.length ? { ipv6 } : {}),
      });
    } else {
      for (const n of arg.split(",")) if (n.trim()) hosts.push(n.trim());
    }
  }
  if (hosts.length < 2 || hosts.length > MAX_NS) {
    issues.add(field, `give 2 to ${MAX_NS} nameservers (got ${hosts.length})`);
  }
  return hosts;
}

/** What to show of a host list: names, with glue in brackets. */
export function describeNameservers(hosts: readonly NsHostInput[]): string {
  return hosts
    .map((h) =>
      typeof h === "string" ? h : `${h.name} [${[...(h.ipv4 ?? []), ...(h.ipv6 ?? [])].join(", ")}]`,
    )
    .join(", ");
}
