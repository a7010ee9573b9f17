/**
 * Wire conformance: every request the SDK writes validates against HRD's api.xsd, and every reply
 * the sandbox writes validates against apiResponse.xsd (both read from ../shared/hrd-api).
 * One scenario calls every declared operation; a new operation without a call here fails the test.
 */
import { operations, sessionOperations } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certScenario } from "./scenarios/cert.js";
import type { ScenarioContext } from "./scenarios/context.js";
import { coreScenario } from "./scenarios/core.js";
import { dnsScenario } from "./scenarios/dns.js";
import { futureScenario } from "./scenarios/future.js";
import { partnerScenario } from "./scenarios/partner.js";
import { transferScenario } from "./scenarios/transfer.js";
import { sandboxAndClient } from "./support/fixtures.js";

const SCENARIOS = [
  coreScenario,
  transferScenario,
  dnsScenario,
  futureScenario,
  certScenario,
  partnerScenario,
];

import { validateRequests, validateResponses } from "./support/xsd.js";

describe("conformance with HRD's schemas", () => {
  let env: Awaited<ReturnType<typeof sandboxAndClient>>;

  beforeAll(async () => {
    env = await sandboxAndClient({ recordTraffic: true, checkNamesPerFrame: 3, tokenTtlMs: 60_000 });
    const ctx: ScenarioContext = { client: env.client, sandbox: env.sandbox, person: 0, company: 0 };
    // Each area of the API has its own scenario file; the core one runs first and makes the accounts.
    for (const scenario of SCENARIOS) await scenario(ctx);
  });
  afterAll(() => env.close());

  it("exercised every declared operation", () => {
    const seen = new Set(env.sandbox.traffic.map((t) => t.operation));
    const declared = [...Object.keys(operations), ...Object.keys(sessionOperations)];
    expect(declared.filter((op) => !seen.has(op))).toEqual([]);
  });

  it("every request validates against api.xsd", async () => {
    const requests = env.sandbox.traffic.map((t) => t.request);
    const results = await validateRequests(requests);
    const bad = results.flatMap((r, i) =>
      r.valid ? [] : [`${env.sandbox.traffic[i]!.operation}: ${r.errors.join(" | ")}`],
    );
    expect(bad).toEqual([]);
    expect(requests.length).toBeGreaterThan(40);
  });

  it("every reply validates against apiResponse.xsd, including split check replies and errors", async () => {
    const replies = env.sandbox.traffic.flatMap((t) => t.replies.map((xml) => ({ op: t.operation, xml })));
    const results = await validateResponses(replies.map((r) => r.xml));
    const bad = results.flatMap((r, i) => (r.valid ? [] : [`${replies[i]!.op}: ${r.errors.join(" | ")}`]));
    expect(bad).toEqual([]);
    const check = env.sandbox.traffic.find((t) => t.operation === "domain/check")!;
    expect(check.replies.length).toBe(3); // 7 names, 3 per frame
    expect(replies.some((r) => r.xml.includes("<status>error</status>"))).toBe(true);
  });

  it("sends IDN names as punycode and nothing secret in clear besides the login itself", () => {
    const check = env.sandbox.traffic.find((t) => t.operation === "domain/check")!;
    expect(check.request).toContain("<name>xn--w-uga1v8h.com.pl</name>");
    expect(check.request).not.toContain("żółw");
    const logins = env.sandbox.traffic.filter((t) => t.request.includes(env.sandbox.password));
    expect(logins.map((t) => t.operation)).toEqual(["login"]);
  });
});
