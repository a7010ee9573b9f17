/**
 * A proforma's life after issue: editable and cancellable while it is issued and nothing has been
 * paid (the row is locked for the change, so a payment recorded at the same moment either comes
 * first and the change is refused, or waits for it); expired when its due day has passed unpaid.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { warsawDate } from "../documents/dates.js";
import { isEuReverseCharge } from "../documents/reverse-charge.js";
import { BillingValidationError, type FieldIssue } from "../errors.js";
import { parseInput } from "../validate.js";
import {
  atSchema,
  CREATING_OPERATIONS,
  cancelPendingServices,
  createPendingService,
  customerServicesById,
  daySchema,
  evenWithIssues,
  idSchema,
  lockChangeable,
  noteSchema,
  pathOf,
  renewTargetProblem,
  servicesByCode,
} from "./common.js";
import { editLineShape, lineListIssues, type ManualLineInput, priceLines } from "./lines.js";
import { pendingServiceNames } from "./service-names.js";
import { breakdownOf, insertLines, requireProforma } from "./store.js";
import type { Proforma } from "./types.js";

export interface EditLineInput extends ManualLineInput {
  /**
   * The position of a current line whose links the new line keeps: its catalog service,
   * customer service, operation, details, period and service period (unless given anew).
   * A pending customer service a line no longer links to is cancelled.
   */
  keep?: number;
  /** A renew line of an order or renewal proforma: the customer service it renews. */
  customerServiceId?: number;
}

export interface UpdateProformaInput {
  /** The new lines, replacing all current ones (totals recomputed; the number stays). */
  lines?: EditLineInput[];
  /** The last day it can be paid, `YYYY-MM-DD`, not before the issue date. */
  dueDate?: string;
  /** Printed on the proforma; null removes it. */
  note?: string | null;
  /** The moment of the change; default the database's clock. */
  at?: Date;
}

const updateSchema = z
  .strictObject({
    lines: z.array(z.strictObject(editLineShape)).min(1).max(500).optional(),
    dueDate: daySchema.optional(),
    note: noteSchema.nullable().optional(),
    at: atSchema.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.lines === undefined && v.dueDate === undefined && v.note === undefined) {
      ctx.addIssue({ code: "custom", path: [], message: "give lines, dueDate or note" });
    }
    for (const issue of lineListIssues(v.lines, "lines")) {
      ctx.addIssue({ code: "custom", path: pathOf(issue.path), message: issue.message });
    }
  }, evenWithIssues);

/**
 * Changes an issued, unpaid proforma: its lines (all replaced; totals recomputed per VAT rate),
 * due date or note. The number, issue date, parties and origin stay. New lines of an order or
 * renewal proforma that register or create something get a pending customer service, like an
 * order's; a hand-made proforma still activates nothing.
 *
 * Refused with BillingConflictError `paid` (paid, or any payment received), `cancelled` or
 * `expired`; BillingNotFoundError for an unknown id; nothing is written when refused.
 */
export async function updateProforma(db: Db, id: number, input: UpdateProformaInput): Promise<Proforma> {
  const pid = parseInput("updateProforma", idSchema, id);
  const v = parseInput("updateProforma", updateSchema, input);
  const services = await servicesByCode(
    db,
    (v.lines ?? []).flatMap((l) => (l.serviceCode === undefined ? [] : [l.serviceCode])),
  );
  await db.transaction(async (tx) => {
    const locked = await lockChangeable(tx, pid, "edited");
    const current = await requireProforma(tx, pid);
    const at = v.at ?? null;
    const issues: FieldIssue[] = [];
    if (v.dueDate !== undefined && v.dueDate < current.issueDate) {
      issues.push({ path: "dueDate", message: `must not be before the issue date ${current.issueDate}` });
    }
    if (v.lines) {
      const targets = await customerServicesById(
        tx,
        v.lines.flatMap((l) => (l.customerServiceId === undefined ? [] : [l.customerServiceId])),
      );
      v.lines.forEach((l, i) => {
        if (l.customerServiceId === undefined) return;
        const svc = l.serviceCode === undefined ? undefined : services.get(l.serviceCode);
        if (locked.origin === "manual") {
          issues.push({
            path: `lines.${i}.customerServiceId`,
            message: "a hand-made proforma renews no service (it can never activate one)",
          });
        } else if (svc?.operation !== "renew") {
          issues.push({
            path: `lines.${i}.customerServiceId`,
            message: "only a line with a renew serviceCode renews a customer service",
          });
        } else {
          const problem = renewTargetProblem(targets.get(l.customerServiceId), locked.customer_id, svc);
          if (problem)
            issues.push({
              path: `lines.${i}.customerServiceId`,
              message: `${l.customerServiceId} ${problem}`,
            });
        }
      });
      const currentByPosition = new Map(current.lines.map((l) => [l.position, l]));
      const priced = priceLines(
        v.lines,
        {
          currency: current.currency,
          issueDate: current.issueDate,
          services,
          current: currentByPosition,
          targets,
          // the buyer printed on this proforma decides, as it will on its invoice
          reverseCharge: isEuReverseCharge(current.buyer),
        },
        "lines",
      );
      issues.push(...priced.issues);
      // What will name a pending service (a new one, or a kept one that follows its line) must be a
      // real domain or certificate name; a hand-made proforma makes and renames none.
      const named =
        locked.origin === "manual"
          ? undefined
          : await pendingServiceNames(
              tx,
              v.lines.map((l) => ({
                name: l.name,
                customerServiceId:
                  l.customerServiceId ??
                  (l.keep === undefined ? null : (currentByPosition.get(l.keep)?.customerServiceId ?? null)),
              })),
              v.lines.map((l) => {
                const svc = l.serviceCode === undefined ? undefined : services.get(l.serviceCode);
                return svc && CREATING_OPERATIONS.includes(svc.operation) ? svc : undefined;
              }),
              "lines",
            );
      issues.push(...(named?.issues ?? []));
      if (issues.length > 0) throw new BillingValidationError("updateProforma", issues);
      const lines = priced.priced!.lines;
      for (const [i, name] of (named?.names ?? []).entries()) if (name !== undefined) lines[i]!.name = name;
      if (locked.origin !== "manual") {
        for (const [i, line] of lines.entries()) {
          const svc =
            v.lines[i]!.serviceCode === undefined ? undefined : services.get(v.lines[i]!.serviceCode!);
          if (line.customerServiceId === null && svc && CREATING_OPERATIONS.includes(svc.operation)) {
            line.customerServiceId = await createPendingService(tx, {
              customerId: locked.customer_id,
              serviceId: svc.id,
              name: line.name,
              period: line.period ?? 1,
              at,
            });
          }
        }
      }
      const stillLinked = lines.flatMap((l) => (l.customerServiceId === null ? [] : [l.customerServiceId]));
      const dropped = current.lines.flatMap((l) =>
        l.customerServiceId !== null && !stillLinked.includes(l.customerServiceId)
          ? [l.customerServiceId]
          : [],
      );
      if (dropped.length > 0) await cancelPendingServices(tx, pid, at, dropped);
      await tx.query("DELETE FROM proforma_lines WHERE proforma_id = $1", [pid]);
      await insertLines(
        tx,
        lines.map((l) => ({ ...l, proformaId: pid })),
      );
      // A pending service follows its line: a corrected domain name or period is what will be provisioned.
      for (const l of lines) {
        if (l.customerServiceId === null) continue;
        await tx.query(
          `UPDATE customer_services SET name = $2, period = coalesce($3, period), updated_at = coalesce($4, now())
           WHERE id = $1 AND status = 'pending'`,
          [l.customerServiceId, l.name, l.period, at],
        );
      }
      const vat = priced.priced!.vat;
      await tx.query(
        "UPDATE proformas SET net = $2, vat = $3, gross = $4, vat_breakdown = $5 WHERE id = $1",
        [
          pid,
          vat.total.net.amount,
          vat.total.vat.amount,
          vat.total.gross.amount,
          JSON.stringify(breakdownOf(vat)),
        ],
      );
    } else if (issues.length > 0) {
      throw new BillingValidationError("updateProforma", issues);
    }
    await tx.query(
      `UPDATE proformas SET due_date = coalesce($2, due_date),
         note = CASE WHEN $3::boolean THEN $4 ELSE note END, updated_at = coalesce($5, now())
       WHERE id = $1`,
      [pid, v.dueDate ?? null, v.note !== undefined, v.note ?? null, at],
    );
  });
  return requireProforma(db, pid);
}

const cancelSchema = z.strictObject({
  at: atSchema,
  reason: z.string().trim().min(1, "say why").max(1000),
});

/**
 * Cancels an issued, unpaid proforma (status `cancelled`, with the moment and the reason); the
 * pending customer services it would have created are cancelled with it. Refused with
 * BillingConflictError `paid`, `cancelled` or `expired`.
 */
export async function cancelProforma(
  db: Db,
  id: number,
  input: { at: Date; reason: string },
): Promise<Proforma> {
  const pid = parseInput("cancelProforma", idSchema, id);
  const v = parseInput("cancelProforma", cancelSchema, input);
  await db.transaction(async (tx) => {
    await lockChangeable(tx, pid, "cancelled");
    await tx.query(
      `UPDATE proformas SET status = 'cancelled', cancelled_at = $2, cancel_reason = $3, updated_at = $2
       WHERE id = $1`,
      [pid, v.at, v.reason],
    );
    await cancelPendingServices(tx, pid, v.at);
  });
  return requireProforma(db, pid);
}

export interface ExpireResult {
  /** How many proformas expired now. */
  expired: number;
  proformaIds: number[];
}

/**
 * Marks as `expired` every issued proforma with nothing paid whose due day (Warsaw) is before
 * `at`'s day, and cancels the pending customer services they would have created. A partly paid
 * one stays `issued` (payments decide what happens to it). Safe to run at any time, repeatedly.
 */
export async function expireProformas(db: Db, input: { at: Date }): Promise<ExpireResult> {
  const v = parseInput("expireProformas", z.strictObject({ at: atSchema }), input);
  const today = warsawDate(v.at);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number }>(
      `UPDATE proformas SET status = 'expired', updated_at = $2
       WHERE status = 'issued' AND paid = 0 AND due_date < $1::date
       RETURNING id`,
      [today, v.at],
    );
    const ids = rows.map((r) => r.id).sort((a, b) => a - b);
    if (ids.length > 0) {
      await tx.query(
        `UPDATE customer_services SET status = 'cancelled', updated_at = $2
         WHERE status = 'pending'
           AND id IN (SELECT customer_service_id FROM proforma_lines
                      WHERE proforma_id = ANY($1::int[]) AND customer_service_id IS NOT NULL)`,
        [ids, v.at],
      );
    }
    return { expired: ids.length, proformaIds: ids };
  });
}
