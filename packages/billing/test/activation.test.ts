/**
 * Activation provisions exactly once: clicked twice at the same moment, re-run after the
 * process died halfway, or retried after HRD refused — never a second purchase at HRD, every
 * service showing where it is. And nothing is sent when HRD's balance cannot cover it.
 */

import {
  activateProforma,
  activationStatus,
  BillingConflictError,
  createCustomer,
  createManualProforma,
  createPriceGroup,
  createProformaForOrder,
  type Db,
  importWholesale,
  issueInvoiceForProforma,
  type ProvisioningPort,
  quote,
  recalculatePrices,
  recordPayment,
  seedDefaultCatalog,
  setPriceRule,
  setSellerSettings,
  TASK_LEASE_MS,
  updateCustomer,
} from "@hrdkit/billing";
import { startSandbox } from "@hrdkit/sandbox";
import { HrdClient } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drivers } from "./support/db.js";
import { hrdProvisioner } from "./support/hrd-provisioner.js";

const AT = new Date("2026-06-01T10:00:00+02:00");
const issueInvoice = issueInvoiceForProforma;

describe.each(drivers())("activation on $name", (driver) => {
  let db: Db;
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let hrd: HrdClient;
  let customerId: number;
  let order = 0;

  const charges = (name: string) => sandbox.state.ledger.filter((e) => e.objectName === name);

  /** A paid order proforma registering `name` for one year. */
  async function paidProforma(name: string): Promise<number> {
    const q = await quote(db, {
      customerId,
      items: [{ serviceCode: "domain.pl.register", name, period: 1 }],
      at: AT,
    });
    const { proforma } = await createProformaForOrder(db, {
      customerId,
      quote: q,
      orderRef: `o-${++order}`,
      at: AT,
    });
    await recordPayment(db, {
      proformaId: proforma.id,
      method: "online",
      amount: { amount: proforma.gross, currency: "PLN" },
      receivedAt: AT,
      reference: `pay-${order}`,
    });
    return proforma.id;
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ actionDelayMs: 0, startAt: AT });
    hrd = new HrdClient({ ...sandbox.clientOptions(), retryMinDelayMs: 5 });
    db = await driver.open();
    await seedDefaultCatalog(db);
    await setSellerSettings(db, {
      name: "Hosting Polska Sp. z o.o.",
      nip: "5260250274",
      address: { street: "ul. Prosta 20", postcode: "00-850", city: "Warszawa", country: "PL" },
      bankAccount: "PL61109010140000071219812874",
      email: "faktury@hosting.example",
    });
    await importWholesale(db, { getPricings: () => hrd.partner.getPricings() }, { at: AT });
    const group = await createPriceGroup(db, { name: "Detal" });
    await setPriceRule(db, {
      groupId: group.id,
      margin: { type: "percent", basisPoints: 2000 },
      rounding: "none",
    });
    await recalculatePrices(db, group.id, { at: AT });
    const { id: hrdUser } = await hrd.user.create({
      type: "company",
      representative: "Anna Nowak",
      idNumber: "5260250274",
      email: "biuro@firma.example",
      landlinePhone: "+48 22 100 32 48",
      name: "Firma Sp. z o.o.",
      street: "ul. Prosta 20",
      postcode: "00-850",
      city: "Warszawa",
      country: "PL",
    });
    const c = await createCustomer(db, { name: "Firma Sp. z o.o." });
    await updateCustomer(db, c.id, {
      hrdUserId: hrdUser,
      addresses: {
        correspondence: { street: "ul. Prosta 20", postcode: "00-850", city: "Warszawa", country: "PL" },
      },
    });
    customerId = c.id;
  }, 60_000);
  afterAll(async () => {
    await driver.dispose(db);
    await hrd.close();
    await sandbox.close();
  });

  it("refuses a hand-made proforma and an unpaid one, sending nothing", async () => {
    const manual = await createManualProforma(db, {
      customerId,
      lines: [
        { serviceCode: "domain.pl.register", name: "reczna.pl", period: 1, unitNet: "40.00", quantity: 1 },
      ],
      at: AT,
    });
    const port = hrdProvisioner(hrd);
    const e1 = await activateProforma(db, { proformaId: manual.id, at: AT }, { port, issueInvoice }).catch(
      (e) => e,
    );
    expect(e1).toBeInstanceOf(BillingConflictError);
    expect((e1 as BillingConflictError).code).toBe("manual_proforma");
    const q = await quote(db, {
      customerId,
      items: [{ serviceCode: "domain.pl.register", name: "niezaplacona.pl", period: 1 }],
      at: AT,
    });
    const { proforma } = await createProformaForOrder(db, {
      customerId,
      quote: q,
      orderRef: "unpaid-1",
      at: AT,
    });
    const e2 = await activateProforma(db, { proformaId: proforma.id, at: AT }, { port, issueInvoice }).catch(
      (e) => e,
    );
    expect((e2 as BillingConflictError).code).toBe("unpaid");
    expect(port.calls).toHaveLength(0);
  });

  it("clicked twice at once: one purchase, one invoice", async () => {
    const id = await paidProforma("dwuklik.pl");
    const port = hrdProvisioner(hrd);
    const [a, b] = await Promise.all([
      activateProforma(db, { proformaId: id, at: AT }, { port, issueInvoice }),
      activateProforma(db, { proformaId: id, at: AT }, { port, issueInvoice }),
    ]);
    expect(a.invoice).toEqual(b.invoice);
    expect(port.calls).toHaveLength(1);
    expect(charges("dwuklik.pl")).toHaveLength(1);
    const status = await activationStatus(db, id);
    expect(status.tasks.map((t) => t.status)).toEqual(["done"]);
  });

  it("the process dies after HRD bought the domain: the re-run recognises it and buys nothing", async () => {
    const id = await paidProforma("po-awarii.pl");
    const real = hrdProvisioner(hrd);
    const dying: ProvisioningPort = {
      availableBalance: () => real.availableBalance(),
      async provision(task) {
        await real.provision(task); // HRD did the work…
        throw new Error("process killed before the result was saved"); // …and the answer was lost
      },
    };
    const first = await activateProforma(db, { proformaId: id, at: AT }, { port: dying, issueInvoice });
    expect(first.tasks[0]).toMatchObject({
      status: "failed",
      error: "process killed before the result was saved",
    });
    expect(first.complete).toBe(false);
    const second = await activateProforma(db, { proformaId: id, at: AT }, { port: real, issueInvoice });
    expect(second.tasks[0]).toMatchObject({ status: "done", attempts: 2 });
    expect(charges("po-awarii.pl")).toHaveLength(1);
    expect(second.invoice).toEqual(first.invoice);
  });

  it("a task left running by a dead process is taken over only after its lease", async () => {
    const id = await paidProforma("zawieszona.pl");
    const port = hrdProvisioner(hrd);
    // A first activation whose provisioner fails creates the task and the invoice…
    const broken: ProvisioningPort = {
      availableBalance: () => port.availableBalance(),
      provision: async () => ({ status: "failed", reason: "connection refused", retryable: true }),
    };
    await activateProforma(db, { proformaId: id, at: AT }, { port: broken, issueInvoice });
    // Simulate the dead process: the task is 'running', claimed at AT.
    await db.query(
      "UPDATE provisioning_tasks SET status = 'running', started_at = $2 WHERE proforma_id = $1",
      [id, AT],
    );
    const soon = await activateProforma(
      db,
      { proformaId: id, at: new Date(AT.getTime() + 60_000) },
      { port, issueInvoice },
    );
    expect(soon.tasks[0]!.status).toBe("running"); // still someone else's
    expect(port.calls).toHaveLength(0);
    const later = await activateProforma(
      db,
      { proformaId: id, at: new Date(AT.getTime() + TASK_LEASE_MS + 1_000) },
      { port, issueInvoice },
    );
    expect(later.tasks[0]!.status).toBe("done");
    expect(charges("zawieszona.pl")).toHaveLength(1);
  }, 30_000);

  it("HRD refuses (the name was taken meanwhile): failed with HRD's reason, retried safely later", async () => {
    const id = await paidProforma("zajeta-w-miedzyczasie.pl");
    sandbox.state.taken.add("zajeta-w-miedzyczasie.pl");
    const port = hrdProvisioner(hrd);
    const r = await activateProforma(db, { proformaId: id, at: AT }, { port, issueInvoice });
    expect(r.tasks[0]!.status).toBe("failed");
    expect(r.tasks[0]!.error).toMatch(/zarejestrowana|dostępna/);
    expect(r.invoice.number).toMatch(/^FV\//); // paid: the invoice is due anyway
    sandbox.state.taken.delete("zajeta-w-miedzyczasie.pl");
    // Activating again does not repeat a refusal on its own…
    const again = await activateProforma(db, { proformaId: id, at: AT }, { port, issueInvoice });
    expect(again.tasks[0]!.status).toBe("failed");
    expect(port.calls).toHaveLength(1);
    // …the operator retries it once the cause is dealt with.
    const retried = await activateProforma(
      db,
      { proformaId: id, at: AT, retryFailed: true },
      { port, issueInvoice },
    );
    expect(retried.complete).toBe(true);
    expect(charges("zajeta-w-miedzyczasie.pl")).toHaveLength(1);
  });

  it("checks HRD's balance first: too little, nothing is sent", async () => {
    const id = await paidProforma("bez-srodkow.pl");
    const saved = sandbox.state.balance;
    sandbox.state.balance = sandbox.state.restricted + 100; // 1 zł available
    const port = hrdProvisioner(hrd);
    try {
      const err = await activateProforma(db, { proformaId: id, at: AT }, { port, issueInvoice }).catch(
        (e) => e,
      );
      expect((err as BillingConflictError).code).toBe("insufficient_hrd_balance");
      expect(port.calls).toHaveLength(0);
      expect(sandbox.state.domains.has("bez-srodkow.pl")).toBe(false);
    } finally {
      sandbox.state.balance = saved;
    }
    const ok = await activateProforma(db, { proformaId: id, at: AT }, { port, issueInvoice });
    expect(ok.complete).toBe(true);
  });
});
