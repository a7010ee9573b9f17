import { acceptTrade } from "../../../sandbox/src/handlers/transfer.js";
import type { ScenarioContext } from "./context.js";

const ignore = () => undefined;

/** Calls every operation of domain/authInfoCheck, transfer*, trade*, including the error replies worth validating. */
export async function transferScenario(ctx: ScenarioContext): Promise<void> {
  const c = ctx.client;
  const name = "taken-przeniesiona.pl";

  // Transfer-in of a name registered elsewhere (`taken-` names are), then the refusals.
  await c.domain.authInfoCheck({ name, authInfo: "kod-od-rejestratora" });
  await c.domain.authInfoCheck({ name: "example.com", authInfo: "kod" }).catch(ignore); // .pl/.eu only
  await c.domain.transferRegistrantEmail({ name, authInfo: "kod-od-rejestratora" });
  await c.domain.transferRegistrantEmail({ name, authInfo: "zly-kod" }).catch(ignore);
  const { actionId } = await c.domain.transfer({
    name,
    user: ctx.person,
    period: 1,
    authInfo: "kod-od-rejestratora",
  });
  await c.waitForAction(actionId, { intervalMs: 5 });
  await c.domain.transferStatus({ id: actionId });
  await c.domain.transfer({ name: "zgodnosc.pl", user: ctx.person, authInfo: "kod" }).catch(ignore);
  await c.domain.transferStatus({ id: 1 }).catch(ignore);

  // A cesja of the transferred domain to the company: both sides accept, the payer confirms.
  const { pw } = await c.domain.tradeGetPw({ name });
  await c.domain.trade({ name, user: ctx.company, pw: "zly-kod-cesji" }).catch(ignore);
  const cesja = await c.domain.trade({ name, user: ctx.company, pw });
  await c.partner.resendTradeMail({ id: cesja.actionId });
  await c.partner.resendTradeMail({ id: cesja.actionId, assignor: ctx.person, assignee: ctx.company });
  await c.partner.resendTradeMail({ id: cesja.actionId, assignee: ctx.person }).catch(ignore);
  await c.domain.tradePayerConfirm({ id: cesja.actionId }).catch(ignore); // not accepted yet
  acceptTrade(ctx.sandbox.state, cesja.actionId, "assignor", "192.0.2.20");
  acceptTrade(ctx.sandbox.state, cesja.actionId, "assignee", "192.0.2.21");
  await c.domain.tradeStatus({ id: cesja.actionId });
  await c.domain.tradePayerConfirm({ id: cesja.actionId });
  await c.waitForAction(cesja.actionId, { intervalMs: 5 });
  await c.domain.tradeStatus({ id: cesja.actionId });

  // An internal transfer back to the person, then three cesje cancelled by each party.
  const { pw: inner } = await c.domain.tradeInnerGetPw({ name });
  const back = await c.domain.trade({ name, user: ctx.person, pw: inner });
  await c.waitForAction(back.actionId, { intervalMs: 5 });
  await c.domain.tradeStatus({ id: back.actionId });
  const { pw: next } = await c.domain.tradeGetPw({ name });
  const byAssignor = await c.domain.trade({ name, user: ctx.company, pw: next });
  await c.domain.tradeAssignorCancel({ id: byAssignor.actionId, ip: "192.0.2.30" });
  const byAssignee = await c.domain.trade({ name, user: ctx.company, pw: next });
  await c.domain.tradeAssigneeCancel({ id: byAssignee.actionId, ip: "192.0.2.31" });
  const byPartner = await c.domain.trade({ name, user: ctx.company, pw: next });
  await c.domain.tradeCancel({ id: byPartner.actionId, ip: "192.0.2.32" });
  await c.domain.tradeCancel({ id: byPartner.actionId, ip: "192.0.2.32" }).catch(ignore); // already cancelled
  await c.domain.tradeStatus({ id: byAssignee.actionId });
  await c.domain.tradeStatus({ id: 1 }).catch(ignore);
}
