import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";

export function systemRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    "/health",
    {
      config: { public: true },
      schema: {
        operationId: "getHealth",
        summary: "Health, backend and refused-request counts",
        description:
          "Whether the bridge is up, whether it talks to HRD or to the embedded sandbox, and how many requests " +
          "it refused before authentication (since this instance started).",
        tags: ["system"],
        response: {
          200: z
            .object({
              ok: z.literal(true),
              backend: z.enum(["hrd", "sandbox"]),
              refused: z
                .object({
                  total: z.number().int(),
                  byCode: z.record(z.string(), z.number().int()),
                })
                .describe(
                  "Requests refused before authentication (unsigned, stale, bad_signature, bad_nonce, replayed): " +
                    "counted here instead of written to the audit log. A rising count means a misconfigured module " +
                    "(clock, key) or someone probing.",
                ),
            })
            .describe("The bridge is up"),
        },
      },
    },
    async () => ({
      ok: true as const,
      backend: ctx.backend,
      refused: ctx.refused?.snapshot() ?? { total: 0, byCode: {} },
    }),
  );
}
