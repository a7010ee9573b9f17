/**
 * The unsubscribe link every offer carries. Its token is `offerId.customerId.mac`, the mac an
 * HMAC-SHA256 with the partner's secret over those two ids, so a link proves itself without any
 * table of tokens (nothing to store per message, nothing to leak) and cannot be forged for
 * another customer. Clicking it withdraws the consent the offer was sent under, recorded in the
 * consent history like any other withdrawal; a second click changes nothing.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import {
  CONSENT_CHANNELS,
  type ConsentChannel,
  type ConsentKind,
  type ConsentRecord,
  readCurrentConsents,
  recordConsent,
} from "../customers/consents.js";
import type { Db } from "../db/db.js";
import { BillingNotFoundError, BillingValidationError } from "../errors.js";
import { parseInput } from "../validate.js";

/** What a secret must be at least: 32 characters (e.g. 24 random bytes in base64). */
export const UNSUBSCRIBE_SECRET_MIN = 32;

// Versioned, so the same secret used for something else can never produce a valid link.
const PURPOSE = "hrdkit offer unsubscribe v1";
// 128 bits of the HMAC (RFC 2104 allows truncating to half): forging stays out of reach, and
// the link is 21 characters shorter, which an SMS pays for.
const MAC_BYTES = 16;
const TOKEN = /^([1-9]\d{0,9})\.([1-9]\d{0,9})\.([A-Za-z0-9_-]{22})$/;

export const secretSchema = z
  .string("must be the unsubscribe secret")
  .min(UNSUBSCRIBE_SECRET_MIN, `must be at least ${UNSUBSCRIBE_SECRET_MIN} characters`);

const mac = (offerId: number, customerId: number, secret: string): Buffer =>
  createHmac("sha256", secret).update(`${PURPOSE}:${offerId}:${customerId}`).digest().subarray(0, MAC_BYTES);

/** The token of one customer's copy of one offer. */
export function unsubscribeToken(offerId: number, customerId: number, secret: string): string {
  return `${offerId}.${customerId}.${mac(offerId, customerId, secret).toString("base64url")}`;
}

/** The ids a token was made for, or undefined when it was not made with this secret (or is garbled). */
export function verifyUnsubscribeToken(
  token: string,
  secret: string,
): { offerId: number; customerId: number } | undefined {
  const m = TOKEN.exec(token.trim());
  if (!m) return undefined;
  const offerId = Number(m[1]);
  const customerId = Number(m[2]);
  const given = Buffer.from(m[3]!, "base64url");
  const expected = mac(offerId, customerId, secret);
  // Same length by the pattern; compared in constant time so the mac cannot be guessed byte by byte.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return { offerId, customerId };
}

/** `base?t=token`, keeping any query the base already has. */
export function unsubscribeUrl(base: string, token: string): string {
  const url = new URL(base);
  url.searchParams.set("t", token);
  return url.toString();
}

export interface UnsubscribeOptions {
  secret: string;
  /** When the customer clicked (default now). */
  at?: Date;
  /** How the withdrawal came in, for the consent history (default `link`: the unsubscribe link in an offer). */
  via?: ConsentChannel;
}

export interface UnsubscribeResult {
  offerId: number;
  customerId: number;
  /** The consent withdrawn: the one the offer was sent under. */
  kind: ConsentKind;
  /** False when the consent was already off (a second click): nothing was recorded. */
  recorded: boolean;
  /** The record in force now: the withdrawal (null only if the customer never gave one). */
  consent: ConsentRecord | null;
}

/** Who the withdrawal is recorded as, in the consent history. */
export const UNSUBSCRIBE_ACTOR = "customer (unsubscribe link)";

/**
 * Withdraws the consent an offer was sent under, for the customer its link was made for.
 * Idempotent: while the consent is off, another click records nothing and answers the same
 * withdrawal. A token not made with `secret` (tampered, truncated, another partner's) is refused
 * with BillingValidationError before anything is read.
 */
export async function unsubscribe(
  db: Db,
  token: string,
  options: UnsubscribeOptions,
): Promise<UnsubscribeResult> {
  const v = parseInput(
    "unsubscribe",
    z.object({
      token: z.string("must be the link's token").max(200),
      secret: secretSchema,
      at: z
        .date("must be a Date")
        .refine((d) => !Number.isNaN(d.getTime()), "must be a valid Date")
        .optional(),
      via: z.enum(CONSENT_CHANNELS, `must be one of ${CONSENT_CHANNELS.join(", ")}`).optional(),
    }),
    { token, ...options },
  );
  const ids = verifyUnsubscribeToken(v.token, v.secret);
  if (!ids) {
    throw new BillingValidationError("unsubscribe", [
      { path: "token", message: "is not a valid unsubscribe link (altered, cut short, or not ours)" },
    ]);
  }
  const at = v.at ?? new Date();
  return db.transaction(async (tx) => {
    const offer = await tx.query<{ consent_kind: ConsentKind; title: string }>(
      "SELECT consent_kind, title FROM offers WHERE id = $1",
      [ids.offerId],
    );
    if (!offer.rows[0]) throw new BillingNotFoundError(`offer ${ids.offerId}`);
    const kind = offer.rows[0].consent_kind;
    // Two clicks at once (a mail scanner and the customer) must not record two withdrawals.
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [
      `hrdkit-consent:${ids.customerId}:${kind}`,
    ]);
    // The latest record of all, not as of `at`: a grant dated later than the click still stands
    // until this withdrawal is recorded after it.
    const current = (await readCurrentConsents(tx, ids.customerId))[kind];
    const base = { offerId: ids.offerId, customerId: ids.customerId, kind };
    if (!current?.granted) return { ...base, recorded: false, consent: current };
    // Latest wins by `at`: a withdrawal dated before the grant in force would not take effect.
    const when = new Date(Math.max(at.getTime(), current.at.getTime()));
    const record = await recordConsent(tx, {
      customerId: ids.customerId,
      kind,
      granted: false,
      at: when,
      via: v.via ?? "link",
      actor: UNSUBSCRIBE_ACTOR,
      note: `unsubscribe link of offer ${ids.offerId} (${offer.rows[0].title})`.slice(0, 1000),
    });
    return { ...base, recorded: true, consent: record };
  });
}
