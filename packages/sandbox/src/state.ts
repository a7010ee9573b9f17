import { randomBytes } from "node:crypto";
import { addPeriod, type SandboxClock } from "./clock.js";
import { DEFAULT_PRICES, type TldPrice } from "./pricing.js";

export interface SandboxUser {
  id: number;
  type: "person" | "company";
  representative?: string;
  idNumber: string;
  email: string;
  mobilePhone?: string;
  landlinePhone?: string;
  fax?: string;
  name: string;
  street: string;
  postcode: string;
  city: string;
  country: string;
  crDate: Date;
}

export interface NsHost {
  name: string;
  ipv4: string[];
  ipv6: string[];
}

export type DomainStatus =
  | "awaitingBooking"
  | "booked"
  | "bookedExpired"
  | "awaitingRegistration"
  | "registered"
  | "expired"
  | "blocked"
  | "ordered";

export interface SandboxDomain {
  name: string;
  status: DomainStatus;
  user: number;
  crDate?: Date;
  exDate?: Date;
  /** Booking (.pl reservation) end. */
  bookedUntil?: Date;
  privacy: boolean;
  ns: { group: number } | { hosts: NsHost[] };
  actions: number[];
  period: { value: number; unit: "y" | "m" | "d" };
  /** The transfer code (authInfo) another registrar's customer would need; set at registration. */
  authInfo?: string;
  /** Trade (cesja) code of the domain, `domain/tradeGetPw`. */
  tradePw?: string;
  /** Internal-transfer code (between accounts of the same partner), `domain/tradeInnerGetPw`. */
  innerPw?: string;
  /** Tech contact (partner contact id), `domain/contactSet`. */
  techContact?: number;
  /** DS records, `domain/dnssecAdd`. */
  dnssec?: DnssecRecord[];
  /** Zone on HRD's DNS (only for domains whose nameservers are HRD's). */
  zone?: Rrset[];
  /** Privacy-protection end date. */
  ppDate?: Date;
}

export interface DnssecRecord {
  alg: number;
  digestType: number;
  digest: string;
  keyTag?: number;
  keyType?: "zsk" | "ksk";
}

export interface Rrset {
  name: string;
  type: string;
  ttl: number;
  records: { content: string; disabled: boolean }[];
  comments: { content: string; account: string }[];
}

/** Glue host (`domain/host*`): a nameserver inside one of the partner's domains. */
export interface SandboxHost {
  name: string;
  ipv4: string[];
  ipv6: string[];
}

export interface SandboxNsGroup {
  id: number;
  name: string;
  ns: string[];
  added: Date;
}

export type TransferStatus = "created" | "started" | "completed" | "cancelled" | "failed" | "authinfo";

export interface SandboxTransfer {
  /** The action id of `domain/transfer` (what `transferStatus` takes). */
  id: number;
  domain: string;
  user: number;
  crDate: Date;
  assignorId?: number;
  status: TransferStatus;
  /** Sandbox: the period ordered, and the price (grosze) charged when the transfer completes. */
  period?: { value: number; unit: "y" | "m" | "d" };
  price?: number;
}

export type TradeStatus = "pending" | "confirmed" | "cancelled" | "failed" | "completed";

export interface SandboxTrade {
  /** The action id of `domain/trade`. */
  id: number;
  domain: string;
  crDate: Date;
  assignorId: number;
  assigneeId: number;
  assignorAccepted?: boolean;
  assignorDate?: Date;
  assigneeAccepted?: boolean;
  assigneeDate?: Date;
  adminConfirmationRequired: boolean;
  payerConfirmationRequired: boolean;
  status: TradeStatus;
  assignorIP?: string;
  assigneeIP?: string;
  assignorEmail?: string;
  assigneeEmail?: string;
  /** Sandbox: `cesja` (code from tradeGetPw) or `inner` (internal transfer, code from tradeInnerGetPw). */
  kind?: "cesja" | "inner";
  /** Sandbox: the fee (grosze) held while the trade runs and charged when it completes. */
  price?: number;
  /** Sandbox: deadline of a cesja (`exDate` of tradeStatus); past it a pending trade fails. */
  exDate?: Date;
  /** Sandbox: when the payer confirmed (`tradePayerConfirm`). */
  payerConfirmedDate?: Date;
  /** Sandbox: who cancelled the trade, and from which address. */
  cancelledBy?: "assignor" | "assignee" | "partner";
  cancelIP?: string;
  /** Sandbox: acceptance e-mails sent again by `partner/resendTradeMail`, per side. */
  mailsResent?: { assignor: number; assignee: number };
}

/** A .pl domain option (NASK "future"). */
export interface SandboxFuture {
  name: string;
  user: number;
  status: "awaitingRegistration" | "registered" | "expired";
  crDate?: Date;
  exDate?: Date;
}

export interface SandboxCert {
  id: number;
  product: string;
  approverEmail: string;
  csr: string;
  certContactId: number;
  insurance: boolean;
  user: number;
  status: string;
  period: { value: number; unit: "y" | "m" | "d" };
  domain?: string;
  crDate?: Date;
  exDate?: Date;
  /** PEM, once issued. */
  certificate?: string;
  /** Sandbox: when the approver "clicks" the approval e-mail (sandbox time); issued then. */
  approveAt?: Date;
  /** Sandbox: the order or renewal action that must complete (be charged) before issuance. */
  actionId?: number;
  /** Sandbox: PEM of the sandbox CA that signed `certificate` (to verify it in tests). */
  caCertificate?: string;
}

/** A certificate admin contact (`cert/contactInfo`). */
export interface SandboxCertContact {
  id: number;
  userId: number;
  fields: Record<string, string>;
}

/** A partner contact (`partner/contact*`, used as a domain's tech contact). */
export interface SandboxPartnerContact {
  id: number;
  userId?: number;
  type: "person" | "company";
  fields: Record<string, string>;
}

export interface SandboxNews {
  id: number;
  title: string;
  message: string;
  archived: boolean;
  added: Date;
}

export type ActionStatus = "pending" | "done" | "failed";

export interface SandboxAction {
  id: number;
  type: string;
  object: "domain" | "user" | "cert" | "future";
  objectName?: string;
  objectId?: number;
  status: ActionStatus;
  /** Grosze held from the balance while pending, charged when done, released when failed. */
  amount: number;
  added: Date;
  dueAt: number;
  /** Applied to the state when the action completes. */
  onDone?: (state: SandboxState) => void;
  /**
   * Asked when the action is due: a reason string makes it fail instead (held funds released,
   * nothing charged, `onFailed` applied). E.g. a transfer whose authInfo is wrong.
   */
  failure?: (state: SandboxState) => string | undefined;
  onFailed?: (state: SandboxState, reason: string) => void;
  /** Set when the action failed. */
  reason?: string;
}

export interface PollMessage {
  id: number;
  object: string;
  objectId?: number;
  objectName?: string;
  action: string;
  added: Date;
}

/** One line of the ledger: every charge the sandbox made. Proves "nothing bought twice". */
export interface LedgerEntry {
  actionId: number;
  type: string;
  /** `domain`, `future`, `cert`, … */
  object: string;
  objectName?: string;
  objectId?: number;
  amount: number;
  at: Date;
}

export interface StateOptions {
  clock: SandboxClock;
  /** Starting balance in grosze. Default 1 000 000 (10 000 zł). */
  balance?: number;
  /** Clock time an action takes to complete, ms. Default 500. */
  actionDelayMs?: number;
  /** Items per page of the list calls. Default 100. */
  pageSize?: number;
  prices?: TldPrice[];
  /** Names reported as taken from the start (besides every registered one). */
  takenNames?: string[];
}

/** Names that are "registered elsewhere" in every sandbox, so that checks show realistic results. */
export const DEFAULT_TAKEN = [
  "hrd.pl",
  "google.pl",
  "onet.pl",
  "wp.pl",
  "allegro.pl",
  "interia.pl",
  "gov.pl",
  "nask.pl",
  "google.com",
  "example.com",
  "example.net",
  "example.org",
  "wikipedia.org",
  "europa.eu",
];

/**
 * Everything the sandbox knows. Tests read it directly (`sandbox.state`) to prove what happened,
 * e.g. the ledger of charges. Time-dependent changes (actions finishing) happen in `tick()`,
 * which the server calls before every request and the clock calls when it moves.
 */
export class SandboxState {
  readonly clock: SandboxClock;
  balance: number;
  restricted = 0;
  readonly users = new Map<number, SandboxUser>();
  readonly domains = new Map<string, SandboxDomain>();
  readonly actions = new Map<number, SandboxAction>();
  readonly poll: PollMessage[] = [];
  readonly ledger: LedgerEntry[] = [];
  readonly prices: Map<string, TldPrice>;
  readonly taken: Set<string>;
  readonly tokens = new Map<string, { login: string; lastUsed: number }>();
  readonly hosts = new Map<string, SandboxHost>();
  readonly nsGroups = new Map<number, SandboxNsGroup>();
  readonly transfers = new Map<number, SandboxTransfer>();
  readonly trades = new Map<number, SandboxTrade>();
  readonly futures = new Map<string, SandboxFuture>();
  readonly certs = new Map<number, SandboxCert>();
  readonly certContacts = new Map<number, SandboxCertContact>();
  readonly partnerContacts = new Map<number, SandboxPartnerContact>();
  readonly news: SandboxNews[] = [];
  /** Partner settings (`partner/getKeys`, `partner/setKey`). */
  readonly keys = new Map<string, string>();
  /** Names held at another registrar (transfer-in sources) with their authInfo codes. */
  readonly foreign = new Map<string, { authInfo: string; registrantEmail: string }>();
  /** Extra work done on every tick by feature modules (e.g. a transfer moving to `started`). */
  readonly tickHooks: ((state: SandboxState, now: number) => void)[] = [];
  actionDelayMs: number;
  pageSize: number;
  /** When set, `domain/check` replies are split over frames of this many names (as HRD may do). */
  checkNamesPerFrame = 0;
  private nextId = { user: 1000, action: 5000, poll: 1, seq: 100 };

  constructor(options: StateOptions) {
    this.clock = options.clock;
    this.balance = options.balance ?? 1_000_000;
    this.actionDelayMs = options.actionDelayMs ?? 500;
    this.pageSize = options.pageSize ?? 100;
    this.prices = new Map((options.prices ?? DEFAULT_PRICES).map((p) => [p.tld, p]));
    this.taken = new Set(options.takenNames ?? DEFAULT_TAKEN);
    this.clock.onChange(() => this.tick());
  }

  /** Funds not held by running actions. */
  get available(): number {
    return this.balance - this.restricted;
  }

  newUserId(): number {
    return ++this.nextId.user;
  }

  /** A fresh id for groups, certificates, contacts and news (one sequence keeps them distinct). */
  newId(): number {
    return ++this.nextId.seq;
  }

  newToken(login: string): string {
    const t = randomBytes(24).toString("base64");
    this.tokens.set(t, { login, lastUsed: this.clock.nowMs() });
    return t;
  }

  /**
   * Starts an action; a billable one holds `amount` from the balance (`restrictedBalance`) until
   * it completes. Returns the action id.
   */
  startAction(spec: Omit<SandboxAction, "id" | "status" | "added" | "dueAt">): SandboxAction {
    const now = this.clock.nowMs();
    const action: SandboxAction = {
      ...spec,
      id: ++this.nextId.action,
      status: "pending",
      added: new Date(now),
      dueAt: now + this.actionDelayMs,
    };
    this.restricted += action.amount;
    this.actions.set(action.id, action);
    // Only a domain's own actions are listed in its domain/info (an option or a certificate on the
    // same name is another object).
    if (action.object === "domain" && action.objectName)
      this.domains.get(action.objectName)?.actions.push(action.id);
    return action;
  }

  /** Completes every action whose time has come, in order; expires domains past their date. */
  tick(): void {
    const now = this.clock.nowMs();
    for (const action of this.actions.values()) {
      if (action.status !== "pending" || action.dueAt > now) continue;
      this.restricted -= action.amount;
      const reason = action.failure?.(this);
      if (reason !== undefined) {
        action.status = "failed";
        action.reason = reason;
        action.onFailed?.(this, reason);
        this.pushPoll(action);
        continue;
      }
      this.balance -= action.amount;
      action.status = "done";
      if (action.amount > 0) {
        this.ledger.push({
          actionId: action.id,
          type: action.type,
          object: action.object,
          objectName: action.objectName,
          objectId: action.objectId,
          amount: action.amount,
          at: new Date(action.dueAt),
        });
      }
      action.onDone?.(this);
      this.pushPoll(action);
    }
    for (const hook of this.tickHooks) hook(this, now);
    for (const d of this.domains.values()) {
      if (d.status === "registered" && d.exDate && d.exDate.getTime() <= now) d.status = "expired";
      if (d.status === "booked" && d.bookedUntil && d.bookedUntil.getTime() <= now)
        d.status = "bookedExpired";
    }
  }

  private pushPoll(action: SandboxAction): void {
    this.poll.push({
      id: this.nextId.poll++,
      object: action.object,
      objectId: action.objectId,
      objectName: action.objectName,
      action: action.type,
      added: new Date(action.dueAt),
    });
  }

  /** Sum of all charges (grosze). */
  get charged(): number {
    return this.ledger.reduce((s, e) => s + e.amount, 0);
  }

  registrationEnd(from: Date, period: SandboxDomain["period"]): Date {
    return addPeriod(from, period.value, period.unit);
  }
}
