/**
 * GET /v1/dashboard: what HRD's Sales Panel shows on its first page — the balance and the part
 * of it held for running operations, HRD's latest technical notices — plus the state of the
 * bridge's background jobs.
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { jobStatuses, jobsOf } from "../jobs/runner.js";
import { errorResponses } from "../openapi.js";

const jobFailure = z
  .object({
    at: z.string().describe("When the failed run ended (ISO 8601)"),
    code: z.string().describe("The error's code (e.g. `connection`, `validation`)"),
    message: z.string().describe("The error's message, as the operator's log has it"),
  })
  .meta({ id: "JobFailure", description: "A background job's last failed run" });

const jobState = z
  .object({
    name: z.string().describe("poll, sync, actions, renewals, reminders, statements"),
    schedule: z
      .string()
      .nullable()
      .describe(
        "When it runs: `every 60 s`, `daily at 06:00 Europe/Warsaw`; null for a job this bridge does not run",
      ),
    lastStartedAt: z.string().nullable().describe("When the last run started (ISO 8601)"),
    lastFinishedAt: z.string().nullable().describe("When the last run ended"),
    lastResult: z.unknown().describe("The last run's counts, or { error: { code, message } }"),
    lastOwner: z.string().nullable().describe("The bridge instance (host:pid:random) that ran the last run"),
    nextRunAt: z.string().nullable().describe("When it is next due; null before its first run (due at once)"),
    running: z.boolean().describe("True while an instance runs it (holds its lease)"),
    runningOwner: z.string().nullable().describe("The instance running it, while it runs"),
    lastFailure: jobFailure.nullable().describe("The last failed run, even if later runs succeeded"),
    consecutiveFailures: z
      .number()
      .describe("Failed runs since the last successful one (0: the last run was fine)"),
  })
  .meta({ id: "JobState", description: "One background job: its last run, next run and failures" });

const dashboard = z.object({
  backend: z.enum(["hrd", "sandbox"]),
  balance: z.object({
    balance: z.string().describe('The partner\'s balance at HRD, PLN, a decimal string (e.g. "100.50")'),
    held: z.string().describe("The part of it held for running operations (restrictedBalance)"),
  }),
  jobs: z.array(jobState).describe("The background jobs, in a fixed order (those this bridge runs first)"),
  news: z
    .array(
      z.object({
        id: z.number(),
        title: z.string(),
        added: z.string().describe("HRD's time (Europe/Warsaw), as HRD gives it"),
        archived: z.boolean(),
      }),
    )
    .describe("HRD's latest 5 technical notices, newest first"),
});

type News = z.infer<typeof dashboard>["news"];

/** HRD's notices change rarely: read them at most once a minute per bridge. */
const NEWS_TTL_MS = 60_000;
const newsCache = new WeakMap<BridgeContext, { at: number; news: Promise<News> }>();

async function readNews(ctx: BridgeContext): Promise<News> {
  const ids: number[] = [];
  for await (const id of ctx.hrd.iterate("news/list")) ids.push(id);
  const latest = ids.sort((a, b) => b - a).slice(0, 5);
  const items = await Promise.all(
    latest.map(async (id) => {
      const n = await ctx.hrd.news.info({ id });
      return { id, title: n.title, added: n.added, archived: n.archived };
    }),
  );
  return items.sort((a, b) => (a.added < b.added ? 1 : a.added > b.added ? -1 : b.id - a.id));
}

function latestNews(ctx: BridgeContext): Promise<News> {
  const cached = newsCache.get(ctx);
  if (cached && Date.now() - cached.at < NEWS_TTL_MS) return cached.news;
  const news = readNews(ctx);
  newsCache.set(ctx, { at: Date.now(), news });
  news.catch(() => newsCache.delete(ctx)); // a failure is not cached
  return news;
}

export function dashboardRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    "/v1/dashboard",
    {
      schema: {
        operationId: "getDashboard",
        summary: "Balance, HRD's notices and the jobs' state",
        description:
          "Balance, HRD's latest technical notices and the background jobs' state (the Sales Panel's first " +
          "page). For each job: when it runs, its last run (start, end, result, instance), when it is next " +
          "due, whether an instance is running it now, its last failure and the failures in a row since its " +
          "last success. Read-only; answers 502 when HRD cannot be reached for the balance or the notices.",
        tags: ["system"],
        response: {
          200: dashboard.describe("What the Sales Panel's first page shows"),
          ...errorResponses(422, 502),
        },
      },
    },
    async () => readDashboard(ctx),
  );
}

export type Dashboard = z.input<typeof dashboard>;

/** What GET /v1/dashboard answers; the partner panel's start page shows the same. */
export async function readDashboard(ctx: BridgeContext): Promise<Dashboard> {
  const [balance, jobs, news] = await Promise.all([
    ctx.hrd.partner.getBalance(),
    jobStatuses(ctx, jobsOf(ctx)),
    latestNews(ctx),
  ]);
  return {
    backend: ctx.backend,
    balance: { balance: balance.balance.value, held: balance.restrictedBalance.value },
    jobs,
    news,
  };
}
