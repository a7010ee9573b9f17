import type { InvoiceDocument, ProformaDocument } from "../documents/types.js";

const PREFIX = { proforma: "proforma", VAT: "faktura", KOR: "korekta" } as const;

/**
 * The file name a document's PDF is saved or attached under: `faktura-FV-2026-03-17.pdf`,
 * `korekta-KOR-2026-1.pdf`, `proforma-PRO-2026-03-5.pdf` (ASCII only, no slashes).
 */
export function documentFileName(doc: Pick<ProformaDocument | InvoiceDocument, "kind" | "number">): string {
  const number = doc.number
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ł/g, "l")
    .replace(/Ł/g, "L")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${PREFIX[doc.kind]}-${number || "dokument"}.pdf`;
}
