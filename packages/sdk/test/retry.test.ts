import {
  type Effect,
  HrdAbortError,
  HrdApiError,
  HrdConfigError,
  HrdConnectionError,
  HrdCredentialsError,
  HrdInsufficientBalanceError,
  HrdOutcomeUnknownError,
  HrdProtocolError,
  HrdTimeoutError,
  HrdValidationError,
  shouldRetry,
} from "@hrdkit/sdk";
import { describe, expect, it } from "vitest";

const EFFECTS: Effect[] = ["read", "write", "billable"];

const sentThenLost = new HrdConnectionError(
  "connection reset after the request was written",
  "unknown",
  "domain/create",
);
const neverSent = new HrdConnectionError("connect ECONNREFUSED", "not_sent", "domain/create");
const timedOut = new HrdTimeoutError("domain/renew", 30_000, "unknown");
const timedOutBeforeSending = new HrdTimeoutError("domain/renew", 30_000, "not_sent");
const garbledReply = new HrdProtocolError("unreadable reply", "domain/info");
const refused = new HrdApiError("domain/create", "<api/>", "Domain is not available", 2302);

describe("shouldRetry", () => {
  it("never resends a billable call whose request may have reached HRD", () => {
    expect(sentThenLost.outcome).toBe("unknown");
    expect(shouldRetry("billable", sentThenLost)).toBe(false);
    expect(shouldRetry("billable", timedOut)).toBe(false);
    expect(shouldRetry("billable", garbledReply)).toBe(false);
  });

  it("resends a billable call when nothing was sent", () => {
    expect(shouldRetry("billable", neverSent)).toBe(true);
    expect(shouldRetry("billable", timedOutBeforeSending)).toBe(true);
  });

  it("resends reads and idempotent writes after a retryable fault with an unknown outcome", () => {
    for (const effect of ["read", "write"] as const) {
      expect(shouldRetry(effect, sentThenLost)).toBe(true);
      expect(shouldRetry(effect, timedOut)).toBe(true);
      expect(shouldRetry(effect, garbledReply)).toBe(true);
    }
  });

  it.each(EFFECTS)("does not resend a %s call that HRD refused", (effect) => {
    expect(refused.outcome).toBe("rejected");
    expect(shouldRetry(effect, refused)).toBe(false);
    expect(
      shouldRetry(effect, new HrdInsufficientBalanceError("domain/create", "<api/>", "Brak środków")),
    ).toBe(false);
    expect(shouldRetry(effect, new HrdCredentialsError("partner1"))).toBe(false);
  });

  it.each(EFFECTS)(
    "does not resend a %s call after a non-retryable error, even if nothing was sent",
    (effect) => {
      const invalid = new HrdValidationError("domain/create", [
        { path: "name", message: "not a domain name" },
      ]);
      expect(invalid.outcome).toBe("not_sent");
      expect(shouldRetry(effect, invalid)).toBe(false);
      expect(shouldRetry(effect, new HrdConfigError("HRD_LOGIN is not set", ["HRD_LOGIN"]))).toBe(false);
      expect(shouldRetry(effect, new HrdAbortError("domain/info", "not_sent"))).toBe(false);
    },
  );

  it.each(EFFECTS)("does not repeat a %s call that already reported an unknown outcome", (effect) => {
    const unknown = new HrdOutcomeUnknownError(
      "domain/create",
      { name: "a.pl" },
      "Check domain/info.",
      sentThenLost,
    );
    expect(shouldRetry(effect, unknown)).toBe(false);
  });

  it.each(EFFECTS)("does not retry a %s call on something that is not an HrdError", (effect) => {
    const econnreset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    expect(shouldRetry(effect, econnreset)).toBe(false);
    expect(shouldRetry(effect, "timeout")).toBe(false);
    expect(shouldRetry(effect, undefined)).toBe(false);
    expect(shouldRetry(effect, { retryable: true, outcome: "not_sent" })).toBe(false);
  });
});

describe("shouldRetry for writes that are not idempotent", () => {
  it("never repeats user/create or poll/ack after an unknown outcome, but does when nothing was sent", () => {
    const lost = new HrdConnectionError("dropped", "unknown");
    const refused = new HrdConnectionError("refused", "not_sent");
    expect(shouldRetry("write", lost, false)).toBe(false);
    expect(shouldRetry("write", refused, false)).toBe(true);
    expect(shouldRetry("write", lost, true)).toBe(true);
  });
});
