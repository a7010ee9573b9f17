import type { z } from "zod";
import type { ParsedNode, XmlTree } from "../wire/xml.js";
import type { OperationName, Operations } from "./index.js";

/**
 * What a call does to the partner's account; it decides retries (DESIGN.md):
 * - `read`: no change (check, info, list, balance) — retried with backoff on connection faults.
 * - `write`: an idempotent change (nameservers, privacy, contacts) — retried the same way.
 * - `billable`: spends balance (create, renew, transfer, book, option create/renew, cert create/renew)
 *   — never resent once its bytes may have left; an ambiguous fault raises HrdOutcomeUnknownError.
 */
export type Effect = "read" | "write" | "billable";

/** One HRD operation, declared once. The writer, parser, client method, docs and tests derive from it. */
export interface Operation<Name extends string = string, In = unknown, Out = unknown> {
  /** `module/method` as in api.xsd (`login` and `token` are root-level). */
  readonly name: Name;
  readonly effect: Effect;
  /** One line for the docs table and typedoc. */
  readonly summary: string;
  /** User input → the request's wire tree, keys in XSD order. Validation names every bad field. */
  readonly input: z.ZodType<XmlTree | null, In>;
  /** The reply node at `responsePath` → the typed result. */
  readonly output: z.ZodType<Out>;
  /** Where the result sits under `<api>` (usually `[module, method]`). */
  readonly responsePath: readonly string[];
  /**
   * Replies that HRD may split over several frames (`domain/check`, `futureCheck`): true while
   * more frames are due. `merge` joins the nodes of all frames.
   */
  readonly partial?: (wire: XmlTree | null, node: ParsedNode | undefined) => boolean;
  readonly merge?: (nodes: (ParsedNode | undefined)[]) => ParsedNode | undefined;
  /**
   * Whether a reply node can be the answer to this request at all (e.g. a check reply names only
   * names that were asked, each once): returns what is wrong, or undefined. A reply that fails
   * is another request's, so the connection is out of step and is dropped.
   */
  readonly verify?: (wire: XmlTree | null, node: ParsedNode | undefined) => string | undefined;
  /**
   * For a hot operation: the request body under `<api>` written by hand, exactly what the general
   * writer makes of the same wire tree (a test holds the two together), only faster.
   */
  readonly body?: (wire: XmlTree | null) => string;
  /**
   * For a hot operation: reads the plain, correct reply frame straight to the typed result, or
   * returns undefined for anything else (then the general parser, `verify`, `partial` and
   * `output` judge the reply as usual). It must never accept a reply the general path refuses or
   * return a result that path would not.
   */
  readonly fastReply?: (wire: XmlTree | null, xml: string) => unknown;
  /**
   * False for a write that must not be repeated after an unknown outcome although it spends
   * nothing (`user/create` would make a second account; a repeated `poll/ack` fails). Billable
   * calls are never idempotent. Default: true for reads and writes.
   */
  readonly idempotent?: boolean;
  /** For billable calls: what identifies the purchase, for reconciliation after an unknown outcome. */
  readonly subject?: (wire: XmlTree) => Record<string, string | number>;
  /** For billable calls: how to find out what happened after an unknown outcome. */
  readonly reconcile?: string;
  /** For cursor-paged lists: the request field that takes the last item of the previous page. */
  readonly cursor?: "lastId" | "lastName";
  /** A short, runnable call for the docs (`await hrd.domain.check({ names: ["example.pl"] })`). */
  readonly example?: string;
}

export type AnyOperation = Operation<string, unknown, unknown>;
type InputOfOp<O> = O extends Operation<string, infer I, unknown> ? I : never;
type OutputOfOp<O> = O extends Operation<string, infer _I, infer R> ? R : never;
/**
 * What an operation takes: `InputOf<"domain/check">`, or of a declaration
 * (`InputOf<Operations["domain/check"]>`). Anything else is a type error, not `never`.
 */
export type InputOf<O extends OperationName | AnyOperation> = O extends OperationName
  ? InputOfOp<Operations[O]>
  : InputOfOp<O>;
/** What an operation gives back: `OutputOf<"domain/check">`, or of a declaration. */
export type OutputOf<O extends OperationName | AnyOperation> = O extends OperationName
  ? OutputOfOp<Operations[O]>
  : OutputOfOp<O>;

export function defineOp<
  const Name extends string,
  S extends z.ZodType<XmlTree | null>,
  R extends z.ZodType,
>(spec: {
  name: Name;
  effect: Effect;
  summary: string;
  input: S;
  output: R;
  responsePath?: readonly string[];
  partial?: Operation["partial"];
  merge?: Operation["merge"];
  verify?: Operation["verify"];
  body?: Operation["body"];
  fastReply?: (wire: XmlTree | null, xml: string) => z.output<R> | undefined;
  subject?: Operation["subject"];
  reconcile?: string;
  idempotent?: boolean;
  cursor?: "lastId" | "lastName";
  example?: string;
}): Operation<Name, z.input<S>, z.output<R>> {
  const [module, method] = spec.name.split("/");
  return {
    ...spec,
    idempotent: spec.effect === "billable" ? false : (spec.idempotent ?? true),
    responsePath: spec.responsePath ?? (method ? [module!, method] : [module!]),
  } as Operation<Name, z.input<S>, z.output<R>>;
}

/** The request body under `<api>` for an operation and its wire tree. */
export function requestBody(name: string, wire: XmlTree | null): XmlTree {
  const [module, method] = name.split("/");
  if (!method) return wire ? { [module!]: wire } : { [module!]: null };
  return { [module!]: { [method]: wire } };
}
