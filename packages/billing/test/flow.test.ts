/**
 * The whole flow a reseller's customer goes through, end to end, as HRD's panel describes it:
 * order → proforma → payment (found on a bank statement) → the partner activates the paid
 * proforma → the domain is registered at the sandbox → VAT invoice (PDF, KSeF XML) — and, a year
 * later, the renewal 30 days before expiry that starts the same flow by itself.
 */

import {
  activateProforma,
  createCustomer,
  createPriceGroup,
  createProformaForOrder,
  type Db,
  exportInvoiceFa3,
  getCustomerService,
  getInvoice,
  getProforma,
  importStatement,
  importWholesale,
  issueInvoiceForProforma,
  listCustomerServices,
  quote,
  recalculatePrices,
  recordPayment,
  renderInvoicePdf,
  runRenewals,
  seedDefaultCatalog,
  setPriceRule,
  setSellerSettings,
  updateCustomer,
} from "@hrdkit/billing";
import { startSandbox } from "@hrdkit/sandbox";
import { HrdClient } from "@hrdkit/sdk";
import { extractText } from "unpdf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "./support/db.js";
import { SELLER } from "./support/fiscal.js";
import { hrdProvisioner } from "./support/hrd-provisioner.js";

const DAY = 86_400_000;

/** An MT940 statement (PKO dialect, `~NN` sub-fields) with one incoming transfer. */
function statement(day: Date, amountGrosze: number, title: string): Buffer {
  const yymmdd = day.toISOString().slice(2, 10).replaceAll("-", "");
  const amount = `${Math.floor(amountGrosze / 100)},${String(amountGrosze % 100).padStart(2, "0")}`;
  return Buffer.from(
    [
      ":20:ST-E2E",
      ":25:/PL61109010140000071219812874",
      ":28C:00001/1",
      `:60F:C${yymmdd}PLN0,00`,
      `:61:${yymmdd}${yymmdd.slice(2)}C${amount}N240NONREF//E2E${yymmdd}`,
      `:86:240~00PRZELEW PRZYCHODZĄCY~20${title}~32JAN KOWALSKI`,
      `:62F:C${yymmdd}PLN${amount}`,
      "",
    ].join("\r\n"),
  );
}

describe.each(drivers())("the reseller's flow on $name", (driver) => {
  let db: Db;
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let hrd: HrdClient;
  let customerId: number;
  const ordered = new Date("2026-03-02T10:00:00+01:00");

  beforeAll(async () => {
    sandbox = await startSandbox({ actionDelayMs: 0, startAt: ordered });
    sandbox.clock.freeze();
    hrd = new HrdClient({ ...sandbox.clientOptions(), retryMinDelayMs: 5 });
    db = await driver.open();
    await seedDefaultCatalog(db);
    await setSellerSettings(db, SELLER);
    await importWholesale(db, { getPricings: () => hrd.partner.getPricings() }, { at: ordered });
    const group = await createPriceGroup(db, { name: "Detal" });
    await setPriceRule(db, {
      groupId: group.id,
      margin: { type: "percent", basisPoints: 2500 },
      rounding: "99",
      roundOn: "gross",
    });
    await recalculatePrices(db, group.id, { at: ordered });
    const { id: hrdUser } = await hrd.user.create({
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
    const customer = await createCustomer(db, { name: "Jan Kowalski" });
    await updateCustomer(db, customer.id, {
      pesel: "44051401359",
      email: "jan.kowalski@example.com",
      hrdUserId: hrdUser,
      addresses: {
        correspondence: {
          street: "ul. Marszałkowska 1",
          postcode: "00-001",
          city: "Warszawa",
          country: "PL",
        },
      },
    });
    customerId = customer.id;
  }, 60_000);
  afterAll(async () => {
    await driver.dispose(db);
    await hrd.close();
    await sandbox.close();
  });

  it("registers a .pl: order → proforma → statement → activation → sandbox → invoice, and again later: renewal", async () => {
    // Order and proforma.
    const q = await quote(db, {
      customerId,
      items: [{ serviceCode: "domain.pl.register", name: "sklep-e2e.pl", period: 1 }],
      at: ordered,
    });
    const { proforma } = await createProformaForOrder(db, {
      customerId,
      quote: q,
      orderRef: "order-e2e-1",
      at: ordered,
      lineDetails: [{ ns: ["ns1.hrd.pl", "ns2.hrd.pl"] }],
    });
    expect(proforma.number).toMatch(/^PRO\/2026\/03\/\d+$/);
    expect(proforma.gross).toBe(q.totals.gross.amount);

    // The customer pays by transfer; the bank statement finds the proforma by its number.
    const paidOn = new Date(ordered.getTime() + DAY);
    const imported = await importStatement(db, {
      content: statement(paidOn, proforma.gross, `Zapłata za ${proforma.number}`),
      format: "mt940",
      at: paidOn,
    });
    expect(imported.matched).toBe(1);
    expect((await getProforma(db, proforma.id)).status).toBe("paid");

    // The partner activates it: the domain is registered at HRD (the sandbox), the invoice issued.
    const port = hrdProvisioner(hrd);
    const activated = await activateProforma(
      db,
      { proformaId: proforma.id, at: paidOn },
      { port, issueInvoice: issueInvoiceForProforma },
    );
    expect(activated.complete).toBe(true);
    const domain = sandbox.state.domains.get("sklep-e2e.pl")!;
    expect(domain.status).toBe("registered");
    expect(activated.invoice.number).toMatch(/^FV\/2026\/03\/\d+$/);
    const [service] = await listCustomerServices(db, customerId);
    expect(service).toMatchObject({ name: "sklep-e2e.pl", status: "active" });
    expect(service!.expiresOn).toBe(domain.exDate!.toISOString().slice(0, 10));

    // Clicked again: nothing bought twice, the same invoice.
    const again = await activateProforma(
      db,
      { proformaId: proforma.id, at: paidOn },
      { port, issueInvoice: issueInvoiceForProforma },
    );
    expect(again.invoice).toEqual(activated.invoice);
    expect(port.calls).toHaveLength(1);
    expect(sandbox.state.ledger.filter((e) => e.objectName === "sklep-e2e.pl")).toHaveLength(1);

    // The invoice: its PDF shows the mandatory content, its KSeF XML names it.
    const invoice = await getInvoice(db, activated.invoice.id);
    expect(invoice.saleDate).toBe("2026-03-03");
    const { text } = await extractText(
      new Uint8Array(await renderInvoicePdf(invoice, { mode: "original" })),
      {
        mergePages: true,
      },
    );
    for (const needle of [invoice.number, "5260250274", "Jan Kowalski", "sklep-e2e.pl", "23%"]) {
      expect(text).toContain(needle);
    }
    const xml = await exportInvoiceFa3(db, invoice.id);
    expect(xml).toContain(`<P_2>${invoice.number}</P_2>`);

    // A year later, 30 days before expiry, the renewal run makes the renewal proforma by itself.
    const expiresOn = service!.expiresOn!;
    const runAt = new Date(new Date(`${expiresOn}T10:00:00+01:00`).getTime() - 29 * DAY);
    sandbox.clock.set(runAt);
    const before = await runRenewals(db, { at: new Date(runAt.getTime() - 10 * DAY) });
    expect(before.created).toBe(0); // 39 days before: not yet
    const run = await runRenewals(db, { at: runAt });
    expect(run.created).toBe(1);
    expect((await runRenewals(db, { at: runAt })).created).toBe(0); // run twice: still one
    const renewalId = await latestProforma(db, customerId);
    const renewal = await getProforma(db, renewalId);
    expect(renewal).toMatchObject({ origin: "renewal", status: "issued" });
    expect(renewal.lines[0]).toMatchObject({ serviceFrom: expiresOn });

    await recordPayment(db, {
      proformaId: renewal.id,
      method: "online",
      amount: { amount: renewal.gross, currency: "PLN" },
      receivedAt: runAt,
      reference: "gateway-e2e-2",
    });
    const renewed = await activateProforma(
      db,
      { proformaId: renewal.id, at: runAt },
      { port, issueInvoice: issueInvoiceForProforma },
    );
    expect(renewed.complete).toBe(true);
    const after = await getCustomerService(db, service!.id);
    expect(after.expiresOn! > expiresOn).toBe(true);
    expect(sandbox.state.domains.get("sklep-e2e.pl")!.exDate!.toISOString().slice(0, 10)).toBe(
      after.expiresOn,
    );
    const charges = sandbox.state.ledger.filter((e) => e.objectName === "sklep-e2e.pl").map((e) => e.type);
    expect(charges).toEqual(["create", "renew"]);
    expect(renewed.invoice.number).not.toBe(activated.invoice.number);
  }, 60_000);
});

describe.each(drivers())("an EU business buys under reverse charge on $name", (driver) => {
  it("quote, proforma and invoice all carry np II and no Polish VAT; the payment matches exactly", async () => {
    const db = await driver.open();
    try {
      const at = new Date("2026-04-01T10:00:00+02:00");
      await seedDefaultCatalog(db);
      await setSellerSettings(db, SELLER);
      const group = await createPriceGroup(db, { name: "B2B" });
      const { rows } = await db.query<{ id: number }>(
        "SELECT id FROM services WHERE code = 'domain.eu.register'",
      );
      await db.query(
        "INSERT INTO prices (group_id, service_id, period, net, source) VALUES ($1, $2, 1, 4000, 'manual')",
        [group.id, rows[0]!.id],
      );
      const c = await createCustomer(db, {
        name: "Webshop GmbH",
        euVat: { country: "DE", number: "123456789" },
        addresses: {
          correspondence: { street: "Hauptstraße 1", postcode: "10115", city: "Berlin", country: "DE" },
        },
      });
      const q = await quote(db, {
        customerId: c.id,
        items: [{ serviceCode: "domain.eu.register", name: "webshop.eu", period: 1 }],
        at,
      });
      expect(q.lines[0]).toMatchObject({ vatRate: "np II" });
      expect(q.totals.gross.amount).toBe(4000);
      const { proforma } = await createProformaForOrder(db, {
        customerId: c.id,
        quote: q,
        orderRef: "eu-1",
        at,
      });
      expect(proforma.gross).toBe(4000);
      const paid = await recordPayment(db, {
        proformaId: proforma.id,
        method: "transfer",
        amount: { amount: 4000, currency: "PLN" },
        receivedAt: at,
        reference: "eu-transfer-1",
      });
      expect(paid.outcome).toBe("paid");
      const inv = await getInvoice(
        db,
        (await issueInvoiceForProforma(db, { proformaId: proforma.id, at })).id,
      );
      expect(inv.lines.map((l) => l.vatRate)).toEqual(["np II"]);
      expect(inv).toMatchObject({ net: 4000, vat: 0, gross: 4000, annotations: { reverseCharge: true } });
      const { rows: balance } = await db.query(
        "SELECT * FROM customer_balance_entries WHERE customer_id = $1",
        [c.id],
      );
      expect(balance).toEqual([]); // nothing overpaid
    } finally {
      await driver.dispose(db);
    }
  }, 60_000);
});

async function latestProforma(db: Db, customerId: number): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    "SELECT id FROM proformas WHERE customer_id = $1 ORDER BY id DESC LIMIT 1",
    [customerId],
  );
  return rows[0]!.id;
}
