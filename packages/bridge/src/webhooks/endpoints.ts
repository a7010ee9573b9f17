/**
 * Webhook endpoints: the URLs partners register, the event types each subscribes to, and the
 * signing secret — shown once when made or rotated, never read back. Validation names every bad
 * field at once (the routes run the same checks in their schemas).
 */
import { randomBytes } from "node:crypto";
import type { Db } from "@hrdkit/billing";
import { BridgeError } from "../errors.js";
import { EVENT_TYPES } from "./events.js";

/** An endpoint as the API shows it: everything but its secrets. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  /** Event types subscribed to, or `["*"]` for every type. */
  events: string[];
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  secretRotatedAt: Date | null;
  /** While the previous secret still signs (after a rotation): until when. */
  previousSecretExpiresAt: Date | null;
}

export const WEBHOOK_ID = /^wh_[0-9a-f]{24}$/;
export const MAX_URL_LENGTH = 2048;
export const MAX_DESCRIPTION_LENGTH = 500;
/** How long the previous secret still signs after a rotation, by default. */
export const DEFAULT_ROTATION_OVERLAP_MS = 24 * 60 * 60_000;

const newWebhookId = () => `wh_${randomBytes(12).toString("hex")}`;
const newSecret = () => `whsec_${randomBytes(24).toString("base64url")}`;

/**
 * Why `url` cannot be a webhook URL, or undefined when it can: http or https with a host, no
 * user name or password (they would be sent to the receiver and stored in clear here: put a token
 * in the path, or rely on the signature), no fragment (never sent).
 */
export function webhookUrlProblem(url: string): string | undefined {
  if (url.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "must be an absolute http:// or https:// URL";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return "must be an http:// or https:// URL";
  if (!u.hostname) return "must name a host";
  if (u.username || u.password) {
    return "must not carry a user name or password: the signature proves deliveries come from the bridge";
  }
  if (u.hash || url.includes("#")) return "must not have a #fragment (it is never sent)";
  return undefined;
}

/** Why `events` is not a valid subscription (per index), or an empty list. */
export function eventsProblems(events: readonly string[]): { path: string; message: string }[] {
  const known = new Set<string>(EVENT_TYPES);
  const issues: { path: string; message: string }[] = [];
  if (events.length === 0) issues.push({ path: "events", message: "subscribe to at least one event type" });
  events.forEach((e, i) => {
    if (e !== "*" && !known.has(e)) {
      issues.push({
        path: `events.${i}`,
        message: `unknown event type; one of: ${EVENT_TYPES.join(", ")}, *`,
      });
    }
  });
  if (events.includes("*") && events.length > 1) {
    issues.push({ path: "events", message: `"*" (every type) stands alone` });
  }
  return issues;
}

export interface EndpointInput {
  url?: string;
  events?: readonly string[];
  description?: string | null;
  enabled?: boolean;
}

function check(input: EndpointInput): void {
  const issues: { path: string; message: string }[] = [];
  if (input.url !== undefined) {
    const p = webhookUrlProblem(input.url);
    if (p) issues.push({ path: "url", message: p });
  }
  if (input.events !== undefined) issues.push(...eventsProblems(input.events));
  if (typeof input.description === "string" && input.description.length > MAX_DESCRIPTION_LENGTH) {
    issues.push({ path: "description", message: `must be at most ${MAX_DESCRIPTION_LENGTH} characters` });
  }
  if (issues.length > 0) {
    throw new BridgeError(
      400,
      "invalid",
      `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      false,
      issues,
    );
  }
}

interface EndpointRow {
  seq: number;
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  previous_secret_until: Date | null;
  secret_rotated_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** Never `secret` or `previous_secret`: what leaves this module cannot carry them by mistake. */
const COLUMNS =
  "seq, id, url, description, events, enabled, previous_secret_until, secret_rotated_at, created_at, updated_at";

const endpointOf = (r: EndpointRow, now: Date): WebhookEndpoint => ({
  id: r.id,
  url: r.url,
  description: r.description,
  events: r.events,
  enabled: r.enabled,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  secretRotatedAt: r.secret_rotated_at,
  previousSecretExpiresAt:
    r.previous_secret_until && r.previous_secret_until.getTime() > now.getTime()
      ? r.previous_secret_until
      : null,
});

const notFound = (id: string) => new BridgeError(404, "not_found", `no webhook ${id} at this bridge`);

/** Registers an endpoint; the secret comes back here and never again. */
export async function createEndpoint(
  db: Db,
  input: { url: string; events: readonly string[]; description?: string | null; enabled?: boolean },
  now: Date,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  check(input);
  const secret = newSecret();
  const { rows } = await db.query<EndpointRow>(
    `INSERT INTO webhook_endpoints (id, url, description, events, enabled, secret, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING ${COLUMNS}`,
    [
      newWebhookId(),
      input.url,
      input.description ?? null,
      [...new Set(input.events)],
      input.enabled ?? true,
      secret,
      now,
    ],
  );
  return { endpoint: endpointOf(rows[0]!, now), secret };
}

export async function getEndpoint(db: Db, id: string, now: Date): Promise<WebhookEndpoint> {
  const { rows } = await db.query<EndpointRow>(`SELECT ${COLUMNS} FROM webhook_endpoints WHERE id = $1`, [
    id,
  ]);
  if (!rows[0]) throw notFound(id);
  return endpointOf(rows[0], now);
}

export interface EndpointFilter {
  enabled?: boolean;
  /** Endpoints that receive this event type (subscribed to it or to `*`). */
  event?: string;
  /** The `seq` of the last endpoint of the previous page. */
  afterSeq?: number;
  limit: number;
}

/** Endpoints oldest first, by keyset on `seq`; `nextSeq` null on the last page. */
export async function listEndpoints(
  db: Db,
  filter: EndpointFilter,
  now: Date,
): Promise<{ items: WebhookEndpoint[]; nextSeq: number | null }> {
  const { rows } = await db.query<EndpointRow>(
    `SELECT ${COLUMNS} FROM webhook_endpoints
     WHERE seq > $1 AND ($2::boolean IS NULL OR enabled = $2)
       AND ($3::text IS NULL OR $3 = ANY (events) OR '*' = ANY (events))
     ORDER BY seq LIMIT $4`,
    [filter.afterSeq ?? 0, filter.enabled ?? null, filter.event ?? null, filter.limit + 1],
  );
  const page = rows.slice(0, filter.limit);
  return {
    items: page.map((r) => endpointOf(r, now)),
    nextSeq: rows.length > filter.limit ? page[page.length - 1]!.seq : null,
  };
}

/**
 * Changes what is given. Disabling stops new events from queueing for it; deliveries already
 * queued wait (they are sent once it is enabled again).
 */
export async function updateEndpoint(
  db: Db,
  id: string,
  patch: EndpointInput,
  now: Date,
): Promise<WebhookEndpoint> {
  check(patch);
  const { rows } = await db.query<EndpointRow>(
    `UPDATE webhook_endpoints SET
       url = COALESCE($2, url),
       events = COALESCE($3, events),
       description = CASE WHEN $4::boolean THEN $5 ELSE description END,
       enabled = COALESCE($6, enabled),
       updated_at = $7
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [
      id,
      patch.url ?? null,
      patch.events ? [...new Set(patch.events)] : null,
      patch.description !== undefined,
      patch.description ?? null,
      patch.enabled ?? null,
      now,
    ],
  );
  if (!rows[0]) throw notFound(id);
  return endpointOf(rows[0], now);
}

/** Deletes the endpoint with its queued deliveries and their log; false when there was none. */
export async function deleteEndpoint(db: Db, id: string): Promise<boolean> {
  const r = await db.query("DELETE FROM webhook_endpoints WHERE id = $1", [id]);
  return r.rowCount > 0;
}

/**
 * A new secret, returned once. The old one keeps signing beside it (`v1=new,v1=old`) for
 * `overlapMs` (default 24 h; 0 drops it at once, e.g. after a leak), so receivers can switch
 * without refusing a delivery. A secret older than the one replaced is dropped.
 */
export async function rotateEndpointSecret(
  db: Db,
  id: string,
  now: Date,
  overlapMs: number = DEFAULT_ROTATION_OVERLAP_MS,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const secret = newSecret();
  const { rows } = await db.query<EndpointRow>(
    `UPDATE webhook_endpoints SET
       previous_secret = CASE WHEN $4::float8 > 0 THEN secret END,
       previous_secret_until = CASE WHEN $4::float8 > 0
         THEN $3::timestamptz + $4::float8 * interval '1 millisecond' END,
       secret = $2, secret_rotated_at = $3, updated_at = $3
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, secret, now, overlapMs],
  );
  if (!rows[0]) throw notFound(id);
  return { endpoint: endpointOf(rows[0], now), secret };
}
