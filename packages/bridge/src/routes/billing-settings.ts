/**
 * Billing's settings over HTTP: the seller printed on every document (with the bank account's
 * check digits verified), billing's own choices (renewal lead days, proforma validity), the number
 * series, and the branding of the PDFs (accent colour and logo). Every change goes through
 * billing's setters, which validate and name every bad field, and is audited (`config.audit`).
 * These are settings, set to a value: a repeat sets the same value, so no Idempotency-Key.
 */
import {
  BillingConflictError,
  BillingValidationError,
  type FieldIssue,
  getBillingSettings,
  getSellerSettings,
  listSeries,
  type SellerSettings,
  setBillingSettings,
  setSellerSettings,
  upsertSeries,
} from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { BridgeError } from "../errors.js";
import { errorBody } from "./billing-schemas.js";
import { decodeLogo, describeLogo, MAX_LOGO_BYTES, storeLogo } from "./billing-settings-branding.js";

const TAGS = ["billing"];

// --- Seller --------------------------------------------------------------------------------------

const sellerFields = {
  name: z.string(),
  nip: z.string().describe("Polish NIP; `PL 526-025-02-74` is stored as `5260250274`"),
  address: z.object({
    street: z.string(),
    postcode: z.string(),
    city: z.string(),
    country: z.string().optional().describe("ISO 3166-1 alpha-2; default PL"),
  }),
  bankAccount: z.string().describe("NRB (26 digits) or IBAN; spaces allowed; the check digits are verified"),
  bankName: z.string().optional(),
  email: z.string().describe("The address documents are e-mailed from"),
  phone: z.string().optional(),
  place: z.string().optional().describe("Place of issue printed on invoices, e.g. Warszawa"),
};

const sellerBody = z.object(sellerFields).meta({
  id: "SetSeller",
  description: "The partner's data printed on documents (branding is set separately and kept)",
});

const sellerOut = z
  .object({
    name: z.string(),
    nip: z.string(),
    address: z.object({ street: z.string(), postcode: z.string(), city: z.string(), country: z.string() }),
    bankAccount: z.string(),
    bankName: z.string().nullable(),
    email: z.string(),
    phone: z.string().nullable(),
    place: z.string().nullable(),
    accentColor: z.string().nullable().describe("Accent colour of the PDFs, #rrggbb; null: the default"),
    hasLogo: z.boolean(),
  })
  .meta({ id: "Seller", description: "The partner's data printed on every new document" });

const sellerJson = (s: SellerSettings): z.input<typeof sellerOut> => ({
  name: s.name,
  nip: s.nip,
  address: s.address,
  bankAccount: s.bankAccount,
  bankName: s.bankName ?? null,
  email: s.email,
  phone: s.phone ?? null,
  place: s.place ?? null,
  accentColor: s.accentColor ?? null,
  hasLogo: s.logoPath !== undefined,
});

/** The stored seller, or undefined before the first PUT. */
async function currentSeller(ctx: BridgeContext): Promise<SellerSettings | undefined> {
  try {
    return await getSellerSettings(ctx.db);
  } catch (err) {
    if (err instanceof BillingConflictError && err.code === "no_seller") return undefined;
    throw err;
  }
}

async function requireSeller(ctx: BridgeContext): Promise<SellerSettings> {
  const seller = await currentSeller(ctx);
  if (!seller) {
    throw new BridgeError(
      409,
      "no_seller",
      "the seller's data is not set yet: PUT /v1/billing/settings/seller first, then the branding",
    );
  }
  return seller;
}

/**
 * The ISO 13616 check (mod 97) of an account billing accepted the form of: an NRB is a Polish
 * IBAN without `PL`. Billing checks only the form, so a mistyped digit would reach every proforma
 * and no customer's payment would arrive.
 */
function accountChecksumIssue(account: string): FieldIssue | undefined {
  const compact = account.replace(/\s/g, "").toUpperCase();
  const iban = /^\d{26}$/.test(compact) ? `PL${compact}` : compact;
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban)) return undefined; // billing names the form
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return rest === 1
    ? undefined
    : { path: "bankAccount", message: "the check digits do not match the number: a digit is mistyped" };
}

// --- Billing's choices, series -------------------------------------------------------------------

const leadDays = z.object({ domain: z.number(), option: z.number(), ssl: z.number(), hosting: z.number() });

const billingSettingsOut = z
  .object({
    renewalLeadDays: leadDays.describe("Days before expiry a renewal proforma is made, per kind of service"),
    proformaValidDays: z.number().describe("Days a proforma can be paid"),
  })
  .meta({ id: "BillingSettings", description: "How billing behaves where the law leaves a choice" });

const billingSettingsBody = z
  .object({
    renewalLeadDays: z
      .object({
        domain: z.number().int().optional(),
        option: z.number().int().optional(),
        ssl: z.number().int().optional(),
        hosting: z.number().int().optional(),
      })
      .optional()
      .describe("1–365 each"),
    proformaValidDays: z.number().int().optional().describe("1–90"),
  })
  .meta({
    id: "SetBillingSettings",
    description: "A change of billing's settings: fields left out keep their value",
  });

const seriesKind = z.enum(["proforma", "invoice", "correction"]);
const seriesReset = z.enum(["never", "yearly", "monthly"]);

const seriesOut = z
  .object({
    id: z.number(),
    kind: seriesKind,
    name: z.string(),
    pattern: z.string().describe("Tokens {YYYY}, {YY}, {MM} and {N} (the counter), e.g. FV/{YYYY}/{MM}/{N}"),
    reset: seriesReset.describe("When the counter starts again from 1"),
    isDefault: z.boolean().describe("The series new documents of its kind are numbered in"),
  })
  .meta({ id: "NumberSeries", description: "A document number series" });

const seriesBody = z
  .object({
    kind: seriesKind,
    name: z.string().describe("The series' name: an existing name changes that series"),
    pattern: z.string().describe("Must contain {N}; {YYYY}/{YY} to reset yearly, and {MM} to reset monthly"),
    reset: seriesReset.optional().describe("Default yearly"),
    isDefault: z.boolean().optional().describe("Make it the default of its kind (default false: unchanged)"),
  })
  .meta({
    id: "UpsertNumberSeries",
    description: "A number series to add, or the new form of one with that name",
  });

// --- Branding ------------------------------------------------------------------------------------

const bannerOut = z
  .object({
    imageUrl: z
      .string()
      .describe(
        "The image: an https:// address (or /frames/banner/<file> for an image uploaded to the bridge)",
      ),
    link: z
      .string()
      .optional()
      .describe("Where a click on the banner leads (http(s)://…); absent: not a link"),
    alt: z.string().describe("What the banner says, for screen readers and when the image does not load"),
  })
  .meta({ id: "FramesBanner", description: "An ad banner shown on the customer frames" });

const brandingOut = z
  .object({
    accentColor: z.string().nullable().describe("#rrggbb; null: the default accent"),
    logo: z
      .object({
        format: z.enum(["png", "jpeg"]),
        size: z.number().describe("Bytes"),
        sha256: z.string(),
      })
      .nullable()
      .describe("The logo new documents print; null: none (the seller's name is printed instead)"),
    logoProblem: z.string().nullable().describe("Why the logo set cannot be printed, when it cannot"),
    banner: bannerOut.nullable().describe("The ad banner the customer frames show; null: none"),
  })
  .meta({
    id: "Branding",
    description: "How the PDFs and the customer frames look: the accent colour, the logo, the frames' banner",
  });

const brandingBody = z
  .object({
    accentColor: z
      .string()
      .nullable()
      .optional()
      .describe(
        "#rrggbb, e.g. #1a73e8 (PDFs and the frames' buttons); null: back to the default; absent: kept",
      ),
    banner: bannerOut.nullable().optional().describe("The frames' ad banner; null: none; absent: kept"),
  })
  .meta({ id: "SetBranding", description: "The accent colour and the frames' banner" });

const logoBody = z
  .object({
    data: z
      .string()
      .describe(`The PNG or JPEG file's bytes in base64, at most ${MAX_LOGO_BYTES / 1024} KiB decoded`),
  })
  .meta({ id: "UploadLogo", description: "A logo for the PDFs' header" });

async function brandingJson(seller: SellerSettings | undefined): Promise<z.input<typeof brandingOut>> {
  const banner = seller?.banner ?? null;
  if (!seller?.logoPath)
    return { accentColor: seller?.accentColor ?? null, logo: null, logoProblem: null, banner };
  const d = await describeLogo(seller.logoPath);
  return {
    banner,
    accentColor: seller.accentColor ?? null,
    logo: "logo" in d ? d.logo : null,
    logoProblem: "problem" in d ? d.problem : null,
  };
}

/** The seller without one optional field (billing's setter takes the whole seller). */
function without(seller: SellerSettings, key: "logoPath" | "accentColor" | "banner"): SellerSettings {
  const { [key]: _dropped, ...rest } = seller;
  return rest;
}

export function billingSettingRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/v1/billing/settings/seller",
    {
      schema: {
        operationId: "getSeller",
        summary: "Get the seller's data",
        description:
          "The partner's data printed on every new document. 404 `no_seller` until it has been set: no proforma or " +
          "invoice can be issued before that.",
        tags: TAGS,
        response: { 200: sellerOut, 401: errorBody, 404: errorBody },
      },
    },
    async () => {
      const seller = await currentSeller(ctx);
      if (!seller) {
        throw new BridgeError(
          404,
          "no_seller",
          "the seller's data is not set yet: PUT /v1/billing/settings/seller",
        );
      }
      return sellerJson(seller);
    },
  );

  r.put(
    "/v1/billing/settings/seller",
    {
      config: { audit: "billing.settings.seller" },
      schema: {
        operationId: "setSeller",
        summary: "Set the seller's data",
        description:
          "Replaces the seller's name, NIP, address, bank account, e-mail, phone and place of issue (the branding — " +
          "accent colour and logo — is kept). Documents already issued keep the seller they were issued with. 400 " +
          "names every bad field (NIP checksum, the account's form and check digits, e-mail, country); nothing is " +
          "written then.",
        tags: TAGS,
        body: sellerBody,
        response: { 200: sellerOut, 400: errorBody, 401: errorBody },
      },
    },
    async (req) => {
      const b = req.body;
      const current = await currentSeller(ctx);
      const input: SellerSettings = {
        name: b.name,
        nip: b.nip,
        address: { ...b.address, country: b.address.country ?? "PL" },
        bankAccount: b.bankAccount,
        email: b.email,
        ...(b.bankName === undefined ? {} : { bankName: b.bankName }),
        ...(b.phone === undefined ? {} : { phone: b.phone }),
        ...(b.place === undefined ? {} : { place: b.place }),
        ...(current?.logoPath === undefined ? {} : { logoPath: current.logoPath }),
        ...(current?.accentColor === undefined ? {} : { accentColor: current.accentColor }),
        ...(current?.banner === undefined ? {} : { banner: current.banner }),
      };
      const checksum = accountChecksumIssue(b.bankAccount);
      // Billing's own check and the check digits, named together; rolled back when either fails.
      const saved = await ctx.db.transaction(async (tx) => {
        let stored: SellerSettings;
        try {
          stored = await setSellerSettings(tx, input);
        } catch (err) {
          if (checksum && err instanceof BillingValidationError) {
            throw new BillingValidationError("setSellerSettings", [...err.issues, checksum]);
          }
          throw err;
        }
        if (checksum) throw new BillingValidationError("setSellerSettings", [checksum]);
        return stored;
      });
      return sellerJson(saved);
    },
  );

  r.get(
    "/v1/billing/settings/billing",
    {
      schema: {
        operationId: "getBillingSettings",
        summary: "Get billing's settings",
        description:
          "Renewal lead days per kind of service and how long a proforma can be paid (defaults until set).",
        tags: TAGS,
        response: { 200: billingSettingsOut, 401: errorBody },
      },
    },
    async () => getBillingSettings(ctx.db),
  );

  r.put(
    "/v1/billing/settings/billing",
    {
      config: { audit: "billing.settings.billing" },
      schema: {
        operationId: "setBillingSettings",
        summary: "Change billing's settings",
        description:
          "Changes the settings given; fields left out keep their value. 400 names every bad field (lead days " +
          "1–365, proforma validity 1–90); nothing is written then.",
        tags: TAGS,
        body: billingSettingsBody,
        response: { 200: billingSettingsOut, 400: errorBody, 401: errorBody },
      },
    },
    async (req) => {
      const b = req.body;
      return setBillingSettings(ctx.db, {
        ...(b.renewalLeadDays === undefined ? {} : { renewalLeadDays: b.renewalLeadDays }),
        ...(b.proformaValidDays === undefined ? {} : { proformaValidDays: b.proformaValidDays }),
      });
    },
  );

  r.get(
    "/v1/billing/settings/series",
    {
      schema: {
        operationId: "listNumberSeries",
        summary: "List the number series",
        description:
          "Every number series of proformas, invoices and corrections, by kind, with the default of each.",
        tags: TAGS,
        response: {
          200: z
            .object({ items: z.array(seriesOut) })
            .meta({ id: "NumberSeriesList", description: "Every number series, by kind" }),
          401: errorBody,
        },
      },
    },
    async () => ({ items: await listSeries(ctx.db) }),
  );

  r.put(
    "/v1/billing/settings/series",
    {
      config: { audit: "billing.settings.series" },
      schema: {
        operationId: "upsertNumberSeries",
        summary: "Add or change a number series",
        description:
          "Adds the series named `name`, or changes its pattern, reset period and default flag. Numbers already " +
          "given stay; new documents of the series follow the new pattern, gap-free. 400 names every bad field " +
          "(a pattern without {N}, or without the year or month token its reset needs); 409 `series_kind` when a " +
          "series of that name is of another kind; nothing is written then.",
        tags: TAGS,
        body: seriesBody,
        response: { 200: seriesOut, 400: errorBody, 401: errorBody, 409: errorBody },
      },
    },
    async (req) => {
      const b = req.body;
      const s = await upsertSeries(ctx.db, {
        kind: b.kind,
        name: b.name,
        pattern: b.pattern,
        ...(b.reset === undefined ? {} : { reset: b.reset }),
        ...(b.isDefault === undefined ? {} : { isDefault: b.isDefault }),
      });
      const listed = (await listSeries(ctx.db)).find((x) => x.id === s.id);
      return listed ?? { ...s, isDefault: b.isDefault === true };
    },
  );

  r.get(
    "/v1/billing/settings/branding",
    {
      schema: {
        operationId: "getBranding",
        summary: "Get the PDFs' branding",
        description:
          "The accent colour and the logo new documents print (format, size, SHA-256), and why the logo cannot be " +
          "printed when its file is gone. Defaults (null) until set.",
        tags: TAGS,
        response: { 200: brandingOut, 401: errorBody },
      },
    },
    async () => brandingJson(await currentSeller(ctx)),
  );

  r.put(
    "/v1/billing/settings/branding",
    {
      config: { audit: "billing.settings.branding" },
      schema: {
        operationId: "setBranding",
        summary: "Set the accent colour and the frames' banner",
        description:
          "Sets the accent colour of new PDFs and of the customer frames (`#rrggbb`; null: the default) and the ad " +
          "banner the frames show (an https image, a link, alt text; null: none). A field left out is kept. 400 " +
          "naming `accentColor` for anything but a hex colour and `banner.imageUrl` / `banner.link` / `banner.alt` " +
          "for a bad banner; 409 `no_seller` before the seller is set; nothing is written when refused.",
        tags: TAGS,
        body: brandingBody,
        response: { 200: brandingOut, 400: errorBody, 401: errorBody, 409: errorBody },
      },
    },
    async (req) => {
      let next = await requireSeller(ctx);
      const { accentColor: color, banner } = req.body;
      if (color === null) next = without(next, "accentColor");
      else if (color !== undefined) next = { ...next, accentColor: color };
      if (banner === null) next = without(next, "banner");
      else if (banner !== undefined) next = { ...next, banner };
      // Billing checks the colour and the banner's addresses, naming `accentColor` / `banner.…`.
      return brandingJson(await setSellerSettings(ctx.db, next));
    },
  );

  r.put(
    "/v1/billing/settings/branding/logo",
    {
      config: { audit: "billing.settings.logo" },
      schema: {
        operationId: "uploadLogo",
        summary: "Upload the PDFs' logo",
        description:
          `Sets the logo printed in the header of new PDFs: a PNG or JPEG, base64 in \`data\`, at most ` +
          `${MAX_LOGO_BYTES / 1024} KiB. Documents already issued keep printing the logo they were issued with. ` +
          "400 naming `data` when it is not base64, empty, too big, or neither PNG nor JPEG; 409 `no_seller` " +
          "before the seller is set, `logo_storage_not_configured` when the bridge has no folder for files " +
          "(HRDKIT_BRANDING_DIR, or a BRIDGE_DATA_DIR); nothing is changed when refused.",
        tags: TAGS,
        body: logoBody,
        response: { 200: brandingOut, 400: errorBody, 401: errorBody, 409: errorBody },
      },
    },
    async (req) => {
      const bytes = decodeLogo(req.body.data);
      const seller = await requireSeller(ctx);
      if (!ctx.brandingDir) {
        throw new BridgeError(
          409,
          "logo_storage_not_configured",
          "the bridge has no folder to keep the logo in: set HRDKIT_BRANDING_DIR (or run with BRIDGE_DATA_DIR)",
        );
      }
      const logo = await storeLogo(ctx.brandingDir, bytes);
      return brandingJson(await setSellerSettings(ctx.db, { ...seller, logoPath: logo.path }));
    },
  );

  r.delete(
    "/v1/billing/settings/branding/logo",
    {
      config: { audit: "billing.settings.logo.delete" },
      schema: {
        operationId: "removeLogo",
        summary: "Remove the PDFs' logo",
        description:
          "New PDFs print the seller's name instead of a logo. The file stays: documents issued with it still " +
          "print it. 409 `no_seller` before the seller is set.",
        tags: TAGS,
        response: { 200: brandingOut, 401: errorBody, 409: errorBody },
      },
    },
    async () => brandingJson(await setSellerSettings(ctx.db, without(await requireSeller(ctx), "logoPath"))),
  );

  r.get(
    "/v1/billing/settings/branding/logo",
    {
      schema: {
        operationId: "getLogo",
        summary: "Download the PDFs' logo",
        description:
          "The logo new documents print, as its PNG or JPEG bytes. 404 when there is none (or its file is gone).",
        tags: TAGS,
        response: {
          200: {
            description: "The logo (image/png or image/jpeg)",
            content: {
              "image/png": { schema: z.string().meta({ format: "binary", description: "PNG bytes" }) },
              "image/jpeg": { schema: z.string().meta({ format: "binary", description: "JPEG bytes" }) },
            },
          },
          401: errorBody,
          404: errorBody,
        },
      },
    },
    async (_req, reply) => {
      const seller = await currentSeller(ctx);
      const d = seller?.logoPath ? await describeLogo(seller.logoPath) : undefined;
      if (!d || !("bytes" in d)) {
        throw new BridgeError(404, "not_found", d ? d.problem : "no logo is set");
      }
      const type = d.logo.format === "png" ? "image/png" : "image/jpeg";
      return reply
        .type(type)
        .header("cache-control", "no-store")
        .header("content-disposition", `inline; filename="logo.${d.logo.format === "png" ? "png" : "jpg"}"`)
        .send(d.bytes as never) as never;
    },
  );
}
