/**
 * Every operation's documented example (shown by typedoc, editors and docs/operations.md) is run
 * against a recording stand-in of the client: it must call its own operation, and every input it
 * passes must pass the SDK's validation — so no example in the docs is refused when copied.
 */
import { HrdClient, operations } from "@hrdkit/sdk";
import { describe, expect, it } from "vitest";
import { makeCsr } from "./scenarios/cert.js";

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<unknown>;

function recorder(calls: { name: string; input: unknown }[]) {
  const reply = { id: 1, actionId: 1, pw: "x", exDate: "2027-03-01" };
  return new Proxy(
    {},
    {
      get: (_, module: string) =>
        module === "iterate"
          ? (name: string, input?: unknown) => {
              calls.push({ name, input: input ?? {} });
              return (async function* () {})();
            }
          : new Proxy(
              {},
              {
                get: (_, method: string) => async (input?: unknown) => {
                  calls.push({ name: `${module}/${method}`, input });
                  return reply;
                },
              },
            ),
    },
  );
}

describe("documented examples", () => {
  const client = new HrdClient({ login: "docs", password: "docs", apiKey: "ab" });
  for (const [name, op] of Object.entries(operations)) {
    it(`${name}: the example calls it with valid input`, async () => {
      const example = (op as { example?: string }).example;
      expect(example, "every operation has an example").toBeTruthy();
      const calls: { name: string; input: unknown }[] = [];
      // The free names examples may use, as a reader would have them from an earlier call.
      const scope = {
        msg: { id: 1 },
        code: "Kod-Od-Rejestratora",
        names: ["sklep.pl"],
        actionId: 5001,
        pw: "Kod-Cesji-1",
        csr: (await makeCsr("sklep.pl")).pem,
        console: { log() {} },
      };
      const run = new AsyncFunction("hrd", ...Object.keys(scope), `{ ${example} }`);
      await run(recorder(calls), ...Object.values(scope));
      expect(calls.map((c) => c.name)).toContain(name);
      for (const c of calls) expect(() => client.validate(c.name as never, c.input as never)).not.toThrow();
    });
  }
});
