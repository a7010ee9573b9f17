/**
 * What a customer has: a domain, a .pl option, a certificate or a hosting package, with its term.
 * The renewal run reads the active ones expiring in a window (servicesExpiringBetween); activation
 * and provisioning move their status and dates. Domain names are stored in Unicode (`żółw.pl`,
 * whether given so or as punycode), checked against the TLD of the service they were sold as.
 */
import { z } from "zod";
import { parseDomainName } from "../catalog/domain-name.js";
import { readService, type Service, type ServiceKind } from "../catalog/services.js";
import { type Db, sqlState } from "../db/db.js";
import {
  BillingConflictError,
  BillingNotFoundError,
  BillingValidationError,
  type FieldIssue,
} from "../errors.js";
import { parseInput } from "../validate.js";

export const CUSTOMER_SERVICE_STATUSES = ["pending", "active", "expired", "cancelled"] as const;
export type CustomerServiceStatus = (typeof CUSTOMER_SERVICE_STATUSES)[number];

export interface CustomerService {
  id: number;
  customerId: number;
  serviceId: number;
  /** The catalog service it was sold as, e.g. `domain.pl.register`. */
  serviceCode: string;
  kind: ServiceKind;
  /** Domains and options. */
  tld: string | null;
  /** Certificates: HRD's product; hosting: the package. */
  product: string | null;
  /** The domain name in Unicode, the certificate's common name, or the hosting package's label. */
  name: string;
  status: CustomerServiceStatus;
  /** Years of the current term. */
  period: number;
  startsOn: string | null;
  expiresOn: string | null;
  /** HRD's reference: certificate id, option name, … */
  hrdRef: string | null;
  autoRenew: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface AddCustomerServiceInput {
  customerId: number;
  serviceCode: string;
  /** A domain (`żółw.pl` or `xn--w-uga1v8h.pl`), a certificate's common name, a hosting label. */
  name: string;
  period: number;
  startsOn?: string;
  /** Required when the service is active. */
  expiresOn?: string;
  /** Default `pending` (bought, not yet provisioned). */
  status?: CustomerServiceStatus;
  hrdRef?: string;
  /** Default true. */
  autoRenew?: boolean;
}

export interface UpdateCustomerServiceInput {
  status?: CustomerServiceStatus;
  /** A renewal moves the term: the new period and dates. */
  period?: number;
  startsOn?: string | null;
  expiresOn?: string | null;
  hrdRef?: string | null;
  autoRenew?: boolean;
}

export interface ServicesExpiringInput {
  /** First day of the window, `YYYY-MM-DD` (inclusive). */
  from: string;
  /** Last day of the window, inclusive. */
  to: string;
  /** Keyset paging: services with a greater id. */
  afterId?: number;
  /** Default 500, at most 5000. */
  limit?: number;
  /** Only those with (true) or without (false) automatic renewal; default both. */
  autoRenew?: boolean;
}

const id = z.number("must be an id").int().positive();

function realDate(v: string): boolean {
  const d = new Date(`${v}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

const day = z
  .string("must be a date YYYY-MM-DD")
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine(realDate, "is not a real calendar day");

const period = z.number("must be a number of years").int().min(1, "must be at least 1 year").max(10);
const status = z.enum(CUSTOMER_SERVICE_STATUSES, `must be one of ${CUSTOMER_SERVICE_STATUSES.join(", ")}`);
const hrdRef = z.string("must be text").trim().min(1, "must not be empty").max(200);

const addSchema = z.object({
  customerId: id,
  serviceCode: z.string("must be a service code such as domain.pl.register").min(1, "must not be empty"),
  name: z.string("must be text").trim().min(1, "must not be empty").max(253),
  period,
  startsOn: day.optional(),
  expiresOn: day.optional(),
  status: status.optional(),
  hrdRef: hrdRef.optional(),
  autoRenew: z.boolean("must be true or false").optional(),
});

const updateSchema = z.object({
  status: status.optional(),
  period: period.optional(),
  startsOn: day.nullable().optional(),
  expiresOn: day.nullable().optional(),
  hrdRef: hrdRef.nullable().optional(),
  autoRenew: z.boolean("must be true or false").optional(),
});

/** The name as stored for a service of this kind, or the issue with it. */
export function serviceName(
  service: Pick<Service, "kind" | "tld">,
  name: string,
): { name: string } | { problem: string } {
  if (service.kind === "hosting") return { name: name.trim() };
  const wildcard = service.kind === "ssl" && name.trim().startsWith("*.");
  // Strict (parseDomainName): the URL host parser alone would take `%61bc.pl` as abc.pl.
  const host = parseDomainName(wildcard ? name.trim().slice(2) : name);
  if ("problem" in host) return host;
  if (service.kind === "ssl") return { name: wildcard ? `*.${host.unicode}` : host.unicode };
  const tld = service.tld!;
  const label = host.ascii.endsWith(`.${tld}`) ? host.ascii.slice(0, -tld.length - 1) : undefined;
  if (label === undefined || label.includes(".")) {
    return { problem: `must be a name directly under .${tld} (the TLD of the service), e.g. example.${tld}` };
  }
  return { name: host.unicode };
}

function termIssues(s: { status: string; startsOn: string | null; expiresOn: string | null }): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (s.status === "active" && s.expiresOn === null) {
    issues.push({
      path: "expiresOn",
      message: "is required for an active service (renewals are made from it)",
    });
  }
  if (s.startsOn !== null && s.expiresOn !== null && s.expiresOn <= s.startsOn) {
    issues.push({ path: "expiresOn", message: `must be after startsOn (${s.startsOn})` });
  }
  return issues;
}

interface ServiceRow {
  id: number;
  customer_id: number;
  service_id: number;
  code: string;
  kind: ServiceKind;
  tld: string | null;
  product: string | null;
  name: string;
  status: CustomerServiceStatus;
  period: number;
  starts_on: string | null;
  expires_on: string | null;
  hrd_ref: string | null;
  auto_renew: boolean;
  created_at: Date;
  updated_at: Date;
}

const SELECT = `SELECT cs.id, cs.customer_id, cs.service_id, s.code, s.kind, s.tld, s.product, cs.name, cs.status,
    cs.period, cs.starts_on, cs.expires_on, cs.hrd_ref, cs.auto_renew, cs.created_at, cs.updated_at
  FROM customer_services cs JOIN services s ON s.id = cs.service_id`;

const toCustomerService = (r: ServiceRow): CustomerService => ({
  id: r.id,
  customerId: r.customer_id,
  serviceId: r.service_id,
  serviceCode: r.code,
  kind: r.kind,
  tld: r.tld,
  product: r.product,
  name: r.name,
  status: r.status,
  period: r.period,
  startsOn: r.starts_on,
  expiresOn: r.expires_on,
  hrdRef: r.hrd_ref,
  autoRenew: r.auto_renew,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

async function readCustomerService(db: Db, serviceId: number, lock = ""): Promise<CustomerService> {
  const { rows } = await db.query<ServiceRow>(`${SELECT} WHERE cs.id = $1 ${lock}`, [serviceId]);
  if (!rows[0]) throw new BillingNotFoundError(`customer service ${serviceId}`);
  return toCustomerService(rows[0]);
}

/**
 * Records a service a customer has (or has bought). Refused: an unknown service code, a domain
 * not directly under the service's TLD, an active service without an expiry day, an expiry not
 * after the start. A domain (or its option) that another customer service holds while pending or
 * active is a conflict (`service_exists`): a name has one holder.
 */
export async function addCustomerService(db: Db, input: AddCustomerServiceInput): Promise<CustomerService> {
  const r = addSchema.safeParse(input);
  const issues: FieldIssue[] = r.success
    ? []
    : r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  const bad = (path: string) => issues.some((i) => i.path === path);
  const raw = (typeof input === "object" && input !== null ? input : {}) as Partial<Record<string, unknown>>;
  return db.transaction(async (tx) => {
    // The service and the name are checked even when another field is bad, to name them all.
    const code = bad("serviceCode") ? undefined : (raw.serviceCode as string | undefined);
    const service = code === undefined ? undefined : await readService(tx, code);
    if (code !== undefined && !service)
      issues.push({ path: "serviceCode", message: `no service has the code ${code}` });
    let name = "";
    if (service && !bad("name")) {
      const n = serviceName(service, raw.name as string);
      if ("problem" in n) issues.push({ path: "name", message: n.problem });
      else name = n.name;
    }
    const state = {
      status: (raw.status as string | undefined) ?? "pending",
      startsOn: (raw.startsOn as string | undefined) ?? null,
      expiresOn: (raw.expiresOn as string | undefined) ?? null,
    };
    if (!bad("status") && !bad("startsOn") && !bad("expiresOn")) issues.push(...termIssues(state));
    if (!r.success || !service || issues.length > 0) {
      throw new BillingValidationError("addCustomerService", issues);
    }
    const v = r.data;
    if (service.kind === "domain" || service.kind === "option") {
      // Serialise adds of the same name, then look for a live holder.
      await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [
        `hrdkit-customer-service:${service.kind}:${name}`,
      ]);
      const { rows } = await tx.query<{ id: number; customer_id: number }>(
        `SELECT cs.id, cs.customer_id FROM customer_services cs JOIN services s ON s.id = cs.service_id
         WHERE s.kind = $1 AND cs.name = $2 AND cs.status IN ('pending', 'active') LIMIT 1`,
        [service.kind, name],
      );
      if (rows[0]) {
        throw new BillingConflictError(
          `${name} is already service ${rows[0].id} of customer ${rows[0].customer_id}`,
          "service_exists",
        );
      }
    }
    try {
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO customer_services (customer_id, service_id, name, status, period, starts_on, expires_on, hrd_ref,
           auto_renew)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [
          v.customerId,
          service.id,
          name,
          v.status ?? "pending",
          v.period,
          v.startsOn ?? null,
          v.expiresOn ?? null,
          v.hrdRef ?? null,
          v.autoRenew ?? true,
        ],
      );
      return readCustomerService(tx, rows[0]!.id);
    } catch (err) {
      if (sqlState(err) === "23503") throw new BillingNotFoundError(`customer ${v.customerId}`);
      throw err;
    }
  });
}

export async function getCustomerService(db: Db, customerServiceId: number): Promise<CustomerService> {
  return readCustomerService(db, parseInput("getCustomerService", id, customerServiceId));
}

/** Every service of a customer, oldest first. */
export async function listCustomerServices(db: Db, customerId: number): Promise<CustomerService[]> {
  const cid = parseInput("listCustomerServices", id, customerId);
  const { rows } = await db.query<ServiceRow>(`${SELECT} WHERE cs.customer_id = $1 ORDER BY cs.id`, [cid]);
  if (rows.length === 0) {
    const { rowCount } = await db.query("SELECT 1 FROM customers WHERE id = $1", [cid]);
    if (rowCount === 0) throw new BillingNotFoundError(`customer ${cid}`);
  }
  return rows.map(toCustomerService);
}

/**
 * Changes the status, term, HRD reference or renewal flag of a customer's service. A cancelled
 * service stays cancelled (`service_cancelled`); the result must still be a valid term.
 */
export async function updateCustomerService(
  db: Db,
  customerServiceId: number,
  patch: UpdateCustomerServiceInput,
): Promise<CustomerService> {
  const sid = parseInput("updateCustomerService", id, customerServiceId);
  const p = parseInput("updateCustomerService", updateSchema, patch);
  return db.transaction(async (tx) => {
    const current = await readCustomerService(tx, sid, "FOR UPDATE OF cs");
    if (current.status === "cancelled" && p.status !== undefined && p.status !== "cancelled") {
      throw new BillingConflictError(
        `customer service ${sid} is cancelled; add a new one instead`,
        "service_cancelled",
      );
    }
    const next = {
      status: p.status ?? current.status,
      period: p.period ?? current.period,
      startsOn: p.startsOn === undefined ? current.startsOn : p.startsOn,
      expiresOn: p.expiresOn === undefined ? current.expiresOn : p.expiresOn,
      hrdRef: p.hrdRef === undefined ? current.hrdRef : p.hrdRef,
      autoRenew: p.autoRenew ?? current.autoRenew,
    };
    const issues = termIssues(next);
    if (issues.length > 0) throw new BillingValidationError("updateCustomerService", issues);
    await tx.query(
      `UPDATE customer_services SET status = $2, period = $3, starts_on = $4, expires_on = $5, hrd_ref = $6,
         auto_renew = $7, updated_at = now()
       WHERE id = $1`,
      [sid, next.status, next.period, next.startsOn, next.expiresOn, next.hrdRef, next.autoRenew],
    );
    return readCustomerService(tx, sid);
  });
}

const expiringSchema = z
  .object({
    from: day,
    to: day,
    afterId: z.number("must be an id").int().min(0).optional(),
    limit: z.number("must be a number").int().min(1).max(5000).optional(),
    autoRenew: z.boolean("must be true or false").optional(),
  })
  .refine((v) => v.from <= v.to, { path: ["to"], message: "must not be before from" });

/**
 * Active services expiring between `from` and `to` (inclusive), by id, a page at a time: what a
 * renewal run walks. The `customer_services_expiry` index (active services by expiry day) finds
 * the window; paging by id stays correct while the run changes the services it has passed.
 */
export async function servicesExpiringBetween(
  db: Db,
  input: ServicesExpiringInput,
): Promise<CustomerService[]> {
  const v = parseInput("servicesExpiringBetween", expiringSchema, input);
  const { rows } = await db.query<ServiceRow>(
    `${SELECT}
     WHERE cs.status = 'active' AND cs.expires_on BETWEEN $1 AND $2 AND cs.id > $3
       AND ($4::boolean IS NULL OR cs.auto_renew = $4)
     ORDER BY cs.id LIMIT $5`,
    [v.from, v.to, v.afterId ?? 0, v.autoRenew ?? null, v.limit ?? 500],
  );
  return rows.map(toCustomerService);
}
