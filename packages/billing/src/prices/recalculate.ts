/**
 * Recalculation: a group's rules applied to the current wholesale costs. Every active service
 * and period with a cost and no manual price gets the price of its most specific rule
 * (`prices.source = 'rule'`). Manual prices are never touched. What cannot be priced is reported,
 * not skipped silently: no cost yet, or no rule matching.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingConflictError } from "../errors.js";
import { type Money, money } from "../money/money.js";
import { VAT_RATES, type VatRateCode } from "../money/vat.js";
import { parseInput } from "../validate.js";
import { priceFromCost } from "./rounding.js";
import { rulesOf, selectRule } from "./rules.js";
import {
  atSchema,
  idSchema,
  progressSchema,
  requireGroup,
  type ServiceKind,
  type ServiceOperation,
} from "./shared.js";

export interface RecalculateOptions {
  /** `updated_at` of the prices written; default the database's now(). */
  at?: Date;
  /** (service periods done, service periods in total). */
  onProgress?: (done: number, total: number) => void;
}

export interface ServicePeriod {
  serviceCode: string;
  period: number;
}

export interface RecalculateResult {
  groupId: number;
  /** Service periods priced by a rule now. `priced = changed + unchanged`. */
  priced: number;
  /** Of `priced`: prices written or changed by this run. */
  changed: number;
  unchanged: number;
  /** Manual prices left as they are. */
  manualKept: number;
  /** Manual prices below the current cost that are not marked as loss leaders (after a new import). */
  manualBelowCost: (ServicePeriod & { net: Money; cost: Money })[];
  /** Active service periods without any wholesale cost: not priced. */
  withoutCost: ServicePeriod[];
  /** Active service periods with a cost that no rule of the group matches: not priced. */
  withoutRule: ServicePeriod[];
  /** Service periods that cannot be priced for another reason (an unknown VAT rate in the catalog). */
  invalid: (ServicePeriod & { reason: string })[];
  /** Earlier rule prices removed: no rule or cost any more, or the service was switched off. */
  removed: number;
}

const schema = z.object({
  groupId: idSchema,
  options: z.object({ at: atSchema.optional(), onProgress: progressSchema.optional() }),
});

interface Row {
  service_id: number;
  code: string;
  kind: ServiceKind;
  operation: ServiceOperation;
  tld: string | null;
  vat_rate: string;
  period: number;
  cost: number | null;
  net: number | null;
  source: "manual" | "rule" | null;
  rule_id: number | null;
  loss_leader: boolean | null;
}

const CHUNK = 500;

/**
 * Prices a group by its rules. One transaction; refused (`currency`) for a group not in PLN
 * (wholesale costs are PLN). Recalculating twice changes nothing the second time.
 */
export async function recalculatePrices(
  db: Db,
  groupId: number,
  options: RecalculateOptions = {},
): Promise<RecalculateResult> {
  const input = parseInput("recalculatePrices", schema, { groupId, options });
  const { at, onProgress } = input.options;
  return db.transaction(async (tx) => {
    // The group's row lock serialises recalculations (and setPrice) of one group.
    const group = await requireGroup(tx, input.groupId, true);
    if (group.currency !== "PLN") {
      throw new BillingConflictError(
        `wholesale costs are in PLN; price group "${group.name}" is in ${group.currency}: set its prices with setPrice`,
        "currency",
      );
    }
    const rules = await rulesOf(tx, group.id);
    const { rows } = await tx.query<Row>(
      `SELECT s.id AS service_id, s.code, s.kind, s.operation, s.tld, s.vat_rate, sp.period,
              cw.cost, p.net, p.source, p.rule_id, p.loss_leader
       FROM services s
       CROSS JOIN LATERAL unnest(s.periods) AS sp (period)
       LEFT JOIN current_wholesale cw ON cw.service_id = s.id AND cw.period = sp.period
       LEFT JOIN prices p ON p.group_id = $1 AND p.service_id = s.id AND p.period = sp.period
       WHERE s.active
       ORDER BY s.code, sp.period`,
      [group.id],
    );
    const result: RecalculateResult = {
      groupId: group.id,
      priced: 0,
      changed: 0,
      unchanged: 0,
      manualKept: 0,
      manualBelowCost: [],
      withoutCost: [],
      withoutRule: [],
      invalid: [],
      removed: 0,
    };
    const keep = { service: [] as number[], period: [] as number[] };
    let batch = {
      service: [] as number[],
      period: [] as number[],
      net: [] as number[],
      rule: [] as number[],
    };
    const flush = async () => {
      if (batch.service.length === 0) return;
      // Never over a manual price, even one set since the rows were read.
      await tx.query(
        `INSERT INTO prices (group_id, service_id, period, net, source, rule_id, loss_leader, updated_at)
         SELECT $1::int, s, p, n, 'rule', r, false, coalesce($6::timestamptz, now())
         FROM unnest($2::int[], $3::int[], $4::int8[], $5::int[]) AS t (s, p, n, r)
         ON CONFLICT (group_id, service_id, period) DO UPDATE
           SET net = EXCLUDED.net, rule_id = EXCLUDED.rule_id, loss_leader = false, updated_at = EXCLUDED.updated_at
           WHERE prices.source = 'rule'`,
        [group.id, batch.service, batch.period, batch.net, batch.rule, at ?? null],
      );
      batch = { service: [], period: [], net: [], rule: [] };
    };

    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const where = { serviceCode: r.code, period: r.period };
      if (r.source === "manual") {
        result.manualKept++;
        keep.service.push(r.service_id);
        keep.period.push(r.period);
        if (r.cost !== null && r.net !== null && r.net < r.cost && !r.loss_leader) {
          result.manualBelowCost.push({ ...where, net: money(r.net), cost: money(r.cost) });
        }
      } else if (r.cost === null) {
        result.withoutCost.push(where);
      } else {
        const service = { code: r.code, kind: r.kind, operation: r.operation, tld: r.tld };
        const rule = selectRule(rules, service, r.period);
        if (!rule) {
          result.withoutRule.push(where);
        } else if (!Object.hasOwn(VAT_RATES, r.vat_rate)) {
          result.invalid.push({ ...where, reason: `unknown VAT rate "${r.vat_rate}" in the catalog` });
        } else {
          const { net } = priceFromCost(money(Number(r.cost)), rule, r.vat_rate as VatRateCode);
          result.priced++;
          keep.service.push(r.service_id);
          keep.period.push(r.period);
          if (r.source === "rule" && r.net === net.amount && r.rule_id === rule.id) {
            result.unchanged++;
          } else {
            result.changed++;
            batch.service.push(r.service_id);
            batch.period.push(r.period);
            batch.net.push(net.amount);
            batch.rule.push(rule.id);
          }
        }
      }
      if ((i + 1) % CHUNK === 0 || i === rows.length - 1) {
        await flush();
        onProgress?.(i + 1, rows.length);
      }
    }
    if (rows.length === 0) onProgress?.(0, 0);

    const removed = await tx.query(
      `DELETE FROM prices WHERE group_id = $1 AND source = 'rule'
         AND (service_id, period) NOT IN (SELECT s, p FROM unnest($2::int[], $3::int[]) AS t (s, p))`,
      [group.id, keep.service, keep.period],
    );
    result.removed = removed.rowCount;
    return result;
  });
}
