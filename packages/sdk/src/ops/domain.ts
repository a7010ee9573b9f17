import { z } from "zod";
import type { ParsedNode, ParsedObject, XmlTree } from "../wire/xml.js";
import { defineOp } from "./define.js";
import {
  bool,
  domainName,
  id,
  list,
  obj,
  opt,
  outActionId,
  outActionIdOrEmpty,
  outBool,
  outDate,
  outDomain,
  outInt,
  outText,
  period,
  wireDate,
} from "./fields.js";
import { nsInput, nsToWire } from "./ns.js";

const RECONCILE_DOMAIN =
  "Read domain/info for this name (and action/list for recent actions) to see whether it was applied " +
  "before ordering it again.";

// ---------------------------------------------------------------- check (multi-frame)

const checkStatus = z.enum(["available", "taken", "createOnly", "unknown"]);

/** Names asked for, as sent (punycode). */
function namesOf(wire: XmlTree | null): string[] {
  const n = wire?.name;
  return Array.isArray(n) ? (n as string[]) : typeof n === "string" ? [n] : [];
}

function answeredNames(node: ParsedNode | undefined): number {
  if (!node || typeof node !== "object" || Array.isArray(node)) return 0;
  const n = (node as ParsedObject).name;
  return n === undefined ? 0 : Array.isArray(n) ? n.length : 1;
}

/** HRD may answer a check over several frames; the reply is complete when every name is answered. */
export const checkPartial = (wire: XmlTree | null, node: ParsedNode | undefined) =>
  answeredNames(node) < new Set(namesOf(wire)).size;

export const checkMerge = (nodes: (ParsedNode | undefined)[]): ParsedNode => {
  const names: ParsedNode[] = [];
  for (const node of nodes) {
    if (!node || typeof node !== "object" || Array.isArray(node)) continue;
    const n = (node as ParsedObject).name;
    if (n !== undefined) names.push(...(Array.isArray(n) ? n : [n]));
  }
  return { name: names };
};

export const checkNamesInput = z
  .object({
    names: z.array(domainName).min(1, "needs at least 1 name").max(100, "takes at most 100 names per call"),
  })
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.names.forEach((n, i) => {
      if (seen.has(n)) ctx.addIssue({ code: "custom", path: ["names", i], message: `${n} is listed twice` });
      seen.add(n);
    });
  })
  .transform((v) => ({ name: v.names }));

export const domainCheck = defineOp({
  name: "domain/check",
  example: 'await hrd.domain.check({ names: ["sklep.pl", "żółw.com.pl"] })',
  effect: "read",
  summary:
    "Availability of 1–100 names: available, taken, createOnly (.pl: can be registered at once but not reserved first) or unknown.",
  input: checkNamesInput,
  output: obj({
    name: list(z.object({ "#text": outDomain, "@status": checkStatus })),
  }).transform((r) => r.name.map((n) => ({ name: n["#text"], status: n["@status"] }))),
  partial: checkPartial,
  merge: checkMerge,
});

// ---------------------------------------------------------------- info

const nsOut = z.union([
  z.object({ group: outInt }).transform((g) => ({ group: g.group })),
  z
    .object({
      ns: obj({
        ns: list(z.object({ name: outDomain, ipv4: list(outText), ipv6: list(outText) })),
      }),
    })
    .transform((n) => ({ hosts: n.ns.ns })),
]);

export const domainStatus = z.enum([
  "awaitingBooking",
  "booked",
  "bookedExpired",
  "awaitingRegistration",
  "registered",
  "expired",
  "blocked",
  "ordered",
]);

export const domainInfo = defineOp({
  name: "domain/info",
  example: 'await hrd.domain.info({ name: "sklep.pl" })',
  effect: "read",
  summary: "A domain's status, dates, account, nameservers, privacy, DNSSEC and glue hosts.",
  input: z.object({ name: domainName }).transform((v) => ({ name: v.name })),
  output: z
    .object({
      ns: opt(nsOut),
      actions: opt(obj({ id: list(outInt) })),
      name: outDomain,
      status: domainStatus,
      crDate: opt(outDate),
      exDate: opt(outDate),
      user: opt(outInt),
      contact: opt(outText),
      ppDate: opt(outDate),
      privacy: opt(outBool),
      dnssec: opt(
        obj({
          record: list(
            z.object({
              alg: outInt,
              digestType: outInt,
              digest: outText,
              keyTag: opt(outInt),
              keyType: opt(z.enum(["zsk", "ksk"])),
            }),
          ),
        }),
      ),
      host: list(z.object({ name: outDomain, ipv4: list(outText), ipv6: list(outText) })),
    })
    .transform((d) => ({
      name: d.name,
      status: d.status,
      crDate: d.crDate,
      exDate: d.exDate,
      user: d.user,
      contact: d.contact,
      ppDate: d.ppDate,
      privacy: d.privacy,
      ns: d.ns,
      actions: d.actions?.id ?? [],
      dnssec: d.dnssec?.record ?? [],
      hosts: d.host,
    })),
});

// ---------------------------------------------------------------- create, book, renew, update, list

const additionalData = z.union([
  z.object({ fr: z.object({ registrantType: z.enum(["individual", "organization"]) }) }).strict(),
  z
    .object({
      it: z.object({ entityType: z.enum(["1", "2", "3", "4", "5", "6", "7"]), regCode: z.string().min(1) }),
    })
    .strict(),
  z
    .object({
      us: z.object({
        category: z.enum(["C11", "C12", "C21", "C31", "C32"]),
        purpose: z.enum(["P1", "P2", "P3", "P4", "P5"]),
      }),
    })
    .strict(),
  z
    .object({
      ca: z.object({
        type: z.enum([
          "CCT",
          "RES",
          "ABO",
          "LGR",
          "CCO",
          "GOV",
          "EDU",
          "ASS",
          "HOP",
          "PRT",
          "TDM",
          "TRD",
          "PLT",
          "LAM",
          "TRS",
          "INB",
          "OMK",
          "MAJ",
        ]),
      }),
    })
    .strict(),
  z
    .object({ es: z.object({ legalForm: z.string().regex(/^\d+$/), documentId: z.string().min(1) }) })
    .strict(),
]);

export const domainCreate = defineOp({
  name: "domain/create",
  example:
    'await hrd.domain.create({ name: "sklep.pl", user: 1234, period: 1, ns: ["ns1.hrd.pl", "ns2.hrd.pl"] })',
  effect: "billable",
  summary: "Register a domain to a registrant account (spends balance; returns an action id).",
  input: z
    .object({
      name: domainName,
      user: id,
      period: period.prefault(1),
      privacy: bool.default(false),
      ns: nsInput,
      additionalData: additionalData.optional(),
    })
    .transform((v, ctx) => ({
      name: v.name,
      user: v.user,
      period: v.period,
      privacyProtect: v.privacy,
      ns: nsToWire(v.name, v.ns, ctx, ["ns"]),
      additionalData: v.additionalData as XmlTree | undefined,
    })),
  output: outActionId,
  subject: (w) => ({ name: String(w.name) }),
  reconcile: RECONCILE_DOMAIN,
});

export const domainBook = defineOp({
  name: "domain/book",
  example: 'await hrd.domain.book({ name: "sklep.pl", user: 1234 })',
  effect: "billable",
  summary:
    "Reserve (book) an available .pl name before registering it (NASK reservation); not for createOnly names.",
  input: z.object({ name: domainName, user: id }).transform((v) => ({ user: v.user, name: v.name })),
  output: outActionId,
  subject: (w) => ({ name: String(w.name) }),
  reconcile: RECONCILE_DOMAIN,
});

export const domainRenew = defineOp({
  name: "domain/renew",
  example: 'await hrd.domain.renew({ name: "sklep.pl", currentExpirationDate: "2027-03-01", period: 1 })',
  effect: "billable",
  summary: "Renew a domain; `currentExpirationDate` must match HRD's, so a repeated renew is refused.",
  input: z
    .object({ name: domainName, currentExpirationDate: wireDate, period: period.prefault(1) })
    .transform((v) => ({ name: v.name, currentExpirationDate: v.currentExpirationDate, period: v.period })),
  output: outActionId,
  subject: (w) => ({ name: String(w.name), currentExpirationDate: String(w.currentExpirationDate) }),
  reconcile:
    "Read domain/info: if exDate moved past currentExpirationDate the renewal was applied. Because HRD checks " +
    "currentExpirationDate, resending the same renew after it was applied is refused, never charged twice.",
});

export const domainUpdate = defineOp({
  name: "domain/update",
  example: 'await hrd.domain.update({ name: "sklep.pl", ns: { group: 12 } })',
  effect: "write",
  summary: "Change a domain's nameservers (explicit hosts with glue where needed, or a saved group).",
  input: z.object({ name: domainName, ns: nsInput.optional() }).transform((v, ctx) => ({
    name: v.name,
    ns: v.ns === undefined ? undefined : nsToWire(v.name, v.ns, ctx, ["ns"]),
  })),
  output: outActionIdOrEmpty,
});

export const domainList = defineOp({
  name: "domain/list",
  example: 'for await (const name of hrd.iterate("domain/list")) console.log(name)',
  cursor: "lastName",
  effect: "read",
  summary: "One page of domain names after `lastName` (use `client.iterate` for all).",
  input: z
    .object({ lastName: domainName.optional() })
    .optional()
    .transform((v) => ({ lastName: v?.lastName })),
  output: obj({ name: list(outDomain) }).transform((r) => r.name),
});
