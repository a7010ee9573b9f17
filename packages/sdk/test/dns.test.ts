import { HrdApiError, HrdValidationError, REDIRECT_HOST, redirectOf, urlRedirect } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPANY, NS, PERSON, sandboxAndClient } from "./support/fixtures.js";

const SHA256 = "2BB183AF5F22588179A53B0A98631FAD1A292118A47C3F1E3A9F0D2D3C4B5A69";

/** The error a call rejects with (fails the test when it resolves). */
async function failure(p: Promise<unknown>): Promise<Error> {
  const r = await p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (!r) throw new Error("expected the call to fail");
  return r;
}

async function issues(p: Promise<unknown>): Promise<Record<string, string>> {
  const err = await failure(p);
  expect(err).toBeInstanceOf(HrdValidationError);
  const out: Record<string, string> = {};
  for (const i of (err as HrdValidationError).issues)
    out[i.path] = out[i.path] ? `${out[i.path]} | ${i.message}` : i.message;
  return out;
}

describe("nameserver groups, glue hosts, DNSSEC, zones, privacy, contacts and whois against the sandbox", () => {
  let env: Awaited<ReturnType<typeof sandboxAndClient>>;
  let person: number;
  let company: number;
  const hrd = () => env.client;
  const done = async (r: { actionId?: number }) => {
    if (r.actionId !== undefined)
      expect((await hrd().waitForAction(r.actionId, { intervalMs: 5 })).ok).toBe(true);
  };
  const register = async (
    name: string,
    user: number,
    ns: Parameters<typeof env.client.domain.create>[0]["ns"],
  ) => done(await hrd().domain.create({ name, user, ns }));

  beforeAll(async () => {
    env = await sandboxAndClient();
    person = (await env.client.user.create(PERSON)).id;
    company = (await env.client.user.create(COMPANY)).id;
    await register("strefa.pl", person, NS);
    await register("firma-dns.com.pl", company, [
      { name: "ns1.firma-dns.com.pl", ipv4: ["192.0.2.53"] },
      "ns2.example.net",
    ]);
    await register("inny-dns.pl", person, ["ns1.example.net", "ns2.example.net"]);
  });
  afterAll(() => env.close());

  describe("nameserver groups", () => {
    it("saves a group, uses it in domain/create and refuses to delete it while a domain uses it", async () => {
      const { id } = await hrd().domain.nsGroupCreate({
        name: "Serwery HRD",
        ns: ["NS1.hrd.pl", "ns2.hrd.pl"],
      });
      expect(await hrd().domain.nsGroupInfo({ id })).toMatchObject({
        name: "Serwery HRD",
        ns: ["ns1.hrd.pl", "ns2.hrd.pl"],
      });
      await register("grupowa.pl", person, { group: id });
      expect((await hrd().domain.info({ name: "grupowa.pl" })).ns).toEqual({ group: id });

      const err = await failure(hrd().domain.nsGroupDelete({ id }));
      expect(err).toBeInstanceOf(HrdApiError);
      expect((err as HrdApiError).hrdMessage).toMatch(/używana przez domeny: grupowa\.pl/);
      expect(env.sandbox.state.nsGroups.has(id)).toBe(true);

      await done(await hrd().domain.update({ name: "grupowa.pl", ns: NS }));
      await hrd().domain.nsGroupDelete({ id });
      await expect(hrd().domain.nsGroupInfo({ id })).rejects.toThrow(/Grupa serwerów nazw nie istnieje/);
    });

    it("updates a group's name and servers (IDN servers go out as punycode) and lists groups page by page", async () => {
      const { id } = await hrd().domain.nsGroupCreate({
        name: "a",
        ns: ["ns1.example.net", "ns2.example.net"],
      });
      const r = await hrd().domain.nsGroupUpdate({ id, name: "b", ns: ["ns1.żółw.pl", "ns2.example.net"] });
      expect(r).toEqual({});
      expect(env.sandbox.state.nsGroups.get(id)?.ns[0]).toBe("ns1.xn--w-uga1v8h.pl");
      expect(await hrd().domain.nsGroupInfo({ id })).toMatchObject({
        name: "b",
        ns: ["ns1.żółw.pl", "ns2.example.net"],
      });
      const { id: second } = await hrd().domain.nsGroupCreate({
        name: "c",
        ns: ["ns3.example.net", "ns4.example.net"],
      });
      env.sandbox.state.pageSize = 1;
      try {
        const all: number[] = [];
        for await (const g of hrd().iterate("domain/nsGroupList")) all.push(g);
        expect(all).toEqual(expect.arrayContaining([id, second]));
        expect(await hrd().domain.nsGroupList({ lastId: id })).toEqual([second]);
      } finally {
        env.sandbox.state.pageSize = 100;
      }
    });

    it("validates a group's servers before sending, naming each bad field", async () => {
      const before = env.sandbox.counts.get("domain/nsGroupCreate") ?? 0;
      const bad = await issues(
        hrd().domain.nsGroupCreate({ name: "", ns: ["ns1.example.net", "nie domena", "NS1.example.net"] }),
      );
      expect(Object.keys(bad).sort()).toEqual(["name", "ns.1", "ns.2"]);
      expect(bad["ns.2"]).toMatch(/twice/);
      expect(await issues(hrd().domain.nsGroupCreate({ name: "x", ns: ["ns1.example.net"] }))).toHaveProperty(
        "ns",
      );
      const many = Array.from({ length: 17 }, (_, i) => `ns${i}.example.net`);
      expect((await issues(hrd().domain.nsGroupCreate({ name: "x", ns: many })))["ns"]).toMatch(/at most 16/);
      expect(await issues(hrd().domain.nsGroupUpdate({ id: 1 }))).toHaveProperty("ns");
      expect(env.sandbox.counts.get("domain/nsGroupCreate") ?? 0).toBe(before);
    });

    it("refuses a group id that does not exist in domain/update", async () => {
      const err = await failure(hrd().domain.update({ name: "strefa.pl", ns: { group: 999_999 } }));
      expect((err as HrdApiError).hrdMessage).toBe("Grupa serwerów nazw nie istnieje");
      expect((await hrd().domain.info({ name: "strefa.pl" })).ns).toEqual({
        hosts: [
          { name: "ns1.hrd.pl", ipv4: [], ipv6: [] },
          { name: "ns2.hrd.pl", ipv4: [], ipv6: [] },
        ],
      });
    });

    it("refuses a group with an in-domain server that has no glue host yet", async () => {
      await expect(
        hrd().domain.nsGroupCreate({ name: "x", ns: ["ns9.strefa.pl", "ns2.hrd.pl"] }),
      ).rejects.toThrow(/najpierw utwórz go jako host/);
    });
  });

  describe("glue hosts", () => {
    it("creates a host inside a partner's domain; domain/info, hostInfo and hostList show it", async () => {
      const r = await hrd().domain.hostCreate({
        name: "ns1.strefa.pl",
        ipv4: ["192.0.2.1", "192.0.2.2"],
        ipv6: ["2001:DB8::1"],
      });
      expect(r.actionId).toBeTypeOf("number");
      await done(r);
      const info = await hrd().domain.info({ name: "strefa.pl" });
      expect(info.hosts).toEqual([
        { name: "ns1.strefa.pl", ipv4: ["192.0.2.1", "192.0.2.2"], ipv6: ["2001:db8::1"] },
      ]);
      // apiResponse.xsd allows one address per family in hostInfo: the first ones.
      expect(await hrd().domain.hostInfo({ name: "ns1.strefa.pl" })).toEqual({
        name: "ns1.strefa.pl",
        ipv4: ["192.0.2.1"],
        ipv6: ["2001:db8::1"],
      });
      const names: string[] = [];
      for await (const n of hrd().iterate("domain/hostList")) names.push(n);
      expect(names).toEqual(expect.arrayContaining(["ns1.strefa.pl", "ns1.firma-dns.com.pl"]));
      expect(await hrd().domain.hostList({ lastName: "ns1.firma-dns.com.pl" })).toContain("ns1.strefa.pl");
      await expect(hrd().domain.hostCreate({ name: "ns1.strefa.pl", ipv4: ["192.0.2.9"] })).rejects.toThrow(
        /Host już istnieje/,
      );
    });

    it("shows glue given with domain/create as a host of the domain", async () => {
      const info = await hrd().domain.info({ name: "firma-dns.com.pl" });
      expect(info.hosts).toEqual([{ name: "ns1.firma-dns.com.pl", ipv4: ["192.0.2.53"], ipv6: [] }]);
    });

    it("refuses a host outside the partner's domains", async () => {
      const err = await failure(hrd().domain.hostCreate({ name: "ns1.example.net", ipv4: ["192.0.2.1"] }));
      expect((err as HrdApiError).hrdMessage).toMatch(/tylko w domenie na koncie partnera/);
      expect(env.sandbox.state.hosts.has("ns1.example.net")).toBe(false);
    });

    it("updates a host's addresses (domains listing it follow) and refuses to delete it while in use", async () => {
      await done(await hrd().domain.hostUpdate({ name: "ns1.firma-dns.com.pl", ipv4: ["192.0.2.54"] }));
      const info = await hrd().domain.info({ name: "firma-dns.com.pl" });
      expect(info.hosts[0]?.ipv4).toEqual(["192.0.2.54"]);
      expect(info.ns).toMatchObject({
        hosts: [{ name: "ns1.firma-dns.com.pl", ipv4: ["192.0.2.54"] }, { name: "ns2.example.net" }],
      });
      const err = await failure(hrd().domain.hostDelete({ name: "ns1.firma-dns.com.pl" }));
      expect((err as HrdApiError).hrdMessage).toMatch(/używany jako serwer nazw przez: firma-dns\.com\.pl/);

      await done(await hrd().domain.hostCreate({ name: "ns2.strefa.pl", ipv6: ["2001:db8::2"] }));
      const { id } = await hrd().domain.nsGroupCreate({
        name: "z hostem",
        ns: ["ns2.strefa.pl", "ns1.hrd.pl"],
      });
      await expect(hrd().domain.hostDelete({ name: "ns2.strefa.pl" })).rejects.toThrow(/grupa/);
      await hrd().domain.nsGroupDelete({ id });
      await done(await hrd().domain.hostDelete({ name: "ns2.strefa.pl" }));
      await expect(hrd().domain.hostInfo({ name: "ns2.strefa.pl" })).rejects.toThrow(/Host nie istnieje/);
    });

    it("validates addresses before sending", async () => {
      const bad = await issues(
        hrd().domain.hostCreate({
          name: "ns3.strefa.pl",
          ipv4: ["192.0.2.300", "192.0.2.1", "192.0.2.1"],
          ipv6: ["gggg::1"],
        }),
      );
      expect(Object.keys(bad).sort()).toEqual(["ipv4.0", "ipv4.2", "ipv6.0"]);
      const eleven = Array.from({ length: 6 }, (_, i) => `192.0.2.${i + 1}`);
      const six = Array.from({ length: 5 }, (_, i) => `2001:db8::${i + 1}`);
      expect(
        (await issues(hrd().domain.hostCreate({ name: "ns3.strefa.pl", ipv4: eleven, ipv6: six })))["ipv6"],
      ).toMatch(/at most 10 addresses/);
    });
  });

  describe("DNSSEC", () => {
    it("adds a DS record when the action completes and deletes it; deleting an absent record is refused", async () => {
      const ds = { name: "strefa.pl", alg: 13, digestType: 2, digest: SHA256.toLowerCase(), keyTag: 2371 };
      const r = await hrd().domain.dnssecAdd(ds);
      expect(env.sandbox.state.domains.get("strefa.pl")?.dnssec ?? []).toEqual([]);
      await done(r);
      expect((await hrd().domain.info({ name: "strefa.pl" })).dnssec).toEqual([
        { alg: 13, digestType: 2, digest: SHA256, keyTag: 2371, keyType: undefined },
      ]);
      await expect(hrd().domain.dnssecAdd(ds)).rejects.toThrow(/ma już taki rekord DS/);
      await done(await hrd().domain.dnssecDelete(ds));
      expect((await hrd().domain.info({ name: "strefa.pl" })).dnssec).toEqual([]);
      const err = await failure(hrd().domain.dnssecDelete({ ...ds, keyTag: undefined, keyType: "ksk" }));
      expect((err as HrdApiError).hrdMessage).toBe("Domena nie ma takiego rekordu DS");
    });

    it("requires exactly one of keyTag and keyType and a hex digest of the type's length, naming the fields", async () => {
      const base = { name: "strefa.pl", alg: 13, digestType: 2, digest: SHA256 };
      expect(Object.keys(await issues(hrd().domain.dnssecAdd(base)))).toEqual(["keyTag"]);
      expect(
        Object.keys(await issues(hrd().domain.dnssecAdd({ ...base, keyTag: 1, keyType: "zsk" }))),
      ).toEqual(["keyType"]);
      const bad = await issues(hrd().domain.dnssecAdd({ ...base, digest: "XYZ", alg: -1, keyTag: 70000 }));
      expect(Object.keys(bad).sort()).toEqual(["alg", "digest", "keyTag"]);
      const short = await issues(hrd().domain.dnssecAdd({ ...base, digest: SHA256.slice(0, 40), keyTag: 1 }));
      expect(short["digest"]).toMatch(/SHA-256 .* 64 hex/);
    });
  });

  describe("DNS zones on HRD's DNS", () => {
    it("refuses the zone of a domain not parked on HRD's nameservers", async () => {
      const err = await failure(hrd().domain.dnsInfo({ name: "inny-dns.pl" }));
      expect((err as HrdApiError).hrdMessage).toMatch(/nie jest zaparkowana na serwerach DNS HRD/);
      await expect(
        hrd().domain.dnsChange({
          name: "inny-dns.pl",
          rrsets: [{ name: "www", type: "A", records: ["192.0.2.1"] }],
        }),
      ).rejects.toThrow(/nie jest zaparkowana/);
    });

    it("starts with SOA and NS; REPLACE then DELETE show in dnsInfo", async () => {
      const zone = await hrd().domain.dnsInfo({ name: "strefa.pl" });
      expect(zone.name).toBe("strefa.pl");
      expect(zone.rrsets.map((r) => [r.name, r.type])).toEqual([
        ["strefa.pl.", "SOA"],
        ["strefa.pl.", "NS"],
      ]);
      expect(zone.rrsets[1]?.records.map((r) => r.content)).toEqual(["ns1.hrd.pl.", "ns2.hrd.pl."]);
      const serial = Number(zone.rrsets[0]!.records[0]!.content.split(" ")[2]);

      const r = await hrd().domain.dnsChange({
        name: "strefa.pl",
        rrsets: [
          {
            name: "www",
            type: "A",
            ttl: 600,
            records: ["192.0.2.80", { content: "192.0.2.81", disabled: true }],
          },
          { name: "@", type: "MX", records: ["10 Poczta.strefa.pl"] },
          { name: "@", type: "TXT", records: ['v=spf1 include:"x" -all'] },
        ],
      });
      expect(r).toEqual({});
      const after = await hrd().domain.dnsInfo({ name: "strefa.pl" });
      expect(after.rrsets.find((x) => x.name === "www.strefa.pl." && x.type === "A")).toEqual({
        name: "www.strefa.pl.",
        type: "A",
        ttl: 600,
        records: [
          { content: "192.0.2.80", disabled: false },
          { content: "192.0.2.81", disabled: true },
        ],
        comments: [],
      });
      expect(after.rrsets.find((x) => x.type === "MX")).toMatchObject({
        ttl: 3600,
        records: [{ content: "10 poczta.strefa.pl." }],
      });
      expect(after.rrsets.find((x) => x.type === "TXT")?.records[0]?.content).toBe(
        '"v=spf1 include:\\"x\\" -all"',
      );
      expect(Number(after.rrsets[0]!.records[0]!.content.split(" ")[2])).toBeGreaterThan(serial);

      await hrd().domain.dnsChange({
        name: "strefa.pl",
        rrsets: [{ name: "www.strefa.pl.", type: "A", changetype: "DELETE" }],
      });
      const gone = await hrd().domain.dnsInfo({ name: "strefa.pl" });
      expect(gone.rrsets.some((x) => x.name === "www.strefa.pl.")).toBe(false);
      expect(gone.rrsets.some((x) => x.type === "MX")).toBe(true);
    });

    it("sets a URL redirect with the helper; dnsInfo shows the CNAME and the URL", async () => {
      const change = urlRedirect("przekierowanie", "https://example.com/sklep");
      expect(change).toMatchObject({ type: "CNAME", records: [REDIRECT_HOST] });
      await hrd().domain.dnsChange({ name: "strefa.pl", rrsets: [change] });
      const zone = await hrd().domain.dnsInfo({ name: "strefa.pl" });
      const set = zone.rrsets.find((r) => r.name === "przekierowanie.strefa.pl.")!;
      expect(set).toMatchObject({
        type: "CNAME",
        records: [{ content: REDIRECT_HOST, disabled: false }],
        comments: [{ account: "redirect", content: "https://example.com/sklep" }],
      });
      expect(redirectOf(set)).toBe("https://example.com/sklep");
      // The apex may redirect too (HRD's own client does so), beside SOA, NS and MX.
      await hrd().domain.dnsChange({ name: "strefa.pl", rrsets: [urlRedirect("@", "https://example.com/")] });
      const apex = (await hrd().domain.dnsInfo({ name: "strefa.pl" })).rrsets.find(
        (r) => r.name === "strefa.pl." && r.type === "CNAME",
      );
      expect(apex && redirectOf(apex)).toBe("https://example.com/");
      await hrd().domain.dnsChange({
        name: "strefa.pl",
        rrsets: [{ name: "@", type: "CNAME", changetype: "DELETE" }],
      });
    });

    it("validates rrsets before sending, naming every bad field", async () => {
      const before = env.sandbox.counts.get("domain/dnsChange") ?? 0;
      const bad = await issues(
        hrd().domain.dnsChange({
          name: "strefa.pl",
          rrsets: [
            { name: "www", type: "A", records: ["2001:db8::1"] },
            { name: "www", type: "CNAME", records: ["cel.example.com"] },
            { name: "v6", type: "AAAA", records: ["192.0.2.1"] },
            { name: "@", type: "MX", records: ["poczta.strefa.pl"] },
            { name: "obcy.example.com.", type: "A", records: ["192.0.2.1"] },
            { name: "*.dzikie", type: "A", records: ["192.0.2.1"] },
            { name: "pusty", type: "A", records: [] },
            { name: "@", type: "CNAME", records: ["cel.example.com"] },
            { name: "txt", type: "TXT", records: ['"niedomknięty'] },
            {
              name: "przekierowanie",
              type: "CNAME",
              records: [REDIRECT_HOST],
              comments: [{ account: "redirect", content: "example.com" }],
            },
          ],
        }),
      );
      expect(Object.keys(bad).sort()).toEqual([
        "rrsets.0.records.0",
        "rrsets.1.type",
        "rrsets.2.records.0",
        "rrsets.3.records.0",
        "rrsets.4.name",
        "rrsets.5.name",
        "rrsets.6.records",
        "rrsets.7.type",
        "rrsets.8.records.0",
        "rrsets.9.comments.0.content",
      ]);
      expect(bad["rrsets.0.records.0"]).toMatch(/not an IPv4/);
      expect(bad["rrsets.1.type"]).toMatch(/CNAME cannot sit beside .*\(rrsets\.0 is A\)/);
      expect(bad["rrsets.3.records.0"]).toMatch(/priority host/);
      expect(bad["rrsets.4.name"]).toMatch(/outside the zone strefa\.pl/);
      expect(bad["rrsets.7.type"]).toMatch(/apex/);
      expect(env.sandbox.counts.get("domain/dnsChange") ?? 0).toBe(before);
    });

    it("refuses a CNAME beside records already in the zone, leaving the zone as it was", async () => {
      await hrd().domain.dnsChange({
        name: "strefa.pl",
        rrsets: [{ name: "ftp", type: "A", records: ["192.0.2.21"] }],
      });
      const before = await hrd().domain.dnsInfo({ name: "strefa.pl" });
      const err = await failure(
        hrd().domain.dnsChange({
          name: "strefa.pl",
          rrsets: [
            { name: "nowy", type: "A", records: ["192.0.2.22"] },
            { name: "ftp", type: "CNAME", records: ["pliki.example.com"] },
          ],
        }),
      );
      expect((err as HrdApiError).hrdMessage).toMatch(
        /CNAME dla ftp\.strefa\.pl\. nie może istnieć obok rekordów A/,
      );
      expect(await hrd().domain.dnsInfo({ name: "strefa.pl" })).toEqual(before);
    });
  });

  describe("privacy", () => {
    it("turns privacy on with a protection date a year ahead, and off; the same state again needs no action", async () => {
      const on = await hrd().domain.privacySet({ name: "strefa.pl", privacy: true });
      expect(on.actionId).toBeTypeOf("number");
      await done(on);
      const info = await hrd().domain.info({ name: "strefa.pl" });
      expect(info.privacy).toBe(true);
      const yearAhead = env.sandbox.clock.now().getUTCFullYear() + 1;
      expect(Number(info.ppDate!.slice(0, 4))).toBe(yearAhead);
      expect(await hrd().domain.privacySet({ name: "strefa.pl", privacy: true })).toEqual({});
      await done(await hrd().domain.privacySet({ name: "strefa.pl", privacy: false }));
      const off = await hrd().domain.info({ name: "strefa.pl" });
      expect(off.privacy).toBe(false);
      expect(off.ppDate).toBeUndefined();
    });

    it("is refused where the registry offers no privacy (.us, .eu, …)", async () => {
      await register("prywatnosc.eu", person, NS);
      const err = await failure(hrd().domain.privacySet({ name: "prywatnosc.eu", privacy: true }));
      expect((err as HrdApiError).hrdMessage).toBe("Ochrona prywatności nie jest dostępna dla domen .eu");
      expect((await hrd().domain.info({ name: "prywatnosc.eu" })).privacy).toBe(false);
    });
  });

  describe("partner contacts and a domain's contacts", () => {
    const contact = {
      type: "company" as const,
      org: "Hosting Sp. z o.o.",
      name: "Dział techniczny",
      voice: "+48 22 100 32 48",
      street: "ul. Prosta 1",
      postcode: "00-001",
      city: "Warszawa",
      sp: "mazowieckie",
      country: "pl",
      email: "tech@hosting.example.pl",
    };

    it("creates, reads, updates and lists contacts, filtered by account", async () => {
      const { contactId } = await hrd().partner.contactCreate({
        ...contact,
        userId: person,
        fax: "+48 22 100 32 49",
      });
      const { contactId: other } = await hrd().partner.contactCreate({
        ...contact,
        type: "person",
        org: undefined,
        name: "Jan Admin",
      });
      expect(await hrd().partner.contactInfo({ id: contactId })).toEqual({
        type: "company",
        org: "Hosting Sp. z o.o.",
        userId: person,
        name: "Dział techniczny",
        voice: "+48.221003248",
        fax: "+48.221003249",
        street: "ul. Prosta 1",
        postcode: "00-001",
        city: "Warszawa",
        sp: "mazowieckie",
        country: "PL",
        email: "tech@hosting.example.pl",
        contactType: "tech",
      });
      expect((await hrd().partner.contactInfo({ id: other })).type).toBe("person");
      const { type: _type, ...fields } = contact;
      expect(await hrd().partner.contactUpdate({ id: contactId, ...fields, name: "Dyżur" })).toEqual({});
      const updated = await hrd().partner.contactInfo({ id: contactId });
      expect(updated.name).toBe("Dyżur");
      expect(updated.fax).toBeUndefined(); // a field left out of an update is removed
      expect(await hrd().partner.contactList({ userId: person })).toEqual([contactId]);
      const all: number[] = [];
      for await (const id of hrd().iterate("partner/contactList")) all.push(id);
      expect(all).toEqual(expect.arrayContaining([contactId, other]));
    });

    it("validates a contact before sending, naming every bad field", async () => {
      const bad = await issues(
        hrd().partner.contactCreate({
          ...contact,
          org: undefined,
          voice: "12",
          email: "nie",
          country: "XX",
          sp: "",
        }),
      );
      expect(Object.keys(bad).sort()).toEqual(["country", "email", "org", "sp", "voice"]);
      expect(bad["org"]).toMatch(/required for a company/);
    });

    it("sets and clears a domain's tech contact; a contact in use cannot be deleted", async () => {
      const { contactId } = await hrd().partner.contactCreate({ ...contact, userId: person });
      await done(await hrd().domain.contactSet({ name: "strefa.pl", tech: contactId }));
      expect(await hrd().domain.contactList({ name: "strefa.pl" })).toEqual({
        registrant: person,
        tech: contactId,
      });
      expect((await hrd().domain.info({ name: "strefa.pl" })).contact).toBe(String(contactId));

      const err = await failure(hrd().partner.contactDelete({ id: contactId }));
      expect((err as HrdApiError).hrdMessage).toMatch(/kontaktem technicznym domen: strefa\.pl/);

      await done(await hrd().domain.contactSet({ name: "strefa.pl", tech: null }));
      expect(await hrd().domain.contactList({ name: "strefa.pl" })).toEqual({ registrant: person });
      await hrd().partner.contactDelete({ id: contactId });
      await expect(hrd().partner.contactInfo({ id: contactId })).rejects.toThrow(/Kontakt nie istnieje/);
    });

    it("refuses a contact tied to another account than the domain's", async () => {
      const { contactId } = await hrd().partner.contactCreate({ ...contact, userId: company });
      await expect(hrd().domain.contactSet({ name: "strefa.pl", tech: contactId })).rejects.toThrow(
        /innego abonenta/,
      );
    });
  });

  describe("whois", () => {
    it("shows the partner's domain without personal data, with nameservers and DNSSEC", async () => {
      const text = await hrd().domain.whois({ name: "strefa.pl" });
      expect(text).toMatch(/^DOMAIN NAME:\s+strefa\.pl$/m);
      expect(text).toMatch(/^registrant type:\s+individual$/m);
      expect(text).toMatch(/^nameservers:\s+ns1\.hrd\.pl\.$/m);
      expect(text).toMatch(/^\s+ns2\.hrd\.pl\.$/m);
      expect(text).toMatch(/^renewal date:\s+\d{4}\.\d{2}\.\d{2} /m);
      expect(text).toMatch(/^dnssec:\s+Unsigned$/m);
      for (const secret of [PERSON.name, PERSON.email, PERSON.idNumber, "Marszałkowska", "221003248"])
        expect(text).not.toContain(secret);

      const glue = await hrd().domain.whois({ name: "firma-dns.com.pl" });
      expect(glue).toMatch(/registrant type:\s+organization/);
      expect(glue).toContain("ns1.firma-dns.com.pl. [192.0.2.54]");
      expect(glue).not.toContain(COMPANY.name);
    });

    it("answers 'no information' for a free name and a short record for a name taken elsewhere", async () => {
      expect(await hrd().domain.whois({ name: "nikt-nie-ma.pl" })).toMatch(
        /^No information available about domain name nikt-nie-ma\.pl/,
      );
      const taken = await hrd().domain.whois({ name: "allegro.pl" });
      expect(taken).toMatch(/^DOMAIN NAME:\s+allegro\.pl$/m);
      expect(taken).toContain("another registrar");
    });
  });
});
