/**
 * .pl domain options (NASK "future" objects): `domain/futureCheck`, `futureCreate`, `futureRenew`,
 * `futureInfo`, `futureList`. An option reserves the right to register a .pl name for 3 years
 * (PROTOCOL.md §4.3 and §10).
 */
import { z } from "zod";
import { checkReplyReader, checkRequestBody } from "./check-fast.js";
import { defineOp } from "./define.js";
import { checkMerge, checkNamesInput, checkOutput, checkPartial, checkVerify } from "./domain.js";
import {
  domainName,
  id,
  list,
  obj,
  opt,
  outActionId,
  outDate,
  outDomain,
  outInt,
  wireDate,
} from "./fields.js";

/** Options exist only for names NASK registers: `.pl` and its functional/regional subdomains. */
const plName = domainName.refine((n) => n.endsWith(".pl"), {
  message: "options exist only for .pl names (NASK); use domain/create or domain/book for other TLDs",
});

const RECONCILE_FUTURE =
  "Read domain/futureInfo for this name (and action/list for recent actions) to see whether the option " +
  "was set up before ordering it again.";

const FUTURE_CHECK_STATUSES = ["available", "taken", "unknown"] as const;

export const futureCheck = defineOp({
  name: "domain/futureCheck",
  effect: "read",
  summary:
    "Whether a .pl option can be set up for 1–100 names: available, taken (registered or under an option) or unknown (e.g. not .pl).",
  input: checkNamesInput,
  output: checkOutput(FUTURE_CHECK_STATUSES),
  // HRD may split the reply over several frames, like domain/check.
  partial: checkPartial,
  merge: checkMerge,
  verify: checkVerify,
  body: checkRequestBody("domain", "futureCheck"),
  fastReply: checkReplyReader("domain", "futureCheck", FUTURE_CHECK_STATUSES),
  example: 'await hrd.domain.futureCheck({ names: ["sklep.pl", "żółw.pl"] })',
});

export const futureCreate = defineOp({
  name: "domain/futureCreate",
  effect: "billable",
  summary: "Set up a .pl option (NASK future) for 3 years on a registrant account (spends balance).",
  input: z.object({ name: plName, user: id }).transform((v) => ({ name: v.name, user: v.user })),
  output: outActionId,
  subject: (w) => ({ name: String(w.name) }),
  reconcile: RECONCILE_FUTURE,
  example: 'await hrd.domain.futureCreate({ name: "sklep.pl", user: 1234 })',
});

export const futureRenew = defineOp({
  name: "domain/futureRenew",
  effect: "billable",
  summary:
    "Renew a .pl option by another term; `currentExpirationDate` must match HRD's, so a repeated renew is refused.",
  input: z
    .object({ name: plName, currentExpirationDate: wireDate })
    .transform((v) => ({ name: v.name, currentExpirationDate: v.currentExpirationDate })),
  output: outActionId,
  subject: (w) => ({ name: String(w.name), currentExpirationDate: String(w.currentExpirationDate) }),
  reconcile:
    "Read domain/futureInfo: if exDate moved past currentExpirationDate the renewal was applied. Because HRD " +
    "checks currentExpirationDate, resending the same renew after it was applied is refused, never charged twice.",
  example: 'await hrd.domain.futureRenew({ name: "sklep.pl", currentExpirationDate: "2028-03-10" })',
});

export const futureInfo = defineOp({
  name: "domain/futureInfo",
  effect: "read",
  summary: "An option's status (awaitingRegistration, registered, expired), dates and account.",
  input: z.object({ name: domainName }).transform((v) => ({ name: v.name })),
  output: z
    .object({
      name: outDomain,
      // Empty while the option is still being set up.
      crDate: opt(outDate),
      exDate: opt(outDate),
      user: outInt,
      status: z.enum(["awaitingRegistration", "registered", "expired"]),
    })
    .transform((f) => ({
      name: f.name,
      status: f.status,
      crDate: f.crDate,
      exDate: f.exDate,
      user: f.user,
    })),
  example: 'await hrd.domain.futureInfo({ name: "sklep.pl" })',
});

export const futureList = defineOp({
  name: "domain/futureList",
  cursor: "lastName",
  effect: "read",
  summary: "One page of the names under an option after `lastName` (use `client.iterate` for all).",
  input: z
    .object({ lastName: domainName.optional() })
    .optional()
    .transform((v) => ({ lastName: v?.lastName })),
  output: obj({ name: list(outDomain) }).transform((r) => r.name),
  example: 'for await (const name of hrd.iterate("domain/futureList")) console.log(name)',
});

/**
 * Declared operations of this area, by `module/method` (spread into the registry in index.ts).
 */
export const futureOperations = {
  "domain/futureCheck": futureCheck,
  "domain/futureCreate": futureCreate,
  "domain/futureRenew": futureRenew,
  "domain/futureInfo": futureInfo,
  "domain/futureList": futureList,
} as const;
