import type { Command } from "commander";
import type { App } from "../app.js";

// Placeholder: filled in by the engineer who owns this file.
export function registerBilling(_program: Command, _app: App): void {}
