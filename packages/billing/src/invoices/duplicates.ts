/**
 * Copies and duplicates. A copy ("kopia") has no legal meaning: it is the same invoice rendered with
 * `RenderMode { mode: "copy" }` and needs no record. A duplicate (art. 106l) replaces a lost or
 * destroyed invoice: it is recorded with its own issue date and rendered with the word "DUPLIKAT"
 * (`RenderMode { mode: "duplicate", issuedOn }`). The invoice itself does not change.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { warsawDate } from "../documents/dates.js";
import type { RenderMode } from "../documents/types.js";
import { BillingConflictError, BillingNotFoundError } from "../errors.js";
import { parseInput } from "../validate.js";
import { atSchema, positiveId } from "./shared.js";

export interface InvoiceDuplicate {
  id: number;
  invoiceId: number;
  invoiceNumber: string;
  /** The duplicate's own issue date, printed next to "DUPLIKAT". */
  issuedOn: string;
  reason?: string;
  /** Pass to the renderer. */
  renderMode: Extract<RenderMode, { mode: "duplicate" }>;
}

export interface IssueDuplicateInput {
  invoiceId: number;
  at: Date;
  /** E.g. "utrata oryginału na wniosek nabywcy". */
  reason?: string;
}

const duplicateSchema = z.object({
  invoiceId: positiveId,
  at: atSchema,
  reason: z.string().trim().min(1).max(500).optional(),
});

interface DuplicateRow {
  id: number;
  invoice_id: number;
  number: string;
  issued_on: string;
  reason: string | null;
}

const toDuplicate = (r: DuplicateRow): InvoiceDuplicate => ({
  id: r.id,
  invoiceId: r.invoice_id,
  invoiceNumber: r.number,
  issuedOn: r.issued_on,
  ...(r.reason ? { reason: r.reason } : {}),
  renderMode: { mode: "duplicate", issuedOn: r.issued_on },
});

/**
 * Records a duplicate of an invoice (or correction) issued on the Warsaw day of `at`. Refused for an
 * invoice that is in KSeF (`in_ksef`: KSeF keeps it, so the buyer gets its visualisation with the
 * QR code again instead, art. 106l with art. 106gb ust. 4) and for a date before the invoice's
 * (`duplicate_before_invoice`).
 */
export async function issueDuplicate(db: Db, input: IssueDuplicateInput): Promise<InvoiceDuplicate> {
  const q = parseInput("issueDuplicate", duplicateSchema, input);
  const { rows } = await db.query<{ number: string; issue_date: string; ksef_number: string | null }>(
    "SELECT number, issue_date, ksef->>'number' AS ksef_number FROM invoices WHERE id = $1",
    [q.invoiceId],
  );
  const invoice = rows[0];
  if (!invoice) throw new BillingNotFoundError(`invoice ${q.invoiceId}`);
  if (invoice.ksef_number) {
    throw new BillingConflictError(
      `${invoice.number} is in KSeF as ${invoice.ksef_number}: share its visualisation with the QR code again instead of a duplicate`,
      "in_ksef",
    );
  }
  const issuedOn = warsawDate(q.at);
  if (issuedOn < invoice.issue_date) {
    throw new BillingConflictError(
      `a duplicate dated ${issuedOn} would precede the invoice ${invoice.number} of ${invoice.issue_date}`,
      "duplicate_before_invoice",
    );
  }
  const { rows: inserted } = await db.query<DuplicateRow>(
    `INSERT INTO invoice_duplicates (invoice_id, issued_on, reason) VALUES ($1, $2, $3)
     RETURNING id, invoice_id, $4::text AS number, issued_on, reason`,
    [q.invoiceId, issuedOn, q.reason ?? null, invoice.number],
  );
  return toDuplicate(inserted[0]!);
}

/** The duplicates issued for an invoice, oldest first. */
export async function listDuplicates(db: Db, invoiceId: number): Promise<InvoiceDuplicate[]> {
  const id = parseInput("listDuplicates", positiveId, invoiceId);
  const { rows } = await db.query<DuplicateRow>(
    `SELECT d.id, d.invoice_id, i.number, d.issued_on, d.reason
     FROM invoice_duplicates d JOIN invoices i ON i.id = d.invoice_id
     WHERE d.invoice_id = $1 ORDER BY d.id`,
    [id],
  );
  return rows.map(toDuplicate);
}
