/**
 * Billing's ProvisioningPort over the SDK, hosted by the bridge: `activateProforma(db, …, { port:
 * hrdProvisioner(hrd), issueInvoice })`. Every task looks at HRD's state before it buys, so a task
 * run again after a crash (billing re-runs a task it finds `running` or failed with an unknown
 * outcome) recognises what already reached HRD instead of buying it twice:
 * - domains: ensureDomainRegistered / ensureDomainRenewed / ensureDomainTransferred;
 * - .pl options: ensureOptionCreated; a renewal reads futureInfo first (expiry already past the
 *   task's currentExpiresOn → it was renewed);
 * - certificates: an order on a re-run (attempt > 1) first walks cert/list + cert/info for an
 *   order of the same CSR, product and account, and orders (orderCertificateOnce) only when there
 *   is none; a renewal reads cert/info first (expiry already past currentExpiresOn, or a renewal
 *   awaiting approval → renewed). The first attempt of a task does not look: nothing can have
 *   been ordered for it yet, and the same CSR may be ordered again on purpose in a later order.
 * What HRD cannot do here (a trade, hosting) fails for good, with the reason.
 */
import type { ProvisioningPort, ProvisioningTask, ProvisionResult } from "@hrdkit/billing";
import { CERT_PRODUCTS, type CertProduct, HrdApiError, type HrdClient } from "@hrdkit/sdk";

const DEFAULT_NS = ["ns1.hrd.pl", "ns2.hrd.pl"];

const day = (iso: string | undefined) => iso?.slice(0, 10);

/** The base64 body of a PEM request, whatever its line breaks and header variant. */
const normalisePem = (pem: string | undefined) =>
  (pem ?? "").replace(/-----(BEGIN|END) (NEW )?CERTIFICATE REQUEST-----/g, "").replace(/\s+/g, "");

const failed = (reason: string, retryable = false): ProvisionResult => ({
  status: "failed",
  reason,
  retryable,
});

export interface HrdProvisionerOptions {
  /** Time between two action/info reads while waiting for an action, ms. Default 1 000. */
  waitIntervalMs?: number;
  /** Longest wait for an action, ms. Default 120 000. */
  waitTimeoutMs?: number;
  /** Called with every task before it runs (logging, tests counting calls). */
  onTask?: (task: ProvisioningTask) => void;
  /**
   * The certificate product of an `ssl` task when its line details carry none (`details.product`):
   * billing's task does not say which service it came from.
   */
  certificateProduct?: (task: ProvisioningTask) => string | undefined | Promise<string | undefined>;
}

export function hrdProvisioner(hrd: HrdClient, options: HrdProvisionerOptions = {}): ProvisioningPort {
  const wait = async (actionId: number | undefined) => {
    if (actionId !== undefined)
      await hrd.waitForAction(actionId, {
        intervalMs: options.waitIntervalMs ?? 1_000,
        timeoutMs: options.waitTimeoutMs,
      });
  };

  async function domain(
    task: ProvisioningTask,
    user: number | null,
    period: number,
  ): Promise<ProvisionResult> {
    if (task.operation === "trade") {
      return failed(
        "a trade (cesja) is not carried out through HRD's API: the registrant signs it at HRD; follow it with GET /v1/domains/{domain}/trade",
      );
    }
    if (user === null && task.operation !== "renew")
      return failed("the customer has no registrant account at HRD (hrdUserId)");
    if (task.operation === "register") {
      const ns = (task.details.ns as string[] | undefined) ?? DEFAULT_NS;
      const r = await hrd.ensureDomainRegistered({ name: task.name, user: user!, period, ns });
      await wait(r.actionId);
      const info = await hrd.domain.info({ name: task.name });
      return { status: "done", expiresOn: day(info.exDate), startsOn: day(info.crDate), hrdRef: task.name };
    }
    if (task.operation === "renew") {
      if (!task.currentExpiresOn) return failed("no current expiry to renew");
      const r = await hrd.ensureDomainRenewed({
        name: task.name,
        currentExpirationDate: task.currentExpiresOn,
        period,
      });
      await wait(r.actionId);
      const info = await hrd.domain.info({ name: task.name });
      return { status: "done", expiresOn: day(info.exDate), hrdRef: task.name };
    }
    if (task.operation === "transfer") {
      const r = await hrd.ensureDomainTransferred({
        name: task.name,
        user: user!,
        period,
        authInfo: String(task.details.authInfo ?? ""),
      });
      return {
        status: "done",
        hrdRef: task.name,
        details: r.actionId === undefined ? {} : { actionId: r.actionId },
      };
    }
    return failed(`domain/${task.operation} is not provisioned here`);
  }

  async function option(task: ProvisioningTask, user: number | null): Promise<ProvisionResult> {
    if (task.operation === "create") {
      if (user === null) return failed("the customer has no registrant account at HRD (hrdUserId)");
      const r = await hrd.ensureOptionCreated({ name: task.name, user });
      await wait(r.actionId);
      const info = await hrd.domain.futureInfo({ name: task.name });
      return { status: "done", expiresOn: day(info.exDate), startsOn: day(info.crDate), hrdRef: task.name };
    }
    if (task.operation === "renew") {
      if (!task.currentExpiresOn) return failed("no current expiry to renew");
      const before = await hrd.domain.futureInfo({ name: task.name });
      const current = day(before.exDate) ?? "";
      if (current > task.currentExpiresOn) {
        // Renewed already (by an earlier attempt whose answer was lost).
        return { status: "done", expiresOn: current, hrdRef: task.name };
      }
      if (current !== task.currentExpiresOn) {
        return failed(
          `the option on ${task.name} expires on ${current || "(no date)"}, not on ${task.currentExpiresOn}`,
        );
      }
      const r = await hrd.domain.futureRenew({
        name: task.name,
        currentExpirationDate: task.currentExpiresOn,
      });
      await wait(r.actionId);
      const info = await hrd.domain.futureInfo({ name: task.name });
      return { status: "done", expiresOn: day(info.exDate), hrdRef: task.name };
    }
    return failed(`option/${task.operation} is not provisioned here`);
  }

  /** An order of this CSR, product and account already at HRD (the newest), if any. */
  async function findCertificate(product: string, csr: string, user: number): Promise<number | undefined> {
    const ids: number[] = [];
    for await (const id of hrd.iterate("cert/list", {})) ids.push(id);
    for (const id of ids.sort((a, b) => b - a)) {
      const info = await hrd.cert.info({ id });
      if (info.product === product && info.user === user && normalisePem(info.csr) === normalisePem(csr))
        return id;
    }
    return undefined;
  }

  async function certificateDone(certId: number): Promise<ProvisionResult> {
    const info = await hrd.cert.info({ id: certId }).catch(() => undefined);
    return {
      status: "done",
      hrdRef: String(certId),
      expiresOn: day(info?.exDate),
      startsOn: day(info?.crDate),
      details: { certId, certStatus: info?.status ?? "ordered" },
    };
  }

  async function ssl(task: ProvisioningTask, user: number | null, period: number): Promise<ProvisionResult> {
    const d = task.details;
    if (task.operation === "create") {
      if (user === null) return failed("the customer has no registrant account at HRD (hrdUserId)");
      const product =
        task.product ?? (d.product as string | undefined) ?? (await options.certificateProduct?.(task));
      if (!product) return failed("the certificate's product is not known (details.product)");
      if (!(CERT_PRODUCTS as readonly string[]).includes(product))
        return failed(`${product} is not an HRD certificate product`);
      const csr = d.csr;
      const approverEmail = d.approverEmail;
      if (typeof csr !== "string" || typeof approverEmail !== "string")
        return failed("the certificate order needs details.csr and details.approverEmail");
      if (d.adminContact === undefined && d.certContactId === undefined)
        return failed("the certificate order needs details.adminContact or details.certContactId");
      // A re-run: the first attempt may have ordered it before the answer was lost.
      if (task.attempt > 1) {
        const found = await findCertificate(product, csr, user);
        if (found !== undefined) return certificateDone(found);
      }
      const o = await hrd.orderCertificateOnce({
        product: product as CertProduct,
        csr,
        approverEmail,
        ...(d.adminContact !== undefined
          ? { adminContact: d.adminContact as never }
          : { certContactId: Number(d.certContactId) }),
        userId: user,
        period,
      });
      return certificateDone(o.certId);
    }
    if (task.operation === "renew") {
      const certId = Number(d.certId ?? d.hrdRef);
      if (!Number.isSafeInteger(certId) || certId <= 0)
        return failed("the certificate to renew is not known (details.certId)");
      if (!task.currentExpiresOn) return failed("no current expiry to renew");
      const before = await hrd.cert.info({ id: certId });
      const current = day(before.exDate) ?? "";
      // Renewed already, or a renewal placed and awaiting the approver (HRD refuses another one then).
      if (current > task.currentExpiresOn || (current !== "" && before.status === "awaitingApproval"))
        return certificateDone(certId);
      if (current !== task.currentExpiresOn) {
        return failed(
          `certificate ${certId} expires on ${current || "(no date)"}, not on ${task.currentExpiresOn}`,
        );
      }
      const r = await hrd.cert.renew({
        id: certId,
        period,
        csr: typeof d.csr === "string" ? d.csr : undefined,
        approverEmail: typeof d.approverEmail === "string" ? d.approverEmail : undefined,
      });
      return certificateDone(r.certId);
    }
    return failed(`ssl/${task.operation} is not provisioned here`);
  }

  async function run(task: ProvisioningTask): Promise<ProvisionResult> {
    const user = task.hrdUserId;
    const period = task.period ?? 1;
    switch (task.kind) {
      case "domain":
        return domain(task, user, period);
      case "option":
        return option(task, user);
      case "ssl":
        return ssl(task, user, period);
      case "hosting":
        return failed("hosting is provisioned by its provider, not through HRD");
      default:
        return failed(`${String(task.kind)}/${task.operation} is not provisioned here`);
    }
  }

  return {
    async provision(task) {
      options.onTask?.(task);
      try {
        return await run(task);
      } catch (err) {
        // HRD refused: a failure to show, not to retry blindly. Anything else (a broken
        // connection, an outcome still unknown) is thrown: the task stays retryable.
        if (err instanceof HrdApiError) return failed(err.message);
        throw err;
      }
    },
    async availableBalance() {
      const b = await hrd.partner.getBalance();
      return b.balance.grosze - b.restrictedBalance.grosze;
    },
  };
}
