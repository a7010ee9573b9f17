/**
 * The OpenAPI document is what custom software generates its client from: the lint below fails
 * `npm test` on whatever makes a generated client worse (nameless or duplicate operations,
 * undocumented errors, the error body repeated inline instead of one named type, an unsigned
 * route shown as signed or the other way round). Every route file, billing's included, is covered
 * because the lint reads the document the running bridge serves.
 */
import { type Bridge, startBridge } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: { in: string; name: string }[];
  requestBody?: Json;
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Json }> }>;
}
interface Spec {
  openapi: string;
  security?: Record<string, string[]>[];
  paths: Record<string, Record<string, Operation>>;
  components?: {
    schemas?: Record<string, Json>;
    securitySchemes?: Record<string, Json & { description?: string }>;
  };
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];
const UNSIGNED = ["/health"];

/** Deep copy without `description`s: two schemas that differ only in wording are the same shape. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(
    Object.entries(v as Json)
      .filter(([k]) => k !== "description")
      .map(([k, x]) => [k, shape(x)]),
  );
}

/** Every object schema inside `v` (not descending into `$ref`s), with where it was found. */
function objectSchemas(v: unknown, at: string, out: [string, Json][] = []): [string, Json][] {
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) objectSchemas(x, `${at}[${i}]`, out);
  } else if (v !== null && typeof v === "object") {
    const o = v as Json;
    if (o.type === "object" && o.properties) out.push([at, o]);
    for (const [k, x] of Object.entries(o)) objectSchemas(x, `${at}.${k}`, out);
  }
  return out;
}

/** The problems a client generator would trip over, one line each; empty when the document is fit. */
export function lintOpenApi(spec: Spec): string[] {
  const problems: string[] = [];
  const schemes = spec.components?.securitySchemes ?? {};
  const components = spec.components?.schemas ?? {};
  const seen = new Map<string, string>();
  if (!spec.security?.length)
    problems.push("no global security requirement (signing applies to every route)");
  for (const req of spec.security ?? [])
    for (const name of Object.keys(req))
      if (!schemes[name]) problems.push(`global security names an undefined scheme ${name}`);
  const signatureScheme = Object.values(schemes).find((s) => /X-Hrdkit-Signature/i.test(String(s.name)));
  if (!signatureScheme || !/HMAC-SHA256/.test(String(signatureScheme.description)))
    problems.push("the X-Hrdkit-Signature scheme does not describe the HMAC-SHA256 signature");
  for (const h of ["X-Hrdkit-Key", "X-Hrdkit-Timestamp", "X-Hrdkit-Nonce", "X-Hrdkit-Signature"])
    if (!Object.values(schemes).some((s) => String(s.name).toLowerCase() === h.toLowerCase()))
      problems.push(`no security scheme for the ${h} header`);

  const errorRef = components.ErrorBody ? "#/components/schemas/ErrorBody" : undefined;
  if (!errorRef) problems.push("no ErrorBody component schema");
  const named = Object.entries(components).map(([name, s]) => [name, JSON.stringify(shape(s))] as const);

  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const where = `${method.toUpperCase()} ${path}`;
      if (!op.operationId) problems.push(`${where}: no operationId`);
      else {
        if (!/^[a-z][a-zA-Z0-9]*$/.test(op.operationId))
          problems.push(`${where}: operationId ${op.operationId} is not camelCase`);
        const other = seen.get(op.operationId);
        if (other) problems.push(`${where}: operationId ${op.operationId} is also ${other}'s`);
        seen.set(op.operationId, where);
      }
      if (!op.summary?.trim()) problems.push(`${where}: no summary`);
      else if (op.summary.length > 120 || op.summary.includes("\n"))
        problems.push(`${where}: the summary is not one short line (details go in the description)`);
      if (!op.description?.trim()) problems.push(`${where}: no description`);

      const security = op.security ?? spec.security ?? [];
      const signed = security.length > 0 && security.every((r) => Object.keys(r).length > 0);
      const responses = op.responses ?? {};
      if (UNSIGNED.includes(path) && signed)
        problems.push(`${where}: unsigned, but the document asks for a signature`);
      if (!UNSIGNED.includes(path) && !signed)
        problems.push(`${where}: signed, but the document says unsigned`);
      if (signed && !responses["401"]) problems.push(`${where}: signed, but no 401 documented`);
      if (op.requestBody && !responses["400"]) problems.push(`${where}: takes a body, but no 400 documented`);
      if (op.requestBody && !responses["415"]) problems.push(`${where}: takes a body, but no 415 documented`);
      if (!Object.keys(responses).some((s) => /^2/.test(s))) problems.push(`${where}: no success response`);

      for (const p of path.match(/\{[^}]+\}/g) ?? []) {
        const name = p.slice(1, -1);
        if (!op.parameters?.some((x) => x.in === "path" && x.name === name))
          problems.push(`${where}: path parameter ${name} not documented`);
      }
      for (const [status, r] of Object.entries(responses)) {
        if (!r.description?.trim() || r.description === "Default Response")
          problems.push(`${where}: response ${status} has no description`);
        if (/^[45]/.test(status) && errorRef) {
          const schema = r.content?.["application/json"]?.schema;
          if (schema?.$ref !== errorRef)
            problems.push(`${where}: error ${status} is not a $ref to ErrorBody`);
        }
      }
      for (const [at, o] of objectSchemas(op, where)) {
        const s = JSON.stringify(shape(o));
        const same = named.find(([, c]) => c === s);
        if (same) problems.push(`${at}: repeats component ${same[0]} inline (use its $ref)`);
      }
    }
  }
  const text = JSON.stringify(spec);
  for (const [, ref] of text.matchAll(/"\$ref":"([^"]+)"/g)) {
    const m = /^#\/components\/schemas\/(.+)$/.exec(ref!);
    if (!m || !components[m[1]!]) problems.push(`$ref ${ref} does not resolve to a component schema`);
  }
  return problems;
}

describe("the OpenAPI document", () => {
  let bridge: Bridge;
  let spec: Spec;

  beforeAll(async () => {
    bridge = await startBridge({
      config: { port: 0, hrd: undefined, databaseUrl: undefined, dataDir: undefined },
      jobs: false,
    });
    const res = await fetch(`${bridge.url}/docs/json`);
    expect(res.status).toBe(200);
    spec = (await res.json()) as Spec;
  }, 60_000);
  afterAll(() => bridge?.close());

  it("is fit for a client generator (operationIds, descriptions, errors, components, signing)", () => {
    expect(lintOpenApi(spec)).toEqual([]);
  });

  it("serves /health unsigned and every other route signed, as the bridge enforces it", async () => {
    expect(spec.paths["/health"]?.get?.security).toEqual([]);
    expect((await fetch(`${bridge.url}/health`)).status).toBe(200);
    // What the document says is what the bridge does: an unsigned call to a signed route is a 401
    // in the documented error shape.
    const res = await fetch(`${bridge.url}/v1/dashboard`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "unsigned", retryable: false } });
    expect(spec.paths["/v1/dashboard"]?.get?.responses?.["401"]).toBeDefined();
  });

  it("names the shared shapes as components a generator turns into types", () => {
    const names = Object.keys(spec.components?.schemas ?? {});
    expect(names).toEqual(expect.arrayContaining(["ErrorBody"]));
    const register = spec.paths["/v1/domains/register"]?.post;
    expect(JSON.stringify(register?.requestBody)).toContain("#/components/schemas/");
  });

  it("catches each kind of problem (the lint itself can fail)", () => {
    const error = { $ref: "#/components/schemas/ErrorBody" };
    const ok = (extra: Partial<Operation> = {}): Operation => ({
      operationId: "doThing",
      summary: "Do a thing.",
      description: "Does a thing.",
      responses: {
        "200": { description: "Done", content: { "application/json": { schema: { type: "string" } } } },
        "401": { description: "Unsigned", content: { "application/json": { schema: error } } },
      },
      ...extra,
    });
    const base = (paths: Spec["paths"]): Spec => ({
      openapi: "3.1.0",
      security: [{ sig: [] }],
      components: {
        securitySchemes: {
          key: { type: "apiKey", in: "header", name: "X-Hrdkit-Key" },
          ts: { type: "apiKey", in: "header", name: "X-Hrdkit-Timestamp" },
          nonce: { type: "apiKey", in: "header", name: "X-Hrdkit-Nonce" },
          sig: { type: "apiKey", in: "header", name: "X-Hrdkit-Signature", description: "HMAC-SHA256 of …" },
        },
        schemas: {
          ErrorBody: {
            type: "object",
            properties: { error: { type: "object", properties: { code: { type: "string" } } } },
          },
        },
      },
      paths,
    });
    expect(lintOpenApi(base({ "/a": { get: ok() } }))).toEqual([]);
    const problems = (op: Operation, path = "/a") => lintOpenApi(base({ [path]: { get: op } })).join("\n");
    expect(problems(ok({ operationId: undefined }))).toMatch("no operationId");
    expect(problems(ok({ operationId: "do-thing" }))).toMatch("not camelCase");
    expect(lintOpenApi(base({ "/a": { get: ok() }, "/b": { get: ok() } })).join()).toMatch("also GET /a's");
    expect(problems(ok({ description: "" }))).toMatch("no description");
    expect(problems(ok({ summary: undefined }))).toMatch("no summary");
    const { "401": _, ...no401 } = ok().responses!;
    expect(problems(ok({ responses: no401 }))).toMatch("no 401 documented");
    const inlineError = {
      type: "object",
      properties: { error: { type: "object", properties: { code: { type: "string" } } } },
    };
    expect(
      problems(
        ok({
          responses: {
            ...ok().responses,
            "404": { description: "Gone", content: { "application/json": { schema: inlineError } } },
          },
        }),
      ),
    ).toMatch(/not a \$ref to ErrorBody[\s\S]*repeats component ErrorBody inline/);
    expect(problems(ok(), "/health")).toMatch("unsigned, but the document asks for a signature");
    expect(problems(ok({ security: [] }), "/health")).toBe("");
    expect(problems(ok({ responses: { "200": { description: "Default Response" } } }))).toMatch(
      "no description",
    );
    expect(problems(ok({ requestBody: {} }))).toMatch("no 415 documented");
    expect(problems(ok(), "/a/{id}")).toMatch("path parameter id not documented");
  });
});
