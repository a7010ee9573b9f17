/**
 * The legal basis of a VAT exemption (art. 106e ust. 1 pkt 19) as services and lines take it, and
 * the one basis an invoice carries (FA(3) has one P_19A/P_19B/P_19C per invoice).
 */
import { z } from "zod";
import type { FieldIssue } from "../errors.js";
import type { ExemptionBasis } from "./types.js";

/** A basis as callers give it: the provision as text (a provision of the VAT Act), or in full. */
export type ExemptionBasisInput = string | ExemptionBasis;

// FA(3) P_19A/B/C are TZnakowy: at most 256 characters.
const provision = z
  .string('must be the provision, e.g. "art. 113 ust. 1 ustawy o VAT"')
  .trim()
  .min(3, 'must name the provision, e.g. "art. 113 ust. 1 ustawy o VAT"')
  .max(256, "is longer than 256 characters (FA(3) P_19A)");

export const exemptionBasisSchema = z.union(
  [
    provision.transform((p): ExemptionBasis => ({ source: "act", provision: p })),
    z.strictObject({ source: z.enum(["act", "directive", "other"]), provision }),
  ],
  {
    error:
      'must be the provision as text ("art. 113 ust. 1 ustawy o VAT") or { source: "act" | "directive" | "other", provision }',
  },
);

/** A zw line must have its basis; a taxed line must not name one (a mistake the caller should see). */
export function exemptionIssue(
  rate: string,
  basis: ExemptionBasis | null | undefined,
  path: string,
  given: boolean,
): FieldIssue | undefined {
  if (rate === "zw" && !basis) {
    return {
      path,
      message:
        "an exempt (zw) line needs its legal basis (art. 106e ust. 1 pkt 19): give exemptionBasis, or set it on the service",
    };
  }
  if (rate !== "zw" && given && basis) {
    return { path, message: `only an exempt (zw) line has an exemption basis; this one is at VAT ${rate}` };
  }
  return undefined;
}

/**
 * The invoice's one basis from its exempt lines': the same source, the distinct provisions
 * joined. Returns a reason instead when they cannot be one (different sources, too long).
 */
export function invoiceExemptionBasis(bases: readonly ExemptionBasis[]): {
  basis?: ExemptionBasis;
  problem?: string;
} {
  if (bases.length === 0) return {};
  const sources = [...new Set(bases.map((b) => b.source))];
  if (sources.length > 1) {
    return {
      problem: `its exempt lines rest on bases of different kinds (${sources.join(", ")}); invoice them apart`,
    };
  }
  const text = [...new Set(bases.map((b) => b.provision))].join("; ");
  if (text.length > 256) return { problem: "its exemption bases together are longer than 256 characters" };
  return { basis: { source: sources[0]!, provision: text } };
}
