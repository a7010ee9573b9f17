import type { Command } from "commander";
import type { App } from "../app.js";
import { registerBalance } from "./balance.js";
import { registerBilling } from "./billing.js";
import { registerBulk } from "./bulk.js";
import { registerCert } from "./cert.js";
import { registerCheck } from "./check.js";
import { registerCompletion } from "./completion.js";
import { registerDomains } from "./domains.js";
import { registerPoll } from "./poll.js";
import { registerPrices } from "./prices.js";
import { registerSandbox } from "./sandbox.js";

/** A command module: adds its commands to the program. */
export type RegisterCommands = (program: Command, app: App) => void;

/**
 * Every command module, in the order `hrdkit --help` lists them. Modules import billing, the
 * bridge and the sandbox inside their actions (dynamic import), so `hrdkit check` starts fast.
 */
export const COMMANDS: readonly RegisterCommands[] = [
  registerBalance,
  registerPrices,
  registerCheck,
  registerDomains,
  registerPoll,
  registerCert,
  registerBulk,
  registerBilling,
  registerSandbox,
  registerCompletion,
];
