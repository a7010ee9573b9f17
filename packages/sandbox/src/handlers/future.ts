import { addPeriod, hrdDate, hrdDateTime } from "../clock.js";
import { isPlFamily, OPTION_PRICE } from "../pricing.js";
import type { SandboxFuture, SandboxState } from "../state.js";
import {
  availability,
  checkReply,
  domainArg,
  type Handler,
  hold,
  MESSAGES,
  many,
  num,
  pageAfter,
  SandboxRefusal,
  text,
  userOf,
} from "./common.js";

/**
 * .pl domain options (NASK "future"). Sandbox conventions (docs/guide/options.en.md):
 * - an option is for a .pl-family name that is neither registered nor under another option;
 * - it runs 3 years (HRD: "the OPTION is set up for 3 years"); `futureRenew` adds another 3 years
 *   (HRD sends no period; NASK options are 3-year objects);
 * - `awaitingRegistration` until the action completes, then `registered` with crDate/exDate;
 *   `expired` once the sandbox clock passes exDate (an expired option frees the name).
 */
const OPTION_YEARS = 3;

const FUTURE_MESSAGES = {
  notPl: "Opcje są dostępne wyłącznie dla domen .pl",
  notAvailable: "Dla tej nazwy nie można założyć opcji: domena jest zarejestrowana lub objęta opcją",
  noFuture: "Opcja nie istnieje na koncie partnera",
  notRenewable: "Opcji w tym stanie nie można odnowić",
  exDateMismatch: "Podana data wygaśnięcia nie zgadza się z datą wygaśnięcia opcji",
} as const;

const hooked = new WeakSet<SandboxState>();

/** Options expire when the clock passes their exDate. */
function expireOptions(state: SandboxState, now: number): void {
  for (const f of state.futures.values()) {
    if (f.status === "registered" && f.exDate && f.exDate.getTime() <= now) f.status = "expired";
  }
}

function hook(state: SandboxState): void {
  if (hooked.has(state)) return;
  hooked.add(state);
  state.tickHooks.push(expireOptions);
}

/** futureCheck status: available | taken | unknown (see the conventions above). */
export function futureAvailability(state: SandboxState, name: string): "available" | "taken" | "unknown" {
  if (!isPlFamily(name)) return "unknown";
  const f = state.futures.get(name);
  if (f && f.status !== "expired") return "taken";
  const d = availability(state, name);
  return d === "unknown" ? "unknown" : d === "taken" ? "taken" : "available";
}

function futureOf(state: SandboxState, name: string): SandboxFuture {
  const f = state.futures.get(name);
  if (!f) throw new SandboxRefusal(FUTURE_MESSAGES.noFuture);
  return f;
}

const domain: Record<string, Handler> = {
  futureCheck: (s, req) => {
    hook(s);
    const names = many(req.name).map((n) => String(n).toLowerCase());
    if (names.length < 1 || names.length > 100) throw new SandboxRefusal(`${MESSAGES.invalid}: name (1–100)`);
    // Like domain/check, HRD may split the answer over several frames.
    return checkReply(
      s,
      "futureCheck",
      names.map((n) => ({ $attrs: { status: futureAvailability(s, n) }, $text: n })),
    );
  },
  futureCreate: (s, req) => {
    hook(s);
    const name = domainArg(req);
    const u = userOf(s, num(req, "user"));
    if (!isPlFamily(name)) throw new SandboxRefusal(FUTURE_MESSAGES.notPl);
    if (futureAvailability(s, name) !== "available") throw new SandboxRefusal(FUTURE_MESSAGES.notAvailable);
    const price = OPTION_PRICE.register;
    hold(s, price);
    const f: SandboxFuture = { name, user: u.id, status: "awaitingRegistration" };
    s.futures.set(name, f);
    const action = s.startAction({
      type: "create",
      object: "future",
      objectName: name,
      amount: price,
      onDone: (st) => {
        const now = st.clock.now();
        f.status = "registered";
        f.crDate = now;
        f.exDate = addPeriod(now, OPTION_YEARS, "y");
      },
    });
    return { domain: { futureCreate: { actionId: action.id } } };
  },
  futureRenew: (s, req) => {
    hook(s);
    const f = futureOf(s, domainArg(req));
    const current = text(req, "currentExpirationDate")!;
    if (f.status !== "registered" || !f.exDate) throw new SandboxRefusal(FUTURE_MESSAGES.notRenewable);
    if (hrdDate(f.exDate) !== current) throw new SandboxRefusal(FUTURE_MESSAGES.exDateMismatch);
    const price = OPTION_PRICE.renew;
    hold(s, price);
    // The new expiry is recorded at once, so a repeated renew with the old date is refused and
    // never charged twice; the money is charged when the action completes.
    f.exDate = addPeriod(f.exDate, OPTION_YEARS, "y");
    const action = s.startAction({ type: "renew", object: "future", objectName: f.name, amount: price });
    return { domain: { futureRenew: { actionId: action.id } } };
  },
  futureInfo: (s, req) => {
    hook(s);
    const f = futureOf(s, domainArg(req));
    return {
      domain: {
        futureInfo: {
          name: f.name,
          // Required by apiResponse.xsd: empty while the option is being set up.
          crDate: f.crDate ? hrdDateTime(f.crDate) : null,
          exDate: f.exDate ? hrdDateTime(f.exDate) : null,
          user: f.user,
          status: f.status,
        },
      },
    };
  },
  futureList: (s, req) => {
    hook(s);
    const last = text(req, "lastName", false);
    const names = pageAfter([...s.futures.keys()].sort(), (n) => last === undefined || n > last, s.pageSize);
    return { domain: { futureList: { name: names } } };
  },
};

/** Handlers for domain/future* (.pl domain options), keyed by `module/method`. */
export const futureHandlers: Record<string, Handler> = Object.fromEntries(
  Object.entries(domain).map(([k, h]) => [`domain/${k}`, h] as const),
);
