import { formatAmount } from "@hrdkit/sdk";
import type { Command } from "commander";
import type { App } from "../app.js";
import { InputIssues } from "../hrd/issues.js";
import { domainPrices } from "../hrd/prices.js";

/** `hrdkit prices`: the partner's wholesale domain prices at HRD. */
export function registerPrices(program: Command, app: App): void {
  program
    .command("prices")
    .description("the partner's wholesale domain prices at HRD (PLN, net): register, renew, transfer per TLD")
    .argument("[tld...]", "only these TLDs (pl, com.pl, .eu …); default: all")
    .addHelpText(
      "after",
      `
Amounts are exact: PLN with two decimals for people, integer grosze with --json ("-" or null:
HRD lists no such price for the TLD).

Examples:
  $ hrdkit prices
  $ hrdkit prices pl com.pl eu
  $ hrdkit prices --json | jq 'select(.tld=="pl").registerGrosze'`,
    )
    .action(async (tlds: string[], _opts, cmd: Command) => {
      const out = app.output(cmd);
      const wanted = tlds.map((t) => t.trim().toLowerCase().replace(/^\./, ""));
      const issues = new InputIssues();
      wanted.forEach((t, i) => {
        if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(t)) issues.add(`tld ${i + 1}`, `"${tlds[i]}" is not a TLD`);
      });
      issues.throwIfAny("hrdkit prices");
      let rows = domainPrices(await app.hrd(cmd).partner.getPricings());
      if (wanted.length) {
        const known = new Set(rows.map((r) => r.tld));
        const missing = wanted.filter((t) => !known.has(t));
        for (const t of missing) issues.add(t, "not in the partner's price list");
        issues.throwIfAny("hrdkit prices", "");
        rows = wanted.map((t) => rows.find((r) => r.tld === t)!);
      } else {
        rows.sort((a, b) => a.tld.localeCompare(b.tld));
      }
      if (out.json) {
        out.table(rows as unknown as Record<string, unknown>[], []);
        return;
      }
      const pln = (g: number | null) => (g === null ? "-" : formatAmount(g));
      out.table(
        rows.map((r) => ({
          TLD: r.tld,
          "register PLN": pln(r.registerGrosze),
          "renew PLN": pln(r.renewGrosze),
          "transfer PLN": pln(r.transferGrosze),
        })),
        ["TLD", "register PLN", "renew PLN", "transfer PLN"],
      );
    });
}
