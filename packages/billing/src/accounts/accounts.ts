/** Sign-up, login and a logged-in password change. */
import { z } from "zod";
import { recordConsent } from "../customers/consents.js";
import { type Customer, createCustomer } from "../customers/customers.js";
import { createSchema, parseCustomer, presenceOf } from "../customers/input.js";
import type { Db } from "../db/db.js";
import { BillingValidationError, type FieldIssue } from "../errors.js";
import { parseInput } from "../validate.js";
import { accountExists, findLogin, insertLogin, loginById, setPassword, voidResetTokens } from "./logins.js";
import { hashPassword, needsRehash, passwordIssues, spendVerification, verifyPassword } from "./passwords.js";
import { clockOf, endSessions, openSession } from "./sessions.js";
import { checkThrottle, clearLoginFailures, emailKey, ipKey, recordAttempt } from "./throttle.js";
import {
  type ClockOption,
  type LogInInput,
  LoginRefusedError,
  type NewSession,
  type Session,
  SessionEndedError,
  type SignUpInput,
} from "./types.js";

const realmSchema = z.enum(["customer", "staff"], "must be customer or staff");
/** Longer than any acceptable password, so a typo'd long one is refused, not rejected as input. */
const typedPassword = z.string("must be text").max(1000, "is too long");
const ipSchema = z.string("must be text").max(100).optional();

const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** Every issue of a sign-up at once: the customer's (prefixed `customer.`), then the account's. */
function signUpIssues(input: SignUpInput): FieldIssue[] {
  const raw = asRecord(input as unknown) ?? {};
  const issues: FieldIssue[] = [];
  const customer = asRecord(raw.customer);
  let email: string | undefined;
  if (!customer) {
    issues.push({ path: "customer", message: "must be the customer's data" });
  } else {
    const given = typeof customer.email === "string" && customer.email.trim() !== "";
    // The e-mail is required here, and with it come createCustomer's rules for a customer with
    // details (a correspondence address): check them as if it were given, to list them all now.
    const presence = presenceOf(given ? customer : { ...customer, email: "required" });
    try {
      email = parseCustomer("signUp", createSchema, customer, presence).email;
    } catch (err) {
      if (!(err instanceof BillingValidationError)) throw err;
      for (const i of err.issues)
        issues.push({ path: i.path ? `customer.${i.path}` : "customer", message: i.message });
    }
    if (!given && !issues.some((i) => i.path === "customer.email"))
      issues.push({ path: "customer.email", message: "is required: it is the login" });
  }
  issues.push(
    ...passwordIssues(
      "password",
      raw.password,
      email ?? (typeof customer?.email === "string" ? customer.email : null),
    ),
  );
  if (raw.acceptTerms !== true) issues.push({ path: "acceptTerms", message: "the terms must be accepted" });
  const rest = z
    .object({
      termsVersion: z.string("must be text").trim().min(1, "must not be empty").max(50).optional(),
      newsletter: z.boolean("must be true or false"),
      offers: z.boolean("must be true or false").optional(),
      ip: ipSchema,
    })
    .safeParse(raw);
  if (!rest.success)
    issues.push(
      ...rest.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    );
  return issues;
}

/**
 * Creates the customer (createCustomer's validation), the login, the consent records and a
 * session, in one transaction. BillingValidationError names every bad field (customer fields
 * prefixed `customer.`, `password`, `acceptTerms`); an e-mail that already has a login, or that a
 * customer entered by the partner already has (they set a password with a reset link instead),
 * → BillingConflictError code `account_exists`.
 */
export async function signUp(
  db: Db,
  input: SignUpInput,
  o?: ClockOption,
): Promise<{ customer: Customer; session: NewSession }> {
  const issues = signUpIssues(input);
  if (issues.length > 0) throw new BillingValidationError("signUp", issues);
  const now = clockOf(o);
  const email = input.customer.email!.trim();
  // Hashed before the transaction: no row is held while scrypt runs.
  const password = await hashPassword(input.password);
  const note = input.ip ? `sign-up form, address ${input.ip}` : "sign-up form";
  return db.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      `SELECT 1 FROM logins WHERE realm = 'customer' AND lower(email) = lower($1)
       UNION ALL SELECT 1 FROM customers WHERE lower(email) = lower($1) LIMIT 1`,
      [email],
    );
    if (rowCount > 0) throw accountExists();
    const customer = await createCustomer(tx, input.customer);
    const loginId = await insertLogin(tx, {
      realm: "customer",
      email,
      customerId: customer.id,
      password,
      terms: { acceptedAt: now, version: input.termsVersion?.trim() || "1" },
      now,
    });
    for (const [kind, granted] of [
      ["newsletter", input.newsletter],
      ["offers", input.offers ?? false],
    ] as const) {
      await recordConsent(tx, {
        customerId: customer.id,
        kind,
        granted,
        at: now,
        via: "form",
        actor: "customer",
        note,
      });
    }
    return { customer, session: await openSession(tx, "customer", loginId, now) };
  });
}

const logInSchema = z.object({
  realm: realmSchema,
  email: z.string("must be text").max(1000, "is too long"),
  password: typedPassword,
  ip: ipSchema,
});

/**
 * Opens a session, or LoginRefusedError (the same for an unknown e-mail, a wrong password and a
 * disabled staff member) / LoginThrottledError (checked before the password).
 */
export async function logIn(db: Db, input: LogInInput, o?: ClockOption): Promise<NewSession> {
  const v = parseInput("logIn", logInSchema, input);
  const now = clockOf(o);
  const key = { kind: "login" as const, realm: v.realm, emailHash: emailKey(v.email), ip: ipKey(v.ip) };
  await checkThrottle(db, key, now);
  // Counted before the password is checked (and forgiven on success), so parallel guesses count too.
  await recordAttempt(db, key, now);
  const login = v.email.trim() ? await findLogin(db, v.realm, v.email) : undefined;
  // An unknown e-mail still spends one scrypt: the answer takes as long as a wrong password.
  const ok = login ? await verifyPassword(v.password, login.password) : await spendVerification(v.password);
  if (!login || !ok || login.disabled) throw new LoginRefusedError();
  await clearLoginFailures(db, v.realm, key.emailHash);
  if (needsRehash(login.password.params))
    await setPassword(db, login.id, await hashPassword(v.password), now);
  return openSession(db, v.realm, login.id, now);
}

const changeSchema = z.object({
  session: z.object({ id: z.string("must be a session"), realm: realmSchema }, "must be a session"),
  currentPassword: typedPassword,
  newPassword: z.unknown(),
});

/**
 * A logged-in password change: the current password is checked (a wrong one is a validation
 * issue on `currentPassword`, and counts as a failed login); every other session ends.
 * SessionEndedError when `session` is no longer live.
 */
export async function changePassword(
  db: Db,
  input: { session: Session; currentPassword: string; newPassword: string },
  o?: ClockOption,
): Promise<void> {
  const v = parseInput("changePassword", changeSchema, input);
  const now = clockOf(o);
  const { rows } = await db.query<{ login_id: number }>(
    `SELECT s.login_id FROM login_sessions s
     WHERE s.public_id = $1 AND s.realm = $2 AND s.expires_at > $3`,
    [v.session.id, v.session.realm, now],
  );
  const live = rows[0];
  if (!live) throw new SessionEndedError();
  const login = await loginById(db, live.login_id);
  if (!login || login.disabled) throw new SessionEndedError();
  const key = { kind: "login" as const, realm: login.realm, emailHash: emailKey(login.email), ip: null };
  await checkThrottle(db, key, now);
  const issues = passwordIssues("newPassword", v.newPassword, login.email);
  if (issues.length === 0 && v.newPassword === v.currentPassword)
    issues.push({ path: "newPassword", message: "must differ from the current password" });
  if (!(await verifyPassword(v.currentPassword, login.password))) {
    await recordAttempt(db, key, now);
    issues.unshift({ path: "currentPassword", message: "is not your current password" });
  }
  if (issues.length > 0) throw new BillingValidationError("changePassword", issues);
  const password = await hashPassword(v.newPassword as string);
  await db.transaction(async (tx) => {
    await setPassword(tx, login.id, password, now);
    await endSessions(tx, login.id, v.session.id);
    await voidResetTokens(tx, { loginId: login.id, customerId: login.customerId }, now);
  });
}
