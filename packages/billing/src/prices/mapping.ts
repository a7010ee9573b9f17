/**
 * How HRD's price list maps onto the catalog (pure functions, no database).
 *
 * HRD answers service codes with prices named by Polish labels:
 * - `d_<tld, dots as _>` (`d_pl`, `d_com_pl`): Rejestracja → `domain.<tld>.register`,
 *   Odnowienie → `.renew`, Transfer → `.transfer`, Cesja → `.trade`. Rezerwacja (the .pl
 *   booking, `domain/book`) has no catalog service: the schema has no such operation.
 * - `o_<tld>` (`o_pl`): the .pl option, Rejestracja → `option.<tld>.create`, Odnowienie → `.renew`.
 *   `o_pl` also prices the options of the rest of the .pl family (`option.com.pl.*`) unless the
 *   list has that TLD's own code (the import applies this; HRD lists one option price for .pl).
 * - `c_<product, non-alphanumerics as _>` (`c_positive_ssl_wildcard`): Rejestracja →
 *   `ssl.<slug>.create`, Odnowienie → `.renew`, where slug is the product name with
 *   non-alphanumerics as `-` (`positive-ssl-wildcard`).
 *
 * Amounts: HRD lists domain and certificate prices **per year** (the sandbox charges price ×
 * years, like HRD's panel), so a service's cost for a period of n years is price × n. Two
 * exceptions: Cesja (trade) is a one-off fee, priced for period 1 only; a .pl option is a 3-year
 * NASK object priced per term, so its cost for n years is price × n/3 (n a multiple of 3).
 */
import type { ServiceKind, ServiceOperation } from "./shared.js";

export interface PriceTarget {
  /** The catalog code the price belongs to: `domain.pl.register`. */
  serviceCode: string;
  kind: ServiceKind;
  operation: ServiceOperation;
  /** Domain and option services: the TLD. */
  tld: string | null;
  /** Certificates: the product slug (`positive-ssl-wildcard`). */
  slug: string | null;
}

export type TargetResult = { target: PriceTarget } | { reason: string };

const DOMAIN_LABELS: Record<string, ServiceOperation> = {
  rejestracja: "register",
  odnowienie: "renew",
  transfer: "transfer",
  cesja: "trade",
};
const CREATE_RENEW_LABELS: Record<string, ServiceOperation> = {
  rejestracja: "create",
  odnowienie: "renew",
};

export const RESERVATION_REASON = "no catalog service for .pl reservation";

/** `Rejestracja`, ` rejestracja `: HRD's labels compared without case or surrounding space. */
export function normaliseLabel(label: string): string {
  return label.normalize("NFC").trim().toLocaleLowerCase("pl");
}

/** Catalog slug of a certificate product: `Positive SSL + Wildcard` → `positive-ssl-wildcard`. */
export function productSlug(product: string): string {
  return product
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** HRD's service code of a certificate product: `Positive SSL + Wildcard` → `c_positive_ssl_wildcard`. */
export function hrdCertCode(product: string): string {
  return `c_${productSlug(product).replace(/-/g, "_")}`;
}

/** HRD's service code of a TLD's domain prices: `com.pl` → `d_com_pl`. */
export function hrdDomainCode(tld: string): string {
  return `d_${tld.replace(/\./g, "_")}`;
}

const TLD_PART = /^[a-z0-9-]+(?:_[a-z0-9-]+)*$/;
const SLUG_PART = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;

/** The catalog service one (code, label) price of HRD's list belongs to, or why there is none. */
export function targetOf(code: string, label: string): TargetResult {
  const c = code.trim().toLowerCase();
  const l = normaliseLabel(label);
  const rest = c.slice(2);
  if (c.startsWith("d_") && TLD_PART.test(rest)) {
    const tld = rest.replace(/_/g, ".");
    if (l === "rezerwacja") return { reason: RESERVATION_REASON };
    const operation = DOMAIN_LABELS[l];
    if (!operation) return { reason: `unknown price label "${label}" for a domain service` };
    return {
      target: { serviceCode: `domain.${tld}.${operation}`, kind: "domain", operation, tld, slug: null },
    };
  }
  if (c.startsWith("o_") && TLD_PART.test(rest)) {
    const tld = rest.replace(/_/g, ".");
    const operation = CREATE_RENEW_LABELS[l];
    if (!operation) return { reason: `unknown price label "${label}" for a domain option` };
    return {
      target: { serviceCode: `option.${tld}.${operation}`, kind: "option", operation, tld, slug: null },
    };
  }
  if (c.startsWith("c_") && SLUG_PART.test(rest)) {
    const slug = rest.replace(/_/g, "-");
    const operation = CREATE_RENEW_LABELS[l];
    if (!operation) return { reason: `unknown price label "${label}" for a certificate` };
    return { target: { serviceCode: `ssl.${slug}.${operation}`, kind: "ssl", operation, tld: null, slug } };
  }
  return { reason: "unknown service code" };
}

const AMOUNT = /^\d+(?:\.\d{1,2})?$/;

/** `"39.00"` → 3900 grosze; anything else (negative, 3 decimals, junk) → null. */
export function parsePrice(value: string): number | null {
  const t = value.trim();
  if (!AMOUNT.test(t)) return null;
  const [int, frac = ""] = t.split(".") as [string, string?];
  const grosze = Number(int) * 100 + Number(frac.padEnd(2, "0"));
  return Number.isSafeInteger(grosze) ? grosze : null;
}

/** How many of HRD's listed units one period of a service is; a string says why it has no cost. */
export function unitsFor(kind: ServiceKind, operation: ServiceOperation, period: number): number | string {
  if (kind === "domain" && operation === "trade") {
    return period === 1 ? 1 : `Cesja (trade) is a one-off fee: only period 1 gets a cost, not ${period}`;
  }
  if (kind === "option") {
    return period % 3 === 0
      ? period / 3
      : `a domain option is priced per 3-year term: period ${period} is not a whole number of terms`;
  }
  return period;
}
