/**
 * Activation over HTTP: a paid order or renewal proforma gets its VAT invoice and its services are
 * provisioned at HRD through the bridge's provisioner (ctx.hrd: the real HRD, or the embedded
 * sandbox). Billing's activation is built to be run again: one task per line, claimed by one
 * activation at a time (a lease), done tasks never run again, failed ones retried. The route keeps
 * that promise over HTTP:
 *
 * - a complete activation is journaled under its Idempotency-Key (a repeat gets the first answer);
 * - an incomplete one (a task failed, or another activation holds one) is answered but NOT
 *   journaled: the same request again — the panel's "activate" clicked again — runs activation
 *   again, which retries what is left and repeats nothing done;
 * - HRD's balance short of the remaining tasks is a 409 that still says the invoice was issued
 *   (the customer has paid; billing issues it before it checks the balance).
 *
 * Events: `service.activated` for each task this call carried out, `invoice.issued` when this call
 * issued the invoice — never again for work an earlier call did. The customer's notices of both
 * are queued alongside (billing's notifyFact, keyed per fact).
 */
import {
  activateProforma,
  activationStatus,
  BillingConflictError,
  type InvoiceIssuer,
  issueInvoiceForProforma,
  type ProvisioningPort,
  type TaskState,
} from "@hrdkit/billing";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { BridgeError } from "../errors.js";
import { replyJournaled } from "../idempotency.js";
import { hrdProvisioner } from "../provisioner.js";
import { notifyAll, type PendingEvent, publishAll } from "./billing-proformas-events.js";
import { replayedField } from "./billing-proformas-json.js";
import { errorBody, idempotencyHeaders, idParams } from "./billing-schemas.js";

const TAGS = ["billing"];

const activateBody = z
  .object({
    retryFailed: z
      .boolean()
      .optional()
      .describe(
        "Also retry tasks HRD refused (after the cause was fixed: a taken name, a missing registrant). " +
          "Tasks whose outcome was unknown are always retried.",
      ),
    exchangeRate: z
      .object({ rate: z.string(), table: z.string(), date: z.string() })
      .optional()
      .describe(
        'EUR proformas: the NBP table A rate of the last working day before the payment, e.g. { "rate": "4.2718", ' +
          '"table": "085/A/NBP/2026", "date": "2026-05-04" }',
      ),
  })
  .meta({
    id: "ActivateProforma",
    description: "Options of an activation; an empty object is the usual call",
  });

const taskOut = z
  .object({
    taskId: z.number(),
    position: z.number().describe("The proforma line it carries out"),
    kind: z.string().describe("domain, option, ssl, hosting"),
    operation: z.string().describe("register, renew, transfer, trade, create"),
    name: z.string(),
    status: z
      .enum(["pending", "running", "done", "failed"])
      .describe("running: another activation holds it right now (its lease lasts 10 minutes)"),
    attempts: z.number(),
    error: z.string().nullable().describe("Why the last attempt failed"),
    retryable: z
      .boolean()
      .nullable()
      .describe(
        "Failed tasks: true when the next activation retries it by itself (outcome unknown), false when " +
          "HRD refused and it needs retryFailed once the cause is fixed; null otherwise",
      ),
    expiresOn: z.string().nullable().describe("Done tasks: the service's new expiry"),
    hrdRef: z.string().nullable(),
  })
  .meta({ id: "ProvisioningTask", description: "One line of the proforma carried out at HRD" });

const summaryOut = z
  .object({ done: z.number(), failed: z.number(), pending: z.number(), running: z.number() })
  .meta({ id: "ProvisioningSummary", description: "How many tasks are in each state" });

const activationOut = z
  .object({
    proformaId: z.number(),
    invoice: z
      .object({
        id: z.number(),
        number: z.string(),
        issuedNow: z.boolean().describe("True when this call issued it (false: an earlier activation did)"),
      })
      .meta({ id: "ActivationInvoice", description: "The VAT invoice of the activated proforma" }),
    complete: z.boolean().describe("Every task is done"),
    summary: summaryOut,
    tasks: z.array(taskOut),
    activatedServices: z
      .array(z.number())
      .describe("Task ids this call carried out (each published as service.activated)"),
    replayed: replayedField,
  })
  .meta({
    id: "ProformaActivation",
    description: "The invoice and, per line, what is provisioned, failed or still pending",
  });

const statusOut = z
  .object({
    proformaId: z.number(),
    activatedAt: z.string().nullable(),
    complete: z.boolean(),
    summary: summaryOut,
    tasks: z.array(taskOut),
  })
  .meta({ id: "ActivationStatus", description: "Where a proforma's activation stands" });

function taskJson(t: TaskState): z.input<typeof taskOut> {
  const r = t.result ?? {};
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  return {
    taskId: t.taskId,
    position: t.position,
    kind: t.kind,
    operation: t.operation,
    name: t.name,
    status: t.status,
    attempts: t.attempts,
    error: t.error ?? null,
    retryable: t.status === "failed" ? r.retryable !== false : null,
    expiresOn: t.status === "done" ? str(r.expiresOn) : null,
    hrdRef: t.status === "done" ? str(r.hrdRef) : null,
  };
}

const summaryOf = (tasks: TaskState[]) => ({
  done: tasks.filter((t) => t.status === "done").length,
  failed: tasks.filter((t) => t.status === "failed").length,
  pending: tasks.filter((t) => t.status === "pending").length,
  running: tasks.filter((t) => t.status === "running").length,
});

/** An answer that must not be journaled: the same request again has to run again. */
class NotJournaled extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: Record<string, unknown>,
  ) {
    super("not journaled");
  }
}

export function activationRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    "/v1/billing/proformas/:id/activate",
    {
      config: { audit: "billing.proforma.activate" },
      schema: {
        operationId: "activateProforma",
        summary: "Activate a paid proforma: VAT invoice, then provisioning at HRD",
        description:
          "Issues the VAT invoice of a paid order or renewal proforma (once) and provisions each of its lines at " +
          "HRD (register, renew, transfer, option, certificate), each exactly once however often this is called. " +
          "The answer lists every task: done, failed (with the reason and whether the next call retries it by " +
          "itself), pending, or running (another activation holds it). Needs an Idempotency-Key: a complete " +
          "activation is journaled and a repeat gets it back (`replayed: true`); an incomplete one is not, so " +
          "sending it again retries what is left (pass `retryFailed: true` to retry tasks HRD refused, once the " +
          "cause is fixed). Refused with 409: `manual_proforma` (a hand-made proforma activates nothing), " +
          "`unpaid`, `cancelled`, `expired`, `exchange_rate_required` (EUR), `insufficient_hrd_balance` (top up " +
          "the HRD balance; the invoice was issued all the same, the message names it). Publishes " +
          "`invoice.issued` when it issued the invoice and `service.activated` per task it carried out, and " +
          "queues the customer's notices of them.",
        tags: TAGS,
        params: idParams,
        headers: idempotencyHeaders,
        body: activateBody.nullish(),
        response: {
          200: activationOut,
          400: errorBody,
          401: errorBody,
          404: errorBody,
          409: errorBody,
          422: errorBody,
        },
      },
    },
    async (req, reply) => {
      const proformaId = req.params.id;
      try {
        return (await replyJournaled(
          ctx.db,
          req,
          reply,
          "billing.proforma.activate",
          { id: proformaId, ...req.body },
          async () => {
            const body = await activate(ctx, proformaId, req.body ?? {});
            if (!body.complete) throw new NotJournaled(200, body);
            return { statusCode: 200, body };
          },
        )) as never;
      } catch (err) {
        if (!(err instanceof NotJournaled)) throw err;
        return (reply as FastifyReply).status(err.statusCode).send({ ...err.body, replayed: false }) as never;
      }
    },
  );

  r.get(
    "/v1/billing/proformas/:id/activation",
    {
      schema: {
        operationId: "getProformaActivation",
        summary: "Where a proforma's activation stands",
        description:
          "The activation's tasks (one per line provisioned at HRD) and their states, without changing anything. " +
          "Before the first activation there are no tasks.",
        tags: TAGS,
        params: idParams,
        response: { 200: statusOut, 400: errorBody, 401: errorBody, 404: errorBody },
      },
    },
    async (req) => {
      const s = await activationStatus(ctx.db, req.params.id);
      return {
        proformaId: req.params.id,
        activatedAt: s.activatedAt ? s.activatedAt.toISOString() : null,
        complete: s.complete,
        summary: summaryOf(s.tasks),
        tasks: s.tasks.map(taskJson),
      };
    },
  );
}

export type ActivationAnswer = Omit<z.input<typeof activationOut>, "replayed">;

/**
 * One activation run with its events and notices: what POST …/activate does inside its journal,
 * and what the partner panel's "activate" button does.
 */
export async function activate(
  ctx: BridgeContext,
  proformaId: number,
  body: z.output<typeof activateBody>,
): Promise<ActivationAnswer> {
  // What this call did, as opposed to what earlier calls did: the issuer sees whether the proforma
  // had its invoice (its row is locked by then, so no other activation can issue it meanwhile);
  // the port sees which tasks it carried out.
  let issuedNow = false;
  const issueInvoice: InvoiceIssuer = async (tx, input) => {
    const before = await tx.query("SELECT 1 FROM invoices WHERE proforma_id = $1", [input.proformaId]);
    const invoice = await issueInvoiceForProforma(tx, input);
    // Set on every attempt: a transaction run again after a serialization failure sets it anew.
    issuedNow = before.rowCount === 0;
    return { id: invoice.id, number: invoice.number };
  };
  const hrd = hrdProvisioner(ctx.hrd);
  const doneHere = new Set<number>();
  const port: ProvisioningPort = {
    availableBalance: () => hrd.availableBalance(),
    async provision(task) {
      const result = await hrd.provision(task);
      if (result.status === "done") doneHere.add(task.taskId);
      return result;
    },
  };

  let result: Awaited<ReturnType<typeof activateProforma>>;
  try {
    result = await activateProforma(
      ctx.db,
      {
        proformaId,
        at: ctx.now(),
        ...(body.retryFailed === undefined ? {} : { retryFailed: body.retryFailed }),
        ...(body.exchangeRate === undefined ? {} : { exchangeRate: body.exchangeRate }),
      },
      { port, issueInvoice },
    );
  } catch (err) {
    if (err instanceof BillingConflictError && err.code === "insufficient_hrd_balance") {
      // Billing issued the invoice (committed) before it found the balance short.
      const invoice = await ctx.db.query<{ id: number; number: string }>(
        "SELECT id, number FROM invoices WHERE proforma_id = $1",
        [proformaId],
      );
      const inv = invoice.rows[0];
      if (inv && issuedNow) {
        await publishAll(ctx, [["invoice.issued", { invoiceId: inv.id, number: inv.number, proformaId }]]);
        await notifyAll(ctx, [{ kind: "invoice.issued", invoiceId: inv.id }]);
      }
      throw new BridgeError(
        409,
        err.code,
        `${err.message}${inv ? ` (the VAT invoice ${inv.number} is issued; nothing was provisioned)` : ""}`,
        false,
      );
    }
    throw err;
  }

  const activated = result.tasks.filter((t) => t.status === "done" && doneHere.has(t.taskId));
  const { rows: services } = await ctx.db.query<{ position: number; customer_service_id: number | null }>(
    "SELECT position, customer_service_id FROM provisioning_tasks WHERE proforma_id = $1",
    [proformaId],
  );
  const serviceAt = new Map(services.map((s) => [s.position, s.customer_service_id]));
  const events: PendingEvent[] = [];
  if (issuedNow) {
    events.push([
      "invoice.issued",
      { invoiceId: result.invoice.id, number: result.invoice.number, proformaId },
    ]);
  }
  for (const t of activated) {
    const j = taskJson(t);
    events.push([
      "service.activated",
      {
        proformaId,
        taskId: t.taskId,
        customerServiceId: serviceAt.get(t.position) ?? null,
        kind: t.kind,
        operation: t.operation,
        name: t.name,
        expiresOn: j.expiresOn,
        hrdRef: j.hrdRef,
      },
    ]);
  }
  await publishAll(ctx, events);
  // The customer's notices of the same facts. Activated services by proforma: billing tells each
  // service's term once (its key), so services an earlier call activated are not told again, and
  // each notice says the years this proforma's task added.
  await notifyAll(ctx, [
    ...(issuedNow ? [{ kind: "invoice.issued" as const, invoiceId: result.invoice.id }] : []),
    ...(activated.length > 0 ? [{ kind: "service.activated" as const, proformaId }] : []),
  ]);
  return {
    proformaId,
    invoice: { ...result.invoice, issuedNow },
    complete: result.complete,
    summary: summaryOf(result.tasks),
    tasks: result.tasks.map(taskJson),
    activatedServices: activated.map((t) => t.taskId),
  };
}
