import { COMPANY, NS, PERSON } from "../support/fixtures.js";
import type { ScenarioContext } from "./context.js";

/** The foundation's operations: partner prices, accounts, check/create/book/renew/update, actions, poll. */
export async function coreScenario(ctx: ScenarioContext): Promise<void> {
  const c = ctx.client;
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
  const group = await c.domain.nsGroupCreate({ name: "hosting", ns: ["ns1.hrd.pl", "ns2.hrd.pl"] });
  await c.domain.create({ name: "grupa.com.pl", user: company, ns: { group: group.id } });
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
  await c.domain.update({ name: "zgodnosc.pl", ns: { group: 999_999 } }).catch(() => undefined); // no such group
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
  ctx.sandbox.dropConnections();
  await new Promise((r) => setTimeout(r, 20));
  await c.partner.getBalance();
  ctx.person = person;
  ctx.company = company;
}
