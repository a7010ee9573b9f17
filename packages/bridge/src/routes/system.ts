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
        summary: "Whether the bridge is up, and whether it talks to HRD or to the embedded sandbox.",
        tags: ["system"],
        response: { 200: z.object({ ok: z.literal(true), backend: z.enum(["hrd", "sandbox"]) }) },
      },
    },
    async () => ({ ok: true as const, backend: ctx.backend }),
  );
}
