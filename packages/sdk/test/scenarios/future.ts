import { HrdApiError } from "@hrdkit/sdk";
import type { ScenarioContext } from "./context.js";

async function refused(call: Promise<unknown>, what: string): Promise<void> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof HrdApiError)) throw new Error(`${what}: expected an error reply, got ${String(err)}`);
}

/** Calls every operation of domain/future* (.pl options), including the error replies worth validating. */
export async function futureScenario(ctx: ScenarioContext): Promise<void> {
  const c = ctx.client;
  const { sandbox } = ctx;
  // 4 names with 3 per frame: the reply comes in 2 frames.
  await c.domain.futureCheck({ names: ["opcja-zgodnosc.pl", "zgodnosc.pl", "hrd.pl", "opcja.com"] });
  const created = await c.domain.futureCreate({ name: "opcja-zgodnosc.pl", user: ctx.person });
  await c.waitForAction(created.actionId, { intervalMs: 5 });
  await refused(
    c.domain.futureCreate({ name: "zgodnosc.pl", user: ctx.person }),
    "futureCreate (registered)",
  );
  const info = await c.domain.futureInfo({ name: "opcja-zgodnosc.pl" });
  await c.domain.futureRenew({ name: "opcja-zgodnosc.pl", currentExpirationDate: info.exDate! });
  await refused(
    c.domain.futureRenew({ name: "opcja-zgodnosc.pl", currentExpirationDate: info.exDate! }),
    "futureRenew (old date)",
  );
  // An option still being set up: futureInfo answers with empty dates.
  const delay = sandbox.state.actionDelayMs;
  sandbox.state.actionDelayMs = 1_000;
  await c.domain.futureCreate({ name: "opcja-w-toku.com.pl", user: ctx.company });
  const pending = await c.domain.futureInfo({ name: "opcja-w-toku.com.pl" });
  if (pending.status !== "awaitingRegistration" || pending.exDate !== undefined)
    throw new Error(`futureInfo of a pending option: ${JSON.stringify(pending)}`);
  sandbox.state.actionDelayMs = delay;
  sandbox.clock.advance(1_000);
  await refused(c.domain.futureInfo({ name: "bez-opcji.pl" }), "futureInfo (no option)");
  const names = await c.domain.futureList();
  await c.domain.futureList({ lastName: names[0]! });
}
