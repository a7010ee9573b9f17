/**
 * SMSAPI's delivery reports: SMSAPI calls the address given as `notify_url` (GET with `MsgId`,
 * `status`, `idx`, `donedate`, …; a POST form when so set in its panel) and wants the body `OK`,
 * or it calls again. SMSAPI cannot sign a request, so this route is public (like /health); what
 * keeps strangers out is the secret in its path (HRDKIT_SMSAPI_REPORT_TOKEN), compared in
 * constant time. A wrong or missing secret is a bare 404 that says nothing about why.
 *
 * The route is left out of the OpenAPI document: only SMSAPI calls it, and a client generated
 * from the document must not offer it (the `notifications` tag says where it is).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import {
  type ChannelStatus,
  parseSmsapiReport,
  recordDeliveryReports,
  SMSAPI_REPORT_ANSWER,
} from "@hrdkit/billing";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { BridgeError } from "../errors.js";
import { SMSAPI_REPORT_PATH } from "../jobs/notify-outbox.js";

/** A report call is a few hundred bytes; several reports at once stay far below this. */
const FORM_LIMIT = 64 * 1024;

type Fields = Record<string, string | string[] | undefined>;

/** Equal secrets, in time that does not depend on where they differ (or on their lengths). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** A form body's fields, a repeated name as a list (as the query string parser gives it). */
function formFields(body: string): Fields {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const seen = out[k];
    out[k] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v];
  }
  return out;
}

/**
 * What billing matches reports by. SMSAPI refuses a message already sent under the same idx, and
 * the notice then carries `idx:<key>` instead of SMSAPI's id (smsapi.ts): the report's idx finds it.
 */
function statusesOf(fields: Fields): ChannelStatus[] {
  return parseSmsapiReport(fields).flatMap((r) => {
    const status: ChannelStatus = {
      providerId: r.providerId,
      status: r.status,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.at ? { at: r.at } : {}),
    };
    return r.idempotencyKey ? [status, { ...status, providerId: `idx:${r.idempotencyKey}` }] : [status];
  });
}

const logToStderr: NonNullable<BridgeContext["logError"]> = (err, request) => {
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  console.error(`hrdkit bridge: 503 on ${request.method} ${request.url}: ${detail}`);
};

const notFound = () => new BridgeError(404, "not_found", "not found");

export function notifyReportRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const route = `${SMSAPI_REPORT_PATH}/:token`;

  async function receive(req: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply) {
    const expected = ctx.notify?.smsapiReportToken;
    if (!expected || !sameSecret(req.params.token, expected)) throw notFound();
    const body = req.body && typeof req.body === "object" ? (req.body as Fields) : {};
    try {
      await recordDeliveryReports(ctx.db, statusesOf({ ...(req.query as Fields), ...body }), {
        now: ctx.now(),
      });
    } catch (err) {
      if ((err as { code?: unknown })?.code === "validation") throw err;
      // Logged here, with the path's secret left out (app.ts would log the URL as it came).
      (ctx.logError ?? logToStderr)(err, { method: req.method, url: `${SMSAPI_REPORT_PATH}/[token]` });
      // Not OK: SMSAPI calls again later.
      throw new BridgeError(503, "report_not_recorded", "the delivery report could not be recorded", true);
    }
    return reply.type("text/plain; charset=utf-8").send(SMSAPI_REPORT_ANSWER);
  }

  // Its own scope: the form body parser applies to this route only (the app reads JSON alone).
  app.register(async (scope) => {
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: FORM_LIMIT },
      (_req, body, done) => done(null, formFields(body as string)),
    );
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const options = {
      config: { public: true },
      schema: { hide: true, params: z.object({ token: z.string() }) },
    };
    r.get(route, { ...options, schema: { ...options.schema, operationId: "receiveSmsapiReport" } }, receive);
    r.post(
      route,
      { ...options, schema: { ...options.schema, operationId: "receiveSmsapiReportForm" } },
      receive,
    );
  });
}
