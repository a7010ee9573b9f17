import { formatAmount } from "@hrdkit/sdk";
import type { Command } from "commander";
import type { App } from "../app.js";

/** `hrdkit balance`: the partner's balance at HRD and the part held for running operations. */
export function registerBalance(program: Command, app: App): void {
  program
    .command("balance")
    .description("the partner's balance at HRD (PLN) and the part held for operations in progress")
    .addHelpText(
      "after",
      `
Examples:
  $ hrdkit balance
  $ hrdkit balance --json | jq .balanceGrosze
  $ hrdkit --profile shop2 balance`,
    )
    .action(async (_opts, cmd: Command) => {
      const out = app.output(cmd);
      const { balance, restrictedBalance } = await app.hrd(cmd).partner.getBalance();
      const available = balance.grosze - restrictedBalance.grosze;
      out.result(
        {
          balance: balance.value,
          balanceGrosze: balance.grosze,
          restricted: restrictedBalance.value,
          restrictedGrosze: restrictedBalance.grosze,
          availableGrosze: available,
        },
        () =>
          `balance:    ${formatAmount(balance.grosze)} PLN\n` +
          `restricted: ${formatAmount(restrictedBalance.grosze)} PLN\n` +
          `available:  ${formatAmount(available)} PLN`,
      );
    });
}
