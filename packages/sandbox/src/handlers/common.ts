import { formatAmount, type ParsedNode, type ParsedObject, toAsciiDomain, type XmlTree } from "@hrdkit/sdk";
import { isPlFamily, tldOf } from "../pricing.js";
import type { NsHost, SandboxDomain, SandboxState, SandboxUser } from "../state.js";

/**
 * A refusal. Without `code` it is sent as `<status>error</status><message>…</message>`; with a
 * numeric `code`, as `<error>code</error>` — apiResponse.xsd allows no message beside that form.
 */
export class SandboxRefusal extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

/** Messages the sandbox answers with (HRD publishes no catalogue; these are its own, in Polish like HRD's panel). */
export const MESSAGES = {
  auth: "Błąd autoryzacji: nieprawidłowy login, hasło API lub klucz API",
  notLoggedIn: "Brak sesji: najpierw zaloguj się (login) lub wznów sesję (token)",
  badToken: "Nieprawidłowy lub wygasły token sesji",
  unknownCommand: "Nieznane polecenie",
  invalid: "Nieprawidłowe dane żądania",
  funds: "Brak wystarczających środków na saldzie partnera",
  noDomain: "Domena nie istnieje na koncie partnera",
  domainTaken: "Domena jest już zarejestrowana",
  domainUnavailable: "Domena nie jest dostępna do rejestracji",
  notBookable: "Domena nie jest dostępna do rezerwacji",
  noUser: "Abonent nie istnieje",
  noAction: "Akcja nie istnieje",
  noPoll: "Komunikat nie istnieje",
  exDateMismatch: "Podana data wygaśnięcia nie zgadza się z datą wygaśnięcia domeny",
  notRenewable: "Domeny w tym stanie nie można odnowić",
  unknownTld: "Nieobsługiwane rozszerzenie domeny",
  noPricing: "Nie znaleziono cennika",
} as const;

export type Handler = (state: SandboxState, req: ParsedObject) => XmlTree | XmlTree[];

// ------------------------------------------------------------------ reading requests

export function field(req: ParsedObject, key: string): ParsedNode | undefined {
  return req[key];
}

export function text(req: ParsedObject, key: string, required = true): string | undefined {
  const v = field(req, key);
  const t =
    typeof v === "string"
      ? v
      : v && !Array.isArray(v) && typeof v["#text"] === "string"
        ? (v["#text"] as string)
        : undefined;
  if (t === undefined && required) throw new SandboxRefusal(`${MESSAGES.invalid}: brak pola ${key}`);
  return t;
}

export function num(req: ParsedObject, key: string, required = true): number | undefined {
  const t = text(req, key, required);
  if (t === undefined) return undefined;
  if (!/^\d+$/.test(t)) throw new SandboxRefusal(`${MESSAGES.invalid}: ${key}`);
  return Number(t);
}

export function many(node: ParsedNode | undefined): ParsedNode[] {
  return node === undefined ? [] : Array.isArray(node) ? node : [node];
}

export function obj(node: ParsedNode | undefined): ParsedObject {
  return node && typeof node === "object" && !Array.isArray(node) ? node : {};
}

export function domainArg(req: ParsedObject, key = "name"): string {
  const name = text(req, key)!.toLowerCase();
  if (toAsciiDomain(name) !== name) throw new SandboxRefusal(`${MESSAGES.invalid}: ${key}`);
  return name;
}

// ------------------------------------------------------------------ writing replies

export const money = formatAmount;

export function userOf(state: SandboxState, id: number | undefined): SandboxUser {
  const u = id === undefined ? undefined : state.users.get(id);
  if (!u) throw new SandboxRefusal(MESSAGES.noUser);
  return u;
}

export function domainOf(state: SandboxState, name: string): SandboxDomain {
  const d = state.domains.get(name);
  if (!d) throw new SandboxRefusal(MESSAGES.noDomain);
  return d;
}

export function pageAfter<T>(items: T[], after: (item: T) => boolean, size: number): T[] {
  return items.filter(after).slice(0, size);
}

export function nsFromRequest(node: ParsedNode | undefined): SandboxDomain["ns"] {
  const ns = obj(node);
  if (ns.group !== undefined) return { group: Number(text(ns, "group")) };
  const hosts: NsHost[] = many(obj(ns.ns).ns).map((h) => {
    const o = obj(h);
    return {
      name: String(text(o, "name")).toLowerCase(),
      ipv4: many(o.ipv4).map(String),
      ipv6: many(o.ipv6).map(String),
    };
  });
  if (hosts.length < 2) throw new SandboxRefusal(`${MESSAGES.invalid}: ns (2–16 serwerów)`);
  return { hosts };
}

export function nsReply(ns: SandboxDomain["ns"]): XmlTree {
  if ("group" in ns) return { group: ns.group };
  return {
    ns: {
      ns: ns.hosts.map((h) => ({
        name: h.name,
        ipv4: h.ipv4.length ? h.ipv4 : undefined,
        ipv6: h.ipv6.length ? h.ipv6 : undefined,
      })),
    },
  };
}

/** Sandbox conventions for check results (documented in the sandbox README). */
export function availability(
  state: SandboxState,
  name: string,
): "available" | "taken" | "createOnly" | "unknown" {
  const first = name.split(".")[0]!;
  if (!tldOf(name, state.prices) || first.startsWith("unknown-")) return "unknown";
  const d = state.domains.get(name);
  if (d && d.status !== "expired" && d.status !== "bookedExpired") return "taken";
  // A live .pl option (NASK "future") keeps the name for its holder.
  const option = state.futures.get(name);
  if (option && option.status !== "expired") return "taken";
  if (state.taken.has(name) || state.foreign.has(name) || first.startsWith("taken-")) return "taken";
  if (isPlFamily(name) && first.startsWith("tylko-")) return "createOnly";
  return "available";
}

export function requirePrice(state: SandboxState, name: string) {
  const p = tldOf(name, state.prices);
  if (!p) throw new SandboxRefusal(MESSAGES.unknownTld);
  return p;
}

export function hold(state: SandboxState, amount: number): void {
  if (state.available < amount) throw new SandboxRefusal(MESSAGES.funds);
}

export function periodOf(req: ParsedObject): SandboxDomain["period"] {
  const p = field(req, "period");
  if (p === undefined) return { value: 1, unit: "y" };
  const o = typeof p === "string" ? { "#text": p } : obj(p);
  const value = Number(o["#text"]);
  const unit = (o["@unit"] as string | undefined) ?? "y";
  if (!Number.isInteger(value) || value < 1 || !["y", "m", "d"].includes(unit))
    throw new SandboxRefusal(`${MESSAGES.invalid}: period`);
  return { value, unit: unit as "y" | "m" | "d" };
}

/** Price of a period in whole years (a period in months is charged per started year). */
export function years(p: SandboxDomain["period"]): number {
  return p.unit === "y" ? p.value : p.unit === "m" ? Math.ceil(p.value / 12) : Math.ceil(p.value / 365);
}

/**
 * A check reply (`domain/check`, `domain/futureCheck`): one frame, or — with
 * `state.checkNamesPerFrame` set — several, as HRD may split it.
 */
export function checkReply(
  state: SandboxState,
  method: "check" | "futureCheck",
  results: { $attrs: { status: string }; $text: string }[],
): XmlTree | XmlTree[] {
  const per = state.checkNamesPerFrame;
  if (!per || per >= results.length) return { domain: { [method]: { name: results } } };
  const frames: XmlTree[] = [];
  for (let i = 0; i < results.length; i += per)
    frames.push({ domain: { [method]: { name: results.slice(i, i + per) } } });
  return frames;
}
