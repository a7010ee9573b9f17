/**
 * Transfer-in and trade (cesja). Conventions (documented in docs/guide/transfer.*.md):
 *
 * Transfer-in
 * - A name can be transferred in when it is registered elsewhere (`domain/check` says taken:
 *   DEFAULT_TAKEN names, `taken-…` names, or a name in `state.foreign`) and is not in the partner's
 *   own domains.
 * - Its valid authInfo is `state.foreign.get(name).authInfo` when the name is there; otherwise any
 *   code is valid unless it starts with `zly-` or `bad-` (case-insensitive).
 * - Timing, in sandbox-clock units of `actionDelayMs` (d) after the order: `created` → at d the
 *   registry checks the code: `started` (valid) or `authinfo` (wrong: the action fails, nothing is
 *   charged) → at 2d `completed`: the action is done, the transfer price is charged, the domain is in
 *   the account. With d = 0 everything happens on the next request.
 *
 * Trade
 * - `tradeGetPw` gives the cesja code, `tradeInnerGetPw` the internal-transfer code (the sandbox's
 *   reading of HRD's ambiguous docs). Both are made on first request and stay until a trade completes.
 * - A cesja waits for both sides (acceptTrade(), or automatically d after the order for a side whose
 *   account e-mail contains `+akceptuj`), then for `tradePayerConfirm` when it costs money, then
 *   completes d later: the fee is charged, the domain moves to the assignee. Deadline 14 days.
 * - An internal transfer needs no acceptance and no fee: it completes d after the order.
 */
import { randomBytes } from "node:crypto";
import type { XmlTree } from "@hrdkit/sdk";
import { hrdDateTime } from "../clock.js";
import { isPlFamily } from "../pricing.js";
import type { SandboxDomain, SandboxState, SandboxTrade, SandboxTransfer } from "../state.js";
import {
  availability,
  domainArg,
  domainOf,
  type Handler,
  hold,
  MESSAGES,
  num,
  periodOf,
  requirePrice,
  SandboxRefusal,
  text,
  userOf,
  years,
} from "./common.js";

/** This area's messages (Polish, like HRD's panel). None of them repeats a code. */
export const TRANSFER_MESSAGES = {
  alreadyOurs: "Domena jest już na koncie partnera — transfer nie jest potrzebny",
  notElsewhere:
    "Domena nie jest zarejestrowana u innego rejestratora, więc nie można jej przenieść (wolną domenę zarejestruj)",
  transferInProgress: "Transfer tej domeny jest już w toku",
  badAuthInfo: "Nieprawidłowy kod authInfo (kod transferu) dla tej domeny",
  noTransfer: "Transfer o podanym identyfikatorze nie istnieje",
  authInfoTlds: "Sprawdzenie kodu authInfo jest dostępne tylko dla domen .pl i .eu",
  notRegistered: "Domena nie jest zarejestrowana",
  noTrade: "Cesja o podanym identyfikatorze nie istnieje",
  tradeInProgress: "Cesja lub transfer wewnętrzny tej domeny jest już w toku",
  badTradePw: "Nieprawidłowy kod cesji dla tej domeny",
  noCesjaPrice: "Cesja domen w tym rozszerzeniu nie jest dostępna (brak ceny cesji w cenniku)",
  sameUser: "Domena jest już przypisana do tego abonenta",
  notTradeable: "Domeny w tym stanie nie można przekazać (musi być zarejestrowana)",
  tradeCompleted: "Cesja została już zakończona — nie można jej anulować",
  tradeCancelled: "Cesja została już anulowana",
  tradeFailed: "Cesja zakończyła się niepowodzeniem",
  notConfirmed: "Cesja nie została jeszcze zaakceptowana przez obie strony",
  noPayerConfirmation: "Ta cesja nie wymaga potwierdzenia płatnika",
  payerConfirmed: "Płatność za tę cesję została już potwierdzona",
  notAwaitingAcceptance: "Cesja nie oczekuje na akceptację stron",
  notParty: "Abonent nie jest stroną tej cesji",
  innerNoMail: "Transfer wewnętrzny nie wymaga akceptacji stron",
  sideAnswered: "Ta strona już odpowiedziała na cesję",
  badIp: `${MESSAGES.invalid}: ip (wymagany adres IPv4)`,
} as const;

const M = TRANSFER_MESSAGES;

/** Codes starting with one of these are wrong for names not in `state.foreign` (case-insensitive). */
export const BAD_AUTHINFO_PREFIXES = ["zly-", "bad-"] as const;
/** A cesja not completed within this many days of its order fails (nothing charged). */
export const TRADE_DEADLINE_DAYS = 14;
/** A side whose account e-mail contains this accepts a cesja automatically, one action delay after the order. */
export const AUTO_ACCEPT_TAG = "+akceptuj";
/** Nameservers of a transferred-in domain (the losing registrar's, as the sandbox pretends). */
export const TRANSFERRED_NS = ["dns1.poprzedni-rejestrator.pl", "dns2.poprzedni-rejestrator.pl"];

const IPV4 = /^((25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$/;
const NEVER = Number.MAX_SAFE_INTEGER;

// ------------------------------------------------------------------ per-state extras

const hooked = new WeakSet<SandboxState>();

function newCode(): string {
  return randomBytes(9).toString("base64").replace(/\+/g, "x").replace(/\//g, "y");
}

/** Installs the time-driven changes of this area once per state. */
function ensureHooks(state: SandboxState): void {
  if (hooked.has(state)) return;
  hooked.add(state);
  state.tickHooks.push(progressTransfers, progressTrades);
}

function progressTransfers(state: SandboxState, now: number): void {
  for (const t of state.transfers.values()) {
    if (t.status !== "created") continue;
    const action = state.actions.get(t.id);
    if (action?.status === "pending" && now >= t.crDate.getTime() + state.actionDelayMs) t.status = "started";
  }
}

function progressTrades(state: SandboxState, now: number): void {
  for (const t of state.trades.values()) {
    if (t.kind !== "cesja" || (t.status !== "pending" && t.status !== "confirmed")) continue;
    // Past the deadline while still waiting for a side or the payer: the cesja fails.
    if (t.exDate && now >= t.exDate.getTime() && state.actions.get(t.id)?.dueAt === NEVER) {
      endTrade(state, t, "failed");
      continue;
    }
    if (t.status !== "pending" || now < t.crDate.getTime() + state.actionDelayMs) continue;
    for (const side of ["assignor", "assignee"] as const) {
      const user = state.users.get(side === "assignor" ? t.assignorId : t.assigneeId);
      const answered = side === "assignor" ? t.assignorAccepted : t.assigneeAccepted;
      if (answered === undefined && user?.email.toLowerCase().includes(AUTO_ACCEPT_TAG)) {
        acceptTrade(state, t.id, side, "127.0.0.1");
      }
    }
  }
}

// ------------------------------------------------------------------ authInfo

/** Whether `code` is the authInfo of `name` (see the conventions at the top of this file). */
export function validAuthInfo(state: SandboxState, name: string, code: string): boolean {
  const foreign = state.foreign.get(name);
  if (foreign) return code === foreign.authInfo;
  const own = state.domains.get(name);
  if (own?.authInfo !== undefined) return code === own.authInfo;
  const lower = code.toLowerCase();
  return code.length > 0 && !BAD_AUTHINFO_PREFIXES.some((p) => lower.startsWith(p));
}

/** Registered at another registrar: what a transfer-in needs. */
function registeredElsewhere(state: SandboxState, name: string): boolean {
  if (state.domains.has(name)) return false;
  return state.foreign.has(name) || availability(state, name) === "taken";
}

function transferOf(state: SandboxState, id: number | undefined): SandboxTransfer {
  const t = id === undefined ? undefined : state.transfers.get(id);
  if (!t) throw new SandboxRefusal(M.noTransfer);
  return t;
}

// ------------------------------------------------------------------ trade machinery

function tradeOf(state: SandboxState, id: number | undefined): SandboxTrade {
  const t = id === undefined ? undefined : state.trades.get(id);
  if (!t) throw new SandboxRefusal(M.noTrade);
  return t;
}

function refuseIfFinished(t: SandboxTrade): void {
  if (t.status === "completed") throw new SandboxRefusal(M.tradeCompleted);
  if (t.status === "cancelled") throw new SandboxRefusal(M.tradeCancelled);
  if (t.status === "failed") throw new SandboxRefusal(M.tradeFailed);
}

/** Lets the trade's action complete one action delay from now (charge + change of registrant). */
function completeSoon(state: SandboxState, t: SandboxTrade): void {
  const action = state.actions.get(t.id);
  if (action?.status === "pending") action.dueAt = state.clock.nowMs() + state.actionDelayMs;
}

/** Ends a trade without completing it: its action fails on the next tick, releasing what it held. */
function endTrade(state: SandboxState, t: SandboxTrade, status: "cancelled" | "failed"): void {
  t.status = status;
  const action = state.actions.get(t.id);
  if (action?.status === "pending") action.dueAt = state.clock.nowMs();
}

/**
 * A side accepts a cesja (what clicking the link in HRD's acceptance e-mail does). For tests and the
 * admin endpoint (`POST /trades/accept`). When both sides have accepted the trade is `confirmed`; one that needs no
 * payer confirmation then completes one action delay later. Throws SandboxRefusal when the trade
 * does not wait for this side.
 */
export function acceptTrade(
  state: SandboxState,
  id: number,
  side: "assignor" | "assignee",
  ip = "127.0.0.1",
): SandboxTrade {
  const t = tradeOf(state, id);
  if (t.kind === "inner") throw new SandboxRefusal(M.innerNoMail);
  refuseIfFinished(t);
  if (t.status !== "pending") throw new SandboxRefusal(M.notAwaitingAcceptance);
  const now = state.clock.now();
  if (side === "assignor") {
    if (t.assignorAccepted !== undefined) throw new SandboxRefusal(M.sideAnswered);
    t.assignorAccepted = true;
    t.assignorDate = now;
    t.assignorIP = ip;
  } else {
    if (t.assigneeAccepted !== undefined) throw new SandboxRefusal(M.sideAnswered);
    t.assigneeAccepted = true;
    t.assigneeDate = now;
    t.assigneeIP = ip;
  }
  if (t.assignorAccepted && t.assigneeAccepted) {
    t.status = "confirmed";
    if (!t.payerConfirmationRequired) completeSoon(state, t);
  }
  return t;
}

function cancelBy(side: "assignor" | "assignee" | "partner"): Handler {
  return (s, req) => {
    ensureHooks(s);
    const t = tradeOf(s, num(req, "id"));
    const ip = text(req, "ip")!.trim();
    if (!IPV4.test(ip)) throw new SandboxRefusal(M.badIp);
    refuseIfFinished(t);
    const now = s.clock.now();
    if (side === "assignor") {
      t.assignorAccepted = false;
      t.assignorDate = now;
      t.assignorIP = ip;
    } else if (side === "assignee") {
      t.assigneeAccepted = false;
      t.assigneeDate = now;
      t.assigneeIP = ip;
    }
    t.cancelledBy = side;
    t.cancelIP = ip;
    endTrade(s, t, "cancelled");
    const method = {
      assignor: "tradeAssignorCancel",
      assignee: "tradeAssigneeCancel",
      partner: "tradeCancel",
    }[side];
    return { domain: { [method]: null } };
  };
}

// ------------------------------------------------------------------ handlers

const domain: Record<string, Handler> = {
  authInfoCheck: (s, req) => {
    const name = domainArg(req);
    const code = text(req, "authInfo") ?? "";
    if (!isPlFamily(name) && !name.endsWith(".eu")) throw new SandboxRefusal(M.authInfoTlds);
    if (!s.domains.has(name) && !registeredElsewhere(s, name)) throw new SandboxRefusal(M.notRegistered);
    return { domain: { authInfoCheck: { valid: validAuthInfo(s, name, code) } } };
  },

  transfer: (s, req) => {
    ensureHooks(s);
    const name = domainArg(req);
    const user = userOf(s, num(req, "user"));
    const code = text(req, "pw") ?? "";
    const price = requirePrice(s, name);
    const running = [...s.transfers.values()].some(
      (t) => t.domain === name && (t.status === "created" || t.status === "started"),
    );
    if (running) throw new SandboxRefusal(M.transferInProgress);
    if (s.domains.has(name)) throw new SandboxRefusal(M.alreadyOurs);
    if (!registeredElsewhere(s, name)) throw new SandboxRefusal(M.notElsewhere);
    const period = periodOf(req);
    const amount = price.transfer * years(period);
    hold(s, amount);
    const record: SandboxTransfer = {
      id: 0,
      domain: name,
      user: user.id,
      crDate: s.clock.now(),
      status: "created",
      period,
      price: amount,
    };
    // While it moves, the name shows in the account as `ordered` (domain/info, domain/list): what
    // lets a client that lost the reply learn that the order arrived, without ordering it again.
    const ordered: SandboxDomain = {
      name,
      status: "ordered",
      user: user.id,
      privacy: false,
      ns: { hosts: TRANSFERRED_NS.map((n) => ({ name: n, ipv4: [], ipv6: [] })) },
      actions: [],
      period,
    };
    s.domains.set(name, ordered);
    const action = s.startAction({
      type: "transfer",
      object: "domain",
      objectName: name,
      amount,
      // The registry checks the code (again) when the action falls due.
      failure: (st) => {
        if (!validAuthInfo(st, name, code)) return "authinfo";
        if (st.domains.get(name) !== ordered) return "failed";
        if (!st.users.has(user.id)) return "failed";
        return undefined;
      },
      onFailed: (st, reason) => {
        record.status = reason === "authinfo" ? "authinfo" : "failed";
        if (st.domains.get(name) === ordered) st.domains.delete(name);
      },
      onDone: (st) => {
        const now = st.clock.now();
        ordered.status = "registered";
        ordered.crDate = now;
        ordered.exDate = st.registrationEnd(now, period);
        // The registry issues a new code once the domain has moved.
        ordered.authInfo = newCode();
        st.foreign.delete(name);
        record.status = "completed";
      },
    });
    record.id = action.id;
    const start = action.added.getTime();
    // A wrong code is found when the registry looks at the request (d); a good one completes at 2d.
    action.dueAt = start + (validAuthInfo(s, name, code) ? 2 : 1) * s.actionDelayMs;
    s.transfers.set(record.id, record);
    return { domain: { transfer: { actionId: action.id } } };
  },

  transferStatus: (s, req) => {
    ensureHooks(s);
    const t = transferOf(s, num(req, "id"));
    return {
      domain: {
        transferStatus: {
          domain: t.domain,
          crDate: hrdDateTime(t.crDate),
          assignorId: t.assignorId,
          status: t.status,
        },
      },
    };
  },

  transferRegistrantEmail: (s, req) => {
    const name = domainArg(req);
    const code = text(req, "pw") ?? "";
    if (s.domains.has(name)) throw new SandboxRefusal(M.alreadyOurs);
    if (!registeredElsewhere(s, name)) throw new SandboxRefusal(M.notElsewhere);
    if (!validAuthInfo(s, name, code)) throw new SandboxRefusal(M.badAuthInfo);
    const email = s.foreign.get(name)?.registrantEmail ?? `abonent@${name}`;
    return { domain: { transferRegistrantEmail: { email } } };
  },

  tradeGetPw: (s, req) => {
    const d = domainOf(s, domainArg(req));
    d.tradePw ??= newCode();
    return { domain: { tradeGetPw: { pw: d.tradePw } } };
  },

  tradeInnerGetPw: (s, req) => {
    const d = domainOf(s, domainArg(req));
    d.innerPw ??= newCode();
    const pw = d.innerPw;
    return { domain: { tradeInnerGetPw: { pw } } };
  },

  trade: (s, req) => {
    ensureHooks(s);
    const d = domainOf(s, domainArg(req));
    const assignee = userOf(s, num(req, "user"));
    const code = text(req, "pw") ?? "";
    if (d.status !== "registered") throw new SandboxRefusal(M.notTradeable);
    if (assignee.id === d.user) throw new SandboxRefusal(M.sameUser);
    const running = [...s.trades.values()].some(
      (t) => t.domain === d.name && (t.status === "pending" || t.status === "confirmed"),
    );
    if (running) throw new SandboxRefusal(M.tradeInProgress);
    const kind =
      d.tradePw !== undefined && code === d.tradePw
        ? "cesja"
        : d.innerPw === code && code !== ""
          ? "inner"
          : undefined;
    if (!kind) throw new SandboxRefusal(M.badTradePw);
    let price = 0;
    if (kind === "cesja") {
      const fee = requirePrice(s, d.name).trade;
      if (fee === null) throw new SandboxRefusal(M.noCesjaPrice);
      price = fee;
    }
    hold(s, price);
    const assignor = s.users.get(d.user);
    const now = s.clock.now();
    const record: SandboxTrade = {
      id: 0,
      domain: d.name,
      crDate: now,
      assignorId: d.user,
      assigneeId: assignee.id,
      adminConfirmationRequired: false,
      payerConfirmationRequired: kind === "cesja" && price > 0,
      status: "pending",
      assignorEmail: kind === "cesja" ? assignor?.email : undefined,
      assigneeEmail: kind === "cesja" ? assignee.email : undefined,
      kind,
      price,
      exDate: kind === "cesja" ? new Date(now.getTime() + TRADE_DEADLINE_DAYS * 86_400_000) : undefined,
      mailsResent: { assignor: 0, assignee: 0 },
    };
    const action = s.startAction({
      type: "trade",
      object: "domain",
      objectName: d.name,
      amount: price,
      failure: (st) => {
        if (record.status === "cancelled") return "cancelled";
        if (record.status === "failed") return "failed";
        const current = st.domains.get(d.name);
        if (!current || current.user !== record.assignorId || !st.users.has(record.assigneeId))
          return "failed";
        return undefined;
      },
      onFailed: () => {
        if (record.status !== "cancelled") record.status = "failed";
      },
      onDone: (st) => {
        const current = st.domains.get(d.name)!;
        current.user = record.assigneeId;
        // The codes served this registrant; the new one gets fresh codes on request.
        current.tradePw = undefined;
        current.innerPw = undefined;
        record.status = "completed";
      },
    });
    record.id = action.id;
    // A cesja waits for both sides (and the payer); an internal transfer completes after the delay.
    if (kind === "cesja") action.dueAt = NEVER;
    s.trades.set(record.id, record);
    return { domain: { trade: { actionId: action.id } } };
  },

  tradeStatus: (s, req) => {
    ensureHooks(s);
    const t = tradeOf(s, num(req, "id"));
    const date = (d: Date | undefined) => (d ? hrdDateTime(d) : undefined);
    const reply: XmlTree = {
      domain: t.domain,
      crDate: hrdDateTime(t.crDate),
      assignorId: t.assignorId,
      assignorAccepted: t.assignorAccepted,
      assignorDate: date(t.assignorDate),
      assigneeId: t.assigneeId,
      assigneeAccepted: t.assigneeAccepted,
      assigneeDate: date(t.assigneeDate),
      adminConfirmationRequired: t.adminConfirmationRequired,
      payerConfirmationRequired: t.payerConfirmationRequired,
      status: t.status,
      exDate: date(t.exDate),
      assignorIP: t.assignorIP,
      assigneeIP: t.assigneeIP,
      assignorEmail: t.assignorEmail,
      assigneeEmail: t.assigneeEmail,
    };
    return { domain: { tradeStatus: reply } };
  },

  tradeAssignorCancel: cancelBy("assignor"),
  tradeAssigneeCancel: cancelBy("assignee"),
  tradeCancel: cancelBy("partner"),

  tradePayerConfirm: (s, req) => {
    ensureHooks(s);
    const t = tradeOf(s, num(req, "id"));
    refuseIfFinished(t);
    if (!t.payerConfirmationRequired) throw new SandboxRefusal(M.noPayerConfirmation);
    if (t.status !== "confirmed") throw new SandboxRefusal(M.notConfirmed);
    if (t.payerConfirmedDate) throw new SandboxRefusal(M.payerConfirmed);
    t.payerConfirmedDate = s.clock.now();
    completeSoon(s, t);
    return { domain: { tradePayerConfirm: null } };
  },
};

const partner: Record<string, Handler> = {
  resendTradeMail: (s, req) => {
    ensureHooks(s);
    const t = tradeOf(s, num(req, "id"));
    const assignor = num(req, "assignor", false);
    const assignee = num(req, "assignee", false);
    if (t.kind === "inner") throw new SandboxRefusal(M.innerNoMail);
    if (t.status !== "pending") throw new SandboxRefusal(M.notAwaitingAcceptance);
    if (assignor !== undefined && assignor !== t.assignorId) throw new SandboxRefusal(M.notParty);
    if (assignee !== undefined && assignee !== t.assigneeId) throw new SandboxRefusal(M.notParty);
    const both = assignor === undefined && assignee === undefined;
    const sides = (["assignor", "assignee"] as const).filter((side) =>
      side === "assignor" ? both || assignor !== undefined : both || assignee !== undefined,
    );
    const waiting = sides.filter(
      (side) => (side === "assignor" ? t.assignorAccepted : t.assigneeAccepted) === undefined,
    );
    if (waiting.length === 0) throw new SandboxRefusal(M.sideAnswered);
    t.mailsResent ??= { assignor: 0, assignee: 0 };
    for (const side of waiting) t.mailsResent[side] += 1;
    return { partner: { resendTradeMail: null } };
  },
};

/** Handlers for domain/authInfoCheck, transfer, transferStatus, transferRegistrantEmail, trade*, tradeGetPw, tradeInnerGetPw, keyed by `module/method`. */
export const transferHandlers: Record<string, Handler> = {
  ...Object.fromEntries(Object.entries(domain).map(([k, h]) => [`domain/${k}`, h] as const)),
  "partner/resendTradeMail": partner.resendTradeMail!,
};
