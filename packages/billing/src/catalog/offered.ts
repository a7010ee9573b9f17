/**
 * Whole kinds of service switched on or off ("oferowane usługi"): a partner that does not sell
 * certificates switches `ssl` off and no SSL service can be quoted or ordered, whatever its own
 * `active` flag says.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingConflictError, BillingNotFoundError } from "../errors.js";
import { parseInput } from "../validate.js";
import { readService, SERVICE_KINDS, type Service, type ServiceKind } from "./services.js";

const kindSchema = z.enum(SERVICE_KINDS, `must be one of ${SERVICE_KINDS.join(", ")}`);

/** Switches a kind of service on or off; returns the kinds offered afterwards. */
export async function setServiceKindOffered(
  db: Db,
  kind: ServiceKind,
  enabled: boolean,
): Promise<ServiceKind[]> {
  const v = parseInput(
    "setServiceKindOffered",
    z.strictObject({ kind: kindSchema, enabled: z.boolean("must be true or false") }),
    { kind, enabled },
  );
  await db.query(
    `INSERT INTO offered_services (kind, enabled) VALUES ($1, $2)
     ON CONFLICT (kind) DO UPDATE SET enabled = EXCLUDED.enabled`,
    [v.kind, v.enabled],
  );
  return offeredKinds(db);
}

/** The kinds currently offered, in the order domain, option, ssl, hosting. */
export async function offeredKinds(db: Db): Promise<ServiceKind[]> {
  const { rows } = await db.query<{ kind: ServiceKind }>("SELECT kind FROM offered_services WHERE enabled");
  const on = new Set(rows.map((r) => r.kind));
  return SERVICE_KINDS.filter((k) => on.has(k));
}

/**
 * The service, when it can be quoted and ordered now. BillingNotFoundError for an unknown code;
 * BillingConflictError with code `not_offered` when its kind is switched off or the service is
 * inactive. Quotes and orders call this for every line.
 */
export async function assertSellable(db: Db, serviceCode: string): Promise<Service> {
  const code = parseInput(
    "assertSellable",
    z.string("must be a service code such as domain.pl.register").min(1, "is empty"),
    serviceCode,
  );
  const service = await readService(db, code);
  if (!service) throw new BillingNotFoundError(`service ${code}`);
  const { rows } = await db.query<{ enabled: boolean }>(
    "SELECT enabled FROM offered_services WHERE kind = $1",
    [service.kind],
  );
  if (!rows[0]?.enabled) {
    throw new BillingConflictError(
      `${code} cannot be sold: ${service.kind} services are switched off (setServiceKindOffered)`,
      "not_offered",
    );
  }
  if (!service.active) {
    throw new BillingConflictError(`${code} cannot be sold: the service is inactive`, "not_offered");
  }
  return service;
}
