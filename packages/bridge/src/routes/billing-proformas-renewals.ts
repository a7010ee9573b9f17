/**
 * The renewal run over HTTP (a cron's or an operator's call): one renewal proforma per auto-renewed
 * service whose term ends within its kind's lead days. Billing makes it safe to run at any time and
 * from several processes (one proforma per service and term, by a unique key); the route adds the
 * Idempotency-Key journal, the proformas made (billing's result names them; their summaries are
 * read back here), the services skipped with the reason, and `proforma.issued` per proforma made.
 */
import { type RenewalSkipCode, runRenewals } from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { replyJournaled } from "../idempotency.js";
import { notifyAll, proformaIssued, publishAll } from "./billing-proformas-events.js";
import { replayedField, summaryOut } from "./billing-proformas-json.js";
import { listProformaSummaries } from "./billing-proformas-list.js";
import { errorBody, idempotencyHeaders } from "./billing-schemas.js";

const SKIP_CODES = [
  "no_renew_service",
  "not_offered",
  "period_not_sold",
  "no_price_group",
  "no_price",
  "no_address",
] as const satisfies readonly RenewalSkipCode[];

const runOut = z
  .object({
    at: z.string().describe("The moment of the run"),
    considered: z
      .number()
      .describe("Services in the window (active, auto-renewed, expiring within lead days)"),
    created: z.number(),
    alreadyThere: z
      .number()
      .describe("Services whose term already had its proforma (an earlier run, a concurrent one, an order)"),
    proformas: z.array(summaryOut).describe("The renewal proformas this run made"),
    proformaIds: z
      .array(z.number())
      .optional()
      .describe(
        "The ids of the proformas this run made, ascending (absent from answers stored before it existed)",
      ),
    skipped: z
      .array(
        z.object({ customerServiceId: z.number(), code: z.enum(SKIP_CODES), reason: z.string() }).meta({
          id: "RenewalSkip",
          description: "A service no renewal proforma could be made for, and why",
        }),
      )
      .describe("The partner has to act on these: nothing was made for them"),
    replayed: replayedField,
  })
  .meta({ id: "RenewalRun", description: "What a renewal run made and what it could not" });

export function renewalRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    "/v1/billing/renewals/run",
    {
      config: { audit: "billing.renewals.run" },
      schema: {
        operationId: "runRenewals",
        summary: "Run the renewals: a proforma per service about to expire",
        description:
          "Makes one renewal proforma per active, auto-renewed service whose term ends within its kind's lead " +
          "days (billing settings, 30 by default): the renew service at the customer's price group price, " +
          "service period from the current expiry. Safe to run at any time and as often as wanted: a service " +
          "and term never get a second proforma (counted in `alreadyThere`). Services that cannot be priced or " +
          "have no buyer address are listed in `skipped` with the reason. Needs an Idempotency-Key: a repeat " +
          "gets the first answer (`replayed: true`). No body: the run is for now (its Warsaw day is the issue " +
          "date). Publishes `proforma.issued` and queues the customer's notice of it per proforma made — also " +
          "for the batches stored before a run that failed part-way (each batch is its own transaction; running " +
          "again finishes the rest).",
        tags: ["billing"],
        headers: idempotencyHeaders,
        response: { 200: runOut, 400: errorBody, 401: errorBody, 409: errorBody, 422: errorBody },
      },
    },
    async (req, reply) => {
      return replyJournaled(ctx.db, req, reply, "billing.renewals.run", {}, async () => {
        const at = ctx.now();
        // The last proforma id before the run: should the run fail part-way, its proformas are
        // the renewal ones after it stamped with the run's moment.
        const { rows } = await ctx.db.query<{ id: number | null }>("SELECT max(id) AS id FROM proformas");
        const before = rows[0]?.id ?? 0;
        const summaries = async (ids: number[]) =>
          ids.length === 0
            ? []
            : (await listProformaSummaries(ctx.db, { ids, order: "id", limit: ids.length })).items;
        // After a failure billing returns nothing: the batches it stored are found by their stamp.
        const made = async () => {
          const { rows: found } = await ctx.db.query<{ id: number }>(
            "SELECT id FROM proformas WHERE id > $1 AND origin = 'renewal' AND created_at = $2 ORDER BY id",
            [before, at],
          );
          return summaries(found.map((m) => m.id));
        };
        let run: Awaited<ReturnType<typeof runRenewals>>;
        try {
          run = await runRenewals(ctx.db, { at });
        } catch (err) {
          // Batches stored before the failure stay (each is its own transaction): announce them,
          // then report the failure. The next run counts them as already there.
          const stored = await made();
          await publishAll(ctx, stored.map(proformaIssued));
          await notifyAll(
            ctx,
            stored.map((p) => ({ kind: "proforma.issued" as const, proformaId: p.id })),
          );
          throw err;
        }
        const proformas = await summaries(run.proformaIds);
        await publishAll(ctx, proformas.map(proformaIssued));
        await notifyAll(
          ctx,
          run.proformaIds.map((proformaId) => ({ kind: "proforma.issued" as const, proformaId })),
        );
        return {
          statusCode: 200,
          body: {
            at: at.toISOString(),
            considered: run.considered,
            created: run.created,
            alreadyThere: run.alreadyThere,
            proformas,
            proformaIds: run.proformaIds,
            skipped: run.skipped,
          },
        };
      }) as never;
    },
  );
}
