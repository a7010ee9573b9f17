/**
 * Retries run on p-retry (the project's retry engine, DESIGN.md), but a call that succeeds at once
 * never enters it: the first attempt is made inline, and only a failure that shouldRetry lets
 * through continues in p-retry, with the same count, backoff and abort handling.
 */
import { HrdAbortError, HrdApiError, HrdConnectionError } from "@hrdkit/sdk";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sandboxAndClient } from "./support/fixtures.js";

const engine = vi.hoisted(() => ({ runs: [] as { retries?: number; minTimeout?: number }[] }));

vi.mock("p-retry", async (importOriginal) => {
  const real = await importOriginal<typeof import("p-retry")>();
  return {
    ...real,
    default: (fn: Parameters<typeof real.default>[0], options: Parameters<typeof real.default>[1]) => {
      engine.runs.push({ retries: options?.retries, minTimeout: options?.minTimeout });
      return real.default(fn, options);
    },
  };
});

afterEach(() => {
  engine.runs.length = 0;
});

describe("retries through p-retry, none of it on the happy path", () => {
  it("a call that succeeds at once never enters p-retry", async () => {
    const env = await sandboxAndClient();
    try {
      await env.client.partner.getBalance();
      await env.client.domain.check({ names: ["szybko.pl"] });
      expect(engine.runs).toEqual([]);
    } finally {
      await env.close();
    }
  });

  it("after a failed first attempt, the rest go through p-retry: 1 + retries attempts, backoff doubling", async () => {
    const env = await sandboxAndClient({}, { retries: 2, retryMinDelayMs: 40 });
    try {
      env.sandbox.faults.add({ kind: "drop-after", operation: "domain/check", times: 2 });
      const t0 = performance.now();
      const [r] = await env.client.domain.check({ names: ["ponowienie.pl"] });
      expect(r?.status).toBe("available");
      expect(env.sandbox.counts.get("domain/check")).toBe(3);
      // Two waits: [40, 80) then [80, 160) ms.
      expect(performance.now() - t0).toBeGreaterThanOrEqual(115);
      expect(engine.runs).toEqual([{ retries: 2, minTimeout: 40 }]);

      env.sandbox.faults.add({ kind: "drop-after", operation: "partner/getBalance" });
      const err = await env.client.partner.getBalance(undefined, { retries: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HrdConnectionError);
      expect(env.sandbox.counts.get("partner/getBalance")).toBe(2);
    } finally {
      await env.close();
    }
  });

  it("an abort while waiting between attempts rejects with HrdAbortError carrying the failed attempt's outcome", async () => {
    const env = await sandboxAndClient({}, { retries: 3, retryMinDelayMs: 5_000 });
    try {
      env.sandbox.faults.add({ kind: "drop-after", operation: "partner/getBalance", times: 1 });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      const t0 = performance.now();
      const err = await env.client.partner
        .getBalance(undefined, { signal: ac.signal })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HrdAbortError);
      expect(err).toMatchObject({ code: "aborted", outcome: "unknown", operation: "partner/getBalance" });
      expect(performance.now() - t0).toBeLessThan(2_000);
      expect(env.sandbox.counts.get("partner/getBalance")).toBe(1);
    } finally {
      await env.close();
    }
  });

  it("a refusal, or a failure shouldRetry turns down, is not retried at all", async () => {
    const env = await sandboxAndClient();
    try {
      await expect(env.client.domain.info({ name: "nie-ma-takiej.pl" })).rejects.toBeInstanceOf(HrdApiError);
      expect(env.sandbox.counts.get("domain/info")).toBe(1);
      expect(engine.runs).toEqual([]);
    } finally {
      await env.close();
    }
  });
});
