/**
 * hrdProvisioner, the bridge's ProvisioningPort, in billing's real activation flow (PGlite) against
 * the sandbox: a paid proforma for a domain registration, a .pl option and a certificate order is
 * activated and each service is provisioned at HRD once; a certificate order whose answer was lost
 * in a crash is recognised on the re-run instead of ordered again; what HRD cannot do fails for good.
 */
import {
  activateProforma,
  createCustomer,
  createPriceGroup,
  createProformaForOrder,
  type Db,
  importWholesale,
  issueInvoiceForProforma,
  openDb,
  type ProvisioningPort,
  type ProvisioningTask,
  quote,
  recalculatePrices,
  recordPayment,
  seedDefaultCatalog,
  setPriceRule,
  setSellerSettings,
  updateCustomer,
} from "@hrdkit/billing";
import { hrdProvisioner } from "@hrdkit/bridge";
import { APPROVAL_DELAY_MS, type Sandbox, startSandbox } from "@hrdkit/sandbox";
import { HrdClient } from "@hrdkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CERT_CONTACT, makeCsr } from "../../sdk/test/scenarios/cert.js";

const AT = new Date("2026-06-01T10:00:00+02:00");
const issueInvoice = issueInvoiceForProforma;

describe("hrdProvisioner in billing's activation (PGlite, sandbox)", () => {
  let db: Db;
  let sandbox: Sandbox;
  let hrd: HrdClient;
  let customerId: number;
  let hrdUser: number;
  let order = 0;

  const charges = (name: string) => sandbox.state.ledger.filter((e) => e.objectName === name);

  /** A paid order proforma for `items`, each with its line details. */
  async function paidProforma(
    items: { serviceCode: string; name: string; period: number; details?: Record<string, unknown> }[],
  ): Promise<number> {
    const q = await quote(db, {
      customerId,
      items: items.map(({ details: _, ...i }) => i),
      at: AT,
    });
    const { proforma } = await createProformaForOrder(db, {
      customerId,
      quote: q,
      orderRef: `bridge-o-${++order}`,
      at: AT,
      lineDetails: items.map((i) => i.details ?? null),
    });
    await recordPayment(db, {
      proformaId: proforma.id,
      method: "online",
      amount: { amount: proforma.gross, currency: "PLN" },
      receivedAt: AT,
      reference: `bridge-pay-${order}`,
    });
    return proforma.id;
  }

  /** A task as billing hands it over, for the port on its own. */
  const taskOf = (over: Partial<ProvisioningTask>): ProvisioningTask =>
    ({
      taskId: 1,
      proformaId: 1,
      position: 1,
      kind: "domain",
      operation: "trade",
      name: "cesja.pl",
      period: 1,
      details: {},
      customerId,
      hrdUserId: hrdUser,
      customerServiceId: null,
      currentExpiresOn: null,
      idempotencyKey: "proforma-1-line-1",
      attempt: 1,
      product: null,
      ...over,
    }) as ProvisioningTask;

  beforeAll(async () => {
    sandbox = await startSandbox({ actionDelayMs: 0, startAt: AT });
    hrd = new HrdClient({ ...sandbox.clientOptions(), retryMinDelayMs: 5 });
    db = await openDb({ url: "" });
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
    hrdUser = (
      await hrd.user.create({
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
      })
    ).id;
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
    await db?.close();
    await hrd?.close();
    await sandbox?.close();
  });

  it("provisions a domain, a .pl option and a certificate once, however often activation runs", async () => {
    const csr = await makeCsr("sklep-port.pl");
    const id = await paidProforma([
      { serviceCode: "domain.pl.register", name: "sklep-port.pl", period: 1 },
      { serviceCode: "option.pl.create", name: "opcja-port.pl", period: 3 },
      {
        serviceCode: "ssl.positive-ssl.create",
        name: "sklep-port.pl",
        period: 1,
        details: {
          product: "Positive SSL",
          csr: csr.pem,
          approverEmail: "admin@sklep-port.pl",
          adminContact: CERT_CONTACT,
        },
      },
    ]);
    const seen: ProvisioningTask[] = [];
    const port = hrdProvisioner(hrd, { waitIntervalMs: 5, onTask: (t) => seen.push(t) });
    const certsBefore = sandbox.state.certs.size;
    const first = await activateProforma(db, { proformaId: id, at: AT }, { port, issueInvoice });
    expect(first.tasks.map((t) => [t.kind, t.operation, t.status])).toEqual([
      ["domain", "register", "done"],
      ["option", "create", "done"],
      ["ssl", "create", "done"],
    ]);
    expect(first.complete).toBe(true);
    expect(first.tasks[0]!.result).toMatchObject({ hrdRef: "sklep-port.pl", expiresOn: "2027-06-01" });
    expect(first.tasks[1]!.result).toMatchObject({ hrdRef: "opcja-port.pl" });
    const certId = Number(first.tasks[2]!.result!.hrdRef);
    expect(sandbox.state.certs.size).toBe(certsBefore + 1);
    expect((await hrd.cert.info({ id: certId })).product).toBe("Positive SSL");
    expect(charges("sklep-port.pl").length).toBeGreaterThanOrEqual(1);
    expect(charges("opcja-port.pl")).toHaveLength(1);
    expect(seen.map((t) => t.kind)).toEqual(["domain", "option", "ssl"]);

    const again = await activateProforma(db, { proformaId: id, at: AT }, { port, issueInvoice });
    expect(again.invoice).toEqual(first.invoice);
    expect(seen).toHaveLength(3); // done tasks are not run again
    expect(sandbox.state.certs.size).toBe(certsBefore + 1);
  });

  it("a crash after HRD took the certificate order: the re-run finds it and orders nothing", async () => {
    const csr = await makeCsr("po-awarii-ssl.pl");
    const id = await paidProforma([
      {
        serviceCode: "ssl.positive-ssl.create",
        name: "po-awarii-ssl.pl",
        period: 1,
        details: {
          csr: csr.pem,
          approverEmail: "admin@po-awarii-ssl.pl",
          adminContact: CERT_CONTACT,
        },
      },
    ]);
    // The product from the service, when the line's details do not carry it.
    const real = hrdProvisioner(hrd, { waitIntervalMs: 5, certificateProduct: () => "Positive SSL" });
    const dying: ProvisioningPort = {
      availableBalance: () => real.availableBalance(),
      async provision(task) {
        await real.provision(task); // HRD took the order…
        throw new Error("process killed before the result was saved"); // …and the answer was lost
      },
    };
    const certsBefore = sandbox.state.certs.size;
    const first = await activateProforma(db, { proformaId: id, at: AT }, { port: dying, issueInvoice });
    expect(first.tasks[0]).toMatchObject({
      status: "failed",
      error: "process killed before the result was saved",
    });
    expect(sandbox.state.certs.size).toBe(certsBefore + 1);
    const ordered = Math.max(...sandbox.state.certs.keys());

    const second = await activateProforma(db, { proformaId: id, at: AT }, { port: real, issueInvoice });
    expect(second.tasks[0]).toMatchObject({ status: "done", attempts: 2 });
    expect(second.tasks[0]!.result).toMatchObject({ hrdRef: String(ordered) });
    expect(sandbox.state.certs.size).toBe(certsBefore + 1);
  });

  it("renews an option and a certificate once: a repeated renewal finds the new expiry and buys nothing", async () => {
    const port = hrdProvisioner(hrd, { waitIntervalMs: 5 });
    await hrd.ensureOptionCreated({ name: "odnowa-opcji.pl", user: hrdUser });
    const expires = (await hrd.domain.futureInfo({ name: "odnowa-opcji.pl" })).exDate!.slice(0, 10);
    const renew = taskOf({
      kind: "option",
      operation: "renew",
      name: "odnowa-opcji.pl",
      period: 3,
      currentExpiresOn: expires,
    });
    const paid = charges("odnowa-opcji.pl").length;
    const r1 = await port.provision(renew);
    expect(r1).toMatchObject({ status: "done", hrdRef: "odnowa-opcji.pl" });
    expect(r1.status === "done" && r1.expiresOn! > expires).toBe(true);
    expect(await port.provision({ ...renew, attempt: 2 })).toEqual(r1);
    expect(charges("odnowa-opcji.pl")).toHaveLength(paid + 1);
    expect(await port.provision({ ...renew, currentExpiresOn: "2099-01-01" })).toMatchObject({
      status: "failed",
      retryable: false,
    });

    const csr = await makeCsr("odnowa-ssl.pl");
    const { certId } = await hrd.orderCertificateOnce({
      product: "Positive SSL",
      csr: csr.pem,
      approverEmail: "admin@odnowa-ssl.pl",
      adminContact: CERT_CONTACT,
      userId: hrdUser,
    });
    sandbox.clock.advance(APPROVAL_DELAY_MS + 1_000); // the approver clicks: issued
    const info = await hrd.cert.info({ id: certId });
    expect(info.status).toBe("issued");
    const certRenew = taskOf({
      kind: "ssl",
      operation: "renew",
      name: "odnowa-ssl.pl",
      details: { certId },
      currentExpiresOn: info.exDate!.slice(0, 10),
    });
    const renewals = () =>
      [...sandbox.state.actions.values()].filter((a) => a.type === "renew" && a.objectId === certId);
    expect(await port.provision(certRenew)).toMatchObject({ status: "done", hrdRef: String(certId) });
    expect(renewals()).toHaveLength(1);
    // Re-run while the renewal awaits approval, and after it was approved: nothing renewed again.
    expect(await port.provision({ ...certRenew, attempt: 2 })).toMatchObject({ status: "done" });
    sandbox.clock.advance(APPROVAL_DELAY_MS + 1_000);
    const after = await port.provision({ ...certRenew, attempt: 3 });
    expect(after).toMatchObject({ status: "done", hrdRef: String(certId) });
    expect(after.status === "done" && after.expiresOn! > certRenew.currentExpiresOn!).toBe(true);
    expect(renewals()).toHaveLength(1);
  });

  it("fails for good what HRD does not do here: a trade, hosting, a certificate without its product", async () => {
    const port = hrdProvisioner(hrd);
    const task = taskOf;
    expect(await port.provision(task({}))).toMatchObject({
      status: "failed",
      retryable: false,
      reason: expect.stringContaining("trade"),
    });
    expect(await port.provision(task({ kind: "hosting", operation: "create", name: "Start" }))).toEqual({
      status: "failed",
      retryable: false,
      reason: "hosting is provisioned by its provider, not through HRD",
    });
    expect(
      await port.provision(task({ kind: "ssl", operation: "create", details: { csr: "x" } })),
    ).toMatchObject({
      status: "failed",
      retryable: false,
    });
    expect(await port.availableBalance()).toBeGreaterThan(0);
  });
});
