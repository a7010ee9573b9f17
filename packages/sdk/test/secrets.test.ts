/**
 * Secrets never leak: the API password, API key, session tokens, authInfo and trade codes must
 * not appear in any error (message, stack, cause chain, inspected or serialised), any debug dump,
 * or anything the client prints about itself. The test provokes every kind of failure, collects
 * all of that text, and greps it for every secret the sandbox knows of.
 */
import { inspect } from "node:util";
import { type DebugEvent, HrdClient } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NS, PERSON, sandboxAndClient } from "./support/fixtures.js";

describe("secrets never appear in errors, logs or debug dumps", () => {
  let env: Awaited<ReturnType<typeof sandboxAndClient>>;
  const debug: DebugEvent[] = [];
  const texts: string[] = [];
  const secrets = new Set<string>();

  /** Everything a user could end up printing about an error. */
  function collect(err: unknown): void {
    texts.push(String(err), inspect(err, { depth: 10, showHidden: true }), JSON.stringify(err) ?? "");
    let e: unknown = err;
    while (e instanceof Error) {
      texts.push(e.message, e.stack ?? "", JSON.stringify(e) ?? "");
      e = e.cause;
    }
  }
  const attempt = (p: Promise<unknown>) => p.then(() => undefined, collect);

  beforeAll(async () => {
    env = await sandboxAndClient(
      { actionDelayMs: 0 },
      { onDebug: (e) => debug.push(e), timeoutMs: 300, retries: 1 },
    );
    const c = env.client;
    const sb = env.sandbox;
    const { id: user } = await c.user.create(PERSON);
    const { actionId } = await c.domain.create({ name: "sekrety.pl", user, ns: NS });
    await c.waitForAction(actionId, { intervalMs: 5 });

    // API errors, a protocol error with the raw reply, a timeout, an unknown outcome, a refused login.
    await attempt(c.domain.info({ name: "nie-moja.pl" }));
    sb.faults.add({ kind: "garbage", operation: "domain/info", times: 2 });
    await attempt(c.domain.info({ name: "sekrety.pl" }));
    sb.faults.add({ kind: "silent", operation: "partner/getBalance", times: 2 });
    await attempt(c.partner.getBalance());
    sb.faults.add({ kind: "drop-after", operation: "domain/create", times: 1 });
    await attempt(c.domain.create({ name: "sekrety-2.pl", user, ns: NS }));
    sb.faults.clear();
    const wrong = new HrdClient({ ...sb.clientOptions(), password: "Zle-Haslo-123!" });
    secrets.add("Zle-Haslo-123!");
    await attempt(wrong.partner.getBalance());
    texts.push(inspect(wrong, { depth: 10 }), JSON.stringify(wrong));
    await wrong.close();
    // Transfer and trade codes: a refused transfer, a wrong trade code, a transfer whose reply is lost.
    sb.state.foreign.set("obca-sekretna.pl", {
      authInfo: "Prawdziwy#Kod-Obcy1",
      registrantEmail: "x@example.com",
    });
    await attempt(c.domain.transfer({ name: "obca-sekretna.pl", user, authInfo: "Zly#Kod-Transferu9" }));
    await attempt(c.domain.authInfoCheck({ name: "obca-sekretna.pl", authInfo: "Zly#Kod-Transferu9" }));
    await attempt(
      c.domain.transferRegistrantEmail({ name: "obca-sekretna.pl", authInfo: "Zly#Kod-Transferu9" }),
    );
    secrets.add("Zly#Kod-Transferu9");
    sb.faults.add({ kind: "drop-after", operation: "domain/transfer", times: 1 });
    await attempt(c.domain.transfer({ name: "obca-sekretna.pl", user, authInfo: "Prawdziwy#Kod-Obcy1" }));
    sb.faults.clear();
    const { pw } = await c.domain.tradeGetPw({ name: "sekrety.pl" });
    const { pw: inner } = await c.domain.tradeInnerGetPw({ name: "sekrety.pl" });
    secrets.add(pw);
    secrets.add(inner);
    await attempt(c.domain.trade({ name: "sekrety.pl", user, pw: `${pw}-zly` }));
    secrets.add(`${pw}-zly`);
    sb.faults.add({ kind: "garbage", operation: "domain/trade", times: 1 });
    await attempt(c.domain.trade({ name: "sekrety.pl", user: (await c.user.create(PERSON)).id, pw }));
    sb.faults.clear();
    // Bad input carrying would-be secrets.
    await attempt(c.call("domain/info", { name: "x", pass: sb.password } as never));
    // Token resume after a drop, so a token went over the wire and sits in the client.
    sb.dropConnections();
    await c.partner.getBalance();

    texts.push(inspect(c, { depth: 10, showHidden: true }), JSON.stringify(c));
    texts.push(...debug.map((d) => d.xml));
    secrets.add(sb.password);
    secrets.add(sb.apiKey);
    for (const token of sb.state.tokens.keys()) secrets.add(token);
    for (const d of sb.state.domains.values()) {
      for (const code of [d.authInfo, d.tradePw, d.innerPw]) if (code) secrets.add(code);
    }
    for (const f of sb.state.foreign.values()) secrets.add(f.authInfo);
  });
  afterAll(() => env.close());

  it("provoked failures and a debug dump to search", () => {
    expect(debug.some((d) => d.direction === "out" && d.xml.includes("<login>"))).toBe(true);
    expect(debug.some((d) => d.xml.includes("<token>"))).toBe(true);
    const kinds = [
      "HrdApiError",
      "HrdProtocolError",
      "HrdTimeoutError",
      "HrdOutcomeUnknownError",
      "HrdCredentialsError",
    ];
    for (const kind of kinds)
      expect(
        texts.some((t) => t.includes(kind)),
        kind,
      ).toBe(true);
    expect(secrets.size).toBeGreaterThanOrEqual(4);
  });

  it("no secret appears in any of it", () => {
    const all = texts.join("\n");
    const leaked = [...secrets].filter((s) => s.length >= 6 && all.includes(s));
    expect(leaked).toEqual([]);
    // Redaction is visible where a secret element was: the reader knows something was there.
    expect(debug.some((d) => d.xml.includes("<pass>[redacted]</pass>"))).toBe(true);
  });
});
