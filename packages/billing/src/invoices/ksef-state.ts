/**
 * The KSeF part of an invoice (`invoices.ksef`): written after issue, when the invoice has been sent
 * and KSeF has given it a number. It is the only part of an issued invoice that may change (the
 * immutability trigger lets it through).
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingConflictError, BillingNotFoundError } from "../errors.js";
import { parseInput } from "../validate.js";
import { positiveId } from "./shared.js";

export interface InvoiceKsefState {
  /** The KSeF number, `NIP-YYYYMMDD-XXXXXX-XXXXXX-XX` (35 characters). */
  number?: string;
  /** E.g. "sent", "accepted", "rejected"; free text of the sender's choosing. */
  status?: string;
  /** ISO 8601 moment the invoice was sent. */
  sentAt?: string;
  /** "online", "offline24", "offline" or "awaryjny". */
  mode?: string;
}

/** FA(3) TNumerKSeF. */
export const KSEF_NUMBER =
  /^([1-9]((\d[1-9])|([1-9]\d))\d{7}|M\d{9}|[A-Z]{3}\d{7})-(20[2-9][0-9]|2[1-9][0-9]{2}|[3-9][0-9]{3})(0[1-9]|1[0-2])(0[1-9]|[1-2][0-9]|3[0-1])-([0-9A-F]{6})-?([0-9A-F]{6})-([0-9A-F]{2})$/;

const stateSchema = z.object({
  number: z.string().regex(KSEF_NUMBER, "must be a KSeF number (NIP-YYYYMMDD-XXXXXX-XXXXXX-XX)").optional(),
  status: z.string().trim().min(1).max(50).optional(),
  sentAt: z.string().datetime({ offset: true }).optional(),
  mode: z.enum(["online", "offline24", "offline", "awaryjny"]).optional(),
});

export async function getInvoiceKsefState(db: Db, invoiceId: number): Promise<InvoiceKsefState> {
  const id = parseInput("getInvoiceKsefState", positiveId, invoiceId);
  const { rows } = await db.query<{ ksef: InvoiceKsefState }>("SELECT ksef FROM invoices WHERE id = $1", [
    id,
  ]);
  if (!rows[0]) throw new BillingNotFoundError(`invoice ${id}`);
  return rows[0].ksef;
}

/**
 * Merges `state` into the invoice's KSeF data (what the KSeF sender records). A KSeF number is
 * recorded once: the same number again is accepted (a sender that retries), another one is
 * refused with BillingConflictError `ksef_number_recorded` and nothing is written — KSeF gives an
 * invoice one number, and its corrections name that number. The database enforces the same.
 */
export async function setInvoiceKsefState(
  db: Db,
  invoiceId: number,
  state: InvoiceKsefState,
): Promise<InvoiceKsefState> {
  const id = parseInput("setInvoiceKsefState", positiveId, invoiceId);
  const patch = parseInput("setInvoiceKsefState", stateSchema, state);
  // One statement: the check and the write cannot be split by a concurrent sender.
  const { rows } = await db.query<{ ksef: InvoiceKsefState }>(
    `UPDATE invoices SET ksef = ksef || $2::jsonb
     WHERE id = $1 AND ($3::text IS NULL OR NOT ksef ? 'number' OR ksef->>'number' = $3)
     RETURNING ksef`,
    [id, JSON.stringify(patch), patch.number ?? null],
  );
  if (rows[0]) return rows[0].ksef;
  const { rows: found } = await db.query<{ number: string | null; ksef_number: string | null }>(
    "SELECT number, ksef->>'number' AS ksef_number FROM invoices WHERE id = $1",
    [id],
  );
  if (!found[0]) throw new BillingNotFoundError(`invoice ${id}`);
  throw new BillingConflictError(
    `invoice ${found[0].number} already has the KSeF number ${found[0].ksef_number}; ${patch.number} is not recorded (a KSeF number never changes)`,
    "ksef_number_recorded",
  );
}
