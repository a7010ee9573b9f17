import type { Sandbox } from "@hrdkit/sandbox";
import type { HrdClient } from "@hrdkit/sdk";

/** What every conformance scenario gets: a client, its sandbox, and two accounts made by the core scenario. */
export interface ScenarioContext {
  client: HrdClient;
  sandbox: Sandbox;
  /** A person's registrant account id. */
  person: number;
  /** A company's registrant account id. */
  company: number;
}
