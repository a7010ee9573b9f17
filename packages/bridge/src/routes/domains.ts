/**
 * Domain routes: one normalised JSON call per panel action. Purchases carry an Idempotency-Key
 * and go through the SDK's "make sure" calls, so neither a repeated panel call nor a lost reply
 * from HRD ever buys twice.
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { BridgeError } from "../errors.js";
import { withIdempotency } from "../idempotency.js";

const domain = z.string().min(3).max(255).describe("Domain name, Unicode or punycode (e.g. żółw.pl)");
const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    retryable: z.boolean(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

const registerBody = z.object({
  domain,
  /** The registrant account (`user`) at HRD. */
  hrdUserId: z.number().int().positive(),
  period: z.number().int().min(1).max(10).default(1),
  nameservers: z.array(z.string().min(3)).min(2).max(13).default(["ns1.hrd.pl", "ns2.hrd.pl"]),
  privacy: z.boolean().default(false),
});

const registerResult = z.object({
  domain: z.string(),
  outcome: z.enum(["registered", "alreadyRegistered"]),
  status: z.string().optional(),
  expiresOn: z.string().optional(),
  actionId: z.number().optional(),
  /** True when this is the stored answer of an earlier identical call. */
  replayed: z.boolean(),
});

export function domainRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    "/v1/domains/availability",
    {
      schema: {
        summary: "Availability of up to 500 names (checked in calls of 100 at HRD).",
        tags: ["domains"],
        body: z.object({ names: z.array(domain).min(1).max(500) }),
        response: {
          200: z.object({
            results: z.array(
              z.object({ name: z.string(), status: z.enum(["available", "taken", "createOnly", "unknown"]) }),
            ),
          }),
          400: errorBody,
        },
      },
    },
    async (req) => ({ results: await ctx.hrd.checkMany(req.body.names) }),
  );

  r.post(
    "/v1/domains/register",
    {
      config: { audit: "domain.register" },
      schema: {
        summary:
          "Register a domain. Needs an Idempotency-Key (e.g. `whmcs-<domainid>-register-<period>y`): a repeat gets the first answer back and never buys twice.",
        tags: ["domains"],
        headers: z.object({ "idempotency-key": z.string().min(8).max(200) }).passthrough(),
        body: registerBody,
        response: { 200: registerResult, 400: errorBody, 409: errorBody, 422: errorBody, 502: errorBody },
      },
    },
    async (req, reply) => {
      const key = req.headers["idempotency-key"] as string;
      const result = await withIdempotency(ctx.db, key, "domain.register", req.body, async () => {
        const b = req.body;
        const r0 = await ctx.hrd.ensureDomainRegistered({
          name: b.domain,
          user: b.hrdUserId,
          period: b.period,
          ns: b.nameservers,
          privacy: b.privacy,
        });
        if (r0.actionId !== undefined)
          await ctx.hrd
            .waitForAction(r0.actionId, { intervalMs: 200, timeoutMs: 30_000 })
            .catch(() => undefined);
        const info = await ctx.hrd.domain.info({ name: b.domain }).catch(() => r0.domain);
        if (!info)
          throw new BridgeError(
            502,
            "unknown_state",
            "registered, but the domain could not be read back",
            true,
          );
        return {
          statusCode: 200,
          body: {
            domain: info.name,
            outcome: r0.outcome,
            status: info.status,
            expiresOn: info.exDate?.slice(0, 10),
            actionId: r0.actionId,
          },
        };
      });
      return reply
        .status(result.statusCode as 200)
        .send({ ...(result.body as object), replayed: result.replayed } as never);
    },
  );
}
