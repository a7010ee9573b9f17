/**
 * Wire conformance: every request the SDK writes validates against HRD's api.xsd, and every reply
 * the sandbox writes validates against apiResponse.xsd (both read from ../shared/hrd-api).
 * One scenario calls every declared operation; a new operation without a call here fails the test.
 */
import { operations, sessionOperations } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPANY, NS, PERSON, sandboxAndClient } from "./support/fixtures.js";
import { validateRequests, validateResponses } from "./support/xsd.js";

describe("conformance with HRD's schemas", () => {
  let env: Awaited<ReturnType<typeof sandboxAndClient>>;

  beforeAll(async () => {
    env = await sandboxAndClient({ recordTraffic: true, checkNamesPerFrame: 3, tokenTtlMs: 60_000 });
    const c = env.client;
    await c.partner.getBalance();
    await c.partner.getPricings();
    await c.partner.getPricingsList();
    await c.partner.getPricingInfo({ name: "d_pl" });
    await c.partner.getPricingInfo({ name: "d_brak" }).catch(() => undefined); // error reply
    const { id: person } = await c.user.create({ ...PERSON, fax: "+48 22 100 32 49" });
    const { id: company } = await c.user.create(COMPANY);
    await c.user.update({
      id: person,
      mobilePhone: "+48 600 000 001",
      street: "ul. Długa 5",
      postcode: "00-238",
      city: "Warszawa",
      country: "PL",
    });
    await c.user.info({ id: company });
    await c.user.list();
    await c.user.list({ lastId: person });
    await c.domain.check({
      names: ["a-wolna.pl", "hrd.pl", "żółw.com.pl", "tylko-b.pl", "c.nieznane", "d.eu", "e.com"],
    });
    const created = await c.domain.create({
      name: "zgodnosc.pl",
      user: person,
      period: { value: 2, unit: "y" },
      privacy: true,
      ns: [
        { name: "ns1.zgodnosc.pl", ipv4: ["192.0.2.10", "192.0.2.11"], ipv6: ["2001:db8::10"] },
        "ns2.hrd.pl",
      ],
    });
    await c.domain.create({ name: "grupa.com.pl", user: company, ns: { group: 7 } });
    await c.domain.create({
      name: "francja.fr",
      user: company,
      ns: NS,
      additionalData: { fr: { registrantType: "organization" } },
    });
    await c.waitForAction(created.actionId, { intervalMs: 5 });
    const booked = await c.domain.book({ name: "rezerwacja-zgodnosc.pl", user: person });
    await c.waitForAction(booked.actionId, { intervalMs: 5 });
    const info = await c.domain.info({ name: "zgodnosc.pl" });
    await c.domain.info({ name: "grupa.com.pl" });
    await c.domain.info({ name: "rezerwacja-zgodnosc.pl" });
    await c.domain.renew({ name: "zgodnosc.pl", currentExpirationDate: info.exDate!, period: 1 });
    await c.domain
      .renew({ name: "zgodnosc.pl", currentExpirationDate: new Date("2001-01-01T12:00:00Z") })
      .catch(() => undefined);
    await c.domain.update({ name: "zgodnosc.pl", ns: { group: 3 } });
    await c.domain.update({ name: "zgodnosc.pl" });
    await c.domain.list();
    await c.domain.list({ lastName: "grupa.com.pl" });
    const [first] = await c.action.list();
    await c.action.list({ lastId: first! });
    await c.action.info({ id: first! });
    const msg = await c.poll.get();
    await c.poll.ack({ id: msg!.id });
    while (await c.poll.get().then((m) => (m ? c.poll.ack({ id: m.id }).then(() => true) : false))) {
      // drain the queue so that the empty poll reply is exercised too
    }
    // Token resume on a new connection.
    env.sandbox.dropConnections();
    await new Promise((r) => setTimeout(r, 20));
    await c.partner.getBalance();
  });
  afterAll(() => env.close());

  it("exercised every declared operation", () => {
    const seen = new Set(env.sandbox.traffic.map((t) => t.operation));
    const declared = [...Object.keys(operations), ...Object.keys(sessionOperations)];
    expect(declared.filter((op) => !seen.has(op))).toEqual([]);
  });

  it("every request validates against api.xsd", async () => {
    const requests = env.sandbox.traffic.map((t) => t.request);
    const results = await validateRequests(requests);
    const bad = results.flatMap((r, i) =>
      r.valid ? [] : [`${env.sandbox.traffic[i]!.operation}: ${r.errors.join(" | ")}`],
    );
    expect(bad).toEqual([]);
    expect(requests.length).toBeGreaterThan(40);
  });

  it("every reply validates against apiResponse.xsd, including split check replies and errors", async () => {
    const replies = env.sandbox.traffic.flatMap((t) => t.replies.map((xml) => ({ op: t.operation, xml })));
    const results = await validateResponses(replies.map((r) => r.xml));
    const bad = results.flatMap((r, i) => (r.valid ? [] : [`${replies[i]!.op}: ${r.errors.join(" | ")}`]));
    expect(bad).toEqual([]);
    const check = env.sandbox.traffic.find((t) => t.operation === "domain/check")!;
    expect(check.replies.length).toBe(3); // 7 names, 3 per frame
    expect(replies.some((r) => r.xml.includes("<status>error</status>"))).toBe(true);
  });

  it("sends IDN names as punycode and nothing secret in clear besides the login itself", () => {
    const check = env.sandbox.traffic.find((t) => t.operation === "domain/check")!;
    expect(check.request).toContain("<name>xn--w-uga1v8h.com.pl</name>");
    expect(check.request).not.toContain("żółw");
    const logins = env.sandbox.traffic.filter((t) => t.request.includes(env.sandbox.password));
    expect(logins.map((t) => t.operation)).toEqual(["login"]);
  });
});
