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
