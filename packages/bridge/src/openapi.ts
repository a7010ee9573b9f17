/**
 * What the OpenAPI document says beyond the routes' own zod schemas, for clients generated from
 * it: the one error body as a named component, every error status the bridge itself can answer
 * (signing, parsing, validation, failures) added to each route where it applies, and the signing
 * scheme spelled out. Route files add their own statuses with {@link errorResponses}.
 */
import type { RouteOptions } from "fastify";
import { z } from "zod";

/** The one error shape (see errors.ts), a component every error response refers to. */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string().describe("Machine-readable reason, e.g. `invalid`, `unsigned`, `not_found`"),
      message: z.string().describe("What went wrong, in words a person can act on"),
      retryable: z.boolean().describe("True when the same request may simply be sent again later"),
      issues: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .describe("Validation errors: every bad field (`path` is dotted, e.g. `registrant.email`)"),
    }),
  })
  .meta({
    id: "ErrorBody",
    description: "Every refusal and failure: `{ error: { code, message, retryable, issues? } }`.",
  });

/** What each error status means at the bridge, with the codes it carries. */
export const ERROR_STATUSES = {
  400:
    "Bad input, nothing done: `invalid` (every bad field in `issues`), `bad_json`, `too_deep` (JSON nested " +
    "more than 16 levels), `bad_idempotency_key`, `bad_url`, `bad_request`.",
  401:
    "Not signed, or not signed right (nothing was read or done): `unsigned`, `stale` (timestamp outside the " +
    "window: check the clock), `bad_nonce`, `bad_signature` (also an unknown or revoked key), `replayed`.",
  404: "`not_found`: the object is not in the partner's account at HRD (or not at the bridge).",
  409:
    "`in_progress` (the first request with this Idempotency-Key still runs: ask again later), `conflict` " +
    "(HRD's state contradicts the request), `not_issued` (certificate not issued yet); on billing routes, a " +
    "rule of the stored state the request would break, its code naming the rule (e.g. `not_offered`, " +
    "`ksef_number_recorded`), nothing written.",
  413: "`too_large`: the body is over 1 MiB.",
  415: "`unsupported_media_type`: the body must be JSON sent with `Content-Type: application/json`.",
  422:
    "`hrd_refused`: HRD refused the operation (its reason in `message`); `idempotency_key_reused`: the " +
    "Idempotency-Key was used for a different request.",
  500: "`internal`: an unexpected failure, logged by the bridge with details; retryable.",
  502:
    "HRD could not be reached or answered badly (`retryable` says whether to try again); a purchase whose " +
    "outcome is unknown is reconciled by a retry with the same Idempotency-Key.",
} as const;

export type ErrorStatus = keyof typeof ERROR_STATUSES;

/** The response entries for error statuses, each described and referring to {@link errorBody}. */
export function errorResponses(...statuses: ErrorStatus[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: ERROR_STATUSES[s], content: { "application/json": { schema: errorBody } } },
    ]),
  ) as Record<
    ErrorStatus,
    { description: string; content: { "application/json": { schema: typeof errorBody } } }
  >;
}

const SIGNATURE_HELP =
  "Every route but `/health` and `/docs` is signed with a module key `hk_<id>.<secret>` (made with " +
  "`hrdkit-bridge key create`). Send four headers, each exactly once:\n\n" +
  "- `X-Hrdkit-Key: hk_<id>`\n" +
  "- `X-Hrdkit-Timestamp`: Unix time in milliseconds, within the signature window of the bridge's clock (5 minutes by default)\n" +
  "- `X-Hrdkit-Nonce`: 16–64 characters of `A-Z a-z 0-9 _ -`, never used before with this key\n" +
  "- `X-Hrdkit-Signature`: 64 hex digits, `HMAC-SHA256(signingKey, canonical)` where " +
  "`signingKey = hex(SHA-256(secret))` (the hex string is the HMAC key) and\n" +
  '  `canonical = timestamp + "\\n" + nonce + "\\n" + METHOD + " " + pathWithQuery + "\\n" + rawBody`\n' +
  "  (METHOD upper-case; the path and query exactly as sent; the body's raw bytes, empty for none).\n\n" +
  "Anything else is a 401 (`unsigned`, `stale`, `bad_nonce`, `bad_signature`, `replayed`) before the body " +
  "is parsed.";

/** The four signature headers as security schemes, required together (one requirement object). */
export const securitySchemes = {
  hrdkitKey: {
    type: "apiKey",
    in: "header",
    name: "X-Hrdkit-Key",
    description: "The module key's id, `hk_<id>` (the part before the dot). Part of the signature scheme.",
  },
  hrdkitTimestamp: {
    type: "apiKey",
    in: "header",
    name: "X-Hrdkit-Timestamp",
    description:
      "Unix time in milliseconds; refused (`stale`) outside the signature window (5 minutes by default).",
  },
  hrdkitNonce: {
    type: "apiKey",
    in: "header",
    name: "X-Hrdkit-Nonce",
    description: "16–64 URL-safe characters, new for every request (`replayed` otherwise).",
  },
  hrdkitSignature: {
    type: "apiKey",
    in: "header",
    name: "X-Hrdkit-Signature",
    description: SIGNATURE_HELP,
  },
} as const;

export const SIGNED: Record<keyof typeof securitySchemes, string[]>[] = [
  { hrdkitKey: [], hrdkitTimestamp: [], hrdkitNonce: [], hrdkitSignature: [] },
];

export const OPENAPI_DESCRIPTION =
  "Sells HRD.pl domains, .pl options and SSL certificates to WHMCS, HostBill and custom software.\n\n" +
  `## Signing\n\n${SIGNATURE_HELP}\n\n` +
  "## Errors\n\nEvery refusal has one shape, `ErrorBody`: `{ error: { code, message, retryable, issues? } }`. " +
  "Purchases take an `Idempotency-Key` header: a repeat gets the first answer back (`replayed: true`) and " +
  "never buys twice.\n\n" +
  "## Request ids\n\nEvery answer carries `X-Request-Id`: the caller's own (1–128 characters of letters, digits " +
  "and `_.:@/+=-`) when it sent one, else one the bridge made. Quote it when reporting a problem.";

export const TAGS = [
  { name: "system", description: "The bridge itself: health, dashboard." },
  { name: "domains", description: "Domains at HRD: availability, purchases, DNS, contacts, sync." },
  { name: "certificates", description: "SSL certificates at HRD: order, renew, status, PEM." },
  { name: "pricing", description: "HRD's wholesale prices." },
  {
    name: "billing",
    description:
      "The billing core: customers and consents, catalog, prices, promotions and codes, quotes, orders, " +
      "proformas, payments and bank statements, VAT invoices, corrections, KSeF FA(3), settings.",
  },
  {
    name: "notifications",
    description:
      "Notices to customers by e-mail, SMS and voice call: the templates of each event (Polish and English, " +
      "built-in defaults the partner may edit, preview and reset), the catalogue of events and their variables " +
      "for an editor, and the outbox every notice goes through (its status, each attempt, resend and cancel). " +
      "The bridge sends the outbox every few seconds: e-mail through HRDKIT_SMTP_URL, SMS and voice through " +
      "SMSAPI (HRDKIT_SMSAPI_TOKEN). SMSAPI's delivery reports come back to an unsigned address guarded by a " +
      "secret, `<HRDKIT_PUBLIC_URL>/v1/notifications/smsapi/reports/<HRDKIT_SMSAPI_REPORT_TOKEN>`, which is " +
      "not listed here because only SMSAPI calls it. Which events notify by which channel, reminder days, " +
      "quiet hours and the SMS sender are the partner's settings. Offers go to a segment of customers, only to " +
      "those whose consent is in force when the offer is sent, rate-limited (HRDKIT_OFFER_RATE); every offer " +
      "carries an unsubscribe link to `<HRDKIT_PUBLIC_URL>/unsubscribe` (a confirm page, and RFC 8058 one-click) " +
      "that withdraws the consent, recorded in the customer's consent history.",
  },
  {
    name: "webhooks",
    description: "Endpoints of the partner's software that receive signed events, and their delivery log.",
  },
];

/**
 * Documents, on each route as it is added, the errors the bridge's own machinery can answer
 * with (it is the same code that enforces them: app.ts and auth.ts): signing (401) and body
 * reading (413) on signed routes, body parsing (415) and validation (400) where a route takes a
 * body or parameters, 500 everywhere but public routes; public routes are marked unsigned.
 */
export function documentRoute(route: RouteOptions): void {
  const schema = route.schema as
    | (Record<string, unknown> & { response?: Record<string, unknown> })
    | undefined;
  if (!schema || (schema as { hide?: boolean }).hide) return;
  const isPublic = (route.config as { public?: boolean } | undefined)?.public === true;
  if (isPublic) {
    schema.security = [];
    return;
  }
  const statuses: ErrorStatus[] = [401, 413, 500];
  if (schema.body) statuses.push(400, 415);
  if (schema.params || schema.querystring || schema.headers) statuses.push(400);
  const response: Record<string, unknown> = { ...errorResponses(...statuses), ...schema.response };
  // A bare `errorBody` gets the status's description (a route's own described entry is kept).
  for (const [status, r] of Object.entries(response)) {
    if (r === errorBody && status in ERROR_STATUSES) {
      response[status] = errorResponses(Number(status) as ErrorStatus)[Number(status) as ErrorStatus];
    }
  }
  schema.response = response;
}

/**
 * Drops component schemas nothing refers to: zod's registry is process-wide and holds both the
 * input and output form of every named schema (`X` and `XInput`), of which a route uses one.
 */
export function pruneUnusedSchemas<T>(doc: T): T {
  const d = doc as { components?: { schemas?: Record<string, unknown> } };
  const schemas = d.components?.schemas;
  if (!schemas) return doc;
  const refs = (v: unknown) =>
    new Set([...JSON.stringify(v).matchAll(/#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!));
  const { components, ...rest } = d;
  const used = refs(rest);
  // Components refer to components: follow them until nothing new turns up.
  for (let grew = true; grew; ) {
    grew = false;
    for (const name of [...used]) {
      for (const r of refs(schemas[name] ?? null)) {
        if (!used.has(r)) {
          used.add(r);
          grew = true;
        }
      }
    }
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...rest, components: { ...components, schemas: kept } } as T;
}

type Doc = {
  paths?: Record<string, Record<string, { summary?: string; responses?: Record<string, ResponseDoc> }>>;
  components?: { schemas?: Record<string, { description?: string }> };
};
type ResponseDoc = { description?: string; content?: Record<string, { schema?: { $ref?: string } }> };

/**
 * A response whose schema is a named component gets the component's description: @fastify/swagger
 * only looks for one on the schema itself (a bare `$ref`), and would say "Default Response". A
 * success response with no description at all says what the operation's summary says.
 */
export function describeNamedResponses<T>(doc: T): T {
  const d = doc as Doc;
  const schemas = d.components?.schemas ?? {};
  for (const item of Object.values(d.paths ?? {})) {
    for (const op of Object.values(item)) {
      for (const [status, r] of Object.entries(op.responses ?? {})) {
        if (r.description !== "Default Response") continue;
        const ref = r.content?.["application/json"]?.schema?.$ref;
        const name = ref?.startsWith("#/components/schemas/") ? ref.slice(21) : undefined;
        const described =
          (name ? schemas[name]?.description : undefined) ?? (/^2/.test(status) ? op.summary : undefined);
        if (described) r.description = described;
      }
    }
  }
  return doc;
}
