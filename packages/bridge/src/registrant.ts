/**
 * The registrant of a purchase: either an existing HRD account (`hrdUserId`) or the panel
 * client's data (`registrant`), from which the bridge creates the HRD account (`user/create`).
 *
 * The account is created inside the purchase's idempotent run, and the id it got is noted under
 * {@link registrantKey} — the module key, the domain and the registrant's data — before anything
 * else happens: a repeat of the purchase, even under a new Idempotency-Key after a refusal (a
 * transfer re-sent with the right code), reuses that account instead of creating a second one;
 * corrected registrant data makes a new account, never one with the old data.
 */
import { createHash } from "node:crypto";
import { HrdValidationError } from "@hrdkit/sdk";
import { z } from "zod";
import type { BridgeContext } from "./app.js";
import { BridgeError } from "./errors.js";

const text = (min: number, max: number) => z.string().trim().min(min).max(max);

/** The panel client's data, as HRD's registrant account takes it. */
export const registrantInput = z
  .object({
    type: z.enum(["person", "company"]),
    name: text(3, 255).describe("Full name of a person, or the company name"),
    representative: text(3, 255).optional().describe("The person representing a company (companies only)"),
    idNumber: text(1, 255).describe("PESEL of a person or NIP of a company (checksums verified for PL)"),
    email: z.string().trim().email(),
    phone: text(5, 32).describe("Phone, e.g. +48 22 100 32 48"),
    street: text(3, 255),
    postcode: text(3, 16),
    city: text(1, 128),
    country: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2}$/, "must be a two-letter country code (ISO 3166-1)"),
  })
  .superRefine(
    (v, ctx) => {
      if (v.type === "company" && !v.representative) {
        ctx.addIssue({ code: "custom", path: ["representative"], message: "is required for a company" });
      }
      if (v.type === "person" && v.representative) {
        ctx.addIssue({ code: "custom", path: ["representative"], message: "is only for companies" });
      }
    },
    { when: (p) => typeof p.value === "object" && p.value !== null },
  );
export type RegistrantInput = z.output<typeof registrantInput>;

/** `hrdUserId` and `registrant`: exactly one of them (checked by {@link requireOneRegistrant}). */
export const registrantChoice = {
  /** The registrant account (`user`) at HRD. */
  hrdUserId: z.number().int().positive().optional(),
  /** Or the client's data: the bridge creates the HRD account and answers its `hrdUserId`. */
  registrant: registrantInput.optional(),
};

/** A refinement for bodies with {@link registrantChoice}: one of the two, not both. */
export function requireOneRegistrant(
  v: { hrdUserId?: number; registrant?: unknown },
  ctx: z.RefinementCtx,
): void {
  if (v.hrdUserId === undefined && v.registrant === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["hrdUserId"],
      message: "give hrdUserId (an existing HRD account) or registrant (the client's data)",
    });
  }
  if (v.hrdUserId !== undefined && v.registrant !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["registrant"],
      message: "give either hrdUserId or registrant, not both",
    });
  }
}

/** Where the account made for `registrant` is noted: per module key, domain and exact data. */
export function registrantKey(scope: string | undefined, domain: string, registrant: unknown): string {
  const data = createHash("sha256")
    .update(JSON.stringify(registrant ?? null))
    .digest("hex")
    .slice(0, 32);
  return `${scope ?? "-"}/${domain.toLowerCase()}#${data}`;
}

/**
 * The HRD account of a purchase of `domain` made with the module key `scope`: `hrdUserId` as
 * given, or the account created from `registrant` (once per {@link registrantKey}). Every
 * purchase route resolves its account here, so they all key the accounts they make the same way.
 */
export async function resolveRegistrant(
  ctx: BridgeContext,
  scope: string | undefined,
  input: { domain: string; hrdUserId?: number; registrant?: RegistrantInput },
): Promise<number> {
  if (input.hrdUserId !== undefined) return input.hrdUserId;
  const r = input.registrant!;
  const accountKey = registrantKey(scope, input.domain, r);
  const { rows } = await ctx.db.query<{ hrd_user_id: number }>(
    "SELECT hrd_user_id FROM bridge_registrants WHERE idempotency_key = $1",
    [accountKey],
  );
  if (rows[0]) return rows[0].hrd_user_id;
  const { id } = await ctx.hrd.user
    .create({
      type: r.type,
      name: r.name,
      representative: r.type === "company" ? r.representative : undefined,
      idNumber: r.idNumber,
      email: r.email,
      landlinePhone: r.phone,
      street: r.street,
      postcode: r.postcode,
      city: r.city,
      country: r.country.toUpperCase(),
    })
    .catch((err: unknown) => {
      // The SDK names HRD's fields: name them as the bridge's request does.
      if (err instanceof HrdValidationError) {
        const issues = err.issues.map((i) => ({
          path: `registrant.${i.path === "landlinePhone" ? "phone" : i.path}`,
          message: i.message,
        }));
        throw new BridgeError(
          400,
          "invalid",
          `invalid registrant: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
          false,
          issues,
        );
      }
      throw err;
    });
  await ctx.db.query(
    "INSERT INTO bridge_registrants (idempotency_key, hrd_user_id) VALUES ($1, $2) ON CONFLICT (idempotency_key) DO NOTHING",
    [accountKey, id],
  );
  return id;
}
