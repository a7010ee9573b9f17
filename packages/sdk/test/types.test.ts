/**
 * Type-level checks of the public helper types, as a user writes them. These assertions are
 * checked by `tsc -b` (npm test); at run time they only have to load.
 */
import type { HrdClient, InputOf, Operations, OutputOf } from "@hrdkit/sdk";
import { describe, expectTypeOf, it } from "vitest";

describe("InputOf / OutputOf", () => {
  it("take an operation name and give what the client method takes and returns", () => {
    expectTypeOf<InputOf<"domain/check">>().not.toBeNever();
    expectTypeOf<InputOf<"domain/check">>().toEqualTypeOf<Parameters<HrdClient["domain"]["check"]>[0]>();
    expectTypeOf<{ names: string[] }>().toExtend<InputOf<"domain/check">>();
    expectTypeOf<OutputOf<"domain/check">>().toEqualTypeOf<
      Awaited<ReturnType<HrdClient["domain"]["check"]>>
    >();
    expectTypeOf<OutputOf<"partner/getBalance">>().not.toBeNever();
  });

  it("take an operation's declaration the same way", () => {
    expectTypeOf<InputOf<Operations["domain/renew"]>>().toEqualTypeOf<InputOf<"domain/renew">>();
    expectTypeOf<OutputOf<Operations["domain/info"]>>().toEqualTypeOf<OutputOf<"domain/info">>();
  });

  it("refuse what is not an operation instead of turning it into never", () => {
    // @ts-expect-error a misspelt operation name is a type error
    type Misspelt = InputOf<"domain/chek">;
    // @ts-expect-error so is any other type
    type NotAnOperation = OutputOf<{ names: string[] }>;
    expectTypeOf<Misspelt | NotAnOperation>().toBeNever();
  });
});
