import { z } from "zod";
import { domainName, ipv4, ipv6 } from "./fields.js";

/**
 * Nameservers for `domain/create` and `domain/update`, in one of three forms:
 * - `["ns1.host.pl", "ns2.host.pl"]` — names only;
 * - `[{ name: "ns1.example.pl", ipv4: ["192.0.2.1"] }, …]` — glue addresses, which HRD wants only
 *   for hosts inside the domain itself (in-bailiwick), and which are then required;
 * - `{ group: 12 }` — a saved nameserver group (`domain/nsGroupCreate`).
 */
export const nsHost = z.union([
  domainName,
  z.object({
    name: domainName,
    ipv4: z.array(ipv4).max(10).optional(),
    ipv6: z.array(ipv6).max(10).optional(),
  }),
]);

export const nsInput = z.union([
  z.object({ group: z.number().int().min(0) }).strict(),
  z.array(nsHost).min(2, "needs at least 2 nameservers").max(16, "takes at most 16 nameservers"),
]);
export type NsInput = z.input<typeof nsInput>;

type NsHostOut = z.output<typeof nsHost>;

/** Checks the rules api.xsd cannot express in a type, then builds the triple-nested wire form. */
export function nsToWire(domain: string, ns: z.output<typeof nsInput>, ctx: z.RefinementCtx, path: string[]) {
  if (!Array.isArray(ns)) return { group: ns.group };
  const seen = new Set<string>();
  const hosts = ns.map((h: NsHostOut, i) => {
    const host = typeof h === "string" ? { name: h, ipv4: [], ipv6: [] } : { ipv4: [], ipv6: [], ...h };
    const ips = [...(host.ipv4 ?? []), ...(host.ipv6 ?? [])];
    const inside = host.name === domain || host.name.endsWith(`.${domain}`);
    if (seen.has(host.name))
      ctx.addIssue({ code: "custom", path: [...path, i], message: `${host.name} is listed twice` });
    seen.add(host.name);
    if (inside && ips.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: [...path, i],
        message: `${host.name} is inside ${domain}: it needs glue addresses (ipv4 or ipv6)`,
      });
    }
    if (!inside && ips.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: [...path, i],
        message: `${host.name} is outside ${domain}: glue addresses are only for hosts inside the domain`,
      });
    }
    if (ips.length > 10)
      ctx.addIssue({ code: "custom", path: [...path, i], message: "takes at most 10 addresses" });
    if (new Set(ips).size !== ips.length) {
      ctx.addIssue({ code: "custom", path: [...path, i], message: "lists an address twice" });
    }
    return {
      name: host.name,
      ipv4: host.ipv4?.length ? host.ipv4 : undefined,
      ipv6: host.ipv6?.length ? host.ipv6 : undefined,
    };
  });
  return { ns: { ns: hosts } };
}
