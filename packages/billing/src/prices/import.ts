/**
 * Wholesale price import: HRD's price list (through the WholesalePriceSource port) becomes one
 * `wholesale_imports` row and one `wholesale_prices` row per service and period. Every import is
 * kept (history); `current_wholesale` is the latest cost of each service and period. Nothing
 * from the list is dropped silently: whatever cannot become a cost is listed in `unmapped` with
 * the reason, in the result and in the import's row. See mapping.ts for the code/label rules.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingError } from "../errors.js";
import { type Money, money } from "../money/money.js";
import { parseInput } from "../validate.js";
import {
  hrdCertCode,
  type PriceTarget,
  parsePrice,
  RESERVATION_REASON,
  targetOf,
  unitsFor,
} from "./mapping.js";
import type { WholesalePriceSource } from "./ports.js";
import {
  atSchema,
  loadServices,
  periodSchema,
  progressSchema,
  requireService,
  type ServiceRow,
  serviceCodeSchema,
} from "./shared.js";

export interface ImportWholesaleOptions {
  /** When the list was read: the import's `imported_at`. */
  at: Date;
  /** Called as the list is worked through: (entries done, entries in the list). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Create the missing domain services (register/renew/transfer/trade) of TLDs that exist in
   * `tlds`, with that TLD's periods, instead of reporting them. Default false.
   */
  createMissingServices?: boolean;
  /** Recorded as the import's `source`. Default `"hrd"`. */
  sourceName?: string;
}

/** A price of the list that did not become a cost, and why. */
export interface UnmappedPrice {
  /** HRD's service code as listed (`d_pl`). */
  service: string;
  /** The price's label (`Rezerwacja`); null when the whole entry was unusable. */
  label: string | null;
  value: string | null;
  reason: string;
  /** The catalog service it would belong to, when known. */
  serviceCode?: string;
  /** When only one period of the service could not be priced. */
  period?: number;
}

/** A price of the list and the costs it became. */
export interface MappedPrice {
  service: string;
  label: string;
  value: string;
  serviceCode: string;
  costs: { period: number; cost: Money }[];
}

export interface WholesaleImportResult {
  importId: number;
  importedAt: Date;
  source: string;
  /** Prices in the list: (service code, label) pairs. */
  prices: number;
  /** Costs written: one per service and period. `mapped = changed + unchanged`. */
  mapped: number;
  /** Costs different from the latest known one, including those seen for the first time. */
  changed: number;
  /** Of `changed`: costs with no earlier cost at all. */
  added: number;
  unchanged: number;
  unmapped: UnmappedPrice[];
  /** Services created because of `createMissingServices`. */
  createdServices: string[];
  /**
   * Services and periods with an earlier cost that this list did not price: their current cost
   * is still the older one. Check them (a TLD HRD dropped, a renamed product).
   */
  missing: { serviceCode: string; period: number; cost: Money; importId: number }[];
  mappings: MappedPrice[];
}

const sourceSchema = z.custom<WholesalePriceSource>(
  (v) => typeof (v as { getPricings?: unknown } | null)?.getPricings === "function",
  "must be a WholesalePriceSource with getPricings()",
);

const importSchema = z.object({
  source: sourceSchema,
  options: z.object({
    at: atSchema,
    onProgress: progressSchema.optional(),
    createMissingServices: z.boolean().optional(),
    sourceName: z.string().trim().min(1).max(100).optional(),
  }),
});

const CHUNK = 100;
const NO_PRICE = "no price: HRD lists (brak)";

interface PriceItem {
  service: string;
  label: string | null;
  value: string | null;
  /** Why the item is unusable before any mapping (malformed input). */
  malformed?: string;
}

/** The list's entries as (code, label, value) items; malformed parts become items with a reason. */
function itemsOf(entry: unknown, index: number): PriceItem[] {
  const e = entry as { service?: unknown; prices?: unknown } | null;
  if (typeof e !== "object" || e === null || typeof e.service !== "string" || !Array.isArray(e.prices)) {
    const service = typeof e?.service === "string" ? e.service : `#${index}`;
    return [
      { service, label: null, value: null, malformed: "malformed entry: expected {service, prices[]}" },
    ];
  }
  if (e.prices.length === 0)
    return [{ service: e.service, label: null, value: null, malformed: "no prices listed" }];
  return e.prices.map((p: unknown) => {
    const price = p as { name?: unknown; value?: unknown } | null;
    if (
      typeof price !== "object" ||
      price === null ||
      typeof price.name !== "string" ||
      (price.value !== null && typeof price.value !== "string")
    ) {
      return {
        service: e.service as string,
        label: typeof price?.name === "string" ? price.name : null,
        value: typeof price?.value === "string" ? price.value : null,
        malformed: "malformed price: expected {name, value: string | null}",
      };
    }
    return { service: e.service as string, label: price.name, value: price.value as string | null };
  });
}

const DOMAIN_NAMES: Record<string, string> = {
  register: "Rejestracja domeny",
  renew: "Odnowienie domeny",
  transfer: "Transfer domeny",
  trade: "Cesja domeny",
};

interface TldRow {
  tld: string;
  register_periods: number[];
  renew_periods: number[];
  transfer_periods: number[];
}

async function createDomainService(tx: Db, target: PriceTarget, tld: TldRow, hrdCode: string) {
  const periods =
    target.operation === "register"
      ? tld.register_periods
      : target.operation === "renew"
        ? tld.renew_periods
        : target.operation === "transfer"
          ? tld.transfer_periods
          : [1];
  const name = `${DOMAIN_NAMES[target.operation]} .${tld.tld}`;
  // ON CONFLICT: the catalog may have created it meanwhile; then that row is used.
  await tx.query(
    `INSERT INTO services (code, kind, operation, tld, provider_ref, name, periods)
     VALUES ($1, 'domain', $2, $3, $4, $5, $6::int[]) ON CONFLICT (code) DO NOTHING`,
    [target.serviceCode, target.operation, tld.tld, hrdCode, name, periods],
  );
  return requireService(tx, target.serviceCode);
}

/**
 * Imports HRD's wholesale price list. One transaction (imports are serialised); a second
 * identical import records a new history row with `changed: 0`. Throws BillingError
 * `source_failed` when the source throws (nothing written).
 */
export async function importWholesale(
  db: Db,
  source: WholesalePriceSource,
  options: ImportWholesaleOptions,
): Promise<WholesaleImportResult> {
  const input = parseInput("importWholesale", importSchema, { source, options });
  const opts = input.options;
  let list: unknown;
  try {
    // Read before the transaction: no transaction held open over the network.
    list = await input.source.getPricings();
  } catch (err) {
    throw new BillingError(
      `the wholesale price source failed: ${err instanceof Error ? err.message : String(err)}`,
      "source_failed",
      { cause: err },
    );
  }
  if (!Array.isArray(list)) {
    throw new BillingError("the wholesale price source did not return a list", "source_invalid");
  }
  const entries: unknown[] = list;
  const sourceName = opts.sourceName ?? "hrd";

  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`hrdkit-wholesale-import:${tx.schema}`]);
    const services = await loadServices(tx);
    const byCode = new Map(services.map((s) => [s.code, s]));
    const byId = new Map(services.map((s) => [s.id, s]));
    // Certificates may also be found by their product name (`services.product`).
    const certs = new Map<string, ServiceRow>();
    for (const s of services) {
      if (s.kind === "ssl" && s.product) certs.set(`${hrdCertCode(s.product)}:${s.operation}`, s);
    }
    const tlds = new Map(
      (
        await tx.query<TldRow>("SELECT tld, register_periods, renew_periods, transfer_periods FROM tlds")
      ).rows.map((t) => [t.tld, t]),
    );
    const current = new Map<string, { cost: number; importId: number }>();
    for (const r of (
      await tx.query<{ service_id: number; period: number; cost: number; import_id: number }>(
        "SELECT service_id, period, cost, import_id FROM current_wholesale",
      )
    ).rows) {
      current.set(`${r.service_id}:${r.period}`, { cost: Number(r.cost), importId: r.import_id });
    }
    const { rows: created } = await tx.query<{ id: number; imported_at: Date }>(
      "INSERT INTO wholesale_imports (source, imported_at) VALUES ($1, $2) RETURNING id, imported_at",
      [sourceName, opts.at],
    );
    const importId = created[0]!.id;

    const result: WholesaleImportResult = {
      importId,
      importedAt: created[0]!.imported_at,
      source: sourceName,
      prices: 0,
      mapped: 0,
      changed: 0,
      added: 0,
      unchanged: 0,
      unmapped: [],
      createdServices: [],
      missing: [],
      mappings: [],
    };
    // TLDs the list prices an option for by their own code (o_com_pl): o_pl does not cover them.
    const ownOptionTlds = new Set<string>();
    for (const e of entries) {
      const code = (e as { service?: unknown } | null)?.service;
      if (typeof code === "string" && /^o_[a-z0-9_-]+$/.test(code.trim().toLowerCase())) {
        ownOptionTlds.add(code.trim().toLowerCase().slice(2).replace(/_/g, "."));
      }
    }
    const priced = new Map<number, { service: string; label: string }>();
    const written = new Set<string>();
    let batch = { service: [] as number[], period: [] as number[], cost: [] as number[] };
    const flush = async () => {
      if (batch.service.length === 0) return;
      await tx.query(
        `INSERT INTO wholesale_prices (import_id, service_id, period, cost)
         SELECT $1::int, s, p, c FROM unnest($2::int[], $3::int[], $4::int8[]) AS t (s, p, c)`,
        [importId, batch.service, batch.period, batch.cost],
      );
      batch = { service: [], period: [], cost: [] };
    };

    const mapItem = async (item: PriceItem) => {
      result.prices++;
      const base = { service: item.service, label: item.label, value: item.value };
      if (item.malformed || item.label === null) {
        result.unmapped.push({ ...base, reason: item.malformed ?? "malformed price" });
        return;
      }
      const t = targetOf(item.service, item.label);
      if ("reason" in t) {
        // A reservation HRD does not offer for the TLD (gTLDs list it as (brak)) is just "no price".
        const noPrice = t.reason === RESERVATION_REASON && item.value === null;
        result.unmapped.push({ ...base, reason: noPrice ? NO_PRICE : t.reason });
        return;
      }
      const target = t.target;
      const serviceCode = target.serviceCode;
      if (item.value === null) {
        result.unmapped.push({ ...base, serviceCode, reason: NO_PRICE });
        return;
      }
      const perUnit = parsePrice(item.value);
      if (perUnit === null) {
        result.unmapped.push({
          ...base,
          serviceCode,
          reason: "not a non-negative decimal with at most 2 decimal places",
        });
        return;
      }
      let found =
        byCode.get(serviceCode) ??
        (target.kind === "ssl"
          ? certs.get(`${item.service.trim().toLowerCase()}:${target.operation}`)
          : undefined);
      if (!found && target.kind === "domain" && opts.createMissingServices) {
        const tld = tlds.get(target.tld!);
        if (tld) {
          found = await createDomainService(tx, target, tld, item.service);
          byCode.set(found.code, found);
          byId.set(found.id, found);
          result.createdServices.push(found.code);
        }
      }
      const targets = found ? [found] : [];
      if (target.kind === "option" && target.tld === "pl") {
        // o_pl is the option of the whole .pl family (com.pl, waw.pl, …) unless the list prices a TLD's own.
        for (const s of services) {
          if (
            s.kind === "option" &&
            s.operation === target.operation &&
            s.tld?.endsWith(".pl") &&
            !ownOptionTlds.has(s.tld)
          ) {
            targets.push(s);
          }
        }
      }
      if (targets.length === 0) {
        const tld = target.tld === null ? undefined : tlds.get(target.tld);
        const reason =
          target.tld !== null && !tld
            ? `no TLD ${target.tld} in the catalog (tlds), so no service ${serviceCode}`
            : target.kind === "domain"
              ? `no service ${serviceCode} in the catalog (createMissingServices: true would create it)`
              : `no service ${serviceCode} in the catalog`;
        result.unmapped.push({ ...base, serviceCode, reason });
        return;
      }
      for (const svc of targets) {
        priceService(svc, { service: item.service, label: item.label, value: item.value }, perUnit);
      }
    };

    const priceService = (
      svc: ServiceRow,
      item: { service: string; label: string; value: string },
      perUnit: number,
    ) => {
      const base = { service: item.service, label: item.label, value: item.value };
      const first = priced.get(svc.id);
      if (first) {
        result.unmapped.push({
          ...base,
          serviceCode: svc.code,
          reason: `duplicate: ${svc.code} is already priced by ${first.service}/${first.label} in this list (that price is used)`,
        });
        return;
      }
      priced.set(svc.id, { service: item.service, label: item.label });
      const mapping: MappedPrice = { ...base, serviceCode: svc.code, costs: [] };
      for (const period of svc.periods) {
        const units = unitsFor(svc.kind, svc.operation, period);
        if (typeof units === "string") {
          result.unmapped.push({ ...base, serviceCode: svc.code, period, reason: units });
          continue;
        }
        const cost = perUnit * units;
        const key = `${svc.id}:${period}`;
        const before = current.get(key);
        if (before === undefined) {
          result.added++;
          result.changed++;
        } else if (before.cost !== cost) {
          result.changed++;
        } else {
          result.unchanged++;
        }
        result.mapped++;
        written.add(key);
        batch.service.push(svc.id);
        batch.period.push(period);
        batch.cost.push(cost);
        mapping.costs.push({ period, cost: money(cost) });
      }
      if (mapping.costs.length > 0) result.mappings.push(mapping);
    };

    for (let i = 0; i < entries.length; i++) {
      for (const item of itemsOf(entries[i], i)) await mapItem(item);
      if ((i + 1) % CHUNK === 0 || i === entries.length - 1) {
        await flush();
        opts.onProgress?.(i + 1, entries.length);
      }
    }
    if (entries.length === 0) opts.onProgress?.(0, 0);

    for (const [key, before] of current) {
      if (written.has(key)) continue;
      const [serviceId, period] = key.split(":").map(Number) as [number, number];
      const svc = byId.get(serviceId);
      // Hosting costs are typed in by the partner (catalog's setHostingCost), never in HRD's list.
      if (!svc || svc.kind === "hosting") continue;
      result.missing.push({
        serviceCode: svc.code,
        period,
        cost: money(before.cost),
        importId: before.importId,
      });
    }
    result.missing.sort((a, b) => a.serviceCode.localeCompare(b.serviceCode) || a.period - b.period);

    await tx.query(
      "UPDATE wholesale_imports SET mapped = $2, changed = $3, unmapped = $4::jsonb WHERE id = $1",
      [importId, result.mapped, result.changed, JSON.stringify(result.unmapped)],
    );
    return result;
  });
}

// ------------------------------------------------------------------------------------ reading

export interface WholesaleImportSummary {
  importId: number;
  importedAt: Date;
  source: string;
  mapped: number;
  changed: number;
  unmapped: UnmappedPrice[];
}

/** The imports, newest first (each keeps its unmapped report); default the latest 100. */
export async function listWholesaleImports(
  db: Db,
  options: {
    limit?: number;
    /** Keyset paging: imports older than this one (the last id of the previous page). */
    beforeId?: number;
  } = {},
): Promise<WholesaleImportSummary[]> {
  const { limit, beforeId } = parseInput(
    "listWholesaleImports",
    z.object({
      limit: z.number().int().min(1).max(10_000).optional(),
      beforeId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    }),
    options,
  );
  const { rows } = await db.query<{
    id: number;
    imported_at: Date;
    source: string;
    mapped: number;
    changed: number;
    unmapped: UnmappedPrice[];
  }>(
    `SELECT id, imported_at, source, mapped, changed, unmapped FROM wholesale_imports
     WHERE ($2::int8 IS NULL OR id < $2) ORDER BY id DESC LIMIT $1`,
    [limit ?? 100, beforeId ?? null],
  );
  return rows.map((r) => ({
    importId: r.id,
    importedAt: r.imported_at,
    source: r.source,
    mapped: r.mapped,
    changed: r.changed,
    unmapped: r.unmapped,
  }));
}

export interface WholesaleHistoryEntry {
  importId: number;
  importedAt: Date;
  source: string;
  cost: Money;
}

const costQuery = z.object({ serviceCode: serviceCodeSchema, period: periodSchema });

const historyPaging = z
  .strictObject({
    afterId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
  })
  .default({});

/**
 * The cost of a service for a period in every import that priced it, oldest first; a page at a
 * time with `afterId` (the last import id of the previous page) and `limit`.
 */
export async function wholesaleHistory(
  db: Db,
  serviceCode: string,
  period: number,
  paging: { afterId?: number; limit?: number } = {},
): Promise<WholesaleHistoryEntry[]> {
  const q = parseInput("wholesaleHistory", costQuery, { serviceCode, period });
  const p = parseInput("wholesaleHistory", historyPaging, paging);
  const svc = await requireService(db, q.serviceCode);
  const { rows } = await db.query<{ id: number; imported_at: Date; source: string; cost: number }>(
    `SELECT i.id, i.imported_at, i.source, w.cost FROM wholesale_prices w
     JOIN wholesale_imports i ON i.id = w.import_id
     WHERE w.service_id = $1 AND w.period = $2 AND ($3::int8 IS NULL OR w.import_id > $3)
     ORDER BY i.id ${p.limit === undefined ? "" : "LIMIT $4"}`,
    [svc.id, q.period, p.afterId ?? null, ...(p.limit === undefined ? [] : [p.limit])],
  );
  return rows.map((r) => ({
    importId: r.id,
    importedAt: r.imported_at,
    source: r.source,
    cost: money(r.cost),
  }));
}

/** The latest wholesale cost of a service for a period; null when never imported. */
export async function currentCost(db: Db, serviceCode: string, period: number): Promise<Money | null> {
  const q = parseInput("currentCost", costQuery, { serviceCode, period });
  const svc = await requireService(db, q.serviceCode);
  const { rows } = await db.query<{ cost: number }>(
    "SELECT cost FROM current_wholesale WHERE service_id = $1 AND period = $2",
    [svc.id, q.period],
  );
  return rows[0] ? money(rows[0].cost) : null;
}
