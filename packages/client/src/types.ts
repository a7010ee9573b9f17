/**
 * The typed surface, derived from the generated `paths` (openapi-typescript's output): for a
 * method and a path template, what the call takes (path and query parameters, headers, body) and
 * what it gives back (the JSON of its 2xx response). Nothing here exists at run time.
 */
import type { components, paths } from "./schema.generated.js";

/** HTTP methods the bridge's routes use. */
export type Method = "get" | "put" | "post" | "delete" | "patch";

/** The bridge's named schemas, e.g. `Schemas["Customer"]`. */
export type Schemas = components["schemas"];

/** Path templates that have an operation for `M`, e.g. `"/v1/billing/customers/{id}"` for `"get"`. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P] extends { [K in M]: object } ? P : never;
}[keyof paths];

/** The operation object behind `M path`. */
export type OperationOf<P extends keyof paths, M extends Method> = paths[P] extends { [K in M]: infer Op }
  ? Op
  : never;

/** No fields: the neutral element of an intersection. */
type Empty = Record<never, never>;

type Simplify<T> = { [K in keyof T]: T[K] } & Empty;

/** One group of parameters (path, query, header) of an operation; `never` when it has none. */
type Group<Op, G extends string> = Op extends { parameters: { [K in G]?: infer X } }
  ? Exclude<X, undefined>
  : never;

/** `{ name: T }`, `{ name?: T }` when every field of T is optional, `Empty` when T is empty or never. */
type Field<Name extends string, T> = [T] extends [never]
  ? Empty
  : keyof T extends never
    ? Empty
    : Empty extends T
      ? { [K in Name]?: T }
      : { [K in Name]: T };

/** Headers the caller may send: the client sets `idempotency-key` itself (or takes `idempotencyKey`). */
type CallerHeaders<Op> = [Group<Op, "header">] extends [never]
  ? never
  : Omit<Group<Op, "header">, "idempotency-key">;

type Params<Op> = Field<"path", Group<Op, "path">> &
  Field<"query", Group<Op, "query">> &
  Field<"header", CallerHeaders<Op>>;

type RequestBody<Op> = Op extends { requestBody?: infer R } ? Exclude<R, undefined> : never;
/** `{ body }`, or `{ body? }` when the operation's body is optional. */
type BodyField<Op, B> = Op extends { requestBody: object } ? { body: B } : { body?: B };
type BodyOf<Op> = [RequestBody<Op>] extends [never]
  ? Empty
  : RequestBody<Op> extends { content: infer C }
    ? "application/json" extends keyof C
      ? BodyField<Op, C["application/json"]>
      : // A file (a bank statement…): its bytes as they are, sent with one of the declared types.
        BodyField<Op, string | Uint8Array> & { contentType: keyof C & string }
    : Empty;

/** Takes an Idempotency-Key: the option is offered only where the operation has the header. */
type IdempotencyOf<Op> = [Group<Op, "header">] extends [never]
  ? Empty
  : "idempotency-key" extends keyof Group<Op, "header">
    ? {
        /**
         * The `Idempotency-Key` of this call. When left out, the client makes one (a UUID) for
         * operations that require it, and sends the same one on every retry of the call.
         */
        idempotencyKey?: string;
      }
    : Empty;

/** Per-call options, on every operation. */
export interface CallOptions {
  /** Aborts the call (and any retry waiting to be sent). */
  signal?: AbortSignal;
  /** Timeout of each attempt, in ms (default: the client's). */
  timeout?: number;
  /** Retries for this call (0: none); only ever used for calls that are safe to repeat. */
  retries?: number;
}

/** What a call of `M path` takes. */
export type CallInit<Op> = Simplify<
  Field<"params", Simplify<Params<Op>>> & BodyOf<Op> & IdempotencyOf<Op> & CallOptions
>;

/** The call's arguments: the init may be left out when nothing in it is required. */
export type InitArgs<Op> = Empty extends CallInit<Op> ? [init?: CallInit<Op>] : [init: CallInit<Op>];

type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 205 | 206;
type Success<Op> = Op extends { responses: infer R } ? R[keyof R & SuccessStatus] : never;

/** Media types whose body the client gives as text (others but JSON come as bytes). */
type TextType = `text/${string}` | "application/xml" | `application/${string}+xml`;

/**
 * The body of the operation's 2xx response: its JSON; a `string` for text (XML, CSV); a `Buffer`
 * for anything else (a PDF, an image); `undefined` when it has none.
 */
export type ResponseData<Op> =
  Success<Op> extends infer S
    ? S extends { content: infer C }
      ? "application/json" extends keyof C
        ? C["application/json"]
        : keyof C extends TextType
          ? string
          : Buffer
      : undefined
    : never;

/** A successful call's result: the body, with the status and headers of the response. */
export interface ApiResponse<T> {
  data: T;
  status: number;
  headers: Record<string, string>;
  /** The `X-Request-Id` of the call (the bridge's, or the one the client sent). */
  requestId: string;
  /** The `Idempotency-Key` the call was sent with, when it had one. */
  idempotencyKey?: string;
}

/** A typed call for method `M`: `client.get("/v1/billing/customers/{id}", { params: { path: { id } } })`. */
export type Caller<M extends Method> = <P extends PathsWith<M>>(
  path: P,
  ...init: InitArgs<OperationOf<P, M>>
) => Promise<ApiResponse<ResponseData<OperationOf<P, M>>>>;
