/**
 * The bridge's HTTP application: Fastify with zod schemas that both validate and generate the
 * OpenAPI document, one error shape, request signing checked before any route runs, and an audit
 * line for every change.
 */
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import type { Db } from "@hrdkit/billing";
import { HrdApiError, type HrdClient, HrdError, HrdValidationError } from "@hrdkit/sdk";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { verifyRequest } from "./auth.js";
import { BridgeError } from "./errors.js";
import { audit } from "./store.js";

export interface BridgeContext {
  db: Db;
  hrd: HrdClient;
  /** `sandbox` when no HRD credentials were given: every response says so in `X-Hrdkit-Backend`. */
  backend: "hrd" | "sandbox";
  signatureWindowMs: number;
  /** The clock (tests move it). */
  now: () => Date;
}

declare module "fastify" {
  interface FastifyRequest {
    rawBody?: string;
    keyId?: string;
  }
  interface FastifyContextConfig {
    /** Routes anyone may call (health, the API documentation). */
    public?: boolean;
    /** Routes that change something: audited. */
    audit?: string;
  }
}

/** Maps whatever a route threw onto the one error shape. */
export function toBridgeError(err: unknown): BridgeError {
  if (err instanceof BridgeError) return err;
  if (err instanceof HrdValidationError) {
    return new BridgeError(400, "invalid", err.message, false, err.issues);
  }
  if (err instanceof HrdApiError) return new BridgeError(422, "hrd_refused", err.message, false);
  if (err instanceof HrdError && err.code === "conflict")
    return new BridgeError(409, "conflict", err.message, false);
  if (err instanceof HrdError) {
    return new BridgeError(502, err.code, err.message, err.retryable || err.outcome === "unknown");
  }
  const e = err as {
    code?: string;
    issues?: { path: string; message: string }[];
    message?: string;
    statusCode?: number;
  };
  if (e?.code === "validation" && Array.isArray(e.issues))
    return new BridgeError(400, "invalid", String(e.message), false, e.issues);
  if (e?.code === "not_found") return new BridgeError(404, "not_found", String(e.message));
  if (typeof e?.code === "string" && e.constructor?.name === "BillingConflictError") {
    return new BridgeError(409, e.code, String(e.message));
  }
  if (e?.statusCode === 413) return new BridgeError(413, "too_large", "the request body is too large");
  return new BridgeError(500, "internal", "internal error", true);
}

export async function buildApp(
  ctx: BridgeContext,
  routes: ((app: FastifyInstance, ctx: BridgeContext) => void)[],
) {
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // The signature covers the exact bytes: keep them.
  app.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    (req as FastifyRequest).rawBody = text;
    try {
      done(null, text.trim() === "" ? {} : JSON.parse(text));
    } catch {
      done(new BridgeError(400, "bad_json", "the body is not valid JSON"), undefined);
    }
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "hrdkit bridge",
        version: "0.1.0",
        description:
          "Sells HRD.pl domains, .pl options and SSL certificates to WHMCS, HostBill and custom software. " +
          "Every request but /health and /docs is signed (see the bridge README): X-Hrdkit-Key, X-Hrdkit-Timestamp, " +
          "X-Hrdkit-Nonce, X-Hrdkit-Signature. Errors: { error: { code, message, retryable, issues? } }.",
      },
      components: {
        securitySchemes: {
          signature: { type: "apiKey", in: "header", name: "X-Hrdkit-Signature" },
        },
      },
      security: [{ signature: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });

  app.addHook("onRequest", async (_req, reply) => {
    reply.header("X-Hrdkit-Backend", ctx.backend);
  });

  app.addHook("preHandler", async (req) => {
    if (req.routeOptions.config?.public || req.url.startsWith("/docs")) return;
    req.keyId = await verifyRequest(
      ctx.db,
      { method: req.method, path: req.url, body: req.rawBody ?? "", headers: req.headers },
      ctx.now(),
      ctx.signatureWindowMs,
    );
  });

  app.addHook("onResponse", async (req, reply) => {
    const action = req.routeOptions.config?.audit;
    if (!action) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const params = (req.params ?? {}) as Record<string, unknown>;
    await audit(ctx.db, {
      keyId: req.keyId,
      method: req.method,
      route: req.routeOptions.url ?? req.url,
      target: [body.domain, body.name, params.domain, params.id, params.host].find(
        (v) => typeof v === "string",
      ) as string | undefined,
      statusCode: reply.statusCode,
      outcome: reply.statusCode < 400 ? "ok" : "error",
      detail: { action },
    }).catch(() => undefined);
  });

  app.setErrorHandler((err, _req, reply: FastifyReply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({
        path: (v.instancePath || "").replace(/^\//, "").replaceAll("/", "."),
        message: v.message ?? "invalid",
      }));
      const e = new BridgeError(
        400,
        "invalid",
        `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
        false,
        issues,
      );
      return reply.status(400).send(e.toBody());
    }
    const e = toBridgeError(err);
    return reply.status(e.status).send(e.toBody());
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send(new BridgeError(404, "no_route", `no route ${req.method} ${req.url}`).toBody()),
  );

  for (const register of routes) register(app as unknown as FastifyInstance, ctx);
  await app.ready();
  return app;
}
