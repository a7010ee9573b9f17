/**
 * What the partner-panel tests share: a browser-like client over app.inject that keeps cookies
 * (as a browser does for Path=/panel) and reads the CSRF field out of each page, and a shop set up
 * through billing's own functions — seller, catalog, prices, a customer with a registrant account
 * at the bridge's sandbox, and an order's proforma waiting for payment.
 */
import { randomBytes } from "node:crypto";
import {
  createCustomer,
  createProformaForOrder,
  createStaff,
  type Db,
  type Proforma,
  quote,
  setSellerSettings,
} from "@hrdkit/billing";
import type { Bridge } from "@hrdkit/bridge";
import { preparePricing, SELLER } from "./billing-documents.js";
import { hrdPerson } from "./bridge.js";

export const STAFF_PASSWORD = "Kwiatek-Róży-2026!";

export interface PanelResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  location: string | undefined;
}

/** A browser: cookies kept across requests, the last page's CSRF token at hand, redirects not followed. */
export class PanelClient {
  readonly cookies = new Map<string, string>();
  csrf = "";

  constructor(
    private readonly bridge: Bridge,
    readonly headers: Record<string, string> = { "accept-language": "pl-PL,pl;q=0.9,en;q=0.8" },
  ) {}

  private keep(setCookie: string | string[] | undefined) {
    for (const line of [setCookie ?? []].flat()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (/Max-Age=0/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async request(method: "GET" | "POST", url: string, body?: string, type?: string): Promise<PanelResponse> {
    const res = await this.bridge.app.inject({
      method,
      url,
      headers: {
        ...this.headers,
        ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
        ...(type ? { "content-type": type } : {}),
      },
      ...(body === undefined ? {} : { payload: body }),
    });
    this.keep(res.headers["set-cookie"]);
    const text = res.body;
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return {
      status: res.statusCode,
      headers: res.headers as PanelResponse["headers"],
      body: text,
      location: res.headers.location as string | undefined,
    };
  }

  get(url: string) {
    return this.request("GET", url);
  }

  /** A form post as a browser sends it (urlencoded), with the page's CSRF token unless given. */
  post(url: string, fields: Record<string, string>, o: { csrf?: string | null } = {}) {
    const all = { ...fields };
    const token = o.csrf === undefined ? this.csrf : o.csrf;
    if (token !== null) all._csrf = token;
    return this.request(
      "POST",
      url,
      new URLSearchParams(all).toString(),
      "application/x-www-form-urlencoded",
    );
  }

  /** Opens the login page and logs in; returns the POST's answer. */
  async logIn(email: string, password = STAFF_PASSWORD) {
    await this.get("/panel/login");
    return this.post("/panel/login", { email, password, next: "" });
  }
}

let staffCount = 0;

/** A staff login. */
export async function staffMember(db: Db, name = "Anna Nowak") {
  const email = `anna.${++staffCount}.${randomBytes(3).toString("hex")}@zolw.example`;
  return createStaff(db, { email, name, password: STAFF_PASSWORD });
}

/**
 * Seller, catalog and prices, and a customer with a registrant account at the sandbox (so its
 * domain can be registered) and an order's proforma for one new .pl domain, unpaid.
 */
export async function shopWithOrder(
  bridge: Bridge,
  o: { customerName?: string; seller?: boolean } = {},
): Promise<{ customerId: number; proforma: Proforma; domain: string }> {
  const db = bridge.db;
  if (o.seller !== false) await setSellerSettings(db, SELLER);
  await preparePricing(db).catch(() => undefined); // a second order in the same database
  const hrdUserId = await hrdPerson(bridge);
  const customer = await createCustomer(db, {
    name: o.customerName ?? "Róża Kwiatkowska",
    pesel: "44051401359",
    email: "roza@kwiaciarnia.example",
    hrdUserId,
    addresses: { correspondence: { street: "ul. Kwiatowa 5", postcode: "30-001", city: "Kraków" } },
  });
  const domain = `kwiaciarnia-${randomBytes(4).toString("hex")}.pl`;
  const at = bridge.ctx.now();
  const q = await quote(db, {
    customerId: customer.id,
    items: [{ serviceCode: "domain.pl.register", name: domain, period: 1 }],
    at,
  });
  const { proforma } = await createProformaForOrder(db, {
    customerId: customer.id,
    quote: q,
    orderRef: `panel-${randomBytes(4).toString("hex")}`,
    at,
  });
  return { customerId: customer.id, proforma, domain };
}
