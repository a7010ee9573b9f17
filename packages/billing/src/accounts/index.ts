/**
 * Logins to the web pages: customers (abonenci) in the frames a partner embeds, and the
 * partner's staff in the partner panel. Passwords are hashed with scrypt; sessions and one-time
 * tokens are stored only as SHA-256 hashes, so a copy of the database opens no session.
 */
export { changePassword, logIn, signUp } from "./accounts.js";
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, SCRYPT_PARAMS } from "./passwords.js";
export { RESET_TOKEN_SECONDS, requestPasswordReset, resetPassword } from "./reset.js";
export {
  logOut,
  purgeExpiredSessions,
  readSession,
  SESSION_LIMITS,
  SESSION_REFRESH_SECONDS,
  type SessionLimits,
} from "./sessions.js";
export { createStaff, listStaff, setStaffDisabled } from "./staff.js";
export { ESCALATION_LOOKBACK_SECONDS, THROTTLE, type ThrottleRule } from "./throttle.js";
export {
  type ClockOption,
  type CreateStaffInput,
  type LogInInput,
  LoginRefusedError,
  LoginThrottledError,
  type NewSession,
  type PasswordResetRequest,
  type PasswordResetTicket,
  type Realm,
  ResetTokenInvalidError,
  type Session,
  SessionEndedError,
  type SignUpInput,
  type Staff,
} from "./types.js";
