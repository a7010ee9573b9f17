/**
 * Hosting costs. Domains, options and certificates get their wholesale cost from HRD's price list
 * (the wholesale import); hosting is bought elsewhere, so the partner types its cost in. It is
 * stored the same way — a `wholesale_imports` row (source `manual`) with its `wholesale_prices` —
 * so pricing reads one history (`current_wholesale`) whatever the service.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { BillingConflictError, BillingNotFoundError, BillingValidationError } from "../errors.js";
import { type Money, money } from "../money/money.js";
import { parseInput } from "../validate.js";
import { readService } from "./services.js";

export interface HostingCostInput {
  /** Code of a hosting service, e.g. `hosting.start.create`. */
  service: string;
  /** Years, one of the service's periods. */
  period: number;
  /** Net cost of the whole period, PLN (what the provider charges the partner). */
  cost: Money;
  /** When the cost applies from (recorded as the import's time). Default: the database's now(). */
  at?: Date;
}

export interface HostingCostResult {
  importId: number;
  service: string;
  period: number;
  cost: Money;
  /** The cost known before this call, or null when there was none. */
  previous: Money | null;
}

const hostingCostSchema = z.strictObject({
  service: z.string("must be a hosting service code").min(1, "must be a hosting service code"),
  period: z
    .number("must be a number of years")
    .int("must be a whole number of years")
    .min(1, "must be 1–10 years")
    .max(10, "must be 1–10 years"),
  cost: z.strictObject(
    {
      amount: z
        .number("must be grosze (an integer)")
        .int("must be grosze (an integer)")
        .min(0, "cannot be negative")
        .max(Number.MAX_SAFE_INTEGER, "is too large"),
      currency: z.literal("PLN", "hosting costs are recorded in PLN"),
    },
    "must be Money: { amount: grosze, currency: 'PLN' }",
  ),
  at: z.date("must be a Date").optional(),
});

/**
 * Records the cost of one hosting service for one period, as a new manual wholesale import, so
 * the old cost stays in the history. Refused for services that are not hosting (their cost comes
 * from HRD's price list) and for a period the service does not sell.
 */
export async function setHostingCost(db: Db, input: HostingCostInput): Promise<HostingCostResult> {
  const v = parseInput("setHostingCost", hostingCostSchema, input);
  return db.transaction(async (tx) => {
    const service = await readService(tx, v.service, "FOR SHARE");
    if (!service) throw new BillingNotFoundError(`service ${v.service}`);
    if (service.kind !== "hosting") {
      throw new BillingConflictError(
        `${service.code} is a ${service.kind} service: its cost comes from HRD's price list (the wholesale import), setHostingCost sets hosting costs only`,
        "not_hosting",
      );
    }
    if (!service.periods.includes(v.period)) {
      throw new BillingValidationError("setHostingCost", [
        {
          path: "period",
          message: `${service.code} is sold for ${service.periods.join(", ")} ${service.periods.length === 1 ? "year" : "years"}, not ${v.period}`,
        },
      ]);
    }
    const prev = await tx.query<{ cost: number }>(
      "SELECT cost FROM current_wholesale WHERE service_id = $1 AND period = $2",
      [service.id, v.period],
    );
    const previous = prev.rows[0] ? money(prev.rows[0].cost, "PLN") : null;
    const changed = previous === null || previous.amount !== v.cost.amount ? 1 : 0;
    const imp = await tx.query<{ id: number }>(
      `INSERT INTO wholesale_imports (source, imported_at, mapped, changed)
       VALUES ('manual', coalesce($1::timestamptz, now()), 1, $2) RETURNING id`,
      [v.at ?? null, changed],
    );
    const importId = imp.rows[0]!.id;
    await tx.query(
      "INSERT INTO wholesale_prices (import_id, service_id, period, cost) VALUES ($1, $2, $3, $4)",
      [importId, service.id, v.period, v.cost.amount],
    );
    return { importId, service: service.code, period: v.period, cost: money(v.cost.amount, "PLN"), previous };
  });
}
