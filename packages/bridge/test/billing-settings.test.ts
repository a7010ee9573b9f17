import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import type { Bridge, BridgeClient } from "@hrdkit/bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bridgeBackends } from "./support/backends.js";
import { companyCustomer, fetchSigned, paidInvoice, preparePricing } from "./support/billing-documents.js";
import { failure } from "./support/bridge.js";

interface SellerJson {
  name: string;
  nip: string;
  bankAccount: string;
  email: string;
  accentColor: string | null;
  hasLogo: boolean;
  address: { country: string };
}
interface BrandingJson {
  accentColor: string | null;
  logo: { format: string; size: number; sha256: string } | null;
  logoProblem: string | null;
  banner: { imageUrl: string; link?: string; alt: string } | null;
}

/** A real PNG (RGB, 8 bits, no interlace) of one colour, as an image editor would save it. */
function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([head, typed, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const SELLER_IN = {
  name: "Żółw Hosting Sp. z o.o.",
  nip: "PL 526-025-02-74",
  address: { street: "ul. Świętokrzyska 12", postcode: "00-916", city: "Warszawa" },
  bankAccount: "61 1090 1014 0000 0712 1981 2874",
  bankName: "Santander Bank Polska",
  email: "faktury@zolw.example",
  phone: "+48 22 100 32 48",
  place: "Warszawa",
};

let bridge: Bridge;
let client: BridgeClient;
let key: string;

const backends = bridgeBackends("billing_settings", { keyName: "back office" });

describe.each(backends)("billing settings over HTTP on $name", (backend) => {
  const brandingDir = mkdtempSync(join(tmpdir(), "hrdkit-branding-"));

  beforeAll(async () => {
    ({ bridge, client, key } = await backend.start({ brandingDir }));
  }, 60_000);
  afterAll(async () => {
    await bridge?.close();
    await backend.dispose();
    rmSync(brandingDir, { recursive: true, force: true });
  });

  it("sets the seller, normalised and checked, and refuses bad data naming every field", async () => {
    const none = await failure(client.call("GET", "/v1/billing/settings/seller"));
    expect([none.status, none.code]).toEqual([404, "no_seller"]);
    const put = (body: unknown) => client.call<SellerJson>("PUT", "/v1/billing/settings/seller", body);

    const set = await put(SELLER_IN);
    expect(set.body).toMatchObject({
      nip: "5260250274",
      bankAccount: "61109010140000071219812874",
      address: { country: "PL" },
      accentColor: null,
      hasLogo: false,
    });
    // A mistyped NIP check digit, an e-mail without a domain, an account with one digit swapped
    // (its form is fine, its check digits are not) and a country that is not a code.
    const bad = await failure(
      put({
        ...SELLER_IN,
        name: "Zmieniona nazwa",
        nip: "526-025-02-75",
        email: "faktury@",
        bankAccount: "61 1090 1014 0000 0712 1981 2847",
        address: { ...SELLER_IN.address, country: "Polska" },
      }),
    );
    expect([bad.status, bad.code]).toEqual([400, "invalid"]);
    expect(bad.body.issues?.map((i) => i.path).sort()).toEqual([
      "address.country",
      "bankAccount",
      "email",
      "nip",
    ]);
    // The check digits alone are enough to refuse, and nothing is written.
    const swapped = await failure(
      put({ ...SELLER_IN, name: "Zmieniona nazwa", bankAccount: "PL61 1090 1014 0000 0712 1981 2847" }),
    );
    expect(swapped.body.issues).toEqual([
      { path: "bankAccount", message: expect.stringContaining("check digits") },
    ]);
    const typed = await failure(put({ ...SELLER_IN, name: 7, address: { city: "Warszawa" } }));
    expect(typed.body.issues?.map((i) => i.path).sort()).toEqual([
      "address.postcode",
      "address.street",
      "name",
    ]);
    const got = await client.call<SellerJson>("GET", "/v1/billing/settings/seller");
    expect(got.body).toEqual(set.body);

    // A foreign IBAN with valid check digits (a German bank's example account).
    const german = await put({ ...SELLER_IN, bankAccount: "DE89 3704 0044 0532 0130 00" });
    expect(german.body.bankAccount).toBe("DE89370400440532013000");
    await put(SELLER_IN);
  });

  it("changes billing's settings partially and validates them", async () => {
    const defaults = (await client.call("GET", "/v1/billing/settings/billing")).body;
    expect(defaults).toEqual({
      renewalLeadDays: { domain: 30, option: 30, ssl: 30, hosting: 30 },
      proformaValidDays: 14,
    });
    const changed = await client.call("PUT", "/v1/billing/settings/billing", {
      renewalLeadDays: { domain: 45 },
      proformaValidDays: 7,
    });
    expect(changed.body).toEqual({
      renewalLeadDays: { domain: 45, option: 30, ssl: 30, hosting: 30 },
      proformaValidDays: 7,
    });
    const bad = await failure(
      client.call("PUT", "/v1/billing/settings/billing", {
        renewalLeadDays: { ssl: 400 },
        proformaValidDays: 0,
      }),
    );
    expect(bad.body.issues?.map((i) => i.path).sort()).toEqual(["proformaValidDays", "renewalLeadDays.ssl"]);
    expect((await client.call("GET", "/v1/billing/settings/billing")).body).toEqual(changed.body);
  });

  it("lists and upserts number series, refusing a pattern its reset cannot number", async () => {
    type Series = {
      id: number;
      kind: string;
      name: string;
      pattern: string;
      reset: string;
      isDefault: boolean;
    };
    const list = async () =>
      (await client.call<{ items: Series[] }>("GET", "/v1/billing/settings/series")).body.items;
    const initial = await list();
    expect(initial.filter((s) => s.isDefault).map((s) => [s.kind, s.pattern])).toEqual(
      expect.arrayContaining([
        ["invoice", "FV/{YYYY}/{MM}/{N}"],
        ["correction", "KOR/{YYYY}/{N}"],
      ]),
    );
    const put = (body: unknown) => client.call<Series>("PUT", "/v1/billing/settings/series", body);
    const shop = await put({
      kind: "invoice",
      name: "Faktury sklepu",
      pattern: "FS/{N}/{YYYY}",
      reset: "yearly",
    });
    expect(shop.body).toMatchObject({
      kind: "invoice",
      pattern: "FS/{N}/{YYYY}",
      reset: "yearly",
      isDefault: false,
    });
    const changed = await put({
      kind: "invoice",
      name: "Faktury sklepu",
      pattern: "FS/{YYYY}/{MM}/{N}",
      reset: "monthly",
    });
    expect(changed.body).toMatchObject({ id: shop.body.id, pattern: "FS/{YYYY}/{MM}/{N}", reset: "monthly" });

    const bad = await failure(
      put({ kind: "invoice", name: "Zła seria", pattern: "ZS/{N}", reset: "monthly" }),
    );
    expect(bad.body.issues?.map((i) => i.path)).toEqual(["pattern", "pattern"]);
    const wrongKind = await failure(put({ kind: "faktura", name: "Bez licznika", pattern: "X/{YYYY}" }));
    expect(wrongKind.body.issues?.map((i) => i.path)).toEqual(["kind"]);
    const clash = await failure(put({ kind: "correction", name: "Faktury sklepu", pattern: "K/{YYYY}/{N}" }));
    expect([clash.status, clash.code]).toEqual([409, "series_kind"]);
    expect((await list()).map((s) => s.name).sort()).toEqual(
      [...initial.map((s) => s.name), "Faktury sklepu"].sort(),
    );
  });

  it("sets the accent colour and the logo; new PDFs print the logo, refusals change nothing", async () => {
    const branding = async () =>
      (await client.call<BrandingJson>("GET", "/v1/billing/settings/branding")).body;
    expect(await branding()).toEqual({ accentColor: null, logo: null, logoProblem: null, banner: null });
    await preparePricing(bridge.db);
    const customer = await companyCustomer(bridge.db);
    const plain = await paidInvoice(bridge.db, customer.id, ["bez-logo.pl"]);

    const colour = await client.call<BrandingJson>("PUT", "/v1/billing/settings/branding", {
      accentColor: "#1a73e8",
    });
    expect(colour.body.accentColor).toBe("#1a73e8");
    const badColour = await failure(
      client.call("PUT", "/v1/billing/settings/branding", { accentColor: "niebieski" }),
    );
    expect(badColour.body.issues?.map((i) => i.path)).toEqual(["accentColor"]);

    const logo = png(120, 40, [26, 115, 232]);
    const up = await client.call<BrandingJson>("PUT", "/v1/billing/settings/branding/logo", {
      data: logo.toString("base64"),
    });
    const sha256 = createHash("sha256").update(logo).digest("hex");
    expect(up.body).toEqual({
      accentColor: "#1a73e8",
      logo: { format: "png", size: logo.length, sha256 },
      logoProblem: null,
      banner: null,
    });
    expect(readdirSync(brandingDir)).toEqual([`logo-${sha256}.png`]);
    const served = await fetchSigned(bridge.url, key, "/v1/billing/settings/branding/logo");
    expect([served.status, served.type]).toEqual([200, "image/png"]);
    expect(served.bytes.equals(logo)).toBe(true);
    expect((await client.call<SellerJson>("GET", "/v1/billing/settings/seller")).body.hasLogo).toBe(true);

    // An invoice issued now prints the logo; one issued before keeps its own look.
    const branded = await paidInvoice(bridge.db, customer.id, ["z-logo.pl"]);
    const pdfOf = async (id: number) =>
      (await fetchSigned(bridge.url, key, `/v1/billing/invoices/${id}/pdf`)).bytes.toString("latin1");
    expect(await pdfOf(branded.id)).toMatch(/\/Subtype \/Image/);
    expect(await pdfOf(plain.id)).not.toMatch(/\/Subtype \/Image/);

    // Not an image, not base64, too big, empty: a 400 naming `data`, the logo unchanged.
    const gif = Buffer.concat([Buffer.from("GIF89a", "latin1"), Buffer.alloc(64)]);
    for (const data of [
      gif.toString("base64"),
      "to nie jest base64!",
      Buffer.alloc(600 * 1024).toString("base64"),
      "",
    ]) {
      const e = await failure(client.call("PUT", "/v1/billing/settings/branding/logo", { data }));
      expect([e.status, e.body.issues?.map((i) => i.path)]).toEqual([400, ["data"]]);
    }
    expect((await branding()).logo?.sha256).toBe(sha256);
    expect(readdirSync(brandingDir)).toEqual([`logo-${sha256}.png`]);

    // Removed: new documents print the name; the file stays for the invoice issued with it.
    const removed = await client.call<BrandingJson>("DELETE", "/v1/billing/settings/branding/logo");
    expect(removed.body).toEqual({ accentColor: "#1a73e8", logo: null, logoProblem: null, banner: null });
    expect((await fetchSigned(bridge.url, key, "/v1/billing/settings/branding/logo")).status).toBe(404);
    expect(await pdfOf(branded.id)).toMatch(/\/Subtype \/Image/);
    expect(existsSync(join(brandingDir, `logo-${sha256}.png`))).toBe(true);
    const reset = await client.call<BrandingJson>("PUT", "/v1/billing/settings/branding", {
      accentColor: null,
    });
    expect(reset.body.accentColor).toBeNull();

    // The same bridge as started with nowhere to keep files.
    const dir = bridge.ctx.brandingDir;
    delete bridge.ctx.brandingDir;
    try {
      const e = await failure(
        client.call("PUT", "/v1/billing/settings/branding/logo", { data: logo.toString("base64") }),
      );
      expect([e.status, e.code]).toEqual([409, "logo_storage_not_configured"]);
      expect((await branding()).logo).toBeNull();
    } finally {
      bridge.ctx.brandingDir = dir;
    }
  });

  it("audits every settings change, refusals included", async () => {
    const { body } = await client.call<{
      items: { action: string; outcome: string; statusCode: number; method: string }[];
    }>("GET", "/v1/audit?action=billing.settings.&limit=200");
    const seen = body.items.map((e) => `${e.action} ${e.statusCode}`);
    for (const expected of [
      "billing.settings.seller 200",
      "billing.settings.seller 400",
      "billing.settings.billing 200",
      "billing.settings.billing 400",
      "billing.settings.series 200",
      "billing.settings.series 409",
      "billing.settings.branding 200",
      "billing.settings.logo 200",
      "billing.settings.logo 400",
      "billing.settings.logo 409",
      "billing.settings.logo.delete 200",
    ]) {
      expect(seen).toContain(expected);
    }
    // Reading changes nothing, so reads are not audited.
    expect(body.items.every((e) => e.method !== "GET")).toBe(true);
    expect(body.items.filter((e) => e.outcome === "error").every((e) => e.statusCode >= 400)).toBe(true);
  });
});
