/**
 * Logins to the web pages: customers (abonenci) in the frames a partner embeds, and the
 * partner's staff in the partner panel. Passwords are hashed with scrypt; sessions and one-time
 * tokens are stored only as SHA-256 hashes, so a copy of the database opens no session.
 *
 * INTERFACE FIRST: the signatures below are what the bridge's pages code against. Bodies are
 * filled in by the accounts implementation (accounts.ts, sessions.ts, throttle.ts …).
 */

import type { Customer } from "../customers/customers.js";
import type { CreateCustomerInput } from "../customers/input.js";
import type { Db } from "../db/db.js";
import { BillingError } from "../errors.js";

/** Who logs in: a customer (frames) or a member of the partner's staff (partner panel). */
export type Realm = "customer" | "staff";

/** A session just opened: `token` goes into the cookie and is never stored in clear. */
export interface NewSession {
  token: string;
  expiresAt: Date;
}

/** A live session, as the pages see it. */
export interface Session {
  /** A stable, non-secret id of the session (for CSRF binding and logs); not the cookie token. */
  id: string;
  realm: Realm;
  /** Set for realm `customer`. */
  customerId: number | null;
  /** Set for realm `staff`. */
  staffId: number | null;
  email: string;
  /** Customer's or staff member's display name. */
  name: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface SignUpInput {
  /** The customer's data, as for createCustomer; `email` is required here (it is the login). */
  customer: CreateCustomerInput;
  password: string;
  /** Must be true: the terms of service accepted (recorded with the time and version). */
  acceptTerms: boolean;
  /** The terms' version shown on the form (e.g. a date); default "1". */
  termsVersion?: string;
  /** Newsletter consent: recorded in the consent history either way (channel "form"). */
  newsletter: boolean;
  /** Offers consent; default false. */
  offers?: boolean;
  /** The visitor's address, for the throttle and the consent record. */
  ip?: string;
}

export interface LogInInput {
  realm: Realm;
  email: string;
  password: string;
  ip?: string;
}

export interface PasswordResetRequest {
  realm: Realm;
  email: string;
  ip?: string;
}

/** What the caller mails: a link carrying `token`, valid until `expiresAt`, used once. */
export interface PasswordResetTicket {
  token: string;
  expiresAt: Date;
  email: string;
  name: string;
  /** For realm customer: the customer (so the mail can use their language and branding). */
  customerId: number | null;
}

export interface Staff {
  id: number;
  email: string;
  name: string;
  disabled: boolean;
  createdAt: Date;
}

export interface CreateStaffInput {
  email: string;
  name: string;
  password: string;
}

export interface ClockOption {
  /** The clock (tests move it); default now. */
  now?: Date;
}

/** Wrong e-mail or password (the same message for both: no account enumeration). */
export class LoginRefusedError extends BillingError {
  constructor() {
    super("wrong e-mail or password", "login_refused");
  }
}

/** Too many failed logins (per e-mail or per address): try again after `retryAfterSeconds`. */
export class LoginThrottledError extends BillingError {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many failed logins: try again in ${retryAfterSeconds} s`, "login_throttled");
  }
}

/** A reset link that is unknown, used or expired. */
export class ResetTokenInvalidError extends BillingError {
  constructor() {
    super("the password reset link is invalid, used or expired", "reset_token_invalid");
  }
}

const pending = (): never => {
  throw new Error("accounts: not implemented yet");
};

/**
 * Creates the customer (createCustomer's validation), the login, the consent records and a
 * session, in one transaction. BillingValidationError names every bad field (customer fields
 * prefixed `customer.`, `password`, `acceptTerms`); an e-mail that already has a login →
 * BillingConflictError code `account_exists`.
 */
export async function signUp(
  _db: Db,
  _input: SignUpInput,
  _o?: ClockOption,
): Promise<{ customer: Customer; session: NewSession }> {
  return pending();
}

/** Opens a session, or LoginRefusedError / LoginThrottledError (checked before the password). */
export async function logIn(_db: Db, _input: LogInInput, _o?: ClockOption): Promise<NewSession> {
  return pending();
}

/** The live session of `token` in `realm` (sliding expiry), or null. */
export async function readSession(
  _db: Db,
  _realm: Realm,
  _token: string | undefined,
  _o?: ClockOption,
): Promise<Session | null> {
  return pending();
}

/** Ends the session of `token` (no error when there is none). */
export async function logOut(_db: Db, _token: string | undefined): Promise<void> {
  return pending();
}

/**
 * A one-time reset ticket to mail, or null when no such login (the page says the same either
 * way). A customer with an e-mail but no login yet gets a ticket too: setting the password
 * creates the login (customers the partner entered by hand). Throttled like logins.
 */
export async function requestPasswordReset(
  _db: Db,
  _input: PasswordResetRequest,
  _o?: ClockOption,
): Promise<PasswordResetTicket | null> {
  return pending();
}

/** Sets the password from a ticket, ends every other session of that login, opens a new one. */
export async function resetPassword(
  _db: Db,
  _input: { realm: Realm; token: string; password: string },
  _o?: ClockOption,
): Promise<NewSession> {
  return pending();
}

/** A logged-in password change: the current password is checked; other sessions end. */
export async function changePassword(
  _db: Db,
  _input: { session: Session; currentPassword: string; newPassword: string },
  _o?: ClockOption,
): Promise<void> {
  return pending();
}

/** A staff login for the partner panel (validation names every bad field; duplicate → `account_exists`). */
export async function createStaff(_db: Db, _input: CreateStaffInput, _o?: ClockOption): Promise<Staff> {
  return pending();
}

export async function listStaff(_db: Db): Promise<Staff[]> {
  return pending();
}

/** Disables (or re-enables) a staff login; disabling ends its sessions. */
export async function setStaffDisabled(_db: Db, _staffId: number, _disabled: boolean): Promise<Staff> {
  return pending();
}
