/**
 * Password rules and scrypt hashing. The parameters are stored with every hash, so raising them
 * later only affects new hashes (and old ones are rehashed at the next successful login).
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import type { FieldIssue } from "../errors.js";

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/**
 * scrypt cost: N = 2^15, r = 8, p = 1 uses 32 MiB and ~100–200 ms of one core per hash: slow
 * enough to make a stolen table expensive to guess through, cheap enough for a login page
 * (libuv runs at most 4 at once, so at most 128 MiB).
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export interface PasswordHash {
  hash: Buffer;
  salt: Buffer;
  params: ScryptParams;
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = {
    ...params,
    // Node's default limit (32 MiB) is exactly what N=2^15, r=8 needs, and scrypt refuses at the limit.
    maxmem: 128 * params.N * params.r * params.p + 16 * 1024 * 1024,
  };
  // NFC: "ż" typed as one code point or as z + combining dot is the same password.
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFC"), salt, KEY_LENGTH, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(SALT_LENGTH);
  const params = { ...SCRYPT_PARAMS };
  return { hash: await derive(password, salt, params), salt, params };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const key = await derive(password, stored.salt, stored.params);
  return key.length === stored.hash.length && timingSafeEqual(key, stored.hash);
}

/** Whether a stored hash was made with weaker (or other) parameters than today's. */
export const needsRehash = (p: ScryptParams): boolean =>
  p.N !== SCRYPT_PARAMS.N || p.r !== SCRYPT_PARAMS.r || p.p !== SCRYPT_PARAMS.p;

// A hash to verify against when the e-mail is unknown, so that answer takes as long as a wrong
// password (made once, lazily: the first login of a process should not pay for it twice).
let dummy: Promise<PasswordHash> | undefined;

/** Spends one scrypt, like a real verification, and always fails. */
export async function spendVerification(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(18).toString("base64url"));
  await verifyPassword(password, await dummy);
  return false;
}

/** The password rules, as field issues under `path` (none: the password is acceptable). */
export function passwordIssues(path: string, password: unknown, email?: string | null): FieldIssue[] {
  if (typeof password !== "string") return [{ path, message: "must be text" }];
  // Counted in characters as a person sees them (code points), not UTF-16 units.
  const length = [...password.normalize("NFC")].length;
  if (length < PASSWORD_MIN_LENGTH)
    return [{ path, message: `must be at least ${PASSWORD_MIN_LENGTH} characters long` }];
  if (length > PASSWORD_MAX_LENGTH)
    return [{ path, message: `must be at most ${PASSWORD_MAX_LENGTH} characters long` }];
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase())
    return [{ path, message: "must not be the e-mail address" }];
  return [];
}
