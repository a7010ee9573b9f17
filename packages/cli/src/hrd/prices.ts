import { parseAmount } from "@hrdkit/sdk";

/** One TLD of the partner's price list, amounts in grosze (null: HRD lists no such price). */
export interface TldPrices {
  tld: string;
  /** HRD's service code, e.g. `d_com_pl`. */
  service: string;
  registerGrosze: number | null;
  renewGrosze: number | null;
  transferGrosze: number | null;
}

type Kind = "register" | "renew" | "transfer";

/**
 * HRD names prices in Polish ("Rejestracja", "Odnowienie", "Transfer"); matched by stem and
 * case-insensitively, so "Odnowienie domeny" or "TRANSFER" still land in the right column.
 */
function kindOf(label: string): Kind | undefined {
  const l = label.toLowerCase();
  if (l.startsWith("rejestr") || l.startsWith("regist")) return "register";
  if (l.startsWith("odnow") || l.startsWith("renew")) return "renew";
  if (l.startsWith("transfer")) return "transfer";
  return undefined;
}

/** `d_com_pl` → `com.pl`; undefined for codes that are not domains (options `o_*`, certificates `c_*`). */
export function tldOfService(code: string): string | undefined {
  return code.startsWith("d_") && code.length > 2 ? code.slice(2).replace(/_/g, ".") : undefined;
}

/** The domain rows of `partner/getPricings`, exact grosze (the decimal text is never a float). */
export function domainPrices(
  pricings: readonly { service: string; prices: readonly { name: string; value: string | null }[] }[],
): TldPrices[] {
  const rows: TldPrices[] = [];
  for (const p of pricings) {
    const tld = tldOfService(p.service);
    if (!tld) continue;
    const row: TldPrices = {
      tld,
      service: p.service,
      registerGrosze: null,
      renewGrosze: null,
      transferGrosze: null,
    };
    for (const price of p.prices) {
      const kind = kindOf(price.name);
      if (!kind || price.value === null) continue;
      const amount = parseAmount(price.value);
      if (amount) row[`${kind}Grosze`] = amount.grosze;
    }
    rows.push(row);
  }
  return rows;
}
