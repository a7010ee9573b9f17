import { hrdDate, hrdDateTime } from "../clock.js";
import { extraPricings, isPlFamily, PRICE_LABELS, type ServicePricing, serviceCode } from "../pricing.js";
import type { SandboxDomain, SandboxUser } from "../state.js";
import {
  availability,
  checkReply,
  domainArg,
  domainOf,
  type Handler,
  hold,
  MESSAGES,
  many,
  money,
  nsFromRequest,
  nsReply,
  num,
  pageAfter,
  periodOf,
  requirePrice,
  SandboxRefusal,
  text,
  userOf,
  years,
} from "./common.js";
import { glueHostsOf, NO_NS_GROUP } from "./dns.js";

// ------------------------------------------------------------------ handlers

const partner: Record<string, Handler> = {
  getBalance: (s) => ({
    partner: { getBalance: { balance: money(s.balance), restrictedBalance: money(s.restricted) } },
  }),
  getPricings: (s) => ({
    partner: {
      pricings: {
        pricing: [
          ...[...s.prices.values()].map((p) => ({
            name: serviceCode(p.tld),
            price: pricesOf(p),
          })),
          // The .pl option (o_pl) and one code per certificate product (c_*): pricing.ts.
          ...extraPricings().map((e) => ({ name: e.code, price: extraPricesOf(e) })),
        ],
      },
    },
  }),
  getPricingsList: (s) => ({
    partner: {
      pricings: {
        name: [
          ...[...s.prices.values()].map((p) => serviceCode(p.tld)),
          ...extraPricings().map((e) => e.code),
        ],
      },
    },
  }),
  getPricingInfo: (s, req) => {
    const code = text(req, "name")!;
    const p = [...s.prices.values()].find((x) => serviceCode(x.tld) === code);
    const extra = p ? undefined : extraPricings().find((e) => e.code === code);
    if (!p && !extra) throw new SandboxRefusal(MESSAGES.noPricing);
    return {
      partner: { pricing: { name: code, prices: { price: p ? pricesOf(p) : extraPricesOf(extra!) } } },
    };
  },
};

function extraPricesOf(e: ServicePricing) {
  return e.prices.map((x) => ({ name: x.name, value: x.value === null ? "(brak)" : money(x.value) }));
}

function pricesOf(p: ReturnType<typeof requirePrice>) {
  return (Object.keys(PRICE_LABELS) as (keyof typeof PRICE_LABELS)[]).map((k) => ({
    name: PRICE_LABELS[k],
    value: p[k] === null ? "(brak)" : money(p[k]),
  }));
}

const user: Record<string, Handler> = {
  create: (s, req) => {
    const isCompany = req.companyType !== undefined;
    if (!isCompany && req.personType === undefined)
      throw new SandboxRefusal(`${MESSAGES.invalid}: personType/companyType`);
    const u: SandboxUser = {
      id: s.newUserId(),
      type: isCompany ? "company" : "person",
      representative: isCompany ? text(req, "representative") : undefined,
      idNumber: text(req, "idNumber")!,
      email: text(req, "email")!,
      mobilePhone: text(req, "mobilePhone", false),
      landlinePhone: text(req, "landlinePhone")!,
      fax: text(req, "fax", false),
      name: text(req, "name")!,
      street: text(req, "street")!,
      postcode: text(req, "postcode")!,
      city: text(req, "city")!,
      country: text(req, "country")!,
      crDate: s.clock.now(),
    };
    s.users.set(u.id, u);
    return { user: { create: { id: u.id } } };
  },
  update: (s, req) => {
    const u = userOf(s, num(req, "id"));
    u.mobilePhone = text(req, "mobilePhone", false) ?? u.mobilePhone;
    u.landlinePhone = text(req, "landlinePhone", false) ?? u.landlinePhone;
    u.fax = text(req, "fax", false) ?? u.fax;
    u.street = text(req, "street")!;
    u.postcode = text(req, "postcode")!;
    u.city = text(req, "city")!;
    u.country = text(req, "country")!;
    return { user: { update: null } };
  },
  info: (s, req) => {
    const u = userOf(s, num(req, "id"));
    return {
      user: {
        info: {
          representative: u.representative,
          landlinePhone: u.landlinePhone,
          mobilePhone: u.mobilePhone,
          fax: u.fax,
          name: u.name,
          street: u.street,
          postcode: u.postcode,
          city: u.city,
          country: u.country,
          crDate: hrdDateTime(u.crDate),
          type: u.type,
          email: u.email,
          idNumber: u.idNumber,
        },
      },
    };
  },
  list: (s, req) => {
    const last = num(req, "lastId", false) ?? 0;
    const ids = pageAfter(
      [...s.users.keys()].sort((a, b) => a - b),
      (id) => id > last,
      s.pageSize,
    );
    return { user: { list: { id: ids } } };
  },
};

const domain: Record<string, Handler> = {
  check: (s, req) => {
    const names = many(req.name).map((n) => String(n).toLowerCase());
    if (names.length < 1 || names.length > 100) throw new SandboxRefusal(`${MESSAGES.invalid}: name (1–100)`);
    return checkReply(
      s,
      "check",
      names.map((n) => ({ $attrs: { status: availability(s, n) }, $text: n })),
    );
  },
  info: (s, req) => {
    const d = domainOf(s, domainArg(req));
    return {
      domain: {
        info: {
          ns: nsReply(d.ns),
          actions: d.actions.length ? { id: d.actions } : undefined,
          name: d.name,
          status: d.status,
          crDate: d.crDate ? hrdDateTime(d.crDate) : undefined,
          exDate: d.exDate ? hrdDateTime(d.exDate) : d.bookedUntil ? hrdDateTime(d.bookedUntil) : undefined,
          user: d.user,
          // The rest follows apiResponse.xsd's order: contact, ppDate, privacy, dnssec, host[].
          contact: d.techContact === undefined ? undefined : String(d.techContact),
          ppDate: d.ppDate ? hrdDateTime(d.ppDate) : undefined,
          privacy: d.privacy,
          dnssec: d.dnssec?.length
            ? {
                record: d.dnssec.map((r) => ({
                  alg: r.alg,
                  digestType: r.digestType,
                  digest: r.digest,
                  keyTag: r.keyTag,
                  keyType: r.keyType,
                })),
              }
            : undefined,
          host: glueHostsOf(s, d).map((h) => ({
            name: h.name,
            ipv4: h.ipv4.length ? h.ipv4 : undefined,
            ipv6: h.ipv6.length ? h.ipv6 : undefined,
          })),
        },
      },
    };
  },
  create: (s, req) => {
    const name = domainArg(req);
    const u = userOf(s, num(req, "user"));
    const status = availability(s, name);
    const existing = s.domains.get(name);
    const option = s.futures.get(name);
    const ownOption = !existing && option?.status === "registered" && option.user === u.id;
    if (existing?.status === "booked" && existing.user === u.id) {
      // A booked .pl name is registered by its own account: allowed.
    } else if (ownOption) {
      // The holder of a .pl option registers the name it protects (the option is then used up).
    } else if (status === "taken") {
      throw new SandboxRefusal(MESSAGES.domainTaken);
    } else if (status !== "available" && status !== "createOnly") {
      throw new SandboxRefusal(MESSAGES.domainUnavailable);
    }
    const period = periodOf(req);
    const price = requirePrice(s, name).register * years(period);
    hold(s, price);
    const ns = nsFromRequest(req.ns);
    if ("group" in ns && !s.nsGroups.has(ns.group)) throw new SandboxRefusal(NO_NS_GROUP);
    const privacy = text(req, "privacyProtect", false) === "true";
    const d: SandboxDomain = {
      name,
      status: "awaitingRegistration",
      user: u.id,
      privacy,
      ns,
      actions: existing?.actions ?? [],
      period,
    };
    s.domains.set(name, d);
    const action = s.startAction({
      type: "create",
      object: "domain",
      objectName: name,
      amount: price,
      onDone: (st) => {
        const now = st.clock.now();
        d.status = "registered";
        d.crDate = now;
        d.exDate = st.registrationEnd(now, period);
        d.bookedUntil = undefined;
        if (ownOption) st.futures.delete(name);
      },
    });
    return { domain: { create: { actionId: action.id } } };
  },
  book: (s, req) => {
    const name = domainArg(req);
    const u = userOf(s, num(req, "user"));
    if (!isPlFamily(name) || availability(s, name) !== "available")
      throw new SandboxRefusal(MESSAGES.notBookable);
    const price = requirePrice(s, name).book ?? 0;
    hold(s, price);
    const d: SandboxDomain = {
      name,
      status: "awaitingBooking",
      user: u.id,
      privacy: false,
      ns: { hosts: [] },
      actions: [],
      period: { value: 1, unit: "y" },
    };
    s.domains.set(name, d);
    const action = s.startAction({
      type: "book",
      object: "domain",
      objectName: name,
      amount: price,
      onDone: (st) => {
        d.status = "booked";
        d.crDate = st.clock.now();
        // NASK keeps a reservation for 14 days.
        d.bookedUntil = new Date(st.clock.nowMs() + 14 * 86_400_000);
      },
    });
    return { domain: { book: { actionId: action.id } } };
  },
  renew: (s, req) => {
    const d = domainOf(s, domainArg(req));
    const current = text(req, "currentExpirationDate")!;
    if (d.status !== "registered" && d.status !== "expired") throw new SandboxRefusal(MESSAGES.notRenewable);
    if (!d.exDate || hrdDate(d.exDate) !== current) throw new SandboxRefusal(MESSAGES.exDateMismatch);
    const period = periodOf(req);
    const price = requirePrice(s, d.name).renew * years(period);
    hold(s, price);
    // The new expiry is recorded at once, so a repeated renew with the old date is refused
    // (HRD's guard against paying twice); the money is charged when the action completes.
    d.exDate = s.registrationEnd(d.exDate, period);
    d.status = "registered";
    const action = s.startAction({ type: "renew", object: "domain", objectName: d.name, amount: price });
    return { domain: { renew: { actionId: action.id } } };
  },
  update: (s, req) => {
    const d = domainOf(s, domainArg(req));
    if (req.ns !== undefined) {
      const ns = nsFromRequest(req.ns);
      if ("group" in ns && !s.nsGroups.has(ns.group)) throw new SandboxRefusal(NO_NS_GROUP);
      d.ns = ns;
    }
    const action = s.startAction({ type: "update", object: "domain", objectName: d.name, amount: 0 });
    return { domain: { update: { actionId: action.id } } };
  },
  list: (s, req) => {
    const last = text(req, "lastName", false);
    const names = pageAfter([...s.domains.keys()].sort(), (n) => last === undefined || n > last, s.pageSize);
    return { domain: { list: { name: names } } };
  },
};

const action: Record<string, Handler> = {
  info: (s, req) => {
    const a = s.actions.get(num(req, "id")!);
    if (!a) throw new SandboxRefusal(MESSAGES.noAction);
    return {
      action: {
        info: {
          status: a.status,
          amount: a.amount ? money(a.amount) : undefined,
          added: hrdDateTime(a.added),
          type: a.type,
          object: a.object,
          objectName: a.objectName,
          objectId: a.objectId,
        },
      },
    };
  },
  list: (s, req) => {
    const last = num(req, "lastId", false) ?? 0;
    const ids = pageAfter(
      [...s.actions.keys()].sort((a, b) => a - b),
      (id) => id > last,
      s.pageSize,
    );
    return { action: { list: { id: ids } } };
  },
};

const poll: Record<string, Handler> = {
  get: (s) => {
    const m = s.poll[0];
    if (!m) return { poll: { get: null } };
    return {
      poll: {
        get: {
          id: m.id,
          object: m.object,
          objectId: m.objectName === undefined ? m.objectId : undefined,
          objectName: m.objectName,
          action: m.action,
          added: hrdDateTime(m.added),
        },
      },
    };
  },
  ack: (s, req) => {
    const id = num(req, "id")!;
    const i = s.poll.findIndex((m) => m.id === id);
    if (i < 0) throw new SandboxRefusal(MESSAGES.noPoll);
    s.poll.splice(i, 1);
    return { poll: { ack: null } };
  },
};

/** The handlers of the foundation: partner balance/prices, user, domain basics, action, poll. */
export const coreHandlers: Record<string, Handler> = Object.fromEntries(
  Object.entries({ partner, user, domain, action, poll }).flatMap(([m, hs]) =>
    Object.entries(hs).map(([k, h]) => [`${m}/${k}`, h] as const),
  ),
);
