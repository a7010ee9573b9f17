/**
 * "Make sure" calls: the reconciliation a careful integrator writes by hand after an
 * outcome-unknown error, done once, here. Each looks at HRD's state first, buys only what is not
 * there, and when a purchase ends with an unknown outcome (the connection broke after the request
 * left) reads the state again to learn whether it was applied — never resending blindly.
 */
import type { HrdClient } from "./client.js";
import { HrdApiError, HrdError, HrdOutcomeUnknownError } from "./errors.js";
import type { InputOf, OutputOf } from "./ops/define.js";
import type { Operations } from "./ops/index.js";

type DomainInfo = OutputOf<Operations["domain/info"]>;

export interface EnsureOptions {
  /** Purchases attempted at most, counting the ones whose outcome stayed unknown. Default 4. */
  maxAttempts?: number;
  /** Retries of each state read (reads are safe to repeat). Default 8. */
  readRetries?: number;
  signal?: AbortSignal;
}

export interface EnsureRegisteredResult {
  /**
   * `registered`: this call bought it (possibly on a request whose reply was lost — `actionId` is
   * then unknown). `alreadyRegistered`: it was in the account before this call; nothing was bought.
   */
  outcome: "registered" | "alreadyRegistered";
  /** The registration's action id, when the reply carrying it arrived. */
  actionId?: number;
  /** The domain as HRD shows it after the call (absent only if that last read failed). */
  domain?: DomainInfo;
  /** Purchase requests sent (0 when it was already there). */
  attempts: number;
  /** True when a purchase request's outcome was unknown (lost request or reply) and settled by reading state. */
  reconciled: boolean;
}

export interface EnsureRenewedResult {
  /** `renewed`: this call renewed it. `alreadyRenewed`: its expiry was already past `currentExpirationDate`. */
  outcome: "renewed" | "alreadyRenewed";
  actionId?: number;
  domain?: DomainInfo;
  attempts: number;
  /** True when a purchase request's outcome was unknown (lost request or reply) and settled by reading state. */
  reconciled: boolean;
}

/** Statuses in which a name counts as bought for its account (registered or on its way there). */
const HELD = new Set(["awaitingRegistration", "registered", "ordered", "expired", "blocked"]);

/** `domain/info`, or undefined when HRD answers that the name is not in the partner's account. */
export async function findDomain(
  client: HrdClient,
  name: string,
  options: EnsureOptions = {},
): Promise<DomainInfo | undefined> {
  try {
    return await client.call(
      "domain/info",
      { name },
      { retries: options.readRetries ?? 8, signal: options.signal },
    );
  } catch (err) {
    // HRD refuses domain/info for names the partner does not manage: that refusal is the answer.
    if (err instanceof HrdApiError) return undefined;
    throw err;
  }
}

function conflict(message: string, operation: string): HrdError {
  return new HrdError(message, { code: "conflict", retryable: false, outcome: "not_sent", operation });
}

/**
 * Makes sure `input.name` is registered to account `input.user`: looks first, registers only if it
 * is not there, and resolves an unknown outcome by reading the domain again.
 * Throws HrdValidationError (nothing sent) for bad input, an HrdError of code `conflict` when the
 * name is in the partner's account under another registrant account, and HrdApiError when HRD
 * refuses the registration (taken, no funds, …).
 * @example
 * ```ts
 * const r = await hrd.ensureDomainRegistered({ name: "sklep.pl", user: 1234, ns: ["ns1.hrd.pl", "ns2.hrd.pl"] });
 * console.log(r.outcome); // "registered" or "alreadyRegistered"
 * ```
 */
export async function ensureDomainRegistered(
  client: HrdClient,
  input: InputOf<Operations["domain/create"]>,
  options: EnsureOptions = {},
): Promise<EnsureRegisteredResult> {
  const wire = client.validate("domain/create", input) as { name: string; user: number };
  const maxAttempts = options.maxAttempts ?? 4;
  let attempts = 0;
  let unknown: HrdOutcomeUnknownError | undefined;
  for (;;) {
    const found = await findDomain(client, wire.name, options);
    if (
      found &&
      (found.status === "booked" || found.status === "awaitingBooking") &&
      found.user === wire.user
    ) {
      // The account's own .pl reservation: registering it is what was asked.
    } else if (found && HELD.has(found.status)) {
      if (found.user !== undefined && found.user !== wire.user) {
        throw conflict(
          `${found.name} is in the partner's account under registrant account ${found.user}, not ${wire.user}`,
          "domain/create",
        );
      }
      return {
        outcome: attempts > 0 ? "registered" : "alreadyRegistered",
        domain: found,
        attempts,
        reconciled: unknown !== undefined,
      };
    }
    if (attempts >= maxAttempts)
      throw unknown ?? conflict(`${wire.name} could not be registered`, "domain/create");
    attempts++;
    try {
      const { actionId } = await client.call("domain/create", input, { signal: options.signal });
      const domain = await findDomain(client, wire.name, options).catch(() => undefined);
      return { outcome: "registered", actionId, domain, attempts, reconciled: unknown !== undefined };
    } catch (err) {
      if (!(err instanceof HrdOutcomeUnknownError)) throw err;
      unknown = err; // read the state again before anything else
    }
  }
}

/** Compares HRD dates (`YYYY-MM-DD…`) by their day. */
function day(d: string | undefined): string {
  return (d ?? "").slice(0, 10);
}

/**
 * Makes sure a domain is renewed past `currentExpirationDate`: renews only while HRD still shows
 * that expiry, and after an unknown outcome reads the domain (and its new actions) to learn
 * whether the renewal was applied. HRD itself refuses a renewal whose `currentExpirationDate` is
 * stale, so even a careless retry could not pay twice; this call never tries.
 * @example
 * ```ts
 * const r = await hrd.ensureDomainRenewed({ name: "sklep.pl", currentExpirationDate: "2027-03-01", period: 1 });
 * ```
 */
export async function ensureDomainRenewed(
  client: HrdClient,
  input: InputOf<Operations["domain/renew"]>,
  options: EnsureOptions = {},
): Promise<EnsureRenewedResult> {
  const wire = client.validate("domain/renew", input) as { name: string; currentExpirationDate: string };
  const maxAttempts = options.maxAttempts ?? 4;
  let attempts = 0;
  let before: Set<number> | undefined;
  let unknown: HrdOutcomeUnknownError | undefined;
  for (;;) {
    const found = await findDomain(client, wire.name, options);
    if (!found) throw conflict(`${wire.name} is not in the partner's account`, "domain/renew");
    before ??= new Set(found.actions);
    const current = day(found.exDate);
    if (current > wire.currentExpirationDate) {
      return {
        outcome: attempts > 0 ? "renewed" : "alreadyRenewed",
        domain: found,
        attempts,
        reconciled: unknown !== undefined,
      };
    }
    if (attempts > 0) {
      // Expiry not moved yet: a renewal HRD accepted may still be an action in progress. (HRD's action
      // type strings are not documented; "renew" is what the sandbox and the operation name use.)
      for (const id of found.actions.filter((a) => !before!.has(a))) {
        const action = await client.call(
          "action/info",
          { id },
          { retries: options.readRetries ?? 8, signal: options.signal },
        );
        if (action.type === "renew" && action.status !== "failed") {
          return {
            outcome: "renewed",
            actionId: id,
            domain: found,
            attempts,
            reconciled: unknown !== undefined,
          };
        }
      }
    }
    if (current !== wire.currentExpirationDate) {
      throw conflict(
        `${wire.name} expires on ${current || "(no date)"}, not on ${wire.currentExpirationDate}`,
        "domain/renew",
      );
    }
    if (attempts >= maxAttempts) throw unknown!;
    attempts++;
    try {
      const { actionId } = await client.call("domain/renew", input, { signal: options.signal });
      const domain = await findDomain(client, wire.name, options).catch(() => undefined);
      return { outcome: "renewed", actionId, domain, attempts, reconciled: unknown !== undefined };
    } catch (err) {
      if (!(err instanceof HrdOutcomeUnknownError)) throw err;
      unknown = err;
    }
  }
}

export interface EnsureTransferResult {
  /**
   * `transferOrdered`: this call ordered the transfer (follow `actionId` or `domain/transferStatus`).
   * `alreadyInAccount`: the name was in the account (transferred, or on its way) before this call.
   */
  outcome: "transferOrdered" | "alreadyInAccount";
  actionId?: number;
  domain?: DomainInfo;
  attempts: number;
  /** True when a purchase request's outcome was unknown (lost request or reply) and settled by reading state. */
  reconciled: boolean;
}

/**
 * Makes sure a transfer-in of `input.name` to account `input.user` has been ordered: looks first,
 * orders only if the name is not in the account, and after an unknown outcome reads the domain
 * again. This relies on a running transfer being visible in domain/info (status `ordered`), as in
 * the sandbox; HRD does not document it — verify against the real API before relying on it.
 * @example
 * ```ts
 * const t = await hrd.ensureDomainTransferred({ name: "example.pl", user: 1234, authInfo: code });
 * if (t.actionId) await hrd.waitForAction(t.actionId);
 * ```
 */
export async function ensureDomainTransferred(
  client: HrdClient,
  input: InputOf<Operations["domain/transfer"]>,
  options: EnsureOptions = {},
): Promise<EnsureTransferResult> {
  const wire = client.validate("domain/transfer", input) as { name: string; user: number };
  const maxAttempts = options.maxAttempts ?? 4;
  let attempts = 0;
  let unknown: HrdOutcomeUnknownError | undefined;
  for (;;) {
    const found = await findDomain(client, wire.name, options);
    if (found) {
      if (found.user !== undefined && found.user !== wire.user) {
        throw conflict(
          `${found.name} is in the partner's account under registrant account ${found.user}, not ${wire.user}`,
          "domain/transfer",
        );
      }
      return {
        outcome: attempts > 0 ? "transferOrdered" : "alreadyInAccount",
        actionId: attempts > 0 ? found.actions.at(-1) : undefined,
        domain: found,
        attempts,
        reconciled: unknown !== undefined,
      };
    }
    if (attempts >= maxAttempts)
      throw unknown ?? conflict(`${wire.name} could not be transferred`, "domain/transfer");
    attempts++;
    try {
      const { actionId } = await client.call("domain/transfer", input, { signal: options.signal });
      const domain = await findDomain(client, wire.name, options).catch(() => undefined);
      return { outcome: "transferOrdered", actionId, domain, attempts, reconciled: unknown !== undefined };
    } catch (err) {
      if (!(err instanceof HrdOutcomeUnknownError)) throw err;
      unknown = err;
    }
  }
}

type OptionInfo = OutputOf<Operations["domain/futureInfo"]>;

export interface EnsureOptionResult {
  /** `optionCreated`: this call set it up. `alreadyHeld`: the account held a live option before. */
  outcome: "optionCreated" | "alreadyHeld";
  actionId?: number;
  option?: OptionInfo;
  attempts: number;
  /** True when a purchase request's outcome was unknown (lost request or reply) and settled by reading state. */
  reconciled: boolean;
}

/**
 * Makes sure account `input.user` holds a .pl option on `input.name`: looks first (futureInfo),
 * creates only if there is none, and after an unknown outcome reads the option again.
 * @example
 * ```ts
 * const o = await hrd.ensureOptionCreated({ name: "sklep.pl", user: 1234 });
 * ```
 */
export async function ensureOptionCreated(
  client: HrdClient,
  input: InputOf<Operations["domain/futureCreate"]>,
  options: EnsureOptions = {},
): Promise<EnsureOptionResult> {
  const wire = client.validate("domain/futureCreate", input) as { name: string; user: number };
  const maxAttempts = options.maxAttempts ?? 4;
  let attempts = 0;
  let unknown: HrdOutcomeUnknownError | undefined;
  const read = async () => {
    try {
      return await client.call(
        "domain/futureInfo",
        { name: wire.name },
        { retries: options.readRetries ?? 8, signal: options.signal },
      );
    } catch (err) {
      if (err instanceof HrdApiError) return undefined; // no option on this name in the account
      throw err;
    }
  };
  for (;;) {
    const found = await read();
    if (found && found.status !== "expired") {
      if (found.user !== wire.user) {
        throw conflict(
          `${wire.name} has an option held by registrant account ${found.user}`,
          "domain/futureCreate",
        );
      }
      return {
        outcome: attempts > 0 ? "optionCreated" : "alreadyHeld",
        option: found,
        attempts,
        reconciled: unknown !== undefined,
      };
    }
    if (attempts >= maxAttempts)
      throw unknown ?? conflict(`${wire.name}: option not created`, "domain/futureCreate");
    attempts++;
    try {
      const { actionId } = await client.call("domain/futureCreate", input, { signal: options.signal });
      const option = await read().catch(() => undefined);
      return { outcome: "optionCreated", actionId, option, attempts, reconciled: unknown !== undefined };
    } catch (err) {
      if (!(err instanceof HrdOutcomeUnknownError)) throw err;
      unknown = err;
    }
  }
}

export interface OrderCertificateResult {
  /** Always `ordered`: this call placed exactly one order (a certificate order has no natural key to find an earlier one by). */
  outcome: "ordered";
  certId: number;
  /** Absent when the order arrived but the reply carrying these was lost. */
  actionId?: number;
  certContactId?: number;
  /** Order requests sent. */
  attempts: number;
  /** True when a purchase request's outcome was unknown (lost request or reply) and settled by reading state. */
  reconciled: boolean;
}

/** The base64 body of a PEM request, whatever its line breaks and header variant. */
const normalisePem = (pem: string | undefined) =>
  (pem ?? "").replace(/-----(BEGIN|END) (NEW )?CERTIFICATE REQUEST-----/g, "").replace(/\s+/g, "");

async function certIds(client: HrdClient, options: EnsureOptions): Promise<Set<number>> {
  const ids = new Set<number>();
  for await (const id of client.iterate(
    "cert/list",
    {},
    { retries: options.readRetries ?? 8, signal: options.signal },
  )) {
    ids.add(id);
  }
  return ids;
}

/**
 * Orders one certificate for a CSR — exactly once. A certificate order has no natural key at HRD
 * (the same CSR may be ordered twice on purpose), so this notes the account's certificates before
 * ordering, and after an unknown outcome looks only at the new ones for an order of the same
 * product, account and CSR: found means it arrived; not found means it is ordered again.
 * @example
 * ```ts
 * const { certId } = await hrd.orderCertificateOnce({ product: "Positive SSL", approverEmail: "admin@sklep.pl", csr, certContactId: 7, userId: 1234 });
 * ```
 */
export async function orderCertificateOnce(
  client: HrdClient,
  input: InputOf<Operations["cert/create"]>,
  options: EnsureOptions = {},
): Promise<OrderCertificateResult> {
  const wire = client.validate("cert/create", input) as { product: string; csr: string; userId: number };
  const maxAttempts = options.maxAttempts ?? 4;
  let before = await certIds(client, options);
  let unknown: HrdOutcomeUnknownError | undefined;
  for (let attempts = 1; attempts <= maxAttempts; attempts++) {
    try {
      const r = await client.call("cert/create", input, { signal: options.signal });
      return {
        outcome: "ordered",
        certId: r.certId,
        actionId: r.actionId,
        certContactId: r.certContactId,
        attempts,
        reconciled: unknown !== undefined,
      };
    } catch (err) {
      if (!(err instanceof HrdOutcomeUnknownError)) throw err;
      unknown = err;
    }
    const after = await certIds(client, options);
    for (const id of [...after].filter((i) => !before.has(i)).sort((a, b) => a - b)) {
      const info = await client.call(
        "cert/info",
        { id },
        { retries: options.readRetries ?? 8, signal: options.signal },
      );
      if (
        info.product === wire.product &&
        info.user === wire.userId &&
        normalisePem(info.csr) === normalisePem(wire.csr)
      ) {
        return {
          outcome: "ordered",
          certId: id,
          certContactId: info.certContactId,
          attempts,
          reconciled: true,
        };
      }
    }
    before = after;
  }
  throw unknown!;
}
