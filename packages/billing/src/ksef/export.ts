/** FA(3) export straight from the database: the invoice, and for a correction its original's KSeF number. */
import type { Db } from "../db/db.js";
import { getInvoice } from "../invoices/read.js";
import { type Fa3Options, invoiceToFa3Xml } from "./fa3.js";

/**
 * The FA(3) XML of a stored invoice or correction. For a correction, the corrected invoice's KSeF
 * number (when it has one) comes from its `ksef` data unless `options.correctedKsefNumber` is given.
 */
export async function exportInvoiceFa3(db: Db, invoiceId: number, options: Fa3Options = {}): Promise<string> {
  const invoice = await getInvoice(db, invoiceId);
  let correctedKsefNumber = options.correctedKsefNumber;
  if (invoice.corrected && correctedKsefNumber === undefined) {
    const { rows } = await db.query<{ number: string | null }>(
      "SELECT ksef->>'number' AS number FROM invoices WHERE id = $1",
      [invoice.corrected.id],
    );
    correctedKsefNumber = rows[0]?.number ?? undefined;
  }
  return invoiceToFa3Xml(invoice, { ...options, ...(correctedKsefNumber ? { correctedKsefNumber } : {}) });
}
