/**
 * The billing guide's worked example is a script (examples/billing-quote.mjs); this runs it as a
 * user would (built packages, PGlite, the sandbox) and checks the figures the guide quotes.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("../../../examples/billing-quote.mjs", import.meta.url));
const built = existsSync(fileURLToPath(new URL("../dist/index.js", import.meta.url)));

describe.runIf(built)("the billing guide's worked example", () => {
  it("imports prices, prices at 25% rounded to .99, applies the 9.99 zł first year and quotes", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [script], {
      env: { ...process.env, DATABASE_URL: "" },
      timeout: 60_000,
    });
    expect(stdout).toContain(".pl registration, 1 y: 59,99 zł gross (48,77 zł net, cost 39,00 zł)");
    expect(stdout).toMatch(
      /sklep-ani\.pl \(2 y\): list 97,55 zł net; Pierwszy rok \.pl za 9,99 zł −40,66 zł/,
    );
    expect(stdout).toContain("not applied: Odnowienia -10% — not for registrations");
    expect(stdout).toMatch(/1\. Imported \d+ wholesale costs; not imported \(with reasons\): \d+/);
    expect(stdout).toContain("d_pl Rezerwacja: no catalog service for .pl reservation");
  });
});
