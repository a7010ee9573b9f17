/**
 * The idempotency journal: a purchase (register, renew, transfer, certificate order) carries an
 * `Idempotency-Key` derived from the panel's own ids (e.g. `whmcs-12-register-1y`). The first
 * call runs; a repeat — an admin clicking again, a cron retry, a timeout resent — gets the first
 * result back and never buys twice. A repeat that arrives while the first is still running
 * waits for it. The same key with a different body is refused.
 *
 * Keys are scoped per module key (`scope`): two panels that happen to send the same
 * Idempotency-Key never see each other's results.
 *
 * Only a success is journaled. A refusal (bad input, HRD saying no, an unknown domain) bought
 * nothing, so it frees the key: the customer's corrected retry under the same key must run, and
 * the same request sent again simply runs again (and is refused again, or succeeds once the cause
 * is gone). A failure whose effect at HRD is unknown frees the key too, as before: the retry goes
 * through the SDK's "ensure" calls, which read HRD's state before buying, so it never buys twice.
 */
import { createHash } from "node:crypto";
import type { Db } from "@hrdkit/billing";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { BridgeError } from "./errors.js";

/** The header every purchase and money call requires (a missing one is a 400 naming it). */
export const idempotencyHeaders = z
  .object({
    "idempotency-key": z
      .string("Idempotency-Key is required")
      .min(8)
      .max(200)
      .describe("8–200 characters of A-Z a-z 0-9 . _ : -; a repeat returns the first answer"),
  })
  .passthrough();

export interface Journaled {
  statusCode: number;
  body: unknown;
  /** True when this is a stored result of an earlier call. */
  replayed: boolean;
}

/** Answers with a journaled result: its status, its body, and whether it was replayed. */
function sendJournaled(reply: FastifyReply, result: Journaled): FastifyReply {
  return reply.status(result.statusCode).send({ ...(result.body as object), replayed: result.replayed });
}

/**
 * A purchase route's answer: `run` once per module key and Idempotency-Key (the request's own),
 * the journaled result sent back. Routes call this, so none can forget the key's scope.
 */
export async function replyJournaled(
  db: Db,
  req: FastifyRequest,
  reply: FastifyReply,
  route: string,
  body: unknown,
  run: () => Promise<{ statusCode: number; body: unknown }>,
): Promise<FastifyReply> {
  const key = req.headers["idempotency-key"] as string;
  return sendJournaled(reply, await withIdempotency(db, key, route, body, run, { scope: req.keyId }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The journal's row key: the module key's id and the Idempotency-Key (`/` cannot occur in a valid
 * Idempotency-Key, so two scopes never collide).
 */
export function journalKey(scope: string | undefined, key: string): string {
  return scope ? `${scope}/${key}` : key;
}

export async function withIdempotency(
  db: Db,
  key: string,
  route: string,
  body: unknown,
  run: () => Promise<{ statusCode: number; body: unknown }>,
  options: {
    waitMs?: number;
    /** Whose key this is (the module key's id): keys of different callers never meet. */
    scope?: string;
  } = {},
): Promise<Journaled> {
  if (!/^[A-Za-z0-9._:-]{8,200}$/.test(key)) {
    throw new BridgeError(
      400,
      "bad_idempotency_key",
      "Idempotency-Key must be 8–200 characters of A-Z a-z 0-9 . _ : -",
    );
  }
  const rowKey = journalKey(options.scope, key);
  const hash = createHash("sha256")
    .update(JSON.stringify(body ?? null))
    .digest("hex");
  const claimed = await db.query(
    `INSERT INTO bridge_idempotency (key, route, request_hash, status) VALUES ($1, $2, $3, 'running')
     ON CONFLICT (key) DO NOTHING`,
    [rowKey, route, hash],
  );
  if (claimed.rowCount === 0) {
    const deadline = Date.now() + (options.waitMs ?? 60_000);
    for (;;) {
      const { rows } = await db.query<{
        route: string;
        request_hash: string;
        status: string;
        status_code: number | null;
        response: unknown;
      }>("SELECT route, request_hash, status, status_code, response FROM bridge_idempotency WHERE key = $1", [
        rowKey,
      ]);
      const row = rows[0];
      // The first request failed and freed the key while this one waited: run it now.
      if (!row) return withIdempotency(db, key, route, body, run, options);
      if (row.route !== route || row.request_hash !== hash) {
        throw new BridgeError(
          422,
          "idempotency_key_reused",
          "this Idempotency-Key was used for a different request",
        );
      }
      if (row.status === "done")
        return { statusCode: row.status_code ?? 200, body: row.response, replayed: true };
      if (Date.now() > deadline) {
        throw new BridgeError(
          409,
          "in_progress",
          "the first request with this Idempotency-Key is still running: ask again later",
          true,
        );
      }
      await sleep(50);
    }
  }
  try {
    const result = await run();
    await db.query(
      "UPDATE bridge_idempotency SET status = 'done', status_code = $2, response = $3, finished_at = now() WHERE key = $1",
      [rowKey, result.statusCode, JSON.stringify(result.body)],
    );
    return { ...result, replayed: false };
  } catch (err) {
    // Nothing bought (a refusal) or nothing known (reconciled by the retry): free the key.
    await db.query("DELETE FROM bridge_idempotency WHERE key = $1", [rowKey]);
    throw err;
  }
}
