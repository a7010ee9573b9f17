// Registers one domain. Without credentials it runs against an embedded sandbox (no network, no
// money); when HRD_LOGIN is set (in the environment or in ./.env) it talks to HRD itself.
//
//   node examples/register-domain.mjs moja-firma.pl
//   node examples/register-domain.mjs moja-firma.pl --user 123456 --ns ns1.example.pl,ns2.example.pl --yes
//
// Against HRD, --user is the id of an existing registrant account (abonent) and nothing is bought
// without --yes.

import { parseArgs } from "node:util";
import { startSandbox } from "@hrdkit/sandbox";
import { HrdApiError, HrdClient, HrdOutcomeUnknownError } from "@hrdkit/sdk";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    user: { type: "string" },
    ns: { type: "string", default: "ns1.hrd.pl,ns2.hrd.pl" },
    years: { type: "string", default: "1" },
    yes: { type: "boolean", default: false },
  },
});
const name = positionals[0];
if (!name) {
  console.error("usage: node examples/register-domain.mjs NAME [--user ID] [--ns A,B] [--years N] [--yes]");
  process.exit(2);
}

try {
  process.loadEnvFile(); // ./.env, if there is one (HrdClient.fromEnv reads it too)
} catch {}
const live = Boolean(process.env.HRD_LOGIN);
const sandbox = live ? undefined : await startSandbox();
const hrd = live ? HrdClient.fromEnv() : new HrdClient(sandbox.clientOptions());

async function main() {
  console.log(live ? `HRD (${process.env.HRD_HOST || "api.hrd.pl"})` : `sandbox on port ${sandbox.port}`);
  const [check] = await hrd.domain.check({ names: [name] });
  console.log(`${check.name}: ${check.status}`);
  if (check.status !== "available") return 1;

  let user = values.user === undefined ? undefined : Number(values.user);
  if (user === undefined && live) {
    console.error("against HRD, pass --user with the id of an existing registrant account");
    return 2;
  }
  // In the sandbox: a new registrant account (the NIP is checked, the phone becomes +48.221003248).
  user ??= (
    await hrd.user.create({
      type: "company",
      representative: "Anna Nowak",
      idNumber: "PL 123-456-32-18",
      email: "biuro@moja-firma.example",
      landlinePhone: "22 100 32 48",
      name: "Moja Firma Sp. z o.o.",
      street: "ul. Prosta 20",
      postcode: "00-850",
      city: "Warszawa",
      country: "PL",
    })
  ).id;

  const order = { name, user, period: Number(values.years), ns: values.ns.split(",") };
  if (live && !values.yes) {
    console.log("would register:", order, "\nadd --yes to buy it");
    return 0;
  }

  const before = await hrd.partner.getBalance();
  let actionId;
  try {
    ({ actionId } = await hrd.domain.create(order));
  } catch (err) {
    if (!(err instanceof HrdOutcomeUnknownError)) throw err;
    // The order may or may not have reached HRD, and it was not resent. Look before buying again.
    console.error(err.message);
    const info = await hrd.domain.info({ name }).catch((e) => {
      if (!(e instanceof HrdApiError)) throw e;
      console.error(`domain/info refused: ${e.hrdMessage ?? e.message}`);
    });
    if (!info) {
      console.error(`${name} is not on this account: the order was not applied; it is safe to run again`);
      return 1;
    }
    console.log(`${name} is on this account (${info.status}, actions ${info.actions.join(", ")})`);
    actionId = info.actions.at(-1);
  }

  console.log(`action ${actionId}: waiting…`);
  const action = await hrd.waitForAction(actionId, { intervalMs: live ? 5_000 : 100, timeoutMs: 300_000 });
  console.log(`action ${action.id}: ${action.status}${action.amount ? `, ${action.amount.value} zł` : ""}`);
  const info = await hrd.domain.info({ name });
  console.log(`${info.name}: ${info.status}, account ${info.user}, expires ${info.exDate ?? "?"}`);
  const after = await hrd.partner.getBalance();
  console.log(`balance ${after.balance.value} zł (was ${before.balance.value} zł)`);
  return action.ok ? 0 : 1;
}

try {
  process.exitCode = await main();
} finally {
  await hrd.close();
  await sandbox?.close();
}
