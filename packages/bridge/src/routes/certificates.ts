/**
 * SSL certificates: ordering (exactly once per Idempotency-Key, and exactly once at HRD even when
 * a reply is lost: orderCertificateOnce), renewing, the order's status and the issued PEM.
 *
 * An order's or renewal's HRD action is handed to the `actions` job (trackAction), which follows it
 * until the certificate is issued and then tells the customer whose ssl service in billing has
 * this certificate id (`hrdRef`) that it was issued (`certificate.issued`).
 */
import { CERT_PRODUCTS, HrdApiError } from "@hrdkit/sdk";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { BridgeError } from "../errors.js";
import { idempotencyHeaders, replyJournaled } from "../idempotency.js";
import { trackAction } from "../jobs/actions.js";
import { errorResponses } from "../openapi.js";

const orderResult = z.object({ certId: z.number(), status: z.string(), replayed: z.boolean() }).meta({
  id: "CertificateOrder",
  description: "The certificate order (`replayed`: the stored answer of an earlier identical call)",
});
const certParams = z.object({ id: z.coerce.number().int().positive() });
const csr = z
  .string()
  .max(4000)
  .refine(
    (v) =>
      /-----BEGIN (NEW )?CERTIFICATE REQUEST-----[\s\S]{64,}-----END (NEW )?CERTIFICATE REQUEST-----/.test(v),
    "must be a PEM certificate request (-----BEGIN CERTIFICATE REQUEST----- … -----END CERTIFICATE REQUEST-----)",
  )
  .describe("PEM certificate signing request");
const digits = z.union([z.string().min(1).max(20), z.number().int().nonnegative()]);

/** The certificate's admin contact (HRD wants ASCII only; the SDK checks each field's characters). */
const adminContact = z
  .object({
    title: z.enum(["Mr", "Mrs", "Miss", "Ms", "Dr", "Rev"]),
    firstName: z.string().min(1).max(40),
    lastName: z.string().min(1).max(40),
    organization: z.string().min(1).max(40),
    taxId: z.string().min(1).max(20).optional(),
    role: z.string().min(1).max(40).describe("One of HRD's roles, e.g. Website Owner"),
    email: z.string().email().max(40),
    phoneCC: digits.describe("Country calling code, e.g. 48"),
    phoneN: digits.describe("Phone number without the country code"),
    address: z.string().min(1).max(200),
    address2: z.string().min(1).max(200).optional(),
    city: z.string().min(1).max(40),
    state: z.string().min(1).max(40),
    postCode: z.string().min(1).max(15),
    country: z.string().regex(/^[A-Za-z]{2}$/, "must be a two-letter country code (ISO 3166-1)"),
  })
  .meta({ id: "CertificateAdminContact", description: "The certificate's admin contact (ASCII only)" });

const orderBody = z.object({
  product: z.enum(CERT_PRODUCTS),
  csr,
  approverEmail: z.string().email(),
  adminContact,
  hrdUserId: z.number().int().positive(),
  period: z.number().int().min(1).max(3).default(1),
});

const renewBody = z.object({
  period: z.number().int().min(1).max(3).default(1),
  csr: csr.optional(),
  approverEmail: z.string().email().optional(),
});

const day = (d: string | undefined) => d?.slice(0, 10);

/** An HRD refusal of a certificate id is, for the panel, "no such certificate". */
async function certInfo(ctx: BridgeContext, id: number) {
  try {
    return await ctx.hrd.cert.info({ id });
  } catch (err) {
    if (err instanceof HrdApiError)
      throw new BridgeError(404, "not_found", `certificate ${id}: ${err.message}`);
    throw err;
  }
}

/**
 * Hands the order's action to the `actions` job. The order is made: a failure to record that is
 * reported, not turned into an error (the journaled answer must say what was bought).
 */
async function follow(
  ctx: BridgeContext,
  actionId: number | undefined,
  domain: string | undefined,
  kind: "cert.order" | "cert.renew",
): Promise<void> {
  if (actionId === undefined) return;
  try {
    await trackAction(ctx.db, actionId, domain ?? null, kind, ctx.now());
  } catch (err) {
    const report = ctx.logError ?? ((e: unknown) => console.error("hrdkit bridge: action not followed:", e));
    report(err, { method: "ACTION", url: `${kind} ${actionId}` });
  }
}

export function certificateRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    "/v1/certificates",
    {
      config: { audit: "cert.order" },
      schema: {
        operationId: "orderCertificate",
        summary: "Order an SSL certificate (idempotent purchase)",
        description:
          "Order an SSL certificate for a CSR, approved by e-mail. Idempotency-Key required (e.g. " +
          "`whmcs-<serviceid>-ssl-order`): a repeat gets the first answer back and never orders twice.",
        tags: ["certificates"],
        headers: idempotencyHeaders,
        body: orderBody,
        response: { 200: orderResult, ...errorResponses(409, 422, 502) },
      },
    },
    async (req, reply) => {
      return replyJournaled(ctx.db, req, reply, "cert.order", req.body, async () => {
        const b = req.body;
        const o = await ctx.hrd.orderCertificateOnce({
          product: b.product,
          csr: b.csr,
          approverEmail: b.approverEmail,
          adminContact: { ...b.adminContact, role: b.adminContact.role as never },
          userId: b.hrdUserId,
          period: b.period,
        });
        const info = await ctx.hrd.cert.info({ id: o.certId }).catch(() => undefined);
        await follow(ctx, o.actionId, info?.domain, "cert.order");
        return { statusCode: 200, body: { certId: o.certId, status: info?.status ?? "ordered" } };
      }) as never;
    },
  );

  r.post(
    "/v1/certificates/:id/renew",
    {
      config: { audit: "cert.renew" },
      schema: {
        operationId: "renewCertificate",
        summary: "Renew an SSL certificate (idempotent purchase)",
        description:
          "Renew a certificate for another period, optionally with a new CSR or approver e-mail. Idempotency-Key " +
          "required (e.g. `whmcs-<serviceid>-ssl-renew-<due date>`): a repeat never renews twice.",
        tags: ["certificates"],
        headers: idempotencyHeaders,
        params: certParams,
        body: renewBody,
        response: { 200: orderResult, ...errorResponses(404, 409, 422, 502) },
      },
    },
    async (req, reply) => {
      return replyJournaled(
        ctx.db,
        req,
        reply,
        "cert.renew",
        { id: req.params.id, ...req.body },
        async () => {
          await certInfo(ctx, req.params.id);
          const o = await ctx.hrd.cert.renew({
            id: req.params.id,
            period: req.body.period,
            csr: req.body.csr,
            approverEmail: req.body.approverEmail,
          });
          const info = await ctx.hrd.cert.info({ id: o.certId }).catch(() => undefined);
          await follow(ctx, o.actionId, info?.domain, "cert.renew");
          return { statusCode: 200, body: { certId: o.certId, status: info?.status ?? "ordered" } };
        },
      ) as never;
    },
  );

  r.get(
    "/v1/certificates/:id",
    {
      schema: {
        operationId: "getCertificate",
        summary: "Get a certificate order's status",
        description: "A certificate order's status (the sandbox: awaitingApproval, issued, expired).",
        tags: ["certificates"],
        params: certParams,
        response: {
          200: z
            .object({
              certId: z.number(),
              status: z.string(),
              product: z.string(),
              domain: z.string().optional(),
              expiresOn: z.string().optional(),
            })
            .meta({ id: "Certificate", description: "A certificate order's status" }),
          ...errorResponses(404, 502),
        },
      },
    },
    async (req) => {
      const info = await certInfo(ctx, req.params.id);
      return {
        certId: req.params.id,
        status: info.status,
        product: info.product,
        domain: info.domain,
        expiresOn: day(info.exDate),
      };
    },
  );

  r.get(
    "/v1/certificates/:id/certificate",
    {
      schema: {
        operationId: "downloadCertificate",
        summary: "Download the issued certificate (PEM)",
        description: "The issued certificate (PEM). 409 `not_issued` while the order awaits approval.",
        tags: ["certificates"],
        params: certParams,
        response: {
          200: z.object({ pem: z.string() }).describe("The issued certificate, PEM"),
          ...errorResponses(404, 409, 422, 502),
        },
      },
    },
    async (req) => {
      const info = await certInfo(ctx, req.params.id);
      const notIssued = () =>
        new BridgeError(
          409,
          "not_issued",
          `certificate ${req.params.id} is not issued yet (status ${info.status})`,
          true,
        );
      if (info.status === "awaitingApproval") throw notIssued();
      const { certificate } = await ctx.hrd.cert.get({ id: req.params.id }).catch((err: unknown) => {
        // HRD refuses cert/get until the certificate is issued (its status strings are not documented).
        if (err instanceof HrdApiError && info.status !== "issued") throw notIssued();
        throw err;
      });
      return { pem: certificate };
    },
  );
}
