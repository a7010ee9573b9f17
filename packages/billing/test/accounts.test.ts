import { createHash } from "node:crypto";
import {
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  changePassword,
  consentHistory,
  createCustomer,
  createStaff,
  type Db,
  getCustomer,
  LoginRefusedError,
  LoginThrottledError,
  listStaff,
  logIn,
  logOut,
  purgeExpiredSessions,
  ResetTokenInvalidError,
  readSession,
  requestPasswordReset,
  resetPassword,
  SESSION_LIMITS,
  SessionEndedError,
  type SignUpInput,
  setStaffDisabled,
  signUp,
  THROTTLE,
} from "@hrdkit/billing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ipKey } from "../src/accounts/throttle.js";
import { drivers } from "./support/db.js";

const T0 = new Date("2026-12-01T09:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

const PASSWORD = "Zażółć gęślą jaźń 7";
const ADDRESS = { street: "ul. Prosta 1", postcode: "00-950", city: "Warszawa" };

/** What the sign-up form posts (after the page has turned checkboxes into booleans). */
function form(email: string, extra: Partial<SignUpInput> = {}): SignUpInput {
  return {
    customer: {
      name: "Anna Nowak",
      email,
      mobilePhone: "601 234 567",
      addresses: { correspondence: ADDRESS },
    },
    password: PASSWORD,
    acceptTerms: true,
    termsVersion: "2026-11-01",
    newsletter: true,
    offers: false,
    ip: "203.0.113.7",
    ...extra,
  };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

async function issuesOf(p: Promise<unknown>): Promise<Record<string, string>> {
  const err = await failure(p);
  expect(err).toBeInstanceOf(BillingValidationError);
  return Object.fromEntries((err as BillingValidationError).issues.map((i) => [i.path, i.message]));
}

describe("the throttle's address key", () => {
  it("counts an IPv6 /64 as one address and an IPv4-mapped address as IPv4", () => {
    expect(ipKey("2001:db8:1:2:aaaa::1")).toBe(ipKey("2001:0db8:0001:0002:ffff:1:2:3"));
    expect(ipKey("2001:db8:1:2::1")).not.toBe(ipKey("2001:db8:1:3::1"));
    expect(ipKey("::ffff:198.51.100.9")).toBe("198.51.100.9");
    expect(ipKey("not an address")).toBeNull();
    expect(ipKey(undefined)).toBeNull();
  });
});

describe.each(drivers())("accounts on $name", (driver) => {
  let db: Db;
  let n = 0;
  /** A fresh address per test, so tests do not share throttle counts or accounts. */
  const email = (who = "anna") => `${who}.${++n}@example.pl`;
  const count = async (table: string) =>
    Number((await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
  const counts = async () =>
    Promise.all(
      ["customers", "customer_addresses", "customer_consents", "logins", "login_sessions"].map(count),
    );

  beforeAll(async () => {
    db = await driver.open();
  });
  afterAll(() => driver.dispose(db));

  it("signs a customer up: the customer, both consents in the history, the terms, a live session", async () => {
    const address = email();
    const { customer, session } = await signUp(db, form(address), { now: T0 });
    expect(await getCustomer(db, customer.id)).toMatchObject({
      name: "Anna Nowak",
      email: address,
      mobilePhone: "+48601234567",
      consents: { newsletter: { granted: true }, offers: { granted: false } },
    });
    const history = await consentHistory(db, customer.id);
    expect(history.map((h) => [h.kind, h.granted, h.via, h.actor, h.at.toISOString()])).toEqual([
      ["newsletter", true, "form", "customer", T0.toISOString()],
      ["offers", false, "form", "customer", T0.toISOString()],
    ]);
    expect(history[0]!.note).toContain("203.0.113.7");
    const { rows } = await db.query<{ terms_accepted_at: Date; terms_version: string }>(
      "SELECT terms_accepted_at, terms_version FROM logins WHERE customer_id = $1",
      [customer.id],
    );
    expect(rows).toEqual([{ terms_accepted_at: T0, terms_version: "2026-11-01" }]);
    expect(session.expiresAt).toEqual(at(120));
    expect(await readSession(db, "customer", session.token, { now: at(1) })).toMatchObject({
      realm: "customer",
      customerId: customer.id,
      staffId: null,
      email: address,
      name: "Anna Nowak",
    });
    // The same cookie is no staff session.
    expect(await readSession(db, "staff", session.token, { now: at(1) })).toBeNull();
    // The customer can log in with the password at once.
    await expect(
      logIn(db, { realm: "customer", email: address, password: PASSWORD }, { now: at(2) }),
    ).resolves.toMatchObject({
      token: expect.any(String),
    });
  });

  it("names every bad field of a sign-up at once and writes nothing", async () => {
    const before = await counts();
    const password = "krotkie";
    const bad = {
      customer: { name: " ", email: "anna.nowak(at)example.pl", addresses: { correspondence: ADDRESS } },
      password,
      acceptTerms: false,
      newsletter: "tak",
    } as unknown as SignUpInput;
    const err = await failure(signUp(db, bad, { now: T0 }));
    expect(err).toBeInstanceOf(BillingValidationError);
    const issues = Object.fromEntries((err as BillingValidationError).issues.map((i) => [i.path, i.message]));
    expect(Object.keys(issues).sort()).toEqual([
      "acceptTerms",
      "customer.email",
      "customer.name",
      "newsletter",
      "password",
    ]);
    expect(issues.password).toMatch(/at least 10/);
    expect(JSON.stringify({ message: err.message, issues })).not.toContain(password);

    // No e-mail: required, and createCustomer's rule for details (an address) is listed with it.
    const noEmail = await issuesOf(
      signUp(
        db,
        { ...form(""), customer: { name: "Jan Kowalski", mobilePhone: "601 234 567" } },
        { now: T0 },
      ),
    );
    expect(Object.keys(noEmail).sort()).toEqual(["customer.addresses.correspondence", "customer.email"]);
    // The password equal to the e-mail is refused too.
    const same = email();
    expect(
      Object.keys(await issuesOf(signUp(db, form(same, { password: same.toUpperCase() }), { now: T0 }))),
    ).toEqual(["password"]);
    expect(await counts()).toEqual(before);
  });

  it("refuses a second account for the same e-mail, in any case, and for a customer entered by hand", async () => {
    const address = email("marek");
    await signUp(db, form(address), { now: T0 });
    const before = await counts();
    for (const again of [address, address.toUpperCase(), ` ${address.replace("marek", "Marek")} `]) {
      const err = await failure(signUp(db, form(again), { now: T0 }));
      expect(err).toBeInstanceOf(BillingConflictError);
      expect(err).toMatchObject({ code: "account_exists" });
    }
    const byHand = email("reczny");
    await createCustomer(db, {
      name: "Ręczny Klient",
      email: byHand,
      addresses: { correspondence: ADDRESS },
    });
    const before2 = await counts();
    await expect(signUp(db, form(byHand.toUpperCase()), { now: T0 })).rejects.toMatchObject({
      code: "account_exists",
    });
    expect(await counts()).toEqual(before2);
    expect(before2[0]).toBe(before[0]! + 1);
  });

  it("logs in with the right password (any case of the e-mail), and refuses the rest alike", async () => {
    const address = email("ola");
    await signUp(db, form(address), { now: T0 });
    const s = await logIn(
      db,
      { realm: "customer", email: address.toUpperCase(), password: PASSWORD },
      { now: at(1) },
    );
    expect((await readSession(db, "customer", s.token, { now: at(2) }))?.email).toBe(address);

    const t1 = performance.now();
    const wrong = await failure(
      logIn(db, { realm: "customer", email: address, password: `${PASSWORD}!` }, { now: at(3) }),
    );
    const wrongMs = performance.now() - t1;
    const t2 = performance.now();
    const unknown = await failure(
      logIn(db, { realm: "customer", email: email("nikt"), password: PASSWORD }, { now: at(3) }),
    );
    const unknownMs = performance.now() - t2;
    const staff = await failure(
      logIn(db, { realm: "staff", email: address, password: PASSWORD }, { now: at(3) }),
    );
    for (const e of [wrong, unknown, staff]) {
      expect(e).toBeInstanceOf(LoginRefusedError);
      expect(e.message).toBe(wrong.message);
      expect(e.message).not.toContain(PASSWORD);
    }
    // An unknown e-mail still spends a scrypt: no faster answer to tell it from a wrong password.
    expect(unknownMs).toBeGreaterThan(wrongMs * 0.4);
  });

  it("throttles failed logins per e-mail, before the password is checked, and escalates", async () => {
    const address = email("celina");
    await signUp(db, form(address), { now: T0 });
    const attempt = (minutes: number, password = "zle haslo 123") =>
      logIn(db, { realm: "customer", email: address, password }, { now: at(minutes) });
    for (let i = 0; i < THROTTLE.loginPerEmail.limit; i++)
      await expect(attempt(i)).rejects.toBeInstanceOf(LoginRefusedError);
    // The 5th failure was at minute 4, the 1st at minute 0: locked until minute 15.
    const locked = await failure(attempt(5, PASSWORD));
    expect(locked).toBeInstanceOf(LoginThrottledError);
    expect((locked as LoginThrottledError).retryAfterSeconds).toBe(10 * 60);
    // Another address is not locked with it.
    await expect(
      logIn(db, { realm: "customer", email: email("inna"), password: "zle haslo 123" }, { now: at(5) }),
    ).rejects.toBeInstanceOf(LoginRefusedError);
    // Five more failures after the wait: the lock is now twice as long.
    for (let i = 16; i < 21; i++) await expect(attempt(i)).rejects.toBeInstanceOf(LoginRefusedError);
    const longer = (await failure(attempt(21, PASSWORD))) as LoginThrottledError;
    expect(longer).toBeInstanceOf(LoginThrottledError);
    expect(longer.retryAfterSeconds).toBe((16 + 30 - 21) * 60);
    // After it, the right password works and clears the e-mail's failures.
    await expect(attempt(47, PASSWORD)).resolves.toMatchObject({ token: expect.any(String) });
    for (let i = 0; i < 4; i++) await expect(attempt(48)).rejects.toBeInstanceOf(LoginRefusedError);
    await expect(attempt(49, PASSWORD)).resolves.toMatchObject({ token: expect.any(String) });
    for (let i = 0; i < 4; i++) await expect(attempt(50)).rejects.toBeInstanceOf(LoginRefusedError);
    await expect(attempt(51, PASSWORD)).resolves.toMatchObject({ token: expect.any(String) });
  });

  it("throttles failed logins per address, whatever the e-mail", async () => {
    const address = email("dorota");
    await signUp(db, form(address), { now: T0 });
    const ip = "198.51.100.23";
    for (let i = 0; i < THROTTLE.loginPerIp.limit; i++) {
      await expect(
        logIn(
          db,
          { realm: "customer", email: email("zgadywany"), password: "zle haslo 123", ip },
          { now: at(i / 4) },
        ),
      ).rejects.toBeInstanceOf(LoginRefusedError);
    }
    const err = await failure(
      logIn(db, { realm: "customer", email: address, password: PASSWORD, ip }, { now: at(6) }),
    );
    expect(err).toBeInstanceOf(LoginThrottledError);
    expect((err as LoginThrottledError).retryAfterSeconds).toBe(9 * 60);
    // The same person from elsewhere, or later from there, gets in.
    await expect(
      logIn(
        db,
        { realm: "customer", email: address, password: PASSWORD, ip: "198.51.100.24" },
        { now: at(6) },
      ),
    ).resolves.toBeDefined();
    await expect(
      logIn(db, { realm: "customer", email: address, password: PASSWORD, ip }, { now: at(16) }),
    ).resolves.toBeDefined();
  });

  it("slides a customer's session while it is used, up to its absolute end", async () => {
    const { session } = await signUp(db, form(email("ewa")), { now: T0 });
    const lastSeen = async () =>
      (
        await db.query<{ last_seen_at: Date }>(
          "SELECT last_seen_at FROM login_sessions WHERE token_hash = $1",
          [Buffer.from(sha256(session.token), "hex")],
        )
      ).rows[0]!.last_seen_at;
    // Within a minute of the last write: read, not written again.
    expect(
      (await readSession(db, "customer", session.token, { now: new Date(T0.getTime() + 30_000) }))?.expiresAt,
    ).toEqual(at(120));
    expect(await lastSeen()).toEqual(T0);
    // Used every 110 minutes, it lives on past its first idle end …
    for (let m = 110; m < 12 * 60; m += 110) {
      const s = await readSession(db, "customer", session.token, { now: at(m) });
      expect(s?.expiresAt).toEqual(new Date(Math.min(at(m + 120).getTime(), at(12 * 60).getTime())));
      expect(await lastSeen()).toEqual(at(m));
    }
    // … but not past 12 hours after the login.
    expect(await readSession(db, "customer", session.token, { now: at(12 * 60 + 1) })).toBeNull();

    // Left alone for more than 2 hours, a session ends.
    const idle = await signUp(db, form(email("ewa")), { now: T0 });
    expect(await readSession(db, "customer", idle.session.token, { now: at(119) })).not.toBeNull();
    expect(await readSession(db, "customer", idle.session.token, { now: at(119 + 121) })).toBeNull();
    expect(SESSION_LIMITS.customer).toEqual({ idleSeconds: 7200, absoluteSeconds: 43200 });
  });

  it("logs out, and ignores a missing or made-up cookie", async () => {
    const { session } = await signUp(db, form(email("filip")), { now: T0 });
    const other = await logIn(
      db,
      { realm: "customer", email: `filip.${n}@example.pl`, password: PASSWORD },
      { now: T0 },
    );
    await logOut(db, session.token);
    expect(await readSession(db, "customer", session.token, { now: at(1) })).toBeNull();
    expect(await readSession(db, "customer", other.token, { now: at(1) })).not.toBeNull();
    await logOut(db, undefined);
    await logOut(db, "x".repeat(43));
    expect(await readSession(db, "customer", undefined)).toBeNull();
    expect(
      await readSession(
        db,
        "customer",
        `${other.token.slice(0, -1)}${other.token.endsWith("A") ? "B" : "A"}`,
        { now: at(1) },
      ),
    ).toBeNull();
  });

  it("resets a password once: other sessions end, the link cannot be used again or late", async () => {
    const address = email("grzegorz");
    const { customer, session: first } = await signUp(db, form(address), { now: T0 });
    const second = await logIn(db, { realm: "customer", email: address, password: PASSWORD }, { now: T0 });
    expect(
      await requestPasswordReset(db, { realm: "customer", email: email("nieznany") }, { now: at(1) }),
    ).toBeNull();
    const ticket = await requestPasswordReset(
      db,
      { realm: "customer", email: address.toUpperCase() },
      { now: at(1) },
    );
    expect(ticket).toMatchObject({
      email: address,
      name: "Anna Nowak",
      customerId: customer.id,
      expiresAt: at(61),
    });

    // A password against the rules is refused, and the link still works.
    expect(
      Object.keys(
        await issuesOf(
          resetPassword(db, { realm: "customer", token: ticket!.token, password: "krotkie" }, { now: at(2) }),
        ),
      ),
    ).toEqual(["password"]);
    const fresh = await resetPassword(
      db,
      { realm: "customer", token: ticket!.token, password: "Nowe hasło 2026" },
      { now: at(3) },
    );
    expect((await readSession(db, "customer", fresh.token, { now: at(4) }))?.customerId).toBe(customer.id);
    for (const old of [first, second])
      expect(await readSession(db, "customer", old.token, { now: at(4) })).toBeNull();
    await expect(
      logIn(db, { realm: "customer", email: address, password: PASSWORD }, { now: at(5) }),
    ).rejects.toBeInstanceOf(LoginRefusedError);
    await expect(
      logIn(db, { realm: "customer", email: address, password: "Nowe hasło 2026" }, { now: at(5) }),
    ).resolves.toBeDefined();

    // Used once: never again.
    await expect(
      resetPassword(
        db,
        { realm: "customer", token: ticket!.token, password: "Inne hasło 2026" },
        { now: at(6) },
      ),
    ).rejects.toBeInstanceOf(ResetTokenInvalidError);
    // Expired after an hour.
    const late = await requestPasswordReset(db, { realm: "customer", email: address }, { now: at(10) });
    await expect(
      resetPassword(
        db,
        { realm: "customer", token: late!.token, password: "Inne hasło 2026" },
        { now: at(71) },
      ),
    ).rejects.toBeInstanceOf(ResetTokenInvalidError);
    // Made up, or for the other realm.
    await expect(
      resetPassword(
        db,
        { realm: "customer", token: "A".repeat(43), password: "Inne hasło 2026" },
        { now: at(11) },
      ),
    ).rejects.toBeInstanceOf(ResetTokenInvalidError);
    const staffRealm = await requestPasswordReset(db, { realm: "customer", email: address }, { now: at(12) });
    await expect(
      resetPassword(
        db,
        { realm: "staff", token: staffRealm!.token, password: "Inne hasło 2026" },
        { now: at(13) },
      ),
    ).rejects.toBeInstanceOf(ResetTokenInvalidError);
  });

  it("gives a customer entered by hand a login through a reset link", async () => {
    const address = email("henryk");
    const c = await createCustomer(db, {
      name: "Henryk Sienkiewicz",
      email: address,
      addresses: { correspondence: ADDRESS },
    });
    const ticket = await requestPasswordReset(
      db,
      { realm: "customer", email: address, ip: "203.0.113.50" },
      { now: T0 },
    );
    expect(ticket).toMatchObject({ email: address, name: "Henryk Sienkiewicz", customerId: c.id });
    expect(await count(`logins WHERE customer_id = ${c.id}`)).toBe(0);
    const s = await resetPassword(
      db,
      { realm: "customer", token: ticket!.token, password: "Quo vadis 1896" },
      { now: at(1) },
    );
    expect(await readSession(db, "customer", s.token, { now: at(2) })).toMatchObject({
      customerId: c.id,
      name: "Henryk Sienkiewicz",
    });
    await expect(
      logIn(db, { realm: "customer", email: address, password: "Quo vadis 1896" }, { now: at(3) }),
    ).resolves.toBeDefined();
  });

  it("throttles reset requests per e-mail", async () => {
    const address = email("irena");
    await signUp(db, form(address), { now: T0 });
    for (let i = 0; i < THROTTLE.resetPerEmail.limit; i++)
      expect(
        await requestPasswordReset(db, { realm: "customer", email: address }, { now: at(i) }),
      ).not.toBeNull();
    const err = await failure(
      requestPasswordReset(db, { realm: "customer", email: address }, { now: at(10) }),
    );
    expect(err).toBeInstanceOf(LoginThrottledError);
    expect((err as LoginThrottledError).retryAfterSeconds).toBe(50 * 60);
    expect(
      await requestPasswordReset(db, { realm: "customer", email: address }, { now: at(61) }),
    ).not.toBeNull();
  });

  it("changes a password after checking the current one; other sessions end", async () => {
    const address = email("jerzy");
    const { session: token } = await signUp(db, form(address), { now: T0 });
    const other = await logIn(db, { realm: "customer", email: address, password: PASSWORD }, { now: T0 });
    const session = (await readSession(db, "customer", token.token, { now: at(1) }))!;
    const both = await issuesOf(
      changePassword(
        db,
        { session, currentPassword: "nie to haslo", newPassword: "krotkie" },
        { now: at(2) },
      ),
    );
    expect(Object.keys(both).sort()).toEqual(["currentPassword", "newPassword"]);
    await changePassword(
      db,
      { session, currentPassword: PASSWORD, newPassword: "Całkiem nowe 42" },
      { now: at(3) },
    );
    expect(await readSession(db, "customer", token.token, { now: at(4) })).not.toBeNull();
    expect(await readSession(db, "customer", other.token, { now: at(4) })).toBeNull();
    await expect(
      logIn(db, { realm: "customer", email: address, password: "Całkiem nowe 42" }, { now: at(5) }),
    ).resolves.toBeDefined();
    await expect(
      logIn(db, { realm: "customer", email: address, password: PASSWORD }, { now: at(5) }),
    ).rejects.toBeInstanceOf(LoginRefusedError);
    // Once logged out, the session can change nothing.
    await logOut(db, token.token);
    await expect(
      changePassword(
        db,
        { session, currentPassword: "Całkiem nowe 42", newPassword: "Jeszcze inne 43" },
        { now: at(6) },
      ),
    ).rejects.toBeInstanceOf(SessionEndedError);
  });

  it("creates, lists and disables staff; a disabled member's sessions end", async () => {
    const address = email("kasia");
    const issues = await issuesOf(
      createStaff(db, { email: "kasia@", name: "", password: "kasia@" }, { now: T0 }),
    );
    expect(Object.keys(issues).sort()).toEqual(["email", "name", "password"]);
    const staff = await createStaff(
      db,
      { email: address, name: "Katarzyna Obsługa", password: "Panel partnera 1" },
      { now: T0 },
    );
    expect(staff).toEqual({
      id: expect.any(Number),
      email: address,
      name: "Katarzyna Obsługa",
      disabled: false,
      createdAt: T0,
    });
    await expect(
      createStaff(db, { email: address.toUpperCase(), name: "Kasia", password: "Panel partnera 2" }),
    ).rejects.toMatchObject({ code: "account_exists" });
    expect((await listStaff(db)).filter((s) => s.email === address)).toEqual([staff]);

    const s = await logIn(
      db,
      { realm: "staff", email: address, password: "Panel partnera 1" },
      { now: at(1) },
    );
    expect(SESSION_LIMITS.staff.idleSeconds).toBe(3600);
    expect(s.expiresAt).toEqual(at(61));
    expect(await readSession(db, "staff", s.token, { now: at(2) })).toMatchObject({
      staffId: staff.id,
      customerId: null,
      name: "Katarzyna Obsługa",
    });
    expect(await readSession(db, "customer", s.token, { now: at(2) })).toBeNull();
    // The customer realm knows no such login.
    await expect(
      logIn(db, { realm: "customer", email: address, password: "Panel partnera 1" }, { now: at(2) }),
    ).rejects.toBeInstanceOf(LoginRefusedError);

    expect((await setStaffDisabled(db, staff.id, true)).disabled).toBe(true);
    expect(await readSession(db, "staff", s.token, { now: at(3) })).toBeNull();
    await expect(
      logIn(db, { realm: "staff", email: address, password: "Panel partnera 1" }, { now: at(4) }),
    ).rejects.toBeInstanceOf(LoginRefusedError);
    expect(await requestPasswordReset(db, { realm: "staff", email: address }, { now: at(4) })).toBeNull();
    await setStaffDisabled(db, staff.id, false);
    await expect(
      logIn(db, { realm: "staff", email: address, password: "Panel partnera 1" }, { now: at(5) }),
    ).resolves.toBeDefined();
    await expect(setStaffDisabled(db, 999_999, true)).rejects.toBeInstanceOf(BillingNotFoundError);
  });

  it("never stores a password or a token in clear", async () => {
    const address = email("leszek");
    const { customer, session } = await signUp(db, form(address), { now: T0 });
    const ticket = (await requestPasswordReset(db, { realm: "customer", email: address }, { now: at(1) }))!;
    const dump = async (table: string) =>
      (await db.query<{ j: string }>(`SELECT row_to_json(t)::text AS j FROM ${table} t`)).rows
        .map((r) => r.j)
        .join("\n");
    const all = (
      await Promise.all(["logins", "login_sessions", "login_reset_tokens", "login_attempts"].map(dump))
    ).join("\n");
    for (const secret of [PASSWORD, session.token, ticket.token]) expect(all).not.toContain(secret);
    // What is kept is the SHA-256 of each token.
    const hashes = await db.query<{ h: string }>(
      `SELECT encode(token_hash, 'hex') AS h FROM login_sessions s JOIN logins l ON l.id = s.login_id WHERE l.customer_id = $1
       UNION ALL SELECT encode(token_hash, 'hex') FROM login_reset_tokens WHERE customer_id = $1`,
      [customer.id],
    );
    expect(hashes.rows.map((r) => r.h).sort()).toEqual([sha256(session.token), sha256(ticket.token)].sort());
  });

  it("purges expired sessions, spent reset links and old throttle records", async () => {
    const address = email("monika");
    const { session } = await signUp(db, form(address), { now: at(24 * 60) });
    const ticket = await requestPasswordReset(
      db,
      { realm: "customer", email: address },
      { now: at(24 * 60) },
    );
    await expect(
      logIn(db, { realm: "customer", email: address, password: "zle haslo 123" }, { now: at(24 * 60) }),
    ).rejects.toBeInstanceOf(LoginRefusedError);
    // Two days later everything of this test (and of the tests before) is gone; the next run finds nothing.
    const later = { now: at(3 * 24 * 60) };
    expect(await purgeExpiredSessions(db, later)).toBeGreaterThanOrEqual(3);
    expect(await purgeExpiredSessions(db, later)).toBe(0);
    expect(await count("login_sessions")).toBe(0);
    expect(await count("login_attempts")).toBe(0);
    await expect(
      resetPassword(db, { realm: "customer", token: ticket!.token, password: "Inne hasło 2026" }, later),
    ).rejects.toBeInstanceOf(ResetTokenInvalidError);
    expect(await readSession(db, "customer", session.token, later)).toBeNull();
    // A live session survives a purge.
    const live = await logIn(db, { realm: "customer", email: address, password: PASSWORD }, later);
    expect(await purgeExpiredSessions(db, later)).toBe(0);
    expect(await readSession(db, "customer", live.token, later)).not.toBeNull();
  });
});
