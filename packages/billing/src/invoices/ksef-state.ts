/**
 * The KSeF part of an invoice (`invoices.ksef`): written after issue, when the invoice has been sent
 * and KSeF has given it a number. It is the only part of an issued invoice that may change (the
 * immutability trigger lets it through).
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingNotFoundError } from "../errors.js";
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

/** Merges `state` into the invoice's KSeF data (what the KSeF sender records). */
export async function setInvoiceKsefState(
  db: Db,
  invoiceId: number,
  state: InvoiceKsefState,
): Promise<InvoiceKsefState> {
  const id = parseInput("setInvoiceKsefState", positiveId, invoiceId);
  const patch = parseInput("setInvoiceKsefState", stateSchema, state);
  const { rows } = await db.query<{ ksef: InvoiceKsefState }>(
    "UPDATE invoices SET ksef = ksef || $2::jsonb WHERE id = $1 RETURNING ksef",
    [id, JSON.stringify(patch)],
  );
  if (!rows[0]) throw new BillingNotFoundError(`invoice ${id}`);
  return rows[0].ksef;
}
