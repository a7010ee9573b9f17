/**
 * Activation: the partner activates a paid proforma; its services are provisioned at HRD through
 * the ProvisioningPort — exactly once, even when activation is clicked twice or the process dies
 * halfway and is run again — and the VAT invoice is issued (payment before the service is the VAT
 * moment, so the invoice does not wait for HRD).
 *
 * How "exactly once" holds:
 * - one provisioning task per proforma line, created with the proforma's activation (UNIQUE
 *   (proforma_id, position) and a stable idempotency key), so a second activation finds them;
 * - a task is claimed by one conditional UPDATE (pending/failed → running); a second activation
 *   running at the same time cannot claim it and reports it as in progress;
 * - a task left `running` by a process that died is claimed again once its lease has passed, and
 *   run again: the port must look at HRD's state first (the SDK's "make sure" calls), so a
 *   purchase that did reach HRD is recognised instead of bought twice.
 */
import { z } from "zod";
import type { Db } from "../db/db.js";
import { addYears, warsawDate } from "../documents/dates.js";
import { BillingConflictError, BillingNotFoundError } from "../errors.js";
import { parseInput } from "../validate.js";
import type { ProvisioningPort, ProvisioningTask, ProvisionResult } from "./port.js";

/** How long a `running` task belongs to the activation that claimed it before another may retry it. */
export const TASK_LEASE_MS = 10 * 60_000;

export interface TaskState {
  taskId: number;
  position: number;
  kind: string;
  operation: string;
  name: string;
  status: "pending" | "running" | "done" | "failed";
  attempts: number;
  error?: string;
  result?: Record<string, unknown>;
}

export interface ActivationResult {
  proformaId: number;
  /** The VAT invoice issued for the proforma. */
  invoice: { id: number; number: string };
  tasks: TaskState[];
  /** True when every task is done. */
  complete: boolean;
}

/** Issues the proforma's VAT invoice inside the caller's transaction (idempotent per proforma). */
export type InvoiceIssuer = (
  tx: Db,
  input: { proformaId: number; at: Date; exchangeRate?: { rate: string; table: string; date: string } },
) => Promise<{ id: number; number: string }>;

const activateSchema = z.object({
  proformaId: z.number().int().positive(),
  at: z.date(),
  retryFailed: z.boolean().default(false),
  exchangeRate: z
    .object({
      rate: z.string().regex(/^\d+(\.\d{1,6})?$/, "must be a decimal with up to 6 places"),
      table: z.string().min(1),
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    })
    .optional(),
});

interface ProformaRow {
  id: number;
  customer_id: number;
  origin: string;
  status: string;
  paid: number;
  gross: number;
  currency: string;
  activated_at: Date | null;
}

interface TaskRow {
  id: number;
  proforma_id: number;
  position: number;
  customer_service_id: number | null;
  kind: ProvisioningTask["kind"];
  operation: ProvisioningTask["operation"];
  name: string;
  period: number | null;
  status: TaskState["status"];
  attempts: number;
  last_error: string | null;
  result: Record<string, unknown> | null;
  expected_cost: number;
  idempotency_key: string;
}

const TASK_COLUMNS =
  "id, proforma_id, position, customer_service_id, kind, operation, name, period, status, attempts, " +
  "last_error, result, expected_cost, idempotency_key";

function toState(r: TaskRow): TaskState {
  return {
    taskId: r.id,
    position: r.position,
    kind: r.kind,
    operation: r.operation,
    name: r.name,
    status: r.status,
    attempts: r.attempts,
    error: r.last_error ?? undefined,
    result: r.result ?? undefined,
  };
}

async function loadProforma(db: Db, id: number): Promise<ProformaRow> {
  const { rows } = await db.query<ProformaRow>(
    "SELECT id, customer_id, origin, status, paid, gross, currency, activated_at FROM proformas WHERE id = $1",
    [id],
  );
  if (!rows[0]) throw new BillingNotFoundError(`proforma ${id}`);
  return rows[0];
}

export async function activationTasks(db: Db, proformaId: number): Promise<TaskState[]> {
  const { rows } = await db.query<TaskRow>(
    `SELECT ${TASK_COLUMNS} FROM provisioning_tasks WHERE proforma_id = $1 ORDER BY position`,
    [proformaId],
  );
  return rows.map(toState);
}

/**
 * Creates the proforma's provisioning tasks (once) and issues its VAT invoice (once), in one
 * transaction. Refuses a hand-made proforma (HRD's panel rule: it cannot activate a service), an
 * unpaid one, and a cancelled or expired one.
 */
async function prepare(
  db: Db,
  proformaId: number,
  at: Date,
  issueInvoice: InvoiceIssuer,
  exchangeRate: z.output<typeof activateSchema>["exchangeRate"],
): Promise<{ invoice: { id: number; number: string } }> {
  return db.transaction(async (tx) => {
    const { rows: locked } = await tx.query<ProformaRow>(
      "SELECT id, customer_id, origin, status, paid, gross, currency, activated_at FROM proformas WHERE id = $1 FOR UPDATE",
      [proformaId],
    );
    const p = locked[0];
    if (!p) throw new BillingNotFoundError(`proforma ${proformaId}`);
    if (p.origin === "manual") {
      throw new BillingConflictError(
        `proforma ${proformaId} was made by hand: a hand-made proforma cannot activate a service (issue one for an order or a renewal)`,
        "manual_proforma",
      );
    }
    if (p.status === "cancelled" || p.status === "expired") {
      throw new BillingConflictError(`proforma ${proformaId} is ${p.status}`, p.status);
    }
    if (p.status !== "paid" || p.paid < p.gross) {
      throw new BillingConflictError(
        `proforma ${proformaId} is not paid (${p.paid} of ${p.gross} minor units received)`,
        "unpaid",
      );
    }
    const { rows: invoiced } = await tx.query("SELECT 1 FROM invoices WHERE proforma_id = $1", [proformaId]);
    if (p.currency !== "PLN" && !exchangeRate && invoiced.length === 0) {
      throw new BillingConflictError(
        `proforma ${proformaId} is in ${p.currency}: activation needs the NBP exchange rate for its invoice`,
        "exchange_rate_required",
      );
    }
    // One task per line that HRD (or the hosting provider) carries out; a second activation finds them.
    await tx.query(
      `INSERT INTO provisioning_tasks
         (proforma_id, position, customer_service_id, kind, operation, name, period, expected_cost, idempotency_key)
       SELECT l.proforma_id, l.position, l.customer_service_id, s.kind, l.operation, l.name, l.period,
              coalesce((SELECT w.cost FROM current_wholesale w
                        WHERE w.service_id = l.service_id AND w.period = coalesce(l.period, 1) LIMIT 1), 0) * l.quantity,
              'proforma-' || l.proforma_id || '-line-' || l.position
       FROM proforma_lines l JOIN services s ON s.id = l.service_id
       WHERE l.proforma_id = $1 AND l.operation IS NOT NULL
       ON CONFLICT (proforma_id, position) DO NOTHING`,
      [proformaId],
    );
    const invoice = await issueInvoice(tx, { proformaId, at, exchangeRate });
    await tx.query(
      "UPDATE proformas SET activated_at = coalesce(activated_at, $2), updated_at = now() WHERE id = $1",
      [proformaId, at],
    );
    return { invoice };
  });
}

/** Claims a task for this run: only one activation at a time may run it. */
/**
 * Claims a task for this run: only one activation at a time may run it. A task that failed
 * for good (HRD refused) is claimed again only when the caller asks for it (`retryFailed`),
 * once the cause has been dealt with; one whose outcome was unknown is always retried.
 */
async function claim(db: Db, taskId: number, at: Date, retryFailed: boolean): Promise<TaskRow | undefined> {
  const { rows } = await db.query<TaskRow>(
    `UPDATE provisioning_tasks
        SET status = 'running', attempts = attempts + 1, started_at = $2, last_error = NULL
      WHERE id = $1
        AND (status = 'pending'
             OR (status = 'failed' AND ($4 OR coalesce((result ->> 'retryable')::boolean, true)))
             OR (status = 'running' AND started_at < $3))
      RETURNING ${TASK_COLUMNS}`,
    [taskId, at, new Date(at.getTime() - TASK_LEASE_MS), retryFailed],
  );
  return rows[0];
}

async function taskContext(db: Db, row: TaskRow): Promise<ProvisioningTask> {
  const { rows } = await db.query<{
    customer_id: number;
    hrd_user_id: number | null;
    details: Record<string, unknown>;
    expires_on: string | null;
    product: string | null;
  }>(
    `SELECT p.customer_id, c.hrd_user_id, l.details, cs.expires_on, s.product
       FROM proforma_lines l
       JOIN proformas p ON p.id = l.proforma_id
       JOIN customers c ON c.id = p.customer_id
       LEFT JOIN services s ON s.id = l.service_id
       LEFT JOIN customer_services cs ON cs.id = l.customer_service_id
      WHERE l.proforma_id = $1 AND l.position = $2`,
    [row.proforma_id, row.position],
  );
  const ctx = rows[0]!;
  return {
    taskId: row.id,
    proformaId: row.proforma_id,
    position: row.position,
    kind: row.kind,
    operation: row.operation,
    name: row.name,
    period: row.period,
    product: ctx.product,
    details: ctx.details ?? {},
    customerId: ctx.customer_id,
    hrdUserId: ctx.hrd_user_id,
    customerServiceId: row.customer_service_id,
    currentExpiresOn: ctx.expires_on,
    idempotencyKey: row.idempotency_key,
    attempt: row.attempts,
  };
}

async function record(
  db: Db,
  row: TaskRow,
  task: ProvisioningTask,
  result: ProvisionResult,
  at: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    if (result.status === "failed") {
      await tx.query(
        "UPDATE provisioning_tasks SET status = 'failed', last_error = $2, finished_at = $3, result = $4 WHERE id = $1",
        [row.id, result.reason, at, JSON.stringify({ retryable: result.retryable })],
      );
      return;
    }
    await tx.query(
      "UPDATE provisioning_tasks SET status = 'done', result = $2, finished_at = $3, last_error = NULL WHERE id = $1",
      [row.id, JSON.stringify({ hrdRef: result.hrdRef, expiresOn: result.expiresOn, ...result.details }), at],
    );
    if (row.customer_service_id !== null) {
      const startsOn = result.startsOn ?? (task.operation === "renew" ? null : warsawDate(at));
      const expiresOn =
        result.expiresOn ??
        (task.currentExpiresOn && task.period ? addYears(task.currentExpiresOn, task.period) : null);
      await tx.query(
        `UPDATE customer_services
            SET status = 'active', starts_on = coalesce(starts_on, $2), expires_on = coalesce($3, expires_on),
                hrd_ref = coalesce($4, hrd_ref), updated_at = now()
          WHERE id = $1`,
        [row.customer_service_id, startsOn, expiresOn, result.hrdRef ?? null],
      );
    }
  });
}

/**
 * Activates a paid proforma: issues its VAT invoice and provisions its services through `port`.
 * Safe to call again at any time — after a click repeated, a crash, or to retry failed tasks:
 * done tasks are never run again, failed ones are retried, and a task another activation is
 * running right now is left to it (reported `running`).
 *
 * Before anything is sent to HRD, the HRD balance the remaining tasks will spend is checked;
 * if it is short, nothing is provisioned (BillingConflictError `insufficient_hrd_balance`), but
 * the invoice is still issued (the customer has paid).
 */
export async function activateProforma(
  db: Db,
  input: {
    proformaId: number;
    at: Date;
    exchangeRate?: { rate: string; table: string; date: string };
    /** Also retry tasks HRD refused (after the cause was fixed). Tasks whose outcome was unknown are always retried. */
    retryFailed?: boolean;
  },
  deps: { port: ProvisioningPort; issueInvoice: InvoiceIssuer },
): Promise<ActivationResult> {
  const { proformaId, at, exchangeRate, retryFailed } = parseInput("activateProforma", activateSchema, input);
  const { invoice } = await prepare(db, proformaId, at, deps.issueInvoice, exchangeRate);

  const { rows: open } = await db.query<TaskRow>(
    `SELECT ${TASK_COLUMNS} FROM provisioning_tasks WHERE proforma_id = $1 AND status <> 'done' ORDER BY position`,
    [proformaId],
  );
  // What this run may send: pending tasks and retryable failures (a running one belongs to someone).
  const willRun = open.filter(
    (t) =>
      t.status === "pending" || (t.status === "failed" && (retryFailed || t.result?.retryable !== false)),
  );
  const needed = willRun.reduce((s, t) => s + t.expected_cost, 0);
  if (needed > 0) {
    const available = await deps.port.availableBalance();
    if (available < needed) {
      throw new BillingConflictError(
        `the HRD balance (${available} gr available) does not cover this activation (${needed} gr): top it up, then activate again`,
        "insufficient_hrd_balance",
      );
    }
  }
  for (const t of open) {
    const row = await claim(db, t.id, at, retryFailed);
    if (!row) continue; // another activation holds it right now
    const task = await taskContext(db, row);
    let result: ProvisionResult;
    try {
      result = await deps.port.provision(task);
    } catch (err) {
      // The port could not say what happened: the task stays retryable, and the next run asks
      // HRD's state again through the port.
      result = {
        status: "failed",
        reason: err instanceof Error ? err.message : String(err),
        retryable: true,
      };
    }
    await record(db, row, task, result, at);
  }
  const tasks = await activationTasks(db, proformaId);
  return { proformaId, invoice, tasks, complete: tasks.every((t) => t.status === "done") };
}

/** Where a proforma's activation stands, without changing anything. */
export async function activationStatus(
  db: Db,
  proformaId: number,
): Promise<{ activatedAt: Date | null; tasks: TaskState[]; complete: boolean }> {
  const p = await loadProforma(db, proformaId);
  const tasks = await activationTasks(db, proformaId);
  return {
    activatedAt: p.activated_at,
    tasks,
    complete: p.activated_at !== null && tasks.every((t) => t.status === "done"),
  };
}
