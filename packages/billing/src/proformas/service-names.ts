/**
 * Edited lines of an order or renewal proforma name what gets provisioned: a line that makes a
 * pending customer service, or keeps one (whose name follows the line), must name a real domain
 * or certificate name — checked as addCustomerService checks it, and stored the same way.
 */
import { serviceName } from "../customers/services.js";
import type { Db } from "../db/db.js";
import type { FieldIssue } from "../errors.js";
import type { CatalogService } from "./common.js";

interface LineName {
  name: string;
  customerServiceId: number | null;
}

type Kind = Pick<CatalogService, "kind" | "tld" | "name">;

/**
 * The names to store for `lines` (undefined: the line's name stays as typed) and the issues of
 * those that are not names of their service. `creates[i]`: line i will get a new pending service
 * of that catalog service.
 */
export async function pendingServiceNames(
  db: Db,
  lines: readonly LineName[],
  creates: readonly (Kind | undefined)[],
  path: string,
): Promise<{ names: (string | undefined)[]; issues: FieldIssue[] }> {
  const linked = lines.flatMap((l) => (l.customerServiceId === null ? [] : [l.customerServiceId]));
  const pending = new Map<number, Kind>();
  if (linked.length > 0) {
    const { rows } = await db.query<Kind & { id: number }>(
      `SELECT cs.id, s.kind, s.tld, s.name FROM customer_services cs JOIN services s ON s.id = cs.service_id
       WHERE cs.id = ANY($1::int[]) AND cs.status = 'pending'`,
      [linked],
    );
    for (const r of rows) pending.set(r.id, r);
  }
  const issues: FieldIssue[] = [];
  const names = lines.map((l, i) => {
    const svc = l.customerServiceId === null ? creates[i] : pending.get(l.customerServiceId);
    // Hosting is named freely; a certificate line may wait for its common name.
    if (!svc || svc.kind === "hosting" || (svc.kind === "ssl" && l.name === svc.name)) return undefined;
    const n = serviceName(svc, l.name);
    if ("name" in n) return n.name;
    issues.push({ path: `${path}.${i}.name`, message: n.problem });
    return undefined;
  });
  return { names, issues };
}
