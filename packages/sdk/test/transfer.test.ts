import { HrdApiError, type HrdClient, HrdInsufficientBalanceError, HrdValidationError } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptTrade } from "../../sandbox/src/handlers/transfer.js";
import { COMPANY, NS, PERSON, sandboxAndClient } from "./support/fixtures.js";

type Env = Awaited<ReturnType<typeof sandboxAndClient>>;

const DELAY = 60_000;
const START = "2025-03-10T10:00:00Z";

async function failure(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

const paths = (err: Error) => (err as HrdValidationError).issues.map((i) => i.path).sort();

describe("transfer-in", () => {
  let env: Env;
  let user: number;
  beforeAll(async () => {
    env = await sandboxAndClient({ actionDelayMs: DELAY, startAt: START });
    env.sandbox.clock.freeze();
    env.sandbox.clock.set(START);
    user = (await env.client.user.create(PERSON)).id;
  });
  afterAll(() => env.close());

  it("goes created → started → completed as the clock moves; the domain arrives and is charged once", async () => {
    const { client, sandbox } = env;
    const name = "taken-sklep.pl";
    const before = (await client.partner.getBalance()).balance.grosze;
    const { actionId } = await client.domain.transfer({ name, user, authInfo: "kod-od-starego" });

    expect(await client.domain.transferStatus({ id: actionId })).toEqual({
      domain: name,
      crDate: "2025-03-10T10:00:00",
      status: "created",
    });
    expect((await client.partner.getBalance()).restrictedBalance.grosze).toBe(7900);
    // In the account as `ordered` while it moves: a client that lost the reply can see it arrived.
    expect(await client.domain.info({ name })).toMatchObject({
      status: "ordered",
      user,
      actions: [actionId],
    });

    sandbox.clock.advance(DELAY);
    expect((await client.domain.transferStatus({ id: actionId })).status).toBe("started");
    expect((await client.action.info({ id: actionId })).status).toBe("pending");

    sandbox.clock.advance(DELAY);
    expect((await client.domain.transferStatus({ id: actionId })).status).toBe("completed");
    const action = await client.waitForAction(actionId, { intervalMs: 5 });
    expect(action).toMatchObject({ ok: true, type: "transfer", objectName: name });
    const info = await client.domain.info({ name });
    expect(info).toMatchObject({
      status: "registered",
      user,
      crDate: "2025-03-10T10:02:00",
      exDate: "2026-03-10T10:02:00",
    });
    expect(info.actions).toContain(actionId);
    const charges = sandbox.state.ledger.filter((e) => e.objectName === name);
    expect(charges).toEqual([expect.objectContaining({ type: "transfer", amount: 7900, actionId })]);
    const after = await client.partner.getBalance();
    expect(after.balance.grosze).toBe(before - 7900);
    expect(after.restrictedBalance.grosze).toBe(0);
  });

  it("charges the transfer price per year of the period ordered", async () => {
    const { client, sandbox } = env;
    const { actionId } = await client.domain.transfer({
      name: "taken-dwa-lata.com",
      user,
      period: 2,
      authInfo: "kod",
    });
    sandbox.clock.advance(2 * DELAY);
    expect((await client.waitForAction(actionId, { intervalMs: 5 })).amount?.grosze).toBe(2 * 6200);
    const info = await client.domain.info({ name: "taken-dwa-lata.com" });
    expect(Number(info.exDate!.slice(0, 4)) - Number(info.crDate!.slice(0, 4))).toBe(2);
  });

  it("ends in `authinfo` for a wrong code: the action fails and nothing is charged", async () => {
    const { client, sandbox } = env;
    sandbox.state.foreign.set("obca-domena.pl", {
      authInfo: "Prawdziwy#Kod1",
      registrantEmail: "w@obca.example",
    });
    const balance = (await client.partner.getBalance()).balance.grosze;
    const ledger = sandbox.state.ledger.length;

    const wrong = await client.domain.transfer({ name: "obca-domena.pl", user, authInfo: "Inny#Kod2" });
    const byConvention = await client.domain.transfer({ name: "taken-zly.pl", user, authInfo: "zly-kod" });
    expect((await client.domain.transferStatus({ id: wrong.actionId })).status).toBe("created");
    sandbox.clock.advance(DELAY);
    for (const { actionId } of [wrong, byConvention]) {
      expect((await client.domain.transferStatus({ id: actionId })).status).toBe("authinfo");
      expect((await client.waitForAction(actionId, { intervalMs: 5 })).ok).toBe(false);
    }
    const after = await client.partner.getBalance();
    expect(after.balance.grosze).toBe(balance);
    expect(after.restrictedBalance.grosze).toBe(0);
    expect(sandbox.state.ledger.length).toBe(ledger);
    await expect(client.domain.info({ name: "obca-domena.pl" })).rejects.toThrow(/nie istnieje/);

    // With the right code the same name comes in.
    const right = await client.domain.transfer({ name: "obca-domena.pl", user, authInfo: "Prawdziwy#Kod1" });
    sandbox.clock.advance(2 * DELAY);
    expect((await client.domain.transferStatus({ id: right.actionId })).status).toBe("completed");
    expect((await client.domain.info({ name: "obca-domena.pl" })).user).toBe(user);
  });

  it("refuses a name already in the account, a free name and a second running transfer — without echoing the code", async () => {
    const { client, sandbox } = env;
    const secret = "Tajny#Kod-987";
    const own = await failure(client.domain.transfer({ name: "taken-sklep.pl", user, authInfo: secret }));
    expect(own).toBeInstanceOf(HrdApiError);
    expect(own.message).toMatch(/już na koncie partnera/);
    expect(own.message).not.toContain(secret);
    expect((own as HrdApiError).rawXml).not.toContain(secret);
    const free = await failure(
      client.domain.transfer({ name: "wolna-nazwa-xyz.pl", user, authInfo: secret }),
    );
    expect(free.message).toMatch(/nie jest zarejestrowana u innego rejestratora/);

    const first = await client.domain.transfer({ name: "taken-w-toku.pl", user, authInfo: "kod" });
    const twice = await failure(client.domain.transfer({ name: "taken-w-toku.pl", user, authInfo: "kod" }));
    expect(twice.message).toMatch(/już w toku/);
    sandbox.clock.advance(2 * DELAY);
    expect((await client.domain.transferStatus({ id: first.actionId })).status).toBe("completed");
    await expect(client.domain.transferStatus({ id: 999_999 })).rejects.toThrow(/nie istnieje/);
  });

  it("checks authInfo codes for .pl and .eu names and refuses other TLDs", async () => {
    const { client, sandbox } = env;
    sandbox.state.foreign.set("sprawdzana.eu", {
      authInfo: "EU-kod-1",
      registrantEmail: "x@sprawdzana.example",
    });
    expect(await client.domain.authInfoCheck({ name: "sprawdzana.eu", authInfo: "EU-kod-1" })).toEqual({
      valid: true,
    });
    expect(await client.domain.authInfoCheck({ name: "sprawdzana.eu", authInfo: "EU-kod-2" })).toEqual({
      valid: false,
    });
    expect((await client.domain.authInfoCheck({ name: "hrd.pl", authInfo: "cokolwiek" })).valid).toBe(true);
    expect((await client.domain.authInfoCheck({ name: "hrd.pl", authInfo: "BAD-kod" })).valid).toBe(false);
    await expect(client.domain.authInfoCheck({ name: "example.com", authInfo: "x" })).rejects.toThrow(
      /tylko dla domen \.pl i \.eu/,
    );
    await expect(client.domain.authInfoCheck({ name: "nikt-nie-ma.pl", authInfo: "x" })).rejects.toThrow(
      /nie jest zarejestrowana/,
    );
  });

  it("gives the losing registrant's e-mail for a valid code and refuses a wrong one", async () => {
    const { client, sandbox } = env;
    sandbox.state.foreign.set("z-adresem.pl", {
      authInfo: "Kod-Adres",
      registrantEmail: "anna@z-adresem.example",
    });
    expect(
      await client.domain.transferRegistrantEmail({ name: "z-adresem.pl", authInfo: "Kod-Adres" }),
    ).toEqual({ email: "anna@z-adresem.example" });
    expect(
      await client.domain.transferRegistrantEmail({ name: "taken-bez-adresu.pl", authInfo: "dowolny" }),
    ).toEqual({ email: "abonent@taken-bez-adresu.pl" });
    const wrong = await failure(
      client.domain.transferRegistrantEmail({ name: "z-adresem.pl", authInfo: "Zgadywany-Kod" }),
    );
    expect(wrong.message).toMatch(/Nieprawidłowy kod authInfo/);
    expect(wrong.message).not.toContain("Zgadywany-Kod");
  });

  it("validates transfer input before sending, naming every bad field and never echoing the code", async () => {
    const { client, sandbox } = env;
    const sent = sandbox.counts.get("domain/transfer") ?? 0;
    const long = `Tajny-${"x".repeat(260)}`;
    const err = await failure(
      client.domain.transfer({ name: "zła nazwa", user: 0, period: 0, authInfo: long }),
    );
    expect(err).toBeInstanceOf(HrdValidationError);
    expect(paths(err)).toEqual(["authInfo", "name", "period", "user"]);
    expect(err.message).not.toContain("Tajny");
    const empty = await failure(client.domain.authInfoCheck({ name: "a.pl", authInfo: "" }));
    expect(paths(empty)).toEqual(["authInfo"]);
    const email = await failure(client.domain.transferRegistrantEmail({ name: "-x-", authInfo: "" }));
    expect(paths(email)).toEqual(["authInfo", "name"]);
    await expect(client.domain.transferStatus({ id: 0 })).rejects.toBeInstanceOf(HrdValidationError);
    expect(sandbox.counts.get("domain/transfer") ?? 0).toBe(sent);
  });
});

describe("transfer-in without enough balance", () => {
  let env: Env;
  beforeAll(async () => {
    env = await sandboxAndClient({ balance: 5000 });
  });
  afterAll(() => env.close());

  it("is refused and holds nothing", async () => {
    const { client, sandbox } = env;
    const { id: user } = await client.user.create(PERSON);
    const err = await failure(client.domain.transfer({ name: "taken-drogi.pl", user, authInfo: "kod" }));
    expect(err).toBeInstanceOf(HrdInsufficientBalanceError);
    const b = await client.partner.getBalance();
    expect(b).toEqual({
      balance: { value: "50.00", grosze: 5000 },
      restrictedBalance: { value: "0.00", grosze: 0 },
    });
    expect(sandbox.state.transfers.size).toBe(0);
    expect(sandbox.state.actions.size).toBe(0);
  });

  it("refuses a cesja the balance cannot cover, while a free internal transfer still works", async () => {
    const { client, sandbox } = env;
    const { id: person } = await client.user.create(PERSON);
    const { id: company } = await client.user.create(COMPANY);
    const { actionId } = await client.domain.create({ name: "tania.pl", user: person, ns: NS });
    await client.waitForAction(actionId, { intervalMs: 5 }); // 50 zł − 39 zł = 11 zł left, Cesja is 20 zł
    const { pw } = await client.domain.tradeGetPw({ name: "tania.pl" });
    const err = await failure(client.domain.trade({ name: "tania.pl", user: company, pw }));
    expect(err).toBeInstanceOf(HrdInsufficientBalanceError);
    expect(sandbox.state.trades.size).toBe(0);
    expect((await client.partner.getBalance()).restrictedBalance.grosze).toBe(0);
    const inner = await client.domain.tradeInnerGetPw({ name: "tania.pl" });
    const moved = await client.domain.trade({ name: "tania.pl", user: company, pw: inner.pw });
    expect((await client.waitForAction(moved.actionId, { intervalMs: 5 })).ok).toBe(true);
    expect((await client.domain.info({ name: "tania.pl" })).user).toBe(company);
  });
});

describe("trade (cesja) and internal transfer", () => {
  let env: Env;
  let client: HrdClient;
  let person: number;
  let company: number;
  let n = 0;

  /** A fresh .pl (or other) domain registered to `user`. */
  async function domainOf(user: number, tld = "pl"): Promise<string> {
    const name = `cesja-${++n}.${tld}`;
    const { actionId } = await client.domain.create({ name, user, ns: NS });
    await client.waitForAction(actionId, { intervalMs: 5 });
    return name;
  }

  const ledgerOf = (name: string) => env.sandbox.state.ledger.filter((e) => e.objectName === name);

  beforeAll(async () => {
    env = await sandboxAndClient();
    client = env.client;
    person = (await client.user.create(PERSON)).id;
    company = (await client.user.create(COMPANY)).id;
  });
  afterAll(() => env.close());

  it("runs a full cesja: both sides accept, the payer confirms, the domain moves and Cesja is charged once", async () => {
    const name = await domainOf(person);
    const { pw } = await client.domain.tradeGetPw({ name });
    expect((await client.domain.tradeGetPw({ name })).pw).toBe(pw); // stable until a trade completes
    const before = (await client.partner.getBalance()).balance.grosze;

    const { actionId: id } = await client.domain.trade({ name, user: company, pw });
    const pending = await client.domain.tradeStatus({ id });
    expect(pending).toMatchObject({
      domain: name,
      status: "pending",
      assignorId: person,
      assigneeId: company,
      assignorEmail: PERSON.email,
      assigneeEmail: COMPANY.email,
      payerConfirmationRequired: true,
      adminConfirmationRequired: false,
    });
    expect(pending.assignorAccepted).toBeUndefined();
    expect(Date.parse(pending.exDate!) - Date.parse(pending.crDate)).toBe(14 * 86_400_000);
    expect((await client.partner.getBalance()).restrictedBalance.grosze).toBe(2000);
    await expect(client.domain.trade({ name, user: company, pw })).rejects.toThrow(/już w toku/);
    await expect(client.domain.tradePayerConfirm({ id })).rejects.toThrow(
      /nie została jeszcze zaakceptowana/,
    );

    acceptTrade(env.sandbox.state, id, "assignor", "192.0.2.7");
    const half = await client.domain.tradeStatus({ id });
    expect(half).toMatchObject({ status: "pending", assignorAccepted: true, assignorIP: "192.0.2.7" });
    expect(half.assignorDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(half.assigneeAccepted).toBeUndefined();
    expect(() => acceptTrade(env.sandbox.state, id, "assignor")).toThrow(/już odpowiedziała/);

    acceptTrade(env.sandbox.state, id, "assignee", "192.0.2.8");
    expect(await client.domain.tradeStatus({ id })).toMatchObject({
      status: "confirmed",
      assigneeAccepted: true,
      assigneeIP: "192.0.2.8",
    });
    expect((await client.domain.info({ name })).user).toBe(person); // not before the payer confirms

    await client.domain.tradePayerConfirm({ id });
    expect((await client.waitForAction(id, { intervalMs: 5 })).ok).toBe(true);
    expect((await client.domain.tradeStatus({ id })).status).toBe("completed");
    expect((await client.domain.info({ name })).user).toBe(company);
    expect(ledgerOf(name).filter((e) => e.type === "trade")).toEqual([
      expect.objectContaining({ amount: 2000, actionId: id }),
    ]);
    const after = await client.partner.getBalance();
    expect(after.balance.grosze).toBe(before - 2000);
    expect(after.restrictedBalance.grosze).toBe(0);

    // Finished: no second confirmation, no cancellation, no mails; the old code is spent.
    await expect(client.domain.tradePayerConfirm({ id })).rejects.toThrow(/zakończona/);
    await expect(client.domain.tradeCancel({ id, ip: "192.0.2.1" })).rejects.toThrow(/zakończona/);
    await expect(client.partner.resendTradeMail({ id })).rejects.toThrow(/nie oczekuje/);
    await expect(client.domain.trade({ name, user: person, pw })).rejects.toThrow(/Nieprawidłowy kod cesji/);
    expect((await client.domain.tradeGetPw({ name })).pw).not.toBe(pw);
  });

  it("moves a domain between accounts with the internal-transfer code: no acceptance, no fee", async () => {
    const name = await domainOf(person);
    const { pw } = await client.domain.tradeInnerGetPw({ name });
    expect(pw).not.toBe((await client.domain.tradeGetPw({ name })).pw);
    const before = (await client.partner.getBalance()).balance.grosze;
    const { actionId: id } = await client.domain.trade({ name, user: company, pw });
    await expect(client.partner.resendTradeMail({ id })).rejects.toThrow(/nie wymaga akceptacji/);
    expect((await client.waitForAction(id, { intervalMs: 5 })).ok).toBe(true);
    const status = await client.domain.tradeStatus({ id });
    expect(status).toMatchObject({ status: "completed", payerConfirmationRequired: false });
    expect(status.assignorAccepted).toBeUndefined();
    expect((await client.domain.info({ name })).user).toBe(company);
    expect(ledgerOf(name).filter((e) => e.type === "trade")).toEqual([]);
    expect((await client.partner.getBalance()).balance.grosze).toBe(before);

    // An internal transfer works for a TLD without cesja too.
    const com = await domainOf(person, "com");
    const inner = await client.domain.tradeInnerGetPw({ name: com });
    const moved = await client.domain.trade({ name: com, user: company, pw: inner.pw });
    await client.waitForAction(moved.actionId, { intervalMs: 5 });
    expect((await client.domain.info({ name: com })).user).toBe(company);
  });

  it("is cancelled by the assignor, the assignee or the partner: nothing charged, nothing moved", async () => {
    const name = await domainOf(person);
    const { pw } = await client.domain.tradeGetPw({ name });
    const balance = (await client.partner.getBalance()).balance.grosze;
    const cases = [
      { cancel: client.domain.tradeAssignorCancel, ip: "198.51.100.1", side: "assignor" },
      { cancel: client.domain.tradeAssigneeCancel, ip: "198.51.100.2", side: "assignee" },
      { cancel: client.domain.tradeCancel, ip: "198.51.100.3", side: "partner" },
    ] as const;
    for (const { cancel, ip, side } of cases) {
      const { actionId: id } = await client.domain.trade({ name, user: company, pw });
      if (side === "partner") acceptTrade(env.sandbox.state, id, "assignor"); // cancellable after an acceptance too
      await cancel({ id, ip });
      const status = await client.domain.tradeStatus({ id });
      expect(status.status).toBe("cancelled");
      if (side === "assignor") expect(status).toMatchObject({ assignorAccepted: false, assignorIP: ip });
      if (side === "assignee") expect(status).toMatchObject({ assigneeAccepted: false, assigneeIP: ip });
      expect((await client.waitForAction(id, { intervalMs: 5 })).ok).toBe(false);
      await expect(cancel({ id, ip })).rejects.toThrow(/już anulowana/);
      await expect(client.domain.tradePayerConfirm({ id })).rejects.toThrow(/anulowana/);
      expect(() => acceptTrade(env.sandbox.state, id, "assignee")).toThrow(/anulowana/);
    }
    const after = await client.partner.getBalance();
    expect(after.balance.grosze).toBe(balance);
    expect(after.restrictedBalance.grosze).toBe(0);
    expect(ledgerOf(name).filter((e) => e.type === "trade")).toEqual([]);
    expect((await client.domain.info({ name })).user).toBe(person);
  });

  it("rejects an IPv6 address in a cancellation before sending, naming `ip`", async () => {
    const sent = env.sandbox.counts.get("domain/tradeCancel") ?? 0;
    for (const cancel of [
      client.domain.tradeCancel,
      client.domain.tradeAssignorCancel,
      client.domain.tradeAssigneeCancel,
    ]) {
      const err = await failure(cancel({ id: 1, ip: "2001:db8::1" }));
      expect(err).toBeInstanceOf(HrdValidationError);
      expect(paths(err)).toEqual(["ip"]);
      expect(err.message).toMatch(/ip: must be an IPv4 address \(HRD takes no IPv6/);
    }
    const both = await failure(client.domain.tradeCancel({ id: 0, ip: "1.2.3" }));
    expect(paths(both)).toEqual(["id", "ip"]);
    expect(env.sandbox.counts.get("domain/tradeCancel") ?? 0).toBe(sent);
  });

  it("refuses a wrong trade code, a cesja for a TLD without a Cesja price and a trade to the same account", async () => {
    const name = await domainOf(person);
    await client.domain.tradeGetPw({ name });
    const wrong = await failure(client.domain.trade({ name, user: company, pw: "Zgadywany-Kod-Cesji" }));
    expect(wrong).toBeInstanceOf(HrdApiError);
    expect(wrong.message).toMatch(/Nieprawidłowy kod cesji/);
    expect(wrong.message).not.toContain("Zgadywany-Kod-Cesji");
    expect((wrong as HrdApiError).rawXml).not.toContain("Zgadywany-Kod-Cesji");

    const { pw } = await client.domain.tradeGetPw({ name });
    await expect(client.domain.trade({ name, user: person, pw })).rejects.toThrow(/już przypisana/);
    await expect(client.domain.trade({ name: "nie-moja.pl", user: company, pw })).rejects.toThrow(
      /nie istnieje na koncie/,
    );

    const com = await domainOf(person, "com");
    const code = await client.domain.tradeGetPw({ name: com });
    await expect(client.domain.trade({ name: com, user: company, pw: code.pw })).rejects.toThrow(
      /brak ceny cesji/,
    );
    expect(env.sandbox.state.restricted).toBe(0);
  });

  it("records resent acceptance mails per side and refuses them for the wrong party or an answered side", async () => {
    const name = await domainOf(person);
    const { pw } = await client.domain.tradeGetPw({ name });
    const { actionId: id } = await client.domain.trade({ name, user: company, pw });
    const trade = env.sandbox.state.trades.get(id)!;
    await client.partner.resendTradeMail({ id });
    expect(trade.mailsResent).toEqual({ assignor: 1, assignee: 1 });
    await client.partner.resendTradeMail({ id, assignee: company });
    expect(trade.mailsResent).toEqual({ assignor: 1, assignee: 2 });
    await expect(client.partner.resendTradeMail({ id, assignor: company })).rejects.toThrow(
      /nie jest stroną/,
    );
    acceptTrade(env.sandbox.state, id, "assignor");
    await expect(client.partner.resendTradeMail({ id, assignor: person })).rejects.toThrow(
      /już odpowiedziała/,
    );
    await client.partner.resendTradeMail({ id }); // only the side still waiting
    expect(trade.mailsResent).toEqual({ assignor: 1, assignee: 3 });
    await expect(client.partner.resendTradeMail({ id: 424_242 })).rejects.toThrow(/nie istnieje/);
    await client.domain.tradeCancel({ id, ip: "192.0.2.1" });
    await expect(client.partner.resendTradeMail({ id })).rejects.toThrow(/nie oczekuje/);
    const err = await failure(client.partner.resendTradeMail({ id: 0, assignor: -1 }));
    expect(paths(err)).toEqual(["assignor", "id"]);
  });

  it("accepts automatically for accounts whose e-mail carries +akceptuj, and fails a cesja past its deadline", async () => {
    const auto1 = (await client.user.create({ ...PERSON, email: "jan+akceptuj@example.com" })).id;
    const auto2 = (await client.user.create({ ...COMPANY, email: "biuro+akceptuj@example.com" })).id;
    const name = await domainOf(auto1);
    const { pw } = await client.domain.tradeGetPw({ name });
    const { actionId: id } = await client.domain.trade({ name, user: auto2, pw });
    const status = await client.domain.tradeStatus({ id });
    expect(status).toMatchObject({ status: "confirmed", assignorAccepted: true, assigneeAccepted: true });
    await client.domain.tradePayerConfirm({ id });
    await client.waitForAction(id, { intervalMs: 5 });
    expect((await client.domain.info({ name })).user).toBe(auto2);

    // Only the assignor accepts by itself; nobody else answers within 14 days.
    const late = await domainOf(auto1);
    const code = await client.domain.tradeGetPw({ name: late });
    const t = await client.domain.trade({ name: late, user: company, pw: code.pw });
    expect(await client.domain.tradeStatus({ id: t.actionId })).toMatchObject({
      status: "pending",
      assignorAccepted: true,
    });
    env.sandbox.clock.advanceDays(13);
    expect((await client.domain.tradeStatus({ id: t.actionId })).status).toBe("pending");
    env.sandbox.clock.advanceDays(2);
    expect((await client.domain.tradeStatus({ id: t.actionId })).status).toBe("failed");
    expect((await client.waitForAction(t.actionId, { intervalMs: 5 })).ok).toBe(false);
    expect(ledgerOf(late)).toEqual([expect.objectContaining({ type: "create" })]);
    expect(env.sandbox.state.restricted).toBe(0);
  });

  it("validates trade input before sending, naming every bad field and never echoing the code", async () => {
    const sent = env.sandbox.counts.get("domain/trade") ?? 0;
    const err = await failure(client.domain.trade({ name: "zła nazwa", user: 0, pw: "" }));
    expect(paths(err)).toEqual(["name", "pw", "user"]);
    const long = await failure(
      client.domain.trade({ name: "a.pl", user: 1, pw: `Sekret-${"y".repeat(300)}` }),
    );
    expect(paths(long)).toEqual(["pw"]);
    expect(long.message).not.toContain("Sekret");
    expect(paths(await failure(client.domain.tradeStatus({ id: -1 })))).toEqual(["id"]);
    expect(paths(await failure(client.domain.tradeGetPw({ name: "" })))).toEqual(["name"]);
    expect(paths(await failure(client.domain.tradeInnerGetPw({ name: "x" })))).toEqual(["name"]);
    expect(paths(await failure(client.domain.tradePayerConfirm({ id: 1.5 })))).toEqual(["id"]);
    expect(env.sandbox.counts.get("domain/trade") ?? 0).toBe(sent);
  });
});
