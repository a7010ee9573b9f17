/**
 * Retention: old finished webhook events and idempotency entries are trimmed; anything still
 * owed to someone (a pending delivery, a call still running) stays however old it is.
 */
import { createEndpoint, publishEvent } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { housekeep } from "../src/jobs/housekeeping.js";
import { bridgeBackends } from "./support/backends.js";

const NOW = new Date("2026-12-05T03:00:00Z");
const OLD = new Date("2026-08-01T12:00:00Z"); // > 90 days before NOW
const RECENT = new Date("2026-11-20T12:00:00Z");

describe.each(bridgeBackends("housekeeping"))("housekeeping on $name", (backend) => {
  let started: Awaited<ReturnType<typeof backend.start>>;
  beforeAll(async () => {
    started = await backend.start();
  }, 60_000);
  afterAll(async () => {
    await started.bridge.close();
    await backend.dispose();
  });

  it("drops old finished events and journal entries, keeps pending and running ones and recent ones", async () => {
    const db = started.bridge.db;
    await createEndpoint(db, { url: "https://panel.example.pl/hook", events: ["invoice.issued"] }, OLD);
    const delivered = await publishEvent(db, "invoice.issued", { invoiceId: 1 });
    const pending = await publishEvent(db, "invoice.issued", { invoiceId: 2 });
    const unsubscribed = await publishEvent(db, "renewal.due", { serviceId: 3 }); // no delivery at all
    const recent = await publishEvent(db, "invoice.issued", { invoiceId: 4 });
    await db.query("UPDATE webhook_events SET created_at = $2 WHERE id = ANY ($1)", [
      [delivered.id, pending.id, unsubscribed.id],
      OLD,
    ]);
    await db.query("UPDATE webhook_events SET created_at = $2 WHERE id = $1", [recent.id, RECENT]);
    await db.query(
      "UPDATE webhook_deliveries SET status = 'delivered', next_attempt_at = NULL, delivered_at = $2 WHERE event_id = ANY ($1)",
      [[delivered.id, recent.id], OLD],
    );

    const journal = [
      ["old-done", "done", OLD],
      ["old-running", "running", OLD],
      ["recent-done", "done", RECENT],
    ] as const;
    for (const [key, status, at] of journal) {
      await db.query(
        "INSERT INTO bridge_idempotency (key, route, request_hash, status, created_at) VALUES ($1, 'POST /x', 'h', $2, $3)",
        [key, status, at],
      );
    }

    expect(await housekeep(db, NOW)).toEqual({ webhookEvents: 2, idempotencyEntries: 1 });
    const events = await db.query<{ id: string }>("SELECT id FROM webhook_events ORDER BY seq");
    expect(events.rows.map((r) => r.id)).toEqual([pending.id, recent.id]);
    const deliveries = await db.query<{ event_id: string }>(
      "SELECT event_id FROM webhook_deliveries ORDER BY seq",
    );
    expect(deliveries.rows.map((r) => r.event_id)).toEqual([pending.id, recent.id]);
    const keys = await db.query<{ key: string }>("SELECT key FROM bridge_idempotency ORDER BY key");
    expect(keys.rows.map((r) => r.key)).toEqual(["old-running", "recent-done"]);

    // A second run finds nothing more; a shorter retention takes the recent ones too.
    expect(await housekeep(db, NOW)).toEqual({ webhookEvents: 0, idempotencyEntries: 0 });
    expect(await housekeep(db, NOW, { retentionDays: 7 })).toEqual({
      webhookEvents: 1,
      idempotencyEntries: 1,
    });
    await expect(housekeep(db, NOW, { retentionDays: 0 })).rejects.toThrow(/at least 1/);
  });
});
