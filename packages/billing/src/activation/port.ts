/**
 * What activation needs from HRD, as an interface: billing never imports the SDK. The bridge
 * implements it with `@hrdkit/sdk` (its "make sure" calls), the tests with the sandbox.
 */
export interface ProvisioningTask {
  taskId: number;
  proformaId: number;
  position: number;
  kind: "domain" | "option" | "ssl" | "hosting";
  operation: "register" | "renew" | "transfer" | "trade" | "create";
  /** Domain name (Unicode), option name, certificate common name, hosting package label. */
  name: string;
  /** Years. */
  period: number | null;
  /** The catalog product of an `ssl` or `hosting` service (e.g. "Positive SSL"); null for domains and options. */
  product: string | null;
  /** From the proforma line: nameservers, authInfo, CSR, approver e-mail, … */
  details: Record<string, unknown>;
  customerId: number;
  /** The customer's registrant account at HRD (`user`), when known. */
  hrdUserId: number | null;
  customerServiceId: number | null;
  /** For renewals: the expiry the renewal extends (HRD's currentExpirationDate). */
  currentExpiresOn: string | null;
  /** The same for every attempt of this task: a provisioner may use it to recognise its own earlier work. */
  idempotencyKey: string;
  /** 1 for the first attempt. */
  attempt: number;
}

export type ProvisionResult =
  | {
      status: "done";
      /** The service's new expiry, `YYYY-MM-DD`. */
      expiresOn?: string;
      startsOn?: string;
      /** HRD's reference: action id, certificate id, … */
      hrdRef?: string;
      details?: Record<string, unknown>;
    }
  | { status: "failed"; reason: string; retryable: boolean };

export interface ProvisioningPort {
  /**
   * Carries out one task at HRD. MUST be safe to call again for the same task (after a crash,
   * a task found `running` is run again): look at HRD's state first and buy only what is not
   * there — the SDK's ensureDomainRegistered / ensureDomainRenewed / … do exactly that.
   */
  provision(task: ProvisioningTask): Promise<ProvisionResult>;
  /** The partner's HRD balance available for new orders, grosze (HRD's balance − held). */
  availableBalance(): Promise<number>;
}
