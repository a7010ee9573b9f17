import { urlRedirect } from "@hrdkit/sdk";
import type { ScenarioContext } from "./context.js";

const DIGEST = "2BB183AF5F22588179A53B0A98631FAD1A292118A47C3F1E3A9F0D2D3C4B5A69";

/** Calls every operation of privacy, contacts, whois, nsGroup*, host*, dnssec*, dnsInfo, dnsChange, including the error replies worth validating. */
export async function dnsScenario(ctx: ScenarioContext): Promise<void> {
  const c = ctx.client;
  const wait = (id: number | undefined) =>
    id === undefined ? Promise.resolve() : c.waitForAction(id, { intervalMs: 5 }).then(() => undefined);

  // Nameserver groups.
  const { id: group } = await c.domain.nsGroupCreate({ name: "HRD", ns: ["ns1.hrd.pl", "ns2.hrd.pl"] });
  await c.domain.nsGroupUpdate({
    id: group,
    name: "Serwery HRD",
    ns: ["ns1.hrd.pl", "ns2.hrd.pl", "ns3.hrd.pl"],
  });
  await c.domain.nsGroupInfo({ id: group });
  await c.domain.nsGroupList();
  await c.domain.nsGroupList({ lastId: group });
  const { id: spare } = await c.domain.nsGroupCreate({
    name: "zapas",
    ns: ["ns1.example.net", "ns2.example.net"],
  });
  await c.domain.nsGroupDelete({ id: spare });
  await c.domain.nsGroupInfo({ id: spare }).catch(() => undefined); // error reply

  // Glue hosts (ns1.zgodnosc.pl exists from the core scenario's glue).
  await c.domain.hostCreate({ name: "ns3.zgodnosc.pl", ipv4: ["192.0.2.30"], ipv6: ["2001:db8::30"] });
  await c.domain.hostUpdate({ name: "ns3.zgodnosc.pl", ipv4: ["192.0.2.31"], ipv6: ["2001:db8::31"] });
  await c.domain.hostInfo({ name: "ns3.zgodnosc.pl" });
  await c.domain.hostList();
  await c.domain.hostList({ lastName: "ns1.zgodnosc.pl" });
  await c.domain.hostCreate({ name: "ns1.example.net", ipv4: ["192.0.2.40"] }).catch(() => undefined); // error
  await c.domain.hostDelete({ name: "ns3.zgodnosc.pl" });

  // Park zgodnosc.pl on HRD's DNS through the group, then edit its zone.
  await c.domain.update({ name: "zgodnosc.pl", ns: { group } }).then((r) => wait(r.actionId));
  await c.domain.dnsInfo({ name: "zgodnosc.pl" });
  await c.domain.dnsChange({
    name: "zgodnosc.pl",
    rrsets: [
      { name: "@", type: "MX", ttl: 3600, records: ["10 mx.zgodnosc.pl"] },
      { name: "mx", type: "A", records: ["192.0.2.25"] },
      { name: "@", type: "TXT", records: ["v=spf1 mx -all"] },
      { name: "ipv6", type: "AAAA", records: [{ content: "2001:db8::1", disabled: true }] },
      urlRedirect("www", "https://example.com/"),
    ],
  });
  await c.domain.dnsChange({
    name: "zgodnosc.pl",
    rrsets: [{ name: "ipv6", type: "AAAA", changetype: "DELETE" }],
  });
  await c.domain.dnsInfo({ name: "zgodnosc.pl" });
  await c.domain.dnsInfo({ name: "grupa.com.pl" }).catch(() => undefined); // not on HRD's DNS: error
  await c.domain
    .dnsChange({ name: "zgodnosc.pl", rrsets: [{ name: "mx", type: "CNAME", records: ["x.example.com"] }] })
    .catch(() => undefined); // CNAME beside A: error

  // DNSSEC, then domain/info with contact, ppDate, privacy, dnssec and glue hosts.
  const added = await c.domain.dnssecAdd({
    name: "zgodnosc.pl",
    alg: 13,
    digestType: 2,
    digest: DIGEST,
    keyTag: 2371,
  });
  await wait(added.actionId);
  await c.domain
    .dnssecAdd({ name: "zgodnosc.pl", alg: 13, digestType: 2, digest: DIGEST, keyType: "ksk" })
    .catch(
      () => undefined, // already there: error
    );

  // Privacy: zgodnosc.pl was created with it on; off then on again (a new ppDate).
  await c.domain.privacySet({ name: "zgodnosc.pl", privacy: false }).then((r) => wait(r.actionId));
  await c.domain.privacySet({ name: "zgodnosc.pl", privacy: true }).then((r) => wait(r.actionId));
  await c.domain.privacySet({ name: "francja.fr", privacy: true }).catch(() => undefined); // not offered: error

  // Partner contacts as the tech contact.
  const { contactId } = await c.partner.contactCreate({
    userId: ctx.person,
    type: "company",
    org: "Hosting Zgodność Sp. z o.o.",
    name: "Dział techniczny",
    voice: "+48 22 100 32 48",
    fax: "+48 22 100 32 49",
    street: "ul. Prosta 1",
    postcode: "00-001",
    city: "Warszawa",
    sp: "mazowieckie",
    country: "PL",
    email: "tech@zgodnosc.pl",
  });
  await c.partner.contactUpdate({
    id: contactId,
    name: "Dział techniczny (dyżur)",
    voice: "+48 600 100 200",
    street: "ul. Prosta 2",
    postcode: "00-001",
    city: "Warszawa",
    sp: "mazowieckie",
    country: "PL",
    email: "dyzur@zgodnosc.pl",
  });
  await c.partner.contactInfo({ id: contactId });
  await c.partner.contactList();
  await c.partner.contactList({ userId: ctx.person, lastId: 1 });
  await c.domain.contactSet({ name: "zgodnosc.pl", tech: contactId }).then((r) => wait(r.actionId));
  await c.domain.contactList({ name: "zgodnosc.pl" });
  await c.domain.info({ name: "zgodnosc.pl" });
  await c.partner.contactDelete({ id: contactId }).catch(() => undefined); // in use: error
  await c.domain.contactSet({ name: "zgodnosc.pl", tech: null });
  await c.partner.contactDelete({ id: contactId });

  const removed = await c.domain.dnssecDelete({
    name: "zgodnosc.pl",
    alg: 13,
    digestType: 2,
    digest: DIGEST,
    keyTag: 2371,
  });
  await wait(removed.actionId);

  // Whois: the partner's domain, a free name, a name taken elsewhere.
  await c.domain.whois({ name: "zgodnosc.pl" });
  await c.domain.whois({ name: "wolna-zgodnosc.pl" });
  await c.domain.whois({ name: "hrd.pl" });
}
