/**
 * Bank statements over HTTP: the partner uploads the file its bank exported (MT940 `.sta`/`.txt`
 * or a CSV history) as it is — raw bytes, in the bank's own encoding (UTF-8, Windows-1250 or
 * CP852) — and billing matches each credit to a proforma by the number in its title. What it
 * cannot match waits on the unmatched list, to be assigned or ignored by hand.
 *
 * Uploading a statement twice never pays twice: billing keeps the file's hash (the same file again
 * returns the first result, `alreadyImported`) and a key per bank entry (an entry on two
 * overlapping statements is one entry); the Idempotency-Key journal comes on top.
 *
 * The app reads JSON bodies only. The upload route lives in an encapsulated plugin that reads
 * text/plain, text/csv and application/octet-stream as raw bytes and refuses JSON and anything
 * else with a 415 of its own: no other route's content types change. The signature covers the
 * raw bytes whatever the content type (app.ts checks it before any parser runs).
 */
import { createHash } from "node:crypto";
import {
  assignEntry,
  CSV_PRESETS,
  type CsvPresetName,
  ignoreEntry,
  importStatement,
  type StatementEncoding,
  type StatementEntryRecord,
  type StatementImportResult,
  toDecimal,
  unmatchedEntries,
} from "@hrdkit/billing";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BridgeContext } from "../app.js";
import { BridgeError } from "../errors.js";
import { replyJournaled } from "../idempotency.js";
import { paymentIssues, paymentResultJson, paymentResultOut } from "./billing-payments-json.js";
import { notifyAll, paymentsMatched, publishAll } from "./billing-proformas-events.js";
import { replayedField } from "./billing-proformas-json.js";
import {
  decodeCursor,
  encodeCursor,
  errorBody,
  idempotencyHeaders,
  idParams,
  moneyOut,
} from "./billing-schemas.js";

const TAGS = ["billing"];
/** The content types a bank export is sent with. */
export const STATEMENT_CONTENT_TYPES = ["text/plain", "text/csv", "application/octet-stream"];
const ENCODINGS = ["auto", "utf-8", "windows-1250", "cp852"] as const;

/**
 * `charset=` of the Content-Type, when it names a single-byte code page billing reads. A UTF-8
 * charset is left to `auto` (which reads valid UTF-8 as UTF-8): clients add it by habit, and a
 * CP852 file sent under it must still be read as CP852.
 */
function charsetEncoding(contentType: string | undefined): StatementEncoding | undefined {
  const m = /;\s*charset="?([^";\s]+)"?/i.exec(contentType ?? "");
  const cs = m?.[1]?.toLowerCase();
  if (cs === "windows-1250" || cs === "cp1250") return "windows-1250";
  if (cs === "ibm852" || cs === "cp852") return "cp852";
  return undefined;
}

const uploadQuery = z.object({
  format: z
    .enum(["mt940", "csv"])
    .describe("mt940: SWIFT MT940 as Polish banks write it; csv: a history export"),
  csv: z
    .enum(Object.keys(CSV_PRESETS) as [CsvPresetName, ...CsvPresetName[]])
    .optional()
    .describe("For format=csv: the bank's column layout (pko: PKO BP history, mbank: mBank history)"),
  encoding: z
    .enum(ENCODINGS)
    .optional()
    .describe(
      "The file's text encoding. Default: the Content-Type's charset if it names one, else auto (UTF-8 when " +
        "the file is valid UTF-8, else the better reading of CP852 and Windows-1250)",
    ),
});

const fileIn = z
  .custom<Buffer | undefined>((v) => v === undefined || Buffer.isBuffer(v))
  .meta({
    type: "string",
    format: "binary",
    description: "The statement file exactly as the bank exported it (at most 1 MiB)",
  });

const entryResultOut = z
  .object({
    entryId: z.number().describe("For a duplicate: the entry recorded by the statement that had it first"),
    entryKey: z
      .string()
      .describe("The bank's reference, booking day and amount: one entry, however many files"),
    status: z
      .enum(["matched", "unmatched", "ignored", "duplicate"])
      .describe("duplicate: an earlier statement had this entry; nothing was done with it now"),
    bookedOn: z.string(),
    amount: moneyOut.describe("Signed: debits negative"),
    currency: z.enum(["PLN", "EUR"]),
    title: z.string(),
    counterparty: z.string().nullable(),
    counterpartyAccount: z.string().nullable(),
    matchedBy: z.enum(["number", "amount"]).nullable(),
    proformaNumbers: z.array(z.string()),
    paymentIds: z.array(z.number()),
    flags: z.array(z.enum(["partial", "overpaid", "not_payable", "several_proformas"])),
    note: z.string().nullable(),
  })
  .meta({ id: "StatementEntryResult", description: "What the import did with one entry of the file" });

const importOut = z
  .object({
    statementId: z.number(),
    alreadyImported: z
      .boolean()
      .describe("True when this very file was imported before: the first import's result, nothing changed"),
    format: z.enum(["mt940", "csv"]),
    encoding: z.enum(["utf-8", "windows-1250", "cp852"]).describe("The encoding the file was read in"),
    fileHash: z.string(),
    account: z.string().nullable().describe("The partner's own account the statement is of"),
    entries: z.number(),
    matched: z.number(),
    unmatched: z.number(),
    ignored: z.number(),
    duplicates: z.number(),
    items: z.array(entryResultOut),
    replayed: replayedField,
  })
  .meta({
    id: "StatementImport",
    description: "A bank statement imported: each entry matched, unmatched or ignored",
  });

const entryOut = z
  .object({
    id: z.number(),
    statementId: z.number(),
    entryKey: z.string(),
    bookedOn: z.string(),
    amount: moneyOut,
    currency: z.enum(["PLN", "EUR"]),
    title: z.string(),
    counterparty: z.string().nullable(),
    counterpartyAccount: z.string().nullable(),
    status: z.enum(["matched", "unmatched", "ignored"]),
    note: z.string().nullable().describe("Why it was not matched (or how it was settled by hand)"),
    paymentId: z.number().nullable(),
  })
  .meta({ id: "StatementEntry", description: "One entry of a bank statement" });

const assignBody = z
  .object({
    proformaId: z.number().int().optional().describe("The proforma the transfer pays…"),
    customerId: z.number().int().optional().describe("…or the customer whose balance it becomes"),
  })
  .meta({
    id: "AssignStatementEntry",
    description: "Where an unmatched transfer belongs (exactly one of the two)",
  });

const ignoreBody = z
  .object({ reason: z.string().describe("Why: not a customer's payment, a return…") })
  .meta({ id: "IgnoreStatementEntry", description: "Why an unmatched entry is taken off the list" });

const entryJson = (e: StatementEntryRecord): z.input<typeof entryOut> => ({
  id: e.id,
  statementId: e.statementId,
  entryKey: e.entryKey,
  bookedOn: e.bookedOn,
  amount: toDecimal(e.amount),
  currency: e.amount.currency,
  title: e.title,
  counterparty: e.counterparty,
  counterpartyAccount: e.counterpartyAccount,
  status: e.status,
  note: e.note,
  paymentId: e.paymentId,
});

function importJson(r: StatementImportResult): Omit<z.input<typeof importOut>, "replayed"> {
  return {
    statementId: r.statementId,
    alreadyImported: r.alreadyImported,
    format: r.format,
    encoding: r.encoding,
    fileHash: r.fileHash,
    account: r.account,
    entries: r.entries,
    matched: r.matched,
    unmatched: r.unmatched,
    ignored: r.ignored,
    duplicates: r.duplicates,
    items: r.items.map((i) => ({
      entryId: i.entryId,
      entryKey: i.entryKey,
      status: i.status,
      bookedOn: i.bookedOn,
      amount: toDecimal(i.amount),
      currency: i.amount.currency,
      title: i.title,
      counterparty: i.counterparty,
      counterpartyAccount: i.counterpartyAccount,
      matchedBy: i.matchedBy,
      proformaNumbers: i.proformaNumbers,
      paymentIds: i.paymentIds,
      flags: i.flags,
      note: i.note,
    })),
  };
}

const unsupported = new BridgeError(
  415,
  "unsupported_media_type",
  `the statement is the bank's file as it is: send its bytes with Content-Type ${STATEMENT_CONTENT_TYPES.join(", ")}`,
);

export function statementRoutes(app: FastifyInstance, ctx: BridgeContext): void {
  app.register(async (scope) => {
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser(STATEMENT_CONTENT_TYPES, { parseAs: "buffer" }, (_req, body, done) =>
      done(null, body),
    );
    scope.addContentTypeParser("*", (_req, _payload, done) => done(unsupported, undefined));
    uploadRoute(scope, ctx);
  });

  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/v1/billing/statements/unmatched",
    {
      schema: {
        operationId: "listUnmatchedStatementEntries",
        summary: "Credits no proforma was found for",
        description:
          "The partner's list of incoming transfers from imported statements that matched no proforma, oldest " +
          "first, by cursor (pass `nextCursor` as `cursor`; null on the last page), with why each was not " +
          "matched. Settle each with the assign or ignore call.",
        tags: TAGS,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
        }),
        response: {
          200: z
            .object({
              items: z.array(entryOut),
              total: z.number().describe("Unmatched entries in all"),
              nextCursor: z.string().nullable(),
            })
            .meta({ id: "UnmatchedEntryPage", description: "A page of unmatched statement entries" }),
          400: errorBody,
          401: errorBody,
        },
      },
    },
    async (req) => {
      const q = req.query;
      const afterId = q.cursor === undefined ? undefined : decodeCursor(q.cursor, "id").afterId;
      const page = await unmatchedEntries(ctx.db, {
        ...(afterId === undefined ? {} : { afterId }),
        limit: q.limit,
      });
      return {
        items: page.entries.map(entryJson),
        total: page.total,
        nextCursor:
          page.nextAfterId === null ? null : encodeCursor({ afterId: page.nextAfterId, order: "id" }),
      };
    },
  );

  r.post(
    "/v1/billing/statements/entries/:id/assign",
    {
      config: { audit: "billing.statement.assign" },
      schema: {
        operationId: "assignStatementEntry",
        summary: "Match an unmatched transfer by hand",
        description:
          "Records the unmatched entry as a transfer for the proforma (the same rules as recording a payment: " +
          "partial, full, over; a cancelled or expired proforma's money kept as balance) or for the customer's " +
          "balance. Needs an Idempotency-Key; the entry's key is the payment's reference, so it is never recorded " +
          "twice. Refused, writing nothing: an entry that is not unmatched (409 `not_unmatched`), an unknown " +
          "proforma or customer (404), another currency (409). Publishes `payment.matched` for a proforma, and " +
          "queues the customer's notice of the payment.",
        tags: TAGS,
        params: idParams,
        headers: idempotencyHeaders,
        body: assignBody,
        response: {
          200: z
            .object({
              entry: entryOut,
              payment: paymentResultOut.omit({ replayed: true }),
              replayed: replayedField,
            })
            .meta({ id: "AssignedStatementEntry", description: "The entry, now matched, and its payment" }),
          400: errorBody,
          401: errorBody,
          404: errorBody,
          409: errorBody,
          422: errorBody,
        },
      },
    },
    async (req, reply) => {
      return replyJournaled(
        ctx.db,
        req,
        reply,
        "billing.statement.assign",
        { id: req.params.id, ...req.body },
        async () => {
          const b = req.body;
          const result = await assignEntry(ctx.db, {
            entryId: req.params.id,
            ...(b.proformaId === undefined ? {} : { proformaId: b.proformaId }),
            ...(b.customerId === undefined ? {} : { customerId: b.customerId }),
            at: ctx.now(),
          }).catch((err) => paymentIssues(err));
          if (!result.payment.duplicate) {
            const paymentId = result.payment.payment.id;
            if (result.payment.payment.proformaId !== null) {
              await publishAll(ctx, await paymentsMatched(ctx.db, [paymentId]));
            }
            await notifyAll(ctx, [{ kind: "payment", paymentId }]);
          }
          return {
            statusCode: 200,
            body: { entry: entryJson(result.entry), payment: paymentResultJson(result.payment) },
          };
        },
      ) as never;
    },
  );

  r.post(
    "/v1/billing/statements/entries/:id/ignore",
    {
      config: { audit: "billing.statement.ignore" },
      schema: {
        operationId: "ignoreStatementEntry",
        summary: "Take an unmatched entry off the list",
        description:
          "Marks the entry ignored, with the reason, without recording a payment (a transfer that is not a " +
          "customer's payment, a return). Refused with 409 `not_unmatched` when the entry was already matched " +
          "or ignored: asking twice changes nothing.",
        tags: TAGS,
        params: idParams,
        body: ignoreBody,
        response: { 200: entryOut, 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (req) =>
      entryJson(
        await ignoreEntry(ctx.db, { entryId: req.params.id, reason: req.body.reason, at: ctx.now() }),
      ),
  );
}

/**
 * A statement imported, with `payment.matched` and the customers' notices of what it paid: POST
 * /v1/billing/statements inside its journal, and the partner panel's upload form.
 */
export async function importStatementFile(
  ctx: BridgeContext,
  q: {
    content: Buffer;
    format: "mt940" | "csv";
    csv?: CsvPresetName | undefined;
    encoding: StatementEncoding | "auto";
  },
): Promise<StatementImportResult> {
  const result = await importStatement(ctx.db, {
    content: q.content,
    format: q.format,
    ...(q.csv === undefined ? {} : { csv: q.csv }),
    encoding: q.encoding,
    at: ctx.now(),
  }).catch((err) => paymentIssues(err, { content: "body" }));
  if (!result.alreadyImported) {
    const paymentIds = result.items.filter((i) => i.status === "matched").flatMap((i) => i.paymentIds);
    await publishAll(ctx, await paymentsMatched(ctx.db, paymentIds));
    await notifyAll(
      ctx,
      paymentIds.map((paymentId) => ({ kind: "payment" as const, paymentId })),
    );
  }
  return result;
}

function uploadRoute(app: FastifyInstance, ctx: BridgeContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    "/v1/billing/statements",
    {
      config: { audit: "billing.statement.import" },
      schema: {
        operationId: "importStatement",
        summary: "Upload a bank statement (MT940 or CSV) and match its payments",
        description:
          "The body is the statement file exactly as the bank exported it, sent as text/plain, text/csv or " +
          "application/octet-stream (the signature covers its raw bytes); `format`, `csv` and `encoding` are " +
          "query parameters. Each credit is matched to a proforma by the number in its title (MT940 `:86:` " +
          "~20–~25 or <20–<25, wrapped lines joined; a CSV title column) and recorded as a transfer; a credit " +
          "with no number is matched by amount from an account that paid for one customer before; the rest is " +
          "unmatched (see GET /v1/billing/statements/unmatched); debits are ignored. The same file again writes " +
          "nothing and returns the first result (`alreadyImported: true`, 200); an entry already seen on an " +
          "earlier statement is a `duplicate`. Needs an Idempotency-Key. A malformed file is a 400 naming the " +
          "bad lines under `body`; nothing is written. Publishes `payment.matched` per payment recorded for a " +
          "proforma, and queues each customer's notice of the payment.",
        tags: TAGS,
        consumes: STATEMENT_CONTENT_TYPES,
        querystring: uploadQuery,
        headers: idempotencyHeaders,
        body: fileIn,
        response: {
          200: importOut,
          201: importOut,
          400: errorBody,
          401: errorBody,
          409: errorBody,
          415: {
            description:
              "`unsupported_media_type`: the statement must be sent as raw bytes with Content-Type text/plain, " +
              "text/csv or application/octet-stream.",
            content: { "application/json": { schema: errorBody } },
          },
          422: errorBody,
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const content = req.body ?? Buffer.alloc(0);
      const encoding = q.encoding ?? charsetEncoding(req.headers["content-type"]) ?? "auto";
      const fingerprint = {
        ...q,
        encoding,
        sha256: createHash("sha256").update(content).digest("hex"),
      };
      return replyJournaled(ctx.db, req, reply, "billing.statement.import", fingerprint, async () => {
        const result = await importStatementFile(ctx, { content, format: q.format, csv: q.csv, encoding });
        return { statusCode: result.alreadyImported ? 200 : 201, body: importJson(result) };
      }) as never;
    },
  );
}
