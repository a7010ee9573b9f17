import { HrdApiError, HrdValidationError } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMPANY, NS, PERSON, sandboxAndClient } from "./support/fixtures.js";

/** .pl options (domain/future*) against the sandbox over TLS. */
describe(".pl options (NASK futures)", () => {
  let env: Awaited<ReturnType<typeof sandboxAndClient>>;
  let person: number;
  let company: number;
  let optionPrice: { register: number; renew: number };

  const grosze = (v: string | null | undefined) => Math.round(Number(v) * 100);
  const ledgerFor = (name: string, type: string) =>
    env.sandbox.state.ledger.filter((e) => e.objectName === name && e.type === type);
  const balance = async () => (await env.client.partner.getBalance()).balance.grosze;

  beforeAll(async () => {
    env = await sandboxAndClient({ recordTraffic: true, startAt: "2025-03-10T10:00:00Z" });
    person = (await env.client.user.create(PERSON)).id;
    company = (await env.client.user.create(COMPANY)).id;
    const pricing = await env.client.partner.getPricingInfo({ name: "o_pl" });
    optionPrice = {
      register: grosze(pricing.prices.find((p) => p.name === "Rejestracja")?.value),
      renew: grosze(pricing.prices.find((p) => p.name === "Odnowienie")?.value),
    };
  });
  afterAll(() => env.close());

  it("lists the option service o_pl in the price list, next to the domain prices", async () => {
    expect(await env.client.partner.getPricingsList()).toEqual(expect.arrayContaining(["d_pl", "o_pl"]));
    const all = await env.client.partner.getPricings();
    expect(all.find((p) => p.service === "o_pl")?.prices).toEqual([
      { name: "Rejestracja", value: "29.00" },
      { name: "Odnowienie", value: "25.00" },
    ]);
    expect(all.find((p) => p.service === "d_pl")?.prices).toContainEqual({
      name: "Rejestracja",
      value: "39.00",
    });
    expect(optionPrice).toEqual({ register: 2900, renew: 2500 });
  });

  it("sets an option up: awaitingRegistration, then registered for 3 years, charged the o_pl price once", async () => {
    const before = await balance();
    env.sandbox.state.actionDelayMs = 60_000;
    try {
      const { actionId } = await env.client.domain.futureCreate({ name: "moja-opcja.pl", user: person });
      const pending = await env.client.domain.futureInfo({ name: "moja-opcja.pl" });
      expect(pending).toEqual({
        name: "moja-opcja.pl",
        status: "awaitingRegistration",
        crDate: undefined,
        exDate: undefined,
        user: person,
      });
      const held = await env.client.partner.getBalance();
      expect(held.restrictedBalance.grosze).toBe(optionPrice.register);
      env.sandbox.clock.advance(60_000);
      const info = await env.client.domain.futureInfo({ name: "moja-opcja.pl" });
      expect(info.status).toBe("registered");
      expect(info.exDate!.slice(0, 4)).toBe(String(Number(info.crDate!.slice(0, 4)) + 3));
      expect(info.exDate!.slice(4)).toBe(info.crDate!.slice(4));
      const action = await env.client.action.info({ id: actionId });
      expect(action).toMatchObject({ status: "done", object: "future", objectName: "moja-opcja.pl" });
      expect(action.amount?.grosze).toBe(optionPrice.register);
    } finally {
      env.sandbox.state.actionDelayMs = 0;
    }
    expect(ledgerFor("moja-opcja.pl", "create").map((e) => e.amount)).toEqual([optionPrice.register]);
    expect(await balance()).toBe(before - optionPrice.register);
  });

  it("keeps the name for its holder: taken for others, registrable by the holder, then used up", async () => {
    const { actionId } = await env.client.domain.futureCreate({ name: "chroniona.pl", user: person });
    await env.client.waitForAction(actionId, { intervalMs: 5 });
    const [check] = await env.client.domain.check({ names: ["chroniona.pl"] });
    expect(check!.status).toBe("taken");
    await expect(env.client.domain.create({ name: "chroniona.pl", user: company, ns: NS })).rejects.toThrow(
      HrdApiError,
    );
    const reg = await env.client.domain.create({ name: "chroniona.pl", user: person, ns: NS });
    await env.client.waitForAction(reg.actionId, { intervalMs: 5 });
    expect((await env.client.domain.info({ name: "chroniona.pl" })).user).toBe(person);
    await expect(env.client.domain.futureInfo({ name: "chroniona.pl" })).rejects.toThrow(HrdApiError);
  });

  it("renews by the current expiry only: a repeat with the old date is refused and never charged", async () => {
    const { actionId } = await env.client.domain.futureCreate({ name: "odnowa.pl", user: person });
    await env.client.waitForAction(actionId, { intervalMs: 5 });
    const first = await env.client.domain.futureInfo({ name: "odnowa.pl" });
    const renewed = await env.client.domain.futureRenew({
      name: "odnowa.pl",
      currentExpirationDate: first.exDate!,
    });
    await env.client.waitForAction(renewed.actionId, { intervalMs: 5 });
    const after = await env.client.domain.futureInfo({ name: "odnowa.pl" });
    // No period on the wire: another 3-year term.
    expect(after.exDate!.slice(0, 4)).toBe(String(Number(first.exDate!.slice(0, 4)) + 3));
    expect(after.exDate!.slice(4)).toBe(first.exDate!.slice(4));

    const before = await balance();
    const again = await env.client.domain
      .futureRenew({ name: "odnowa.pl", currentExpirationDate: first.exDate! })
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(HrdApiError);
    expect((again as HrdApiError).hrdMessage).toMatch(/data wygaśnięcia/);
    expect(await balance()).toBe(before);
    expect(ledgerFor("odnowa.pl", "renew").map((e) => e.amount)).toEqual([optionPrice.renew]);
  });

  it("answers futureCheck for 1–100 names, split over several frames like domain/check", async () => {
    const reg = await env.client.domain.create({ name: "zarejestrowana.pl", user: company, ns: NS });
    await env.client.waitForAction(reg.actionId, { intervalMs: 5 });
    env.sandbox.state.checkNamesPerFrame = 2;
    try {
      const names = [
        "wolna-opcja.pl",
        "moja-opcja.pl",
        "zarejestrowana.pl",
        "hrd.pl",
        "sklep.com",
        "żółw.com.pl",
      ];
      const result = await env.client.domain.futureCheck({ names });
      expect(result).toEqual([
        { name: "wolna-opcja.pl", status: "available" },
        { name: "moja-opcja.pl", status: "taken" }, // under an option
        { name: "zarejestrowana.pl", status: "taken" }, // registered here
        { name: "hrd.pl", status: "taken" }, // registered elsewhere
        { name: "sklep.com", status: "unknown" }, // not .pl: no options
        { name: "żółw.com.pl", status: "available" },
      ]);
      const last = env.sandbox.traffic.filter((t) => t.operation === "domain/futureCheck").at(-1)!;
      expect(last.replies).toHaveLength(3);
      expect(last.request).toContain("<name>xn--w-uga1v8h.com.pl</name>");
    } finally {
      env.sandbox.state.checkNamesPerFrame = 0;
    }
    const tooMany = Array.from({ length: 101 }, (_, i) => `n${i}.pl`);
    const err = await env.client.domain.futureCheck({ names: tooMany }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HrdValidationError);
    expect((err as HrdValidationError).issues.map((i) => i.path)).toEqual(["names"]);
  });

  it("refuses options for non-.pl names before sending, and for taken names at the sandbox, charging nothing", async () => {
    const sent = env.sandbox.counts.get("domain/futureCreate") ?? 0;
    const bad = await env.client.domain.futureCreate({ name: "sklep.com", user: 0 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(HrdValidationError);
    expect((bad as HrdValidationError).issues.map((i) => i.path).sort()).toEqual(["name", "user"]);
    expect((bad as Error).message).toContain("only for .pl names");
    expect(env.sandbox.counts.get("domain/futureCreate") ?? 0).toBe(sent);

    const before = await balance();
    const charges = env.sandbox.state.ledger.length;
    for (const name of ["moja-opcja.pl", "zarejestrowana.pl", "hrd.pl"]) {
      const err = await env.client.domain.futureCreate({ name, user: company }).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(HrdApiError);
      expect((err as HrdApiError).hrdMessage).toMatch(/zarejestrowana lub objęta opcją/);
    }
    expect(env.sandbox.state.futures.get("moja-opcja.pl")?.user).toBe(person);
    expect(await balance()).toBe(before);
    expect(env.sandbox.state.ledger).toHaveLength(charges);
    const missing = await env.client.domain.futureInfo({ name: "bez-opcji.pl" }).catch((e: unknown) => e);
    expect((missing as HrdApiError).hrdMessage).toMatch(/Opcja nie istnieje/);
  });

  it("lists every option page by page with the lastName cursor", async () => {
    const extra = ["a-opcja.pl", "b-opcja.com.pl", "łódź-opcja.pl"];
    for (const name of extra) {
      const { actionId } = await env.client.domain.futureCreate({ name, user: company });
      await env.client.waitForAction(actionId, { intervalMs: 5 });
    }
    env.sandbox.state.pageSize = 2;
    try {
      const firstPage = await env.client.domain.futureList();
      expect(firstPage).toHaveLength(2);
      const all: string[] = [];
      for await (const name of env.client.iterate("domain/futureList")) all.push(name);
      expect(all).toEqual(
        expect.arrayContaining([
          "moja-opcja.pl",
          "odnowa.pl",
          "a-opcja.pl",
          "b-opcja.com.pl",
          "łódź-opcja.pl",
        ]),
      );
      expect(all).toHaveLength(env.sandbox.state.futures.size);
      expect(new Set(all).size).toBe(all.length);
    } finally {
      env.sandbox.state.pageSize = 100;
    }
  });

  it("expires when the clock passes exDate: the name is free again and the option cannot be renewed", async () => {
    const { actionId } = await env.client.domain.futureCreate({ name: "wygasa.pl", user: person });
    await env.client.waitForAction(actionId, { intervalMs: 5 });
    const info = await env.client.domain.futureInfo({ name: "wygasa.pl" });
    expect((await env.client.domain.futureCheck({ names: ["wygasa.pl"] }))[0]?.status).toBe("taken");

    env.sandbox.clock.set(new Date(new Date(`${info.exDate}Z`).getTime() - 86_400_000));
    expect((await env.client.domain.futureInfo({ name: "wygasa.pl" })).status).toBe("registered");
    env.sandbox.clock.advanceDays(2);
    const expired = await env.client.domain.futureInfo({ name: "wygasa.pl" });
    expect(expired.status).toBe("expired");
    expect((await env.client.domain.futureCheck({ names: ["wygasa.pl"] }))[0]?.status).toBe("available");

    const before = await balance();
    const err = await env.client.domain
      .futureRenew({ name: "wygasa.pl", currentExpirationDate: info.exDate! })
      .catch((e: unknown) => e);
    expect((err as HrdApiError).hrdMessage).toMatch(/nie można odnowić/);
    expect(await balance()).toBe(before);
  });
});
