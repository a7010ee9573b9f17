/**
 * The sandbox's wholesale price list, shaped like HRD's `partner/getPricings`: a service code per
 * TLD (`d_pl`) with prices named by Polish labels. Amounts are grosze here and decimal text on
 * the wire. The figures are realistic, not HRD's.
 */
export interface TldPrice {
  tld: string;
  register: number;
  renew: number;
  transfer: number;
  trade: number | null;
  /** .pl reservation (`domain/book`), only for the .pl family. */
  book: number | null;
}

export const PRICE_LABELS = {
  register: "Rejestracja",
  renew: "Odnowienie",
  transfer: "Transfer",
  trade: "Cesja",
  book: "Rezerwacja",
} as const;

const zl = (v: number) => Math.round(v * 100);

const PL = (tld: string, register: number, renew: number): TldPrice => ({
  tld,
  register: zl(register),
  renew: zl(renew),
  transfer: zl(renew),
  trade: zl(20),
  book: zl(5),
});

const GTLD = (tld: string, register: number, renew: number, transfer = renew): TldPrice => ({
  tld,
  register: zl(register),
  renew: zl(renew),
  transfer: zl(transfer),
  trade: null,
  book: null,
});

export const DEFAULT_PRICES: TldPrice[] = [
  PL("pl", 39, 79),
  PL("com.pl", 29, 59),
  PL("net.pl", 29, 59),
  PL("org.pl", 29, 59),
  PL("info.pl", 29, 59),
  PL("biz.pl", 29, 59),
  PL("waw.pl", 39, 69),
  PL("krakow.pl", 39, 69),
  PL("edu.pl", 49, 79),
  GTLD("eu", 25, 39),
  GTLD("com", 55, 62),
  GTLD("net", 65, 72),
  GTLD("org", 55, 68),
  GTLD("info", 25, 110),
  GTLD("biz", 65, 89),
  GTLD("de", 25, 35),
  GTLD("uk", 35, 45),
  GTLD("cz", 59, 59),
  GTLD("fr", 49, 49),
  GTLD("it", 45, 45),
  GTLD("es", 45, 45),
  GTLD("us", 49, 55),
  GTLD("ca", 69, 69),
  GTLD("io", 199, 199),
  GTLD("shop", 25, 159),
  GTLD("online", 19, 149),
];

export function serviceCode(tld: string): string {
  return `d_${tld.replace(/\./g, "_")}`;
}

/** The TLD that a price list knows for a name: longest suffix wins (`x.com.pl` → `com.pl`). */
export function tldOf(name: string, prices: ReadonlyMap<string, TldPrice>): TldPrice | undefined {
  const labels = name.split(".");
  for (let i = 1; i < labels.length; i++) {
    const p = prices.get(labels.slice(i).join("."));
    if (p) return p;
  }
  return undefined;
}

/** The .pl family: names NASK registers (reservation and options exist only there). */
export function isPlFamily(name: string): boolean {
  return name.endsWith(".pl");
}

// ------------------------------------------------------------------ .pl options and certificates

/** A price-list entry that is not a TLD: a service code with its named prices (grosze; null = "(brak)"). */
export interface ServicePricing {
  code: string;
  prices: { name: string; value: number | null }[];
}

/**
 * .pl domain option (NASK "future"), service code `o_pl`: one price per 3-year term, for setting
 * the option up (`Rejestracja`, `domain/futureCreate`) and for renewing it (`Odnowienie`,
 * `domain/futureRenew`). The whole .pl family shares it.
 */
export const OPTION_SERVICE_CODE = "o_pl";
export const OPTION_PRICE = { register: zl(29), renew: zl(25) } as const;

/** Certificate products of api.xsd with the sandbox's price per year (grosze); `renew: null` = cannot be renewed. */
export interface CertPrice {
  product: string;
  register: number;
  renew: number | null;
}

export const CERT_PRICES: readonly CertPrice[] = [
  { product: "Comodo Free Trial SSL", register: 0, renew: null },
  { product: "Comodo SSL", register: zl(149), renew: zl(139) },
  { product: "Comodo SSL + Wildcard", register: zl(599), renew: zl(569) },
  { product: "Comodo EV SSL", register: zl(899), renew: zl(859) },
  { product: "Instant SSL", register: zl(249), renew: zl(229) },
  { product: "Positive SSL", register: zl(35), renew: zl(32) },
  { product: "Positive SSL + Wildcard", register: zl(399), renew: zl(379) },
  { product: "QuickSSL Basic", register: zl(179), renew: zl(169) },
  { product: "QuickSSL Premium", register: zl(299), renew: zl(279) },
  { product: "QuickSSL Premium Free Trial", register: 0, renew: null },
  { product: "True BusinessID", register: zl(449), renew: zl(429) },
  { product: "True BusinessID Wildcard", register: zl(1399), renew: zl(1349) },
  { product: "True BusinessID + EV", register: zl(1099), renew: zl(1049) },
];

/** Service code of a certificate product: `c_` + its name in lowercase with `_` (`Positive SSL` → `c_positive_ssl`). */
export function certServiceCode(product: string): string {
  return `c_${product
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "")}`;
}

/** The price-list entries after the TLDs: the .pl option, then one per certificate product. */
export function extraPricings(): ServicePricing[] {
  return [
    {
      code: OPTION_SERVICE_CODE,
      prices: [
        { name: PRICE_LABELS.register, value: OPTION_PRICE.register },
        { name: PRICE_LABELS.renew, value: OPTION_PRICE.renew },
      ],
    },
    ...CERT_PRICES.map((c) => ({
      code: certServiceCode(c.product),
      prices: [
        { name: PRICE_LABELS.register, value: c.register },
        { name: PRICE_LABELS.renew, value: c.renew },
      ],
    })),
  ];
}
