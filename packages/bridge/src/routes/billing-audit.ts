/**
 * The audit log over HTTP: every change a known module key asked for (routes with `config.audit`,
 * written by app.ts once the answer is sent, refusals included), newest first, filtered the way
 * an operator asks ("who changed the seller last week?", "which corrections failed?").
 */
import type { Db } from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { decodeCursor, encodeCursor, errorBody } from "./billing-schemas.js";

const moment = z.iso.datetime({
  offset: true,
  message: "must be an ISO 8601 moment, e.g. 2026-03-01T00:00:00Z",
});

export const auditQuery = z.object({
  action: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe("Actions starting with this, e.g. `billing.settings` or `billing.invoice.correction`"),
  keyId: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe("The module key's id (`hk_<id>` without `hk_`, or with it)"),
  outcome: z.enum(["ok", "error"]).optional().describe("ok: answered below 400; error: refused or failed"),
  status: z.coerce.number().int().min(100).max(599).optional().describe("The HTTP status answered, exactly"),
  from: moment.optional().describe("Entries at or after this moment"),
  to: moment.optional().describe("Entries before this moment"),
  target: z
    .string()
    .min(1)
    .max(300)
    .optional()
    .describe("What the change was about (a domain, a name), exactly"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
});

const entryOut = z
  .object({
    id: z.number(),
    at: z.string().describe("When the answer was sent (ISO 8601)"),
    action: z.string().nullable().describe("What was asked, e.g. billing.invoice.correction"),
    keyId: z.string().nullable(),
    keyName: z.string().nullable().describe("The key's name when it was made (which module or person)"),
    method: z.string(),
    route: z.string().describe("The route pattern, e.g. /v1/billing/invoices/:id/corrections"),
    target: z.string().nullable(),
    statusCode: z.number(),
    outcome: z.enum(["ok", "error"]),
  })
  .meta({ id: "AuditEntry", description: "One change asked for by a module key, and how it was answered" });

const auditPage = z.object({ items: z.array(entryOut), nextCursor: z.string().nullable() }).meta({
  id: "AuditPage",
  description: "A page of the audit log, newest first; nextCursor null on the last page",
});

interface AuditRow {
  id: string | number;
  at: Date | string;
  action: string | null;
  key_id: string | null;
  key_name: string | null;
  method: string;
  route: string;
  target: string | null;
  status_code: number;
  outcome: "ok" | "error";
}

const ORDER = "audit-newest";

export function billingAuditRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    "/v1/audit",
    {
      schema: {
        operationId: "listAuditLog",
        summary: "Read the audit log",
        description:
          "Every change a module key asked for (refusals included), newest first, matching every filter given: " +
          "action prefix, key, outcome, HTTP status, time range, target. Pass `nextCursor` as `cursor` with the " +
          "same filters for the next page; it is null on the last. Requests refused before authentication are " +
          "not here: /health counts them.",
        tags: ["system"],
        querystring: auditQuery,
        response: {
          200: auditPage,
          400: errorBody,
          401: errorBody,
        },
      },
    },
    async (req) => readAuditPage(ctx.db, req.query),
  );
}

export type AuditQuery = z.output<typeof auditQuery>;
export type AuditPage = z.input<typeof auditPage>;

/** A page of the audit log, newest first: GET /v1/audit and the partner panel's log page. */
export async function readAuditPage(db: Db, q: AuditQuery): Promise<AuditPage> {
  const beforeId = q.cursor === undefined ? undefined : decodeCursor(q.cursor, ORDER).afterId;
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replaceAll("?", `$${params.length}`));
  };
  if (q.action !== undefined) {
    add("a.detail->>'action' LIKE ? ESCAPE '\\'", `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (q.keyId !== undefined) add("a.key_id = ?", q.keyId.replace(/^hk_/, ""));
  if (q.outcome !== undefined) add("a.outcome = ?", q.outcome);
  if (q.status !== undefined) add("a.status_code = ?", q.status);
  if (q.from !== undefined) add("a.at >= ?::timestamptz", q.from);
  if (q.to !== undefined) add("a.at < ?::timestamptz", q.to);
  if (q.target !== undefined) add("a.target = ?", q.target);
  if (beforeId !== undefined) add("a.id < ?", beforeId);
  params.push(q.limit + 1);
  const { rows } = await db.query<AuditRow>(
    `SELECT a.id, a.at, a.detail->>'action' AS action, a.key_id, k.name AS key_name, a.method, a.route,
            a.target, a.status_code, a.outcome
     FROM bridge_audit a LEFT JOIN bridge_keys k ON k.id = a.key_id
     ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY a.id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: Number(r.id),
      at: new Date(r.at).toISOString(),
      action: r.action,
      keyId: r.key_id,
      keyName: r.key_name,
      method: r.method,
      route: r.route,
      target: r.target,
      statusCode: Number(r.status_code),
      outcome: r.outcome,
    })),
    nextCursor:
      rows.length > q.limit && last ? encodeCursor({ afterId: Number(last.id), order: ORDER }) : null,
  };
}
