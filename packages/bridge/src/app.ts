/**
 * The bridge's HTTP application: Fastify with zod schemas that both validate and generate the
 * OpenAPI document, one error shape for every refusal (Fastify's own included), request signing
 * checked before a body is parsed, and an audit line for every change a known key asked for.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import { BillingConflictError, type Db, type MailTransport, type NotifyPorts } from "@hrdkit/billing";
import { HrdApiError, type HrdClient, HrdError, HrdValidationError } from "@hrdkit/sdk";
import type { FastifyBaseLogger, RawServerDefault } from "fastify";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import {
  createJsonSchemaTransformObject,
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import {
  checkSignature,
  RefusedCounter,
  readSignatureHeaders,
  type SignatureHeaders,
  signingKeyFor,
} from "./auth.js";
import { BridgeError, clientError } from "./errors.js";
import { nestsDeeperThan } from "./json-depth.js";
import {
  describeNamedResponses,
  documentRoute,
  OPENAPI_DESCRIPTION,
  pruneUnusedSchemas,
  SIGNED,
  securitySchemes,
  TAGS,
} from "./openapi.js";
import { SigningState } from "./signing-state.js";
import { audit } from "./store.js";

/** The largest body the bridge reads (a 500-name availability check is ~15 kB). */
const BODY_LIMIT = 1024 * 1024;
/** Bodies nest 3 levels at most (a registrant inside a request); anything near this is hostile. */
const MAX_JSON_DEPTH = 16;
/**
 * Longest path parameter: a 253-character name with Polish letters is several times longer
 * once percent-encoded. The schemas then say exactly what is wrong with a long name.
 */
const MAX_PARAM_LENGTH = 2048;

export interface BridgeContext {
  db: Db;
  hrd: HrdClient;
  /** `sandbox` when no HRD credentials were given: every response says so in `X-Hrdkit-Backend`. */
  backend: "hrd" | "sandbox";
  signatureWindowMs: number;
  /**
   * How long a module key's signing key is used without reading the database again (ms, default
   * 10 000): a key revoked by another process stops working within it (signing-state.ts).
   */
  keyCacheMs?: number;
  /** The clock (tests move it). */
  now: () => Date;
  /** Where unexpected failures (answered 500 `internal`) are reported; default: stderr. */
  logError?: (err: unknown, request: { method: string; url: string }) => void;
  /** Requests refused before authentication, by error code (made by buildApp when absent). */
  refused?: RefusedCounter;
  /**
   * E-mail to customers: SMTP options (HRDKIT_SMTP_URL) and the From address replacing the seller's
   * (HRDKIT_MAIL_FROM). Absent → routes that send mail answer 409 `mail_not_configured`.
   */
  mail?: { transport: MailTransport; from?: string };
  /**
   * Notices to customers (the outbox): the channels its worker sends through (e-mail from the mail
   * settings, SMS and voice from HRDKIT_SMSAPI_TOKEN) and the secret of SMSAPI's delivery-report
   * route (HRDKIT_SMSAPI_REPORT_TOKEN; absent → that route answers 404). A channel without a port
   * is not sendable: the worker fails its notices with that reason. Offers: the unsubscribe links
   * point at `<publicUrl>/unsubscribe` (HRDKIT_PUBLIC_URL) and are signed with `unsubscribeSecret`
   * (HRDKIT_UNSUBSCRIBE_SECRET; either absent → sending an offer answers 409 `offers_not_configured`);
   * `offerRatePerSecond` (HRDKIT_OFFER_RATE) paces the worker's e-mail and SMS.
   */
  notify?: {
    ports: NotifyPorts;
    smsapiReportToken?: string;
    publicUrl?: string;
    unsubscribeSecret?: string;
    offerRatePerSecond?: number;
  };
  /** Folder for uploaded logos; absent → a logo upload answers 409 `logo_storage_not_configured`. */
  brandingDir?: string;
  /**
   * The customer frames: who may embed them (BRIDGE_FRAME_ANCESTORS), the online-payment link
   * (HRDKIT_PAYMENT_URL) and the key of their form tokens and cart cookies. Absent: no embedding,
   * no payment link, a random key.
   */
  frames?: { ancestors: string[]; paymentUrl?: string; secret: string };
}

/** stderr, one line with the request and the stack: what an operator needs to find the bug. */
function logToStderr(err: unknown, request: { method: string; url: string }): void {
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  console.error(`hrdkit bridge: 500 on ${request.method} ${request.url.split("?")[0]}: ${detail}`);
}

declare module "fastify" {
  interface FastifyRequest {
    /** The key that signed the request, once its signature is checked. */
    keyId?: string;
    /** The signature headers and the key's signing key, between onRequest and preParsing. */
    signed?: { headers: SignatureHeaders; key: string };
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
  // Every billing conflict, subclasses too (NotOfferedError…): a refusal, never a 500.
  if (err instanceof BillingConflictError) {
    return new BridgeError(409, err.code, err.message, false, e.issues);
  }
  // Fastify's own refusals (FST_ERR_*: content type, body size, URL…) and any other 4xx.
  const client = clientError(err);
  if (client) return client;
  return new BridgeError(500, "internal", "internal error", true);
}

// Spelled out: an inferred type made the bundled .d.ts say `Fastify.FastifyInstance` through the
// default import, which fails in consumers' type checks (skipLibCheck false, bundler resolution).
export async function buildApp(
  ctx: BridgeContext,
  routes: ((app: FastifyInstance, ctx: BridgeContext) => void)[],
): Promise<
  FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>
> {
  // Kept on the context: /health reports it.
  ctx.refused ??= new RefusedCounter();
  const refused = ctx.refused;
  const logError = ctx.logError ?? logToStderr;
  const signing = new SigningState(ctx.db, { windowMs: ctx.signatureWindowMs, keyTtlMs: ctx.keyCacheMs });
  const app = Fastify({
    logger: false,
    // A caller's X-Request-Id (a panel's own trace id) is kept when it is sane, else one is made;
    // every answer echoes it, so a support ticket can name the exact call.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[\w.:@/+=-]{1,128}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: BODY_LIMIT,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Errors Fastify answers before any route or hook (a malformed URL, an over-long parameter):
    // the same error shape as everything else.
    frameworkErrors: (err, req, reply) => {
      const e = toBridgeError(err);
      return (reply as FastifyReply)
        .header("X-Hrdkit-Backend", ctx.backend)
        .header("X-Request-Id", req.id)
        .status(e.status)
        .send(e.toBody());
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // JSON only (with proto-poisoning protection and a nesting cap); any other content type is a
  // 415. The signature was checked on the raw bytes before this runs.
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (req, body, done) => {
    const bytes = body as Buffer;
    const text = bytes.toString("utf8");
    if (text.trim() === "") return done(null, {});
    if (nestsDeeperThan(bytes, MAX_JSON_DEPTH)) {
      return done(
        new BridgeError(400, "too_deep", `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`),
        undefined,
      );
    }
    parseJson(req, text, (err, value) =>
      err
        ? done(new BridgeError(400, "bad_json", "the body is not valid JSON"), undefined)
        : done(null, value),
    );
  });

  // Before the routes are added: each route's document gets the errors app.ts and auth.ts answer.
  app.addHook("onRoute", documentRoute);
  const transformObject = createJsonSchemaTransformObject({});
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "hrdkit bridge", version: "0.1.0", description: OPENAPI_DESCRIPTION },
      tags: TAGS,
      components: { securitySchemes },
      security: SIGNED,
    },
    transform: jsonSchemaTransform,
    // Named zod schemas (`.meta({ id })`) become components; only those the document uses are kept.
    transformObject: (doc) => describeNamedResponses(pruneUnusedSchemas(transformObject(doc))),
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });

  const isPublic = (req: FastifyRequest) => {
    const route = req.routeOptions.url;
    return (
      req.routeOptions.config?.public === true || route === "/docs" || route?.startsWith("/docs/") === true
    );
  };

  // Step 1 of the signature, before the body is read: headers, timestamp, key. A stranger gets
  // 401 without a byte of the body being read, parsed or validated.
  app.addHook("onRequest", async (req, reply) => {
    reply.header("X-Hrdkit-Backend", ctx.backend);
    reply.header("X-Request-Id", req.id);
    if (isPublic(req)) return;
    const headers = readSignatureHeaders(req.raw, ctx.now(), ctx.signatureWindowMs);
    req.signed = { headers, key: await signingKeyFor(signing, headers, ctx.now()) };
  });

  // Step 2: the body's raw bytes (whatever the content type says) against the signature, then
  // the nonce. Only then is the body handed on to be parsed.
  app.addHook("preParsing", async (req, _reply, payload) => {
    if (!req.signed) return payload;
    const declared = Number(req.headers["content-length"]);
    if (declared > BODY_LIMIT) throw new BridgeError(413, "too_large", "the request body is too large");
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of payload) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
      length += bytes.length;
      if (length > BODY_LIMIT) throw new BridgeError(413, "too_large", "the request body is too large");
      chunks.push(bytes);
    }
    const body = Buffer.concat(chunks, length);
    req.keyId = await checkSignature(
      signing,
      req.signed.headers,
      req.signed.key,
      { method: req.method, path: req.url, body },
      ctx.now(),
    );
    const replay = Readable.from(body.length > 0 ? [body] : []) as Readable & {
      receivedEncodedLength?: number;
    };
    replay.receivedEncodedLength = body.length;
    return replay;
  });

  app.addHook("onResponse", async (req, reply) => {
    const action = req.routeOptions.config?.audit;
    // Nobody authenticated, nothing to audit: a stranger must not be able to fill the log
    // (refusals are counted instead, see the error handler).
    if (!action || !req.keyId) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const params = (req.params ?? {}) as Record<string, unknown>;
    await audit(ctx.db, {
      keyId: req.keyId,
      method: req.method,
      route: req.routeOptions.url ?? req.url,
      // Path ids arrive as numbers once validated (`/proformas/:id`): a target all the same.
      target: targetOf([body.domain, body.name, params.domain, params.id, params.code, params.host]),
      statusCode: reply.statusCode,
      outcome: reply.statusCode < 400 ? "ok" : "error",
      detail: { action },
    }).catch(() => undefined);
  });

  app.setErrorHandler((err, req, reply: FastifyReply) => {
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
    if (e.status === 401 && !req.keyId) refused.add(e.code);
    if (e.code === "internal") logError(err, { method: req.method, url: req.url });
    return reply.status(e.status).send(e.toBody());
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send(new BridgeError(404, "no_route", `no route ${req.method} ${req.url}`).toBody()),
  );

  // Batched nonces are written before the database closes (the server closes the app first).
  app.addHook("onClose", () => signing.close());

  for (const register of routes) register(app as unknown as FastifyInstance, ctx);
  await app.ready();
  return app;
}

/** The first name or id among the candidates, as text (what the audit log's `target` holds). */
function targetOf(candidates: unknown[]): string | undefined {
  const v = candidates.find((c) => typeof c === "string" || (typeof c === "number" && Number.isFinite(c)));
  return v === undefined ? undefined : String(v);
}
