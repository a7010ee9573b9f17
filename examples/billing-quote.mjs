// The billing worked example, end to end, on embedded defaults (PGlite in memory, the sandbox):
// import HRD's wholesale prices, sell at cost + 25% rounded to X.99 gross, run the promotion
// "first year of .pl for 9.99 zł", and quote a 2-year .pl registration for a new customer.
// Run: npm run build && node examples/billing-quote.mjs   (DATABASE_URL=… to use a server)
import {
  createCustomer,
  createPriceGroup,
  createPromotion,
  formatMoney,
  importWholesale,
  openDb,
  priceFor,
  quote,
  recalculatePrices,
  seedDefaultCatalog,
  setPriceRule,
} from "@hrdkit/billing";
import { startSandbox } from "@hrdkit/sandbox";
import { HrdClient } from "@hrdkit/sdk";

const at = new Date("2026-11-27T12:00:00+01:00");
const zl = (m) => (m ? formatMoney(m).replace(/\u00a0/g, " ") : "-");

const sandbox = await startSandbox({ actionDelayMs: 0 });
const hrd = new HrdClient(sandbox.clientOptions());
const db = await openDb(); // DATABASE_URL when set, else PGlite in memory
try {
  await seedDefaultCatalog(db);

  // 1. Wholesale costs from HRD. Billing never imports the SDK: it is handed a price source.
  const imported = await importWholesale(db, { getPricings: () => hrd.partner.getPricings() }, { at });
  console.log(
    `1. Imported ${imported.mapped} wholesale costs; not imported (with reasons): ${imported.unmapped.length}`,
  );
  for (const u of imported.unmapped.slice(0, 3))
    console.log(`   - ${u.service} ${u.label ?? ""}: ${u.reason}`);

  // 2. A price group: cost + 25%, gross rounded up to X.99.
  const group = await createPriceGroup(db, { name: "Detal 25%" });
  await setPriceRule(db, {
    groupId: group.id,
    margin: { type: "percent", basisPoints: 2500 },
    rounding: "99",
    roundOn: "gross",
  });
  const run = await recalculatePrices(db, group.id, { at });
  console.log(`2. Price group "${group.name}": ${run.priced} prices`);
  const customer = await createCustomer(db, { name: "Sklep Ani" });
  for (const period of [1, 2]) {
    const p = await priceFor(db, { customerId: customer.id, serviceCode: "domain.pl.register", period });
    console.log(
      `   .pl registration, ${period} y: ${zl(p.gross)} gross (${zl(p.net)} net, cost ${zl(p.cost)})`,
    );
  }

  // 3. The promotion: the first year of a .pl registration for 9.99 zł gross.
  await createPromotion(db, {
    name: "Pierwszy rok .pl za 9,99 zł",
    conditions: { tlds: ["pl"], operations: ["register"], firstYearOnly: true },
    effect: { type: "price", grosze: 999, basis: "gross" },
  });
  await createPromotion(db, {
    name: "Odnowienia -10%",
    conditions: { operations: ["renew"] },
    effect: { type: "percent", basisPoints: 1000 },
  });

  // 4. The quote.
  const q = await quote(db, {
    customerId: customer.id,
    items: [
      { serviceCode: "domain.pl.register", name: "sklep-ani.pl", period: 2 },
      { serviceCode: "domain.com.register", name: "sklep-ani.com", period: 1 },
    ],
    at,
  });
  console.log("3. Quote for Sklep Ani:");
  for (const l of q.lines) {
    const off = l.discounts.map((d) => `${d.name} −${zl(d.amount)}`).join(", ") || "no promotion";
    console.log(`   ${l.name} (${l.period} y): list ${zl(l.listNet)} net; ${off}; pays ${zl(l.gross)} gross`);
  }
  for (const n of q.promotionsNotApplied) console.log(`   not applied: ${n.name} — ${n.reason}`);
  console.log(
    `   total ${zl(q.totals.gross)} gross (net ${zl(q.totals.net)}, VAT ${zl(q.totals.vat)}); margin ${zl(q.margin)}`,
  );
} finally {
  await db.close();
  await hrd.close();
  await sandbox.close();
}
