import { HrdApiError } from "@hrdkit/sdk";
import type { ScenarioContext } from "./context.js";

async function refused(call: Promise<unknown>, what: string): Promise<void> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof HrdApiError)) throw new Error(`${what}: expected an error reply, got ${String(err)}`);
}

/** Calls every operation of partner/getKeys, setKey; news/*, including the error replies worth validating. */
export async function partnerScenario(ctx: ScenarioContext): Promise<void> {
  const { client } = ctx;
  await client.partner.setKey({ key: "notificationEmail", value: "zgodnosc@example.pl" });
  // A value the sandbox refuses for a known key: an error reply.
  await refused(client.partner.setKey({ key: "notificationEmail", value: "not-an-email" }), "setKey");
  const { keys } = await client.partner.getKeys();
  if (keys.notificationEmail !== "zgodnosc@example.pl") throw new Error("setKey did not stick");

  const ids = await client.news.list();
  const last = ids.at(-1);
  if (last === undefined) throw new Error("the sandbox starts with news");
  await client.news.list({ lastId: last });
  await client.news.info({ id: last });
  await refused(client.news.info({ id: 999_999 }), "news/info");
}
