/**
 * The accounts module's shapes and errors (what the bridge's pages code against).
 */
import type { CreateCustomerInput } from "../customers/input.js";
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

/** The session a logged-in action was made in has ended (logged out, expired, or ended elsewhere). */
export class SessionEndedError extends BillingError {
  constructor() {
    super("the session has ended: log in again", "session_ended");
  }
}
