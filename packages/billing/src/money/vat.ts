/**
 * Polish VAT rates as data, and the per-document computation of art. 106e: VAT per rate on the
 * net sum of that rate, rounded half-up to whole grosze (not a sum of rounded line VATs). With
 * gross entry (art. 106e ust. 7–8) VAT per rate is gross·r/(100+r) and net = gross − VAT.
 */
import { add, type Currency, type Money, MoneyError, scale, subtract, sum, zero } from "./money.js";

export interface VatRate {
  /** The FA(3) code (`TStawkaPodatku`): what invoices and KSeF carry. */
  code: VatRateCode;
  /** Percent for taxed rates; null where no Polish VAT is charged. */
  percent: number | null;
  /** Polish label for documents. */
  label: string;
  /** The FA(3) net-sum field this rate's sales go into. */
  ksefNetField: string;
}

export const VAT_RATE_CODES = ["23", "8", "5", "0 KR", "zw", "np I", "np II"] as const;
export type VatRateCode = (typeof VAT_RATE_CODES)[number];

/** The rates hrdkit sells with (domains, certificates and hosting are 23% at home). */
export const VAT_RATES: Readonly<Record<VatRateCode, VatRate>> = {
  "23": { code: "23", percent: 23, label: "23%", ksefNetField: "P_13_1" },
  "8": { code: "8", percent: 8, label: "8%", ksefNetField: "P_13_2" },
  "5": { code: "5", percent: 5, label: "5%", ksefNetField: "P_13_3" },
  "0 KR": { code: "0 KR", percent: 0, label: "0%", ksefNetField: "P_13_6_1" },
  zw: { code: "zw", percent: null, label: "zw.", ksefNetField: "P_13_7" },
  // Outside Polish VAT: services to non-EU businesses (np I) and EU B2B reverse charge (np II, art. 28b).
  "np I": { code: "np I", percent: null, label: "np.", ksefNetField: "P_13_8" },
  "np II": { code: "np II", percent: null, label: "np. (odwrotne obciążenie)", ksefNetField: "P_13_9" },
};

export function vatRate(code: string): VatRate {
  const r = VAT_RATES[code as VatRateCode];
  if (!r) throw new MoneyError(`unknown VAT rate "${code}" (known: ${VAT_RATE_CODES.join(", ")})`);
  return r;
}

export interface VatLineInput {
  /** Net value of the line (net entry) or gross value (gross entry), quantity already applied. */
  amount: Money;
  rate: VatRateCode;
}

export interface VatLine {
  rate: VatRateCode;
  net: Money;
  vat: Money;
  gross: Money;
}

export interface VatBreakdown {
  mode: "net" | "gross";
  currency: Currency;
  /** Lines with their own VAT for display; their VATs need not add up to the per-rate VAT. */
  lines: VatLine[];
  /** Per rate, in the order of VAT_RATE_CODES: what the invoice's P_13/P_14 carry. */
  byRate: VatLine[];
  total: { net: Money; vat: Money; gross: Money };
}

type Split = Omit<VatLine, "rate">;

function split(amount: Money, percent: number | null, mode: "net" | "gross"): Split {
  if (percent === null || percent === 0) return { net: amount, vat: zero(amount.currency), gross: amount };
  if (mode === "net") {
    const vat = scale(amount, percent, 100);
    return { net: amount, vat, gross: add(amount, vat) };
  }
  const vat = scale(amount, percent, 100 + percent);
  return { net: subtract(amount, vat), vat, gross: amount };
}

/**
 * VAT of a document. `mode: "net"` — amounts are net (B2B habit); `"gross"` — amounts are what the
 * customer pays (consumer prices). Either way total.net + total.vat = total.gross exactly, and the
 * per-rate VAT is computed once on the per-rate sum.
 */
export function computeVat(lines: readonly VatLineInput[], mode: "net" | "gross" = "net"): VatBreakdown {
  if (lines.length === 0) throw new MoneyError("a document needs at least one line");
  const currency = lines[0]!.amount.currency;
  for (const l of lines) {
    if (l.amount.currency !== currency) throw new MoneyError("all lines of a document share one currency");
    vatRate(l.rate);
  }
  const out: VatLine[] = lines.map((l) => ({
    ...split(l.amount, VAT_RATES[l.rate].percent, mode),
    rate: l.rate,
  }));
  const byRate: VatLine[] = [];
  for (const code of VAT_RATE_CODES) {
    const mine = lines.filter((l) => l.rate === code);
    if (mine.length === 0) continue;
    const base = sum(
      mine.map((l) => l.amount),
      currency,
    );
    byRate.push({ ...split(base, VAT_RATES[code].percent, mode), rate: code });
  }
  const total = {
    net: sum(
      byRate.map((r) => r.net),
      currency,
    ),
    vat: sum(
      byRate.map((r) => r.vat),
      currency,
    ),
    gross: sum(
      byRate.map((r) => r.gross),
      currency,
    ),
  };
  return { mode, currency, lines: out, byRate, total };
}

/** The gross price for a net one at a rate (catalog display), rounded half-up. */
export function grossOf(net: Money, rate: VatRateCode): Money {
  return split(net, VAT_RATES[rate].percent, "net").gross;
}

/** The net price inside a gross one at a rate, rounded half-up. */
export function netOf(gross: Money, rate: VatRateCode): Money {
  return split(gross, VAT_RATES[rate].percent, "gross").net;
}
