/**
 * A starting catalog for a Polish reseller. The TLD metadata is a sandbox-like assumption —
 * plausible registry rules (periods, IDN, grace) written down by us, not read from HRD or the
 * registries — for the partner to review and edit. Running the seed again only adds what is
 * missing: it never overwrites what the partner changed.
 */
import type { Db } from "../db/db.js";
import { isSslTrial, SSL_PRODUCTS } from "./products.js";
import { defaultServiceName, ensureCatalogForTld, SSL_MAX_PERIOD, serviceCodeOf } from "./services.js";
import type { AdditionalData, TldGrace } from "./tlds.js";

export interface SeedTld {
  tld: string;
  idn: boolean;
  registerPeriods: number[];
  renewPeriods: number[];
  transferPeriods: number[];
  optionsAvailable: boolean;
  additionalData: AdditionalData | null;
  grace: TldGrace;
}

const years = (to: number) => Array.from({ length: to }, (_, i) => i + 1);

/**
 * NASK (.pl family): 1–10 years, IDN with Polish letters, options; a transfer adds no term (1).
 * After expiry the holder may still renew for 30 days.
 */
const pl = (tld: string): SeedTld => ({
  tld,
  idn: true,
  registerPeriods: years(10),
  renewPeriods: years(10),
  transferPeriods: [1],
  optionsAvailable: true,
  additionalData: null,
  grace: { renewAfterExpiryDays: 30 },
});

/**
 * Other registries. `idn` is whether the partner offers names with Polish letters there: .eu
 * (EURid) does; .com/.net/.org technically accept IDNs, but the seed leaves them off as most Polish
 * resellers do — switch them on with upsertTld when you sell them.
 */
const other = (
  tld: string,
  o: {
    idn?: boolean;
    maxYears?: number;
    additionalData?: AdditionalData;
    renewAfterExpiryDays?: number;
    redemptionDays?: number;
  } = {},
): SeedTld => ({
  tld,
  idn: o.idn ?? false,
  registerPeriods: years(o.maxYears ?? 10),
  renewPeriods: years(o.maxYears ?? 10),
  transferPeriods: [1],
  optionsAvailable: false,
  additionalData: o.additionalData ?? null,
  grace: { renewAfterExpiryDays: o.renewAfterExpiryDays ?? 30, redemptionDays: o.redemptionDays ?? 30 },
});

export const DEFAULT_TLDS: readonly SeedTld[] = [
  pl("pl"),
  pl("com.pl"),
  pl("net.pl"),
  pl("org.pl"),
  pl("info.pl"),
  pl("biz.pl"),
  pl("waw.pl"),
  pl("krakow.pl"),
  pl("edu.pl"),
  other("eu", { idn: true, renewAfterExpiryDays: 0, redemptionDays: 40 }),
  other("com"),
  other("net"),
  other("org"),
  other("info"),
  other("biz"),
  other("de", { maxYears: 1, renewAfterExpiryDays: 0 }),
  other("cz"),
  other("uk"),
  other("co.uk"),
  other("fr", { additionalData: "fr" }),
  other("it", { maxYears: 1, additionalData: "it", renewAfterExpiryDays: 15 }),
  other("us", { additionalData: "us" }),
  other("ca", { additionalData: "ca" }),
  other("es", { maxYears: 5, additionalData: "es", renewAfterExpiryDays: 10 }),
  other("io", { maxYears: 5 }),
  other("shop"),
  other("online"),
  other("store"),
];

/** Suggestion groups the seed creates (only when no group of that name exists). */
export const DEFAULT_TLD_GROUPS: readonly { name: string; tlds: string[]; position: number }[] = [
  {
    name: "Popularne",
    tlds: ["pl", "com.pl", "eu", "com", "net", "org", "shop", "online", "store"],
    position: 0,
  },
  {
    name: "Polskie",
    tlds: ["pl", "com.pl", "net.pl", "org.pl", "info.pl", "biz.pl", "waw.pl", "krakow.pl"],
    position: 1,
  },
];

export interface SeedResult {
  /** How many rows this run added (0 on a second run). */
  tlds: number;
  services: number;
  tldGroups: number;
}

/**
 * Adds the default catalog: the TLDs above with their domain services, the .pl option services,
 * SSL services for HRD's 13 products (create and renew; free trials create only, [1]; paid 1–3
 * years) and two suggestion groups. Idempotent, in one transaction.
 */
export async function seedDefaultCatalog(db: Db): Promise<SeedResult> {
  return db.transaction(async (tx) => {
    const result: SeedResult = { tlds: 0, services: 0, tldGroups: 0 };
    for (const t of DEFAULT_TLDS) {
      const { rowCount } = await tx.query(
        `INSERT INTO tlds (tld, idn, register_periods, renew_periods, transfer_periods, options_available,
                           additional_data, grace)
         VALUES ($1, $2, $3::int[], $4::int[], $5::int[], $6, $7, $8::jsonb)
         ON CONFLICT (tld) DO NOTHING`,
        [
          t.tld,
          t.idn,
          t.registerPeriods,
          t.renewPeriods,
          t.transferPeriods,
          t.optionsAvailable,
          t.additionalData,
          JSON.stringify(t.grace),
        ],
      );
      result.tlds += rowCount;
      result.services += (await ensureCatalogForTld(tx, t.tld)).created.length;
    }
    for (const product of SSL_PRODUCTS) {
      const trial = isSslTrial(product);
      for (const operation of trial ? (["create"] as const) : (["create", "renew"] as const)) {
        const s = { kind: "ssl" as const, operation, product };
        const { rowCount } = await tx.query(
          `INSERT INTO services (code, kind, operation, product, name, periods)
           VALUES ($1, 'ssl', $2, $3, $4, $5::int[]) ON CONFLICT (code) DO NOTHING`,
          [serviceCodeOf(s), operation, product, defaultServiceName(s), trial ? [1] : years(SSL_MAX_PERIOD)],
        );
        result.services += rowCount;
      }
    }
    for (const g of DEFAULT_TLD_GROUPS) {
      const { rowCount } = await tx.query(
        "INSERT INTO tld_groups (name, tlds, position) VALUES ($1, $2::text[], $3) ON CONFLICT (name) DO NOTHING",
        [g.name, g.tlds, g.position],
      );
      result.tldGroups += rowCount;
    }
    return result;
  });
}
