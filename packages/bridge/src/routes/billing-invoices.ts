/**
 * VAT invoices and corrections over HTTP: the back office's list and the document as issued, its
 * PDF (original or copy), duplicates (art. 106l), corrections (art. 106j), the KSeF FA(3) XML and
 * the KSeF number the sender got, and e-mailing the invoice to the customer again. Invoices are
 * issued by billing when a proforma is paid; nothing here changes an issued document (a correction
 * is a new one, and the KSeF state is the one part billing lets change).
 */
import {
  documentFileName,
  exportInvoiceFa3,
  getInvoice,
  getInvoiceKsefState,
  issueCorrection,
  issueDuplicate,
  listDuplicates,
  parseDecimal,
  renderInvoicePdf,
  setInvoiceKsefState,
} from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { BridgeError } from "../errors.js";
import { replyJournaled } from "../idempotency.js";
import { publishEvent } from "../webhooks/events.js";
import { pdfResponse, sendFile, xmlResponse } from "./billing-invoices-files.js";
import { listInvoicePage } from "./billing-invoices-list.js";
import { mailInvoice } from "./billing-invoices-mail.js";
import {
  duplicateJson,
  duplicateOut,
  invoiceJson,
  invoiceKind,
  invoiceOut,
  invoiceSummaryOut,
  KIND_TO_BILLING,
  ksefJson,
  ksefStateOut,
} from "./billing-invoices-schemas.js";
import { notifyAll } from "./billing-proformas-events.js";
import {
  decimal,
  decodeCursor,
  encodeCursor,
  errorBody,
  idempotencyHeaders,
  idParams,
} from "./billing-schemas.js";

const TAGS = ["billing"];
const replayed = z.boolean().describe("True when this is the stored answer of an earlier call");
const day = z.iso.date("must be a date YYYY-MM-DD");

const listQuery = z.object({
  customerId: z.coerce.number().int().positive().optional(),
  kind: invoiceKind.optional(),
  from: day.optional().describe("Issue dates from this day (inclusive)"),
  to: day.optional().describe("Issue dates to this day (inclusive)"),
  number: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe("The number exactly (`FV/2026/03/17`), or its beginning followed by `*` (`FV/2026/03/*`)"),
  correctedInvoiceId: z.coerce.number().int().positive().optional().describe("Corrections of this invoice"),
  inKsef: z
    .enum(["true", "false"])
    .optional()
    .describe("true: only documents with a KSeF number; false: only those without one yet"),
  ksefStatus: z
    .string()
    .min(1)
    .max(50)
    .optional()
    .describe("Only documents whose recorded KSeF status is this"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
});

const idAndDuplicate = idParams.extend({
  duplicateId: z.coerce
    .number("must be an id")
    .int("must be an id")
    .positive("must be an id")
    .max(2_147_483_647),
});

const pdfQuery = z.object({
  copy: z
    .enum(["original", "copy"])
    .default("original")
    .describe("`original` prints ORYGINAŁ, `copy` prints KOPIA (a copy has no legal meaning of its own)"),
});

const duplicateBody = z
  .object({
    reason: z.string().optional().describe('Why, e.g. "utrata oryginału na wniosek nabywcy"'),
  })
  .meta({ id: "IssueDuplicate", description: "A duplicate of a lost or destroyed invoice" });

const amountIn = z
  .string()
  .regex(/^\d{1,11}(\.\d{1,2})?$/, 'must be an amount with at most 2 decimals, e.g. "39.99"')
  .describe('A decimal string exact to the grosz, e.g. "39.99"');

const correctionBody = z
  .object({
    reason: z.string().describe('Why (PrzyczynaKorekty), e.g. "Zwrot za niewykorzystany okres usługi"'),
    lines: z
      .array(
        z.object({
          position: z.number().int().describe("The line's position on the corrected invoice"),
          quantity: z
            .number()
            .int()
            .optional()
            .describe("The quantity after the correction (0 withdraws it)"),
          unitNet: amountIn.optional().describe("The unit net price after the correction"),
          unitGross: amountIn.optional().describe("Gross-price invoices: the unit gross price after it"),
          remove: z.literal(true).optional().describe("The line is withdrawn entirely"),
        }),
      )
      .optional()
      .describe("The changed lines (give this or `full`)"),
    full: z.literal(true).optional().describe("Correct the whole invoice to zero (give this or `lines`)"),
    place: z.string().optional().describe("Place of issue; default the corrected invoice's"),
    seriesId: z.number().int().optional().describe("A correction series other than the default"),
  })
  .meta({ id: "IssueCorrection", description: "A correction of a VAT invoice: what changes and why" });

const ksefBody = z
  .object({
    number: z.string().optional().describe("The KSeF number, NIP-YYYYMMDD-XXXXXX-XXXXXX-XX"),
    status: z.string().optional().describe("E.g. sent, accepted, rejected"),
    sentAt: z.string().optional().describe("ISO 8601 moment the invoice was sent to KSeF"),
    mode: z.enum(["online", "offline24", "offline", "awaryjny"]).optional(),
  })
  .meta({
    id: "RecordInvoiceKsefState",
    description: "What the KSeF sender learnt; fields left out keep their value",
  });

const resendBody = z
  .object({
    to: z.string().optional().describe("Another address; default the buyer's e-mail on the document"),
    copy: z.enum(["original", "copy"]).default("original").describe("Which PDF to attach"),
  })
  .meta({ id: "ResendInvoice", description: "Where to e-mail the invoice again" });

const messageOut = z
  .object({
    messageId: z.number().describe("The outbound message billing recorded"),
    status: z.enum(["pending", "sent", "failed"]),
    recipient: z.string(),
    sender: z.string().nullable(),
    subject: z.string(),
    providerId: z.string().nullable().describe("The SMTP server's Message-ID"),
    sentAt: z.string().nullable(),
    replayed,
  })
  .meta({ id: "InvoiceMailSent", description: "The e-mail sent, as billing recorded it" });

const MAIL_502 = {
  description:
    "`mail_failed`: the SMTP server refused the message or could not be reached; billing recorded it as " +
    "failed; retryable (the same Idempotency-Key sends again).",
  content: { "application/json": { schema: errorBody } },
};

/** The document as issued and its KSeF state, read together. */
async function loadInvoiceJson(ctx: BridgeContext, id: number) {
  const [doc, ksef] = await Promise.all([getInvoice(ctx.db, id), getInvoiceKsefState(ctx.db, id)]);
  return invoiceJson(doc, ksef);
}

/** Minor units from an amount the route's schema already checked. */
const grosze = (amount: string | undefined) =>
  amount === undefined ? undefined : parseDecimal(amount).amount;

export function billingInvoiceRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/v1/billing/invoices",
    {
      schema: {
        operationId: "listInvoices",
        summary: "List invoices and corrections",
        description:
          "Invoices and corrections, newest first, matching every filter given: customer, kind, issue dates, number " +
          "(exact, or a beginning ending in `*`), corrected invoice, KSeF number present or not, KSeF status. " +
          "Pass `nextCursor` as `cursor` with the same filters for the next page; it is null on the last.",
        tags: TAGS,
        querystring: listQuery,
        response: {
          200: z.object({ items: z.array(invoiceSummaryOut), nextCursor: z.string().nullable() }).meta({
            id: "InvoicePage",
            description: "A page of invoices and corrections; nextCursor null on the last page",
          }),
          400: errorBody,
          401: errorBody,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const order = "id-desc";
      const beforeId = q.cursor === undefined ? undefined : decodeCursor(q.cursor, order).afterId;
      const rows = await listInvoicePage(ctx.db, {
        ...(q.customerId === undefined ? {} : { customerId: q.customerId }),
        ...(q.kind === undefined ? {} : { kind: KIND_TO_BILLING[q.kind] }),
        ...(q.from === undefined ? {} : { from: q.from }),
        ...(q.to === undefined ? {} : { to: q.to }),
        ...(q.number === undefined ? {} : { number: q.number }),
        ...(q.correctedInvoiceId === undefined ? {} : { correctedInvoiceId: q.correctedInvoiceId }),
        ...(q.inKsef === undefined ? {} : { inKsef: q.inKsef === "true" }),
        ...(q.ksefStatus === undefined ? {} : { ksefStatus: q.ksefStatus }),
        ...(beforeId === undefined ? {} : { beforeId }),
        // One more than asked: whether a next page exists, without a second query.
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((i) => ({
          ...i,
          kind: i.kind === "VAT" ? ("invoice" as const) : ("correction" as const),
          net: decimal({ amount: i.net, currency: i.currency }),
          vat: decimal({ amount: i.vat, currency: i.currency }),
          gross: decimal({ amount: i.gross, currency: i.currency }),
        })),
        nextCursor: rows.length > q.limit && last ? encodeCursor({ afterId: last.id, order }) : null,
      };
    },
  );

  r.get(
    "/v1/billing/invoices/:id",
    {
      schema: {
        operationId: "getInvoice",
        summary: "Get an invoice or correction",
        description:
          "The document as it was issued (seller and buyer as printed, lines, VAT per rate, totals; a correction's " +
          "lines before and after and its differences), with the KSeF state recorded for it. 404 when there is none.",
        tags: TAGS,
        params: idParams,
        response: { 200: invoiceOut, 400: errorBody, 401: errorBody, 404: errorBody },
      },
    },
    async (req) => loadInvoiceJson(ctx, req.params.id),
  );

  r.get(
    "/v1/billing/invoices/:id/pdf",
    {
      schema: {
        operationId: "getInvoicePdf",
        summary: "Download an invoice's PDF",
        description:
          "The PDF of the invoice or correction (`application/pdf`), marked ORYGINAŁ or, with `copy=copy`, KOPIA, " +
          "rendered from the document as issued. 404 when there is no such invoice.",
        tags: TAGS,
        params: idParams,
        querystring: pdfQuery,
        response: {
          200: pdfResponse("The PDF (Content-Disposition names the file, e.g. faktura-FV-2026-03-17.pdf)"),
          400: errorBody,
          401: errorBody,
          404: errorBody,
        },
      },
    },
    async (req, reply) => {
      const doc = await getInvoice(ctx.db, req.params.id);
      const pdf = await renderInvoicePdf(doc, { mode: req.query.copy });
      return sendFile(reply, "application/pdf", documentFileName(doc), pdf) as never;
    },
  );

  r.post(
    "/v1/billing/invoices/:id/duplicates",
    {
      config: { audit: "billing.invoice.duplicate" },
      schema: {
        operationId: "issueInvoiceDuplicate",
        summary: "Issue a duplicate of a lost invoice",
        description:
          "Records a duplicate (art. 106l) dated today (Warsaw); its PDF prints DUPLIKAT and that date. Needs an " +
          "Idempotency-Key: a repeat returns the first duplicate (`replayed: true`). 409 `in_ksef` for an invoice " +
          "in KSeF (share its visualisation instead); 404 for an unknown invoice; nothing is written when refused.",
        tags: TAGS,
        params: idParams,
        headers: idempotencyHeaders,
        body: duplicateBody,
        response: {
          201: duplicateOut.extend({ replayed }).meta({
            id: "IssuedInvoiceDuplicate",
            description: "The duplicate recorded (on a replay, the first)",
          }),
          400: errorBody,
          401: errorBody,
          404: errorBody,
          409: errorBody,
          422: errorBody,
        },
      },
    },
    async (req, reply) =>
      replyJournaled(
        ctx.db,
        req,
        reply,
        "billing.invoice.duplicate",
        { id: req.params.id, ...req.body },
        async () => {
          const d = await issueDuplicate(ctx.db, {
            invoiceId: req.params.id,
            at: ctx.now(),
            ...(req.body.reason === undefined ? {} : { reason: req.body.reason }),
          });
          return { statusCode: 201, body: duplicateJson(d) };
        },
      ) as never,
  );

  r.get(
    "/v1/billing/invoices/:id/duplicates",
    {
      schema: {
        operationId: "listInvoiceDuplicates",
        summary: "Duplicates of an invoice",
        description:
          "Every duplicate issued for the invoice, oldest first. 404 when there is no such invoice.",
        tags: TAGS,
        params: idParams,
        response: {
          200: z
            .object({ items: z.array(duplicateOut) })
            .meta({ id: "InvoiceDuplicateList", description: "The duplicates of an invoice, oldest first" }),
          400: errorBody,
          401: errorBody,
          404: errorBody,
        },
      },
    },
    async (req) => {
      // An unknown invoice is a 404, not an empty list.
      await getInvoiceKsefState(ctx.db, req.params.id);
      return { items: (await listDuplicates(ctx.db, req.params.id)).map(duplicateJson) };
    },
  );

  r.get(
    "/v1/billing/invoices/:id/duplicates/:duplicateId/pdf",
    {
      schema: {
        operationId: "getInvoiceDuplicatePdf",
        summary: "Download a duplicate's PDF",
        description:
          "The PDF of a duplicate (`application/pdf`): the invoice as issued, marked DUPLIKAT with the duplicate's " +
          "own date. 404 when the invoice or that duplicate of it does not exist.",
        tags: TAGS,
        params: idAndDuplicate,
        response: {
          200: pdfResponse("The duplicate's PDF"),
          400: errorBody,
          401: errorBody,
          404: errorBody,
        },
      },
    },
    async (req, reply) => {
      const doc = await getInvoice(ctx.db, req.params.id);
      const dup = (await listDuplicates(ctx.db, doc.id)).find((d) => d.id === req.params.duplicateId);
      if (!dup) {
        throw new BridgeError(
          404,
          "not_found",
          `invoice ${doc.number} has no duplicate ${req.params.duplicateId}`,
        );
      }
      const pdf = await renderInvoicePdf(doc, dup.renderMode);
      return sendFile(reply, "application/pdf", documentFileName(doc), pdf) as never;
    },
  );

  r.post(
    "/v1/billing/invoices/:id/corrections",
    {
      config: { audit: "billing.invoice.correction" },
      schema: {
        operationId: "issueInvoiceCorrection",
        summary: "Issue a correction of an invoice",
        description:
          "Issues a correction invoice (art. 106j) dated today (Warsaw) with the next number of the correction " +
          "series (gap-free): the changed lines before and after, and the differences per VAT rate as its totals. " +
          "Give `lines` (quantity and/or unit price after the correction, as decimal strings; `remove: true` " +
          "withdraws a line) or `full: true` (the whole invoice to zero). Needs an Idempotency-Key: a repeat " +
          "returns the first correction (`replayed: true`) and never issues a second one. Publishes " +
          "`invoice.issued` (kind correction) and queues the customer's `invoice.corrected` notice (with the " +
          "PDF). 400 names every bad field (a position not on the invoice included); 409 `not_correctable` " +
          "(a correction), `nothing_to_correct`, `correction_before_invoice`; nothing is written when refused.",
        tags: TAGS,
        params: idParams,
        headers: idempotencyHeaders,
        body: correctionBody,
        response: {
          201: invoiceOut
            .extend({ replayed })
            .meta({ id: "IssuedCorrection", description: "The correction issued (on a replay, the first)" }),
          400: errorBody,
          401: errorBody,
          404: errorBody,
          409: errorBody,
          422: errorBody,
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      if ((b.lines === undefined) === (b.full === undefined)) {
        const message = "give either lines (the changed lines) or full: true, not both";
        throw new BridgeError(400, "invalid", `invalid request: lines: ${message}`, false, [
          { path: b.lines === undefined ? "lines" : "full", message },
        ]);
      }
      return replyJournaled(
        ctx.db,
        req,
        reply,
        "billing.invoice.correction",
        { id: req.params.id, ...b },
        async () => {
          const lines = b.lines?.map((l) => ({
            position: l.position,
            ...(l.quantity === undefined ? {} : { quantity: l.quantity }),
            ...(l.unitNet === undefined ? {} : { unitNet: grosze(l.unitNet) }),
            ...(l.unitGross === undefined ? {} : { unitGross: grosze(l.unitGross) }),
            ...(l.remove === undefined ? {} : { remove: l.remove }),
          }));
          const doc = await issueCorrection(ctx.db, {
            invoiceId: req.params.id,
            at: ctx.now(),
            reason: b.reason,
            lines: lines ?? { full: true },
            ...(b.place === undefined ? {} : { place: b.place }),
            ...(b.seriesId === undefined ? {} : { seriesId: b.seriesId }),
          });
          await announceCorrection(ctx, doc);
          return { statusCode: 201, body: invoiceJson(doc, {}) };
        },
      ) as never;
    },
  );

  r.get(
    "/v1/billing/invoices/:id/fa3.xml",
    {
      schema: {
        operationId: "getInvoiceFa3Xml",
        summary: "Export an invoice as KSeF FA(3) XML",
        description:
          "The invoice or correction as a KSeF FA(3) document (`application/xml`), valid against the official " +
          "schema; a correction names its invoice's KSeF number when one is recorded. 404 when there is no such " +
          "invoice; 409 `ksef_export` when the document cannot be expressed in FA(3).",
        tags: TAGS,
        params: idParams,
        response: {
          200: xmlResponse(
            "The FA(3) XML (Content-Disposition names the file, e.g. faktura-FV-2026-03-17.xml)",
          ),
          400: errorBody,
          401: errorBody,
          404: errorBody,
          409: errorBody,
        },
      },
    },
    async (req, reply) => {
      const doc = await getInvoice(ctx.db, req.params.id);
      const xml = await exportInvoiceFa3(ctx.db, doc.id, { generatedAt: ctx.now() });
      const name = documentFileName(doc).replace(/\.pdf$/, ".xml");
      return sendFile(reply, "application/xml; charset=utf-8", name, xml) as never;
    },
  );

  r.put(
    "/v1/billing/invoices/:id/ksef",
    {
      config: { audit: "billing.invoice.ksef" },
      schema: {
        operationId: "recordInvoiceKsefState",
        summary: "Record an invoice's KSeF number and state",
        description:
          "Merges what the KSeF sender learnt into the invoice's KSeF state (fields left out keep their value). " +
          "The KSeF number is recorded once: the same number again is accepted (a retrying sender), a different " +
          "one is a 409 `ksef_number_recorded` and nothing is written. Idempotent, so no Idempotency-Key.",
        tags: TAGS,
        params: idParams,
        body: ksefBody,
        response: { 200: ksefStateOut, 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (req) => {
      const b = req.body;
      const state = await setInvoiceKsefState(ctx.db, req.params.id, {
        ...(b.number === undefined ? {} : { number: b.number }),
        ...(b.status === undefined ? {} : { status: b.status }),
        ...(b.sentAt === undefined ? {} : { sentAt: b.sentAt }),
        ...(b.mode === undefined ? {} : { mode: b.mode }),
      });
      return ksefJson(state);
    },
  );

  r.post(
    "/v1/billing/invoices/:id/resend",
    {
      config: { audit: "billing.invoice.resend" },
      schema: {
        operationId: "resendInvoice",
        summary: "E-mail an invoice to the customer again",
        description:
          "Sends the invoice or correction with its PDF attached to the buyer's e-mail on the document (or `to`), " +
          "from the seller's address (or HRDKIT_MAIL_FROM), and records the message. Needs an Idempotency-Key: a " +
          "repeat returns the first result and sends nothing. 409 `mail_not_configured` when the bridge has no " +
          "SMTP server (HRDKIT_SMTP_URL); 400 when the document has no buyer e-mail and no `to` is given; 502 " +
          "`mail_failed` when the SMTP server refused (recorded as failed, retryable).",
        tags: TAGS,
        params: idParams,
        headers: idempotencyHeaders,
        body: resendBody,
        response: {
          200: messageOut,
          400: errorBody,
          401: errorBody,
          404: errorBody,
          409: errorBody,
          422: errorBody,
          502: MAIL_502,
        },
      },
    },
    async (req, reply) => {
      const mail = ctx.mail;
      if (!mail) {
        throw new BridgeError(
          409,
          "mail_not_configured",
          "the bridge has no SMTP server to send e-mail through: set HRDKIT_SMTP_URL (e.g. smtp://user:pass@host:587)",
        );
      }
      return replyJournaled(
        ctx.db,
        req,
        reply,
        "billing.invoice.resend",
        { id: req.params.id, ...req.body },
        async () => {
          const doc = await getInvoice(ctx.db, req.params.id);
          const m = await mailInvoice(ctx.db, mail, doc, {
            ...(req.body.to === undefined ? {} : { to: req.body.to }),
            mode: { mode: req.body.copy },
          });
          return {
            statusCode: 200,
            body: {
              messageId: m.id,
              status: m.status,
              recipient: m.recipient,
              sender: m.sender,
              subject: m.subject,
              providerId: m.providerId,
              sentAt: m.sentAt ? m.sentAt.toISOString() : null,
            },
          };
        },
      ) as never;
    },
  );
}

/**
 * `invoice.issued` for a new correction, and the customer's `invoice.corrected` notice. The
 * correction is already committed: a failure to publish or to queue is reported, not thrown — a
 * thrown error would free the Idempotency-Key, and the client's retry would issue a second correction.
 */
async function announceCorrection(
  ctx: BridgeContext,
  doc: Awaited<ReturnType<typeof issueCorrection>>,
): Promise<void> {
  try {
    await publishEvent(ctx.db, "invoice.issued", {
      invoiceId: doc.id,
      number: doc.number,
      kind: "correction",
      customerId: doc.customerId,
      issueDate: doc.issueDate,
      currency: doc.currency,
      net: decimal({ amount: doc.net, currency: doc.currency }),
      vat: decimal({ amount: doc.vat, currency: doc.currency }),
      gross: decimal({ amount: doc.gross, currency: doc.currency }),
      correctedInvoiceId: doc.corrected?.id ?? null,
      correctedNumber: doc.corrected?.number ?? null,
    });
  } catch (err) {
    const report =
      ctx.logError ??
      ((e: unknown) =>
        console.error(`hrdkit bridge: invoice.issued for ${doc.number} not published: ${String(e)}`));
    report(err, { method: "POST", url: `/v1/billing/invoices/${doc.corrected?.id ?? ""}/corrections` });
  }
  await notifyAll(ctx, [{ kind: "invoice.corrected", correctionId: doc.id }]);
}
