// The README's main job: an end-to-end run against an embedded sandbox — no network, no HRD
// credentials. Each step prints what it did. Run it with `npm run example`.

import { startSandbox } from "@hrdkit/sandbox";
import { HrdClient } from "@hrdkit/sdk";

const step = (n, text) => console.log(`\n${n}. ${text}`);

const sandbox = await startSandbox({ actionDelayMs: 300 });
console.log(
  `hrdkit quick start — embedded HRD sandbox on ${sandbox.host}:${sandbox.port} (TLS, self-signed certificate trusted as CA)`,
);

// The same options work against HRD itself: HrdClient.fromEnv() reads HRD_LOGIN, HRD_PASSWORD, HRD_API_KEY.
const hrd = new HrdClient(sandbox.clientOptions());
try {
  step(1, "Connect and log in");
  const before = await hrd.partner.getBalance();
  console.log(`   logged in as "${sandbox.login}" over TLS (certificate verified)`);

  step(2, "Partner balance");
  console.log(
    `   balance ${before.balance.value} zł, held for running operations ${before.restrictedBalance.value} zł`,
  );

  step(3, "Create a registrant account (abonent)");
  const { id: userId } = await hrd.user.create({
    type: "person",
    idNumber: "44051401359",
    email: "jan.kowalski@example.com",
    landlinePhone: "+48 22 100 32 48",
    name: "Jan Kowalski",
    street: "ul. Marszałkowska 1",
    postcode: "00-001",
    city: "Warszawa",
    country: "PL",
  });
  console.log(`   account ${userId} created (PESEL checked, phone sent as +48.221003248)`);

  step(4, "Check names");
  const name = `hrdkit-${Date.now().toString(36)}.pl`;
  const checks = await hrd.domain.check({
    names: [name, "hrd.pl", "żółw-hrdkit.com.pl", "tylko-hrdkit.pl"],
  });
  for (const c of checks) console.log(`   ${c.name.padEnd(32)} ${c.status}`);

  step(5, `Register ${name} for 1 year`);
  const { actionId } = await hrd.domain.create({
    name,
    user: userId,
    period: 1,
    ns: ["ns1.hrd.pl", "ns2.hrd.pl"],
  });
  console.log(`   HRD accepted the order: action ${actionId}`);

  step(6, `Wait for action ${actionId}`);
  const action = await hrd.waitForAction(actionId, { intervalMs: 100, timeoutMs: 30_000 });
  console.log(
    `   action ${action.id}: ${action.status}${action.amount ? `, charged ${action.amount.value} zł` : ""}`,
  );

  step(7, "Show the domain");
  const info = await hrd.domain.info({ name });
  console.log(
    `   ${info.name}: ${info.status}, registered ${info.crDate}, expires ${info.exDate}, account ${info.user}`,
  );
  if (info.ns && "hosts" in info.ns)
    console.log(`   nameservers: ${info.ns.hosts.map((h) => h.name).join(", ")}`);

  step(8, "New balance");
  const after = await hrd.partner.getBalance();
  console.log(`   balance ${after.balance.value} zł (was ${before.balance.value} zł)`);
  console.log("\nDone. Next: `npm test`, or see packages/sdk/README.md to use a real HRD account.");
} finally {
  await hrd.close();
  await sandbox.close();
}
