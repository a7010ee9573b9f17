import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingConflictError } from "../errors.js";
import { parseInput } from "../validate.js";
import { type BillingSettings, DEFAULT_BILLING_SETTINGS, type SellerSettings } from "./types.js";

const nip = z
  .string()
  .transform((v) => v.replace(/[\s-]/g, "").replace(/^PL/i, ""))
  .refine((v) => /^\d{10}$/.test(v) && nipChecksumOk(v), "must be a valid Polish NIP");

/** NIP checksum (weights 6 5 7 2 3 4 5 6 7, mod 11). */
export function nipChecksumOk(nip: string): boolean {
  if (!/^\d{10}$/.test(nip)) return false;
  const w = [6, 5, 7, 2, 3, 4, 5, 6, 7];
  const sum = w.reduce((s, x, i) => s + x * Number(nip[i]), 0);
  return sum % 11 === Number(nip[9]);
}

export const addressSchema = z.object({
  street: z.string().trim().min(1).max(200),
  postcode: z.string().trim().min(1).max(16),
  city: z.string().trim().min(1).max(100),
  country: z
    .string()
    .trim()
    .transform((v) => v.toUpperCase())
    .pipe(z.string().regex(/^[A-Z]{2}$/, "must be a 2-letter country code")),
});

const sellerSchema = z.object({
  name: z.string().trim().min(1).max(300),
  nip,
  address: addressSchema,
  bankAccount: z
    .string()
    .transform((v) => v.replace(/\s/g, "").toUpperCase())
    .refine(
      (v) => /^(PL)?\d{26}$/.test(v) || /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(v),
      "must be an NRB or IBAN",
    ),
  bankName: z.string().trim().min(1).max(200).optional(),
  email: z.string().trim().email(),
  phone: z.string().trim().min(3).max(30).optional(),
  place: z.string().trim().min(1).max(100).optional(),
  logoPath: z.string().min(1).optional(),
  accentColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #1a73e8")
    .optional(),
  banner: z
    .object({
      imageUrl: z
        .string()
        .trim()
        .max(2000)
        .regex(
          /^(https:\/\/[^\s"'<>]+|\/frames\/banner\/[\w.-]+)$/,
          "must be an https:// address of an image",
        ),
      link: z
        .string()
        .trim()
        .max(2000)
        .regex(/^https?:\/\/[^\s"'<>]+$/, "must be an http(s):// address")
        .optional(),
      alt: z.string().trim().min(1).max(300),
    })
    .optional(),
});

const billingSchema = z.object({
  renewalLeadDays: z
    .object({
      domain: z.number().int().min(1).max(365),
      option: z.number().int().min(1).max(365),
      ssl: z.number().int().min(1).max(365),
      hosting: z.number().int().min(1).max(365),
    })
    .partial()
    .optional(),
  proformaValidDays: z.number().int().min(1).max(90).optional(),
});

async function read<T>(db: Db, key: string): Promise<T | undefined> {
  const { rows } = await db.query<{ value: T }>("SELECT value FROM settings WHERE key = $1", [key]);
  return rows[0]?.value;
}

async function write(db: Db, key: string, value: unknown): Promise<void> {
  await db.query(
    `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [key, JSON.stringify(value)],
  );
}

/** The partner's data printed on documents. Validated: NIP checksum, account, e-mail, colour. */
export async function setSellerSettings(db: Db, input: SellerSettings): Promise<SellerSettings> {
  const seller = parseInput("setSellerSettings", sellerSchema, input) as SellerSettings;
  await write(db, "seller", seller);
  return seller;
}

/** The partner's data; BillingConflictError (code `no_seller`) until it has been set. */
export async function getSellerSettings(db: Db): Promise<SellerSettings> {
  const seller = await read<SellerSettings>(db, "seller");
  if (!seller) {
    throw new BillingConflictError(
      "the seller's data (name, NIP, address, bank account, e-mail) is not set: call setSellerSettings first",
      "no_seller",
    );
  }
  return seller;
}

export async function setBillingSettings(
  db: Db,
  input: { renewalLeadDays?: Partial<BillingSettings["renewalLeadDays"]>; proformaValidDays?: number },
): Promise<BillingSettings> {
  const patch = parseInput("setBillingSettings", billingSchema, input);
  const current = await getBillingSettings(db);
  const next: BillingSettings = {
    renewalLeadDays: { ...current.renewalLeadDays, ...patch.renewalLeadDays },
    proformaValidDays: patch.proformaValidDays ?? current.proformaValidDays,
  };
  await write(db, "billing", next);
  return next;
}

export async function getBillingSettings(db: Db): Promise<BillingSettings> {
  const stored = await read<Partial<BillingSettings>>(db, "billing");
  return {
    renewalLeadDays: { ...DEFAULT_BILLING_SETTINGS.renewalLeadDays, ...stored?.renewalLeadDays },
    proformaValidDays: stored?.proformaValidDays ?? DEFAULT_BILLING_SETTINGS.proformaValidDays,
  };
}
