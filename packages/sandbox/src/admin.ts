/**
 * The sandbox's admin interface: a small JSON-over-HTTP API (node:http only) that lets tests in
 * other processes — or other languages — drive the sandbox the way in-process tests use
 * `sandbox.state`, `sandbox.clock` and `sandbox.faults`. Off by default; bound to 127.0.0.1; every
 * request needs `Authorization: Bearer <token>`. Routes are documented in docs/guide/sandbox-admin.en.md.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DOMAIN_NAME_PATTERN, formatAmount, toAsciiDomain, toUnicodeDomain } from "@hrdkit/sdk";
import type { FaultKind, FaultRule } from "./faults.js";
import { availability, SandboxRefusal } from "./handlers/common.js";
import { addNews, seedPartnerDefaults } from "./handlers/partner.js";
import { acceptTrade } from "./handlers/transfer.js";
import type { Sandbox } from "./server.js";
import type { LedgerEntry, SandboxDomain } from "./state.js";

export interface AdminOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1 (only this machine can reach it). */
  host?: string;
  /** The bearer token requests must carry. Default: random (read it from `adminToken`). */
  token?: string;
}

export interface AdminServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  token: string;
  host: string;
  port: number;
  close: () => Promise<void>;
}

/** What the admin interface drives: the parts of a running sandbox it needs. */
export type AdminTarget = Pick<Sandbox, "state" | "clock" | "faults" | "counts" | "dropConnections">;

/** Largest request body accepted, bytes. */
const MAX_BODY = 1 << 20;

const FAULT_KINDS: readonly FaultKind[] = [
  "delay",
  "drop-before",
  "drop-after",
  "chunked",
  "garbage",
  "silent",
  "silent-after",
];
const RULE_FIELDS = new Set(["kind", "operation", "probability", "times", "delayMs"]);
const OPERATION = /^(\*|login|token|[a-z]+\/[A-Za-z]+)$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

interface Issue {
  field: string;
  message: string;
}

/** A refusal with an HTTP status; `issues` name the bad fields of a 400. */
class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: Issue[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function invalid(issues: Issue[]): AdminError {
  return new AdminError(400, issues.map((i) => `${i.field}: ${i.message}`).join("; "), issues);
}

type Json = Record<string, unknown>;
type Route = (ctx: { body: Json; query: URLSearchParams }) => unknown;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const amount = (grosze: number) => ({ grosze, value: formatAmount(grosze) });

/** Fields of a body that the route does not know: named, so that a typo is not silently ignored. */
function unknownFields(body: Json, known: string[], prefix = ""): Issue[] {
  return Object.keys(body)
    .filter((k) => !known.includes(k))
    .map((k) => ({ field: `${prefix}${k}`, message: "is not a known field" }));
}

/** A domain name as a user writes it → punycode, or undefined when it cannot be one. */
function asciiName(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const ascii = toAsciiDomain(value).toLowerCase();
  return ascii.length >= 3 && ascii.length <= 255 && DOMAIN_NAME_PATTERN.test(ascii) ? ascii : undefined;
}

/** Checks a fault rule as `Faults.add` would take it, naming every bad field. */
export function validateFaultRule(raw: unknown, prefix = "rule"): { rule?: FaultRule; issues: Issue[] } {
  if (!isObject(raw)) return { issues: [{ field: prefix, message: "must be an object" }] };
  const issues = unknownFields(raw, [...RULE_FIELDS], `${prefix}.`);
  const { kind, operation, probability, times, delayMs } = raw;
  if (typeof kind !== "string" || !FAULT_KINDS.includes(kind as FaultKind)) {
    issues.push({ field: `${prefix}.kind`, message: `must be one of ${FAULT_KINDS.join(", ")}` });
  }
  if (operation !== undefined && (typeof operation !== "string" || !OPERATION.test(operation))) {
    issues.push({
      field: `${prefix}.operation`,
      message: 'must be "module/method" (e.g. "domain/info"), "login", "token" or "*"',
    });
  }
  if (
    probability !== undefined &&
    (typeof probability !== "number" || !(probability >= 0 && probability <= 1))
  ) {
    issues.push({ field: `${prefix}.probability`, message: "must be a number between 0 and 1" });
  }
  if (times !== undefined && (typeof times !== "number" || !Number.isInteger(times) || times < 1)) {
    issues.push({ field: `${prefix}.times`, message: "must be a whole number ≥ 1" });
  }
  if (kind === "delay") {
    if (typeof delayMs !== "number" || !Number.isFinite(delayMs) || delayMs < 0 || delayMs > 600_000) {
      issues.push({ field: `${prefix}.delayMs`, message: "is required for a delay: ms, 0–600000" });
    }
  } else if (delayMs !== undefined) {
    issues.push({ field: `${prefix}.delayMs`, message: 'only applies to kind "delay"' });
  }
  if (issues.length) return { issues };
  const rule: FaultRule = { kind: kind as FaultKind };
  if (operation !== undefined) rule.operation = operation as string;
  if (probability !== undefined) rule.probability = probability as number;
  if (times !== undefined) rule.times = times as number;
  if (delayMs !== undefined) rule.delayMs = delayMs as number;
  return { rule, issues };
}

function ledgerJson(entries: readonly LedgerEntry[]) {
  return entries.map((e) => ({
    actionId: e.actionId,
    type: e.type,
    object: e.object,
    objectName: e.objectName,
    objectId: e.objectId,
    amount: amount(e.amount),
    at: e.at.toISOString(),
  }));
}

/** Starts the admin HTTP interface of a sandbox. */
export async function startAdmin(target: AdminTarget, options: AdminOptions = {}): Promise<AdminServer> {
  const { state, clock, faults } = target;
  const token = options.token ?? randomBytes(24).toString("hex");
  if (token.length === 0) throw new RangeError("the admin token must not be empty");
  const tokenDigest = createHash("sha256").update(token).digest();

  const clockJson = () => ({ now: clock.now().toISOString(), nowMs: clock.nowMs() });
  const balanceJson = () => ({
    balance: amount(state.balance),
    restricted: amount(state.restricted),
    available: amount(state.available),
  });
  const faultsJson = () => ({ rules: faults.stats(), fired: { ...faults.fired } });

  function domainDetail(d: SandboxDomain) {
    return {
      ...d,
      unicodeName: toUnicodeDomain(d.name),
      check: availability(state, d.name),
      actions: d.actions.map((id) => {
        const a = state.actions.get(id);
        return a
          ? {
              id,
              type: a.type,
              status: a.status,
              amount: amount(a.amount),
              added: a.added.toISOString(),
              dueAt: new Date(a.dueAt).toISOString(),
              reason: a.reason,
            }
          : { id };
      }),
    };
  }

  const routes: Record<string, Partial<Record<string, Route>>> = {
    "/state": {
      GET: ({ query }) => {
        seedPartnerDefaults(state);
        state.tick();
        const actions = [...state.actions.values()];
        const by = (s: string) => actions.filter((a) => a.status === s).length;
        const out: Json = {
          ...clockJson(),
          ...balanceJson(),
          counts: {
            users: state.users.size,
            domains: state.domains.size,
            actions: {
              total: actions.length,
              pending: by("pending"),
              done: by("done"),
              failed: by("failed"),
            },
            poll: state.poll.length,
            news: state.news.length,
            keys: state.keys.size,
            transfers: state.transfers.size,
            trades: state.trades.size,
            futures: state.futures.size,
            certs: state.certs.size,
            nsGroups: state.nsGroups.size,
            hosts: state.hosts.size,
            foreign: state.foreign.size,
            taken: state.taken.size,
          },
          requests: Object.fromEntries(target.counts),
          ledger: ledgerJson(state.ledger),
          charged: amount(state.charged),
        };
        const wanted = query.get("domain");
        if (wanted !== null) {
          const name = asciiName(wanted);
          if (!name) throw invalid([{ field: "domain", message: `"${wanted}" is not a domain name` }]);
          const d = state.domains.get(name);
          if (!d) throw new AdminError(404, `domain ${name} is not in the partner's account`);
          out.domain = domainDetail(d);
        }
        return out;
      },
    },
    "/ledger": {
      GET: () => ({ entries: ledgerJson(state.ledger), total: amount(state.charged) }),
    },
    "/clock": { GET: clockJson },
    "/clock/advance": {
      POST: ({ body }) => {
        const issues = unknownFields(body, ["ms", "days"]);
        const given = ["ms", "days"].filter((k) => body[k] !== undefined);
        if (given.length !== 1) issues.push({ field: "ms", message: "give exactly one of ms or days" });
        for (const k of given) {
          const v = body[k];
          if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
            issues.push({ field: k, message: "must be a number ≥ 0 (the clock only moves forward)" });
          }
        }
        if (issues.length) throw invalid(issues);
        if (body.ms !== undefined) clock.advance(body.ms as number);
        else clock.advanceDays(body.days as number);
        return clockJson();
      },
    },
    "/clock/set": {
      POST: ({ body }) => {
        const issues = unknownFields(body, ["at"]);
        const at = body.at;
        const t = typeof at === "string" || typeof at === "number" ? new Date(at).getTime() : Number.NaN;
        if (Number.isNaN(t)) {
          issues.push({ field: "at", message: "must be an ISO date-time string or epoch milliseconds" });
        }
        if (issues.length) throw invalid(issues);
        clock.set(new Date(t));
        return clockJson();
      },
    },
    "/faults": {
      GET: faultsJson,
      POST: ({ body }) => {
        const issues = unknownFields(body, ["rule", "rules"]);
        let raws: { raw: unknown; prefix: string }[] = [];
        if ((body.rule === undefined) === (body.rules === undefined)) {
          issues.push({ field: "rule", message: "give exactly one of rule or rules" });
        } else if (body.rule !== undefined) {
          raws = [{ raw: body.rule, prefix: "rule" }];
        } else if (!Array.isArray(body.rules) || body.rules.length === 0) {
          issues.push({ field: "rules", message: "must be a non-empty array of rules" });
        } else {
          raws = body.rules.map((raw, i) => ({ raw, prefix: `rules[${i}]` }));
        }
        const rules: FaultRule[] = [];
        for (const { raw, prefix } of raws) {
          const r = validateFaultRule(raw, prefix);
          issues.push(...r.issues);
          if (r.rule) rules.push(r.rule);
        }
        // All or nothing: one bad rule adds none.
        if (issues.length) throw invalid(issues);
        for (const r of rules) faults.add(r);
        return { added: rules.length, ...faultsJson() };
      },
      DELETE: () => {
        faults.clear();
        return faultsJson();
      },
    },
    "/balance": {
      GET: balanceJson,
      POST: ({ body }) => {
        const issues = unknownFields(body, ["grosze"]);
        const g = body.grosze;
        if (typeof g !== "number" || !Number.isSafeInteger(g) || g < 0) {
          issues.push({ field: "grosze", message: "must be a whole number of grosze ≥ 0 (100 = 1 zł)" });
        }
        if (issues.length) throw invalid(issues);
        state.balance = g as number;
        return balanceJson();
      },
    },
    "/news": {
      POST: ({ body }) => {
        const issues = unknownFields(body, ["title", "message", "archived"]);
        for (const k of ["title", "message"]) {
          const v = body[k];
          if (typeof v !== "string" || v.trim() === "") {
            issues.push({ field: k, message: "must be a non-empty string" });
          }
        }
        if (body.archived !== undefined && typeof body.archived !== "boolean") {
          issues.push({ field: "archived", message: "must be true or false" });
        }
        if (issues.length) throw invalid(issues);
        const n = addNews(state, {
          title: body.title as string,
          message: body.message as string,
          archived: body.archived as boolean | undefined,
        });
        return { ...n, added: n.added.toISOString() };
      },
    },
    "/domains/taken": {
      POST: ({ body }) => {
        const issues = unknownFields(body, ["names"]);
        const names: string[] = [];
        if (!Array.isArray(body.names) || body.names.length === 0) {
          issues.push({ field: "names", message: "must be a non-empty array of domain names" });
        } else {
          body.names.forEach((raw, i) => {
            const n = asciiName(raw);
            if (n) names.push(n);
            else
              issues.push({ field: `names[${i}]`, message: `${JSON.stringify(raw)} is not a domain name` });
          });
        }
        if (issues.length) throw invalid(issues);
        for (const n of names) state.taken.add(n);
        return { taken: names };
      },
    },
    "/foreign": {
      POST: ({ body }) => {
        const issues = unknownFields(body, ["name", "authInfo", "registrantEmail"]);
        const name = asciiName(body.name);
        if (!name) issues.push({ field: "name", message: "must be a domain name" });
        const authInfo = body.authInfo;
        if (typeof authInfo !== "string" || authInfo.length < 1 || authInfo.length > 255) {
          issues.push({ field: "authInfo", message: "must be a string of 1–255 characters" });
        }
        const email = body.registrantEmail;
        if (email !== undefined && (typeof email !== "string" || !EMAIL.test(email))) {
          issues.push({ field: "registrantEmail", message: "must be an e-mail address" });
        }
        if (issues.length) throw invalid(issues);
        if (state.domains.has(name!)) {
          throw new AdminError(409, `domain ${name} is already in the partner's own account`);
        }
        const registrantEmail = (email as string | undefined) ?? `abonent@${name}`;
        state.foreign.set(name!, { authInfo: authInfo as string, registrantEmail });
        // Registered elsewhere, so a check answers "taken".
        state.taken.add(name!);
        return { name: name!, registrantEmail };
      },
    },
    "/trades/accept": {
      // What the assignor's or assignee's click on HRD's acceptance e-mail does.
      POST: ({ body }) => {
        const issues = unknownFields(body, ["id", "side", "ip"]);
        if (!Number.isInteger(body.id)) issues.push({ field: "id", message: "must be a trade (action) id" });
        if (body.side !== "assignor" && body.side !== "assignee") {
          issues.push({ field: "side", message: 'must be "assignor" or "assignee"' });
        }
        if (
          body.ip !== undefined &&
          (typeof body.ip !== "string" || !/^\d{1,3}(\.\d{1,3}){3}$/.test(body.ip))
        ) {
          issues.push({ field: "ip", message: "must be an IPv4 address" });
        }
        if (issues.length) throw invalid(issues);
        state.tick();
        try {
          const t = acceptTrade(
            state,
            body.id as number,
            body.side as "assignor",
            body.ip as string | undefined,
          );
          return {
            id: t.id,
            status: t.status,
            assignorAccepted: t.assignorAccepted,
            assigneeAccepted: t.assigneeAccepted,
          };
        } catch (err) {
          if (err instanceof SandboxRefusal) throw new AdminError(409, err.message);
          throw err;
        }
      },
    },
    "/connections/drop": {
      POST: () => {
        target.dropConnections();
        return { dropped: true };
      },
    },
  };

  function authorized(req: IncomingMessage): boolean {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
    if (!m) return false;
    return timingSafeEqual(createHash("sha256").update(m[1]!).digest(), tokenDigest);
  }

  async function readBody(req: IncomingMessage): Promise<Json> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) throw new AdminError(413, `the body is larger than ${MAX_BODY} bytes`);
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString("utf8").trim();
    if (text === "") return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new AdminError(400, `the body is not valid JSON: ${(err as Error).message}`);
    }
    if (!isObject(parsed)) throw new AdminError(400, "the body must be a JSON object");
    return parsed;
  }

  function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const bytes = Buffer.from(`${JSON.stringify(body)}\n`, "utf8");
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": String(bytes.length),
      "cache-control": "no-store",
      ...headers,
    });
    res.end(bytes);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!authorized(req)) {
      throw new AdminError(401, "missing or wrong bearer token (Authorization: Bearer <adminToken>)", [], {
        "www-authenticate": 'Bearer realm="hrdkit-sandbox"',
      });
    }
    const url = new URL(req.url ?? "/", "http://admin.invalid");
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
    const methods = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!methods) throw new AdminError(404, `no route ${path}`);
    const method = req.method ?? "GET";
    const route = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (!route) {
      const allow = Object.keys(methods).join(", ");
      throw new AdminError(405, `${method} is not allowed on ${path} (allowed: ${allow})`, [], { allow });
    }
    const body = method === "GET" || method === "DELETE" ? {} : await readBody(req);
    reply(res, 200, route({ body, query: url.searchParams }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (err instanceof AdminError) {
        const body: Json = { error: err.message };
        if (err.issues.length) body.issues = err.issues;
        // Drain what is left of a refused body so the connection can be reused.
        req.resume();
        reply(res, err.status, body, err.headers);
        return;
      }
      reply(res, 500, { error: err instanceof Error ? err.message : String(err) });
    });
  });

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    token,
    host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
