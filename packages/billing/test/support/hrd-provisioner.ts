/**
 * A ProvisioningPort over the SDK, as the bridge implements it: every task goes through a "make
 * sure" call, so running a task again (after a crash) looks at HRD's state first and never buys
 * twice. Tests run it against the sandbox.
 */
import type { ProvisioningPort, ProvisioningTask, ProvisionResult } from "@hrdkit/billing";
import { HrdApiError, type HrdClient } from "@hrdkit/sdk";

const DEFAULT_NS = ["ns1.hrd.pl", "ns2.hrd.pl"];

const day = (iso: string | undefined) => iso?.slice(0, 10);

export function hrdProvisioner(
  hrd: HrdClient,
  options: { waitIntervalMs?: number } = {},
): ProvisioningPort & {
  calls: ProvisioningTask[];
} {
  const calls: ProvisioningTask[] = [];
  const wait = async (actionId: number | undefined) => {
    if (actionId !== undefined)
      await hrd.waitForAction(actionId, { intervalMs: options.waitIntervalMs ?? 5 });
  };
  async function run(task: ProvisioningTask): Promise<ProvisionResult> {
    const user = task.hrdUserId;
    const period = task.period ?? 1;
    if (task.kind === "domain") {
      if (user === null && task.operation !== "renew") {
        return {
          status: "failed",
          reason: "the customer has no registrant account at HRD",
          retryable: false,
        };
      }
      if (task.operation === "register") {
        const ns = (task.details.ns as string[] | undefined) ?? DEFAULT_NS;
        const r = await hrd.ensureDomainRegistered({ name: task.name, user: user!, period, ns });
        await wait(r.actionId);
        const info = await hrd.domain.info({ name: task.name });
        return { status: "done", expiresOn: day(info.exDate), startsOn: day(info.crDate), hrdRef: task.name };
      }
      if (task.operation === "renew") {
        if (!task.currentExpiresOn)
          return { status: "failed", reason: "no current expiry to renew", retryable: false };
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
        return { status: "done", hrdRef: r.actionId === undefined ? task.name : String(r.actionId) };
      }
    }
    if (task.kind === "option" && task.operation === "create" && user !== null) {
      const r = await hrd.ensureOptionCreated({ name: task.name, user });
      await wait(r.actionId);
      const info = await hrd.domain.futureInfo({ name: task.name });
      return { status: "done", expiresOn: day(info.exDate), hrdRef: task.name };
    }
    return {
      status: "failed",
      reason: `${task.kind}/${task.operation} is not provisioned here`,
      retryable: false,
    };
  }
  return {
    calls,
    async provision(task) {
      calls.push(task);
      try {
        return await run(task);
      } catch (err) {
        // HRD refused: a failure to show, not to retry blindly. Anything else (a broken
        // connection, an outcome still unknown) is thrown: the task stays retryable.
        if (err instanceof HrdApiError) return { status: "failed", reason: err.message, retryable: false };
        throw err;
      }
    },
    async availableBalance() {
      const b = await hrd.partner.getBalance();
      return b.balance.grosze - b.restrictedBalance.grosze;
    },
  };
}
