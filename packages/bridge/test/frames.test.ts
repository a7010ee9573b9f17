/**
 * The customer frames over HTTP (app.inject, with a cookie jar like a browser's): each form's
 * refusals name the bad fields in the visitor's language and keep the values (never passwords);
 * a POST without the visitor's form token is a 403 that changes nothing; login throttling says
 * when to try again; a customer never sees another customer's documents or services (404);
 * customer text is escaped; the headers allow framing only by the partner's origins and the
 * cookies suit a third-party iframe. On PGlite, and with DATABASE_URL on PostgreSQL.
 */
import { randomBytes } from "node:crypto";
import {
  type EmailNotice,
  getCustomer,
  getProforma,
  setNotifySettings,
  setSellerSettings,
} from "@hrdkit/billing";
import type { Bridge, BridgeClient } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverDatabases } from "./support/backends.js";
import { paidInvoice, preparePricing, SELLER } from "./support/billing-documents.js";
import { failure, startTestBridge } from "./support/bridge.js";

const PARTNER = "https://www.zolw.example";

/** A browser's view of the frames: cookies kept between requests, the form token read off each page. */
class Visitor {
  cookies = new Map<string, string>();
  csrf = "";
  constructor(private readonly bridge: Bridge) {}

  private keep(setCookie: string | string[] | undefined): void {
    for (const c of [setCookie ?? []].flat()) {
      const [pair = "", ...attrs] = c.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      if (attrs.some((a) => /max-age=0\b/i.test(a.trim()))) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1));
    }
  }

  async get(url: string) {
    const res = await this.bridge.app.inject({
      method: "GET",
      url,
      headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    this.keep(res.headers["set-cookie"] as string | string[] | undefined);
    const token = /name="csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (token) this.csrf = token;
    return res;
  }

  /** Posts a form as a browser does (urlencoded), with this visitor's token unless `csrf` says otherwise. */
  async post(url: string, fields: Record<string, string>, csrf: string | null = this.csrf) {
    const body = new URLSearchParams({ ...(csrf === null ? {} : { csrf }), ...fields }).toString();
    const res = await this.bridge.app.inject({
      method: "POST",
      url,
      payload: body,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      },
    });
    this.keep(res.headers["set-cookie"] as string | string[] | undefined);
    return res;
  }
}

/** The error shown next to a field (the <p> its input points at), or undefined. */
const fieldError = (page: string, name: string) =>
  new RegExp(`<p class="error" id="f-${name}-error">([^<]*)</p>`).exec(page)?.[1];
const fieldValue = (page: string, name: string) =>
  new RegExp(`<input id="f-${name}" name="${name}" type="[a-z]+" value="([^"]*)"`).exec(page)?.[1];

const person = (email: string, name = "Róża Kwiatkowska") => ({
  type: "person",
  name,
  street: "ul. Kwiatowa 5",
  postcode: "30-001",
  city: "Kraków",
  phone: "+48 601 234 567",
  email,
  password: "różane-hasło-2026",
  password2: "różane-hasło-2026",
  terms: "1",
});

describe.each(serverDatabases("frames"))("the customer frames on $name", (backend) => {
  let bridge: Bridge;
  let client: BridgeClient;
  const mails: EmailNotice[] = [];

  beforeAll(async () => {
    await backend.create();
    ({ bridge, client } = await startTestBridge({
      config: { databaseUrl: backend.databaseUrl, frames: { ancestors: [PARTNER] } },
    }));
    await setSellerSettings(bridge.db, SELLER);
    await preparePricing(bridge.db);
    await setNotifySettings(bridge.db, { panelUrl: "https://www.zolw.example/panel" }, "test");
    // The reset mail goes out through the bridge's e-mail port: a recording one here.
    bridge.ctx.notify = {
      ...bridge.ctx.notify,
      ports: {
        ...bridge.ctx.notify?.ports,
        email: {
          channel: "email",
          async send(notice) {
            mails.push(notice);
            return { providerId: `m-${mails.length}`, status: "sent" };
          },
        },
      },
    };
  }, 60_000);
  afterAll(async () => {
    await bridge?.close();
    await backend.dispose();
  });

  const customersWith = async (address: string) =>
    (await bridge.db.query<{ id: number }>("SELECT id FROM customers WHERE email = $1", [address])).rows.map(
      (r) => Number(r.id),
    );
  const email = () => `klient-${randomBytes(4).toString("hex")}@kwiaciarnia.example`;

  async function signedUp(name?: string): Promise<{ v: Visitor; email: string; customerId: number }> {
    const v = new Visitor(bridge);
    const address = email();
    await v.get("/frames/pl/sign-up");
    const res = await v.post("/frames/pl/sign-up", person(address, name));
    expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
    const ids = await customersWith(address);
    return { v, email: address, customerId: ids[0]! };
  }

  it("sends the security headers: CSP frame-ancestors of the partner, cookies for a third-party iframe", async () => {
    const v = new Visitor(bridge);
    const res = await v.get("/frames/pl/domains");
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain(`frame-ancestors ${PARTNER}`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(res.headers["x-frame-options"]).toBeUndefined();
    const cookie = [res.headers["set-cookie"]].flat().join("\n");
    expect(cookie).toMatch(/hk_browser=[^;]+; Path=\/frames; HttpOnly; Secure; SameSite=None/);
    expect(res.body).toContain('parent.postMessage({type:"hrdkit:height"');

    // Without partner origins: only the bridge itself frames the pages, and cookies are Lax.
    const frames = bridge.ctx.frames!;
    const saved = frames.ancestors;
    frames.ancestors = [];
    try {
      const plain = await new Visitor(bridge).get("/frames/en/domains");
      expect(String(plain.headers["content-security-policy"])).toContain("frame-ancestors 'self'");
      expect(plain.headers["x-frame-options"]).toBe("SAMEORIGIN");
      expect([plain.headers["set-cookie"]].flat().join("\n")).toContain("SameSite=Lax");
    } finally {
      frames.ancestors = saved;
    }
  });

  it("refuses a POST without the visitor's form token (403) and writes nothing", async () => {
    const address = email();
    const v = new Visitor(bridge);
    await v.get("/frames/pl/sign-up");
    const none = await v.post("/frames/pl/sign-up", person(address), null);
    expect(none.statusCode).toBe(403);
    expect(none.body).toContain("Formularz wygasł");
    // Another browser's token is no good either.
    const other = new Visitor(bridge);
    await other.get("/frames/pl/sign-up");
    const foreign = await v.post("/frames/pl/sign-up", person(address), other.csrf);
    expect(foreign.statusCode).toBe(403);
    expect(await customersWith(address)).toHaveLength(0);
    // The same form with its own token goes through.
    expect((await v.post("/frames/pl/sign-up", person(address))).statusCode).toBe(303);
  });

  it("names every bad sign-up field in the visitor's language, keeping values but not passwords", async () => {
    const v = new Visitor(bridge);
    await v.get("/frames/pl/sign-up");
    const empty = await v.post("/frames/pl/sign-up", { name: "", city: "Kraków" });
    expect(empty.statusCode).toBe(422);
    for (const f of ["name", "email", "password", "street", "postcode", "terms"]) {
      expect(fieldError(empty.body, f), f).toBeTruthy();
    }
    expect(fieldError(empty.body, "city")).toBeUndefined();
    expect(fieldValue(empty.body, "city")).toBe("Kraków");

    // Billing's checks (NIP, postcode, e-mail) and the form's (passwords) together, in English.
    await v.get("/frames/en/sign-up");
    const bad = await v.post("/frames/en/sign-up", {
      ...person("not-an-email"),
      type: "company",
      nip: "1234567890",
      postcode: "3OOO1",
      password2: "something-else-2026",
    });
    expect(bad.statusCode).toBe(422);
    expect(fieldError(bad.body, "password2")).toBe("The passwords do not match.");
    expect(fieldError(bad.body, "nip")).toBe("This is not a valid NIP.");
    expect(fieldError(bad.body, "email")).toBeTruthy();
    expect(fieldError(bad.body, "postcode")).toBe("Enter a postcode like 00-000.");
    expect(fieldValue(bad.body, "nip")).toBe("1234567890");
    expect(fieldValue(bad.body, "password")).toBe("");
    expect(bad.body).not.toContain("różane-hasło-2026");

    // An e-mail that already has an account.
    const { email: taken } = await signedUp();
    const again = new Visitor(bridge);
    await again.get("/frames/pl/sign-up");
    const dup = await again.post("/frames/pl/sign-up", person(taken));
    expect(dup.statusCode).toBe(422);
    expect(fieldError(dup.body, "email")).toContain("już istnieje");
  });

  it("refuses a wrong login, then throttles and says when to try again", async () => {
    const { email: address } = await signedUp();
    const v = new Visitor(bridge);
    await v.get("/frames/pl/login");
    const empty = await v.post("/frames/pl/login", { email: "" });
    expect(empty.statusCode).toBe(422);
    expect(fieldError(empty.body, "email")).toBe("To pole jest wymagane.");
    expect(fieldError(empty.body, "password")).toBe("To pole jest wymagane.");

    let res = await v.post("/frames/pl/login", { email: address, password: "zle-haslo-123" });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain("Nieprawidłowy e-mail lub hasło.");
    expect(fieldValue(res.body, "email")).toBe(address);
    for (let i = 0; i < 30 && res.statusCode !== 429; i++) {
      res = await v.post("/frames/pl/login", { email: address, password: `zle-haslo-${i}` });
    }
    expect(res.statusCode).toBe(429);
    expect(res.body).toMatch(/Spróbuj ponownie za \d+ minut/);
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    // Even the right password waits now.
    const right = await v.post("/frames/pl/login", { email: address, password: "różane-hasło-2026" });
    expect(right.statusCode).toBe(429);
  });

  it("resets a password by a mailed link; the request answers the same for unknown addresses", async () => {
    const { email: address } = await signedUp();
    const v = new Visitor(bridge);
    await v.get("/frames/pl/password-reset");
    const unknown = await v.post("/frames/pl/password-reset", { email: email() });
    const known = await v.post("/frames/pl/password-reset", { email: address });
    expect(unknown.statusCode).toBe(200);
    expect(known.statusCode).toBe(200);
    const said = (b: string) => /<main id="main">([\s\S]*)<\/main>/.exec(b)?.[1];
    expect(said(known.body)).toBe(said(unknown.body));
    const mail = mails.find((m) => m.to === address);
    expect(mail?.subject).toContain("Ustaw nowe hasło");
    const link = /https?:\/\/\S+\/frames\/pl\/password-reset\?t=([\w%-]+)/.exec(mail!.text);
    expect(link).not.toBeNull();
    const page = await v.get(`/frames/pl/password-reset?t=${link![1]}`);
    expect(page.body).toContain("Ustaw nowe hasło");
    const token = decodeURIComponent(link![1]!);
    const short = await v.post("/frames/pl/password-reset/new", {
      t: token,
      password: "krótkie",
      password2: "inne",
    });
    expect(short.statusCode).toBe(422);
    expect(fieldError(short.body, "password")).toContain("10 znaków");
    expect(fieldError(short.body, "password2")).toBe("Hasła nie są takie same.");
    const ok = await v.post("/frames/pl/password-reset/new", {
      t: token,
      password: "nowe-różane-hasło",
      password2: "nowe-różane-hasło",
    });
    expect(ok.statusCode).toBe(303);
    expect((await v.get("/frames/pl/account")).statusCode).toBe(200);
    // The link works once.
    const reused = await v.post("/frames/pl/password-reset/new", {
      t: token,
      password: "jeszcze-inne-hasło",
      password2: "jeszcze-inne-hasło",
    });
    expect(reused.statusCode).toBe(422);
    expect(reused.body).toContain("nieprawidłowy, został już użyty lub wygasł");
  });

  it("shows a customer only their own proformas, invoices and services (404 for another's)", async () => {
    const a = await signedUp("Anna Nowak");
    const b = await signedUp("Bogdan Wiśniewski");
    const bDomain = `bogdan-${randomBytes(3).toString("hex")}.pl`;
    // B orders through the frames: a proforma of B's.
    await b.v.get("/frames/pl/domains");
    await b.v.post("/frames/pl/cart/add", { name: bDomain, tld: "pl", period: "1" });
    await b.v.get("/frames/pl/cart");
    const ordered = await b.v.post("/frames/pl/order", {
      orderRef: `frames-${randomBytes(6).toString("hex")}`,
    });
    expect(ordered.statusCode).toBe(303);
    const proformaId = Number(/proformas\/(\d+)$/.exec(String(ordered.headers.location))![1]);
    expect((await getProforma(bridge.db, proformaId)).customerId).toBe(b.customerId);
    const invoice = await paidInvoice(bridge.db, b.customerId, [
      `faktura-${randomBytes(3).toString("hex")}.pl`,
    ]);

    const own = await b.v.get(`/frames/pl/proformas/${proformaId}/pdf`);
    expect(own.statusCode).toBe(200);
    expect(own.headers["content-type"]).toBe("application/pdf");
    expect((await b.v.get(`/frames/pl/invoices/${invoice.id}/pdf`)).statusCode).toBe(200);
    expect((await b.v.get("/frames/pl/services")).body).toContain(bDomain);

    for (const url of [
      `/frames/pl/proformas/${proformaId}`,
      `/frames/pl/proformas/${proformaId}/pdf`,
      `/frames/pl/invoices/${invoice.id}/pdf`,
      "/frames/pl/invoices/999999/pdf",
    ]) {
      const res = await a.v.get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers["content-type"]).toContain("text/html");
    }
    for (const url of ["/frames/pl/services", "/frames/pl/proformas", "/frames/pl/invoices"]) {
      const res = await a.v.get(url);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(bDomain);
      expect(res.body).not.toContain(invoice.number);
    }
    // Logged out: the documents ask for a login first.
    const stranger = await new Visitor(bridge).get(`/frames/pl/proformas/${proformaId}/pdf`);
    expect(stranger.statusCode).toBe(303);
    expect(String(stranger.headers.location)).toMatch(/^\/frames\/pl\/login\?next=/);
  });

  it("shows a name with <script> as text", async () => {
    const { v } = await signedUp('<script>alert("x")</script> Kowalski');
    const page = await v.get("/frames/pl/account");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Kowalski");
    expect(page.body).not.toContain('<script>alert("x")');
  });

  it("names bad profile fields and saves good ones; a password change checks the current one", async () => {
    const { v, customerId } = await signedUp();
    await v.get("/frames/pl/profile");
    const bad = await v.post("/frames/pl/profile", {
      name: "",
      street: "ul. Nowa 1",
      postcode: "abc",
      city: "Kraków",
    });
    expect(bad.statusCode).toBe(422);
    expect(fieldError(bad.body, "name")).toBe("To pole jest wymagane.");
    expect(fieldValue(bad.body, "street")).toBe("ul. Nowa 1");
    const wrongPostcode = await v.post("/frames/pl/profile", {
      name: "Róża Nowa",
      street: "ul. Nowa 1",
      postcode: "abc",
      city: "Kraków",
    });
    expect(wrongPostcode.statusCode).toBe(422);
    expect(fieldError(wrongPostcode.body, "postcode")).toBe("Podaj kod pocztowy w formacie 00-000.");
    const saved = await v.post("/frames/pl/profile", {
      name: "Róża Nowa",
      street: "ul. Nowa 1",
      postcode: "31-002",
      city: "Kraków",
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain("Dane zostały zapisane.");
    expect((await getCustomer(bridge.db, customerId)).name).toBe("Róża Nowa");

    await v.get("/frames/pl/password");
    const wrong = await v.post("/frames/pl/password", {
      currentPassword: "nie-to-hasło",
      password: "nowe-hasło-2027",
      password2: "nowe-hasło-2027",
    });
    expect(wrong.statusCode).toBe(422);
    expect(fieldError(wrong.body, "currentPassword")).toBe("Obecne hasło jest nieprawidłowe.");
    const changed = await v.post("/frames/pl/password", {
      currentPassword: "różane-hasło-2026",
      password: "nowe-hasło-2027",
      password2: "nowe-hasło-2027",
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.body).toContain("Hasło zostało zmienione.");
  });

  it("dresses the pages in the branding set over the signed API: accent colour and banner with its link", async () => {
    const bad = await failure(
      client.call("PUT", "/v1/billing/settings/branding", {
        banner: { imageUrl: "javascript:alert(1)", link: "ftp://x", alt: "" },
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.issues?.map((i) => i.path).sort()).toEqual([
      "banner.alt",
      "banner.imageUrl",
      "banner.link",
    ]);
    const set = await client.call<{ accentColor: string; banner: { link: string } }>(
      "PUT",
      "/v1/billing/settings/branding",
      {
        accentColor: "#0b6e4f",
        banner: {
          imageUrl: "https://cdn.zolw.example/zima.png",
          link: "https://zolw.example/promo",
          alt: "Zima -20%",
        },
      },
    );
    expect(set.body.banner.link).toBe("https://zolw.example/promo");
    const page = (await new Visitor(bridge).get("/frames/pl/domains")).body;
    expect(page).toContain("--a:#0b6e4f");
    expect(page).toContain('<a class="banner" href="https://zolw.example/promo"');
    expect(page).toContain('<img src="https://cdn.zolw.example/zima.png" alt="Zima -20%">');
    // The colour alone changes; the banner is kept, then removed with null.
    await client.call("PUT", "/v1/billing/settings/branding", { accentColor: "#123456" });
    expect((await new Visitor(bridge).get("/frames/pl/domains")).body).toContain("zima.png");
    await client.call("PUT", "/v1/billing/settings/branding", { banner: null });
    expect((await new Visitor(bridge).get("/frames/pl/domains")).body).not.toContain("zima.png");
  });

  it("keeps the cart in a signed cookie: an altered one is an empty cart", async () => {
    const v = new Visitor(bridge);
    // The search form is a GET; the login page carries this browser's form token.
    await v.get("/frames/pl/login");
    const name = `sklep-${randomBytes(3).toString("hex")}.pl`;
    expect((await v.post("/frames/pl/cart/add", { name, tld: "pl", period: "1" })).statusCode).toBe(303);
    const cart = await v.get("/frames/pl/cart");
    expect(cart.body).toContain(name);
    expect(cart.body).toMatch(/49,19.zł/);
    const cookie = v.cookies.get("hk_cart")!;
    const [value, mac] = decodeURIComponent(cookie).split(".");
    const forged = Buffer.from(
      Buffer.from(value!, "base64url").toString("utf8").replace(name, "inna-nazwa.pl"),
    ).toString("base64url");
    v.cookies.set("hk_cart", encodeURIComponent(`${forged}.${mac}`));
    const after = await v.get("/frames/pl/cart");
    expect(after.body).not.toContain("inna-nazwa.pl");
    expect(after.body).toContain("Koszyk jest pusty.");
    // Ordering asks for a login and comes back to the cart.
    const order = await v.post("/frames/pl/order", {});
    expect(order.statusCode).toBe(303);
    expect(String(order.headers.location)).toBe(
      `/frames/pl/login?next=${encodeURIComponent("/frames/pl/cart")}`,
    );
  });
});
